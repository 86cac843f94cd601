# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options every module shares, and the client built from them.

The environment variable names are the Terraform provider's, so existing environments just work.
Precedence is Ansible's: task value, then module_defaults, then the environment variable.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import copy

from ansible.module_utils.basic import env_fallback

from ansible_collections.oncall.grafana.plugins.module_utils.client import DEFAULT_MAX_CONCURRENT_REQUESTS, OnCallClient

CONNECTION_ARGUMENT_SPEC = dict(
    url=dict(type="str", fallback=(env_fallback, ["GRAFANA_ONCALL_URL"])),
    token=dict(type="str", no_log=True, fallback=(env_fallback, ["GRAFANA_ONCALL_ACCESS_TOKEN"])),
    grafana_url=dict(type="str", fallback=(env_fallback, ["GRAFANA_URL"])),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    timeout=dict(type="int", default=30),
    retries=dict(type="int", default=5),
    max_retry_delay=dict(type="int", default=120),
    max_concurrent_requests=dict(type="int", default=DEFAULT_MAX_CONCURRENT_REQUESTS),
)


def with_connection_options(argument_spec):
    """A module's own options plus the shared connection options."""
    spec = copy.deepcopy(CONNECTION_ARGUMENT_SPEC)
    spec.update(argument_spec)
    return spec


def client_from_params(params, on_retry=None):
    """Build the client; raises OnCallError with the option's name when a connection option is wrong."""
    return OnCallClient(
        url=params.get("url"),
        token=params.get("token"),
        grafana_url=params.get("grafana_url"),
        validate_certs=params.get("validate_certs"),
        ca_path=params.get("ca_path"),
        timeout=params.get("timeout"),
        retries=params.get("retries"),
        max_retry_delay=params.get("max_retry_delay"),
        max_concurrent_requests=params.get("max_concurrent_requests"),
        on_retry=on_retry,
    )

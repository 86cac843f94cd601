# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The glue between AnsibleModule and the resource layer, so module files stay declarations.

This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.oncall.grafana.plugins.module_utils.client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.oncall.grafana.plugins.module_utils.connection import client_from_params, with_connection_options
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError


def build_module(argument_spec, **kwargs):
    """An AnsibleModule with the connection options, check mode, and the requests check done."""
    module = AnsibleModule(argument_spec=with_connection_options(argument_spec), supports_check_mode=True, **kwargs)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    return module


def run(module, work):
    """Build the client, run ``work(client)`` and exit with its result; every known failure becomes one message."""
    try:
        client = client_from_params(module.params, on_retry=module.warn)
        result = work(client)
    except OnCallAPIError as exc:
        module.fail_json(msg=str(exc), method=exc.method, path=exc.path, status=exc.status)
    except OnCallError as exc:
        # A task that writes many objects says which were written before it failed (see fleet.py).
        module.fail_json(msg=str(exc), **getattr(exc, "result", {}))
    else:
        module.exit_json(**result)


def run_resource(module, resource_class):
    """Run one resource task (present/absent) and exit."""
    run(module, lambda client: resource_class(module, client).run())

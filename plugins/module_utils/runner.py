# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The glue between AnsibleModule and the resource layer, so module files stay declarations.

This is the only place that knows the Ansible module: below it, everything takes plain values (the task's
options, a client, check mode, diff mode and a warn callback).
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.oncall.grafana.plugins.module_utils.client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.oncall.grafana.plugins.module_utils.connection import client_from_params, with_connection_options
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError, PartialFailure
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameResolver


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
        module.fail_json(msg=str(exc), **exc.where())
    except PartialFailure as exc:
        # A task that writes many objects says which were written before it failed, and which were not.
        module.fail_json(msg=str(exc), changed=exc.changed, results=exc.applied, not_applied=exc.not_applied, **exc.where())
    except OnCallError as exc:
        module.fail_json(msg=str(exc))
    else:
        module.exit_json(**result)


def run_task(module, task_class):
    """Run a task object built like a resource, ``task_class(params, client, check_mode, diff, warn)``, and exit."""
    run(module, lambda client: task_class(module.params, client, module.check_mode, module._diff, module.warn).run())


def run_listing(module, list_function):
    """Run an info module's ``list_function(params, client, names)`` and exit."""
    run(module, lambda client: list_function(module.params, client, NameResolver(client, module.check_mode, module.warn)))

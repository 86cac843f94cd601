#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oncall_route_info
short_description: List the routes of a Grafana OnCall integration, in order
version_added: 1.0.0
description:
  - Lists the routes of one integration in the order OnCall tries them, the default route last (marked with
    C(is_the_last_route)). Never changes anything.
author:
  - oncall.grafana contributors (@oncall-grafana)
extends_documentation_fragment:
  - oncall.grafana.connection
  - oncall.grafana.attributes.info_module
  - oncall.grafana.attributes.actiongroup
options:
  integration:
    description:
      - The integration's name; one request to resolve it. Mutually exclusive with O(integration_id).
    type: str
  integration_id:
    description:
      - The integration's id (C(C...)). Mutually exclusive with O(integration); one of them is required.
    type: str
seealso:
  - module: oncall.grafana.oncall_route
"""

EXAMPLES = r"""
- name: Show how alerts of an integration are routed
  oncall.grafana.oncall_route_info:
    integration: Production Alertmanager
  register: routing
"""

RETURN = r"""
routes:
  description:
    - The integration's routes, each as the API returns it, in the order OnCall tries them; the default route
      (C(is_the_last_route=true)) last. Empty for an unknown integration id.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "RVBE4RKQSCGJ2", "position": 0, "routing_type": "regex", "routing_regex": "critical",
            "escalation_chain_id": "FW6E8N3JQ1ZVK", "is_the_last_route": false}]
"""

from ansible_collections.oncall.grafana.plugins.module_utils.route import ROUTE_INFO_ARGUMENT_SPEC, ROUTE_INFO_MODULE_KWARGS, list_routes
from ansible_collections.oncall.grafana.plugins.module_utils.runner import build_module, run_listing


def main():
    module = build_module(ROUTE_INFO_ARGUMENT_SPEC, **ROUTE_INFO_MODULE_KWARGS)
    run_listing(module, list_routes)


if __name__ == "__main__":
    main()

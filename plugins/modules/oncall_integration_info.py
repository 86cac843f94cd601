#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oncall_integration_info
short_description: List Grafana OnCall integrations, and export them as oncall_integration options
version_added: 1.0.0
description:
  - Lists the integrations of an OnCall organization, walking every page, optionally filtered.
  - With O(export=true), each integration also carries RV(integrations[].params), the options that make
    M(oncall.grafana.oncall_integration) reproduce it with its routes, so an existing OnCall can be adopted as code.
  - Never changes anything.
author:
  - oncall.grafana contributors (@oncall-grafana)
extends_documentation_fragment:
  - oncall.grafana.connection
  - oncall.grafana.attributes.info_module
  - oncall.grafana.attributes.actiongroup
options:
  id:
    description:
      - Only the integration with this id (C(C...)). One request.
    type: str
  name:
    description:
      - Only integrations with exactly this name (one in each team at most).
    type: str
  team_id:
    description:
      - Only integrations of this team id (C(T...)); V("") for integrations without a team.
      - Filtered on the client side (the server's team filter answers HTTP 500 on self-hosted OnCall).
      - Mutually exclusive with O(team).
    type: str
  team:
    description:
      - Only integrations of the team with this name. Costs one request to resolve the name.
      - Mutually exclusive with O(team_id).
    type: str
  type:
    description:
      - Only integrations of this type, for example V(alertmanager).
    type: str
  export:
    description:
      - Add RV(integrations[].params) to each integration.
    type: bool
    default: false
notes:
  - Without O(id) or O(name), the whole organization is listed with C(perpage=100), one request per page; the pages after
    the first are asked at once, at most O(max_concurrent_requests) in flight.
  - With O(export=true), the routes are read too - one listing per exported integration, or one listing of every route
    when that costs fewer requests.
  - The exported templates are OnCall Jinja. Written to a vars file with plain C(to_nice_yaml), Ansible would render
    them when the file is loaded; write the file with the P(oncall.grafana.to_unsafe_yaml#filter) filter, which tags
    them C(!unsafe). See the collection's C(docs/adopting.md).
seealso:
  - module: oncall.grafana.oncall_integration
  - plugin: oncall.grafana.to_unsafe_yaml
    plugin_type: filter
"""

EXAMPLES = r"""
- name: List every integration
  oncall.grafana.oncall_integration_info:
  register: oncall

- name: List the Alertmanager integrations of the Platform team
  oncall.grafana.oncall_integration_info:
    team: Platform
    type: alertmanager
  register: platform_alertmanagers

- name: Export every integration as oncall_integration options
  oncall.grafana.oncall_integration_info:
    export: true
  register: exported

- name: Write them to a vars file, templates protected from Ansible's own Jinja
  ansible.builtin.copy:
    dest: "{{ playbook_dir }}/vars/oncall_integrations.yml"
    mode: "0600"
    content: >-
      {{ {'oncall_integrations': exported.integrations | map(attribute='params') | select | list}
         | oncall.grafana.to_unsafe_yaml }}
"""

RETURN = r"""
integrations:
  description:
    - The integrations that match, in the server's order (creation), each as the API returns it. Empty when none match.
    - Each carries C(link), the secret URL senders post to.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The integration's id.
      type: str
      sample: CFRPV98RPR1U8
    name:
      description: The integration's name.
      type: str
      sample: Production Alertmanager
    team_id:
      description: The team's id, or null.
      type: str
      sample: TGD6H3A1Y5FCL
    type:
      description: The integration type.
      type: str
      sample: alertmanager
    templates:
      description: Every template; null means the type's default.
      type: dict
    default_route:
      description: The default route.
      type: dict
    params:
      description:
        - With O(export=true) only. The options that make M(oncall.grafana.oncall_integration) reproduce this
          integration (C(purge_templates=true) included) and its non-default routes in order (C(routes)), with ids so a
          re-apply costs two requests, the lookup and the routes listing. Never the link.
        - Route items carry no id of their own (a route is matched by its type and term); their chains and channels are
          given by id, as for the default route. Routes of type C(labels), which only the web UI can make, are left out
          (the module never touches them).
        - Null for integrations OnCall manages itself (C(direct_paging), one per team), which the collection never changes.
      type: dict
      returned: when O(export=true)
      sample:
        id: CFRPV98RPR1U8
        name: Production Alertmanager
        team_id: TGD6H3A1Y5FCL
        type: alertmanager
        description_short: ""
        templates: {"grouping_key": "{{ payload.groupKey }}"}
        purge_templates: true
        default_route: {"escalation_chain_id": "FW6E8N3JQ1ZVK", "slack": {"channel_id": "", "enabled": true},
                        "telegram": {"id": "", "enabled": false}}
        routes: [{"routing_type": "regex", "routing_regex": "critical", "escalation_chain_id": "F5GQXUJXNRRDA",
                  "slack": {"channel_id": "", "enabled": true}, "telegram": {"id": "", "enabled": false}}]
"""

from ansible_collections.oncall.grafana.plugins.module_utils.integration import (
    INTEGRATION_INFO_ARGUMENT_SPEC,
    INTEGRATION_INFO_MODULE_KWARGS,
    list_integrations,
)
from ansible_collections.oncall.grafana.plugins.module_utils.runner import build_module, run_listing


def main():
    module = build_module(INTEGRATION_INFO_ARGUMENT_SPEC, **INTEGRATION_INFO_MODULE_KWARGS)
    run_listing(module, list_integrations)


if __name__ == "__main__":
    main()

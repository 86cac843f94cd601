#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oncall_escalation_chain_info
short_description: List Grafana OnCall escalation chains
version_added: 1.0.0
description:
  - Lists the escalation chains of an OnCall organization, walking every page, optionally filtered. Never changes anything.
author:
  - oncall.grafana contributors (@oncall-grafana)
extends_documentation_fragment:
  - oncall.grafana.connection
  - oncall.grafana.attributes.info_module
  - oncall.grafana.attributes.actiongroup
options:
  name:
    description:
      - Only the chain with exactly this name.
    type: str
  team_id:
    description:
      - Only chains of this team id; V("") for chains without a team. Filtered on the client side (the server's team
        filter answers HTTP 500 on self-hosted OnCall).
      - Mutually exclusive with O(team).
    type: str
  team:
    description:
      - Only chains of the team with this name; one request to resolve it.
      - Mutually exclusive with O(team_id).
    type: str
  steps:
    description:
      - Add each chain's steps, in order (C(steps)). One listing of every step of the organization answers all chains,
        whatever their number.
    type: bool
    default: false
  export:
    description:
      - Add C(params) to each chain, the M(oncall.grafana.oncall_escalation_chain) options that reproduce it, by id
        (C(team_id), and with O(steps) the steps' C(user_ids), C(schedule_id), C(team_id), C(user_group_id),
        C(webhook_id)), so that applying them back changes nothing.
      - Steps carry no id of their own (their order is their identity); C(important) is given only for the types
        that have it. A step of a type this collection does not know, or an empty one, is left out.
    type: bool
    default: false
seealso:
  - module: oncall.grafana.oncall_escalation_chain
"""

EXAMPLES = r"""
- name: List the escalation chains of the Platform team
  oncall.grafana.oncall_escalation_chain_info:
    team: Platform
  register: platform_chains

- name: Export every chain with its steps, to adopt them with oncall_escalation_chain
  oncall.grafana.oncall_escalation_chain_info:
    steps: true
    export: true
  register: exported

- name: Apply the export back (changes nothing)
  oncall.grafana.oncall_escalation_chain:
    id: "{{ item.params.id }}"
    name: "{{ item.params.name }}"
    team_id: "{{ item.params.team_id }}"
    steps: "{{ item.params.steps }}"
  loop: "{{ exported.escalation_chains }}"
  loop_control:
    label: "{{ item.name }}"
"""

RETURN = r"""
escalation_chains:
  description:
    - The chains that match, each as the API returns it. Empty when none match.
    - With O(steps), each has C(steps), as the API returns them, in order; with O(export), C(params).
  returned: always
  type: list
  elements: dict
  sample: [{"id": "FW6E8N3JQ1ZVK", "name": "Platform on-call", "team_id": "TGD6H3A1Y5FCL",
            "steps": [{"position": 0, "id": "EG7CXJ1KQ8W2M", "escalation_chain_id": "FW6E8N3JQ1ZVK", "type": "wait", "duration": 300}],
            "params": {"id": "FW6E8N3JQ1ZVK", "name": "Platform on-call", "team_id": "TGD6H3A1Y5FCL",
                       "steps": [{"type": "wait", "duration": 300}]}}]
"""

from ansible_collections.oncall.grafana.plugins.module_utils.escalation_chain import (
    ESCALATION_CHAIN_INFO_ARGUMENT_SPEC,
    ESCALATION_CHAIN_INFO_MODULE_KWARGS,
    list_escalation_chains,
)
from ansible_collections.oncall.grafana.plugins.module_utils.runner import build_module, run_listing


def main():
    module = build_module(ESCALATION_CHAIN_INFO_ARGUMENT_SPEC, **ESCALATION_CHAIN_INFO_MODULE_KWARGS)
    run_listing(module, list_escalation_chains)


if __name__ == "__main__":
    main()

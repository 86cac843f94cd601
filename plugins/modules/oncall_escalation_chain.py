#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oncall_escalation_chain
short_description: Manage Grafana OnCall escalation chains
version_added: 1.0.0
description:
  - Creates, renames, moves between teams and deletes OnCall escalation chains, the sequences of steps that
    notify people when an alert arrives. The steps inside a chain are not managed by this module.
  - An unchanged chain costs one request (the lookup); an update one C(PUT); a create one C(POST); a delete one C(DELETE).
author:
  - oncall.grafana contributors (@oncall-grafana)
extends_documentation_fragment:
  - oncall.grafana.connection
  - oncall.grafana.attributes
  - oncall.grafana.attributes.actiongroup
options:
  state:
    description:
      - V(present) creates the chain or makes it match the task; V(absent) deletes it.
      - Deleting a chain deletes its steps. Routes that used it stay, without a chain, so their alerts escalate to
        nobody until they get another chain.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The chain's name, at most 100 characters, unique in the whole organization whatever the team.
      - The name alone identifies the chain (the team is an attribute the task can change).
      - Required unless O(id) is given. With O(id), a different name renames the chain.
    type: str
  id:
    description:
      - The chain's id (C(F...)), to address it directly. An unknown id fails with O(state=present) and is already
        absent with O(state=absent).
    type: str
  team_id:
    description:
      - The id of the team the chain belongs to; V("") means no team. Left out (and O(team) too), the team is not managed.
      - Mutually exclusive with O(team).
    type: str
  team:
    description:
      - The name of the team the chain belongs to, instead of O(team_id); one request to resolve it.
      - Mutually exclusive with O(team_id).
    type: str
seealso:
  - module: oncall.grafana.oncall_escalation_chain_info
  - module: oncall.grafana.oncall_route
  - name: OnCall escalation chains API
    description: The API this module uses.
    link: https://grafana.com/docs/oncall/latest/oncall-api-reference/escalation_chains/
"""

EXAMPLES = r"""
- name: Create an escalation chain for the Platform team
  oncall.grafana.oncall_escalation_chain:
    name: Platform on-call
    team: Platform

- name: Rename a chain by id
  oncall.grafana.oncall_escalation_chain:
    id: FW6E8N3JQ1ZVK
    name: Platform primary on-call

- name: Delete a chain (routes that used it keep existing, without a chain)
  oncall.grafana.oncall_escalation_chain:
    name: Platform primary on-call
    state: absent
"""

RETURN = r"""
escalation_chain:
  description:
    - The chain as the server returned it after the change; the current chain when nothing changed; V({}) once absent.
    - In check mode the predicted chain, with a null id on a create.
  returned: always
  type: dict
  contains:
    id:
      description: The chain's id.
      type: str
      sample: FW6E8N3JQ1ZVK
    name:
      description: The chain's name.
      type: str
      sample: Platform on-call
    team_id:
      description: The team's id, or null.
      type: str
      sample: TGD6H3A1Y5FCL
"""

from ansible_collections.oncall.grafana.plugins.module_utils.escalation_chain import (
    ESCALATION_CHAIN_ARGUMENT_SPEC,
    ESCALATION_CHAIN_MODULE_KWARGS,
    EscalationChain,
)
from ansible_collections.oncall.grafana.plugins.module_utils.runner import build_module, run_task


def main():
    module = build_module(ESCALATION_CHAIN_ARGUMENT_SPEC, **ESCALATION_CHAIN_MODULE_KWARGS)
    run_task(module, EscalationChain)


if __name__ == "__main__":
    main()

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
    notify people when an alert arrives, and with O(steps) the steps themselves, as one ordered list.
  - An unchanged chain costs one request (the lookup); an update one C(PUT); a create one C(POST); a delete one C(DELETE).
  - With O(steps), an unchanged chain costs the lookup, one listing of its steps, and one request per kind of name the
    steps use (one listing of users for every username and e-mail address; one lookup per schedule, team, user group
    or webhook name). A step already in place costs nothing; a changed or moved step one C(PUT) (a move and field changes
    go in the same request, and the step keeps its id); a new step one C(POST); a step the list no longer has one
    C(DELETE). Only the steps outside a longest run already in the wanted order are moved.
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
  steps:
    description:
      - The chain's steps, in order. Given, the chain's steps become exactly this list; left out, steps are not
        managed; V([]) removes every step.
      - Every step is checked before any request, and a bad one fails naming it (C(steps[2].duration)) - OnCall itself
        accepts steps that can never work (a wait without a duration, a notification of nobody). Every name is
        resolved before the first write; an unknown user, schedule or user group fails in check mode too.
      - Each step's references are given by name or by id, one of each pair. Options that do not belong to the step's
        O(steps[].type) are refused.
      - After each write the server's answer is compared with what was sent (OnCall drops user ids it does not know
        without an error); a difference fails the task naming the step.
    type: list
    elements: dict
    suboptions:
      type:
        description:
          - What the step does. V(wait) waits O(steps[].duration). V(notify_persons) notifies O(steps[].users);
            V(notify_person_next_each_time) notifies one of them, the next one each time (round robin).
            V(notify_on_call_from_schedule) notifies who is on call in O(steps[].schedule);
            V(notify_next_on_call_from_schedule) (Grafana Cloud only) who is on call next.
            V(notify_user_group) notifies a Slack user group; V(notify_team_members) the members of O(steps[].team);
            V(notify_whole_channel) the route's Slack channel (needs Slack).
            V(trigger_webhook) calls an outgoing webhook.
            V(notify_if_time_from_to) continues only between two UTC times;
            V(notify_if_num_alerts_in_window) only when enough alerts arrived in a time window.
            V(repeat_escalation) starts again from the first step (at most five times); V(resolve) resolves the alert group;
            V(declare_incident) declares a Grafana Incident (only where the server enables it).
          - A server that lacks a type (Cloud-only, Slack or Incident not set up) refuses it; the task fails with its
            answer and the step's index.
        type: str
        required: true
        choices: [declare_incident, notify_if_num_alerts_in_window, notify_if_time_from_to, notify_next_on_call_from_schedule,
                  notify_on_call_from_schedule, notify_person_next_each_time, notify_persons, notify_team_members,
                  notify_user_group, notify_whole_channel, repeat_escalation, resolve, trigger_webhook, wait]
      important:
        description:
          - Use the users' important notification rules. Only for V(notify_persons), V(notify_on_call_from_schedule),
            V(notify_user_group) and V(notify_team_members); refused elsewhere, and for round robin, because OnCall
            hides an important round robin step for good (it can no longer be seen nor removed through the API).
        type: bool
        default: false
      duration:
        description:
          - For V(wait), how long, in seconds (V(300)) or as a text with a unit (V(90s), V(5m), V(1h)); from 60 seconds to 24 hours.
        type: raw
      users:
        description:
          - For V(notify_persons) and V(notify_person_next_each_time), the users, by username or e-mail address
            (matched without regard to case, as OnCall does). One listing of users answers all of them.
          - Compared as a set; mutually exclusive with O(steps[].user_ids).
        type: list
        elements: str
      user_ids:
        description: The users by id (C(U...)), instead of O(steps[].users).
        type: list
        elements: str
      schedule:
        description: For the two schedule types, the schedule's name (exact); mutually exclusive with O(steps[].schedule_id).
        type: str
      schedule_id:
        description: The schedule's id (C(S...)), instead of O(steps[].schedule).
        type: str
      team:
        description: For V(notify_team_members), the team's name; mutually exclusive with O(steps[].team_id).
        type: str
      team_id:
        description: The team's id (C(T...)), instead of O(steps[].team).
        type: str
      user_group:
        description:
          - For V(notify_user_group), the Slack user group's handle (a leading C(@) is ignored); mutually exclusive with
            O(steps[].user_group_id). Only groups of the Slack workspace connected to OnCall exist.
        type: str
      user_group_id:
        description: The user group's OnCall id, instead of O(steps[].user_group).
        type: str
      webhook:
        description: For V(trigger_webhook), the outgoing webhook's name; mutually exclusive with O(steps[].webhook_id).
        type: str
      webhook_id:
        description: The outgoing webhook's id (C(WH...)), instead of O(steps[].webhook).
        type: str
      notify_if_time_from:
        description:
          - For V(notify_if_time_from_to), the start of the window, in UTC (V(09:00), V(09:00:00) or V(09:00:00Z)).
        type: str
      notify_if_time_to:
        description: For V(notify_if_time_from_to), the end of the window, in UTC.
        type: str
      num_alerts_in_window:
        description: For V(notify_if_num_alerts_in_window), how many alerts (at least 1).
        type: int
      num_minutes_in_window:
        description: For V(notify_if_num_alerts_in_window), in how many minutes (at least 1).
        type: int
      severity:
        description: For V(declare_incident), the incident's severity (for example V(critical)); left out, not managed.
        type: str
notes:
  - Steps OnCall hides from its API (an important round robin step, steps of deprecated types) cannot be seen, so they
    stay on the chain whatever O(steps) says. Only deleting the chain, or the web UI, removes them.
  - A step is identified by its place in the list, not by an id. Existing steps are paired with the listed ones so
    that a step already in place is left alone and a changed one is updated in place.
  - In check mode the steps are planned from the same reads and the diff shows the same step list, also for a chain
    the task would create; nothing is written.
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

- name: A chain that pages someone - wait, the on-call of a schedule (important), a webhook, then repeat
  oncall.grafana.oncall_escalation_chain:
    name: Platform critical
    team: Platform
    steps:
      - type: notify_on_call_from_schedule
        schedule: Platform primary
        important: true
      - type: wait
        duration: 5m
      - type: notify_persons
        users: [alice, bob@example.com]
      - type: trigger_webhook
        webhook: page-incident-bot
      - type: repeat_escalation

- name: Remove every step of a chain
  oncall.grafana.oncall_escalation_chain:
    name: Platform critical
    steps: []

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
    steps:
      description:
        - The chain's steps in order, as the API returns them (C(position), C(id), C(escalation_chain_id), C(type), the
          fields of that type), when the task manages O(steps). In check mode, new steps have a null id.
      returned: when O(steps) is given
      type: list
      elements: dict
      sample: [{"position": 0, "id": "EG7CXJ1KQ8W2M", "escalation_chain_id": "FW6E8N3JQ1ZVK", "type": "wait", "duration": 300}]
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

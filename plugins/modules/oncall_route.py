#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oncall_route
short_description: Manage the routes of a Grafana OnCall integration
version_added: 1.0.0
description:
  - Creates, updates, orders and deletes the routes of an OnCall integration. A route matches alerts with a regular
    expression or a Jinja2 template and sends them to an escalation chain and chat channels. Routes are tried in order;
    alerts that match none take the integration's default route, which M(oncall.grafana.oncall_integration) manages.
  - A route is identified by O(id), or else by its integration, O(routing_type) and O(routing_regex). OnCall does not
    keep these unique, so two routes matching the same identity fail the task, which then changes nothing.
  - An unchanged route costs the routes listing of its integration (one request, plus one per name used).
  - To manage all of an integration's routes as one ordered list (routes not listed deleted, a reorder previewed exactly in
    check mode), use O(oncall.grafana.oncall_integration#module:routes) instead. A task of this module on an integration whose
    routes a task with that option lists undoes, or is undone by, the other on every run unless its route is in that list as
    the list says it.
author:
  - oncall.grafana contributors (@oncall-grafana)
extends_documentation_fragment:
  - oncall.grafana.connection
  - oncall.grafana.attributes
  - oncall.grafana.attributes.actiongroup
options:
  state:
    description:
      - V(present) creates the route or makes it match the task; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  id:
    description:
      - The route's id (C(R...)). With it, O(routing_regex) and O(routing_type) are attributes the task can change.
      - The default route cannot be addressed here.
    type: str
  integration:
    description:
      - The name of the integration the route belongs to; one request to resolve it. When several teams have an
        integration of that name, use O(integration_id).
      - Mutually exclusive with O(integration_id). One of O(id), O(integration) and O(integration_id) is required.
    type: str
  integration_id:
    description:
      - The id (C(C...)) of the integration the route belongs to. A route cannot move to another integration.
      - Mutually exclusive with O(integration).
    type: str
  routing_type:
    description:
      - How O(routing_regex) matches alerts. V(regex) is a Python regular expression searched in the alert payload;
        V(jinja2) is a template that matches when it renders to true.
      - Defaults to V(regex) when creating or looking up a route; left out with O(id), the type is not managed.
    type: str
    choices: [regex, jinja2]
  routing_regex:
    description:
      - The regular expression or Jinja2 template, at most 1024 characters, checked before any request (Python C(re) for
        regular expressions, Jinja2 syntax for templates).
      - Required unless O(id) is given. It is always sent together with O(routing_type), because OnCall checks the
        text with the type of the request.
      - Jinja2 routes are OnCall Jinja; protect them from Ansible's own rendering with C(!unsafe) or C({% raw %}).
    type: str
  position:
    description:
      - The route's 0-based index among the integration's routes (the default route is always last and is not counted).
        A value past the end means last.
      - Left out, a new route is appended at the end and an existing one is never moved.
      - OnCall stores positions with gaps; the module compares the route's place in the order, and moves it only when
        it is not where the task asks.
    type: int
  escalation_chain_id:
    description:
      - The escalation chain id (C(F...)) the route's alerts escalate through. V("") means no chain.
      - OnCall cannot clear a route's chain in place. Setting V("") on a route that has a chain re-creates the route at
        the same position without a chain (a new id); the result says so with RV(recreated) and a warning.
      - Mutually exclusive with O(escalation_chain).
    type: str
  escalation_chain:
    description:
      - The name of the escalation chain, instead of its id; one request to resolve it. In check mode, a chain that does
        not exist yet only warns.
      - Mutually exclusive with O(escalation_chain_id).
    type: str
  slack:
    description: Where the route's alerts are posted in Slack.
    type: dict
    suboptions:
      channel_id:
        description:
          - The Slack channel ID (for example V(C0123ABCD)); compared upper-cased. V("") means no channel.
          - Mutually exclusive with O(slack.channel).
        type: str
      channel:
        description:
          - The Slack channel's name, with or without C(#), instead of its ID; one request to resolve it.
          - Mutually exclusive with O(slack.channel_id).
        type: str
      enabled:
        description: Whether alerts are posted to Slack.
        type: bool
  telegram:
    description: Where the route's alerts are posted in Telegram.
    type: dict
    suboptions:
      id:
        description: OnCall's id of the Telegram channel. V("") means no channel.
        type: str
      enabled:
        description: Whether alerts are posted to Telegram.
        type: bool
  msteams:
    description: Where the route's alerts are posted in Microsoft Teams (Grafana Cloud only; fails before any write elsewhere).
    type: dict
    suboptions:
      id:
        description: OnCall's id of the Microsoft Teams channel. V("") means no channel.
        type: str
      enabled:
        description: Whether alerts are posted to Microsoft Teams.
        type: bool
notes:
  - Request budget per task. Unchanged, the routes listing of the integration (by O(id), one C(GET) of the route, plus the
    listing when O(position) is set); an update adds one C(PUT) (a move is part of it); a create adds one C(POST); a delete
    adds one C(DELETE); clearing a chain adds one C(POST) and one C(DELETE). Each name used adds one request.
  - A create whose outcome is unknown is looked up again before anything is sent twice.
seealso:
  - module: oncall.grafana.oncall_route_info
  - module: oncall.grafana.oncall_integration
    description: Its O(oncall.grafana.oncall_integration#module:routes) option manages every route of an integration as one ordered list.
  - module: oncall.grafana.oncall_escalation_chain
"""

EXAMPLES = r"""
- name: Send critical alerts to the Platform chain, first
  oncall.grafana.oncall_route:
    integration: Production Alertmanager
    routing_regex: '"severity": "critical"'
    position: 0
    escalation_chain: Platform on-call
    slack:
      channel: "#platform-alerts"

- name: A Jinja2 route (!unsafe keeps Ansible from rendering OnCall's template)
  oncall.grafana.oncall_route:
    integration: Production Alertmanager
    routing_type: jinja2
    routing_regex: !unsafe "{{ payload.commonLabels.team == 'db' }}"
    escalation_chain_id: ""

- name: Delete a route
  oncall.grafana.oncall_route:
    integration: Production Alertmanager
    routing_regex: '"severity": "critical"'
    state: absent
"""

RETURN = r"""
route:
  description:
    - The route as the server returned it after the change; the current route when nothing changed; V({}) once absent.
    - In check mode the predicted route, with a null id on a create or a re-create.
  returned: always
  type: dict
  contains:
    id:
      description: The route's id.
      type: str
      sample: RVBE4RKQSCGJ2
    integration_id:
      description: The integration's id.
      type: str
      sample: CFRPV98RPR1U8
    routing_type:
      description: V(regex) or V(jinja2).
      type: str
      sample: regex
    routing_regex:
      description: The regular expression or template.
      type: str
      sample: '"severity": "critical"'
    position:
      description: OnCall's raw order value (it may have gaps; only the order counts).
      type: int
      sample: 0
    escalation_chain_id:
      description: The escalation chain's id, or null.
      type: str
      sample: FW6E8N3JQ1ZVK
    is_the_last_route:
      description: Always false here (the default route is not managed by this module).
      type: bool
      sample: false
    slack:
      description: The Slack channel and whether it is used.
      type: dict
      sample: {"channel_id": "C0123ABCD", "enabled": true}
recreated:
  description: True when the route was re-created to clear its escalation chain (OnCall cannot clear it in place).
  returned: when the route was re-created
  type: bool
  sample: true
replaced_id:
  description: The id of the route that was re-created, when RV(recreated) is true.
  returned: when the route was re-created
  type: str
  sample: RVBE4RKQSCGJ2
"""

from ansible_collections.oncall.grafana.plugins.module_utils.route import ROUTE_ARGUMENT_SPEC, ROUTE_MODULE_KWARGS, Route
from ansible_collections.oncall.grafana.plugins.module_utils.runner import build_module, run_task


def main():
    module = build_module(ROUTE_ARGUMENT_SPEC, **ROUTE_MODULE_KWARGS)
    run_task(module, Route)


if __name__ == "__main__":
    main()

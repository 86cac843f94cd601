#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oncall_integrations
short_description: Manage many Grafana OnCall integrations and their routes in one task
version_added: 1.0.0
description:
  - Reconciles a whole list of Grafana OnCall integrations, with their templates, default route and other routes, in one task,
    in the style of Ansible's network resource modules (O(config) and O(state)).
  - Built for fleets. The integrations are listed once (one request per 100 integrations on the server) instead of once per
    integration, each distinct team, escalation chain or Slack channel name is resolved once per task, and only what
    differs is written, one request per changed integration or route. An unchanged fleet of 500 integrations given by ids,
    without O(config[].routes), costs 5 requests in one task, where a loop of M(oncall.grafana.oncall_integration) costs
    500 requests and 500 task runs.
  - Each item takes the options of M(oncall.grafana.oncall_integration) and follows its rules (identity by O(config[].id) or
    by O(config[].name) and team, type fixed after create, minimal nested updates); read that module's documentation
    for the details of each option.
  - Every item is checked before the first request, and the whole change is planned before the first write; a bad item,
    a duplicate, an ambiguous name, a type mismatch or a name that would clash with another integration of the same team
    fails the task with nothing written.
  - B(OnCall templates are Jinja, like Ansible's own.) Write them with the C(!unsafe) YAML tag or in files read by
    C(lookup), and save RV(gathered) with the P(oncall.grafana.to_unsafe_yaml#filter) filter, as the examples show.
author:
  - oncall.grafana contributors (@oncall-grafana)
extends_documentation_fragment:
  - oncall.grafana.connection
  - oncall.grafana.attributes
  - oncall.grafana.attributes.actiongroup
options:
  state:
    description:
      - V(merged) creates the integrations that do not exist and changes, on the others, only what each item sets. Listed
        routes are created or updated and put in the listed order; routes not listed stay.
      - V(replaced) makes each listed integration exactly its item. Templates and the description the item leaves out are
        reset (as with C(purge_templates) in M(oncall.grafana.oncall_integration)), and when the item has O(config[].routes),
        the integration's non-default routes become exactly that list, in that order. The default route is merged, never reset.
        Integrations not listed are left alone.
      - V(overridden) does what V(replaced) does, then deletes every integration inside O(scope) that O(config) does not list.
      - V(deleted) deletes the listed integrations; one already absent is reported V(unchanged).
      - V(gathered) changes nothing and returns the integrations (those in O(scope) when given) in RV(gathered), in exactly
        the form of O(config).
      - Integrations of type C(direct_paging), which OnCall makes and manages itself, one per team, are never changed,
        deleted or gathered.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  scope:
    description:
      - Which integrations V(overridden) may delete, and which V(gathered) returns. Required with O(state=overridden), so that
        nothing outside it can ever be deleted; refused with the other states, where it would mean nothing.
      - An integration is inside when it belongs to one of O(scope.teams) or has no team with O(scope.no_team) (when
        either is set), and its name starts with O(scope.name_prefix) (when set).
    type: dict
    suboptions:
      teams:
        description:
          - Team names or ids (C(T...)).
          - All teams are listed (one request per 100 teams); an unknown or ambiguous entry fails before any write, in check
            mode too. An empty entry (Ansible makes one of a null variable) fails before any request.
        type: list
        elements: str
      no_team:
        description:
          - Whether integrations without a team are inside the scope (with O(scope.teams), in addition to those teams).
        type: bool
        default: false
      name_prefix:
        description: The start of the name of every integration in scope. Never empty.
        type: str
  config:
    description:
      - The integrations, one item each. Required unless O(state=gathered); V([]) is allowed (with O(state=overridden), it
        deletes everything in O(scope)).
      - Two items that name the same integration (the same id, or the same name and team) fail the task before any write.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The integration's name, at most 150 characters. With the team, it identifies the integration; without a team,
            the name must match one integration in the whole organization. Required unless O(config[].id) is given.
        type: str
      id:
        description:
          - The integration's id (C(C...)). With it, a different name renames the integration and a different team moves it.
            RV(gathered) gives ids, so a re-apply never depends on names. V("") is the same as leaving it out.
        type: str
      team_id:
        description:
          - The team id (C(T...)); V("") means no team. Left out (with O(config[].team)), the team is not managed.
          - With O(state=deleted) and O(config[].id), a given name or team must match the integration's, or nothing is deleted.
        type: str
      team:
        description: The team's name instead of its id, resolved once per task. Mutually exclusive with O(config[].team_id).
        type: str
      type:
        description:
          - The integration type; required to create, fixed afterwards (a different type fails before any write).
          - The choices and which of them exist only on Grafana Cloud are those of
            O(oncall.grafana.oncall_integration#module:type).
        type: str
        choices: [alertmanager, amazon_sns, curler, datadog, elastalert, fabric, formatted_webhook, grafana, grafana_alerting,
                  inbound_email, jira, kapacitor, manual, newrelic, pagerduty, pingdom, prtg, sentry, stackdriver, uptimerobot,
                  webhook, zabbix, zendesk]
      description_short:
        description: A short description, at most 250 characters; V("") clears it.
        type: str
      templates:
        description:
          - The templates (OnCall Jinja), with the keys of O(oncall.grafana.oncall_integration#module:templates).
          - With O(state=replaced) or O(state=overridden), templates the item leaves out are reset to the type's default.
        type: dict
        suboptions:
          grouping_key:
            description: Template of the key that groups alerts into alert groups.
            type: str
          resolve_signal:
            description: Template that resolves the alert group when it renders to true.
            type: str
          acknowledge_signal:
            description: Template that acknowledges the alert group when it renders to true.
            type: str
          source_link:
            description: Template of the link back to the alert's source.
            type: str
          slack:
            description: Slack templates, with keys C(title), C(message) and C(image_url).
            type: dict
          web:
            description: Web UI templates, with keys C(title), C(message) and C(image_url).
            type: dict
          telegram:
            description: Telegram templates, with keys C(title), C(message) and C(image_url).
            type: dict
          msteams:
            description: Microsoft Teams templates (Grafana Cloud only), with keys C(title), C(message) and C(image_url).
            type: dict
          webhook:
            description: Personal webhook templates, with keys C(title), C(message) and C(image_url).
            type: dict
          mobile_app:
            description: Mobile app templates, with keys C(title) and C(message).
            type: dict
          email:
            description: E-mail templates, with keys C(title) and C(message).
            type: dict
          sms:
            description: SMS template, with key C(title).
            type: dict
          phone_call:
            description: Phone call template, with key C(title).
            type: dict
      default_route:
        description:
          - The default route, with the options of O(oncall.grafana.oncall_integration#module:default_route). Only what the
            item sets is managed, whatever the state.
        type: dict
        suboptions:
          escalation_chain_id:
            description: The escalation chain id (C(F...)); V("") means no chain.
            type: str
          escalation_chain:
            description: The escalation chain's name, resolved once per task.
            type: str
          slack:
            description: Where alerts are posted in Slack.
            type: dict
            suboptions:
              channel_id:
                description: The Slack channel ID; V("") means no channel.
                type: str
              channel:
                description: The Slack channel's name, with or without C(#), resolved once per task.
                type: str
              enabled:
                description: Whether alerts are posted to Slack.
                type: bool
          telegram:
            description: Where alerts are posted in Telegram.
            type: dict
            suboptions:
              id:
                description: OnCall's id of the Telegram channel; V("") means no channel.
                type: str
              enabled:
                description: Whether alerts are posted to Telegram.
                type: bool
          msteams:
            description: Where alerts are posted in Microsoft Teams (Grafana Cloud only).
            type: dict
            suboptions:
              id:
                description: OnCall's id of the Microsoft Teams channel; V("") means no channel.
                type: str
              enabled:
                description: Whether alerts are posted to Microsoft Teams.
                type: bool
      routes:
        description:
          - The integration's non-default routes, in the order OnCall tries them. Left out, routes are not managed.
          - The items, and how they are matched, ordered with the fewest writes and re-created to clear a chain, are those of
            O(oncall.grafana.oncall_integration#module:routes), described there in full.
          - With O(state=replaced) or O(state=overridden), the routes become exactly the list, as with that module (V([])
            deletes them all; C(labels) routes are never touched). With O(state=merged), listed routes are created or updated
            and put in the listed order; other routes stay where they are, except a route with the same match as a listed one,
            which is kept right behind it (ahead, it would take its alerts).
          - RV(results[].routes) reports what happened to each route; a re-created route is V(recreated).
        type: list
        elements: dict
        suboptions:
          routing_type:
            description: As O(oncall.grafana.oncall_integration#module:routes[].routing_type).
            type: str
            choices: [regex, jinja2]
            default: regex
          routing_regex:
            description: As O(oncall.grafana.oncall_integration#module:routes[].routing_regex).
            type: str
            required: true
          escalation_chain_id:
            description: As O(oncall.grafana.oncall_integration#module:routes[].escalation_chain_id).
            type: str
          escalation_chain:
            description: As O(oncall.grafana.oncall_integration#module:routes[].escalation_chain).
            type: str
          slack:
            description: As O(oncall.grafana.oncall_integration#module:routes[].slack).
            type: dict
            suboptions:
              channel_id:
                description: As O(oncall.grafana.oncall_integration#module:routes[].slack.channel_id).
                type: str
              channel:
                description: As O(oncall.grafana.oncall_integration#module:routes[].slack.channel).
                type: str
              enabled:
                description: As O(oncall.grafana.oncall_integration#module:routes[].slack.enabled).
                type: bool
          telegram:
            description: As O(oncall.grafana.oncall_integration#module:routes[].telegram).
            type: dict
            suboptions:
              id:
                description: As O(oncall.grafana.oncall_integration#module:routes[].telegram.id).
                type: str
              enabled:
                description: As O(oncall.grafana.oncall_integration#module:routes[].telegram.enabled).
                type: bool
          msteams:
            description: As O(oncall.grafana.oncall_integration#module:routes[].msteams).
            type: dict
            suboptions:
              id:
                description: As O(oncall.grafana.oncall_integration#module:routes[].msteams.id).
                type: str
              enabled:
                description: As O(oncall.grafana.oncall_integration#module:routes[].msteams.enabled).
                type: bool
notes:
  - "Requests: the integration listing (one per 100 integrations), the team listing when O(scope.teams) names a team,
    one request per distinct name the items use, the routes when an item lists O(config[].routes) (one listing of every
    route, or one listing per integration when fewer integrations need routes than there are pages of integrations),
    then one write per integration or route that changes."
  - Writes go in the order of O(config), then the deletions of V(overridden); an integration V(overridden) deletes whose
    name a listed item takes goes first. If one write fails, the task fails, and its message and C(results) say what was
    applied before and what was not; running the task again picks up from there.
  - "A rename or team move onto a name another integration of that team keeps fails before any write. OnCall checks names
    at each write, so an item may take a name that an earlier item of O(config) gives up, but not one a later item gives up;
    a swap of two names takes two runs. Integrations that already share a name in a team (real data has such pairs) can
    be listed as they are."
  - If a create's outcome is unknown (timeout, connection lost), the module looks the object up before sending it again,
    so a task never makes two.
  - See the collection's C(docs/fleet.md) for the gathered, replaced in CI, overridden workflow.
seealso:
  - module: oncall.grafana.oncall_integration
    description: One integration per task, with every option described in full.
  - module: oncall.grafana.oncall_route
    description: One route per task, addressed by id or by its match.
"""

EXAMPLES = r"""
- name: Manage a team's integrations in one task
  module_defaults:
    group/oncall.grafana.oncall:
      url: https://oncall-prod-us-central-0.grafana.net/oncall
      token: "{{ oncall_token }}"
  block:
    - name: Create or update two integrations and the routes of one of them
      oncall.grafana.oncall_integrations:
        config:
          - name: Production Alertmanager
            team: Platform
            type: alertmanager
            templates:
              grouping_key: !unsafe "{{ payload.groupKey }}"
            default_route:
              escalation_chain: Platform on-call
            routes:
              - routing_regex: severity="critical"
                escalation_chain: Platform on-call
                slack:
                  channel: "#platform-alerts"
                  enabled: true
              - routing_type: jinja2
                routing_regex: !unsafe '{{ payload.commonLabels.team == "db" }}'
          - name: Platform Grafana
            team: Platform
            type: grafana
      register: fleet

    - name: Show what each item did
      ansible.builtin.debug:
        msg: "{{ fleet.results | map(attribute='action') }}"

- name: Read the Platform team's integrations in the form of config
  oncall.grafana.oncall_integrations:
    state: gathered
    scope:
      teams: [Platform]
  register: platform

- name: Save them to a vars file, templates protected from Ansible's Jinja
  ansible.builtin.copy:
    content: "{{ {'platform_integrations': platform.gathered} | oncall.grafana.to_unsafe_yaml }}"
    dest: vars/platform_integrations.yml
    mode: "0644"

- name: Make each listed integration exactly as given (run with --check --diff in CI to review a change)
  oncall.grafana.oncall_integrations:
    state: replaced
    config: "{{ platform.gathered }}"

- name: Own everything whose name starts with "Staging ", deleting what is not listed
  oncall.grafana.oncall_integrations:
    state: overridden
    scope:
      name_prefix: "Staging "
    config:
      - name: Staging Alertmanager
        team: Staging
        type: alertmanager

- name: Delete integrations
  oncall.grafana.oncall_integrations:
    state: deleted
    config:
      - name: Staging Alertmanager
        team: Staging
      - name: Platform Grafana
        team_id: TGD6H3A1Y5FCL
"""

RETURN = r"""
results:
  description:
    - One entry per integration the task listed, in the order of O(config), then one per integration V(overridden) deleted.
    - In check mode, what would happen; the id of an integration or route still to create is null.
  returned: unless O(state=gathered)
  type: list
  elements: dict
  contains:
    action:
      description: V(created), V(updated) (its routes included), V(deleted) or V(unchanged).
      type: str
      sample: updated
    id:
      description: The integration's id; null when it does not exist (deleted before, or still to create in check mode).
      type: str
      sample: CFRPV98RPR1U8
    name:
      description: The integration's name.
      type: str
      sample: Production Alertmanager
    team_id:
      description: The team's id, or null for no team.
      type: str
      sample: TGD6H3A1Y5FCL
    routes:
      description:
        - When the item lists O(config[].routes), one entry per route deleted, then one per listed route in the listed order,
          then (merged) one per unlisted route with the same match as a listed one that had to move behind it.
        - Each has C(action) (V(created), V(updated), V(recreated), V(deleted) or V(unchanged)), C(id), C(routing_type)
          and C(routing_regex), and C(replaced_id) (the old id) for a re-created route.
      type: list
      elements: dict
      returned: when the item lists routes
gathered:
  description:
    - With O(state=gathered), the integrations in the form of O(config), by id, in OnCall's order.
    - Their templates, default route and routes are given in full, so that O(state=replaced) with them reports no change;
      never the ingest link or e-mail address, which carry a secret.
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample:
    - id: CFRPV98RPR1U8
      name: Production Alertmanager
      team_id: TGD6H3A1Y5FCL
      type: alertmanager
      description_short: ""
      templates: {"grouping_key": "{{ payload.groupKey }}"}
      default_route: {"escalation_chain_id": "FW6E8N3JQ1ZVK", "slack": {"channel_id": "", "enabled": false},
                      "telegram": {"id": "", "enabled": false}}
      routes:
        - {"routing_type": "regex", "routing_regex": "severity=\"critical\"", "escalation_chain_id": "FW6E8N3JQ1ZVK",
           "slack": {"channel_id": "C0123ABCD", "enabled": true}, "telegram": {"id": "", "enabled": false}}
not_applied:
  description:
    - When a write fails midway, what was not applied, the failed item first (C(the routes of config[N]) when its
      integration was written but not all its routes). RV(results) then holds what was applied.
  returned: on failure after planning
  type: list
  elements: str
  sample: ["config[1] (name 'Staging Alertmanager')", "config[2] (name 'Staging Grafana')"]
"""

from ansible_collections.oncall.grafana.plugins.module_utils.fleet import FLEET_ARGUMENT_SPEC, Fleet
from ansible_collections.oncall.grafana.plugins.module_utils.runner import build_module, run_task


def main():
    module = build_module(FLEET_ARGUMENT_SPEC)
    run_task(module, Fleet)


if __name__ == "__main__":
    main()

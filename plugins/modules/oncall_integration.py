#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oncall_integration
short_description: Manage Grafana OnCall integrations, their templates, default route and routes
version_added: 1.0.0
description:
  - Creates, updates and deletes Grafana OnCall integrations (the sources of alerts) through the OnCall public API.
  - Only what the task sets is managed; everything else on the integration is left as it is.
  - Idempotent with the fewest requests possible. An unchanged integration costs one request (the lookup);
    an update sends one C(PUT) with only the changed fields, nested template and default-route keys included;
    a create sends one C(POST) with everything set; a delete sends one C(DELETE).
  - With O(routes), the task manages the whole integration as the OnCall UI shows it on one page - templates, default
    route and the ordered routes - in one task, with one diff.
  - B(OnCall templates are Jinja, like Ansible's own.) Ansible renders C({{ payload.title }}) in a task before the
    module ever sees it, and fails with C('payload' is undefined). Write templates with the C(!unsafe) YAML tag,
    inside C({% raw %}...{% endraw %}), or load them with the C(ansible.builtin.file) lookup, as the examples show.
author:
  - oncall.grafana contributors (@oncall-grafana)
extends_documentation_fragment:
  - oncall.grafana.connection
  - oncall.grafana.attributes
  - oncall.grafana.attributes.actiongroup
options:
  state:
    description:
      - V(present) creates the integration or makes it match the task; V(absent) deletes it.
      - Deleting an integration is a soft delete in OnCall; its alert groups stay, its link stops working for good.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The integration's name, at most 150 characters. Leading and trailing white space is dropped, as OnCall does.
      - Together with O(team_id) it identifies the integration. Without O(team_id), the name must match a single
        integration in the whole organization, or the task fails listing the matches and changes nothing.
      - Required unless O(id) is given. With O(id), a different name renames the integration.
    type: str
  id:
    description:
      - The integration's id (C(C...)), to address an existing integration directly.
      - With O(state=present) an unknown id fails; with O(state=absent) it is already absent.
      - V("") is the same as leaving O(id) out (the integration is then found by O(name)), so
        C(id="{{ known.id | default }}") works (the C(default) filter gives V("") for an undefined value).
      - With O(id), a different O(name) renames the integration and a different O(team_id) moves it.
    type: str
  team_id:
    description:
      - The OnCall team id (C(T...)) the integration belongs to. The empty string V("") means no team.
      - Part of the identity with O(name); left out (and O(team) too), the team is not managed.
      - Mutually exclusive with O(team).
    type: str
  team:
    description:
      - The name of the OnCall team the integration belongs to, instead of its id O(team_id).
      - Resolved with one request (C(GET /teams/?name=)) when the task uses it. An unknown team fails before any write;
        OnCall copies teams from Grafana, and a team just created in Grafana can take a while to appear.
      - Never empty; to say no team, use O(team_id=).
      - Mutually exclusive with O(team_id).
    type: str
  type:
    description:
      - The integration type. Required to create; it cannot change afterwards (OnCall silently ignores a new type),
        so a task whose type differs from the existing integration's fails and changes nothing.
      - A self-hosted OnCall creates V(alertmanager), V(elastalert), V(formatted_webhook), V(grafana),
        V(grafana_alerting), V(inbound_email), V(kapacitor), V(manual), V(webhook) and V(zabbix). The other choices
        (V(amazon_sns), V(curler), V(datadog), V(fabric), V(jira), V(newrelic), V(pagerduty), V(pingdom), V(prtg),
        V(sentry), V(stackdriver), V(uptimerobot), V(zendesk)) exist only on Grafana Cloud; a self-hosted server refuses
        them with its own HTTP 400 (C(Invalid integration type)).
      - Not among the choices - V(direct_paging), which OnCall creates itself, one per team; V(maintenance), which OnCall
        hides once created, so it could never be managed again; and the deprecated C(legacy_) types.
      - With O(state=absent), a given type must match too, or nothing is deleted.
      - Creating V(grafana_alerting) integrations answers HTTP 500 on self-hosted OnCall 1.14.3 and later (a server bug);
        the module looks the integration up once (never sending the create again) and fails with the server's answer.
    type: str
    choices: [alertmanager, amazon_sns, curler, datadog, elastalert, fabric, formatted_webhook, grafana, grafana_alerting,
              inbound_email, jira, kapacitor, manual, newrelic, pagerduty, pingdom, prtg, sentry, stackdriver, uptimerobot,
              webhook, zabbix, zendesk]
  description_short:
    description:
      - A short description, at most 250 characters. Sent and compared as given, less leading and trailing white space
        (OnCall drops it).
      - V("") clears the description (OnCall refuses a blank description, so it is sent as null).
    type: str
  templates:
    description:
      - The integration's templates (OnCall Jinja). A key left out is not managed.
      - Text is sent and compared exactly as given, V("") included (OnCall renders V("") as the default).
        To reset templates to the type's defaults, use O(purge_templates).
      - C(slack), C(web), C(telegram), C(sms) and C(phone_call) exist on every server. C(mobile_app), C(email),
        C(webhook) and C(msteams) are messaging backends a server may lack (C(msteams) exists only on Grafana Cloud);
        setting one the server does not have fails before any write.
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
        description: Slack message templates.
        type: dict
        suboptions:
          title:
            description: Title template.
            type: str
          message:
            description: Message template.
            type: str
          image_url:
            description: Image URL template.
            type: str
      web:
        description: Templates of the OnCall web UI.
        type: dict
        suboptions:
          title:
            description: Title template.
            type: str
          message:
            description: Message template.
            type: str
          image_url:
            description: Image URL template.
            type: str
      telegram:
        description: Telegram message templates.
        type: dict
        suboptions:
          title:
            description: Title template.
            type: str
          message:
            description: Message template.
            type: str
          image_url:
            description: Image URL template.
            type: str
      msteams:
        description: Microsoft Teams message templates (Grafana Cloud only).
        type: dict
        suboptions:
          title:
            description: Title template.
            type: str
          message:
            description: Message template.
            type: str
          image_url:
            description: Image URL template.
            type: str
      webhook:
        description: Templates of the personal webhook messaging backend.
        type: dict
        suboptions:
          title:
            description: Title template.
            type: str
          message:
            description: Message template.
            type: str
          image_url:
            description: Image URL template.
            type: str
      mobile_app:
        description: Mobile app push notification templates.
        type: dict
        suboptions:
          title:
            description: Title template.
            type: str
          message:
            description: Message template.
            type: str
      email:
        description: E-mail templates.
        type: dict
        suboptions:
          title:
            description: Subject template.
            type: str
          message:
            description: Body template.
            type: str
      sms:
        description: SMS template.
        type: dict
        suboptions:
          title:
            description: Text template.
            type: str
      phone_call:
        description: Phone call template.
        type: dict
        suboptions:
          title:
            description: Spoken text template.
            type: str
  purge_templates:
    description:
      - When V(true), every template the task does not set is reset to the integration type's default, like C(purge_tags)
        elsewhere in Ansible. When V(false), templates the task does not set are left as they are.
      - Only the templates of O(templates) are purged; a messaging backend the module has no option for (Mattermost, for
        example) keeps its templates.
    type: bool
    default: false
  default_route:
    description:
      - The integration's default route (the route alerts take when no other route matches). Only what the task sets is managed.
    type: dict
    suboptions:
      escalation_chain_id:
        description:
          - The escalation chain id (C(F...)) alerts escalate through. V("") means no chain.
          - Mutually exclusive with O(default_route.escalation_chain).
        type: str
      escalation_chain:
        description:
          - The name of the escalation chain alerts escalate through, instead of its id.
          - Resolved with one request (C(GET /escalation_chains/?name=)). Never empty; to say no chain, use
            O(default_route.escalation_chain_id=).
          - In check mode, a chain that does not exist yet (an earlier task of the same playbook would create it) is
            not an error; the module warns and shows C(<escalation chain NAME>) where the id would be.
          - Mutually exclusive with O(default_route.escalation_chain_id).
        type: str
      slack:
        description: Where alerts are posted in Slack.
        type: dict
        suboptions:
          channel_id:
            description:
              - The Slack channel ID (for example V(C0123ABCD)), not its name. Compared upper-cased. V("") means no channel.
              - The channel must be known to OnCall's connected Slack workspace.
              - Mutually exclusive with O(default_route.slack.channel).
            type: str
          channel:
            description:
              - The Slack channel's name, with or without C(#), instead of its ID.
              - Resolved with one request (C(GET /slack_channels/?channel_name=)) among the non-archived channels of
                the Slack workspace connected to OnCall. Never empty; to say no channel, use O(default_route.slack.channel_id=).
              - Mutually exclusive with O(default_route.slack.channel_id).
            type: str
          enabled:
            description: Whether alerts are posted to Slack.
            type: bool
      telegram:
        description: Where alerts are posted in Telegram.
        type: dict
        suboptions:
          id:
            description: OnCall's id of the Telegram channel. V("") means no channel.
            type: str
          enabled:
            description: Whether alerts are posted to Telegram.
            type: bool
      msteams:
        description: Where alerts are posted in Microsoft Teams (Grafana Cloud only; fails before any write elsewhere).
        type: dict
        suboptions:
          id:
            description: OnCall's id of the Microsoft Teams channel. V("") means no channel.
            type: str
          enabled:
            description: Whether alerts are posted to Microsoft Teams.
            type: bool
  routes:
    description:
      - The integration's non-default routes, in the order OnCall tries them (the first that matches an alert takes
        it; the default route takes what none matches). Left out, routes are not managed.
      - Given, the routes become exactly this list, in this order. Routes the list does not name are deleted, last,
        once the listed ones are in place, so alerts never lose a route midway; V([]) deletes every non-default route.
        Routes of type C(labels), which only the web UI can make, are never touched.
      - A route is matched by O(routes[].routing_type) and O(routes[].routing_regex) (trimmed, as OnCall stores it); the
        first unused match wins. Listing the same pair twice is allowed, as OnCall allows it, with a warning (alerts only
        ever take the first).
      - Fields a route item leaves out are left as they are. Routes are moved with the fewest writes (those already in a
        longest correctly ordered run stay), one C(PUT) per route that changes, fields and position together.
      - Clearing a route's chain (O(routes[].escalation_chain_id=)) re-creates the route in its place, because OnCall
        refuses a null chain on update; the new route is made before the old one is deleted, and its id changes.
      - In check mode the whole list is planned as the real run would write it, also when the integration does not exist
        yet, and the diff shows the routes before and after, one line each, in order.
      - Ignored with O(state=absent), since deleting an integration deletes its routes.
      - M(oncall.grafana.oncall_integrations) takes the same items in O(oncall.grafana.oncall_integrations#module:config[].routes).
        M(oncall.grafana.oncall_route) manages one route on its own. A task of that module on an integration whose routes a
        task of this one lists undoes, or is undone by, the other on every run unless its route is in the list as the list
        says it (see the collection's C(docs/routing.md)).
    type: list
    elements: dict
    suboptions:
      routing_type:
        description: How O(routes[].routing_regex) is read.
        type: str
        choices: [regex, jinja2]
        default: regex
      routing_regex:
        description:
          - A Python regular expression searched in the alert's payload, or with O(routes[].routing_type=jinja2) an OnCall
            Jinja2 template that renders to true for the alerts the route takes (write it with C(!unsafe)).
          - Checked before any request (OnCall compiles it the same way), at most 1024 characters.
        type: str
        required: true
      escalation_chain_id:
        description: The escalation chain id (C(F...)); V("") means no chain. Mutually exclusive with O(routes[].escalation_chain).
        type: str
      escalation_chain:
        description:
          - The escalation chain's name, resolved once per task (one request per distinct name).
          - In check mode, a chain that does not exist yet (an earlier task would create it) only warns.
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
        description: Where alerts are posted in Microsoft Teams (Grafana Cloud only; fails before any write elsewhere).
        type: dict
        suboptions:
          id:
            description: OnCall's id of the Microsoft Teams channel; V("") means no channel.
            type: str
          enabled:
            description: Whether alerts are posted to Microsoft Teams.
            type: bool
notes:
  - Omitted, empty and null follow one rule for every option. An option left out, or null (Ansible cannot tell them apart),
    is not managed. For a reference to another object (O(team_id), O(default_route.escalation_chain_id),
    O(default_route.slack.channel_id), O(default_route.telegram.id), O(default_route.msteams.id)) the empty string means
    none and is sent as null. Text is sent exactly as given, except that O(description_short=) clears the description.
  - With O(routes), the task also reads the integration's routes (one request per 100 routes) and writes one request per
    route that changes; an unchanged integration with its routes costs the lookup, the routes listing and one request
    per distinct name; a create costs the lookup, one C(POST) and one C(POST) per route.
  - Names (O(team), O(default_route.escalation_chain), O(default_route.slack.channel)) cost one request each per task,
    made only when the task uses them; an unknown name fails before any write. In check mode an unknown escalation chain
    only warns (an earlier task may create it); an unknown team or Slack channel fails there too.
  - If a create's outcome is unknown (timeout, connection lost), the module looks the integration up before sending it again,
    so one task never makes two integrations.
  - See the collection's C(docs/oncall_integration.md) for a worked example, the request budget and troubleshooting.
seealso:
  - name: OnCall integrations API
    description: The API this module uses.
    link: https://grafana.com/docs/oncall/latest/oncall-api-reference/integrations/
"""

EXAMPLES = r"""
- name: Set the connection once for every OnCall task of the block
  module_defaults:
    group/oncall.grafana.oncall:
      url: https://oncall-prod-us-central-0.grafana.net/oncall
      token: "{{ oncall_token }}"
  block:
    - name: Create an Alertmanager integration with templates and a default route
      oncall.grafana.oncall_integration:
        name: Production Alertmanager
        type: alertmanager
        team: Platform
        description_short: Alerts from the production Prometheus
        templates:
          # !unsafe keeps Ansible from rendering OnCall's own Jinja.
          grouping_key: !unsafe "{{ payload.groupKey }}"
          slack:
            title: !unsafe "*{{ payload.commonLabels.alertname }}* on {{ payload.commonLabels.cluster }}"
          web:
            title: !unsafe "{{ payload.commonLabels.alertname }}"
        default_route:
          escalation_chain: Platform on-call
          slack:
            channel: "#platform-alerts"
            enabled: true
      register: alertmanager

    - name: Show the URL Alertmanager must send to (it carries a secret token)
      ansible.builtin.debug:
        msg: "{{ alertmanager.integration.link }}"

- name: Read the connection from GRAFANA_ONCALL_URL and GRAFANA_ONCALL_ACCESS_TOKEN, and load a long template from a file
  oncall.grafana.oncall_integration:
    name: Production Alertmanager
    team: Platform
    templates:
      # Files read by lookup are not rendered by Ansible.
      web:
        message: "{{ lookup('ansible.builtin.file', 'templates/web_message.j2') }}"

- name: Reset every template the task does not set to the type's default
  oncall.grafana.oncall_integration:
    name: Production Alertmanager
    team: Platform
    templates:
      grouping_key: !unsafe "{{ payload.groupKey }}"
    purge_templates: true

- name: Detach the default route from its escalation chain
  oncall.grafana.oncall_integration:
    name: Production Alertmanager
    team: Platform
    default_route:
      escalation_chain_id: ""

- name: Use ids instead of names (no extra request per name)
  oncall.grafana.oncall_integration:
    name: Production Alertmanager
    team_id: TGD6H3A1Y5FCL
    default_route:
      escalation_chain_id: FW6E8N3JQ1ZVK
      slack:
        channel_id: C0123ABCD

- name: An integration and its routes in one task, in the order OnCall tries them
  oncall.grafana.oncall_integration:
    name: Production Alertmanager
    type: alertmanager
    team: Platform
    default_route:
      escalation_chain: Platform on-call
    routes:
      # Routes not listed here are deleted; the first route that matches an alert takes it.
      - routing_regex: '"severity": "critical"'
        escalation_chain: Platform on-call
      - routing_type: jinja2
        routing_regex: !unsafe "{{ payload.commonLabels.team == 'database' }}"
        escalation_chain_id: ""
        slack:
          channel: "#platform-alerts"
          enabled: true

- name: Rename an integration and move it to another team, by id
  oncall.grafana.oncall_integration:
    id: CFRPV98RPR1U8
    name: Staging Alertmanager
    team: Staging

- name: Delete an integration
  oncall.grafana.oncall_integration:
    name: Production Alertmanager
    team: Platform
    state: absent
"""

RETURN = r"""
integration:
  description:
    - The integration as the server returned it after the change; the current integration when nothing changed;
      V({}) once absent.
    - In check mode, the predicted integration. On a create, the fields the server makes (RV(integration.id),
      RV(integration.link), RV(integration.inbound_email), C(default_route.id)) and whatever the task did not set are null.
  returned: always
  type: dict
  contains:
    id:
      description: The integration's id.
      type: str
      sample: CFRPV98RPR1U8
    name:
      description: The integration's name.
      type: str
      sample: Production Alertmanager
    description_short:
      description: The short description.
      type: str
      sample: Alerts from the production Prometheus
    team_id:
      description: The team's id, or null for no team.
      type: str
      sample: TGD6H3A1Y5FCL
    type:
      description: The integration type (legacy types read back without their C(legacy_) prefix).
      type: str
      sample: alertmanager
    link:
      description:
        - The URL senders post alerts to. B(It contains a secret token); treat it like a password. Null for
          C(manual) and C(inbound_email) integrations.
      type: str
      sample: https://oncall.example.com/integrations/v1/alertmanager/Sup3rS3cr3tT0k3n/
    inbound_email:
      description: The address that creates alerts for C(inbound_email) integrations; null otherwise. Secret too.
      type: str
    templates:
      description: Every template of the integration; null means the type's default.
      type: dict
      sample: {"grouping_key": "{{ payload.groupKey }}", "slack": {"title": null, "message": null, "image_url": null}}
    default_route:
      description: The default route, with one key per messaging backend of the server.
      type: dict
      sample: {"id": "RVBE4RKQSCGJ2", "escalation_chain_id": "FW6E8N3JQ1ZVK",
               "slack": {"channel_id": "C0123ABCD", "enabled": true}, "telegram": {"id": null, "enabled": false}}
    routes:
      description:
        - The integration's non-default routes after the change, in the order OnCall tries them, as the API returns them
          (in check mode, as predicted; a route to create has a null id).
      returned: when the task sets O(routes) with O(state=present)
      type: list
      elements: dict
      sample: [{"id": "RIYGUJXCPFHXY", "integration_id": "CFRPV98RPR1U8", "position": 0, "routing_type": "regex",
                "routing_regex": "\"severity\": \"critical\"", "is_the_last_route": false, "escalation_chain_id": "F5GQXUJXNRRDA",
                "slack": {"channel_id": null, "enabled": true}, "telegram": {"id": null, "enabled": false}}]
    heartbeat:
      description: The heartbeat link for types that have one, else null.
      type: dict
    maintenance_mode:
      description: The maintenance mode, or null.
      type: str
    maintenance_started_at:
      description: When maintenance started, or null.
      type: str
    maintenance_end_at:
      description: When maintenance ends, or null.
      type: str
"""

from ansible_collections.oncall.grafana.plugins.module_utils.integration import INTEGRATION_ARGUMENT_SPEC, INTEGRATION_MODULE_KWARGS, Integration
from ansible_collections.oncall.grafana.plugins.module_utils.runner import build_module, run_task


def main():
    module = build_module(INTEGRATION_ARGUMENT_SPEC, **INTEGRATION_MODULE_KWARGS)
    run_task(module, Integration)


if __name__ == "__main__":
    main()

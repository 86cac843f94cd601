#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oncall_outgoing_webhook
short_description: Manage Grafana OnCall outgoing webhooks, their secrets included
version_added: 1.0.0
description:
  - Creates, updates and deletes the outgoing webhooks OnCall calls when an escalation step says C(trigger_webhook), or when
    an alert group of chosen integrations is created, acknowledged, resolved, and so on.
  - Only what the task sets is managed; everything else on the webhook is left as it is.
  - An unchanged webhook costs one request (the lookup) plus one per distinct name the task uses (O(team), each of
    O(integrations)); an update the same plus one C(PUT); a create one C(POST); a delete one C(DELETE).
    The C(PUT) carries the changed fields, and always C(team) and C(integration_filter), which OnCall would otherwise reset.
  - B(Secrets are write-only.) OnCall never returns O(password) nor O(authorization_header); they read back as
    C(****************). How a set secret is compared is O(update_secrets)' choice; a secret is sent only when it must be.
  - B(OnCall templates are Jinja, like Ansible's own.) Ansible renders C({{ alert_group.id }}) in a task before the module
    ever sees it. Write O(webhook_url), O(data), O(headers) and O(trigger_template) templates with the C(!unsafe) YAML tag,
    inside C({% raw %}...{% endraw %}), or load them with the C(ansible.builtin.file) lookup.
author:
  - oncall.grafana contributors (@oncall-grafana)
extends_documentation_fragment:
  - oncall.grafana.connection
  - oncall.grafana.attributes
  - oncall.grafana.attributes.actiongroup
options:
  state:
    description:
      - V(present) creates the webhook or makes it match the task; V(absent) deletes it.
      - A deleted webhook's name is free at once; a webhook created again with it gets a new id. Escalation steps that
        called the deleted webhook keep pointing at it and call nothing.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The webhook's name, unique in the whole organization whatever the team, so the name alone identifies it.
        Leading and trailing white space is dropped, as OnCall does.
      - At most 77 characters. OnCall allows 100, but deleting a webhook renames it to its first 78 characters plus
        C(_deleted_<id>), which PostgreSQL and MySQL refuse from 78 characters on; such a webhook could not be deleted.
      - Required unless O(id) is given. With O(id), a different name renames the webhook (a name another webhook has fails
        before any write).
    type: str
  id:
    description:
      - The webhook's id (C(WH...)), to address it directly, for example to rename it. An unknown id fails with
        O(state=present) and is already absent with O(state=absent).
      - V("") is the same as leaving O(id) out.
    type: str
  team_id:
    description:
      - The id of the team the webhook belongs to (C(T...)); V("") means no team. Left out (and O(team) too), the team is
        not managed, and kept as it is.
      - Mutually exclusive with O(team).
    type: str
  team:
    description:
      - The name of the team the webhook belongs to, instead of O(team_id); one request to resolve it. An unknown team fails,
        in check mode too.
      - Mutually exclusive with O(team_id).
    type: str
  webhook_url:
    description:
      - The address OnCall calls (the API's C(url)); an OnCall Jinja template. Required to create.
      - OnCall checks only the template's syntax when saving; whether it renders to a reachable URL shows only when the
        webhook fires. (The option is not called C(url) because that is every module's connection option, and
        C(module_defaults) for the C(oncall) group would fill it.)
    type: str
  http_method:
    description:
      - The HTTP method of the call. Left out, V(POST) on create and not managed afterwards.
    type: str
    choices: [GET, POST, PUT, DELETE, OPTIONS, PATCH]
  trigger_type:
    description:
      - What makes OnCall call the webhook. V(escalation) - an escalation step of type C(trigger_webhook)
        (M(oncall.grafana.oncall_escalation_chain)); the others - that event on an alert group of the integrations of
        O(integrations), or of every integration. Required to create.
    type: str
    choices: [escalation, alert group created, acknowledge, resolve, silence, unsilence, unresolve, unacknowledge, status change,
              personal notification]
  integrations:
    description:
      - Call the webhook only for alert groups of these integrations, by name; V([]) means every integration.
      - Each name is looked up in every team (one request per distinct name) and must match exactly one integration;
        a name in two teams fails naming both, then use O(integration_ids). In check mode an integration an earlier task
        would create only warns.
      - Compared as a set. Mutually exclusive with O(integration_ids).
    type: list
    elements: str
  integration_ids:
    description:
      - The integrations of O(integrations), by id (C(C...)); V([]) means every integration.
    type: list
    elements: str
  data:
    description:
      - The request body, an OnCall Jinja template (usually rendering to JSON), or a dict, sent as its JSON text.
      - Ignored by OnCall while O(forward_all) is true (the body is then the whole event); the module warns when a task
        sets both.
      - V("") means no body. Compared as OnCall stores it, trimmed; a dict is equal to stored JSON text of the same object.
    type: raw
  headers:
    description:
      - Extra request headers. A dict of header names and values (values must be text; a value can be a template), sent as
        its JSON text, or a template string that renders to a JSON object.
      - V("") means no extra headers. Compared as OnCall stores it, trimmed; a dict is equal to stored JSON text of the
        same object.
    type: raw
  trigger_template:
    description:
      - An OnCall Jinja template; when given, OnCall calls the webhook only when it renders to true. V("") means none.
    type: str
  forward_all:
    description:
      - Send the whole event as the body instead of O(data). OnCall's default is V(true).
    type: bool
  enabled:
    description:
      - Whether OnCall calls the webhook at all (the API's C(is_webhook_enabled)). OnCall's default is V(true).
    type: bool
  username:
    description:
      - The user name of HTTP basic authentication. Not secret (OnCall returns it). V("") means none.
    type: str
  password:
    description:
      - The password of HTTP basic authentication. Write-only; see O(update_secrets). V("") means none.
      - The mask C(****************) itself is refused (OnCall reads it as "keep the stored value").
    type: str
  authorization_header:
    description:
      - The whole C(Authorization) header OnCall sends (for example C(Bearer ...)). Write-only; see O(update_secrets).
        V("") means none. The mask C(****************) is refused.
    type: str
  update_secrets:
    description:
      - How a secret the task sets compares with one the webhook already has, which OnCall never shows.
      - V(on_create) (like C(update_password) elsewhere in Ansible) - a secret is sent when the webhook is created, or when
        the webhook has none; a set secret is not reported as a change, and is left out of updates (OnCall keeps it).
      - V(always) - the secret is sent with every run, which then always reports a change (there is nothing to compare it with).
      - Either way, V("") where the webhook has a secret, or a value where it has none, is a change.
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - An option left out is not managed. For text options, V("") means none; for O(team_id), no team; for O(integrations) and
    O(integration_ids), V([]) means every integration.
  - The result and the diff show secrets as OnCall does - C(****************) for a value, V("") or null for none - and a secret sent
    again over one already set (O(update_secrets=always)) as C(****************) followed by C(sent again, update_secrets=always)
    in parentheses.
  - If a create's outcome is unknown (timeout, connection lost), the module looks the webhook up before sending it again, so
    one task never makes two webhooks. Two runs creating the same webhook at once both succeed.
  - Webhooks made in the web UI from a preset other than the advanced one cannot be changed through the API; OnCall refuses
    the update with its own message (C(Preset webhooks must be modified through web UI)).
  - See the collection's C(docs/webhooks.md) for a chain whose last step opens a ticket, and what each run costs.
seealso:
  - module: oncall.grafana.oncall_outgoing_webhook_info
  - module: oncall.grafana.oncall_escalation_chain
  - name: OnCall outgoing webhooks API
    description: The API this module uses.
    link: https://grafana.com/docs/oncall/latest/oncall-api-reference/outgoing_webhooks/
"""

EXAMPLES = r"""
- name: A webhook an escalation step calls to open a ticket
  oncall.grafana.oncall_outgoing_webhook:
    name: open-ticket
    team: Platform
    webhook_url: https://tickets.example.com/api/issues
    http_method: POST
    trigger_type: escalation
    forward_all: false
    # !unsafe keeps Ansible from rendering OnCall's own Jinja.
    data: !unsafe '{"title": "{{ alert_group.title }}", "link": "{{ alert_group.permalinks.web }}"}'
    headers:
      Content-Type: application/json
    authorization_header: "Bearer {{ vault_tickets_token }}"

- name: Tell a chat when alert groups of one integration are resolved
  oncall.grafana.oncall_outgoing_webhook:
    name: resolved-to-chat
    webhook_url: https://chat.example.com/hooks/oncall
    trigger_type: resolve
    integrations:
      - Production Alertmanager
    username: oncall
    password: "{{ vault_chat_password }}"

- name: Rotate the ticket token (sent on every run, so always reported as a change)
  oncall.grafana.oncall_outgoing_webhook:
    name: open-ticket
    authorization_header: "Bearer {{ vault_tickets_token }}"
    update_secrets: always

- name: Rename a webhook by id
  oncall.grafana.oncall_outgoing_webhook:
    id: WH82D7LNAZ6WUM
    name: page-incident-bot-v2

- name: Delete a webhook
  oncall.grafana.oncall_outgoing_webhook:
    name: resolved-to-chat
    state: absent
"""

RETURN = r"""
outgoing_webhook:
  description:
    - The webhook as the server returned it after the change; the current webhook when nothing changed; V({}) once absent.
    - In check mode, the predicted webhook, with a null id on a create.
    - Secrets are never returned, only C(****************) for a set one.
  returned: always
  type: dict
  contains:
    id:
      description: The webhook's id.
      type: str
      sample: WH82D7LNAZ6WUM
    name:
      description: The webhook's name.
      type: str
      sample: open-ticket
    team:
      description: The team's id, or null.
      type: str
      sample: TGD6H3A1Y5FCL
    url:
      description: The address OnCall calls (O(webhook_url)).
      type: str
      sample: https://tickets.example.com/api/issues
    http_method:
      description: The HTTP method.
      type: str
      sample: POST
    trigger_type:
      description: What makes OnCall call the webhook.
      type: str
      sample: escalation
    integration_filter:
      description: The ids of the integrations whose alert groups trigger it, in their creation order; null for every integration.
      type: list
      elements: str
      sample: ["CFRPV98RPR1U8"]
    data:
      description: The body template, or null.
      type: str
      sample: '{"title": "{{ alert_group.title }}"}'
    headers:
      description: The headers template (JSON text), or null.
      type: str
      sample: '{"Content-Type": "application/json"}'
    trigger_template:
      description: The trigger template, or null.
      type: str
    forward_all:
      description: Whether the whole event is sent instead of RV(outgoing_webhook.data).
      type: bool
      sample: false
    is_webhook_enabled:
      description: Whether OnCall calls the webhook.
      type: bool
      sample: true
    username:
      description: The basic authentication user name, or null.
      type: str
    password:
      description: C(****************) when a password is set; V("") or null when none.
      type: str
      sample: null
    authorization_header:
      description: C(****************) when an C(Authorization) header is set; V("") or null when none.
      type: str
      sample: "****************"
    preset:
      description: The web UI preset the webhook was made from; null for webhooks made through the API.
      type: str
"""

from ansible_collections.oncall.grafana.plugins.module_utils.outgoing_webhook import (
    OUTGOING_WEBHOOK_ARGUMENT_SPEC,
    OUTGOING_WEBHOOK_MODULE_KWARGS,
    OutgoingWebhook,
)
from ansible_collections.oncall.grafana.plugins.module_utils.runner import build_module, run_task


def main():
    module = build_module(OUTGOING_WEBHOOK_ARGUMENT_SPEC, **OUTGOING_WEBHOOK_MODULE_KWARGS)
    run_task(module, OutgoingWebhook)


if __name__ == "__main__":
    main()

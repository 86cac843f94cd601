#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oncall_outgoing_webhook_info
short_description: List Grafana OnCall outgoing webhooks, and export them as oncall_outgoing_webhook options
version_added: 1.0.0
description:
  - Lists the outgoing webhooks of an OnCall organization, walking every page, optionally filtered.
  - With O(export=true), each webhook also carries RV(outgoing_webhooks[].params), the options that make
    M(oncall.grafana.oncall_outgoing_webhook) reproduce it, secrets excepted (OnCall never returns them).
  - Never changes anything.
author:
  - oncall.grafana contributors (@oncall-grafana)
extends_documentation_fragment:
  - oncall.grafana.connection
  - oncall.grafana.attributes.info_module
  - oncall.grafana.attributes.actiongroup
options:
  name:
    description:
      - Only the webhook with exactly this name (names are unique in the organization). One request.
    type: str
  team_id:
    description:
      - Only webhooks of this team id (C(T...)); V("") for webhooks without a team. Filtered on the client side (the
        server's team filter answers HTTP 500).
      - Mutually exclusive with O(team).
    type: str
  team:
    description:
      - Only webhooks of the team with this name; one request to resolve it.
      - Mutually exclusive with O(team_id).
    type: str
  export:
    description:
      - Add RV(outgoing_webhooks[].params) and RV(outgoing_webhooks[].secrets_left_out) to each webhook.
    type: bool
    default: false
notes:
  - The exported templates (C(webhook_url), C(data), C(headers), C(trigger_template)) are OnCall Jinja. Written to a vars
    file with plain C(to_nice_yaml), Ansible would render them when the file is loaded; write the file with the
    P(oncall.grafana.to_unsafe_yaml#filter) filter, which tags them C(!unsafe).
  - Exported C(params) never carry a secret. Applied back to the same server they keep the secrets the webhooks have; to
    create the webhooks on another server, add C(password) and C(authorization_header) (from a vault) to the webhooks that
    RV(outgoing_webhooks[].secrets_left_out) names. The module warns when an export leaves secrets out.
  - A webhook whose name is longer than 77 characters (made in the web UI) is exported with a warning, because
    M(oncall.grafana.oncall_outgoing_webhook) refuses such a name; rename it by id first.
seealso:
  - module: oncall.grafana.oncall_outgoing_webhook
  - plugin: oncall.grafana.to_unsafe_yaml
    plugin_type: filter
"""

EXAMPLES = r"""
- name: List the outgoing webhooks of the Platform team
  oncall.grafana.oncall_outgoing_webhook_info:
    team: Platform
  register: platform_webhooks

- name: Export every webhook as oncall_outgoing_webhook options
  oncall.grafana.oncall_outgoing_webhook_info:
    export: true
  register: exported

- name: Write them to a vars file, templates protected from Ansible's own Jinja
  ansible.builtin.copy:
    dest: "{{ playbook_dir }}/vars/oncall_webhooks.yml"
    mode: "0600"
    content: "{{ {'oncall_webhooks': exported.outgoing_webhooks | map(attribute='params') | list} | oncall.grafana.to_unsafe_yaml }}"

- name: Apply the export back (changes nothing, and keeps the secrets)
  oncall.grafana.oncall_outgoing_webhook:
    id: "{{ item.params.id }}"
    name: "{{ item.params.name }}"
    team_id: "{{ item.params.team_id }}"
    webhook_url: "{{ item.params.webhook_url }}"
    http_method: "{{ item.params.http_method }}"
    trigger_type: "{{ item.params.trigger_type }}"
    integration_ids: "{{ item.params.integration_ids }}"
    data: "{{ item.params.data }}"
    headers: "{{ item.params.headers }}"
    trigger_template: "{{ item.params.trigger_template }}"
    forward_all: "{{ item.params.forward_all }}"
    enabled: "{{ item.params.enabled | default(omit) }}"
    username: "{{ item.params.username }}"
  loop: "{{ exported.outgoing_webhooks }}"
  loop_control:
    label: "{{ item.name }}"
"""

RETURN = r"""
outgoing_webhooks:
  description:
    - The webhooks that match, in the server's order (creation), each as the API returns it, with the keys of the
      C(outgoing_webhook) that M(oncall.grafana.oncall_outgoing_webhook) returns, secrets masked (C(****************)).
      Empty when none match.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The webhook's id.
      type: str
      sample: WH82D7LNAZ6WUM
    name:
      description: The webhook's name.
      type: str
      sample: open-ticket
    params:
      description:
        - With O(export=true) only. The options that make M(oncall.grafana.oncall_outgoing_webhook) reproduce this webhook,
          by id (C(team_id), C(integration_ids)), so a re-apply costs one request. Text OnCall holds as null is V("").
        - Never C(password) nor C(authorization_header).
      type: dict
      returned: when O(export=true)
      sample:
        id: WH82D7LNAZ6WUM
        name: open-ticket
        team_id: TGD6H3A1Y5FCL
        webhook_url: https://tickets.example.com/api/issues
        http_method: POST
        trigger_type: escalation
        integration_ids: []
        data: '{"title": "{{ alert_group.title }}"}'
        headers: '{"Content-Type": "application/json"}'
        trigger_template: ""
        forward_all: false
        username: ""
        enabled: true
    secrets_left_out:
      description:
        - With O(export=true) only. The secrets the webhook has that RV(outgoing_webhooks[].params) leave out
          (C(password), C(authorization_header)); supply them to create the webhook on another server.
      type: list
      elements: str
      returned: when O(export=true)
      sample: [authorization_header]
"""

from ansible_collections.oncall.grafana.plugins.module_utils.outgoing_webhook import (
    OUTGOING_WEBHOOK_INFO_ARGUMENT_SPEC,
    OUTGOING_WEBHOOK_INFO_MODULE_KWARGS,
    list_outgoing_webhooks,
)
from ansible_collections.oncall.grafana.plugins.module_utils.runner import build_module, run_listing


def main():
    module = build_module(OUTGOING_WEBHOOK_INFO_ARGUMENT_SPEC, **OUTGOING_WEBHOOK_INFO_MODULE_KWARGS)
    run_listing(module, list_outgoing_webhooks)


if __name__ == "__main__":
    main()

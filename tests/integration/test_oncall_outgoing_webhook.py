# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_outgoing_webhook and its info module through the real ansible-playbook.

One playbook walks a webhook's whole life at -vvv with --diff (each run costs seconds): a check-mode preview, a create
whose answer is lost, an unchanged run, updates, both update_secrets modes, an export, a listing by team and the
delete. The request log then shows every task's requests in order, which is how the budgets are counted.
"""

from __future__ import annotations

import yaml

MASK = "****************"
PASSWORD = "pw-4f1c9e2b-never-shown"
TOKEN = "Bearer tok-8d2a7c31-never-shown"
# Ansible's own stand-in for a no_log value a module returns as a whole value: seen in a result, the module leaked it.
ANSIBLE_NO_LOG_STAND_IN = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"

LIFE = """
- name: Preview the create
  oncall.grafana.oncall_outgoing_webhook: &webhook
    name: W
    team: ops
    webhook_url: https://tickets.example.com/new
    trigger_type: alert group created
    integrations: [prod, stage]
    forward_all: false
    data: !unsafe '{"title": "{{ alert_group.title }}"}'
    headers: {X-Source: oncall}
    password: "{{ lookup('ansible.builtin.env', 'HOOK_PASSWORD') }}"
    authorization_header: "{{ lookup('ansible.builtin.env', 'HOOK_TOKEN') }}"
  check_mode: true
- name: Create, the answer lost
  oncall.grafana.oncall_outgoing_webhook: *webhook
- name: Unchanged
  oncall.grafana.oncall_outgoing_webhook: *webhook
- name: Another URL and the same integrations in another order, without a team
  oncall.grafana.oncall_outgoing_webhook:
    name: W
    webhook_url: https://tickets.example.com/v2
    integrations: [stage, prod, stage]
- name: Another password, on_create
  oncall.grafana.oncall_outgoing_webhook:
    name: W
    password: "{{ lookup('ansible.builtin.env', 'HOOK_PASSWORD') }}-2"
- name: Another password, always
  oncall.grafana.oncall_outgoing_webhook:
    name: W
    password: "{{ lookup('ansible.builtin.env', 'HOOK_PASSWORD') }}-2"
    update_secrets: always
- name: No authorization header
  oncall.grafana.oncall_outgoing_webhook:
    name: W
    authorization_header: ""
- name: Export
  oncall.grafana.oncall_outgoing_webhook_info:
    name: W
    export: true
- name: The webhooks of ops
  oncall.grafana.oncall_outgoing_webhook_info:
    team: ops
- name: Delete
  oncall.grafana.oncall_outgoing_webhook:
    name: W
    state: absent
- name: Delete again
  oncall.grafana.oncall_outgoing_webhook:
    name: W
    state: absent
"""


def diff_of(result):
    return yaml.safe_load(result["diff"]["before"]), yaml.safe_load(result["diff"]["after"])


def life(oncall):
    """LIFE with the run's names: the webhook W and the integrations prod and stage."""
    names = {key: oncall.name(key) for key in ("W", "prod", "stage")}
    return (LIFE.replace("name: W\n", "name: %(W)s\n" % names).replace("[prod, stage]", "[%(prod)s, %(stage)s]" % names)
            .replace("[stage, prod, stage]", "[%(stage)s, %(prod)s, %(stage)s]" % names))


def test_whole_life_at_vvv_with_secrets_never_shown_and_every_task_within_its_budget(oncall, playbook):
    ops = oncall.team_id("ops")
    prod = oncall.create_integration(name=oncall.name("prod"), type="webhook", team_id=ops)["id"]
    stage = oncall.create_integration(name=oncall.name("stage"), type="webhook")["id"]
    oncall.api("POST", "webhooks/", json={"name": oncall.name("elsewhere"), "url": "https://x.example", "http_method": "POST", "trigger_type": "resolve"})
    oncall.add_fault("POST", r"^/api/v1/webhooks/$", count=1, kind="reset_after")
    oncall.clear_log()
    play = playbook(life(oncall), diff=True, args=["-vvv"], env={"HOOK_PASSWORD": PASSWORD, "HOOK_TOKEN": TOKEN})
    assert play.rc == 0, play

    for text in [play.stdout, play.stderr] + [str(record["result"]) for record in play.records]:
        assert PASSWORD not in text and TOKEN not in text
    preview, created, unchanged, moved, on_create, always, cleared, exported, of_ops, deleted, gone = play.results
    for result in (preview, created, unchanged, moved):
        assert result["outgoing_webhook"]["password"] == MASK and result["outgoing_webhook"]["authorization_header"] == MASK
        assert ANSIBLE_NO_LOG_STAND_IN not in str(result.get("diff"))

    assert preview["changed"] is True and preview["outgoing_webhook"]["id"] is None
    assert diff_of(preview)[1]["integration_filter"] == sorted([prod, stage]) and diff_of(preview)[1]["password"] == MASK
    made = created["outgoing_webhook"]
    assert created["changed"] is True and made["team"] == ops and made["integration_filter"] == [prod, stage]
    assert made["data"] == '{"title": "{{ alert_group.title }}"}' and made["headers"] == '{"X-Source": "oncall"}'
    assert unchanged["changed"] is False and unchanged["outgoing_webhook"] == made
    assert moved["changed"] is True and moved["outgoing_webhook"]["team"] == ops and moved["outgoing_webhook"]["integration_filter"] == [prod, stage]
    assert diff_of(moved) == ({"name": oncall.name("W"), "team": ops, "url": "https://tickets.example.com/new", "integration_filter": sorted([prod, stage])},
                              {"name": oncall.name("W"), "team": ops, "url": "https://tickets.example.com/v2", "integration_filter": sorted([prod, stage])})
    assert on_create["changed"] is False
    assert always["changed"] is True and diff_of(always)[1]["password"] == MASK + " (sent again, update_secrets=always)"
    assert cleared["changed"] is True and cleared["outgoing_webhook"]["authorization_header"] is None
    [listed] = exported["outgoing_webhooks"]
    assert listed["secrets_left_out"] == ["password"] and "password" not in listed["params"]
    assert listed["params"]["integration_ids"] == [prod, stage] and listed["params"]["team_id"] == ops
    # the team is filtered here (a real server's ops team may have webhooks of its own)
    assert [hook["name"] for hook in of_ops["outgoing_webhooks"] if hook["name"].startswith(oncall.prefix)] == [oncall.name("W")]
    assert deleted["changed"] is True and gone["changed"] is False

    path = "/api/v1/webhooks/%s/" % made["id"]
    names = [("GET", "/api/v1/integrations/"), ("GET", "/api/v1/integrations/"), ("GET", "/api/v1/teams/")]
    lookup = [("GET", "/api/v1/webhooks/")]
    # Unchanged: one lookup plus one request per distinct name; an update the same plus one PUT; check mode no write.
    assert [(entry["method"], entry["path"]) for entry in oncall.log()] == (
        names + lookup                                                   # preview
        + names + lookup + [("POST", "/api/v1/webhooks/")] + lookup      # create: the answer lost, looked up, not sent again
        + names + lookup                                                 # unchanged
        + names[:2] + lookup + [("PUT", path)]                           # another URL, same integrations
        + lookup                                                         # another password, on_create: unknown, not sent
        + lookup + [("PUT", path)]                                       # always: sent
        + lookup + [("PUT", path)]                                       # authorization header cleared
        + lookup                                                         # export
        + [("GET", "/api/v1/teams/"), ("GET", "/api/v1/webhooks/")]      # the webhooks of a team: every one, filtered here
        + lookup + [("DELETE", path)] + lookup)                          # delete, then already absent
    writes = [entry["body"] for entry in oncall.log() if entry["method"] in ("POST", "PUT")]
    assert writes[0]["password"] == PASSWORD and writes[0]["authorization_header"] == TOKEN
    assert writes[1:] == [
        {"url": "https://tickets.example.com/v2", "team": ops, "integration_filter": [prod, stage]},
        {"password": PASSWORD + "-2", "team": ops, "integration_filter": [prod, stage]},
        {"authorization_header": None, "team": ops, "integration_filter": [prod, stage]},
    ]
    assert [hook["name"] for hook in oncall.list("webhooks/") if hook["name"].startswith(oncall.prefix)] == [oncall.name("elsewhere")]

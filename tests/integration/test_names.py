# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Names instead of ids: team, default_route.escalation_chain and default_route.slack.channel."""

from __future__ import annotations

import pytest
import yaml


def log_entries(oncall):
    return [(entry["method"], entry["path"], entry["query"]) for entry in oncall.log()]


def writes(oncall):
    return [entry for entry in log_entries(oncall) if entry[0] != "GET"]


def create_chain(oncall, name, team_id=None):
    response = oncall.api("POST", "escalation_chains/", json={"name": name, "team_id": team_id})
    assert response.status_code == 201, response.text
    return response.json()


def test_names_resolve_with_one_request_each_and_compare_as_ids(oncall, playbook):
    oncall.needs("slack")
    name = oncall.name("named")
    chain = create_chain(oncall, oncall.name("chain"))
    task = [{"name": "Named", "oncall.grafana.oncall_integration": {
        "name": name, "type": "webhook", "team": "ops",
        "default_route": {"escalation_chain": chain["name"], "slack": {"channel": "#alerts", "enabled": True}}}}]
    oncall.clear_log()
    play = playbook(task, diff=True)
    assert play.rc == 0, play
    created = play.last["integration"]
    assert created["team_id"] == oncall.team_id("ops")
    assert created["default_route"]["escalation_chain_id"] == chain["id"]
    assert created["default_route"]["slack"]["channel_id"] == oncall.slack_id("alerts")
    # The task's own arguments are echoed back as written, not as resolved (ansible-core 2.21 no longer echoes them).
    if "invocation" in play.last:
        assert play.last["invocation"]["module_args"]["team"] == "ops"

    # Unchanged: the lookup plus exactly one request per name used.
    oncall.clear_log()
    play = playbook(task)
    assert play.rc == 0 and play.last["changed"] is False
    assert sorted(log_entries(oncall)) == sorted([
        ("GET", "/api/v1/teams/", {"name": "ops", "perpage": "100"}),
        ("GET", "/api/v1/escalation_chains/", {"name": chain["name"], "perpage": "100"}),
        ("GET", "/api/v1/slack_channels/", {"channel_name": "alerts", "perpage": "100"}),
        ("GET", "/api/v1/integrations/", {"name": name, "perpage": "100"}),
    ])


def test_team_name_is_part_of_the_identity(oncall, playbook):
    name = oncall.name("same-name")
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    in_ops = oncall.create_integration(name=name, type="webhook", team_id=ops)
    oncall.create_integration(name=name, type="webhook", team_id=db)
    play = playbook([{"name": "Pick by team name", "oncall.grafana.oncall_integration": {"name": name, "team": "ops", "description_short": "x"}}])
    assert play.rc == 0, play
    assert play.last["integration"]["id"] == in_ops["id"]


@pytest.mark.parametrize("options, expected", [
    ({"team": "nobody"}, "team 'nobody' not found in OnCall. OnCall copies teams from Grafana"),
    ({"default_route": {"escalation_chain": "no such chain"}}, "escalation chain 'no such chain' not found in OnCall"),
    ({"default_route": {"slack": {"channel": "#nowhere"}}}, "Slack channel 'nowhere' not found in OnCall"),
])
def test_unknown_name_fails_before_any_write(oncall, playbook, options, expected):
    oncall.clear_log()
    play = playbook([{"name": "Unknown", "oncall.grafana.oncall_integration": dict({"name": oncall.name("x"), "type": "webhook"}, **options)}])
    assert play.rc != 0
    assert expected in play.last["msg"]
    assert writes(oncall) == []


@pytest.mark.parametrize("options, expected", [
    ({"team": "ops", "team_id": ""}, "parameters are mutually exclusive: team_id|team"),
    ({"default_route": {"escalation_chain": "a", "escalation_chain_id": ""}}, "mutually exclusive: escalation_chain_id|escalation_chain"),
    ({"default_route": {"slack": {"channel": "a", "channel_id": ""}}}, "mutually exclusive: channel_id|channel"),
    ({"team": " "}, "team must not be empty; to say none, set team_id to \"\""),
    ({"default_route": {"escalation_chain": ""}}, "default_route.escalation_chain must not be empty"),
    ({"default_route": {"slack": {"channel": "#"}}}, "default_route.slack.channel must not be empty"),
])
def test_bad_name_options_fail_before_any_request(oncall, playbook, options, expected):
    oncall.clear_log()
    play = playbook([{"name": "Bad", "oncall.grafana.oncall_integration": dict({"name": "x", "type": "webhook"}, **options)}])
    assert play.rc != 0
    assert expected in play.last["msg"], play.last["msg"]
    assert oncall.log() == []


FIRST_ROLLOUT = """\
- name: Create the escalation chain (an earlier task; in check mode it sends nothing)
  ansible.builtin.uri:
    url: "{{ oncall_url }}/api/v1/escalation_chains/"
    method: POST
    headers:
      Authorization: "{{ oncall_token }}"
    body_format: json
    body:
      name: "{{ chain_name }}"
    status_code: 201
- name: Create the integration that names it
  oncall.grafana.oncall_integration:
    name: "{{ integration_name }}"
    type: alertmanager
    default_route:
      escalation_chain: "{{ chain_name }}"
"""


def test_first_rollout_dry_runs_cleanly_then_applies(oncall, playbook):
    play_vars = {"oncall_url": oncall.url, "oncall_token": oncall.token, "chain_name": oncall.name("new-chain"),
                 "integration_name": oncall.name("new-integration")}
    check = playbook(FIRST_ROLLOUT, check=True, diff=True, play_vars=play_vars)
    assert check.rc == 0, check
    result = check.last
    assert result["changed"] is True
    assert result["integration"]["default_route"]["escalation_chain_id"] == "<escalation chain %s>" % play_vars["chain_name"]
    assert yaml.safe_load(result["diff"]["after"])["default_route"]["escalation_chain_id"] == "<escalation chain %s>" % play_vars["chain_name"]
    assert any("not found in OnCall" in warning and "check mode" in warning for warning in result["warnings"])
    assert oncall.integrations(play_vars["integration_name"]) == []

    real = playbook(FIRST_ROLLOUT, play_vars=play_vars)
    assert real.rc == 0, real
    chain_id = real.results[0]["json"]["id"]
    assert real.last["integration"]["default_route"]["escalation_chain_id"] == chain_id

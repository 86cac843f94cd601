# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A green dry run means the real run will pass, and failures say what to fix: each case was seen by a new user.

Unknown names of things no module here creates fail in check mode too; an unknown integration type fails before
any request; a wrong address fails at once; deleting a route of an integration that does not exist is nothing to do;
ambiguity names the option that fixes it and the teams by name; a team id that names no team says so.
"""

from __future__ import annotations

import difflib
import json
import socket
import threading

import pytest

INTEGRATION = "oncall.grafana.oncall_integration"
FLEET = "oncall.grafana.oncall_integrations"
ROUTE = "oncall.grafana.oncall_route"


def prefixed(oncall, task):
    """``task`` with the names of the objects it manages carrying the run's prefix (the server may be a shared one)."""
    [(module, options)] = task.items()
    options = dict(options)
    if "name" in options:
        options["name"] = oncall.name(options["name"])
    if "config" in options:
        options["config"] = [dict(item, name=oncall.name(item["name"])) for item in options["config"]]
    return {module: options}


def writes(oncall):
    return [entry for entry in oncall.log() if entry["method"] != "GET"]


@pytest.mark.parametrize("check", [True, False], ids=["check", "real"])
@pytest.mark.parametrize("task", [
    {INTEGRATION: {"name": "new", "type": "webhook", "team": "Platfrom"}},
    {FLEET: {"config": [{"name": "new", "type": "webhook", "team": "Platfrom"}]}},
    {INTEGRATION: {"name": "new", "type": "webhook", "default_route": {"slack": {"channel": "no-such-channel"}}}},
], ids=["integration", "fleet", "slack-channel"])
def test_an_unknown_team_or_channel_fails_in_check_mode_as_in_a_real_run(oncall, playbook, task, check):
    oncall.clear_log()
    play = playbook([prefixed(oncall, task)], check=check)
    assert play.rc != 0 and "not found in OnCall" in play.last["msg"], play.last
    assert writes(oncall) == []


def test_an_unknown_chain_name_still_only_warns_in_check_mode(oncall, playbook):
    # A chain can be created by an earlier task of the same playbook: check mode shows a placeholder instead.
    play = playbook([{INTEGRATION: {"name": oncall.name("new"), "type": "webhook", "default_route": {"escalation_chain": "later"}}}], check=True)
    assert play.rc == 0 and play.last["changed"] is True
    assert any("escalation chain 'later' not found" in warning for warning in play.last["warnings"])


@pytest.mark.parametrize("check", [True, False], ids=["check", "real"])
def test_an_unknown_type_fails_before_any_request_and_a_fleet_writes_nothing(oncall, playbook, check):
    oncall.clear_log()
    play = playbook([{INTEGRATION: {"name": "new", "type": "alertmanagr"}}], check=check)
    assert play.rc != 0 and "alertmanagr" in play.last["msg"] and "alertmanager" in play.last["msg"], play.last
    play = playbook([{FLEET: {"config": [{"name": "first", "type": "webhook"}, {"name": "second", "type": "alertmanagr"}]}}], check=check)
    assert play.rc != 0 and "alertmanagr" in play.last["msg"]
    assert oncall.log() == []


def test_a_cloud_only_type_is_refused_by_a_self_hosted_server_with_its_own_answer(oncall, playbook):
    play = playbook([{INTEGRATION: {"name": oncall.name("new"), "type": "datadog"}}])
    assert play.rc != 0 and "Invalid integration type" in play.last["msg"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_nothing_listening_fails_at_once_naming_the_url(oncall, playbook):
    url = "http://127.0.0.1:%d" % free_port()
    play = playbook([{INTEGRATION: {"name": "new", "type": "webhook", "url": url, "token": oncall.token}}], connection=False)
    assert play.rc != 0 and "cannot connect to %s: connection refused" % url in play.last["msg"], play.last
    assert "retry" not in " ".join(play.last.get("warnings", []))


def test_https_to_a_plain_http_port_says_to_use_http(oncall, playbook):
    url = oncall.url.replace("http://", "https://")
    for options in ({}, {"validate_certs": False}):
        task = {INTEGRATION: dict({"name": "new", "type": "webhook", "url": url, "token": oncall.token}, **options)}
        play = playbook([task], connection=False)
        message = play.last["msg"]
        assert play.rc != 0 and "does not speak TLS" in message and "instead of https:// in url (%s)" % oncall.url in message, message
        assert "ca_path" not in message and "validate_certs" not in message


@pytest.mark.parametrize("check", [True, False], ids=["check", "real"])
def test_deleting_a_route_of_an_integration_that_does_not_exist_is_nothing_to_do(oncall, playbook, check):
    play = playbook([{ROUTE: {"integration": oncall.name("gone"), "routing_regex": "x", "state": "absent"}}], check=check)
    assert play.rc == 0 and play.last["changed"] is False, play.last
    assert not play.last.get("warnings"), play.last["warnings"]     # nothing to predict, nothing to warn about
    assert writes(oncall) == []


def test_ambiguity_names_the_option_of_the_module_at_hand_and_the_teams_by_name(oncall, playbook):
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    name = oncall.name("twice")
    first = oncall.create_integration(name=name, type="webhook", team_id=ops)
    second = oncall.create_integration(name=name, type="webhook", team_id=db)
    play = playbook([{ROUTE: {"integration": name, "routing_regex": "x"}}])
    message = play.last["msg"]
    assert play.rc != 0 and "Set integration_id to pick one" in message and "use the id option" not in message, message
    assert "%s (team ops (%s))" % (first["id"], ops) in message and "%s (team db (%s))" % (second["id"], db) in message
    play = playbook([{INTEGRATION: {"name": name, "description_short": "x"}}])
    assert "Set team_id or id to pick one" in play.last["msg"] and "team ops (%s)" % ops in play.last["msg"], play.last


def test_a_team_id_that_names_no_team_says_so(oncall, playbook):
    oncall.create_integration(name=oncall.name("elsewhere"), type="webhook")
    play = playbook([{INTEGRATION: {"name": oncall.name("elsewhere"), "team_id": "TNOSUCHTEAM12", "description_short": "x"}}])
    message = play.last["msg"]
    assert play.rc != 0 and "no team has the id TNOSUCHTEAM12 (team_id)" in message and "type is required" not in message, message


@pytest.mark.parametrize("task, path, listing", [
    ({INTEGRATION: {"name": "raced", "type": "webhook", "description_short": "same"}}, "^/api/v1/integrations/$", "integrations/"),
    ({"oncall.grafana.oncall_escalation_chain": {"name": "raced", "team": "ops"}}, "^/api/v1/escalation_chains/$", "escalation_chains/"),
    ({"oncall.grafana.oncall_outgoing_webhook": {"name": "raced", "team": "ops", "webhook_url": "https://x.example", "trigger_type": "resolve",
                                                 "password": "pw", "integrations": []}}, "^/api/v1/webhooks/$", "webhooks/"),
], ids=["integration", "chain", "outgoing webhook"])
def test_two_runs_at_once_both_succeed_and_one_object_exists(oncall, playbook, task, path, listing):
    # Both runs find nothing and POST; the proxy holds the POSTs until both have arrived, then sends them one after the other.
    oncall.team_id("ops")  # skips on a server without it
    task = json.loads(json.dumps(task).replace('"raced"', json.dumps(oncall.name("raced"))))
    oncall.add_fault("POST", path, count=2, kind="hold", seconds=60)
    plays = [None, None]
    runs = [threading.Thread(target=lambda index=index: plays.__setitem__(index, playbook([task]))) for index in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=240)
    assert all(play is not None and play.rc == 0 for play in plays), plays
    assert len([item for item in oncall.list(listing) if item["name"] == oncall.name("raced")]) == 1
    assert sorted(entry["status"] for entry in oncall.log() if entry["method"] == "POST") == [201, 400]
    # The run whose create was refused found the other run's object, compared it and had nothing left to change.
    loser = next(play for play in plays if any("another run created" in warning for warning in play.last.get("warnings", [])))
    assert loser.last["changed"] is False


def test_a_one_line_edit_of_a_long_template_diffs_as_one_line_each_side(oncall, playbook):
    lines = ["line %d: {{ '{{' }} payload.field_%d {{ '}}' }}" % (index, index) for index in range(20)]
    template = "\n".join(lines)
    assert playbook([{INTEGRATION: {"name": oncall.name("long"), "type": "webhook", "templates": {"web": {"message": template}}}}]).rc == 0
    edited = template.replace("line 7:", "line seven:")
    play = playbook([{INTEGRATION: {"name": oncall.name("long"), "templates": {"web": {"message": edited}}}}], check=True, diff=True)
    diff = play.last["diff"]
    changed = [line for line in difflib.unified_diff(diff["before"].splitlines(), diff["after"].splitlines(), lineterm="")
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["-      line 7: {{ payload.field_7 }}", "+      line seven: {{ payload.field_7 }}"], diff


def test_two_fleet_runs_at_once_leave_one_integration_and_the_next_run_converges(oncall, playbook):
    oncall.add_fault("POST", r"^/api/v1/integrations/$", count=2, kind="hold", seconds=60)
    task = [{FLEET: {"state": "replaced", "config": [{"name": oncall.name("raced"), "type": "webhook",
                                                      "routes": [{"routing_regex": "a"}, {"routing_regex": "b"}]}]}}]
    plays = [None, None]
    runs = [threading.Thread(target=lambda index=index: plays.__setitem__(index, playbook(task))) for index in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=240)
    assert all(play is not None and play.rc == 0 for play in plays), plays
    [integration] = oncall.integrations(oncall.name("raced"))
    # The run whose create was refused planned its routes again against what the other run had made by then; routes have
    # no uniqueness, so two runs writing one route list at the same moment can still both add a route: the next run
    # (replaced) makes the list exact again.
    assert playbook(task).rc == 0 and playbook(task).last["changed"] is False
    routes = sorted((route for route in oncall.list("routes/", integration_id=integration["id"]) if not route["is_the_last_route"]),
                    key=lambda route: route["position"])
    assert [route["routing_regex"] for route in routes] == ["a", "b"]

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every module through real ansible-playbook runs while the recording proxy injects faults, on any server.

Rate limits, transient 5xx, lost answers and timeouts: each test asserts the outcome, the attempts and which fault
rule took each request from the proxy's log (never wall time), and ends by checking the server's state: nothing
lost, nothing doubled.
"""

from __future__ import annotations

import re
import time

import pytest
import requests


def make_integration(oncall):
    return oncall.create_integration(name=oncall.name("base"), type="webhook")


def create_cases(oncall):
    """For each module that creates something: (name, task options, list path regex, how to count the objects)."""
    base = make_integration(oncall)
    name = oncall.name("faulty")
    return {
        "integration": ("oncall.grafana.oncall_integration", {"name": name, "type": "webhook"}, r"^/api/v1/integrations/?$",
                        lambda: len(oncall.integrations(name))),
        "escalation_chain": ("oncall.grafana.oncall_escalation_chain", {"name": name}, r"^/api/v1/escalation_chains/?$",
                             lambda: len([c for c in oncall.list("escalation_chains/") if c["name"] == name])),
        "route": ("oncall.grafana.oncall_route", {"integration_id": base["id"], "routing_regex": name}, r"^/api/v1/routes/?$",
                  lambda: len([r for r in oncall.list("routes/", integration_id=base["id"]) if r["routing_regex"] == name])),
    }


MODULES = ("integration", "escalation_chain", "route")


def entries(oncall, method=None, path=None):
    """The proxy's log: it also says whether a fault rule let the request reach the server before losing its answer."""
    return [e for e in oncall.log() if (method is None or e["method"] == method) and (path is None or re.search(path, e["path"]))]


def run_case(oncall, playbook, case, **extra):
    module, options, dummy_path, dummy_count = case
    return playbook([{"name": "Faulty", module: dict(options, **extra)}])


@pytest.mark.parametrize("kind", MODULES)
def test_post_reset_after_the_server_created_it_leaves_exactly_one(oncall, playbook, kind):
    case = create_cases(oncall)[kind]
    oncall.clear_log()
    oncall.add_fault("POST", case[2], count=1, kind="reset_after")
    play = run_case(oncall, playbook, case)
    assert play.rc == 0, play
    assert play.last["changed"] is True
    posts = entries(oncall, "POST", case[2])
    assert len(posts) == 1 and posts[0].get("applied") is True
    assert case[3]() == 1


@pytest.mark.parametrize("kind", MODULES)
def test_post_reset_before_the_server_created_it_creates_it_exactly_once(oncall, playbook, kind):
    case = create_cases(oncall)[kind]
    oncall.clear_log()
    oncall.add_fault("POST", case[2], count=1, kind="reset_before")
    play = run_case(oncall, playbook, case)
    assert play.rc == 0, play
    posts = entries(oncall, "POST", case[2])
    assert len(posts) == 2 and posts[0].get("applied") is False
    assert case[3]() == 1


@pytest.mark.parametrize("kind", MODULES)
def test_post_answered_500_is_not_sent_again_and_fails_with_the_answer(oncall, playbook, kind):
    case = create_cases(oncall)[kind]
    oncall.clear_log()
    oncall.add_fault("POST", case[2], count=1, kind="status", status=500)
    play = run_case(oncall, playbook, case)
    assert play.rc != 0 and "failed with HTTP 500" in play.last["msg"]
    assert len(entries(oncall, "POST", case[2])) == 1
    assert case[3]() == 0


@pytest.mark.parametrize("kind", MODULES)
def test_burst_of_429_is_waited_out(oncall, playbook, kind):
    case = create_cases(oncall)[kind]
    oncall.clear_log()
    oncall.add_fault("*", r"^/api/v1/", count=3, kind="status", status=429, retry_after=1)
    play = run_case(oncall, playbook, case)
    assert play.rc == 0, play
    assert [e["status"] for e in oncall.log()][:3] == [429, 429, 429]
    assert any("HTTP 429" in warning for warning in play.last["warnings"])
    assert case[3]() == 1


@pytest.mark.parametrize("kind", MODULES)
def test_429_longer_than_max_retry_delay_or_more_than_retries_fails_clearly(oncall, playbook, kind):
    case = create_cases(oncall)[kind]
    oncall.clear_log()
    oncall.add_fault("*", r"^/api/v1/", count=1, kind="status", status=429, retry_after=600)
    play = run_case(oncall, playbook, case)
    assert play.rc != 0 and "longer than max_retry_delay=120 s" in play.last["msg"]
    assert len(oncall.log()) == 1
    oncall.clear_faults()
    oncall.clear_log()
    oncall.add_fault("*", r"^/api/v1/", count=3, kind="status", status=429, retry_after=0)
    play = run_case(oncall, playbook, case, retries=2)
    assert play.rc != 0 and "still rate limited after 3 attempts" in play.last["msg"]
    assert len(oncall.log()) == 3
    assert case[3]() == 0


@pytest.mark.parametrize("kind", MODULES)
@pytest.mark.parametrize("status", [500, 502, 503])
def test_transient_5xx_on_reads_is_retried(oncall, playbook, kind, status):
    case = create_cases(oncall)[kind]
    oncall.clear_log()
    oncall.add_fault("GET", r"^/api/v1/", count=2, kind="status", status=status)
    play = run_case(oncall, playbook, case)
    assert play.rc == 0, play
    assert [e["status"] for e in entries(oncall, "GET")][:3] == [status, status, 200]
    assert case[3]() == 1


def test_transient_5xx_on_update_and_delete_is_retried(oncall, playbook):
    name = oncall.name("retried")
    created = oncall.create_integration(name=name, type="webhook")
    oncall.add_fault("PUT", r"^/api/v1/integrations/C", count=2, kind="status", status=503)
    play = playbook([{"name": "Update", "oncall.grafana.oncall_integration": {"name": name, "description_short": "new"}}])
    assert play.rc == 0, play
    assert [e["status"] for e in entries(oncall, "PUT")] == [503, 503, 200]
    oncall.clear_log()
    oncall.add_fault("DELETE", r"^/api/v1/integrations/C", count=1, kind="reset_after")
    play = playbook([{"name": "Delete", "oncall.grafana.oncall_integration": {"name": name, "state": "absent"}}])
    assert play.rc == 0, play
    # The first DELETE was applied but its answer lost; the retry's 404 counts as done.
    assert [e["status"] for e in entries(oncall, "DELETE")][1] == 404
    assert oncall.integrations(name) == [] and created["id"]


@pytest.mark.parametrize("kind", ["escalation_chain", "route"])
def test_transient_5xx_and_lost_answers_on_update_and_delete_of_chains_and_routes(oncall, playbook, kind):
    base = make_integration(oncall)
    if kind == "escalation_chain":
        module, path = "oncall.grafana.oncall_escalation_chain", r"^/api/v1/escalation_chains/F"
        identity = {"name": oncall.name("chain")}
        oncall.api("POST", "escalation_chains/", json=identity)
        update = dict(identity, team="ops")
        oncall.team_id("ops")  # skips on a server without it
    else:
        module, path = "oncall.grafana.oncall_route", r"^/api/v1/routes/R"
        identity = {"integration_id": base["id"], "routing_regex": "r"}
        oncall.api("POST", "routes/", json=dict(identity, escalation_chain_id=None))
        update = dict(identity, slack={"enabled": False})
    oncall.clear_log()
    oncall.add_fault("PUT", path, count=2, kind="status", status=502)
    play = playbook([{"name": "Update", module: update}])
    assert play.rc == 0, play
    assert [e["status"] for e in entries(oncall, "PUT")] == [502, 502, 200]
    oncall.clear_log()
    oncall.add_fault("DELETE", path, count=1, kind="reset_after")
    play = playbook([{"name": "Delete", module: dict(identity, state="absent")}])
    assert play.rc == 0, play
    assert [e["status"] for e in entries(oncall, "DELETE")] == ["reset", 404]
    if kind == "escalation_chain":
        assert [c for c in oncall.list("escalation_chains/") if c["name"] == identity["name"]] == []
    else:
        assert [r for r in oncall.list("routes/", integration_id=base["id"]) if r["routing_regex"] == "r"] == []


def test_timeout_fails_after_the_configured_attempts(oncall, playbook):
    oncall.clear_log()
    oncall.add_fault("GET", r"^/api/v1/integrations/?$", count=5, kind="delay", seconds=2)
    task = {"name": oncall.name("slow"), "type": "webhook", "timeout": 1, "retries": 1}
    play = playbook([{"name": "Slow", "oncall.grafana.oncall_integration": task}])
    assert play.rc != 0
    assert "no answer within timeout=1 s (gave up after 2 attempts)" in play.last["msg"]
    # The server logs a request when it has answered it; the second slow one finishes after the client gave up.
    for dummy in range(50):
        if len(entries(oncall, "GET")) == 2:
            break
        time.sleep(0.1)
    assert len(entries(oncall, "GET")) == 2
    assert entries(oncall, "POST") == []


@pytest.mark.parametrize("module, options", [
    ("oncall.grafana.oncall_integration_info", {}),
    ("oncall.grafana.oncall_escalation_chain_info", {}),
])
def test_info_modules_ride_out_429_and_5xx(oncall, playbook, module, options):
    oncall.add_fault("GET", r"^/api/v1/", count=1, kind="status", status=429, retry_after=0)
    oncall.add_fault("GET", r"^/api/v1/", count=1, kind="status", status=502)
    play = playbook([{"name": "Read", module: options}])
    assert play.rc == 0, play
    assert [e["status"] for e in oncall.log()] == [429, 502, 200]


@pytest.mark.parametrize("status", [400, 500])
def test_token_never_reaches_output_even_when_the_server_echoes_it(oncall, playbook, status):
    """A server (or proxy) that quotes the request's headers in its error must not leak the token anywhere."""
    oncall.add_fault("*", r"^/api/v1/", count=10, kind="status", status=status, body="echo")
    tasks = [{"name": "Echoing server", "oncall.grafana.oncall_integration": {"name": oncall.name("echo"), "type": "webhook", "retries": 0},
              "ignore_errors": True},
             {"name": "Echoing server, info", "oncall.grafana.oncall_integration_info": {"retries": 0}, "ignore_errors": True}]
    # The token comes from the environment, so the playbook text (which -vvv quotes around errors) holds none.
    play = playbook(tasks, diff=True, args=["-vvv"], connection=False,
                    env={"GRAFANA_ONCALL_URL": oncall.url, "GRAFANA_ONCALL_ACCESS_TOKEN": oncall.token})
    assert play.rc == 0, play
    assert all(record["status"] == "failed" for record in play.records)
    assert "Could not process request" in play.records[0]["result"]["msg"]
    for text in [play.stdout, play.stderr] + [str(record["result"]) for record in play.records]:
        assert oncall.token not in text


@pytest.mark.emulator_only("needs its own emulator with a lowered rate limit")
def test_fifty_integrations_through_a_tripping_rate_limit(oncall, playbook):
    """50 creates (100 requests) against the default 300/min limit lowered to 30 per 10 s: all made once, all correct.

    The window is spent just before the playbook starts, so its first request is refused however slow the machine
    is (a busy machine could otherwise stay under the limit, and the test would prove nothing)."""
    from server import EmulatorServer  # pylint: disable=import-outside-toplevel,import-error
    with EmulatorServer(token="fleet-token", host="127.0.0.1", port=0, rate_limit="30/10s") as server:
        with requests.Session() as spender:
            for dummy in range(30):
                assert spender.get(server.url + "/api/v1/teams/", headers={"Authorization": "fleet-token"}, timeout=10).status_code == 200
        with server.state.lock:
            server.state.requests.clear()
        task = {"name": "Fleet", "oncall.grafana.oncall_integration": {
            "name": "fleet-{{ item }}", "type": "alertmanager", "description_short": "member {{ item }}",
            "templates": {"web": {"title": "fleet {{ item }}"}}},
            "loop": "{{ range(50) | list }}"}
        env = {"GRAFANA_ONCALL_URL": server.url, "GRAFANA_ONCALL_ACCESS_TOKEN": "fleet-token"}
        play = playbook([task], connection=False, env=env)
        assert play.rc == 0, play
        log = server.state.dump()
        made = sorted(log["integrations"], key=lambda item: item["name"])
        assert [item["name"] for item in made] == sorted("fleet-%d" % index for index in range(50))
        assert all(item["description_short"] == "member %s" % item["name"][6:] for item in made)
        statuses = [entry["status"] for entry in server.state.requests]
        assert statuses[0] == 429 and len([s for s in statuses if s in (200, 201)]) == 100

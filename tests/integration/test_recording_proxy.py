# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The recording proxy the playbook tests count requests with: it must log what was sent and change nothing else.

Checked against an emulator of its own, whose request log is the reference: the proxy's log must agree with it.
"""

from __future__ import annotations

import threading

import pytest
import requests

from server import EmulatorServer  # pylint: disable=import-error
from recording_proxy import RecordingProxy  # pylint: disable=import-error

TOKEN = "proxy-test-token"


@pytest.fixture
def upstream():
    with EmulatorServer(token=TOKEN, teams=["ops"], rate_limit="100000/m", host="127.0.0.1", port=0) as server:
        yield server


def emulator_log(server):
    return requests.get(server.url + "/__emulator__/requests", timeout=10).json()["requests"]


def test_requests_pass_through_and_are_logged_as_the_emulator_logs_them(upstream):
    auth = {"Authorization": TOKEN}
    with RecordingProxy(upstream.url) as proxy:
        made = requests.post(proxy.url + "/api/v1/integrations/", json={"name": "via proxy", "type": "webhook"}, headers=auth, timeout=10)
        assert made.status_code == 201 and made.json()["name"] == "via proxy"
        listed = requests.get(proxy.url + "/api/v1/integrations/", params={"name": "via proxy", "perpage": 1}, headers=auth, timeout=10)
        assert [item["id"] for item in listed.json()["results"]] == [made.json()["id"]]
        denied = requests.get(proxy.url + "/api/v1/integrations/", headers={"Authorization": "wrong"}, timeout=10)
        assert denied.status_code == 403 and "detail" in denied.json()
        gone = requests.delete(proxy.url + "/api/v1/integrations/%s/" % made.json()["id"], headers=auth, timeout=10)
        assert gone.status_code == 204 and gone.content == b""
        # Upstream closes every connection and says so: the proxy says so too.
        assert listed.headers["Connection"] == "close"
        assert proxy.log() == [{key: entry[key] for key in ("method", "path", "query", "body", "status")} for entry in emulator_log(upstream)]
        assert [(entry["method"], entry["status"]) for entry in proxy.log()] == [("POST", 201), ("GET", 200), ("GET", 403), ("DELETE", 204)]
        assert proxy.log()[0]["body"] == {"name": "via proxy", "type": "webhook"}
        assert proxy.log()[1]["query"] == {"name": "via proxy", "perpage": "1"}
        proxy.clear()
        assert proxy.log() == []


def test_a_reset_upstream_is_a_reset_downstream_and_logged_as_such(upstream):
    upstream.add_fault("POST", r"^/api/v1/integrations/$", count=1, kind="reset_after")
    with RecordingProxy(upstream.url) as proxy:
        with pytest.raises(requests.ConnectionError):
            requests.post(proxy.url + "/api/v1/integrations/", json={"name": "lost answer", "type": "webhook"},
                          headers={"Authorization": TOKEN}, timeout=10)
        assert [(entry["method"], entry["status"]) for entry in proxy.log()] == [("POST", "reset")]
    assert [item["name"] for item in upstream.state.dump()["integrations"]] == ["lost answer"]


def test_an_upstream_that_closes_silently_costs_the_client_nothing(upstream):
    """Each request goes upstream on a fresh connection, so a server that drops connections unannounced (uWSGI) adds no
    resets to the log, and budgets stay the same on such a server."""
    requests.post(upstream.url + "/__emulator__/connections", json={"silent_close": True}, timeout=10).raise_for_status()
    with RecordingProxy(upstream.url) as proxy, requests.Session() as session:
        session.headers["Authorization"] = TOKEN
        statuses = [session.get(proxy.url + "/api/v1/teams/", timeout=10).status_code for dummy in range(5)]
        assert statuses == [200] * 5
        assert [entry["status"] for entry in proxy.log()] == [200] * 5


def test_an_upstream_path_prefix_is_kept_and_left_out_of_the_log():
    """A server's API may live under a path (Grafana Cloud's /oncall): the playbooks see the proxy's root."""
    with EmulatorServer(token=TOKEN, host="127.0.0.1", port=0) as server, RecordingProxy(server.url + "/prefix") as proxy:
        answer = requests.get(proxy.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, timeout=10)
        assert answer.status_code == 404  # the emulator has no prefix: the request went to /prefix/api/v1/teams/
        assert emulator_log(server)[-1]["path"] == "/prefix/api/v1/teams/"
        assert proxy.log()[-1]["path"] == "/api/v1/teams/"


def test_an_upstream_that_is_not_http_is_refused():
    with pytest.raises(ValueError, match="http:// or https://"):
        RecordingProxy("ftp://127.0.0.1:21")


@pytest.mark.parametrize("rule", [
    {"kind": "status", "status": 429, "retry_after": 3},
    {"kind": "status", "status": 429},
    {"kind": "status", "status": 400},
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 502},
    {"kind": "status", "status": 503, "body": "plain"},
], ids=["429 with a wait", "429 without", "400", "500", "502", "503 plain"])
def test_a_status_fault_is_answered_as_the_emulator_answers_it(upstream, rule):
    """The proxy's canned answers are the emulator's (the same code), so the fault tests mean the same on any server."""
    def answer(base_url):
        got = requests.get(base_url + "/api/v1/integrations/", params={"page": 2}, headers={"Authorization": TOKEN}, timeout=10)
        return got.status_code, got.content, {key: got.headers.get(key) for key in ("Content-Type", "Retry-After", "RateLimit-Reset")}

    upstream.add_fault("GET", r"^/api/v1/integrations/", **rule)
    from_emulator = answer(upstream.url)
    with RecordingProxy(upstream.url) as proxy:
        proxy.faults.add(dict(rule, method="GET", path=r"^/api/v1/integrations/"))
        assert answer(proxy.url) == from_emulator
        # The rule answered in the server's place: the request never reached it.
        assert proxy.log() == [{"method": "GET", "path": "/api/v1/integrations/", "query": {"page": "2"}, "body": None,
                                "status": rule["status"], "fault": "status", "applied": False}]
    assert len(emulator_log(upstream)) == 1


def test_an_echo_fault_quotes_what_the_client_sent(upstream):
    with RecordingProxy(upstream.url) as proxy:
        proxy.faults.add({"kind": "status", "status": 400, "body": "echo"})
        got = requests.post(proxy.url + "/api/v1/integrations/", json={"name": "echoed"}, headers={"Authorization": TOKEN}, timeout=10)
    assert got.status_code == 400 and TOKEN in got.json()["detail"] and '"name": "echoed"' in got.json()["detail"]
    assert emulator_log(upstream) == []


@pytest.mark.parametrize("kind, made, keys", [
    ("reset_before", [], {"fault": "reset_before", "applied": False}),
    ("reset_after", ["lost answer"], {"fault": "reset_after", "applied": True, "answer": 201}),
])
def test_a_reset_fault_resets_the_client_before_or_after_the_server_made_the_change(upstream, kind, made, keys):
    with RecordingProxy(upstream.url) as proxy:
        proxy.faults.add({"kind": kind, "method": "POST", "path": r"^/api/v1/integrations/$"})
        with pytest.raises(requests.ConnectionError):
            requests.post(proxy.url + "/api/v1/integrations/", json={"name": "lost answer", "type": "webhook"},
                          headers={"Authorization": TOKEN}, timeout=10)
        [entry] = proxy.log()
        assert entry["status"] == "reset" and {key: entry[key] for key in keys} == keys
        # The rule is used up: the next request goes through untouched.
        again = requests.get(proxy.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, timeout=10)
        assert again.status_code == 200 and "fault" not in proxy.log()[-1]
    assert [item["name"] for item in upstream.state.dump()["integrations"]] == made


def test_a_delay_fault_forwards_after_waiting_and_a_client_that_gave_up_still_changes_the_server(upstream):
    with RecordingProxy(upstream.url) as proxy:
        proxy.faults.add({"kind": "delay", "seconds": 1, "method": "POST"})
        with pytest.raises(requests.Timeout):
            requests.post(proxy.url + "/api/v1/integrations/", json={"name": "slow", "type": "webhook"},
                          headers={"Authorization": TOKEN}, timeout=0.2)
        for dummy in range(100):  # bounded: the proxy logs the request once the server has answered it
            if proxy.log():
                break
            threading.Event().wait(0.05)
        assert [(entry["status"], entry["fault"], entry["delay"]) for entry in proxy.log()] == [(201, "delay", 1)]
    assert [item["name"] for item in upstream.state.dump()["integrations"]] == ["slow"]


def test_a_hold_fault_sends_the_held_requests_together_in_arrival_order(upstream):
    with RecordingProxy(upstream.url) as proxy:
        proxy.faults.add({"kind": "hold", "count": 2, "seconds": 10, "method": "POST"})
        answers = {}

        def create(name):
            answers[name] = requests.post(proxy.url + "/api/v1/integrations/", json={"name": name, "type": "webhook"},
                                          headers={"Authorization": TOKEN}, timeout=30).status_code

        first = threading.Thread(target=create, args=("first",))
        first.start()
        for dummy in range(100):  # bounded: wait until the proxy holds the first request
            if proxy.faults.describe()[0]["remaining"] == 1:
                break
            threading.Event().wait(0.05)
        assert proxy.log() == []  # held: not sent yet
        create("second")
        first.join(timeout=30)
        assert answers == {"first": 201, "second": 201}
        assert [(entry["body"]["name"], entry["arrival"], entry["released"]) for entry in proxy.log()] == [("first", 1, "all"), ("second", 2, "all")]
    assert [item["name"] for item in upstream.state.dump()["integrations"]] == ["first", "second"]


def test_another_process_reads_and_empties_the_log_over_http_and_that_is_never_forwarded(upstream):
    with RecordingProxy(upstream.url) as proxy:
        requests.get(proxy.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, timeout=10)
        read = requests.get(proxy.log_url, timeout=10)
        assert read.status_code == 200 and read.json() == {"requests": proxy.log()} and len(proxy.log()) == 1
        assert requests.delete(proxy.log_url, timeout=10).status_code == 204
        assert proxy.log() == [] and requests.get(proxy.log_url, timeout=10).json() == {"requests": []}
        assert requests.post(proxy.log_url, timeout=10).status_code == 405
    assert [entry["path"] for entry in emulator_log(upstream)] == ["/api/v1/teams/"]


@pytest.mark.parametrize("kind", ["reset_after", "delay"])
def test_a_request_a_rule_forwards_that_the_server_throttles_gets_the_429_and_the_rule_acts_on_the_next_try(upstream, kind):
    """Near a real server's rate limit: the rule must act on a request the server ran, and the proxy never sends one again
    itself (the client may have given up and sent its own)."""
    upstream.add_fault("POST", r"^/api/v1/integrations/$", kind="status", status=429, retry_after=1)
    with RecordingProxy(upstream.url) as proxy:
        def create():
            return requests.post(proxy.url + "/api/v1/integrations/", json={"name": "made once", "type": "webhook"},
                                 headers={"Authorization": TOKEN}, timeout=30)

        proxy.faults.add(dict({"kind": kind, "method": "POST", "path": r"^/api/v1/integrations/$"}, **({"seconds": 0} if kind == "delay" else {})))
        proxy.faults.add({"kind": "status", "status": 502, "method": "GET"})  # a later rule: it stays behind the one given back
        refused = create()
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
        assert [(rule["kind"], rule["remaining"]) for rule in proxy.faults.describe()] == [(kind, 1), ("status", 1)]
        if kind == "reset_after":
            with pytest.raises(requests.ConnectionError):
                create()
        else:
            assert create().status_code == 201
        assert [(entry["status"], entry.get("fault")) for entry in proxy.log()] == [(429, None), ("reset" if kind == "reset_after" else 201, kind)]
    assert [item["name"] for item in upstream.state.dump()["integrations"]] == ["made once"]


def test_a_head_answer_keeps_the_servers_content_length(upstream):
    with RecordingProxy(upstream.url) as proxy:
        direct = requests.head(upstream.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, timeout=10)
        proxied = requests.head(proxy.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, timeout=10)
    assert proxied.status_code == direct.status_code == 200
    assert proxied.headers["Content-Length"] == direct.headers["Content-Length"] != "0"

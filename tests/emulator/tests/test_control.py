# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Control endpoints under /__emulator__/ and the Python API."""

from __future__ import annotations

import re
import socket

import pytest
import requests

from server import EmulatorServer  # conftest puts tests/emulator on sys.path

TOKEN = "t0ken"


def test_request_log(api):
    api.post("integrations/?x=1&x=2&y=3", json={"type": "webhook", "name": "a"})
    api.get("integrations/", token="wrong")
    api.get("nothing/")
    api.control("GET", "state")
    log = api.log()
    assert log == [
        {"method": "POST", "path": "/api/v1/integrations/", "query": {"x": ["1", "2"], "y": "3"}, "body": {"type": "webhook", "name": "a"},
         "status": 201},
        {"method": "GET", "path": "/api/v1/integrations/", "query": {}, "body": None, "status": 403},
        {"method": "GET", "path": "/api/v1/nothing/", "query": {}, "body": None, "status": 404},
    ]
    assert api.control("DELETE", "requests").status_code == 204
    assert api.log() == []


def test_reset_keeps_start_up_teams_and_slack(api):
    teams = api.get("teams/").json()["results"]
    chain = api.chain("c")
    created = api.integration(name="a", default_route={"escalation_chain_id": chain["id"]})
    api.delete("integrations/" + created["id"])
    api.integration(name="b")
    api.control("POST", "teams", json={"name": "synced"})
    assert api.control("POST", "reset").status_code == 204
    assert api.log() == []
    state = api.control("GET", "state").json()
    assert state["integrations"] == [] and state["routes"] == [] and state["escalation_chains"] == []
    assert api.get("teams/").json()["results"] == teams
    assert api.get("slack_channels/").json()["count"] == 2


def test_reset_keeps_start_up_users_schedules_and_user_groups(api):
    users = api.get("users/").json()["results"]
    schedules = api.get("schedules/").json()["results"]
    groups = api.get("user_groups/").json()["results"]
    assert len(users) == 3 and len(schedules) == 2 and len(groups) == 1
    api.delete("schedules/" + schedules[0]["id"])
    api.post("schedules/", json={"name": "made later", "type": "web", "time_zone": "UTC"})
    chain = api.chain("c")
    api.step(chain["id"], "notify_persons", persons_to_notify=[users[0]["id"]])
    api.webhook("w")
    assert api.control("POST", "reset").status_code == 204
    assert api.get("users/").json()["results"] == users
    assert api.get("schedules/").json()["results"] == schedules  # the deleted one is back, with its id
    assert api.get("user_groups/").json()["results"] == groups
    state = api.control("GET", "state").json()
    assert state["escalation_policies"] == [] and state["webhooks"] == [] and state["escalation_chains"] == []


def test_add_team(api):
    response = api.control("POST", "teams", json={"name": "sre"})
    assert response.status_code == 201
    team = response.json()
    assert team["name"] == "sre" and team["id"].startswith("T")
    assert api.get("teams/" + team["id"]).json() == team
    assert api.integration(name="x", team_id=team["id"])["team_id"] == team["id"]


def test_state_dump(api):
    created = api.integration(name="a")
    api.delete("integrations/" + created["id"])
    state = api.control("GET", "state").json()
    assert state["integrations"][0]["id"] == created["id"]
    assert state["integrations"][0]["deleted"] is True
    assert [t["name"] for t in state["teams"]] == ["ops", "db"]
    assert state["slack_channels"][0]["slack_id"] == "C01ALERTS"
    assert [u["username"] for u in state["users"]] == ["alice", "bob", "carol"]
    assert [s["name"] for s in state["schedules"]] == ["primary", "secondary"]
    assert [g["handle"] for g in state["user_groups"]] == ["oncall-team"]
    assert state["webhooks"] == [] and state["escalation_policies"] == []


def test_control_needs_no_token_and_is_not_throttled(make_api):
    api = make_api(rate_limit="1/m")
    for dummy in range(5):
        assert api.control("GET", "state").status_code == 200
    assert api.control("GET", "nope").status_code == 404


@pytest.mark.parametrize("options, message", [
    ({"user_groups": ["oncall"]}, "connected Slack workspace"),
    ({"users": ["alice", ("Alice", "a@example.com")]}, "given twice"),
    ({"users": [("alice",)]}, "(username, e-mail) pair"),
    ({"schedules": [""]}, "schedule names must be non-empty"),
    ({"users": "alice"}, "users must be a list"),
])
def test_python_api_refuses_bad_directory(options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        EmulatorServer(token=TOKEN, **options)


def test_python_api():
    with EmulatorServer(token=TOKEN, teams=["ops"], slack_channels=None, rate_limit="300/m", host="127.0.0.1", port=0) as server:
        assert server.url == "http://127.0.0.1:%d" % server.port
        assert requests.get(server.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, timeout=10).json()["count"] == 1
        assert [t.name for t in server.state.teams.values()] == ["ops"]


def _raw_get(api):
    """One request on a raw socket; returns the response head and whether the server closed the socket."""
    with socket.create_connection(("127.0.0.1", api.server.port), timeout=5) as sock:
        sock.sendall(b"GET /api/v1/teams/ HTTP/1.1\r\nHost: x\r\nAuthorization: " + TOKEN.encode() + b"\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data.split(b"\r\n\r\n", maxsplit=1)[0].decode().lower(), True
            data += chunk


@pytest.mark.parametrize("silent", [False, True])
def test_connections_are_closed_after_each_answer(make_api, silent):
    head, closed = _raw_get(make_api(silent_close=silent))
    assert closed
    assert head.startswith("http/1.1 200")
    assert ("connection: close" in head) is not silent


def test_silent_close_resets_reused_connections(make_api):
    """A pooling client now and then loses a request on a connection the server closed, as on the real engine."""
    api = make_api(silent_close=True)
    session = requests.Session()
    failures = 0
    for i in range(20):
        try:
            session.post(api.base + "escalation_chains/", json={"name": "c%d" % i}, headers={"Authorization": TOKEN}, timeout=5)
        except requests.ConnectionError:
            failures += 1
    assert failures > 0
    # A request lost that way never reached the application.
    assert len(api.server.state.escalation_chains) == 20 - failures

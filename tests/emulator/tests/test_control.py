# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Control endpoints under /__emulator__/ and the Python API."""

from __future__ import annotations

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


def test_control_needs_no_token_and_is_not_throttled(make_api):
    api = make_api(rate_limit="1/m")
    for _ in range(5):
        assert api.control("GET", "state").status_code == 200
    assert api.control("GET", "nope").status_code == 404


def test_python_api():
    with EmulatorServer(token=TOKEN, teams=["ops"], slack_channels=None, rate_limit="300/m", host="127.0.0.1", port=0) as server:
        assert server.url == "http://127.0.0.1:%d" % server.port
        assert requests.get(server.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, timeout=10).json()["count"] == 1
        assert [t.name for t in server.state.teams.values()] == ["ops"]


def test_close_connections_mode(make_api):
    api = make_api(close_connections=True)
    session = requests.Session()
    for _ in range(3):
        # requests reconnects on its own when the server closed an idle pooled connection in time;
        # the point here is only that answers still arrive.
        response = session.get(api.base + "integrations/", headers={"Authorization": TOKEN}, timeout=10)
        assert response.status_code == 200

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Escalation chains, teams and Slack channels."""

from __future__ import annotations

import re

UNIQUE = {"non_field_errors": ["The fields organization, name must make a unique set."]}


def test_chain_crud(api):
    ops = api.team_id("ops")
    chain = api.chain("c1", team_id=ops)
    assert chain == {"id": chain["id"], "name": "c1", "team_id": ops}
    assert re.fullmatch(r"F[ABCDEFGHIJKLMNPQRSTUVWXYZ1-9]{12}", chain["id"])
    assert api.get("escalation_chains/" + chain["id"]).json() == chain
    response = api.put("escalation_chains/" + chain["id"], json={"team_id": None})
    assert response.status_code == 400
    assert response.json() == {"name": ["This field is required."]}
    assert api.patch("escalation_chains/" + chain["id"], json={"team_id": None}).json() == {"id": chain["id"], "name": "c1", "team_id": None}
    assert api.put("escalation_chains/" + chain["id"], json={"name": "c2"}).json()["name"] == "c2"
    assert api.get("escalation_chains/?name=c2").json()["count"] == 1
    assert api.get("escalation_chains/?name=c1").json()["count"] == 0


def test_chain_validation(api):
    assert api.post("escalation_chains/", json={}).json() == {"name": ["This field is required."]}
    assert api.post("escalation_chains/", json={"name": "x" * 101}).json() == {"name": ["Ensure this field has no more than 100 characters."]}
    assert api.post("escalation_chains/", json={"name": "x", "team_id": "TNOPE"}).json() == {"team_id": ["Object does not exist"]}


def test_chain_names_unique_per_organization(api):
    api.chain("same", team_id=api.team_id("ops"))
    response = api.post("escalation_chains/", json={"name": "same", "team_id": api.team_id("db")})
    assert response.status_code == 400
    assert response.json() == UNIQUE
    other = api.chain("other")
    assert api.put("escalation_chains/" + other["id"], json={"name": "same"}).json() == UNIQUE
    assert api.put("escalation_chains/" + other["id"], json={"name": "other"}).status_code == 200


def test_chain_delete_nulls_routes(api):
    chain = api.chain("c")
    integration = api.integration(name="a", default_route={"escalation_chain_id": chain["id"]})
    route = api.route(integration["id"], "x", chain["id"])
    assert api.delete("escalation_chains/" + chain["id"]).status_code == 204
    assert api.get("routes/" + route["id"]).json()["escalation_chain_id"] is None
    assert api.get("integrations/" + integration["id"]).json()["default_route"]["escalation_chain_id"] is None
    assert api.delete("escalation_chains/" + chain["id"]).status_code == 404


def test_teams(api):
    body = api.get("teams/").json()
    assert [t["name"] for t in body["results"]] == ["ops", "db"]
    team = body["results"][0]
    assert list(team) == ["id", "grafana_id", "name", "email", "avatar_url"]
    assert re.fullmatch(r"T[ABCDEFGHIJKLMNPQRSTUVWXYZ1-9]{12}", team["id"])
    assert isinstance(team["grafana_id"], int) and team["email"] is None and isinstance(team["avatar_url"], str)
    assert api.get("teams/" + team["id"]).json() == team
    assert [t["name"] for t in api.get("teams/?name=db").json()["results"]] == ["db"]


def test_no_teams_by_default(make_api):
    api = make_api(teams=None)
    assert api.get("teams/").json()["count"] == 0


def test_slack_channels(api):
    body = api.get("slack_channels/").json()
    assert body["results"] == [{"name": "alerts", "slack_id": "C01ALERTS"}, {"name": "ops-alerts", "slack_id": "C02OPS"}]
    assert api.get("slack_channels/?channel_name=ops-alerts").json()["results"] == [{"name": "ops-alerts", "slack_id": "C02OPS"}]

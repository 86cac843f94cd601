# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integrations."""

from __future__ import annotations

import re

import pytest

KEYS = ["maintenance_mode", "maintenance_started_at", "maintenance_end_at", "id", "name", "description_short", "team_id", "link",
        "inbound_email", "type", "templates", "heartbeat", "default_route"]
HTML_500 = "<title>Server Error (500)</title>"


def test_create_shape(api):
    body = api.integration(name="web", type="webhook")
    assert list(body) == KEYS
    assert re.fullmatch(r"C[ABCDEFGHIJKLMNPQRSTUVWXYZ1-9]{12}", body["id"])
    assert body["maintenance_mode"] is None and body["team_id"] is None and body["description_short"] is None
    assert re.fullmatch(re.escape(api.server.url) + r"/integrations/v1/webhook/[A-Za-z0-9]+/", body["link"])
    assert body["heartbeat"] == {"link": body["link"] + "heartbeat/"}
    assert body["inbound_email"] is None
    assert re.fullmatch(r"R[ABCDEFGHIJKLMNPQRSTUVWXYZ1-9]{12}", body["default_route"]["id"])
    assert api.get("integrations/" + body["id"]).json() == body


@pytest.mark.parametrize("kind,link,heartbeat", [
    ("alertmanager", True, True), ("elastalert", True, True), ("formatted_webhook", True, True), ("grafana", True, True),
    ("webhook", True, True), ("zabbix", True, True), ("kapacitor", True, False), ("manual", False, False), ("inbound_email", False, False),
])
def test_link_heartbeat_inbound_email_by_type(api, kind, link, heartbeat):
    body = api.integration(name=kind, type=kind)
    assert body["type"] == kind
    assert (body["link"] is not None) == link
    assert (body["heartbeat"] is not None) == heartbeat
    if kind == "inbound_email":
        assert re.fullmatch(r"[A-Za-z0-9]+@inbound\.example\.com", body["inbound_email"])
    else:
        assert body["inbound_email"] is None


@pytest.mark.parametrize("kind,detail", [
    ("bogus", "Invalid integration type"),
    ("legacy_alertmanager", "This integration type is deprecated"),
    ("legacy_grafana_alerting", "This integration type is deprecated"),
    ("direct_paging", "Direct paging integrations can't be created"),
    (5, "Invalid integration type"),
])
def test_rejected_types(api, kind, detail):
    response = api.post("integrations/", json={"type": kind, "name": "x"})
    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert api.get("integrations/").json()["count"] == 0


@pytest.mark.parametrize("body,message", [({}, "This field is required."), ({"type": None}, "This field may not be null."),
                                          ({"type": ""}, "This field may not be blank.")])
def test_missing_null_blank_type(api, body, message):
    response = api.post("integrations/", json=dict(body, name="x"))
    assert response.status_code == 400
    assert response.json() == {"type": [message]}


def test_type_error_interrupts_field_errors(api):
    # BadRequest from the type field stops validation; collected field errors are lost.
    response = api.post("integrations/", json={"type": "bogus", "name": None})
    assert response.json() == {"detail": "Invalid integration type"}
    response = api.post("integrations/", json={"name": None})
    assert response.json() == {"name": ["This field may not be null."], "type": ["This field is required."]}


def test_grafana_alerting_is_a_500_and_creates_nothing(api):
    response = api.post("integrations/", json={"type": "grafana_alerting", "name": "ga"})
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert HTML_500 in response.text
    assert api.get("integrations/").json()["count"] == 0


def test_maintenance_is_accepted_then_invisible(api):
    response = api.post("integrations/", json={"type": "maintenance", "name": "m"})
    assert response.status_code == 201
    created = response.json()
    assert created["link"] is None
    assert api.get("integrations/").json()["count"] == 0
    assert api.get("integrations/" + created["id"]).status_code == 404
    assert api.delete("integrations/" + created["id"]).status_code == 404
    assert api.post("routes/", json={"integration_id": created["id"], "routing_regex": "x", "escalation_chain_id": None}).json() == {
        "integration_id": ["Object does not exist"]}


def test_invented_name(api):
    body = api.integration(type="grafana")
    assert re.fullmatch(r"Grafana :[a-z_]+:", body["name"])


@pytest.mark.parametrize("name,message", [(None, "This field may not be null."), ("", "This field may not be blank."),
                                          ("   ", "This field may not be blank."), ({}, "Not a valid string.")])
def test_bad_names(api, name, message):
    response = api.post("integrations/", json={"type": "webhook", "name": name})
    assert response.status_code == 400
    assert response.json() == {"name": [message]}


def test_name_is_trimmed(api):
    assert api.integration(name="  padded ")["name"] == "padded"


def test_description_short_limits(api):
    assert api.integration(name="a", description_short="x" * 250)["description_short"] == "x" * 250
    response = api.post("integrations/", json={"type": "webhook", "name": "b", "description_short": "x" * 251})
    assert response.status_code == 400
    assert response.json() == {"description_short": ["Ensure this field has no more than 250 characters."]}
    created = api.integration(name="c", description_short="d")
    assert api.put("integrations/" + created["id"], json={"description_short": None}).json()["description_short"] is None


def test_name_unique_per_team(api):
    ops = api.team_id("ops")
    api.integration(name="dup")
    duplicate = {"detail": "An integration with this name already exists for this team"}
    response = api.post("integrations/", json={"type": "webhook", "name": "dup"})
    assert response.status_code == 400 and response.json() == duplicate
    assert api.post("integrations/", json={"type": "webhook", "name": "dup", "team_id": None}).json() == duplicate
    in_ops = api.integration(name="dup", team_id=ops)
    assert in_ops["team_id"] == ops
    # Case-sensitive, like PostgreSQL.
    api.integration(name="DUP")
    # On update the check uses the new team if sent, else the current one...
    assert api.put("integrations/" + in_ops["id"], json={"team_id": None, "name": "dup"}).json() == duplicate
    # ...and it only runs when a name is sent, so a team-only move may create a duplicate.
    assert api.put("integrations/" + in_ops["id"], json={"team_id": None}).status_code == 200
    assert api.put("integrations/" + in_ops["id"], json={"name": "dup"}).json() == duplicate
    assert api.put("integrations/" + in_ops["id"], json={"name": "dup", "team_id": ops}).status_code == 200
    assert api.put("integrations/" + in_ops["id"], json={"name": "dup"}).status_code == 200
    other = api.integration(name="other", team_id=ops)
    assert api.put("integrations/" + other["id"], json={"name": "dup"}).json() == duplicate
    assert api.put("integrations/" + other["id"], json={"name": "dup", "team_id": api.team_id("db")}).status_code == 200


@pytest.mark.parametrize("value", [None, "", "null"])
def test_team_id_null_spellings(api, value):
    body = api.integration(name="a", team_id=value)
    assert body["team_id"] is None


def test_unknown_team(api):
    response = api.post("integrations/", json={"type": "webhook", "name": "a", "team_id": "TNOPE"})
    assert response.status_code == 400
    assert response.json() == {"team_id": ["Object does not exist"]}


def test_type_ignored_on_put_and_put_is_partial(api):
    created = api.integration(name="a", type="webhook", description_short="keep")
    response = api.put("integrations/" + created["id"], json={"type": "alertmanager"})
    assert response.status_code == 200
    assert response.json() == created
    response = api.put("integrations/" + created["id"], json={"name": "b", "description": "unknown keys are ignored"})
    assert response.json()["name"] == "b"
    assert response.json()["description_short"] == "keep"
    response = api.patch("integrations/" + created["id"], json={"team_id": api.team_id("ops")})
    assert response.status_code == 200
    assert response.json()["team_id"] == api.team_id("ops")
    assert response.json()["name"] == "b"


def test_soft_delete(api):
    created = api.integration(name="gone")
    route = api.route(created["id"])
    assert api.delete("integrations/" + created["id"]).status_code == 204
    for method in ("GET", "PUT", "DELETE"):
        response = api.request(method, "integrations/" + created["id"], json={})
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    assert api.get("routes/").json()["count"] == 0
    assert api.get("routes/" + route["id"]).status_code == 404
    again = api.integration(name="gone")
    assert again["id"] != created["id"] and again["link"] != created["link"]
    state = api.control("GET", "state").json()
    assert [i["deleted"] for i in state["integrations"]] == [True, False]


def test_list_filters_and_order(api):
    first = api.integration(name="b")
    second = api.integration(name="a")
    assert [i["id"] for i in api.get("integrations/").json()["results"]] == [first["id"], second["id"]]
    assert [i["id"] for i in api.get("integrations/?name=a").json()["results"]] == [second["id"]]
    assert api.get("integrations/?name=A").json()["count"] == 0
    assert api.get("integrations/?name=").json()["count"] == 2
    assert api.get("integrations/?team_id=").json()["count"] == 2


@pytest.mark.parametrize("resource", ["integrations", "escalation_chains"])
def test_team_id_filter_is_broken_like_the_real_engine(api, resource):
    for query in ("team_id=null", "team_id=" + api.team_id("ops"), "name=x&team_id=null"):
        response = api.get("%s/?%s" % (resource, query))
        assert response.status_code == 500
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert HTML_500 in response.text
    response = api.get(resource + "/?team_id=TNOPE")
    assert response.status_code == 400
    assert response.json() == {"team_id": ["Select a valid choice. That choice is not one of the available choices."]}


def test_filters_true_is_a_500(api):
    assert api.get("integrations/?filters=true").status_code == 500
    assert api.get("integrations/?filters=false").status_code == 200


def test_direct_paging(api):
    ops, db = api.team_id("ops"), api.team_id("db")
    response = api.control("POST", "direct_paging", json={"team_id": ops})
    assert response.status_code == 201
    paging = response.json()
    assert paging["name"] == "Direct paging (ops team)" and paging["type"] == "direct_paging" and paging["team_id"] == ops
    api.control("POST", "direct_paging", json={"team_id": db})
    assert api.get("integrations/").json()["count"] == 2
    response = api.delete("integrations/" + paging["id"])
    assert response.status_code == 400
    assert response.json() == {"detail": "Direct paging integrations can't be deleted"}
    response = api.put("integrations/" + paging["id"], json={"team_id": db})
    assert response.status_code == 400
    assert response.json() == {"detail": "Direct paging integration already exists for this team"}
    assert api.put("integrations/" + paging["id"], json={"team_id": None}).json()["team_id"] is None
    assert api.control("POST", "direct_paging", json={"team_id": None}).status_code == 400


def test_name_longer_than_the_column_is_a_server_error_and_creates_nothing(api):
    response = api.post("integrations/", json={"name": "n" * 151, "type": "webhook"})
    assert response.status_code == 500 and "Server Error (500)" in response.text
    assert api.get("integrations/").json()["count"] == 0
    assert api.post("integrations/", json={"name": "n" * 150, "type": "webhook"}).status_code == 201


def test_non_string_template_value_is_a_server_error(api):
    created = api.post("integrations/", json={"name": "x", "type": "webhook"}).json()
    for value in (5, ["a"], {"a": 1}):
        response = api.put("integrations/%s/" % created["id"], json={"templates": {"slack": {"title": value}}})
        assert response.status_code == 500
    assert api.get("integrations/%s/" % created["id"]).json()["templates"]["slack"]["title"] is None

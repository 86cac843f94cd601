# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The default route of an integration."""

from __future__ import annotations

DEFAULTS = {"escalation_chain_id": None, "slack": {"channel_id": None, "enabled": True}, "telegram": {"id": None, "enabled": False},
            "mobile_app": {"id": None, "enabled": False}, "mobile_app_critical": {"id": None, "enabled": False},
            "email": {"id": None, "enabled": False}, "webhook": {"id": None, "enabled": False}}


def _put(api, integration, default_route):
    return api.put("integrations/" + integration["id"], json={"default_route": default_route})


def test_shape_and_defaults(api):
    route = api.integration(name="a")["default_route"]
    assert list(route) == ["id"] + list(DEFAULTS)
    assert {k: v for k, v in route.items() if k != "id"} == DEFAULTS


def test_partial_writes(api):
    chain = api.chain("c")
    created = api.integration(name="a", default_route={"escalation_chain_id": chain["id"], "slack": {"channel_id": "c01alerts"}})
    route = created["default_route"]
    assert route["escalation_chain_id"] == chain["id"]
    assert route["slack"] == {"channel_id": "C01ALERTS", "enabled": True}  # upper-cased
    route = _put(api, created, {"slack": {"enabled": False}}).json()["default_route"]
    assert route["slack"] == {"channel_id": "C01ALERTS", "enabled": False}
    assert route["escalation_chain_id"] == chain["id"]
    route = _put(api, created, {"slack": {"enabled": None}, "mobile_app": {"id": "dev1"}}).json()["default_route"]
    assert route["slack"]["enabled"] is False
    assert route["mobile_app"] == {"id": "dev1", "enabled": False}
    route = _put(api, created, {"mobile_app": {"enabled": True}, "telegram": {"enabled": True}}).json()["default_route"]
    assert route["mobile_app"] == {"id": "dev1", "enabled": True}
    assert route["telegram"] == {"id": None, "enabled": True}
    assert _put(api, created, {}).json()["default_route"] == route
    route = _put(api, created, {"escalation_chain_id": None, "slack": {"channel_id": None}}).json()["default_route"]
    assert route["escalation_chain_id"] is None
    assert route["slack"]["channel_id"] is None


def test_default_route_is_a_route(api):
    created = api.integration(name="a")
    route = api.get("routes/" + created["default_route"]["id"]).json()
    assert route["is_the_last_route"] is True
    assert route["position"] == 0
    assert route["routing_regex"] is None
    assert route["integration_id"] == created["id"]


def test_errors_come_at_top_level(api):
    created = api.integration(name="a")
    response = _put(api, created, {"escalation_chain_id": "FNOPE"})
    assert response.status_code == 400
    assert response.json() == {"escalation_chain_id": ["Object does not exist"]}
    response = _put(api, created, {"slack": {"channel_id": "CNOPE"}})
    assert response.json() == {"slack": {"channel_id": ["Slack channel does not exist"]}}
    response = _put(api, created, {"telegram": {"id": "Z123"}})
    assert response.json() == {"detail": "Telegram channel does not exist"}
    response = _put(api, created, {"slack": "C01ALERTS"})
    assert response.json() == {"slack": ['Expected a dictionary of items but got type "str".']}
    response = _put(api, created, "x")
    assert response.json() == {"default_route": ['Expected a dictionary of items but got type "str".']}


def test_bad_default_route_on_create_leaves_nothing(api):
    response = api.post("integrations/", json={"type": "webhook", "name": "a", "default_route": {"slack": {"channel_id": "CNOPE"}}})
    assert response.status_code == 400
    assert api.get("integrations/").json()["count"] == 0
    assert api.get("routes/").json()["count"] == 0
    assert api.integration(name="a")["name"] == "a"


def test_slack_not_connected(make_api):
    api = make_api(slack_channels=None)
    assert api.get("slack_channels/").json()["results"] == []
    response = api.post("integrations/", json={"type": "webhook", "name": "a", "default_route": {"slack": {"channel_id": "C01ALERTS"}}})
    assert response.status_code == 400
    assert response.json() == {"detail": "Slack isn't connected to this workspace"}
    created = api.integration(name="a", default_route={"slack": {"channel_id": None, "enabled": False}})
    assert created["default_route"]["slack"] == {"channel_id": None, "enabled": False}


def test_default_route_saved_even_when_update_fails_later(api):
    ops, db = api.team_id("ops"), api.team_id("db")
    paging = api.control("POST", "direct_paging", json={"team_id": ops}).json()
    api.control("POST", "direct_paging", json={"team_id": db})
    response = api.put("integrations/" + paging["id"], json={"team_id": db, "default_route": {"slack": {"enabled": False}}})
    assert response.status_code == 400
    after = api.get("integrations/" + paging["id"]).json()
    assert after["team_id"] == ops
    assert after["default_route"]["slack"]["enabled"] is False

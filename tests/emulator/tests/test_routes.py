# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes."""

from __future__ import annotations

import pytest

KEYS = ["position", "id", "integration_id", "escalation_chain_id", "routing_type", "routing_regex", "is_the_last_route", "slack",
        "telegram", "mobile_app", "mobile_app_critical", "email", "webhook"]


def _positions(api, integration):
    routes = api.get("routes/?integration_id=" + integration["id"]).json()["results"]
    return {r["id"]: r["position"] for r in routes if not r["is_the_last_route"]}


def test_create_shape(api):
    integration = api.integration(name="a")
    chain = api.chain("c")
    route = api.route(integration["id"], "^foo", chain["id"])
    assert list(route) == KEYS
    assert route["position"] == 0 and route["routing_type"] == "regex" and route["is_the_last_route"] is False
    assert route["escalation_chain_id"] == chain["id"]
    assert route["slack"] == {"channel_id": None, "enabled": True}
    assert api.get("routes/" + route["id"]).json() == route


def test_create_validation(api):
    integration = api.integration(name="a")

    def post(**body):
        return api.post("routes/", json=body)

    assert post(routing_regex="x", escalation_chain_id=None).json() == {"integration_id": ["This field is required."]}
    assert post(integration_id="CNOPE", routing_regex="x", escalation_chain_id=None).json() == {"integration_id": ["Object does not exist"]}
    assert post(integration_id=integration["id"], routing_regex="x").json() == {"escalation_chain_id": ["This field is required."]}
    assert post(integration_id=integration["id"], routing_regex="x", escalation_chain_id="FNOPE").json() == {
        "escalation_chain_id": ["Object does not exist"]}
    assert post(integration_id=integration["id"], escalation_chain_id=None).json() == {"routing_regex": ["This field is required."]}
    assert post(integration_id=integration["id"], routing_regex=None, escalation_chain_id=None).json() == {
        "routing_regex": ["This field may not be null."]}
    response = post(integration_id=integration["id"], routing_regex="x" * 1025, escalation_chain_id=None)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Expression is too long. Maximum length: 1024 characters"]}
    assert post(integration_id=integration["id"], routing_regex="x" * 1024, escalation_chain_id=None).status_code == 201
    assert post(integration_id=integration["id"], routing_regex="(", escalation_chain_id=None).json() == {
        "non_field_errors": ["Regular expression is incorrect"]}
    assert post(integration_id=integration["id"], routing_regex="x", routing_type="bogus", escalation_chain_id=None).json() == {
        "detail": "Invalid route type"}
    assert post(integration_id=integration["id"], routing_regex="x", routing_type="labels", escalation_chain_id=None).json() == {
        "non_field_errors": ["Expression type is incorrect"]}
    assert post(integration_id=integration["id"], routing_regex="{{ oops", routing_type="jinja2", escalation_chain_id=None).json() == {
        "non_field_errors": ["Jinja template is incorrect"]}
    route = api.route(integration["id"], "{{ payload.labels.severity == 'critical' }}", routing_type="jinja2")
    assert route["routing_type"] == "jinja2"


def test_no_uniqueness(api):
    integration = api.integration(name="a")
    assert api.route(integration["id"], "same")["id"] != api.route(integration["id"], "same")["id"]


def test_positions_seen_on_the_real_engine(api):
    integration = api.integration(name="a")
    first = api.route(integration["id"], "a")
    second = api.route(integration["id"], "b", position=0)
    third = api.route(integration["id"], "c", position=10)
    assert _positions(api, integration) == {first["id"]: 1, second["id"]: 0, third["id"]: 10}
    routes = api.get("routes/?integration_id=" + integration["id"]).json()["results"]
    assert [r["id"] for r in routes] == [second["id"], first["id"], third["id"], integration["default_route"]["id"]]
    assert routes[-1]["position"] == 0
    assert api.delete("routes/" + first["id"]).status_code == 204
    assert _positions(api, integration) == {second["id"]: 0, third["id"]: 10}


def test_move_semantics(api):
    integration = api.integration(name="a")
    routes = [api.route(integration["id"], str(i)) for i in range(4)]
    ids = [r["id"] for r in routes]
    assert api.put("routes/" + ids[0], json={"position": 2}).json()["position"] == 2
    assert _positions(api, integration) == {ids[0]: 2, ids[1]: 0, ids[2]: 1, ids[3]: 3}
    assert api.put("routes/" + ids[3], json={"position": 0}).json()["position"] == 0
    assert _positions(api, integration) == {ids[0]: 3, ids[1]: 1, ids[2]: 2, ids[3]: 0}
    assert api.put("routes/" + ids[3], json={"position": -1}).json()["position"] == 3
    assert _positions(api, integration) == {ids[0]: 2, ids[1]: 0, ids[2]: 1, ids[3]: 3}
    assert api.route(integration["id"], "new", position=-1)["position"] == 4


@pytest.mark.parametrize("position", [-2, 2147483648])
def test_invalid_position(api, position):
    integration = api.integration(name="a")
    route = api.route(integration["id"])
    response = api.put("routes/" + route["id"], json={"position": position, "routing_regex": "changed"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid value for position field"}
    assert api.get("routes/" + route["id"]).json()["routing_regex"] == "x"
    response = api.post("routes/", json={"integration_id": integration["id"], "routing_regex": "y", "escalation_chain_id": None,
                                         "position": position})
    assert response.json() == {"detail": "Invalid value for position field"}
    # The insert happened before the move was refused, and nothing rolled it back.
    assert api.get("routes/?routing_regex=y").json()["count"] == 1


def test_position_not_an_integer(api):
    integration = api.integration(name="a")
    response = api.post("routes/", json={"integration_id": integration["id"], "routing_regex": "y", "escalation_chain_id": None,
                                         "position": "first"})
    assert response.json() == {"position": ["A valid integer is required."]}


def test_update_is_partial_and_integration_is_read_only(api):
    integration, other = api.integration(name="a"), api.integration(name="b")
    chain = api.chain("c")
    route = api.route(integration["id"], "x", chain["id"])
    updated = api.put("routes/" + route["id"], json={"integration_id": other["id"], "routing_regex": "y"}).json()
    assert updated["integration_id"] == integration["id"]
    assert updated["routing_regex"] == "y"
    assert updated["escalation_chain_id"] == chain["id"]


def test_chain_cannot_be_nulled_on_update(api):
    integration = api.integration(name="a")
    route = api.route(integration["id"], "x", api.chain("c")["id"])
    response = api.put("routes/" + route["id"], json={"escalation_chain_id": None})
    assert response.status_code == 400
    assert response.json() == {"escalation_chain_id": ["This field may not be null."]}


def test_regex_only_put_on_jinja2_route_is_validated_as_regex(api):
    integration = api.integration(name="a")
    route = api.route(integration["id"], "{{ true }}", routing_type="jinja2")
    response = api.put("routes/" + route["id"], json={"routing_regex": "{{ payload.tags | join('(') }}"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Regular expression is incorrect"]}
    response = api.put("routes/" + route["id"], json={"routing_regex": "{{ payload.tags | join('(') }}", "routing_type": "jinja2"})
    assert response.status_code == 200
    # A Jinja text that compiles as a regex is stored even though it is not valid Jinja.
    response = api.put("routes/" + route["id"], json={"routing_regex": "{{ oops"})
    assert response.status_code == 200
    assert response.json()["routing_type"] == "jinja2"
    assert response.json()["routing_regex"] == "{{ oops"


def test_channels_and_backends_merge(api):
    integration = api.integration(name="a")
    route = api.route(integration["id"], slack={"channel_id": "c02ops"}, webhook={"id": "W1", "enabled": True})
    assert route["slack"] == {"channel_id": "C02OPS", "enabled": True}
    assert route["webhook"] == {"id": "W1", "enabled": True}
    updated = api.put("routes/" + route["id"], json={"webhook": {"enabled": False}, "slack": {"enabled": False}}).json()
    assert updated["webhook"] == {"id": "W1", "enabled": False}
    assert updated["slack"] == {"channel_id": "C02OPS", "enabled": False}
    assert api.put("routes/" + route["id"], json={"slack": {"channel_id": "CNOPE"}}).json() == {
        "slack": {"channel_id": ["Slack channel does not exist"]}}


def test_filters_and_sort(api):
    first, second = api.integration(name="a"), api.integration(name="b")
    r2 = api.route(second["id"], "two")
    r1 = api.route(first["id"], "one")
    ids = [r["id"] for r in api.get("routes/").json()["results"]]
    assert ids == [r1["id"], first["default_route"]["id"], r2["id"], second["default_route"]["id"]]
    assert api.get("routes/?integration_id=CNOPE").json()["count"] == 0
    assert [r["id"] for r in api.get("routes/?routing_regex=two").json()["results"]] == [r2["id"]]


def test_delete(api):
    integration = api.integration(name="a")
    response = api.delete("routes/" + integration["default_route"]["id"])
    assert response.status_code == 400
    assert response.json() == {"detail": "Unable to delete default filter"}
    route = api.route(integration["id"])
    assert api.delete("routes/" + route["id"]).status_code == 204
    assert api.delete("routes/" + route["id"]).status_code == 404

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Outgoing webhooks: representation, create validation, update rules, soft delete."""

from __future__ import annotations

import re

import pytest

KEYS = ["id", "name", "is_webhook_enabled", "team", "data", "username", "password", "authorization_header", "trigger_template",
        "headers", "url", "forward_all", "http_method", "trigger_type", "integration_filter", "preset"]
MINIMAL = {"name": "hook", "url": "https://example.com/hook", "http_method": "POST", "trigger_type": "escalation"}
MASK = "****************"
UNIQUE = {"non_field_errors": ["The fields name, organization must make a unique set."]}


def _post(api, **changes):
    return api.post("webhooks/", json=dict(MINIMAL, **changes))


def _stored(api, webhook_id):
    """The webhook as the emulator stores it: the secrets in clear, a deleted one with its new name."""
    return next(w for w in api.control("GET", "state").json()["webhooks"] if w["id"] == webhook_id)


def test_minimal_create(api):
    response = _post(api)
    assert response.status_code == 201
    hook = response.json()
    assert list(hook) == KEYS
    assert re.fullmatch(r"WH[ABCDEFGHIJKLMNPQRSTUVWXYZ1-9]{12}", hook["id"])
    assert hook == dict(MINIMAL, id=hook["id"], is_webhook_enabled=True, team=None, data=None, username=None, password=None,
                        authorization_header=None, trigger_template=None, headers=None, forward_all=True, integration_filter=None,
                        preset=None)
    assert api.get("webhooks/" + hook["id"]).json() == hook
    assert api.get("webhooks/").json()["results"] == [hook]


def test_required_fields(api):
    assert api.post("webhooks/", json={}).json() == {
        "name": ["This field is required."], "url": ["This field is required."], "http_method": ["This field is required."],
        "trigger_type": ["This field is required."]}


@pytest.mark.parametrize("changes, answer", [
    ({"name": None}, {"name": ["This field may not be null."]}),
    ({"name": ""}, {"name": ["This field may not be blank."]}),
    ({"name": "x" * 101}, {"name": ["Ensure this field has no more than 100 characters."]}),
    ({"team": "TNOPE"}, {"team": ["Object does not exist"]}),
    ({"team": 5}, {"team": ["Object does not exist"]}),
    ({"url": ""}, {"url": ["This field may not be blank."]}),
    ({"url": "{{ oops"}, {"url": ["Template Error: unexpected end of template, expected 'end of print statement'."]}),
    ({"data": {"a": 1}}, {"data": ["Not a valid string."]}),
    ({"data": "{{ x | to_json }}"}, {"data": ["Template Error: No filter named 'to_json'."]}),
    ({"data": "x" * 50001}, {"data": ["Template Error: Template exceeds length limit (50001 > 50000)"]}),
    ({"http_method": "post"}, {"http_method": ["Must be one of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']"]}),
    ({"http_method": None}, {"http_method": ["This field may not be null."]}),
    ({"trigger_type": "Escalation", "name": ""}, {"detail": "trigger_type must one of ['escalation', 'alert group created', 'acknowledge', "
                                                  "'resolve', 'silence', 'unsilence', 'unresolve', 'unacknowledge', 'status change', "
                                                  "'personal notification']"}),
    ({"trigger_type": None}, {"trigger_type": ["This field may not be null."]}),
    ({"integration_filter": "CNOPE"}, {"integration_filter": ['Expected a list of items but got type "str".']}),
    ({"integration_filter": ["CNOPE"]}, {"integration_filter": ["Integration does not exist"]}),
    ({"integration_filter": [None]}, {"integration_filter": ["Integration does not exist"]}),
    ({"forward_all": None}, {"forward_all": ["This field may not be null."]}),
    ({"forward_all": "maybe"}, {"forward_all": ["Must be a valid boolean."]}),
    ({"username": "u" * 101}, {"username": ["Ensure this field has no more than 100 characters."]}),
    ({"password": "p" * 1001}, {"password": ["Ensure this field has no more than 1000 characters."]}),
    ({"preset": None}, {"preset": ["Preset webhooks must be modified through web UI"]}),
])
def test_create_errors(api, changes, answer):
    response = _post(api, **changes)
    assert response.status_code == 400
    assert response.json() == answer


def test_values_accepted_as_the_server_does(api):
    hook = _post(api, name=" spaced ", url=123, data="", headers='{"a": ', trigger_template=" ", username="", password=" pw ",
                 authorization_header="", is_webhook_enabled=None, forward_all="yes", team="null", team_id=api.team_id("ops"),
                 trigger_type="personal notification", http_method="PATCH", id="WHFAKE", foo="bar").json()
    assert hook["name"] == "spaced" and hook["url"] == "123" and hook["data"] is None and hook["headers"] == '{"a":'
    assert hook["trigger_template"] is None and hook["username"] == "" and hook["password"] == MASK
    assert hook["authorization_header"] == "" and hook["is_webhook_enabled"] is None and hook["forward_all"] is True
    assert hook["team"] is None and hook["id"] != "WHFAKE"
    stored = _stored(api, hook["id"])
    assert stored["password"] == "pw"
    assert _post(api, name="render-trouble", data="{{ alert_payload.x.y.z + 1 }}").status_code == 201  # a warning only


def test_placeholder_secret_on_create_crashes(api):
    assert _post(api, password=MASK).status_code == 500


def test_integration_filter(api):
    first, second = api.integration(name="a"), api.integration(name="b")
    hook = _post(api, integration_filter=[second["id"], first["id"], second["id"]]).json()
    assert hook["integration_filter"] == [first["id"], second["id"]]
    api.delete("integrations/" + first["id"])
    assert api.get("webhooks/" + hook["id"]).json()["integration_filter"] == [second["id"]]
    assert _post(api, name="empty", integration_filter=[]).json()["integration_filter"] is None


def test_names_unique_per_organization(api):
    api.webhook("same", team=api.team_id("ops"))
    assert _post(api, name=" same ", team=api.team_id("db")).json() == UNIQUE
    other = api.webhook("other")
    assert api.patch("webhooks/" + other["id"], json={"name": "same"}).json() == UNIQUE
    assert api.patch("webhooks/" + other["id"], json={"name": "other"}).status_code == 200


def test_name_filter(api):
    api.webhook("one")
    api.webhook("two")
    assert [w["name"] for w in api.get("webhooks/?name=two").json()["results"]] == ["two"]
    assert api.get("webhooks/?name=TWO").json()["count"] == 0
    assert api.get("webhooks/?name=").json()["count"] == 2  # an empty value is ignored
    assert api.get("webhooks/?team_id=null").status_code == 500


def test_put_resets_team_and_filter_and_keeps_secrets(api):
    integration = api.integration(name="a")
    ops = api.team_id("ops")
    hook = api.webhook("w", team=ops, password="hunter2", integration_filter=[integration["id"]])
    updated = api.put("webhooks/" + hook["id"], json={"name": "w2"}).json()
    assert updated == dict(hook, name="w2", team=None, integration_filter=None)
    hook = api.patch("webhooks/" + hook["id"], json={"team": ops, "integration_filter": [integration["id"]]}).json()
    patched = api.patch("webhooks/" + hook["id"], json={"http_method": "GET"}).json()
    assert patched["team"] == ops and patched["integration_filter"] is None and patched["password"] == MASK


def test_secret_transitions(api):
    hook = api.webhook("w", password="hunter2")

    def put(value):
        return api.patch("webhooks/" + hook["id"], json={"password": value}).json()["password"]

    assert put(MASK) == MASK
    assert put("") == ""
    assert put(MASK) == ""
    assert put(None) is None
    assert put("new") == MASK


def test_update_rules(api):
    hook = api.webhook("w")
    assert api.put("webhooks/" + hook["id"], json={}).json() == hook
    assert api.patch("webhooks/" + hook["id"], json={"is_webhook_enabled": None}).json() == {
        "is_webhook_enabled": ["This field may not be null."]}
    assert api.patch("webhooks/" + hook["id"], json={"trigger_type": "resolve"}).json()["trigger_type"] == "resolve"


def test_soft_delete(api):
    hook = api.webhook("probe")
    assert api.delete("webhooks/" + hook["id"]).status_code == 204
    for method in ("GET", "PUT", "DELETE"):
        assert api.request(method, "webhooks/" + hook["id"], json={}).json() == {"detail": "Not found."}
    assert api.get("webhooks/").json()["count"] == 0
    again = api.webhook("probe")
    assert again["id"] != hook["id"]
    stored = _stored(api, hook["id"])
    assert stored["deleted"] is True and stored["name"] == "probe_deleted_" + hook["id"]
    # The renamed row still holds its name in the database.
    assert _post(api, name="probe_deleted_" + hook["id"]).status_code == 500


def test_options_crash(api):
    assert api.request("OPTIONS", "webhooks/").status_code == 500


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_preset_refused_on_update_too(api, method):
    hook = api.webhook("w")
    for value in (None, "", "advanced_webhook"):
        answer = api.request(method, "webhooks/" + hook["id"], json={"name": "renamed", "preset": value})
        assert answer.status_code == 400 and answer.json() == {"preset": ["Preset webhooks must be modified through web UI"]}
    assert api.get("webhooks/" + hook["id"]).json()["name"] == "w"


def test_trigger_type_detail_hides_other_errors_on_update(api):
    hook = api.webhook("w")
    answer = api.put("webhooks/" + hook["id"], json={"trigger_type": "Resolve", "http_method": "post", "name": ""})
    assert answer.status_code == 400 and list(answer.json()) == ["detail"] and "must one of" in answer.json()["detail"]
    assert api.get("webhooks/" + hook["id"]).json() == hook


def test_put_trims_every_string_and_keeps_left_out_secrets(api):
    hook = api.webhook("w", password="hunter2", authorization_header="Bearer abc")
    updated = api.put("webhooks/" + hook["id"], json={"url": " https://example.com/x\n", "data": " {} \n", "headers": "\n",
                                                      "username": " bob ", "password": MASK}).json()
    assert updated["url"] == "https://example.com/x" and updated["data"] == "{}" and updated["headers"] is None
    assert updated["username"] == "bob" and updated["password"] == MASK and updated["authorization_header"] == MASK
    stored = _stored(api, hook["id"])
    assert stored["password"] == "hunter2" and stored["authorization_header"] == "Bearer abc"
    api.put("webhooks/" + hook["id"], json={"password": "  new pw  ", "authorization_header": None})
    stored = _stored(api, hook["id"])
    assert stored["password"] == "new pw" and stored["authorization_header"] is None

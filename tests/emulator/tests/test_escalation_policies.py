# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Escalation steps: representation, listing and validation."""

from __future__ import annotations

import re

import pytest

HEAD = ["position", "id", "escalation_chain_id", "type"]
NOT_FOUND = {"detail": "Not found."}


def _targets(api):
    """A full target set for each type that has one (the user group needs Slack, which the default emulator has)."""
    group = api.get("user_groups/").json()["results"][0]["id"]
    return {
        "wait": {"duration": 300},
        "notify_persons": {"persons_to_notify": [api.user_id("alice")]},
        "notify_person_next_each_time": {"persons_to_notify_next_each_time": [api.user_id("bob")]},
        "notify_on_call_from_schedule": {"notify_on_call_from_schedule": api.schedule_id("primary")},
        "notify_user_group": {"group_to_notify": group},
        "notify_team_members": {"team_to_notify": api.team_id("ops")},
        "trigger_webhook": {"action_to_trigger": api.webhook("w")["id"]},
        "notify_if_time_from_to": {"notify_if_time_from": "09:00:00Z", "notify_if_time_to": "18:30:00Z"},
        "notify_if_num_alerts_in_window": {"num_alerts_in_window": 3, "num_minutes_in_window": 10},
    }


@pytest.mark.parametrize("step_type, keys", [
    ("wait", ["duration"]),
    ("notify_persons", ["persons_to_notify", "important"]),
    ("notify_person_next_each_time", ["persons_to_notify_next_each_time", "important"]),
    ("notify_on_call_from_schedule", ["notify_on_call_from_schedule", "important"]),
    ("notify_user_group", ["group_to_notify", "important"]),
    ("notify_team_members", ["team_to_notify", "important"]),
    ("trigger_webhook", ["action_to_trigger"]),
    ("notify_if_time_from_to", ["notify_if_time_from", "notify_if_time_to"]),
    ("notify_if_num_alerts_in_window", ["num_alerts_in_window", "num_minutes_in_window"]),
    ("resolve", []),
    ("notify_whole_channel", []),
    ("repeat_escalation", []),
])
def test_keys_per_type(api, step_type, keys):
    chain = api.chain("c")
    body = _targets(api).get(step_type, {})
    step = api.step(chain["id"], step_type, **body)
    assert list(step) == HEAD + keys
    assert step["type"] == step_type and step["escalation_chain_id"] == chain["id"] and step["position"] == 0
    assert {key: step[key] for key in body} == body
    assert step.get("important", False) is False
    assert api.get("escalation_policies/" + step["id"]).json() == step


def test_ids_and_trailing_slash(api):
    step = api.step(api.chain("c")["id"], "resolve")
    assert re.fullmatch(r"E[ABCDEFGHIJKLMNPQRSTUVWXYZ1-9]{12}", step["id"])
    assert api.get("escalation_policies/" + step["id"] + "/").json() == step
    assert api.get("escalation_policies/ENOPE").json() == NOT_FOUND


def test_list_all_steps_sorted_by_chain_then_position(api):
    first, second = api.chain("first"), api.chain("second")
    b1 = api.step(second["id"], "resolve")
    a1 = api.step(first["id"], "resolve")
    a0 = api.step(first["id"], "wait", position=0)
    ids = [s["id"] for s in api.get("escalation_policies/").json()["results"]]
    assert ids == [a0["id"], a1["id"], b1["id"]]
    assert [s["id"] for s in api.get("escalation_policies/?escalation_chain_id=" + second["id"]).json()["results"]] == [b1["id"]]
    assert api.get("escalation_policies/?escalation_chain_id=").json()["count"] == 3  # an empty filter is ignored
    unknown = api.get("escalation_policies/?escalation_chain_id=FNOSUCHCHAIN1")
    assert unknown.status_code == 200 and unknown.json()["count"] == 0


def test_page_size_is_50(api):
    chain = api.chain("c")
    for dummy in range(51):
        api.step(chain["id"], "resolve")
    body = api.get("escalation_policies/").json()
    assert body["page_size"] == 50 and body["total_pages"] == 2 and len(body["results"]) == 50


def test_no_required_targets(api):
    chain = api.chain("c")
    assert api.step(chain["id"], "wait")["duration"] is None
    assert api.step(chain["id"], "notify_persons")["persons_to_notify"] == []
    assert api.step(chain["id"], "notify_team_members")["team_to_notify"] is None
    assert api.step(chain["id"], "notify_user_group")["group_to_notify"] is None
    assert api.step(chain["id"], "notify_if_time_from_to", notify_if_time_from="01:00:00Z")["notify_if_time_to"] is None


def test_fields_of_other_types_are_dropped(api):
    chain = api.chain("c")
    step = api.step(chain["id"], "wait", duration=120, persons_to_notify=[api.user_id("alice")], important=True,
                    team_to_notify=api.team_id("ops"))
    assert step == {"position": 0, "id": step["id"], "escalation_chain_id": chain["id"], "type": "wait", "duration": 120}


def test_fields_of_other_types_are_still_validated(api):
    body = {"escalation_chain_id": api.chain("c")["id"], "type": "wait", "team_to_notify": "TNOPE", "severity": ""}
    assert api.post("escalation_policies/", json=body).json() == {
        "team_to_notify": ["Object does not exist"], "severity": ["This field may not be blank."]}


@pytest.mark.parametrize("value, stored", [(90.7, 90), ("120", 120), (60, 60), (86400, 86400), (86400.9, 86400), (None, None)])
def test_duration_accepted(api, value, stored):
    assert api.step(api.chain("c")["id"], "wait", duration=value)["duration"] == stored


@pytest.mark.parametrize("value, message", [
    (59, "Ensure this value is greater than or equal to 0:01:00."),
    (59.99, "Ensure this value is greater than or equal to 0:01:00."),
    (86401, "Ensure this value is less than or equal to 1 day, 0:00:00."),
    ("abc", "A valid number is required."),
    ([60], "A valid number is required."),
])
def test_duration_refused(api, value, message):
    response = api.post("escalation_policies/", json={"escalation_chain_id": api.chain("c")["id"], "type": "wait", "duration": value})
    assert response.status_code == 400
    assert response.json() == {"duration": [message]}


@pytest.mark.parametrize("value", ["09:00", "05:00:00", 5, "9h", "", "09:00:00+01:00"])
def test_time_format(api, value):
    chain = api.chain("c")
    response = api.post("escalation_policies/", json={"escalation_chain_id": chain["id"], "type": "notify_if_time_from_to",
                                                      "notify_if_time_from": value})
    assert response.status_code == 400
    assert response.json() == {"notify_if_time_from": ["Time has wrong format. Use one of these formats instead: hh:mm:ssZ."]}
    step = api.step(chain["id"], "notify_if_time_from_to", notify_if_time_from="9:5:0Z", notify_if_time_to="23:59:59Z")
    assert (step["notify_if_time_from"], step["notify_if_time_to"]) == ("09:05:00Z", "23:59:59Z")


def test_user_lists(api):
    chain = api.chain("c")
    alice, bob, carol = api.user_id("alice"), api.user_id("bob"), api.user_id("carol")
    # Unknown ids vanish without an error; the order is the server's (here the users' creation order).
    assert api.step(chain["id"], "notify_persons", persons_to_notify=[carol, "UNOSUCHUSER12", alice])["persons_to_notify"] == [alice, carol]
    assert api.step(chain["id"], "notify_persons", persons_to_notify=alice)["persons_to_notify"] == []  # a bare string
    assert api.step(chain["id"], "notify_persons", persons_to_notify=None)["persons_to_notify"] == []
    # Both keys write one list; the later field wins.
    both = api.step(chain["id"], "notify_persons", persons_to_notify=[alice], persons_to_notify_next_each_time=[])
    assert both["persons_to_notify"] == []
    # Terraform sends round-robin users under persons_to_notify: it works because the storage is shared.
    round_robin = api.step(chain["id"], "notify_person_next_each_time", persons_to_notify=[bob])
    assert round_robin["persons_to_notify_next_each_time"] == [bob]


@pytest.mark.parametrize("value", [5, True, [["U1"]]])
def test_user_list_that_cannot_be_iterated_crashes(api, value):
    body = {"escalation_chain_id": api.chain("c")["id"], "type": "notify_persons", "persons_to_notify": value}
    response = api.post("escalation_policies/", json=body)
    assert response.status_code == 500 and "Server Error (500)" in response.text


@pytest.mark.parametrize("field", ["notify_on_call_from_schedule", "team_to_notify", "action_to_trigger", "group_to_notify"])
def test_unknown_and_null_targets(api, field):
    chain = api.chain("c")
    assert api.post("escalation_policies/", json={"escalation_chain_id": chain["id"], "type": "wait", field: "XNOPE"}).json() == {
        field: ["Object does not exist"]}
    assert api.post("escalation_policies/", json={"escalation_chain_id": chain["id"], "type": "wait", field: None}).json() == {
        field: ["This field may not be null."]}


def test_null_important(api):
    body = {"escalation_chain_id": api.chain("c")["id"], "type": "notify_persons", "important": None}
    assert api.post("escalation_policies/", json=body).json() == {"important": ["This field may not be null."]}


def test_user_group_without_slack(make_api):
    api = make_api(slack_channels=None)
    assert api.get("user_groups/").json()["count"] == 0
    body = {"escalation_chain_id": api.chain("c")["id"], "type": "notify_user_group", "group_to_notify": "GANYTHING1234"}
    assert api.post("escalation_policies/", json=body).json() == {"group_to_notify": ["Object does not exist"]}
    assert api.step(body["escalation_chain_id"], "notify_user_group")["group_to_notify"] is None


@pytest.mark.parametrize("body, answer", [
    ({}, {"type": ["This field is required."]}),
    ({"type": None}, {"type": ["This field may not be null."]}),
    ({"type": " "}, {"type": ["This field may not be blank."]}),
    ({"type": "bogus"}, {"detail": "Invalid escalation step type"}),
    ({"type": "trigger_action"}, {"detail": "Invalid escalation step type"}),
    ({"type": " wait"}, {"detail": "Invalid escalation step type"}),
    ({"type": 0}, {"detail": "Invalid escalation step type"}),
    ({"type": "notify_next_on_call_from_schedule"}, {"detail": "Invalid escalation step type"}),
    ({"type": "declare_incident", "severity": "critical"}, {"detail": "Invalid escalation step type: step is not enabled"}),
])
def test_type_refused(api, body, answer):
    response = api.post("escalation_policies/", json=dict(body, escalation_chain_id=api.chain("c")["id"]))
    assert response.status_code == 400
    assert response.json() == answer


def test_type_error_stops_validation(api):
    # The type field raises at once, so the errors of fields checked before it are lost.
    response = api.post("escalation_policies/", json={"position": "abc", "escalation_chain_id": "FNOPE", "type": "bogus", "duration": 1})
    assert response.json() == {"detail": "Invalid escalation step type"}


def test_whole_channel_needs_slack(make_api):
    api = make_api(slack_channels=None)
    response = api.post("escalation_policies/", json={"escalation_chain_id": api.chain("c")["id"], "type": "notify_whole_channel"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid escalation step type: step is Slack-specific"}


def test_cloud_type(make_api):
    api = make_api(cloud=True)
    chain = api.chain("c")
    schedule = api.schedule_id("primary")
    step = api.step(chain["id"], "notify_next_on_call_from_schedule", notify_on_call_from_schedule=schedule, important=True)
    assert list(step) == HEAD + ["notify_on_call_from_schedule"]
    assert step["notify_on_call_from_schedule"] == schedule


def test_chain_on_create_and_update(api):
    chain, other = api.chain("c"), api.chain("other")
    assert api.post("escalation_policies/", json={"type": "resolve"}).json() == {"escalation_chain_id": ["This field is required."]}
    assert api.post("escalation_policies/", json={"type": "resolve", "escalation_chain_id": "FNOPE"}).json() == {
        "escalation_chain_id": ["Object does not exist"]}
    step = api.step(chain["id"], "resolve")
    moved = api.put("escalation_policies/" + step["id"], json={"escalation_chain_id": other["id"]})
    assert moved.status_code == 200 and moved.json()["escalation_chain_id"] == chain["id"]  # read-only: silently ignored


@pytest.mark.parametrize("body", [[], "wait", 5])
def test_body_that_is_not_an_object_crashes(api, body):
    response = api.post("escalation_policies/", json=body)
    assert response.status_code == 500 and "Server Error (500)" in response.text


def test_no_uniqueness(api):
    chain = api.chain("c")
    first, second = api.step(chain["id"], "wait", duration=60), api.step(chain["id"], "wait", duration=60)
    assert first["id"] != second["id"] and api.steps(chain["id"]) == {first["id"]: 0, second["id"]: 1}


def test_options_and_unmapped_methods_crash(api):
    step = api.step(api.chain("c")["id"], "resolve")
    for method, path in (("OPTIONS", "escalation_policies/"), ("POST", "escalation_policies/" + step["id"]),
                         ("PUT", "escalation_policies/"), ("DELETE", "escalation_policies/")):
        response = api.request(method, path, json={})
        assert response.status_code == 500, (method, path)
        assert "Server Error (500)" in response.text
    assert api.request("OPTIONS", "escalation_policies/", token="wrong").status_code == 403  # authentication comes first

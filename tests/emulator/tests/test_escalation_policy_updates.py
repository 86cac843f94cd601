# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Escalation steps: updates, type changes, deletes, and the two server errors."""

from __future__ import annotations

import pytest

NOT_FOUND = {"detail": "Not found."}


def _put(api, step, **body):
    response = api.put("escalation_policies/" + step["id"], json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_update_is_partial(api, method):
    step = api.step(api.chain("c")["id"], "notify_persons", persons_to_notify=[api.user_id("alice")], important=True)
    assert api.request(method, "escalation_policies/" + step["id"], json={}).json() == step
    changed = api.request(method, "escalation_policies/" + step["id"], json={"persons_to_notify": [api.user_id("bob")]}).json()
    assert changed == dict(step, persons_to_notify=[api.user_id("bob")])


def test_type_changes_in_place(api):
    step = api.step(api.chain("c")["id"], "wait", duration=60)
    alice = api.user_id("alice")
    changed = _put(api, step, type="notify_persons", persons_to_notify=[alice])
    assert changed["id"] == step["id"] and changed["type"] == "notify_persons" and changed["persons_to_notify"] == [alice]
    assert "duration" not in changed


def test_user_list_cleared_when_the_type_leaves_user_lists(api):
    step = api.step(api.chain("c")["id"], "notify_persons", persons_to_notify=[api.user_id("alice")])
    _put(api, step, type="resolve")
    assert _put(api, step, type="notify_persons")["persons_to_notify"] == []


def test_user_list_kept_between_user_list_types(api):
    alice = api.user_id("alice")
    step = api.step(api.chain("c")["id"], "notify_persons", persons_to_notify=[alice])
    assert _put(api, step, type="notify_person_next_each_time")["persons_to_notify_next_each_time"] == [alice]
    assert _put(api, step, type="notify_persons")["persons_to_notify"] == [alice]


def test_old_scalar_targets_come_back(api):
    chain = api.chain("c")
    step = api.step(chain["id"], "wait", duration=60)
    _put(api, step, type="notify_persons", persons_to_notify=[api.user_id("alice")])
    assert _put(api, step, type="wait")["duration"] == 60
    primary = api.schedule_id("primary")
    other = api.step(chain["id"], "notify_on_call_from_schedule", notify_on_call_from_schedule=primary)
    _put(api, other, type="notify_person_next_each_time")
    assert _put(api, other, type="notify_on_call_from_schedule")["notify_on_call_from_schedule"] == primary


def test_important_is_part_of_the_type(api):
    step = api.step(api.chain("c")["id"], "notify_team_members", team_to_notify=api.team_id("ops"), important=True)
    assert step["important"] is True
    assert _put(api, step, type="notify_team_members")["important"] is False  # a type-only PUT resets it
    assert _put(api, step, important=True)["important"] is True
    assert _put(api, step, important=False)["important"] is False
    assert _put(api, step, type="notify_team_members", important=True)["important"] is True
    assert _put(api, step, duration=120)["important"] is True  # other fields leave it alone


def test_empty_step(api):
    chain = api.chain("c")
    alice = api.user_id("alice")
    step = api.step(chain["id"], "notify_persons", persons_to_notify=[alice], important=True)
    empty = _put(api, step, type=None, important=True, duration=60)
    assert empty == {"position": 0, "id": step["id"], "escalation_chain_id": chain["id"], "type": None}
    assert api.get("escalation_policies/?escalation_chain_id=" + chain["id"]).json()["results"] == [empty]
    # Emptying a step does not clear its users: the user list is only cleared on a change to a typed step.
    assert _put(api, step, type="notify_persons")["persons_to_notify"] == [alice]


def test_position_and_fields_in_one_put(api):
    chain = api.chain("c")
    first, second = api.step(chain["id"], "resolve"), api.step(chain["id"], "wait", duration=60)
    assert _put(api, second, position=0, duration=300) == dict(second, position=0, duration=300)
    assert api.steps(chain["id"]) == {second["id"]: 0, first["id"]: 1}


@pytest.mark.parametrize("position", [-2, 2147483648])
def test_bad_position_on_update_saves_nothing(api, position):
    step = api.step(api.chain("c")["id"], "wait", duration=60)
    response = api.put("escalation_policies/" + step["id"], json={"position": position, "duration": 300})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid value for position field"}
    assert api.get("escalation_policies/" + step["id"]).json() == step


def test_bad_position_after_a_type_change_still_clears_users(api):
    # The user list is cleared before the position is checked, and nothing rolls it back.
    step = api.step(api.chain("c")["id"], "notify_persons", persons_to_notify=[api.user_id("alice")])
    response = api.put("escalation_policies/" + step["id"], json={"type": "wait", "position": -2})
    assert response.status_code == 400
    assert api.get("escalation_policies/" + step["id"]).json() == dict(step, persons_to_notify=[])


def test_important_round_robin_is_created_then_hidden(api):
    chain = api.chain("c")
    before = api.step(chain["id"], "resolve")
    response = api.post("escalation_policies/", json={"escalation_chain_id": chain["id"], "type": "notify_person_next_each_time",
                                                      "persons_to_notify_next_each_time": [api.user_id("bob")], "important": True})
    assert response.status_code == 500 and "Server Error (500)" in response.text
    hidden = [p for p in api.control("GET", "state").json()["escalation_policies"] if p["step"] == 20]
    assert len(hidden) == 1 and hidden[0]["order"] == 1
    for method in ("GET", "PUT", "DELETE"):
        assert api.request(method, "escalation_policies/" + hidden[0]["id"], json={}).json() == NOT_FOUND
    assert api.get("escalation_policies/").json()["count"] == 1
    after = api.step(chain["id"], "resolve")
    assert api.steps(chain["id"]) == {before["id"]: 0, after["id"]: 2}  # a gap is the only trace


def test_turning_important_on_a_round_robin_hides_it(api):
    step = api.step(api.chain("c")["id"], "notify_person_next_each_time")
    assert step["important"] is False
    response = api.put("escalation_policies/" + step["id"], json={"important": True})
    assert response.status_code == 500
    assert api.get("escalation_policies/" + step["id"]).json() == NOT_FOUND


def test_deleting_the_chain_deletes_its_steps_hidden_ones_too(api):
    chain, other = api.chain("c"), api.chain("other")
    api.step(chain["id"], "resolve")
    kept = api.step(other["id"], "resolve")
    api.post("escalation_policies/", json={"escalation_chain_id": chain["id"], "type": "notify_person_next_each_time", "important": True})
    assert api.delete("escalation_chains/" + chain["id"]).status_code == 204
    assert [p["id"] for p in api.control("GET", "state").json()["escalation_policies"]] == [kept["id"]]


@pytest.mark.parametrize("field", ["num_alerts_in_window", "num_minutes_in_window"])
def test_negative_window_numbers_crash_and_save_nothing(api, field):
    chain = api.chain("c")
    body = {"escalation_chain_id": chain["id"], "type": "notify_if_num_alerts_in_window", "num_alerts_in_window": 2,
            "num_minutes_in_window": 5}
    response = api.post("escalation_policies/", json=dict(body, **{field: -1}))
    assert response.status_code == 500 and "Server Error (500)" in response.text
    assert api.control("GET", "state").json()["escalation_policies"] == []
    step = api.step(chain["id"], "notify_if_num_alerts_in_window", **dict(body, **{field: 0}))
    assert step[field] == 0
    assert api.put("escalation_policies/" + step["id"], json={field: -5}).status_code == 500
    assert api.get("escalation_policies/" + step["id"]).json() == step
    # Dropped before the database sees it when the type has no window.
    assert api.step(chain["id"], "wait", **{field: -1})["type"] == "wait"


def test_window_numbers_must_be_integers(api):
    body = {"escalation_chain_id": api.chain("c")["id"], "type": "notify_if_num_alerts_in_window", "num_alerts_in_window": "x",
            "num_minutes_in_window": None}
    assert api.post("escalation_policies/", json=body).json() == {"num_alerts_in_window": ["A valid integer is required."]}


def test_delete(api):
    chain = api.chain("c")
    steps = [api.step(chain["id"], "resolve") for dummy in range(3)]
    assert api.delete("escalation_policies/" + steps[1]["id"]).status_code == 204
    assert api.delete("escalation_policies/" + steps[1]["id"]).json() == NOT_FOUND
    assert api.steps(chain["id"]) == {steps[0]["id"]: 0, steps[2]["id"]: 2}  # no renumbering


def test_deleted_schedule_becomes_null(api):
    schedule = api.schedule_id("secondary")
    step = api.step(api.chain("c")["id"], "notify_on_call_from_schedule", notify_on_call_from_schedule=schedule)
    assert api.delete("schedules/" + schedule).status_code == 204
    assert api.get("escalation_policies/" + step["id"]).json()["notify_on_call_from_schedule"] is None


def test_deleted_webhook_stays_on_the_step(api):
    hook = api.webhook("w")
    step = api.step(api.chain("c")["id"], "trigger_webhook", action_to_trigger=hook["id"])
    assert api.delete("webhooks/" + hook["id"]).status_code == 204
    assert api.get("escalation_policies/" + step["id"]).json()["action_to_trigger"] == hook["id"]
    response = api.put("escalation_policies/" + step["id"], json={"action_to_trigger": hook["id"]})
    assert response.status_code == 400
    assert response.json() == {"action_to_trigger": ["Object does not exist"]}

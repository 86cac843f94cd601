# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Escalation steps: raw positions with gaps and move-to semantics (the same rules as routes)."""

from __future__ import annotations

import pytest


def _wait(api, chain, seconds, **body):
    return api.step(chain["id"], "wait", duration=seconds, **body)["id"]


def test_create_with_a_position_inserts_before(api):
    chain = api.chain("c")
    a, b, c = (_wait(api, chain, s) for s in (60, 120, 180))
    d = _wait(api, chain, 240, position=0)
    assert api.steps(chain["id"]) == {d: 0, a: 1, b: 2, c: 3}
    e = _wait(api, chain, 300, position=10)
    f = _wait(api, chain, 360, position=-1)
    assert api.steps(chain["id"]) == {d: 0, a: 1, b: 2, c: 3, e: 10, f: 11}


def test_moves(api):
    chain = api.chain("c")
    a, b, c, d = (_wait(api, chain, s) for s in (60, 120, 180, 240))
    api.put("escalation_policies/" + a, json={"position": 2})  # down: lands after the one at 2
    assert api.steps(chain["id"]) == {b: 0, c: 1, a: 2, d: 3}
    api.put("escalation_policies/" + d, json={"position": 0})  # up: lands before the one at 0
    assert api.steps(chain["id"]) == {d: 0, b: 1, c: 2, a: 3}
    api.put("escalation_policies/" + d, json={"position": -1})  # -1: the current end
    assert api.steps(chain["id"]) == {b: 0, c: 1, a: 2, d: 3}
    api.put("escalation_policies/" + b, json={"position": 50})  # past the end: everyone shifts, a gap stays
    assert api.steps(chain["id"]) == {c: 0, a: 1, d: 2, b: 50}


def test_the_engine_run_with_a_gap(api):
    """A reconcile replayed on the real engine: w60@0 w120@1 w240@3 w300@4 w360@5 to w300, w60, N1, w120, w360, N2."""
    chain = api.chain("c")
    w60, w120, gone, w240, w300, w360 = (_wait(api, chain, s) for s in (60, 120, 150, 240, 300, 360))
    api.delete("escalation_policies/" + gone)
    api.delete("escalation_policies/" + w240)
    n2 = _wait(api, chain, 420)
    n1 = _wait(api, chain, 480, position=1)
    api.put("escalation_policies/" + w300, json={"position": 0})
    assert api.steps(chain["id"]) == {w300: 0, w60: 1, n1: 2, w120: 3, w360: 6, n2: 7}


@pytest.mark.parametrize("position", [-2, 2147483648])
def test_bad_position_on_create_answers_400_but_keeps_the_step(api, position):
    chain = api.chain("c")
    first = _wait(api, chain, 60)
    response = api.post("escalation_policies/", json={"escalation_chain_id": chain["id"], "type": "wait", "duration": 420,
                                                      "position": position})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid value for position field"}
    steps = api.get("escalation_policies/?escalation_chain_id=" + chain["id"]).json()["results"]
    assert [(s["position"], s.get("duration")) for s in steps] == [(0, 60), (1, 420)]
    assert steps[0]["id"] == first


def test_position_must_be_an_integer(api):
    body = {"escalation_chain_id": api.chain("c")["id"], "type": "resolve"}
    assert api.post("escalation_policies/", json=dict(body, position="first")).json() == {"position": ["A valid integer is required."]}
    assert api.post("escalation_policies/", json=dict(body, position=None)).json() == {"position": ["This field may not be null."]}


def test_manual_order_swaps(api):
    chain = api.chain("c")
    a, b, c = (_wait(api, chain, s) for s in (60, 120, 180))
    api.put("escalation_policies/" + a, json={"position": 2, "manual_order": True})
    assert api.steps(chain["id"]) == {c: 0, b: 1, a: 2}
    api.put("escalation_policies/" + b, json={"position": 7, "manual_order": True})  # nothing there: just take it
    assert api.steps(chain["id"]) == {c: 0, a: 2, b: 7}
    d = _wait(api, chain, 240, position=0, manual_order=True)  # the step at 0 is sent to the end
    assert api.steps(chain["id"]) == {d: 0, a: 2, b: 7, c: 8}
    assert api.put("escalation_policies/" + d, json={"position": -1, "manual_order": True}).status_code == 400


def test_hidden_steps_take_part_in_moves(api):
    chain = api.chain("c")
    a = _wait(api, chain, 60)
    api.post("escalation_policies/", json={"escalation_chain_id": chain["id"], "type": "notify_person_next_each_time", "important": True})
    b = _wait(api, chain, 120)
    api.put("escalation_policies/" + b, json={"position": 0})
    assert api.steps(chain["id"]) == {b: 0, a: 1}
    hidden = [p for p in api.control("GET", "state").json()["escalation_policies"] if p["step"] == 20]
    assert hidden[0]["order"] == 2


def test_orders_are_per_chain(api):
    first, second = api.chain("first"), api.chain("second")
    a = _wait(api, first, 60)
    b = _wait(api, second, 60)
    assert api.steps(first["id"]) == {a: 0} and api.steps(second["id"]) == {b: 0}

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The step list plan: pairing, the fewest writes, and the bodies OnCall needs, checked without a server.

A few-line model of the server's step storage (per-type fields, move-to positions with gaps, creates at the end
then moved) replays the plan's writes; random edits of a chain must land on the wanted list, with one write per
step that must change, and a second plan must have nothing left to do. The same plan against the emulator is
checked by the playbook tests.
"""

from __future__ import annotations

import random

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.escalation_steps import comparable
from ansible_collections.oncall.grafana.plugins.module_utils.ordered_list import DELETE, POST, PUT
from ansible_collections.oncall.grafana.plugins.module_utils.step_list import StepListPlan, pair_steps, step_changes

CASES = 400
USERS = ["UALICE00000001", "UBOB0000000002", "UCAROL00000003"]
CHOICES = [
    {"type": "wait", "duration": 60}, {"type": "wait", "duration": 300}, {"type": "wait", "duration": 900},
    {"type": "notify_persons", "important": False, "persons_to_notify": USERS[:1]},
    {"type": "notify_persons", "important": True, "persons_to_notify": USERS[:2]},
    {"type": "notify_on_call_from_schedule", "important": False, "notify_on_call_from_schedule": "SPRIMARY000001"},
    {"type": "notify_on_call_from_schedule", "important": True, "notify_on_call_from_schedule": "SPRIMARY000001"},
    {"type": "trigger_webhook", "action_to_trigger": "WHPAGE00000001"},
    {"type": "repeat_escalation"}, {"type": "resolve"},
    {"type": "notify_if_time_from_to", "notify_if_time_from": "09:00:00Z", "notify_if_time_to": "17:00:00Z"},
]


def name_of(field, value):
    return str(value)


class ModelChain:
    """The steps of one chain as the server keeps them: raw positions with gaps, move-to, per-type fields."""

    def __init__(self, steps, rng):
        self.steps = {}
        position = 0
        for index, step in enumerate(steps):
            position += rng.choice([1, 1, 2, 3])
            self.steps["E%012d" % index] = dict(step, position=position, id="E%012d" % index, escalation_chain_id="FCHAIN")
        self.next_id = len(steps)

    def move(self, step_id, position):
        old = self.steps[step_id]["position"]
        for other in self.steps.values():
            if other["id"] != step_id and old < other["position"] <= position:
                other["position"] -= 1
            elif other["id"] != step_id and position <= other["position"] < old:
                other["position"] += 1
        self.steps[step_id]["position"] = position

    def write(self, write):
        body = dict(write.body or {})
        position = body.pop("position", None)
        if write.kind == DELETE:
            del self.steps[write.slot.item["id"]]
            return None
        if write.kind == POST:
            step_id, self.next_id = "E%012d" % self.next_id, self.next_id + 1
            end = max((step["position"] for step in self.steps.values()), default=-1) + 1
            self.steps[step_id] = {"position": end, "id": step_id, "escalation_chain_id": "FCHAIN", "type": None}
        else:
            step_id = write.slot.item["id"]
        if position is not None:
            self.move(step_id, position)
        self.steps[step_id] = self._stored(self.steps[step_id], body)
        return dict(self.steps[step_id])

    @staticmethod
    def _stored(stored, body):
        """The server's update: fields of another type hidden (and back when the type comes back), important turned
        off by a type sent without it, user lists cleared by a type without users."""
        hidden = dict(stored.get("_hidden", {}), **{key: value for key, value in stored.items() if key not in KEEP})
        kind = body.get("type", stored["type"])
        if "type" in body and "important" not in body:
            hidden["important"] = False
        hidden.update(body)
        fields = set(ALL_FIELDS[kind]) | ({"important"} if kind in IMPORTANT else set())
        if not any(field.startswith("persons") for field in ALL_FIELDS[kind]):
            hidden = {key: value for key, value in hidden.items() if not key.startswith("persons")}
        shown = {key: stored[key] for key in KEEP if key in stored}
        shown.update(type=kind, _hidden=hidden)
        shown.update({key: hidden.get(key, [] if key.startswith("persons") else None) for key in fields})
        if kind in IMPORTANT:
            shown["important"] = bool(hidden.get("important"))
        return shown

    def listing(self):
        return sorted(({key: value for key, value in step.items() if key != "_hidden"} for step in self.steps.values()),
                      key=lambda step: step["position"])


KEEP = ("position", "id", "escalation_chain_id")
IMPORTANT = ("notify_persons", "notify_on_call_from_schedule")
ALL_FIELDS = {"wait": ("duration",), "notify_persons": ("persons_to_notify",), "notify_on_call_from_schedule": ("notify_on_call_from_schedule",),
              "trigger_webhook": ("action_to_trigger",), "repeat_escalation": (), "resolve": (),
              "notify_if_time_from_to": ("notify_if_time_from", "notify_if_time_to")}


def longest_equal_run(first, second):
    """The length of a longest common subsequence, the plain way (independent of the plan's)."""
    best = [[0] * (len(second) + 1) for dummy in range(len(first) + 1)]
    for i, left in enumerate(first):
        for j, right in enumerate(second):
            best[i + 1][j + 1] = best[i][j] + 1 if left == right else max(best[i][j + 1], best[i + 1][j])
    return best[-1][-1]


def random_chain(rng):
    return [dict(rng.choice(CHOICES)) for dummy in range(rng.randint(0, 7))]


def edited(steps, rng):
    """A wanted list: the chain with some steps kept, moved, changed, dropped and added."""
    wanted = [dict(step) for step in steps if rng.random() > 0.2]
    for dummy in range(rng.randint(0, 2)):
        wanted.insert(rng.randint(0, len(wanted)), dict(rng.choice(CHOICES)))
    for index in range(len(wanted)):
        if rng.random() < 0.2:
            wanted[index] = dict(rng.choice(CHOICES))
    if len(wanted) > 1 and rng.random() < 0.5:
        first, second = rng.sample(range(len(wanted)), 2)
        wanted[first], wanted[second] = wanted[second], wanted[first]
    return wanted


def test_random_edits_land_on_the_wanted_steps_with_one_write_per_step_that_must_change():
    seen = {"moves": 0, "updates": 0, "creates": 0, "deletes": 0, "type changes": 0, "no write": 0}
    for seed in range(CASES):
        rng = random.Random(seed)
        chain = ModelChain(random_chain(rng), rng)
        wanted = edited([comparable(step) for step in chain.listing()], rng)
        before = chain.listing()
        plan = StepListPlan(before, wanted, name_of)
        where = "seed %d: %s -> %s" % (seed, [comparable(step) for step in before], wanted)
        predicted = plan.apply(None, "FCHAIN", check_mode=True)
        for write in plan.writes:
            chain.write(write)
        after = chain.listing()
        assert [comparable(step) for step in after] == wanted, where
        assert [comparable(step) for step in predicted] == wanted, where
        assert [step["position"] for step in predicted] == [step["position"] for step in after], where
        # One write per step at most; a POST only for a wanted step left unpaired, a DELETE only for an unpaired existing one.
        pairs = pair_steps(before, wanted)
        # The fewest writes there are: every step but a longest run of equal steps in order is written once.
        assert len(plan.writes) == max(len(before), len(wanted)) - longest_equal_run([comparable(step) for step in before], wanted), where
        assert sum(write.kind == POST for write in plan.writes) == len(wanted) - len(pairs), where
        assert sum(write.kind == DELETE for write in plan.writes) == len(before) - len(pairs), where
        puts = [id(write.slot) for write in plan.writes if write.kind == PUT]
        assert len(puts) == len(set(puts)), where
        kept_ids = {step["id"] for step in before} & {step["id"] for step in after}
        assert len(kept_ids) == len(pairs), where
        assert StepListPlan(after, wanted, name_of).writes == [], where
        seen["moves"] += any(write.kind == PUT and "position" in write.body for write in plan.writes)
        seen["updates"] += any(write.kind == PUT and set(write.body) - {"position"} for write in plan.writes)
        seen["creates"] += any(write.kind == POST for write in plan.writes)
        seen["deletes"] += any(write.kind == DELETE for write in plan.writes)
        seen["type changes"] += any(write.kind == PUT and "type" in write.body for write in plan.writes)
        seen["no write"] += not plan.writes
    assert all(count >= CASES // 20 for count in seen.values()), seen


def test_an_unchanged_chain_needs_no_write_and_equal_steps_pair_in_order():
    steps = [dict(CHOICES[0], id="E1", position=0), dict(CHOICES[0], id="E2", position=4), dict(CHOICES[8], id="E3", position=5)]
    wanted = [comparable(step) for step in steps]
    assert pair_steps(steps, wanted) == {0: 0, 1: 1, 2: 2}
    assert StepListPlan(steps, wanted, name_of).writes == []


def test_a_changed_step_is_updated_in_place_and_keeps_its_id():
    steps = [dict(CHOICES[0], id="E1", position=0), dict(CHOICES[3], id="E2", position=1), dict(CHOICES[8], id="E3", position=2)]
    wanted = [CHOICES[0], dict(CHOICES[3], persons_to_notify=sorted(USERS)), CHOICES[8]]
    plan = StepListPlan(steps, wanted, name_of)
    assert [(write.kind, write.slot.item["id"], write.body) for write in plan.writes] == \
        [(PUT, "E2", {"persons_to_notify": sorted(USERS)})]


@pytest.mark.parametrize("have, want, body", [
    # A type change sends the new type's whole target set.
    ({"type": "wait", "duration": 60}, {"type": "notify_persons", "important": False, "persons_to_notify": ["U1"]},
     {"type": "notify_persons", "important": False, "persons_to_notify": ["U1"]}),
    # important goes with type: a PUT of type alone would turn it off.
    ({"type": "notify_persons", "important": False, "persons_to_notify": ["U1"]},
     {"type": "notify_persons", "important": True, "persons_to_notify": ["U1"]},
     {"type": "notify_persons", "important": True}),
    ({"type": "wait", "duration": 60}, {"type": "wait", "duration": 300}, {"duration": 300}),
    ({"type": "wait", "duration": 60}, {"type": "wait", "duration": 60}, {}),
])
def test_step_changes_send_what_the_server_needs(have, want, body):
    assert step_changes(want, have) == body


def test_display_lines_name_each_step():
    plan = StepListPlan([], [{"type": "wait", "duration": 300}, {"type": "notify_persons", "important": True, "persons_to_notify": ["U1", "U2"]},
                             {"type": "repeat_escalation"}], lambda field, value: {"U1": "alice", "U2": "bob"}.get(value, value))
    predicted = plan.apply(None, None, check_mode=True)
    assert plan.diff_view(predicted) == ["wait: 5m", "notify_persons (important): alice, bob", "repeat_escalation"]

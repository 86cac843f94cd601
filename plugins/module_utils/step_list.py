# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A chain's escalation steps as one ordered list: pair what exists with what the task lists, then the fewest writes.

Steps have no identity but their place, so existing steps are paired with wanted ones, most valuable pairs
first: equal steps in the same relative order, then changed steps where the lists differ (same type first),
then equal steps elsewhere (a move), then whatever is left, one to one. A pair costs at most one PUT (fields and
position together), which keeps the step's id; an unpaired wanted step is one POST, an unpaired existing step one
DELETE. Positions are planned by the ordered-list planner, as for routes.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import difflib
import json

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.escalation_steps import IMPORTANT_CAPABLE, STEP_TYPES, comparable, describe_step
from ansible_collections.oncall.grafana.plugins.module_utils.ordered_list import DELETE, POST, Placement, Slot, Target

PATH = "escalation_policies/"
# A POST whose answer was lost is never re-sent blindly: the steps are listed again and the rest re-planned, this often at most.
REPLANS = 3


def _key(step):
    return json.dumps(step, sort_keys=True)


def step_changes(want, have):
    """The PUT body that turns ``have`` (comparable) into ``want``: {} when equal.

    A type change sends the new type's whole target set (the server keeps old targets hidden and brings them back),
    and ``important`` always goes with ``type`` (a type-only PUT turns important off, important alone toggles it).
    """
    if want["type"] != have.get("type"):
        return dict(want)
    changes = {key: value for key, value in want.items() if have.get(key) != value}
    if "important" in changes:
        changes["type"] = want["type"]
    return changes


def pair_steps(current, wanted):
    """{wanted index: current index}, most valuable pairs first.

    Equal steps in the same relative order; then equal steps elsewhere (a move costs one write at most, and keeps
    the step as it is); then, where the lists differ, changed steps (same type first); then what is left, one to one.
    Every pair costs at most one write and saves a DELETE and a POST, so as many steps as possible are paired.
    """
    have = [_key(comparable(step)) for step in current]
    want = [_key(step) for step in wanted]
    pairs, blocks = {}, []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, have, want, autojunk=False).get_opcodes():
        if tag == "equal":
            pairs.update({j1 + offset: i1 + offset for offset in range(i2 - i1)})
        elif tag == "replace":
            blocks.append((range(i1, i2), range(j1, j2)))
    free = [i for i in range(len(current)) if i not in pairs.values()]
    for j in range(len(wanted)):
        equal = next((i for i in free if have[i] == want[j]), None) if j not in pairs else None
        if equal is not None:
            pairs[j] = equal
            free.remove(equal)
    for block_current, block_wanted in blocks:
        for j in [j for j in block_wanted if j not in pairs]:
            here = [i for i in free if i in block_current]
            chosen = next((i for i in here if current[i].get("type") == wanted[j]["type"]), here[0] if here else None)
            if chosen is not None:
                pairs[j] = chosen
                free.remove(chosen)
    for j, i in zip([j for j in range(len(wanted)) if j not in pairs], list(free)):
        pairs[j] = i
    return pairs


def representation(step, step_id, chain_id, position):
    """A step as the API shows it, for check mode: position, id, chain, type, its fields, then important."""
    shown = {"position": position, "id": step_id, "escalation_chain_id": chain_id, "type": step["type"]}
    shown.update({key: value for key, value in step.items() if key not in ("type", "important")})
    if step["type"] in IMPORTANT_CAPABLE:
        shown["important"] = step.get("important", False)
    return shown


class StepListPlan:
    """The writes that make a chain's steps exactly ``wanted`` (desired_steps), in order."""

    key = "steps"

    def __init__(self, existing, wanted, name_of):
        self.before = sorted(existing, key=lambda step: step.get("position") or 0)
        self.wanted = wanted
        self.name_of = name_of
        self._plan()

    def _plan(self):
        slots = [Slot(step.get("position") or 0, step) for step in self.before]
        pairs = pair_steps(self.before, self.wanted)
        targets = []
        for index, want in enumerate(self.wanted):
            if index in pairs:
                slot = slots[pairs[index]]
                slot.rank = index
                targets.append(Target(index, slot, step_changes(want, comparable(slot.item))))
            else:
                targets.append(Target(index, body=dict(want)))
        surplus = [slot for slot in slots if slot.rank is None]
        placement = Placement(slots, targets, surplus)
        self.writes, self.final = placement.writes, placement.final
        self._rank_of = {id(target.slot): target.rank for target in targets}

    @property
    def changed(self):
        return bool(self.writes)

    # ------------------------------------------------------------------ writes

    def apply(self, client, chain_id, check_mode):
        """Send the writes (none in check mode); the steps as they now are, in order."""
        if check_mode:
            return [self._predicted(slot, chain_id) for slot in self.final]
        answers = {}
        for replans in range(REPLANS + 1):
            try:
                return self._send_all(client, chain_id, answers)
            except OnCallAPIError as exc:
                if not (exc.method == "POST" and exc.outcome_unknown) or replans == REPLANS:
                    raise
            # The step may or may not exist now: list the chain's steps again and plan the rest from there.
            self.before = sorted(client.list_all(PATH, {"escalation_chain_id": chain_id}), key=lambda step: step.get("position") or 0)
            self._plan()
            answers = {}
        return None  # not reached

    def _send_all(self, client, chain_id, answers):
        for write in self.writes:
            try:
                self._send(write, client, chain_id, answers)
            except OnCallAPIError as exc:
                # The server's answer, with the step it is about.
                raise OnCallAPIError(exc.method, exc.path, exc.status, "%s: %s" % (self._label(write), exc.message), body=exc.body,
                                     outcome_unknown=exc.outcome_unknown, created=exc.created) from None
        return [dict(answers.get(id(slot), slot.item), position=slot.order) for slot in self.final]

    def _send(self, write, client, chain_id, answers):
        slot = write.slot
        if write.kind == DELETE:
            client.delete("%s%s/" % (PATH, slot.item["id"]))
        elif write.kind == POST:
            answers[id(slot)] = self._verified(client.post(PATH, dict(write.body, escalation_chain_id=chain_id)), write, slot)
        else:
            answers[id(slot)] = self._verified(client.put("%s%s/" % (PATH, slot.item["id"]), write.body), write, slot)

    def _label(self, write):
        if write.kind == DELETE:
            return "deleting step %s (%s), which the task does not list" % (write.slot.item.get("id"), write.slot.item.get("type"))
        return "steps[%d]" % self._rank_of[id(write.slot)]

    def _verified(self, answer, write, slot):
        """The server's answer, checked against what was sent: it silently drops unknown user ids, for one."""
        index = self._rank_of[id(slot)]
        wanted = self.wanted[index]
        got = comparable(answer or {})
        wrong = [field for field in write.body if field != "position" and got.get(field) != wanted.get(field)]
        if wrong:
            details = "; ".join("%s: sent %s, OnCall has %s" % (field, wanted.get(field), got.get(field)) for field in wrong)
            users = STEP_TYPES[wanted["type"]].users_field
            hint = " (OnCall drops user ids it does not know without an error)" if users in wrong else ""
            raise OnCallError("steps[%s]: OnCall did not store the step as sent: %s%s; the step is %s"
                              % (index, details, hint, (answer or {}).get("id")))
        return answer

    def _predicted(self, slot, chain_id):
        step = slot.item
        wanted = self.wanted[self._rank_of[id(slot)]]
        if step is not None and comparable(step) == wanted:
            return dict(step, position=slot.order)
        return representation(wanted, step.get("id") if step else None, chain_id, slot.order)

    # ------------------------------------------------------------------ diff

    def diff_view(self, steps):
        """One line per step, names where the task used names."""
        return [describe_step(comparable(step), self.name_of) for step in steps]

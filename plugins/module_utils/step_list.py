# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A chain's escalation steps as one ordered list: pair what exists with what the task lists, then the fewest writes.

Steps have no identity but their place, so existing steps are paired with wanted ones: a longest run of equal
steps in the same relative order first, then the rest one to one, the nearest step of the same type first. A
pair costs at most one PUT (fields and position together), which keeps the step's id; an unpaired wanted step is
one POST, an unpaired existing step one DELETE. The steps that stay where they are are chosen to keep as many
unchanged steps in place as possible (a changed step costs its PUT anyway, and a move can ride in it), so a run
costs max(existing, wanted) minus the longest run of equal steps in order: the fewest writes there are.
Positions are planned by the ordered-list planner, as for routes.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import json

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.escalation_steps import IMPORTANT_CAPABLE, STEP_TYPES, comparable, describe_step
from ansible_collections.oncall.grafana.plugins.module_utils.ordered_list import DELETE, POST, Placement, Slot, Target, heaviest_increasing

PATH = "escalation_policies/"
# A POST whose answer was lost is never re-sent blindly: the steps are listed again and the rest re-planned, this often at most.
REPLANS = 3


class _Replan(Exception):
    """The rest of the plan no longer holds (a lost answer, an order the plan did not foresee): list and plan again.

    ``error`` is what the task fails with when the re-plans run out.
    """

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


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
    """{wanted index: current index}: a longest run of equal steps in order (an LCS), then the rest one to one."""
    have = [_key(comparable(step)) for step in current]
    want = [_key(step) for step in wanted]
    # longest[i][j]: the longest run of equal steps in have[i:] and want[j:].
    longest = [[0] * (len(want) + 1) for dummy in range(len(have) + 1)]
    for i in range(len(have) - 1, -1, -1):
        for j in range(len(want) - 1, -1, -1):
            longest[i][j] = longest[i + 1][j + 1] + 1 if have[i] == want[j] else max(longest[i + 1][j], longest[i][j + 1])
    pairs, i, j = {}, 0, 0
    while i < len(have) and j < len(want):
        if have[i] == want[j]:
            pairs[j] = i
            i, j = i + 1, j + 1
        elif longest[i + 1][j] >= longest[i][j + 1]:
            i += 1
        else:
            j += 1
    free = [i for i in range(len(current)) if i not in pairs.values()]
    for j in [j for j in range(len(wanted)) if j not in pairs]:
        if not free:
            break
        same_type = [i for i in free if current[i].get("type") == wanted[j]["type"]]
        pairs[j] = min(same_type or free, key=lambda i: abs(i - j))
        free.remove(pairs[j])
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
        #: the steps as the task found them (the diff's before); the plan works from ``_listing``, which a re-plan renews
        self.before = sorted(existing, key=lambda step: step.get("position") or 0)
        self.wanted = wanted
        self.name_of = name_of
        self.sent = False
        self._listing = self.before
        self._plan()

    def _plan(self):
        slots = [Slot(step.get("position") or 0, step) for step in self._listing]
        pairs = pair_steps(self._listing, self.wanted)
        targets = []
        for index, want in enumerate(self.wanted):
            if index in pairs:
                slot = slots[pairs[index]]
                slot.rank = index
                targets.append(Target(index, slot, step_changes(want, comparable(slot.item))))
            else:
                targets.append(Target(index, body=dict(want)))
        surplus = [slot for slot in slots if slot.rank is None]
        placement = Placement(slots, targets, surplus, staying=self._staying(slots, targets))
        self.writes, self.final = placement.writes, placement.final
        self._rank_of = {id(target.slot): target.rank for target in targets}

    @staticmethod
    def _staying(slots, targets):
        """The paired steps that stay where they are: as many unchanged ones as possible (a changed step's PUT can move it)."""
        unchanged = {id(target.slot) for target in targets if target.slot is not None and not target.body}
        ranked = [slot for slot in sorted(slots, key=lambda slot: slot.order) if slot.rank is not None]
        weights = [len(ranked) + 1 if id(slot) in unchanged else 1 for slot in ranked]
        return [ranked[index] for index in heaviest_increasing([slot.rank for slot in ranked], weights)]

    @property
    def changed(self):
        return bool(self.writes) or self.sent

    # ------------------------------------------------------------------ writes

    def apply(self, client, chain_id, check_mode):
        """Send the writes (none in check mode); the steps as they now are, in order."""
        if check_mode:
            return [self._predicted(slot, chain_id) for slot in self.final]
        for replans in range(REPLANS + 1):
            try:
                return self._send_all(client, chain_id, {})
            except _Replan as replan:
                if replans == REPLANS:
                    raise replan.error
            # List the chain's steps again and plan the rest from what is there.
            self._listing = sorted(client.list_all(PATH, {"escalation_chain_id": chain_id}), key=lambda step: step.get("position") or 0)
            self._plan()
        return None  # not reached

    def _send_all(self, client, chain_id, answers):
        for write in self.writes:
            try:
                self._send(write, client, chain_id, answers)
            except OnCallAPIError as exc:
                if write.kind == POST and exc.outcome_unknown:
                    # The step may or may not exist now (so something may have changed): never sent again blindly.
                    self.sent = True
                    raise _Replan(exc) from None
                # The server's answer, with the step it is about.
                raise OnCallAPIError(exc.method, exc.path, exc.status, "%s: %s" % (self._label(write), exc.message), body=exc.body,
                                     outcome_unknown=exc.outcome_unknown, created=exc.created) from None
            self.sent = True
            answer = answers.get(id(write.slot))
            if answer is not None and answer.get("position") != write.order_after:
                # Steps the API hides take places too (a create lands after them): plan the rest from the real order.
                raise _Replan(OnCallError("steps: the chain's order kept differing from the plan (steps OnCall hides, or another "
                                          "run writing at the same time); a re-run picks up from here"))
        return [dict(answers.get(id(slot), slot.item), position=slot.order) for slot in self.final]

    def _send(self, write, client, chain_id, answers):
        slot = write.slot
        if write.kind == DELETE:
            client.delete("%s%s/" % (PATH, slot.item["id"]))
            return
        if write.kind == POST:
            answer = client.post(PATH, dict(write.body, escalation_chain_id=chain_id))
        else:
            answer = client.put("%s%s/" % (PATH, slot.item["id"]), write.body)
        # Written, whatever the check of the answer finds: a failure from here on leaves the chain changed.
        self.sent = True
        answers[id(slot)] = self._verified(answer, write, slot)

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

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Escalation step types: public names, the engine's internal step numbers, and the target fields of each.

The engine stores a step number, not a name, and "important" is not a flag but a second number for
five types. The public name of a number comes from a map; a number missing from that map makes the
step invisible to the public API. The important round robin (20) was added to the engine without
being added to that map, so such a step cannot be shown: creating one answers 500 (after the insert)
and the step is hidden from then on.
"""

from __future__ import annotations

from collections import namedtuple

# name: public type; step / important_step: internal numbers; keys: the public target fields shown for
# the type, in the order they are shown; gate: why an install may refuse the type ("slack", "incident").
StepType = namedtuple("StepType", "name step important_step keys gate")

_OSS_TYPES = (
    StepType("wait", 0, None, ("duration",), None),
    StepType("notify_persons", 13, 14, ("persons_to_notify",), None),
    StepType("notify_person_next_each_time", 11, 20, ("persons_to_notify_next_each_time",), None),
    StepType("notify_on_call_from_schedule", 6, 9, ("notify_on_call_from_schedule",), None),
    StepType("notify_user_group", 5, 8, ("group_to_notify",), None),
    StepType("notify_team_members", 17, 18, ("team_to_notify",), None),
    StepType("trigger_webhook", 16, None, ("action_to_trigger",), None),
    StepType("resolve", 4, None, (), None),
    StepType("notify_whole_channel", 2, None, (), "slack"),
    StepType("notify_if_time_from_to", 12, None, ("notify_if_time_from", "notify_if_time_to"), None),
    StepType("notify_if_num_alerts_in_window", 15, None, ("num_alerts_in_window", "num_minutes_in_window"), None),
    StepType("repeat_escalation", 3, None, (), None),
    StepType("declare_incident", 19, None, ("severity",), "incident"),
)
# Grafana Cloud exposes one more type, which reuses the schedule field. Its internal number and whether
# it has an important variant cannot be read anywhere; 21 and "no" are the emulator's choice.
_CLOUD_TYPES = (StepType("notify_next_on_call_from_schedule", 21, None, ("notify_on_call_from_schedule",), None),)
# Internal numbers the public name map lacks (see the module docstring).
UNMAPPED_STEPS = (20,)

USER_LIST_KEYS = ("persons_to_notify", "persons_to_notify_next_each_time")
# Public field -> EscalationPolicy attribute. Both user-list fields write the same list.
COLUMNS = {
    "duration": "wait_delay",
    "persons_to_notify": "user_ids",
    "persons_to_notify_next_each_time": "user_ids",
    "notify_on_call_from_schedule": "schedule_id",
    "group_to_notify": "group_id",
    "team_to_notify": "team_id",
    "action_to_trigger": "webhook_id",
    "notify_if_time_from": "from_time",
    "notify_if_time_to": "to_time",
    "num_alerts_in_window": "num_alerts_in_window",
    "num_minutes_in_window": "num_minutes_in_window",
    "severity": "severity",
}


class StepTypes:
    """The step types of one install (OSS, or Grafana Cloud with its extra type)."""

    def __init__(self, cloud=False):
        self.types = _OSS_TYPES + (_CLOUD_TYPES if cloud else ())
        self.by_name = {kind.name: kind for kind in self.types}
        self._by_step = {}
        for kind in self.types:
            self._by_step[kind.step] = kind
            if kind.important_step is not None:
                self._by_step[kind.important_step] = kind

    def of_step(self, step):
        """The type of an internal number, hidden or not; None for an empty step."""
        return self._by_step.get(step)

    def is_visible(self, step):
        """Whether the public API can show (and so find) a step: empty steps yes, unmapped numbers no."""
        return step is None or (step in self._by_step and step not in UNMAPPED_STEPS)


def is_user_list_type(kind):
    return kind is not None and any(key in USER_LIST_KEYS for key in kind.keys)


def kept_columns(kind, sent):
    """The attribute changes a write makes: only the fields of `kind` are kept, other fields sent are dropped.

    `sent` maps public fields to validated values in the order they were read, so when both user-list
    fields are sent the later one (persons_to_notify_next_each_time) wins.
    """
    changes = {}
    for key, value in sent.items():
        if kind is not None and key in kind.keys:
            changes[COLUMNS[key]] = value
        elif kind is not None and key in USER_LIST_KEYS and is_user_list_type(kind):
            changes["user_ids"] = value  # the other user-list key of a user-list type: same storage
    return changes


def step_number(kind, current, important):
    """The internal number after a write: `important` True or False switches variants; None keeps `current`."""
    if kind is None or kind.important_step is None:
        return current
    if current == kind.step and important:
        return kind.important_step
    if current == kind.important_step and important is False:
        return kind.step
    return current

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The steps of an escalation chain as a task writes them: options, every check, names, and the API's spelling.

The server checks almost nothing of a step (a wait without a duration, a notification without anyone: all
accepted, and they fail only when an alert escalates), so every rule below is enforced here, before any
request, naming ``steps[i].option``. The server also drops unknown user ids without a word, which the
step list verifies after each write.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import re

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.ids import SCHEDULE_ID, TEAM_ID, USER_ID, WEBHOOK_ID, check_id
from ansible_collections.oncall.grafana.plugins.module_utils.names import SCHEDULE, TEAM, USER_GROUP, WEBHOOK, resolve_option

DURATION_MIN, DURATION_MAX = 60, 86400
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?Z?$")


class StepType:
    """One step type: the API fields of its targets, whether it has an important variant, and what it needs."""

    def __init__(self, targets=(), important=False, users_field=None):
        self.targets = targets              # the step options it takes besides type and important
        self.important = important
        self.users_field = users_field


# The five types with an important variant, but round robin: the server hides an important round robin step for
# good (it still runs, and can be removed only with the chain), so important is refused there.
STEP_TYPES = {
    "wait": StepType(("duration",)),
    "notify_persons": StepType(("users",), important=True, users_field="persons_to_notify"),
    "notify_person_next_each_time": StepType(("users",), users_field="persons_to_notify_next_each_time"),
    "notify_on_call_from_schedule": StepType(("schedule",), important=True),
    "notify_next_on_call_from_schedule": StepType(("schedule",)),
    "notify_user_group": StepType(("user_group",), important=True),
    "notify_team_members": StepType(("team",), important=True),
    "notify_whole_channel": StepType(),
    "trigger_webhook": StepType(("webhook",)),
    "notify_if_time_from_to": StepType(("notify_if_time_from", "notify_if_time_to")),
    "notify_if_num_alerts_in_window": StepType(("num_alerts_in_window", "num_minutes_in_window")),
    "repeat_escalation": StepType(),
    "resolve": StepType(),
    "declare_incident": StepType(("severity",)),
}
IMPORTANT_CAPABLE = ("notify_persons", "notify_person_next_each_time", "notify_on_call_from_schedule", "notify_user_group",
                     "notify_team_members")

# A reference given by name or by id: the option pair, the kind of object, and the API field of the step.
REFERENCES = {
    "schedule": ("schedule_id", SCHEDULE, "notify_on_call_from_schedule"),
    "team": ("team_id", TEAM, "team_to_notify"),
    "user_group": ("user_group_id", USER_GROUP, "group_to_notify"),
    "webhook": ("webhook_id", WEBHOOK, "action_to_trigger"),
}
# Id options and the shape of their ids (Slack user group ids have none the API documents).
ID_OPTIONS = {"user_ids": USER_ID, "schedule_id": SCHEDULE_ID, "team_id": TEAM_ID, "user_group_id": None, "webhook_id": WEBHOOK_ID}
PLAIN_FIELDS = ("duration", "notify_if_time_from", "notify_if_time_to", "num_alerts_in_window", "num_minutes_in_window", "severity")

STEP_OPTIONS = dict(
    type=dict(type="str", required=True, choices=sorted(STEP_TYPES)),
    important=dict(type="bool", default=False),
    duration=dict(type="raw"),
    users=dict(type="list", elements="str"),
    user_ids=dict(type="list", elements="str"),
    schedule=dict(type="str"),
    schedule_id=dict(type="str"),
    team=dict(type="str"),
    team_id=dict(type="str"),
    user_group=dict(type="str"),
    user_group_id=dict(type="str"),
    webhook=dict(type="str"),
    webhook_id=dict(type="str"),
    notify_if_time_from=dict(type="str"),
    notify_if_time_to=dict(type="str"),
    num_alerts_in_window=dict(type="int"),
    num_minutes_in_window=dict(type="int"),
    severity=dict(type="str"),
)
# Which step options belong to which target (a name option and its id option are one target).
TARGET_OPTIONS = dict({"users": ("users", "user_ids")}, **{name: (name, pair[0]) for name, pair in REFERENCES.items()},
                      **{field: (field,) for field in PLAIN_FIELDS})


def duration_seconds(value, option):
    """Seconds from ``300``, ``"300"``, ``"90s"``, ``"5m"``, ``"1h"`` or ``"1d"``; 60 to 86400."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise OnCallError("%s must be a number of seconds or a text such as 90s, 5m or 1h, got %r" % (option, value))
    match = _DURATION.match(str(value))
    if not match:
        raise OnCallError("%s must be a number of seconds or a text such as 90s, 5m or 1h, got %r" % (option, value))
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if not DURATION_MIN <= seconds <= DURATION_MAX:
        raise OnCallError("%s is %d seconds; OnCall allows 60 (1m) to 86400 (24h)" % (option, seconds))
    return seconds


def utc_time(value, option):
    """The server's ``HH:MM:SSZ`` from ``09:00``, ``09:00:00`` or ``09:00:00Z``; an impossible time fails."""
    match = _TIME.match(value.strip())
    if not match:
        raise OnCallError("%s must be a UTC time such as 09:00, 09:00:00 or 09:00:00Z, got %r" % (option, value))
    hours, minutes, seconds = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise OnCallError("%s is not a time of day: %r" % (option, value))
    return "%02d:%02d:%02dZ" % (hours, minutes, seconds)


def _given(step, target):
    return [option for option in TARGET_OPTIONS[target] if step.get(option) is not None]


def check_step(step, where):
    """Every rule a step must follow, before any request; ``where`` is ``steps[i]``."""
    kind = STEP_TYPES[step["type"]]
    for target, options in TARGET_OPTIONS.items():
        given = _given(step, target)
        if given and target not in kind.targets:
            raise OnCallError("%s.%s does not belong to a %s step (it takes %s)"
                              % (where, given[0], step["type"], ", ".join(_options_of(kind)) or "no target"))
        if len(given) > 1:
            raise OnCallError("%s: %s and %s are mutually exclusive" % (where, given[0], given[1]))
    if step.get("important") and step["type"] not in IMPORTANT_CAPABLE:
        raise OnCallError("%s.important: a %s step has no important variant" % (where, step["type"]))
    if step.get("important") and step["type"] == "notify_person_next_each_time":
        raise OnCallError("%s.important: OnCall hides an important round robin step for good (it can then be neither seen "
                          "nor removed, only deleted with its chain); use notify_persons with important instead" % where)
    for target in kind.targets:
        if target != "severity" and not _given(step, target):
            raise OnCallError("%s: a %s step needs %s" % (where, step["type"], " or ".join(TARGET_OPTIONS[target])))
    if step.get("users") is not None or step.get("user_ids") is not None:
        people = step.get("users") if step.get("users") is not None else step.get("user_ids")
        if not [person for person in people if person and person.strip()]:
            raise OnCallError("%s.%s must name at least one user" % (where, _given(step, "users")[0]))
    for option in ("num_alerts_in_window", "num_minutes_in_window"):
        if step.get(option) is not None and step[option] < 1:
            raise OnCallError("%s.%s must be at least 1, got %d" % (where, option, step[option]))


def _options_of(kind):
    return [option for target in kind.targets for option in TARGET_OPTIONS[target]]


def normalized_steps(steps):
    """The task's steps, checked and normalised into new dicts (durations in seconds, times as HH:MM:SSZ, names
    trimmed, ``important`` only where it exists); None when the task does not manage steps."""
    if steps is None:
        return None
    normalized = []
    for index, raw in enumerate(steps):
        where = "steps[%d]" % index
        check_step(raw, where)
        step = {"type": raw["type"]}
        if raw["type"] in IMPORTANT_CAPABLE:
            step["important"] = bool(raw.get("important"))
        for option, value in raw.items():
            if value is None or option in ("type", "important"):
                continue
            step[option] = _normalized_value(option, value, "%s.%s" % (where, option))
        normalized.append(step)
    return normalized


def _normalized_value(option, value, where):
    if option in ID_OPTIONS:
        return _checked_ids(option, value, where)
    if option == "duration":
        return duration_seconds(value, where)
    if option in ("notify_if_time_from", "notify_if_time_to"):
        return utc_time(value, where)
    if option in ("users", "user_ids"):
        return [person.strip() for person in value if person and person.strip()]
    if isinstance(value, str):
        value = value.strip()
        if option in REFERENCES and not value.lstrip("@#"):
            raise OnCallError("%s must not be empty" % where)
        return value.lstrip("@") if option == "user_group" else value
    return value


def _checked_ids(option, value, where):
    if option == "user_ids":
        return [check_id("%s[%d]" % (where, index), user.strip(), USER_ID) for index, user in enumerate(value) if user and user.strip()]
    value = value.strip()
    if not value:
        raise OnCallError("%s must not be empty" % where)
    return check_id(where, value, ID_OPTIONS[option]) if ID_OPTIONS[option] is not None else value


def desired_steps(steps, names, users):
    """The normalised steps as the API spells them, every name resolved to its id (users through ``users``).

    User lists are sorted: the server returns them in no particular order, so they compare as sets.
    """
    wanted = []
    for index, step in enumerate(steps):
        kind = STEP_TYPES[step["type"]]
        desired = {"type": step["type"]}
        if "important" in step:
            desired["important"] = step["important"]
        if kind.users_field:
            ids = step.get("user_ids") or [users.user_id(name, "steps[%d].users" % index) for name in step["users"]]
            desired[kind.users_field] = sorted(set(ids))
        for name, (id_option, named_kind, field) in REFERENCES.items():
            if step.get(name) is not None:
                desired[field] = resolve_option(names, named_kind, step[name], "steps[%d].%s" % (index, name), "steps[%d].%s" % (index, id_option))
            elif step.get(id_option) is not None:
                desired[field] = step[id_option]
        desired.update({field: step[field] for field in PLAIN_FIELDS if field in step})
        wanted.append(desired)
    return wanted


def comparable(step):
    """A step as read, in the spelling of desired_steps: its type's fields only, user lists sorted."""
    kind = STEP_TYPES.get(step.get("type"))
    if kind is None:
        return {"type": step.get("type")}     # an empty step, or a type this collection does not know: never equal
    shown = {"type": step["type"]}
    if step["type"] in IMPORTANT_CAPABLE:
        shown["important"] = bool(step.get("important"))
    for key, value in step.items():
        if key in ("position", "id", "escalation_chain_id", "type", "important"):
            continue
        shown[key] = sorted(value or []) if key == kind.users_field else value
    return shown


def describe_step(step, name_of):
    """One readable line for a step (API spelling), with ``name_of(field, id)`` naming what it points at."""
    kind = STEP_TYPES.get(step.get("type"))
    text = str(step.get("type"))
    if step.get("important"):
        text += " (important)"
    if kind is None:
        return text
    parts = []
    if kind.users_field:
        parts.append(", ".join(name_of(kind.users_field, user) for user in step.get(kind.users_field) or []))
    for dummy, (dummy, dummy, field) in REFERENCES.items():
        if field in step and (field != "notify_on_call_from_schedule" or "schedule" in kind.targets):
            parts.append(name_of(field, step[field]))
    if "duration" in step:
        parts.append(_duration_text(step["duration"]))
    if "notify_if_time_from" in step or "notify_if_time_to" in step:
        parts.append("%s to %s UTC" % (step.get("notify_if_time_from"), step.get("notify_if_time_to")))
    if "num_alerts_in_window" in step or "num_minutes_in_window" in step:
        parts.append("%s alerts in %s min" % (step.get("num_alerts_in_window"), step.get("num_minutes_in_window")))
    if step.get("severity") is not None:
        parts.append("severity %s" % step["severity"])
    return text + (": " + "; ".join(parts) if parts else "")


def _duration_text(seconds):
    if seconds is None:
        return "no duration"
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return "%d%s" % (seconds // size, unit)
    return "%ds" % seconds

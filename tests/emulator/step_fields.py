# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading an escalation step body: the serializer's fields, in its order, with its messages.

Every field sent is validated, whatever the step type (a bad `team_to_notify` on a `wait` step is still
a 400); only afterwards are the fields of other types dropped (step_types.kept_columns).
"""

from __future__ import annotations

import math

from drf import MISSING, NOT_BLANK, NOT_NULL, REQUIRED, FieldValidator, bad_request, server_error

TIME_FORMAT = "%H:%M:%SZ"  # the only accepted input, and the output format
MIN_DURATION, MAX_DURATION = 60, 86400
# A timedelta cannot hold more seconds than this; Python refuses to build a bigger one.
_TIMEDELTA_LIMIT = 86400 * 999999999


def read_step(state, types, data, creating):
    """Validate a create (`creating`) or update body; returns {public field: value} for the fields sent, in order.

    Related objects come back as ids, `type` as a StepType (or None for an empty step).
    """
    if not isinstance(data, dict):
        # The serializer calls data.get() before DRF checks the type: a JSON list or string crashes.
        raise server_error()
    data = dict(data)
    for key in ("persons_to_notify", "persons_to_notify_next_each_time"):
        if key in data and data[key] is None:
            data[key] = []  # a null user list means an empty one (a Terraform case in the serializer)
    fields = FieldValidator(data)
    sent = {
        "position": fields.integer("position"),
        "manual_order": fields.boolean("manual_order"),
    }
    if creating:
        sent["escalation_chain_id"] = _id(fields.related("escalation_chain_id", state.get_chain, required=True))
    sent["type"] = _read_type(state, types, fields, creating)
    sent["duration"] = _read_duration(fields)
    sent["important"] = fields.boolean("important")
    sent["action_to_trigger"] = _id(fields.related("action_to_trigger", state.get_webhook))
    sent["persons_to_notify"] = _read_users(state, data, "persons_to_notify")
    sent["team_to_notify"] = _id(fields.related("team_to_notify", state.get_team))
    sent["persons_to_notify_next_each_time"] = _read_users(state, data, "persons_to_notify_next_each_time")
    sent["notify_on_call_from_schedule"] = _id(fields.related("notify_on_call_from_schedule", state.get_schedule))
    sent["group_to_notify"] = _id(fields.related("group_to_notify", state.get_user_group))
    for key in ("notify_if_time_from", "notify_if_time_to"):
        sent[key] = _time_text(fields.time(key, TIME_FORMAT, "hh:mm:ssZ"))
    for key in ("num_alerts_in_window", "num_minutes_in_window"):
        sent[key] = fields.integer(key, allow_null=True)
    sent["severity"] = fields.char("severity")
    fields.raise_errors()
    return {key: value for key, value in sent.items() if value is not MISSING}


def _id(found):
    return found.id if found not in (MISSING, None) else found


def _time_text(value):
    return value.strftime("%H:%M:%S") if value not in (MISSING, None) else value


def _read_type(state, types, fields, creating):
    """The type field: required and not null on create, nullable on update (an empty step).

    Its blank check comes from CharField; any other value must be a public name exactly (no trimming).
    An unknown name, and a type the install does not allow, stop validation at once with a `detail`.
    """
    if "type" not in fields.data:
        if creating:
            fields.errors["type"] = [REQUIRED]
        return MISSING
    value = fields.data["type"]
    if value is None:
        if creating:
            fields.errors["type"] = [NOT_NULL]
            return MISSING
        return None
    if str(value).strip() == "":
        fields.errors["type"] = [NOT_BLANK]
        return MISSING
    kind = types.by_name.get(value) if isinstance(value, str) else None
    if kind is None:
        raise bad_request("Invalid escalation step type")
    if kind.gate == "slack" and not state.slack_connected:
        raise bad_request("Invalid escalation step type: step is Slack-specific")
    if kind.gate == "incident":
        # Needs a feature flag and Grafana Incident on the organization; the emulator has neither.
        raise bad_request("Invalid escalation step type: step is not enabled")
    return kind


def _read_duration(fields):
    """Seconds as a number (floats truncated), 60..86400 inclusive, null allowed; the messages show timedeltas."""
    value = fields.number("duration", allow_null=True)
    if value in (MISSING, None):
        return value
    if not math.isfinite(value) or abs(value) >= _TIMEDELTA_LIMIT:
        raise server_error()  # int() or timedelta() fails inside the field, uncaught
    seconds = int(value)
    if seconds < MIN_DURATION:
        fields.errors["duration"] = ["Ensure this value is greater than or equal to 0:01:00."]
        return MISSING
    if seconds > MAX_DURATION:
        fields.errors["duration"] = ["Ensure this value is less than or equal to 1 day, 0:00:00."]
        return MISSING
    return seconds


def _read_users(state, data, key):
    """A user list: ids of users of the organization, the others silently dropped.

    The server filters users with `public_primary_key__in=<value>`, so anything iterable is taken:
    a bare string is iterated character by character and matches nobody ([]), a dict gives its keys.
    A number cannot be iterated and an unhashable item cannot be put in a set: both crash (500).
    """
    if key not in data:
        return MISSING
    value = data[key]
    if isinstance(value, (bool, int, float)):
        raise server_error()
    try:
        wanted = set(value)
    except TypeError:
        raise server_error() from None
    return [user.id for user in state.sorted_users() if user.id in wanted]

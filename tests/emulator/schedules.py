# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""On-call schedules (/api/v1/schedules/): enough to create, find and delete them.

Shifts, Slack settings, on-call computation and final shifts are not emulated: every schedule has no
shifts and nobody on call. An ical schedule keeps its URL without fetching it (the real server downloads
and parses it while validating, and refuses what it cannot read).
"""

from __future__ import annotations

import zoneinfo

from drf import MISSING, FieldValidator, bad_request, not_found, server_error, validation_error
from ids import public_id
from store import Schedule
from team_filter import filter_by_team

SCHEDULE_TYPES = ("web", "calendar", "ical")
# pytz, which the server uses, finds zones whatever the case; UTC is there even without tzdata.
_TIME_ZONES = {name.lower() for name in zoneinfo.available_timezones()} | {"utc"}


class ScheduleResource:
    name = "schedules"
    default_page_size = 50
    read_only = False
    # RBACPermission knows only the view's own actions: other methods and OPTIONS crash (HTML 500).
    rbac_strict = True

    def __init__(self, state):
        self.state = state

    @staticmethod
    def represent(schedule):
        result = {"id": schedule.id, "team_id": schedule.team_id, "name": schedule.name}
        if schedule.type == "ical":
            result.update(ical_url_primary=schedule.ical_url_primary, ical_url_overrides=schedule.ical_url_overrides)
        else:
            result["time_zone"] = schedule.time_zone
        result["slack"] = {"channel_id": None, "user_group_id": None}
        result["on_call_now"] = []
        if schedule.type != "ical":
            result["shifts"] = []
        if schedule.type == "calendar":
            result.update(ical_url_overrides=schedule.ical_url_overrides, enable_web_overrides=schedule.enable_web_overrides)
        result["type"] = schedule.type  # the polymorphic serializer adds it last
        return result

    def list(self, query):
        items = sorted(self.state.schedules.values(), key=lambda s: s.pk)
        name = query.get("name")
        if name is not None:
            # Exact and case-sensitive; unlike other lists, an empty ?name= is applied and matches nothing.
            items = [s for s in items if s.name == name]
        items = filter_by_team(self.state, items, query)
        return [self.represent(s) for s in items]

    def _get(self, schedule_id):
        schedule = self.state.get_schedule(schedule_id)
        if schedule is None:
            raise not_found()
        return schedule

    def retrieve(self, schedule_id):
        return self.represent(self._get(schedule_id))

    def create(self, data):
        if not isinstance(data, dict):
            raise server_error()  # the polymorphic serializer indexes the body before any check
        schedule_type = _read_type(data)
        changes = self._read(data, schedule_type, creating=True)
        schedule = Schedule(pk=self.state.next_pk(), id=public_id("S", self.state.all_ids()), name=changes.pop("name"), type=schedule_type)
        for attribute, value in changes.items():
            setattr(schedule, attribute, value)
        self.state.schedules[schedule.id] = schedule
        return 201, self.represent(schedule)

    def update(self, schedule_id, data, partial):  # pylint: disable=unused-argument
        schedule = self._get(schedule_id)
        if not isinstance(data, dict):
            raise server_error()
        # No field is required on update, so PUT is partial too; `type` is ignored (it never changes).
        changes = self._read(data, schedule.type, creating=False)
        if schedule.type == "web":
            # Checked after the fields were validated, so a bad time zone still gets its field error.
            raise bad_request("Web schedule update is not enabled through API")
        for attribute, value in changes.items():
            setattr(schedule, attribute, value)
        return 200, self.represent(schedule)

    def _read(self, data, schedule_type, creating):
        """The fields of the schedule's type, in serializer order; returns the attribute changes for the keys sent."""
        fields = FieldValidator(data)
        team = fields.related("team_id", self.state.get_team, allow_null=True, null_strings=("null",))
        changes = {"name": fields.char("name", required=creating, max_length=200)}
        if schedule_type == "ical":
            changes["ical_url_primary"] = fields.char("ical_url_primary", required=creating, max_length=500)
        else:
            changes["time_zone"] = _read_time_zone(fields, creating)
        if schedule_type != "web":
            changes["ical_url_overrides"] = fields.char("ical_url_overrides", allow_null=True, max_length=500)
        if schedule_type == "calendar":
            changes["enable_web_overrides"] = fields.boolean("enable_web_overrides", allow_null=True)
        fields.raise_errors()
        if team is not MISSING:
            changes["team_id"] = team.id if team is not None else None
        return {key: value for key, value in changes.items() if value is not MISSING}

    def destroy(self, schedule_id):
        schedule = self._get(schedule_id)
        # A hard delete; escalation steps that named it keep no schedule (the foreign key is SET_NULL).
        del self.state.schedules[schedule.id]
        for step in self.state.escalation_policies.values():
            if step.schedule_id == schedule.id:
                step.schedule_id = None


def _read_type(data):
    """The polymorphic serializer picks the child serializer from `type`; its errors are plain strings, not lists."""
    if "type" not in data:
        raise validation_error({"type": "This field is required"})
    value = data["type"]
    if isinstance(value, (list, dict)):
        raise server_error()  # an unhashable key in the type -> serializer map
    if value not in SCHEDULE_TYPES:
        raise validation_error({"type": "Invalid type"})
    return value


def _read_time_zone(fields, creating):
    value = fields.char("time_zone", required=creating)
    if value is not MISSING and value.lower() not in _TIME_ZONES:
        fields.errors["time_zone"] = ["Invalid timezone"]
        return MISSING
    return value

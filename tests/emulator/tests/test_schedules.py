# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Schedules: seeded web schedules, a minimal create, the list filters, update rules and delete."""

from __future__ import annotations

import re

import pytest

WEB = ["id", "team_id", "name", "time_zone", "slack", "on_call_now", "shifts", "type"]


def test_seeded_schedule_shape(api):
    body = api.get("schedules/").json()
    assert body["page_size"] == 50 and [s["name"] for s in body["results"]] == ["primary", "secondary"]
    schedule = body["results"][0]
    assert list(schedule) == WEB
    assert re.fullmatch(r"S[ABCDEFGHIJKLMNPQRSTUVWXYZ1-9]{12}", schedule["id"])
    assert schedule == {"id": schedule["id"], "team_id": None, "name": "primary", "time_zone": "UTC",
                        "slack": {"channel_id": None, "user_group_id": None}, "on_call_now": [], "shifts": [], "type": "web"}
    assert api.get("schedules/" + schedule["id"]).json() == schedule


def test_create(api):
    ops = api.team_id("ops")
    response = api.post("schedules/", json={"name": " nights ", "type": "web", "time_zone": "Europe/Berlin", "team_id": ops, "team": "x"})
    assert response.status_code == 201
    assert response.json() == {"id": response.json()["id"], "team_id": ops, "name": "nights", "time_zone": "Europe/Berlin",
                               "slack": {"channel_id": None, "user_group_id": None}, "on_call_now": [], "shifts": [], "type": "web"}
    calendar = api.post("schedules/", json={"name": "cal", "type": "calendar", "time_zone": "utc"}).json()
    assert list(calendar) == WEB[:-1] + ["ical_url_overrides", "enable_web_overrides", "type"]
    assert (calendar["ical_url_overrides"], calendar["enable_web_overrides"]) == (None, False)
    ical = api.post("schedules/", json={"name": "ical", "type": "ical", "ical_url_primary": "https://example.com/a.ics"}).json()
    assert list(ical) == ["id", "team_id", "name", "ical_url_primary", "ical_url_overrides", "slack", "on_call_now", "type"]


@pytest.mark.parametrize("body, answer", [
    ({}, {"type": "This field is required"}),
    ({"name": "x", "type": "foo"}, {"type": "Invalid type"}),
    ({"name": "x", "type": "web"}, {"time_zone": ["This field is required."]}),
    ({"name": "x", "type": "calendar", "time_zone": "Mars/Base"}, {"time_zone": ["Invalid timezone"]}),
    ({"name": "x", "type": "ical"}, {"ical_url_primary": ["This field is required."]}),
    ({"name": "", "type": "web", "time_zone": "UTC"}, {"name": ["This field may not be blank."]}),
    ({"name": "x" * 209, "type": "web", "time_zone": "UTC"}, {"name": ["Ensure this field has no more than 200 characters."]}),
    ({"name": "x", "type": "web", "time_zone": "UTC", "team_id": "TBOGUS"}, {"team_id": ["Object does not exist"]}),
])
def test_create_errors(api, body, answer):
    response = api.post("schedules/", json=body)
    assert response.status_code == 400
    assert response.json() == answer


def test_names_are_not_unique_and_the_filter_is_exact(api):
    api.post("schedules/", json={"name": "primary", "type": "web", "time_zone": "UTC"})
    assert api.get("schedules/?name=primary").json()["count"] == 2
    assert api.get("schedules/?name=PRIMARY").json()["count"] == 0
    assert api.get("schedules/?name=prim").json()["count"] == 0
    assert api.get("schedules/?name=").json()["count"] == 0  # applied even when empty
    assert api.get("schedules/?type=calendar").json()["count"] == 3  # not a filter


def test_team_filter_is_broken(api):
    assert api.get("schedules/?team_id=" + api.team_id("ops")).status_code == 500
    assert api.get("schedules/?team_id=null&name=primary").status_code == 500
    assert api.get("schedules/?team_id=TNOPE").json() == {"team_id": ["Select a valid choice. That choice is not one of the available choices."]}


def test_web_schedules_cannot_be_updated(api):
    schedule = api.get("schedules/").json()["results"][0]
    response = api.put("schedules/" + schedule["id"], json={"name": "renamed"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Web schedule update is not enabled through API"}
    assert api.patch("schedules/" + schedule["id"], json={"time_zone": "Mars/Base"}).json() == {"time_zone": ["Invalid timezone"]}
    assert api.get("schedules/" + schedule["id"]).json() == schedule


def test_calendar_update(api):
    ops = api.team_id("ops")
    schedule = api.post("schedules/", json={"name": "cal", "type": "calendar", "time_zone": "UTC", "team_id": ops}).json()
    updated = api.put("schedules/" + schedule["id"], json={"name": "cal2", "type": "web", "enable_web_overrides": None}).json()
    assert updated == dict(schedule, name="cal2", enable_web_overrides=None)  # team kept, type ignored
    assert api.put("schedules/" + schedule["id"], json={}).json() == updated
    assert api.put("schedules/" + schedule["id"], json={"team_id": None}).json()["team_id"] is None


def test_delete_is_hard(api):
    schedule = api.get("schedules/").json()["results"][0]
    assert api.delete("schedules/" + schedule["id"]).status_code == 204
    assert api.get("schedules/" + schedule["id"]).json() == {"detail": "Not found."}
    assert api.delete("schedules/" + schedule["id"]).status_code == 404
    assert api.control("GET", "state").json()["schedules"][0]["name"] == "secondary"


def test_options_crash(api):
    assert api.request("OPTIONS", "schedules/").status_code == 500

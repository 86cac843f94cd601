# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration templates."""

from __future__ import annotations

import pytest

SIGNALS = ["grouping_key", "resolve_signal", "acknowledge_signal", "source_link"]
CHANNELS = {
    "slack": ["title", "message", "image_url"], "web": ["title", "message", "image_url"], "sms": ["title"], "phone_call": ["title"],
    "telegram": ["title", "message", "image_url"], "mobile_app": ["title", "message"], "email": ["title", "message"],
    "webhook": ["title", "message", "image_url"],
}


def _put(api, integration, templates):
    return api.put("integrations/" + integration["id"], json={"templates": templates})


def test_new_integration_has_every_template_null(api):
    templates = api.integration(name="a")["templates"]
    assert list(templates) == SIGNALS + list(CHANNELS)
    for name in SIGNALS:
        assert templates[name] is None
    for channel, attrs in CHANNELS.items():
        assert templates[channel] == {attr: None for attr in attrs}


def test_cloud_adds_msteams(make_api):
    api = make_api(cloud=True)
    body = api.integration(name="a")
    assert body["templates"]["msteams"] == {"title": None, "message": None, "image_url": None}
    assert body["default_route"]["msteams"] == {"id": None, "enabled": False}


def test_merge_and_resets(api):
    created = api.integration(name="a", templates={"grouping_key": "g", "slack": {"title": "T", "message": "M"}, "email": {"title": "E"}})
    assert created["templates"]["slack"] == {"title": "T", "message": "M", "image_url": None}
    templates = _put(api, created, {"slack": {"title": "T2"}, "resolve_signal": "r"}).json()["templates"]
    assert templates["slack"] == {"title": "T2", "message": "M", "image_url": None}
    assert templates["grouping_key"] == "g" and templates["resolve_signal"] == "r" and templates["email"]["title"] == "E"
    for noop in ({}, {"sms": {}}):
        assert _put(api, created, noop).json()["templates"] == templates
    templates = _put(api, created, {"grouping_key": None, "slack": {"message": None}}).json()["templates"]
    assert templates["grouping_key"] is None
    assert templates["slack"] == {"title": "T2", "message": None, "image_url": None}
    templates = _put(api, created, {"slack": None, "email": None}).json()["templates"]
    assert templates["slack"] == {"title": None, "message": None, "image_url": None}
    assert templates["email"] == {"title": None, "message": None}
    assert templates["resolve_signal"] == "r"


def test_blank_is_stored_as_blank(api):
    created = api.integration(name="a", templates={"slack": {"title": ""}, "source_link": ""})
    assert created["templates"]["slack"]["title"] == ""
    assert created["templates"]["source_link"] == ""


def test_unknown_keys(api):
    created = api.integration(name="a")
    assert _put(api, created, {"msteams": {"title": "x"}, "typo": 1}).json()["templates"] == created["templates"]
    response = _put(api, created, {"sms": {"message": "x"}})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid template data"}
    assert _put(api, created, {"email": {"image_url": "x"}}).json()["templates"] == created["templates"]
    # Nothing was half-applied by the refused request.
    assert _put(api, created, {"slack": {"title": "ok"}, "sms": {"message": "x"}}).status_code == 400
    assert api.get("integrations/" + created["id"]).json()["templates"]["slack"]["title"] is None


@pytest.mark.parametrize("templates,body", [
    ("x", {"templates": ['Expected a dictionary of items but got type "str".']}),
    (None, {"templates": ["This field may not be null."]}),
    ({"web": "flat"}, {"detail": "Invalid web template data"}),
    ({"email": ["x"]}, {"detail": "Invalid email template data"}),
    ({"grouping_key": 5}, {"detail": "Invalid grouping_key template data"}),
    ({"grouping_key": {"a": 1}}, {"detail": "Invalid grouping_key template data"}),
    ({"slack": {"title": "{{ oops"}}, {"detail": "invalid slack title template"}),
    ({"sms": {"message": "{% if %}"}}, {"detail": "invalid sms message template"}),
    ({"resolve_signal": "{{ payload.x"}, {"detail": "Invalid resolve_signal template data"}),
])
def test_invalid_templates(api, templates, body):
    response = api.post("integrations/", json={"type": "webhook", "name": "a", "templates": templates})
    assert response.status_code == 400
    assert response.json() == body
    assert api.get("integrations/").json()["count"] == 0


def test_oncall_filters_and_runtime_errors_are_accepted(api):
    templates = {"slack": {"title": "{{ payload | tojson_pretty }} {{ payload.a.b.c }}"}, "grouping_key": "{{ payload.x | regex_replace('a', 'b') }}"}
    assert api.integration(name="a", templates=templates)["templates"]["slack"]["title"] == templates["slack"]["title"]

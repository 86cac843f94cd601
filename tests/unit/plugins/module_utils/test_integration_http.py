# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Integration resource over the real OnCallClient, with only requests.Session faked: what goes on the wire."""

from __future__ import annotations

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.client import OnCallClient
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError
from ansible_collections.oncall.grafana.plugins.module_utils.integration import INTEGRATION_ARGUMENT_SPEC, Integration
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.oncall_fakes import (
    BASE,
    TOKEN,
    FakeModule,
    FakeSession,
    SleepRecorder,
    ansible_params,
    integration,
    page,
    response,
    transport_error,
)

INTEGRATIONS = BASE + "/api/v1/integrations/"


def run(session, check_mode=False, **task):
    client = OnCallClient(BASE, TOKEN, session=session, sleep=SleepRecorder())
    module = FakeModule(ansible_params(INTEGRATION_ARGUMENT_SPEC, **task), check_mode=check_mode)
    return Integration(module, client).run()


def wire(session):
    return [(call.method, call.url, call.params) for call in session.calls]


def test_unchanged_integration_costs_one_http_request():
    session = FakeSession(response(200, page([integration("C1", "alerts", team_id="T1")])))
    result = run(session, name="alerts", team_id="T1", type="webhook")
    assert result["changed"] is False
    assert wire(session) == [("GET", INTEGRATIONS, {"name": "alerts", "perpage": 100})]


def test_no_team_id_query_parameter_is_ever_sent():
    session = FakeSession(response(200, page([integration("C1", "alerts", team_id="T1")])),
                          response(201, integration("C2", "alerts", team_id="T2")))
    run(session, name="alerts", team_id="T2", type="webhook")
    assert [call.method for call in session.calls] == ["GET", "POST"]
    assert all("team_id" not in (call.params or {}) for call in session.calls)
    assert session.calls[1].json == {"type": "webhook", "name": "alerts", "team_id": "T2"}


def test_update_is_one_put_with_the_changed_subset():
    session = FakeSession(response(200, page([integration("C1", "alerts", templates={"slack": {"title": "old"}})])),
                          response(200, integration("C1", "alerts", templates={"slack": {"title": "new"}})))
    run(session, name="alerts", templates={"slack": {"title": "new"}})
    assert (session.calls[1].method, session.calls[1].url, session.calls[1].json) == \
        ("PUT", INTEGRATIONS + "C1/", {"templates": {"slack": {"title": "new"}}})


def test_check_mode_sends_only_reads():
    session = FakeSession(response(200, page([])))
    run(session, check_mode=True, name="alerts", type="webhook")
    assert [call.method for call in session.calls] == ["GET"]


def test_delete_already_gone_is_still_a_success():
    session = FakeSession(response(200, page([integration("C1", "alerts")])), response(404, {"detail": "Not found."}))
    result = run(session, state="absent", name="alerts")
    assert result["changed"] is True
    assert [call.method for call in session.calls] == ["GET", "DELETE"]


def test_post_timeout_then_found_sends_no_second_post():
    session = FakeSession(response(200, page([])), transport_error("read_timeout", "POST"),
                          response(200, page([integration("C7", "alerts")])))
    result = run(session, name="alerts", type="webhook")
    assert [call.method for call in session.calls] == ["GET", "POST", "GET"]
    assert result["integration"]["id"] == "C7"


def test_post_reset_then_not_found_sends_one_more_post():
    session = FakeSession(response(200, page([])), transport_error("reset", "POST"), response(200, page([])),
                          response(201, integration("C7", "alerts")))
    result = run(session, name="alerts", type="webhook")
    assert [call.method for call in session.calls] == ["GET", "POST", "GET", "POST"]
    assert session.events.count("close") == 2
    assert result["integration"]["id"] == "C7"


def test_post_500_then_not_found_fails_with_the_server_answer():
    session = FakeSession(response(200, page([])), response(500, text="<html><head><title>Server Error (500)</title></head></html>"),
                          response(200, page([])))
    with pytest.raises(OnCallAPIError) as caught:
        run(session, name="alerts", type="grafana_alerting")
    assert [call.method for call in session.calls] == ["GET", "POST", "GET"]
    assert str(caught.value) == "POST /api/v1/integrations/ failed with HTTP 500: HTML page: Server Error (500)"

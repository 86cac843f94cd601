# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Integration resource over the real OnCallClient and real HTTP to the emulator: what goes on the wire.

Where the transport itself must misbehave (an answer lost after the server ran the request), the client gets a
session that passes every request on to the emulator and loses that one answer.
"""

from __future__ import annotations

import pytest
import requests

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError
from ansible_collections.oncall.grafana.plugins.module_utils.integration import INTEGRATION_ARGUMENT_SPEC, Integration
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import FakeSession, ansible_params, transport_error

INTEGRATIONS = "/api/v1/integrations/"
LOOKUP = ("GET", INTEGRATIONS, {"name": "alerts", "perpage": "100"}, None)


def integration(params, client, check_mode=False):
    return Integration(ansible_params(INTEGRATION_ARGUMENT_SPEC, **params), client, check_mode)


def run(oncall, check_mode=False, client=None, **task):
    resource = integration(task, client or oncall.client(), check_mode)
    oncall.clear_log()
    return resource.run()


def wire(oncall):
    """Every request the emulator received: method, path, query and body."""
    return [(entry["method"], entry["path"], entry["query"], entry["body"]) for entry in oncall.log()]


def passing_on(oncall, lose=None):
    """A session that sends each request to the emulator over HTTP; the answer to the first ``lose`` request
    (a method) never arrives: the server runs it, and the client's read times out."""
    to_lose = [lose]

    def forward(call):
        try:
            answer = requests.request(call.method, call.url, params=call.params, json=call.json, headers=dict(call.headers),
                                      timeout=10, allow_redirects=False)
        except requests.exceptions.RequestException as exc:  # a fault rule's reset, as the client would get it
            return exc
        if call.method in to_lose:
            to_lose.remove(call.method)
            return transport_error("read_timeout", call.method)
        return answer
    return FakeSession(responder=forward)


def test_unchanged_integration_costs_one_http_request(oncall):
    ops = oncall.team_id("ops")
    oncall.integration("alerts", team_id=ops)
    result = run(oncall, name="alerts", team_id=ops, type="webhook")
    assert result["changed"] is False
    assert wire(oncall) == [LOOKUP]


def test_no_team_id_query_parameter_is_ever_sent(oncall):
    oncall.integration("alerts", team_id=oncall.team_id("ops"))
    db = oncall.team_id("db")
    run(oncall, name="alerts", team_id=db, type="webhook")
    assert wire(oncall) == [LOOKUP, ("POST", INTEGRATIONS, {}, {"type": "webhook", "name": "alerts", "team_id": db})]


def test_update_is_one_put_with_the_changed_subset(oncall):
    existing = oncall.integration("alerts", templates={"slack": {"title": "old"}})
    run(oncall, name="alerts", templates={"slack": {"title": "new"}})
    assert wire(oncall) == [LOOKUP, ("PUT", INTEGRATIONS + existing["id"] + "/", {}, {"templates": {"slack": {"title": "new"}}})]


def test_check_mode_sends_only_reads(oncall):
    run(oncall, check_mode=True, name="alerts", type="webhook")
    assert wire(oncall) == [LOOKUP]


def test_delete_already_gone_is_still_a_success(oncall):
    existing = oncall.integration("alerts")
    resource = integration({"state": "absent", "name": "alerts"}, oncall.client())
    plan = resource.plan()
    oncall.api("DELETE", "integrations/%s/" % existing["id"])  # someone else deletes it between the lookup and the delete
    oncall.clear_log()
    result = resource.apply(plan)
    assert result["changed"] is True
    assert [(entry["method"], entry["path"], entry["status"]) for entry in oncall.log()] == [("DELETE", INTEGRATIONS + existing["id"] + "/", 404)]


def test_post_timeout_then_found_sends_no_second_post(oncall):
    session = passing_on(oncall, lose="POST")
    result = run(oncall, client=oncall.client(session=session), name="alerts", type="webhook")
    assert [call.method for call in session.calls] == ["GET", "POST", "GET"]
    assert [(entry["method"], entry["status"]) for entry in oncall.log()] == [("GET", 200), ("POST", 201), ("GET", 200)]
    [made] = oncall.all("integrations/")
    assert result["integration"] == made


def test_post_reset_then_not_found_sends_one_more_post(oncall):
    oncall.add_fault("POST", r"^/api/v1/integrations/?$", kind="reset_before")
    session = passing_on(oncall)
    result = run(oncall, client=oncall.client(session=session), name="alerts", type="webhook")
    assert [call.method for call in session.calls] == ["GET", "POST", "GET", "POST"]
    assert session.events.count("close") == 2  # every POST on a new connection
    assert [(entry["method"], entry["status"]) for entry in oncall.log()] == [("GET", 200), ("POST", "reset"), ("GET", 200), ("POST", 201)]
    [made] = oncall.all("integrations/")
    assert result["integration"] == made


def test_post_500_then_not_found_fails_with_the_server_answer(oncall):
    # Creating a grafana_alerting integration answers Django's HTML 500 page on self-hosted OnCall 1.14.3 and later.
    with pytest.raises(OnCallAPIError) as caught:
        run(oncall, name="alerts", type="grafana_alerting")
    assert [(entry["method"], entry["status"]) for entry in oncall.log()] == [("GET", 200), ("POST", 500), ("GET", 200)]
    assert str(caught.value) == "POST /api/v1/integrations/ failed with HTTP 500: HTML page: Server Error (500)"

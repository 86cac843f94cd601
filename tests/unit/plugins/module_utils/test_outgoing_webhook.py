# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The OutgoingWebhook resource (oncall_outgoing_webhook) against the emulator: planning, minimal writes, secrets."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameNotFound
from ansible_collections.oncall.grafana.plugins.module_utils.outgoing_webhook import (
    MASK,
    OUTGOING_WEBHOOK_ARGUMENT_SPEC,
    RESENT,
    OutgoingWebhook,
    webhooks_named,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import ansible_params

SECRET = "s3cr3t-value-never-shown"
TOKEN = "Bearer tok-never-shown"
URL = "https://tickets.example.com/hook"
MINIMAL = {"webhook_url": URL, "trigger_type": "escalation"}


def lookup(name):
    return ("GET", "webhooks/", {"name": name})


def writes(oncall):
    return [request for request in oncall.sent() if request[0] != "GET"]


def run(oncall, check_mode=False, diff=True, **task):
    """One oncall_outgoing_webhook task, the request log cleared first; the result and the warnings.

    Nothing the task returns may hold a secret it was given.
    """
    params = ansible_params(OUTGOING_WEBHOOK_ARGUMENT_SPEC, **task)
    before = copy.deepcopy(params)
    warnings = []
    oncall.clear_log()
    result = OutgoingWebhook(params, oncall.client(), check_mode=check_mode, diff=diff, warn=warnings.append).run()
    assert params == before, "the task's own params were changed"
    shown = json.dumps([result, warnings])
    assert SECRET not in shown and TOKEN not in shown
    return result, warnings


def fails(oncall, check_mode=False, **task):
    with pytest.raises(OnCallError) as caught:
        run(oncall, check_mode=check_mode, **task)
    return caught.value


def diff_of(result):
    return yaml.safe_load(result["diff"]["before"]), yaml.safe_load(result["diff"]["after"])


def hook(oncall, name="w", **body):
    """A webhook made directly on the server; the request log cleared."""
    made = oncall.api("POST", "webhooks/", dict({"url": URL, "http_method": "POST", "trigger_type": "escalation"}, name=name, **body))
    oncall.clear_log()
    return made


def stored(oncall, webhook_id):
    return next(item for item in oncall.control("GET", "state")["webhooks"] if item["id"] == webhook_id)


# ------------------------------------------------------------------ create, unchanged, budgets


def test_minimal_create_then_unchanged_for_one_lookup(oncall):
    result, dummy = run(oncall, name=" w ", **MINIMAL)
    assert oncall.sent() == [lookup("w"), ("POST", "webhooks/", {"name": "w", "http_method": "POST", "url": URL, "trigger_type": "escalation"})]
    created = result["outgoing_webhook"]
    assert result["changed"] is True and created["id"].startswith("WH") and created["forward_all"] is True
    assert diff_of(result) == ({}, {"name": "w", "team": None, "http_method": "POST", "url": URL, "trigger_type": "escalation"})
    again, dummy = run(oncall, name="w", **MINIMAL)
    assert again == {"changed": False, "outgoing_webhook": created}
    assert oncall.sent() == [lookup("w")]


def test_full_create_sends_everything_secrets_included_and_a_rerun_costs_one_request_per_distinct_name(oncall):
    ops = oncall.team_id("ops")
    prod, stage = oncall.integration("prod")["id"], oncall.integration("stage", team_id=ops)["id"]
    task = dict(MINIMAL, name="full", team="ops", http_method="PUT", integrations=["stage", "prod", "stage"], forward_all=False,
                data={"title": "{{ alert_group.title }}"}, headers={"X-Source": "oncall"}, trigger_template="{{ true }}", enabled=False,
                username="bot", password=SECRET, authorization_header=TOKEN)
    result, dummy = run(oncall, **task)
    assert writes(oncall) == [("POST", "webhooks/", {
        "name": "full", "http_method": "PUT", "team": ops, "url": URL, "trigger_type": "escalation", "trigger_template": "{{ true }}",
        "forward_all": False, "is_webhook_enabled": False, "username": "bot", "data": '{"title": "{{ alert_group.title }}"}',
        "headers": '{"X-Source": "oncall"}', "integration_filter": sorted([prod, stage]), "password": SECRET, "authorization_header": TOKEN})]
    made = result["outgoing_webhook"]
    assert made["password"] == MASK and made["authorization_header"] == MASK and made["integration_filter"] == [prod, stage]
    assert stored(oncall, made["id"])["password"] == SECRET
    assert diff_of(result)[1]["password"] == MASK
    again, dummy = run(oncall, **task)
    assert again["changed"] is False
    assert oncall.sent() == [("GET", "integrations/", {"name": "stage"}), ("GET", "integrations/", {"name": "prod"}),
                             ("GET", "teams/", {"name": "ops"}), lookup("full")]


def test_create_needs_a_url_and_a_trigger_type(oncall):
    error = fails(oncall, name="w", http_method="GET")
    assert str(error) == "webhook_url and trigger_type are required to create outgoing webhook 'w' (none has that name)"
    assert oncall.sent() == [lookup("w")]


# ------------------------------------------------------------------ updates: minimal PUT, team and filter always carried


def test_update_sends_the_changed_field_and_keeps_team_and_filter(oncall):
    ops = oncall.team_id("ops")
    prod = oncall.integration("prod")["id"]
    made = hook(oncall, team=ops, integration_filter=[prod], password=SECRET)
    result, dummy = run(oncall, name="w", webhook_url="https://new.example.com/hook", password="other")
    put = {"url": "https://new.example.com/hook", "team": ops, "integration_filter": [prod]}
    assert oncall.sent() == [lookup("w"), ("PUT", "webhooks/%s/" % made["id"], put)]
    assert result["outgoing_webhook"]["team"] == ops and result["outgoing_webhook"]["integration_filter"] == [prod]
    assert diff_of(result) == ({"name": "w", "team": ops, "url": URL, "password": MASK},
                               {"name": "w", "team": ops, "url": "https://new.example.com/hook", "password": MASK})
    assert stored(oncall, made["id"])["password"] == SECRET


def test_team_change_and_no_team(oncall):
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    made = hook(oncall, team=ops)
    run(oncall, name="w", team="db")
    assert writes(oncall) == [("PUT", "webhooks/%s/" % made["id"], {"team": db, "integration_filter": None})]
    run(oncall, name="w", team_id="")
    assert writes(oncall) == [("PUT", "webhooks/%s/" % made["id"], {"team": None, "integration_filter": None})]


@pytest.mark.parametrize("given, stored_as, changed", [
    ({"data": ""}, {}, False),
    ({"data": "{}\n"}, {"data": "{}"}, False),
    ({"headers": {"A": "1", "B": "2"}}, {"headers": '{"B":"2",\n"A":"1"}'}, False),
    ({"headers": {"A": "1"}}, {"headers": '{"A": "2"}'}, True),
    ({"headers": {"A": "1"}}, {"headers": '{"A": "{{ x }}"'}, True),
    ({"data": {"urgent": True, "count": 1}}, {"data": '{"count": 1,\n "urgent": true}'}, False),
    ({"data": {"urgent": True}}, {"data": '{"urgent": 1}'}, True),
    ({"data": {"count": 1}}, {"data": '{"count": true}'}, True),
    ({"trigger_template": ""}, {}, False),
    ({"username": ""}, {}, False),
    ({"username": ""}, {"username": ""}, False),
    ({"username": ""}, {"username": "bob"}, True),
    ({"integration_ids": []}, {}, False),
])
def test_values_compare_as_the_server_stores_them(oncall, given, stored_as, changed):
    hook(oncall, **stored_as)
    result, dummy = run(oncall, name="w", **given)
    assert result["changed"] is changed
    assert len(writes(oncall)) == int(changed)


def test_integration_filter_is_a_set(oncall):
    first, second = oncall.integration("first")["id"], oncall.integration("second")["id"]
    made = hook(oncall, integration_filter=[first, second])
    result, dummy = run(oncall, name="w", integration_ids=[second, first, second])
    assert result["changed"] is False
    run(oncall, name="w", integration_ids=[second])
    assert writes(oncall) == [("PUT", "webhooks/%s/" % made["id"], {"integration_filter": [second], "team": None})]
    run(oncall, name="w", integrations=[])
    assert writes(oncall) == [("PUT", "webhooks/%s/" % made["id"], {"integration_filter": None, "team": None})]


def integrations_out_of_id_order(oncall):
    """Two integration ids, the first created first but sorting after the second (OnCall reads a filter back in creation order)."""
    made = [oncall.integration("i0")["id"]]
    while sorted(made) == made:
        made.append(oncall.integration("i%d" % len(made))["id"])
    return made[0], made[-1]


def test_check_mode_shows_the_integration_filter_diff_the_real_run_shows(oncall):
    older, newer = integrations_out_of_id_order(oncall)
    task = dict(MINIMAL, name="w", integration_ids=[newer, older])
    preview, dummy = run(oncall, check_mode=True, **task)
    created, dummy = run(oncall, **task)
    assert created["outgoing_webhook"]["integration_filter"] == [older, newer]
    assert preview["diff"] == created["diff"]
    hook(oncall, "v")
    preview, dummy = run(oncall, check_mode=True, name="v", integration_ids=[newer, older])
    updated, dummy = run(oncall, name="v", integration_ids=[newer, older])
    assert preview["diff"] == updated["diff"]


def test_an_integration_name_in_two_teams_fails_pointing_at_integration_ids(oncall):
    for team in ("ops", "db"):
        oncall.integration("twice", team_id=oncall.team_id(team))
    hook(oncall)
    error = fails(oncall, name="w", integrations=["twice"])
    assert str(error).startswith("integrations[0]: integration name 'twice' is ambiguous: 2 match")
    assert "Set integration_ids to pick one" in str(error)
    assert writes(oncall) == []


def test_unknown_integration_fails_and_check_mode_only_warns(oncall):
    hook(oncall)
    error = fails(oncall, name="w", integrations=["later"])
    assert isinstance(error, NameNotFound) and str(error).startswith("integrations[0]: integration 'later' not found in OnCall")
    result, warnings = run(oncall, check_mode=True, name="w", integrations=["later"])
    assert result["changed"] is True and result["outgoing_webhook"]["integration_filter"] == ["<integration later>"]
    assert "In check mode this is not an error" in warnings[0] and writes(oncall) == []


# ------------------------------------------------------------------ secrets


@pytest.mark.parametrize("held, given, update_secrets, sent", [
    (SECRET, "other", "on_create", None),
    (SECRET, "other", "always", "other"),
    (SECRET, "", "on_create", "null"),
    ("", "new", "on_create", "new"),
    (None, "new", "on_create", "new"),
    ("", "", "always", None),
    (None, "", "always", None),
])
def test_secret_transitions(oncall, held, given, update_secrets, sent):
    made = hook(oncall, password=held)
    result, dummy = run(oncall, name="w", password=given, update_secrets=update_secrets)
    bodies = [body for dummy_method, dummy_path, body in writes(oncall)]
    if sent is None:
        assert result["changed"] is False and bodies == []
        return
    assert bodies == [{"password": None if sent == "null" else sent, "team": None, "integration_filter": None}]
    assert result["changed"] is True
    expected = {"null": None, "": ""}.get(sent, MASK)
    assert result["outgoing_webhook"]["password"] == expected and stored(oncall, made["id"])["password"] == (None if sent == "null" else sent)


def test_a_secret_sent_again_says_so_in_the_diff_and_is_reported_every_run(oncall):
    hook(oncall, authorization_header=TOKEN)
    for dummy in range(2):
        result, dummy = run(oncall, name="w", authorization_header=TOKEN, update_secrets="always")
        assert result["changed"] is True
        before, after = diff_of(result)
        assert before["authorization_header"] == MASK and after["authorization_header"] == RESENT


def test_a_secret_is_never_sent_with_another_change_unless_it_must(oncall):
    made = hook(oncall, password=SECRET, authorization_header=TOKEN)
    run(oncall, name="w", enabled=False, password=SECRET, authorization_header="")
    assert writes(oncall) == [("PUT", "webhooks/%s/" % made["id"], {"is_webhook_enabled": False, "authorization_header": None,
                                                                    "team": None, "integration_filter": None})]


def test_check_mode_never_shows_a_secret_and_writes_nothing(oncall):
    result, dummy = run(oncall, check_mode=True, name="w", password=SECRET, authorization_header=TOKEN, **MINIMAL)
    assert result["outgoing_webhook"]["id"] is None and result["outgoing_webhook"]["password"] == MASK
    assert diff_of(result)[1]["authorization_header"] == MASK
    hook(oncall)
    result, dummy = run(oncall, check_mode=True, name="w", password=SECRET, update_secrets="always")
    assert result["changed"] is True and result["outgoing_webhook"]["password"] == MASK
    assert writes(oncall) == []


@pytest.mark.parametrize("method, status", [("PUT", 400), ("POST", 400), ("POST", 500)])
def test_an_error_quoting_the_request_back_never_shows_a_secret(oncall, method, status):
    if method == "PUT":
        hook(oncall)
    oncall.add_fault(method, r"^/api/v1/webhooks/", kind="status", status=status, body="echo")
    error = fails(oncall, name="w", password=" %s " % SECRET, authorization_header=TOKEN, **MINIMAL)
    assert isinstance(error, OnCallAPIError) and "Could not process request %s" % method in str(error)
    assert SECRET not in str(error) and TOKEN not in str(error)


# ------------------------------------------------------------------ warnings


@pytest.mark.parametrize("existing, task, warned", [
    (None, dict(MINIMAL, data="{}"), True),
    (None, dict(MINIMAL, data="{}", forward_all=False), False),
    ({"forward_all": False}, {"data": "{}"}, False),
    ({"forward_all": False}, {"data": "{}", "forward_all": True}, True),
    ({}, {"data": ""}, False),
])
def test_data_while_forward_all_warns(oncall, existing, task, warned):
    if existing is not None:
        hook(oncall, **existing)
    dummy, warnings = run(oncall, name="w", **task)
    assert any("OnCall ignores data" in warning for warning in warnings) is warned


# ------------------------------------------------------------------ identity: rename, delete, case, races


def test_rename_by_id_looks_the_new_name_up_and_refuses_a_taken_one(oncall):
    made = hook(oncall)
    other = hook(oncall, "taken")
    error = fails(oncall, check_mode=True, id=made["id"], name="taken")
    assert str(error) == "name 'taken' is taken by outgoing webhook %s (names are unique in the organization); nothing was changed" % other["id"]
    result, dummy = run(oncall, id=made["id"], name="renamed")
    assert oncall.sent() == [("GET", "webhooks/%s/" % made["id"], {}), lookup("renamed"),
                             ("PUT", "webhooks/%s/" % made["id"], {"name": "renamed", "team": None, "integration_filter": None})]
    assert result["outgoing_webhook"]["name"] == "renamed"


def test_delete_then_absent(oncall):
    made = hook(oncall)
    result, dummy = run(oncall, name="w", state="absent", password=SECRET)
    assert oncall.sent() == [lookup("w"), ("DELETE", "webhooks/%s/" % made["id"], None)]
    assert result["changed"] is True and result["outgoing_webhook"] == {}
    again, dummy = run(oncall, name="w", state="absent")
    assert again == {"changed": False, "outgoing_webhook": {}} and oncall.sent() == [lookup("w")]


def test_delete_by_id_with_another_name_deletes_nothing(oncall):
    made = hook(oncall)
    error = fails(oncall, id=made["id"], name="other", state="absent")
    assert "is named 'w', the task says 'other'" in str(error) and writes(oncall) == []


def test_a_name_the_server_matches_without_case_is_the_same_webhook():
    class CaseInsensitiveServer:
        """What MySQL's default collation makes of the name filter: the stored name, whatever the case asked."""

        @staticmethod
        def list_all(path, params):
            return [{"id": "WHX", "name": "Probe"}] if params["name"].lower() == "probe" else []

    assert webhooks_named(CaseInsensitiveServer(), "probe") == [{"id": "WHX", "name": "Probe"}]
    assert webhooks_named(CaseInsensitiveServer(), "other") == []


def test_lost_create_answer_makes_no_duplicate(oncall):
    oncall.add_fault("POST", r"^/api/v1/webhooks/$", kind="reset_after")
    result, dummy = run(oncall, name="w", password=SECRET, **MINIMAL)
    assert [method for method, dummy_path, dummy_query in oncall.sent()] == ["GET", "POST", "GET"]
    assert result["changed"] is True and result["outgoing_webhook"]["password"] == MASK
    assert [item["name"] for item in oncall.all("webhooks/")] == ["w"]


def test_a_webhook_another_run_created_meanwhile_is_compared_and_updated(oncall):
    params = ansible_params(OUTGOING_WEBHOOK_ARGUMENT_SPEC, name="w", http_method="GET", password=SECRET, **MINIMAL)
    warnings = []
    resource = OutgoingWebhook(params, oncall.client(), warn=warnings.append)
    plan = resource.plan()
    other = hook(oncall, password="the other run's")
    result = resource.apply(plan)
    assert "another run created outgoing webhook 'w'" in warnings[0]
    assert writes(oncall) == [("POST", "webhooks/", dict(resource.create_body(plan))),
                              ("PUT", "webhooks/%s/" % other["id"], {"http_method": "GET", "team": None, "integration_filter": None})]
    assert result["changed"] is True and result["outgoing_webhook"]["id"] == other["id"]
    assert stored(oncall, other["id"])["password"] == "the other run's"

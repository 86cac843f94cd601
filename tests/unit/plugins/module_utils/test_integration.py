# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Integration resource (and the Resource state machine under it) against a fake client and a fake module."""

from __future__ import annotations

import inspect

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.client import OnCallClient
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.integration import INTEGRATION_ARGUMENT_SPEC, Integration
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.oncall_fakes import (
    OSS_TEMPLATE_CHANNELS,
    CLOUD_ROUTE_BACKENDS,
    CLOUD_TEMPLATE_CHANNELS,
    FakeClient,
    FakeModule,
    ansible_params,
    integration,
)

LOOKUP = ("LIST", "integrations/", {"name": "alerts"})
SECRET_KEYS = ("link", "inbound_email")


def run(client, check_mode=False, diff=True, **task):
    module = FakeModule(ansible_params(INTEGRATION_ARGUMENT_SPEC, **task), check_mode=check_mode, diff=diff)
    return Integration(module, client).run(), module


def fails(client, check_mode=False, **task):
    with pytest.raises(OnCallError) as caught:
        run(client, check_mode=check_mode, **task)
    return str(caught.value)


def lost_answer():
    return OnCallAPIError("POST", "/api/v1/integrations/", None, "no answer within timeout=30 s; the server may or may not have applied it",
                          outcome_unknown=True)


def server_error():
    return OnCallAPIError("POST", "/api/v1/integrations/", 500, "HTML page: Server Error (500)", body="<title>Server Error (500)</title>")


def test_fake_client_has_the_signatures_of_the_real_client():
    for name in ("get", "get_or_none", "list_all", "post", "put", "delete"):
        assert inspect.signature(getattr(FakeClient, name)) == inspect.signature(getattr(OnCallClient, name)), name


# ------------------------------------------------------------------ unchanged and update


def test_unchanged_costs_exactly_one_lookup_and_no_write():
    existing = integration("C1", "alerts", templates={"slack": {"title": "T"}}, default_route={"escalation_chain_id": "F1"})
    client = FakeClient([existing])
    result, module = run(client, name="alerts", type="webhook", templates={"slack": {"title": "T"}},
                         default_route={"escalation_chain_id": "F1"})
    assert result == {"changed": False, "integration": existing}
    assert client.calls == [LOOKUP]


def test_unchanged_by_id_costs_exactly_one_get():
    client = FakeClient([integration("C1", "alerts")])
    result, module = run(client, id="C1", name="alerts")
    assert result["changed"] is False
    assert client.calls == [("GET", "integrations/C1/", None)]


def test_update_sends_exactly_the_changed_nested_subset():
    existing = integration("C1", "alerts", description_short="d",
                           templates={"grouping_key": "g", "slack": {"title": "old", "message": "M"}})
    client = FakeClient([existing])
    result, module = run(client, name="alerts", type="webhook", description_short="d",
                         templates={"grouping_key": "g", "slack": {"title": "new", "message": "M"}})
    assert result["changed"] is True
    assert client.writes() == [("PUT", "integrations/C1/", {"templates": {"slack": {"title": "new"}}})]
    assert result["integration"]["templates"]["slack"] == {"title": "new", "message": "M", "image_url": None}


def test_update_diff_shows_identity_and_set_fields_never_secrets():
    client = FakeClient([integration("C1", "alerts", team_id="T1", templates={"slack": {"title": "old", "message": "M"}})])
    result, module = run(client, name="alerts", templates={"slack": {"title": "new"}})
    assert result["diff"]["before"] == {"name": "alerts", "type": "webhook", "team_id": "T1", "templates": {"slack": {"title": "old"}}}
    assert result["diff"]["after"] == {"name": "alerts", "type": "webhook", "team_id": "T1", "templates": {"slack": {"title": "new"}}}
    assert result["diff"]["before_header"] == result["diff"]["after_header"] == "integration alerts"


def test_no_diff_without_diff_mode():
    client = FakeClient([integration("C1", "alerts")])
    result, module = run(client, diff=False, name="alerts", description_short="new")
    assert result["changed"] is True
    assert "diff" not in result


def test_update_in_check_mode_writes_nothing_and_predicts_the_result():
    client = FakeClient([integration("C1", "alerts", templates={"slack": {"title": "old", "message": "M"}})])
    result, module = run(client, check_mode=True, name="alerts", templates={"slack": {"title": "new"}})
    assert result["changed"] is True
    assert client.writes() == []
    assert result["integration"]["templates"]["slack"] == {"title": "new", "message": "M", "image_url": None}
    assert result["diff"]["after"]["templates"] == {"slack": {"title": "new"}}


def test_empty_description_clears_it_with_null_since_oncall_refuses_blank():
    client = FakeClient([integration("C1", "alerts", description_short="d")])
    run(client, name="alerts", description_short="")
    assert client.writes() == [("PUT", "integrations/C1/", {"description_short": None})]


def test_empty_description_on_a_description_less_integration_is_unchanged():
    client = FakeClient([integration("C1", "alerts", description_short=None)])
    result, dummy = run(client, name="alerts", description_short="")
    assert result["changed"] is False and client.writes() == []


def test_empty_template_is_sent_exactly_as_the_empty_string():
    client = FakeClient([integration("C1", "alerts")])
    run(client, name="alerts", templates={"web": {"title": ""}})
    assert client.writes() == [("PUT", "integrations/C1/", {"templates": {"web": {"title": ""}}})]


# ------------------------------------------------------------------ create


def test_create_body_has_type_and_everything_set():
    client = FakeClient([])
    result, module = run(client, name="alerts", type="alertmanager", team_id="T1", description_short="d",
                         templates={"grouping_key": "{{ payload.groupKey }}", "slack": {"title": "T"}},
                         default_route={"escalation_chain_id": "F1", "slack": {"channel_id": "c0123abcd", "enabled": True}})
    assert client.calls[0] == LOOKUP
    assert client.writes() == [("POST", "integrations/", {
        "type": "alertmanager", "name": "alerts", "team_id": "T1", "description_short": "d",
        "templates": {"grouping_key": "{{ payload.groupKey }}", "slack": {"title": "T"}},
        "default_route": {"escalation_chain_id": "F1", "slack": {"channel_id": "C0123ABCD", "enabled": True}},
    })]
    assert result["changed"] is True
    assert result["integration"]["id"] == "CNEW000000001"


def test_create_diff_shows_identity_and_set_fields_never_secrets():
    client = FakeClient([])
    result, module = run(client, name="alerts", type="inbound_email", templates={"web": {"title": "W"}})
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {"name": "alerts", "type": "inbound_email", "team_id": None, "templates": {"web": {"title": "W"}}}
    assert not set(SECRET_KEYS) & set(result["diff"]["after"])


def test_create_without_type_fails_before_any_write():
    client = FakeClient([])
    message = fails(client, name="alerts", team_id="T1")
    assert "type is required" in message and "team T1" in message
    assert client.writes() == []


def test_create_in_check_mode_writes_nothing_and_predicts_server_made_fields_as_none():
    client = FakeClient([])
    result, module = run(client, check_mode=True, name="alerts", type="webhook", templates={"slack": {"title": "T"}},
                         default_route={"escalation_chain_id": "F1"})
    assert client.writes() == []
    predicted = result["integration"]
    assert result["changed"] is True
    for key in ("id", "link", "inbound_email", "heartbeat", "maintenance_mode"):
        assert predicted[key] is None, key
    assert predicted["default_route"]["id"] is None
    assert (predicted["name"], predicted["type"], predicted["team_id"]) == ("alerts", "webhook", None)
    assert predicted["templates"]["slack"] == {"title": "T", "message": None, "image_url": None}
    assert predicted["default_route"]["escalation_chain_id"] == "F1"
    assert result["diff"]["after"] == {"name": "alerts", "type": "webhook", "team_id": None, "templates": {"slack": {"title": "T"}},
                                       "default_route": {"escalation_chain_id": "F1"}}


def test_create_in_check_mode_predicts_the_channels_of_a_sample_integration():
    other = integration("C9", "alerts", team_id="T9", channels=CLOUD_TEMPLATE_CHANNELS)
    client = FakeClient([other])
    result, module = run(client, check_mode=True, name="alerts", team_id="T1", type="webhook")
    assert set(result["integration"]["templates"]) == set(other["templates"])
    assert all(value is None or all(sub is None for sub in value.values()) for value in result["integration"]["templates"].values())
    assert client.writes() == []


# ------------------------------------------------------------------ absent


def test_absent_and_missing_writes_nothing():
    client = FakeClient([integration("C1", "other")])
    result, module = run(client, state="absent", name="alerts")
    assert result == {"changed": False, "integration": {}}
    assert client.calls == [LOOKUP]


def test_absent_deletes_and_diff_hides_secrets():
    client = FakeClient([integration("C1", "alerts")])
    result, module = run(client, state="absent", name="alerts")
    assert result["changed"] is True
    assert client.writes() == [("DELETE", "integrations/C1/", None)]
    assert result["diff"]["after"] == {}
    # The fields a task sets plus name, type and team_id, as for every other diff; never the secrets.
    assert set(result["diff"]["before"]) == {"name", "type", "team_id"}
    assert result["diff"]["before"]["name"] == "alerts"
    assert not set(SECRET_KEYS) & set(result["diff"]["before"])


def test_absent_with_another_type_deletes_nothing():
    client = FakeClient([integration("C1", "alerts")])
    message = fails(client, state="absent", name="alerts", type="alertmanager")
    assert "is of type webhook, the task asks for alertmanager" in message
    assert client.writes() == []


def test_absent_in_check_mode_deletes_nothing():
    client = FakeClient([integration("C1", "alerts")])
    result, module = run(client, check_mode=True, state="absent", name="alerts")
    assert result["changed"] is True
    assert client.writes() == []


def test_absent_by_id():
    client = FakeClient([integration("C1", "alerts")])
    result, module = run(client, state="absent", id="C1")
    assert client.calls == [("GET", "integrations/C1/", None), ("DELETE", "integrations/C1/", None)]


# ------------------------------------------------------------------ identity


def test_ambiguous_name_without_team_fails_listing_ids_and_teams():
    client = FakeClient([integration("C1", "alerts", team_id="T1"), integration("C2", "alerts")])
    message = fails(client, name="alerts", type="webhook", description_short="x")
    assert "ambiguous" in message
    assert "C1 (team T1)" in message and "C2 (no team)" in message
    assert client.writes() == []


def test_ambiguous_name_fails_for_absent_too():
    client = FakeClient([integration("C1", "alerts", team_id="T1"), integration("C2", "alerts", team_id="T2")])
    fails(client, state="absent", name="alerts")
    assert client.writes() == []


def test_team_is_picked_on_the_client_side_never_sent_as_a_filter():
    client = FakeClient([integration("C1", "alerts", team_id="T1"), integration("C2", "alerts", team_id="T2"), integration("C3", "alerts")])
    result, module = run(client, name="alerts", team_id="T2", description_short="new")
    assert client.calls[0] == LOOKUP
    assert client.writes() == [("PUT", "integrations/C2/", {"description_short": "new"})]


def test_empty_team_id_picks_the_integration_without_team():
    client = FakeClient([integration("C1", "alerts", team_id="T1"), integration("C3", "alerts")])
    result, module = run(client, name="alerts", team_id="", description_short="new")
    assert client.writes() == [("PUT", "integrations/C3/", {"description_short": "new"})]


def test_empty_team_id_is_sent_as_null_on_create():
    client = FakeClient([integration("C1", "alerts", team_id="T1")])
    run(client, name="alerts", team_id="", type="webhook")
    assert client.writes() == [("POST", "integrations/", {"type": "webhook", "name": "alerts", "team_id": None})]


def test_same_name_in_another_team_means_create_in_the_wanted_team():
    client = FakeClient([integration("C1", "alerts", team_id="T1")])
    result, module = run(client, name="alerts", team_id="T2", type="webhook")
    assert client.writes() == [("POST", "integrations/", {"type": "webhook", "name": "alerts", "team_id": "T2"})]


def test_lookup_ignores_names_the_server_matched_loosely():
    # A case-insensitive database collation (MySQL) returns "Alerts" for name=alerts.
    client = FakeClient([integration("C1", "Alerts")])
    client.list_all = lambda path, params=None: (client.calls.append(("LIST", path, params)), [integration("C1", "Alerts")])[1]
    run(client, name="alerts", type="webhook")
    assert [call[0] for call in client.writes()] == ["POST"]


def test_id_lookup_renames_and_moves():
    client = FakeClient([integration("C1", "alerts", team_id="T1")])
    result, module = run(client, id="C1", name="renamed", team_id="")
    assert client.calls[0] == ("GET", "integrations/C1/", None)
    assert client.writes() == [("PUT", "integrations/C1/", {"name": "renamed", "team_id": None})]


def test_unknown_id_with_present_fails_without_write():
    client = FakeClient([integration("C1", "alerts")])
    message = fails(client, id="CNOPE", name="alerts", type="webhook")
    assert "no integration with id CNOPE" in message
    assert client.writes() == []


def test_unknown_id_with_absent_is_already_absent():
    client = FakeClient([])
    result, module = run(client, state="absent", id="CNOPE")
    assert result["changed"] is False
    assert client.writes() == []


# ------------------------------------------------------------------ type and channel checks


def test_type_change_fails_without_write():
    client = FakeClient([integration("C1", "alerts", kind="webhook")])
    message = fails(client, name="alerts", type="alertmanager", description_short="new")
    assert "type webhook" in message and "alertmanager" in message and "nothing was changed" in message
    assert client.writes() == []


def test_same_type_is_no_change():
    client = FakeClient([integration("C1", "alerts", kind="alertmanager")])
    result, module = run(client, name="alerts", type="alertmanager")
    assert result["changed"] is False


def test_template_channel_missing_on_the_server_fails_on_update_without_write():
    client = FakeClient([integration("C1", "alerts")])
    message = fails(client, name="alerts", templates={"msteams": {"title": "T"}, "slack": {"title": "S"}})
    assert "templates.msteams" in message and "templates.slack" not in message
    assert client.writes() == []


def test_route_backend_missing_on_the_server_fails_on_update_without_write():
    client = FakeClient([integration("C1", "alerts")])
    message = fails(client, name="alerts", default_route={"msteams": {"id": "X", "enabled": True}})
    assert "default_route.msteams" in message
    assert client.writes() == []


def test_backend_present_on_the_server_is_updated():
    client = FakeClient([integration("C1", "alerts", channels=CLOUD_TEMPLATE_CHANNELS, route_backends=CLOUD_ROUTE_BACKENDS)])
    run(client, name="alerts", templates={"msteams": {"title": "T"}}, default_route={"msteams": {"enabled": True}})
    assert client.writes() == [("PUT", "integrations/C1/", {"templates": {"msteams": {"title": "T"}}, "default_route": {"msteams": {"enabled": True}}})]


def test_backend_check_on_create_uses_the_name_lookup_results():
    client = FakeClient([integration("C1", "alerts", team_id="T1")])
    message = fails(client, name="alerts", team_id="T2", type="webhook", templates={"msteams": {"title": "T"}})
    assert "templates.msteams" in message
    assert client.calls == [LOOKUP]


def test_backend_check_on_create_reads_one_integration_when_the_name_is_new():
    client = FakeClient([integration("C1", "other"), integration("C2", "another")])
    message = fails(client, name="alerts", type="webhook", templates={"msteams": {"title": "T"}})
    assert "templates.msteams" in message
    assert client.calls == [LOOKUP, ("GET", "integrations/", {"perpage": 1})]


def test_backend_present_on_create_is_sent():
    client = FakeClient([integration("C1", "other", channels=CLOUD_TEMPLATE_CHANNELS)], channels=CLOUD_TEMPLATE_CHANNELS)
    run(client, name="alerts", type="webhook", templates={"msteams": {"title": "T"}})
    assert client.writes() == [("POST", "integrations/", {"type": "webhook", "name": "alerts", "templates": {"msteams": {"title": "T"}}})]


def test_backend_check_with_no_integration_at_all_creates_then_deletes_and_fails():
    client = FakeClient([])
    message = fails(client, name="alerts", type="webhook", templates={"msteams": {"title": "T"}})
    assert "templates.msteams" in message and "deleted again" in message
    assert [(call[0], call[1]) for call in client.writes()] == [("POST", "integrations/"), ("DELETE", "integrations/CNEW000000001/")]
    assert client.store == []


def test_backend_check_with_no_integration_at_all_keeps_what_the_server_has():
    client = FakeClient([])
    result, module = run(client, name="alerts", type="webhook", templates={"email": {"title": "E"}})
    assert [call[0] for call in client.writes()] == ["POST"]
    assert result["integration"]["templates"]["email"]["title"] == "E"


def test_backend_check_in_check_mode_with_no_integration_at_all_warns():
    client = FakeClient([])
    result, module = run(client, check_mode=True, name="alerts", type="webhook", templates={"msteams": {"title": "T"}})
    assert client.writes() == []
    assert len(module.warnings) == 1 and "templates.msteams" in module.warnings[0]


# ------------------------------------------------------------------ purge_templates and default route


def test_purge_templates_nulls_exactly_the_unset_templates_that_are_set_on_the_server():
    existing = integration("C1", "alerts", templates={"grouping_key": "g", "resolve_signal": None,
                                                      "slack": {"title": "st", "message": "sm"}, "web": {"title": "wt"},
                                                      "email": {"message": "em"}})
    client = FakeClient([existing])
    run(client, name="alerts", purge_templates=True, templates={"slack": {"title": "new"}, "web": {"title": "wt"}})
    assert client.writes() == [("PUT", "integrations/C1/", {"templates": {
        "grouping_key": None, "slack": {"title": "new", "message": None}, "email": {"message": None}}})]


def test_purge_templates_is_no_change_when_only_set_templates_are_non_null():
    client = FakeClient([integration("C1", "alerts", templates={"slack": {"title": "st"}})])
    result, module = run(client, name="alerts", purge_templates=True, templates={"slack": {"title": "st"}})
    assert result["changed"] is False
    assert client.writes() == []


def test_purge_templates_without_templates_resets_every_template():
    client = FakeClient([integration("C1", "alerts", templates={"source_link": "s", "sms": {"title": "x"}})])
    run(client, name="alerts", purge_templates=True)
    assert client.writes() == [("PUT", "integrations/C1/", {"templates": {"source_link": None, "sms": {"title": None}}})]


def test_without_purge_unset_templates_are_left_alone():
    client = FakeClient([integration("C1", "alerts", templates={"grouping_key": "g", "slack": {"title": "st", "message": "sm"}})])
    run(client, name="alerts", templates={"slack": {"title": "new"}})
    assert client.writes() == [("PUT", "integrations/C1/", {"templates": {"slack": {"title": "new"}}})]


def test_purge_templates_on_create_sends_only_the_set_templates():
    client = FakeClient([])
    run(client, name="alerts", type="webhook", purge_templates=True, templates={"slack": {"title": "T"}})
    assert client.writes() == [("POST", "integrations/", {"type": "webhook", "name": "alerts", "templates": {"slack": {"title": "T"}}})]


def test_empty_template_text_is_managed_not_unset():
    client = FakeClient([integration("C1", "alerts", templates={"slack": {"title": None}})])
    run(client, name="alerts", templates={"slack": {"title": ""}})
    assert client.writes() == [("PUT", "integrations/C1/", {"templates": {"slack": {"title": ""}}})]


def test_default_route_empty_string_means_null():
    client = FakeClient([integration("C1", "alerts", default_route={"escalation_chain_id": "F1", "telegram": {"id": "TG1"}})])
    run(client, name="alerts", default_route={"escalation_chain_id": "", "telegram": {"id": ""}})
    assert client.writes() == [("PUT", "integrations/C1/", {"default_route": {"escalation_chain_id": None, "telegram": {"id": None}}})]


def test_default_route_empty_string_matches_null_on_the_server():
    client = FakeClient([integration("C1", "alerts")])
    result, module = run(client, name="alerts", default_route={"escalation_chain_id": "", "slack": {"channel_id": ""}})
    assert result["changed"] is False


def test_slack_channel_id_is_compared_upper_cased():
    client = FakeClient([integration("C1", "alerts", default_route={"slack": {"channel_id": "C0123ABCD"}})])
    result, module = run(client, name="alerts", default_route={"slack": {"channel_id": "c0123abcd"}})
    assert result["changed"] is False
    run(client, name="alerts", default_route={"slack": {"channel_id": "c0999zz", "enabled": False}})
    assert client.writes() == [("PUT", "integrations/C1/", {"default_route": {"slack": {"channel_id": "C0999ZZ", "enabled": False}}})]


# ------------------------------------------------------------------ POST whose outcome is unknown or failed


def test_post_lost_answer_then_found_sends_no_second_post():
    client = FakeClient([])
    client.fail["POST"] = [(lost_answer(), True)]
    result, module = run(client, name="alerts", type="webhook")
    assert [call[0] for call in client.calls] == ["LIST", "POST", "LIST"]
    assert result["changed"] is True
    assert result["integration"]["id"] == "CNEW000000001"
    assert len(client.store) == 1


def test_post_lost_answer_then_not_found_sends_exactly_one_more_post():
    client = FakeClient([])
    client.fail["POST"] = [(lost_answer(), False)]
    result, module = run(client, name="alerts", type="webhook")
    assert [call[0] for call in client.calls] == ["LIST", "POST", "LIST", "POST"]
    assert client.calls[1] == client.calls[3]
    assert len(client.store) == 1


def test_post_lost_answer_twice_and_not_found_fails_after_two_posts():
    client = FakeClient([])
    client.fail["POST"] = [(lost_answer(), False), (lost_answer(), False)]
    with pytest.raises(OnCallAPIError) as caught:
        run(client, name="alerts", type="webhook")
    assert caught.value.outcome_unknown is True
    assert [call[0] for call in client.calls] == ["LIST", "POST", "LIST", "POST", "LIST"]


def test_post_lost_answer_lookup_respects_the_team():
    client = FakeClient([integration("C1", "alerts", team_id="T1")])
    client.fail["POST"] = [(lost_answer(), True)]
    result, module = run(client, name="alerts", team_id="T2", type="webhook")
    assert result["integration"]["team_id"] == "T2"
    assert [call[0] for call in client.calls] == ["LIST", "POST", "LIST"]


def test_post_5xx_not_found_fails_with_the_server_answer_and_no_second_post():
    client = FakeClient([])
    client.fail["POST"] = [(server_error(), False)]
    with pytest.raises(OnCallAPIError) as caught:
        run(client, name="alerts", type="grafana_alerting")
    assert caught.value.status == 500
    assert "Server Error (500)" in str(caught.value)
    assert [call[0] for call in client.calls] == ["LIST", "POST", "LIST"]


def test_post_5xx_that_created_anyway_fails_with_the_server_answer_naming_the_object():
    client = FakeClient([])
    client.fail["POST"] = [(server_error(), True)]
    with pytest.raises(OnCallAPIError) as caught:
        run(client, name="alerts", type="webhook")
    assert caught.value.status == 500
    assert "created nonetheless (id %s)" % client.store[0]["id"] in str(caught.value)
    assert [call[0] for call in client.calls] == ["LIST", "POST", "LIST"]


def test_post_4xx_fails_at_once_without_lookup():
    client = FakeClient([])
    client.fail["POST"] = [(OnCallAPIError("POST", "/api/v1/integrations/", 400, "Invalid integration type", body={"detail": "x"}), False)]
    with pytest.raises(OnCallAPIError):
        run(client, name="alerts", type="nonsense")
    assert [call[0] for call in client.calls] == ["LIST", "POST"]


# ------------------------------------------------------------------ validate_params


@pytest.mark.parametrize("task, word", [
    ({"name": "x" * 151}, "at most 150"),
    ({"name": ""}, "name must not be empty"),
    ({"name": "   "}, "name must not be empty"),
    ({"name": "alerts", "description_short": "d" * 251}, "at most 250"),
    ({"name": "alerts", "type": "maintenance"}, "maintenance"),
    ({"name": "alerts", "type": "direct_paging"}, "direct_paging"),
    ({"name": "alerts", "type": "legacy_alertmanager"}, "use alertmanager"),
    ({"name": "alerts", "type": "legacy_grafana_alerting"}, "use grafana_alerting"),
    ({"name": "alerts", "type": "  "}, "type must not be empty"),
    ({"id": "C1", "state": "absent", "name": "x" * 151}, "at most 150"),
])
def test_invalid_options_fail_before_any_client_call(task, word):
    client = FakeClient([integration("C1", "alerts")])
    message = fails(client, **task)
    assert word in message
    assert client.calls == []


def test_name_of_150_and_description_of_250_characters_are_accepted():
    client = FakeClient([])
    result, module = run(client, name="n" * 150, type="webhook", description_short="d" * 250)
    assert result["changed"] is True


def test_empty_id_falls_back_to_the_name():
    client = FakeClient([integration("C1", "alerts")])
    result, dummy = run(client, id="", name="alerts")
    assert result["changed"] is False and client.calls == [LOOKUP]


@pytest.mark.parametrize("task", [{"id": ""}, {"id": None, "type": "webhook"}])
def test_empty_id_without_name_fails_before_any_call(task):
    client = FakeClient([integration("C1", "alerts")])
    assert "name is required unless id is given" in fails(client, **task)
    assert client.calls == []


@pytest.mark.parametrize("bad_id", ["cabc", "C1 ", "C1/../teams", "T1", "C"])
def test_malformed_id_fails_before_it_reaches_a_path(bad_id):
    client = FakeClient([integration("C1", "alerts")])
    assert "id must be an OnCall id such as CFRPV98RPR1U8" in fails(client, id=bad_id, state="absent")
    assert client.calls == []


def test_name_and_description_are_trimmed_like_oncall_trims_them():
    client = FakeClient([integration("C1", "alerts", description_short="d")])
    result, dummy = run(client, name="  alerts ", description_short="d ")
    assert result["changed"] is False and client.calls == [LOOKUP]


def test_failed_cleanup_of_a_half_made_integration_names_the_leftover():
    client = FakeClient([])
    client.fail["DELETE"] = [(OnCallAPIError("DELETE", "/api/v1/integrations/X/", 503, "down"), False)]
    message = fails(client, name="alerts", type="webhook", templates={"msteams": {"title": "x"}})
    created = client.store[0]["id"]
    assert "could not be deleted again" in message and created in message and "templates.msteams" in message


@pytest.mark.parametrize("templates, words", [
    ({"slack": {"subject": "x"}}, ["Unsupported parameters for templates.slack: templates.slack.subject", "title, message, image_url"]),
    ({"sms": {"message": "x"}}, ["templates.sms.message", "Supported parameters include: title."]),
    ({"email": {"image_url": "x"}}, ["templates.email.image_url"]),
    ({"web": {"title": 5}}, ["templates.web.title must be a string (a template), got int"]),
])
def test_channel_template_keys_and_types_are_checked_before_any_call(templates, words):
    client = FakeClient([integration("C1", "alerts")])
    message = fails(client, name="alerts", templates=templates)
    assert all(word in message for word in words), message
    assert client.calls == []


def test_purge_leaves_templates_of_backends_the_module_cannot_set():
    channels = dict(OSS_TEMPLATE_CHANNELS, mattermost=("title", "message", "image_url"))
    client = FakeClient([integration("C1", "alerts", channels=channels, templates={"mattermost": {"title": "kept"}, "web": {"title": "gone"}})],
                        channels=channels)
    run(client, name="alerts", purge_templates=True)
    assert client.writes() == [("PUT", "integrations/C1/", {"templates": {"web": {"title": None}}})]

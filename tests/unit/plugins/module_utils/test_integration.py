# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Integration resource (and the Resource state machine under it) against the emulator, over HTTP with the real client."""

from __future__ import annotations

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.oncall.grafana.plugins.module_utils.client import OnCallClient
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.integration import (
    CLOUD_ONLY_TYPES,
    INTEGRATION_ARGUMENT_SPEC,
    INTEGRATION_TYPES,
    SELF_HOSTED_TYPES,
    Integration,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import (
    BASE,
    TOKEN,
    FakeSession,
    SleepRecorder,
    ansible_params,
    page,
    response,
)

INTEGRATIONS = "/api/v1/integrations/"
CREATE = r"^/api/v1/integrations/?$"
LOOKUP = ("GET", INTEGRATIONS, {"name": "alerts", "perpage": "100"})
SECRET_KEYS = ("link", "inbound_email")


def path(integration):
    return "%s%s/" % (INTEGRATIONS, integration["id"])


def task(**given):
    return ansible_params(INTEGRATION_ARGUMENT_SPEC, **given)


def run(oncall, check_mode=False, diff=True, **given):
    """Run the task on a fresh request log; the result and the warnings."""
    warnings = []
    resource = Integration(task(**given), oncall.client(), check_mode, diff, warnings.append)
    oncall.clear_log()
    return resource.run(), warnings


def fails(oncall, check_mode=False, **given):
    with pytest.raises(OnCallError) as caught:
        run(oncall, check_mode=check_mode, **given)
    return str(caught.value)


def refused(oncall, **given):
    """The message of a task refused when the resource is built, before it could send anything."""
    oncall.clear_log()
    with pytest.raises(OnCallError) as caught:
        Integration(task(**given), oncall.client())
    return str(caught.value)


def the_only_integration(oncall):
    [integration] = oncall.all("integrations/")
    return integration


def set_telegram_channel(oncall, integration, channel_id):
    """Telegram channels are connected in OnCall's UI and the emulator has none: set one on the default route in its state."""
    with oncall.server.state.lock:
        oncall.server.state.routes[integration["default_route"]["id"]].telegram_channel_id = channel_id


def scripted_client(*answers):
    """A real client whose HTTP answers are scripted, for what the emulator cannot answer."""
    session = FakeSession(*answers)
    return OnCallClient(BASE, TOKEN, session=session, sleep=SleepRecorder()), session


# ------------------------------------------------------------------ unchanged and update


def test_unchanged_costs_exactly_one_lookup_and_no_write(oncall):
    chain = oncall.chain("prod")
    existing = oncall.integration("alerts", templates={"slack": {"title": "T"}}, default_route={"escalation_chain_id": chain["id"]})
    result, dummy = run(oncall, name="alerts", type="webhook", templates={"slack": {"title": "T"}},
                        default_route={"escalation_chain_id": chain["id"]})
    assert result == {"changed": False, "integration": existing}
    assert oncall.exchanges() == [LOOKUP]


def test_unchanged_by_id_costs_exactly_one_get(oncall):
    existing = oncall.integration("alerts")
    result, dummy = run(oncall, id=existing["id"], name="alerts")
    assert result["changed"] is False
    assert oncall.exchanges() == [("GET", path(existing), {})]


def test_update_sends_exactly_the_changed_nested_subset(oncall):
    existing = oncall.integration("alerts", description_short="d", templates={"grouping_key": "g", "slack": {"title": "old", "message": "M"}})
    result, dummy = run(oncall, name="alerts", type="webhook", description_short="d",
                        templates={"grouping_key": "g", "slack": {"title": "new", "message": "M"}})
    assert result["changed"] is True
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"templates": {"slack": {"title": "new"}}})]
    assert result["integration"]["templates"]["slack"] == {"title": "new", "message": "M", "image_url": None}


def test_update_diff_shows_identity_and_set_fields_never_secrets(oncall):
    ops = oncall.team_id("ops")
    oncall.integration("alerts", team_id=ops, templates={"slack": {"title": "old", "message": "M"}})
    result, dummy = run(oncall, name="alerts", templates={"slack": {"title": "new"}})
    assert yaml.safe_load(result["diff"]["before"]) == {"name": "alerts", "type": "webhook", "team_id": ops, "templates": {"slack": {"title": "old"}}}
    assert yaml.safe_load(result["diff"]["after"]) == {"name": "alerts", "type": "webhook", "team_id": ops, "templates": {"slack": {"title": "new"}}}
    assert result["diff"]["before_header"] == result["diff"]["after_header"] == "integration alerts"


def test_no_diff_without_diff_mode(oncall):
    oncall.integration("alerts")
    result, dummy = run(oncall, diff=False, name="alerts", description_short="new")
    assert result["changed"] is True
    assert "diff" not in result


def test_update_in_check_mode_writes_nothing_and_predicts_the_result(oncall):
    oncall.integration("alerts", templates={"slack": {"title": "old", "message": "M"}})
    result, dummy = run(oncall, check_mode=True, name="alerts", templates={"slack": {"title": "new"}})
    assert result["changed"] is True
    assert oncall.exchanges(writes_only=True) == []
    assert result["integration"]["templates"]["slack"] == {"title": "new", "message": "M", "image_url": None}
    assert yaml.safe_load(result["diff"]["after"])["templates"] == {"slack": {"title": "new"}}


def test_empty_description_clears_it_with_null_since_oncall_refuses_blank(oncall):
    existing = oncall.integration("alerts", description_short="d")
    run(oncall, name="alerts", description_short="")
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"description_short": None})]


def test_empty_description_on_a_description_less_integration_is_unchanged(oncall):
    oncall.integration("alerts")
    result, dummy = run(oncall, name="alerts", description_short="")
    assert result["changed"] is False and oncall.exchanges(writes_only=True) == []


def test_empty_template_is_sent_exactly_as_the_empty_string(oncall):
    existing = oncall.integration("alerts")
    run(oncall, name="alerts", templates={"web": {"title": ""}})
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"templates": {"web": {"title": ""}}})]


# ------------------------------------------------------------------ create


def test_create_body_has_type_and_everything_set(oncall):
    ops, chain = oncall.team_id("ops"), oncall.chain("prod")["id"]
    result, dummy = run(oncall, name="alerts", type="alertmanager", team_id=ops, description_short="d",
                        templates={"grouping_key": "{{ payload.groupKey }}", "slack": {"title": "T"}},
                        default_route={"escalation_chain_id": chain, "slack": {"channel_id": "c01alerts", "enabled": True}})
    assert oncall.exchanges() == [LOOKUP, ("POST", INTEGRATIONS, {
        "type": "alertmanager", "name": "alerts", "team_id": ops, "description_short": "d",
        "templates": {"grouping_key": "{{ payload.groupKey }}", "slack": {"title": "T"}},
        "default_route": {"escalation_chain_id": chain, "slack": {"channel_id": "C01ALERTS", "enabled": True}},
    })]
    assert result["changed"] is True
    assert result["integration"] == the_only_integration(oncall)


def test_create_diff_shows_identity_and_set_fields_never_secrets(oncall):
    result, dummy = run(oncall, name="alerts", type="inbound_email", templates={"web": {"title": "W"}})
    assert result["integration"]["inbound_email"]  # the server made the secret address...
    assert yaml.safe_load(result["diff"]["before"]) == {}
    assert yaml.safe_load(result["diff"]["after"]) == {"name": "alerts", "type": "inbound_email", "team_id": None, "templates": {"web": {"title": "W"}}}
    assert not set(SECRET_KEYS) & set(yaml.safe_load(result["diff"]["after"]))  # ...and the diff does not show it


def test_create_without_type_fails_before_any_write(oncall):
    ops = oncall.team_id("ops")
    message = fails(oncall, name="alerts", team_id=ops)
    assert "type is required" in message and "team %s" % ops in message
    assert oncall.exchanges(writes_only=True) == []


def test_create_in_check_mode_writes_nothing_and_predicts_server_made_fields_as_none(oncall):
    chain = oncall.chain("prod")["id"]
    result, dummy = run(oncall, check_mode=True, name="alerts", type="webhook", templates={"slack": {"title": "T"}},
                        default_route={"escalation_chain_id": chain})
    assert oncall.exchanges(writes_only=True) == []
    predicted = result["integration"]
    assert result["changed"] is True
    for key in ("id", "link", "inbound_email", "heartbeat", "maintenance_mode"):
        assert predicted[key] is None, key
    assert predicted["default_route"]["id"] is None
    assert (predicted["name"], predicted["type"], predicted["team_id"]) == ("alerts", "webhook", None)
    assert predicted["templates"]["slack"] == {"title": "T", "message": None, "image_url": None}
    assert predicted["default_route"]["escalation_chain_id"] == chain
    assert yaml.safe_load(result["diff"]["after"]) == {"name": "alerts", "type": "webhook", "team_id": None, "templates": {"slack": {"title": "T"}},
                                                       "default_route": {"escalation_chain_id": chain}}


def test_create_in_check_mode_predicts_the_channels_of_a_sample_integration(cloud):
    other = cloud.integration("alerts", team_id=cloud.team_id("db"))
    result, dummy = run(cloud, check_mode=True, name="alerts", team_id=cloud.team_id("ops"), type="webhook")
    assert "msteams" in other["templates"]
    assert set(result["integration"]["templates"]) == set(other["templates"])
    assert all(value is None or all(sub is None for sub in value.values()) for value in result["integration"]["templates"].values())
    assert cloud.exchanges(writes_only=True) == []


# ------------------------------------------------------------------ absent


def test_absent_and_missing_writes_nothing(oncall):
    oncall.integration("other")
    result, dummy = run(oncall, state="absent", name="alerts")
    assert result == {"changed": False, "integration": {}}
    assert oncall.exchanges() == [LOOKUP]


def test_absent_deletes_and_diff_hides_secrets(oncall):
    existing = oncall.integration("alerts")
    result, dummy = run(oncall, state="absent", name="alerts")
    assert result["changed"] is True
    assert oncall.exchanges(writes_only=True) == [("DELETE", path(existing), None)]
    assert oncall.all("integrations/") == []
    assert yaml.safe_load(result["diff"]["after"]) == {}
    # The fields a task sets plus name, type and team_id, as for every other diff; never the secrets.
    assert set(yaml.safe_load(result["diff"]["before"])) == {"name", "type", "team_id"}
    assert yaml.safe_load(result["diff"]["before"])["name"] == "alerts"
    assert not set(SECRET_KEYS) & set(yaml.safe_load(result["diff"]["before"]))


def test_absent_with_another_type_deletes_nothing(oncall):
    oncall.integration("alerts")
    message = fails(oncall, state="absent", name="alerts", type="alertmanager")
    assert "is of type webhook, the task asks for alertmanager" in message
    assert oncall.exchanges(writes_only=True) == []


def test_absent_in_check_mode_deletes_nothing(oncall):
    oncall.integration("alerts")
    result, dummy = run(oncall, check_mode=True, state="absent", name="alerts")
    assert result["changed"] is True
    assert oncall.exchanges(writes_only=True) == []


def test_absent_by_id(oncall):
    existing = oncall.integration("alerts")
    run(oncall, state="absent", id=existing["id"])
    assert oncall.exchanges() == [("GET", path(existing), {}), ("DELETE", path(existing), None)]


# ------------------------------------------------------------------ identity


def test_ambiguous_name_without_team_fails_listing_ids_and_teams(oncall):
    ops = oncall.team_id("ops")
    in_ops, without_team = oncall.integration("alerts", team_id=ops), oncall.integration("alerts")
    message = fails(oncall, name="alerts", type="webhook", description_short="x")
    assert "ambiguous" in message
    assert "%s (team ops (%s))" % (in_ops["id"], ops) in message and "%s (no team)" % without_team["id"] in message
    assert oncall.exchanges(writes_only=True) == []


def test_ambiguous_name_fails_for_absent_too(oncall):
    oncall.integration("alerts", team_id=oncall.team_id("ops"))
    oncall.integration("alerts", team_id=oncall.team_id("db"))
    assert "ambiguous" in fails(oncall, state="absent", name="alerts")
    assert oncall.exchanges(writes_only=True) == []


def test_team_is_picked_on_the_client_side_never_sent_as_a_filter(oncall):
    oncall.integration("alerts", team_id=oncall.team_id("ops"))
    in_db = oncall.integration("alerts", team_id=oncall.team_id("db"))
    oncall.integration("alerts")
    run(oncall, name="alerts", team_id=in_db["team_id"], description_short="new")
    assert oncall.exchanges() == [LOOKUP, ("PUT", path(in_db), {"description_short": "new"})]


def test_empty_team_id_picks_the_integration_without_team(oncall):
    oncall.integration("alerts", team_id=oncall.team_id("ops"))
    without_team = oncall.integration("alerts")
    run(oncall, name="alerts", team_id="", description_short="new")
    assert oncall.exchanges(writes_only=True) == [("PUT", path(without_team), {"description_short": "new"})]


def test_empty_team_id_is_sent_as_null_on_create(oncall):
    oncall.integration("alerts", team_id=oncall.team_id("ops"))
    run(oncall, name="alerts", team_id="", type="webhook")
    assert oncall.exchanges(writes_only=True) == [("POST", INTEGRATIONS, {"type": "webhook", "name": "alerts", "team_id": None})]


def test_same_name_in_another_team_means_create_in_the_wanted_team(oncall):
    oncall.integration("alerts", team_id=oncall.team_id("ops"))
    db = oncall.team_id("db")
    run(oncall, name="alerts", team_id=db, type="webhook")
    assert oncall.exchanges(writes_only=True) == [("POST", INTEGRATIONS, {"type": "webhook", "name": "alerts", "team_id": db})]


def test_lookup_ignores_names_the_server_matched_loosely(oncall):
    # A case-insensitive database collation (MySQL) answers name=alerts with "Alerts" too. The emulator compares
    # names exactly, so that answer is scripted, with integrations as the emulator shows them.
    loose, made = oncall.integration("Alerts"), oncall.integration("alerts")
    client, session = scripted_client(response(200, page([loose])), response(201, made))
    result = Integration(task(name="alerts", type="webhook"), client).run()
    assert [(call.method, call.params, call.json) for call in session.calls] == [
        ("GET", {"name": "alerts", "perpage": 100}, None), ("POST", None, {"type": "webhook", "name": "alerts"})]
    assert result == {"changed": True, "integration": made}


def test_id_lookup_renames_and_moves(oncall):
    existing = oncall.integration("alerts", team_id=oncall.team_id("ops"))
    run(oncall, id=existing["id"], name="renamed", team_id="")
    assert oncall.exchanges() == [("GET", path(existing), {}), ("PUT", path(existing), {"name": "renamed", "team_id": None})]


def test_unknown_id_with_present_fails_without_write(oncall):
    oncall.integration("alerts")
    message = fails(oncall, id="CNOPE", name="alerts", type="webhook")
    assert "no integration with id CNOPE" in message
    assert oncall.exchanges() == [("GET", INTEGRATIONS + "CNOPE/", {})]


def test_unknown_id_with_absent_is_already_absent(oncall):
    result, dummy = run(oncall, state="absent", id="CNOPE")
    assert result["changed"] is False
    assert oncall.exchanges(writes_only=True) == []


# ------------------------------------------------------------------ type and channel checks


def test_type_change_fails_without_write(oncall):
    oncall.integration("alerts", type="webhook")
    message = fails(oncall, name="alerts", type="alertmanager", description_short="new")
    assert "type webhook" in message and "alertmanager" in message and "nothing was changed" in message
    assert oncall.exchanges(writes_only=True) == []


def test_same_type_is_no_change(oncall):
    oncall.integration("alerts", type="alertmanager")
    result, dummy = run(oncall, name="alerts", type="alertmanager")
    assert result["changed"] is False


def test_template_channel_missing_on_the_server_fails_on_update_without_write(oncall):
    oncall.integration("alerts")
    message = fails(oncall, name="alerts", templates={"msteams": {"title": "T"}, "slack": {"title": "S"}})
    assert "templates.msteams" in message and "templates.slack" not in message
    assert oncall.exchanges(writes_only=True) == []


def test_route_backend_missing_on_the_server_fails_on_update_without_write(oncall):
    oncall.integration("alerts")
    message = fails(oncall, name="alerts", default_route={"msteams": {"id": "X", "enabled": True}})
    assert "default_route.msteams" in message
    assert oncall.exchanges(writes_only=True) == []


def test_backend_present_on_the_server_is_updated(cloud):
    existing = cloud.integration("alerts")
    run(cloud, name="alerts", templates={"msteams": {"title": "T"}}, default_route={"msteams": {"enabled": True}})
    assert cloud.exchanges(writes_only=True) == [("PUT", path(existing), {"templates": {"msteams": {"title": "T"}},
                                                                          "default_route": {"msteams": {"enabled": True}}})]


def test_backend_check_on_create_uses_the_name_lookup_results(oncall):
    oncall.integration("alerts", team_id=oncall.team_id("ops"))
    message = fails(oncall, name="alerts", team_id=oncall.team_id("db"), type="webhook", templates={"msteams": {"title": "T"}})
    assert "templates.msteams" in message
    assert oncall.exchanges() == [LOOKUP]


def test_backend_check_on_create_reads_one_integration_when_the_name_is_new(oncall):
    oncall.integration("other")
    oncall.integration("another")
    message = fails(oncall, name="alerts", type="webhook", templates={"msteams": {"title": "T"}})
    assert "templates.msteams" in message
    assert oncall.exchanges() == [LOOKUP, ("GET", INTEGRATIONS, {"perpage": "1"})]


def test_backend_present_on_create_is_sent(cloud):
    cloud.integration("other")
    run(cloud, name="alerts", type="webhook", templates={"msteams": {"title": "T"}})
    assert cloud.exchanges(writes_only=True) == [("POST", INTEGRATIONS, {"type": "webhook", "name": "alerts", "templates": {"msteams": {"title": "T"}}})]


def test_backend_check_with_no_integration_at_all_creates_then_deletes_and_fails(oncall):
    message = fails(oncall, name="alerts", type="webhook", templates={"msteams": {"title": "T"}})
    assert "templates.msteams" in message and "deleted again" in message
    [made] = oncall.control("GET", "state")["integrations"]
    assert [request[:2] for request in oncall.exchanges(writes_only=True)] == [("POST", INTEGRATIONS), ("DELETE", INTEGRATIONS + made["id"] + "/")]
    assert made["deleted"] is True and oncall.all("integrations/") == []


def test_backend_check_with_no_integration_at_all_keeps_what_the_server_has(oncall):
    result, dummy = run(oncall, name="alerts", type="webhook", templates={"email": {"title": "E"}})
    assert [request[0] for request in oncall.exchanges(writes_only=True)] == ["POST"]
    assert result["integration"]["templates"]["email"]["title"] == "E"


def test_backend_check_in_check_mode_with_no_integration_at_all_warns(oncall):
    result, warnings = run(oncall, check_mode=True, name="alerts", type="webhook", templates={"msteams": {"title": "T"}})
    assert oncall.exchanges(writes_only=True) == []
    assert len(warnings) == 1 and "templates.msteams" in warnings[0]


# ------------------------------------------------------------------ purge_templates and default route


def test_purge_templates_nulls_exactly_the_unset_templates_that_are_set_on_the_server(oncall):
    existing = oncall.integration("alerts", templates={"grouping_key": "g", "resolve_signal": None,
                                                       "slack": {"title": "st", "message": "sm"}, "web": {"title": "wt"},
                                                       "email": {"message": "em"}})
    run(oncall, name="alerts", purge_templates=True, templates={"slack": {"title": "new"}, "web": {"title": "wt"}})
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"templates": {
        "grouping_key": None, "slack": {"title": "new", "message": None}, "email": {"message": None}}})]


def test_purge_templates_is_no_change_when_only_set_templates_are_non_null(oncall):
    oncall.integration("alerts", templates={"slack": {"title": "st"}})
    result, dummy = run(oncall, name="alerts", purge_templates=True, templates={"slack": {"title": "st"}})
    assert result["changed"] is False
    assert oncall.exchanges(writes_only=True) == []


def test_purge_templates_without_templates_resets_every_template(oncall):
    existing = oncall.integration("alerts", templates={"source_link": "s", "sms": {"title": "x"}})
    run(oncall, name="alerts", purge_templates=True)
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"templates": {"source_link": None, "sms": {"title": None}}})]


def test_without_purge_unset_templates_are_left_alone(oncall):
    existing = oncall.integration("alerts", templates={"grouping_key": "g", "slack": {"title": "st", "message": "sm"}})
    run(oncall, name="alerts", templates={"slack": {"title": "new"}})
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"templates": {"slack": {"title": "new"}}})]


def test_purge_templates_on_create_sends_only_the_set_templates(oncall):
    run(oncall, name="alerts", type="webhook", purge_templates=True, templates={"slack": {"title": "T"}})
    assert oncall.exchanges(writes_only=True) == [("POST", INTEGRATIONS, {"type": "webhook", "name": "alerts", "templates": {"slack": {"title": "T"}}})]


def test_empty_template_text_is_managed_not_unset(oncall):
    existing = oncall.integration("alerts", templates={"slack": {"title": None}})
    run(oncall, name="alerts", templates={"slack": {"title": ""}})
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"templates": {"slack": {"title": ""}}})]


def test_default_route_empty_string_means_null(oncall):
    existing = oncall.integration("alerts", default_route={"escalation_chain_id": oncall.chain("prod")["id"],
                                                           "slack": {"channel_id": "C01ALERTS"}})
    set_telegram_channel(oncall, existing, "TG1")
    run(oncall, name="alerts", default_route={"escalation_chain_id": "", "slack": {"channel_id": ""}, "telegram": {"id": ""}})
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"default_route": {"escalation_chain_id": None, "slack": {"channel_id": None},
                                                                                             "telegram": {"id": None}}})]


def test_default_route_empty_string_matches_null_on_the_server(oncall):
    oncall.integration("alerts")
    result, dummy = run(oncall, name="alerts", default_route={"escalation_chain_id": "", "slack": {"channel_id": ""}, "telegram": {"id": ""}})
    assert result["changed"] is False


def test_slack_channel_id_is_compared_upper_cased(oncall):
    existing = oncall.integration("alerts", default_route={"slack": {"channel_id": "C01ALERTS"}})
    result, dummy = run(oncall, name="alerts", default_route={"slack": {"channel_id": "c01alerts"}})
    assert result["changed"] is False
    run(oncall, name="alerts", default_route={"slack": {"channel_id": "c02noise", "enabled": False}})
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"default_route": {"slack": {"channel_id": "C02NOISE", "enabled": False}}})]


# ------------------------------------------------------------------ POST whose outcome is unknown or failed


def statuses(oncall):
    return [(entry["method"], entry["status"]) for entry in oncall.log()]


def test_post_lost_answer_then_found_sends_no_second_post(oncall):
    oncall.add_fault("POST", CREATE, kind="reset_after")
    result, dummy = run(oncall, name="alerts", type="webhook")
    assert statuses(oncall) == [("GET", 200), ("POST", "reset"), ("GET", 200)]
    assert oncall.exchanges()[2] == LOOKUP
    assert result["changed"] is True
    assert result["integration"] == the_only_integration(oncall)


def test_post_lost_answer_then_not_found_sends_exactly_one_more_post(oncall):
    oncall.add_fault("POST", CREATE, kind="reset_before")
    result, dummy = run(oncall, name="alerts", type="webhook")
    assert statuses(oncall) == [("GET", 200), ("POST", "reset"), ("GET", 200), ("POST", 201)]
    assert oncall.exchanges()[1] == oncall.exchanges()[3]
    assert result["integration"] == the_only_integration(oncall)


def test_post_lost_answer_twice_and_not_found_fails_after_two_posts(oncall):
    oncall.add_fault("POST", CREATE, count=2, kind="reset_before")
    with pytest.raises(OnCallAPIError) as caught:
        run(oncall, name="alerts", type="webhook")
    assert caught.value.outcome_unknown is True
    assert statuses(oncall) == [("GET", 200), ("POST", "reset"), ("GET", 200), ("POST", "reset"), ("GET", 200)]
    assert oncall.all("integrations/") == []


def test_post_lost_answer_lookup_respects_the_team(oncall):
    oncall.integration("alerts", team_id=oncall.team_id("ops"))
    db = oncall.team_id("db")
    oncall.add_fault("POST", CREATE, kind="reset_after")
    result, dummy = run(oncall, name="alerts", team_id=db, type="webhook")
    assert result["integration"]["team_id"] == db
    assert statuses(oncall) == [("GET", 200), ("POST", "reset"), ("GET", 200)]


def test_post_5xx_not_found_fails_with_the_server_answer_and_no_second_post(oncall):
    # Creating a grafana_alerting integration answers 500 on self-hosted OnCall 1.14.3 and later, and creates nothing.
    with pytest.raises(OnCallAPIError) as caught:
        run(oncall, name="alerts", type="grafana_alerting")
    assert caught.value.status == 500
    assert "Server Error (500)" in str(caught.value)
    assert statuses(oncall) == [("GET", 200), ("POST", 500), ("GET", 200)]
    assert caught.value.created is None


def test_post_5xx_that_created_anyway_fails_with_the_server_answer_naming_the_object(oncall):
    # A server that makes the integration and then answers 500. The emulator's faults either run a request or
    # answer 500 without running it, so the integration is made between the plan and the POST, which then fails.
    resource = Integration(task(name="alerts", type="webhook"), oncall.client())
    plan = resource.plan()
    made = oncall.integration("alerts")
    oncall.add_fault("POST", CREATE, kind="status", status=500)
    oncall.clear_log()
    with pytest.raises(OnCallAPIError) as caught:
        resource.apply(plan)
    assert caught.value.status == 500
    assert "created nonetheless (id %s)" % made["id"] in str(caught.value)
    assert caught.value.created == made
    assert statuses(oncall) == [("POST", 500), ("GET", 200)]
    assert oncall.exchanges()[1] == LOOKUP


def test_post_4xx_fails_at_once_without_lookup(oncall):
    # datadog exists only on Grafana Cloud: a self-hosted server refuses it with its own 400.
    with pytest.raises(OnCallAPIError) as caught:
        run(oncall, name="alerts", type="datadog")
    assert (caught.value.status, caught.value.message) == (400, "Invalid integration type")
    assert statuses(oncall) == [("GET", 200), ("POST", 400)]


# ------------------------------------------------------------------ options checked when the resource is built


@pytest.mark.parametrize("given, word", [
    ({"name": "x" * 151}, "at most 150"),
    ({"name": ""}, "name must not be empty"),
    ({"name": "   "}, "name must not be empty"),
    ({"name": "alerts", "description_short": "d" * 251}, "at most 250"),
    ({"id": "C1", "state": "absent", "name": "x" * 151}, "at most 150"),
])
def test_invalid_options_fail_before_any_request(oncall, given, word):
    assert word in refused(oncall, **given)
    assert oncall.log() == []


@pytest.mark.parametrize("kind", ["maintenance", "direct_paging", "legacy_alertmanager", "legacy_grafana_alerting", "  ", "alertmanagr"])
def test_types_oncall_would_hide_own_or_refuse_are_not_among_the_choices(kind):
    # Ansible refuses them from the argument spec, before the module runs.
    assert kind not in INTEGRATION_TYPES
    errors = ArgumentSpecValidator(INTEGRATION_ARGUMENT_SPEC).validate({"name": "alerts", "type": kind}).error_messages
    assert errors and "value of type must be one of" in errors[0]


def test_every_type_a_self_hosted_server_creates_is_a_choice_and_the_others_are_cloud_only():
    assert set(SELF_HOSTED_TYPES) | set(CLOUD_ONLY_TYPES) == set(INTEGRATION_TYPES) and not set(SELF_HOSTED_TYPES) & set(CLOUD_ONLY_TYPES)
    assert INTEGRATION_ARGUMENT_SPEC["type"]["choices"] == list(INTEGRATION_TYPES)


def test_name_of_150_and_description_of_250_characters_are_accepted(oncall):
    result, dummy = run(oncall, name="n" * 150, type="webhook", description_short="d" * 250)
    assert result["changed"] is True
    assert result["integration"] == the_only_integration(oncall)


def test_empty_id_falls_back_to_the_name(oncall):
    oncall.integration("alerts")
    result, dummy = run(oncall, id="", name="alerts")
    assert result["changed"] is False and oncall.exchanges() == [LOOKUP]


@pytest.mark.parametrize("given", [{"id": ""}, {"id": None, "type": "webhook"}])
def test_empty_id_without_name_fails_before_any_request(oncall, given):
    assert "name is required unless id is given" in refused(oncall, **given)
    assert oncall.log() == []


@pytest.mark.parametrize("bad_id", ["cabc", "C1 ", "C1/../teams", "T1", "C"])
def test_malformed_id_fails_before_it_reaches_a_path(oncall, bad_id):
    assert "id must be an OnCall id such as CFRPV98RPR1U8" in refused(oncall, id=bad_id, state="absent")
    assert oncall.log() == []


def test_name_and_description_are_trimmed_like_oncall_trims_them(oncall):
    oncall.integration("alerts", description_short="d")
    result, dummy = run(oncall, name="  alerts ", description_short="d ")
    assert result["changed"] is False and oncall.exchanges() == [LOOKUP]


def test_failed_cleanup_of_a_half_made_integration_names_the_leftover(oncall):
    oncall.add_fault("DELETE", INTEGRATIONS, kind="status", status=503)
    message = fails(oncall, name="alerts", type="webhook", templates={"msteams": {"title": "x"}})
    leftover = the_only_integration(oncall)
    assert "could not be deleted again" in message and leftover["id"] in message and "templates.msteams" in message


@pytest.mark.parametrize("templates, words", [
    ({"slack": {"subject": "x"}}, ["Unsupported parameters for templates.slack: templates.slack.subject", "title, message, image_url"]),
    ({"sms": {"message": "x"}}, ["templates.sms.message", "Supported parameters include: title."]),
    ({"email": {"image_url": "x"}}, ["templates.email.image_url"]),
    ({"web": {"title": 5}}, ["templates.web.title must be a string (a template), got int"]),
])
def test_channel_template_keys_and_types_are_checked_before_any_request(oncall, templates, words):
    message = refused(oncall, name="alerts", templates=templates)
    assert all(word in message for word in words), message
    assert oncall.log() == []


def test_purge_leaves_templates_of_backends_the_module_cannot_set(oncall):
    # A server with a messaging backend the module has no option for (mattermost). The emulator has no such
    # backend, so the answers are scripted: the emulator's integration with a mattermost template added.
    current = oncall.integration("alerts", templates={"web": {"title": "gone"}})
    current["templates"]["mattermost"] = {"title": "kept", "message": None, "image_url": None}
    client, session = scripted_client(response(200, page([current])), response(200, current))
    Integration(task(name="alerts", purge_templates=True), client).run()
    assert [(call.method, call.json) for call in session.calls] == [("GET", None), ("PUT", {"templates": {"web": {"title": None}}})]

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_integration with names (team, default_route.escalation_chain, default_route.slack.channel) instead of ids, against the emulator."""

from __future__ import annotations

import copy

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameNotFound
from ansible_collections.oncall.grafana.plugins.module_utils.integration import (
    INTEGRATION_ARGUMENT_SPEC,
    INTEGRATION_MODULE_KWARGS,
    Integration,
)

INTEGRATIONS = "/api/v1/integrations/"
LOOKUP = ("GET", INTEGRATIONS, {"name": "alerts", "perpage": "100"})


def by_name(kind, name, name_filter="name"):
    """The one filtered request that resolves a name."""
    return ("GET", "/api/v1/%s/" % kind, {name_filter: name, "perpage": "100"})


@pytest.fixture
def known(oncall):
    """The ids of what the emulator knows by name: teams ops and db, chains prod (no team) and night (team ops)."""
    ops = oncall.team_id("ops")
    return {"ops": ops, "db": oncall.team_id("db"), "prod": oncall.chain("prod")["id"], "night": oncall.chain("night", team_id=ops)["id"]}


def path(integration):
    return "%s%s/" % (INTEGRATIONS, integration["id"])


def module_params(**given):
    result = ArgumentSpecValidator(INTEGRATION_ARGUMENT_SPEC, **INTEGRATION_MODULE_KWARGS).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def run(oncall, check_mode=False, **given):
    """Run the task on a fresh request log; the result and the warnings. The task's own params must stay as given."""
    params, warnings = module_params(**given), []
    before = copy.deepcopy(params)
    resource = Integration(params, oncall.client(), check_mode, True, warnings.append)
    oncall.clear_log()
    result = resource.run()
    assert params == before, "the task's own params were changed"
    return result, warnings


def fails(oncall, check_mode=False, **given):
    oncall.clear_log()
    with pytest.raises(OnCallError) as caught:
        Integration(module_params(**given), oncall.client(), check_mode).run()
    return str(caught.value)


# ------------------------------------------------------------------ resolution and budget


def test_names_resolve_to_the_same_ids_and_are_unchanged_with_one_request_each(oncall, known):
    oncall.integration("alerts", team_id=known["ops"], default_route={"escalation_chain_id": known["prod"],
                                                                      "slack": {"channel_id": "C01ALERTS", "enabled": True}})
    result, dummy = run(oncall, name="alerts", type="webhook", team="ops", default_route={"escalation_chain": "prod", "slack": {"channel": "#alerts"}})
    assert result["changed"] is False
    assert oncall.exchanges() == [by_name("teams", "ops"), by_name("escalation_chains", "prod"),
                                  by_name("slack_channels", "alerts", name_filter="channel_name"), LOOKUP]


def test_slack_channel_without_hash_is_the_same_channel(oncall):
    oncall.integration("alerts", default_route={"slack": {"channel_id": "C01ALERTS"}})
    result, dummy = run(oncall, name="alerts", default_route={"slack": {"channel": "alerts"}})
    assert result["changed"] is False
    assert oncall.exchanges() == [by_name("slack_channels", "alerts", name_filter="channel_name"), LOOKUP]


def test_names_not_used_cost_nothing(oncall):
    oncall.integration("alerts")
    run(oncall, name="alerts", default_route={"slack": {"enabled": True}})
    assert oncall.exchanges() == [LOOKUP]


def test_team_name_picks_the_integration_of_that_team(oncall, known):
    oncall.integration("alerts", team_id=known["ops"])
    in_db = oncall.integration("alerts", team_id=known["db"])
    run(oncall, name="alerts", team="db", description_short="x")
    assert oncall.exchanges(writes_only=True) == [("PUT", path(in_db), {"description_short": "x"})]


def test_resolved_ids_are_written_on_update(oncall, known):
    existing = oncall.integration("alerts")
    run(oncall, name="alerts", default_route={"escalation_chain": "night", "slack": {"channel": "#ops-noise", "enabled": False}})
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"default_route": {"escalation_chain_id": known["night"],
                                                                                             "slack": {"channel_id": "C02NOISE", "enabled": False}}})]


def test_resolved_ids_are_written_on_create(oncall, known):
    result, dummy = run(oncall, name="alerts", type="webhook", team="ops", default_route={"escalation_chain": "prod"})
    assert oncall.exchanges(writes_only=True) == [("POST", INTEGRATIONS, {"name": "alerts", "team_id": known["ops"], "type": "webhook",
                                                                          "default_route": {"escalation_chain_id": known["prod"]}})]
    assert result["integration"]["team_id"] == known["ops"]
    assert result["integration"]["default_route"]["escalation_chain_id"] == known["prod"]


def test_id_with_team_name_moves_the_integration(oncall, known):
    existing = oncall.integration("alerts", team_id=known["ops"])
    run(oncall, id=existing["id"], name="alerts", team="db")
    assert oncall.exchanges(writes_only=True) == [("PUT", path(existing), {"team_id": known["db"]})]


def test_names_are_trimmed_before_lookup(oncall, known):
    oncall.integration("alerts", team_id=known["ops"])
    result, dummy = run(oncall, name="alerts", team=" ops ")
    assert result["changed"] is False
    assert oncall.exchanges() == [by_name("teams", "ops"), LOOKUP]


# ------------------------------------------------------------------ unknown names


@pytest.mark.parametrize("given, words", [
    ({"team": "nobody"}, ["team 'nobody' not found", "copies teams from Grafana"]),
    ({"default_route": {"escalation_chain": "nochain"}}, ["escalation chain 'nochain' not found"]),
    ({"default_route": {"slack": {"channel": "#nochan"}}}, ["Slack channel 'nochan' not found"]),
])
def test_unknown_name_fails_before_any_write(oncall, given, words):
    oncall.integration("alerts")
    message = fails(oncall, name="alerts", type="webhook", **given)
    for word in words:
        assert word in message
    assert oncall.exchanges(writes_only=True) == []


def test_unknown_name_on_create_fails_before_the_lookup(oncall):
    fails(oncall, name="alerts", type="webhook", default_route={"escalation_chain": "nochain"})
    assert oncall.exchanges() == [by_name("escalation_chains", "nochain")]


@pytest.mark.parametrize("given", [
    {"team": ""}, {"team": "  "},
    {"default_route": {"escalation_chain": ""}},
    {"default_route": {"slack": {"channel": ""}}}, {"default_route": {"slack": {"channel": "#"}}},
])
def test_empty_names_fail_before_any_request(oncall, given):
    oncall.integration("alerts")
    assert "must not be empty" in fails(oncall, name="alerts", **given)
    assert oncall.log() == []


@pytest.mark.parametrize("given", [
    {"team": "ops", "team_id": "TOPS1"},
    {"default_route": {"escalation_chain": "prod", "escalation_chain_id": "FPROD1"}},
    {"default_route": {"slack": {"channel": "alerts", "channel_id": "C01ALERTS"}}},
])
def test_name_and_id_are_mutually_exclusive(given):
    result = ArgumentSpecValidator(INTEGRATION_ARGUMENT_SPEC, **INTEGRATION_MODULE_KWARGS).validate(dict(given, name="alerts"))
    assert result.error_messages


# ------------------------------------------------------------------ check mode


def test_check_mode_unknown_chain_warns_and_reports_the_change_with_a_placeholder(oncall):
    # A chain can be created by an earlier task of the same playbook: check mode shows where its id would be.
    oncall.integration("alerts")
    result, warnings = run(oncall, check_mode=True, name="alerts", default_route={"escalation_chain": "new chain"})
    assert result["changed"] is True
    assert oncall.exchanges(writes_only=True) == []
    assert yaml.safe_load(result["diff"]["after"])["default_route"] == {"escalation_chain_id": "<escalation chain new chain>"}
    assert len(warnings) == 1 and "check mode" in warnings[0]


@pytest.mark.parametrize("options, message", [
    ({"type": "webhook", "team": "new team"}, "team 'new team' not found"),
    ({"default_route": {"slack": {"channel": "#new-chan"}}}, "Slack channel 'new-chan' not found"),
])
def test_check_mode_unknown_team_or_slack_channel_fails_as_a_real_run_would(oncall, known, options, message):
    # No module creates teams or Slack channels: a dry run that passed would promise a real run that fails.
    oncall.integration("alerts", team_id=known["ops"])
    with pytest.raises(NameNotFound, match=message):
        run(oncall, check_mode=True, name="alerts", **options)
    assert oncall.exchanges(writes_only=True) == []


def test_known_names_in_check_mode_do_not_warn(oncall, known):
    oncall.integration("alerts", team_id=known["ops"])
    result, warnings = run(oncall, check_mode=True, name="alerts", team="ops", default_route={"escalation_chain": "prod"})
    assert result["changed"] is True and warnings == []
    assert result["integration"]["default_route"]["escalation_chain_id"] == known["prod"]
    assert oncall.exchanges(writes_only=True) == []


def test_placeholder_never_reaches_a_real_write(oncall):
    oncall.integration("alerts")
    assert "escalation chain 'new chain' not found" in fails(oncall, name="alerts", default_route={"escalation_chain": "new chain"})
    assert oncall.exchanges(writes_only=True) == []


# ------------------------------------------------------------------ absent


def test_absent_by_team_name_deletes_the_integration_of_that_team(oncall, known):
    in_ops = oncall.integration("alerts", team_id=known["ops"])
    in_db = oncall.integration("alerts", team_id=known["db"])
    result, dummy = run(oncall, state="absent", name="alerts", team="db")
    assert result["changed"] is True
    assert oncall.exchanges(writes_only=True) == [("DELETE", path(in_db), None)]
    assert oncall.all("integrations/") == [in_ops]


def test_absent_does_not_need_the_default_route_names(oncall):
    existing = oncall.integration("alerts")
    result, dummy = run(oncall, state="absent", name="alerts",
                        default_route={"escalation_chain": "already deleted chain", "slack": {"channel": "#archived"}})
    assert result["changed"] is True
    assert oncall.exchanges() == [LOOKUP, ("DELETE", path(existing), None)]


def test_absent_with_known_default_route_names_costs_only_the_lookup_and_the_delete(oncall, known):
    existing = oncall.integration("alerts")
    run(oncall, state="absent", name="alerts", default_route={"escalation_chain": "prod"})
    assert oncall.exchanges() == [LOOKUP, ("DELETE", path(existing), None)]

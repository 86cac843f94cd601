# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""list_integrations (oncall_integration_info) against the emulator: filters, team names, export, and exactly which requests it makes."""

from __future__ import annotations

import copy

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.oncall.grafana.plugins.module_utils.client import OnCallClient
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.integration import (
    INTEGRATION_INFO_ARGUMENT_SPEC,
    INTEGRATION_INFO_MODULE_KWARGS,
    export_params,
    list_integrations,
)
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameNotFound, NameResolver
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import BASE, TOKEN, FakeSession, SleepRecorder, response

INTEGRATIONS = "/api/v1/integrations/"
LIST_ALL = ("GET", INTEGRATIONS, {"perpage": "100"})


def by_name(kind, name):
    return ("GET", "/api/v1/%s/" % kind, {"name": name, "perpage": "100"})


@pytest.fixture
def made(oncall):
    """Five integrations, by label, as the API shows them, in the order the server lists them."""
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    integrations = {
        "alerts/ops": oncall.integration("alerts", type="alertmanager", team_id=ops),
        "alerts/none": oncall.integration("alerts", type="webhook"),
        "alerts/db": oncall.integration("alerts", type="alertmanager", team_id=db),
        "other/ops": oncall.integration("other", type="formatted_webhook", team_id=ops),
        # OnCall makes one direct paging integration per team by itself; the API cannot.
        "paging/ops": oncall.control("POST", "direct_paging", {"team_id": ops}),
    }
    assert oncall.all("integrations/") == list(integrations.values())
    return integrations


def info_params(**given):
    result = ArgumentSpecValidator(INTEGRATION_INFO_ARGUMENT_SPEC, **INTEGRATION_INFO_MODULE_KWARGS).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def list_with(client, check_mode=False, **given):
    """list_integrations as oncall_integration_info runs it; the result and the warnings. The params must stay as given."""
    params, warnings = info_params(**given), []
    before = copy.deepcopy(params)
    result = list_integrations(params, client, NameResolver(client, check_mode, warnings.append))
    assert params == before, "list_integrations changed the params"
    return result, warnings


def listing(oncall, check_mode=False, **given):
    """List on a fresh request log; a listing never writes."""
    client = oncall.client()
    oncall.clear_log()
    result, warnings = list_with(client, check_mode, **given)
    assert [entry for entry in oncall.log() if entry["method"] != "GET"] == []
    return result, warnings


def fails(oncall, **given):
    client = oncall.client()
    oncall.clear_log()
    with pytest.raises(OnCallError) as caught:
        list_with(client, **given)
    return str(caught.value)


def labels(result, made):
    label_of = {item["id"]: label for label, item in made.items()}
    return [label_of[item["id"]] for item in result["integrations"]]


def test_no_filter_lists_everything_in_one_list_all_as_the_api_returns_it(oncall, made):
    result, dummy = listing(oncall)
    assert result == {"changed": False, "integrations": list(made.values())}
    assert oncall.exchanges() == [LIST_ALL]


def test_empty_organization_gives_an_empty_list(oncall):
    result, dummy = listing(oncall)
    assert result == {"changed": False, "integrations": []}
    assert oncall.exchanges() == [LIST_ALL]


def test_name_filter_is_sent_to_the_server_and_checked_exactly(oncall, made):
    result, dummy = listing(oncall, name="alerts")
    assert labels(result, made) == ["alerts/ops", "alerts/none", "alerts/db"]
    assert oncall.exchanges() == [by_name("integrations", "alerts")]


def test_name_filter_drops_loose_server_matches(oncall, made):
    # A server that ignores the name filter answers with every integration. The emulator always applies it, so
    # its answer without the filter is scripted as the answer to name=other.
    everything = oncall.api("GET", "integrations/", params={"perpage": 100})
    session = FakeSession(response(200, everything))
    result, dummy = list_with(OnCallClient(BASE, TOKEN, session=session, sleep=SleepRecorder()), name="other")
    assert len(everything["results"]) == 5
    assert labels(result, made) == ["other/ops"]
    assert [call.params for call in session.calls] == [{"name": "other", "perpage": 100}]


def test_id_filter_is_one_get(oncall, made):
    wanted = made["alerts/db"]
    result, dummy = listing(oncall, id=wanted["id"])
    assert result["integrations"] == [wanted]
    assert oncall.exchanges() == [("GET", INTEGRATIONS + wanted["id"] + "/", {})]


def test_unknown_id_gives_an_empty_list(oncall, made):
    result, dummy = listing(oncall, id="CZZZ9")
    assert result == {"changed": False, "integrations": []}
    assert oncall.exchanges() == [("GET", INTEGRATIONS + "CZZZ9/", {})]


@pytest.mark.parametrize("bad_id", ["c123", "CA1/../x", "TOPS1", "CA 1", "../CA1"])
def test_bad_id_fails_before_any_request(oncall, bad_id):
    assert "id must be an OnCall id" in fails(oncall, id=bad_id)
    assert oncall.log() == []


def test_team_id_is_filtered_on_the_client_side(oncall, made):
    result, dummy = listing(oncall, team_id=oncall.team_id("ops"))
    assert labels(result, made) == ["alerts/ops", "other/ops", "paging/ops"]
    assert oncall.exchanges() == [LIST_ALL]


def test_empty_team_id_lists_integrations_without_team(oncall, made):
    result, dummy = listing(oncall, team_id="")
    assert labels(result, made) == ["alerts/none"]
    assert oncall.exchanges() == [LIST_ALL]


def test_type_is_filtered_on_the_client_side(oncall, made):
    result, dummy = listing(oncall, type="alertmanager")
    assert labels(result, made) == ["alerts/ops", "alerts/db"]
    assert oncall.exchanges() == [LIST_ALL]


def test_team_name_costs_exactly_one_filtered_request(oncall, made):
    result, dummy = listing(oncall, team="db")
    assert labels(result, made) == ["alerts/db"]
    assert oncall.exchanges() == [by_name("teams", "db"), LIST_ALL]


def test_combined_filters(oncall, made):
    result, dummy = listing(oncall, name="alerts", team="ops", type="alertmanager")
    assert labels(result, made) == ["alerts/ops"]
    assert oncall.exchanges() == [by_name("teams", "ops"), by_name("integrations", "alerts")]


def test_id_with_a_non_matching_filter_gives_an_empty_list(oncall, made):
    wanted = made["alerts/ops"]
    result, dummy = listing(oncall, id=wanted["id"], team_id=oncall.team_id("db"))
    assert result["integrations"] == []
    assert oncall.exchanges() == [("GET", INTEGRATIONS + wanted["id"] + "/", {})]


def test_id_name_and_type_together(oncall, made):
    wanted = made["alerts/ops"]["id"]
    assert labels(listing(oncall, id=wanted, name="alerts", type="alertmanager")[0], made) == ["alerts/ops"]
    assert labels(listing(oncall, id=wanted, name="other")[0], made) == []
    assert labels(listing(oncall, id=wanted, type="webhook")[0], made) == []


def test_unknown_team_fails_before_listing_saying_teams_come_from_grafana(oncall, made):
    message = fails(oncall, team="nobody")
    assert "team 'nobody' not found" in message and "Grafana" in message
    assert oncall.exchanges() == [by_name("teams", "nobody")]


def test_unknown_team_fails_in_check_mode_too(oncall, made):
    # No module creates teams: an unknown one is a mistake, in a dry run as in a real one.
    with pytest.raises(NameNotFound, match="team 'nobody' not found"):
        listing(oncall, check_mode=True, team="nobody")
    assert oncall.exchanges() == [by_name("teams", "nobody")]


@pytest.mark.parametrize("team", ["", "   "])
def test_empty_team_name_fails_before_any_request(oncall, team):
    assert "team must not be empty" in fails(oncall, team=team)
    assert oncall.log() == []


def test_team_and_team_id_are_mutually_exclusive():
    result = ArgumentSpecValidator(INTEGRATION_INFO_ARGUMENT_SPEC, **INTEGRATION_INFO_MODULE_KWARGS).validate({"team": "ops", "team_id": "TOPS1"})
    assert result.error_messages


def test_export_adds_params_to_each_item_and_null_for_direct_paging(oncall, made):
    result, dummy = listing(oncall, export=True)
    # Four integrations to export on one page of integrations: one listing of every route, not four.
    assert oncall.exchanges() == [LIST_ALL, ("GET", "/api/v1/routes/", {"perpage": "100"})]
    assert len(result["integrations"]) == len(made)
    for item, original in zip(result["integrations"], made.values()):
        assert {key: value for key, value in item.items() if key != "params"} == original
        if original["type"] == "direct_paging":
            assert item["params"] is None
        else:
            assert item["params"] is not None and item["params"] == export_params(original)


def test_without_export_there_is_no_params_key(oncall, made):
    result, dummy = listing(oncall)
    assert result["integrations"] and all("params" not in item for item in result["integrations"])


def test_items_are_returned_with_the_link_as_the_api_returns_them(oncall, made):
    wanted = made["alerts/ops"]
    result, dummy = listing(oncall, id=wanted["id"])
    assert wanted["link"] and result["integrations"][0]["link"] == wanted["link"]

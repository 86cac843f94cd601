# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""list_integrations (oncall_integration_info): filters, team names, export, and exactly which requests it makes."""

from __future__ import annotations

import copy

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.integration import (
    INTEGRATION_INFO_ARGUMENT_SPEC,
    INTEGRATION_INFO_MODULE_KWARGS,
    export_params,
    list_integrations,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.oncall_fakes import FakeClient, FakeModule, integration

TEAMS = [{"id": "TOPS1", "grafana_id": 1, "name": "ops", "email": None, "avatar_url": ""},
         {"id": "TDEV2", "grafana_id": 2, "name": "dev", "email": None, "avatar_url": ""}]
LIST_ALL = ("LIST", "integrations/", None)


class DirectoryClient(FakeClient):
    """FakeClient that also lists teams by name, like /teams/?name= does."""

    def __init__(self, integrations=(), teams=()):
        super().__init__(integrations)
        self.teams = list(teams)

    def list_all(self, path, params=None):
        if path == "teams/":
            self.calls.append(("LIST", path, copy.deepcopy(params)))
            assert set(params or {}) == {"name"}
            return [copy.deepcopy(team) for team in self.teams if team["name"] == params["name"]]
        assert path == "integrations/", path
        return super().list_all(path, params)

    def get(self, path, params=None):
        raise AssertionError("oncall_integration_info lists through list_all, which walks every page")


STORE = [
    integration("CA1", "alerts", kind="alertmanager", team_id="TOPS1"),
    integration("CA2", "alerts", kind="webhook", team_id=None),
    integration("CA3", "alerts", kind="alertmanager", team_id="TDEV2"),
    integration("CB4", "other", kind="grafana_alerting", team_id="TOPS1"),
    integration("CD5", "Direct paging (ops team)", kind="direct_paging", team_id="TOPS1"),
]


def info_params(**given):
    result = ArgumentSpecValidator(INTEGRATION_INFO_ARGUMENT_SPEC, **INTEGRATION_INFO_MODULE_KWARGS).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def listing(check_mode=False, store=None, **given):
    client = DirectoryClient(STORE if store is None else store, TEAMS)
    module = FakeModule(info_params(**given), check_mode=check_mode)
    before = copy.deepcopy(module.params)
    result = list_integrations(module, client)
    assert module.params == before, "list_integrations changed module.params"
    assert client.writes() == []
    return result, client, module


def ids(result):
    return [item["id"] for item in result["integrations"]]


def test_no_filter_lists_everything_in_one_list_all_as_the_api_returns_it():
    result, client, dummy = listing()
    assert result == {"changed": False, "integrations": STORE}
    assert client.calls == [LIST_ALL]


def test_empty_organization_gives_an_empty_list():
    result, dummy, dummy2 = listing(store=[])
    assert result == {"changed": False, "integrations": []}


def test_name_filter_is_sent_to_the_server_and_checked_exactly():
    result, client, dummy = listing(name="alerts")
    assert ids(result) == ["CA1", "CA2", "CA3"]
    assert client.calls == [("LIST", "integrations/", {"name": "alerts"})]


def test_name_filter_drops_loose_server_matches():
    client = DirectoryClient(STORE, TEAMS)
    client.list_all = lambda path, params=None: copy.deepcopy(STORE)  # a server that ignores the filter
    result = list_integrations(FakeModule(info_params(name="other")), client)
    assert ids(result) == ["CB4"]


def test_id_filter_is_one_get():
    result, client, dummy = listing(id="CA3")
    assert ids(result) == ["CA3"]
    assert client.calls == [("GET", "integrations/CA3/", None)]


def test_unknown_id_gives_an_empty_list():
    result, client, dummy = listing(id="CZZZ9")
    assert result == {"changed": False, "integrations": []}
    assert client.calls == [("GET", "integrations/CZZZ9/", None)]


@pytest.mark.parametrize("bad_id", ["c123", "CA1/../x", "TOPS1", "CA 1", "../CA1"])
def test_bad_id_fails_before_any_call(bad_id):
    client = DirectoryClient(STORE, TEAMS)
    with pytest.raises(OnCallError) as caught:
        list_integrations(FakeModule(info_params(id=bad_id)), client)
    assert "id" in str(caught.value)
    assert client.calls == []


def test_team_id_is_filtered_on_the_client_side():
    result, client, dummy = listing(team_id="TOPS1")
    assert ids(result) == ["CA1", "CB4", "CD5"]
    assert client.calls == [LIST_ALL]


def test_empty_team_id_lists_integrations_without_team():
    result, client, dummy = listing(team_id="")
    assert ids(result) == ["CA2"]
    assert client.calls == [LIST_ALL]


def test_type_is_filtered_on_the_client_side():
    result, client, dummy = listing(type="alertmanager")
    assert ids(result) == ["CA1", "CA3"]
    assert client.calls == [LIST_ALL]


def test_team_name_costs_exactly_one_filtered_request():
    result, client, dummy = listing(team="dev")
    assert ids(result) == ["CA3"]
    assert client.calls == [("LIST", "teams/", {"name": "dev"}), LIST_ALL]


def test_combined_filters():
    result, client, dummy = listing(name="alerts", team="ops", type="alertmanager")
    assert ids(result) == ["CA1"]
    assert client.calls == [("LIST", "teams/", {"name": "ops"}), ("LIST", "integrations/", {"name": "alerts"})]


def test_id_with_a_non_matching_filter_gives_an_empty_list():
    result, client, dummy = listing(id="CA1", team_id="TDEV2")
    assert result["integrations"] == []
    assert client.calls == [("GET", "integrations/CA1/", None)]


def test_id_name_and_type_together():
    assert ids(listing(id="CA1", name="alerts", type="alertmanager")[0]) == ["CA1"]
    assert ids(listing(id="CA1", name="other")[0]) == []
    assert ids(listing(id="CA1", type="webhook")[0]) == []


def test_unknown_team_fails_before_listing_saying_teams_come_from_grafana():
    client = DirectoryClient(STORE, TEAMS)
    with pytest.raises(OnCallError) as caught:
        list_integrations(FakeModule(info_params(team="nobody")), client)
    assert "team 'nobody' not found" in str(caught.value) and "Grafana" in str(caught.value)
    assert client.calls == [("LIST", "teams/", {"name": "nobody"})]


def test_unknown_team_in_check_mode_warns_and_gives_an_empty_list():
    result, client, module = listing(check_mode=True, team="nobody")
    assert result == {"changed": False, "integrations": []}
    assert len(module.warnings) == 1 and "nobody" in module.warnings[0]
    assert client.calls[0] == ("LIST", "teams/", {"name": "nobody"})
    assert all(call[1] != "teams/" for call in client.calls[1:])


@pytest.mark.parametrize("team", ["", "   "])
def test_empty_team_name_fails_before_any_call(team):
    client = DirectoryClient(STORE, TEAMS)
    with pytest.raises(OnCallError):
        list_integrations(FakeModule(info_params(team=team)), client)
    assert client.calls == []


def test_team_and_team_id_are_mutually_exclusive():
    result = ArgumentSpecValidator(INTEGRATION_INFO_ARGUMENT_SPEC, **INTEGRATION_INFO_MODULE_KWARGS).validate({"team": "ops", "team_id": "TOPS1"})
    assert result.error_messages


def test_export_adds_params_to_each_item_and_null_for_direct_paging():
    result, client, dummy = listing(export=True)
    assert client.calls == [LIST_ALL]
    for item, original in zip(result["integrations"], STORE):
        assert {key: value for key, value in item.items() if key != "params"} == original
        if original["type"] == "direct_paging":
            assert item["params"] is None
        else:
            assert item["params"] == export_params(original)


def test_without_export_there_is_no_params_key():
    result, dummy, dummy2 = listing()
    assert all("params" not in item for item in result["integrations"])


def test_items_are_returned_with_the_link_as_the_api_returns_them():
    result, dummy, dummy2 = listing(id="CA1")
    assert result["integrations"][0]["link"] == STORE[0]["link"]

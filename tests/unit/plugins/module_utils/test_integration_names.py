# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_integration with names (team, default_route.escalation_chain, default_route.slack.channel) instead of ids."""

from __future__ import annotations

import copy

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.integration import (
    INTEGRATION_ARGUMENT_SPEC,
    INTEGRATION_MODULE_KWARGS,
    Integration,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.oncall_fakes import FakeClient, FakeModule, integration

DIRECTORY = {
    "teams/": ("name", [{"id": "TOPS1", "name": "ops"}, {"id": "TDEV2", "name": "dev"}]),
    "escalation_chains/": ("name", [{"id": "FPROD1", "name": "prod", "team_id": None}, {"id": "FNIGHT2", "name": "night", "team_id": "TOPS1"}]),
    "slack_channels/": ("channel_name", [{"name": "alerts", "slack_id": "C01ALERTS"}, {"name": "ops-noise", "slack_id": "C02NOISE"}]),
}
LOOKUP = ("LIST", "integrations/", {"name": "alerts"})


class DirectoryClient(FakeClient):
    """FakeClient that also lists teams, escalation chains and Slack channels with their name filters."""

    def list_all(self, path, params=None):
        if path in DIRECTORY:
            self.calls.append(("LIST", path, copy.deepcopy(params)))
            name_filter, items = DIRECTORY[path]
            assert set(params or {}) == {name_filter}, params
            return [copy.deepcopy(item) for item in items if item["name"] == params[name_filter]]
        assert path == "integrations/", path
        return super().list_all(path, params)


def module_params(**given):
    result = ArgumentSpecValidator(INTEGRATION_ARGUMENT_SPEC, **INTEGRATION_MODULE_KWARGS).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def run(client, check_mode=False, **task):
    module = FakeModule(module_params(**task), check_mode=check_mode)
    before = copy.deepcopy(module.params)
    result = Integration(module, client).run()
    assert module.params == before, "the task's own params were changed"
    return result, module


def fails(client, check_mode=False, **task):
    module = FakeModule(module_params(**task), check_mode=check_mode)
    with pytest.raises(OnCallError) as caught:
        Integration(module, client).run()
    return str(caught.value)


# ------------------------------------------------------------------ resolution and budget


def test_names_resolve_to_the_same_ids_and_are_unchanged_with_one_request_each():
    existing = integration("C1", "alerts", team_id="TOPS1",
                           default_route={"escalation_chain_id": "FPROD1", "slack": {"channel_id": "C01ALERTS", "enabled": True}})
    client = DirectoryClient([existing])
    result, dummy = run(client, name="alerts", type="webhook", team="ops",
                        default_route={"escalation_chain": "prod", "slack": {"channel": "#alerts"}})
    assert result["changed"] is False
    assert client.calls == [("LIST", "teams/", {"name": "ops"}), ("LIST", "escalation_chains/", {"name": "prod"}),
                            ("LIST", "slack_channels/", {"channel_name": "alerts"}), LOOKUP]


def test_slack_channel_without_hash_is_the_same_channel():
    existing = integration("C1", "alerts", default_route={"slack": {"channel_id": "C01ALERTS"}})
    client = DirectoryClient([existing])
    result, dummy = run(client, name="alerts", default_route={"slack": {"channel": "alerts"}})
    assert result["changed"] is False
    assert client.calls == [("LIST", "slack_channels/", {"channel_name": "alerts"}), LOOKUP]


def test_names_not_used_cost_nothing():
    client = DirectoryClient([integration("C1", "alerts")])
    run(client, name="alerts", default_route={"slack": {"enabled": True}})
    assert client.calls == [LOOKUP]


def test_team_name_picks_the_integration_of_that_team():
    client = DirectoryClient([integration("C1", "alerts", team_id="TOPS1"), integration("C2", "alerts", team_id="TDEV2")])
    run(client, name="alerts", team="dev", description_short="x")
    assert client.writes() == [("PUT", "integrations/C2/", {"description_short": "x"})]


def test_resolved_ids_are_written_on_update():
    client = DirectoryClient([integration("C1", "alerts")])
    run(client, name="alerts", default_route={"escalation_chain": "night", "slack": {"channel": "#ops-noise", "enabled": False}})
    assert client.writes() == [("PUT", "integrations/C1/", {"default_route": {"escalation_chain_id": "FNIGHT2",
                                                                              "slack": {"channel_id": "C02NOISE", "enabled": False}}})]


def test_resolved_ids_are_written_on_create():
    client = DirectoryClient([])
    result, dummy = run(client, name="alerts", type="webhook", team="ops", default_route={"escalation_chain": "prod"})
    assert client.writes() == [("POST", "integrations/", {"name": "alerts", "team_id": "TOPS1", "type": "webhook",
                                                          "default_route": {"escalation_chain_id": "FPROD1"}})]
    assert result["integration"]["team_id"] == "TOPS1"


def test_id_with_team_name_moves_the_integration():
    client = DirectoryClient([integration("C1", "alerts", team_id="TOPS1")])
    run(client, id="C1", name="alerts", team="dev")
    assert client.writes() == [("PUT", "integrations/C1/", {"team_id": "TDEV2"})]


def test_names_are_trimmed_before_lookup():
    client = DirectoryClient([integration("C1", "alerts", team_id="TOPS1")])
    result, dummy = run(client, name="alerts", team=" ops ")
    assert result["changed"] is False
    assert client.calls[0] == ("LIST", "teams/", {"name": "ops"})


# ------------------------------------------------------------------ unknown names


@pytest.mark.parametrize("task, words", [
    ({"team": "nobody"}, ["team 'nobody' not found", "copies teams from Grafana"]),
    ({"default_route": {"escalation_chain": "nochain"}}, ["escalation chain 'nochain' not found"]),
    ({"default_route": {"slack": {"channel": "#nochan"}}}, ["Slack channel 'nochan' not found"]),
])
def test_unknown_name_fails_before_any_write(task, words):
    client = DirectoryClient([integration("C1", "alerts")])
    message = fails(client, name="alerts", type="webhook", **task)
    for word in words:
        assert word in message
    assert client.writes() == []


def test_unknown_name_on_create_fails_before_the_lookup():
    client = DirectoryClient([])
    fails(client, name="alerts", type="webhook", default_route={"escalation_chain": "nochain"})
    assert client.calls == [("LIST", "escalation_chains/", {"name": "nochain"})]


@pytest.mark.parametrize("task", [
    {"team": ""}, {"team": "  "},
    {"default_route": {"escalation_chain": ""}},
    {"default_route": {"slack": {"channel": ""}}}, {"default_route": {"slack": {"channel": "#"}}},
])
def test_empty_names_fail_before_any_call(task):
    client = DirectoryClient([integration("C1", "alerts")])
    fails(client, name="alerts", **task)
    assert client.calls == []


@pytest.mark.parametrize("given", [
    {"team": "ops", "team_id": "TOPS1"},
    {"default_route": {"escalation_chain": "prod", "escalation_chain_id": "FPROD1"}},
    {"default_route": {"slack": {"channel": "alerts", "channel_id": "C01ALERTS"}}},
])
def test_name_and_id_are_mutually_exclusive(given):
    result = ArgumentSpecValidator(INTEGRATION_ARGUMENT_SPEC, **INTEGRATION_MODULE_KWARGS).validate(dict(given, name="alerts"))
    assert result.error_messages


# ------------------------------------------------------------------ check mode


def test_check_mode_unknown_names_warn_and_report_the_change_with_placeholders():
    client = DirectoryClient([integration("C1", "alerts")])
    result, module = run(client, check_mode=True, name="alerts",
                         default_route={"escalation_chain": "new chain", "slack": {"channel": "#new-chan"}})
    assert result["changed"] is True
    assert client.writes() == []
    assert result["diff"]["after"]["default_route"] == {"escalation_chain_id": "<escalation chain new chain>",
                                                        "slack": {"channel_id": "<Slack channel new-chan>"}}
    assert len(module.warnings) == 2 and all("check mode" in warning for warning in module.warnings)


def test_check_mode_unknown_team_predicts_a_create_in_that_team():
    client = DirectoryClient([integration("C1", "alerts", team_id="TOPS1")])
    result, module = run(client, check_mode=True, name="alerts", type="webhook", team="new team")
    assert result["changed"] is True and client.writes() == []
    assert result["integration"]["team_id"] == "<team new team>"
    assert len(module.warnings) == 1


def test_known_names_in_check_mode_do_not_warn():
    client = DirectoryClient([integration("C1", "alerts", team_id="TOPS1")])
    result, module = run(client, check_mode=True, name="alerts", team="ops", default_route={"escalation_chain": "prod"})
    assert result["changed"] is True and module.warnings == []
    assert result["integration"]["default_route"]["escalation_chain_id"] == "FPROD1"


def test_placeholder_never_reaches_a_real_write():
    client = DirectoryClient([integration("C1", "alerts")])
    fails(client, name="alerts", default_route={"escalation_chain": "new chain"})
    assert client.writes() == []


# ------------------------------------------------------------------ absent


def test_absent_by_team_name_deletes_the_integration_of_that_team():
    client = DirectoryClient([integration("C1", "alerts", team_id="TOPS1"), integration("C2", "alerts", team_id="TDEV2")])
    result, dummy = run(client, state="absent", name="alerts", team="dev")
    assert result["changed"] is True
    assert client.writes() == [("DELETE", "integrations/C2/", None)]


def test_absent_does_not_need_the_default_route_names():
    client = DirectoryClient([integration("C1", "alerts", default_route={"escalation_chain_id": "FGONE"})])
    result, dummy = run(client, state="absent", name="alerts",
                        default_route={"escalation_chain": "already deleted chain", "slack": {"channel": "#archived"}})
    assert result["changed"] is True
    assert client.writes() == [("DELETE", "integrations/C1/", None)]
    assert client.calls[0] == LOOKUP


def test_absent_with_known_default_route_names_costs_only_the_lookup_and_the_delete():
    client = DirectoryClient([integration("C1", "alerts")])
    run(client, state="absent", name="alerts", default_route={"escalation_chain": "prod"})
    assert client.calls == [LOOKUP, ("DELETE", "integrations/C1/", None)]

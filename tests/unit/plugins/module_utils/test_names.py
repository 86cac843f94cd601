# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Objects found by name (names.py): the lookup rule, the task's name-to-id cache and the name options, against the emulator."""

from __future__ import annotations

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import (
    ESCALATION_CHAIN,
    INTEGRATION,
    SLACK_CHANNEL,
    TEAM,
    WEBHOOK,
    NameNotFound,
    NameResolver,
    check_name,
    exact_matches,
    is_placeholder,
    pick_one,
    placeholder,
    resolve_option,
    team_id_of,
)


def lookups(oncall):
    """(path, query without the page size) of every request since the last clear_log(); all are GETs."""
    assert all(entry["method"] == "GET" for entry in oncall.log())
    return [(entry["path"], {key: value for key, value in entry["query"].items() if key != "perpage"}) for entry in oncall.log()]


# ------------------------------------------------------------------ NameResolver


def test_each_distinct_name_costs_one_filtered_request(oncall):
    ops = oncall.team_id("ops")
    prod = oncall.chain("prod")["id"]
    chain_named_ops = oncall.chain("ops")["id"]
    oncall.clear_log()
    names = NameResolver(oncall.client())
    assert names.resolve(TEAM, "ops") == ops
    assert names.resolve(TEAM, "ops") == ops
    assert names.resolve(ESCALATION_CHAIN, "prod") == prod
    assert names.resolve(ESCALATION_CHAIN, "ops") == chain_named_ops, "the cache is per kind"
    assert lookups(oncall) == [("/api/v1/teams/", {"name": "ops"}), ("/api/v1/escalation_chains/", {"name": "prod"}),
                               ("/api/v1/escalation_chains/", {"name": "ops"})]


def test_slack_channel_resolves_to_its_slack_id_by_channel_name(oncall):
    assert NameResolver(oncall.client()).resolve(SLACK_CHANNEL, "alerts") == "C01ALERTS"
    assert lookups(oncall) == [("/api/v1/slack_channels/", {"channel_name": "alerts"})]


def test_resolve_option_names_the_task_option_and_the_option_that_picks_one(oncall):
    for team in ("ops", "db"):
        oncall.integration("twice", team_id=oncall.team_id(team))
    names = NameResolver(oncall.client())
    with pytest.raises(OnCallError) as ambiguous:
        resolve_option(names, INTEGRATION, "twice", "integrations[1]", "integration_ids")
    assert str(ambiguous.value).startswith("integrations[1]: integration name 'twice' is ambiguous: 2 match: ")
    assert str(ambiguous.value).endswith("Set integration_ids to pick one; nothing was changed")
    with pytest.raises(NameNotFound, match=r"^steps\[0\]\.webhook: outgoing webhook 'nope' not found in OnCall"):
        resolve_option(names, WEBHOOK, "nope", "steps[0].webhook", "steps[0].webhook_id")


def test_remembered_listing_answers_later_lookups_without_a_request(oncall):
    names = NameResolver(oncall.client())
    names.remember(INTEGRATION, [{"id": "CPROD1", "name": "prod"}, {"id": "CSTAGING2", "name": "staging"}])
    assert names.resolve(INTEGRATION, "staging") == "CSTAGING2"
    assert oncall.log() == []


def test_unknown_team_fails_saying_teams_come_from_grafana(oncall):
    with pytest.raises(NameNotFound) as caught:
        NameResolver(oncall.client()).resolve(TEAM, "nobody")
    assert "team 'nobody' not found in OnCall" in str(caught.value) and "copies teams from Grafana" in str(caught.value)


def test_unknown_slack_channel_fails_saying_which_channels_are_listed(oncall):
    with pytest.raises(NameNotFound) as caught:
        NameResolver(oncall.client()).resolve(SLACK_CHANNEL, "gone")
    assert "Slack channel 'gone' not found in OnCall" in str(caught.value) and "archived ones excepted" in str(caught.value)


def test_unknown_name_in_check_mode_warns_and_returns_a_placeholder(oncall):
    warnings = []
    value = NameResolver(oncall.client(), check_mode=True, warn=warnings.append).resolve(ESCALATION_CHAIN, "new chain")
    assert value == "<escalation chain new chain>" and is_placeholder(value)
    assert len(warnings) == 1 and "check mode" in warnings[0] and "<escalation chain new chain>" in warnings[0]


def test_unknown_name_outside_check_mode_does_not_warn(oncall):
    warnings = []
    with pytest.raises(NameNotFound):
        NameResolver(oncall.client(), check_mode=False, warn=warnings.append).resolve(ESCALATION_CHAIN, "new chain")
    assert warnings == []


def test_two_integrations_with_one_name_are_ambiguous_naming_the_option_that_picks_one(oncall):
    # Integrations are the kind whose names the server lets repeat (once per team).
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    first = oncall.integration("x", team_id=ops)["id"]
    second = oncall.integration("x", team_id=db)["id"]
    with pytest.raises(OnCallError) as caught:
        NameResolver(oncall.client()).resolve(INTEGRATION, "x")
    # The teams are named too (one listing of teams, on this failure path only).
    assert str(caught.value) == ("integration name 'x' is ambiguous: 2 match: %s (team ops (%s)), %s (team db (%s)). "
                                 "Set integration_id to pick one; nothing was changed" % (first, ops, second, db))


# ------------------------------------------------------------------ exact_matches and pick_one


def test_exact_matches_sends_the_kinds_name_filter(oncall):
    prod = oncall.integration("prod")["id"]
    oncall.integration("prod-2")
    oncall.clear_log()
    assert [item["id"] for item in exact_matches(oncall.client(), INTEGRATION, "prod")] == [prod]
    assert lookups(oncall) == [("/api/v1/integrations/", {"name": "prod"})]


def test_name_matching_is_exact_on_the_client_side(oncall):
    # The server ignores an empty filter and lists every team: none of them is named "".
    assert len(oncall.all("teams/", {"name": ""})) == 2
    assert exact_matches(oncall.client(), TEAM, "") == []


def test_pick_one_returns_the_match_or_none():
    assert pick_one([], "team name 'x'", "team_id") is None
    assert pick_one([{"id": "T1"}], "team name 'x'", "team_id") == {"id": "T1"}


def test_pick_one_names_every_candidate_and_the_option_that_picks_one():
    with pytest.raises(OnCallError) as caught:
        pick_one([{"id": "T1"}, {"id": "T2"}, {"id": "T3"}], "team name 'x'", "team_id")
    assert str(caught.value) == "team name 'x' is ambiguous: 3 match: T1, T2, T3. Set team_id to pick one; nothing was changed"
    with pytest.raises(OnCallError) as caught:
        pick_one([{"id": "R1", "position": 0}, {"id": "R2", "position": 4}], "the route", "id",
                 describe=lambda item: "%s (position %s)" % (item["id"], item["position"]))
    assert str(caught.value) == "the route is ambiguous: 2 match: R1 (position 0), R2 (position 4). Set id to pick one; nothing was changed"


# ------------------------------------------------------------------ placeholders, name options, teams


def test_placeholder_names_the_kind_and_is_recognised():
    assert placeholder(SLACK_CHANNEL, "ops") == "<Slack channel ops>"
    assert is_placeholder(placeholder(TEAM, "later"))
    assert not is_placeholder("TOPS1") and not is_placeholder(None) and not is_placeholder("<half")


def test_check_name_trims_and_passes_none():
    assert check_name("team", "  ops ") == "ops"
    assert check_name("team", None) is None


@pytest.mark.parametrize("value", ["", "   "])
def test_check_name_refuses_an_empty_name(value):
    with pytest.raises(OnCallError) as caught:
        check_name("integration", value)
    assert str(caught.value) == "integration must not be empty"
    with pytest.raises(OnCallError) as caught:
        check_name("team", value, none_option="team_id")
    assert str(caught.value) == "team must not be empty; to say none, set team_id to \"\""


def test_team_id_of_resolves_a_team_name_with_one_request(oncall):
    names = NameResolver(oncall.client())
    assert team_id_of("db", None, names) == oncall.team_id("db")
    assert lookups(oncall)[0] == ("/api/v1/teams/", {"name": "db"})


@pytest.mark.parametrize("team_id", [None, "", "TOPS1"])
def test_team_id_of_without_a_name_is_the_team_id_as_given(oncall, team_id):
    assert team_id_of(None, team_id, NameResolver(oncall.client())) == team_id
    assert oncall.log() == []

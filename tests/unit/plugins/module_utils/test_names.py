# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import (
    ESCALATION_CHAIN,
    SLACK_CHANNEL,
    TEAM,
    NameResolver,
    is_placeholder,
)


class ListingClient:
    """Answers list_all from a dict of path -> items, filtering on the query like the server does."""

    def __init__(self, listings):
        self.listings = listings
        self.calls = []

    def list_all(self, path, params=None):
        self.calls.append((path, dict(params or {})))
        # teams and chains filter on name=, Slack channels on channel_name=; all carry the name in "name".
        value = next(iter(params.values()))
        return [item for item in self.listings.get(path, []) if item.get("name") == value]


def test_each_distinct_name_costs_one_filtered_request():
    client = ListingClient({"teams/": [{"id": "T1", "name": "ops"}], "escalation_chains/": [{"id": "F1", "name": "prod"}]})
    names = NameResolver(client)
    assert names.resolve(TEAM, "ops") == "T1"
    assert names.resolve(TEAM, "ops") == "T1"
    assert names.resolve(ESCALATION_CHAIN, "prod") == "F1"
    assert client.calls == [("teams/", {"name": "ops"}), ("escalation_chains/", {"name": "prod"})]


def test_slack_channel_resolves_to_its_slack_id_by_channel_name():
    client = ListingClient({"slack_channels/": [{"name": "alerts", "slack_id": "C01ALERTS"}]})
    assert NameResolver(client).resolve(SLACK_CHANNEL, "alerts") == "C01ALERTS"
    assert client.calls == [("slack_channels/", {"channel_name": "alerts"})]


def test_unknown_team_fails_saying_teams_come_from_grafana():
    with pytest.raises(OnCallError) as caught:
        NameResolver(ListingClient({})).resolve(TEAM, "nobody")
    assert "team 'nobody' not found in OnCall" in str(caught.value) and "copies teams from Grafana" in str(caught.value)


def test_unknown_name_in_check_mode_warns_and_returns_a_placeholder():
    warnings = []
    value = NameResolver(ListingClient({}), check_mode=True, warn=warnings.append).resolve(ESCALATION_CHAIN, "new chain")
    assert value == "<escalation chain new chain>" and is_placeholder(value)
    assert len(warnings) == 1 and "check mode" in warnings[0]


def test_two_objects_with_one_name_are_ambiguous():
    client = ListingClient({"teams/": [{"id": "T1", "name": "ops"}, {"id": "T2", "name": "ops"}]})
    with pytest.raises(OnCallError) as caught:
        NameResolver(client).resolve(TEAM, "ops")
    assert "ambiguous" in str(caught.value) and "T1" in str(caught.value) and "T2" in str(caught.value)


def test_name_matching_is_exact_on_the_client_side():
    client = ListingClient({"teams/": [{"id": "T1", "name": "Ops"}]})
    client.list_all = lambda path, params=None: [{"id": "T1", "name": "Ops"}]  # a case-insensitive server
    with pytest.raises(OnCallError):
        NameResolver(client).resolve(TEAM, "ops")


def test_empty_name_is_refused_before_any_request():
    client = ListingClient({})
    with pytest.raises(OnCallError):
        NameResolver(client).resolve(TEAM, "")
    assert client.calls == []

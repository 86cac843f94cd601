# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared routing layer (routing.py) and the route helpers that need no write (route_list.py)."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameResolver
from ansible_collections.oncall.grafana.plugins.module_utils.route_list import check_routing_term, ordered
from ansible_collections.oncall.grafana.plugins.module_utils.routing import (
    check_routing_names,
    missing_route_backends,
    normalize_routing,
    resolve_routing_names,
)


def test_normalize_empty_references_to_null_and_upper_cases_slack_ids():
    routing = {"escalation_chain_id": "", "slack": {"channel_id": "c01abc", "enabled": True}, "telegram": {"id": ""}, "msteams": {"id": "m1"}}
    assert normalize_routing(routing) == {"escalation_chain_id": None, "slack": {"channel_id": "C01ABC", "enabled": True},
                                          "telegram": {"id": None}, "msteams": {"id": "m1"}}
    assert routing["slack"]["channel_id"] == "c01abc", "the input is not changed"


def test_normalize_keeps_placeholders_and_absent_keys():
    assert normalize_routing({"slack": {"channel_id": "<Slack channel ops>"}}) == {"slack": {"channel_id": "<Slack channel ops>"}}
    assert normalize_routing({"slack": {"enabled": False}}) == {"slack": {"enabled": False}}
    assert normalize_routing({}) == {}


@pytest.mark.parametrize("routing, message", [
    ({"escalation_chain": ""}, "escalation_chain must not be empty"),
    ({"escalation_chain": "  "}, "escalation_chain must not be empty"),
    ({"slack": {"channel": "# "}}, "slack.channel must not be empty"),
])
def test_empty_names_are_refused(routing, message):
    with pytest.raises(OnCallError) as caught:
        check_routing_names(routing, prefix="")
    assert message in str(caught.value)


def test_empty_names_messages_carry_the_prefix():
    with pytest.raises(OnCallError) as caught:
        check_routing_names({"escalation_chain": ""}, prefix="default_route.")
    assert "default_route.escalation_chain must not be empty" in str(caught.value)
    assert "default_route.escalation_chain_id" in str(caught.value)


def test_names_present_or_absent_pass():
    check_routing_names(None)
    check_routing_names({"escalation_chain": "prod", "slack": {"channel": "#alerts"}})


def test_resolve_returns_names_replaced_by_ids_with_one_request_each(oncall):
    night = oncall.chain("night")["id"]
    oncall.clear_log()
    routing = {"escalation_chain": " night ", "slack": {"channel": " # ops-noise", "enabled": True}}
    given = copy.deepcopy(routing)
    resolved = resolve_routing_names(routing, NameResolver(oncall.client()))
    assert resolved == {"escalation_chain_id": night, "slack": {"channel_id": "C02NOISE", "enabled": True}}
    assert routing == given, "the input is not changed"
    assert [(entry["method"], entry["path"], entry["query"]) for entry in oncall.log()] == [
        ("GET", "/api/v1/escalation_chains/", {"name": "night", "perpage": "100"}),
        ("GET", "/api/v1/slack_channels/", {"channel_name": "ops-noise", "perpage": "100"})]


def test_resolve_without_names_sends_nothing(oncall):
    routing = {"escalation_chain_id": "", "slack": {"channel_id": "c01alerts"}}
    assert resolve_routing_names(routing, NameResolver(oncall.client())) == routing
    assert oncall.log() == []


def test_missing_backends_only_concern_backends_the_server_lacks(oncall):
    integration = oncall.integration("prod")["id"]
    sample = oncall.route(integration, "a")  # a route of a self-hosted server: no msteams backend
    assert missing_route_backends({"msteams": {"id": "x"}, "slack": {"enabled": True}}, sample) == ["msteams"]
    assert missing_route_backends({"msteams": {"id": "x"}}, sample, prefix="default_route.") == ["default_route.msteams"]
    assert missing_route_backends({"msteams": {"id": "x"}}, dict(sample, msteams={"id": None, "enabled": False})) == []
    assert missing_route_backends({"slack": {"enabled": True}}, None) == []


def test_ordered_sorts_by_raw_position_and_puts_the_default_last(oncall):
    integration = oncall.integration("prod")
    made = {regex: oncall.route(integration["id"], regex, position=position)["id"] for regex, position in (("a", 0), ("b", 3), ("c", 10))}
    listed = {route["id"]: route for route in oncall.all("routes/", {"integration_id": integration["id"]})}
    shuffled = [listed[integration["default_route"]["id"]], listed[made["c"]], listed[made["a"]], listed[made["b"]]]
    assert [item["id"] for item in ordered(shuffled)] == [made["a"], made["b"], made["c"], integration["default_route"]["id"]]
    assert ordered([]) == []


@pytest.mark.parametrize("routing_type, term", [
    ("regex", '"severity": "critical"'),
    ("regex", "{{ payload.x }}"),
    ("jinja2", "{{ payload.tags | join('(') }}"),
    ("jinja2", "{% if payload.a %}true{% endif %}"),
    ("regex", "x" * 1024),
])
def test_valid_terms_pass(routing_type, term):
    check_routing_term(routing_type, term)


@pytest.mark.parametrize("routing_type, term, message", [
    ("regex", "(", "not a valid regular expression"),
    ("regex", "{{ payload.tags | join('(') }}", "not a valid regular expression"),
    ("jinja2", "{{ payload.x", "not a valid Jinja2 template"),
    ("jinja2", "{% if %}", "not a valid Jinja2 template"),
    ("regex", "x" * 1025, "at most 1024"),
    ("jinja2", "x" * 1025, "at most 1024"),
])
def test_invalid_terms_are_refused(routing_type, term, message):
    with pytest.raises(OnCallError) as caught:
        check_routing_term(routing_type, term)
    assert message in str(caught.value)

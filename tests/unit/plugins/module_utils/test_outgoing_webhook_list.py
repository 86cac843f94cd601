# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""list_outgoing_webhooks (oncall_outgoing_webhook_info) against the emulator: filters, and an export that applies back unchanged."""

from __future__ import annotations

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameResolver
from ansible_collections.oncall.grafana.plugins.module_utils.outgoing_webhook import (
    OUTGOING_WEBHOOK_ARGUMENT_SPEC,
    OUTGOING_WEBHOOK_INFO_ARGUMENT_SPEC,
    OutgoingWebhook,
    list_outgoing_webhooks,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import ansible_params


def listing(oncall, **filters):
    warnings = []
    oncall.clear_log()
    client = oncall.client()
    result = list_outgoing_webhooks(ansible_params(OUTGOING_WEBHOOK_INFO_ARGUMENT_SPEC, **filters), client,
                                    NameResolver(client, warn=warnings.append))
    return result, warnings


@pytest.fixture
def hooks(oncall):
    """Webhooks a (team ops, a password, a filter, templates) and b (no team, nothing else)."""
    ops = oncall.team_id("ops")
    prod = oncall.integration("prod")["id"]
    first = oncall.api("POST", "webhooks/", {"name": "a", "url": "https://x.example/{{ alert_group.id }}", "http_method": "POST",
                                             "trigger_type": "resolve", "team": ops, "password": "pw", "integration_filter": [prod],
                                             "data": '{"id": "{{ alert_group.id }}"}', "headers": '{"A": "b"}', "forward_all": False,
                                             "is_webhook_enabled": None})
    second = oncall.api("POST", "webhooks/", {"name": "b", "url": "https://y.example", "http_method": "GET", "trigger_type": "escalation",
                                              "authorization_header": ""})
    return first, second


def test_filters_by_name_and_by_team_on_the_client_side(oncall, hooks):
    first, second = hooks
    result, dummy = listing(oncall, team="ops")
    assert result == {"changed": False, "outgoing_webhooks": [first]}
    assert [entry["query"] for entry in oncall.log()] == [{"name": "ops", "perpage": "100"}, {"perpage": "100"}]
    assert listing(oncall, team_id="")[0]["outgoing_webhooks"] == [second]
    assert listing(oncall, name=" b ")[0]["outgoing_webhooks"] == [second]
    assert [entry["query"] for entry in oncall.log()] == [{"name": "b", "perpage": "100"}]
    assert listing(oncall, name="nope")[0]["outgoing_webhooks"] == []


def test_an_empty_name_fails_rather_than_list_everything(oncall, hooks):
    with pytest.raises(OnCallError, match="name must not be empty"):
        listing(oncall, name=" ")
    assert oncall.log() == []


def test_export_leaves_secrets_out_says_so_and_applies_back_unchanged_for_one_request_each(oncall, hooks):
    first, second = hooks
    result, warnings = listing(oncall, export=True)
    exported = result["outgoing_webhooks"]
    assert exported[0]["params"] == {
        "id": first["id"], "name": "a", "team_id": first["team"], "webhook_url": "https://x.example/{{ alert_group.id }}",
        "http_method": "POST", "trigger_type": "resolve", "integration_ids": first["integration_filter"], "data": '{"id": "{{ alert_group.id }}"}',
        "headers": '{"A": "b"}', "trigger_template": "", "forward_all": False, "username": ""}
    assert exported[1]["params"]["team_id"] == "" and exported[1]["params"]["enabled"] is True
    assert [item["secrets_left_out"] for item in exported] == [["password"], []]
    assert warnings == ["params leave out the secrets of 'a': OnCall never returns them. Applied back to this server, params keep them; "
                        "to create these webhooks anywhere else, add password and authorization_header from your vault"]
    for item in exported:
        oncall.clear_log()
        params = ansible_params(OUTGOING_WEBHOOK_ARGUMENT_SPEC, **item["params"])
        assert OutgoingWebhook(params, oncall.client()).run()["changed"] is False
        assert len(oncall.log()) == 1


def test_export_of_a_name_the_module_refuses_says_so(oncall):
    long_name = "n" * 80
    oncall.api("POST", "webhooks/", {"name": long_name, "url": "https://x.example", "http_method": "POST", "trigger_type": "escalation"})
    result, warnings = listing(oncall, export=True)
    [item] = result["outgoing_webhooks"]
    with pytest.raises(OnCallError, match="name is 80 characters long"):
        OutgoingWebhook(ansible_params(OUTGOING_WEBHOOK_ARGUMENT_SPEC, **item["params"]), oncall.client())
    assert warnings == ["params of %r will be refused by oncall_outgoing_webhook: its name is 80 characters long, more than 77; "
                        "rename it (by id) to a shorter name first" % long_name]

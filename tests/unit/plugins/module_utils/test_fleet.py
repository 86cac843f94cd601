# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet (oncall_integrations) built the way the module builds it, against the emulator: the reads it makes,
and what a failure midway reports (PartialFailure), including objects a 5xx answer made anyway.

The playbook tests cover the fleet's behaviour end to end; these pin the plumbing they cannot reach.
"""

from __future__ import annotations

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, PartialFailure
from ansible_collections.oncall.grafana.plugins.module_utils.fleet import FLEET_ARGUMENT_SPEC, Fleet
from ansible_collections.oncall.grafana.plugins.module_utils.route_list import RouteListPlan, desired_routes
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import ansible_params, answer_500_after_posts

INTEGRATIONS = "/api/v1/integrations/"


def fleet(oncall, client=None, check_mode=False, **options):
    return Fleet(ansible_params(FLEET_ARGUMENT_SPEC, **options), client or oncall.client(), check_mode=check_mode)


def test_an_empty_listing_is_not_read_again_for_the_servers_backends(oncall):
    # No integration exists to show the server's messaging backends; the listing already said so.
    config = [{"name": "new", "type": "webhook", "templates": {"webhook": {"title": "t"}}}]
    result = fleet(oncall, config=config).run()
    assert [entry["action"] for entry in result["results"]] == ["created"]
    assert oncall.requests() == [("GET", INTEGRATIONS), ("POST", INTEGRATIONS)]


def test_an_item_a_5xx_answer_made_anyway_is_reported_as_applied(oncall):
    client = answer_500_after_posts(oncall.client())
    config = [{"name": "first", "type": "webhook"}, {"name": "second", "type": "webhook"}]
    with pytest.raises(PartialFailure) as caught:
        fleet(oncall, client=client, config=config).run()
    failure = caught.value
    made = [item for item in oncall.all("integrations/") if item["name"] == "first"]
    assert len(made) == 1
    assert [(entry["action"], entry["id"]) for entry in failure.applied] == [("created", made[0]["id"])]
    assert failure.not_applied == ["config[1] (name 'second')"] and failure.changed is True
    assert failure.where() == {"method": "POST", "path": INTEGRATIONS, "status": 500}
    assert "created nonetheless (id %s)" % made[0]["id"] in str(failure) and "Not applied: config[1] (name 'second')" in str(failure)


def test_a_failing_route_after_an_unchanged_integration_reports_nothing_applied(oncall):
    integration = oncall.integration("kept")
    oncall.add_fault("POST", r"^/api/v1/routes/$", kind="status", status=500)
    config = [{"name": "kept", "routes": [{"routing_regex": "a"}]}]
    with pytest.raises(PartialFailure) as caught:
        fleet(oncall, config=config).run()
    # The integration was left as it was: the whole item is what was not applied.
    assert caught.value.applied == [] and caught.value.changed is False
    assert caught.value.not_applied == ["config[0] (name 'kept')"]
    assert oncall.routes(integration["id"]) == []


def test_a_route_list_counts_a_route_a_5xx_answer_made_anyway(oncall):
    integration_id = oncall.integration("routes")["id"]
    client = answer_500_after_posts(oncall.client())
    plan = RouteListPlan(client.list_all("routes/", {"integration_id": integration_id}),
                         desired_routes([{"routing_type": "regex", "routing_regex": "a"}, {"routing_type": "regex", "routing_regex": "b"}], None),
                         exact=True)
    with pytest.raises(PartialFailure) as caught:
        plan.apply(client, integration_id, check_mode=False)
    assert [write.kind for write in caught.value.applied] == ["post"]
    assert isinstance(caught.value.cause, OnCallAPIError) and caught.value.cause.created["routing_regex"] == "a"
    assert [route["routing_regex"] for route in oncall.routes(integration_id)] == ["a"]


def test_an_integration_another_run_created_meanwhile_gets_its_routes_planned_against_what_that_run_made(oncall):
    config = [{"name": "raced", "type": "webhook", "routes": [{"routing_regex": "a"}, {"routing_regex": "b"}]}]
    task = fleet(oncall, config=config)
    task.check_options()
    task.listing.load(oncall.client().list_all("integrations/"))
    [item] = task.items
    item.make_plan()
    task._plan_routes(task.listing.items)  # pylint: disable=protected-access
    # Another run creates the integration and its first route between this task's plan and its writes.
    other = oncall.integration("raced")
    oncall.route(other["id"], "a")
    oncall.clear_log()
    result = task._apply([item])  # pylint: disable=protected-access
    assert [route["routing_regex"] for route in oncall.routes(other["id"])] == ["a", "b"]
    assert [(entry["action"], entry["id"]) for entry in result["results"]] == [("updated", other["id"])]
    assert [(entry["action"], entry["routing_regex"]) for entry in result["results"][0]["routes"]] == [("unchanged", "a"), ("created", "b")]

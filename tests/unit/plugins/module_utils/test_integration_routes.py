# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_integration's ``routes``: the integration's non-default routes become exactly the list, in order, with the
fewest writes; check mode plans the same writes and sends none; the diff shows one line per route."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError, PartialFailure
from ansible_collections.oncall.grafana.plugins.module_utils.integration import INTEGRATION_ARGUMENT_SPEC, Integration
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import ansible_params


def run(oncall, check_mode=False, **given):
    """Run the task on a fresh request log; the result and the warnings."""
    warnings = []
    resource = Integration(ansible_params(INTEGRATION_ARGUMENT_SPEC, **given), oncall.client(), check_mode, True, warnings.append)
    oncall.clear_log()
    return resource.run(), warnings


def regular(oncall, integration_id):
    """The non-default routes in OnCall's order, as (routing_type, routing_regex, escalation_chain_id)."""
    routes = [route for route in oncall.routes(integration_id) if not route["is_the_last_route"]]
    return [(route["routing_type"], route["routing_regex"], route["escalation_chain_id"]) for route in sorted(routes, key=lambda r: r["position"])]


def with_routes(oncall, name, *terms):
    integration = oncall.integration(name)
    for term in terms:
        oncall.route(integration["id"], term)
    return integration


def writes(oncall):
    return [(method, path) for method, path, dummy in oncall.sent() if method != "GET"]


def test_create_with_routes_costs_the_lookup_one_post_and_one_post_per_route(oncall):
    chain = oncall.chain("critical")
    result, dummy = run(oncall, name="new", type="webhook",
                        routes=[{"routing_regex": "critical", "escalation_chain_id": chain["id"]}, {"routing_regex": "warning"}])
    assert [(method, path) for method, path, dummy in oncall.sent()] == [
        ("GET", "integrations/"), ("POST", "integrations/"), ("POST", "routes/"), ("POST", "routes/")]
    made = result["integration"]
    assert regular(oncall, made["id"]) == [("regex", "critical", chain["id"]), ("regex", "warning", None)]
    assert [route["routing_regex"] for route in made["routes"]] == ["critical", "warning"]
    assert [route["id"] for route in made["routes"]] == [route["id"] for route in oncall.routes(made["id"]) if not route["is_the_last_route"]]
    assert yaml.safe_load(result["diff"]["after"])["routes"] == [
        'regex "critical": escalation_chain_id "%s"' % chain["id"], 'regex "warning": escalation_chain_id null']


def test_unchanged_costs_the_lookup_the_routes_listing_and_one_request_per_name(oncall):
    chain = oncall.chain("critical")
    integration = with_routes(oncall, "kept")
    oncall.route(integration["id"], "critical", escalation_chain_id=chain["id"])
    oncall.route(integration["id"], "{{ payload.x }}", routing_type="jinja2")
    result, dummy = run(oncall, name="kept", routes=[{"routing_regex": "critical", "escalation_chain": "critical"},
                                                     {"routing_regex": "{{ payload.x }}", "routing_type": "jinja2"}])
    assert result["changed"] is False and "diff" not in result
    assert [(method, path) for method, path, dummy in oncall.sent()] == [
        ("GET", "escalation_chains/"), ("GET", "integrations/"), ("GET", "routes/")]
    assert [route["routing_regex"] for route in result["integration"]["routes"]] == ["critical", "{{ payload.x }}"]


def test_moving_one_route_to_the_top_is_one_write(oncall):
    integration = with_routes(oncall, "moved", "a", "b", "c", "d")
    result, dummy = run(oncall, name="moved", routes=[{"routing_regex": term} for term in ("d", "a", "b", "c")])
    assert result["changed"] is True
    assert [(method, path, body) for method, path, body in oncall.sent() if method != "GET"] == [
        ("PUT", "routes/%s/" % result["integration"]["routes"][0]["id"], {"position": 0})]
    assert [term for dummy, term, dummy in regular(oncall, integration["id"])] == ["d", "a", "b", "c"]
    diff = result["diff"]
    assert yaml.safe_load(diff["before"])["routes"] == ['regex "%s": escalation_chain_id null' % term for term in "abcd"]
    assert yaml.safe_load(diff["after"])["routes"] == ['regex "%s": escalation_chain_id null' % term for term in "dabc"]


def test_one_routes_chain_changed_is_one_write_and_clearing_it_recreates_the_route_in_place(oncall):
    chain = oncall.chain("c")
    integration = with_routes(oncall, "chains", "a", "b")
    run(oncall, name="chains", routes=[{"routing_regex": "a"}, {"routing_regex": "b", "escalation_chain_id": chain["id"]}])
    assert [method for method, dummy in writes(oncall)] == ["PUT"]
    old_id = [route for route in oncall.routes(integration["id"]) if route["routing_regex"] == "b"][0]["id"]
    result, dummy = run(oncall, name="chains", routes=[{"routing_regex": "a"}, {"routing_regex": "b", "escalation_chain_id": ""}])
    # OnCall refuses a null chain on update: a new route takes the old one's place, then the old one goes.
    assert writes(oncall) == [("POST", "routes/"), ("DELETE", "routes/%s/" % old_id)]
    assert regular(oncall, integration["id"]) == [("regex", "a", None), ("regex", "b", None)]
    assert result["integration"]["routes"][1]["id"] != old_id


def test_routes_not_listed_are_deleted_after_the_listed_ones_are_in_place_and_label_routes_are_never_touched(oncall):
    integration = with_routes(oncall, "exact", "old", "kept")
    label_route = oncall.route(integration["id"], "from the UI")
    with oncall.server.state.lock:
        stored = oncall.server.state.routes[label_route["id"]]
        stored.routing_type, stored.routing_regex = "labels", None
    result, dummy = run(oncall, name="exact", routes=[{"routing_regex": "kept"}, {"routing_regex": "new"}])
    assert [method for method, dummy in writes(oncall)] == ["POST", "DELETE"]
    # The new route goes right behind the listed one before it; the label route keeps its place.
    assert regular(oncall, integration["id"]) == [("regex", "kept", None), ("regex", "new", None), ("labels", None, None)]
    assert result["changed"] is True


def test_an_empty_list_removes_every_route_and_a_missing_one_manages_none(oncall):
    integration = with_routes(oncall, "emptied", "a", "b")
    result, dummy = run(oncall, name="emptied")
    assert result["changed"] is False and "routes" not in result["integration"]
    assert [method for method, dummy, dummy in oncall.sent()] == ["GET"]
    result, dummy = run(oncall, name="emptied", routes=[])
    assert [method for method, dummy in writes(oncall)] == ["DELETE", "DELETE"]
    assert regular(oncall, integration["id"]) == [] and result["integration"]["routes"] == []


def test_check_mode_plans_the_same_writes_with_none_sent_also_for_a_new_integration(oncall):
    integration = with_routes(oncall, "dry", "a", "b", "c")
    routes = [{"routing_regex": "c"}, {"routing_regex": "a"}, {"routing_regex": "new"}]
    dry, dummy = run(oncall, check_mode=True, name="dry", routes=routes)
    assert writes(oncall) == [] and dry["changed"] is True
    real, dummy = run(oncall, name="dry", routes=routes)
    assert dry["diff"] == real["diff"]
    assert [route["routing_regex"] for route in dry["integration"]["routes"]] == ["c", "a", "new"]
    assert [term for dummy, term, dummy in regular(oncall, integration["id"])] == ["c", "a", "new"]

    chain = oncall.chain("later")
    dry, warnings = run(oncall, check_mode=True, name="brand new", type="webhook",
                        routes=[{"routing_regex": "x", "escalation_chain": "later"}, {"routing_regex": "y"}])
    assert writes(oncall) == [] and warnings == []
    assert dry["integration"]["id"] is None
    assert yaml.safe_load(dry["diff"]["after"])["routes"] == ['regex "x": escalation_chain_id "%s"' % chain["id"],
                                                              'regex "y": escalation_chain_id null']
    assert "routes" not in yaml.safe_load(dry["diff"]["before"])


def test_absent_deletes_the_integration_with_its_routes_in_one_request(oncall):
    with_routes(oncall, "gone", "a")
    result, dummy = run(oncall, name="gone", state="absent", routes=[{"routing_regex": "a"}])
    assert result["changed"] is True
    assert [method for method, dummy, dummy in oncall.sent()] == ["GET", "DELETE"]


def test_a_bad_route_fails_before_any_request_naming_the_item(oncall):
    oncall.clear_log()
    with pytest.raises(OnCallError, match=r"routes\[1\]: routing_regex is not a valid regular expression"):
        Integration(ansible_params(INTEGRATION_ARGUMENT_SPEC, name="x", routes=[{"routing_regex": "a"}, {"routing_regex": "("}]),
                    oncall.client())
    assert oncall.log() == []


def test_the_same_match_twice_warns_that_alerts_only_take_the_first(oncall):
    with_routes(oncall, "twice")
    dummy, warnings = run(oncall, name="twice", routes=[{"routing_regex": "a"}, {"routing_regex": "a"}])
    assert any("routes[0] and routes[1]" in warning for warning in warnings)


def test_a_route_backend_the_server_lacks_fails_before_any_write(oncall):
    with_routes(oncall, "teams")
    with pytest.raises(OnCallError, match=r"no messaging backend for routes\[0\]\.msteams"):
        run(oncall, name="teams", routes=[{"routing_regex": "a", "msteams": {"id": "M1", "enabled": True}}])
    assert writes(oncall) == []


def test_a_route_failing_after_the_integration_was_written_reports_it_as_changed(oncall):
    oncall.add_fault("POST", r"^/api/v1/routes/$", kind="status", status=400)
    with pytest.raises(PartialFailure) as caught:
        run(oncall, name="half", type="webhook", routes=[{"routing_regex": "a"}])
    failure = caught.value
    made = [item for item in oncall.all("integrations/") if item["name"] == "half"]
    assert failure.changed is True and [(entry["action"], entry["id"]) for entry in failure.applied] == [("created", made[0]["id"])]
    assert "the integration half was created" in str(failure) and "a re-run picks up from here" in str(failure)
    assert failure.where()["method"] == "POST" and failure.where()["path"] == "/api/v1/routes/"


def test_a_route_failing_before_anything_was_written_fails_as_the_api_answered(oncall):
    with_routes(oncall, "untouched")
    oncall.add_fault("POST", r"^/api/v1/routes/$", kind="status", status=400)
    with pytest.raises(OnCallError) as caught:
        run(oncall, name="untouched", routes=[{"routing_regex": "a"}])
    assert not isinstance(caught.value, PartialFailure) or caught.value.changed is False
    assert "POST" in str(caught.value) and "400" in str(caught.value)


def test_the_returned_routes_have_the_positions_the_server_now_has_in_check_mode_too(oncall):
    integration = with_routes(oncall, "positions", "a", "b", "c", "d")
    routes = [{"routing_regex": term} for term in ("d", "a", "b", "c")]
    dry, dummy = run(oncall, check_mode=True, name="positions", routes=routes)
    real, dummy = run(oncall, name="positions", routes=routes)
    stored = sorted((route for route in oncall.routes(integration["id"]) if not route["is_the_last_route"]), key=lambda route: route["position"])
    assert [(route["id"], route["position"]) for route in real["integration"]["routes"]] == [(route["id"], route["position"]) for route in stored]
    assert [route["position"] for route in dry["integration"]["routes"]] == [route["position"] for route in stored]


def test_a_check_run_shows_the_real_diff_when_one_new_route_sets_a_backend_and_another_does_not(cloud):
    cloud.integration("teams")
    routes = [{"routing_regex": "a", "msteams": {"id": "", "enabled": True}}, {"routing_regex": "b"}]
    dry, dummy = run(cloud, check_mode=True, name="teams", routes=routes)
    real, dummy = run(cloud, name="teams", routes=routes)
    assert dry["diff"] == real["diff"]
    assert 'regex "b": escalation_chain_id null, msteams.id null, msteams.enabled false' in yaml.safe_load(real["diff"]["after"])["routes"]


def test_a_failing_route_write_names_the_item_or_the_unlisted_route(oncall):
    integration = with_routes(oncall, "labelled", "old")
    old = oncall.routes(integration["id"])[0]
    oncall.add_fault("PUT", r"^/api/v1/routes/", kind="status", status=400)
    with pytest.raises(OnCallError, match=r"routes\[1\]: "):
        run(oncall, name="labelled", routes=[{"routing_regex": "new"}, {"routing_regex": "old", "escalation_chain_id": oncall.chain("x")["id"]}])
    oncall.server.clear_faults()
    oncall.add_fault("DELETE", r"^/api/v1/routes/", kind="status", status=400)
    with pytest.raises(OnCallError, match=r'deleting route %s \(regex "old"\), which the task does not list: ' % old["id"]):
        run(oncall, name="labelled", routes=[{"routing_regex": "new"}])

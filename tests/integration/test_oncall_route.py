# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_route and oncall_route_info through the real ansible-playbook."""

from __future__ import annotations

import yaml


def calls(oncall):
    return [(entry["method"], entry["path"], entry["body"]) for entry in oncall.log()]


def methods(oncall):
    return [entry["method"] for entry in oncall.log()]


def route_task(**options):
    return [{"name": "Route", "oncall.grafana.oncall_route": options}]


def setup_integration(oncall, suffix="routed"):
    return oncall.create_integration(name=oncall.name(suffix), type="alertmanager")


def chain(oncall, suffix):
    return oncall.api("POST", "escalation_chains/", json={"name": oncall.name(suffix)}).json()


def routes_of(oncall, integration):
    """Non-default routes in OnCall's order, as (regex, chain id)."""
    routes = oncall.list("routes/", integration_id=integration["id"])
    regular = sorted((r for r in routes if not r["is_the_last_route"]), key=lambda r: r["position"])
    return [(r["routing_regex"], r["escalation_chain_id"]) for r in regular]


def add_route(oncall, integration, regex, **body):
    response = oncall.api("POST", "routes/", json=dict({"integration_id": integration["id"], "routing_regex": regex,
                                                        "escalation_chain_id": None}, **body))
    assert response.status_code == 201, response.text
    return response.json()


def test_lifecycle_check_apply_rerun_update_delete(oncall, playbook):
    oncall.needs("slack")
    integration = setup_integration(oncall)
    prod = chain(oncall, "prod")
    task = dict(integration=integration["name"], routing_regex="critical", escalation_chain=prod["name"],
                slack={"channel": "#alerts", "enabled": True})

    oncall.clear_log()
    play = playbook(route_task(**task), check=True, diff=True)
    assert play.rc == 0, play
    predicted = play.last["route"]
    assert play.last["changed"] is True and predicted["id"] is None and predicted["escalation_chain_id"] == prod["id"]
    assert predicted["slack"] == {"channel_id": oncall.slack_id("alerts"), "enabled": True}
    assert "POST" not in methods(oncall) and routes_of(oncall, integration) == []

    oncall.clear_log()
    play = playbook(route_task(**task), diff=True)
    assert play.rc == 0, play
    created = play.last["route"]
    assert created["id"].startswith("R") and created["routing_type"] == "regex"
    assert calls(oncall)[-1] == ("POST", "/api/v1/routes/", {
        "integration_id": integration["id"], "escalation_chain_id": prod["id"], "routing_type": "regex", "routing_regex": "critical",
        "slack": {"channel_id": oncall.slack_id("alerts"), "enabled": True}})

    # Unchanged: integration name, chain name, Slack channel name, routes listing.
    oncall.clear_log()
    play = playbook(route_task(**task))
    assert play.rc == 0 and play.last["changed"] is False
    assert methods(oncall) == ["GET"] * 4
    # With ids only: one request, the routes listing.
    oncall.clear_log()
    play = playbook(route_task(integration_id=integration["id"], routing_regex="critical", escalation_chain_id=prod["id"]))
    assert play.rc == 0 and play.last["changed"] is False
    assert [(m, p) for m, p, dummy in calls(oncall)] == [("GET", "/api/v1/routes/")]

    # Update: only the changed sub-key.
    oncall.clear_log()
    play = playbook(route_task(integration_id=integration["id"], routing_regex="critical", slack={"enabled": False}), diff=True)
    assert play.rc == 0 and play.last["changed"] is True
    assert calls(oncall)[-1] == ("PUT", "/api/v1/routes/%s/" % created["id"], {"slack": {"enabled": False}})

    # Change the regex by id: routing_type always goes with it.
    oncall.clear_log()
    play = playbook(route_task(id=created["id"], routing_regex="critical|fatal"))
    assert play.rc == 0, play
    assert calls(oncall)[-1] == ("PUT", "/api/v1/routes/%s/" % created["id"], {"routing_regex": "critical|fatal", "routing_type": "regex"})

    absent = route_task(integration_id=integration["id"], routing_regex="critical|fatal", state="absent")
    oncall.clear_log()
    play = playbook(absent, diff=True)
    assert play.rc == 0 and play.last["changed"] is True and play.last["route"] == {}
    assert methods(oncall) == ["GET", "DELETE"] and routes_of(oncall, integration) == []
    oncall.clear_log()
    play = playbook(absent)
    assert play.rc == 0 and play.last["changed"] is False and methods(oncall) == ["GET"]


def test_positions_with_gaps_compare_order_and_move_only_when_needed(oncall, playbook):
    integration = setup_integration(oncall)
    # Positions 0, 10, 20 with gaps, as deletes leave them.
    for regex, position in (("a", 0), ("b", 10), ("c", 20)):
        add_route(oncall, integration, regex, position=position)
    assert [r for r, dummy in routes_of(oncall, integration)] == ["a", "b", "c"]

    # "c" to index 0: one PUT; then the same task is unchanged.
    oncall.clear_log()
    task = route_task(integration_id=integration["id"], routing_regex="c", position=0)
    play = playbook(task, diff=True)
    assert play.rc == 0 and play.last["changed"] is True
    assert methods(oncall) == ["GET", "PUT"]
    assert [r for r, dummy in routes_of(oncall, integration)] == ["c", "a", "b"]
    play = playbook(task)
    assert play.rc == 0 and play.last["changed"] is False

    # Index past the end means last; "a" (now index 1) moves behind "b".
    play = playbook(route_task(integration_id=integration["id"], routing_regex="a", position=99))
    assert play.rc == 0 and play.last["changed"] is True
    assert [r for r, dummy in routes_of(oncall, integration)] == ["c", "b", "a"]

    # A new route at index 1, and without position a new route goes last; the default route is never touched.
    play = playbook(route_task(integration_id=integration["id"], routing_regex="d", position=1) +
                    route_task(integration_id=integration["id"], routing_regex="e"))
    assert play.rc == 0, play
    assert [r for r, dummy in routes_of(oncall, integration)] == ["c", "d", "b", "a", "e"]
    default = [r for r in oncall.list("routes/", integration_id=integration["id"]) if r["is_the_last_route"]]
    assert len(default) == 1 and default[0]["id"] == integration["default_route"]["id"]


def test_jinja2_routes_and_local_validation(oncall, playbook):
    integration = setup_integration(oncall)
    task = """\
- name: Jinja2 route
  oncall.grafana.oncall_route:
    integration_id: {id}
    routing_type: jinja2
    routing_regex: !unsafe "{{{{ payload.labels.team == 'db' }}}}"
""".format(id=integration["id"])
    play = playbook(task)
    assert play.rc == 0, play
    route = play.last["route"]
    assert route["routing_type"] == "jinja2" and route["routing_regex"] == "{{ payload.labels.team == 'db' }}"
    again = playbook(task)
    assert again.rc == 0 and again.last["changed"] is False

    # A regex-only change by id on a jinja2 route is checked (and sent) as jinja2, never as a regex.
    oncall.clear_log()
    change = """\
- name: Change the template by id
  oncall.grafana.oncall_route:
    id: {id}
    routing_regex: !unsafe "{{{{ payload.labels.tags | join('(') }}}}"
""".format(id=route["id"])
    play = playbook(change)
    assert play.rc == 0, play
    assert calls(oncall)[-1][2] == {"routing_regex": "{{ payload.labels.tags | join('(') }}", "routing_type": "jinja2"}

    oncall.clear_log()
    for options, expected in (({"routing_regex": "(unclosed"}, "routing_regex is not a valid regular expression"),
                              ({"routing_type": "jinja2", "routing_regex": "{% raw %}{% if %}{% endraw %}"}, "not a valid Jinja2 template"),
                              ({"routing_regex": "x" * 1025}, "at most 1024"),
                              ({"routing_regex": "a", "position": -1}, "position is a 0-based index")):
        play = playbook(route_task(integration_id=integration["id"], **options))
        assert play.rc != 0 and expected in play.last["msg"], play.last["msg"]
    assert oncall.log() == []


def test_ambiguous_routes_fail_and_change_nothing(oncall, playbook):
    integration = setup_integration(oncall)
    first = add_route(oncall, integration, "twice")
    second = add_route(oncall, integration, "twice")
    for state in ("present", "absent"):
        oncall.clear_log()
        play = playbook(route_task(integration_id=integration["id"], routing_regex="twice", state=state, slack={"enabled": False}))
        assert play.rc != 0 and first["id"] in play.last["msg"] and second["id"] in play.last["msg"]
        assert methods(oncall) == ["GET"]
    # By id, either one can be managed.
    play = playbook(route_task(id=second["id"], state="absent"))
    assert play.rc == 0 and play.last["changed"] is True


def test_clearing_a_chain_recreates_the_route_in_place(oncall, playbook):
    integration = setup_integration(oncall)
    prod = chain(oncall, "prod")
    add_route(oncall, integration, "first")
    old = add_route(oncall, integration, "middle", escalation_chain_id=prod["id"], slack={"enabled": False})
    add_route(oncall, integration, "last")
    task = route_task(integration_id=integration["id"], routing_regex="middle", escalation_chain_id="")

    check = playbook(task, check=True, diff=True)
    assert check.rc == 0 and check.last["changed"] is True and check.last["recreated"] is True
    assert routes_of(oncall, integration)[1] == ("middle", prod["id"])

    oncall.clear_log()
    play = playbook(task, diff=True)
    assert play.rc == 0, play
    result = play.last
    assert result["recreated"] is True and result["replaced_id"] == old["id"] and result["route"]["id"] != old["id"]
    assert any("re-created" in warning for warning in result["warnings"])
    assert yaml.safe_load(result["diff"]["before"])["escalation_chain_id"] == prod["id"]
    assert yaml.safe_load(result["diff"]["after"])["escalation_chain_id"] is None
    assert methods(oncall) == ["GET", "POST", "DELETE"]
    assert routes_of(oncall, integration) == [("first", None), ("middle", None), ("last", None)]
    new = oncall.api("GET", "routes/%s/" % result["route"]["id"]).json()
    assert new["slack"]["enabled"] is False
    again = playbook(task)
    assert again.rc == 0 and again.last["changed"] is False


def test_a_lost_answer_to_a_recreate_is_looked_up_not_sent_twice(oncall, playbook):
    integration = setup_integration(oncall)
    prod = chain(oncall, "prod")
    add_route(oncall, integration, "first")
    old = add_route(oncall, integration, "middle", escalation_chain_id=prod["id"])
    # The server makes the new route, but the answer is lost: the old one has the same match, the lookup must skip it.
    oncall.add_fault("POST", r"^/api/v1/routes/$", count=1, kind="reset_after")
    oncall.clear_log()
    play = playbook(route_task(integration_id=integration["id"], routing_regex="middle", escalation_chain_id=""))
    assert play.rc == 0, play
    assert methods(oncall) == ["GET", "POST", "GET", "DELETE"]
    assert play.last["replaced_id"] == old["id"] and play.last["route"]["id"] not in (None, old["id"])
    assert routes_of(oncall, integration) == [("first", None), ("middle", None)]


def test_deleting_a_chain_leaves_its_routes_without_a_chain(oncall, playbook):
    integration = setup_integration(oncall)
    prod = chain(oncall, "prod")
    task = route_task(integration_id=integration["id"], routing_regex="critical", escalation_chain=prod["name"])
    assert playbook(task).rc == 0
    play = playbook([{"name": "Delete the chain", "oncall.grafana.oncall_escalation_chain": {"name": prod["name"], "state": "absent"}}])
    assert play.rc == 0 and play.last["changed"] is True
    assert routes_of(oncall, integration) == [("critical", None)]
    # The route's task now fails on the unknown chain name, before any write: nothing silently changes.
    play = playbook(task)
    assert play.rc != 0 and "escalation chain %r not found" % prod["name"] in play.last["msg"]
    # Deleting the route does not need the chain.
    play = playbook(route_task(integration_id=integration["id"], routing_regex="critical", escalation_chain=prod["name"], state="absent"))
    assert play.rc == 0 and play.last["changed"] is True


def test_default_route_and_foreign_routes_are_refused(oncall, playbook):
    integration = setup_integration(oncall)
    other = setup_integration(oncall, "other")
    foreign = add_route(oncall, other, "x")
    oncall.clear_log()
    play = playbook(route_task(id=integration["default_route"]["id"], slack={"enabled": False}))
    assert play.rc != 0 and "is the default route" in play.last["msg"] and "default_route" in play.last["msg"]
    play = playbook(route_task(id=foreign["id"], integration_id=integration["id"], slack={"enabled": False}))
    assert play.rc != 0 and "belongs to integration %s" % other["id"] in play.last["msg"]
    play = playbook(route_task(integration_id=integration["id"], routing_regex="x", msteams={"enabled": True}))
    assert play.rc != 0 and "msteams" in play.last["msg"]
    assert all(method == "GET" for method in methods(oncall))


def test_info_lists_routes_in_order_with_the_default_route_last(oncall, playbook):
    integration = setup_integration(oncall)
    add_route(oncall, integration, "b", position=5)
    add_route(oncall, integration, "a", position=0)
    play = playbook([{"name": "Routes", "oncall.grafana.oncall_route_info": {"integration": integration["name"]}}], check=True)
    assert play.rc == 0, play
    routes = play.last["routes"]
    assert [(r["routing_regex"], r["is_the_last_route"]) for r in routes] == [("a", False), ("b", False), (None, True)]

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_integration's ``routes`` through the real ansible-playbook: request budgets counted on the request log,
check mode that plans the real writes with none sent, and a task of oncall_route on the same integration."""

from __future__ import annotations

import yaml

MODULE = "oncall.grafana.oncall_integration"


def integration_task(**options):
    return [{"name": "Integration", MODULE: options}]


STAGING = "{{ payload.env == 'staging' }}"


def with_unsafe_staging(**options):
    """The task as YAML text, the OnCall Jinja route term written with !unsafe as users do."""
    return yaml.safe_dump(integration_task(**options), sort_keys=False).replace("'{{ payload.env == ''staging'' }}'", '!unsafe "%s"' % STAGING)


def requests_made(oncall):
    """(method, first path segment under /api/v1/) of every request since the last clear_log()."""
    return [(entry["method"], entry["path"].split("/")[3]) for entry in oncall.log()]


def writes(oncall):
    return [(entry["method"], entry["path"], entry["body"]) for entry in oncall.log() if entry["method"] != "GET"]


def regexes(oncall, integration_id):
    routes = [route for route in oncall.list("routes/", integration_id=integration_id) if not route["is_the_last_route"]]
    return [route["routing_regex"] for route in sorted(routes, key=lambda route: route["position"])]


def chain(oncall, suffix):
    response = oncall.api("POST", "escalation_chains/", json={"name": oncall.name(suffix)})
    assert response.status_code == 201, response.text
    return response.json()


def test_budgets_create_unchanged_move_to_top_and_chain_change(oncall, playbook):
    name = oncall.name("budgets")
    critical, other = chain(oncall, "critical"), chain(oncall, "other")
    routes = [{"routing_regex": "critical", "escalation_chain": critical["name"]},
              {"routing_regex": "warning", "escalation_chain": critical["name"]},
              {"routing_regex": "info"},
              {"routing_type": "jinja2", "routing_regex": STAGING}]
    raw = STAGING
    task = with_unsafe_staging(name=name, type="webhook", routes=routes)

    # Created: the chain name once, the lookup, one POST for the integration and one per route.
    oncall.clear_log()
    play = playbook(task)
    assert play.rc == 0 and play.last["changed"] is True, play
    assert requests_made(oncall) == [("GET", "escalation_chains"), ("GET", "integrations"), ("POST", "integrations")] + [("POST", "routes")] * 4
    made = play.last["integration"]
    assert [route["routing_regex"] for route in made["routes"]] == ["critical", "warning", "info", raw]
    assert regexes(oncall, made["id"]) == ["critical", "warning", "info", raw]

    # Unchanged: the chain name, the lookup, the routes listing.
    oncall.clear_log()
    play = playbook(task)
    assert play.rc == 0 and play.last["changed"] is False, play
    assert requests_made(oncall) == [("GET", "escalation_chains"), ("GET", "integrations"), ("GET", "routes")]

    # One route moved to the top: one write, its position.
    moved = with_unsafe_staging(name=name, routes=[routes[2], routes[0], routes[1], routes[3]])
    oncall.clear_log()
    play = playbook(moved, diff=True)
    assert play.rc == 0 and play.last["changed"] is True, play
    info_id = made["routes"][2]["id"]
    assert writes(oncall) == [("PUT", "/api/v1/routes/%s/" % info_id, {"position": 0})]
    assert regexes(oncall, made["id"]) == ["info", "critical", "warning", raw]
    before, after = (yaml.safe_load(play.last["diff"][side])["routes"] for side in ("before", "after"))
    assert [line.split(":")[0] for line in before] == ['regex "critical"', 'regex "warning"', 'regex "info"', 'jinja2 "%s"' % raw]
    assert [line.split(":")[0] for line in after] == ['regex "info"', 'regex "critical"', 'regex "warning"', 'jinja2 "%s"' % raw]

    # One route's chain changed: one write.
    oncall.clear_log()
    play = playbook(with_unsafe_staging(name=name, routes=[routes[2], routes[0], dict(routes[1], escalation_chain=other["name"]), routes[3]]))
    assert play.rc == 0 and play.last["changed"] is True, play
    assert writes(oncall) == [("PUT", "/api/v1/routes/%s/" % made["routes"][1]["id"], {"escalation_chain_id": other["id"]})]


def test_check_mode_plans_the_real_writes_and_diff_with_none_sent(oncall, playbook):
    existing = oncall.create_integration(name=oncall.name("planned"), type="webhook")
    for term in ("a", "b", "c", "gone"):
        response = oncall.api("POST", "routes/", json={"integration_id": existing["id"], "routing_regex": term, "escalation_chain_id": None})
        assert response.status_code == 201, response.text
    later = oncall.name("chain made later")
    tasks = integration_task(name=existing["name"], routes=[{"routing_regex": "c"}, {"routing_regex": "a"}, {"routing_regex": "b"},
                                                            {"routing_regex": "new"}])
    tasks += [{"name": "New integration", MODULE: {"name": oncall.name("not yet"), "type": "webhook",
                                                   "routes": [{"routing_regex": "x", "escalation_chain": later}, {"routing_regex": "y"}]}}]
    oncall.clear_log()
    dry = playbook(tasks, check=True, diff=True)
    assert dry.rc == 0, dry
    assert [entry["method"] for entry in oncall.log()] == ["GET"] * len(oncall.log())
    planned = dry.results[1]
    assert planned["integration"]["id"] is None and "routes" not in yaml.safe_load(planned["diff"]["before"])
    assert yaml.safe_load(planned["diff"]["after"])["routes"] == [
        'regex "x": escalation_chain_id "<escalation chain %s>"' % later, 'regex "y": escalation_chain_id null']
    assert "<escalation chain %s> where its id would be" % later in dry.stderr

    chain(oncall, "chain made later")
    real = playbook(tasks, diff=True)
    assert real.rc == 0, real
    assert real.results[0]["diff"] == dry.results[0]["diff"]
    assert [route["routing_regex"] for route in real.results[0]["integration"]["routes"]] == ["c", "a", "b", "new"]
    assert regexes(oncall, existing["id"]) == ["c", "a", "b", "new"]


def test_routes_and_oncall_route_on_one_integration_end_in_the_last_tasks_intent_every_run(oncall, playbook):
    name = oncall.name("mixed")
    the_list = {"name": "Routes as a list", MODULE: {"name": name, "type": "webhook", "routes": [{"routing_regex": "a"}, {"routing_regex": "b"}]}}
    one_route = {"name": "One route", "oncall.grafana.oncall_route": {"integration": name, "routing_regex": "extra", "position": 0}}

    for dummy in range(2):
        play = playbook([the_list, one_route])
        assert play.rc == 0, play
        integration_id = play.results[0]["integration"]["id"]
        # The last task wins: its route is there, first, next to the list's.
        assert regexes(oncall, integration_id) == ["extra", "a", "b"]
        # The two tasks undo each other on every run, as the docs say: the list deletes the route, the other task makes it.
        assert play.results[0]["changed"] is True and play.results[1]["changed"] is True

    for run in range(2):
        play = playbook([one_route, the_list])
        assert play.rc == 0, play
        assert regexes(oncall, integration_id) == ["a", "b"]
        # The route is there when the first run starts; from then on each run makes it, and the list deletes it.
        assert play.results[0]["changed"] is (run == 1) and play.results[1]["changed"] is True

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_integrations (many integrations and their routes in one task) through the real ansible-playbook.

The module's promise is a request budget as much as a behaviour, so most tests read the request log (the
recording proxy's, on any server): one listing per 100 integrations, one lookup per distinct name, one write per
thing that changes, and nothing at all written when a task fails up front, runs in check mode or finds nothing to do.
"""

from __future__ import annotations

import re

import pytest
import yaml

MODULE = "oncall.grafana.oncall_integrations"
INTEGRATIONS = "/api/v1/integrations/"
ROUTES = "/api/v1/routes/"


def fleet(**options):
    """One oncall_integrations task."""
    return {"name": "Fleet", MODULE: options}


def calls(oncall):
    """The API requests the server answered (the proxy's log), as (method, path, query, body)."""
    return [(entry["method"], entry["path"], entry["query"], entry["body"]) for entry in oncall.log()]


def writes(oncall):
    return [call for call in calls(oncall) if call[0] != "GET"]


def matching(requests_made, method, path):
    """The requests with this method whose path matches the regular expression ``path``."""
    return [call for call in requests_made if call[0] == method and re.search(path, call[1])]


def add_route(oncall, integration, regex, **body):
    response = oncall.api("POST", "routes/", json=dict({"integration_id": integration["id"], "routing_regex": regex,
                                                        "escalation_chain_id": None}, **body))
    assert response.status_code == 201, response.text
    return response.json()


def routes_of(oncall, integration):
    """Non-default routes in OnCall's order, as (regex, chain id)."""
    routes = oncall.list("routes/", integration_id=integration["id"])
    regular = sorted((r for r in routes if not r["is_the_last_route"]), key=lambda r: r["position"])
    return [(r["routing_regex"], r["escalation_chain_id"]) for r in regular]


def regexes(oncall, integration):
    return [regex for regex, dummy in routes_of(oncall, integration)]


def chain(oncall, suffix):
    response = oncall.api("POST", "escalation_chains/", json={"name": oncall.name(suffix)})
    assert response.status_code == 201, response.text
    return response.json()


def stored(oncall, integration):
    return oncall.api("GET", "integrations/%s/" % integration["id"]).json()


def actions(result):
    return [entry["action"] for entry in result["results"]]


def test_unchanged_fleet_of_150_costs_two_requests_and_names_resolve_once(oncall, playbook):
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    first, second = chain(oncall, "first"), chain(oncall, "second")
    # 150 integrations (two pages), teams and chains alternating, so every item below has something to resolve.
    made = [oncall.create_integration(name=oncall.name("fleet-%03d" % index), type="webhook", team_id=(ops, db)[index % 2],
                                      default_route={"escalation_chain_id": (first, second)[index % 3 == 0]["id"]},
                                      templates={"web": {"title": "t%d" % index}})
            for index in range(150)]
    by_ids = [{"name": item["name"], "team_id": item["team_id"], "type": "webhook", "templates": {"web": {"title": "t%d" % index}},
               "default_route": {"escalation_chain_id": item["default_route"]["escalation_chain_id"]}} for index, item in enumerate(made)]
    # Two pages on the emulator; a real server's other integrations may add pages: the budget is one listing of them all.
    pages = -(-len(oncall.list("integrations/")) // 100)

    oncall.clear_log()
    play = playbook([fleet(config=by_ids)])
    assert play.rc == 0, play
    assert play.last["changed"] is False and set(actions(play.last)) == {"unchanged"} and len(play.last["results"]) == 150
    # One listing, two pages of 100: nothing else, whatever the number of items.
    assert [(m, p, q.get("perpage"), q.get("page")) for m, p, q, dummy in calls(oncall)] == [("GET", INTEGRATIONS, "100", None)] + [
        ("GET", INTEGRATIONS, "100", str(number)) for number in range(2, pages + 1)]

    # The same fleet by team and chain names, one item changed: each distinct name read once, one minimal PUT.
    by_names = [{"name": item["name"], "team": ("ops", "db")[index % 2], "type": "webhook",
                 "default_route": {"escalation_chain": (first, second)[index % 3 == 0]["name"]}} for index, item in enumerate(made)]
    by_names[77]["templates"] = {"web": {"title": "changed"}}
    oncall.clear_log()
    play = playbook([fleet(config=by_names)])
    assert play.rc == 0, play
    assert play.last["changed"] is True
    assert [index for index, action in enumerate(actions(play.last)) if action != "unchanged"] == [77]
    made_calls = calls(oncall)
    assert len(matching(made_calls, "GET", r"^/api/v1/integrations/$")) == pages
    assert sorted(q["name"] for dummy, dummy, q, dummy in matching(made_calls, "GET", r"^/api/v1/teams/$")) == ["db", "ops"]
    assert sorted(q["name"] for dummy, dummy, q, dummy in matching(made_calls, "GET", r"^/api/v1/escalation_chains/$")) == sorted(
        [first["name"], second["name"]])
    assert writes(oncall) == [("PUT", "%s%s/" % (INTEGRATIONS, made[77]["id"]), {}, {"templates": {"web": {"title": "changed"}}})]
    assert len(made_calls) == 5 + pages


def test_creates_with_routes_one_write_each_and_a_rerun_writes_nothing(oncall, playbook):
    oncall.needs("slack")
    prod = chain(oncall, "prod")
    existing = oncall.create_integration(name=oncall.name("existing"), type="alertmanager")
    config = [
        {"name": existing["name"], "routes": [{"routing_regex": "old-a"}, {"routing_regex": "old-b", "escalation_chain": prod["name"]}]},
        {"name": oncall.name("new-1"), "type": "alertmanager", "team": "ops",
         "routes": [{"routing_regex": "critical", "escalation_chain": prod["name"], "slack": {"channel": "#alerts", "enabled": True}},
                    {"routing_type": "jinja2", "routing_regex": "{{ '{{' }} payload.severity == 'warning' {{ '}}' }}"}]},
        {"name": oncall.name("new-2"), "type": "webhook"},
        {"name": oncall.name("new-3"), "type": "grafana", "default_route": {"escalation_chain": prod["name"], "slack": {"channel": "alerts"}},
         "routes": [{"routing_regex": "db", "escalation_chain_id": prod["id"]}]},
    ]
    oncall.clear_log()
    play = playbook([fleet(config=config)])
    assert play.rc == 0, play
    result = play.last
    assert actions(result) == ["updated", "created", "created", "created"]
    made_calls = calls(oncall)
    # The chain is named three times and the Slack channel twice (with and without "#"), in routes and a default route: one read each.
    assert [q for dummy, dummy, q, dummy in matching(made_calls, "GET", r"^/api/v1/escalation_chains/$")] == [{"name": prod["name"], "perpage": "100"}]
    assert [q for dummy, dummy, q, dummy in matching(made_calls, "GET", r"^/api/v1/slack_channels/$")] == [
        {"channel_name": "alerts", "perpage": "100"}]
    # One item with routes exists and there is one page of integrations: its routes are read alone, once.
    route_reads = matching(made_calls, "GET", r"^/api/v1/routes/$")
    assert [q for dummy, dummy, q, dummy in route_reads] == [{"integration_id": existing["id"], "perpage": "100"}]
    assert len(matching(made_calls, "POST", r"^/api/v1/integrations/$")) == 3
    route_posts = matching(made_calls, "POST", r"^/api/v1/routes/$")
    ids = [entry["id"] for entry in result["results"]]
    assert [(body["integration_id"], body["routing_regex"]) for dummy, dummy, dummy, body in route_posts] == [
        (existing["id"], "old-a"), (existing["id"], "old-b"), (ids[1], "critical"),
        (ids[1], "{{ payload.severity == 'warning' }}"), (ids[3], "db")]
    assert route_posts[2][3] == {"integration_id": ids[1], "routing_type": "regex", "routing_regex": "critical", "escalation_chain_id": prod["id"],
                                 "slack": {"channel_id": oncall.slack_id("alerts"), "enabled": True}}
    # Every write is one POST, nothing else: no PUT, no DELETE, and no read after the first write.
    assert [m for m, dummy, dummy, dummy in writes(oncall)] == ["POST"] * 8
    first_write = next(i for i, call in enumerate(made_calls) if call[0] != "GET")
    assert all(call[0] != "GET" for call in made_calls[first_write:])
    assert [[r["action"] for r in entry.get("routes", [])] for entry in result["results"]] == [
        ["created", "created"], ["created", "created"], [], ["created"]]
    assert routes_of(oncall, {"id": ids[1]}) == [("critical", prod["id"]), ("{{ payload.severity == 'warning' }}", None)]
    assert stored(oncall, {"id": ids[1]})["team_id"] == oncall.team_id("ops")

    # Re-run: three items with routes exist, more than the one page of integrations, so one listing of every route.
    oncall.clear_log()
    again = playbook([fleet(config=config)])
    assert again.rc == 0, again
    assert again.last["changed"] is False and set(actions(again.last)) == {"unchanged"}
    made_calls = calls(oncall)
    assert writes(oncall) == []
    assert [q for dummy, dummy, q, dummy in matching(made_calls, "GET", r"^/api/v1/routes/$")] == [{"perpage": "100"}]


def without_ids(value):
    """``value`` with every "id" key dropped: what check mode cannot know about objects still to create."""
    if isinstance(value, dict):
        return {key: without_ids(sub) for key, sub in value.items() if key != "id"}
    if isinstance(value, list):
        return [without_ids(sub) for sub in value]
    return value


def test_check_mode_writes_nothing_and_predicts_the_real_results_and_diff(oncall, playbook):
    oncall.needs("slack")
    prod = chain(oncall, "prod")
    edited = oncall.create_integration(name=oncall.name("edited"), type="alertmanager", templates={"web": {"title": "old"}})
    add_route(oncall, edited, "a")
    add_route(oncall, edited, "b", escalation_chain_id=prod["id"])
    add_route(oncall, edited, "gone")
    same = oncall.create_integration(name=oncall.name("same"), type="webhook", description_short="kept")
    config = [
        # Template, default route by chain name, one route moved and changed, one re-created, one deleted.
        {"name": edited["name"], "templates": {"web": {"title": "new"}}, "default_route": {"escalation_chain": prod["name"]},
         "routes": [{"routing_regex": "b", "escalation_chain_id": "", "slack": {"channel": "ops-pager", "enabled": False}},
                    {"routing_regex": "a", "escalation_chain_id": prod["id"]}]},
        {"name": same["name"], "description_short": "kept"},
        {"name": oncall.name("new"), "type": "webhook", "team": "db", "description_short": "fresh", "templates": {"web": {"title": "w"}},
         "routes": [{"routing_regex": "x"}, {"routing_regex": "y", "escalation_chain": prod["name"]}]},
    ]
    task = [fleet(state="replaced", config=config)]
    oncall.clear_log()
    check = playbook(task, check=True, diff=True)
    assert check.rc == 0, check
    assert calls(oncall) and writes(oncall) == []
    assert regexes(oncall, edited) == ["a", "b", "gone"] and stored(oncall, edited)["templates"]["web"]["title"] == "old"
    assert check.last["results"][2]["id"] is None and [r["id"] for r in check.last["results"][2]["routes"]] == [None, None]

    real = playbook(task, diff=True)
    assert real.rc == 0, real
    assert check.last["changed"] is real.last["changed"] is True
    assert actions(check.last) == actions(real.last) == ["updated", "unchanged", "created"]
    assert [r["action"] for r in real.last["results"][0]["routes"]] == ["deleted", "recreated", "updated"]
    assert without_ids(check.last["results"]) == without_ids(real.last["results"])
    # The unchanged item has no diff entry; the check run's diff is the real one, item by item.
    assert len(real.last["diff"]) == 2 and yaml.safe_load(real.last["diff"][1]["before"]) == {}
    assert check.last["diff"] == real.last["diff"]
    assert routes_of(oncall, edited) == [("b", None), ("a", prod["id"])]


def test_check_mode_diff_of_created_routes_is_the_real_one_when_other_routes_set_more(oncall, playbook):
    oncall.needs("slack")
    integration = oncall.create_integration(name=oncall.name("routed"), type="webhook")
    add_route(oncall, integration, "a")
    # Route a sets slack.enabled and telegram.enabled, so the diff shows them for every route of the item.
    routes = [{"routing_regex": "a", "slack": {"channel_id": oncall.slack_id("alerts"), "enabled": False}, "telegram": {"enabled": False}},
              {"routing_regex": "new", "slack": {"channel_id": oncall.slack_id("ops-pager")}}]
    task = [fleet(config=[{"name": integration["name"], "routes": routes}])]
    check = playbook(task, check=True, diff=True)
    real = playbook(task, diff=True)
    assert check.rc == real.rc == 0
    assert check.last["diff"] == real.last["diff"]


def route_writes_by_owner(oncall, made, route_owner):
    """The route writes in the log, as (method, body), by the key in ``made`` of the integration they belong to.

    A POST names its integration; a PUT or DELETE names a route, found in ``route_owner`` (route id -> key).
    """
    grouped = {key: [] for key in made}
    for method, path, dummy, body in writes(oncall):
        if path.startswith(ROUTES):
            owner = route_owner.get(path[len(ROUTES):-1]) or next(key for key, item in made.items() if item["id"] == body["integration_id"])
            grouped[owner].append((method, body))
    return grouped


def test_replaced_resets_what_is_left_out_and_makes_routes_exactly_the_list_with_fewest_writes(oncall, playbook):
    oncall.needs("slack")
    prod, other = chain(oncall, "prod"), chain(oncall, "other")
    made = {suffix: oncall.create_integration(name=oncall.name(suffix), type="webhook") for suffix in ("reversed", "rotated", "reset", "cleared")}
    # Positions with gaps, as deletes leave them, on the reversed one.
    for regex, position in (("a", 0), ("b", 10), ("c", 20)):
        add_route(oncall, made["reversed"], regex, position=position)
        add_route(oncall, made["rotated"], regex)
    oncall.api("PUT", "integrations/%s/" % made["reset"]["id"], json={
        "description_short": "old", "templates": {"grouping_key": "{{ payload.id }}", "web": {"title": "web"}, "slack": {"title": "slack"}},
        "default_route": {"escalation_chain_id": prod["id"], "slack": {"channel_id": oncall.slack_id("alerts"), "enabled": False}}})
    for regex in ("a", "b", "c", "d"):
        add_route(oncall, made["reset"], regex)
    add_route(oncall, made["cleared"], "first")
    middle = add_route(oncall, made["cleared"], "middle", escalation_chain_id=prod["id"], slack={"enabled": False})
    add_route(oncall, made["cleared"], "last")
    route_owner = {route["id"]: suffix for suffix, integration in made.items() for route in oncall.list("routes/", integration_id=integration["id"])}
    config = [
        {"name": made["reversed"]["name"], "routes": [{"routing_regex": "c"}, {"routing_regex": "b"}, {"routing_regex": "a"}]},
        {"name": made["rotated"]["name"], "routes": [{"routing_regex": "b"}, {"routing_regex": "c"}, {"routing_regex": "a"}]},
        {"name": made["reset"]["name"], "templates": {"web": {"title": "web"}}, "default_route": {"escalation_chain_id": other["id"]},
         "routes": [{"routing_regex": "b"}, {"routing_regex": "e"}, {"routing_regex": "d"}]},
        {"name": made["cleared"]["name"], "routes": [{"routing_regex": "first"}, {"routing_regex": "middle", "escalation_chain_id": ""},
                                                     {"routing_regex": "last"}]},
    ]
    oncall.clear_log()
    play = playbook([fleet(state="replaced", config=config)])
    assert play.rc == 0, play
    assert actions(play.last) == ["updated"] * 4
    route_actions = [[r["action"] for r in entry["routes"]] for entry in play.last["results"]]
    route_writes = route_writes_by_owner(oncall, made, route_owner)

    # Reversing three routes: one stays, two move; moving the first to the end: one move. Positions only.
    assert [(method, set(body)) for method, body in route_writes["reversed"]] == [("PUT", {"position"})] * 2
    assert regexes(oncall, made["reversed"]) == ["c", "b", "a"] and route_actions[0] == ["unchanged", "updated", "updated"]
    assert [method for method, dummy in route_writes["rotated"]] == ["PUT"] and regexes(oncall, made["rotated"]) == ["b", "c", "a"]

    # Extra routes deleted, the missing one created in its place; description and unlisted templates reset, default route merged.
    assert sorted(method for method, dummy in route_writes["reset"]) == ["DELETE", "DELETE", "POST"]
    assert regexes(oncall, made["reset"]) == ["b", "e", "d"]
    assert route_actions[2] == ["deleted", "deleted", "unchanged", "created", "unchanged"]
    assert [body for method, path, dummy, body in writes(oncall) if path.startswith(INTEGRATIONS)] == [
        {"description_short": None, "templates": {"grouping_key": None, "slack": {"title": None}}, "default_route": {"escalation_chain_id": other["id"]}}]
    after = stored(oncall, made["reset"])
    assert after["description_short"] is None and after["templates"]["grouping_key"] is None
    assert after["templates"]["slack"]["title"] is None and after["templates"]["web"]["title"] == "web"
    assert after["default_route"]["escalation_chain_id"] == other["id"]
    assert after["default_route"]["slack"] == {"channel_id": oncall.slack_id("alerts"), "enabled": False}

    # Clearing a chain: a new route in the old one's place (Slack settings kept), then the old one deleted.
    assert [method for method, dummy in route_writes["cleared"]] == ["POST", "DELETE"]
    assert route_actions[3] == ["unchanged", "recreated", "unchanged"]
    recreated = play.last["results"][3]["routes"][1]
    assert recreated["replaced_id"] == middle["id"] and recreated["id"] != middle["id"] and recreated["routing_regex"] == "middle"
    assert routes_of(oncall, made["cleared"]) == [("first", None), ("middle", None), ("last", None)]
    assert oncall.api("GET", "routes/%s/" % recreated["id"]).json()["slack"]["enabled"] is False

    oncall.clear_log()
    play = playbook([fleet(state="replaced", config=config)])
    assert play.rc == 0 and play.last["changed"] is False, play
    assert writes(oncall) == []


def test_merged_routes_keep_unlisted_ones_and_put_listed_ones_in_listed_order(oncall, playbook):
    integration = oncall.create_integration(name=oncall.name("merged"), type="webhook", description_short="kept",
                                            templates={"slack": {"title": "kept"}})
    for regex in ("a", "b", "c", "d"):
        add_route(oncall, integration, regex)
    task = [fleet(config=[{"name": integration["name"], "templates": {"web": {"title": "new"}},
                           "routes": [{"routing_regex": "d"}, {"routing_regex": "b"}, {"routing_regex": "e"}]}])]
    oncall.clear_log()
    play = playbook(task)
    assert play.rc == 0, play
    order = regexes(oncall, integration)
    # Nothing deleted; d, b, e in that relative order; the unlisted a and c left where they were.
    assert sorted(order) == ["a", "b", "c", "d", "e"]
    assert [regex for regex in order if regex in "dbe"] == ["d", "b", "e"]
    assert order.index("a") < order.index("c")
    # One move (b behind d), one create, one integration PUT, and merged resets nothing it was not given.
    assert sorted((method, path.split("/")[3]) for method, path, dummy, dummy in writes(oncall)) == [
        ("POST", "routes"), ("PUT", "integrations"), ("PUT", "routes")]
    after = stored(oncall, integration)
    assert after["description_short"] == "kept" and after["templates"]["slack"]["title"] == "kept"
    assert [r["action"] for r in play.last["results"][0]["routes"]] == ["unchanged", "updated", "created"]
    oncall.clear_log()
    again = playbook(task)
    assert again.rc == 0 and again.last["changed"] is False and writes(oncall) == []


@pytest.mark.emulator_only("overrides whole teams (deletes what they hold beyond the run's objects) and makes direct paging integrations")
def test_overridden_deletes_only_what_its_scope_holds_and_config_leaves_out(oncall, playbook):
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    own = oncall.name("own-")
    made = {suffix: oncall.create_integration(name=oncall.name(suffix), type="webhook", team_id=team)
            for suffix, team in (("own-none", None), ("own-ops", ops), ("own-ops-2", ops), ("own-db", db), ("keep-ops", ops), ("keep-none", None))}
    # OnCall's own per-team integrations: in scope by team, never deleted.
    paging = [oncall.control("POST", "direct_paging", json={"team_id": team}) for team in (ops, None)]
    assert {item["type"] for item in paging} == {"direct_paging"}

    # Teams by name and by id, with a name prefix: own-ops-2 and own-db go; own-none (no team) and keep-ops (prefix) stay.
    oncall.clear_log()
    play = playbook([fleet(state="overridden", scope={"name_prefix": own, "teams": ["ops", db]},
                           config=[{"name": made["own-ops"]["name"], "team": "ops", "type": "webhook"}])])
    assert play.rc == 0, play
    assert [(entry["action"], entry["id"]) for entry in play.last["results"]] == [
        ("unchanged", made["own-ops"]["id"]), ("deleted", made["own-ops-2"]["id"]), ("deleted", made["own-db"]["id"])]
    made_calls = calls(oncall)
    # The teams are listed once (no name filter) and that listing also answers the item's team name.
    assert [q for dummy, dummy, q, dummy in matching(made_calls, "GET", r"^/api/v1/teams/$")] == [{"perpage": "100"}]
    assert sorted(path for dummy, path, dummy, dummy in writes(oncall)) == sorted(
        "%s%s/" % (INTEGRATIONS, made[suffix]["id"]) for suffix in ("own-ops-2", "own-db"))

    # Teams only, plus no team: everything in ops or without a team but the listed one and the direct paging ones.
    oncall.clear_log()
    play = playbook([fleet(state="overridden", scope={"teams": ["ops"], "no_team": True}, config=[{"name": made["keep-ops"]["name"], "team_id": ops}])])
    assert play.rc == 0, play
    assert sorted(entry["id"] for entry in play.last["results"] if entry["action"] == "deleted") == sorted(
        made[suffix]["id"] for suffix in ("own-none", "own-ops", "keep-none"))
    assert sorted(item["id"] for item in oncall.list("integrations/")) == sorted([made["keep-ops"]["id"]] + [item["id"] for item in paging])

    # config: [] empties the scope, direct paging aside; check mode first, which deletes nothing.
    task = [fleet(state="overridden", scope={"teams": ["ops"]}, config=[])]
    oncall.clear_log()
    check = playbook(task, check=True)
    assert check.rc == 0 and actions(check.last) == ["deleted"] and writes(oncall) == []
    play = playbook(task)
    assert play.rc == 0 and [entry["id"] for entry in play.last["results"]] == [made["keep-ops"]["id"]]
    assert sorted(item["id"] for item in oncall.list("integrations/")) == sorted(item["id"] for item in paging)


def test_deleted_deletes_listed_ones_and_a_type_mismatch_deletes_nothing(oncall, playbook):
    gone, kept, typed = [oncall.create_integration(name=oncall.name(suffix), type="webhook") for suffix in ("gone", "kept", "typed")]
    oncall.clear_log()
    config = [{"name": gone["name"], "type": "webhook"}, {"name": oncall.name("never-made")}, {"id": kept["id"]}]
    play = playbook([fleet(state="deleted", config=config)])
    assert play.rc == 0, play
    assert actions(play.last) == ["deleted", "unchanged", "deleted"]
    assert sorted(path for method, path, dummy, dummy in writes(oncall)) == sorted(
        "%s%s/" % (INTEGRATIONS, item["id"]) for item in (gone, kept))
    assert {method for method, dummy, dummy, dummy in writes(oncall)} == {"DELETE"}

    # Deleting again: all absent, nothing written.
    oncall.clear_log()
    play = playbook([fleet(state="deleted", config=[{"name": gone["name"]}, {"id": kept["id"]}])])
    assert play.rc == 0 and actions(play.last) == ["unchanged", "unchanged"] and writes(oncall) == []

    # A type that does not match means "probably not the one meant": the whole task fails, the first item stays too.
    other = oncall.create_integration(name=oncall.name("other"), type="webhook")
    oncall.clear_log()
    play = playbook([fleet(state="deleted", config=[{"name": other["name"]}, {"name": typed["name"], "type": "alertmanager"}])])
    assert play.rc != 0
    assert "config[1]" in play.last["msg"] and "is of type webhook, the task asks for alertmanager" in play.last["msg"]
    assert writes(oncall) == []
    assert sorted(item["id"] for item in oncall.integrations()) == sorted([other["id"], typed["id"]])


ROUND_TRIP = """\
- name: Gather the ops team's integrations and save them
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
  module_defaults:
    group/oncall.grafana.oncall: {{url: "{url}", token: "{token}"}}
  tasks:
    - name: Gather
      oncall.grafana.oncall_integrations:
        state: gathered
        scope:
          teams: [ops]
      register: g
    - name: Save
      ansible.builtin.copy:
        content: "{{{{ {{'x': g.gathered}} | oncall.grafana.to_unsafe_yaml }}}}"
        dest: "{{{{ playbook_dir }}}}/gathered.yml"
        mode: "0644"
      check_mode: false   # the whole run is --check; the file must exist for the next play

- name: Apply them back, as CI would review a change
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
  vars_files:
    - gathered.yml
  module_defaults:
    group/oncall.grafana.oncall: {{url: "{url}", token: "{token}"}}
  tasks:
    - name: Replace
      oncall.grafana.oncall_integrations:
        state: replaced
        config: "{{{{ x }}}}"
"""


@pytest.mark.emulator_only("makes a team's direct paging integration, which only the server itself makes")
def test_gathered_saved_and_applied_back_with_replaced_changes_nothing(oncall, playbook, tmp_path):
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    prod = chain(oncall, "prod")
    templated = oncall.create_integration(
        name=oncall.name("templated"), type="alertmanager", team_id=ops, description_short="d",
        templates={"grouping_key": "{{ payload.x }}", "web": {"title": "{{ payload.x }} fired", "message": ""}, "sms": {"title": "sms"}},
        default_route={"escalation_chain_id": prod["id"], "slack": {"channel_id": oncall.slack_id("ops-pager"), "enabled": True}})
    add_route(oncall, templated, "severity=critical", escalation_chain_id=prod["id"], slack={"channel_id": oncall.slack_id("alerts"), "enabled": False})
    add_route(oncall, templated, "{{ payload.x == 1 }}", routing_type="jinja2")
    email = oncall.create_integration(name=oncall.name("email"), type="inbound_email", team_id=ops)
    oncall.create_integration(name=oncall.name("elsewhere"), type="webhook", team_id=db)
    oncall.control("POST", "direct_paging", json={"team_id": ops})
    path = tmp_path / "round_trip.yml"
    path.write_text(ROUND_TRIP.format(url=oncall.url, token=oncall.token))

    oncall.clear_log()
    play = playbook.file(path, check=True, diff=True)
    assert play.rc == 0, play
    assert writes(oncall) == []
    gathered = play.records[0]["result"]["gathered"]
    # The ops team's own integrations only: not the other team's, not OnCall's direct paging one; never a secret.
    assert [item["id"] for item in gathered] == [templated["id"], email["id"]]
    assert all("link" not in item and "inbound_email" not in item for item in gathered)
    assert gathered[0]["templates"]["grouping_key"] == "{{ payload.x }}"
    assert [(r["routing_type"], r["routing_regex"]) for r in gathered[0]["routes"]] == [
        ("regex", "severity=critical"), ("jinja2", "{{ payload.x == 1 }}")]
    saved = (tmp_path / "gathered.yml").read_text()
    assert 'grouping_key: !unsafe "{{ payload.x }}"' in saved and email["inbound_email"] not in saved
    assert yaml.load(saved.replace("!unsafe", ""), Loader=yaml.SafeLoader)["x"] == gathered
    replaced = play.last
    assert play.records[-1]["task"] == "Replace"
    assert replaced["changed"] is False and actions(replaced) == ["unchanged", "unchanged"]
    assert stored(oncall, templated)["templates"]["web"]["title"] == "{{ payload.x }} fired"


def test_bad_tasks_fail_before_any_write_and_bad_options_before_any_request(oncall, playbook):
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    shared = oncall.name("shared")
    for team in (ops, db):
        oncall.create_integration(name=shared, type="webhook", team_id=team)
    typed = oncall.create_integration(name=oncall.name("typed"), type="alertmanager")
    edited = oncall.create_integration(name=oncall.name("edited"), type="webhook")
    item = {"name": oncall.name("item"), "type": "webhook"}
    # (task options, what the message says), every one failing on its own; the first ones need no request at all.
    cases = [
        ({"config": [dict(item, team="ops"), dict(item, team="ops", description_short="again")]}, "name the same integration"),
        ({"config": [dict(item, templates={"sms": {"message": "x"}})]}, "templates.sms.message"),
        ({"config": [dict(item, routes=[{"routing_regex": "(unclosed"}])]}, "routes[0]: routing_regex is not a valid regular expression"),
        ({"config": [dict(item, routes=[{"routing_regex": "a"}, {"routing_regex": " "}])]}, "routes[1]: routing_regex must not be empty"),
        ({}, "config is required with state=merged"),
        ({"state": "gathered", "config": []}, "config is not used with state=gathered"),
        ({"state": "overridden", "config": []}, "state=overridden deletes every integration that config does not list, so it needs a scope"),
        ({"scope": {"teams": ["ops"]}, "config": []}, "scope is used only with state=overridden and state=gathered, not with state=merged"),
        # These read the listing (and one team name), then fail before the first write.
        ({"config": [dict(item, team="ops"), dict(item, team_id=ops)]}, "would both make an integration named %r in team %s" % (item["name"], ops)),
        ({"config": [{"name": shared, "description_short": "x"}]}, "integration name %r is ambiguous" % shared),
        ({"config": [item, {"name": edited["name"], "description_short": "x"}, {"name": typed["name"], "type": "webhook", "description_short": "x"}]},
         "config[2] (name %r): integration %r (%s) is of type alertmanager, the task asks for webhook" % (typed["name"], typed["name"], typed["id"])),
        ({"config": [item, {"name": edited["name"], "default_route": {"escalation_chain": "no such chain"}}]},
         "config[1] (name %r): escalation chain 'no such chain' not found" % edited["name"]),
    ]
    oncall.clear_log()
    play = playbook([dict(fleet(**options), ignore_errors=True) for options, dummy in cases])
    assert play.rc == 0, play
    assert [record["status"] for record in play.records] == ["failed"] * len(cases)
    for (options, expected), record in zip(cases, play.records):
        assert expected in record["result"]["msg"], (options, record["result"]["msg"])
    # Four tasks needed the listing, one request each, one a team and one a chain, and the ambiguity error listed the teams
    # to name them; nothing else was sent, and nothing written.
    assert [(method, path) for method, path, dummy, dummy in calls(oncall)] == [
        ("GET", INTEGRATIONS), ("GET", "/api/v1/teams/"), ("GET", INTEGRATIONS), ("GET", "/api/v1/teams/"), ("GET", INTEGRATIONS),
        ("GET", INTEGRATIONS), ("GET", "/api/v1/escalation_chains/")]
    assert stored(oncall, edited)["description_short"] is None and oncall.integrations(item["name"]) == []


def test_failure_midway_says_what_was_applied_and_a_rerun_converges(oncall, playbook):
    names = [oncall.name("member-%d" % index) for index in range(3)]
    task = [fleet(config=[{"name": name, "type": "webhook", "routes": [{"routing_regex": "r"}]} for name in names])]
    # The first create goes through (a zero delay runs it normally); the second is refused; rules apply in order.
    oncall.add_fault("POST", r"^/api/v1/integrations/$", count=1, kind="delay", seconds=0)
    oncall.add_fault("POST", r"^/api/v1/integrations/$", count=1, kind="status", status=400)
    oncall.clear_log()
    play = playbook(task)
    assert play.rc != 0
    result = play.last
    assert [(entry["action"], entry["name"]) for entry in result["results"]] == [("created", names[0])]
    assert result["not_applied"] == ["config[1] (name %r)" % names[1], "config[2] (name %r)" % names[2]]
    assert "HTTP 400" in result["msg"] and "Applied before this failure: created %s." % names[0] in result["msg"]
    # The first item's route was written with it; nothing was sent after the refused POST.
    assert [(entry["method"], entry["path"], entry["status"]) for entry in oncall.log() if entry["method"] != "GET"] == [
        ("POST", INTEGRATIONS, 201), ("POST", ROUTES, 201), ("POST", INTEGRATIONS, 400)]
    assert [item["name"] for item in oncall.integrations()] == names[:1]

    play = playbook(task)
    assert play.rc == 0, play
    assert actions(play.last) == ["unchanged", "created", "created"]
    assert sorted(item["name"] for item in oncall.integrations()) == sorted(names)
    assert all(regexes(oncall, item) == ["r"] for item in oncall.integrations())


def test_lost_answers_to_creates_never_make_two(oncall, playbook):
    names = [oncall.name("lost-%d" % index) for index in range(2)]
    # The server makes the first integration and the first route, but the client never hears back.
    oncall.add_fault("POST", r"^/api/v1/integrations/$", count=1, kind="reset_after")
    oncall.add_fault("POST", r"^/api/v1/routes/$", count=1, kind="reset_after")
    oncall.clear_log()
    play = playbook([fleet(config=[{"name": name, "type": "webhook", "routes": [{"routing_regex": "r"}, {"routing_regex": "s"}]}
                                   for name in names])])
    assert play.rc == 0, play
    assert actions(play.last) == ["created", "created"]
    made_calls = calls(oncall)
    # Each lost answer costs one lookup, and nothing is sent twice: 2 integration POSTs, 4 route POSTs.
    assert [q.get("name") for dummy, dummy, q, dummy in matching(made_calls, "GET", r"^/api/v1/integrations/$")] == [None, names[0]]
    assert len(matching(made_calls, "GET", r"^/api/v1/routes/$")) == 1
    assert len(matching(made_calls, "POST", r"^/api/v1/integrations/$")) == 2 and len(matching(made_calls, "POST", r"^/api/v1/routes/$")) == 4
    assert sorted(item["name"] for item in oncall.integrations()) == sorted(names)
    assert all(regexes(oncall, item) == ["r", "s"] for item in oncall.integrations())


def test_failure_on_a_route_reports_the_integration_already_written(oncall, playbook):
    name = oncall.name("half-made")
    oncall.add_fault("POST", r"^/api/v1/routes/$", count=1, kind="status", status=400)
    play = playbook([fleet(config=[{"name": name, "type": "webhook", "routes": [{"routing_regex": "r"}]}])])
    assert play.rc != 0
    [made] = oncall.integrations(name)
    # What the server now has must be in the failure: the integration was created before its route failed.
    assert play.last["changed"] is True
    assert "Applied before this failure: nothing" not in play.last["msg"]
    assert made["id"] in str(play.last["results"])


def test_route_backend_the_server_lacks_fails_before_any_write_on_new_integrations(oncall, playbook):
    # Any integration's default route lists the server's backends, so the module has what it needs to refuse up front.
    oncall.create_integration(name=oncall.name("other"), type="webhook")
    task = [fleet(config=[{"name": oncall.name("new"), "type": "webhook", "routes": [{"routing_regex": "r", "msteams": {"enabled": True}}]}])]
    oncall.clear_log()
    first = playbook(task)
    first_writes = writes(oncall)
    second = playbook(task)
    # Whatever the module decides, both runs must agree; a setting that "worked" once must not fail the next run.
    assert first.rc == second.rc
    assert first.rc != 0 and "msteams" in first.last["msg"] and first_writes == []


def test_route_terms_are_trimmed_as_oncall_does_so_a_rerun_writes_nothing(oncall, playbook):
    # A jinja2 route written as a YAML block ends with a newline; OnCall stores it trimmed.
    task = "- name: Fleet\n  %s:\n    config:\n      - name: %s\n        type: webhook\n        routes:\n" \
           "          - routing_type: jinja2\n            routing_regex: !unsafe |\n              {{ payload.severity == 'critical' }}\n" \
           % (MODULE, oncall.name("trimmed"))
    assert playbook(task).rc == 0
    [made] = oncall.integrations(oncall.name("trimmed"))
    assert regexes(oncall, made) == ["{{ payload.severity == 'critical' }}"]
    oncall.clear_log()
    again = playbook(task)
    assert again.rc == 0 and again.last["changed"] is False and writes(oncall) == []


def test_replaced_creates_the_new_routes_before_it_deletes_the_old_ones(oncall, playbook):
    made = oncall.create_integration(name=oncall.name("swap-term"), type="webhook")
    add_route(oncall, made, "old")
    oncall.clear_log()
    play = playbook([fleet(state="replaced", config=[{"id": made["id"], "routes": [{"routing_regex": "new"}]}])])
    assert play.rc == 0, play
    # Alerts never lose a route: the new one exists before the old one goes.
    assert [(method, path.startswith(ROUTES)) for method, path, dummy, dummy in writes(oncall) if method != "PUT"] == [
        ("POST", True), ("DELETE", True)]
    assert regexes(oncall, made) == ["new"]


def test_a_route_failing_after_others_were_written_reports_them(oncall, playbook):
    made = oncall.create_integration(name=oncall.name("half-routes"), type="webhook")
    # The first route is created; the second is refused.
    oncall.add_fault("POST", r"^/api/v1/routes/$", count=1, kind="delay", seconds=0)
    oncall.add_fault("POST", r"^/api/v1/routes/$", count=1, kind="status", status=400)
    play = playbook([fleet(config=[{"id": made["id"], "routes": [{"routing_regex": "r1"}, {"routing_regex": "r2"}]}])])
    assert play.rc != 0
    assert play.last["changed"] is True
    assert [(entry["action"], entry["id"]) for entry in play.last["results"]] == [("updated", made["id"])]
    assert play.last["not_applied"] == ["the routes of config[0] (id %s)" % made["id"]]
    assert regexes(oncall, made) == ["r1"]


def test_names_clashing_in_a_team_fail_before_any_write_unless_overridden_deletes_the_holder_first(oncall, playbook):
    taken = oncall.create_integration(name=oncall.name("taken"), type="webhook")
    mover = oncall.create_integration(name=oncall.name("mover"), type="webhook")
    other = oncall.create_integration(name=oncall.name("other"), type="webhook")
    oncall.clear_log()
    # A rename onto a name another integration of the team keeps: OnCall would refuse it midway.
    play = playbook([dict(fleet(config=[{"name": oncall.name("fresh"), "type": "webhook"}, {"id": mover["id"], "name": taken["name"]}]),
                          ignore_errors=True),
                     # Two integrations swapping names: each write would meet the other's name.
                     dict(fleet(config=[{"id": mover["id"], "name": other["name"]}, {"id": other["id"], "name": mover["name"]}]),
                          ignore_errors=True)])
    assert [record["status"] for record in play.records] == ["failed", "failed"]
    assert "which integration %s already has" % taken["id"] in play.records[0]["result"]["msg"]
    assert "make the change in two runs" in play.records[1]["result"]["msg"]
    assert writes(oncall) == []

    # overridden deletes the holder anyway: it goes first, so the rename then succeeds.
    oncall.clear_log()
    play = playbook([fleet(state="overridden", scope={"name_prefix": oncall.prefix}, config=[
        {"id": mover["id"], "name": taken["name"]}, {"id": other["id"]}])])
    assert play.rc == 0, play
    # Results in config order, then deletions, whatever the order of the writes.
    assert [(entry["action"], entry["id"]) for entry in play.last["results"]] == [
        ("updated", mover["id"]), ("unchanged", other["id"]), ("deleted", taken["id"])]
    assert [(method, path) for method, path, dummy, dummy in writes(oncall)] == [
        ("DELETE", INTEGRATIONS + taken["id"] + "/"), ("PUT", INTEGRATIONS + mover["id"] + "/")]

    # A chain of renames in config order works: the earlier item frees the name the later one takes.
    play = playbook([fleet(config=[{"id": mover["id"], "name": oncall.name("moved-on")}, {"id": other["id"], "name": taken["name"]}])])
    assert play.rc == 0, play
    assert sorted(item["name"] for item in oncall.integrations()) == sorted([oncall.name("moved-on"), taken["name"]])


def test_integrations_that_already_share_a_name_in_a_team_can_be_listed_and_gathered_back(oncall, playbook):
    ops = oncall.team_id("ops")
    name = oncall.name("shared-name")
    first = oncall.create_integration(name=name, type="webhook", team_id=ops)
    second = oncall.create_integration(name=name, type="webhook")
    # Real data has such pairs (a deleted team's integrations move to "no team"); OnCall keeps them.
    assert oncall.api("PUT", "integrations/%s/" % second["id"], json={"team_id": ops}).status_code == 200
    play = playbook([dict(fleet(state="gathered", scope={"teams": ["ops"], "name_prefix": oncall.prefix}), register="current"),
                     fleet(state="replaced", config="{{ current.gathered }}")])
    assert play.rc == 0, play
    assert {entry["id"] for entry in play.last["results"]} == {first["id"], second["id"]}


def test_a_lost_answer_to_a_route_recreate_never_leaves_two(oncall, playbook):
    made = oncall.create_integration(name=oncall.name("lost-recreate"), type="webhook")
    prod = chain(oncall, "lost-prod")
    old = add_route(oncall, made, "r", escalation_chain_id=prod["id"])
    # The server makes the new route, but the client never hears back: it looks before it sends again.
    oncall.add_fault("POST", r"^/api/v1/routes/$", count=1, kind="reset_after")
    oncall.clear_log()
    play = playbook([fleet(config=[{"id": made["id"], "routes": [{"routing_regex": "r", "escalation_chain_id": ""}]}])])
    assert play.rc == 0, play
    assert len(matching(calls(oncall), "POST", r"^/api/v1/routes/$")) == 1
    [route] = play.last["results"][0]["routes"]
    assert route["action"] == "recreated" and route["replaced_id"] == old["id"] and route["id"] not in (None, old["id"])
    assert routes_of(oncall, made) == [("r", None)]


def test_deleting_from_a_team_that_does_not_exist_is_already_done_in_check_and_real_runs(oncall, playbook):
    task = [fleet(state="deleted", config=[{"name": oncall.name("anything"), "team": "no such team"}])]
    for check in (True, False):
        oncall.clear_log()
        play = playbook(task, check=check)
        assert play.rc == 0, play
        assert play.last["changed"] is False and actions(play.last) == ["unchanged"] and writes(oncall) == []

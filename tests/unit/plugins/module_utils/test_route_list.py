# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""RouteListPlan (an integration's non-default routes as one ordered list) against OnCall's ordering rules.

A randomized property test drives the real OnCallClient against an in-process emulator over HTTP: existing
routes with duplicate terms, jinja2 terms, label routes, raw positions with gaps and escalation chains; a
random wanted list (kept, moved, new, chain changed, chain cleared) in both modes. It checks the order the
server ends with, the chains, the number of moves (the fewest under keep-a-longest-run), which writes are
sent, that check mode sends nothing and predicts the result, and that a second plan has nothing to do.
Small cases pin the exact writes; normalized_route_items is checked on its own.
"""

from __future__ import annotations

import copy
import random

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.route_list import (
    CREATED,
    DELETED,
    RECREATED,
    UNCHANGED,
    UPDATED,
    RouteListPlan,
    desired_routes,
    normalized_route_items,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.emulated import EmulatedOnCall, start_server

ROUTES = "/api/v1/routes/"
CASES = 300
# (routing_type, routing_regex): the same text under both types, a Jinja text that is no valid regex.
KEYS = [
    ("regex", "^db-"),
    ("regex", "severity=critical"),
    ("jinja2", '{{ payload.severity == "critical" }}'),
    ("regex", '{{ payload.severity == "critical" }}'),
    ("regex", "(?i)disk"),
    ("jinja2", "{{ payload.tags | join('(') }}"),
    ("regex", ".*"),
    ("regex", "team: ops"),
    ("jinja2", "{{ 'db' in payload.tags }}"),
    ("regex", "a|b"),
    ("regex", r"host=web-\d+"),
    ("jinja2", "{{ payload.labels.team == 'db' }}"),
]
EXISTING_KEYS = KEYS[:8]    # fewer than the routes made, so that duplicates are common


# ---------------------------------------------------------------------------------------------------- the emulator


class Emulator(EmulatedOnCall):
    """The shared in-process emulator, with three chains and the route helpers these tests use."""

    def __init__(self, server):
        super().__init__(server)
        self.chains = [self.chain("chain-%d" % n)["id"] for n in range(3)]
        self.client = self.client()

    def call(self, method, path, body=None, params=None):
        return self.api(method, path[len("/api/v1/"):], body, params)

    def integration(self, name):  # pylint: disable=arguments-differ
        return super().integration(name)["id"]

    def add_route(self, integration_id, route_key, chain=None, position=None):
        fields = {} if position is None else {"position": position}
        return self.route(integration_id, route_key[1], route_key[0], chain, **fields)

    def make_label_route(self, route_id):
        """Label routes are made in the UI only: turn a route into one behind the API's back."""
        with self.server.state.lock:
            stored = self.server.state.routes[route_id]
            stored.routing_type, stored.routing_regex = "labels", None

    def read(self, integration_id):
        """All routes of the integration, default route included, in one page."""
        answer = self.api("GET", "routes/", params={"integration_id": integration_id, "perpage": 100})
        assert answer["next"] is None
        return answer["results"]

    def existing(self, integration_id):
        """What a task hands RouteListPlan: the integration's routes as the client lists them."""
        return self.client.list_all("routes/", {"integration_id": integration_id})


@pytest.fixture(scope="module")
def emulator():
    server = start_server()
    yield Emulator(server)
    server.stop()


# ---------------------------------------------------------------------------------------------------- helpers


def regular(routes):
    """The non-default routes, by position."""
    return sorted((route for route in routes if not route["is_the_last_route"]), key=lambda route: route["position"])


def key(route):
    return route["routing_type"], route["routing_regex"]


def item(route_key, **routing):
    return dict({"routing_type": route_key[0], "routing_regex": route_key[1]}, **routing)


def longest_increasing_length(values):
    """Length of a longest strictly increasing subsequence, the plain quadratic way (independent of the plan's)."""
    best = []
    for index, value in enumerate(values):
        best.append(1 + max([best[before] for before in range(index) if values[before] < value], default=0))
    return max(best, default=0)


def op_list(plan):
    """The planned writes as (kind, route id for existing routes or regex for new ones, body)."""
    return [(write.kind, write.slot.item["id"] if write.kind != "post" else write.body["routing_regex"], write.body) for write in plan.writes]


def described(routes):
    """Routes as a failure message shows them: (position, routing_type, routing_regex, escalation_chain_id)."""
    return [(route["position"], route["routing_type"], route["routing_regex"], route["escalation_chain_id"]) for route in routes]


def shape(routes):
    return [(route["routing_type"], route["routing_regex"], route["escalation_chain_id"]) for route in routes]


# ---------------------------------------------------------------------------------------------------- randomized


def build_case(emulator, seed):
    """Existing routes (gaps, duplicates, chains, maybe label routes) on a new integration; a wanted list."""
    rng = random.Random(seed)
    integration_id = emulator.integration("case-%d" % seed)
    made = []
    for dummy in range(rng.randint(0, 9)):
        top = max((route["position"] for route in made), default=-1)
        position = rng.choice([None, None, rng.randint(0, top + 4)])
        chain = rng.choice([None, None] + emulator.chains)
        route = emulator.add_route(integration_id, rng.choice(EXISTING_KEYS), chain, position)
        made.append(route)
    for route in made:
        if rng.random() < 0.25:
            emulator.call("DELETE", ROUTES + route["id"] + "/")
        elif rng.random() < 0.1:
            emulator.make_label_route(route["id"])

    current = regular(emulator.read(integration_id))
    present = []
    for route in current:
        if route["routing_type"] != "labels" and key(route) not in present:
            present.append(key(route))
    listed = rng.sample(present, rng.randint(len(present) // 2, len(present)))
    fresh = [candidate for candidate in KEYS if candidate not in present]
    listed += rng.sample(fresh, rng.randint(0, min(3, len(fresh))))
    if listed and rng.random() < 0.2:
        # OnCall allows the same match twice, and gathered returns such routes: list one match again.
        listed.append(rng.choice(listed))
    rng.shuffle(listed)
    items = []
    for route_key in listed:
        choice = rng.choice(["unmanaged", "chain", "chain", "clear"])
        if choice == "unmanaged":
            items.append(item(route_key))
        elif choice == "chain":
            items.append(item(route_key, escalation_chain_id=rng.choice(emulator.chains)))
        else:
            items.append(item(route_key, escalation_chain_id=""))
    return integration_id, current, items, rng.random() < 0.5


def expectations(current, wanted, exact):
    """What the plan must do, derived from the server's rules, not from the plan: per wanted item its match, chain, re-create."""
    unused = {}
    for route in current:
        if route["routing_type"] != "labels":
            unused.setdefault(key(route), []).append(route)
    rows = []
    for want in wanted:
        # The first route with that match not taken by an earlier item.
        match = unused[key(want)].pop(0) if unused.get(key(want)) else None
        chain = want["escalation_chain_id"] if "escalation_chain_id" in want else (match or {}).get("escalation_chain_id")
        recreate = match is not None and "escalation_chain_id" in want and want["escalation_chain_id"] is None \
            and match["escalation_chain_id"] is not None
        rows.append({"match": match, "chain": chain, "recreate": recreate})
    matched_ids = {row["match"]["id"] for row in rows if row["match"]}
    unlisted = [route for route in current if route["id"] not in matched_ids]
    deleted = [route for route in unlisted if exact and route["routing_type"] != "labels"]
    return rows, unlisted, deleted


def check_case(emulator, seed, seen):
    """One random case, checked end to end; ``seen`` counts what the case exercised."""
    integration_id, current, items, exact = build_case(emulator, seed)
    items, dummy = normalized_route_items(items)
    wanted = desired_routes(items, None)
    before_ids = {route["id"] for route in current}
    rows, unlisted, deleted = expectations(current, wanted, exact)
    where = "seed %d, exact=%s, existing %s, wanted %s" % (seed, exact, described(current), wanted)

    # Check mode: no request at all (the routes were read before), and a prediction of the result.
    existing = emulator.existing(integration_id)
    emulator.clear_log()
    predicted = RouteListPlan(copy.deepcopy(existing), wanted, exact).apply(emulator.client, integration_id, check_mode=True)
    assert emulator.log() == [], where

    plan = RouteListPlan(copy.deepcopy(existing), wanted, exact)
    returned = plan.apply(emulator.client, integration_id, check_mode=False)
    writes = emulator.writes()
    read_back = emulator.read(integration_id)
    after = regular(read_back)
    where += "; got %s" % described(after)

    # The order the server ends with: the listed routes in the listed order, with the listed chains.
    by_id = {route["id"]: route for route in after}
    created = [route for route in after if route["id"] not in before_ids]
    finals = []
    for want, row in zip(wanted, rows):
        if row["match"] is not None and not row["recreate"]:
            assert row["match"]["id"] in by_id, where
            finals.append(by_id[row["match"]["id"]])
        else:
            # New routes with the same match (a match listed twice) are taken in the server's order.
            new = [route for route in created if key(route) == key(want) and route not in finals]
            assert new, where
            finals.append(new[0])
    assert [key(route) for route in finals] == [key(want) for want in wanted], where
    assert [route["escalation_chain_id"] for route in finals] == [row["chain"] for row in rows], where
    indexes = [after.index(route) for route in finals]
    assert indexes == sorted(indexes), where
    # Unlisted routes never change: all there (but the deleted). Those with the match of a listed route
    # (merged keeps such duplicates) end behind it, in their old relative order; the others never move.
    # Under exact only label routes are left.
    kept = [route for route in unlisted if route not in deleted]
    listed_keys = [key(want) for want in wanted]
    duplicates = [route for route in kept if key(route) in listed_keys]
    others = [route for route in after if route not in finals]
    plain = [route for route in others if key(route) not in listed_keys]
    assert shape(plain) == shape([route for route in kept if route not in duplicates]), where
    assert [route["id"] for route in plain] == [route["id"] for route in kept if route not in duplicates], where
    for route_key in set(key(route) for route in duplicates):
        same = [route["id"] for route in after if key(route) == route_key]
        listed_same = [final["id"] for final, want in zip(finals, wanted) if key(want) == route_key]
        assert same == listed_same + [route["id"] for route in duplicates if key(route) == route_key], where
    if exact:
        assert all(route["routing_type"] == "labels" for route in others), where
    assert len(created) == sum(1 for row in rows if row["match"] is None or row["recreate"]), where

    # The writes: the deletes and creates needed, one PUT per route at most, and moves only for the routes
    # outside one longest run already in the listed order.
    assert all(entry["status"] in (200, 201, 204) for entry in writes), where
    gone = {route["id"] for route in deleted} | {row["match"]["id"] for row in rows if row["recreate"]}
    assert sorted(entry["path"] for entry in writes if entry["method"] == "DELETE") == sorted(ROUTES + rid + "/" for rid in gone), where
    assert not gone & set(by_id), where
    assert sum(1 for entry in writes if entry["method"] == "POST") == len(created), where
    stay = [row for row in rows if row["match"] is not None and not row["recreate"]]
    # The routes the plan places, ranked by where they must end: listed ones by index, each duplicate right behind its twin.
    ranks = {row["match"]["id"]: (index, 0) for index, row in enumerate(rows) if row["match"] is not None and not row["recreate"]}
    for route in duplicates:
        last_listed = len(listed_keys) - 1 - listed_keys[::-1].index(key(route))
        ranks[route["id"]] = (last_listed, 1 + [other["id"] for other in duplicates if key(other) == key(route)].index(route["id"]))
    ranks_in_current_order = [ranks[route["id"]] for route in current if route["id"] in ranks]
    moves = [entry for entry in writes if entry["method"] == "PUT" and "position" in entry["body"]]
    assert len(moves) == len(ranks_in_current_order) - longest_increasing_length(ranks_in_current_order), where
    rechained = {ROUTES + row["match"]["id"] + "/" for row in stay if row["chain"] != row["match"]["escalation_chain_id"]}
    puts = [entry["path"] for entry in writes if entry["method"] == "PUT"]
    assert len(puts) == len(set(puts)), where
    assert rechained <= set(puts), where
    assert all(entry["path"] in rechained for entry in writes if entry["method"] == "PUT" and "position" not in entry["body"]), where
    assert plan.changed == bool(writes), where

    # What apply returns, and what check mode predicted, is the result.
    assert shape(returned) == shape(after), where
    assert [route["id"] for route in returned] == [route["id"] for route in after], where
    assert shape(predicted) == shape(after), where
    assert [route["id"] for route in predicted] == [route["id"] if route["id"] in before_ids else None for route in after], where

    # Done is done: planning again finds nothing to write.
    assert RouteListPlan(read_back, wanted, exact).writes == [], where

    positions = [route["position"] for route in current]
    seen.update({
        "exact": exact, "merged": not exact, "gaps": positions != list(range(len(positions))),
        "duplicates": len({key(route) for route in current}) < len(current),
        "jinja2": any(want["routing_type"] == "jinja2" for want in wanted), "labels": any(route["routing_type"] == "labels" for route in current),
        "new": any(row["match"] is None for row in rows), "recreate": any(row["recreate"] for row in rows),
        "rechain": bool(rechained), "deletes": bool(deleted), "2+ moves": len(moves) >= 2, "no write": not writes,
        "unlisted duplicate kept": bool(duplicates),
    })


def test_random_route_lists_reach_the_wanted_order_with_the_fewest_moves(emulator):
    counts = {}
    for seed in range(CASES):
        seen = {}
        check_case(emulator, seed, seen)
        for name, hit in seen.items():
            counts[name] = counts.get(name, 0) + int(hit)
    # The generator really exercises every feature (a guard against a test that silently checks little).
    assert all(count >= CASES // 20 for count in counts.values()), counts


# ---------------------------------------------------------------------------------------------------- exact writes

A, B, C = ("regex", "a"), ("regex", "b"), ("regex", "c")


def three_routes(emulator, name, chains=(None, None, None)):
    """Routes a, b, c at raw positions 0, 2, 5 (created with explicit positions, as after deletions)."""
    integration_id = emulator.integration(name)
    ids = [emulator.add_route(integration_id, route_key, chain, position)["id"]
           for route_key, chain, position in zip((A, B, C), chains, (None, 2, 5))]
    assert placed(emulator, integration_id) == [(0, "a"), (2, "b"), (5, "c")]
    return integration_id, ids


def placed(emulator, integration_id):
    return [(route["position"], route["routing_regex"]) for route in regular(emulator.read(integration_id))]


def run_plan(emulator, integration_id, items, exact):
    """The plan, applied; its writes, as the emulator logged them, for comparing with the planned ones."""
    items, dummy = normalized_route_items(items)
    plan = RouteListPlan(emulator.existing(integration_id), desired_routes(items, None), exact)
    planned = op_list(plan)
    emulator.clear_log()
    plan.apply(emulator.client, integration_id, check_mode=False)
    sent = [(entry["method"].lower(), entry["path"][len(ROUTES):].strip("/") or (entry["body"] or {}).get("routing_regex"),
             {name: value for name, value in entry["body"].items() if name != "integration_id"} if entry["body"] else None)
            for entry in emulator.writes()]
    assert sent == planned
    return plan, planned


def test_reversing_three_routes_is_two_moves(emulator):
    integration_id, (ra, rb, dummy) = three_routes(emulator, "reverse")
    plan, planned = run_plan(emulator, integration_id, [item(C), item(B), item(A)], exact=True)
    # c, the one route of a longest run already in order, stays; b then a go right after the route placed before them.
    assert planned == [("put", rb, {"position": 5}), ("put", ra, {"position": 5})]
    assert placed(emulator, integration_id) == [(3, "c"), (4, "b"), (5, "a")]
    assert [entry["action"] for entry in plan.report()] == [UNCHANGED, UPDATED, UPDATED]


def test_moving_the_first_route_last_is_one_move(emulator):
    integration_id, (ra, dummy, dummy) = three_routes(emulator, "first-last")
    dummy, planned = run_plan(emulator, integration_id, [item(B), item(C), item(A)], exact=True)
    assert planned == [("put", ra, {"position": 5})]
    assert placed(emulator, integration_id) == [(1, "b"), (4, "c"), (5, "a")]


def test_a_new_route_at_the_front_is_one_post_at_the_first_routes_position(emulator):
    integration_id, dummy = three_routes(emulator, "new-front")
    plan, planned = run_plan(emulator, integration_id, [item(("regex", "x")), item(A), item(B), item(C)], exact=True)
    assert planned == [("post", "x", {"escalation_chain_id": None, "routing_type": "regex", "routing_regex": "x", "position": 0})]
    assert placed(emulator, integration_id) == [(0, "x"), (1, "a"), (3, "b"), (6, "c")]
    assert [entry["action"] for entry in plan.report()] == [CREATED, UNCHANGED, UNCHANGED, UNCHANGED]


def test_a_new_route_at_the_end_needs_no_position(emulator):
    integration_id, dummy = three_routes(emulator, "new-end")
    dummy, planned = run_plan(emulator, integration_id, [item(A), item(B), item(C), item(("jinja2", "{{ true }}"))], exact=True)
    assert planned == [("post", "{{ true }}", {"escalation_chain_id": None, "routing_type": "jinja2", "routing_regex": "{{ true }}"})]
    assert placed(emulator, integration_id) == [(0, "a"), (2, "b"), (5, "c"), (6, "{{ true }}")]


def test_exact_deletes_the_unlisted_middle_route_and_moves_nothing(emulator):
    integration_id, (dummy, rb, dummy) = three_routes(emulator, "delete-middle")
    plan, planned = run_plan(emulator, integration_id, [item(A), item(C)], exact=True)
    assert planned == [("delete", rb, None)]
    assert placed(emulator, integration_id) == [(0, "a"), (5, "c")]  # deletes never compact
    kept = [plan.before[0]["id"], plan.before[2]["id"]]
    assert [(entry["action"], entry["id"]) for entry in plan.report()] == [(DELETED, rb), (UNCHANGED, kept[0]), (UNCHANGED, kept[1])]


def test_merged_keeps_unlisted_routes(emulator):
    integration_id, (ra, dummy, dummy) = three_routes(emulator, "merged")
    dummy, planned = run_plan(emulator, integration_id, [item(A), item(C)], exact=False)
    assert planned == []
    dummy, planned = run_plan(emulator, integration_id, [item(C), item(A)], exact=False)
    assert planned == [("put", ra, {"position": 5})]
    assert placed(emulator, integration_id) == [(1, "b"), (4, "c"), (5, "a")]


def test_a_changed_chain_is_one_put_without_position(emulator):
    integration_id, (dummy, rb, dummy) = three_routes(emulator, "rechain")
    chain = emulator.chains[0]
    dummy, planned = run_plan(emulator, integration_id, [item(A), item(B, escalation_chain_id=chain), item(C)], exact=True)
    assert planned == [("put", rb, {"escalation_chain_id": chain})]
    assert placed(emulator, integration_id) == [(0, "a"), (2, "b"), (5, "c")]


def test_a_cleared_chain_is_a_new_route_in_the_old_ones_place(emulator):
    chain_a, chain_b = emulator.chains[:2]
    integration_id, (ra, rb, rc) = three_routes(emulator, "recreate", chains=(chain_a, chain_b, None))
    old_b = next(route for route in emulator.read(integration_id) if route["id"] == rb)
    plan, planned = run_plan(emulator, integration_id, [item(A), item(B, escalation_chain_id=""), item(C)], exact=True)
    # The new route carries the old one's messaging settings, and goes to the old one's position (before it).
    messaging = {name: value for name, value in old_b.items() if isinstance(value, dict)}
    assert set(messaging) >= {"slack", "telegram"}
    assert planned == [("post", "b", dict(messaging, escalation_chain_id=None, routing_type="regex", routing_regex="b", position=2)),
                       ("delete", rb, None)]
    after = regular(emulator.read(integration_id))
    assert [(route["position"], route["routing_regex"], route["escalation_chain_id"]) for route in after] == \
        [(0, "a", chain_a), (2, "b", None), (6, "c", None)]
    assert [route["id"] for route in after] == [ra, after[1]["id"], rc] and after[1]["id"] != rb
    assert [(entry["action"], entry.get("replaced_id")) for entry in plan.report()] == [(UNCHANGED, None), (RECREATED, rb), (UNCHANGED, None)]


def label_routes():
    """A label route (made in the UI) first, then a and b, and the default route: as dicts, no server."""
    def route(route_id, position, routing_type, regex):
        return {"id": route_id, "position": position, "routing_type": routing_type, "routing_regex": regex, "escalation_chain_id": None,
                "is_the_last_route": False, "slack": {"channel_id": None, "enabled": False}, "telegram": {"id": None, "enabled": False}}
    default = dict(route("RDEF", 0, "regex", None), is_the_last_route=True)
    return [route("RLAB", 0, "labels", None), route("RA", 1, "regex", "a"), route("RB", 3, "regex", "b"), default]


@pytest.mark.parametrize("exact", [True, False])
def test_label_routes_are_never_deleted_nor_moved(exact):
    plan = RouteListPlan(label_routes(), desired_routes([item(B)], None), exact)
    assert op_list(plan) == ([("delete", "RA", None)] if exact else [])
    assert [slot.item["id"] for slot in plan.final] == (["RLAB", "RB"] if exact else ["RLAB", "RA", "RB"])

    plan = RouteListPlan(label_routes(), desired_routes([], None), exact)
    assert op_list(plan) == ([("delete", "RA", None), ("delete", "RB", None)] if exact else [])
    assert [entry["id"] for entry in plan.report()] == (["RA", "RB"] if exact else [])

    plan = RouteListPlan(label_routes(), desired_routes([item(B), item(A)], None), exact)
    assert op_list(plan) == [("put", "RA", {"position": 3})]
    assert [slot.item["id"] for slot in plan.final] == ["RLAB", "RB", "RA"]
    assert [route["id"] for route in plan.apply(None, "CINT1", check_mode=True)] == ["RLAB", "RB", "RA"]


# ---------------------------------------------------------------------------------------------------- precedence
# Found by the randomized test (shrunk by hand): a re-created route must take the old one's place, and a listed
# route must stay ahead of an unlisted duplicate (which would otherwise take its alerts).


def routes_with(emulator, name, specs):
    """Routes from (regex, chain number or None, labels?) specs, one after the other (positions 0, 1, ...)."""
    integration_id = emulator.integration(name)
    for regex, chain, labels in specs:
        route = emulator.add_route(integration_id, ("regex", regex), None if chain is None else emulator.chains[chain])
        if labels:
            emulator.make_label_route(route["id"])
    return integration_id


def routing(emulator, integration_id):
    """What alerts meet, in order: (routing_type, routing_regex, chain number)."""
    return [(route["routing_type"], route["routing_regex"], None if route["escalation_chain_id"] is None
             else emulator.chains.index(route["escalation_chain_id"])) for route in regular(emulator.read(integration_id))]


@pytest.mark.parametrize("exact, other, expected", [
    # merged, an unlisted route after it: got [u, a]
    (False, ("u", None, False), [("regex", "a", None), ("regex", "u", None)]),
    # exact, a label route after it: got [label, a]
    (True, ("u", None, True), [("regex", "a", None), ("labels", None, None)]),
    # merged, an unlisted duplicate after it: got [a (chain 1), a]; the next run matches the duplicate and re-creates it
    (False, ("a", 1, False), [("regex", "a", None), ("regex", "a", 1)]),
], ids=["unlisted", "label", "duplicate"])
def test_a_recreated_route_keeps_its_place_ahead_of_the_routes_the_task_does_not_list(emulator, exact, other, expected):
    integration_id = routes_with(emulator, "recreate-place-%s-%s" % (exact, other[0] + str(other[2])), [("a", 0, False), other])
    wanted = desired_routes([item(("regex", "a"), escalation_chain_id="")], None)
    RouteListPlan(emulator.existing(integration_id), wanted, exact).apply(emulator.client, integration_id, check_mode=False)
    assert routing(emulator, integration_id) == expected
    assert RouteListPlan(emulator.existing(integration_id), wanted, exact).writes == []


def test_a_moved_route_stays_ahead_of_its_unlisted_duplicate(emulator):
    integration_id = routes_with(emulator, "moved-duplicate", [("a", 0, False), ("a", 1, False), ("b", None, False)])
    wanted = desired_routes([item(B), item(A)], None)
    RouteListPlan(emulator.existing(integration_id), wanted, False).apply(emulator.client, integration_id, check_mode=False)
    # Once this was [a (chain 1), b, a (chain 0)]: a (chain 0) moved behind the duplicate, which took its alerts.
    assert routing(emulator, integration_id) == [("regex", "b", None), ("regex", "a", 0), ("regex", "a", 1)]
    assert RouteListPlan(emulator.existing(integration_id), wanted, False).writes == []


# ---------------------------------------------------------------------------------------------------- normalized_route_items


def test_route_items_accept_the_same_term_under_both_types():
    assert normalized_route_items([item(("regex", "{{ x }}")), item(("jinja2", "{{ x }}"))])[1] == []
    assert normalized_route_items([]) == ([], [])
    assert normalized_route_items(None) == ([], [])


def test_route_items_warn_of_a_duplicate_naming_both_indexes():
    # Allowed (OnCall allows it, and gathered returns such routes), but alerts only ever take the first.
    dummy, warnings = normalized_route_items([item(A), item(("jinja2", "{{ x }}")), item(("regex", "{{ x }}")), item(("jinja2", "{{ x }}"))])
    assert warnings == ["routes[1] and routes[3] both have routing_type jinja2 and routing_regex '{{ x }}': alerts only ever take routes[1]"]


def test_route_items_are_trimmed_as_oncall_does_into_new_items():
    given = [item(("regex", "  a\n")), item(("jinja2", "{{ x }}\n"))]
    items, warnings = normalized_route_items(given)
    assert warnings == []
    assert [entry["routing_regex"] for entry in items] == ["a", "{{ x }}"]
    assert [entry["routing_regex"] for entry in given] == ["  a\n", "{{ x }}\n"]     # the task's own options stay as written
    assert normalized_route_items([item(("regex", "a")), item(("regex", "a "))])[1] != []


@pytest.mark.parametrize("bad, message", [
    (item(("regex", "a(")), r"^routes\[1\]: routing_regex is not a valid regular expression"),
    (item(("jinja2", "{{ x")), r"^routes\[1\]: routing_regex is not a valid Jinja2 template"),
    (item(("regex", "x" * 1025)), r"^routes\[1\]: routing_regex is 1025 characters long; OnCall allows at most 1024"),
    (item(A, escalation_chain=" "), r"^routes\[1\]: escalation_chain must not be empty"),
    (item(("regex", " \n")), r"^routes\[1\]: routing_regex must not be empty"),
])
def test_route_items_name_the_bad_item(bad, message):
    with pytest.raises(OnCallError, match=message):
        normalized_route_items([item(B), bad, item(C)])


def test_a_match_listed_twice_with_a_third_copy_on_the_server_is_stable(emulator):
    # The extra copy ranks behind the last listed one, so a config that matches the server writes nothing.
    integration_id = routes_with(emulator, "listed-twice", [("a", 0, False), ("a", 1, False), ("a", 2, False)])
    wanted = desired_routes([item(A, escalation_chain_id=emulator.chains[0]), item(A, escalation_chain_id=emulator.chains[1])], None)
    assert RouteListPlan(emulator.existing(integration_id), wanted, False).writes == []
    assert routing(emulator, integration_id) == [("regex", "a", 0), ("regex", "a", 1), ("regex", "a", 2)]


def test_a_moved_duplicate_is_reported_after_the_listed_routes(emulator):
    integration_id = routes_with(emulator, "report-order", [("a", None, False), ("b", None, False), ("c", None, False), ("a", None, False)])
    existing = emulator.existing(integration_id)
    plan = RouteListPlan(existing, desired_routes([item(A), item(B), item(C)], None), False)
    report = plan.report()
    assert [(entry["action"], entry["routing_regex"]) for entry in report[:3]] == [("unchanged", "a"), ("unchanged", "b"), ("unchanged", "c")]
    assert [(entry["action"], entry["routing_regex"]) for entry in report[3:]] == [("updated", "a")]

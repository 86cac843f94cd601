# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ordered-list planner, on opaque items, against a small simulator of OnCall's ordering rules and the emulator.

The simulator below is a test oracle written from the server's rules (raw positions with gaps; a create goes
to the end, then moves to the position its POST names; a move-to PUT shifts the items in between by one; a
delete never renumbers), not from the planner. Random cases check that the planner's writes, replayed by the
oracle, reach the wanted order with one write per item outside a longest run already in order, never touch an
item that must stay, and that the raw positions the planner predicts are the ones the oracle (and the emulator,
on real routes) ends with.
"""

from __future__ import annotations

import random

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.ordered_list import DELETE, POST, PUT, Placement, Slot, Target, longest_increasing
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.emulated import EmulatedOnCall, start_server

CASES = 400
EMULATED_CASES = 60


# ---------------------------------------------------------------------------------------------------- the oracle


def oracle_move(orders, name, position):
    """Move-to: the items between the old and the new position shift by one towards the old place."""
    old = orders[name]
    for other, order in orders.items():
        if other != name and old < order <= position:
            orders[other] = order - 1
        elif other != name and position <= order < old:
            orders[other] = order + 1
    orders[name] = position


def oracle_create(orders, name, position=None):
    orders[name] = max(orders.values()) + 1 if orders else 0
    if position is not None:
        oracle_move(orders, name, position)


def oracle_sequence(orders):
    return sorted(orders, key=orders.get)


def quadratic_lis_length(values):
    best = []
    for index, value in enumerate(values):
        best.append(1 + max([best[before] for before in range(index) if values[before] < value], default=0))
    return max(best, default=0)


# ---------------------------------------------------------------------------------------------------- random cases


def random_case(rng):
    """Existing items at raw positions with gaps; a wanted list of kept, new and replacing items; surplus or unranked rest."""
    names = ["e%d" % index for index in range(rng.randint(0, 9))]
    orders = dict(zip(names, sorted(rng.sample(range(3 * len(names) + 1), len(names)))))
    listed = rng.sample(names, rng.randint(0, len(names)))
    wanted = [("keep", name) for name in listed]
    for index in range(rng.randint(0, 3)):
        wanted.insert(rng.randint(0, len(wanted)), ("new", "n%d" % index))
    for position, (kind, name) in enumerate(wanted):
        if kind == "keep" and rng.random() < 0.15:
            wanted[position] = ("replace", name)
    exact = rng.random() < 0.5
    return orders, wanted, exact


def plan_case(orders, wanted, exact):
    """The planner's input for a case: slots ranked by wanted index; the unlisted ones are surplus (exact) or unranked."""
    slots = {name: Slot(order, {"id": name}) for name, order in orders.items()}
    targets = []
    for rank, (kind, name) in enumerate(wanted):
        if kind == "new":
            targets.append(Target(rank, body={"name": name}))
            continue
        slots[name].rank = rank
        if kind == "replace":
            targets.append(Target(rank, body={"name": name + "'"}, replaces=slots[name]))
        else:
            targets.append(Target(rank, slots[name], {"changed": True} if len(name) % 2 else {}))
    listed = {name for dummy, name in wanted}
    surplus = [slot for name, slot in slots.items() if exact and name not in listed]
    return Placement(list(slots.values()), targets, surplus)


def replay(orders, placement):
    """The planner's writes replayed by the oracle; the final order of names (a new item is named by its body)."""
    orders = dict(orders)
    for write in placement.writes:
        if write.kind == POST:
            oracle_create(orders, write.body["name"], write.body.get("position"))
        elif write.kind == PUT:
            if "position" in write.body:
                oracle_move(orders, write.slot.item["id"], write.body["position"])
        else:
            del orders[write.slot.item["id"]]
    return orders


def check_case(orders, wanted, exact, where):
    placement = plan_case(orders, wanted, exact)
    final = replay(orders, placement)
    listed = {name for dummy, name in wanted}
    expected_listed = [name + "'" if kind == "replace" else name for kind, name in wanted]
    sequence = oracle_sequence(final)
    # The wanted items, in the wanted order; the unlisted ones kept (merged) or gone (exact), never moved or written.
    assert [name for name in sequence if name in expected_listed] == expected_listed, where
    unlisted = [name for name in oracle_sequence(orders) if name not in listed]
    assert [name for name in sequence if name in unlisted] == ([] if exact else unlisted), where
    assert not [write for write in placement.writes if write.kind != DELETE and write.slot.item is not None
                and write.slot.item["id"] not in listed], where
    # One move per kept item outside a longest run already in order; one POST per new or replacing item.
    kept = [name for name in oracle_sequence(orders) if ("keep", name) in wanted]
    ranks = [[name for kind, name in wanted].index(name) for name in kept]
    moves = [write for write in placement.writes if write.kind == PUT and "position" in write.body]
    assert len(moves) == len(kept) - quadratic_lis_length(ranks), where
    assert sum(write.kind == POST for write in placement.writes) == sum(kind != "keep" for kind, dummy in wanted), where
    assert len({id(write.slot) for write in placement.writes if write.kind == PUT}) == sum(write.kind == PUT for write in placement.writes)
    # Deletes come last, and the raw positions the planner predicts are the oracle's.
    kinds = [write.kind for write in placement.writes]
    assert kinds == sorted(kinds, key=lambda kind: kind == DELETE), where
    created = {id(target.slot): target.body["name"] for target in placement.targets if target.slot.item is None}
    predicted = {slot.item["id"] if slot.item else created[id(slot)]: slot.order for slot in placement.final}
    assert predicted == final, where
    return placement, final


def test_random_plans_reach_the_wanted_order_with_the_fewest_moves_by_the_servers_rules():
    seen = {"gaps": 0, "moves": 0, "creates": 0, "replaces": 0, "deletes": 0, "no write": 0}
    for seed in range(CASES):
        orders, wanted, exact = random_case(random.Random(seed))
        placement, dummy = check_case(orders, wanted, exact, "seed %d: %s -> %s (exact=%s)" % (seed, orders, wanted, exact))
        kinds = [write.kind for write in placement.writes]
        seen["gaps"] += sorted(orders.values()) != list(range(len(orders)))
        seen["moves"] += any(write.kind == PUT and "position" in write.body for write in placement.writes)
        seen["creates"] += POST in kinds
        seen["replaces"] += any(kind == "replace" for kind, dummy in wanted)
        seen["deletes"] += DELETE in kinds
        seen["no write"] += not kinds
    # The generator really exercises every feature (a guard against a test that silently checks little).
    assert all(count >= CASES // 20 for count in seen.values()), seen


def test_longest_increasing_is_one_longest_run():
    rng = random.Random(7)
    for dummy in range(300):
        values = rng.sample(range(20), rng.randint(0, 12))
        kept = sorted(longest_increasing(values))
        assert len(kept) == quadratic_lis_length(values)
        assert [values[index] for index in kept] == sorted(values[index] for index in kept)


def test_the_planner_refuses_a_plan_that_misses_the_wanted_order():
    slots = [Slot(0, {"id": "a"}, rank=1), Slot(1, {"id": "b"}, rank=0)]
    # Telling it that both must stay makes the wanted order unreachable: it must say so, not write half of it.
    with pytest.raises(OnCallError, match="internal error"):
        Placement(slots, [Target(0, slots[1]), Target(1, slots[0])], staying=slots)


# ---------------------------------------------------------------------------------------------------- the emulator


@pytest.fixture(scope="module")
def emulated():
    server = start_server()
    yield EmulatedOnCall(server)
    server.stop()


def test_the_oracle_and_the_planner_agree_with_the_emulator_on_real_routes(emulated):
    """Routes are one of the server's ordered lists: the planner's writes, sent for real, end where the oracle says."""
    for seed in range(EMULATED_CASES):
        orders, wanted, exact = random_case(random.Random(1000 + seed))
        placement, final = check_case(orders, wanted, exact, "seed %d" % seed)
        integration_id = emulated.integration("ordered-%d" % seed)["id"]
        ids = {}
        for name in oracle_sequence(orders):
            ids[name] = emulated.route(integration_id, name, position=orders[name])["id"]
        assert [(route["routing_regex"], route["position"]) for route in emulated.routes(integration_id)] == \
            [(name, orders[name]) for name in oracle_sequence(orders)]
        for write in placement.writes:
            if write.kind == POST:
                fields = {"position": write.body["position"]} if "position" in write.body else {}
                emulated.route(integration_id, write.body["name"], **fields)
            elif write.kind == PUT and "position" in write.body:
                emulated.api("PUT", "routes/%s/" % ids[write.slot.item["id"]], {"position": write.body["position"]})
            elif write.kind == DELETE:
                emulated.api("DELETE", "routes/%s/" % ids[write.slot.item["id"]])
        assert [(route["routing_regex"], route["position"]) for route in emulated.routes(integration_id)] == \
            [(name, final[name]) for name in oracle_sequence(final)], "seed %d" % seed

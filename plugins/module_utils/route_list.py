# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An integration's non-default routes as one ordered list: the fewest writes that make them match a task.

Contract facts used here (routes section): routes have no uniqueness, so a route is matched by
(routing_type, routing_regex), the first unused match winning; positions are raw order values with gaps,
and ``position`` moves a route with move-to semantics (the routes in between shift by one); a create
first goes to the end (max + 1); deletes never compact; ``escalation_chain_id: null`` is refused on
update, so clearing a chain means a new route in the old one's place, then deleting the old one.

The plan is made before any write, by replaying those rules on a copy of the order, so check mode,
the diff and the real run agree, and the routes are moved in ascending target order as the contract asks.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import copy

from ansible_collections.oncall.grafana.plugins.module_utils.diff import apply_changes, changed_subset, project, prune_unset
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.resource import post_once
from ansible_collections.oncall.grafana.plugins.module_utils.route import (
    ROUTING_KEYS,
    check_routing_term,
    fail_on_missing_backends,
    find_new_route,
    ordered,
    recreate_body,
)
from ansible_collections.oncall.grafana.plugins.module_utils.routing import (
    NEW_ROUTE_TARGETS,
    ROUTING_EXCLUSIVE,
    ROUTING_OPTIONS,
    check_routing_names,
    export_routing,
    missing_route_backends,
    normalize_routing,
    resolve_routing_names,
)

# Label routes (made in the UI) cannot be created or changed through the API: they are never touched.
MANAGED_ROUTING_TYPES = ("regex", "jinja2")

ROUTE_ITEM_OPTIONS = dict(
    routing_type=dict(type="str", default="regex", choices=list(MANAGED_ROUTING_TYPES)),
    routing_regex=dict(type="str", required=True),
    **ROUTING_OPTIONS
)
ROUTE_ITEM_KWARGS = dict(mutually_exclusive=ROUTING_EXCLUSIVE)
# What a diff always shows of each route, besides the fields the task sets.
ROUTE_DIFF_ALWAYS = ("routing_type", "routing_regex", "escalation_chain_id")

CREATED, UPDATED, DELETED, RECREATED, UNCHANGED = "created", "updated", "deleted", "recreated", "unchanged"


def check_route_items(routes):
    """Check every route item as the server would, before any request; the warnings to show.

    Terms are trimmed in place (OnCall trims them, so an untrimmed one would never compare equal). The same
    match listed twice is allowed, because OnCall allows it and gathered returns such routes as they are,
    but it gets a warning: alerts only ever take the first.
    """
    seen = {}
    warnings = []
    for index, item in enumerate(routes or []):
        try:
            item["routing_regex"] = item["routing_regex"].strip()
            if not item["routing_regex"]:
                raise OnCallError("routing_regex must not be empty")
            check_routing_term(item["routing_type"], item["routing_regex"])
            check_routing_names(item)
        except OnCallError as exc:
            raise OnCallError("routes[%d]: %s" % (index, exc)) from None
        key = (item["routing_type"], item["routing_regex"])
        if key in seen:
            warnings.append("routes[%d] and routes[%d] both have routing_type %s and routing_regex %r: alerts only ever take "
                            "routes[%d]" % (seen[key], index, key[0], key[1], seen[key]))
        seen.setdefault(key, index)
    return warnings


def desired_routes(routes, names):
    """The task's route items as the API spells them, names resolved to ids."""
    wanted = []
    for item in routes:
        routing = copy.deepcopy({key: item.get(key) for key in ROUTING_KEYS if item.get(key) is not None})
        resolve_routing_names(routing, names)
        desired = {"routing_type": item["routing_type"], "routing_regex": item["routing_regex"]}
        desired.update(normalize_routing(prune_unset(routing)))
        wanted.append(desired)
    return wanted


def export_route(route):
    """The route item that reproduces ``route``."""
    return dict({"routing_type": route.get("routing_type"), "routing_regex": route.get("routing_regex")}, **export_routing(route))


def exportable(routes):
    """An integration's non-default routes the module can manage, in OnCall's order."""
    return [route for route in ordered(routes) if not route.get("is_the_last_route") and route.get("routing_type") in MANAGED_ROUTING_TYPES]


def _key(route):
    return route.get("routing_type"), route.get("routing_regex")


def _longest_increasing(values):
    """Indexes (into ``values``) of one longest strictly increasing subsequence: the routes that need not move."""
    best_end = []       # best_end[k]: index of the smallest tail of an increasing run of length k + 1
    previous = [None] * len(values)
    for index, value in enumerate(values):
        low, high = 0, len(best_end)
        while low < high:
            middle = (low + high) // 2
            if values[best_end[middle]] < value:
                low = middle + 1
            else:
                high = middle
        previous[index] = best_end[low - 1] if low else None
        if low == len(best_end):
            best_end.append(index)
        else:
            best_end[low] = index
    keep = set()
    index = best_end[-1] if best_end else None
    while index is not None:
        keep.add(index)
        index = previous[index]
    return keep


class _Slot:
    """One route in the replayed order: an existing route, or one the plan creates."""

    def __init__(self, order, route=None, wanted=None):
        self.order = order
        self.route = route        # the route as read (None for a new one)
        self.wanted = wanted      # index in the task's list, or None for a route the task does not list
        self.after = route        # the route as it will be
        self.replaces = None      # for a route re-created to clear its chain: the route it replaces
        self.rank = None          # its place in the plan's order, for the routes the plan places


class _Order:
    """OnCall's ordering rules replayed on the routes of one integration."""

    def __init__(self, slots):
        self.slots = slots

    def move_to(self, slot, order):
        for other in self.slots:
            if other is slot:
                continue
            if slot.order < other.order <= order:
                other.order -= 1
            elif order <= other.order < slot.order:
                other.order += 1
        slot.order = order

    def append(self, slot):
        slot.order = max(other.order for other in self.slots) + 1 if self.slots else 0
        self.slots.append(slot)

    def sequence(self):
        return sorted(self.slots, key=lambda slot: slot.order)


class RouteOp:
    """One write: ``kind`` is "post", "put" or "delete"; ``slot`` is the route it writes."""

    def __init__(self, kind, slot, body=None):
        self.kind = kind
        self.slot = slot
        self.body = body


class RouteListPlan:
    """The writes that make an integration's non-default routes the task's list.

    ``exact`` (replaced, overridden): routes the list does not name are deleted, label routes excepted;
    otherwise (merged) they stay where they are. Either way the listed routes end up in the listed order,
    each route that is already in a longest run of correctly ordered routes staying where it is.
    """

    def __init__(self, existing, wanted, exact):
        self.before = [route for route in ordered(existing) if not route.get("is_the_last_route")]
        self.wanted = wanted
        self.ops = []
        self.actions = []
        self.done = 0           # writes sent so far by apply(), for the report of a failure midway
        self.moved_twins = []   # (merged) unlisted routes with a listed match, moved behind it
        self._plan(exact)

    @property
    def changed(self):
        return bool(self.ops)

    def _plan(self, exact):
        unused = list(self.before)
        matches = []
        for want in self.wanted:
            match = next((route for route in unused if _key(route) == _key(want)), None)
            if match is not None:
                unused.remove(match)
            matches.append(match)
        deleted = [route for route in unused if exact and route.get("routing_type") in MANAGED_ROUTING_TYPES]
        self.actions += [(DELETED, route) for route in deleted]

        # Routes to delete stay in the replayed order until the end: they go last, once every route the task
        # lists is in place, so alerts never lose a route because a later write was refused.
        slots = [_Slot(route.get("position") or 0, route) for route in self.before]
        doomed = [slot for slot in slots if slot.route in deleted]
        order = _Order(slots)
        by_route = {id(slot.route): slot for slot in slots}
        # What the plan places, by rank: (listed index, 0) for a listed route, (listed index, k) for the k-th
        # route the task does not list that has the same match (merged keeps it; it must stay behind, or it
        # would take the listed route's alerts). Each target: rank, slot (None: to create), changes or body,
        # and for a re-create the slot of the route it replaces.
        targets = []
        replaced = []
        for index, (want, match) in enumerate(zip(self.wanted, matches)):
            if match is None:
                targets.append(((index, 0), None, want, None))
                continue
            slot = by_route[id(match)]
            slot.rank = (index, 0)
            changes = changed_subset(want, match)
            if "escalation_chain_id" in changes and changes["escalation_chain_id"] is None:
                # OnCall refuses a null chain on update: a new route takes this one's place, then this one goes.
                replaced.append(slot)
                targets.append(((index, 0), None, changes, slot))
                continue
            slot.wanted = index
            targets.append(((index, 0), slot, changes, None))
        last = {_key(want): index for index, want in enumerate(self.wanted)}     # a match listed twice: its last place
        for route_key, index in last.items():
            twins = [slot for slot in order.sequence() if slot.rank is None and slot not in doomed and _key(slot.route) == route_key]
            for count, slot in enumerate(twins, 1):
                slot.rank = (index, count)
                targets.append((slot.rank, slot, {}, None))
        targets.sort(key=lambda target: target[0])

        # Routes to be re-created are left out: they never move (they go), and their new route is placed anyway.
        ranked = [slot for slot in order.sequence() if slot.rank is not None and slot not in replaced]
        staying = {id(ranked[i]) for i in _longest_increasing([slot.rank for slot in ranked])}
        placed = None
        for rank, slot, payload, replaces in targets:
            if slot is None:
                slot = self._create(order, placed, payload, rank, replaces, self._in_place(order, placed, replaces, staying))
            else:
                self._update(order, placed, slot, payload, moved=id(slot) not in staying)
            placed = slot
        for slot in replaced + doomed:
            self.ops.append(RouteOp("delete", slot))
            order.slots.remove(slot)
        self.final = order.sequence()
        ranks = [slot.rank for slot in self.final if slot.rank is not None]
        if ranks != sorted(ranks) or [slot.wanted for slot in self.final if slot.wanted is not None] != list(range(len(self.wanted))):
            raise OnCallError("internal error: the route plan does not reach the listed order; nothing was written")

    @staticmethod
    def _in_place(order, placed, replaces, staying):
        """Whether a re-created route can take the old one's place: it is after the route placed before it,
        with no route that stays between them (the new one would then come after a route it must precede)."""
        if replaces is None:
            return False
        sequence = order.sequence()
        start = sequence.index(placed) + 1 if placed is not None else 0
        old = sequence.index(replaces)
        return start <= old and not any(id(other) in staying for other in sequence[start:old])

    @staticmethod
    def _target_index(others, placed, before=None):
        """Where a route goes among ``others``: right before ``before`` (the route it replaces, when that one stays),
        else right after the route placed before it, else before the first route the plan places."""
        if before is not None:
            return others.index(before)
        if placed is not None:
            return others.index(placed) + 1
        return next((i for i, other in enumerate(others) if other.rank is not None), len(others))

    def _create(self, order, placed, desired, rank, replaces, in_place):
        """A new route right where it belongs; ``replaces`` is the slot of the route it re-creates, if any,
        and ``in_place`` says the new one goes right before it."""
        slot = _Slot(None, wanted=rank[0])
        slot.rank = rank
        slot.replaces = replaces.route if replaces is not None else None
        others = order.sequence()
        target = self._target_index(others, placed, replaces if in_place else None)
        body = {"escalation_chain_id": None}
        if replaces is not None:
            body.update(recreate_body(replaces.route, desired))
        else:
            body.update(desired)
        order.append(slot)
        if target < len(others):
            body["position"] = others[target].order
            order.move_to(slot, others[target].order)
        slot.after = apply_changes(dict({"id": None, "position": slot.order, "is_the_last_route": False}, **NEW_ROUTE_TARGETS), body)
        self.ops.append(RouteOp("post", slot, body))
        self.actions.append((RECREATED if replaces is not None else CREATED, slot))
        return slot

    def _update(self, order, placed, slot, changes, moved):
        body = dict(changes)
        if moved:
            sequence = order.sequence()
            target = self._target_index([other for other in sequence if other is not slot], placed)
            if sequence.index(slot) != target:
                body["position"] = sequence[target].order
                order.move_to(slot, sequence[target].order)
        listed = slot.wanted is not None
        if not body:
            if listed:
                self.actions.append((UNCHANGED, slot))
            return
        slot.after = apply_changes(slot.route, changes)
        self.ops.append(RouteOp("put", slot, body))
        # A route the task does not list is reported only when it moves (behind its listed twin), after the listed ones.
        (self.actions if listed else self.moved_twins).append((UPDATED, slot))

    # ------------------------------------------------------------------ checks, writes and reports

    def check_backends(self, sample):
        """Fail when the task sets a backend this server's routes lack (any route lists every backend the server has)."""
        if sample is not None:
            fail_on_missing_backends(sorted({backend for want in self.wanted for backend in missing_route_backends(want, sample)}))

    def apply(self, client, integration_id, check_mode):
        """Send the writes in order (none in check mode); the routes as they now are, in order."""
        known = {route["id"] for route in self.before}
        self.done = 0
        for op in self.ops:
            if check_mode:
                if op.kind != "delete":
                    op.slot.after = dict(op.slot.after, integration_id=integration_id, position=op.slot.order)
                continue
            if op.kind == "delete":
                client.delete("routes/%s/" % op.slot.route["id"])
            elif op.kind == "put":
                op.slot.after = client.put("routes/%s/" % op.slot.route["id"], op.body)
            else:
                # Every route this plan has seen is known, the one a re-create replaces included, so the lookup
                # after a lost answer finds only a route this POST made.
                body = dict(op.body, integration_id=integration_id)
                try:
                    op.slot.after = post_once(client, "routes/", body, lambda body=body: find_new_route(client, body, known), "route")
                except OnCallError as exc:
                    if getattr(exc, "created", None):
                        self.done += 1      # refused with a 5xx, yet made: the failure report counts it
                    raise
            if op.slot.after and op.slot.after.get("id"):
                known.add(op.slot.after["id"])
            self.done += 1
        return [slot.after for slot in self.final]

    def report(self):
        """One entry per route the task lists or deletes: action, id, routing_type, routing_regex."""
        entries = []
        for action, subject in self.actions + self.moved_twins:
            route = subject if isinstance(subject, dict) else (subject.after or subject.route or {})
            entry = {"action": action, "id": route.get("id"), "routing_type": route.get("routing_type"),
                     "routing_regex": route.get("routing_regex")}
            if action == RECREATED:
                entry["replaced_id"] = subject.replaces["id"]
            entries.append(entry)
        return entries

    def diff_view(self, routes):
        """The routes as a diff shows them: what identifies them, their chain, and the fields the task sets."""
        shape = dict.fromkeys(ROUTE_DIFF_ALWAYS)
        for want in self.wanted:
            shape = _union(shape, want)
        return [project(route, shape) for route in routes]


def _union(shape, value):
    """``shape`` widened with every key of ``value``, nested: the fields a diff shows."""
    merged = dict(shape)
    for key, sub in value.items():
        if isinstance(sub, dict):
            merged[key] = _union(merged.get(key) if isinstance(merged.get(key), dict) else {}, sub)
        else:
            merged.setdefault(key, None)
    return merged

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An integration's non-default routes: how they are matched, checked and ordered, one route or a whole list.

Routes have no uniqueness, so a route is matched by (routing_type, routing_regex), the first unused match
winning. OnCall refuses ``escalation_chain_id: null`` on update, so clearing a chain means a new route in
the old one's place, then deleting the old one. Positions follow the ordered-list rules of ordered_list.py.
Label routes (made in the UI) cannot be created or changed through the API: they are never touched.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import copy
import json
import math
import re

from ansible_collections.oncall.grafana.plugins.module_utils.client import PAGE_SIZE
from ansible_collections.oncall.grafana.plugins.module_utils.diff import apply_changes, changed_subset, project, prune_unset
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError, PartialFailure
from ansible_collections.oncall.grafana.plugins.module_utils.names import pick_one
from ansible_collections.oncall.grafana.plugins.module_utils.ordered_list import DELETE, POST, PUT, Placement, Slot, Target
from ansible_collections.oncall.grafana.plugins.module_utils.resource import post_once
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

try:
    from jinja2 import Environment, TemplateSyntaxError
    HAS_JINJA2 = True
except ImportError:  # the server still validates; only the early local check is lost
    HAS_JINJA2 = False

PATH = "routes/"
MANAGED_ROUTING_TYPES = ("regex", "jinja2")
REGEX_MAX = 1024
ROUTING_KEYS = tuple(ROUTING_OPTIONS)

ROUTE_ITEM_OPTIONS = dict(
    routing_type=dict(type="str", default="regex", choices=list(MANAGED_ROUTING_TYPES)),
    routing_regex=dict(type="str", required=True),
    **ROUTING_OPTIONS
)
ROUTE_ITEM_KWARGS = dict(mutually_exclusive=ROUTING_EXCLUSIVE)
# What a diff always shows of each route, besides the fields the task sets.
ROUTE_DIFF_ALWAYS = ("routing_type", "routing_regex", "escalation_chain_id")

CREATED, UPDATED, DELETED, RECREATED, UNCHANGED = "created", "updated", "deleted", "recreated", "unchanged"


# ---------------------------------------------------------------------- one route's term and fields

def check_routing_term(routing_type, term):
    """Refuse a term the server would refuse, before any write: OnCall compiles regexes with Python's re."""
    if len(term) > REGEX_MAX:
        raise OnCallError("routing_regex is %d characters long; OnCall allows at most %d" % (len(term), REGEX_MAX))
    if routing_type == "jinja2":
        if HAS_JINJA2:
            try:
                Environment().parse(term)
            except TemplateSyntaxError as exc:
                raise OnCallError("routing_regex is not a valid Jinja2 template: %s" % exc) from None
    else:
        try:
            re.compile(term)
        except re.error as exc:
            raise OnCallError("routing_regex is not a valid regular expression: %s" % exc) from None


def trimmed_term(term):
    """OnCall trims the term, so an untrimmed one would never compare equal; an empty one is refused."""
    term = term.strip()
    if not term:
        raise OnCallError("routing_regex must not be empty")
    return term


def recreate_body(current, changes):
    """The POST body of a route that replaces ``current`` with ``changes`` applied (to clear its chain)."""
    merged = apply_changes(current, changes)
    body = {key: merged.get(key) for key in ("routing_type", "routing_regex", "escalation_chain_id")}
    # Slack, Telegram and every messaging backend, as the old route had them (or as the task changes them).
    body.update({key: value for key, value in merged.items() if isinstance(value, dict)})
    return body


def clears_chain(changes):
    """OnCall refuses a null chain on update: such a change is made by re-creating the route."""
    return "escalation_chain_id" in changes and changes["escalation_chain_id"] is None


def find_new_route(client, body, known):
    """The route a POST of ``body`` made, if it did: the same match, and an id not among the ``known`` ones.

    Routes have no uniqueness, so after a lost answer only the ids read before tell the new route from an
    old one with the same match (the one a re-create replaces, a duplicate).
    """
    found = [route for route in client.list_all("routes/", {"integration_id": body["integration_id"]})
             if route["id"] not in known and route.get("routing_type") == body.get("routing_type")
             and route.get("routing_regex") == body.get("routing_regex")]
    return found[0] if found else None


def post_route(client, body, known):
    """Create a route; after a lost answer, look for one this POST made (not among the ``known`` ids) before re-sending."""
    return post_once(client, "routes/", body, lambda: find_new_route(client, body, known), "route")


def fail_on_missing_backends(missing):
    if missing:
        raise OnCallError("this OnCall server's routes have no messaging backend for %s (msteams exists only on Grafana Cloud); "
                          "nothing was written" % ", ".join(missing))


def ordered(routes):
    """An integration's routes as OnCall applies them: non-default routes by position, the default route last."""
    regular = sorted((route for route in routes if not route.get("is_the_last_route")), key=lambda route: route.get("position") or 0)
    return regular + [route for route in routes if route.get("is_the_last_route")]


def non_default(routes):
    return [route for route in ordered(routes) if not route.get("is_the_last_route")]


def route_key(route):
    return route.get("routing_type"), route.get("routing_regex")


def pick_route(routes, integration_id, routing_type, routing_regex):
    """The route of ``routes`` with this match; several fail, naming each (routes have no uniqueness)."""
    matches = [route for route in routes if route_key(route) == (routing_type, routing_regex)]
    return pick_one(matches, "the route of integration %s with routing_type %s and routing_regex %r" % (integration_id, routing_type, routing_regex),
                    "id", describe=lambda route: "%s (position %s)" % (route["id"], route.get("position")))


def predicted_new_route(body, order, sample=None):
    """A route as the server would create it from ``body`` at raw position ``order``: its defaults where the body says nothing.

    ``sample`` is any route of the server: each messaging backend it shows starts with no channel, disabled.
    """
    defaults = {"position": order, "id": None, "escalation_chain_id": None, "routing_type": "regex", "routing_regex": None,
                "is_the_last_route": False}
    backends = {key: {"id": None, "enabled": False} for key, value in (sample or {}).items()
                if isinstance(value, dict) and key not in NEW_ROUTE_TARGETS}
    return apply_changes(dict(defaults, **dict(backends, **copy.deepcopy(NEW_ROUTE_TARGETS))), body)


# ---------------------------------------------------------------------- the task's route items

def normalized_route_items(routes):
    """The task's route items, terms trimmed and checked as the server would, before any request; and the warnings to show.

    The same match listed twice is allowed, because OnCall allows it and gathered returns such routes as they are,
    but it gets a warning: alerts only ever take the first.
    """
    items = []
    warnings = []
    seen = {}
    for index, raw in enumerate(routes or []):
        try:
            item = dict(raw, routing_regex=trimmed_term(raw["routing_regex"]))
            check_routing_term(item["routing_type"], item["routing_regex"])
            check_routing_names(item)
        except OnCallError as exc:
            raise OnCallError("routes[%d]: %s" % (index, exc)) from None
        key = route_key(item)
        if key in seen:
            warnings.append("routes[%d] and routes[%d] both have routing_type %s and routing_regex %r: alerts only ever take "
                            "routes[%d]" % (seen[key], index, key[0], key[1], seen[key]))
        seen.setdefault(key, index)
        items.append(item)
    return items, warnings


def desired_routes(items, names):
    """The route items as the API spells them, names resolved to ids."""
    wanted = []
    for item in items:
        routing = resolve_routing_names(prune_unset({key: item.get(key) for key in ROUTING_KEYS}), names)
        desired = {"routing_type": item["routing_type"], "routing_regex": item["routing_regex"]}
        desired.update(normalize_routing(routing))
        wanted.append(desired)
    return wanted


def export_route(route):
    """The route item that reproduces ``route``."""
    return dict({"routing_type": route.get("routing_type"), "routing_regex": route.get("routing_regex")}, **export_routing(route))


def exportable(routes):
    """An integration's non-default routes the module can manage, in OnCall's order."""
    return [route for route in non_default(routes) if route.get("routing_type") in MANAGED_ROUTING_TYPES]


def export_routes(routes):
    """The ``routes`` option that reproduces an integration's ``routes`` (label routes, which no task can make, left out)."""
    return [export_route(route) for route in exportable(routes)]


def routes_by_integration(client, integration_ids, listed):
    """The routes of these integrations, grouped by integration id, in the fewest requests.

    ``listed`` is how many integrations the server has (None: unknown): one listing of every route costs at
    least as many pages as the integration listing (every integration has a default route), so when fewer
    integrations need their routes than that, or the size of the server is unknown, each is read alone.
    """
    integration_ids = [integration_id for integration_id in integration_ids if integration_id]
    if not integration_ids:
        return {}
    if listed is None or len(integration_ids) <= max(1, math.ceil(listed / float(PAGE_SIZE))):
        return {integration_id: client.list_all(PATH, {"integration_id": integration_id}) for integration_id in integration_ids}
    grouped = {}
    for route in client.list_all(PATH):
        grouped.setdefault(route.get("integration_id"), []).append(route)
    return grouped


# ---------------------------------------------------------------------- the list

class RouteListPlan:
    """The writes that make an integration's non-default routes the task's list (``wanted``, as desired_routes returns).

    ``exact`` (replaced, overridden): routes the list does not name are deleted, label routes excepted;
    otherwise (merged) they stay where they are. Either way the listed routes end up in the listed order. In
    merged, an unlisted route with the same match as a listed one is kept behind it, or it would take its alerts.
    """

    #: the key of the routes in the integration a task returns
    key = "routes"

    def __init__(self, existing, wanted, exact, sample=None):
        self.before = non_default(existing)
        self.wanted = wanted
        #: any route of the server (None: none seen yet): it shows which messaging backends routes have
        self.sample = sample
        #: whether a write reached the server (a failure midway then leaves something changed)
        self.sent = False
        slots = [Slot(route.get("position") or 0, route) for route in self.before]
        matches = self._match(slots)
        surplus = [slot for slot in slots if slot.rank is None and exact and slot.item.get("routing_type") in MANAGED_ROUTING_TYPES]
        targets = self._listed_targets(matches)
        if not exact:
            targets += self._unlisted_duplicate_targets(slots)
        placement = Placement(slots, targets, surplus)
        self.writes = placement.writes
        self.final = placement.final
        #: per slot the plan places, its rank: (index in the task's list, 0), or (index, n) for an unlisted route with that match
        self._rank_of = {id(target.slot): target.rank for target in targets}
        self._after = {id(slot): slot.item for slot in slots}
        self._report = self._outcomes(targets, surplus)

    @property
    def changed(self):
        return bool(self.writes)

    def _match(self, slots):
        """Per wanted route, the first unused existing route with its match (None: to create); matched slots get their rank."""
        matches = []
        for index, want in enumerate(self.wanted):
            match = next((slot for slot in slots if slot.rank is None and route_key(slot.item) == route_key(want)), None)
            if match is not None:
                match.rank = (index, 0)
            matches.append(match)
        return matches

    def _listed_targets(self, matches):
        targets = []
        for index, (want, slot) in enumerate(zip(self.wanted, matches)):
            if slot is None:
                targets.append(Target((index, 0), body=dict({"escalation_chain_id": None}, **want)))
                continue
            changes = changed_subset(want, slot.item)
            if clears_chain(changes):
                # A new route takes this one's place, then this one goes.
                targets.append(Target((index, 0), body=recreate_body(slot.item, changes), replaces=slot))
            else:
                targets.append(Target((index, 0), slot, changes))
        return targets

    def _unlisted_duplicate_targets(self, slots):
        """Unlisted routes with a listed route's match (merged keeps them): ranked right behind the listed one's last place."""
        last = {route_key(want): index for index, want in enumerate(self.wanted)}
        targets = []
        for key, index in last.items():
            duplicates = [slot for slot in sorted(slots, key=lambda slot: slot.order) if slot.rank is None and route_key(slot.item) == key]
            for count, slot in enumerate(duplicates, 1):
                slot.rank = (index, count)
                targets.append(Target(slot.rank, slot))
        return targets

    def _outcomes(self, targets, surplus):
        """Per route, what the plan does to it, and the route as it will be. Deletions first, then the listed routes,
        then the unlisted duplicates the plan moves (those it leaves alone are not reported)."""
        written = {id(write.slot): write for write in self.writes}
        report, moved_duplicates = [(DELETED, slot) for slot in surplus], []
        for target in sorted(targets, key=lambda target: target.rank):
            write = written.get(id(target.slot))
            if write is not None and write.kind == POST:
                self._after[id(target.slot)] = predicted_new_route(write.body, target.slot.order, self.sample)
                report.append((RECREATED if target.replaces is not None else CREATED, target))
            elif target.rank[1] == 0:
                report.append((UPDATED if write is not None else UNCHANGED, target))
            elif write is not None:
                moved_duplicates.append((UPDATED, target))
            if write is not None and write.kind == PUT:
                self._after[id(target.slot)] = apply_changes(target.slot.item, target.body)
        return report + moved_duplicates

    # ------------------------------------------------------------------ checks, writes and reports

    def check_backends(self, sample=None):
        """Fail when the task sets a backend this server's routes lack (any route lists every backend the server has).

        ``sample`` defaults to the one the plan was made with; a route read after a create can stand in.
        """
        sample = self.sample if sample is None else sample
        if sample is not None:
            fail_on_missing_backends([missing for index, want in enumerate(self.wanted)
                                      for missing in missing_route_backends(want, sample, prefix="routes[%d]." % index)])

    def apply(self, client, integration_id, check_mode):
        """Send the writes in order (none in check mode); the routes as they now are, in order.

        A failure midway raises PartialFailure, whose ``applied`` lists the writes sent before it.
        """
        # Every route the plan has seen is known, the one a re-create replaces included, so the lookup after a
        # lost answer finds only a route this POST made.
        known = {route["id"] for route in self.before}
        sent = []
        for write in self.writes:
            try:
                self._send(write, client, integration_id, check_mode, known)
            except OnCallError as exc:
                if isinstance(exc, OnCallAPIError) and exc.created is not None:
                    sent.append(write)      # refused with a 5xx, yet made: the failure report counts it
                self.sent = self.sent or bool(sent)
                exc = self._about(write, exc)
                raise PartialFailure(str(exc), exc, applied=sent) from None
            sent.append(write)
            self.sent = not check_mode
        # Every route's place as the planner replayed OnCall's ordering: moves shift the routes around them too.
        return [dict(self._after[id(slot)], position=slot.order) for slot in self.final]

    def _about(self, write, exc):
        """``exc`` saying which route it is about: the item of the task's list, or the unlisted route being deleted."""
        route = write.slot.item or {}
        if write.kind == DELETE:
            label = "deleting route %s (%s %s), which the task does not list" % (route.get("id"), route.get("routing_type"),
                                                                                 json.dumps(route.get("routing_regex"), ensure_ascii=False))
        elif self._rank_of[id(write.slot)][1]:
            label = "moving route %s, which the task does not list, behind routes[%d] (the same match)" % (
                route.get("id"), self._rank_of[id(write.slot)][0])
        else:
            label = "routes[%d]" % self._rank_of[id(write.slot)][0]
        if isinstance(exc, OnCallAPIError):
            return OnCallAPIError(exc.method, exc.path, exc.status, "%s: %s" % (label, exc.message), body=exc.body,
                                  outcome_unknown=exc.outcome_unknown, created=exc.created)
        return OnCallError("%s: %s" % (label, exc))

    def _send(self, write, client, integration_id, check_mode, known):
        slot = write.slot
        if check_mode:
            if write.kind != DELETE:
                self._after[id(slot)] = dict(self._after[id(slot)], integration_id=integration_id, position=slot.order)
            return
        if write.kind == DELETE:
            client.delete("routes/%s/" % slot.item["id"])
            return
        if write.kind == PUT:
            self._after[id(slot)] = client.put("routes/%s/" % slot.item["id"], write.body)
        else:
            self._after[id(slot)] = post_route(client, dict(write.body, integration_id=integration_id), known)
        known.add(self._after[id(slot)].get("id"))

    def report(self):
        """One entry per route the task lists or deletes: action, id, routing_type, routing_regex."""
        entries = []
        for action, subject in self._report:
            slot = subject if isinstance(subject, Slot) else subject.slot
            route = self._after.get(id(slot)) or slot.item or {}
            entry = {"action": action, "id": route.get("id"), "routing_type": route.get("routing_type"),
                     "routing_regex": route.get("routing_regex")}
            if action == RECREATED:
                entry["replaced_id"] = subject.replaces.item["id"]
            entries.append(entry)
        return entries

    def diff_view(self, routes):
        """The routes as a diff shows them, one line each: what identifies them, their chain, and the fields the task sets."""
        shape = dict.fromkeys(ROUTE_DIFF_ALWAYS)
        for want in self.wanted:
            shape = _union(shape, want)
        return [describe_route(project(route, shape)) for route in routes]


def describe_route(route):
    """One line for a route: ``regex "^db-": escalation_chain_id F1, slack.enabled false``."""
    fields = ", ".join("%s %s" % (key, json.dumps(value, ensure_ascii=False)) for key, value in _flat(route)
                       if key not in ("routing_type", "routing_regex"))
    term = json.dumps(route.get("routing_regex"), ensure_ascii=False)
    return "%s %s%s" % (route.get("routing_type"), term, ": " + fields if fields else "")


def _flat(value, prefix=""):
    for key, sub in value.items():
        if isinstance(sub, dict):
            yield from _flat(sub, "%s%s." % (prefix, key))
        else:
            yield prefix + key, sub


def _union(shape, value):
    """``shape`` widened with every key of ``value``, nested: the fields a diff shows."""
    merged = dict(shape)
    for key, sub in value.items():
        if isinstance(sub, dict):
            merged[key] = _union(merged.get(key) if isinstance(merged.get(key), dict) else {}, sub)
        else:
            merged.setdefault(key, None)
    return merged

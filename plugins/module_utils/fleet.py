# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Many integrations in one task (oncall_integrations): list once, plan every item, then write only what differs.

Each item goes through the same Integration resource as oncall_integration (options, identity, checks,
minimal PUT, check mode), fed from one listing of every integration instead of one lookup per item, and
with one name cache for the whole task. Its routes go through RouteListPlan. Every item is validated
before the first request and planned before the first write, so a bad item changes nothing.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import copy
import functools
from contextlib import contextmanager

from ansible_collections.oncall.grafana.plugins.module_utils.diff import as_text, project
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError, PartialFailure
from ansible_collections.oncall.grafana.plugins.module_utils.integration import (
    INTEGRATION_ARGUMENT_SPEC,
    INTEGRATION_MODULE_KWARGS,
    SERVER_MANAGED_TYPES,
    Integration,
    Listing,
    describe_team,
    export_config,
)
from ansible_collections.oncall.grafana.plugins.module_utils.names import TEAM, NameResolver
from ansible_collections.oncall.grafana.plugins.module_utils.resource import CREATE, DELETE, NOTHING, UPDATE, Found, Plan
from ansible_collections.oncall.grafana.plugins.module_utils.route_list import (
    RouteListPlan,
    desired_routes,
    export_routes,
    normalized_route_items,
    routes_by_integration,
)

MERGED, REPLACED, OVERRIDDEN, DELETED, GATHERED = "merged", "replaced", "overridden", "deleted", "gathered"
# States where each listed integration becomes exactly its item: unset templates reset, routes exactly as listed.
EXACT_STATES = (REPLACED, OVERRIDDEN)
ACTIONS = {CREATE: "created", DELETE: "deleted", UPDATE: "updated"}

# An item takes oncall_integration's options (routes included), less those the fleet's state decides.
FLEET_ITEM_OPTIONS = {key: value for key, value in INTEGRATION_ARGUMENT_SPEC.items() if key not in ("state", "purge_templates")}
FLEET_ARGUMENT_SPEC = dict(
    config=dict(type="list", elements="dict", options=FLEET_ITEM_OPTIONS, **INTEGRATION_MODULE_KWARGS),
    state=dict(type="str", default=MERGED, choices=[MERGED, REPLACED, OVERRIDDEN, DELETED, GATHERED]),
    scope=dict(type="dict", options=dict(teams=dict(type="list", elements="str"), no_team=dict(type="bool", default=False),
                                         name_prefix=dict(type="str"))),
)


@contextmanager
def about(label):
    """Prefix a failure with the item it is about; API errors keep their method, path and status."""
    try:
        yield
    except OnCallAPIError:
        raise
    except OnCallError as exc:
        raise OnCallError("%s: %s" % (label, exc)) from None


class Scope:
    """The integrations overridden may delete and gathered returns: in these teams (None: any) and with this name prefix."""

    def __init__(self, team_ids=None, name_prefix=None):
        self.team_ids = team_ids
        self.name_prefix = name_prefix

    def contains(self, integration):
        if self.team_ids is not None and integration.get("team_id") not in self.team_ids:
            return False
        return self.name_prefix is None or (integration.get("name") or "").startswith(self.name_prefix)


def item_options(params, state):
    """A config item as oncall_integration options: the fleet's state, and under replaced/overridden a full reset."""
    options = {key: value for key, value in params.items() if key != "routes"}
    options["state"] = "absent" if state == DELETED else "present"
    options["purge_templates"] = state in EXACT_STATES
    if state in EXACT_STATES and options.get("description_short") is None:
        options["description_short"] = ""     # replaced: what the item leaves out is cleared
    return options


class FleetItem:
    """One entry of ``config`` (or one integration overridden deletes): its integration plan and, when it lists routes,
    its route plan. Building it checks every option, before any request."""

    def __init__(self, label, params, fleet, state):
        self.label = label
        self.state = state
        routes = params.get("routes") if state != DELETED else None
        with about(label):
            # The fleet builds one diff per item itself.
            self.resource = Integration(item_options(params, state), fleet.client, fleet.check_mode, False, fleet.warn,
                                        fleet.names, fleet.listing)
            self.routes, warnings = normalized_route_items(routes) if routes is not None else (None, [])
        for warning in warnings:
            fleet.warn("%s: %s" % (label, warning))
        self.plan = None
        self.route_plan = None
        self._wanted_routes = None
        self._route_sample = None

    @classmethod
    def listed(cls, index, params, fleet):
        name = (params.get("name") or "").strip()
        return cls("config[%s] (%s)" % (index, "name %r" % name if name else "id %s" % params.get("id")), params, fleet, fleet.state)

    @classmethod
    def deletion(cls, integration, fleet):
        """An integration overridden deletes: in the scope, not in config."""
        # Only the id goes through the options: whatever the server holds as a name is not the task's to check.
        item = cls("integration %r (%s)" % (integration["name"], integration["id"]), {"id": integration["id"]}, fleet, DELETED)
        item.plan = Plan(DELETE, item.resource.options, Found(integration), {})
        return item

    @property
    def current(self):
        return self.plan.current if self.plan else None

    def identity(self):
        """What the item names before any request: its id, or its name and team as written."""
        options = self.resource.options
        if options.id:
            return ("id", options.id)
        team = ("team", options.team) if options.team is not None else ("team_id", options.team_id)
        return ("name", options.name) + team

    def make_plan(self):
        with about(self.label):
            self.plan = self.resource.plan()
            current = self.plan.current
            if current is not None and current.get("type") in SERVER_MANAGED_TYPES:
                raise OnCallError("integration %s is a %s integration, which OnCall manages itself; it is never changed here"
                                  % (current.get("id"), current.get("type")))
            if self.routes is not None:
                self._wanted_routes = desired_routes(self.routes, self.resource.names)

    def plan_routes(self, existing, sample):
        if self._wanted_routes is None:
            return
        self._route_sample = sample
        with about(self.label):
            self.route_plan = RouteListPlan(existing, self._wanted_routes, exact=self.state in EXACT_STATES, sample=sample)
            self.route_plan.check_backends()

    def final_key(self):
        """(name, team_id) the integration ends with, or None when the item deletes or finds nothing to keep."""
        plan = self.plan
        if plan.action == CREATE:
            return plan.desired.get("name"), plan.desired.get("team_id")
        if plan.current is None or plan.action == DELETE:
            return None
        return plan.desired.get("name", plan.current.get("name")), plan.desired.get("team_id", plan.current.get("team_id"))

    @property
    def changed(self):
        return self.plan.outcome != NOTHING or bool(self.route_plan and self.route_plan.changed)

    def apply(self, with_diff):
        """Write the item (nothing in check mode); its result entry and diff.

        A failure after a write raises PartialFailure (the entry applied, what is left); one before any write, the error.
        """
        plan = self.plan
        routes_left = ["the routes of %s" % self.label] if self.route_plan is not None else []
        try:
            result = self.resource.apply(plan) if plan.action != NOTHING else {"integration": plan.current or {}}
        except OnCallAPIError as exc:
            if exc.created is None:
                raise
            # Refused with a 5xx, yet made: the report counts it.
            raise PartialFailure(str(exc), exc, applied=[self._entry(exc.created)], not_applied=routes_left) from None
        entry = self._entry(result["integration"] or plan.current or {})
        if plan.replanned is not None and self.route_plan is not None:
            # Another run created the integration first: its routes are what the list is planned against now.
            self.plan_routes(self.resource.client.list_all("routes/", {"integration_id": entry["id"]}), self._route_sample)
        routes_after = None
        if self.route_plan is not None:
            routes_after = self._apply_routes(entry)
            entry["routes"] = self.route_plan.report()
        diff = self._diff(result, routes_after) if with_diff and self.changed else None
        return entry, diff

    def _apply_routes(self, entry):
        try:
            routes_after = self.route_plan.apply(self.resource.client, entry["id"], self.resource.check_mode)
        except PartialFailure as exc:
            # The integration, or some of its routes, may already be written: the failure report must say so.
            if entry["action"] == "unchanged" and exc.applied:
                entry["action"] = "updated"
            if entry["action"] == "unchanged":
                raise exc.cause from None
            raise PartialFailure(str(exc), exc.cause, applied=[entry], not_applied=["the routes of %s" % self.label]) from None
        if entry["action"] == "unchanged" and self.route_plan.changed:
            entry["action"] = "updated"
        return routes_after

    def _entry(self, subject):
        """The item's result entry, before its routes."""
        desired = self.plan.desired
        return {"action": ACTIONS.get(self.plan.outcome, "unchanged"), "id": subject.get("id"), "name": subject.get("name", desired.get("name")),
                "team_id": subject.get("team_id", desired.get("team_id"))}

    def _diff(self, result, routes_after):
        plan = self.plan.replanned or self.plan
        shape = self.resource.diff_shape(plan.desired)
        before = project(plan.current, shape) if plan.current else {}
        after = project(result["integration"], shape) if plan.action != DELETE else {}
        if plan.action == NOTHING:
            after = copy.deepcopy(before)
        if routes_after is not None:
            if plan.current is not None:
                before["routes"] = self.route_plan.diff_view(self.route_plan.before)
            after["routes"] = self.route_plan.diff_view(routes_after)
        header = "integration %s" % (after.get("name") or before.get("name") or plan.desired.get("name") or "")
        return {"before": as_text(before), "after": as_text(after), "before_header": header, "after_header": header}


class Fleet:
    """The whole oncall_integrations task: ``params`` are its options; the rest as for a resource."""

    def __init__(self, params, client, check_mode=False, diff=False, warn=None):
        self.params = params
        self.client = client
        self.check_mode = check_mode
        self.diff = diff
        self.warn = warn or (lambda message: None)
        self.state = params["state"]
        self.names = NameResolver(client, check_mode, self.warn)
        #: every integration, read once by run() and shared by every item
        self.listing = Listing()
        self.items = []

    # ------------------------------------------------------------------ before any request

    def check_options(self):
        """The task's own options, then every item's (building an item checks it); nothing is read before this passes."""
        self._check_scope_options()
        self.items = [FleetItem.listed(index, params, self) for index, params in enumerate(self.params.get("config") or [])]
        seen = {}
        for item in self.items:
            identity = item.identity()
            if identity in seen:
                raise OnCallError("%s and %s name the same integration; list each integration once" % (seen[identity].label, item.label))
            seen[identity] = item

    def _check_scope_options(self):
        params, scope = self.params, self.params.get("scope")
        if self.state == GATHERED and params.get("config") is not None:
            raise OnCallError("config is not used with state=gathered (it returns the integrations in gathered)")
        if self.state != GATHERED and params.get("config") is None:
            raise OnCallError("config is required with state=%s (config: [] is allowed)" % self.state)
        if scope is not None and self.state not in (OVERRIDDEN, GATHERED):
            raise OnCallError("scope is used only with state=overridden and state=gathered, not with state=%s" % self.state)
        if self.state == OVERRIDDEN and scope is None:
            raise OnCallError("state=overridden deletes every integration that config does not list, so it needs a scope "
                              "(teams and/or name_prefix) that says which ones it may delete")
        if scope is None:
            return
        if scope.get("teams") is None and not scope.get("no_team") and scope.get("name_prefix") is None:
            raise OnCallError("scope must set teams, no_team or name_prefix")
        if scope.get("teams") == []:
            raise OnCallError("scope.teams must list at least one team (a name or an id)")
        if scope.get("name_prefix") == "":
            raise OnCallError("scope.name_prefix must not be empty; leave it out to scope by teams only")

    # ------------------------------------------------------------------ reads

    def resolve_scope(self):
        scope = self.params.get("scope")
        if scope is None:
            return None
        team_ids = None
        if scope.get("teams") is not None or scope.get("no_team"):
            team_ids = {None} if scope.get("no_team") else set()
            wanted = [team.strip() for team in scope.get("teams") or []]
            if "" in wanted:
                # Ansible turns a null list element into "": a variable that is unexpectedly null must not widen what
                # overridden deletes to every integration without a team.
                raise OnCallError("scope.teams has an empty entry (a null variable?); for integrations without a team, "
                                  "set scope.no_team: true")
            teams = self.client.list_all("teams/") if wanted else []
            # The same listing answers the items' team names: no second request for them.
            self.names.remember(TEAM, teams)
            for entry in wanted:
                found = {team["id"] for team in teams if entry in (team.get("id"), team.get("name"))}
                if len(found) > 1:
                    raise OnCallError("scope.teams: %r is ambiguous: it is the name of one team and the id of another (%s)"
                                      % (entry, ", ".join(sorted(found))))
                if not found:
                    raise OnCallError("scope.teams: no team has the name or id %r.%s" % (entry, TEAM.hint))
                team_ids |= found
        return Scope(team_ids, scope.get("name_prefix"))

    # ------------------------------------------------------------------ the task

    def run(self):
        """Check every option, read (teams of the scope, every integration, the routes needed), plan every item, then write."""
        self.check_options()
        scope = self.resolve_scope()
        self.listing.load(self.client.list_all("integrations/"))
        if self.state == GATHERED:
            return self.gather(self.listing.items, scope)
        for item in self.items:
            item.make_plan()
        self._check_distinct()
        self._plan_routes(self.listing.items)
        to_delete = self._to_delete(self.listing.items, scope)
        delete_first = self._check_names(self.listing, to_delete)
        deletions = [FleetItem.deletion(integration, self) for integration in to_delete]
        return self._apply([item for item in deletions if item.current["id"] in delete_first] + self.items
                           + [item for item in deletions if item.current["id"] not in delete_first])

    def gather(self, listing, scope):
        integrations = [item for item in listing if item.get("type") not in SERVER_MANAGED_TYPES and (scope is None or scope.contains(item))]
        routes = routes_by_integration(self.client, [item["id"] for item in integrations], len(listing))
        gathered = [dict(export_config(item), routes=export_routes(routes.get(item["id"], [])))
                    for item in integrations]
        return {"changed": False, "gathered": gathered}

    def _check_distinct(self):
        """Two items must never land on the same integration."""
        owners = {}
        for item in self.items:
            if item.current is None:
                continue
            if item.current["id"] in owners:
                raise OnCallError("%s and %s both mean integration %s; list each integration once; nothing was changed"
                                  % (owners[item.current["id"]].label, item.label, item.current["id"]))
            owners[item.current["id"]] = item

    def _check_names(self, listing, to_delete):
        """OnCall allows one integration of a name per team, checked at each write: find every clash before the first.

        Only items that create an integration or give one a new name or team can clash (integrations that already
        share a name, as real data has, stay as they are). A clash with an integration overridden deletes is
        resolved by deleting that one first (the ids returned); with one an earlier item renames away, by the
        order of config.
        """
        if self.state == DELETED:
            return set()
        to_delete_ids = {integration["id"] for integration in to_delete}
        position = {id(item): index for index, item in enumerate(self.items)}
        renamed = {}        # current id -> the item that gives it a new name or team
        arriving = {}       # (name, team_id) an item creates or renames into -> the item
        for item in self.items:
            key = item.final_key()
            if key is None or (item.current is not None and key == (item.current.get("name"), item.current.get("team_id"))):
                continue
            if key in arriving:
                raise OnCallError("%s and %s would both make an integration named %r in %s; nothing was changed"
                                  % (arriving[key].label, item.label, key[0], describe_team(key[1])))
            arriving[key] = item
            if item.current is not None:
                renamed[item.current["id"]] = item
        delete_first = set()
        for key, item in arriving.items():
            mine = item.current["id"] if item.current is not None else None
            for other in listing.named(key[0]):
                if other.get("team_id") != key[1] or other["id"] == mine:
                    continue
                if other["id"] in to_delete_ids:
                    delete_first.add(other["id"])
                elif other["id"] in renamed and position[id(renamed[other["id"]])] < position[id(item)]:
                    continue    # an earlier item moves it away first
                elif other["id"] in renamed:
                    raise OnCallError("%s takes the name %r in %s from integration %s, which %s, later in config, renames: "
                                      "OnCall checks names at each write, so list %s first, or for a swap make the change in two "
                                      "runs (first to a free name); nothing was changed"
                                      % (item.label, key[0], describe_team(key[1]), other["id"], renamed[other["id"]].label,
                                         renamed[other["id"]].label))
                else:
                    raise OnCallError("%s would give integration %s the name %r in %s, which integration %s already has (OnCall "
                                      "allows one per team); nothing was changed"
                                      % (item.label, mine or "(new)", key[0], describe_team(key[1]), other["id"]))
        return delete_first

    def _plan_routes(self, listing):
        with_routes = [item for item in self.items if item.routes is not None]
        if not with_routes:
            return
        routes = routes_by_integration(self.client, [item.current["id"] for item in with_routes if item.current], len(listing))
        # Any route shows which messaging backends the server's routes have; so does any default route.
        sample = next((route for group in routes.values() for route in group), None) or \
            next((item.get("default_route") for item in listing if item.get("default_route")), None)
        for item in with_routes:
            item.plan_routes(routes.get(item.current["id"], []) if item.current else [], sample)

    def _to_delete(self, listing, scope):
        """overridden: what the scope holds and config does not list, to delete; OnCall's own direct_paging integrations never."""
        if self.state != OVERRIDDEN:
            return []
        kept = {item.current["id"] for item in self.items if item.current is not None}
        return [integration for integration in listing
                if scope.contains(integration) and integration["id"] not in kept and integration.get("type") not in SERVER_MANAGED_TYPES]

    def _apply(self, pending):
        """Apply items and deletions in order; the module result. Results (and diffs) are in the documented order,
        whatever the order of the writes: config first, then deletions."""
        rank = {id(item): index for index, item in enumerate(self.items)}
        by_config = functools.partial(sorted, key=lambda done: rank.get(id(done[0]), len(rank)))
        done = []
        for position, item in enumerate(pending):
            try:
                entry, diff = item.apply(self.diff)
            except OnCallError as exc:
                applied, left = (exc.applied, exc.not_applied) if isinstance(exc, PartialFailure) else ([], [item.label])
                done += [(item, entry, None) for entry in applied]
                raise self._stopped(exc, item.label, [entry for dummy, entry, dummy in by_config(done)],
                                    left + [other.label for other in pending[position + 1:]]) from None
            done.append((item, entry, diff))
        done = by_config(done)
        results = [entry for dummy, entry, dummy in done]
        diffs = [diff for dummy, dummy, diff in done if diff]
        result = {"changed": any(entry["action"] != "unchanged" for entry in results), "results": results}
        if self.diff and diffs:
            result["diff"] = diffs
        return result

    @staticmethod
    def _stopped(exc, where, results, not_applied):
        applied = ", ".join("%s %s" % (entry["action"], entry["name"] or entry["id"]) for entry in results if entry["action"] != "unchanged")
        message = "%s: %s. Applied before this failure: %s. Not applied: %s. A re-run picks up from here." % (
            where, exc, applied or "nothing", ", ".join(not_applied) or "nothing")
        cause = exc.cause if isinstance(exc, PartialFailure) else exc
        return PartialFailure(message, cause, applied=results, not_applied=not_applied,
                              changed=any(entry["action"] != "unchanged" for entry in results))

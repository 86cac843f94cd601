# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One route of an integration (oncall_route) on top of the resource layer.

A route is found by id, or by (integration, routing_type, routing_regex) among the integration's routes;
its place in the order is planned by the same ordered-list planner as a whole list of routes. The default
route belongs to the integration and is never touched here.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ansible_collections.oncall.grafana.plugins.module_utils.diff import apply_changes, changed_subset, prune_unset
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.ids import INTEGRATION_ID, ROUTE_ID, check_id, given_id, reference
from ansible_collections.oncall.grafana.plugins.module_utils.names import INTEGRATION, NameNotFound, check_name, is_placeholder, placeholder
from ansible_collections.oncall.grafana.plugins.module_utils.ordered_list import DELETE, Placement, Slot, Target
from ansible_collections.oncall.grafana.plugins.module_utils.resource import Found, Resource
from ansible_collections.oncall.grafana.plugins.module_utils.route_list import (
    ROUTING_KEYS,
    check_routing_term,
    clears_chain,
    fail_on_missing_backends,
    non_default,
    ordered,
    pick_route,
    post_route,
    predicted_new_route,
    recreate_body,
    trimmed_term,
)
from ansible_collections.oncall.grafana.plugins.module_utils.routing import (
    ROUTING_EXCLUSIVE,
    ROUTING_OPTIONS,
    check_routing_names,
    missing_route_backends,
    normalize_routing,
    resolve_routing_names,
)

ROUTE_ARGUMENT_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    id=dict(type="str"),
    integration=dict(type="str"),
    integration_id=dict(type="str"),
    routing_type=dict(type="str", choices=["regex", "jinja2"]),
    routing_regex=dict(type="str"),
    position=dict(type="int"),
    **ROUTING_OPTIONS
)
ROUTE_MODULE_KWARGS = dict(
    mutually_exclusive=[("integration", "integration_id")] + ROUTING_EXCLUSIVE,
    required_one_of=[("id", "integration", "integration_id")],
)

ROUTE_INFO_ARGUMENT_SPEC = dict(
    integration=dict(type="str"),
    integration_id=dict(type="str"),
)
ROUTE_INFO_MODULE_KWARGS = dict(mutually_exclusive=[("integration", "integration_id")],
                                required_one_of=[("integration", "integration_id")])


@dataclass(frozen=True)
class RouteOptions:
    """One route task's options, normalised: the term trimmed and checked, ids checked, unset routing keys dropped.

    ``integration`` is a name until resolve() turns it into ``integration_id``; ``routing`` holds the route's
    targets (chain, Slack, Telegram, backends) as the task sets them.
    """

    state: str
    id: str
    integration: str
    integration_id: str
    routing_type: str
    routing_regex: str
    position: int
    routing: dict


def route_options(params):
    """RouteOptions from the module's params; every check that needs no request."""
    route_id = given_id("id", params.get("id"), ROUTE_ID)
    options = RouteOptions(
        state=params.get("state") or "present", id=route_id,
        integration=check_name("integration", params.get("integration")),
        integration_id=given_id("integration_id", params.get("integration_id"), INTEGRATION_ID),
        routing_type=params.get("routing_type"),
        routing_regex=trimmed_term(params["routing_regex"]) if params.get("routing_regex") is not None else None,
        position=params.get("position"),
        routing=prune_unset({key: params.get(key) for key in ROUTING_KEYS}),
    )
    if route_id is None and options.integration is None and options.integration_id is None:
        raise OnCallError("integration or integration_id is required unless id is given")
    if route_id is None and options.routing_regex is None:
        raise OnCallError("routing_regex is required unless id is given: with the integration and routing_type it identifies the route")
    if options.routing_regex is not None and (options.routing_type or route_id is None):
        # With id and no routing_type, the stored type decides: checked once the route is read.
        check_routing_term(options.routing_type or "regex", options.routing_regex)
    if options.position is not None and options.position < 0:
        raise OnCallError("position is a 0-based index among the integration's routes, got %d" % options.position)
    check_routing_names({key: params.get(key) for key in ROUTING_KEYS})
    return options


def integration_id_of(integration, integration_id, names, tolerate=True):
    return names.resolve(INTEGRATION, integration, tolerate) if integration is not None else integration_id


def integration_routes(client, integration_id):
    """Every route of the integration, the default one included (none for an integration check mode has yet to create)."""
    return [] if is_placeholder(integration_id) else client.list_all("routes/", {"integration_id": integration_id})


class Route(Resource):
    path = "routes/"
    result_key = "route"
    label = "route"
    diff_always = ("integration_id", "routing_type", "routing_regex")
    create_hint = "to create one, give the integration and routing_regex without id"

    def name_of(self, obj):
        # Routes have no name: the diff header names them by what they match.
        return obj.get("routing_regex") or obj.get("id") or ""

    def normalize(self, options):
        return route_options(options)

    def resolve(self, options):
        if options.state == "absent":
            try:
                integration_id = integration_id_of(options.integration, options.integration_id, self.names, tolerate=False)
            except NameNotFound:
                # No integration of that name: it has no route to delete.
                integration_id = placeholder(INTEGRATION, options.integration)
            return replace(options, integration=None, integration_id=integration_id)
        integration_id = integration_id_of(options.integration, options.integration_id, self.names)
        return replace(options, integration=None, integration_id=integration_id, routing=resolve_routing_names(options.routing, self.names))

    # ------------------------------------------------------------------ identity

    def find(self, options):
        if options.id:
            return self._find_by_id(options)
        routes = integration_routes(self.client, options.integration_id)
        siblings = non_default(routes)
        current = pick_route(siblings, options.integration_id, options.routing_type or "regex", options.routing_regex)
        return Found(current, sample=current or (routes[0] if routes else None), siblings=siblings)

    def _find_by_id(self, options):
        found = self.find_by_id(options.id, options.state)
        if found is None:
            return Found(None)
        if found.get("is_the_last_route"):
            raise OnCallError("route %s is the default route of integration %s; manage it with oncall.grafana.oncall_integration's "
                              "default_route" % (found["id"], found.get("integration_id")))
        if options.integration_id and found.get("integration_id") != options.integration_id:
            raise OnCallError("route %s belongs to integration %s, not %s; a route cannot move to another integration"
                              % (found["id"], found.get("integration_id"), options.integration_id))
        clearing = reference(options.routing.get("escalation_chain_id", "unset")) is None and found.get("escalation_chain_id") is not None
        if options.state == "present" and (options.position is not None or clearing):
            # Its place in the order is needed: to move it, or to put the route that replaces it there.
            return Found(found, siblings=non_default(integration_routes(self.client, found["integration_id"])))
        return Found(found)

    # ------------------------------------------------------------------ desired state

    def desired(self, options, found):
        desired = {}
        if options.routing_type is not None:
            desired["routing_type"] = options.routing_type
        elif found.current is None:
            desired["routing_type"] = "regex"
        if options.routing_regex is not None:
            desired["routing_regex"] = options.routing_regex
        desired.update(normalize_routing(options.routing))
        placed = self._placement(options, found, desired) if options.state == "present" and options.position is not None else None
        if placed is not None and placed[1] is not None:
            # Where the task puts the route: the position of its move, or the one a re-created route ends at.
            desired["position"] = placed[1]
        return desired

    def _placement(self, options, found, fields):
        """(the position the route's write sends, the position it ends at) when it is placed; None when it stays.

        The route is placed with the ordered-list planner among its siblings, which all stay where they are:
        at the task's index, or for a route re-created to clear its chain, in the old one's place. ``fields`` are
        the desired fields without position.
        """
        current, siblings = found.current, found.siblings
        recreated = current is not None and clears_chain(changed_subset(fields, current))
        if siblings is None or (options.position is None and not recreated):
            return None
        slots = [Slot(route.get("position") or 0, route) for route in siblings]
        own = next((slot for slot in slots if current is not None and slot.item["id"] == current["id"]), None)
        others = [slot for slot in slots if slot is not own]
        index = min(options.position, len(others)) if options.position is not None else slots.index(own)
        for rank, slot in enumerate(others):
            slot.rank = rank if rank < index else rank + 1
        targets = [Target(slot.rank, slot) for slot in others]
        if own is not None:
            own.rank = index
        target = Target(index, replaces=own) if recreated else Target(index, own)
        writes = [write for write in Placement(slots, targets + [target], staying=others).writes if write.kind != DELETE]
        if not writes:
            return None
        return writes[0].body.get("position"), (target.slot.order if recreated or "position" in writes[0].body else None)

    # ------------------------------------------------------------------ checks

    def check_create(self, plan):
        if not is_placeholder(plan.options.integration_id) and plan.found.sample is not None:
            fail_on_missing_backends(missing_route_backends(plan.desired, plan.found.sample))

    def check_update(self, plan):
        desired, current = plan.desired, plan.current
        if "routing_regex" in desired or "routing_type" in desired:
            # Both are sent together and the server checks the term with the type of the request.
            check_routing_term(desired.get("routing_type", current.get("routing_type")), desired.get("routing_regex", current.get("routing_regex")))
        fail_on_missing_backends(missing_route_backends(desired, current))

    # ------------------------------------------------------------------ writes

    def create_body(self, plan):
        # escalation_chain_id is required on create, null meaning "no chain".
        return dict({"integration_id": plan.options.integration_id, "escalation_chain_id": None}, **plan.desired)

    def predict_created(self, plan):
        return predicted_new_route(dict({"integration_id": plan.options.integration_id}, **plan.desired),
                                   plan.desired.get("position", next_position(plan.found.siblings)), plan.found.sample)

    def update_body(self, plan):
        body = dict(plan.changes)
        if "routing_regex" in body or "routing_type" in body:
            # Always together: the server validates routing_regex with the routing_type sent in the request.
            body["routing_type"] = plan.desired.get("routing_type", plan.current.get("routing_type"))
            body["routing_regex"] = plan.desired.get("routing_regex", plan.current.get("routing_regex"))
        return body

    def write_update(self, plan):
        if not clears_chain(plan.changes):
            return super().write_update(plan)
        # OnCall refuses a null chain on update: a new route is made in the old one's place first, so alerts keep a
        # route all along, then the old one goes. After a lost answer, the lookup leaves out every route already
        # read (the old one included), so it finds only a route this POST made.
        self._warn_recreate(plan.current)
        known = {route["id"] for route in plan.found.siblings or []} | {plan.current["id"]}
        created = post_route(self.client, self._recreate_body(plan), known)
        self.client.delete(self.item_path(plan.current))
        return created

    def predict_update(self, plan):
        predicted = apply_changes(plan.current, plan.changes)
        if clears_chain(plan.changes):
            self._warn_recreate(plan.current)
            predicted["id"] = None
            predicted["position"] = self._recreate_placement(plan)[1]
        return predicted

    def _recreate_placement(self, plan):
        """(the POST's position or None, where the new route ends) for a route re-created to clear its chain."""
        fields = {key: value for key, value in plan.desired.items() if key != "position"}
        return self._placement(plan.options, plan.found, fields)

    def _recreate_body(self, plan):
        changes = {key: value for key, value in plan.changes.items() if key != "position"}
        body = dict(recreate_body(plan.current, changes), integration_id=plan.current.get("integration_id"))
        position = self._recreate_placement(plan)[0]
        if position is not None:
            body["position"] = position
        return body

    def _warn_recreate(self, current):
        self.warn("OnCall cannot clear the escalation chain of route %s in place, so it is re-created without a chain, "
                  "in its place in the order; its id changes" % current["id"])

    def result(self, plan, obj, before, after, subject):
        # OnCall's raw position values have gaps; the diff shows one meaning: the index among the non-default routes.
        siblings = plan.found.siblings or []
        ids = [route["id"] for route in siblings]
        if before and "position" in before and plan.current is not None and plan.current["id"] in ids:
            before = dict(before, position=ids.index(plan.current["id"]))
        if after and "position" in after and plan.options.position is not None:
            others = len([route_id for route_id in ids if plan.current is None or route_id != plan.current["id"]])
            after = dict(after, position=min(plan.options.position, others))
        return super().result(plan, obj, before, after, subject)

    def result_extra(self, plan):
        if plan.current is not None and clears_chain(plan.changes):
            return {"recreated": True, "replaced_id": plan.current["id"]}
        return {}


def next_position(siblings):
    """Where a create without a position lands: after the highest raw position."""
    positions = [route.get("position") or 0 for route in siblings or []]
    return max(positions) + 1 if positions else 0


def list_routes(params, client, names):
    """The routes of one integration in the order OnCall applies them, the default route last."""
    integration_id = integration_id_of(check_name("integration", params.get("integration")), params.get("integration_id"), names)
    if is_placeholder(integration_id):
        # Check mode, and the integration does not exist yet: it has no routes.
        return {"changed": False, "routes": []}
    check_id("integration_id", integration_id, INTEGRATION_ID)
    return {"changed": False, "routes": ordered(client.list_all("routes/", {"integration_id": integration_id}))}

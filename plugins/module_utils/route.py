# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""OnCall routes (an integration's non-default routes) on top of the resource layer.

Contract facts used here (routes section): no uniqueness at all, so identity is (integration,
routing_type, routing_regex) within the integration's routes; the server validates routing_regex with
the routing_type of the *request*; positions are raw order values with gaps, moved with move-to
semantics; ``escalation_chain_id: null`` is refused on update; the default route
(``is_the_last_route``) belongs to the integration and is never touched here.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import copy
import re

from ansible_collections.oncall.grafana.plugins.module_utils.diff import apply_changes, prune_unset
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import INTEGRATION, INTEGRATION_ID, NameResolver, check_object_id, is_placeholder
from ansible_collections.oncall.grafana.plugins.module_utils.resource import Resource, post_once
from ansible_collections.oncall.grafana.plugins.module_utils.routing import (
    NEW_ROUTE_TARGETS,
    ROUTING_EXCLUSIVE,
    ROUTING_OPTIONS,
    check_routing_names,
    missing_route_backends,
    normalize_routing,
    resolve_routing_names,
)

try:
    from jinja2 import Environment, TemplateSyntaxError
    HAS_JINJA2 = True
except ImportError:  # the server still validates; only the early local check is lost
    HAS_JINJA2 = False

ROUTE_ID = re.compile(r"^R[0-9A-Z]+$")
REGEX_MAX = 1024
ROUTING_KEYS = tuple(ROUTING_OPTIONS)

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


def recreate_body(current, changes):
    """The POST body of a route that replaces ``current`` with ``changes`` applied (to clear its chain)."""
    merged = apply_changes(current, changes)
    body = {key: merged.get(key) for key in ("routing_type", "routing_regex", "escalation_chain_id")}
    # Slack, Telegram and every messaging backend, as the old route had them (or as the task changes them).
    body.update({key: value for key, value in merged.items() if isinstance(value, dict)})
    return body


def find_new_route(client, body, known):
    """The route a POST of ``body`` made, if it did: the same match, and an id not among the ``known`` ones.

    Routes have no uniqueness, so after a lost answer only the ids read before tell the new route from an
    old one with the same match (the one a re-create replaces, a duplicate).
    """
    found = [route for route in client.list_all("routes/", {"integration_id": body["integration_id"]})
             if route["id"] not in known and route.get("routing_type") == body.get("routing_type")
             and route.get("routing_regex") == body.get("routing_regex")]
    return found[0] if found else None


def fail_on_missing_backends(missing):
    if missing:
        raise OnCallError("this OnCall server's routes have no %s messaging backend (msteams exists only on Grafana Cloud); "
                          "nothing was written" % ", ".join(missing))


def ordered(routes):
    """An integration's routes as OnCall applies them: non-default routes by position, the default route last."""
    regular = sorted((route for route in routes if not route.get("is_the_last_route")), key=lambda route: route.get("position") or 0)
    return regular + [route for route in routes if route.get("is_the_last_route")]


def integration_id_of(params, names):
    if params.get("integration") is not None:
        if not params["integration"].strip():
            raise OnCallError("integration must not be empty")
        return names.resolve(INTEGRATION, params["integration"].strip())
    return params.get("integration_id")


class Route(Resource):
    path = "routes/"
    result_key = "route"
    label = "route"
    diff_always = ("integration_id", "routing_type", "routing_regex")
    create_hint = "to create one, give the integration and routing_regex without id"

    def name_of(self, obj):
        # Routes have no name: the diff header names them by what they match.
        return obj.get("routing_regex") or obj.get("id") or ""

    def __init__(self, module, client, names=None):
        super().__init__(module, client, names)
        self._siblings = None   # the integration's non-default routes, in order
        self._sample = None     # any route of the integration: it lists the server's messaging backends

    # ------------------------------------------------------------------ options

    def validate_params(self):
        params = self.params
        for key in ("id", "integration_id"):
            if params.get(key) == "":
                params[key] = None
        check_object_id("id", params.get("id"), ROUTE_ID, "RVBE4RKQSCGJ2")
        check_object_id("integration_id", params.get("integration_id"), INTEGRATION_ID, "CFRPV98RPR1U8")
        if params.get("id") is None and params.get("integration") is None and params.get("integration_id") is None:
            raise OnCallError("integration or integration_id is required unless id is given")
        if params.get("routing_regex") is not None:
            # OnCall trims it (DRF CharField), so an untrimmed term would never compare equal.
            params["routing_regex"] = params["routing_regex"].strip()
            if not params["routing_regex"]:
                raise OnCallError("routing_regex must not be empty")
        if params.get("id") is None and params.get("routing_regex") is None:
            raise OnCallError("routing_regex is required unless id is given: with the integration and routing_type it identifies the route")
        if params.get("routing_regex") is not None and (params.get("routing_type") or params.get("id") is None):
            # With id and no routing_type, the stored type decides: checked once the route is read.
            check_routing_term(params.get("routing_type") or "regex", params["routing_regex"])
        if params.get("position") is not None and params["position"] < 0:
            raise OnCallError("position is a 0-based index among the integration's routes, got %d" % params["position"])
        check_routing_names({key: params.get(key) for key in ROUTING_KEYS})

    def resolve_names(self):
        params = self.params
        names = self.names
        params["integration_id"] = integration_id_of(params, names)
        params.pop("integration", None)
        if params.get("state") == "absent":
            return
        routing = {key: params[key] for key in ROUTING_KEYS if params.get(key) is not None}
        resolve_routing_names(routing, names)
        for key in ROUTING_KEYS:
            params[key] = routing.get(key)

    # ------------------------------------------------------------------ identity

    def find(self):
        params = self.params
        if params.get("id"):
            found = self.find_by_id(params["id"])
            if found is None:
                return None
            if found.get("is_the_last_route"):
                raise OnCallError("route %s is the default route of integration %s; manage it with oncall.grafana.oncall_integration's "
                                  "default_route" % (found["id"], found.get("integration_id")))
            if params.get("integration_id") and found.get("integration_id") != params["integration_id"]:
                raise OnCallError("route %s belongs to integration %s, not %s; a route cannot move to another integration"
                                  % (found["id"], found.get("integration_id"), params["integration_id"]))
            self._sample = found
            if params.get("position") is not None and params.get("state") == "present":
                self._load_siblings(found["integration_id"])
            return found
        self._load_siblings(params["integration_id"])
        routing_type = params.get("routing_type") or "regex"
        matches = [route for route in self._siblings
                   if route.get("routing_type") == routing_type and route.get("routing_regex") == params["routing_regex"]]
        if len(matches) > 1:
            raise OnCallError("%d routes of integration %s match routing_type %s and routing_regex %r: %s. Set id to pick one; "
                              "nothing was changed" % (len(matches), params["integration_id"], routing_type, params["routing_regex"],
                                                       ", ".join("%s (position %s)" % (r["id"], r.get("position")) for r in matches)))
        return matches[0] if matches else None

    def _load_siblings(self, integration_id):
        if is_placeholder(integration_id):
            # Check mode, and the integration does not exist yet: it has no routes.
            routes = []
        else:
            routes = self.client.list_all(self.path, {"integration_id": integration_id})
        self._sample = self._sample or (routes[0] if routes else None)
        self._siblings = [route for route in ordered(routes) if not route.get("is_the_last_route")]

    # ------------------------------------------------------------------ desired state

    def desired(self, current):
        params = self.params
        desired = {}
        if params.get("routing_type") is not None:
            desired["routing_type"] = params["routing_type"]
        elif current is None:
            desired["routing_type"] = "regex"
        if params.get("routing_regex") is not None:
            desired["routing_regex"] = params["routing_regex"]
        desired.update(normalize_routing(prune_unset({key: params.get(key) for key in ROUTING_KEYS})))
        target = self._target_position(current)
        if target is not None:
            desired["position"] = target
        return desired

    def _target_position(self, current):
        """The raw position value to send, or None when the route is already where the task wants it.

        Stored positions have gaps, so the task's index is compared with the route's index among its
        siblings, and a move names the position of the route now at the wanted index (move-to semantics).
        """
        wanted = self.params.get("position")
        if wanted is None or self._siblings is None:
            return None
        others = [route for route in self._siblings if current is None or route["id"] != current["id"]]
        if current is not None:
            index = [route["id"] for route in self._siblings].index(current["id"])
            target = min(wanted, len(self._siblings) - 1)
            return None if index == target else self._siblings[target]["position"]
        if wanted < len(others):
            return others[wanted]["position"]
        return None  # a new route is appended at the end anyway

    # ------------------------------------------------------------------ checks

    def check_create(self, desired):
        if is_placeholder(self.params.get("integration_id")):
            return
        self._fail_on_missing_backends(desired, self._sample)

    def check_update(self, current, desired):
        if "routing_regex" in desired or "routing_type" in desired:
            # Both are sent together and the server checks the term with the type of the request.
            check_routing_term(desired.get("routing_type", current.get("routing_type")), desired.get("routing_regex", current.get("routing_regex")))
        self._fail_on_missing_backends(desired, current)

    @staticmethod
    def _fail_on_missing_backends(desired, sample):
        fail_on_missing_backends(missing_route_backends(desired, sample) if sample is not None else [])

    # ------------------------------------------------------------------ writes

    def create_body(self, desired):
        # escalation_chain_id is required on create, null meaning "no chain".
        return dict({"integration_id": self.params["integration_id"], "escalation_chain_id": None}, **desired)

    def predict_created(self, desired):
        predicted = {
            "position": desired.get("position", self._next_position()),
            "id": None,
            "integration_id": self.params["integration_id"],
            "escalation_chain_id": None,
            "routing_type": "regex",
            "routing_regex": None,
            "is_the_last_route": False,
        }
        return apply_changes(dict(predicted, **copy.deepcopy(NEW_ROUTE_TARGETS)), desired)

    def _next_position(self):
        positions = [route.get("position") or 0 for route in self._siblings or []]
        return max(positions) + 1 if positions else 0

    def update_body(self, changes, current, desired):
        body = dict(changes)
        if "routing_regex" in changes or "routing_type" in changes:
            # Always together: the server validates routing_regex with the routing_type sent in the request.
            body["routing_type"] = desired.get("routing_type", current.get("routing_type"))
            body["routing_regex"] = desired.get("routing_regex", current.get("routing_regex"))
        return body

    def write_update(self, current, changes, desired):
        if changes.get("escalation_chain_id", "unchanged") is not None:
            return super().write_update(current, changes, desired)
        return self._recreate(current, changes)

    def predict_update(self, current, changes, desired):
        predicted = apply_changes(current, changes)
        if changes.get("escalation_chain_id", "unchanged") is None:
            self._report_recreate(current)
            predicted["id"] = None
            position = self._recreate_position(current)
            predicted["position"] = position if position is not None else self._next_position()
        return predicted

    def _recreate_position(self, current):
        """The raw position that puts the new route where the task wants it (or where the old one is).

        The new route is created while the old one still exists, so it is placed like a create among the
        other routes; None means last (a create appends).
        """
        if self._siblings is None:
            self._load_siblings(current["integration_id"])
        others = [route for route in self._siblings if route["id"] != current["id"]]
        wanted = self.params.get("position")
        index = [route["id"] for route in self._siblings].index(current["id"]) if wanted is None else wanted
        return others[index]["position"] if index < len(others) else None

    def _recreate(self, current, changes):
        """Clear a route's chain the only way OnCall allows: a new route in its place, then delete the old one.

        OnCall refuses ``escalation_chain_id: null`` on update. The new route is made first, at the old
        one's position, so alerts keep a route all along; its id is new.
        """
        self._report_recreate(current)
        body = dict(recreate_body(current, changes), integration_id=current.get("integration_id"))
        position = self._recreate_position(current)
        if position is not None:
            body["position"] = position
        # After a lost answer, the lookup leaves out every route already read (the old one included), so it finds
        # only a route this POST made.
        known = {route["id"] for route in self._siblings} | {current["id"]}
        created = post_once(self.client, self.path, body, lambda: find_new_route(self.client, body, known), self.label)
        self.client.delete(self.item_path(current))
        return created

    def _report_recreate(self, current):
        self.extra_result["recreated"] = True
        self.extra_result["replaced_id"] = current["id"]
        self.module.warn("OnCall cannot clear the escalation chain of route %s in place, so it is re-created without a chain, "
                         "in its place in the order; its id changes" % current["id"])


def list_routes(module, client):
    """The routes of one integration in the order OnCall applies them, the default route last."""
    integration_id = integration_id_of(module.params, NameResolver(client, module.check_mode, module.warn))
    if is_placeholder(integration_id):
        # Check mode, and the integration does not exist yet: it has no routes.
        return {"changed": False, "routes": []}
    check_object_id("integration_id", integration_id, INTEGRATION_ID, "CFRPV98RPR1U8")
    routes = client.list_all("routes/", {"integration_id": integration_id})
    return {"changed": False, "routes": ordered(routes)}

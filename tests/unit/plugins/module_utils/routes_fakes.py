# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An in-memory OnCall for the route and escalation chain tests: routes, escalation chains and the name directories.

Written from the contract (sections 7 and 8 and "Seen on the real engine") and from OnCall's ``OrderedModel``, not from
the collection's code:

- route positions are raw order values, kept per (integration, is default); a create appends at max + 1 (or 0) and
  then, when ``position`` is given, moves the route there with move-to semantics (``OrderedModel.to``): the routes
  between shift by one towards the old place; a PUT with ``position`` moves the same way; ``-1`` means the end;
- ``routing_regex`` is validated with the ``routing_type`` of the *request* (regex when the request has none);
- ``escalation_chain_id`` is required on create and refused as null on update;
- a delete does not compact positions; the default route cannot be deleted;
- escalation chain names are unique in the organization; PUT needs ``name``.

Nothing here opens a socket. ``calls`` holds ``(method, path, params_or_body)``.
"""

from __future__ import annotations

import copy
import re

from jinja2 import Environment, TemplateSyntaxError

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.oncall_fakes import OSS_ROUTE_BACKENDS

TEAMS = [{"id": "TOPS1", "name": "ops"}, {"id": "TDEV2", "name": "dev"}]
SLACK_CHANNELS = [{"name": "alerts", "slack_id": "C01ALERTS"}, {"name": "ops-noise", "slack_id": "C02NOISE"}]
INTEGRATIONS = [{"id": "CINT1", "name": "prod", "team_id": None}, {"id": "CINT2", "name": "staging", "team_id": "TOPS1"},
                {"id": "CDUP1", "name": "twice", "team_id": "TOPS1"}, {"id": "CDUP2", "name": "twice", "team_id": "TDEV2"}]
CHAINS = [{"id": "FPROD1", "name": "prod", "team_id": None}, {"id": "FNIGHT2", "name": "night", "team_id": "TOPS1"}]


def route(ident, position, regex, integration_id="CINT1", routing_type="regex", chain=None, slack=None, telegram=None,
          backends=OSS_ROUTE_BACKENDS, default=False):
    """A route as GET shows it (contract 7.1 key order)."""
    item = {
        "position": position,
        "id": ident,
        "integration_id": integration_id,
        "escalation_chain_id": chain,
        "routing_type": routing_type,
        "routing_regex": None if default else regex,
        "is_the_last_route": default,
        "slack": dict({"channel_id": None, "enabled": True}, **(slack or {})),
        "telegram": dict({"id": None, "enabled": False}, **(telegram or {})),
    }
    item.update({backend: {"id": None, "enabled": False} for backend in backends})
    return item


def default_route(integration_id="CINT1", ident=None, chain=None):
    return route(ident or "RDEF" + integration_id[1:], 0, None, integration_id=integration_id, chain=chain, default=True)


def bad_request(method, path, body):
    return OnCallAPIError(method, path, 400, str(body), body=body)


def _merge(current, changes):
    merged = copy.deepcopy(current)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


class OnCallFake:
    """Routes, escalation chains, and the teams, integrations and Slack channels that names resolve against.

    ``fail`` maps a method to a list of ``(exception, applied)`` pairs consumed one per call: the exception is raised
    after the write is applied when ``applied`` is true (the answer was lost), before it otherwise.
    """

    def __init__(self, routes=(), chains=None, backends=OSS_ROUTE_BACKENDS, integrations=None, list_order=None):
        self.routes = [copy.deepcopy(item) for item in routes]
        self.chains = copy.deepcopy(CHAINS if chains is None else chains)
        self.integrations = copy.deepcopy(INTEGRATIONS if integrations is None else integrations)
        self.backends = backends
        self.calls = []
        self.fail = {}
        self._next = 1
        #: "reversed" lists routes in reverse storage order, to prove the client sorts them itself
        self.list_order = list_order

    # ------------------------------------------------------------------ helpers for the tests

    def writes(self):
        return [call for call in self.calls if call[0] in ("POST", "PUT", "DELETE")]

    def reads(self):
        return [call for call in self.calls if call[0] in ("GET", "LIST")]

    def by_id(self, ident):
        for item in self.routes:
            if item["id"] == ident:
                return item
        return None

    def order(self, integration_id="CINT1"):
        """Ids of the non-default routes of an integration, in the order OnCall applies them."""
        group = [item for item in self.routes if item["integration_id"] == integration_id and not item["is_the_last_route"]]
        return [item["id"] for item in sorted(group, key=lambda item: item["position"])]

    def positions(self, integration_id="CINT1"):
        group = [item for item in self.routes if item["integration_id"] == integration_id and not item["is_the_last_route"]]
        return {item["id"]: item["position"] for item in group}

    def _failure(self, method):
        queue = self.fail.get(method) or []
        return queue.pop(0) if queue else (None, False)

    def _new_id(self, prefix):
        ident = "%sNEW%d" % (prefix, self._next)
        self._next += 1
        return ident

    # ------------------------------------------------------------------ ordering (OrderedModel)

    def _group(self, item):
        return [other for other in self.routes
                if other["integration_id"] == item["integration_id"] and other["is_the_last_route"] == item["is_the_last_route"]]

    def _move_to(self, item, order):
        group = self._group(item)
        if order == -1:
            order = max(other["position"] for other in group)
        if order < 0 or order > 2147483647:
            raise bad_request("PUT", "routes/", {"detail": "Invalid value for position field"})
        if item["position"] == order:
            return
        if item["position"] < order:
            for other in group:
                if other is not item and item["position"] < other["position"] <= order:
                    other["position"] -= 1
        else:
            for other in group:
                if other is not item and order <= other["position"] < item["position"]:
                    other["position"] += 1
        item["position"] = order
        positions = [other["position"] for other in group]
        assert len(positions) == len(set(positions)), "orders must stay unique: %r" % positions

    # ------------------------------------------------------------------ validation

    @staticmethod
    def _check_term(method, path, routing_type, term):
        if routing_type not in ("regex", "jinja2"):
            raise bad_request(method, path, {"detail": "Invalid route type"})
        if len(term) > 1024:
            raise bad_request(method, path, {"non_field_errors": ["Expression is too long. Maximum length: 1024 characters"]})
        if routing_type == "jinja2":
            try:
                Environment().parse(term)
            except TemplateSyntaxError:
                raise bad_request(method, path, {"non_field_errors": ["Jinja template is incorrect"]}) from None
        else:
            try:
                re.compile(term)
            except re.error:
                raise bad_request(method, path, {"non_field_errors": ["Regular expression is incorrect"]}) from None

    def _check_chain(self, method, path, chain_id):
        if chain_id is not None and not any(chain["id"] == chain_id for chain in self.chains):
            raise bad_request(method, path, {"escalation_chain_id": ["Object does not exist"]})

    # ------------------------------------------------------------------ the OnCallClient interface

    def get_or_none(self, path):
        self.calls.append(("GET", path, None))
        kind, ident = path.strip("/").split("/")
        if kind == "routes":
            return copy.deepcopy(self.by_id(ident))
        assert kind == "escalation_chains", path
        found = [chain for chain in self.chains if chain["id"] == ident]
        return copy.deepcopy(found[0]) if found else None

    def list_all(self, path, params=None):
        self.calls.append(("LIST", path, copy.deepcopy(params)))
        params = dict(params or {})
        if path == "routes/":
            assert set(params) <= {"integration_id", "routing_regex"}, params
            found = [item for item in self.routes if item["integration_id"] == params.get("integration_id", item["integration_id"])
                     and item["routing_regex"] == params.get("routing_regex", item["routing_regex"])]
            return copy.deepcopy(found[::-1] if self.list_order == "reversed" else found)
        if path == "escalation_chains/":
            assert set(params) <= {"name"}, "the team_id filter answers 500 on OSS: %r" % params
            return [copy.deepcopy(chain) for chain in self.chains if chain["name"] == params.get("name", chain["name"])]
        directory = {"teams/": ("name", "name", TEAMS), "integrations/": ("name", "name", self.integrations),
                     "slack_channels/": ("channel_name", "name", SLACK_CHANNELS)}
        name_filter, name_field, items = directory[path]
        assert set(params) == {name_filter}, params
        return [copy.deepcopy(item) for item in items if item[name_field] == params[name_filter]]

    def post(self, path, body):
        self.calls.append(("POST", path, copy.deepcopy(body)))
        exc, applied = self._failure("POST")
        if exc is not None and not applied:
            raise exc
        created = self._create_route(path, body) if path == "routes/" else self._create_chain(path, body)
        if exc is not None:
            raise exc
        return copy.deepcopy(created)

    def _create_route(self, path, body):
        assert path == "routes/", path
        if not any(item["id"] == body.get("integration_id") for item in self.integrations):
            raise bad_request("POST", path, {"integration_id": ["Object does not exist"]})
        if body.get("routing_regex") is None:
            raise bad_request("POST", path, {"routing_regex": ["This field is required."]})
        if "escalation_chain_id" not in body:
            raise bad_request("POST", path, {"escalation_chain_id": ["This field is required."]})
        self._check_term("POST", path, body.get("routing_type", "regex"), body["routing_regex"])
        self._check_chain("POST", path, body["escalation_chain_id"])
        created = route(self._new_id("R"), 0, body["routing_regex"], integration_id=body["integration_id"],
                        routing_type=body.get("routing_type", "regex"), chain=body["escalation_chain_id"], backends=self.backends)
        group = self._group(created)
        created["position"] = max(other["position"] for other in group) + 1 if group else 0
        for key, value in body.items():
            if isinstance(value, dict) and key in created:  # unknown backends are ignored
                created[key] = _merge(created[key], value)
        self.routes.append(created)
        if body.get("position") is not None and body["position"] != -1:
            self._move_to(created, body["position"])
        return created

    def _create_chain(self, path, body):
        assert path == "escalation_chains/", path
        if not body.get("name"):
            raise bad_request("POST", path, {"name": ["This field is required."]})
        if any(chain["name"] == body["name"] for chain in self.chains):
            raise bad_request("POST", path, {"non_field_errors": ["The fields organization, name must make a unique set."]})
        created = {"id": self._new_id("F"), "name": body["name"], "team_id": body.get("team_id")}
        self.chains.append(created)
        return created

    def put(self, path, body):
        self.calls.append(("PUT", path, copy.deepcopy(body)))
        exc, applied = self._failure("PUT")
        if exc is not None and not applied:
            raise exc
        kind, ident = path.strip("/").split("/")
        if kind == "escalation_chains":
            updated = self._update_chain(path, ident, body)
        else:
            updated = self._update_route(path, ident, body)
        if exc is not None:
            raise exc
        return copy.deepcopy(updated)

    def _update_route(self, path, ident, body):
        item = self.by_id(ident)
        if item is None:
            raise OnCallAPIError("PUT", path, 404, "Not found.", body={"detail": "Not found."})
        if "escalation_chain_id" in body:
            if body["escalation_chain_id"] is None:
                raise bad_request("PUT", path, {"escalation_chain_id": ["This field may not be null."]})
            self._check_chain("PUT", path, body["escalation_chain_id"])
        if "routing_type" in body or "routing_regex" in body:
            # The request's type, not the stored one (contract 7.3 pitfall, seen on the real engine).
            term = body.get("routing_regex", item["routing_regex"]) if "routing_regex" in body else item["routing_regex"]
            self._check_term("PUT", path, body.get("routing_type", "regex"), term)
        if body.get("position") is not None:
            self._move_to(item, body["position"])
        for key, value in body.items():
            if key in ("position", "integration_id", "id", "is_the_last_route", "manual_order"):
                continue
            if isinstance(value, dict):
                if key in item:
                    item[key] = _merge(item[key], value)
            elif key in item:
                item[key] = value
        return item

    def _update_chain(self, path, ident, body):
        found = [chain for chain in self.chains if chain["id"] == ident]
        if not found:
            raise OnCallAPIError("PUT", path, 404, "Not found.", body={"detail": "Not found."})
        if not body.get("name"):
            raise bad_request("PUT", path, {"name": ["This field is required."]})
        if any(chain["name"] == body["name"] and chain["id"] != ident for chain in self.chains):
            raise bad_request("PUT", path, {"non_field_errors": ["The fields organization, name must make a unique set."]})
        found[0].update({key: value for key, value in body.items() if key in ("name", "team_id")})
        return found[0]

    def delete(self, path):
        self.calls.append(("DELETE", path, None))
        error, dummy = self._failure("DELETE")
        if error is not None:
            raise error
        kind, ident = path.strip("/").split("/")
        if kind == "routes":
            item = self.by_id(ident)
            if item is None:
                return False
            if item["is_the_last_route"]:
                raise bad_request("DELETE", path, {"detail": "Unable to delete default filter"})
            self.routes.remove(item)  # orders are not compacted
            return True
        found = [chain for chain in self.chains if chain["id"] == ident]
        if not found:
            return False
        self.chains.remove(found[0])
        for item in self.routes:
            if item["escalation_chain_id"] == ident:
                item["escalation_chain_id"] = None
        return True

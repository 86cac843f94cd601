# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""OnCall integrations: their options, identity rules and server quirks, on top of the resource layer.

What the server does that shapes this file: the type cannot change after create, templates and the
default route merge on write, unknown template channels are silently ignored, a name is unique per team,
and the ``team_id`` list filter answers 500 on self-hosted OnCall (so the team is picked here).
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from ansible_collections.oncall.grafana.plugins.module_utils.diff import apply_changes, nulled, prune_unset
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.ids import INTEGRATION_ID, TEAM_ID, check_reference, given_id, reference
from ansible_collections.oncall.grafana.plugins.module_utils.names import (
    INTEGRATION,
    TEAM,
    NameNotFound,
    TeamNames,
    check_name,
    is_placeholder,
    exact_matches,
    of_team,
    pick_one,
    placeholder,
    team_id_of,
)
from ansible_collections.oncall.grafana.plugins.module_utils.routing import (
    ROUTE_BACKENDS,
    ROUTING_EXCLUSIVE,
    ROUTING_OPTIONS,
    check_routing_names,
    export_routing,
    missing_route_backends,
    normalize_routing,
    resolve_routing_names,
)
from ansible_collections.oncall.grafana.plugins.module_utils.resource import Found, Resource
from ansible_collections.oncall.grafana.plugins.module_utils.route_list import (
    PATH as ROUTES_PATH,
    ROUTE_ITEM_KWARGS,
    ROUTE_ITEM_OPTIONS,
    RouteListPlan,
    desired_routes,
    export_routes,
    normalized_route_items,
    routes_by_integration,
)

NAME_MAX = 150
DESCRIPTION_MAX = 250

SIGNAL_TEMPLATES = ("grouping_key", "resolve_signal", "acknowledge_signal", "source_link")
# Channels every OnCall server has, with their template fields.
BUILTIN_CHANNELS = {
    "slack": ("title", "message", "image_url"),
    "web": ("title", "message", "image_url"),
    "telegram": ("title", "message", "image_url"),
    "sms": ("title",),
    "phone_call": ("title",),
}
# Messaging backends: present only where the server runs them (msteams only on Grafana Cloud).
BACKEND_CHANNELS = {
    "msteams": ("title", "message", "image_url"),
    "webhook": ("title", "message", "image_url"),
    "mobile_app": ("title", "message"),
    "email": ("title", "message"),
}

# Integration types OnCall knows. A self-hosted OnCall creates only SELF_HOSTED_TYPES and refuses the others with its own
# 400 ("Invalid integration type"); Grafana Cloud has them all. Left out on purpose: direct_paging (OnCall creates one
# per team itself), maintenance (OnCall hides such an integration once created), and the deprecated legacy_ types.
SELF_HOSTED_TYPES = ("alertmanager", "elastalert", "formatted_webhook", "grafana", "grafana_alerting", "inbound_email", "kapacitor",
                     "manual", "webhook", "zabbix")
CLOUD_ONLY_TYPES = ("amazon_sns", "curler", "datadog", "fabric", "jira", "newrelic", "pagerduty", "pingdom", "prtg", "sentry",
                    "stackdriver", "uptimerobot", "zendesk")
INTEGRATION_TYPES = tuple(sorted(SELF_HOSTED_TYPES + CLOUD_ONLY_TYPES))
# Fields the server changes by itself, and the ingest link and e-mail address, which carry a secret token.
HIDDEN_FIELDS = ("link", "inbound_email", "heartbeat", "maintenance_mode", "maintenance_started_at", "maintenance_end_at")


CHANNELS = dict(BUILTIN_CHANNELS, **BACKEND_CHANNELS)
# Channel templates are plain dicts checked by check_channel_templates(): Ansible reserves the option name
# "message" (ansible-test refuses it even nested), and "message" is what OnCall calls the field. The module
# documentation still lists every sub-key.
TEMPLATES_OPTIONS = dict({signal: dict(type="str", no_log=False) for signal in SIGNAL_TEMPLATES},
                         **{channel: dict(type="dict") for channel in CHANNELS})

INTEGRATION_ARGUMENT_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    name=dict(type="str"),
    id=dict(type="str"),
    team_id=dict(type="str"),
    team=dict(type="str"),
    type=dict(type="str", choices=list(INTEGRATION_TYPES)),
    description_short=dict(type="str"),
    templates=dict(type="dict", options=TEMPLATES_OPTIONS),
    purge_templates=dict(type="bool", default=False),
    default_route=dict(type="dict", options=ROUTING_OPTIONS, mutually_exclusive=ROUTING_EXCLUSIVE),
    routes=dict(type="list", elements="dict", options=ROUTE_ITEM_OPTIONS, **ROUTE_ITEM_KWARGS),
)
INTEGRATION_MODULE_KWARGS = dict(required_one_of=[("name", "id")], mutually_exclusive=[("team_id", "team")])


def check_channel_templates(templates):
    """What Ansible's argument spec would check for the channel dicts: known sub-keys, text values."""
    for channel, fields in CHANNELS.items():
        given = (templates or {}).get(channel) or {}
        unknown = sorted(set(given) - set(fields))
        if unknown:
            raise OnCallError("Unsupported parameters for templates.%s: %s. Supported parameters include: %s."
                              % (channel, ", ".join("templates.%s.%s" % (channel, key) for key in unknown), ", ".join(fields)))
        for key, value in given.items():
            if value is not None and not isinstance(value, str):
                raise OnCallError("templates.%s.%s must be a string (a template), got %s" % (channel, key, type(value).__name__))


def missing_channels(desired, sample):
    """Template channels and default-route backends the task sets but the server lacks.

    ``sample`` is any integration read from the server: its templates and default route list every
    channel the server has. Unknown channels are silently ignored on write, so they would drift forever.
    """
    missing = ["templates.%s" % channel for channel in desired.get("templates", {})
               if channel not in SIGNAL_TEMPLATES and channel not in (sample.get("templates") or {})]
    missing += missing_route_backends(desired.get("default_route", {}), sample.get("default_route"), prefix="default_route.")
    return missing


def uses_backends(desired):
    return bool(backends_used(desired))


def backends_used(desired):
    """The options of ``desired`` (templates, default_route, routes) that set a messaging backend a server may lack."""
    used = ["templates.%s" % channel for channel in desired.get("templates", {}) if channel in BACKEND_CHANNELS]
    used += ["default_route.%s" % backend for backend in desired.get("default_route", {}) if backend in ROUTE_BACKENDS]
    return used + ["routes[%d].%s" % (index, backend) for index, route in enumerate(desired.get("routes") or [])
                   for backend in route if backend in ROUTE_BACKENDS]


def describe_team(team_id):
    return "team %s" % team_id if team_id else "no team"


def check_length(option, value, limit):
    if value is not None and len(value) > limit:
        raise OnCallError("%s is %d characters long; OnCall allows at most %d" % (option, len(value), limit))
    return value


class Listing:
    """Every integration, read once by a task that manages many (load()), indexed by id and by name."""

    def __init__(self):
        self.items = []
        self.by_id = {}
        self._by_name = {}

    def load(self, items):
        self.items = items
        self.by_id = {item.get("id"): item for item in items}
        self._by_name = {}
        for item in items:
            self._by_name.setdefault(item.get("name"), []).append(item)

    def named(self, name):
        return self._by_name.get(name, [])


@dataclass(frozen=True)
class IntegrationOptions:
    """One integration task's options, normalised: names and the description trimmed, ids checked, unset
    template and default-route keys dropped. ``team`` is a name until resolve() turns it into ``team_id``.

    ``routes`` (None: not managed) are the task's route items, terms trimmed and checked; resolve() turns them into
    the API's spelling, every name an id.
    """

    state: str
    id: str
    name: str
    team: str
    team_id: str
    type: str
    description_short: str
    templates: dict
    purge_templates: bool
    default_route: dict
    routes: list = None

    @property
    def uses_backends(self):
        return uses_backends({"templates": self.templates, "default_route": self.default_route, "routes": self.routes})


def integration_options(params):
    """IntegrationOptions from the module's params (or one fleet item's); every check that needs no request."""
    name = check_length("name", params.get("name").strip() if params.get("name") is not None else None, NAME_MAX)
    options = IntegrationOptions(
        state=params.get("state") or "present",
        id=given_id("id", params.get("id"), INTEGRATION_ID),
        name=name,
        team=check_name("team", params.get("team"), none_option="team_id"),
        team_id=check_reference("team_id", params.get("team_id"), TEAM_ID),
        type=params.get("type"),
        # OnCall trims it (DRF CharField), so an untrimmed value could never compare equal.
        description_short=check_length("description_short", (params.get("description_short") or "").strip()
                                       if params.get("description_short") is not None else None, DESCRIPTION_MAX),
        templates=prune_unset(params.get("templates") or {}),
        purge_templates=bool(params.get("purge_templates")),
        default_route=prune_unset(params.get("default_route") or {}),
    )
    if name is None and options.id is None:
        raise OnCallError("name is required unless id is given")
    if name is not None and not name:
        raise OnCallError("name must not be empty")
    check_channel_templates(params.get("templates"))
    check_routing_names(params.get("default_route"), prefix="default_route.")
    return options


class Integration(Resource):
    path = "integrations/"
    result_key = "integration"
    label = "integration"
    diff_always = ("name", "type", "team_id")
    diff_hidden = HIDDEN_FIELDS
    create_hint = "to create one, give name and type without id"
    exists_message = "An integration with this name already exists for this team"

    def __init__(self, options, client, check_mode=False, diff=False, warn=None, names=None, listing=None):
        super().__init__(options, client, check_mode, diff, warn, names)
        #: every integration, read once by a task that manages many; None: ask the server
        self.listing = listing

    def normalize(self, options):
        normalized = integration_options(options)
        if options.get("routes") is None or normalized.state == "absent":
            return normalized
        routes, warnings = normalized_route_items(options["routes"])
        for warning in warnings:
            self.warn(warning)
        return replace(normalized, routes=routes)

    def resolve(self, options):
        try:
            team_id = team_id_of(options.team, options.team_id, self.names)
        except NameNotFound:
            if options.state != "absent":
                raise
            # A team that does not exist holds no integration: what the task deletes is already absent.
            team_id = placeholder(TEAM, options.team)
        if options.state == "absent":
            # A delete needs only the identity; a chain or channel deleted earlier must not block it.
            return replace(options, team=None, team_id=team_id)
        return replace(options, team=None, team_id=team_id, default_route=resolve_routing_names(options.default_route, self.names),
                       routes=desired_routes(options.routes, self.names) if options.routes is not None else None)

    def desired(self, options, found):
        desired = {}
        if options.name is not None:
            desired["name"] = options.name
        if options.description_short is not None:
            # OnCall refuses a blank description ("This field may not be blank."); null is how it clears one.
            desired["description_short"] = options.description_short or None
        if options.team_id is not None:
            desired["team_id"] = reference(options.team_id)
        templates = copy.deepcopy(options.templates)     # the options stay as normalised, whatever a caller does with desired
        if options.purge_templates and found.current is not None:
            # Only templates the module can set are purged: a backend it has no option for (mattermost, say)
            # could never be set again.
            manageable = {key: value for key, value in (found.current.get("templates") or {}).items() if key in TEMPLATES_OPTIONS}
            templates = apply_changes(nulled(manageable), templates)
        if templates:
            desired["templates"] = templates
        default_route = normalize_routing(copy.deepcopy(options.default_route))
        if default_route:
            desired["default_route"] = default_route
        return desired

    # ------------------------------------------------------------------ identity

    def find(self, options):
        found = self.lookup(options, self.listing)
        if found.current is None and found.sample is None and self.listing is None and options.state == "present" \
                and options.type and options.uses_backends:
            # One read tells which messaging backends the server has: any integration lists them all (an empty
            # listing already says there is none to read).
            page = self.client.get(self.path, {"perpage": 1})
            results = (page or {}).get("results") or []
            return Found(None, sample=results[0] if results else None)
        return found

    def lookup(self, options, listing):
        """The integration the options name, from ``listing`` (every integration, read once) or from the server."""
        any_integration = listing.items[0] if listing is not None and listing.items else None
        if options.id:
            by_id = listing.by_id.get(options.id) if listing is not None else self.client.get_or_none("%s%s/" % (self.path, options.id))
            current = self.checked_by_id(options.id, by_id, options.state)
            return Found(current, sample=current or any_integration)
        matches = listing.named(options.name) if listing is not None else exact_matches(self.client, INTEGRATION, options.name)
        sample = matches[0] if matches else any_integration
        candidates = of_team(matches, options.team_id)
        # team_id helps only when the task does not set a team and the candidates are in different teams.
        fix = "id" if options.team_id is not None or len({item.get("team_id") for item in candidates}) < 2 else "team_id or id"
        current = pick_one(candidates, "integration name %r" % options.name, fix, describe=TeamNames(self.client).candidate)
        return Found(current, sample=sample)

    def find_created(self, plan):
        # The listing was read before the create: only the server knows whether the lost POST made the object.
        return self.lookup(plan.options, None).current

    def plan_members(self, plan):
        """The routes, when the task lists them: exactly these, in this order, label routes excepted."""
        if plan.options.routes is None:
            return None
        existing = self.client.list_all(ROUTES_PATH, {"integration_id": plan.current["id"]}) if plan.current else []
        # Any route lists every messaging backend the server's routes have: the integration's own default route too.
        sample = existing[0] if existing else (plan.found.sample or {}).get("default_route")
        routes = RouteListPlan(existing, plan.options.routes, exact=True, sample=sample)
        routes.check_backends()
        return routes

    # ------------------------------------------------------------------ checks

    def check_create(self, plan):
        options = plan.options
        if not options.type:
            team_id = reference(options.team_id) if options.team_id is not None else None
            if team_id and not is_placeholder(team_id) and self.client.get_or_none("teams/%s/" % team_id) is None:
                # Looked up only on this failure path: the likelier mistake is the team id, not a missing type.
                raise OnCallError("no team has the id %s (team_id); integration %r was looked up in that team only"
                                  % (team_id, options.name))
            raise OnCallError("type is required to create integration %r (none found with that name in %s)"
                              % (options.name, "any team" if options.team_id is None else describe_team(reference(options.team_id))))
        if not options.uses_backends:
            return
        if plan.found.sample is not None:
            fail_on_missing_channels(missing_channels(plan.desired, plan.found.sample))
        elif self.check_mode:
            self.warn("No integration exists yet to show which messaging backends this server has; "
                      "the real run verifies %s after creating it" % ", ".join(backends_used(dict(plan.desired, routes=options.routes))))

    def check_update(self, plan):
        self._fail_on_other_type(plan, "OnCall cannot change the type of an integration (it silently ignores it). "
                                       "Delete it and create a new one (its link changes), or set type to %s" % plan.current.get("type"))
        fail_on_missing_channels(missing_channels(plan.desired, plan.current))

    def check_delete(self, plan):
        self._fail_on_other_type(plan, "the task's type does not match, so this is probably not the integration it means")
        options, current = plan.options, plan.current
        if not options.id:
            return
        # Found by id: a name or team the task also gives must match too, for the same reason.
        if options.name is not None and current.get("name") != options.name:
            raise OnCallError("integration %s is named %r, the task says %r: this is probably not the integration it means; "
                              "nothing was deleted" % (current.get("id"), current.get("name"), options.name))
        wanted_team = reference(options.team_id) if options.team_id is not None else current.get("team_id")
        if current.get("team_id") != wanted_team:
            raise OnCallError("integration %s is in %s, the task says %s: this is probably not the integration it means; "
                              "nothing was deleted" % (current.get("id"), describe_team(current.get("team_id")), describe_team(wanted_team)))

    @staticmethod
    def _fail_on_other_type(plan, reason):
        kind, current = plan.options.type, plan.current
        if kind and current.get("type") != kind:
            raise OnCallError("integration %r (%s) is of type %s, the task asks for %s: %s; nothing was changed"
                              % (current.get("name"), current.get("id"), current.get("type"), kind, reason))

    # ------------------------------------------------------------------ create

    def create_body(self, plan):
        return dict(plan.desired, type=plan.options.type)

    def write_create(self, plan):
        created = super().write_create(plan)
        if plan.found.sample is None and plan.options.uses_backends:
            # No integration showed the server's backends before: the new one does. Unknown ones are silently ignored.
            missing = missing_channels(plan.desired, created)
            if plan.members is not None:
                missing += [backend for index, want in enumerate(plan.members.wanted)
                            for backend in missing_route_backends(want, created.get("default_route"), prefix="routes[%d]." % index)]
            self._undo_if_channels_missing(missing, created)
        return created

    def _undo_if_channels_missing(self, missing, created):
        if not missing:
            return
        try:
            self.client.delete(self.item_path(created))
        except OnCallAPIError as exc:
            fail_on_missing_channels(missing, " The integration just created (id %s) could not be deleted again and is still there: %s"
                                     % (created.get("id"), exc))
        fail_on_missing_channels(missing, " The integration just created was deleted again.")

    def predict_created(self, plan):
        """The object a create would return: server-made fields and whatever the task did not set are null."""
        desired, sample = plan.desired, plan.found.sample
        if sample is not None:
            templates = nulled(sample.get("templates") or {})
            route = nulled(sample.get("default_route") or {})
        else:
            templates = dict({signal: None for signal in SIGNAL_TEMPLATES},
                             **{channel: nulled(dict.fromkeys(fields)) for channel, fields in BUILTIN_CHANNELS.items()})
            route = {"id": None, "escalation_chain_id": None,
                     "slack": {"channel_id": None, "enabled": None}, "telegram": {"id": None, "enabled": None}}
        return {
            "maintenance_mode": None, "maintenance_started_at": None, "maintenance_end_at": None,
            "id": None,
            "name": desired.get("name"),
            "description_short": desired.get("description_short"),
            "team_id": desired.get("team_id"),
            "link": None, "inbound_email": None,
            "type": plan.options.type,
            "templates": apply_changes(templates, desired.get("templates", {})),
            "heartbeat": None,
            "default_route": apply_changes(route, desired.get("default_route", {})),
        }


def fail_on_missing_channels(missing, suffix=""):
    if missing:
        raise OnCallError("this OnCall server has no messaging backend for %s (msteams exists only on Grafana Cloud; "
                          "other backends can be disabled by the server's settings); nothing was written.%s"
                          % (", ".join(missing), suffix))


# ---------------------------------------------------------------------- reading and exporting

INTEGRATION_INFO_ARGUMENT_SPEC = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    team_id=dict(type="str"),
    team=dict(type="str"),
    type=dict(type="str"),
    export=dict(type="bool", default=False),
)
INTEGRATION_INFO_MODULE_KWARGS = dict(mutually_exclusive=[("team_id", "team")])
SERVER_MANAGED_TYPES = ("direct_paging",)


def list_integrations(params, client, names):
    """The integrations matching the filters, as the API returns them (plus ``params`` when exporting).

    Team and type are filtered here: the server's team_id filter answers 500 on self-hosted OnCall.
    """
    wanted_id = given_id("id", params.get("id"), INTEGRATION_ID)
    if params.get("team") is not None and not params["team"].strip():
        raise OnCallError("team must not be empty; to list integrations without a team, set team_id to \"\"")
    name = params["name"].strip() if params.get("name") is not None else None
    team_id = team_id_of(check_name("team", params.get("team")), params.get("team_id"), names)
    if wanted_id is not None:
        found = client.get_or_none("integrations/%s/" % wanted_id)
        items = [found] if found is not None else []
    elif name is not None:
        items = exact_matches(client, INTEGRATION, name)
    else:
        items = client.list_all("integrations/")
    # How many integrations the server has, when the whole listing was read: it tells whether one listing of every route
    # is cheaper than one per integration. After a lookup by name or id it is unknown, and the few found are read alone.
    listed = len(items) if wanted_id is None and name is None else None
    if name is not None:
        items = [item for item in items if item.get("name") == name]
    items = of_team(items, team_id)
    if params.get("type"):
        items = [item for item in items if item.get("type") == params["type"]]
    if params.get("export"):
        # Routes are part of what an integration is: read for every integration exported, in the fewest requests.
        routes = routes_by_integration(client, [item["id"] for item in items if item.get("type") not in SERVER_MANAGED_TYPES], listed)
        items = [dict(item, params=export_params(item, routes.get(item["id"], []))) for item in items]
    return {"changed": False, "integrations": items}


def export_params(integration, routes=()):
    """The oncall_integration options that reproduce ``integration`` and its ``routes`` (with purge_templates), or None.

    Ids, not names, so a re-apply costs two requests (the lookup by id and the routes listing). Null becomes "" for
    references and the description, which the module reads back as null. Never the link or the inbound e-mail address.
    Server-managed integrations (direct paging, one per team) are never changed by the collection: None.
    """
    if integration.get("type") in SERVER_MANAGED_TYPES:
        return None
    return dict(export_config(integration), purge_templates=True, routes=export_routes(routes))


def export_config(integration):
    """The options that reproduce ``integration`` (the fleet module's config item, less its routes)."""
    return {
        "id": integration["id"],
        "name": integration["name"],
        "team_id": integration.get("team_id") or "",
        "type": integration["type"],
        "description_short": integration.get("description_short") or "",
        "templates": prune_unset({key: value for key, value in (integration.get("templates") or {}).items() if key in TEMPLATES_OPTIONS}),
        # An integration always has a default route; should the server ever omit it, there is nothing to manage.
        "default_route": export_routing(integration["default_route"]) if integration.get("default_route") else {},
    }

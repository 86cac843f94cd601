# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""OnCall integrations: their options, identity rules and server quirks, on top of the resource layer.

Facts used here come from the API contract (integrations section): type is read-only after create,
templates and the default route merge on write, unknown template channels are silently ignored,
name uniqueness is per team, and the ``team_id`` list filter is broken on self-hosted OnCall.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

from ansible_collections.oncall.grafana.plugins.module_utils.diff import apply_changes, nulled, prune_unset
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import (
    INTEGRATION_ID,
    TEAM,
    TEAM_ID,
    NameNotFound,
    NameResolver,
    check_object_id,
    placeholder,
    reference,
    resolve_team,
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
from ansible_collections.oncall.grafana.plugins.module_utils.resource import Resource

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

KNOWN_TYPES = ("alertmanager", "elastalert", "formatted_webhook", "grafana", "grafana_alerting", "inbound_email",
               "kapacitor", "manual", "webhook", "zabbix")
FORBIDDEN_TYPES = {
    "maintenance": "OnCall hides maintenance integrations once created, so they could never be managed again",
    "direct_paging": "OnCall creates direct_paging integrations itself, one per team",
}
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
    type=dict(type="str"),
    description_short=dict(type="str"),
    templates=dict(type="dict", options=TEMPLATES_OPTIONS),
    purge_templates=dict(type="bool", default=False),
    default_route=dict(type="dict", options=ROUTING_OPTIONS, mutually_exclusive=ROUTING_EXCLUSIVE),
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
    return any(channel in BACKEND_CHANNELS for channel in desired.get("templates", {})) or \
        any(backend in desired.get("default_route", {}) for backend in ROUTE_BACKENDS)


def describe_team(team_id):
    return "team %s" % team_id if team_id else "no team"


class Listing:
    """Every integration, read once by a task that manages many, indexed by id and by name."""

    def __init__(self, items):
        self.items = items
        self.by_id = {item.get("id"): item for item in items}
        self._by_name = {}
        for item in items:
            self._by_name.setdefault(item.get("name"), []).append(item)

    def named(self, name):
        return self._by_name.get(name, [])


class Integration(Resource):
    path = "integrations/"
    result_key = "integration"
    label = "integration"
    diff_always = ("name", "type", "team_id")
    diff_hidden = HIDDEN_FIELDS
    create_hint = "to create one, give name and type without id"

    def __init__(self, module, client, names=None):
        super().__init__(module, client, names)
        #: every integration on the server, read once by a task that manages many (use_listing); None: ask the server
        self._listing = None
        # Any integration seen on the server: it shows which channels the server has.
        self._sample = None
        self._verify_channels_after_create = False

    def use_listing(self, listing):
        """Find the integration in ``listing`` (a Listing of every integration, read once by the task), not by asking the server."""
        self._listing = listing
        self._sample = listing.items[0] if listing.items else None

    # ------------------------------------------------------------------ options

    def validate_params(self):
        params = self.params
        if params.get("id") == "":
            # "{{ item.id | default('') }}" is a common way to say "no id yet": fall back to the name.
            params["id"] = None
        check_object_id("id", params.get("id"), INTEGRATION_ID, "CFRPV98RPR1U8")
        # A team id goes into the body; the server reads some strings (such as "null") as no team, which would never compare equal.
        check_object_id("team_id", params.get("team_id") or None, TEAM_ID, "TGD6H3A1Y5FCL")
        for key in ("name", "description_short"):
            # OnCall trims both (DRF CharField), so an untrimmed value could never compare equal.
            if params.get(key) is not None:
                params[key] = params[key].strip()
        name = params.get("name")
        if name is None and params.get("id") is None:
            raise OnCallError("name is required unless id is given")
        if name is not None:
            if not name.strip():
                raise OnCallError("name must not be empty")
            if len(name) > NAME_MAX:
                raise OnCallError("name is %d characters long; OnCall allows at most %d" % (len(name), NAME_MAX))
        description = params.get("description_short")
        if description is not None and len(description) > DESCRIPTION_MAX:
            raise OnCallError("description_short is %d characters long; OnCall allows at most %d" % (len(description), DESCRIPTION_MAX))
        check_channel_templates(params.get("templates"))
        if params.get("team") is not None and not params["team"].strip():
            raise OnCallError("team must not be empty; to say none, set team_id to \"\"")
        check_routing_names(params.get("default_route"), prefix="default_route.")
        kind = params.get("type")
        if kind is not None:
            if kind in FORBIDDEN_TYPES:
                raise OnCallError("type %s cannot be managed: %s" % (kind, FORBIDDEN_TYPES[kind]))
            if kind.startswith("legacy_"):
                raise OnCallError("type %s is deprecated and cannot be created; use %s" % (kind, kind[len("legacy_"):]))
            if not kind.strip():
                raise OnCallError("type must not be empty")

    def resolve_names(self):
        params = self.params
        names = self.names
        try:
            params["team_id"] = resolve_team(params, names)
        except NameNotFound:
            if params.get("state") != "absent":
                raise
            # A team that does not exist holds no integration: what the task deletes is already absent.
            params["team_id"] = placeholder(TEAM, params["team"].strip())
        params.pop("team", None)
        if params.get("state") == "absent":
            # A delete needs only the identity; a chain or channel deleted earlier must not block it.
            return
        resolve_routing_names(params.get("default_route") or {}, names)

    def desired(self, current):
        params = self.params
        desired = {}
        if params.get("name") is not None:
            desired["name"] = params["name"]
        if params.get("description_short") is not None:
            # OnCall refuses a blank description ("This field may not be blank."); null is how it clears one.
            desired["description_short"] = params["description_short"] or None
        if params.get("team_id") is not None:
            desired["team_id"] = reference(params["team_id"])
        templates = prune_unset(params.get("templates") or {})
        if params.get("purge_templates") and current is not None:
            # Only templates the module can set are purged: a backend it has no option for (mattermost, say)
            # could never be set again.
            manageable = {key: value for key, value in (current.get("templates") or {}).items() if key in TEMPLATES_OPTIONS}
            templates = apply_changes(nulled(manageable), templates)
        if templates:
            desired["templates"] = templates
        default_route = normalize_routing(prune_unset(params.get("default_route") or {}))
        if default_route:
            desired["default_route"] = default_route
        return desired

    # ------------------------------------------------------------------ identity

    def find(self):
        params = self.params
        if params.get("id"):
            if self._listing is None:
                return self.find_by_id(params["id"])
            return self.checked_by_id(params["id"], self._listing.by_id.get(params["id"]))
        name = params["name"]
        # No team_id filter on the server: it answers 500 on self-hosted OnCall. The team is picked here.
        candidates = self._listing.named(name) if self._listing is not None else self.client.list_all(self.path, {"name": name})
        matches = [item for item in candidates if item.get("name") == name]
        if matches:
            self._sample = matches[0]
        if params.get("team_id") is not None:
            wanted = reference(params["team_id"])
            matches = [item for item in matches if item.get("team_id") == wanted]
        if len(matches) > 1:
            found = ", ".join("%s (%s)" % (item.get("id"), describe_team(item.get("team_id"))) for item in matches)
            raise OnCallError("integration name %r is ambiguous: %d integrations match: %s. Set team_id or id to pick one; "
                              "nothing was changed" % (name, len(matches), found))
        return matches[0] if matches else None

    def find_again(self):
        # The listing was read before the create: only the server knows whether the lost POST made the object.
        listing, self._listing = self._listing, None
        try:
            return self.find()
        finally:
            self._listing = listing

    # ------------------------------------------------------------------ checks

    def check_create(self, desired):
        if not self.params.get("type"):
            raise OnCallError("type is required to create integration %r (none found with that name in %s)"
                              % (self.params["name"], self._searched_team()))
        if not uses_backends(desired):
            return
        if self._sample is None and self._listing is None:
            # One read tells which messaging backends the server has: any integration lists them all.
            page = self.client.get(self.path, {"perpage": 1})
            results = (page or {}).get("results") or []
            self._sample = results[0] if results else None
        if self._sample is not None:
            self._fail_on_missing_channels(missing_channels(desired, self._sample))
        elif self.check_mode:
            self.module.warn("No integration exists yet to show which messaging backends this server has; "
                             "the real run verifies %s after creating it" % ", ".join(self._backends_used(desired)))
        else:
            self._verify_channels_after_create = True

    def after_create(self, created):
        if self._verify_channels_after_create:
            missing = missing_channels(self.desired(None), created)
            if missing:
                try:
                    self.client.delete(self.item_path(created))
                except OnCallAPIError as exc:
                    self._fail_on_missing_channels(missing, " The integration just created (id %s) could not be deleted again "
                                                            "and is still there: %s" % (created.get("id"), exc))
                self._fail_on_missing_channels(missing, " The integration just created was deleted again.")
        return created

    def check_update(self, current, desired):
        self._fail_on_other_type(current, "OnCall cannot change the type of an integration (it silently ignores it). "
                                          "Delete it and create a new one (its link changes), or set type to %s" % current.get("type"))
        self._fail_on_missing_channels(missing_channels(desired, current))

    def check_delete(self, current):
        self._fail_on_other_type(current, "the task's type does not match, so this is probably not the integration it means")
        params = self.params
        # Found by id: a name or team the task also gives must match too, for the same reason.
        if params.get("id") and params.get("name") is not None and current.get("name") != params["name"]:
            raise OnCallError("integration %s is named %r, the task says %r: this is probably not the integration it means; "
                              "nothing was deleted" % (current.get("id"), current.get("name"), params["name"]))
        wanted_team = reference(params["team_id"]) if params.get("team_id") is not None else current.get("team_id")
        if params.get("id") and current.get("team_id") != wanted_team:
            raise OnCallError("integration %s is in %s, the task says %s: this is probably not the integration it means; "
                              "nothing was deleted" % (current.get("id"), describe_team(current.get("team_id")), describe_team(wanted_team)))

    def _fail_on_other_type(self, current, reason):
        kind = self.params.get("type")
        if kind and current.get("type") != kind:
            raise OnCallError("integration %r (%s) is of type %s, the task asks for %s: %s; nothing was changed"
                              % (current.get("name"), current.get("id"), current.get("type"), kind, reason))

    def _fail_on_missing_channels(self, missing, suffix=""):
        if missing:
            raise OnCallError("this OnCall server has no messaging backend for %s (msteams exists only on Grafana Cloud; "
                              "other backends can be disabled by the server's settings); nothing was written.%s"
                              % (", ".join(missing), suffix))

    @staticmethod
    def _backends_used(desired):
        return ["templates.%s" % c for c in desired.get("templates", {}) if c in BACKEND_CHANNELS] + \
            ["default_route.%s" % b for b in desired.get("default_route", {}) if b in ROUTE_BACKENDS]

    def _searched_team(self):
        team = self.params.get("team_id")
        return "any team" if team is None else describe_team(reference(team))

    # ------------------------------------------------------------------ create

    def create_body(self, desired):
        return dict(desired, type=self.params["type"])

    def predict_created(self, desired):
        """The object a create would return: server-made fields and whatever the task did not set are null."""
        sample = self._sample
        if sample is not None:
            templates = nulled(sample.get("templates") or {})
            route = nulled(sample.get("default_route") or {})
        else:
            templates = dict({signal: None for signal in SIGNAL_TEMPLATES},
                             **{channel: nulled(dict.fromkeys(fields)) for channel, fields in BUILTIN_CHANNELS.items()})
            route = {"id": None, "escalation_chain_id": None,
                     "slack": {"channel_id": None, "enabled": None}, "telegram": {"id": None, "enabled": None}}
        predicted = {
            "maintenance_mode": None, "maintenance_started_at": None, "maintenance_end_at": None,
            "id": None,
            "name": desired.get("name"),
            "description_short": desired.get("description_short"),
            "team_id": desired.get("team_id"),
            "link": None, "inbound_email": None,
            "type": self.params["type"],
            "templates": apply_changes(templates, desired.get("templates", {})),
            "heartbeat": None,
            "default_route": apply_changes(route, desired.get("default_route", {})),
        }
        return predicted


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


def list_integrations(module, client):
    """The integrations matching the filters, as the API returns them (plus ``params`` when exporting).

    Team and type are filtered here: the server's team_id filter answers 500 on self-hosted OnCall.
    """
    params = module.params
    wanted_id = params.get("id") or None
    check_object_id("id", wanted_id, INTEGRATION_ID, "CFRPV98RPR1U8")
    if params.get("team") is not None and not params["team"].strip():
        raise OnCallError("team must not be empty; to list integrations without a team, set team_id to \"\"")
    name = params["name"].strip() if params.get("name") is not None else None
    team_id = resolve_team(params, NameResolver(client, module.check_mode, module.warn))
    if wanted_id is not None:
        found = client.get_or_none("integrations/%s/" % wanted_id)
        items = [found] if found is not None else []
    elif name is not None:
        items = client.list_all("integrations/", {"name": name})
    else:
        items = client.list_all("integrations/")
    if name is not None:
        items = [item for item in items if item.get("name") == name]
    if team_id is not None:
        items = [item for item in items if item.get("team_id") == reference(team_id)]
    if params.get("type"):
        items = [item for item in items if item.get("type") == params["type"]]
    if params.get("export"):
        items = [dict(item, params=export_params(item)) for item in items]
    return {"changed": False, "integrations": items}


def export_params(integration):
    """The oncall_integration options that reproduce ``integration`` (with purge_templates), or None.

    Ids, not names, so a re-apply costs one request (the lookup by id). Null becomes "" for references and
    the description, which the module reads back as null. Never the link or the inbound e-mail address.
    Server-managed integrations (direct paging, one per team) are never changed by the collection: None.
    """
    if integration.get("type") in SERVER_MANAGED_TYPES:
        return None
    return dict(export_config(integration), purge_templates=True)


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

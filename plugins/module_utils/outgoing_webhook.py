# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""OnCall outgoing webhooks on top of the resource layer, and their write-only secrets.

What the server does that shapes this file: a name is unique in the whole organization (so the name alone
identifies a webhook); every string is trimmed, and ``""`` is stored as null for the templates; a PUT that
leaves out ``team`` moves the webhook to no team and one that leaves out ``integration_filter`` clears it;
``password`` and ``authorization_header`` read back as a mask, and the mask sent back means "keep"; a
``preset`` key is always refused; deleting renames the row to ``<first 78 characters>_deleted_<id>``.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from ansible_collections.oncall.grafana.plugins.module_utils.diff import apply_changes
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.ids import (
    INTEGRATION_ID,
    TEAM_ID,
    WEBHOOK_ID,
    check_id,
    check_reference,
    given_id,
    reference,
)
from ansible_collections.oncall.grafana.plugins.module_utils.names import (
    INTEGRATION,
    WEBHOOK,
    check_name,
    of_team,
    pick_one,
    resolve_option,
    team_id_of,
)
from ansible_collections.oncall.grafana.plugins.module_utils.resource import Found, Resource

# OnCall allows 100, but a delete renames the row to its first 78 characters + "_deleted_" + the 14-character id: from
# 78 characters on, that is 101, which PostgreSQL and strict MySQL refuse, so such a webhook could never be deleted.
NAME_MAX = 77
# What a stored secret reads back as; sent back, it means "keep the stored value" (and a create answers 500).
MASK = "****************"
SECRETS = ("password", "authorization_header")
HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]
TRIGGER_TYPES = ["escalation", "alert group created", "acknowledge", "resolve", "silence", "unsilence", "unresolve",
                 "unacknowledge", "status change", "personal notification"]
# Plain options and the API field each sets. webhook_url is not "url": that is every module's connection option.
FIELDS = {"webhook_url": "url", "http_method": "http_method", "trigger_type": "trigger_type", "trigger_template": "trigger_template",
          "forward_all": "forward_all", "enabled": "is_webhook_enabled", "username": "username"}
# Options given as a template string or as a dict (sent as JSON text).
JSON_TEXTS = ("data", "headers")
# What a create that sets nothing else makes (the server's defaults), for check mode.
CREATED = {"id": None, "name": None, "is_webhook_enabled": True, "team": None, "data": None, "username": None, "password": None,
           "authorization_header": None, "trigger_template": None, "headers": None, "url": None, "forward_all": True, "http_method": "POST",
           "trigger_type": None, "integration_filter": None, "preset": None}
RESENT = MASK + " (sent again, update_secrets=always)"

OUTGOING_WEBHOOK_ARGUMENT_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    name=dict(type="str"),
    id=dict(type="str"),
    team_id=dict(type="str"),
    team=dict(type="str"),
    webhook_url=dict(type="str"),
    http_method=dict(type="str", choices=HTTP_METHODS),
    trigger_type=dict(type="str", choices=TRIGGER_TYPES),
    integrations=dict(type="list", elements="str"),
    integration_ids=dict(type="list", elements="str"),
    data=dict(type="raw"),
    headers=dict(type="raw"),
    trigger_template=dict(type="str"),
    forward_all=dict(type="bool"),
    enabled=dict(type="bool"),
    username=dict(type="str"),
    password=dict(type="str", no_log=True),
    authorization_header=dict(type="str", no_log=True),
    update_secrets=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
)
OUTGOING_WEBHOOK_MODULE_KWARGS = dict(required_one_of=[("name", "id")],
                                      mutually_exclusive=[("team_id", "team"), ("integrations", "integration_ids")])


@dataclass(frozen=True)
class WebhookOptions:
    """One outgoing webhook task's options, normalised: strings trimmed, ids checked.

    ``fields``: the plain API fields the task sets (``data`` and ``headers`` still a dict when given as one);
    ``secrets``: the secrets it sets (``""``: none). ``team`` and ``integrations`` are names until resolve() turns them
    into ``team_id`` and ``integration_ids``.
    """

    state: str
    id: str
    name: str
    team: str
    team_id: str
    integrations: list
    integration_ids: list
    fields: dict
    secrets: dict
    update_secrets: str


def trimmed(value):
    return value.strip() if isinstance(value, str) else value


def json_text(option, value):
    """``data`` or ``headers``: a template string (trimmed, as OnCall stores it) or a dict; anything else fails."""
    if value is None or isinstance(value, str):
        return trimmed(value)
    if not isinstance(value, dict):
        raise OnCallError("%s must be a string (an OnCall template) or a dict, got %s" % (option, type(value).__name__))
    if option == "headers":
        for key, header in value.items():
            # OnCall hands the rendered object to its HTTP client, which takes text only: a number would fail on every call.
            if not isinstance(header, str):
                raise OnCallError("headers.%s must be a string, got %s" % (key, type(header).__name__))
    return value


def secret_value(option, value):
    value = trimmed(value)
    if value == MASK:
        # The message does not quote the value: Ansible masks a no_log option's value wherever it appears.
        raise OnCallError("%s must not be the 16 asterisks OnCall shows for a stored secret: OnCall reads them as \"keep the stored "
                          "secret\" (and fails a create with HTTP 500)" % option)
    return value


def webhook_options(params):
    """WebhookOptions from the module's params; every check that needs no request, each naming its option."""
    state = params.get("state") or "present"
    name = check_name("name", params.get("name"))
    if name is None and not params.get("id"):
        raise OnCallError("name is required unless id is given")
    if name is not None and len(name) > NAME_MAX and state == "present":
        raise OnCallError("name is %d characters long; at most %d (OnCall allows 100, but deleting a webhook renames it to its first 78 "
                          "characters plus _deleted_<id>, which overflows 100 on PostgreSQL and MySQL)" % (len(name), NAME_MAX))
    fields = {field: trimmed(params[option]) for option, field in FIELDS.items() if params.get(option) is not None}
    if fields.get("url") == "":
        raise OnCallError("webhook_url must not be empty")
    fields.update({option: json_text(option, params[option]) for option in JSON_TEXTS if params.get(option) is not None})
    names = params.get("integrations")
    ids = params.get("integration_ids")
    options = WebhookOptions(
        state=state,
        id=given_id("id", params.get("id"), WEBHOOK_ID),
        name=name,
        team=check_name("team", params.get("team"), none_option="team_id"),
        team_id=check_reference("team_id", params.get("team_id"), TEAM_ID),
        integrations=[check_name("integrations[%d]" % index, item) for index, item in enumerate(names)] if names is not None else None,
        integration_ids=[check_id("integration_ids[%d]" % index, item, INTEGRATION_ID) for index, item in enumerate(ids)]
        if ids is not None else None,
        fields=fields,
        secrets={option: secret_value(option, params[option]) for option in SECRETS if params.get(option) is not None},
        update_secrets=params.get("update_secrets") or "on_create",
    )
    if state == "absent":
        # A delete needs the identity only: a team or integration deleted earlier must not block it.
        return replace(options, team=None, team_id=None, integrations=None, integration_ids=None, fields={}, secrets={})
    return options


def webhooks_named(client, name):
    """The webhooks named ``name``: exactly, or else as the server compares names (MySQL's default ignores case, and its
    unique index too, so a webhook the server returns for a name differing only in case is the one it would refuse to duplicate)."""
    answered = client.list_all(WEBHOOK.path, {WEBHOOK.name_filter: name})
    exact = [item for item in answered if item.get("name") == name]
    return exact or [item for item in answered if (item.get("name") or "").casefold() == name.casefold()]


def same_or(current, wanted, same):
    """``current`` when ``same`` (so the comparison finds no change), else ``wanted``."""
    return current if same else wanted


def masked(obj):
    """``obj`` with its secrets as the server shows them: the mask for a value, ``""`` and null as they are."""
    return dict(obj, **{key: MASK for key in SECRETS if obj.get(key)})


class OutgoingWebhook(Resource):
    path = WEBHOOK.path
    result_key = "outgoing_webhook"
    label = "outgoing webhook"
    diff_always = ("name", "team")
    create_hint = "to create one, give name without id"
    # Names are unique in the organization: a webhook another run created meanwhile is refused with this.
    exists_message = "The fields name, organization must make a unique set."

    def normalize(self, options):
        normalized = webhook_options(options)
        # No error quotes them back, should a server or proxy echo the request: the client redacts them like its token.
        self.client.hide(normalized.secrets.values())
        return normalized

    def resolve(self, options):
        if options.state == "absent":
            return options
        ids = options.integration_ids
        if options.integrations is not None:
            # Integrations belong to teams, the filter does not: a name is looked up in every team.
            ids = [resolve_option(self.names, INTEGRATION, name, "integrations[%d]" % index, "integration_ids")
                   for index, name in enumerate(options.integrations)]
        return replace(options, team=None, team_id=team_id_of(options.team, options.team_id, self.names), integrations=None, integration_ids=ids)

    def find(self, options):
        if options.id:
            return Found(self.find_by_id(options.id, options.state))
        return Found(pick_one(webhooks_named(self.client, options.name), "outgoing webhook name %r" % options.name, "id"))

    def desired(self, options, found):
        current = found.current or {}
        desired = {"name": options.name} if options.name is not None else {}
        if found.current is None:
            # OnCall requires a method on create; left out, the task means the usual one.
            desired["http_method"] = "POST"
        if options.team_id is not None:
            desired["team"] = reference(options.team_id)
        for field, value in options.fields.items():
            if isinstance(value, dict):
                # Sent as JSON text; the server's own text stands when it holds the same object, whatever its spacing.
                desired[field] = same_or(current.get(field), json.dumps(value), same_json(parsed(current.get(field)), value))
            elif field == "username":
                # "" and null both mean no user name, and read back as sent.
                desired[field] = same_or(current.get(field), value or None, not value and not current.get(field))
            else:
                # OnCall stores "" as null for the templates (and refuses a blank URL, which normalisation caught).
                desired[field] = value if value != "" else None
        if options.integration_ids is not None:
            # A set: OnCall reads it back in the integrations' creation order, without duplicates, null when empty.
            wanted = sorted(set(options.integration_ids))
            desired["integration_filter"] = same_or(current.get("integration_filter"), wanted or None,
                                                    set(wanted) == set(current.get("integration_filter") or []))
        for key, value in options.secrets.items():
            held = current.get(key)
            if not value:
                desired[key] = same_or(held, None, not held)
            elif found.current is not None and held == MASK and options.update_secrets == "on_create":
                # Set, but unreadable: whether it differs cannot be known, so it is not a change and is not sent.
                desired[key] = MASK
            else:
                desired[key] = value
        return desired

    # ------------------------------------------------------------------ checks

    def check_create(self, plan):
        missing = [option for option, field in (("webhook_url", "url"), ("trigger_type", "trigger_type")) if field not in plan.desired]
        if missing:
            raise OnCallError("%s required to create outgoing webhook %r (none has that name)"
                              % (" and ".join(missing) + (" are" if len(missing) > 1 else " is"), plan.options.name))
        self.warn_ignored_data(plan)

    def check_update(self, plan):
        renamed = plan.changes.get("name")
        if renamed is not None and plan.options.id:
            # Found by id and renamed: a name another webhook holds is refused by the server; check mode must say so too.
            taken = [item for item in webhooks_named(self.client, renamed) if item.get("id") != plan.current.get("id")]
            if taken:
                raise OnCallError("name %r is taken by outgoing webhook %s (names are unique in the organization); nothing was changed"
                                  % (renamed, taken[0].get("id")))
        self.warn_ignored_data(plan)

    def check_delete(self, plan):
        options, current = plan.options, plan.current
        if options.id and options.name is not None and current.get("name") != options.name:
            raise OnCallError("outgoing webhook %s is named %r, the task says %r: this is probably not the webhook it means; "
                              "nothing was deleted" % (current.get("id"), current.get("name"), options.name))

    def warn_ignored_data(self, plan):
        current = plan.current or CREATED
        if plan.desired.get("data") and plan.desired.get("forward_all", current.get("forward_all")):
            self.warn("outgoing webhook %r forwards the whole event (forward_all is true), so OnCall ignores data; set forward_all "
                      "to false to send data" % self.name_of(plan.current or plan.desired))

    # ------------------------------------------------------------------ writes

    def create_body(self, plan):
        # "No secret" on a create is leaving it out.
        return {key: value for key, value in plan.desired.items() if not (key in SECRETS and value is None)}

    def update_body(self, plan):
        # A PUT that leaves out team moves the webhook to no team, and one without integration_filter clears it.
        keep = {key: plan.desired.get(key, plan.current.get(key)) for key in ("team", "integration_filter")}
        return dict(plan.changes, **keep)

    def predict_created(self, plan):
        return masked(dict(CREATED, **self.create_body(plan)))

    def predict_update(self, plan):
        return masked(apply_changes(plan.current, plan.changes))

    def result(self, plan, obj, before, after, subject):
        for view in (before, after):
            if isinstance(view, dict) and view.get("integration_filter"):
                # A set, which OnCall reads back in the integrations' creation order: check mode cannot know that order, so
                # the diff shows it sorted on both sides, the same in a dry run and a real one.
                view["integration_filter"] = sorted(view["integration_filter"])
        for key in SECRETS:
            if plan.current is not None and plan.current.get(key) == MASK and plan.changes.get(key):
                # Sent again over a secret that reads back the same mask: the diff says so, or it would show no change.
                after[key] = RESENT
        return super().result(plan, obj, before, after, subject)


def same_json(one, other):
    """Whether two JSON values are the same, key order aside. Not ``==``: Python holds true equal to 1 (and to 1.0)."""
    return json.dumps(one, sort_keys=True) == json.dumps(other, sort_keys=True)


def parsed(text):
    """The JSON value of ``text``, or None when it is none (a template that is not plain JSON)."""
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


# ---------------------------------------------------------------------- reading and exporting

OUTGOING_WEBHOOK_INFO_ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    team_id=dict(type="str"),
    team=dict(type="str"),
    export=dict(type="bool", default=False),
)
OUTGOING_WEBHOOK_INFO_MODULE_KWARGS = dict(mutually_exclusive=[("team_id", "team")])


def list_outgoing_webhooks(params, client, names):
    """The webhooks matching the filters, as the API returns them (plus ``params`` when exporting).

    The team is filtered here: the server's team_id filter answers 500 for every valid team.
    """
    name = check_name("name", params.get("name"))
    team_id = team_id_of(check_name("team", params.get("team"), none_option="team_id"),
                         check_reference("team_id", params.get("team_id"), TEAM_ID), names)
    items = webhooks_named(client, name) if name is not None else client.list_all(WEBHOOK.path)
    items = of_team(items, team_id, field="team")
    if params.get("export"):
        items = [dict(item, params=export_params(item), secrets_left_out=[key for key in SECRETS if item.get(key)]) for item in items]
        holders = [item["name"] for item in items if item["secrets_left_out"]]
        if holders and names.warn is not None:
            names.warn("params leave out the secrets of %s: OnCall never returns them. Applied back to this server, params keep "
                       "them; to create these webhooks anywhere else, add password and authorization_header from your vault"
                       % ", ".join(repr(name) for name in holders))
        for item in items:
            if len(item["name"]) > NAME_MAX and names.warn is not None:
                # Made in the web UI or by another tool: the module's own limit would refuse the exported params.
                names.warn("params of %r will be refused by oncall_outgoing_webhook: its name is %d characters long, more than %d; "
                           "rename it (by id) to a shorter name first" % (item["name"], len(item["name"]), NAME_MAX))
    return {"changed": False, "outgoing_webhooks": items}


def export_params(hook):
    """The oncall_outgoing_webhook options that reproduce ``hook``, by id, without its secrets. Null text is exported as
    ``""``, which the module reads as "none" (an option left out would not be managed)."""
    params = {
        "id": hook["id"],
        "name": hook["name"],
        "team_id": hook.get("team") or "",
        "webhook_url": hook.get("url"),
        "http_method": hook.get("http_method"),
        "trigger_type": hook.get("trigger_type"),
        "integration_ids": hook.get("integration_filter") or [],
        "data": hook.get("data") or "",
        "headers": hook.get("headers") or "",
        "trigger_template": hook.get("trigger_template") or "",
        "forward_all": hook.get("forward_all"),
        "username": hook.get("username") or "",
    }
    if hook.get("is_webhook_enabled") is not None:
        params["enabled"] = hook["is_webhook_enabled"]
    return params

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Outgoing webhooks (/api/v1/webhooks/), as the real server validates and stores them.

Not emulated: presets (no webhook here has one), webhooks of connected integrations, /responses/.
"""

from __future__ import annotations

from drf import MISSING, FieldValidator, bad_request, not_found, server_error, validation_error
from ids import public_id
from store import Webhook
from team_filter import filter_by_team
from templating import webhook_template_error

HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]
TRIGGER_TYPES = ["escalation", "alert group created", "acknowledge", "resolve", "silence", "unsilence", "unresolve",
                 "unacknowledge", "status change", "personal notification"]
# Sent on update it means "keep the stored secret"; it is also what a stored secret reads back as.
SECRET_PLACEHOLDER = "****************"
PRESET_MESSAGE = "Preset webhooks must be modified through web UI"
UNIQUE = {"non_field_errors": ["The fields name, organization must make a unique set."]}
_TEMPLATE_FIELDS = ("data", "trigger_template", "headers", "url")


class WebhookResource:
    name = "webhooks"
    default_page_size = 50
    read_only = False
    # RBACPermission knows only the view's own actions: other methods and OPTIONS crash (HTML 500).
    rbac_strict = True

    def __init__(self, state):
        self.state = state

    def represent(self, hook):
        wanted = set(hook.integration_filter)
        # Deduplicated, in the integrations' creation order; deleted integrations drop out; empty is null.
        filtered = [i.id for i in self.state.visible_integrations() if i.id in wanted]
        return {
            "id": hook.id, "name": hook.name, "is_webhook_enabled": hook.is_webhook_enabled, "team": hook.team_id,
            "data": hook.data, "username": hook.username, "password": _masked(hook.password),
            "authorization_header": _masked(hook.authorization_header), "trigger_template": hook.trigger_template,
            "headers": hook.headers, "url": hook.url, "forward_all": hook.forward_all, "http_method": hook.http_method,
            "trigger_type": hook.trigger_type, "integration_filter": filtered or None, "preset": None,
        }

    def list(self, query):
        items = sorted((w for w in self.state.webhooks.values() if not w.deleted), key=lambda w: w.pk)
        name = query.get("name")
        if name:
            items = [w for w in items if w.name == name]  # exact, case included; an empty value is ignored
        items = filter_by_team(self.state, items, query)
        return [self.represent(w) for w in items]

    def _get(self, webhook_id):
        hook = self.state.get_webhook(webhook_id)
        if hook is None:
            raise not_found()
        return hook

    def retrieve(self, webhook_id):
        return self.represent(self._get(webhook_id))

    def create(self, data):
        changes = self._read(data, None, partial=False)
        hook = Webhook(pk=self.state.next_pk(), id=public_id("WH", self.state.all_ids()), name=changes.pop("name"), url=changes.pop("url"),
                       http_method=changes.pop("http_method"), trigger_type=changes.pop("trigger_type"))
        for attribute, value in changes.items():
            setattr(hook, attribute, value)
        self.state.webhooks[hook.id] = hook
        return 201, self.represent(hook)

    def update(self, webhook_id, data, partial):
        hook = self._get(webhook_id)
        for attribute, value in self._read(data, hook, partial).items():
            setattr(hook, attribute, value)
        return 200, self.represent(hook)

    def destroy(self, webhook_id):
        hook = self._get(webhook_id)
        # A soft delete that renames the row, so that the name is free at once. Escalation steps keep
        # pointing at it, and cannot be given it again ("Object does not exist").
        hook.deleted = True
        hook.name = "%s_deleted_%s" % (hook.name[:78], hook.id)

    def _read(self, data, instance, partial):
        """Validate a body in serializer order; returns the attribute changes. `instance` is None on create."""
        data = self._prepare(data, instance)
        creating = instance is None
        fields = FieldValidator(data)
        changes = {
            "name": fields.char("name", required=creating, max_length=100),
            "is_webhook_enabled": fields.boolean("is_webhook_enabled", allow_null=creating),
            "team_id": self._read_team(fields, partial),
            "data": _template(fields, "data", required=False, allow_null=True, allow_blank=True),
            "username": fields.char("username", allow_null=True, allow_blank=True, max_length=100),
            "password": fields.char("password", allow_null=True, allow_blank=True, max_length=1000),
            "authorization_header": fields.char("authorization_header", allow_null=True, allow_blank=True, max_length=2000),
            "trigger_template": _template(fields, "trigger_template", required=False, allow_null=True, allow_blank=True),
            "headers": _template(fields, "headers", required=False, allow_null=True, allow_blank=True),
            "url": _template(fields, "url", required=creating, allow_null=False, allow_blank=False),
            "forward_all": fields.boolean("forward_all"),
            "http_method": _http_method(fields, creating),
            "trigger_type": _trigger_type(fields, creating),
            "integration_filter": self._read_integrations(fields),
        }
        if "preset" in data:
            fields.errors["preset"] = [PRESET_MESSAGE]
        fields.raise_errors()
        changes = {key: value for key, value in changes.items() if value is not MISSING}
        self._check_name(changes.get("name", MISSING), instance)
        return changes

    @staticmethod
    def _prepare(data, instance):
        """The serializer's own pre-processing, which runs before DRF looks at the body."""
        if not isinstance(data, dict):
            raise server_error()  # data.get() on a list or a string
        data = dict(data)
        for secret in ("password", "authorization_header"):
            if data.get(secret) == SECRET_PLACEHOLDER:
                if instance is None:
                    raise server_error()  # it reads the stored value of an instance that does not exist yet
                data[secret] = getattr(instance, secret)
        if not data.get("integration_filter"):
            # Missing or empty means "no filter", on PUT and PATCH alike: leaving it out clears it.
            data["integration_filter"] = []
        return data

    def _read_team(self, fields, partial):
        team = fields.related("team", self.state.get_team, allow_null=True, null_strings=("null",))
        if team is MISSING:
            # The key is `team` (`team_id` is ignored). Left out of a create or a PUT it takes its default,
            # the caller's current team, which is none for an API token: a PUT moves the webhook out of its team.
            return MISSING if partial else None
        return team.id if team is not None else None

    def _read_integrations(self, fields):
        value = fields.data["integration_filter"]
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            fields.errors["integration_filter"] = ['Expected a list of items but got type "%s".' % type(value).__name__]
            return MISSING
        ids = []
        for item in value:
            if not isinstance(item, str) or self.state.get_integration(item) is None:
                fields.errors["integration_filter"] = ["Integration does not exist"]
                return MISSING
            ids.append(item)
        return ids

    def _check_name(self, name, instance):
        if name is MISSING:
            return
        if any(w.name == name and not w.deleted and w is not instance for w in self.state.webhooks.values()):
            raise validation_error(UNIQUE)
        if any(w.name == name and w.deleted for w in self.state.webhooks.values()):
            # The renamed row of a deleted webhook still holds the name in the database's unique index.
            raise server_error()


def _masked(secret):
    return SECRET_PLACEHOLDER if secret else secret


def _template(fields, name, required, allow_null, allow_blank):
    """A Jinja template field: stripped, "" stored as null, then test-rendered."""
    value = fields.char(name, required=required, allow_null=allow_null, allow_blank=allow_blank)
    if value in (MISSING, None):
        return value
    if value == "":
        return None
    error = webhook_template_error(value)
    if error:
        fields.errors[name] = [error]
        return MISSING
    return value


def _http_method(fields, creating):
    value = fields.char("http_method", required=creating, max_length=32)
    if value is not MISSING and value not in HTTP_METHODS:
        fields.errors["http_method"] = ["Must be one of %s" % HTTP_METHODS]
        return MISSING
    return value


def _trigger_type(fields, creating):
    """Public names only, exactly; anything else stops validation with a `detail` (sic: "must one of")."""
    if "trigger_type" not in fields.data or fields.data["trigger_type"] is None or str(fields.data["trigger_type"]).strip() == "":
        return fields.char("trigger_type", required=creating)  # the required, null and blank messages
    value = fields.data["trigger_type"]
    if not isinstance(value, str) or value not in TRIGGER_TYPES:
        raise bad_request("trigger_type must one of %s" % TRIGGER_TYPES)
    return value

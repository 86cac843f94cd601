# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes, including the default route of every integration."""

from __future__ import annotations

import re

from drf import MISSING, FieldValidator, bad_request, not_found, require_dict, validation_error
from ids import public_id
from ordering import adjust_position, next_order
from store import Route
from templating import route_template_ok

MAX_TERM_LENGTH = 1024
ROUTING_TYPES = ("regex", "jinja2", "labels")


# Notification settings shared by routes and default routes (BaseChannelFilterSerializer).

def read_objects(fields, names):
    """Validate the slack/telegram/backend objects of a route body; returns {name: dict} for those sent."""
    sent = {}
    for name in names:
        value = fields.dictionary(name)
        if value is not MISSING:
            sent[name] = value
    return sent


def channel_changes(state, channels, backends):
    """_correct_validated_data: turn the sent objects into attribute changes, checking Slack and Telegram ids.

    An empty object changes nothing; only the sub-keys sent change.
    """
    changes = {}
    slack = channels.get("slack") or {}
    if "channel_id" in slack:
        changes["slack_channel_id"] = _slack_channel(state, slack["channel_id"])
    if "enabled" in slack:
        changes["notify_in_slack"] = bool(slack["enabled"])
    telegram = channels.get("telegram") or {}
    if "id" in telegram:
        if telegram["id"] is not None:
            # The emulator has no Telegram channels connected, so every id is unknown.
            raise bad_request("Telegram channel does not exist")
        changes["telegram_channel_id"] = None
    if "enabled" in telegram:
        changes["notify_in_telegram"] = bool(telegram["enabled"])
    backend_changes = {}
    for name, data in backends.items():
        if data:
            entry = {}
            if "id" in data:
                entry["channel"] = data["id"]
            if "enabled" in data:
                entry["enabled"] = data["enabled"]
            backend_changes[name] = entry
    if backend_changes:
        changes["notification_backends"] = backend_changes
    return changes


def _slack_channel(state, channel_id):
    if channel_id is None:
        return None
    if not state.slack_connected:
        raise bad_request("Slack isn't connected to this workspace")
    if not isinstance(channel_id, str):
        raise validation_error({"slack": {"channel_id": ["Slack channel does not exist"]}})
    channel_id = channel_id.upper()
    if not any(c.slack_id == channel_id for c in state.slack_channels):
        raise validation_error({"slack": {"channel_id": ["Slack channel does not exist"]}})
    return channel_id


def apply_changes(route, changes):
    for key, value in changes.items():
        if key == "notification_backends":
            # Each backend is merged with what is stored (_update_notification_backends).
            for name, entry in value.items():
                route.notification_backends[name] = dict(route.notification_backends.get(name, {}), **entry)
        else:
            setattr(route, key, value)


def channel_repr(route, backends):
    result = {
        "slack": {"channel_id": route.slack_channel_id, "enabled": bool(route.notify_in_slack)},
        "telegram": {"id": route.telegram_channel_id, "enabled": bool(route.notify_in_telegram)},
    }
    for name in backends:
        stored = route.notification_backends.get(name) or {}
        result[name] = {"id": stored.get("channel"), "enabled": bool(stored.get("enabled"))}
    return result


def default_route_repr(state, route):
    result = {"id": route.id, "escalation_chain_id": route.escalation_chain_id}
    result.update(channel_repr(route, state.route_backends))
    return result


def prepare_default_route(state, data):
    """DefaultChannelFilterSerializer: validate a `default_route` object; return the changes to apply.

    Its field errors come out at the top level of the answer, not under "default_route".
    """
    fields = FieldValidator(data)
    channels = read_objects(fields, ("slack", "telegram"))
    chain = fields.related("escalation_chain_id", state.get_chain, allow_null=True)
    backends = read_objects(fields, state.route_backends)
    fields.raise_errors()
    changes = channel_changes(state, channels, backends)
    if chain is not MISSING:
        changes["escalation_chain_id"] = chain.id if chain is not None else None
    return changes


def new_default_route(state, integration):
    return Route(pk=state.next_pk(), id=public_id("R", state.all_ids()), integration_id=integration.id, is_default=True, order=0)


class RouteResource:
    name = "routes"
    default_page_size = 25
    read_only = False

    def __init__(self, state):
        self.state = state

    def represent(self, route):
        result = {
            "position": route.order,
            "id": route.id,
            "integration_id": route.integration_id,
            "escalation_chain_id": route.escalation_chain_id,
            "routing_type": route.routing_type,
            "routing_regex": route.routing_regex,
            "is_the_last_route": route.is_default,
        }
        result.update(channel_repr(route, self.state.route_backends))
        return result

    def list(self, query):
        items = self.state.visible_routes()
        integration_id = query.get("integration_id")
        if integration_id:
            items = [r for r in items if r.integration_id == integration_id]
        routing_regex = query.get("routing_regex")
        if routing_regex:
            items = [r for r in items if r.routing_regex == routing_regex]
        return [self.represent(r) for r in items]

    def _get(self, route_id):
        route = self.state.get_route(route_id)
        if route is None:
            raise not_found()
        return route

    def retrieve(self, route_id):
        return self.represent(self._get(route_id))

    def _read_common(self, fields, routing_regex_required):
        routing_type = self._routing_type(fields)
        routing_regex = fields.char("routing_regex", required=routing_regex_required)
        channels = read_objects(fields, ("slack", "telegram"))
        position = fields.integer("position")
        manual_order = fields.boolean("manual_order")
        backends = read_objects(fields, self.state.route_backends)
        return routing_type, routing_regex, channels, backends, position, manual_order

    @staticmethod
    def _routing_type(fields):
        value = fields.char("routing_type")
        if value is not MISSING and value not in ROUTING_TYPES:
            # RoutingTypeField raises BadRequest, which stops validation at once.
            raise bad_request("Invalid route type")
        return value

    @staticmethod
    def _validate_term(routing_type, routing_regex):
        """ChannelFilterSerializer.validate: checks follow the routing_type sent in *this* request."""
        if routing_regex is not MISSING and routing_regex is not None and len(routing_regex) > MAX_TERM_LENGTH:
            raise validation_error({"non_field_errors": ["Expression is too long. Maximum length: %d characters" % MAX_TERM_LENGTH]})
        if routing_type == "jinja2":
            if routing_regex not in (MISSING, None) and not route_template_ok(routing_regex):
                raise validation_error({"non_field_errors": ["Jinja template is incorrect"]})
        elif routing_type in (MISSING, "regex"):
            if routing_regex not in (MISSING, None):
                try:
                    re.compile(routing_regex)
                except (re.error, RecursionError, OverflowError):
                    raise validation_error({"non_field_errors": ["Regular expression is incorrect"]}) from None
        else:
            raise validation_error({"non_field_errors": ["Expression type is incorrect"]})

    def create(self, data):
        require_dict(data)
        fields = FieldValidator(data)
        integration = fields.related("integration_id", self.state.get_integration, required=True)
        chain = fields.related("escalation_chain_id", self.state.get_chain, required=True, allow_null=True)
        routing_type, routing_regex, channels, backends, position, manual_order = self._read_common(fields, True)
        fields.raise_errors()
        self._validate_term(routing_type, routing_regex)
        changes = channel_changes(self.state, channels, backends)
        group = [r for r in self.state.routes.values() if r.integration_id == integration.id and not r.is_default]
        route = Route(
            pk=self.state.next_pk(),
            id=public_id("R", self.state.all_ids()),
            integration_id=integration.id,
            is_default=False,
            order=next_order(group),
            routing_type=routing_type if routing_type is not MISSING else "regex",
            routing_regex=routing_regex,
            escalation_chain_id=chain.id if chain is not None else None,
        )
        apply_changes(route, changes)
        self.state.routes[route.id] = route
        if position is not MISSING and position is not None:
            # The route is inserted before it is moved and nothing rolls the insert back, so a bad
            # position answers 400 while the route stays (OrderedModelSerializer.create).
            adjust_position(route, self.state.route_group(route), position, manual_order is True, created=True)
        return 201, self.represent(route)

    def update(self, route_id, data, partial):  # pylint: disable=unused-argument
        route = self._get(route_id)
        require_dict(data)
        # No field of the update serializer is required, so PUT is as partial as PATCH.
        fields = FieldValidator(data)
        chain = fields.related("escalation_chain_id", self.state.get_chain, allow_null=False)
        routing_type, routing_regex, channels, backends, position, manual_order = self._read_common(fields, False)
        fields.raise_errors()
        self._validate_term(routing_type, routing_regex)
        changes = channel_changes(self.state, channels, backends)
        if position is not MISSING and position is not None:
            adjust_position(route, self.state.route_group(route), position, manual_order is True, created=False)
        apply_changes(route, changes)
        if chain is not MISSING:
            route.escalation_chain_id = chain.id
        if routing_type is not MISSING:
            route.routing_type = routing_type
        if routing_regex is not MISSING:
            route.routing_regex = routing_regex
        return 200, self.represent(route)

    def destroy(self, route_id):
        route = self._get(route_id)
        if route.is_default:
            raise bad_request("Unable to delete default filter")
        # A real delete; the other routes keep their positions (no compaction).
        del self.state.routes[route.id]

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a route sends alerts to: escalation chain, Slack, Telegram and messaging backends.

The same options, names and comparison rules serve an integration's default route and every other
route, so they live here once.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.ids import reference
from ansible_collections.oncall.grafana.plugins.module_utils.names import ESCALATION_CHAIN, SLACK_CHANNEL, is_placeholder

# Messaging backends a route may lack (msteams exists only on Grafana Cloud).
ROUTE_BACKENDS = ("msteams",)


def _target_options(id_key, name_key=None):
    options = {id_key: dict(type="str"), "enabled": dict(type="bool")}
    if name_key is None:
        return dict(type="dict", options=options)
    options[name_key] = dict(type="str")
    return dict(type="dict", options=options, mutually_exclusive=[(id_key, name_key)])


ROUTING_OPTIONS = dict(
    escalation_chain_id=dict(type="str"),
    escalation_chain=dict(type="str"),
    slack=_target_options("channel_id", name_key="channel"),
    telegram=_target_options("id"),
    msteams=_target_options("id"),
)
ROUTING_EXCLUSIVE = [("escalation_chain_id", "escalation_chain")]


# What a new route has where the task sets nothing (the model's defaults: notify_in_slack true, Telegram false).
NEW_ROUTE_TARGETS = {"slack": {"channel_id": None, "enabled": True}, "telegram": {"id": None, "enabled": False}}

# Where a route sends alerts besides its chain, and the key of each target's id.
ROUTE_TARGETS = (("slack", "channel_id"), ("telegram", "id"), ("msteams", "id"))


def check_routing_names(routing, prefix=""):
    """Names are never empty: "" would be ambiguous with "none", which the id options say."""
    routing = routing or {}
    for option, value in (("escalation_chain", routing.get("escalation_chain")),
                          ("slack.channel", (routing.get("slack") or {}).get("channel"))):
        if value is not None and not value.strip().lstrip("#").strip():
            raise OnCallError("%s%s must not be empty; to say none, set %s%s_id to \"\"" % (prefix, option, prefix, option))


def resolve_routing_names(routing, names):
    """``routing`` with escalation_chain and slack.channel (names) replaced by the ids they name: a new dict."""
    resolved = {key: dict(value) if isinstance(value, dict) else value for key, value in routing.items()}
    chain = resolved.pop("escalation_chain", None)
    if chain is not None:
        resolved["escalation_chain_id"] = names.resolve(ESCALATION_CHAIN, chain.strip())
    slack = resolved.get("slack") or {}
    channel = slack.pop("channel", None)
    if channel is not None:
        slack["channel_id"] = names.resolve(SLACK_CHANNEL, channel.strip().lstrip("#").strip())
    return resolved


def normalize_routing(routing):
    """The routing fields as the API compares them: "" means null, Slack channel ids are stored upper-cased."""
    routing = dict(routing)
    if "escalation_chain_id" in routing:
        routing["escalation_chain_id"] = reference(routing["escalation_chain_id"])
    for target, id_key in ROUTE_TARGETS:
        if id_key in routing.get(target, {}):
            value = reference(routing[target][id_key])
            if value and target == "slack" and not is_placeholder(value):
                value = value.upper()
            routing[target] = dict(routing[target], **{id_key: value})
    return routing


def missing_route_backends(routing, sample_route, prefix=""):
    """Backends the task sets that the server's routes do not have (a route lists every backend it has)."""
    return ["%s%s" % (prefix, backend) for backend in routing if backend in ROUTE_BACKENDS and backend not in (sample_route or {})]


def export_routing(route):
    """The routing options that reproduce ``route`` (ids; "" for none, which the options read back as null)."""
    exported = {"escalation_chain_id": route.get("escalation_chain_id") or ""}
    for target, id_key in ROUTE_TARGETS:
        if target in route:
            exported[target] = {id_key: (route[target] or {}).get(id_key) or "", "enabled": bool((route[target] or {}).get("enabled"))}
    return exported

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-memory state of one emulated OnCall organization.

Objects keep an internal sequence number (`pk`) because the real lists sort by internal id or creation
time, which public ids do not reveal.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import asdict, dataclass, field

from ids import public_id

# Messaging backends of a self-hosted (OSS) engine, as it reports them; Grafana Cloud adds msteams.
TEMPLATE_BACKENDS = (("mobile_app", ("title", "message")), ("email", ("title", "message")), ("webhook", ("title", "message", "image_url")))
CLOUD_TEMPLATE_BACKENDS = (("msteams", ("title", "message", "image_url")),)
ROUTE_BACKENDS = ("mobile_app", "mobile_app_critical", "email", "webhook")
CLOUD_ROUTE_BACKENDS = ("msteams",)


@dataclass
class Team:
    pk: int
    id: str
    grafana_id: int
    name: str
    email: str = None
    avatar_url: str = ""


@dataclass
class SlackChannel:
    pk: int
    name: str
    slack_id: str


@dataclass
class Integration:
    pk: int
    id: str
    name: str
    type: str
    token: str
    description_short: str = None
    team_id: str = None
    templates: dict = field(default_factory=dict)
    deleted: bool = False


@dataclass
class Route:
    pk: int
    id: str
    integration_id: str
    is_default: bool
    order: int
    routing_type: str = "regex"
    routing_regex: str = None
    escalation_chain_id: str = None
    slack_channel_id: str = None
    notify_in_slack: bool = True
    telegram_channel_id: str = None
    notify_in_telegram: bool = False
    # backend slug -> {"channel": ..., "enabled": ...}, only the keys ever written, as OnCall stores them.
    notification_backends: dict = field(default_factory=dict)


@dataclass
class EscalationChain:
    pk: int
    id: str
    name: str
    team_id: str = None


class State:
    """Everything the emulator knows. Callers hold `lock` around any read-modify-write."""

    def __init__(self, teams=(), slack_channels=None, cloud=False, base_url="http://127.0.0.1"):
        self.lock = threading.RLock()
        self.cloud = cloud
        self.base_url = base_url
        self.template_backends = TEMPLATE_BACKENDS + (CLOUD_TEMPLATE_BACKENDS if cloud else ())
        self.route_backends = ROUTE_BACKENDS + (CLOUD_ROUTE_BACKENDS if cloud else ())
        self._seq = itertools.count(1)
        self._grafana_team_ids = itertools.count(1)
        self.teams = {}
        self.slack_connected = slack_channels is not None
        self.slack_channels = [SlackChannel(next(self._seq), name, slack_id) for name, slack_id in (slack_channels or {}).items()]
        self.integrations = {}
        self.routes = {}
        self.escalation_chains = {}
        self.requests = []
        # integration id -> id of its default route, filled as they are looked up (see default_route)
        self.default_route_ids = {}
        for name in teams:
            self.add_team(name)
        # Teams given at start-up survive a reset; teams added later through the control API do not.
        self._initial_teams = dict(self.teams)

    def next_pk(self):
        return next(self._seq)

    def all_ids(self):
        return set(self.teams) | set(self.integrations) | set(self.routes) | set(self.escalation_chains)

    def add_team(self, name):
        with self.lock:
            team = Team(
                pk=self.next_pk(),
                id=public_id("T", self.all_ids()),
                grafana_id=next(self._grafana_team_ids),
                name=name,
                avatar_url="/avatar/%s" % hashlib.md5(name.encode("utf-8")).hexdigest(),  # nosec: Grafana's gravatar-style path
            )
            self.teams[team.id] = team
            return team

    def reset(self):
        """Forget every object and the request log; keep start-up teams and Slack channels."""
        with self.lock:
            self.integrations.clear()
            self.routes.clear()
            self.escalation_chains.clear()
            self.default_route_ids.clear()
            self.teams = dict(self._initial_teams)
            self.requests.clear()

    # Lookups that mirror the default managers of the real models.

    def visible_integrations(self):
        """Live integrations, minus `maintenance` ones, which OnCall's default manager hides."""
        items = [i for i in self.integrations.values() if not i.deleted and i.type != "maintenance"]
        return sorted(items, key=lambda i: i.pk)

    def get_integration(self, integration_id):
        found = self.integrations.get(integration_id)
        if found is None or found.deleted or found.type == "maintenance":
            return None
        return found

    def visible_routes(self):
        """Routes whose integration is visible, ordered like ChannelFilter.Meta.ordering."""
        items = [r for r in self.routes.values() if self.get_integration(r.integration_id) is not None]
        return sorted(items, key=lambda r: (self.integrations[r.integration_id].pk, r.is_default, r.order, r.pk))

    def get_route(self, route_id):
        found = self.routes.get(route_id)
        if found is None or self.get_integration(found.integration_id) is None:
            return None
        return found

    def route_group(self, route):
        """Routes that share an ordering group with `route`: same integration, same is_default."""
        return [r for r in self.routes.values() if r.integration_id == route.integration_id and r.is_default == route.is_default]

    def default_route(self, integration):
        # Remembered per integration, so that listing thousands of integrations does not scan every route for each.
        route = self.routes.get(self.default_route_ids.get(integration.id))
        if route is None or route.integration_id != integration.id or not route.is_default:
            route = next(r for r in self.routes.values() if r.integration_id == integration.id and r.is_default)
            self.default_route_ids[integration.id] = route.id
        return route

    def get_team(self, team_id):
        return self.teams.get(team_id) if isinstance(team_id, str) else None

    def get_chain(self, chain_id):
        return self.escalation_chains.get(chain_id) if isinstance(chain_id, str) else None

    def dump(self):
        """Everything, soft-deleted and hidden objects included, for /__emulator__/state."""
        with self.lock:
            return {
                "base_url": self.base_url,
                "cloud": self.cloud,
                "slack_connected": self.slack_connected,
                "teams": [asdict(t) for t in sorted(self.teams.values(), key=lambda t: t.pk)],
                "slack_channels": [asdict(c) for c in self.slack_channels],
                "integrations": [asdict(i) for i in sorted(self.integrations.values(), key=lambda i: i.pk)],
                "routes": [asdict(r) for r in sorted(self.routes.values(), key=lambda r: r.pk)],
                "escalation_chains": [asdict(c) for c in sorted(self.escalation_chains.values(), key=lambda c: c.pk)],
            }

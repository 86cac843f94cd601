# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-memory state of one emulated OnCall organization.

Objects keep an internal sequence number (`pk`) because the real lists sort by internal id or creation
time, which public ids do not reveal.
"""

from __future__ import annotations

import copy
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


@dataclass
class User:
    """A Grafana user as OnCall mirrors it; the emulator only has the ones given at start-up."""
    pk: int
    id: str
    grafana_id: int
    username: str
    email: str
    role: str = "editor"  # the legacy role name the API shows: admin, editor, viewer or none


@dataclass
class Schedule:
    pk: int
    id: str
    name: str
    type: str  # web, calendar or ical
    time_zone: str = "UTC"
    team_id: str = None
    ical_url_primary: str = None
    ical_url_overrides: str = None
    enable_web_overrides: bool = False


@dataclass
class UserGroup:
    """A user group of the connected Slack workspace."""
    pk: int
    id: str
    slack_id: str
    name: str
    handle: str


@dataclass
class Webhook:
    pk: int
    id: str
    name: str
    url: str
    http_method: str
    trigger_type: str  # the public name, e.g. "escalation"
    team_id: str = None
    is_webhook_enabled: bool = True
    data: str = None
    username: str = None
    password: str = None
    authorization_header: str = None
    trigger_template: str = None
    headers: str = None
    forward_all: bool = True
    integration_filter: list = field(default_factory=list)  # integration ids, as sent (deduplicated on output)
    deleted: bool = False


@dataclass
class EscalationPolicy:
    """One escalation step. `step` is the engine's internal step number (see step_types.py), None for an empty step.

    There is one column per kind of target, whatever the type, because the engine keeps the values of
    earlier types in them (they come back when the type is switched back).
    """
    pk: int
    id: str
    escalation_chain_id: str
    order: int
    step: int = None
    wait_delay: int = None  # seconds
    user_ids: list = field(default_factory=list)
    schedule_id: str = None
    group_id: str = None
    team_id: str = None
    webhook_id: str = None
    from_time: str = None  # "HH:MM:SS", UTC
    to_time: str = None
    num_alerts_in_window: int = None
    num_minutes_in_window: int = None
    severity: str = None


class State:
    """Everything the emulator knows. Callers hold `lock` around any read-modify-write."""

    def __init__(self, teams=(), slack_channels=None, cloud=False, base_url="http://127.0.0.1", users=(), schedules=(), user_groups=()):
        """`users` holds (username, e-mail) pairs, `schedules` names, `user_groups` Slack handles (see seeding.py)."""
        self.lock = threading.RLock()
        self.cloud = cloud
        self.base_url = base_url
        self.template_backends = TEMPLATE_BACKENDS + (CLOUD_TEMPLATE_BACKENDS if cloud else ())
        self.route_backends = ROUTE_BACKENDS + (CLOUD_ROUTE_BACKENDS if cloud else ())
        self._seq = itertools.count(1)
        self._grafana_team_ids = itertools.count(1)
        self._grafana_user_ids = itertools.count(1)
        self.teams = {}
        self.slack_connected = slack_channels is not None
        self.slack_channels = [SlackChannel(next(self._seq), name, slack_id) for name, slack_id in (slack_channels or {}).items()]
        self.integrations = {}
        self.routes = {}
        self.escalation_chains = {}
        self.escalation_policies = {}
        self.users = {}
        self.schedules = {}
        self.user_groups = {}
        self.webhooks = {}
        self.requests = []
        # integration id -> id of its default route, filled as they are looked up (see default_route)
        self.default_route_ids = {}
        for name in teams:
            self.add_team(name)
        self._seed_directory(users, schedules, user_groups)
        # Objects given at start-up survive a reset (with their ids); those made later do not.
        self._initial_teams = dict(self.teams)
        self._initial_users = dict(self.users)
        self._initial_schedules = {key: copy.copy(value) for key, value in self.schedules.items()}
        self._initial_user_groups = dict(self.user_groups)

    def _seed_directory(self, users, schedules, user_groups):
        for number, (username, email) in enumerate(users):
            # The first user stands for the token's owner (/users/current/), an admin like the
            # user who makes an API token; the others are editors.
            self._add(self.users, User(pk=self.next_pk(), id=public_id("U", self.all_ids()), grafana_id=next(self._grafana_user_ids),
                                       username=username, email=email, role="admin" if number == 0 else "editor"))
        for name in schedules:
            self._add(self.schedules, Schedule(pk=self.next_pk(), id=public_id("S", self.all_ids()), name=name, type="web"))
        for handle in user_groups:
            slack_id = public_id("S", {g.slack_id for g in self.user_groups.values()})
            self._add(self.user_groups, UserGroup(pk=self.next_pk(), id=public_id("G", self.all_ids()), slack_id=slack_id, name=handle,
                                                  handle=handle))

    @staticmethod
    def _add(collection, item):
        collection[item.id] = item
        return item

    def next_pk(self):
        return next(self._seq)

    def all_ids(self):
        return (set(self.teams) | set(self.integrations) | set(self.routes) | set(self.escalation_chains) | set(self.escalation_policies)
                | set(self.users) | set(self.schedules) | set(self.user_groups) | set(self.webhooks))

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
        """Forget every object and the request log; keep what was given at start-up (teams, Slack channels, users,
        schedules, user groups), schedules as they were then."""
        with self.lock:
            self.integrations.clear()
            self.routes.clear()
            self.escalation_chains.clear()
            self.escalation_policies.clear()
            self.webhooks.clear()
            self.default_route_ids.clear()
            self.teams = dict(self._initial_teams)
            self.users = dict(self._initial_users)
            self.schedules = {key: copy.copy(value) for key, value in self._initial_schedules.items()}
            self.user_groups = dict(self._initial_user_groups)
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

    def get_user(self, user_id):
        return self.users.get(user_id) if isinstance(user_id, str) else None

    def sorted_users(self):
        return sorted(self.users.values(), key=lambda u: u.pk)

    def get_schedule(self, schedule_id):
        return self.schedules.get(schedule_id) if isinstance(schedule_id, str) else None

    def get_user_group(self, group_id):
        return self.user_groups.get(group_id) if isinstance(group_id, str) else None

    def get_webhook(self, webhook_id):
        """A live webhook; soft-deleted ones are hidden by the model's default manager."""
        found = self.webhooks.get(webhook_id) if isinstance(webhook_id, str) else None
        return None if found is None or found.deleted else found

    def chain_steps(self, chain_id):
        """Every step of a chain, hidden ones included: the ordering group of escalation steps."""
        return [p for p in self.escalation_policies.values() if p.escalation_chain_id == chain_id]

    def dump(self):
        """Everything, soft-deleted and hidden objects included, for /__emulator__/state.

        Escalation steps show the engine's internal `step` number (step_types.py), so hidden steps can be told apart.
        """
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
                "escalation_policies": [asdict(p) for p in sorted(self.escalation_policies.values(), key=lambda p: p.pk)],
                "users": [asdict(u) for u in self.sorted_users()],
                "schedules": [asdict(s) for s in sorted(self.schedules.values(), key=lambda s: s.pk)],
                "user_groups": [asdict(g) for g in sorted(self.user_groups.values(), key=lambda g: g.pk)],
                "webhooks": [asdict(w) for w in sorted(self.webhooks.values(), key=lambda w: w.pk)],
            }

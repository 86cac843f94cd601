# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integrations, as the real server handles them, its bugs included."""

from __future__ import annotations

import random

from drf import MISSING, FieldValidator, bad_request, not_found, require_dict, server_error, validation_error
from ids import ingest_token, public_id
from pagination import LazyList
from routes import apply_changes, default_route_repr, new_default_route, prepare_default_route
from store import Integration, Route
from team_filter import filter_by_team
from templating import Templates

# Types the server accepts on create, with the title it uses to invent a name.
TYPE_TITLES = {
    "grafana_alerting": "Grafana Alerting",
    "webhook": "Webhook",
    "alertmanager": "Alertmanager",
    "formatted_webhook": "Formatted webhook",
    "kapacitor": "Kapacitor",
    "elastalert": "Elastalert",
    "inbound_email": "Inbound Email",
    "manual": "Manual",
    "zabbix": "Zabbix",
    "grafana": "Grafana",
    "maintenance": "Maintenance",
}
LEGACY_TYPES = ("legacy_alertmanager", "legacy_grafana_alerting")
DIRECT_PAGING = "direct_paging"
NAME_COLUMN_LENGTH = 150  # AlertReceiveChannel.verbal_name max_length
HEARTBEAT_TYPES = ("alertmanager", "elastalert", "formatted_webhook", "grafana", "webhook", "zabbix")
NO_LINK_TYPES = ("manual", "inbound_email", "maintenance")
INBOUND_EMAIL_DOMAIN = "inbound.example.com"
# The server appends a random emoji code to invented names; the exact list does not matter.
_NAME_EMOJIS = (":blush:", ":sunglasses:", ":rocket:", ":tada:", ":sparkles:", ":star:", ":fire:", ":zap:")

# Seeded integrations (--seed-integrations): types that a real server lists, in turn.
SEED_TYPES = ("webhook", "alertmanager", "grafana_alerting", "formatted_webhook", "grafana", "kapacitor", "elastalert", "zabbix",
              "inbound_email", "manual")
SEED_TEMPLATES = {
    "grouping_key": "{{ payload.fingerprint }}",
    "resolve_signal": "{{ payload.status == 'resolved' }}",
    "slack": {"title": "[{{ payload.severity }}] {{ payload.title }}"},
    "web": {"title": "{{ payload.title }}", "message": "{{ payload.message }}"},
}

DUPLICATE_NAME = "An integration with this name already exists for this team"
DUPLICATE_DIRECT_PAGING = "Direct paging integration already exists for this team"


def _check_name_fits_column(name):
    """The serializer sets no max length on name, but the column is varchar(150): the database refuses it (500)."""
    if name is not MISSING and name is not None and len(name) > NAME_COLUMN_LENGTH:
        raise server_error()


class IntegrationResource:
    name = "integrations"
    default_page_size = 50
    read_only = False

    def __init__(self, state):
        self.state = state
        self.templates = Templates(state.template_backends)

    def represent(self, integration):
        link = None
        if integration.type not in NO_LINK_TYPES:
            link = "%s/integrations/v1/%s/%s/" % (self.state.base_url.rstrip("/"), integration.type, integration.token)
        return {
            "maintenance_mode": None,
            "maintenance_started_at": None,
            "maintenance_end_at": None,
            "id": integration.id,
            "name": integration.name,
            "description_short": integration.description_short,
            "team_id": integration.team_id,
            "link": link,
            "inbound_email": "%s@%s" % (integration.token, INBOUND_EMAIL_DOMAIN) if integration.type == "inbound_email" else None,
            "type": integration.type,
            "templates": self.templates.represent(integration.templates),
            "heartbeat": {"link": "%sheartbeat/" % link} if integration.type in HEARTBEAT_TYPES and link else None,
            "default_route": default_route_repr(self.state, self.state.default_route(integration)),
        }

    def list(self, query):
        if query.get("filters") == "true":
            # FilterSerializerMixin asks for a filter serializer the view never defines.
            raise server_error()
        items = self.state.visible_integrations()
        name = query.get("name")
        if name:
            items = [i for i in items if i.name == name]
        items = filter_by_team(self.state, items, query)
        return LazyList(items, self.represent)

    def _get(self, integration_id):
        integration = self.state.get_integration(integration_id)
        if integration is None:
            raise not_found()
        return integration

    def retrieve(self, integration_id):
        return self.represent(self._get(integration_id))

    def _read_fields(self, fields):
        """The first writable fields, in serializer order: name, description_short, team_id."""
        name = fields.char("name")
        description = fields.char("description_short", allow_null=True, max_length=250)
        team = fields.related("team_id", self.state.get_team, allow_null=True, null_strings=("null",))
        return name, description, team

    def _read_templates(self, fields):
        templates = fields.dictionary("templates")
        if templates is not MISSING:
            self.templates.validate(templates)
        return templates

    def _check_unique_name(self, name, team_id, instance=None):
        """validate_name_uniqueness: per (organization, team); null team counts as its own team."""
        if name is MISSING:
            return
        same = [i for i in self.state.visible_integrations() if i.team_id == team_id and i.name == name]
        if len(same) > 1 or (same and same[0] is not instance):
            raise bad_request(DUPLICATE_NAME)

    def _check_direct_paging(self, team_id, instance=None):
        for other in self.state.visible_integrations():
            if other.type == DIRECT_PAGING and other.team_id == team_id and other is not instance:
                raise bad_request(DUPLICATE_DIRECT_PAGING)

    @staticmethod
    def _read_type(fields):
        value = fields.char("type", required=True)
        if value is MISSING:
            return MISSING
        if value not in TYPE_TITLES and value not in LEGACY_TYPES and value != DIRECT_PAGING:
            raise bad_request("Invalid integration type")
        if value in LEGACY_TYPES:
            raise bad_request("This integration type is deprecated")
        if value == DIRECT_PAGING:
            raise bad_request("Direct paging integrations can't be created")
        return value

    def create(self, data):
        require_dict(data)
        fields = FieldValidator(data)
        name, description, team = self._read_fields(fields)
        integration_type = self._read_type(fields)
        default_route = fields.dictionary("default_route")
        templates = self._read_templates(fields)
        fields.raise_errors()
        team_id = team.id if team not in (MISSING, None) else None
        self._check_unique_name(name, team_id)

        stored_templates = self.templates.empty()
        if templates is not MISSING:
            stored_templates = self.templates.merge(stored_templates, templates)
        _check_name_fits_column(name)
        if integration_type == "grafana_alerting":
            # OSS >= 1.14.3 calls a method that does not exist (_add_service_label_if_needed), before any insert.
            raise server_error()
        # The real create runs in a transaction, so a bad default route leaves nothing behind:
        # validate it fully before inserting anything.
        route_changes = prepare_default_route(self.state, default_route) if default_route not in (MISSING, None, {}) else {}

        integration = Integration(
            pk=self.state.next_pk(),
            id=public_id("C", self.state.all_ids()),
            name=name if name is not MISSING else "%s %s" % (TYPE_TITLES[integration_type], random.choice(_NAME_EMOJIS)),  # nosec
            type=integration_type,
            token=ingest_token(),
            description_short=description if description is not MISSING else None,
            team_id=team_id,
            templates=stored_templates,
        )
        route = new_default_route(self.state, integration)
        apply_changes(route, route_changes)
        self.state.integrations[integration.id] = integration
        self.state.routes[route.id] = route
        return 201, self.represent(integration)

    def create_direct_paging(self, team_id):
        """What the server does on its own for each team (control API only)."""
        team = self.state.get_team(team_id) if team_id is not None else None
        if team_id is not None and team is None:
            raise validation_error({"team_id": ["Object does not exist"]})
        self._check_direct_paging(team_id)
        integration = Integration(
            pk=self.state.next_pk(),
            id=public_id("C", self.state.all_ids()),
            name="Direct paging (%s team)" % (team.name if team else "No"),
            type=DIRECT_PAGING,
            token=ingest_token(),
            team_id=team_id,
            templates=self.templates.empty(),
        )
        self.state.integrations[integration.id] = integration
        route = new_default_route(self.state, integration)
        self.state.routes[route.id] = route
        return self.represent(integration)

    def seed(self, count):
        """Create `count` integrations at once, without the API: seed-00001, ... (for benchmarks).

        Types take turns (SEED_TYPES), every third belongs to a start-up team (in turn), every second has a
        description and every fourth has templates (SEED_TEMPLATES); each gets its default route.
        """
        with self.state.lock:
            taken = self.state.all_ids()  # one set for all, instead of one per new id
            teams = sorted(self.state.teams.values(), key=lambda t: t.pk)
            with_templates = self.templates.merge(self.templates.empty(), SEED_TEMPLATES)
            for number in range(1, count + 1):
                integration = Integration(
                    pk=self.state.next_pk(),
                    id=public_id("C", taken),
                    name="seed-%05d" % number,
                    type=SEED_TYPES[(number - 1) % len(SEED_TYPES)],
                    token=ingest_token(),
                    description_short="Seeded integration %d" % number if number % 2 == 0 else None,
                    team_id=teams[(number // 3) % len(teams)].id if teams and number % 3 == 0 else None,
                    templates=self.templates.merge(with_templates, {}) if number % 4 == 0 else self.templates.empty(),
                )
                taken.add(integration.id)
                route = Route(pk=self.state.next_pk(), id=public_id("R", taken), integration_id=integration.id, is_default=True, order=0)
                taken.add(route.id)
                self.state.integrations[integration.id] = integration
                self.state.routes[route.id] = route
                self.state.default_route_ids[integration.id] = route.id

    def update(self, integration_id, data, partial):  # pylint: disable=unused-argument
        integration = self._get(integration_id)
        require_dict(data)
        # IntegrationUpdateSerializer has no required field and a read-only type: PUT is partial and
        # a different type is silently ignored.
        fields = FieldValidator(data)
        name, description, team = self._read_fields(fields)
        default_route = fields.dictionary("default_route")
        templates = self._read_templates(fields)
        fields.raise_errors()
        team_id = integration.team_id if team is MISSING else (team.id if team is not None else None)
        self._check_unique_name(name, team_id, integration)

        stored_templates = integration.templates
        if templates is not MISSING:
            stored_templates = self.templates.merge(stored_templates, templates)
        if default_route not in (MISSING, None, {}):
            # No transaction here: the default route is saved before the integration itself, so a
            # later failure (the direct-paging check) leaves the route change in place.
            apply_changes(self.state.default_route(integration), prepare_default_route(self.state, default_route))
        if integration.type == DIRECT_PAGING and team_id != integration.team_id:
            self._check_direct_paging(team_id, integration)
        _check_name_fits_column(name)
        if name is not MISSING:
            integration.name = name
        if description is not MISSING:
            integration.description_short = description
        integration.team_id = team_id
        integration.templates = stored_templates
        return 200, self.represent(integration)

    def destroy(self, integration_id):
        integration = self._get(integration_id)
        if integration.type == DIRECT_PAGING:
            raise bad_request("Direct paging integrations can't be deleted")
        # Soft delete: hidden from now on, its routes with it; the name is free again.
        integration.deleted = True

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only resources copied from elsewhere: teams (from Grafana) and Slack channels (from the connected workspace)."""

from __future__ import annotations

from drf import not_found


class TeamResource:
    name = "teams"
    default_page_size = 50
    read_only = True

    def __init__(self, state):
        self.state = state

    @staticmethod
    def represent(team):
        return {"id": team.id, "grafana_id": team.grafana_id, "name": team.name, "email": team.email, "avatar_url": team.avatar_url}

    def list(self, query):
        items = sorted(self.state.teams.values(), key=lambda t: t.pk)
        name = query.get("name")
        if name:
            items = [t for t in items if t.name == name]
        return [self.represent(t) for t in items]

    def retrieve(self, team_id):
        team = self.state.teams.get(team_id)
        if team is None:
            raise not_found()
        return self.represent(team)


class SlackChannelResource:
    name = "slack_channels"
    default_page_size = 50
    read_only = True
    detail_route = False  # a list only: /slack_channels/<id>/ is not a URL of the API

    def __init__(self, state):
        self.state = state

    def list(self, query):
        items = self.state.slack_channels
        channel_name = query.get("channel_name")
        if channel_name:
            items = [c for c in items if c.name == channel_name]
        return [{"name": c.name, "slack_id": c.slack_id} for c in items]

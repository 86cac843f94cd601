# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `team_id` list filter of integrations and escalation chains (ByTeamFilter), bug included.

On the real self-hosted engine `team_id=null` and `team_id=<existing team>` crash with a KeyError and
answer Django's HTML 500 page. The emulator copies that, so no module can
pass its tests with a lookup that fails against a real server.
"""

from __future__ import annotations

from drf import server_error, validation_error


def filter_by_team(state, items, query):
    team_id = query.get("team_id")
    if not team_id:
        return items  # an empty value is ignored
    if team_id != "null" and state.get_team(team_id) is None:
        raise validation_error({"team_id": ["Select a valid choice. That choice is not one of the available choices."]})
    raise server_error()

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Slack user groups (/api/v1/user_groups/): a list and nothing else.

The groups come from the connected Slack workspace (--user-groups, which needs --slack-channels), so
without Slack the list is always empty. There is no detail route: /user_groups/<id>/ is Django's HTML 404.
"""

from __future__ import annotations


class UserGroupResource:
    name = "user_groups"
    default_page_size = 50
    read_only = True
    detail_route = False
    # RBACPermission knows only "list": any other method and OPTIONS crash (HTML 500).
    rbac_strict = True

    def __init__(self, state):
        self.state = state

    @staticmethod
    def represent(group):
        return {"id": group.id, "type": "slack_based", "slack": {"id": group.slack_id, "name": group.name, "handle": group.handle}}

    def list(self, query):
        items = sorted(self.state.user_groups.values(), key=lambda g: g.pk)
        handle = query.get("slack_handle")
        if handle:
            items = [g for g in items if g.handle == handle]  # exact, case included
        return [self.represent(g) for g in items]

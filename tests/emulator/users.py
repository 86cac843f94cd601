# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Users (/api/v1/users/): read-only, the users given at start-up (--users).

The first of them stands for the owner of the API token, so /users/current/ answers with it.
"""

from __future__ import annotations

from drf import not_found, validation_error

# The legacy role filter takes numbers: 0 admin, 1 editor, 2 viewer, 3 none.
ROLE_NUMBERS = {"0": "admin", "1": "editor", "2": "viewer", "3": "none"}


class UserResource:
    name = "users"
    default_page_size = 100
    read_only = True
    # RBACPermission knows only list and retrieve: any other method (POST included) and OPTIONS crash (HTML 500).
    rbac_strict = True

    def __init__(self, state):
        self.state = state

    @staticmethod
    def represent(user, short=False):
        result = {"id": user.id, "grafana_id": user.grafana_id, "email": user.email}
        if not short:
            result["slack"] = None  # no Slack identity is ever linked here
        result["username"] = user.username
        result["role"] = user.role
        result["is_phone_number_verified"] = False
        if not short:
            result["timezone"] = None  # unset until the user picks one in the UI
            result["teams"] = []  # team membership is not modelled; a token's admin also shows none
        return result

    def list(self, query):
        items = self.state.sorted_users()
        # Both filters are case-insensitive exact matches; an empty value is ignored.
        username = query.get("username")
        if username:
            items = [u for u in items if u.username.lower() == username.lower()]
        email = query.get("email")
        if email:
            items = [u for u in items if u.email.lower() == email.lower()]
        roles = _roles(query)
        if roles:
            items = [u for u in items if u.role in roles]
        # Only the exact lower-case "true" selects the short form.
        short = query.get("short") == "true"
        return [self.represent(u, short) for u in items]

    def retrieve(self, user_id):
        if user_id == "current":
            users = self.state.sorted_users()
            if not users:
                raise not_found()
            return self.represent(users[0])
        user = self.state.get_user(user_id)
        if user is None:
            raise not_found()
        return self.represent(user)


def _roles(query):
    """The `roles` filter, which may be repeated; a value that is not a role number is refused."""
    values = query.getlist("roles") if hasattr(query, "getlist") else ([query["roles"]] if "roles" in query else [])
    for value in values:
        if value not in ROLE_NUMBERS:
            raise validation_error({"roles": ["Select a valid choice. %s is not one of the available choices." % value]})
    return {ROLE_NUMBERS[value] for value in values}

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks on the users, schedules and Slack user groups given at start-up (--users, --schedules, --user-groups).

The public API cannot create users or user groups (they come from Grafana and from Slack), so tests
that need them name them at start-up. Both EmulatorServer and the command line go through here, so
they accept and refuse the same things (ValueError with a message).
"""

from __future__ import annotations

DEFAULT_EMAIL_DOMAIN = "example.com"


def _entries(values, what):
    if isinstance(values, str):
        raise ValueError("%s must be a list, not the string %r" % (what, values))
    return values or ()


def _name(value, what):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("%s must be non-empty strings, got %r" % (what, value))
    return value.strip()


def user_list(users):
    """Usernames, or (username, e-mail) pairs -> [(username, e-mail)]; the default e-mail is <username>@example.com.

    Grafana logins are unique whatever the case, so "Alice" and "alice" cannot both be given.
    """
    result = []
    for entry in _entries(users, "users"):
        if isinstance(entry, (tuple, list)):
            if len(entry) != 2:
                raise ValueError("a user is a username or a (username, e-mail) pair, got %r" % (entry,))
            username, email = _name(entry[0], "usernames"), _name(entry[1], "e-mail addresses")
        else:
            username = _name(entry, "usernames")
            email = "%s@%s" % (username, DEFAULT_EMAIL_DOMAIN)
        if any(username.lower() == known.lower() for known, _email in result):
            raise ValueError("username %r given twice" % username)
        result.append((username, email))
    return result


def parse_users(text):
    """The --users value: NAME[:EMAIL],... (the e-mail is everything after the first colon)."""
    entries = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        username, sep, email = item.partition(":")
        entries.append((username, email) if sep else username)
    return user_list(entries)


def schedule_list(names):
    """Schedule names; duplicates are allowed, as on the real server."""
    return [_name(name, "schedule names") for name in _entries(names, "schedules")]


def user_group_list(handles, slack_connected):
    """Slack user group handles, unique; they only exist when Slack is connected."""
    handles = [_name(handle, "user group handles") for handle in _entries(handles, "user groups")]
    if handles and not slack_connected:
        raise ValueError("user groups come from a connected Slack workspace: give Slack channels too")
    if len(set(handles)) != len(handles):
        raise ValueError("a user group handle is given twice")
    return handles

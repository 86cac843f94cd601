# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""OnCall ids: their shapes, checked before they go into a URL or a body, and the empty string as "none".

This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import re

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError


class IdShape:
    """The public id of one kind of object: a fixed first letter, then upper-case letters and digits."""

    def __init__(self, letter, example):
        self.pattern = re.compile(r"^%s[0-9A-Z]+$" % letter)
        self.example = example


INTEGRATION_ID = IdShape("C", "CFRPV98RPR1U8")
TEAM_ID = IdShape("T", "TGD6H3A1Y5FCL")
ROUTE_ID = IdShape("R", "RVBE4RKQSCGJ2")
CHAIN_ID = IdShape("F", "FW6E8N3JQ1ZVK")
USER_ID = IdShape("U", "U5T1BCRJ8NZQA")
SCHEDULE_ID = IdShape("S", "SBM7DV7BKFUYU")
WEBHOOK_ID = IdShape("WH", "WH82D7LNAZ6WUM")


def check_id(option, value, shape):
    """Fail when ``value`` (None: not given) is not an id of this shape, naming the option."""
    if value is not None and not shape.pattern.match(value):
        raise OnCallError("%s must be an OnCall id such as %s (a letter, then upper-case letters and digits), got %r"
                          % (option, shape.example, value))
    return value


def given_id(option, value, shape):
    """An ``id`` option: "" means not given (``{{ item.id | default('') }}`` is a common way to say "no id yet")."""
    return check_id(option, value or None, shape)


def reference(value):
    """A reference to another object: "" means "none", which the API spells null."""
    return value if value != "" else None


def check_reference(option, value, shape):
    """A reference option (``team_id``): None is "not managed", "" is "none", anything else must be an id.

    The server reads some strings (such as "null") as none, which would never compare equal.
    """
    check_id(option, value or None, shape)
    return value

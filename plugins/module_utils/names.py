# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Names instead of opaque ids: one filtered request per distinct name, shared by every module.

This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import re

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError


class NamedKind:
    """Where objects of one kind are listed, how the list filters by name, and which field is the id."""

    def __init__(self, label, path, name_filter, name_field, id_field, hint=""):
        self.label = label
        self.path = path
        self.name_filter = name_filter
        self.name_field = name_field
        self.id_field = id_field
        self.hint = hint


TEAM = NamedKind("team", "teams/", "name", "name", "id",
                 hint=" OnCall copies teams from Grafana; a team just created in Grafana can take a while to appear.")
ESCALATION_CHAIN = NamedKind("escalation chain", "escalation_chains/", "name", "name", "id")
INTEGRATION = NamedKind("integration", "integrations/", "name", "name", "id",
                        hint=" When several teams have an integration of that name, use integration_id.")
SLACK_CHANNEL = NamedKind("Slack channel", "slack_channels/", "channel_name", "name", "slack_id",
                          hint=" Only channels of the Slack workspace connected to OnCall are listed, archived ones excepted.")


def reference(value):
    """References to other objects: the empty string means "none", which the API spells null."""
    return value if value != "" else None


def check_object_id(option, value, pattern, example):
    """An id goes into a URL path: check its shape before any request."""
    if value is not None and not pattern.match(value):
        raise OnCallError("%s must be an OnCall id such as %s (a letter, then upper-case letters and digits), got %r"
                          % (option, example, value))


# Public primary keys of the objects whose ids go into URL paths or bodies.
INTEGRATION_ID = re.compile(r"^C[0-9A-Z]+$")
TEAM_ID = re.compile(r"^T[0-9A-Z]+$")


class NameNotFound(OnCallError):
    """No object has the name: for a delete, the object the task means cannot exist either."""


def resolve_team(params, names):
    """team (a name) or team_id, as the API spells it: None when the task does not manage the team, "" for none."""
    if params.get("team") is not None:
        if not params["team"].strip():
            raise OnCallError("team must not be empty; to say none, set team_id to \"\"")
        return names.resolve(TEAM, params["team"].strip())
    return params.get("team_id")


def placeholder(kind, name):
    """What check mode shows where an id would be, for a name that does not exist yet."""
    return "<%s %s>" % (kind.label, name)


def is_placeholder(value):
    return isinstance(value, str) and value.startswith("<") and value.endswith(">")


class NameResolver:
    """Turns names into ids, each distinct name with one filtered request per task.

    In check mode a name that does not resolve is not an error (a playbook may create the object in an
    earlier task): the resolver warns and returns a placeholder, so the task reports the change it would
    make with the name where the id would be.
    """

    def __init__(self, client, check_mode=False, warn=None):
        self.client = client
        self.check_mode = check_mode
        self.warn = warn
        self._cache = {}

    def resolve(self, kind, name):
        if not name:
            raise OnCallError("a %s name must not be empty; to say none, use the id option with \"\"" % kind.label)
        key = (kind.label, name)
        if key not in self._cache:
            self._cache[key] = self._lookup(kind, name)
        return self._cache[key]

    def remember(self, kind, items):
        """Answer later lookups of these objects' names from a listing the task has already read."""
        for item in items:
            self._cache.setdefault((kind.label, item.get(kind.name_field)), item.get(kind.id_field))

    def _lookup(self, kind, name):
        found = [item for item in self.client.list_all(kind.path, {kind.name_filter: name}) if item.get(kind.name_field) == name]
        if len(found) > 1:
            raise OnCallError("%s name %r is ambiguous: %d match (%s); use the id option instead"
                              % (kind.label, name, len(found), ", ".join(str(item.get(kind.id_field)) for item in found)))
        if found:
            return found[0][kind.id_field]
        message = "%s %r not found in OnCall.%s" % (kind.label, name, kind.hint)
        if self.check_mode:
            if self.warn is not None:
                self.warn("%s In check mode this is not an error, in case an earlier task creates it; the result shows %s "
                          "where its id would be." % (message, placeholder(kind, name)))
            return placeholder(kind, name)
        raise NameNotFound(message)

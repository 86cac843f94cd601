# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Objects found by name: the one lookup rule ("exact name, one match or fail naming the candidates") and the
task's name-to-id cache, one filtered request per distinct name.

This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError


class NamedKind:
    """Where objects of one kind are listed, how the list filters by name, which field is the id, and the
    option a task sets instead of the name to pick one of several.

    ``creatable``: a module of this collection can create such objects, so check mode tolerates a name that
    does not exist yet (an earlier task may create it); other names must exist in check mode too.
    """

    def __init__(self, label, path, id_option, name_filter="name", name_field="name", id_field="id", hint="", creatable=True):
        self.label = label
        self.path = path
        self.id_option = id_option
        self.name_filter = name_filter
        self.name_field = name_field
        self.id_field = id_field
        self.hint = hint
        self.creatable = creatable

    def name_of(self, item):
        """The object's name; a dotted ``name_field`` reads a nested one (``slack.handle``)."""
        for part in self.name_field.split("."):
            item = item.get(part) if isinstance(item, dict) else None
        return item


# No module of this collection creates teams, Slack channels, schedules or user groups: such a name must exist in
# check mode too, or a green dry run would promise a real run that fails.
TEAM = NamedKind("team", "teams/", "team_id", creatable=False,
                 hint=" OnCall copies teams from Grafana; a team just created in Grafana can take a while to appear.")
ESCALATION_CHAIN = NamedKind("escalation chain", "escalation_chains/", "escalation_chain_id")
INTEGRATION = NamedKind("integration", "integrations/", "integration_id")
SLACK_CHANNEL = NamedKind("Slack channel", "slack_channels/", "slack.channel_id", name_filter="channel_name", id_field="slack_id",
                          creatable=False, hint=" Only channels of the Slack workspace connected to OnCall are listed, archived ones excepted.")
SCHEDULE = NamedKind("schedule", "schedules/", "schedule_id", creatable=False)
USER_GROUP = NamedKind("Slack user group", "user_groups/", "user_group_id", name_filter="slack_handle", name_field="slack.handle",
                       creatable=False, hint=" Only user groups of the Slack workspace connected to OnCall are listed, by their handle.")
# Outgoing webhooks are objects a playbook manages too (an earlier task may create one): check mode takes them on trust.
WEBHOOK = NamedKind("outgoing webhook", "webhooks/", "webhook_id")


def exact_matches(client, kind, name):
    """The objects of ``kind`` named exactly ``name``: the server's name filter, checked again here."""
    return [item for item in client.list_all(kind.path, {kind.name_filter: name}) if kind.name_of(item) == name]


class TeamNames:
    """Team names for messages, listed once on first use (only a failure needs them)."""

    def __init__(self, client):
        self.client = client
        self._names = None

    def describe(self, team_id):
        if not team_id:
            return "no team"
        if self._names is None:
            self._names = {team.get("id"): team.get("name") for team in self.client.list_all(TEAM.path)}
        name = self._names.get(team_id)
        return "team %s (%s)" % (name, team_id) if name else "team %s" % team_id

    def candidate(self, item):
        """An object as an ambiguity error lists it: its id and its team, by name and id."""
        return "%s (%s)" % (item.get("id"), self.describe(item.get("team_id")))


def pick_one(matches, what, fix, describe=None):
    """The one object in ``matches``, None when there is none; several fail, naming each and the option that picks one.

    ``what`` says what was looked for ("integration name 'x'"), ``fix`` the option(s) that disambiguate,
    ``describe(item)`` how a candidate is shown (its id by default).
    """
    if len(matches) > 1:
        shown = ", ".join(describe(item) if describe else str(item.get("id")) for item in matches)
        raise OnCallError("%s is ambiguous: %d match: %s. Set %s to pick one; nothing was changed" % (what, len(matches), shown, fix))
    return matches[0] if matches else None


class NameNotFound(OnCallError):
    """No object has the name: for a delete, the object the task means cannot exist either."""


def placeholder(kind, name):
    """What check mode shows where an id would be, for a name that does not exist yet."""
    return "<%s %s>" % (kind.label, name)


def is_placeholder(value):
    return isinstance(value, str) and value.startswith("<") and value.endswith(">")


def check_name(option, value, none_option=None):
    """A name option, trimmed; never empty ("" would be ambiguous with "none", which the id option says)."""
    if value is None:
        return None
    trimmed = value.strip()
    if not trimmed:
        raise OnCallError("%s must not be empty%s" % (option, "; to say none, set %s to \"\"" % none_option if none_option else ""))
    return trimmed


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

    def resolve(self, kind, name, tolerate=True):
        """The id of the object of ``kind`` named ``name``. ``tolerate=False``: never a check-mode placeholder (a delete
        has nothing to predict for a name that does not exist, so it needs no warning either)."""
        key = (kind.label, name)
        if key not in self._cache:
            self._cache[key] = self._lookup(kind, name, tolerate)
        return self._cache[key]

    def name_of(self, kind, object_id):
        """The name this task resolved to ``object_id``, if it did; for messages and diffs."""
        return next((name for (label, name), found in self._cache.items() if label == kind.label and found == object_id), None)

    def remember(self, kind, items):
        """Answer later lookups of these objects' names from a listing the task has already read."""
        for item in items:
            self._cache.setdefault((kind.label, kind.name_of(item)), item.get(kind.id_field))

    def _lookup(self, kind, name, tolerate):
        # Objects that belong to teams (integrations) are told apart by their team too.
        describe = TeamNames(self.client).candidate if kind is INTEGRATION else (lambda item: str(item.get(kind.id_field)))
        found = pick_one(exact_matches(self.client, kind, name), "%s name %r" % (kind.label, name), kind.id_option, describe=describe)
        if found is not None:
            return found[kind.id_field]
        message = "%s %r not found in OnCall.%s" % (kind.label, name, kind.hint)
        if self.check_mode and kind.creatable and tolerate:
            if self.warn is not None:
                self.warn("%s In check mode this is not an error, in case an earlier task creates it; the result shows %s "
                          "where its id would be." % (message, placeholder(kind, name)))
            return placeholder(kind, name)
        raise NameNotFound(message)


def resolve_option(names, kind, name, option, id_option):
    """``names.resolve(kind, name)`` for the task option ``option`` (``steps[2].webhook``): a failure names that option,
    and an ambiguity names ``id_option``, the option of this task that picks one, instead of the kind's own."""
    try:
        return names.resolve(kind, name)
    except NameNotFound as exc:
        raise NameNotFound("%s: %s" % (option, exc)) from None
    except OnCallAPIError:
        raise
    except OnCallError as exc:
        raise OnCallError("%s: %s" % (option, str(exc).replace("Set %s " % kind.id_option, "Set %s " % id_option))) from None


def of_team(items, team_id, field="team_id"):
    """The items of this team (``""``: of no team); all of them when ``team_id`` is None. The team is picked here
    because the server's team filter answers 500 on self-hosted OnCall. ``field``: where the items hold their team
    (outgoing webhooks call it ``team``)."""
    if team_id is None:
        return items
    wanted = None if team_id == "" else team_id
    return [item for item in items if item.get(field) == wanted]


def team_id_of(team, team_id, names):
    """The team a task means, as the API spells it: ``team`` (a name) resolved, else ``team_id``; None when not managed."""
    return names.resolve(TEAM, team) if team is not None else team_id


class UserDirectory:
    """Every user, listed once per task on first use, by username and by e-mail address.

    OnCall matches both case-insensitively, so a name here does too. No module of this collection creates
    users, so an unknown one fails in check mode as well.
    """

    def __init__(self, client):
        self.client = client
        self._users = None

    def user_id(self, name, option):
        if self._users is None:
            self._users = self.client.list_all("users/")
        wanted = name.strip().lower()
        matches = [user for user in self._users
                   if wanted in ((user.get("username") or "").lower(), (user.get("email") or "").lower())]
        found = pick_one(matches, "%s: user %r" % (option, name), option.rsplit(".", 1)[0] + ".user_ids",
                         describe=lambda user: "%s (%s)" % (user.get("id"), user.get("username")))
        if found is None:
            raise OnCallError("%s: no OnCall user has the username or e-mail address %r" % (option, name))
        return found["id"]

    def username_of(self, user_id):
        """The username of an id, when the users were listed; None otherwise."""
        return next((user.get("username") for user in self._users or [] if user.get("id") == user_id), None)

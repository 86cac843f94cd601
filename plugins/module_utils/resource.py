# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The generic resource layer: one state machine for every OnCall object a module manages.

A subclass says where the object lives, how its options are normalised, how to find it and what the task
wants; this class does the rest once for all modules: present/absent, the minimal write, check mode,
the diff, the result, and the "never create twice" rule for POSTs whose outcome is unknown.

It takes plain values (the task's options, a client, the modes and a warn callback), never an Ansible
module, so a module that manages many objects builds one resource per object the same way a module does.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

from ansible_collections.oncall.grafana.plugins.module_utils.diff import apply_changes, as_text, changed_subset, project
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError, PartialFailure
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameResolver


CREATE, UPDATE, DELETE, NOTHING = "create", "update", "delete", "nothing"


class Found:
    """What find() read: the object (None: there is none) and what later steps need from the same reads.

    ``sample``: any object of the kind seen on the server (it shows which messaging backends the server has);
    ``siblings``: the other objects of the same ordered list (a route's routes), in order, when read.
    """

    def __init__(self, current, sample=None, siblings=None):
        self.current = current
        self.sample = sample if sample is not None else current
        self.siblings = siblings


class Plan:
    """The one write a task needs for one object: ``action`` is CREATE, UPDATE, DELETE or NOTHING.

    ``options`` are the task's options with names resolved, ``desired`` the managed fields as the API spells
    them, ``changes`` the nested part of desired that differs from ``found.current``. ``members`` is the plan of
    the object's own ordered list (a chain's steps) when the task manages it: written after the object.
    """

    def __init__(self, action, options, found, desired, changes=None, members=None):
        self.action = action
        self.options = options
        self.found = found
        self.desired = desired
        self.changes = changes or {}
        self.members = members
        #: what apply() carried out: the action, or UPDATE / NOTHING when another run created the object first
        self.outcome = action
        #: the plan apply() carried out instead, when another run created the object first (None otherwise)
        self.replanned = None

    @property
    def current(self):
        return self.found.current

    @property
    def changed(self):
        return self.action != NOTHING or bool(self.members and self.members.changed)


def post_once(client, path, body, find, label):
    """POST a create so that it can never make two objects.

    When the outcome is unknown (timeout, connection lost), ``find()`` looks the object up first: if it is
    there, it was created and the task goes on with it; if not, the POST is sent once more.
    A POST answered 5xx is never sent again: the object is looked up once, so the failure can say
    whether the server created it anyway (``created``), and the task fails with the server's answer.
    """
    for attempt in (1, 2):
        try:
            return client.post(path, body)
        except OnCallAPIError as exc:
            server_error = exc.status is not None and exc.status >= 500
            if not (exc.outcome_unknown or server_error):
                raise
            found = find()
            if server_error:
                if found is None:
                    raise
                raise OnCallAPIError(exc.method, exc.path, exc.status, "%s; the %s was created nonetheless (id %s), a re-run manages it"
                                     % (exc.message, label, found.get("id")), body=exc.body, created=found) from exc
            if found is not None:
                return found
            if attempt == 2:
                raise
    return None  # not reached: the second attempt returns or raises


class Resource:
    """Base class; subclasses set the class attributes and implement the hooks marked below.

    ``options`` are the task's options as Ansible validated them; the constructor normalises them once (and
    fails on a bad one, before any request) into ``self.options``, which nothing edits afterwards.
    """

    #: list endpoint, relative to /api/v1/ (``"integrations/"``)
    path = None
    #: key of the object in the module result (``"integration"``)
    result_key = None
    #: what the object is called in messages
    label = None
    #: top-level keys every diff shows besides the ones the task sets
    diff_always = ()
    #: top-level keys never shown in a diff: secrets (ingest links) and fields the server changes on its own
    diff_hidden = ()
    #: how to create the object instead, for the "no such id" message
    create_hint = ""
    #: the server's answer to a create whose object another run made meanwhile (its uniqueness check)
    exists_message = None

    def __init__(self, options, client, check_mode=False, diff=False, warn=None, names=None):
        self.client = client
        self.check_mode = check_mode
        self.diff = diff
        self.warn = warn or (lambda message: None)
        #: the task's name-to-id cache; modules that manage many objects share one across them
        self.names = names or NameResolver(client, check_mode, self.warn)
        self.options = self.normalize(options)

    # ------------------------------------------------------------------ hooks

    def normalize(self, options):
        """The task's options as a new value this resource reads (trimmed, ids checked); raise OnCallError for a bad one."""
        raise NotImplementedError

    def resolve(self, options):
        """``options`` with the names a task uses turned into ids (one request per distinct name): a new value."""
        return options

    def find(self, options):
        """A Found: the existing object, or None. Raise OnCallError when the match is ambiguous."""
        raise NotImplementedError

    def desired(self, options, found):
        """The managed fields as the API spells them; None means "null"; absent keys are not managed.

        ``found.current`` is the existing object (None on create), for options such as purges whose meaning
        depends on what exists.
        """
        raise NotImplementedError

    def check_create(self, plan):
        """Raise OnCallError when the object cannot be created as planned (runs before any write)."""

    def check_update(self, plan):
        """Raise OnCallError when the existing object cannot be made as planned (runs before any write)."""

    def check_delete(self, plan):
        """Raise OnCallError when the object found must not be deleted (runs before any write)."""

    def create_body(self, plan):
        return dict(plan.desired)

    def update_body(self, plan):
        """The PUT body for ``plan.changes`` (the nested subset of desired that differs); some APIs need more."""
        return plan.changes

    def write_update(self, plan):
        """Send the update; returns the object as the server now has it."""
        return self.client.put(self.item_path(plan.current), self.update_body(plan))

    def predict_update(self, plan):
        """What write_update would return, for check mode."""
        return apply_changes(plan.current, plan.changes)

    def write_create(self, plan):
        """Send the create (at most once, see post_once); returns the object as the server made it."""
        return post_once(self.client, self.path, self.create_body(plan), lambda: self.find_created(plan), self.label)

    def predict_created(self, plan):
        """What a create would return, for check mode: server-made fields are None."""
        return dict(plan.desired)

    def find_created(self, plan):
        """Look the object up afresh, after a create whose answer was lost."""
        return self.find(plan.options).current

    def result_extra(self, plan):
        """Keys a subclass adds to the module result (for example, that a route was re-created)."""
        return {}

    def name_of(self, obj):
        return obj.get("name") or obj.get("id") or ""

    # ------------------------------------------------------------------ the state machine

    def item_path(self, obj):
        return "%s%s/" % (self.path, obj["id"])

    def find_by_id(self, object_id, state):
        """The object with this id; None when absent and the task deletes it; an error when the task wants it."""
        return self.checked_by_id(object_id, self.client.get_or_none("%s%s/" % (self.path, object_id)), state)

    def checked_by_id(self, object_id, found, state):
        """``found`` (the object with this id, or None), failing when it is missing and the task wants it."""
        if found is None and state == "present":
            raise OnCallError("no %s with id %s (%s)" % (self.label, object_id, self.create_hint))
        return found

    def run(self):
        """Plan and apply: the whole task for a single-object module."""
        return self.apply(self.plan())

    def plan(self):
        """Read what exists and decide the one write the task needs; every check runs here, before any write.

        The steps, in order: names to ids (resolve), the existing object (find), what the task wants of it
        (desired), the action and its checks, then the plan of the object's own list, if managed. Modules that
        manage many objects plan them all before applying any.
        """
        options = self.resolve(self.options)
        found = self.find(options)
        desired = self.desired(options, found)
        current = found.current
        if options.state == "absent":
            plan = Plan(DELETE if current is not None else NOTHING, options, found, desired)
            if current is not None:
                self.check_delete(plan)
            return plan
        if current is None:
            plan = Plan(CREATE, options, found, desired)
            self.check_create(plan)
        else:
            changes = changed_subset(desired, current)
            plan = Plan(UPDATE if changes else NOTHING, options, found, desired, changes)
            self.check_update(plan)
        plan.members = self.plan_members(plan)
        return plan

    def plan_members(self, plan):
        """The plan of the object's own ordered list, or None when the task does not manage one."""
        return None

    def apply(self, plan):
        """Send the planned writes (none in check mode) and return the module result."""
        shape = self.diff_shape(plan.desired)
        if plan.action == DELETE:
            if not self.check_mode:
                # A 404 here means someone else deleted it meanwhile: the goal is reached either way.
                self.client.delete(self.item_path(plan.current))
            return self.result(plan, {}, project(plan.current, shape), {}, plan.current)
        if plan.action == CREATE:
            try:
                obj = self.predict_created(plan) if self.check_mode else self.write_create(plan)
            except OnCallAPIError as exc:
                found_plan = self.created_meanwhile(plan, exc)
                plan.outcome, plan.replanned = found_plan.action, found_plan
                return self.apply(found_plan)
            before = {}
        elif plan.action == UPDATE:
            obj = self.predict_update(plan) if self.check_mode else self.write_update(plan)
            before = project(plan.current, shape)
        else:
            obj = plan.current
            before = project(plan.current, shape)
        after = project(obj, shape)
        if plan.members is not None:
            members = plan.members
            try:
                items = members.apply(self.client, obj.get("id"), self.check_mode)
            except OnCallError as exc:
                raise self.members_failed(plan, obj, exc) from None
            obj = dict(obj, **{members.key: items})
            if plan.current is not None:
                before[members.key] = members.diff_view(members.before)
            after[members.key] = members.diff_view(items)
        return self.result(plan, obj, before, after, plan.current or obj)

    def members_failed(self, plan, obj, exc):
        """The error to fail with when writing the object's list failed: the same, unless something was written before it,
        which the result must then report (changed, what was applied)."""
        members, outcome = plan.members, plan.outcome
        if outcome == NOTHING and not members.sent:
            return exc
        cause = exc.cause if isinstance(exc, PartialFailure) else exc
        name = self.name_of(obj)
        done = {CREATE: "created", UPDATE: "updated"}.get(outcome, "updated" if members.sent else "unchanged")
        written = ["the %s %s was %s" % (self.label, name, done)] if outcome != NOTHING else []
        if members.sent:
            written.append("some of its %s were written" % members.key if written else
                           "some of the %s of %s %s were written" % (members.key, self.label, name))
        return PartialFailure("%s. Before this failure, %s; a re-run picks up from here" % (exc, " and ".join(written)), cause,
                              applied=[{"action": done, "id": obj.get("id"), "name": name}],
                              not_applied=["the rest of the %s of %s %s" % (members.key, self.label, name)], changed=True)

    def created_meanwhile(self, plan, exc):
        """The plan for the object another run created between this task's lookup and its create (two CI jobs, an
        AWX retry): the server refused the create as a duplicate, so the object is looked up and then compared and
        updated like any object found. Anything else re-raises ``exc``."""
        if not (self.exists_message and exc.status == 400 and self.exists_message in exc.message):
            raise exc
        existing = self.find_created(plan)
        if existing is None:
            raise exc
        self.warn("another run created %s %r while this task was planning; it is compared with the task, and updated if it "
                  "differs" % (self.label, self.name_of(existing)))
        found = Found(existing)
        desired = self.desired(plan.options, found)      # what the task wants of it depends on what exists (purges)
        changes = changed_subset(desired, existing)
        found_plan = Plan(UPDATE if changes else NOTHING, plan.options, found, desired, changes)
        self.check_update(found_plan)
        found_plan.members = self.plan_members(found_plan)
        return found_plan

    # ------------------------------------------------------------------ result and diff

    def diff_shape(self, desired):
        shape = {key: None for key in self.diff_always}
        shape.update({key: value for key, value in desired.items() if key not in self.diff_hidden})
        return shape

    def result(self, plan, obj, before, after, subject):
        """The module result: the object as it now is, and Ansible's diff of a change when asked for."""
        result = dict(self.result_extra(plan), changed=plan.changed, **{self.result_key: obj or {}})
        if self.diff and plan.changed:
            header = "%s %s" % (self.label, self.name_of(subject or obj))
            result["diff"] = {"before": as_text(before), "after": as_text(after), "before_header": header, "after_header": header}
        return result

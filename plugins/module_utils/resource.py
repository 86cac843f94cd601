# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The generic resource layer: one state machine for every OnCall object a module manages.

A subclass says where the object lives, how to find it and what the task wants; this class does the
rest once for all modules: present/absent, the minimal write, check mode, Ansible's diff, the result,
and the "never create twice" rule for POSTs whose outcome is unknown.

This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import copy

from ansible_collections.oncall.grafana.plugins.module_utils.diff import apply_changes, changed_subset, project
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameResolver


CREATE, UPDATE, DELETE, NOTHING = "create", "update", "delete", "nothing"


class Plan:
    """The one write a task needs for one object: ``action`` is CREATE, UPDATE, DELETE or NOTHING."""

    def __init__(self, action, current, desired, changes=None):
        self.action = action
        self.current = current
        self.desired = desired
        self.changes = changes or {}


def post_once(client, path, body, find, label):
    """POST a create so that it can never make two objects.

    When the outcome is unknown (timeout, connection lost), ``find()`` looks the object up first: if it is
    there, it was created and the task goes on with it; if not, the POST is sent once more.
    A POST answered 5xx is never sent again: the object is looked up once, so the failure can say
    whether the server created it anyway, and the task fails with the server's answer.
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
                error = OnCallAPIError(exc.method, exc.path, exc.status, "%s; the %s was created nonetheless (id %s), "
                                       "a re-run manages it" % (exc.message, label, found.get("id")), body=exc.body)
                error.created = found
                raise error from exc
            if found is not None:
                return found
            if attempt == 2:
                raise
    return None  # not reached: the second attempt returns or raises


class Resource:
    """Base class; subclasses set the class attributes and implement the hooks marked below."""

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

    def __init__(self, module, client, names=None):
        self.module = module
        self.client = client
        #: the task's name-to-id cache; modules that manage many objects share one across them
        self.names = names or NameResolver(client, module.check_mode, module.warn)
        # A private copy: subclasses normalise it (trimmed names, resolved ids) while the task's own
        # arguments, which Ansible echoes back as the invocation, stay as the user wrote them.
        self.params = copy.deepcopy(module.params)
        #: keys a subclass adds to the module result (for example, that a route was re-created)
        self.extra_result = {}
        self.check_mode = module.check_mode

    # ------------------------------------------------------------------ hooks

    def validate_params(self):
        """Raise OnCallError for a bad option; runs before any request."""

    def resolve_names(self):
        """Turn the names a task uses into ids (one request per distinct name); runs before the lookup."""

    def find(self):
        """The existing object, or None. Raise OnCallError when the match is ambiguous."""
        raise NotImplementedError

    def desired(self, current):
        """The managed fields as the API spells them; None means "null"; absent keys are not managed.

        ``current`` is the existing object (None on create), for options such as purges whose meaning
        depends on what exists.
        """
        raise NotImplementedError

    def check_create(self, desired):
        """Raise OnCallError when the object cannot be created as asked (runs before any write)."""

    def check_update(self, current, desired):
        """Raise OnCallError when the existing object cannot be made as asked (runs before any write)."""

    def check_delete(self, current):
        """Raise OnCallError when the object found must not be deleted (runs before any write)."""

    def create_body(self, desired):
        return dict(desired)

    def update_body(self, changes, current, desired):
        """The PUT body for ``changes`` (the nested subset of desired that differs); some APIs need more."""
        return changes

    def write_update(self, current, changes, desired):
        """Send the update; returns the object as the server now has it."""
        return self.client.put(self.item_path(current), self.update_body(changes, current, desired))

    def predict_update(self, current, changes, desired):
        """What write_update would return, for check mode."""
        return apply_changes(current, changes)

    def predict_created(self, desired):
        """What a create would return, for check mode: server-made fields are None."""
        return dict(desired)

    def after_create(self, created):
        """Verify a fresh object; may delete it and raise. Returns the object to report."""
        return created

    def name_of(self, obj):
        return obj.get("name") or obj.get("id") or ""

    #: how to create the object instead, for the "no such id" message
    create_hint = ""

    def find_by_id(self, object_id):
        """The object with this id; None when absent and the task deletes it; an error when the task wants it."""
        return self.checked_by_id(object_id, self.client.get_or_none("%s%s/" % (self.path, object_id)))

    def checked_by_id(self, object_id, found):
        """``found`` (the object with this id, or None), failing when it is missing and the task wants it."""
        if found is None and self.params.get("state") == "present":
            raise OnCallError("no %s with id %s (%s)" % (self.label, object_id, self.create_hint))
        return found

    # ------------------------------------------------------------------ the state machine

    def item_path(self, obj):
        return "%s%s/" % (self.path, obj["id"])

    def run(self):
        """Validate, plan and apply: the whole task for a single-object module."""
        self.validate_params()
        return self.apply(self.plan())

    def plan(self):
        """Read what exists and decide the one write the task needs; every check runs here, before any write.

        validate_params() must have run. Modules that manage many objects plan them all before applying any.
        """
        self.resolve_names()
        current = self.find()
        desired = self.desired(current)
        if self.params.get("state") == "absent":
            if current is None:
                return Plan(NOTHING, None, desired)
            self.check_delete(current)
            return Plan(DELETE, current, desired)
        if current is None:
            self.check_create(desired)
            return Plan(CREATE, None, desired)
        self.check_update(current, desired)
        changes = changed_subset(desired, current)
        return Plan(UPDATE if changes else NOTHING, current, desired, changes)

    def apply(self, plan):
        """Send the planned write (none in check mode) and return the module result."""
        if plan.action == DELETE:
            return self._delete(plan.current, plan.desired)
        if plan.action == CREATE:
            return self._create(plan.desired)
        if plan.action == UPDATE:
            return self._update(plan.current, plan.changes, plan.desired)
        return self._result(False, plan.current or {})

    def _delete(self, current, desired):
        if not self.check_mode:
            # A 404 here means someone else deleted it meanwhile: the goal is reached either way.
            self.client.delete(self.item_path(current))
        return self._result(True, {}, before=project(current, self.diff_shape(desired)), after={}, subject=current)

    def _create(self, desired):
        if self.check_mode:
            created = self.predict_created(desired)
        else:
            created = self.after_create(self._post_once(self.create_body(desired)))
        shape = self.diff_shape(desired)
        return self._result(True, created, before={}, after=project(created, shape), subject=created)

    def _update(self, current, changes, desired):
        if self.check_mode:
            updated = self.predict_update(current, changes, desired)
        else:
            updated = self.write_update(current, changes, desired)
        shape = self.diff_shape(desired)
        return self._result(True, updated, before=project(current, shape), after=project(updated, shape), subject=current)

    def find_again(self):
        """Look the object up afresh, after a create whose answer was lost (a subclass may have read it from a cache)."""
        return self.find()

    def _post_once(self, body):
        return post_once(self.client, self.path, body, self.find_again, self.label)

    # ------------------------------------------------------------------ result and diff

    def diff_shape(self, desired):
        shape = {key: None for key in self.diff_always}
        shape.update({key: value for key, value in desired.items() if key not in self.diff_hidden})
        return shape

    def _result(self, changed, obj, before=None, after=None, subject=None):
        result = dict(self.extra_result, changed=changed, **{self.result_key: obj})
        if changed and self.module._diff:
            name = self.name_of(subject or obj)
            result["diff"] = {
                "before": before,
                "after": after,
                "before_header": "%s %s" % (self.label, name),
                "after_header": "%s %s" % (self.label, name),
            }
        return result

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""OnCall escalation chains on top of the resource layer.

What the server does that shapes this file: a name is unique in the whole organization, whatever the
team, so the name alone identifies a chain and the team is a plain attribute; PUT needs ``name``; the
``team_id`` list filter answers 500 on self-hosted OnCall.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.escalation_steps import (
    REFERENCES,
    STEP_OPTIONS,
    STEP_TYPES,
    comparable,
    desired_steps,
    normalized_steps,
)
from ansible_collections.oncall.grafana.plugins.module_utils.ids import CHAIN_ID, TEAM_ID, check_reference, given_id, reference
from ansible_collections.oncall.grafana.plugins.module_utils.names import (
    ESCALATION_CHAIN,
    UserDirectory,
    check_name,
    exact_matches,
    of_team,
    pick_one,
    team_id_of,
)
from ansible_collections.oncall.grafana.plugins.module_utils.resource import Found, Resource
from ansible_collections.oncall.grafana.plugins.module_utils.step_list import PATH as STEPS_PATH
from ansible_collections.oncall.grafana.plugins.module_utils.step_list import StepListPlan

NAME_MAX = 100

ESCALATION_CHAIN_ARGUMENT_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    name=dict(type="str"),
    id=dict(type="str"),
    team_id=dict(type="str"),
    team=dict(type="str"),
    steps=dict(type="list", elements="dict", options=STEP_OPTIONS),
)
ESCALATION_CHAIN_MODULE_KWARGS = dict(required_one_of=[("name", "id")], mutually_exclusive=[("team_id", "team")])

ESCALATION_CHAIN_INFO_ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    team_id=dict(type="str"),
    team=dict(type="str"),
    steps=dict(type="bool", default=False),
    export=dict(type="bool", default=False),
)
ESCALATION_CHAIN_INFO_MODULE_KWARGS = dict(mutually_exclusive=[("team_id", "team")])


@dataclass(frozen=True)
class ChainOptions:
    """One escalation chain task's options, normalised; ``team`` is a name until resolve() turns it into ``team_id``.

    ``steps`` (None: not managed) are the task's steps, checked and normalised; resolve() turns them into the API's
    spelling, every name an id.
    """

    state: str
    id: str
    name: str
    team: str
    team_id: str
    steps: list


def chain_options(params):
    name = check_name("name", params.get("name"))
    if name is None and not params.get("id"):
        raise OnCallError("name is required unless id is given")
    if name is not None and len(name) > NAME_MAX:
        raise OnCallError("name is %d characters long; OnCall allows at most %d" % (len(name), NAME_MAX))
    return ChainOptions(state=params.get("state") or "present", id=given_id("id", params.get("id"), CHAIN_ID), name=name,
                        # A delete never reads the team: the name alone identifies a chain.
                        team=check_name("team", params.get("team"), none_option="team_id") if params.get("state") != "absent" else None,
                        team_id=check_reference("team_id", params.get("team_id"), TEAM_ID),
                        steps=normalized_steps(params.get("steps")) if params.get("state") != "absent" else None)


class EscalationChain(Resource):
    path = "escalation_chains/"
    result_key = "escalation_chain"
    label = "escalation chain"
    diff_always = ("name", "team_id")
    create_hint = "to create one, give name without id"
    # Names are unique in the organization: a chain another run created meanwhile is refused with this.
    exists_message = "The fields organization, name must make a unique set."

    def __init__(self, options, client, check_mode=False, diff=False, warn=None, names=None):
        super().__init__(options, client, check_mode, diff, warn, names)
        #: every user, listed once on first use, for the steps' usernames and e-mail addresses
        self.users = UserDirectory(client)

    def normalize(self, options):
        return chain_options(options)

    def resolve(self, options):
        if options.state == "absent":
            # The name alone identifies a chain: a team deleted meanwhile must not block deleting it.
            return options
        steps = desired_steps(options.steps, self.names, self.users) if options.steps is not None else None
        return replace(options, team=None, team_id=team_id_of(options.team, options.team_id, self.names), steps=steps)

    def plan_members(self, plan):
        if plan.options.steps is None:
            return None
        existing = self.client.list_all(STEPS_PATH, {"escalation_chain_id": plan.current["id"]}) if plan.current else []
        return StepListPlan(existing, plan.options.steps, self.name_in_diff)

    def name_in_diff(self, field, value):
        """What a step points at, as the diff shows it: the name the task used for it, else the id."""
        if field in ("persons_to_notify", "persons_to_notify_next_each_time"):
            return self.users.username_of(value) or str(value)
        kind = next((named_kind for dummy, named_kind, api_field in REFERENCES.values() if api_field == field), None)
        return (self.names.name_of(kind, value) if kind else None) or str(value)

    def find(self, options):
        if options.id:
            return Found(self.find_by_id(options.id, options.state))
        # Names are unique in the organization whatever the team: the team is not part of the lookup.
        return Found(pick_one(exact_matches(self.client, ESCALATION_CHAIN, options.name), "escalation chain name %r" % options.name, "id"))

    def desired(self, options, found):
        desired = {}
        if options.name is not None:
            desired["name"] = options.name
        if options.team_id is not None:
            desired["team_id"] = reference(options.team_id)
        return desired

    def update_body(self, plan):
        # PUT on escalation chains requires name, even when only the team changes.
        return dict(plan.changes, name=plan.desired.get("name", plan.current.get("name")))

    def predict_created(self, plan):
        return {"id": None, "name": plan.desired.get("name"), "team_id": plan.desired.get("team_id")}


def list_escalation_chains(params, client, names):
    """The chains matching the filters; with ``steps``, each chain's steps in order (one listing of every step)."""
    team_id = team_id_of(check_name("team", params.get("team"), none_option="team_id"), params.get("team_id"), names)
    name = params["name"].strip() if params.get("name") is not None else None
    items = exact_matches(client, ESCALATION_CHAIN, name) if name is not None else client.list_all("escalation_chains/")
    items = of_team(items, team_id)
    if params.get("steps") and items:
        by_chain = {}
        for step in client.list_all(STEPS_PATH):
            by_chain.setdefault(step.get("escalation_chain_id"), []).append(step)
        items = [dict(item, steps=sorted(by_chain.get(item["id"], []), key=lambda step: step.get("position") or 0)) for item in items]
    if params.get("export"):
        items = [dict(item, params=export_params(item)) for item in items]
    return {"changed": False, "escalation_chains": items}


# The step options that reproduce an API field: ids, never names, so a re-apply resolves nothing.
EXPORTED_OPTIONS = dict({field: id_option for id_option, dummy, field in REFERENCES.values()},
                        persons_to_notify="user_ids", persons_to_notify_next_each_time="user_ids")


def export_params(chain):
    """The oncall_escalation_chain options that reproduce ``chain`` (its steps too, when they were read)."""
    params = {"id": chain["id"], "name": chain["name"], "team_id": chain.get("team_id") or ""}
    if "steps" in chain:
        params["steps"] = [export_step(step) for step in chain["steps"] if step.get("type") in STEP_TYPES]
    return params


def export_step(step):
    """The step item that reproduces ``step``; a target the server holds as null is left out."""
    exported = {}
    for key, value in comparable(step).items():
        if value is not None and value != []:
            exported[EXPORTED_OPTIONS.get(key, key)] = value
    return exported

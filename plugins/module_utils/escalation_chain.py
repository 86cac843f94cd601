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
from ansible_collections.oncall.grafana.plugins.module_utils.ids import CHAIN_ID, TEAM_ID, check_reference, given_id, reference
from ansible_collections.oncall.grafana.plugins.module_utils.names import ESCALATION_CHAIN, check_name, exact_matches, pick_one, team_id_of
from ansible_collections.oncall.grafana.plugins.module_utils.resource import Found, Resource

NAME_MAX = 100

ESCALATION_CHAIN_ARGUMENT_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    name=dict(type="str"),
    id=dict(type="str"),
    team_id=dict(type="str"),
    team=dict(type="str"),
)
ESCALATION_CHAIN_MODULE_KWARGS = dict(required_one_of=[("name", "id")], mutually_exclusive=[("team_id", "team")])

ESCALATION_CHAIN_INFO_ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    team_id=dict(type="str"),
    team=dict(type="str"),
)
ESCALATION_CHAIN_INFO_MODULE_KWARGS = dict(mutually_exclusive=[("team_id", "team")])


@dataclass(frozen=True)
class ChainOptions:
    """One escalation chain task's options, normalised; ``team`` is a name until resolve() turns it into ``team_id``."""

    state: str
    id: str
    name: str
    team: str
    team_id: str


def chain_options(params):
    name = check_name("name", params.get("name"))
    if name is None and not params.get("id"):
        raise OnCallError("name is required unless id is given")
    if name is not None and len(name) > NAME_MAX:
        raise OnCallError("name is %d characters long; OnCall allows at most %d" % (len(name), NAME_MAX))
    return ChainOptions(state=params.get("state") or "present", id=given_id("id", params.get("id"), CHAIN_ID), name=name,
                        team=check_name("team", params.get("team"), none_option="team_id"),
                        team_id=check_reference("team_id", params.get("team_id"), TEAM_ID))


class EscalationChain(Resource):
    path = "escalation_chains/"
    result_key = "escalation_chain"
    label = "escalation chain"
    diff_always = ("name", "team_id")
    create_hint = "to create one, give name without id"

    def normalize(self, options):
        return chain_options(options)

    def resolve(self, options):
        if options.state == "absent":
            # The name alone identifies a chain: a team deleted meanwhile must not block deleting it.
            return options
        return replace(options, team=None, team_id=team_id_of(options.team, options.team_id, self.names))

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
    team_id = team_id_of(check_name("team", params.get("team"), none_option="team_id"), params.get("team_id"), names)
    name = params["name"].strip() if params.get("name") is not None else None
    items = exact_matches(client, ESCALATION_CHAIN, name) if name is not None else client.list_all("escalation_chains/")
    if team_id is not None:
        items = [item for item in items if item.get("team_id") == reference(team_id)]
    return {"changed": False, "escalation_chains": items}

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""OnCall escalation chains on top of the resource layer.

Contract facts used here (escalation chains section): names are unique in the whole organization,
whatever the team, so the name alone identifies a chain and the team is a plain attribute; PUT needs
``name``; the ``team_id`` list filter is broken on self-hosted OnCall.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import re

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameResolver, check_object_id, reference, resolve_team
from ansible_collections.oncall.grafana.plugins.module_utils.resource import Resource

NAME_MAX = 100
CHAIN_ID = re.compile(r"^F[0-9A-Z]+$")

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


class EscalationChain(Resource):
    path = "escalation_chains/"
    result_key = "escalation_chain"
    label = "escalation chain"
    diff_always = ("name", "team_id")
    create_hint = "to create one, give name without id"

    def validate_params(self):
        params = self.params
        if params.get("id") == "":
            params["id"] = None
        check_object_id("id", params.get("id"), CHAIN_ID, "FW6E8N3JQ1ZVK")
        if params.get("name") is not None:
            params["name"] = params["name"].strip()
            if not params["name"]:
                raise OnCallError("name must not be empty")
            if len(params["name"]) > NAME_MAX:
                raise OnCallError("name is %d characters long; OnCall allows at most %d" % (len(params["name"]), NAME_MAX))
        elif params.get("id") is None:
            raise OnCallError("name is required unless id is given")

    def resolve_names(self):
        if self.params.get("state") == "absent":
            # The name alone identifies a chain: a team deleted meanwhile must not block deleting it.
            return
        team_id = resolve_team(self.params, self.names)
        self.params.pop("team", None)
        self.params["team_id"] = team_id

    def find(self):
        params = self.params
        if params.get("id"):
            return self.find_by_id(params["id"])
        # Names are unique in the organization whatever the team: the team is not part of the lookup.
        found = [item for item in self.client.list_all(self.path, {"name": params["name"]}) if item.get("name") == params["name"]]
        if len(found) > 1:
            raise OnCallError("escalation chain name %r is ambiguous: %s; set id to pick one; nothing was changed"
                              % (params["name"], ", ".join(item["id"] for item in found)))
        return found[0] if found else None

    def desired(self, current):
        desired = {}
        if self.params.get("name") is not None:
            desired["name"] = self.params["name"]
        if self.params.get("team_id") is not None:
            desired["team_id"] = reference(self.params["team_id"])
        return desired

    def update_body(self, changes, current, desired):
        # PUT on escalation chains requires name, even when only the team changes.
        return dict(changes, name=desired.get("name", current.get("name")))

    def predict_created(self, desired):
        return {"id": None, "name": desired.get("name"), "team_id": desired.get("team_id")}


def list_escalation_chains(module, client):
    params = module.params
    names = NameResolver(client, module.check_mode, module.warn)
    team_id = resolve_team(params, names)
    name = params["name"].strip() if params.get("name") is not None else None
    items = client.list_all("escalation_chains/", {"name": name} if name is not None else None)
    if name is not None:
        items = [item for item in items if item.get("name") == name]
    if team_id is not None:
        items = [item for item in items if item.get("team_id") == reference(team_id)]
    return {"changed": False, "escalation_chains": items}

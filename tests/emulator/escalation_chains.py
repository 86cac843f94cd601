# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Escalation chains."""

from __future__ import annotations

from drf import MISSING, FieldValidator, not_found, require_dict, validation_error
from ids import public_id
from store import EscalationChain
from team_filter import filter_by_team


class EscalationChainResource:
    name = "escalation_chains"
    default_page_size = 50
    read_only = False

    def __init__(self, state):
        self.state = state

    @staticmethod
    def represent(chain):
        return {"id": chain.id, "name": chain.name, "team_id": chain.team_id}

    def list(self, query):
        items = sorted(self.state.escalation_chains.values(), key=lambda c: c.pk)
        name = query.get("name")
        if name:
            items = [c for c in items if c.name == name]
        items = filter_by_team(self.state, items, query)
        return [self.represent(c) for c in items]

    def _get(self, chain_id):
        chain = self.state.escalation_chains.get(chain_id)
        if chain is None:
            raise not_found()
        return chain

    def retrieve(self, chain_id):
        return self.represent(self._get(chain_id))

    def _read(self, data, partial, instance=None):
        require_dict(data)
        fields = FieldValidator(data, partial=partial)
        name = fields.char("name", required=True, max_length=100)
        team = fields.related("team_id", self.state.get_team, allow_null=True, null_strings=("null",))
        fields.raise_errors()
        # unique_together = (organization, name): one name per organization, whatever the team.
        check = name if name is not MISSING else (instance.name if instance else MISSING)
        if check is not MISSING and any(c.name == check and c is not instance for c in self.state.escalation_chains.values()):
            raise validation_error({"non_field_errors": ["The fields organization, name must make a unique set."]})
        return name, team

    def create(self, data):
        name, team = self._read(data, partial=False)
        chain = EscalationChain(
            pk=self.state.next_pk(),
            id=public_id("F", self.state.all_ids()),
            name=name,
            team_id=team.id if team not in (MISSING, None) else None,
        )
        self.state.escalation_chains[chain.id] = chain
        return 201, self.represent(chain)

    def update(self, chain_id, data, partial):
        chain = self._get(chain_id)
        # Unlike integrations and routes, PUT needs `name`; only PATCH is partial.
        name, team = self._read(data, partial=partial, instance=chain)
        if name is not MISSING:
            chain.name = name
        if team is not MISSING:
            chain.team_id = team.id if team is not None else None
        return 200, self.represent(chain)

    def destroy(self, chain_id):
        chain = self._get(chain_id)
        del self.state.escalation_chains[chain.id]
        # Steps belong to their chain (a cascade): they go with it, hidden ones included.
        for step in self.state.chain_steps(chain.id):
            del self.state.escalation_policies[step.id]
        # ChannelFilter.escalation_chain is on_delete=SET_NULL: routes stay, without a chain.
        for route in self.state.routes.values():
            if route.escalation_chain_id == chain.id:
                route.escalation_chain_id = None

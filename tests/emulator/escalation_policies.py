# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Escalation steps (/api/v1/escalation_policies/), their server bugs included.

Facts the module copies, each because a client can trip on it:
* a step shows `position`, `id`, `escalation_chain_id`, `type`, then only its type's fields, then
  `important` for the five types that have an important variant;
* nothing checks that a step has the target its type needs;
* PUT and PATCH are both partial; `escalation_chain_id` cannot change;
* changing the type clears the user list at once (unless the new type has one too), but values of
  other kinds are only hidden: switching back without them shows the old duration, schedule, ...;
* a type-only PUT resets `important` (the public name is the non-important variant);
* ordering is OnCall's raw positions with gaps (ordering.py); a bad position on create answers 400
  after the step was appended, and the step stays;
* negative alert-window numbers fail a database constraint: HTML 500, nothing saved;
* an important round robin is saved, then cannot be shown: HTML 500, and hidden from then on.
"""

from __future__ import annotations

from drf import not_found, server_error
from ids import public_id
from ordering import adjust_position, next_order
from step_fields import read_step
from step_types import COLUMNS, StepTypes, is_user_list_type, kept_columns, step_number
from store import EscalationPolicy


class EscalationPolicyResource:
    name = "escalation_policies"
    default_page_size = 50
    read_only = False
    # RBACPermission knows only the view's own actions: other methods and OPTIONS crash (HTML 500).
    rbac_strict = True

    def __init__(self, state):
        self.state = state
        self.types = StepTypes(cloud=state.cloud)

    def represent(self, policy):
        result = {"position": policy.order, "id": policy.id, "escalation_chain_id": policy.escalation_chain_id, "type": None}
        kind = self.types.of_step(policy.step)
        if kind is None:
            return result  # an empty step: no other key
        if not self.types.is_visible(policy.step):
            # The type field looks the number up in the public name map and fails (KeyError).
            raise server_error()
        result["type"] = kind.name
        for key in kind.keys:
            result[key] = self._value(policy, key)
        if kind.important_step is not None:
            result["important"] = policy.step == kind.important_step
        return result

    def _value(self, policy, key):
        value = getattr(policy, COLUMNS[key])
        if COLUMNS[key] == "user_ids":
            # The database's order, not the order sent: here the users' creation order.
            return [user.id for user in self.state.sorted_users() if user.id in value]
        if key in ("notify_if_time_from", "notify_if_time_to") and value is not None:
            return value + "Z"
        return value

    def _visible(self):
        items = [p for p in self.state.escalation_policies.values() if self.types.is_visible(p.step)]
        chains = self.state.escalation_chains
        return sorted(items, key=lambda p: (chains[p.escalation_chain_id].pk, p.order))

    def list(self, query):
        items = self._visible()
        chain_id = query.get("escalation_chain_id")
        if chain_id:
            # An unknown chain is not an error: the list is just empty.
            items = [p for p in items if p.escalation_chain_id == chain_id]
        return [self.represent(p) for p in items]

    def _get(self, policy_id):
        policy = self.state.escalation_policies.get(policy_id)
        if policy is None or not self.types.is_visible(policy.step):
            raise not_found()
        return policy

    def retrieve(self, policy_id):
        return self.represent(self._get(policy_id))

    def create(self, data):
        sent = read_step(self.state, self.types, data, creating=True)
        kind = sent["type"]
        columns = kept_columns(kind, sent)
        _check_database_constraints(columns)
        chain_id = sent["escalation_chain_id"]
        policy = EscalationPolicy(
            pk=self.state.next_pk(),
            id=public_id("E", self.state.all_ids()),
            escalation_chain_id=chain_id,
            order=next_order(self.state.chain_steps(chain_id)),
            step=step_number(kind, kind.step, sent.get("important")),
            **columns,
        )
        self.state.escalation_policies[policy.id] = policy
        if sent.get("position") is not None:
            adjust_position(policy, self.state.chain_steps(chain_id), sent["position"], sent.get("manual_order") is True, created=True)
        return 201, self.represent(policy)

    def update(self, policy_id, data, partial):  # pylint: disable=unused-argument
        policy = self._get(policy_id)
        sent = read_step(self.state, self.types, data, creating=False)
        if "type" in sent:
            kind = sent["type"]
            step = kind.step if kind is not None else None
        else:
            kind, step = self.types.of_step(policy.step), policy.step
        columns = kept_columns(kind, sent)
        if step != policy.step and step is not None and not is_user_list_type(kind):
            # The user list is cleared at once, before the move and the save below (no transaction).
            policy.user_ids = []
        if sent.get("position") is not None:
            steps = self.state.chain_steps(policy.escalation_chain_id)
            adjust_position(policy, steps, sent["position"], sent.get("manual_order") is True, created=False)
        _check_database_constraints(columns)
        # Only the fields sent are saved: values of the old type stay in their columns, unseen.
        policy.step = step_number(kind, step, sent.get("important"))
        for column, value in columns.items():
            setattr(policy, column, value)
        return 200, self.represent(policy)

    def destroy(self, policy_id):
        policy = self._get(policy_id)
        # A hard delete; the steps after it keep their positions.
        del self.state.escalation_policies[policy.id]


def _check_database_constraints(columns):
    """The alert-window numbers have no bound in the serializer but are unsigned columns: a negative value
    fails the database's check (after a few internal retries on create) and the server answers HTML 500."""
    for column in ("num_alerts_in_window", "num_minutes_in_window"):
        if columns.get(column) is not None and columns[column] < 0:
            raise server_error()

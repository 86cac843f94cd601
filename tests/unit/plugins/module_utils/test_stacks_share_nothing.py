# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Two stacks in one Python process (as tasks of one worker could be): teams and chains with the same names and
different ids. Each task must resolve names on its own stack, and no module-level state may change while they run."""

from __future__ import annotations

import importlib
import pkgutil

from ansible_collections.oncall.grafana.plugins import module_utils
from ansible_collections.oncall.grafana.plugins.module_utils.escalation_chain import ESCALATION_CHAIN_ARGUMENT_SPEC, EscalationChain
from ansible_collections.oncall.grafana.plugins.module_utils.fleet import FLEET_ARGUMENT_SPEC, Fleet
from ansible_collections.oncall.grafana.plugins.module_utils.integration import INTEGRATION_ARGUMENT_SPEC, Integration
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import ansible_params


def module_state():
    """Every mutable module-level value of the collection's module_utils, as text."""
    state = {}
    for info in pkgutil.iter_modules(module_utils.__path__):
        module = importlib.import_module("%s.%s" % (module_utils.__name__, info.name))
        for name, value in vars(module).items():
            if isinstance(value, (dict, list, set)):
                state["%s.%s" % (info.name, name)] = repr(value)
    return state


def run_tasks(stack):
    """A chain with a team step, an integration naming both, and a fleet item naming both, on ``stack``."""
    client = stack.client()
    EscalationChain(ansible_params(ESCALATION_CHAIN_ARGUMENT_SPEC, name="paging", team="ops",
                                   steps=[{"type": "notify_team_members", "team": "ops"}]), client).run()
    single = Integration(ansible_params(INTEGRATION_ARGUMENT_SPEC, name="alerts", type="webhook", team="ops",
                                        default_route={"escalation_chain": "paging"},
                                        routes=[{"routing_regex": "critical", "escalation_chain": "paging"}]), client).run()
    fleet = Fleet(ansible_params(FLEET_ARGUMENT_SPEC, config=[{"name": "more alerts", "type": "webhook", "team": "ops",
                                                               "default_route": {"escalation_chain": "paging"}}]), client).run()
    return single["integration"], fleet["results"][0]["id"]


def test_tasks_on_two_stacks_in_one_process_each_get_their_own_ids(oncall, cloud):
    before = module_state()
    made = {}
    for stack in (oncall, cloud, oncall):
        made[id(stack)] = run_tasks(stack)
    assert module_state() == before
    ops_ids = {oncall.team_id("ops"), cloud.team_id("ops")}
    assert len(ops_ids) == 2
    for stack in (oncall, cloud):
        team, chain = stack.team_id("ops"), stack.all("escalation_chains/")[0]
        integration, fleet_id = made[id(stack)]
        assert integration["team_id"] == team and integration["default_route"]["escalation_chain_id"] == chain["id"]
        assert [route["escalation_chain_id"] for route in integration["routes"]] == [chain["id"]]
        assert stack.get("integrations/%s/" % fleet_id)["default_route"]["escalation_chain_id"] == chain["id"]
        steps = stack.all("escalation_policies/", {"escalation_chain_id": chain["id"]})
        assert [step["team_to_notify"] for step in steps] == [team]

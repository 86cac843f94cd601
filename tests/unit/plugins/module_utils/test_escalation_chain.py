# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The EscalationChain resource (oncall_escalation_chain) and list_escalation_chains (its info module) against the emulator."""

from __future__ import annotations

import copy

import pytest
import yaml

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError, PartialFailure
from ansible_collections.oncall.grafana.plugins.module_utils.escalation_chain import (
    ESCALATION_CHAIN_ARGUMENT_SPEC,
    ESCALATION_CHAIN_INFO_ARGUMENT_SPEC,
    EscalationChain,
    list_escalation_chains,
)
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameNotFound, NameResolver
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import ansible_params

API = "/api/v1/"
LOOKUP_NIGHT = ("GET", "escalation_chains/", {"name": "night"})


class Chains:
    """On a fresh emulator: chains prod (no team) and night (team ops); teams ops and db. The request log is cleared."""

    def __init__(self, oncall):
        self.ops = oncall.team_id("ops")
        self.db = oncall.team_id("db")
        self.prod = oncall.chain("prod")["id"]
        self.night = oncall.chain("night", team_id=self.ops)["id"]
        oncall.clear_log()


@pytest.fixture
def chains(oncall):
    return Chains(oncall)


def writes(oncall):
    return [request for request in oncall.sent() if request[0] != "GET"]


def methods(oncall):
    return [method for method, dummy in oncall.requests()]


def names_of_chains(oncall):
    return [chain["name"] for chain in oncall.all("escalation_chains/")]


def run(oncall, check_mode=False, diff=True, **task):
    """One oncall_escalation_chain task, the request log cleared first; the result and the warnings."""
    params = ansible_params(ESCALATION_CHAIN_ARGUMENT_SPEC, **task)
    before = copy.deepcopy(params)
    warnings = []
    oncall.clear_log()
    result = EscalationChain(params, oncall.client(), check_mode=check_mode, diff=diff, warn=warnings.append).run()
    assert params == before, "the task's own params were changed"
    return result, warnings


def fails(oncall, check_mode=False, **task):
    with pytest.raises(OnCallError) as caught:
        run(oncall, check_mode=check_mode, **task)
    return caught.value


# ------------------------------------------------------------------ unchanged, create, update


def test_unchanged_costs_one_lookup(oncall, chains):
    result, dummy = run(oncall, name="night", team_id=chains.ops)
    assert result == {"changed": False, "escalation_chain": {"id": chains.night, "name": "night", "team_id": chains.ops}}
    assert oncall.sent() == [LOOKUP_NIGHT]


def test_unchanged_with_a_team_name_costs_one_more_request(oncall, chains):
    result, dummy = run(oncall, name="night", team="ops")
    assert result["changed"] is False
    assert oncall.sent() == [("GET", "teams/", {"name": "ops"}), LOOKUP_NIGHT]


def test_create_posts_name_and_team_and_returns_the_chain(oncall, chains):
    result, dummy = run(oncall, name="  day ", team="db")
    assert writes(oncall) == [("POST", "escalation_chains/", {"name": "day", "team_id": chains.db})]
    assert result["changed"] is True
    assert result["escalation_chain"]["name"] == "day" and result["escalation_chain"]["team_id"] == chains.db
    assert yaml.safe_load(result["diff"]["before"]) == {} and yaml.safe_load(result["diff"]["after"]) == {"name": "day", "team_id": chains.db}
    again, dummy = run(oncall, name="day", team="db")
    assert again["changed"] is False
    assert writes(oncall) == []


def test_create_without_team_sends_no_team(oncall, chains):
    run(oncall, name="day")
    assert writes(oncall) == [("POST", "escalation_chains/", {"name": "day"})]


def test_team_is_an_attribute_the_name_alone_identifies_the_chain(oncall, chains):
    result, dummy = run(oncall, name="night", team="db")
    assert oncall.sent() == [("GET", "teams/", {"name": "db"}), LOOKUP_NIGHT,
                             ("PUT", "escalation_chains/%s/" % chains.night, {"team_id": chains.db, "name": "night"})]
    assert result["escalation_chain"]["team_id"] == chains.db
    assert yaml.safe_load(result["diff"]["before"]) == {"name": "night", "team_id": chains.ops}
    assert yaml.safe_load(result["diff"]["after"]) == {"name": "night", "team_id": chains.db}


def test_empty_team_id_means_no_team(oncall, chains):
    run(oncall, name="night", team_id="")
    assert writes(oncall) == [("PUT", "escalation_chains/%s/" % chains.night, {"team_id": None, "name": "night"})]
    assert oncall.get("escalation_chains/%s/" % chains.night)["team_id"] is None


def test_left_out_team_is_not_managed(oncall, chains):
    result, dummy = run(oncall, name="night")
    assert result["changed"] is False
    assert oncall.sent() == [LOOKUP_NIGHT]


def test_rename_by_id_sends_the_new_name(oncall, chains):
    result, dummy = run(oncall, id=chains.night, name="late night")
    assert oncall.sent() == [("GET", "escalation_chains/%s/" % chains.night, {}),
                             ("PUT", "escalation_chains/%s/" % chains.night, {"name": "late night"})]
    assert result["escalation_chain"] == {"id": chains.night, "name": "late night", "team_id": chains.ops}
    assert yaml.safe_load(result["diff"]["before"])["name"] == "night" and yaml.safe_load(result["diff"]["after"])["name"] == "late night"


def test_team_move_by_id_without_name_still_sends_the_name(oncall, chains):
    run(oncall, id=chains.night, team_id="")
    assert writes(oncall) == [("PUT", "escalation_chains/%s/" % chains.night, {"team_id": None, "name": "night"})]


def test_by_id_alone_is_unchanged_with_one_get(oncall, chains):
    result, dummy = run(oncall, id=chains.night)
    assert result["changed"] is False
    assert oncall.sent() == [("GET", "escalation_chains/%s/" % chains.night, {})]


def test_unknown_id_fails_when_present_and_is_absent_when_absent(oncall, chains):
    error = fails(oncall, id="FZZZ", name="x")
    assert "no escalation chain with id FZZZ" in str(error)
    assert oncall.sent() == [("GET", "escalation_chains/FZZZ/", {})]
    result, dummy = run(oncall, id="FZZZ", state="absent")
    assert result == {"changed": False, "escalation_chain": {}}
    assert writes(oncall) == []


def test_renaming_onto_a_taken_name_reports_the_server_answer(oncall, chains):
    error = fails(oncall, id=chains.night, name="prod")
    assert isinstance(error, OnCallAPIError) and error.status == 400
    assert "must make a unique set" in str(error)
    assert names_of_chains(oncall) == ["prod", "night"]


# ------------------------------------------------------------------ check mode and diff


CHECK_MODE_TASKS = [
    pytest.param(lambda chains: dict(name="day", team="ops"), id="create"),
    pytest.param(lambda chains: dict(name="night", team="db"), id="team-by-name"),
    pytest.param(lambda chains: dict(name="night", team_id=""), id="no-team"),
    pytest.param(lambda chains: dict(id=chains.night, name="renamed"), id="rename-by-id"),
    pytest.param(lambda chains: dict(name="night", state="absent"), id="delete"),
    pytest.param(lambda chains: dict(name="prod", team_id=chains.ops), id="team-by-id"),
]


@pytest.mark.parametrize("make_task", CHECK_MODE_TASKS)
def test_check_mode_predicts_the_real_run(oncall, chains, make_task):
    task = make_task(chains)
    predicted, dummy = run(oncall, check_mode=True, **task)
    assert writes(oncall) == []
    result, dummy = run(oncall, **task)
    assert predicted["changed"] is result["changed"] is True
    assert predicted["diff"] == result["diff"]
    if task.get("state") != "absent":
        assert {key: value for key, value in predicted["escalation_chain"].items() if key != "id"} == \
            {key: value for key, value in result["escalation_chain"].items() if key != "id"}


def test_check_mode_create_has_a_null_id(oncall, chains):
    predicted, dummy = run(oncall, check_mode=True, name="day")
    assert predicted["escalation_chain"] == {"id": None, "name": "day", "team_id": None}
    assert writes(oncall) == []


def test_check_mode_with_a_team_that_does_not_exist_fails_as_a_real_run_would(oncall, chains):
    # No module creates teams: a dry run that passed would promise a real run that fails.
    with pytest.raises(NameNotFound, match="team 'later' not found in OnCall"):
        run(oncall, check_mode=True, name="day", team="later")
    assert writes(oncall) == []


# ------------------------------------------------------------------ absent


def test_absent_deletes_by_name_and_routes_keep_existing_without_chain(oncall, chains):
    integration = oncall.integration("prod")["id"]
    kept = oncall.route(integration, "a", escalation_chain_id=chains.night)["id"]
    result, dummy = run(oncall, name="night", state="absent")
    assert writes(oncall) == [("DELETE", "escalation_chains/%s/" % chains.night, None)]
    assert result["changed"] is True and result["escalation_chain"] == {}
    assert oncall.get("routes/%s/" % kept)["escalation_chain_id"] is None
    again, dummy = run(oncall, name="night", state="absent")
    assert again["changed"] is False
    assert writes(oncall) == []


def test_absent_by_name_ignores_the_team(oncall, chains):
    run(oncall, name="night", team="db", state="absent")
    assert writes(oncall) == [("DELETE", "escalation_chains/%s/" % chains.night, None)]


def test_absent_by_id(oncall, chains):
    run(oncall, id=chains.prod, state="absent")
    assert writes(oncall) == [("DELETE", "escalation_chains/%s/" % chains.prod, None)]
    assert names_of_chains(oncall) == ["night"]


def test_absent_does_not_need_the_team_to_exist(oncall, chains):
    result, dummy = run(oncall, name="night", team="gone", state="absent")
    assert result["changed"] is True
    assert oncall.sent() == [LOOKUP_NIGHT, ("DELETE", "escalation_chains/%s/" % chains.night, None)]


# ------------------------------------------------------------------ a POST with an unknown outcome


def test_lost_post_answer_is_looked_up_and_found_means_no_second_post(oncall, chains):
    oncall.add_fault("POST", r"^/api/v1/escalation_chains/$", kind="reset_after")
    result, dummy = run(oncall, name="day", team_id=chains.ops)
    assert methods(oncall) == ["GET", "POST", "GET"]
    assert result["escalation_chain"]["name"] == "day" and result["escalation_chain"]["id"]
    assert result["changed"] is True
    assert names_of_chains(oncall).count("day") == 1


def test_lost_post_not_applied_is_sent_again_after_the_lookup(oncall, chains):
    oncall.add_fault("POST", r"^/api/v1/escalation_chains/$", kind="reset_before")
    run(oncall, name="day")
    assert methods(oncall) == ["GET", "POST", "GET", "POST"]
    assert names_of_chains(oncall).count("day") == 1


def test_post_answered_500_is_looked_up_once_and_fails(oncall, chains):
    oncall.add_fault("POST", r"^/api/v1/escalation_chains/$", kind="status", status=500)
    error = fails(oncall, name="day")
    assert isinstance(error, OnCallAPIError) and error.status == 500
    assert methods(oncall) == ["GET", "POST", "GET"]
    assert "day" not in names_of_chains(oncall)


# ------------------------------------------------------------------ options


@pytest.mark.parametrize("task, message", [
    (dict(name="x" * 101), "at most 100"),
    (dict(name="   "), "name must not be empty"),
    (dict(id="fnight2"), "id must be an OnCall id"),
    (dict(name="night", team=" "), "team must not be empty"),
    (dict(name="night", team_id="null"), "team_id must be an OnCall id"),
])
def test_bad_options_fail_before_any_request(oncall, task, message):
    assert message in str(fails(oncall, **task))
    assert oncall.log() == []


def test_a_100_character_name_is_accepted(oncall, chains):
    run(oncall, name="x" * 100)
    assert writes(oncall)[0][2]["name"] == "x" * 100


def test_unknown_team_name_fails_without_writing(oncall, chains):
    assert "not found" in str(fails(oncall, name="day", team="nope"))
    assert writes(oncall) == []


# ------------------------------------------------------------------ the info module


def info(oncall, **given):
    client = oncall.client()
    return list_escalation_chains(ansible_params(ESCALATION_CHAIN_INFO_ARGUMENT_SPEC, **given), client, NameResolver(client))


def test_info_lists_all_filters_by_name_and_by_team_on_the_client_side(oncall, chains):
    assert [chain["id"] for chain in info(oncall)["escalation_chains"]] == [chains.prod, chains.night]
    assert [chain["id"] for chain in info(oncall, name="night")["escalation_chains"]] == [chains.night]
    assert [chain["id"] for chain in info(oncall, team="ops")["escalation_chains"]] == [chains.night]
    assert [chain["id"] for chain in info(oncall, team_id="")["escalation_chains"]] == [chains.prod]
    assert info(oncall, name="night", team_id=chains.db)["escalation_chains"] == []
    # The team_id filter of the list answers 500 on self-hosted OnCall: the team is never sent as a filter.
    chain_reads = [entry["query"] for entry in oncall.log() if entry["path"] == API + "escalation_chains/"]
    assert len(chain_reads) == 5 and not any("team_id" in query for query in chain_reads)


def test_a_step_written_then_found_stored_otherwise_leaves_the_task_changed(oncall):
    # OnCall drops a user id it does not know without an error: the step exists, and the task fails, changed.
    chain = oncall.chain("verified")
    oncall.api("POST", "escalation_policies/", {"escalation_chain_id": chain["id"], "type": "wait", "duration": 60})
    bob = next(user["id"] for user in oncall.all("users/") if user["username"] == "bob")
    steps = [{"type": "wait", "duration": 60}, {"type": "notify_persons", "user_ids": [bob, "UNOSUCHUSER12"]}]
    with pytest.raises(PartialFailure) as caught:
        EscalationChain(ansible_params(ESCALATION_CHAIN_ARGUMENT_SPEC, name="verified", steps=steps), oncall.client()).run()
    assert caught.value.changed is True
    assert "steps[1]: OnCall did not store the step as sent" in str(caught.value)
    assert "some of the steps of escalation chain verified were written" in str(caught.value)

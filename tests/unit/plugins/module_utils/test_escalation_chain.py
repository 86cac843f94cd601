# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The EscalationChain resource (oncall_escalation_chain) and list_escalation_chains (its info module) against an in-memory server."""

from __future__ import annotations

import copy

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.escalation_chain import (
    ESCALATION_CHAIN_ARGUMENT_SPEC,
    ESCALATION_CHAIN_INFO_ARGUMENT_SPEC,
    ESCALATION_CHAIN_INFO_MODULE_KWARGS,
    ESCALATION_CHAIN_MODULE_KWARGS,
    EscalationChain,
    list_escalation_chains,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.oncall_fakes import FakeModule
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.routes_fakes import OnCallFake, route

LOOKUP_NIGHT = ("LIST", "escalation_chains/", {"name": "night"})


def params(**given):
    result = ArgumentSpecValidator(ESCALATION_CHAIN_ARGUMENT_SPEC, **ESCALATION_CHAIN_MODULE_KWARGS).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def run(fake, check_mode=False, diff=True, **task):
    module = FakeModule(params(**task), check_mode=check_mode, diff=diff)
    before = copy.deepcopy(module.params)
    result = EscalationChain(module, fake).run()
    assert module.params == before, "the task's own params were changed"
    return result, module


def fails(fake, check_mode=False, **task):
    with pytest.raises(OnCallError) as caught:
        run(fake, check_mode=check_mode, **task)
    return caught.value


def check_then_real(**task):
    predicted_fake = OnCallFake()
    predicted, dummy = run(predicted_fake, check_mode=True, **task)
    assert predicted_fake.writes() == []
    fake = OnCallFake()
    result, dummy = run(fake, **task)
    return predicted, result, fake


# ------------------------------------------------------------------ unchanged, create, update


def test_unchanged_costs_one_lookup():
    fake = OnCallFake()
    result, dummy = run(fake, name="night", team_id="TOPS1")
    assert result == {"changed": False, "escalation_chain": {"id": "FNIGHT2", "name": "night", "team_id": "TOPS1"}}
    assert fake.calls == [LOOKUP_NIGHT]


def test_unchanged_with_a_team_name_costs_one_more_request():
    fake = OnCallFake()
    result, dummy = run(fake, name="night", team="ops")
    assert result["changed"] is False
    assert fake.calls == [("LIST", "teams/", {"name": "ops"}), LOOKUP_NIGHT]


def test_create_posts_name_and_team_and_returns_the_chain():
    fake = OnCallFake()
    result, dummy = run(fake, name="  day ", team="dev")
    assert fake.writes() == [("POST", "escalation_chains/", {"name": "day", "team_id": "TDEV2"})]
    assert result["changed"] is True
    assert result["escalation_chain"]["name"] == "day" and result["escalation_chain"]["team_id"] == "TDEV2"
    assert result["diff"]["before"] == {} and result["diff"]["after"] == {"name": "day", "team_id": "TDEV2"}
    fake.calls = []
    again, dummy = run(fake, name="day", team="dev")
    assert again["changed"] is False


def test_create_without_team_sends_no_team():
    fake = OnCallFake()
    run(fake, name="day")
    assert fake.writes() == [("POST", "escalation_chains/", {"name": "day"})]


def test_team_is_an_attribute_the_name_alone_identifies_the_chain():
    fake = OnCallFake()
    result, dummy = run(fake, name="night", team="dev")
    assert fake.calls == [("LIST", "teams/", {"name": "dev"}), LOOKUP_NIGHT, ("PUT", "escalation_chains/FNIGHT2/", {"team_id": "TDEV2", "name": "night"})]
    assert result["escalation_chain"]["team_id"] == "TDEV2"
    assert result["diff"]["before"] == {"name": "night", "team_id": "TOPS1"}
    assert result["diff"]["after"] == {"name": "night", "team_id": "TDEV2"}


def test_empty_team_id_means_no_team():
    fake = OnCallFake()
    run(fake, name="night", team_id="")
    assert fake.writes() == [("PUT", "escalation_chains/FNIGHT2/", {"team_id": None, "name": "night"})]


def test_left_out_team_is_not_managed():
    fake = OnCallFake()
    result, dummy = run(fake, name="night")
    assert result["changed"] is False
    assert fake.calls == [LOOKUP_NIGHT]


def test_rename_by_id_sends_the_new_name():
    fake = OnCallFake()
    result, dummy = run(fake, id="FNIGHT2", name="late night")
    assert fake.calls == [("GET", "escalation_chains/FNIGHT2/", None), ("PUT", "escalation_chains/FNIGHT2/", {"name": "late night"})]
    assert result["escalation_chain"] == {"id": "FNIGHT2", "name": "late night", "team_id": "TOPS1"}
    assert result["diff"]["before"]["name"] == "night" and result["diff"]["after"]["name"] == "late night"


def test_team_move_by_id_without_name_still_sends_the_name():
    fake = OnCallFake()
    run(fake, id="FNIGHT2", team_id="")
    assert fake.writes() == [("PUT", "escalation_chains/FNIGHT2/", {"team_id": None, "name": "night"})]


def test_by_id_alone_is_unchanged_with_one_get():
    fake = OnCallFake()
    result, dummy = run(fake, id="FNIGHT2")
    assert result["changed"] is False
    assert fake.calls == [("GET", "escalation_chains/FNIGHT2/", None)]


def test_unknown_id_fails_when_present_and_is_absent_when_absent():
    fake = OnCallFake()
    error = fails(fake, id="FZZZ", name="x")
    assert "no escalation chain with id FZZZ" in str(error)
    result, dummy = run(fake, id="FZZZ", state="absent")
    assert result == {"changed": False, "escalation_chain": {}}
    assert fake.writes() == []


def test_renaming_onto_a_taken_name_reports_the_server_answer():
    fake = OnCallFake()
    error = fails(fake, id="FNIGHT2", name="prod")
    assert isinstance(error, OnCallAPIError) and error.status == 400


# ------------------------------------------------------------------ check mode and diff


@pytest.mark.parametrize("task", [
    dict(name="day", team="ops"),
    dict(name="night", team="dev"),
    dict(name="night", team_id=""),
    dict(id="FNIGHT2", name="renamed"),
    dict(name="night", state="absent"),
    dict(name="prod", team_id="TOPS1"),
])
def test_check_mode_predicts_the_real_run(task):
    predicted, result, dummy = check_then_real(**task)
    assert predicted["changed"] is result["changed"] is True
    assert predicted["diff"] == result["diff"]
    if task.get("state") != "absent":
        assert {key: value for key, value in predicted["escalation_chain"].items() if key != "id"} == \
            {key: value for key, value in result["escalation_chain"].items() if key != "id"}


def test_check_mode_create_has_a_null_id():
    predicted, dummy, dummy2 = check_then_real(name="day")
    assert predicted["escalation_chain"] == {"id": None, "name": "day", "team_id": None}


def test_check_mode_with_a_team_that_does_not_exist_yet_warns():
    fake = OnCallFake()
    result, module = run(fake, check_mode=True, name="day", team="later")
    assert result["escalation_chain"]["team_id"] == "<team later>"
    assert len(module.warnings) == 1
    assert fake.writes() == []


# ------------------------------------------------------------------ absent


def test_absent_deletes_by_name_and_routes_keep_existing_without_chain():
    fake = OnCallFake([route("RA", 0, "a", chain="FNIGHT2")])
    result, dummy = run(fake, name="night", state="absent")
    assert fake.writes() == [("DELETE", "escalation_chains/FNIGHT2/", None)]
    assert result["changed"] is True and result["escalation_chain"] == {}
    assert fake.by_id("RA")["escalation_chain_id"] is None
    again, dummy = run(fake, name="night", state="absent")
    assert again["changed"] is False


def test_absent_by_name_ignores_the_team():
    fake = OnCallFake()
    run(fake, name="night", team="dev", state="absent")
    assert fake.writes() == [("DELETE", "escalation_chains/FNIGHT2/", None)]


def test_absent_by_id():
    fake = OnCallFake()
    run(fake, id="FPROD1", state="absent")
    assert fake.writes() == [("DELETE", "escalation_chains/FPROD1/", None)]


# ------------------------------------------------------------------ a POST with an unknown outcome


def lost():
    return OnCallAPIError("POST", "/api/v1/escalation_chains/", None, "no answer", outcome_unknown=True)


def test_lost_post_answer_is_looked_up_and_found_means_no_second_post():
    fake = OnCallFake()
    fake.fail["POST"] = [(lost(), True)]
    result, dummy = run(fake, name="day", team_id="TOPS1")
    assert [call[0] for call in fake.calls] == ["LIST", "POST", "LIST"]
    assert result["escalation_chain"]["name"] == "day" and result["escalation_chain"]["id"]
    assert result["changed"] is True
    assert [chain["name"] for chain in fake.chains].count("day") == 1


def test_lost_post_not_applied_is_sent_again_after_the_lookup():
    fake = OnCallFake()
    fake.fail["POST"] = [(lost(), False)]
    run(fake, name="day")
    assert [call[0] for call in fake.calls] == ["LIST", "POST", "LIST", "POST"]
    assert [chain["name"] for chain in fake.chains].count("day") == 1


def test_post_answered_500_is_looked_up_once_and_fails():
    fake = OnCallFake()
    fake.fail["POST"] = [(OnCallAPIError("POST", "/api/v1/escalation_chains/", 500, "Server Error"), False)]
    error = fails(fake, name="day")
    assert isinstance(error, OnCallAPIError) and error.status == 500
    assert [call[0] for call in fake.calls] == ["LIST", "POST", "LIST"]


# ------------------------------------------------------------------ options


@pytest.mark.parametrize("task, message", [
    (dict(name="x" * 101), "at most 100"),
    (dict(name="   "), "name must not be empty"),
    (dict(id="fnight2"), "id must be an OnCall id"),
    (dict(name="night", team=" "), "team must not be empty"),
])
def test_bad_options_fail_before_any_request(task, message):
    fake = OnCallFake()
    assert message in str(fails(fake, **task))
    assert fake.calls == []


def test_a_100_character_name_is_accepted():
    fake = OnCallFake()
    run(fake, name="x" * 100)
    assert fake.writes()[0][2]["name"] == "x" * 100


def test_unknown_team_name_fails_without_writing():
    fake = OnCallFake()
    assert "not found" in str(fails(fake, name="day", team="nope"))
    assert fake.writes() == []


# ------------------------------------------------------------------ the info module


def info(fake, **given):
    result = ArgumentSpecValidator(ESCALATION_CHAIN_INFO_ARGUMENT_SPEC, **ESCALATION_CHAIN_INFO_MODULE_KWARGS).validate(given)
    assert not result.error_messages, result.error_messages
    return list_escalation_chains(FakeModule(result.validated_parameters), fake)


def test_info_lists_all_filters_by_name_and_by_team_on_the_client_side():
    fake = OnCallFake()
    assert [chain["id"] for chain in info(fake)["escalation_chains"]] == ["FPROD1", "FNIGHT2"]
    assert [chain["id"] for chain in info(fake, name="night")["escalation_chains"]] == ["FNIGHT2"]
    assert [chain["id"] for chain in info(fake, team="ops")["escalation_chains"]] == ["FNIGHT2"]
    assert [chain["id"] for chain in info(fake, team_id="")["escalation_chains"]] == ["FPROD1"]
    assert info(fake, name="night", team_id="TDEV2")["escalation_chains"] == []
    assert all(call[2] is None or "team_id" not in call[2] for call in fake.calls)


def test_absent_does_not_need_the_team_to_exist():
    fake = OnCallFake()
    result, dummy = run(fake, name="night", team="gone", state="absent")
    assert result["changed"] is True
    assert fake.calls == [LOOKUP_NIGHT, ("DELETE", "escalation_chains/FNIGHT2/", None)]

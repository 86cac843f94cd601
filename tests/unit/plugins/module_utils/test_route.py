# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Route resource (oncall_route) and list_routes (oncall_route_info) against an in-memory routes endpoint.

The fake (routes_fakes.py) keeps raw positions with gaps and moves routes with OnCall's move-to semantics, so the
tests check the order the server ends with, not only the requests sent.
"""

from __future__ import annotations

import copy
import inspect

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.oncall.grafana.plugins.module_utils.client import OnCallClient
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.route import (
    ROUTE_ARGUMENT_SPEC,
    ROUTE_INFO_ARGUMENT_SPEC,
    ROUTE_INFO_MODULE_KWARGS,
    ROUTE_MODULE_KWARGS,
    Route,
    list_routes,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.oncall_fakes import CLOUD_ROUTE_BACKENDS, FakeModule
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.routes_fakes import OnCallFake, default_route, route

LIST = ("LIST", "routes/", {"integration_id": "CINT1"})
IDS = ["RA", "RB", "RC", "RD"]
JINJA_PAREN = "{{ payload.tags | join('(') }}"  # valid Jinja, not a valid regex (seen on the real engine)


def gapped(**changes):
    """Four routes with raw positions 0, 2, 5, 9 (after deletions) and the default route, which also says 0."""
    routes = [route("RA", 0, "a"), route("RB", 2, "b"), route("RC", 5, "c"), route("RD", 9, "d"), default_route()]
    for item in routes:
        item.update(changes.get(item["id"], {}))
    return routes


def params(**given):
    result = ArgumentSpecValidator(ROUTE_ARGUMENT_SPEC, **ROUTE_MODULE_KWARGS).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def run(fake, check_mode=False, diff=True, **task):
    module = FakeModule(params(**task), check_mode=check_mode, diff=diff)
    before = copy.deepcopy(module.params)
    result = Route(module, fake).run()
    assert module.params == before, "the task's own params were changed"
    return result, module


def fails(fake, check_mode=False, **task):
    module = FakeModule(params(**task), check_mode=check_mode)
    with pytest.raises(OnCallError) as caught:
        Route(module, fake).run()
    return caught.value


def check_then_real(routes, **task):
    """Run the task in check mode, then for real on a fresh copy; check mode must not write."""
    predicted_fake = OnCallFake(routes)
    predicted, dummy = run(predicted_fake, check_mode=True, **task)
    assert predicted_fake.writes() == []
    fake = OnCallFake(routes)
    result, module = run(fake, **task)
    return predicted, result, fake, module


def test_fake_has_the_signatures_of_the_real_client():
    for name in ("get_or_none", "list_all", "post", "put", "delete"):
        assert inspect.signature(getattr(OnCallFake, name)) == inspect.signature(getattr(OnCallClient, name)), name


# ------------------------------------------------------------------ the fake itself follows OnCall's ordering


def test_fake_reproduces_the_positions_seen_on_the_real_engine():
    # Seen: created as (default position), then position 0, then position 10 read back as 1, 0 and 10.
    fake = OnCallFake([default_route()])
    first = fake.post("routes/", {"integration_id": "CINT1", "routing_regex": "x", "escalation_chain_id": None})
    second = fake.post("routes/", {"integration_id": "CINT1", "routing_regex": "y", "escalation_chain_id": None, "position": 0})
    third = fake.post("routes/", {"integration_id": "CINT1", "routing_regex": "z", "escalation_chain_id": None, "position": 10})
    assert fake.positions() == {first["id"]: 1, second["id"]: 0, third["id"]: 10}
    assert fake.by_id("RDEFINT1")["position"] == 0
    fake.delete("routes/%s/" % first["id"])
    assert fake.positions() == {second["id"]: 0, third["id"]: 10}


# ------------------------------------------------------------------ position targets on create


@pytest.mark.parametrize("wanted", [None, 0, 1, 2, 3, 4, 5, 100])
def test_create_lands_at_the_wanted_index_among_gapped_routes(wanted):
    fake = OnCallFake(gapped(), list_order="reversed")
    task = dict(integration_id="CINT1", routing_regex="new", escalation_chain_id="FPROD1")
    if wanted is not None:
        task["position"] = wanted
    result, dummy = run(fake, **task)
    new = result["route"]["id"]
    index = len(IDS) if wanted is None else min(wanted, len(IDS))
    assert fake.order() == IDS[:index] + [new] + IDS[index:]
    assert fake.by_id("RDEFINT1")["position"] == 0, "the default route is never touched"
    (post,) = fake.writes()
    assert post[0] == "POST"
    expected = {"integration_id": "CINT1", "escalation_chain_id": "FPROD1", "routing_type": "regex", "routing_regex": "new"}
    if wanted is not None and wanted < len(IDS):
        expected["position"] = [0, 2, 5, 9][wanted]  # the raw value of the route now at that index
    assert post[2] == expected
    # the second run is unchanged, for the price of the routes listing
    fake.calls = []
    again, dummy = run(fake, **task)
    assert again["changed"] is False
    assert fake.calls == [LIST]


def test_create_on_an_integration_without_routes_starts_at_zero():
    fake = OnCallFake([default_route()])
    result, dummy = run(fake, integration_id="CINT1", routing_regex="x", position=0)
    assert result["route"]["position"] == 0
    assert fake.order() == [result["route"]["id"]]


@pytest.mark.parametrize("wanted", [None, 0, 2, 4, 7])
def test_check_mode_predicts_the_created_route(wanted):
    task = dict(integration_id="CINT1", routing_regex="new", escalation_chain_id="FPROD1", slack={"channel_id": "c01alerts", "enabled": False})
    if wanted is not None:
        task["position"] = wanted
    predicted, result, dummy, dummy2 = check_then_real(gapped(), **task)
    assert predicted["changed"] is result["changed"] is True
    assert predicted["route"]["id"] is None
    for key in ("position", "integration_id", "routing_type", "routing_regex", "escalation_chain_id", "slack", "is_the_last_route"):
        assert predicted["route"][key] == result["route"][key], key
    assert predicted["diff"]["before"] == result["diff"]["before"] == {}
    assert predicted["diff"]["after"] == result["diff"]["after"]


# ------------------------------------------------------------------ position targets on update


MOVES = [(ident, wanted) for ident in IDS for wanted in range(6)]


@pytest.mark.parametrize("ident, wanted", MOVES)
def test_move_lands_at_the_wanted_index_with_one_put_or_none(ident, wanted):
    fake = OnCallFake(gapped(), list_order="reversed")
    result, dummy = run(fake, integration_id="CINT1", routing_regex=ident[1].lower(), position=wanted)
    others = [other for other in IDS if other != ident]
    index = min(wanted, len(IDS) - 1)
    assert fake.order() == others[:index] + [ident] + others[index:]
    assert fake.by_id("RDEFINT1")["position"] == 0
    if IDS.index(ident) == index:
        assert result["changed"] is False
        assert fake.writes() == []
        assert fake.calls == [LIST]
    else:
        assert result["changed"] is True
        assert fake.writes() == [("PUT", "routes/%s/" % ident, {"position": [0, 2, 5, 9][index]})]
        assert result["route"]["position"] == fake.by_id(ident)["position"]
    fake.calls = []
    again, dummy = run(fake, integration_id="CINT1", routing_regex=ident[1].lower(), position=wanted)
    assert again["changed"] is False
    assert fake.writes() == []


@pytest.mark.parametrize("ident, wanted", MOVES)
def test_check_mode_predicts_the_move(ident, wanted):
    predicted, result, dummy, dummy2 = check_then_real(gapped(), integration_id="CINT1", routing_regex=ident[1].lower(), position=wanted)
    assert predicted["changed"] is result["changed"]
    assert predicted["route"] == result["route"]
    assert predicted.get("diff") == result.get("diff")


def test_move_by_id_reads_the_route_and_the_listing():
    fake = OnCallFake(gapped())
    result, dummy = run(fake, id="RD", position=0)
    assert fake.calls[:2] == [("GET", "routes/RD/", None), LIST]
    assert fake.writes() == [("PUT", "routes/RD/", {"position": 0})]
    assert fake.order() == ["RD", "RA", "RB", "RC"]
    assert result["diff"]["before"]["position"] == 9 and result["diff"]["after"]["position"] == 0


def test_by_id_without_position_costs_one_get():
    fake = OnCallFake(gapped())
    result, dummy = run(fake, id="RB")
    assert result["changed"] is False
    assert fake.calls == [("GET", "routes/RB/", None)]


def test_position_and_other_changes_go_in_one_put():
    fake = OnCallFake(gapped())
    result, dummy = run(fake, integration_id="CINT1", routing_regex="a", position=2, escalation_chain_id="FNIGHT2",
                        slack={"channel_id": "c02noise"})
    assert fake.writes() == [("PUT", "routes/RA/", {"position": 5, "escalation_chain_id": "FNIGHT2", "slack": {"channel_id": "C02NOISE"}})]
    assert fake.order() == ["RB", "RC", "RA", "RD"]
    assert result["route"]["escalation_chain_id"] == "FNIGHT2"
    assert result["route"]["slack"] == {"channel_id": "C02NOISE", "enabled": True}


def test_left_out_position_never_moves_an_existing_route():
    fake = OnCallFake(gapped())
    run(fake, integration_id="CINT1", routing_regex="a", escalation_chain_id="FPROD1")
    assert fake.writes() == [("PUT", "routes/RA/", {"escalation_chain_id": "FPROD1"})]
    assert fake.order() == IDS


def test_routes_of_another_integration_do_not_count():
    routes = gapped() + [route("RX", 1, "a", integration_id="CINT2"), route("RY", 3, "y", integration_id="CINT2")]
    fake = OnCallFake(routes)
    result, dummy = run(fake, integration_id="CINT1", routing_regex="a", position=0)
    assert result["changed"] is False
    fake2 = OnCallFake(routes)
    run(fake2, integration_id="CINT2", routing_regex="y", position=0)
    assert fake2.order("CINT2") == ["RY", "RX"]
    assert fake2.order() == IDS


# ------------------------------------------------------------------ the PUT bodies: routing_type always with routing_regex


def test_put_by_id_sends_the_stored_type_with_a_new_regex():
    fake = OnCallFake(gapped())
    run(fake, id="RB", routing_regex="bb+")
    assert fake.writes() == [("PUT", "routes/RB/", {"routing_regex": "bb+", "routing_type": "regex"})]


def test_put_by_id_on_a_jinja2_route_sends_jinja2_with_the_regex():
    fake = OnCallFake(gapped(RB={"routing_type": "jinja2", "routing_regex": "{{ true }}"}))
    result, dummy = run(fake, id="RB", routing_regex=JINJA_PAREN)
    assert fake.writes() == [("PUT", "routes/RB/", {"routing_regex": JINJA_PAREN, "routing_type": "jinja2"})]
    assert result["route"]["routing_type"] == "jinja2"
    assert result["route"]["routing_regex"] == JINJA_PAREN


def test_by_id_on_a_jinja2_route_the_regex_is_validated_as_jinja2_locally():
    fake = OnCallFake(gapped(RB={"routing_type": "jinja2", "routing_regex": "{{ true }}"}))
    error = fails(fake, id="RB", routing_regex="{{ payload.x")  # a valid regex, a broken template
    assert not isinstance(error, OnCallAPIError)
    assert "Jinja2" in str(error)
    assert fake.writes() == []


def test_by_id_on_a_regex_route_the_regex_is_validated_as_regex_locally():
    fake = OnCallFake(gapped())
    error = fails(fake, id="RB", routing_regex=JINJA_PAREN)
    assert not isinstance(error, OnCallAPIError)
    assert "regular expression" in str(error)
    assert fake.writes() == []


def test_changing_only_the_type_sends_the_stored_regex_with_it():
    fake = OnCallFake(gapped())
    run(fake, id="RB", routing_type="jinja2")
    assert fake.writes() == [("PUT", "routes/RB/", {"routing_type": "jinja2", "routing_regex": "b"})]


def test_changing_only_the_type_validates_the_stored_term_with_the_new_type():
    fake = OnCallFake(gapped(RB={"routing_type": "jinja2", "routing_regex": JINJA_PAREN}))
    error = fails(fake, id="RB", routing_type="regex")
    assert not isinstance(error, OnCallAPIError)
    assert fake.writes() == []


def test_identity_without_routing_type_is_a_regex_route_and_sends_no_type_when_unchanged():
    # A jinja2 route with the same text is another identity; the regex route is the one found.
    fake = OnCallFake(gapped(RC={"routing_type": "jinja2", "routing_regex": "b"}))
    run(fake, integration_id="CINT1", routing_regex="b", escalation_chain_id="FPROD1")
    assert fake.writes() == [("PUT", "routes/RB/", {"escalation_chain_id": "FPROD1"})]


def test_identity_with_jinja2_finds_the_jinja2_route():
    fake = OnCallFake(gapped(RC={"routing_type": "jinja2", "routing_regex": "b"}))
    run(fake, integration_id="CINT1", routing_type="jinja2", routing_regex="b", escalation_chain_id="FPROD1")
    assert fake.writes() == [("PUT", "routes/RC/", {"escalation_chain_id": "FPROD1"})]


def test_create_always_sends_routing_type_and_a_null_chain():
    fake = OnCallFake(gapped())
    run(fake, integration_id="CINT1", routing_type="jinja2", routing_regex=JINJA_PAREN)
    assert fake.writes() == [("POST", "routes/", {"integration_id": "CINT1", "escalation_chain_id": None, "routing_type": "jinja2",
                                                  "routing_regex": JINJA_PAREN})]


@pytest.mark.parametrize("task, message", [
    (dict(integration_id="CINT1", routing_regex="("), "not a valid regular expression"),
    (dict(integration_id="CINT1", routing_type="jinja2", routing_regex="{% if %}"), "not a valid Jinja2 template"),
    (dict(integration_id="CINT1", routing_regex="x" * 1025), "at most 1024"),
    (dict(integration_id="CINT1"), "routing_regex is required"),
    (dict(integration_id="CINT1", routing_regex="a", position=-1), "0-based"),
    (dict(id="rb"), "id must be an OnCall id"),
    (dict(integration_id="INT1", routing_regex="a"), "integration_id must be an OnCall id"),
    (dict(integration_id="CINT1", routing_regex="a", escalation_chain=" "), "escalation_chain must not be empty"),
    (dict(integration_id="CINT1", routing_regex="a", slack={"channel": "#"}), "slack.channel must not be empty"),
    (dict(integration=" ", routing_regex="a"), "integration must not be empty"),
])
def test_bad_options_fail_before_any_request(task, message):
    fake = OnCallFake(gapped())
    error = fails(fake, **task)
    assert message in str(error)
    assert fake.calls == []


# ------------------------------------------------------------------ clearing the chain: re-create in place


def chained_b(**extra):
    return gapped(RB=dict({"escalation_chain_id": "FPROD1", "slack": {"channel_id": "C01ALERTS", "enabled": False},
                           "telegram": {"id": "TG1", "enabled": True}, "email": {"id": None, "enabled": True},
                           "mobile_app": {"id": "M1", "enabled": True}}, **extra))


@pytest.mark.parametrize("task", [dict(id="RB", escalation_chain_id=""), dict(integration_id="CINT1", routing_regex="b", escalation_chain_id="")])
def test_clearing_the_chain_recreates_the_route_in_place(task):
    fake = OnCallFake(chained_b())
    old = copy.deepcopy(fake.by_id("RB"))
    result, module = run(fake, **task)
    post, delete = fake.writes()
    assert post == ("POST", "routes/", {"integration_id": "CINT1", "routing_type": "regex", "routing_regex": "b", "escalation_chain_id": None,
                                        "position": 5, "slack": old["slack"], "telegram": old["telegram"], "mobile_app": old["mobile_app"],
                                        "mobile_app_critical": old["mobile_app_critical"], "email": old["email"], "webhook": old["webhook"]})
    assert delete == ("DELETE", "routes/RB/", None)
    new = result["route"]
    assert fake.order() == ["RA", new["id"], "RC", "RD"]
    assert fake.by_id(new["id"])["slack"] == old["slack"] and fake.by_id(new["id"])["telegram"] == old["telegram"]
    assert fake.by_id(new["id"])["mobile_app"] == old["mobile_app"]
    assert new["escalation_chain_id"] is None
    assert result["changed"] is True and result["recreated"] is True and result["replaced_id"] == "RB"
    assert result["diff"]["before"]["escalation_chain_id"] == "FPROD1" and result["diff"]["after"]["escalation_chain_id"] is None
    assert any("re-created" in warning for warning in module.warnings)
    # and then it is done
    fake.calls = []
    again, dummy = run(fake, integration_id="CINT1", routing_regex="b", escalation_chain_id="")
    assert again["changed"] is False and "recreated" not in again


def test_check_mode_predicts_the_recreate_without_writing():
    predicted, result, dummy, module = check_then_real(chained_b(), id="RB", escalation_chain_id="")
    assert predicted["recreated"] is True and predicted["replaced_id"] == "RB"
    assert predicted["route"]["id"] is None
    assert predicted["diff"] == result["diff"]
    for key in ("position", "routing_type", "routing_regex", "escalation_chain_id", "slack", "telegram"):
        assert predicted["route"][key] == result["route"][key], key


def test_recreate_carries_the_other_changes_of_the_task():
    fake = OnCallFake(chained_b())
    result, dummy = run(fake, id="RB", escalation_chain_id="", routing_regex="bb", slack={"channel_id": "c02noise"}, telegram={"enabled": False})
    post = fake.writes()[0]
    assert post[2]["routing_regex"] == "bb" and post[2]["routing_type"] == "regex"
    assert post[2]["slack"] == {"channel_id": "C02NOISE", "enabled": False}
    assert post[2]["telegram"] == {"id": "TG1", "enabled": False}
    assert post[2]["escalation_chain_id"] is None
    assert fake.writes()[1] == ("DELETE", "routes/RB/", None)
    assert result["route"]["routing_regex"] == "bb"
    assert fake.order() == ["RA", result["route"]["id"], "RC", "RD"]


def test_recreate_of_a_jinja2_route_keeps_its_type():
    fake = OnCallFake(chained_b(routing_type="jinja2", routing_regex="{{ true }}"))
    run(fake, id="RB", escalation_chain_id="")
    assert fake.writes()[0][2]["routing_type"] == "jinja2"
    assert fake.writes()[0][2]["routing_regex"] == "{{ true }}"


RECREATE_MOVES = [
    pytest.param(0, id="up-to-0"),
    pytest.param(1, id="in-place"),
    pytest.param(2, id="down-one"),
    pytest.param(3, id="down-to-last"),
    pytest.param(9, id="past-end"),
]


@pytest.mark.parametrize("wanted", RECREATE_MOVES)
def test_recreate_with_a_position_lands_at_the_wanted_index(wanted):
    fake = OnCallFake(chained_b())
    result, dummy = run(fake, integration_id="CINT1", routing_regex="b", escalation_chain_id="", position=wanted)
    new = result["route"]["id"]
    others = ["RA", "RC", "RD"]
    index = min(wanted, 3)
    assert fake.order() == others[:index] + [new] + others[index:]
    fake.calls = []
    again, dummy = run(fake, integration_id="CINT1", routing_regex="b", escalation_chain_id="", position=wanted)
    assert again["changed"] is False


def test_check_mode_predicts_a_recreate_that_moves_up():
    predicted, result, fake, dummy = check_then_real(chained_b(), integration_id="CINT1", routing_regex="b", escalation_chain_id="", position=0)
    assert predicted["diff"] == result["diff"]
    assert predicted["route"]["position"] == result["route"]["position"] == 0
    assert fake.order() == [result["route"]["id"], "RA", "RC", "RD"]
    assert fake.writes()[0][2]["position"] == 0


def test_recreate_post_with_unknown_outcome_is_looked_up_not_sent_again():
    fake = OnCallFake(chained_b())
    fake.fail["POST"] = [(OnCallAPIError("POST", "/api/v1/routes/", None, "timed out", outcome_unknown=True), True)]
    result, dummy = run(fake, id="RB", escalation_chain_id="")
    # The lookup skips the old route (same match) and finds the one the lost POST made: no second POST.
    assert [call[0] for call in fake.writes()] == ["POST", "DELETE"]
    assert result["recreated"] is True and result["route"]["id"] not in (None, "RB")
    fake.calls = []
    result, dummy = run(fake, integration_id="CINT1", routing_regex="b", escalation_chain_id="")
    assert result["changed"] is False and fake.writes() == []


def test_recreate_with_a_new_term_looks_up_the_new_term_after_a_lost_answer():
    fake = OnCallFake(chained_b())
    fake.fail["POST"] = [(OnCallAPIError("POST", "/api/v1/routes/", None, "timed out", outcome_unknown=True), True)]
    result, dummy = run(fake, id="RB", routing_regex="bb", escalation_chain_id="")
    assert [call[0] for call in fake.writes()] == ["POST", "DELETE"]
    assert result["route"]["routing_regex"] == "bb"


def test_a_route_without_chain_stays_unchanged_with_empty_chain():
    fake = OnCallFake(gapped())
    result, dummy = run(fake, id="RB", escalation_chain_id="")
    assert result["changed"] is False and "recreated" not in result


def test_setting_another_chain_is_an_update_not_a_recreate():
    fake = OnCallFake(chained_b())
    result, dummy = run(fake, id="RB", escalation_chain_id="FNIGHT2")
    assert fake.writes() == [("PUT", "routes/RB/", {"escalation_chain_id": "FNIGHT2"})]
    assert "recreated" not in result


# ------------------------------------------------------------------ identity, ambiguity, default route, unknown id


@pytest.mark.parametrize("state", ["present", "absent"])
def test_two_routes_with_the_same_identity_fail_and_change_nothing(state):
    fake = OnCallFake(gapped(RC={"routing_regex": "b"}))
    error = fails(fake, integration_id="CINT1", routing_regex="b", escalation_chain_id="FPROD1", state=state)
    assert "RB" in str(error) and "RC" in str(error) and "id" in str(error)
    assert fake.writes() == []


def test_an_ambiguous_identity_can_be_cleaned_up_by_id():
    fake = OnCallFake(gapped(RC={"routing_regex": "b"}))
    result, dummy = run(fake, id="RC", state="absent")
    assert result["changed"] is True
    assert fake.writes() == [("DELETE", "routes/RC/", None)]


def test_unknown_id_fails_when_present_and_is_absent_when_absent():
    fake = OnCallFake(gapped())
    error = fails(fake, id="RZZZ", escalation_chain_id="FPROD1")
    assert "no route with id RZZZ" in str(error)
    result, dummy = run(fake, id="RZZZ", state="absent")
    assert result == {"changed": False, "route": {}}
    assert fake.writes() == []


@pytest.mark.parametrize("state", ["present", "absent"])
def test_the_default_route_is_refused(state):
    fake = OnCallFake(gapped())
    error = fails(fake, id="RDEFINT1", escalation_chain_id="FPROD1", state=state)
    assert "default route" in str(error) and "default_route" in str(error)
    assert fake.writes() == []


def test_the_default_route_is_never_matched_nor_counted():
    fake = OnCallFake([default_route(), route("RA", 3, "a")])
    result, dummy = run(fake, integration_id="CINT1", routing_regex="new", position=0)
    assert fake.order() == [result["route"]["id"], "RA"]
    assert fake.by_id("RDEFINT1")["position"] == 0


def test_a_route_cannot_move_to_another_integration():
    fake = OnCallFake(gapped())
    error = fails(fake, id="RB", integration_id="CINT2")
    assert "cannot move to another integration" in str(error)
    assert fake.writes() == []


def test_absent_by_identity_deletes_and_check_mode_does_not():
    predicted, result, fake, dummy = check_then_real(gapped(), integration_id="CINT1", routing_regex="c", state="absent")
    assert predicted["changed"] is result["changed"] is True
    assert predicted["diff"] == result["diff"]
    assert fake.writes() == [("DELETE", "routes/RC/", None)]
    assert fake.order() == ["RA", "RB", "RD"]
    assert fake.positions() == {"RA": 0, "RB": 2, "RD": 9}


def test_absent_needs_no_chain_name_resolution():
    fake = OnCallFake(gapped())
    result, dummy = run(fake, integration_id="CINT1", routing_regex="zzz", escalation_chain="deleted chain", state="absent")
    assert result["changed"] is False
    assert fake.calls == [LIST]


# ------------------------------------------------------------------ backends


def test_msteams_on_oss_fails_before_any_write():
    for task in (dict(integration_id="CINT1", routing_regex="new", msteams={"id": "M1"}), dict(id="RB", msteams={"enabled": True})):
        fake = OnCallFake(gapped())
        error = fails(fake, **task)
        assert "msteams" in str(error) and "nothing was written" in str(error)
        assert fake.writes() == []


def test_msteams_on_cloud_is_written():
    routes = [route(item["id"], item["position"], item["routing_regex"], backends=CLOUD_ROUTE_BACKENDS) for item in gapped()[:4]]
    fake = OnCallFake(routes, backends=CLOUD_ROUTE_BACKENDS)
    run(fake, id="RB", msteams={"id": "m1", "enabled": True})
    assert fake.writes() == [("PUT", "routes/RB/", {"msteams": {"id": "m1", "enabled": True}})]


def test_other_keys_of_slack_are_left_alone():
    fake = OnCallFake(chained_b())
    result, dummy = run(fake, id="RB", slack={"enabled": True})
    assert fake.writes() == [("PUT", "routes/RB/", {"slack": {"enabled": True}})]
    assert result["route"]["slack"] == {"channel_id": "C01ALERTS", "enabled": True}


# ------------------------------------------------------------------ names and the request budget


def test_names_cost_one_request_each_and_resolve_to_ids():
    fake = OnCallFake(gapped())
    result, dummy = run(fake, integration="prod", routing_regex="new", escalation_chain="night", slack={"channel": "#ops-noise"})
    assert fake.reads() == [("LIST", "integrations/", {"name": "prod"}), ("LIST", "escalation_chains/", {"name": "night"}),
                            ("LIST", "slack_channels/", {"channel_name": "ops-noise"}), LIST]
    assert fake.writes() == [("POST", "routes/", {"integration_id": "CINT1", "escalation_chain_id": "FNIGHT2", "routing_type": "regex",
                                                  "routing_regex": "new", "slack": {"channel_id": "C02NOISE"}})]
    fake.calls = []
    again, dummy = run(fake, integration="prod", routing_regex="new", escalation_chain="night", slack={"channel": "ops-noise"})
    assert again["changed"] is False
    assert len(fake.calls) == 4


def test_unchanged_with_ids_costs_exactly_the_listing():
    fake = OnCallFake(gapped(RB={"escalation_chain_id": "FPROD1"}))
    result, dummy = run(fake, integration_id="CINT1", routing_regex="b", escalation_chain_id="FPROD1", position=1)
    assert result["changed"] is False
    assert fake.calls == [LIST]


def test_an_integration_name_of_two_teams_fails_before_reading_routes():
    fake = OnCallFake(gapped())
    error = fails(fake, integration="twice", routing_regex="a")
    assert "ambiguous" in str(error) and "CDUP1" in str(error) and "CDUP2" in str(error)
    assert fake.calls == [("LIST", "integrations/", {"name": "twice"})]


def test_unknown_names_fail_without_writing():
    fake = OnCallFake(gapped())
    error = fails(fake, integration_id="CINT1", routing_regex="a", escalation_chain="nope")
    assert "not found" in str(error)
    assert fake.writes() == []


def test_check_mode_with_an_integration_that_does_not_exist_yet_predicts_a_create():
    fake = OnCallFake(gapped())
    result, module = run(fake, check_mode=True, integration="later", routing_regex="a", escalation_chain="later chain", position=3)
    assert result["changed"] is True
    assert result["route"]["integration_id"] == "<integration later>"
    assert result["route"]["escalation_chain_id"] == "<escalation chain later chain>"
    assert result["route"]["position"] == 0
    assert fake.writes() == []
    assert len(module.warnings) == 2


# ------------------------------------------------------------------ a POST with an unknown outcome


def lost():
    return OnCallAPIError("POST", "/api/v1/routes/", None, "no answer", outcome_unknown=True)


def test_lost_post_answer_is_looked_up_and_not_sent_again():
    fake = OnCallFake(gapped())
    fake.fail["POST"] = [(lost(), True)]
    result, dummy = run(fake, integration_id="CINT1", routing_regex="new", position=1)
    assert [call[0] for call in fake.calls] == ["LIST", "POST", "LIST"]
    assert fake.order() == ["RA", result["route"]["id"], "RB", "RC", "RD"]


def test_post_not_applied_is_sent_again_only_after_a_lookup():
    fake = OnCallFake(gapped())
    fake.fail["POST"] = [(lost(), False)]
    result, dummy = run(fake, integration_id="CINT1", routing_regex="new")
    assert [call[0] for call in fake.calls] == ["LIST", "POST", "LIST", "POST"]
    assert fake.order() == IDS + [result["route"]["id"]]


def test_post_answered_500_is_not_sent_again():
    fake = OnCallFake(gapped())
    fake.fail["POST"] = [(OnCallAPIError("POST", "/api/v1/routes/", 500, "Server Error"), True)]
    error = fails(fake, integration_id="CINT1", routing_regex="new")
    assert "created nonetheless" in str(error)
    assert [call[0] for call in fake.calls] == ["LIST", "POST", "LIST"]


# ------------------------------------------------------------------ diff and result


def test_diff_always_shows_identity_and_the_changed_fields():
    fake = OnCallFake(gapped())
    result, dummy = run(fake, id="RB", escalation_chain_id="FPROD1")
    assert result["diff"]["before"] == {"integration_id": "CINT1", "routing_type": "regex", "routing_regex": "b", "escalation_chain_id": None}
    assert result["diff"]["after"] == {"integration_id": "CINT1", "routing_type": "regex", "routing_regex": "b", "escalation_chain_id": "FPROD1"}
    assert result["diff"]["before_header"] == "route b"  # routes are named by what they match


def test_without_diff_mode_there_is_no_diff():
    fake = OnCallFake(gapped())
    result, dummy = run(fake, diff=False, id="RB", escalation_chain_id="FPROD1")
    assert "diff" not in result


# ------------------------------------------------------------------ oncall_route_info


def info_params(**given):
    result = ArgumentSpecValidator(ROUTE_INFO_ARGUMENT_SPEC, **ROUTE_INFO_MODULE_KWARGS).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def test_info_lists_routes_in_order_with_the_default_last():
    fake = OnCallFake(gapped(RA={"position": 7}), list_order="reversed")
    result = list_routes(FakeModule(info_params(integration="prod")), fake)
    assert result["changed"] is False
    assert [item["id"] for item in result["routes"]] == ["RB", "RC", "RA", "RD", "RDEFINT1"]
    assert result["routes"][-1]["is_the_last_route"] is True
    assert not any(item["is_the_last_route"] for item in result["routes"][:-1])
    assert fake.calls == [("LIST", "integrations/", {"name": "prod"}), LIST]


def test_info_on_an_integration_without_routes_is_empty():
    fake = OnCallFake(gapped())
    assert list_routes(FakeModule(info_params(integration_id="CINT2")), fake)["routes"] == []


def test_info_with_a_bad_integration_id_fails_before_any_request():
    fake = OnCallFake(gapped())
    with pytest.raises(OnCallError):
        list_routes(FakeModule(info_params(integration_id="prod")), fake)
    assert fake.calls == []


def test_info_in_check_mode_with_an_integration_that_does_not_exist_yet_is_empty():
    fake = OnCallFake(gapped())
    module = FakeModule(info_params(integration="later"), check_mode=True)
    assert list_routes(module, fake)["routes"] == []

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Route resource (oncall_route) and list_routes (oncall_route_info) against the emulator, over HTTP.

The emulator keeps raw positions with gaps and moves routes with OnCall's move-to rules, so the tests check
the order the server ends with as well as the requests sent (its request log).
"""

from __future__ import annotations

import copy

import pytest
import yaml

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameResolver
from ansible_collections.oncall.grafana.plugins.module_utils.route import (
    ROUTE_ARGUMENT_SPEC,
    ROUTE_INFO_ARGUMENT_SPEC,
    Route,
    list_routes,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.emulated import EmulatedOnCall, start_server
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import ansible_params, answer_500_after_posts

LETTERS = "abcd"
GAPS = (0, 2, 5, 9)
JINJA_PAREN = "{{ payload.tags | join('(') }}"  # a valid Jinja2 template, not a valid regular expression
# What a route with a chain, Slack, Telegram and two messaging backends set looks like (made by OSS OnCall).
CHAINED = dict(chain="prod", slack={"channel_id": "C01ALERTS", "enabled": False}, telegram={"enabled": True},
               email={"enabled": True}, mobile_app={"id": "M1", "enabled": True})


class Routes:
    """On a fresh emulator: integration prod with routes a, b, c, d at raw positions 0, 2, 5, 9 (as after deletions),
    integration staging (team ops) without routes, and chains prod (no team) and night (team ops).

    ``positions`` changes the routes made (letter -> raw position); ``routes`` their fields (``chain``: a chain name).
    The request log is cleared once it is all made.
    """

    def __init__(self, oncall, positions=None, **routes):
        self.oncall = oncall
        integration = oncall.integration("prod")
        self.integration_id = integration["id"]
        self.default_id = integration["default_route"]["id"]
        self.staging = oncall.integration("staging", team_id=oncall.team_id("ops"))["id"]
        self.chains = {"prod": oncall.chain("prod")["id"], "night": oncall.chain("night", team_id=oncall.team_id("ops"))["id"]}
        positions = dict(zip(LETTERS, GAPS)) if positions is None else positions
        self.letters = {}
        # Created in position order: each lands at the end, then moves to its position, past the highest.
        for letter, position in sorted(positions.items(), key=lambda pair: pair[1]):
            fields = dict(routes.get(letter, {}))
            chain = fields.pop("chain", None)
            made = oncall.route(self.integration_id, fields.pop("routing_regex", letter), position=position,
                                escalation_chain_id=self.chains[chain] if chain else None, **fields)
            self.letters[letter] = made["id"]
        self.listing = ("GET", "routes/", {"integration_id": self.integration_id})
        oncall.clear_log()

    def id(self, letter):
        return self.letters[letter]

    def ids(self, letters=LETTERS):
        return [self.letters[letter] for letter in letters]

    def order(self, integration_id=None):
        """Ids of the integration's non-default routes in the order OnCall applies them (read from the server)."""
        return [route["id"] for route in self.oncall.routes(integration_id or self.integration_id)]

    def positions(self):
        return {route["id"]: route["position"] for route in self.oncall.routes(self.integration_id)}

    def get(self, route_id):
        return self.oncall.get("routes/%s/" % route_id)

    def default_route_untouched(self):
        default = self.get(self.default_id)
        return default["position"] == 0 and default["is_the_last_route"] is True and default["escalation_chain_id"] is None


def writes(oncall):
    return [request for request in oncall.sent() if request[0] != "GET"]


def methods(oncall):
    return [method for method, dummy in oncall.requests()]


def run(oncall, check_mode=False, diff=True, client=None, **task):
    """One oncall_route task, the request log cleared first; the result and the warnings."""
    params = ansible_params(ROUTE_ARGUMENT_SPEC, **task)
    before = copy.deepcopy(params)
    warnings = []
    oncall.clear_log()
    result = Route(params, client or oncall.client(), check_mode=check_mode, diff=diff, warn=warnings.append).run()
    assert params == before, "the task's own params were changed"
    return result, warnings


def fails(oncall, check_mode=False, **task):
    with pytest.raises(OnCallError) as caught:
        run(oncall, check_mode=check_mode, **task)
    return caught.value


def check_then_real(oncall, **task):
    """The task in check mode, which must send no write, then for real on the same server."""
    predicted, dummy = run(oncall, check_mode=True, **task)
    assert writes(oncall) == []
    result, warnings = run(oncall, **task)
    return predicted, result, warnings


# ------------------------------------------------------------------ position targets on create


@pytest.mark.parametrize("wanted", [None, 0, 1, 2, 3, 4, 5, 100])
def test_create_lands_at_the_wanted_index_among_gapped_routes(oncall, wanted):
    world = Routes(oncall)
    task = dict(integration_id=world.integration_id, routing_regex="new", escalation_chain_id=world.chains["prod"])
    if wanted is not None:
        task["position"] = wanted
    result, dummy = run(oncall, **task)
    expected = {"integration_id": world.integration_id, "escalation_chain_id": world.chains["prod"], "routing_type": "regex",
                "routing_regex": "new"}
    if wanted is not None and wanted < len(LETTERS):
        expected["position"] = GAPS[wanted]  # the raw value of the route now at that index
    assert writes(oncall) == [("POST", "routes/", expected)]
    new = result["route"]["id"]
    index = len(LETTERS) if wanted is None else min(wanted, len(LETTERS))
    assert world.order() == world.ids()[:index] + [new] + world.ids()[index:]
    assert world.default_route_untouched()
    # the second run is unchanged, for the price of the routes listing
    again, dummy = run(oncall, **task)
    assert again["changed"] is False
    assert oncall.sent() == [world.listing]


def test_create_on_an_integration_without_routes_starts_at_zero(oncall):
    world = Routes(oncall, positions={})
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="x", position=0)
    assert result["route"]["position"] == 0
    assert world.order() == [result["route"]["id"]]


@pytest.mark.parametrize("wanted", [None, 0, 2, 4, 7])
def test_check_mode_predicts_the_created_route(oncall, wanted):
    world = Routes(oncall)
    task = dict(integration_id=world.integration_id, routing_regex="new", escalation_chain_id=world.chains["prod"],
                slack={"channel_id": "c01alerts", "enabled": False})
    if wanted is not None:
        task["position"] = wanted
    predicted, result, dummy = check_then_real(oncall, **task)
    assert predicted["changed"] is result["changed"] is True
    assert predicted["route"]["id"] is None
    for key in ("position", "integration_id", "routing_type", "routing_regex", "escalation_chain_id", "slack", "is_the_last_route"):
        assert predicted["route"][key] == result["route"][key], key
    assert yaml.safe_load(predicted["diff"]["before"]) == yaml.safe_load(result["diff"]["before"]) == {}
    assert yaml.safe_load(predicted["diff"]["after"]) == yaml.safe_load(result["diff"]["after"])


# ------------------------------------------------------------------ position targets on update


MOVES = [(letter, wanted) for letter in LETTERS for wanted in range(6)]


@pytest.mark.parametrize("letter, wanted", MOVES)
def test_move_lands_at_the_wanted_index_with_one_put_or_none(oncall, letter, wanted):
    world = Routes(oncall)
    moved = world.id(letter)
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex=letter, position=wanted)
    index = min(wanted, len(LETTERS) - 1)
    if LETTERS.index(letter) == index:
        assert result["changed"] is False
        assert oncall.sent() == [world.listing]
    else:
        assert result["changed"] is True
        assert writes(oncall) == [("PUT", "routes/%s/" % moved, {"position": GAPS[index]})]
        assert result["route"]["position"] == world.get(moved)["position"]
    others = [world.id(other) for other in LETTERS if other != letter]
    assert world.order() == others[:index] + [moved] + others[index:]
    assert world.default_route_untouched()
    again, dummy = run(oncall, integration_id=world.integration_id, routing_regex=letter, position=wanted)
    assert again["changed"] is False
    assert writes(oncall) == []


@pytest.mark.parametrize("letter, wanted", MOVES)
def test_check_mode_predicts_the_move(oncall, letter, wanted):
    world = Routes(oncall)
    predicted, result, dummy = check_then_real(oncall, integration_id=world.integration_id, routing_regex=letter, position=wanted)
    assert predicted["changed"] is result["changed"]
    assert predicted["route"] == result["route"]
    assert predicted.get("diff") == result.get("diff")


def test_move_by_id_reads_the_route_and_the_listing(oncall):
    world = Routes(oncall)
    result, dummy = run(oncall, id=world.id("d"), position=0)
    assert oncall.sent()[:2] == [("GET", "routes/%s/" % world.id("d"), {}), world.listing]
    assert writes(oncall) == [("PUT", "routes/%s/" % world.id("d"), {"position": 0})]
    assert world.order() == world.ids("dabc")
    # The diff shows the index among the routes, not OnCall's raw position (9 here).
    assert yaml.safe_load(result["diff"]["before"])["position"] == 3 and yaml.safe_load(result["diff"]["after"])["position"] == 0


def test_by_id_without_position_costs_one_get(oncall):
    world = Routes(oncall)
    result, dummy = run(oncall, id=world.id("b"))
    assert result["changed"] is False
    assert oncall.sent() == [("GET", "routes/%s/" % world.id("b"), {})]


def test_position_and_other_changes_go_in_one_put(oncall):
    world = Routes(oncall)
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="a", position=2, escalation_chain_id=world.chains["night"],
                        slack={"channel_id": "c02noise"})
    assert writes(oncall) == [("PUT", "routes/%s/" % world.id("a"),
                               {"position": 5, "escalation_chain_id": world.chains["night"], "slack": {"channel_id": "C02NOISE"}})]
    assert world.order() == world.ids("bcad")
    assert result["route"]["escalation_chain_id"] == world.chains["night"]
    assert result["route"]["slack"] == {"channel_id": "C02NOISE", "enabled": True}


def test_left_out_position_never_moves_an_existing_route(oncall):
    world = Routes(oncall)
    run(oncall, integration_id=world.integration_id, routing_regex="a", escalation_chain_id=world.chains["prod"])
    assert writes(oncall) == [("PUT", "routes/%s/" % world.id("a"), {"escalation_chain_id": world.chains["prod"]})]
    assert world.order() == world.ids()


def test_routes_of_another_integration_do_not_count(oncall):
    world = Routes(oncall)
    other_a = oncall.route(world.staging, "a", position=1)["id"]
    other_y = oncall.route(world.staging, "y", position=3)["id"]
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="a", position=0)
    assert result["changed"] is False
    run(oncall, integration_id=world.staging, routing_regex="y", position=0)
    assert writes(oncall) == [("PUT", "routes/%s/" % other_y, {"position": 1})]
    assert world.order(world.staging) == [other_y, other_a]
    assert world.order() == world.ids()


# ------------------------------------------------------------------ the PUT bodies: routing_type always with routing_regex


def test_put_by_id_sends_the_stored_type_with_a_new_regex(oncall):
    world = Routes(oncall)
    run(oncall, id=world.id("b"), routing_regex="bb+")
    assert writes(oncall) == [("PUT", "routes/%s/" % world.id("b"), {"routing_regex": "bb+", "routing_type": "regex"})]


def test_put_by_id_on_a_jinja2_route_sends_jinja2_with_the_regex(oncall):
    world = Routes(oncall, b={"routing_type": "jinja2", "routing_regex": "{{ true }}"})
    result, dummy = run(oncall, id=world.id("b"), routing_regex=JINJA_PAREN)
    assert writes(oncall) == [("PUT", "routes/%s/" % world.id("b"), {"routing_regex": JINJA_PAREN, "routing_type": "jinja2"})]
    assert result["route"]["routing_type"] == "jinja2"
    assert result["route"]["routing_regex"] == JINJA_PAREN


def test_by_id_on_a_jinja2_route_the_regex_is_validated_as_jinja2_locally(oncall):
    world = Routes(oncall, b={"routing_type": "jinja2", "routing_regex": "{{ true }}"})
    error = fails(oncall, id=world.id("b"), routing_regex="{{ payload.x")  # a valid regex, a broken template
    assert not isinstance(error, OnCallAPIError)
    assert "Jinja2" in str(error)
    assert writes(oncall) == []


def test_by_id_on_a_regex_route_the_regex_is_validated_as_regex_locally(oncall):
    world = Routes(oncall)
    error = fails(oncall, id=world.id("b"), routing_regex=JINJA_PAREN)
    assert not isinstance(error, OnCallAPIError)
    assert "regular expression" in str(error)
    assert writes(oncall) == []


def test_changing_only_the_type_sends_the_stored_regex_with_it(oncall):
    world = Routes(oncall)
    run(oncall, id=world.id("b"), routing_type="jinja2")
    assert writes(oncall) == [("PUT", "routes/%s/" % world.id("b"), {"routing_type": "jinja2", "routing_regex": "b"})]


def test_changing_only_the_type_validates_the_stored_term_with_the_new_type(oncall):
    world = Routes(oncall, b={"routing_type": "jinja2", "routing_regex": JINJA_PAREN})
    error = fails(oncall, id=world.id("b"), routing_type="regex")
    assert not isinstance(error, OnCallAPIError)
    assert "regular expression" in str(error)
    assert writes(oncall) == []


def test_identity_without_routing_type_is_a_regex_route_and_sends_no_type_when_unchanged(oncall):
    # A jinja2 route with the same text is another identity; the regex route is the one found.
    world = Routes(oncall, c={"routing_type": "jinja2", "routing_regex": "b"})
    run(oncall, integration_id=world.integration_id, routing_regex="b", escalation_chain_id=world.chains["prod"])
    assert writes(oncall) == [("PUT", "routes/%s/" % world.id("b"), {"escalation_chain_id": world.chains["prod"]})]


def test_identity_with_jinja2_finds_the_jinja2_route(oncall):
    world = Routes(oncall, c={"routing_type": "jinja2", "routing_regex": "b"})
    run(oncall, integration_id=world.integration_id, routing_type="jinja2", routing_regex="b", escalation_chain_id=world.chains["prod"])
    assert writes(oncall) == [("PUT", "routes/%s/" % world.id("c"), {"escalation_chain_id": world.chains["prod"]})]


def test_create_always_sends_routing_type_and_a_null_chain(oncall):
    world = Routes(oncall)
    run(oncall, integration_id=world.integration_id, routing_type="jinja2", routing_regex=JINJA_PAREN)
    assert writes(oncall) == [("POST", "routes/", {"integration_id": world.integration_id, "escalation_chain_id": None,
                                                   "routing_type": "jinja2", "routing_regex": JINJA_PAREN})]


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
def test_bad_options_fail_before_any_request(oncall, task, message):
    error = fails(oncall, **task)
    assert message in str(error)
    assert oncall.log() == []


# ------------------------------------------------------------------ clearing the chain: re-create in place


@pytest.mark.parametrize("by", ["id", "match"])
def test_clearing_the_chain_recreates_the_route_in_place(oncall, by):
    world = Routes(oncall, b=CHAINED)
    old = world.get(world.id("b"))
    task = dict(id=world.id("b")) if by == "id" else dict(integration_id=world.integration_id, routing_regex="b")
    result, warnings = run(oncall, escalation_chain_id="", **task)
    reads = [("GET", "routes/%s/" % world.id("b"), {}), world.listing] if by == "id" else [world.listing]
    # The new route is posted at the old one's raw position, so it lands right before it; then the old one goes.
    assert oncall.sent() == reads + [
        ("POST", "routes/", {"integration_id": world.integration_id, "routing_type": "regex", "routing_regex": "b", "escalation_chain_id": None,
                             "position": 2, "slack": old["slack"], "telegram": old["telegram"], "mobile_app": old["mobile_app"],
                             "mobile_app_critical": old["mobile_app_critical"], "email": old["email"], "webhook": old["webhook"]}),
        ("DELETE", "routes/%s/" % world.id("b"), None)]
    new = result["route"]
    assert world.order() == [world.id("a"), new["id"], world.id("c"), world.id("d")]
    stored = world.get(new["id"])
    assert stored["slack"] == old["slack"] and stored["telegram"] == old["telegram"]
    assert stored["mobile_app"] == old["mobile_app"] == {"id": "M1", "enabled": True}
    assert new["escalation_chain_id"] is None
    assert result["changed"] is True and result["recreated"] is True and result["replaced_id"] == world.id("b")
    assert yaml.safe_load(result["diff"]["before"])["escalation_chain_id"] == world.chains["prod"]
    assert yaml.safe_load(result["diff"]["after"])["escalation_chain_id"] is None
    assert any("re-created" in warning for warning in warnings)
    # and then it is done
    again, dummy = run(oncall, integration_id=world.integration_id, routing_regex="b", escalation_chain_id="")
    assert again["changed"] is False and "recreated" not in again
    assert writes(oncall) == []


def test_check_mode_predicts_the_recreate_without_writing(oncall):
    world = Routes(oncall, b=CHAINED)
    predicted, result, dummy = check_then_real(oncall, id=world.id("b"), escalation_chain_id="")
    assert predicted["recreated"] is True and predicted["replaced_id"] == world.id("b")
    assert predicted["route"]["id"] is None
    assert predicted["diff"] == result["diff"]
    for key in ("position", "routing_type", "routing_regex", "escalation_chain_id", "slack", "telegram"):
        assert predicted["route"][key] == result["route"][key], key


def test_recreate_carries_the_other_changes_of_the_task(oncall):
    world = Routes(oncall, b=CHAINED)
    result, dummy = run(oncall, id=world.id("b"), escalation_chain_id="", routing_regex="bb", slack={"channel_id": "c02noise"},
                        telegram={"enabled": False})
    post, delete = writes(oncall)
    assert post[2]["routing_regex"] == "bb" and post[2]["routing_type"] == "regex"
    assert post[2]["slack"] == {"channel_id": "C02NOISE", "enabled": False}
    assert post[2]["telegram"] == {"id": None, "enabled": False}
    assert post[2]["mobile_app"] == {"id": "M1", "enabled": True}
    assert post[2]["escalation_chain_id"] is None
    assert delete == ("DELETE", "routes/%s/" % world.id("b"), None)
    assert result["route"]["routing_regex"] == "bb"
    assert world.order() == [world.id("a"), result["route"]["id"], world.id("c"), world.id("d")]


def test_recreate_of_a_jinja2_route_keeps_its_type(oncall):
    world = Routes(oncall, b=dict(CHAINED, routing_type="jinja2", routing_regex="{{ true }}"))
    run(oncall, id=world.id("b"), escalation_chain_id="")
    post = writes(oncall)[0]
    assert post[0] == "POST"
    assert post[2]["routing_type"] == "jinja2"
    assert post[2]["routing_regex"] == "{{ true }}"


RECREATE_MOVES = [
    pytest.param(0, id="up-to-0"),
    pytest.param(1, id="in-place"),
    pytest.param(2, id="down-one"),
    pytest.param(3, id="down-to-last"),
    pytest.param(9, id="past-end"),
]


@pytest.mark.parametrize("wanted", RECREATE_MOVES)
def test_recreate_with_a_position_lands_at_the_wanted_index(oncall, wanted):
    world = Routes(oncall, b=CHAINED)
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="b", escalation_chain_id="", position=wanted)
    assert [method for method, path, body in writes(oncall)] == ["POST", "DELETE"]
    others = world.ids("acd")
    index = min(wanted, 3)
    assert world.order() == others[:index] + [result["route"]["id"]] + others[index:]
    # The diff shows where the route goes, as its index among the routes (b was second).
    assert yaml.safe_load(result["diff"]["after"])["position"] == index
    assert yaml.safe_load(result["diff"]["before"])["position"] == 1
    again, dummy = run(oncall, integration_id=world.integration_id, routing_regex="b", escalation_chain_id="", position=wanted)
    assert again["changed"] is False
    assert writes(oncall) == []


def test_a_recreate_in_place_shows_no_position_in_its_diff(oncall):
    world = Routes(oncall, b=CHAINED)
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="b", escalation_chain_id="")
    assert "position" not in yaml.safe_load(result["diff"]["before"]) and "position" not in yaml.safe_load(result["diff"]["after"])


def test_a_recreate_moved_to_the_end_shows_the_move_in_its_diff(oncall):
    world = Routes(oncall, b=CHAINED)
    predicted, result, dummy = check_then_real(oncall, integration_id=world.integration_id, routing_regex="b", escalation_chain_id="",
                                               position=9)
    assert yaml.safe_load(result["diff"]["before"])["position"] == 1
    assert yaml.safe_load(result["diff"]["after"])["position"] == 3 and result["route"]["position"] > GAPS[-1]
    assert predicted["diff"] == result["diff"]
    assert world.order() == world.ids("acd") + [result["route"]["id"]]


def test_check_mode_predicts_a_recreate_that_moves_up(oncall):
    world = Routes(oncall, b=CHAINED)
    predicted, result, dummy = check_then_real(oncall, integration_id=world.integration_id, routing_regex="b", escalation_chain_id="",
                                               position=0)
    assert writes(oncall)[0][2]["position"] == 0
    assert predicted["diff"] == result["diff"]
    assert predicted["route"]["position"] == result["route"]["position"] == 0
    assert world.order() == [result["route"]["id"]] + world.ids("acd")


def test_recreate_post_with_unknown_outcome_is_looked_up_not_sent_again(oncall):
    world = Routes(oncall, b=CHAINED)
    oncall.add_fault("POST", r"^/api/v1/routes/$", kind="reset_after")
    result, dummy = run(oncall, id=world.id("b"), escalation_chain_id="")
    # The lookup skips the old route (same match) and finds the one the lost POST made: no second POST.
    assert methods(oncall) == ["GET", "GET", "POST", "GET", "DELETE"]
    assert oncall.writes()[0]["fault"] == "reset_after"
    assert result["recreated"] is True and result["route"]["id"] not in (None, world.id("b"))
    assert world.order() == [world.id("a"), result["route"]["id"], world.id("c"), world.id("d")]
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="b", escalation_chain_id="")
    assert result["changed"] is False and writes(oncall) == []


def test_recreate_with_a_new_term_looks_up_the_new_term_after_a_lost_answer(oncall):
    world = Routes(oncall, b=CHAINED)
    oncall.add_fault("POST", r"^/api/v1/routes/$", kind="reset_after")
    result, dummy = run(oncall, id=world.id("b"), routing_regex="bb", escalation_chain_id="")
    assert [method for method, path, body in writes(oncall)] == ["POST", "DELETE"]
    assert result["route"]["routing_regex"] == "bb"
    assert [route["routing_regex"] for route in oncall.routes(world.integration_id)] == ["a", "bb", "c", "d"]


def test_a_route_without_chain_stays_unchanged_with_empty_chain(oncall):
    world = Routes(oncall)
    result, dummy = run(oncall, id=world.id("b"), escalation_chain_id="")
    assert result["changed"] is False and "recreated" not in result
    assert writes(oncall) == []


def test_setting_another_chain_is_an_update_not_a_recreate(oncall):
    world = Routes(oncall, b=CHAINED)
    result, dummy = run(oncall, id=world.id("b"), escalation_chain_id=world.chains["night"])
    assert writes(oncall) == [("PUT", "routes/%s/" % world.id("b"), {"escalation_chain_id": world.chains["night"]})]
    assert "recreated" not in result


# ------------------------------------------------------------------ identity, ambiguity, default route, unknown id


@pytest.mark.parametrize("state", ["present", "absent"])
def test_two_routes_with_the_same_identity_fail_and_change_nothing(oncall, state):
    world = Routes(oncall, c={"routing_regex": "b"})
    error = fails(oncall, integration_id=world.integration_id, routing_regex="b", escalation_chain_id=world.chains["prod"], state=state)
    assert str(error) == ("the route of integration %s with routing_type regex and routing_regex 'b' is ambiguous: 2 match: "
                          "%s (position 2), %s (position 5). Set id to pick one; nothing was changed"
                          % (world.integration_id, world.id("b"), world.id("c")))
    assert writes(oncall) == []


def test_an_ambiguous_identity_can_be_cleaned_up_by_id(oncall):
    world = Routes(oncall, c={"routing_regex": "b"})
    result, dummy = run(oncall, id=world.id("c"), state="absent")
    assert result["changed"] is True
    assert writes(oncall) == [("DELETE", "routes/%s/" % world.id("c"), None)]


def test_unknown_id_fails_when_present_and_is_absent_when_absent(oncall):
    world = Routes(oncall)
    error = fails(oncall, id="RZZZ", escalation_chain_id=world.chains["prod"])
    assert "no route with id RZZZ" in str(error)
    assert oncall.sent() == [("GET", "routes/RZZZ/", {})]
    result, dummy = run(oncall, id="RZZZ", state="absent")
    assert result == {"changed": False, "route": {}}
    assert writes(oncall) == []


@pytest.mark.parametrize("state", ["present", "absent"])
def test_the_default_route_is_refused(oncall, state):
    world = Routes(oncall)
    error = fails(oncall, id=world.default_id, escalation_chain_id=world.chains["prod"], state=state)
    assert "default route" in str(error) and "default_route" in str(error)
    assert writes(oncall) == []


def test_the_default_route_is_never_matched_nor_counted(oncall):
    world = Routes(oncall, positions={"a": 3})
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="new", position=0)
    assert writes(oncall) == [("POST", "routes/", {"integration_id": world.integration_id, "escalation_chain_id": None,
                                                   "routing_type": "regex", "routing_regex": "new", "position": 3})]
    assert world.order() == [result["route"]["id"], world.id("a")]
    assert world.default_route_untouched()


def test_a_route_cannot_move_to_another_integration(oncall):
    world = Routes(oncall)
    error = fails(oncall, id=world.id("b"), integration_id=world.staging)
    assert "cannot move to another integration" in str(error)
    assert writes(oncall) == []


def test_absent_by_identity_deletes_and_check_mode_does_not(oncall):
    world = Routes(oncall)
    predicted, result, dummy = check_then_real(oncall, integration_id=world.integration_id, routing_regex="c", state="absent")
    assert predicted["changed"] is result["changed"] is True
    assert predicted["diff"] == result["diff"]
    assert writes(oncall) == [("DELETE", "routes/%s/" % world.id("c"), None)]
    assert world.order() == world.ids("abd")
    assert world.positions() == {world.id("a"): 0, world.id("b"): 2, world.id("d"): 9}


def test_absent_needs_no_chain_name_resolution(oncall):
    world = Routes(oncall)
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="zzz", escalation_chain="deleted chain", state="absent")
    assert result["changed"] is False
    assert oncall.sent() == [world.listing]


# ------------------------------------------------------------------ backends


def test_msteams_on_oss_fails_before_any_write(oncall):
    world = Routes(oncall)
    for task in (dict(integration_id=world.integration_id, routing_regex="new", msteams={"id": "M1"}),
                 dict(id=world.id("b"), msteams={"enabled": True})):
        error = fails(oncall, **task)
        assert "msteams" in str(error) and "nothing was written" in str(error)
        assert writes(oncall) == []


@pytest.fixture
def cloud():
    """A Grafana Cloud server (routes have the msteams backend), for one test."""
    server = start_server(cloud=True)
    try:
        yield EmulatedOnCall(server)
    finally:
        server.stop()


def test_msteams_on_cloud_is_written(cloud):
    world = Routes(cloud)
    run(cloud, id=world.id("b"), msteams={"id": "m1", "enabled": True})
    assert writes(cloud) == [("PUT", "routes/%s/" % world.id("b"), {"msteams": {"id": "m1", "enabled": True}})]
    assert world.get(world.id("b"))["msteams"] == {"id": "m1", "enabled": True}


def test_other_keys_of_slack_are_left_alone(oncall):
    world = Routes(oncall, b=CHAINED)
    result, dummy = run(oncall, id=world.id("b"), slack={"enabled": True})
    assert writes(oncall) == [("PUT", "routes/%s/" % world.id("b"), {"slack": {"enabled": True}})]
    assert result["route"]["slack"] == {"channel_id": "C01ALERTS", "enabled": True}


# ------------------------------------------------------------------ names and the request budget


def test_names_cost_one_request_each_and_resolve_to_ids(oncall):
    world = Routes(oncall)
    result, dummy = run(oncall, integration="prod", routing_regex="new", escalation_chain="night", slack={"channel": "#ops-noise"})
    assert oncall.sent() == [
        ("GET", "integrations/", {"name": "prod"}),
        ("GET", "escalation_chains/", {"name": "night"}),
        ("GET", "slack_channels/", {"channel_name": "ops-noise"}),
        world.listing,
        ("POST", "routes/", {"integration_id": world.integration_id, "escalation_chain_id": world.chains["night"], "routing_type": "regex",
                             "routing_regex": "new", "slack": {"channel_id": "C02NOISE"}})]
    again, dummy = run(oncall, integration="prod", routing_regex="new", escalation_chain="night", slack={"channel": "ops-noise"})
    assert again["changed"] is False
    assert len(oncall.log()) == 4


def test_unchanged_with_ids_costs_exactly_the_listing(oncall):
    world = Routes(oncall, b={"chain": "prod"})
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="b", escalation_chain_id=world.chains["prod"], position=1)
    assert result["changed"] is False
    assert oncall.sent() == [world.listing]


def test_an_integration_name_of_two_teams_fails_before_reading_routes(oncall):
    Routes(oncall)
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    first = oncall.integration("twice", team_id=ops)["id"]
    second = oncall.integration("twice", team_id=db)["id"]
    error = fails(oncall, integration="twice", routing_regex="a")
    assert str(error) == ("integration name 'twice' is ambiguous: 2 match: %s (team ops (%s)), %s (team db (%s)). "
                          "Set integration_id to pick one; nothing was changed" % (first, ops, second, db))
    assert oncall.sent() == [("GET", "integrations/", {"name": "twice"}), ("GET", "teams/", {})]


def test_unknown_names_fail_without_writing(oncall):
    world = Routes(oncall)
    error = fails(oncall, integration_id=world.integration_id, routing_regex="a", escalation_chain="nope")
    assert "not found" in str(error)
    assert writes(oncall) == []


def test_check_mode_with_an_integration_that_does_not_exist_yet_predicts_a_create(oncall):
    Routes(oncall)
    result, warnings = run(oncall, check_mode=True, integration="later", routing_regex="a", escalation_chain="later chain", position=3)
    assert result["changed"] is True
    assert result["route"]["integration_id"] == "<integration later>"
    assert result["route"]["escalation_chain_id"] == "<escalation chain later chain>"
    assert result["route"]["position"] == 0
    assert writes(oncall) == []
    assert len(warnings) == 2


# ------------------------------------------------------------------ a POST with an unknown outcome


def test_lost_post_answer_is_looked_up_and_not_sent_again(oncall):
    world = Routes(oncall)
    oncall.add_fault("POST", r"^/api/v1/routes/$", kind="reset_after")
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="new", position=1)
    assert methods(oncall) == ["GET", "POST", "GET"]
    assert world.order() == [world.id("a"), result["route"]["id"]] + world.ids("bcd")


def test_post_not_applied_is_sent_again_only_after_a_lookup(oncall):
    world = Routes(oncall)
    oncall.add_fault("POST", r"^/api/v1/routes/$", kind="reset_before")
    result, dummy = run(oncall, integration_id=world.integration_id, routing_regex="new")
    assert methods(oncall) == ["GET", "POST", "GET", "POST"]
    assert world.order() == world.ids() + [result["route"]["id"]]


@pytest.mark.parametrize("applied", [True, False], ids=["made", "not-made"])
def test_post_answered_500_is_not_sent_again(oncall, applied):
    world = Routes(oncall)
    client = oncall.client()
    if applied:
        answer_500_after_posts(client)
    else:
        oncall.add_fault("POST", r"^/api/v1/routes/$", kind="status", status=500)
    error = fails(oncall, client=client, integration_id=world.integration_id, routing_regex="new")
    assert isinstance(error, OnCallAPIError) and error.status == 500
    assert methods(oncall) == ["GET", "POST", "GET"]
    made = [route["id"] for route in oncall.routes(world.integration_id) if route["routing_regex"] == "new"]
    if applied:
        assert len(made) == 1
        assert "created nonetheless (id %s)" % made[0] in str(error) and error.created["id"] == made[0]
    else:
        assert made == []
        assert "created nonetheless" not in str(error) and error.created is None


# ------------------------------------------------------------------ diff and result


def test_diff_always_shows_identity_and_the_changed_fields(oncall):
    world = Routes(oncall)
    result, dummy = run(oncall, id=world.id("b"), escalation_chain_id=world.chains["prod"])
    assert yaml.safe_load(result["diff"]["before"]) == {"integration_id": world.integration_id, "routing_type": "regex", "routing_regex": "b",
                                                        "escalation_chain_id": None}
    assert yaml.safe_load(result["diff"]["after"]) == {"integration_id": world.integration_id, "routing_type": "regex", "routing_regex": "b",
                                                       "escalation_chain_id": world.chains["prod"]}
    assert result["diff"]["before_header"] == result["diff"]["after_header"] == "route b"  # routes are named by what they match


def test_without_diff_mode_there_is_no_diff(oncall):
    world = Routes(oncall)
    result, dummy = run(oncall, diff=False, id=world.id("b"), escalation_chain_id=world.chains["prod"])
    assert result["changed"] is True
    assert "diff" not in result


# ------------------------------------------------------------------ oncall_route_info


def info(oncall, check_mode=False, **given):
    client = oncall.client()
    warnings = []
    oncall.clear_log()
    return list_routes(ansible_params(ROUTE_INFO_ARGUMENT_SPEC, **given), client, NameResolver(client, check_mode, warnings.append)), warnings


def test_info_lists_routes_in_order_with_the_default_last(oncall):
    world = Routes(oncall, positions={"a": 7, "b": 2, "c": 5, "d": 9})
    result, dummy = info(oncall, integration="prod")
    assert result["changed"] is False
    assert [item["id"] for item in result["routes"]] == world.ids("bcad") + [world.default_id]
    assert result["routes"][-1]["is_the_last_route"] is True
    assert not any(item["is_the_last_route"] for item in result["routes"][:-1])
    assert oncall.sent() == [("GET", "integrations/", {"name": "prod"}), world.listing]


def test_info_on_an_integration_without_routes_lists_only_its_default_route(oncall):
    world = Routes(oncall)
    result, dummy = info(oncall, integration_id=world.staging)
    assert [(item["id"], item["is_the_last_route"]) for item in result["routes"]] == [(oncall.get("integrations/%s/" % world.staging)
                                                                                       ["default_route"]["id"], True)]


def test_info_with_a_bad_integration_id_fails_before_any_request(oncall):
    with pytest.raises(OnCallError) as caught:
        info(oncall, integration_id="prod")
    assert "integration_id must be an OnCall id" in str(caught.value)
    assert oncall.log() == []


def test_info_in_check_mode_with_an_integration_that_does_not_exist_yet_is_empty(oncall):
    Routes(oncall)
    result, warnings = info(oncall, check_mode=True, integration="later")
    assert result["routes"] == []
    assert oncall.sent() == [("GET", "integrations/", {"name": "later"})]
    assert len(warnings) == 1 and "<integration later>" in warnings[0]

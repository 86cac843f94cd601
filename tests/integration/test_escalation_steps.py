# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_escalation_chain with steps, through the real ansible-playbook: budgets counted on the request
log, exact writes, check mode, bad steps refused before any request, lost answers, random edits, export round trip."""

from __future__ import annotations

import copy
import random

import pytest
import yaml

CHAIN = "oncall.grafana.oncall_escalation_chain"
INFO = "oncall.grafana.oncall_escalation_chain_info"
POLICIES = "/api/v1/escalation_policies/"


def webhook(oncall, name):
    """An outgoing webhook named ``name`` with the run's prefix."""
    name = oncall.name(name)
    answer = oncall.api("POST", "webhooks/", json={"name": name, "url": "https://hooks.example.com/%s" % name,
                                                   "trigger_type": "escalation", "http_method": "POST"})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def user_id(oncall, username):
    return next(user["id"] for user in oncall.list("users/") if user["username"] == username)


def schedule_id(oncall, name):
    return next(item["id"] for item in oncall.list("schedules/") if item["name"] == name)


def steps_of(oncall, chain_name):
    chain = next(item for item in oncall.list("escalation_chains/") if item["name"] == oncall.name(chain_name))
    return sorted(oncall.list("escalation_policies/", escalation_chain_id=chain["id"]), key=lambda step: step["position"])


def shape(steps):
    """What a step does, without its id and raw position."""
    return [{key: (sorted(value) if isinstance(value, list) else value) for key, value in step.items()
             if key not in ("id", "position", "escalation_chain_id")} for step in steps]


def chain_task(name, steps, **options):
    return {CHAIN: dict(options, name=name, steps=steps)}


def requests_made(oncall):
    return [(entry["method"], entry["path"]) for entry in oncall.log()]


def writes(oncall):
    return [entry for entry in oncall.log() if entry["method"] != "GET"]


FULL = [
    {"type": "notify_on_call_from_schedule", "schedule": "primary", "important": True},
    {"type": "wait", "duration": "5m"},
    {"type": "notify_persons", "users": ["alice", "Carol.Jones@example.com"]},
    {"type": "notify_team_members", "team": "ops"},
    {"type": "trigger_webhook", "webhook": "page-bot"},
    {"type": "notify_user_group", "user_group": "@sre-oncall"},
    {"type": "notify_if_time_from_to", "notify_if_time_from": "09:00", "notify_if_time_to": "17:30:00Z"},
    {"type": "notify_if_num_alerts_in_window", "num_alerts_in_window": 3, "num_minutes_in_window": 10},
    {"type": "repeat_escalation"},
]


def full(oncall):
    """FULL, its webhook named with the run's prefix (what webhook(oncall, "page-bot") made)."""
    return [dict(step, webhook=oncall.name("page-bot")) if "webhook" in step else step for step in FULL]


def test_create_then_unchanged_costs_the_lookups_and_one_listing(oncall, playbook):
    for what in ("users", "schedules", "user_groups"):
        oncall.needs(what)
    webhook(oncall, "page-bot")
    oncall.clear_log()
    play = playbook([chain_task(oncall.name("paging"), full(oncall))])
    assert play.rc == 0 and play.last["changed"] is True, play
    made = requests_made(oncall)
    # Names first (users once for both, each other name once), the chain lookup, then the chain and its steps.
    assert sorted(made[:5]) == sorted([("GET", "/api/v1/schedules/"), ("GET", "/api/v1/users/"), ("GET", "/api/v1/teams/"),
                                       ("GET", "/api/v1/webhooks/"), ("GET", "/api/v1/user_groups/")])
    assert made[5:] == [("GET", "/api/v1/escalation_chains/"), ("POST", "/api/v1/escalation_chains/")] + [("POST", POLICIES)] * len(FULL)
    assert all("position" not in entry["body"] for entry in writes(oncall)[1:]), "creates in order need no position"
    steps = steps_of(oncall, "paging")
    assert [step["type"] for step in steps] == [step["type"] for step in FULL]
    assert steps[0]["important"] is True and steps[1]["duration"] == 300
    assert sorted(steps[2]["persons_to_notify"]) == sorted([user_id(oncall, "alice"), user_id(oncall, "carol")])
    assert steps[6]["notify_if_time_from"] == "09:00:00Z" and steps[6]["notify_if_time_to"] == "17:30:00Z"
    assert play.last["escalation_chain"]["steps"] == steps

    oncall.clear_log()
    again = playbook([chain_task(oncall.name("paging"), full(oncall))])
    assert again.rc == 0 and again.last["changed"] is False, again
    # Unchanged: the chain lookup, one listing of its steps, one request per kind of name.
    assert len(requests_made(oncall)) == 2 + 5 and writes(oncall) == []
    assert ("GET", POLICIES) in requests_made(oncall)


def test_one_change_is_one_write_each_and_check_mode_predicts_it(oncall, playbook):
    oncall.needs("users")
    oncall.needs("schedules")
    base = [{"type": "wait", "duration": 60}, {"type": "notify_persons", "users": ["alice"]},
            {"type": "notify_on_call_from_schedule", "schedule": "primary"}, {"type": "resolve"}]
    assert playbook([chain_task(oncall.name("edits"), base)]).rc == 0
    ids = [step["id"] for step in steps_of(oncall, "edits")]
    cases = [
        # (edit, the one write it takes: method, step index in the old list or None for a POST, body)
        (lambda steps: [steps[3]] + steps[:3], ("PUT", 3, {"position": 0})),
        (lambda steps: [steps[0], dict(steps[1], users=["alice", "bob"])] + steps[2:], ("PUT", 1, None)),
        (lambda steps: steps[:2] + [dict(steps[2], important=True)] + steps[3:],
         ("PUT", 2, {"type": "notify_on_call_from_schedule", "important": True})),
        (lambda steps: steps[:1] + [{"type": "wait", "duration": "10m"}] + steps[1:], ("POST", None, None)),
        (lambda steps: steps[:1] + steps[2:], ("DELETE", 1, None)),
    ]
    for edit, (method, index, body) in cases:
        oncall.reset()
        assert playbook([chain_task(oncall.name("edits"), base)]).rc == 0
        ids = [step["id"] for step in steps_of(oncall, "edits")]
        wanted = edit(copy.deepcopy(base))
        oncall.clear_log()
        check = playbook([chain_task(oncall.name("edits"), wanted)], check=True, diff=True)
        assert check.rc == 0 and check.last["changed"] is True and writes(oncall) == [], check
        real = playbook([chain_task(oncall.name("edits"), wanted)], diff=True)
        assert real.rc == 0, real
        sent = writes(oncall)
        assert [entry["method"] for entry in sent] == [method], (wanted, sent)
        if index is not None:
            assert sent[0]["path"] == "%s%s/" % (POLICIES, ids[index])
        if body is not None:
            assert sent[0]["body"] == body
        assert check.last["diff"] == real.last["diff"]
        assert shape(check.last["escalation_chain"]["steps"]) == shape(real.last["escalation_chain"]["steps"]) == \
            shape(steps_of(oncall, "edits"))


def test_a_type_change_sends_the_whole_new_step_and_keeps_the_id(oncall, playbook):
    oncall.needs("users")
    assert playbook([chain_task(oncall.name("retype"), [{"type": "wait", "duration": 60}, {"type": "resolve"}])]).rc == 0
    first = steps_of(oncall, "retype")[0]
    oncall.clear_log()
    play = playbook([chain_task(oncall.name("retype"), [{"type": "notify_persons", "users": ["bob"], "important": True}, {"type": "resolve"}])])
    assert play.rc == 0, play
    assert [(entry["method"], entry["path"], entry["body"]) for entry in writes(oncall)] == \
        [("PUT", "%s%s/" % (POLICIES, first["id"]), {"type": "notify_persons", "important": True, "persons_to_notify": [user_id(oncall, "bob")]})]
    # Switching back must not bring the old duration back: the whole target set is sent again.
    play = playbook([chain_task(oncall.name("retype"), [{"type": "wait", "duration": 120}, {"type": "resolve"}])])
    assert play.rc == 0 and steps_of(oncall, "retype")[0]["duration"] == 120


def test_a_new_chain_in_check_mode_plans_its_steps_without_a_write(oncall, playbook):
    oncall.needs("users")
    oncall.clear_log()
    check = playbook([chain_task(oncall.name("fresh"), [{"type": "wait", "duration": 90}, {"type": "notify_persons", "users": ["bob"]}], team="db")],
                     check=True, diff=True)
    assert check.rc == 0 and check.last["changed"] is True, check
    assert writes(oncall) == []
    assert yaml.safe_load(check.last["diff"]["after"])["steps"] == ["wait: 90s", "notify_persons: bob"]
    real = playbook([chain_task(oncall.name("fresh"), [{"type": "wait", "duration": 90}, {"type": "notify_persons", "users": ["bob"]}], team="db")],
                    diff=True)
    assert real.last["diff"] == check.last["diff"]


def test_empty_list_removes_every_step_and_left_out_manages_none(oncall, playbook):
    oncall.needs("users")
    oncall.needs("schedules")
    assert playbook([chain_task(oncall.name("gone"), [{"type": "wait", "duration": 60}, {"type": "resolve"}])]).rc == 0
    oncall.clear_log()
    assert playbook([{CHAIN: {"name": oncall.name("gone"), "team": "ops"}}]).rc == 0
    assert ("GET", POLICIES) not in requests_made(oncall) and len(steps_of(oncall, "gone")) == 2
    oncall.clear_log()
    play = playbook([chain_task(oncall.name("gone"), [])])
    assert play.rc == 0 and play.last["changed"] is True
    assert [entry["method"] for entry in writes(oncall)] == ["DELETE", "DELETE"] and steps_of(oncall, "gone") == []


BAD_STEPS = [
    ({"type": "wait"}, "steps[0]: a wait step needs duration"),
    ({"type": "wait", "duration": 30}, "steps[0].duration is 30 seconds; OnCall allows 60 (1m) to 86400 (24h)"),
    ({"type": "wait", "duration": "2 days"}, "steps[0].duration must be a number of seconds or a text such as 90s, 5m or 1h"),
    ({"type": "notify_persons"}, "steps[0]: a notify_persons step needs users or user_ids"),
    ({"type": "notify_persons", "users": []}, "steps[0].users must name at least one user"),
    ({"type": "notify_persons", "users": ["alice"], "user_ids": ["UABC"]}, "steps[0]: users and user_ids are mutually exclusive"),
    ({"type": "wait", "duration": 60, "users": ["alice"]}, "steps[0].users does not belong to a wait step"),
    ({"type": "resolve", "important": True}, "steps[0].important: a resolve step has no important variant"),
    ({"type": "notify_person_next_each_time", "users": ["alice"], "important": True}, "important round robin step"),
    ({"type": "notify_if_time_from_to", "notify_if_time_from": "25:00", "notify_if_time_to": "10:00"},
     "steps[0].notify_if_time_from is not a time of day"),
    ({"type": "notify_if_time_from_to", "notify_if_time_from": "09:00"}, "needs notify_if_time_to"),
    ({"type": "notify_if_num_alerts_in_window", "num_alerts_in_window": 0, "num_minutes_in_window": 5},
     "steps[0].num_alerts_in_window must be at least 1"),
    ({"type": "notify_on_call_from_schedule", "schedule_id": "primary"}, "steps[0].schedule_id must be an OnCall id"),
    ({"type": "notify_team_members", "team": " "}, "steps[0].team must not be empty"),
]


@pytest.mark.parametrize("step, message", BAD_STEPS, ids=[message[:40] for dummy, message in BAD_STEPS])
def test_bad_steps_are_refused_before_any_request(oncall, playbook, step, message):
    oncall.clear_log()
    play = playbook([chain_task(oncall.name("bad"), [step])])
    assert play.rc != 0 and message in play.last["msg"], play.last.get("msg")
    assert oncall.log() == []


@pytest.mark.parametrize("step, message", [
    ({"type": "notify_persons", "users": ["nobody"]}, "steps[0].users: no OnCall user has the username or e-mail address 'nobody'"),
    ({"type": "notify_on_call_from_schedule", "schedule": "tertiary"}, "schedule 'tertiary' not found"),
    ({"type": "notify_user_group", "user_group": "nobody"}, "Slack user group 'nobody' not found"),
])
@pytest.mark.parametrize("check", [False, True], ids=["real", "check"])
def test_unknown_names_fail_before_any_write_in_check_mode_too(oncall, playbook, step, message, check):
    oncall.clear_log()
    play = playbook([chain_task(oncall.name("unknown"), [{"type": "resolve"}, step][1:])], check=check)
    assert play.rc != 0 and message in play.last["msg"], play.last.get("msg")
    assert writes(oncall) == []


def test_the_servers_refusal_names_the_step(oncall, playbook):
    play = playbook([chain_task(oncall.name("slackless"), [{"type": "resolve"}, {"type": "declare_incident", "severity": "critical"}])])
    assert play.rc != 0 and "steps[1]: Invalid escalation step type: step is not enabled" in play.last["msg"], play.last


def test_unknown_user_ids_dropped_by_the_server_fail_naming_the_step(oncall, playbook):
    oncall.needs("users")
    play = playbook([chain_task(oncall.name("dropped"), [{"type": "wait", "duration": 60},
                                                         {"type": "notify_persons", "user_ids": [user_id(oncall, "bob"), "UNOSUCHUSER12"]}])])
    assert play.rc != 0, play
    assert "steps[1]: OnCall did not store the step as sent" in play.last["msg"] and "persons_to_notify" in play.last["msg"]


def test_a_lost_answer_to_a_step_post_is_not_sent_again_blindly(oncall, playbook):
    oncall.needs("users")
    assert playbook([chain_task(oncall.name("lost"), [{"type": "wait", "duration": 60}])]).rc == 0
    oncall.add_fault("POST", r"^/api/v1/escalation_policies/$", count=1, kind="reset_after")
    oncall.clear_log()
    wanted = [{"type": "wait", "duration": 60}, {"type": "notify_persons", "users": ["alice"]}, {"type": "resolve"}]
    play = playbook([chain_task(oncall.name("lost"), wanted)], diff=True)
    assert play.rc == 0, play
    assert [step["type"] for step in steps_of(oncall, "lost")] == ["wait", "notify_persons", "resolve"]
    # The lost POST was applied; the steps were listed again instead of posting it twice.
    assert [entry["method"] for entry in writes(oncall)] == ["POST", "POST"]
    assert play.last["changed"] is True
    assert yaml.safe_load(play.last["diff"]["before"])["steps"] == ["wait: 1m"]
    assert playbook([chain_task(oncall.name("lost"), wanted)]).last["changed"] is False


def test_a_lost_answer_to_the_last_write_still_reports_the_change(oncall, playbook):
    assert playbook([chain_task(oncall.name("last"), [{"type": "wait", "duration": 60}])]).rc == 0
    oncall.add_fault("POST", r"^/api/v1/escalation_policies/$", count=1, kind="reset_after")
    play = playbook([chain_task(oncall.name("last"), [{"type": "wait", "duration": 60}, {"type": "resolve"}])])
    assert play.rc == 0 and play.last["changed"] is True, play
    assert [step["type"] for step in steps_of(oncall, "last")] == ["wait", "resolve"]


def test_a_hidden_step_at_the_end_does_not_misplace_the_new_ones(oncall, playbook):
    oncall.needs("users")
    assert playbook([chain_task(oncall.name("hidden-end"), [{"type": "wait", "duration": 60}, {"type": "resolve"}])]).rc == 0
    chain = next(item for item in oncall.list("escalation_chains/") if item["name"] == oncall.name("hidden-end"))
    answer = oncall.api("POST", "escalation_policies/", json={"escalation_chain_id": chain["id"], "type": "notify_person_next_each_time",
                                                              "persons_to_notify_next_each_time": [user_id(oncall, "bob")], "important": True})
    assert answer.status_code == 500
    wanted = [{"type": "resolve"}, {"type": "notify_persons", "users": ["alice"]}, {"type": "wait", "duration": 60}]
    play = playbook([chain_task(oncall.name("hidden-end"), wanted)])
    assert play.rc == 0 and play.last["changed"] is True, play
    # A create lands after the hidden step: the plan notices the position the server reports and plans the rest again.
    assert [step["type"] for step in steps_of(oncall, "hidden-end")] == ["resolve", "notify_persons", "wait"]
    assert [step["position"] for step in play.last["escalation_chain"]["steps"]] == [step["position"] for step in steps_of(oncall, "hidden-end")]
    assert playbook([chain_task(oncall.name("hidden-end"), wanted)]).last["changed"] is False


def test_hidden_steps_stay_and_the_task_still_converges(oncall, playbook):
    oncall.needs("users")
    oncall.needs("schedules")
    assert playbook([chain_task(oncall.name("hidden"), [{"type": "resolve"}])]).rc == 0
    chain = next(item for item in oncall.list("escalation_chains/") if item["name"] == oncall.name("hidden"))
    # OnCall answers 500 and hides an important round robin step made outside this collection.
    answer = oncall.api("POST", "escalation_policies/", json={"escalation_chain_id": chain["id"], "type": "notify_person_next_each_time",
                                                              "persons_to_notify_next_each_time": [user_id(oncall, "bob")], "important": True})
    assert answer.status_code == 500
    play = playbook([chain_task(oncall.name("hidden"), [{"type": "wait", "duration": 60}, {"type": "resolve"}])])
    assert play.rc == 0 and play.last["changed"] is True
    assert playbook([chain_task(oncall.name("hidden"), [{"type": "wait", "duration": 60}, {"type": "resolve"}])]).last["changed"] is False


CHOICES = [
    {"type": "wait", "duration": 60}, {"type": "wait", "duration": "5m"}, {"type": "resolve"}, {"type": "repeat_escalation"},
    {"type": "notify_persons", "users": ["alice"]}, {"type": "notify_persons", "users": ["bob", "carol"], "important": True},
    {"type": "notify_on_call_from_schedule", "schedule": "primary"},
    {"type": "notify_on_call_from_schedule", "schedule": "secondary", "important": True},
    {"type": "notify_team_members", "team": "db"},
]


def test_random_edits_land_on_the_wanted_list_with_the_fewest_creates_and_deletes(oncall, playbook):
    oncall.needs("users")
    oncall.needs("schedules")
    rng = random.Random(11)
    current = []
    for round_number in range(12):
        wanted = [dict(rng.choice(CHOICES)) for dummy in range(rng.randint(0, 6))] if round_number % 4 == 0 else \
            [step for step in current if rng.random() > 0.25]
        if round_number % 4:
            for dummy in range(rng.randint(0, 2)):
                wanted.insert(rng.randint(0, len(wanted)), dict(rng.choice(CHOICES)))
            rng.shuffle(wanted) if rng.random() < 0.3 else None
        before = steps_of(oncall, "random") if round_number else []
        oncall.clear_log()
        play = playbook([chain_task(oncall.name("random"), wanted)])
        assert play.rc == 0, play
        after = steps_of(oncall, "random")
        where = "round %d: %s" % (round_number, wanted)
        assert [step["type"] for step in after] == [step["type"] for step in wanted], where
        sent = [entry for entry in writes(oncall) if entry["path"] != "/api/v1/escalation_chains/"]
        # Every step that can be kept is kept (updated or moved in place), and no step is written twice.
        assert sum(entry["method"] == "POST" for entry in sent) == max(0, len(wanted) - len(before)), where
        assert sum(entry["method"] == "DELETE" for entry in sent) == max(0, len(before) - len(wanted)), where
        paths = [entry["path"] for entry in sent if entry["method"] != "POST"]
        assert len(paths) == len(set(paths)), where
        assert len(sent) <= len(wanted) + max(0, len(before) - len(wanted)), where
        oncall.clear_log()
        assert playbook([chain_task(oncall.name("random"), wanted)]).last["changed"] is False, where
        assert writes(oncall) == []
        current = wanted


@pytest.mark.emulator_only("exports and applies back every escalation chain of the organization")
def test_export_with_steps_applies_back_unchanged_at_two_requests_per_chain(oncall, playbook):
    webhook(oncall, "page-bot")
    assert playbook([chain_task("first", full(oncall), team="ops"), chain_task("second", [{"type": "resolve"}])]).rc == 0
    assert playbook([{CHAIN: {"name": "empty"}}]).rc == 0
    oncall.clear_log()
    export = playbook([{INFO: {"steps": True, "export": True}}])
    assert export.rc == 0
    # One listing of chains and one of every step, whatever the number of chains.
    assert requests_made(oncall) == [("GET", "/api/v1/escalation_chains/"), ("GET", POLICIES)]
    chains = export.last["escalation_chains"]
    params = {chain["name"]: chain["params"] for chain in chains}
    assert params["empty"] == {"id": params["empty"]["id"], "name": "empty", "team_id": "", "steps": []}
    assert params["first"]["steps"][2] == {"type": "notify_persons", "important": False,
                                           "user_ids": sorted([user_id(oncall, "alice"), user_id(oncall, "carol")])}
    assert params["first"]["steps"][0]["schedule_id"] == schedule_id(oncall, "primary")
    oncall.clear_log()
    reapply = playbook([{CHAIN: chain["params"]} for chain in chains])
    assert reapply.rc == 0 and all(result["changed"] is False for result in reapply.results), reapply
    assert len(requests_made(oncall)) == 2 * len(chains) and writes(oncall) == []

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_escalation_chain and its info module through the real ansible-playbook."""

from __future__ import annotations

import pytest
import yaml


def calls(oncall):
    return [(entry["method"], entry["path"], entry["body"]) for entry in oncall.log()]


def chains(oncall, name):
    return [chain for chain in oncall.list("escalation_chains/") if chain["name"] == name]


def chain_task(**options):
    return [{"name": "Chain", "oncall.grafana.oncall_escalation_chain": options}]


def test_lifecycle_check_apply_rerun_update_delete(oncall, playbook):
    name = oncall.name("chain")
    ops = oncall.team_id("ops")

    oncall.clear_log()
    play = playbook(chain_task(name=name, team="ops"), check=True, diff=True)
    assert play.rc == 0, play
    assert play.last["changed"] is True and play.last["escalation_chain"] == {"id": None, "name": name, "team_id": ops}
    assert yaml.safe_load(play.last["diff"]["before"]) == {} and yaml.safe_load(play.last["diff"]["after"]) == {"name": name, "team_id": ops}
    assert [method for method, dummy_path, dummy_body in calls(oncall)] == ["GET", "GET"]
    assert chains(oncall, name) == []

    oncall.clear_log()
    play = playbook(chain_task(name=name, team="ops"), diff=True)
    assert play.rc == 0, play
    created = play.last["escalation_chain"]
    assert created["id"].startswith("F") and created["team_id"] == ops
    assert calls(oncall)[-1] == ("POST", "/api/v1/escalation_chains/", {"name": name, "team_id": ops})

    oncall.clear_log()
    play = playbook(chain_task(name=name, team_id=ops))
    assert play.rc == 0 and play.last["changed"] is False
    assert [(method, path) for method, path, dummy_body in calls(oncall)] == [("GET", "/api/v1/escalation_chains/")]

    # Move to no team: PUT carries the name too, since OnCall's PUT requires it.
    oncall.clear_log()
    play = playbook(chain_task(name=name, team_id=""), diff=True)
    assert play.rc == 0 and play.last["changed"] is True
    assert calls(oncall)[-1] == ("PUT", "/api/v1/escalation_chains/%s/" % created["id"], {"team_id": None, "name": name})
    assert yaml.safe_load(play.last["diff"]["before"])["team_id"] == ops and yaml.safe_load(play.last["diff"]["after"])["team_id"] is None

    # Rename by id.
    new_name = oncall.name("renamed-chain")
    play = playbook(chain_task(id=created["id"], name=new_name))
    assert play.rc == 0 and play.last["escalation_chain"]["name"] == new_name

    oncall.clear_log()
    play = playbook(chain_task(name=new_name, state="absent"), diff=True)
    assert play.rc == 0 and play.last["changed"] is True and play.last["escalation_chain"] == {}
    assert [method for method, dummy_path, dummy_body in calls(oncall)] == ["GET", "DELETE"]
    oncall.clear_log()
    play = playbook(chain_task(name=new_name, state="absent"))
    assert play.rc == 0 and play.last["changed"] is False and len(calls(oncall)) == 1


def test_team_is_an_attribute_not_part_of_the_identity(oncall, playbook):
    name = oncall.name("org-wide")
    created = oncall.api("POST", "escalation_chains/", json={"name": name, "team_id": oncall.team_id("ops")}).json()
    play = playbook(chain_task(name=name, team="db"))
    assert play.rc == 0, play
    assert play.last["escalation_chain"]["id"] == created["id"] and play.last["escalation_chain"]["team_id"] == oncall.team_id("db")
    assert len(chains(oncall, name)) == 1


@pytest.mark.parametrize("options, expected", [
    ({"name": "x" * 101}, "name is 101 characters long; OnCall allows at most 100"),
    ({"name": " "}, "name must not be empty"),
    ({"id": "fnope"}, "id must be an OnCall id such as FW6E8N3JQ1ZVK"),
    ({"name": "x", "team": "ops", "team_id": ""}, "mutually exclusive: team_id|team"),
    ({"name": "x", "team": ""}, "team must not be empty"),
])
def test_bad_options_fail_before_any_request(oncall, playbook, options, expected):
    oncall.clear_log()
    play = playbook(chain_task(**options))
    assert play.rc != 0 and expected in play.last["msg"], play.last["msg"]
    assert oncall.log() == []


def test_unknown_id_fails_when_present(oncall, playbook):
    play = playbook(chain_task(id="FNOSUCHCHAIN1", name="x"))
    assert play.rc != 0 and "no escalation chain with id FNOSUCHCHAIN1" in play.last["msg"]
    play = playbook(chain_task(id="FNOSUCHCHAIN1", state="absent"))
    assert play.rc == 0 and play.last["changed"] is False


def test_info_lists_with_name_and_team_filters(oncall, playbook):
    ops = oncall.team_id("ops")
    first = oncall.api("POST", "escalation_chains/", json={"name": oncall.name("c1"), "team_id": ops}).json()
    second = oncall.api("POST", "escalation_chains/", json={"name": oncall.name("c2")}).json()
    tasks = [
        {"name": "By team", "oncall.grafana.oncall_escalation_chain_info": {"team": "ops"}},
        {"name": "No team", "oncall.grafana.oncall_escalation_chain_info": {"team_id": ""}},
        {"name": "By name", "oncall.grafana.oncall_escalation_chain_info": {"name": second["name"]}},
        {"name": "Nothing", "oncall.grafana.oncall_escalation_chain_info": {"name": oncall.name("none")}},
    ]
    play = playbook(tasks, check=True)
    assert play.rc == 0, play
    by_team, no_team, by_name, nothing = (result["escalation_chains"] for result in play.results)
    assert first["id"] in [c["id"] for c in by_team] and second["id"] not in [c["id"] for c in by_team]
    assert second["id"] in [c["id"] for c in no_team] and first["id"] not in [c["id"] for c in no_team]
    assert [c["id"] for c in by_name] == [second["id"]] and nothing == []

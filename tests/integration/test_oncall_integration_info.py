# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_integration_info: filters, and the export -> vars file -> apply round trip with changed=0."""

from __future__ import annotations

import itertools

import pytest
import yaml

TYPES = ("webhook", "alertmanager", "grafana", "formatted_webhook", "kapacitor", "elastalert", "inbound_email", "manual", "zabbix")


def populate(oncall, count):
    """A server holding integrations of several types, teams, templates and default routes."""
    teams = [None, oncall.team_id("ops"), oncall.team_id("db")]
    chain = oncall.api("POST", "escalation_chains/", json={"name": oncall.name("chain")}).json()
    made = []
    for index, (kind, team) in zip(range(count), itertools.cycle(itertools.product(TYPES, teams))):
        body = {"name": oncall.name("fleet-%03d" % index), "type": kind, "team_id": team}
        if index % 2:
            body["description_short"] = "integration %d" % index
        if index % 3 == 0:
            body["templates"] = {
                "grouping_key": "{{ payload.group_%d }}" % index,
                "slack": {"title": "*{{ payload.title }}* #%d" % index, "message": ""},
                "web": {"image_url": "{% if payload.image %}{{ payload.image }}{% endif %}"},
                "email": {"title": "{# comment #}subject %d" % index},
                "phone_call": {"title": "multi\nline {{ payload.x }}"},
            }
        if index % 4 == 0:
            body["default_route"] = {"escalation_chain_id": chain["id"], "slack": {"channel_id": oncall.slack_id("alerts"), "enabled": index % 8 == 0}}
        elif index % 4 == 1:
            body["default_route"] = {"slack": {"enabled": False}}
        made.append(oncall.create_integration(**body))
        if index % 5 == 0:
            # Routes in an order that differs from their creation, one of each routing type, one with a chain.
            for route in ({"routing_regex": "critical-%d" % index, "escalation_chain_id": chain["id"]},
                          {"routing_type": "jinja2", "routing_regex": "{{ payload.labels.team == 'db%d' }}" % index, "position": 0,
                           "slack": {"channel_id": oncall.slack_id("alerts"), "enabled": False}}):
                response = oncall.api("POST", "routes/", json=dict({"integration_id": made[-1]["id"], "escalation_chain_id": None}, **route))
                assert response.status_code == 201, response.text
    return made


EXPORT = """\
- name: Export every integration
  oncall.grafana.oncall_integration_info:
    export: true
  register: exported
- name: Write the vars file, templates protected from Ansible's Jinja
  ansible.builtin.copy:
    dest: "{{ vars_file }}"
    mode: "0600"
    content: "{{ {'oncall_integrations': exported.integrations | map(attribute='params') | select | list} | oncall.grafana.to_unsafe_yaml }}"
"""

APPLY = """\
- name: Load the exported integrations
  ansible.builtin.include_vars:
    file: "{{ vars_file }}"
- name: Manage every exported integration
  oncall.grafana.oncall_integration:
    id: "{{ item.id }}"
    name: "{{ item.name }}"
    team_id: "{{ item.team_id }}"
    type: "{{ item.type }}"
    description_short: "{{ item.description_short }}"
    templates: "{{ item.templates }}"
    purge_templates: "{{ item.purge_templates }}"
    default_route: "{{ item.default_route }}"
    routes: "{{ item.routes }}"
  loop: "{{ oncall_integrations }}"
  loop_control:
    label: "{{ item.name }}"
"""


@pytest.mark.emulator_only("makes a team's direct paging integration, which only the server itself makes")
def test_export_then_apply_round_trips_with_no_change_and_two_requests_each(oncall, playbook, tmp_path):
    made = populate(oncall, 104)
    direct = oncall.control("POST", "direct_paging", json={"team_id": oncall.team_id("ops")})
    vars_file = tmp_path / "oncall_integrations.yml"
    play_vars = {"vars_file": str(vars_file)}

    oncall.clear_log()
    play = playbook(EXPORT, play_vars=play_vars)
    assert play.rc == 0, play
    exported = play.results[0]["integrations"]
    assert len(exported) == len(made) + 1
    # Two pages of 100 integrations, then every route (more integrations to export than pages): two pages too.
    assert [(e["method"], e["path"], e["query"].get("page")) for e in oncall.log()] == [
        ("GET", "/api/v1/integrations/", None), ("GET", "/api/v1/integrations/", "2"), ("GET", "/api/v1/routes/", None),
        ("GET", "/api/v1/routes/", "2")]
    by_id = {item["id"]: item for item in exported}
    assert by_id[direct["id"]]["params"] is None
    for item in exported:
        assert item["params"] is None or "link" not in item["params"]

    # The file on disk tags templates !unsafe and holds no secret.
    text = vars_file.read_text()
    assert "!unsafe" in text and "integrations/v1/" not in text
    loaded = yaml.load(text, Loader=_UnsafeTolerantLoader)["oncall_integrations"]
    assert len(loaded) == len(made)
    sample = next(entry for entry in loaded if entry["id"] == made[0]["id"])
    assert sample["templates"]["grouping_key"] == "{{ payload.group_0 }}"
    assert sample["templates"]["phone_call"]["title"] == "multi\nline {{ payload.x }}"
    assert [(route["routing_type"], route["routing_regex"]) for route in sample["routes"]] == [
        ("jinja2", "{{ payload.labels.team == 'db0' }}"), ("regex", "critical-0")]
    assert sample["routes"][1]["escalation_chain_id"].startswith("F")

    oncall.clear_log()
    play = playbook(APPLY, play_vars=play_vars)
    assert play.rc == 0, play
    loop = play.records[-1]["result"]["results"]
    assert len(loop) == len(made)
    assert [entry["changed"] for entry in loop] == [False] * len(made)
    # Each integration costs its lookup by id and its routes listing, routes included.
    log = oncall.log()
    assert [(entry["method"], entry["path"].split("/")[3]) for entry in log] == [("GET", "integrations"), ("GET", "routes")] * len(made)


class _UnsafeTolerantLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """Reads the vars file in the test; Ansible's own loader is what include_vars uses."""


_UnsafeTolerantLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def test_filters_by_name_team_type_and_id(oncall, playbook):
    ops = oncall.team_id("ops")
    alert_ops = oncall.create_integration(name=oncall.name("a"), type="alertmanager", team_id=ops)
    oncall.create_integration(name=oncall.name("a"), type="alertmanager")
    oncall.create_integration(name=oncall.name("b"), type="webhook", team_id=ops)
    tasks = [
        {"name": "By name", "oncall.grafana.oncall_integration_info": {"name": oncall.name("a")}},
        {"name": "By team name and type", "oncall.grafana.oncall_integration_info": {"team": "ops", "type": "alertmanager"}},
        {"name": "No team", "oncall.grafana.oncall_integration_info": {"team_id": "", "name": oncall.name("a")}},
        {"name": "By id", "oncall.grafana.oncall_integration_info": {"id": alert_ops["id"]}},
        {"name": "Unknown id", "oncall.grafana.oncall_integration_info": {"id": "CNOSUCHTHING1"}},
        {"name": "Nothing matches", "oncall.grafana.oncall_integration_info": {"name": oncall.name("none")}},
    ]
    play = playbook(tasks, check=True)
    assert play.rc == 0, play
    by_name, by_team_type, no_team, by_id, unknown, nothing = (result["integrations"] for result in play.results)
    assert len(by_name) == 2
    assert [item["id"] for item in by_team_type if item["name"].startswith(oncall.prefix)] == [alert_ops["id"]]
    assert len(no_team) == 1 and no_team[0]["team_id"] is None
    assert [item["id"] for item in by_id] == [alert_ops["id"]]
    assert unknown == [] and nothing == []
    assert all(result["changed"] is False for result in play.results)


def test_info_never_writes_and_unknown_team_name_fails(oncall, playbook):
    oncall.clear_log()
    play = playbook([{"name": "Unknown team", "oncall.grafana.oncall_integration_info": {"team": "nobody"}}])
    assert play.rc != 0 and "team 'nobody' not found in OnCall" in play.last["msg"]
    assert all(entry["method"] == "GET" for entry in oncall.log())

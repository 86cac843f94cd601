# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""max_concurrent_requests through real ansible-playbook runs: set once in module_defaults, listings ask their pages at once."""

from __future__ import annotations

import pytest
import yaml


INTEGRATIONS = r"^/api/v1/integrations/?$"


def playbook_text(oncall, tasks, **connection):
    """A play whose module_defaults set the connection, as users write it once per play."""
    defaults = dict({"url": oncall.url, "token": oncall.token}, **connection)
    return yaml.safe_dump([{"hosts": "localhost", "gather_facts": False,
                            "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
                            "module_defaults": {"group/oncall.grafana.oncall": defaults}, "tasks": tasks}], sort_keys=False)


def run(oncall, playbook, tmp_path, tasks, **connection):
    path = tmp_path / "listing.yml"
    path.write_text(playbook_text(oncall, tasks, **connection))
    return playbook.file(path)


def pages(entries):
    return [int(entry["query"].get("page", 1)) for entry in entries]


@pytest.mark.emulator_only("lists the whole organization by pages, so it must hold only the test's integrations")
def test_max_concurrent_requests_from_module_defaults_asks_the_pages_together(oncall, playbook, tmp_path):
    made = [oncall.create_integration(name=oncall.name("page-%03d" % index), type="webhook") for index in range(250)]
    oncall.clear_log()
    # The two pages after the first are held until both have arrived: they only pass if they are asked together.
    oncall.add_fault("GET", INTEGRATIONS, query=r"(^|&)page=", count=2, kind="hold", seconds=10)
    play = run(oncall, playbook, tmp_path, [{"name": "List", "oncall.grafana.oncall_integration_info": {}}], max_concurrent_requests=2)
    assert play.rc == 0, play
    assert [item["id"] for item in play.last["integrations"]] == [item["id"] for item in made]
    assert sorted(pages(oncall.log())) == [1, 2, 3]
    assert [entry["released"] for entry in oncall.log() if entry.get("fault")] == ["all", "all"]


@pytest.mark.emulator_only("lists the whole organization by pages, so it must hold only the test's integrations")
def test_429_on_a_middle_page_is_waited_out_and_warned_about(oncall, playbook, tmp_path):
    made = [oncall.create_integration(name=oncall.name("page-%03d" % index), type="webhook") for index in range(350)]
    oncall.clear_log()
    oncall.add_fault("GET", INTEGRATIONS, query=r"(^|&)page=3(&|$)", kind="status", status=429, retry_after=1)
    play = run(oncall, playbook, tmp_path, [{"name": "Gather", "oncall.grafana.oncall_integrations": {"state": "gathered"}}])
    assert play.rc == 0, play
    assert [item["name"] for item in play.last["gathered"]] == [item["name"] for item in made]
    assert "page=3: HTTP 429, retry 1 of 5" in str(play.last["warnings"])
    listing = [entry for entry in oncall.log() if entry["path"] == "/api/v1/integrations/"]
    assert sorted(pages(listing)) == [1, 2, 3, 3, 4]


def test_max_concurrent_requests_below_1_fails_naming_it_before_any_request(oncall, playbook, tmp_path):
    oncall.clear_log()
    play = run(oncall, playbook, tmp_path, [{"name": "List", "oncall.grafana.oncall_integration_info": {}}], max_concurrent_requests=0)
    assert play.rc != 0
    assert play.last["msg"] == "max_concurrent_requests must be 1 or more, got 0"
    assert oncall.log() == []

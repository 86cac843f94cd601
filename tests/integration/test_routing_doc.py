# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/routing.md: its playbook runs twice on a fresh server, changed=0 the second time, with the request counts it states."""

from __future__ import annotations

import pytest
import requests
import yaml

from server import EmulatorServer  # pylint: disable=import-error

TOKEN = "routing-token"
TOTALS = r"For the whole playbook: (\d+) requests the first time, (\d+) the second, 0 writes the second"


def stated_dry_run_routes(page):
    """The check-mode diff of the routes, as the page shows it (its YAML block that starts with ``routes:``)."""
    block = next(block for block in page.blocks() if block.startswith("routes:"))
    return yaml.safe_load(block)["routes"]


@pytest.mark.emulator_only("runs documented playbooks as written (team Platform, names without the run's prefix) on an emulator of its own")
def test_routing_doc_runs_twice_with_the_stated_request_counts(oncall, runs_twice, doc_page):
    page = doc_page("routing.md")
    first_total, second_total = page.totals(TOTALS)
    with EmulatorServer(token=TOKEN, teams=["Platform"], rate_limit="100000/m", host="127.0.0.1", port=0) as server:
        counts = runs_twice(page.playbook(), server.url, TOKEN)
        assert sum(counts[0].values()) == first_total and counts[0]["POST"] == 6
        assert sum(counts[1].values()) == second_total and set(counts[1]) == {"GET"}
        routes = requests.get(server.url + "/__emulator__/state", timeout=10).json()["routes"]
        regular = sorted((r for r in routes if not r["is_default"]), key=lambda r: r["order"])
        assert [r["routing_regex"] for r in regular] == ['"severity": "critical"', '"team": "database"',
                                                         "{{ payload.commonLabels.env == 'staging' }}"]


@pytest.mark.emulator_only("runs documented playbooks as written (team Platform, names without the run's prefix) on an emulator of its own")
def test_routing_doc_dry_run_on_a_fresh_server_shows_the_stated_routes_and_writes_nothing(oncall, playbook, doc_page, tmp_path):
    page = doc_page("routing.md")
    with EmulatorServer(token=TOKEN, teams=["Platform"], rate_limit="100000/m", host="127.0.0.1", port=0) as server:
        path = tmp_path / "routing.yml"
        path.write_text(page.playbook())
        play = playbook.file(path, env={"GRAFANA_ONCALL_URL": server.url, "GRAFANA_ONCALL_ACCESS_TOKEN": TOKEN}, check=True, diff=True)
        assert play.rc == 0, play
        integration = play.records[-1]["result"]
        assert yaml.safe_load(integration["diff"]["after"])["routes"] == stated_dry_run_routes(page)
        log = requests.get(server.url + "/__emulator__/requests", timeout=10).json()["requests"]
        assert {entry["method"] for entry in log} == {"GET"}

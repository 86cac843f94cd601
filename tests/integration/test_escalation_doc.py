# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/escalation.md: the whole alert path runs twice on a fresh server, changed=0 the second time, with the request
counts the page states; the chain it declares really pages who it says."""

from __future__ import annotations

import pytest
import requests

from server import EmulatorServer  # pylint: disable=import-error

TOKEN = "escalation-token"
TOTALS = r"the first run takes (\d+) requests and the second (\d+), all reads"


@pytest.mark.emulator_only("runs documented playbooks as written (team Platform, names without the run's prefix) on an emulator of its own")
def test_alert_path_runs_twice_with_the_stated_request_counts(oncall, runs_twice, doc_page):
    page = doc_page("escalation.md")
    first_total, second_total = page.totals(TOTALS)
    with EmulatorServer(token=TOKEN, teams=["Platform"], users=["alice", "bob"], schedules=["Platform primary"], rate_limit="100000/m",
                        host="127.0.0.1", port=0) as server:
        counts = runs_twice(page.playbook("Platform alert path"), server.url, TOKEN)
        assert (sum(counts[0].values()), sum(counts[1].values())) == (first_total, second_total), counts
        assert set(counts[1]) == {"GET"}
        steps = requests.get(server.url + "/api/v1/escalation_policies/", headers={"Authorization": TOKEN}, timeout=10).json()["results"]
        assert [step["type"] for step in steps] == ["notify_on_call_from_schedule", "wait", "notify_persons", "repeat_escalation",
                                                    "notify_if_time_from_to", "notify_on_call_from_schedule"]
        assert steps[0]["important"] is True and steps[1]["duration"] == 300 and steps[4]["notify_if_time_from"] == "08:00:00Z"

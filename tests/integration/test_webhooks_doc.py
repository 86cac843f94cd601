# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/webhooks.md: the chain whose last step opens a ticket dry-runs on an empty server, then runs twice, changed=0 the
second time, with the request counts the page states; the chain's last step calls the webhook, which holds the token."""

from __future__ import annotations

import pytest
import requests

from server import EmulatorServer  # pylint: disable=import-error

TOKEN = "webhooks-doc-token"
TICKETS_TOKEN = "tickets-token-never-shown"
TOTALS = r"the first run takes (\d+) requests and the second (\d+), all reads"


@pytest.mark.emulator_only("runs documented playbooks as written (team Platform, names without the run's prefix) on an emulator of its own")
def test_ticket_chain_dry_runs_then_runs_twice_with_the_stated_request_counts(oncall, playbook, runs_twice, doc_page, tmp_path):
    page = doc_page("webhooks.md")
    first_total, second_total = page.totals(TOTALS)
    ticket_chain = page.playbook("Escalations that end in a ticket")
    with EmulatorServer(token=TOKEN, teams=["Platform"], users=["alice"], schedules=["Platform primary"], rate_limit="100000/m",
                        host="127.0.0.1", port=0) as server:
        env = {"TICKETS_API_TOKEN": TICKETS_TOKEN}
        path = tmp_path / "dry-run.yml"
        path.write_text(ticket_chain)
        dry = playbook.file(path, check=True, diff=True, env=dict(env, GRAFANA_ONCALL_URL=server.url, GRAFANA_ONCALL_ACCESS_TOKEN=TOKEN))
        assert dry.rc == 0, dry
        assert any("outgoing webhook 'open-ticket' not found" in warning for warning in dry.last.get("warnings", [])), dry.last
        assert server.state.dump()["webhooks"] == [] and TICKETS_TOKEN not in dry.stdout

        counts = runs_twice(ticket_chain, server.url, TOKEN, env=env)
        assert (sum(counts[0].values()), sum(counts[1].values())) == (first_total, second_total), counts
        assert set(counts[1]) == {"GET"}
        api = requests.Session()
        api.headers["Authorization"] = TOKEN
        [hook] = api.get(server.url + "/api/v1/webhooks/", timeout=10).json()["results"]
        steps = api.get(server.url + "/api/v1/escalation_policies/", timeout=10).json()["results"]
        assert [step["type"] for step in steps][-1] == "trigger_webhook" and steps[-1]["action_to_trigger"] == hook["id"]
        assert hook["authorization_header"] == "****************" and hook["forward_all"] is False
        assert [item["authorization_header"] for item in server.state.dump()["webhooks"]] == ["Bearer " + TICKETS_TOKEN]

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make bench` against a server given by ONCALL_TEST_URL: the request-count sections, through the recording proxy.

A stand-in emulator plays the real server, started as one would be (the real rate limit, no Slack), and is only
ever reached by its URL: the benchmark must count through the proxy, say which server the figures came from, keep
the page's other sections, and leave the server as it found it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from server import EmulatorServer  # pylint: disable=import-error

REPO = Path(__file__).resolve().parents[2]
TOKEN = "bench-stand-in-token-0123456789abcdef"


def bench(server_url, *args):
    env = dict(os.environ, ONCALL_TEST_URL=server_url, ONCALL_TEST_TOKEN=TOKEN)
    return subprocess.run([sys.executable, str(REPO / "bench" / "run.py")] + list(args), cwd=str(REPO), env=env,
                          capture_output=True, text=True, timeout=900, check=False)


def parts(page):
    """{section name: its part of the page}."""
    pieces = re.split(r"^<!-- bench section: (\S+) -->$", page, flags=re.MULTILINE)
    return dict(zip(pieces[1::2], pieces[2::2]))


@pytest.mark.emulator_only("starts a stand-in server of its own for the benchmark")
def test_requests_per_operation_and_the_fleet_are_measured_against_the_server_and_it_is_left_as_it_was(tmp_path):
    before = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    page = tmp_path / "performance.md"
    page.write_text(before, encoding="utf-8")
    with EmulatorServer(token=TOKEN, teams=["ops", "db"], host="127.0.0.1", port=0) as server:
        proc = bench(server.url, "--output", str(page), "--fleet-size", "20", "--reps", "1", "--fleet-loop-reps", "1")
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
        after = page.read_text(encoding="utf-8")
        operations = parts(after)["operations"]
        assert "against the OnCall at %s" % server.url.split("//")[1] in operations
        assert "Every operation is at its minimum." in operations
        # No Slack on this server: the rows name the team and chain only, and say so.
        assert "no Slack channel #alerts" in operations and "/slack_channels/?channel_name" not in operations
        fleet = parts(after)["fleet"]
        assert "Measured against the OnCall at %s" % server.url.split("//")[1] in fleet and "The server held 20 integrations" in fleet
        assert "| yes |" in fleet and "**no**" not in fleet  # every fleet row at its minimum
        assert {name: part for name, part in parts(after).items() if name not in ("operations", "fleet")} == {
            name: part for name, part in parts(before).items() if name not in ("operations", "fleet")}
        # Everything the run made is gone (the emulator's own log shows the section did make things there).
        for path in ("integrations", "escalation_chains", "webhooks"):
            listed = requests.get("%s/api/v1/%s/" % (server.url, path), headers={"Authorization": TOKEN}, timeout=30)
            assert listed.status_code == 200 and listed.json()["count"] == 0, (path, listed.text[:300])
        assert any(entry["method"] == "POST" for entry in server.state.requests)

        refused = bench(server.url, "--only", "pages", "--output", "-")
        assert refused.returncode == 2 and "pages need the emulator" in refused.stderr


@pytest.mark.emulator_only("starts a stand-in server of its own for the benchmark")
def test_a_server_without_the_teams_is_refused_before_anything_is_made():
    with EmulatorServer(token=TOKEN, teams=["ops"], host="127.0.0.1", port=0) as server:
        proc = bench(server.url, "--output", "-")
        assert proc.returncode == 1 and "the server has no team db" in proc.stderr, proc.stderr[-2000:]
        assert not any(entry["method"] != "GET" for entry in server.state.requests)


@pytest.mark.emulator_only("runs the benchmark's sections on emulators of their own")
def test_every_section_runs_on_the_emulator_at_small_sizes_and_splices_into_the_page(tmp_path):
    """`make bench` is not part of `make test`: this keeps every section working (their figures are not checked here)."""
    page = tmp_path / "performance.md"
    before = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    page.write_text(before, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ONCALL_TEST_")}
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--splice", "--output", str(page), "--reps", "1", "--seed", "10",
                           "--sizes", "100", "--lookups", "2", "--fleet-size", "30", "--fleet-loop-reps", "1", "--pages-sizes", "150",
                           "--pages-reps", "1", "--pages-fleet-size", "30", "--stacks", "2", "--stacks-integrations", "5", "--stacks-reps", "1"],
                          cwd=str(REPO), env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    after = parts(page.read_text(encoding="utf-8"))
    assert sorted(after) == sorted(parts(before)) and all("against the bundled emulator" in part for part in after.values())

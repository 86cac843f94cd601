# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stable command line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests


EMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_start_call_stop(stop_signal, emulator_process):
    with emulator_process("--host", "127.0.0.1", "--port", "0", "--token", "cli-token", "--teams", "ops,db",
                          "--slack-channels", "alerts=C01ALERTS,ops=C02OPS", "--rate-limit", "100/m", stop_signal=stop_signal) as url:
        teams = requests.get(url + "/api/v1/teams/", headers={"Authorization": "cli-token"}, timeout=10).json()
        assert [t["name"] for t in teams["results"]] == ["ops", "db"]
        channels = requests.get(url + "/api/v1/slack_channels/", headers={"Authorization": "cli-token"}, timeout=10).json()
        assert channels["results"] == [{"name": "alerts", "slack_id": "C01ALERTS"}, {"name": "ops", "slack_id": "C02OPS"}]
        assert requests.get(url + "/api/v1/teams/", headers={"Authorization": "Bearer cli-token"}, timeout=10).status_code == 403


def test_cli_rejects_bad_rate():
    result = subprocess.run([sys.executable, os.path.join(EMULATOR_DIR, "server.py"), "--token", "t", "--rate-limit", "lots"],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert "invalid rate" in result.stderr


def test_cli_users_schedules_user_groups(emulator_process):
    with emulator_process("--host", "127.0.0.1", "--port", "0", "--token", "cli-token", "--slack-channels", "alerts=C01ALERTS",
                          "--users", "alice,bob:Bob@Corp.example", "--schedules", "primary,primary,nights", "--user-groups", "oncall-team,sre") as base:
        url, headers = base + "/api/v1/", {"Authorization": "cli-token"}
        users = requests.get(url + "users/", headers=headers, timeout=10).json()["results"]
        assert [(u["username"], u["email"]) for u in users] == [("alice", "alice@example.com"), ("bob", "Bob@Corp.example")]
        schedules = requests.get(url + "schedules/", headers=headers, timeout=10).json()["results"]
        assert [(s["name"], s["type"], s["time_zone"]) for s in schedules] == [("primary", "web", "UTC")] * 2 + [("nights", "web", "UTC")]
        groups = requests.get(url + "user_groups/", headers=headers, timeout=10).json()["results"]
        assert [g["slack"]["handle"] for g in groups] == ["oncall-team", "sre"]


@pytest.mark.parametrize("arguments, message", [
    (["--user-groups", "oncall"], "--user-groups needs --slack-channels"),
    (["--users", "alice,ALICE"], "username 'ALICE' given twice"),
    (["--users", "alice:"], "e-mail addresses must be non-empty"),
    (["--slack-channels", "a=C1", "--user-groups", "x,x"], "a user group handle is given twice"),
])
def test_cli_rejects_bad_directory_flags(arguments, message):
    result = subprocess.run([sys.executable, os.path.join(EMULATOR_DIR, "server.py"), "--token", "t"] + arguments,
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert message in result.stderr

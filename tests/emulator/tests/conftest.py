# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: a fresh emulator per test and a tiny client for it."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys

import pytest
import requests

EMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

from server import EmulatorServer  # noqa: E402 pylint: disable=wrong-import-position

TOKEN = "t0ken"
SLACK_CHANNELS = {"alerts": "C01ALERTS", "ops-alerts": "C02OPS"}
USERS = ["alice", "bob", ("carol", "Carol@Corp.example")]
SCHEDULES = ["primary", "secondary"]
USER_GROUPS = ["oncall-team"]


class Api:
    """requests with the token, relative paths under /api/v1/, and control helpers."""

    def __init__(self, server):
        self.server = server
        self.base = server.url + "/api/v1/"

    def request(self, method, path, token=TOKEN, **kwargs):
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers.setdefault("Authorization", token)
        kwargs.setdefault("timeout", 10)
        return requests.request(method, self.base + path, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):  # pylint: disable=redefined-outer-name
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):  # pylint: disable=redefined-outer-name
        return self.request("PUT", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):  # pylint: disable=redefined-outer-name
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def control(self, method, name, json=None):  # pylint: disable=redefined-outer-name
        return requests.request(method, self.server.url + "/__emulator__/" + name, json=json, timeout=10)

    def log(self):
        return self.control("GET", "requests").json()["requests"]

    def team_id(self, name):
        return next(t["id"] for t in self.get("teams/").json()["results"] if t["name"] == name)

    def integration(self, **body):
        body.setdefault("type", "webhook")
        response = self.post("integrations/", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def chain(self, name, **body):
        response = self.post("escalation_chains/", json=dict(body, name=name))
        assert response.status_code == 201, response.text
        return response.json()

    def route(self, integration_id, regex="x", chain=None, **body):
        body.update(integration_id=integration_id, routing_regex=regex, escalation_chain_id=chain)
        response = self.post("routes/", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def step(self, chain_id, step_type, **body):
        response = self.post("escalation_policies/", json=dict(body, escalation_chain_id=chain_id, type=step_type))
        assert response.status_code == 201, response.text
        return response.json()

    def steps(self, chain_id):
        """{step id: position} of one chain, as listed."""
        return {s["id"]: s["position"] for s in self.get("escalation_policies/?escalation_chain_id=" + chain_id).json()["results"]}

    def user_id(self, username):
        return self.get("users/?username=" + username).json()["results"][0]["id"]

    def schedule_id(self, name):
        return self.get("schedules/?name=" + name).json()["results"][0]["id"]

    def webhook(self, name, **body):
        body = dict({"url": "https://example.com/hook", "http_method": "POST", "trigger_type": "escalation"}, name=name, **body)
        response = self.post("webhooks/", json=body)
        assert response.status_code == 201, response.text
        return response.json()


def start_server(**kwargs):
    options = {"token": TOKEN, "teams": ["ops", "db"], "slack_channels": dict(SLACK_CHANNELS), "rate_limit": "300/m", "host": "127.0.0.1", "port": 0,
               "users": list(USERS), "schedules": list(SCHEDULES), "user_groups": list(USER_GROUPS)}
    options.update(kwargs)
    if options["slack_channels"] is None and "user_groups" not in kwargs:
        options["user_groups"] = []  # user groups come from Slack: none without it
    return EmulatorServer(**options).start()


@pytest.fixture
def emulator():
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def api(emulator):  # pylint: disable=redefined-outer-name
    return Api(emulator)


@pytest.fixture
def make_api():
    """Start an emulator with other options; stopped at the end of the test."""
    servers = []

    def _make(**kwargs):
        servers.append(start_server(**kwargs))
        return Api(servers[-1])

    yield _make
    for server in servers:
        server.stop()


# The emulator started from its command line, as a separate process, for the tests of that command line.
SERVER_PY = os.path.join(EMULATOR_DIR, "server.py")
LISTENING = re.compile(r"OnCall emulator listening on (https?://127\.0\.0\.1:\d+)\n")
STOP_WITHIN = 30  # seconds; generous, for a busy machine


@contextlib.contextmanager
def emulator_process(*arguments, stop_signal=signal.SIGTERM):
    """`python server.py ARGUMENTS`; yields its URL once it says it listens, and must exit 0 on `stop_signal` at the end.

    Never waits without a limit: a process still running STOP_WITHIN seconds after the signal is killed and the
    test fails (leaving a `with Popen` block waits for the process without one).
    """
    command = [sys.executable, SERVER_PY] + list(arguments)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            line = process.stdout.readline()
            match = LISTENING.fullmatch(line)
            assert match, (line, process.stderr.read() if process.poll() is not None else "")
            yield match.group(1)
        finally:
            process.send_signal(stop_signal)
            try:
                returncode = process.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_WITHIN)
                pytest.fail("the emulator was still running %d s after %s" % (STOP_WITHIN, signal.Signals(stop_signal).name))
        assert returncode == 0, process.stderr.read()


@pytest.fixture(name="emulator_process")
def emulator_process_fixture():
    """emulator_process(*arguments, stop_signal=SIGTERM): a context manager yielding the URL of `python server.py ARGUMENTS`."""
    return emulator_process

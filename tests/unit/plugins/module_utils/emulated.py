# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one server model of the unit tests: the bundled emulator, in process, on 127.0.0.1.

Resources under test talk to it through the real OnCallClient over HTTP; tests prepare and read it with
plain requests (``api()``), never through the code under test, and count what was sent from its request log.
The ``oncall`` fixture (conftest.py) gives each test a freshly reset server.
"""

from __future__ import annotations

import os
import sys

import requests

from ansible_collections.oncall.grafana.plugins.module_utils.client import OnCallClient

EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "emulator"))
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

from server import EmulatorServer  # noqa: E402  pylint: disable=wrong-import-position,import-error

TOKEN = "unit-test-token-0123456789abcdef"
TEAMS = ("ops", "db")
SLACK_CHANNELS = {"alerts": "C01ALERTS", "ops-noise": "C02NOISE"}
USERS = ("alice", "bob", ("carol", "carol.jones@example.com"))
SCHEDULES = ("primary", "secondary")
USER_GROUPS = ("sre-oncall",)


def start_server(**options):
    """A running emulator with the unit tests' teams and Slack channels and no effective rate limit."""
    options = dict(dict(token=TOKEN, teams=TEAMS, slack_channels=SLACK_CHANNELS, rate_limit="10000000/m", host="127.0.0.1", port=0,
                        users=USERS, schedules=SCHEDULES, user_groups=USER_GROUPS), **options)
    return EmulatorServer(**options).start()


class EmulatedOnCall:
    """A running emulator, read and prepared with plain requests (not the client under test)."""

    def __init__(self, server):
        self.server = server
        self.url = server.url
        self.session = requests.Session()
        self.session.headers["Authorization"] = TOKEN

    # ------------------------------------------------------------------ the client under test

    def client(self, retries=0, **options):
        """A real OnCallClient for this server (no retries unless asked: faults should show at once; waits are skipped unless
        ``sleep`` is given)."""
        options.setdefault("sleep", lambda seconds: None)
        return OnCallClient(self.url, TOKEN, retries=retries, **options)

    # ------------------------------------------------------------------ preparing and reading the server

    def api(self, method, path, body=None, params=None, expect=None):
        """One request to ``/api/v1/<path>``; the decoded answer. Fails unless the status is ``expect`` (default: < 300)."""
        answer = self.session.request(method, "%s/api/v1/%s" % (self.url, path.lstrip("/")), json=body, params=params, timeout=10)
        if expect is None:
            assert answer.status_code < 300, (method, path, body, answer.status_code, answer.text)
        else:
            assert answer.status_code == expect, (method, path, body, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    def control(self, method, name, body=None):
        answer = self.session.request(method, "%s/__emulator__/%s" % (self.url, name), json=body, timeout=10)
        assert answer.status_code < 300, (method, name, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    def reset(self):
        self.control("POST", "reset")
        self.clear_log()

    def team_id(self, name):
        return next(team["id"] for team in self.api("GET", "teams/")["results"] if team["name"] == name)

    def integration(self, name, type="webhook", **fields):  # pylint: disable=redefined-builtin
        return self.api("POST", "integrations/", dict(fields, name=name, type=type))

    def chain(self, name, **fields):
        return self.api("POST", "escalation_chains/", dict(fields, name=name))

    def route(self, integration_id, routing_regex, routing_type="regex", escalation_chain_id=None, **fields):
        return self.api("POST", "routes/", dict(fields, integration_id=integration_id, routing_type=routing_type,
                                                routing_regex=routing_regex, escalation_chain_id=escalation_chain_id))

    def get(self, path):
        return self.api("GET", path)

    def all(self, path, params=None):
        """Every item of a list endpoint, all pages."""
        items, page = [], 1
        while True:
            answer = self.api("GET", path, params=dict(params or {}, perpage=100, page=page))
            items += answer["results"]
            if not answer["next"]:
                return items
            page += 1

    def routes(self, integration_id):
        """The integration's non-default routes in order."""
        routes = self.all("routes/", {"integration_id": integration_id})
        return sorted((route for route in routes if not route["is_the_last_route"]), key=lambda route: route["position"])

    def add_fault(self, method="*", path="", count=1, kind="status", **options):
        return self.server.add_fault(method, path, count, kind, **options)

    # ------------------------------------------------------------------ what the code under test sent

    def clear_log(self):
        self.control("DELETE", "requests")

    def log(self):
        """Every request since the last clear_log(): method, path, query, body, status as the emulator logs them."""
        return self.control("GET", "requests")["requests"]

    def requests(self):
        """(method, path) of every request since the last clear_log()."""
        return [(entry["method"], entry["path"]) for entry in self.log()]

    def writes(self):
        return [entry for entry in self.log() if entry["method"] != "GET"]

    def exchanges(self, writes_only=False):
        """The request log as (method, full path, query) for reads and (method, full path, body) for writes."""
        return [(entry["method"], entry["path"], entry["query"] if entry["method"] == "GET" else entry["body"]) for entry in self.log()
                if not (writes_only and entry["method"] == "GET")]

    def sent(self):
        """The requests since the last clear_log(): (method, path under /api/v1/, query without the page size) for reads,
        (method, path, body) for writes."""
        requests_sent = []
        for entry in self.log():
            path = entry["path"][len("/api/v1/"):]
            if entry["method"] == "GET":
                requests_sent.append(("GET", path, {key: value for key, value in entry["query"].items() if key != "perpage"}))
            else:
                requests_sent.append((entry["method"], path, entry["body"]))
        return requests_sent

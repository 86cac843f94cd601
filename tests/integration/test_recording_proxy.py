# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The recording proxy the playbook tests count requests with: it must log what was sent and change nothing else.

Checked against an emulator of its own, whose request log is the reference: the proxy's log must agree with it.
"""

from __future__ import annotations

import pytest
import requests

from server import EmulatorServer  # pylint: disable=import-error
from recording_proxy import RecordingProxy  # pylint: disable=import-error

TOKEN = "proxy-test-token"


@pytest.fixture
def upstream():
    with EmulatorServer(token=TOKEN, teams=["ops"], rate_limit="100000/m", host="127.0.0.1", port=0) as server:
        yield server


def emulator_log(server):
    return requests.get(server.url + "/__emulator__/requests", timeout=10).json()["requests"]


def test_requests_pass_through_and_are_logged_as_the_emulator_logs_them(upstream):
    auth = {"Authorization": TOKEN}
    with RecordingProxy(upstream.url) as proxy:
        made = requests.post(proxy.url + "/api/v1/integrations/", json={"name": "via proxy", "type": "webhook"}, headers=auth, timeout=10)
        assert made.status_code == 201 and made.json()["name"] == "via proxy"
        listed = requests.get(proxy.url + "/api/v1/integrations/", params={"name": "via proxy", "perpage": 1}, headers=auth, timeout=10)
        assert [item["id"] for item in listed.json()["results"]] == [made.json()["id"]]
        denied = requests.get(proxy.url + "/api/v1/integrations/", headers={"Authorization": "wrong"}, timeout=10)
        assert denied.status_code == 403 and "detail" in denied.json()
        gone = requests.delete(proxy.url + "/api/v1/integrations/%s/" % made.json()["id"], headers=auth, timeout=10)
        assert gone.status_code == 204 and gone.content == b""
        # Upstream closes every connection and says so: the proxy says so too.
        assert listed.headers["Connection"] == "close"
        assert proxy.log() == [{key: entry[key] for key in ("method", "path", "query", "body", "status")} for entry in emulator_log(upstream)]
        assert [(entry["method"], entry["status"]) for entry in proxy.log()] == [("POST", 201), ("GET", 200), ("GET", 403), ("DELETE", 204)]
        assert proxy.log()[0]["body"] == {"name": "via proxy", "type": "webhook"}
        assert proxy.log()[1]["query"] == {"name": "via proxy", "perpage": "1"}
        proxy.clear()
        assert proxy.log() == []


def test_a_reset_upstream_is_a_reset_downstream_and_logged_as_such(upstream):
    upstream.add_fault("POST", r"^/api/v1/integrations/$", count=1, kind="reset_after")
    with RecordingProxy(upstream.url) as proxy:
        with pytest.raises(requests.ConnectionError):
            requests.post(proxy.url + "/api/v1/integrations/", json={"name": "lost answer", "type": "webhook"},
                          headers={"Authorization": TOKEN}, timeout=10)
        assert [(entry["method"], entry["status"]) for entry in proxy.log()] == [("POST", "reset")]
    assert [item["name"] for item in upstream.state.dump()["integrations"]] == ["lost answer"]


def test_an_upstream_that_closes_silently_costs_the_client_nothing(upstream):
    """Each request goes upstream on a fresh connection, so a server that drops connections unannounced (uWSGI) adds no
    resets to the log, and budgets stay the same on such a server."""
    requests.post(upstream.url + "/__emulator__/connections", json={"silent_close": True}, timeout=10).raise_for_status()
    with RecordingProxy(upstream.url) as proxy, requests.Session() as session:
        session.headers["Authorization"] = TOKEN
        statuses = [session.get(proxy.url + "/api/v1/teams/", timeout=10).status_code for dummy in range(5)]
        assert statuses == [200] * 5
        assert [entry["status"] for entry in proxy.log()] == [200] * 5


def test_an_upstream_path_prefix_is_kept_and_left_out_of_the_log():
    """A server's API may live under a path (Grafana Cloud's /oncall): the playbooks see the proxy's root."""
    with EmulatorServer(token=TOKEN, host="127.0.0.1", port=0) as server, RecordingProxy(server.url + "/prefix") as proxy:
        answer = requests.get(proxy.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, timeout=10)
        assert answer.status_code == 404  # the emulator has no prefix: the request went to /prefix/api/v1/teams/
        assert emulator_log(server)[-1]["path"] == "/prefix/api/v1/teams/"
        assert proxy.log()[-1]["path"] == "/api/v1/teams/"


def test_an_upstream_that_is_not_http_is_refused():
    with pytest.raises(ValueError, match="http:// or https://"):
        RecordingProxy("ftp://127.0.0.1:21")

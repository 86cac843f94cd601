# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection (/__emulator__/faults, EmulatorServer.add_fault) and the connections toggle, over real HTTP."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from drf import SERVER_ERROR_PAGE, ApiError  # conftest puts tests/emulator on sys.path

TOKEN = "t0ken"
INTEGRATIONS = r"^/api/v1/integrations/?$"


def add_fault(api, **rule):
    response = api.control("POST", "faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()


def names(api):
    return sorted(i.name for i in api.server.state.integrations.values())


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# Kinds


def test_status_429_with_retry_after(api):
    rule = add_fault(api, method="GET", path=INTEGRATIONS, count=1, kind="status", status=429, retry_after=7)
    assert rule == {"id": rule["id"], "method": "GET", "path": INTEGRATIONS, "kind": "status", "count": 1, "remaining": 1, "status": 429,
                    "retry_after": 7}
    response = api.get("integrations/")
    assert response.status_code == 429
    assert response.json() == {"detail": "Request was throttled. Expected available in 7 seconds."}
    assert response.headers["Retry-After"] == "7"
    assert response.headers["RateLimit-Reset"] == "7"
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert api.get("integrations/").status_code == 200  # count used up


def test_status_429_like_the_real_views(api):
    """TeamView has no RateLimit-Reset; without a known wait DRF sends no Retry-After and the mixin writes 350."""
    add_fault(api, path="^/api/v1/teams/", kind="status", status=429, retry_after=1)
    add_fault(api, path="^/api/v1/routes/", kind="status", status=429)
    teams = api.get("teams/")
    assert teams.status_code == 429 and teams.json()["detail"] == "Request was throttled. Expected available in 1 second."
    assert teams.headers["Retry-After"] == "1" and "RateLimit-Reset" not in teams.headers
    routes = api.get("routes/")
    assert routes.json() == {"detail": "Request was throttled."}
    assert "Retry-After" not in routes.headers and routes.headers["RateLimit-Reset"] == "350"


def test_status_5xx_pages(api):
    add_fault(api, method="POST", path=INTEGRATIONS, kind="status", status=500)
    add_fault(api, method="POST", path=INTEGRATIONS, kind="status", status=502)
    add_fault(api, method="POST", path=INTEGRATIONS, kind="status", status=503, body="plain")
    first = api.post("integrations/", json={"type": "webhook", "name": "a"})
    assert first.status_code == 500 and first.text == SERVER_ERROR_PAGE and first.headers["Content-Type"].startswith("text/html")
    second = api.post("integrations/", json={"type": "webhook", "name": "a"})
    assert second.status_code == 502 and "502 Bad Gateway" in second.text
    third = api.post("integrations/", json={"type": "webhook", "name": "a"})
    assert third.status_code == 503 and third.text == "Service Unavailable" and third.headers["Content-Type"].startswith("text/plain")
    assert names(api) == []  # a status fault never runs the request
    assert api.post("integrations/", json={"type": "webhook", "name": "a"}).status_code == 201


def test_delay_beyond_client_timeout_still_applies(api):
    add_fault(api, method="POST", path=INTEGRATIONS, kind="delay", seconds=1.0)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.request("POST", "integrations/", json={"type": "webhook", "name": "slow"}, timeout=0.3)
    assert time.monotonic() - started < 0.9
    wait_for(lambda: names(api) == ["slow"])
    wait_for(lambda: len(api.log()) == 1)
    assert api.log()[0]["status"] == 201 and api.log()[0]["fault"] == "delay" and api.log()[0]["applied"] is True
    # A patient client gets the normal answer.
    add_fault(api, method="GET", path=INTEGRATIONS, kind="delay", seconds=0.2)
    assert api.get("integrations/").json()["count"] == 1


def test_reset_before_applies_nothing(api):
    add_fault(api, method="POST", path=INTEGRATIONS, kind="reset_before")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post("integrations/", json={"type": "webhook", "name": "lost"})
    assert names(api) == []
    assert api.log() == [{"method": "POST", "path": "/api/v1/integrations/", "query": {}, "body": {"type": "webhook", "name": "lost"},
                          "status": "reset", "fault": "reset_before", "applied": False}]


def test_reset_after_applies_once(api):
    add_fault(api, method="POST", path=INTEGRATIONS, kind="reset_after")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post("integrations/", json={"type": "webhook", "name": "once"})
    assert names(api) == ["once"]
    # What a client that retries blindly would do: the name is taken now, so nothing is doubled.
    retry = api.post("integrations/", json={"type": "webhook", "name": "once"})
    assert retry.status_code == 400
    assert api.get("integrations/").json()["count"] == 1
    log = api.log()
    assert [entry["status"] for entry in log] == ["reset", 400, 200]
    assert log[0] == {"method": "POST", "path": "/api/v1/integrations/", "query": {}, "body": {"type": "webhook", "name": "once"},
                      "status": "reset", "fault": "reset_after", "applied": True, "answer": 201}
    assert "fault" not in log[1] and "applied" not in log[1]


def test_reset_after_on_update_and_delete(api):
    created = api.integration(name="a")
    path = "^/api/v1/integrations/%s/?$" % created["id"]
    add_fault(api, method="PATCH", path=path, kind="reset_after")
    add_fault(api, method="DELETE", path=path, kind="reset_after")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.patch("integrations/" + created["id"], json={"name": "b"})
    assert names(api) == ["b"]
    with pytest.raises(requests.exceptions.ConnectionError):
        api.delete("integrations/" + created["id"])
    assert api.get("integrations/" + created["id"]).status_code == 404


def test_reset_is_a_tcp_reset(api):
    """SO_LINGER 0: the client reads ECONNRESET, not an orderly end of stream."""
    add_fault(api, method="GET", path="^/api/v1/teams/", kind="reset_before")
    with socket.create_connection(("127.0.0.1", api.server.port), timeout=5) as sock:
        sock.sendall(b"GET /api/v1/teams/ HTTP/1.1\r\nHost: x\r\nAuthorization: " + TOKEN.encode() + b"\r\n\r\n")
        with pytest.raises(ConnectionResetError):
            while sock.recv(65536):
                pass


# Matching, counts, listing and clearing


def test_count_and_first_match_wins(api):
    first = add_fault(api, method="*", path="^/api/v1/", count=2, kind="status", status=503)
    second = add_fault(api, method="GET", path="^/api/v1/teams/", count=1, kind="status", status=500)
    assert api.control("GET", "faults").json() == {"faults": [first, second]}
    assert api.post("escalation_chains/", json={"name": "c"}).status_code == 503
    assert api.get("teams/").status_code == 503  # the first rule matches first
    listed = api.control("GET", "faults").json()["faults"]
    assert [(rule["id"], rule["remaining"]) for rule in listed] == [(second["id"], 1)]
    assert api.get("teams/").status_code == 500
    assert api.control("GET", "faults").json() == {"faults": []}
    assert api.get("teams/").status_code == 200
    assert [entry["status"] for entry in api.log()] == [503, 503, 500, 200]


def test_method_and_path_must_both_match(api):
    add_fault(api, method="post", path=INTEGRATIONS, kind="status", status=500)
    assert api.get("integrations/").status_code == 200
    assert api.post("integrations/CNOPE/", json={}).status_code == 405  # path does not match the list URL
    assert api.control("GET", "faults").json()["faults"][0]["method"] == "POST"
    assert api.post("integrations/", json={"type": "webhook"}).status_code == 500


def test_faults_never_touch_control_endpoints(api):
    add_fault(api, path="", count=5, kind="reset_before")
    assert api.control("GET", "state").status_code == 200
    assert api.control("GET", "requests").json() == {"requests": []}
    assert api.control("GET", "faults").json()["faults"][0]["remaining"] == 5


def test_clear_and_reset(api):
    add_fault(api, kind="status", status=500, count=3)
    assert api.control("DELETE", "faults").status_code == 204
    assert api.control("GET", "faults").json() == {"faults": []}
    assert api.get("teams/").status_code == 200
    add_fault(api, kind="status", status=500, count=3)
    assert api.control("POST", "reset").status_code == 204
    assert api.control("GET", "faults").json() == {"faults": []}
    assert api.get("teams/").status_code == 200


def test_query_picks_one_page_of_a_listing(api):
    for number in range(3):
        assert api.post("integrations/", json={"type": "webhook", "name": "i%d" % number}).status_code == 201
    rule = add_fault(api, method="GET", path=INTEGRATIONS, query="(^|&)page=2(&|$)", kind="status", status=503)
    assert rule["query"] == "(^|&)page=2(&|$)"
    assert api.get("integrations/?perpage=1").status_code == 200  # no query match: page 1 goes through
    assert api.get("integrations/?perpage=1&page=20").status_code == 200
    assert api.get("integrations/?perpage=1&page=2").status_code == 503
    assert api.get("integrations/?perpage=1&page=2").status_code == 200  # count used up


@pytest.mark.parametrize("rule, field", [
    ({}, "kind"),
    ({"kind": "explode"}, "kind"),
    ({"kind": "status"}, "status"),
    ({"kind": "status", "status": 404}, "status"),
    ({"kind": "status", "status": 500, "retry_after": 3}, "retry_after"),
    ({"kind": "status", "status": 500, "body": "json"}, "body"),
    ({"kind": "status", "status": 429, "retry_after": -1}, "retry_after"),
    ({"kind": "delay"}, "seconds"),
    ({"kind": "delay", "seconds": "1"}, "seconds"),
    ({"kind": "reset_before", "count": 0}, "count"),
    ({"kind": "reset_before", "path": "("}, "path"),
    ({"kind": "reset_before", "query": "("}, "query"),
    ({"kind": "reset_before", "query": 3}, "query"),
    ({"kind": "reset_after", "seconds": 1}, "seconds"),
])
def test_invalid_rules(api, rule, field):
    response = api.control("POST", "faults", json=rule)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert api.control("GET", "faults").json() == {"faults": []}


# Python API


def test_python_api(api):
    server = api.server
    rule = server.add_fault(method="POST", path=INTEGRATIONS, count=2, kind="reset_after")
    assert rule["remaining"] == 2
    assert server.faults() == [rule]
    for dummy in range(2):
        with pytest.raises(requests.exceptions.ConnectionError):
            api.post("integrations/", json={"type": "webhook"})
    assert len(server.state.integrations) == 2
    assert server.faults() == []
    server.add_fault(kind="status", status=502)
    server.clear_faults()
    assert api.get("teams/").status_code == 200
    with pytest.raises(ApiError):
        server.add_fault(kind="status", status=200)


# Connections


def _raw_head(api):
    with socket.create_connection(("127.0.0.1", api.server.port), timeout=5) as sock:
        sock.sendall(b"GET /api/v1/teams/ HTTP/1.1\r\nHost: x\r\nAuthorization: " + TOKEN.encode() + b"\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data.split(b"\r\n\r\n", maxsplit=1)[0].decode().lower()
            data += chunk


def test_connections_toggle(api):
    assert api.control("GET", "connections").json() == {"silent_close": False}
    assert "connection: close" in _raw_head(api)
    assert api.control("POST", "connections", json={"silent_close": True}).json() == {"silent_close": True}
    assert "connection: close" not in _raw_head(api)
    assert api.control("POST", "connections", json={"silent_close": "yes"}).status_code == 400
    api.server.set_silent_close(False)
    assert "connection: close" in _raw_head(api)
    api.server.set_silent_close(True)
    assert api.control("POST", "reset").status_code == 204  # back to the start-up setting
    assert api.control("GET", "connections").json() == {"silent_close": False}


def test_connections_toggle_off_a_silent_server(make_api):
    api = make_api(silent_close=True)
    assert "connection: close" not in _raw_head(api)
    api.control("POST", "connections", json={"silent_close": False})
    assert "connection: close" in _raw_head(api)
    api.control("POST", "reset")
    assert api.control("GET", "connections").json() == {"silent_close": True}


def test_echo_body_quotes_the_request_headers_back(emulator):
    emulator.add_fault("GET", r"^/api/v1/integrations", kind="status", status=400, body="echo")
    answer = requests.get(emulator.url + "/api/v1/integrations/", headers={"Authorization": "s3cr3t-token-value"}, timeout=10)
    assert answer.status_code == 400 and "s3cr3t-token-value" in answer.json()["detail"]

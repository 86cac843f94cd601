# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The "hold" fault: matching requests wait for each other, then run one after the other in arrival order."""

from __future__ import annotations

import threading
import time

import pytest

from drf import ApiError  # conftest puts tests/emulator on sys.path

INTEGRATIONS = r"^/api/v1/integrations/$"
CHAINS = r"^/api/v1/escalation_chains/$"
DUPLICATE_INTEGRATION = {"detail": "An integration with this name already exists for this team"}
DUPLICATE_CHAIN = {"non_field_errors": ["The fields organization, name must make a unique set."]}
# Every wait in these tests is bounded: a broken hold fails the test instead of hanging it.
JOIN_TIMEOUT = 20


class Call(threading.Thread):
    """One request on its own thread, as a separate client process would send it."""

    def __init__(self, send):
        super().__init__(daemon=True)
        self._send = send
        self.response = None
        self.error = None
        self.answered_at = None

    def run(self):
        try:
            self.response = self._send()
        except Exception as error:  # pylint: disable=broad-except
            self.error = error
        self.answered_at = time.monotonic()

    def result(self):
        self.join(JOIN_TIMEOUT)
        assert not self.is_alive(), "the request was never answered"
        assert self.error is None, self.error
        return self.response


def add_fault(api, **rule):
    response = api.control("POST", "faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()


def remaining(api):
    return [rule["remaining"] for rule in api.control("GET", "faults").json()["faults"]]


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def post(api, path, body):
    call = Call(lambda: api.post(path, json=body, timeout=JOIN_TIMEOUT))
    call.start()
    return call


def post_held(api, path, body, left):
    """Send a request and wait until the rule has taken it (its remaining count drops to `left`)."""
    call = post(api, path, body)
    wait_for(lambda: remaining(api) == ([left] if left else []))
    return call


# The race it is made for: two clients that both found nothing create the same object


@pytest.mark.parametrize("path, rule_path, body, duplicate", [
    ("integrations/", INTEGRATIONS, {"type": "webhook", "name": "race"}, DUPLICATE_INTEGRATION),
    ("escalation_chains/", CHAINS, {"name": "race"}, DUPLICATE_CHAIN),
])
def test_two_creates_held_then_answered_in_arrival_order(api, path, rule_path, body, duplicate):
    add_fault(api, method="POST", path=rule_path, count=2, kind="hold", seconds=5)
    first = post_held(api, path, body, left=1)
    time.sleep(0.3)
    assert first.is_alive() and api.log() == []  # held: not run, not answered
    second = post(api, path, body)
    first_answer, second_answer = first.result(), second.result()
    assert first_answer.status_code == 201 and first_answer.json()["name"] == "race"
    assert second_answer.status_code == 400 and second_answer.json() == duplicate
    assert [(entry["status"], entry["arrival"], entry["released"]) for entry in api.log()] == [(201, 1, "all"), (400, 2, "all")]
    assert api.log()[0] == {"method": "POST", "path": "/api/v1/" + path, "query": {}, "body": body, "status": 201,
                            "fault": "hold", "applied": True, "arrival": 1, "released": "all"}
    assert remaining(api) == []
    assert api.get(path).json()["count"] == 1


def test_simultaneous_clients_create_once(api):
    """Both clients start together, as two ansible-playbook runs do; whichever arrived first wins."""
    add_fault(api, method="POST", path=INTEGRATIONS, count=2, kind="hold", seconds=5)
    start = threading.Barrier(2, timeout=JOIN_TIMEOUT)

    def create():
        start.wait()
        return api.post("integrations/", json={"type": "webhook", "name": "race"}, timeout=JOIN_TIMEOUT)

    calls = [Call(create), Call(create)]
    for call in calls:
        call.start()
    statuses = sorted(call.result().status_code for call in calls)
    assert statuses == [201, 400]
    assert [entry["arrival"] for entry in api.log()] == [1, 2]
    assert [entry["status"] for entry in api.log()] == [201, 400]
    assert len(api.server.state.integrations) == 1


def test_arrival_order_is_the_order_they_run(api):
    add_fault(api, method="POST", path=INTEGRATIONS, count=3, kind="hold", seconds=5)
    calls = [post_held(api, "integrations/", {"type": "webhook", "name": name}, left=left) for name, left in (("a", 2), ("b", 1))]
    calls.append(post(api, "integrations/", {"type": "webhook", "name": "c"}))
    assert [call.result().status_code for call in calls] == [201, 201, 201]
    assert [(entry["body"]["name"], entry["arrival"]) for entry in api.log()] == [("a", 1), ("b", 2), ("c", 3)]
    ids = [call.response.json()["id"] for call in calls]
    listed = [i["id"] for i in api.get("integrations/").json()["results"]]
    assert [i for i in listed if i in ids] == ids  # created in that order
    # Used up: the next one is not held.
    assert api.post("integrations/", json={"type": "webhook", "name": "d"}, timeout=2).status_code == 201
    assert "fault" not in api.log()[-2]


# Never a hang


def test_released_after_seconds_when_the_others_never_come(api):
    add_fault(api, method="POST", path=INTEGRATIONS, count=2, kind="hold", seconds=1)
    started = time.monotonic()
    lonely = post(api, "integrations/", {"type": "webhook", "name": "alone"})
    assert lonely.result().status_code == 201
    assert 0.9 <= lonely.answered_at - started < 5
    assert api.log()[0]["released"] == "timeout" and api.log()[0]["arrival"] == 1
    assert remaining(api) == [1]  # the second one never came
    # A latecomer finds the gate open and runs at once.
    started = time.monotonic()
    late = api.post("integrations/", json={"type": "webhook", "name": "alone"}, timeout=5)
    assert late.status_code == 400 and late.json() == DUPLICATE_INTEGRATION
    assert time.monotonic() - started < 0.9
    assert (api.log()[1]["arrival"], api.log()[1]["released"]) == (2, "timeout")
    assert remaining(api) == []


@pytest.mark.parametrize("release", [("DELETE", "faults"), ("POST", "reset")])
def test_clearing_the_rules_releases_held_requests(api, release):
    add_fault(api, method="POST", path=INTEGRATIONS, count=2, kind="hold", seconds=30)
    held = post_held(api, "integrations/", {"type": "webhook", "name": "held"}, left=1)
    started = time.monotonic()
    assert api.control(*release).status_code == 204
    assert held.result().status_code == 201
    assert held.answered_at - started < 5
    assert api.log()[-1]["released"] == "cleared"


def test_other_requests_pass_while_one_is_held(api):
    add_fault(api, method="POST", path=INTEGRATIONS, count=2, kind="hold", seconds=10)
    held = post_held(api, "integrations/", {"type": "webhook", "name": "held"}, left=1)
    started = time.monotonic()
    assert api.get("integrations/", timeout=5).json()["count"] == 0  # the held create has not run
    assert api.post("escalation_chains/", json={"name": "c"}, timeout=5).status_code == 201
    assert api.post("integrations/CNOPE/", json={}, timeout=5).status_code == 405  # the path does not match
    assert time.monotonic() - started < 2
    assert held.is_alive()
    assert [entry["path"] for entry in api.log()] == ["/api/v1/integrations/", "/api/v1/escalation_chains/", "/api/v1/integrations/CNOPE/"]
    assert all("fault" not in entry for entry in api.log())
    assert remaining(api) == [1]
    api.control("DELETE", "faults")
    assert held.result().status_code == 201


# Listing, validation, Python API


def test_listing_and_default_seconds(api):
    rule = add_fault(api, method="post", path=INTEGRATIONS, count=2, kind="hold")
    assert rule == {"id": rule["id"], "method": "POST", "path": INTEGRATIONS, "kind": "hold", "count": 2, "remaining": 2, "seconds": 10}
    assert api.control("GET", "faults").json() == {"faults": [rule]}
    other = add_fault(api, kind="hold", count=1, seconds=0.5)
    assert other["seconds"] == 0.5 and other["method"] == "*" and other["path"] == ""
    api.control("DELETE", "faults")


@pytest.mark.parametrize("rule, field", [
    ({"kind": "hold", "seconds": 0}, "seconds"),
    ({"kind": "hold", "seconds": 61}, "seconds"),
    ({"kind": "hold", "seconds": -1}, "seconds"),
    ({"kind": "hold", "seconds": "5"}, "seconds"),
    ({"kind": "hold", "seconds": True}, "seconds"),
    ({"kind": "hold", "count": 0}, "count"),
    ({"kind": "hold", "status": 500}, "status"),
    ({"kind": "hold", "retry_after": 1, "seconds": 1}, "retry_after"),
])
def test_invalid_hold_rules(api, rule, field):
    response = api.control("POST", "faults", json=rule)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert api.control("GET", "faults").json() == {"faults": []}


def test_unknown_option_is_named(api):
    response = api.control("POST", "faults", json={"kind": "hold", "wait": 3})
    assert response.status_code == 400 and response.json() == {"wait": ["Unknown option for a hold fault."]}


def test_python_api(api):
    server = api.server
    rule = server.add_fault("POST", INTEGRATIONS, count=2, kind="hold", seconds=1)
    assert server.faults() == [rule] and rule["kind"] == "hold" and rule["seconds"] == 1
    server.clear_faults()
    assert server.add_fault("POST", INTEGRATIONS, count=2, kind="hold")["seconds"] == 10
    server.clear_faults()
    with pytest.raises(ApiError) as error:
        server.add_fault(kind="hold", seconds=120)
    assert error.value.status == 400 and list(error.value.body) == ["seconds"]

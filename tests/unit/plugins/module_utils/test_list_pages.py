# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""list_all asking the pages after the first at once, against a scripted session: bound, order, 429, failures.

Where a test needs pages to be in flight together, the scripted server holds an answer until they are (or 5 s
have passed, so that a wrong client fails the assertion instead of hanging); nothing asserts on wall time.
"""

from __future__ import annotations

import threading

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils import client as client_module
from ansible_collections.oncall.grafana.plugins.module_utils.client import OnCallClient
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import (
    BASE, DJANGO_500, TOKEN, FakeSession, Harness, paged_server, response, transport_error)

THROTTLED = {"detail": "Request was throttled. Expected available in 7 seconds."}
HOLD = 5.0  # the longest a scripted answer waits for other pages; only a wrong client ever waits that long


class Server:
    """Integrations in pages of 100, answered from any thread; counts the requests in flight.

    ``script`` maps a page number to the answers its first requests get instead (responses or exceptions).
    ``before_answer(number)`` runs in the requesting thread before each answer (to hold it).
    """

    def __init__(self, count, script=None, before_answer=None):
        self.items = [{"id": "C%04d" % index} for index in range(count)]
        self.serve = paged_server(self.items)
        self.script = {number: list(answers) for number, answers in (script or {}).items()}
        self.before_answer = before_answer or (lambda number: None)
        self.cond = threading.Condition()
        self.in_flight = 0
        self.peak = 0
        self.answered = []  # page numbers, in the order their answers left
        self.threads = set()

    def __call__(self, call):
        number = int(call.params.get("page", 1))
        with self.cond:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.threads.add(threading.current_thread().name)
            self.cond.notify_all()
        try:
            self.before_answer(number)
            with self.cond:
                scripted = self.script.get(number)
                answer = scripted.pop(0) if scripted else None
            return answer if answer is not None else self.serve(call)
        finally:
            with self.cond:
                self.in_flight -= 1
                self.answered.append(number)
                self.cond.notify_all()

    def wait_for(self, predicate, timeout=HOLD):
        with self.cond:
            return self.cond.wait_for(predicate, timeout)

    def signal(self, event):
        """Set ``event`` and wake the answers waiting for it."""
        with self.cond:
            event.set()
            self.cond.notify_all()


class Listing(Harness):
    """A client listing the integrations of a scripted Server."""

    def __init__(self, server, **options):
        super().__init__(responder=server, **options)
        self.server = server

    def run(self):
        return self.client.list_all("integrations/")

    def pages(self):
        """The page numbers asked for, in the order they were sent (1 for the first, which has no page parameter)."""
        return [call.params.get("page", 1) for call in self.calls]


def hold_until_in_flight(server, limit):
    """Hold the first pages after the first until ``limit`` of them are in flight together, then a moment more, in which
    a client that sends more than ``limit`` would send the next ones; later pages are not held."""
    released = threading.Event()

    def before_answer(number):
        if number == 1 or released.is_set():
            return
        server.wait_for(lambda: server.peak >= limit)
        server.wait_for(lambda: server.peak > limit, timeout=0.3)
        released.set()
    return before_answer


def failure_of(server, **options):
    with pytest.raises(OnCallAPIError) as caught:
        Listing(server, **options).run()
    return str(caught.value)


# ------------------------------------------------------------------ bound, order, same requests


@pytest.mark.parametrize("limit", [2, 4, 7])
def test_pages_after_the_first_are_asked_at_once_never_more_than_max_concurrent_requests(limit):
    server = Server(1250)
    server.before_answer = hold_until_in_flight(server, limit)
    listing = Listing(server, max_concurrent_requests=limit)
    assert listing.run() == server.items
    assert server.peak == limit
    assert listing.pages()[0] == 1 and sorted(listing.pages()) == list(range(1, 14))


def test_default_is_four_in_flight():
    server = Server(1250)
    server.before_answer = hold_until_in_flight(server, 4)
    Listing(server).run()
    assert server.peak == 4


def test_items_keep_the_servers_order_whatever_order_the_pages_answer_in():
    server = Server(450)  # pages 2 to 5 in flight together; page 2 answers last
    server.before_answer = lambda number: number != 2 or server.wait_for(lambda: {3, 4, 5} <= set(server.answered))
    assert Listing(server).run() == server.items
    assert server.answered[-1] == 2


def test_the_requests_are_those_of_one_page_after_another():
    serial, concurrent = Listing(Server(1250), max_concurrent_requests=1), Listing(Server(1250))
    assert serial.run() == concurrent.run()
    in_page_order = sorted(concurrent.session.calls, key=lambda call: call.params.get("page", 1))
    assert [(call.method, call.url, call.params) for call in in_page_order] == [(call.method, call.url, call.params) for call in serial.session.calls]
    assert [call.params for call in serial.session.calls][:2] == [{"perpage": 100}, {"perpage": 100, "page": 2}]


def test_max_concurrent_requests_1_asks_each_page_after_the_last_in_the_callers_thread():
    server = Server(1250)
    listing = Listing(server, max_concurrent_requests=1)
    assert listing.run() == server.items
    assert listing.pages() == list(range(1, 14))
    assert server.peak == 1 and server.threads == {threading.current_thread().name}


@pytest.mark.parametrize("count", [0, 1, 100])
def test_one_page_is_one_request_and_no_thread(count):
    server = Server(count)
    listing = Listing(server)
    assert listing.run() == server.items
    assert listing.pages() == [1]
    assert server.threads == {threading.current_thread().name}


def test_a_listing_that_grew_meanwhile_is_followed_to_its_new_end():
    server = Server(250)
    server.before_answer = lambda number: number != 3 or server.items.extend({"id": "N%03d" % index} for index in range(100))
    listing = Listing(server)
    assert listing.run() == server.items and len(server.items) == 350
    assert sorted(listing.pages()) == [1, 2, 3, 4]


def test_a_listing_that_shrank_meanwhile_keeps_no_page_twice():
    server = Server(450)
    shrunk = threading.Event()

    def before_answer(number):
        # Pages 2 to 5 all asked, then the list loses its last page: page 5 is past the end, answered as page 4 again.
        if number == 1:
            return
        server.wait_for(lambda: server.peak >= 4)
        if number == 2:
            del server.items[350:]
            server.signal(shrunk)
        server.wait_for(shrunk.is_set)
    server.before_answer = before_answer
    listing = Listing(server)
    assert listing.run() == server.items and len(server.items) == 350
    assert sorted(listing.pages()) == [1, 2, 3, 4, 5]


def test_the_hard_stop_holds_for_concurrent_pages(monkeypatch):
    monkeypatch.setattr(client_module, "MAX_PAGES", 5)
    server = Server(1250)
    listing = Listing(server)
    with pytest.raises(OnCallAPIError, match="more than 5 pages"):
        listing.run()
    assert set(range(1, 6)) <= set(listing.pages())


# ------------------------------------------------------------------ 429


class WaitWatcher:
    """Stands for time.sleep: records each wait, and every request sent while it lasts.

    A wait lasts until a request arrives or 0.5 s have passed: enough for pages that are not held back to be sent.
    """

    def __init__(self, listing_server):
        self.server = listing_server
        self.started = threading.Event()
        self.waits = []
        self.sent_while_waiting = []
        self.session = None

    def __call__(self, seconds):
        self.waits.append(seconds)
        before = len(self.session.calls)
        self.server.signal(self.started)
        with self.server.cond:
            self.server.cond.wait_for(lambda: len(self.session.calls) > before, 0.5)
            self.sent_while_waiting += [call.params.get("page", 1) for call in self.session.calls[before:]]


def test_429_on_a_middle_page_stops_new_pages_until_its_wait_is_over_then_asks_it_again():
    server = Server(1250, script={3: [response(429, THROTTLED, headers={"Retry-After": "7"})]})
    watcher = WaitWatcher(server)
    # Page 3 is refused once pages 2 to 5 are all in flight; the others answer once its wait has begun.
    server.before_answer = lambda number: number == 1 or server.wait_for(
        lambda: server.peak >= 4 if number == 3 and server.script[3] else watcher.started.is_set())
    listing = Listing(server, sleep=watcher)
    watcher.session = listing.session
    assert listing.run() == server.items
    assert watcher.waits == [7.0]  # waited once, by the refused page; the others waited on it, not on a clock
    assert watcher.sent_while_waiting == []
    assert listing.retry_messages == ["GET /api/v1/integrations/?perpage=100&page=3: HTTP 429, retry 1 of 5 in 7.0 s"]
    assert sorted(listing.pages()) == [1, 2, 3, 3] + list(range(4, 14))


def test_two_refused_pages_each_wait_once():
    server = Server(1250, script={3: [response(429, THROTTLED, headers={"Retry-After": "7"})],
                                  4: [response(429, THROTTLED, headers={"Retry-After": "3"})]})
    listing = Listing(server)
    assert listing.run() == server.items
    assert sorted(listing.sleep.waits) == [3.0, 7.0]
    assert len(listing.retry_messages) == 2 and len(listing.session.calls) == 15


@pytest.mark.parametrize("script, options", [
    ({3: [response(429, THROTTLED, headers={"Retry-After": "1"})] * 3}, {"retries": 2}),
    ({3: [response(429, THROTTLED, headers={"Retry-After": "600"})]}, {}),
])
def test_a_page_refused_beyond_the_retry_budget_fails_as_one_page_after_another_does(script, options):
    serial = failure_of(Server(1250, script=script), max_concurrent_requests=1, **options)
    assert "HTTP 429" in serial and "page=3" in serial
    assert failure_of(Server(1250, script=script), **options) == serial


# ------------------------------------------------------------------ failures and transport errors


def test_a_page_that_fails_fails_the_listing_with_the_same_error_and_no_page_is_asked_after_it(monkeypatch):
    script = {4: [response(500, text=DJANGO_500)]}
    serial = failure_of(Server(1250, script=script), max_concurrent_requests=1, retries=0)
    assert serial.startswith("GET /api/v1/integrations/?perpage=100&page=4 failed with HTTP 500")

    server = Server(1250, script=script)
    failed = threading.Event()
    stop = client_module._ListingGate.stop  # pylint: disable=protected-access

    def stop_and_tell(gate, failure=None):
        stop(gate, failure)
        if failure is not None:
            server.signal(failed)
    monkeypatch.setattr(client_module._ListingGate, "stop", stop_and_tell)  # pylint: disable=protected-access
    # Page 4 fails once pages 2 to 5 are in flight; the others answer only when the failure is known.
    server.before_answer = lambda number: number == 1 or server.wait_for(
        lambda: server.peak >= 4 if number == 4 else failed.is_set())
    listing = Listing(server, retries=0)
    with pytest.raises(OnCallAPIError) as caught:
        listing.run()
    assert str(caught.value) == serial
    assert sorted(listing.pages()) == [1, 2, 3, 4, 5]


def test_a_page_that_is_no_page_fails_as_one_page_after_another_does():
    script = {6: [response(200, [{"id": "C1"}])]}
    serial = failure_of(Server(1250, script=script), max_concurrent_requests=1)
    assert "page=6" in serial and "expected a paginated list" in serial
    assert failure_of(Server(1250, script=script)) == serial


@pytest.mark.parametrize("kind", ["reset", "remote_disconnected"])
def test_a_reset_page_is_asked_again_at_once_as_for_one_page_after_another(kind):
    listings = []
    for limit in (1, 4):
        listing = Listing(Server(1250, script={5: [transport_error(kind)]}), max_concurrent_requests=limit)
        assert listing.run() == listing.server.items
        listings.append(listing)
    serial, concurrent = listings
    assert concurrent.sleep.waits == serial.sleep.waits == []
    assert concurrent.retry_messages == serial.retry_messages and "page=5: connection reset" in serial.retry_messages[0]
    assert sorted(concurrent.pages()) == sorted(serial.pages()) == [1, 2, 3, 4, 5, 5] + list(range(6, 14))


def test_a_timed_out_page_is_retried_with_backoff_as_for_one_page_after_another(monkeypatch):
    monkeypatch.setattr(client_module.random, "uniform", lambda low, high: high)
    listings = [Listing(Server(1250, script={7: [transport_error("read_timeout")] * 2}), max_concurrent_requests=limit)
                for limit in (1, 4)]
    for listing in listings:
        assert listing.run() == listing.server.items
    assert listings[0].sleep.waits == listings[1].sleep.waits == [1.0, 2.0]
    assert listings[0].retry_messages == listings[1].retry_messages


def test_a_session_made_by_the_client_pools_as_many_connections_as_pages_in_flight():
    client = OnCallClient(BASE, TOKEN, max_concurrent_requests=16)
    assert client.session.get_adapter(BASE).poolmanager.connection_pool_kw["maxsize"] == 16
    assert OnCallClient(BASE, TOKEN).session.get_adapter(BASE).poolmanager.connection_pool_kw["maxsize"] == 10


# ------------------------------------------------------------------ ending a listing: no page left waiting, no thread left


NOT_FOUND = {"detail": "Not found."}


def page_threads():
    return [thread for thread in threading.enumerate() if thread.name.startswith("oncall-page")]


def waiting_listing(script_4):
    """A listing with the client's own clock, whose page 3 is asked to wait 100 s (a real wait: no test stand-in), and
    whose page 4 answers ``script_4`` once page 3's wait has begun; the server sees pages 2 to 5 in flight first."""
    server = Server(1250, script={3: [response(429, THROTTLED, headers={"Retry-After": "100"})], 4: script_4})
    waiting = threading.Event()
    messages = []

    def on_retry(message):
        messages.append(message)
        server.signal(waiting)
    server.before_answer = lambda number: number == 1 or server.wait_for(
        lambda: server.peak >= 4 if number == 3 and server.script[3] else waiting.is_set())
    client = OnCallClient(BASE, TOKEN, session=FakeSession(responder=server), on_retry=on_retry)
    return client, server, waiting


def ended_in_time(action):
    """Run ``action`` on a thread; whether it ended (HOLD is far below the 100 s a page was asked to wait). What it
    raised, or returned, is kept in the list returned too."""
    outcome = []

    def run():
        try:
            outcome.append(action())
        except BaseException as exc:  # pylint: disable=broad-exception-caught
            outcome.append(exc)
    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    runner.join(HOLD)
    return not runner.is_alive(), outcome


def test_a_failing_page_ends_the_wait_of_a_page_refused_meanwhile():
    client, server, dummy = waiting_listing([response(404, NOT_FOUND)])
    ended, outcome = ended_in_time(lambda: client.list_all("integrations/"))
    assert ended, "the listing waited out page 3's 100 s after page 4 had failed"
    assert isinstance(outcome[0], OnCallAPIError) and str(outcome[0]).startswith("GET /api/v1/integrations/?perpage=100&page=4 failed with HTTP 404")
    assert page_threads() == []


@pytest.mark.parametrize("end", ["close", "interrupt"])
def test_a_listing_left_early_ends_the_pages_waiting_and_their_threads(end):
    client, server, waiting = waiting_listing([])
    pages = client._pages("integrations/", {"perpage": 100}, range(2, 14))  # pylint: disable=protected-access
    assert next(pages)[0] == 2
    assert server.wait_for(waiting.is_set)
    if end == "close":  # the caller has what it needs (the last page came early)
        ended, dummy = ended_in_time(pages.close)
    else:  # Ctrl-C, or any exception, in the caller's thread while it waits for a page
        ended, outcome = ended_in_time(lambda: pages.throw(KeyboardInterrupt()))
        assert ended and isinstance(outcome[0], KeyboardInterrupt)
    assert ended, "the listing waited out page 3's 100 s after it was left"
    assert page_threads() == []
    # The refused page gave up without being asked again.
    assert [call.params.get("page") for call in client.session.calls].count(3) == 1

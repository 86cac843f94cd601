# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""list_all against the emulator over real HTTP, with its pages asked at once: what reaches the server, and faults on one page.

The emulator's "hold" fault proves what was in flight together: it answers held requests when `count` of them
have arrived ("released": "all"), or gives up waiting after `seconds` ("timeout").
"""

from __future__ import annotations

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.client import OnCallClient
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.emulated import TOKEN, start_server
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import SleepRecorder

INTEGRATIONS = r"^/api/v1/integrations/?$"
LATER_PAGES = r"(^|&)page="  # every page but the first, which is asked without a page number


def page_of(number):
    return r"(^|&)page=%d(&|$)" % number


def pages_sent(oncall):
    """(page, status) of each listing request in the order the server answered them; page 1 has no page parameter."""
    return [(int(entry["query"].get("page", 1)), entry["status"]) for entry in oncall.log()]


def listing_failure(oncall, **options):
    with pytest.raises(OnCallAPIError) as caught:
        oncall.client(**options).list_all("integrations/")
    return str(caught.value)


def test_the_listing_is_the_servers_in_its_order_each_page_asked_once_with_perpage_100(seeded):
    expected = seeded.all("integrations/")
    seeded.clear_log()
    assert seeded.client().list_all("integrations/") == expected and len(expected) == 1050
    assert sorted(pages_sent(seeded)) == [(number, 200) for number in range(1, 12)]
    assert pages_sent(seeded)[0] == (1, 200) and "page" not in seeded.log()[0]["query"]
    assert {entry["query"]["perpage"] for entry in seeded.log()} == {"100"}


def test_max_concurrent_requests_1_sends_the_same_requests_one_after_the_other(seeded):
    concurrent = seeded.client().list_all("integrations/")
    first_log = sorted((entry["path"], sorted(entry["query"].items())) for entry in seeded.log())
    seeded.clear_log()
    assert seeded.client(max_concurrent_requests=1).list_all("integrations/") == concurrent
    assert [page for page, dummy in pages_sent(seeded)] == list(range(1, 12))
    assert sorted((entry["path"], sorted(entry["query"].items())) for entry in seeded.log()) == first_log


@pytest.mark.parametrize("limit", [2, 4])
def test_max_concurrent_requests_pages_reach_the_server_together_and_never_one_more(seeded, limit):
    seeded.add_fault("GET", INTEGRATIONS, query=LATER_PAGES, count=limit, kind="hold", seconds=10)
    assert len(seeded.client(max_concurrent_requests=limit).list_all("integrations/")) == 1050
    assert [entry["released"] for entry in seeded.log() if entry.get("fault")] == ["all"] * limit

    seeded.clear_log()
    seeded.add_fault("GET", INTEGRATIONS, query=LATER_PAGES, count=limit + 1, kind="hold", seconds=1)
    assert len(seeded.client(max_concurrent_requests=limit).list_all("integrations/")) == 1050
    assert {entry["released"] for entry in seeded.log() if entry.get("fault")} == {"timeout"}


def test_one_page_is_one_request(oncall):
    for name in ("a", "b", "c"):
        oncall.integration(name)
    oncall.clear_log()
    assert [item["name"] for item in oncall.client().list_all("integrations/")] == ["a", "b", "c"]
    assert oncall.requests() == [("GET", "/api/v1/integrations/")]


def test_429_on_a_middle_page_is_waited_out_once_and_the_page_asked_again(seeded):
    expected = seeded.all("integrations/")
    seeded.clear_log()
    seeded.add_fault("GET", INTEGRATIONS, query=page_of(3), kind="status", status=429, retry_after=2)
    sleep, messages = SleepRecorder(), []
    assert seeded.client(retries=5, sleep=sleep, on_retry=messages.append).list_all("integrations/") == expected
    assert sleep.waits == [2.0]
    assert messages == ["GET /api/v1/integrations/?perpage=100&page=3: HTTP 429, retry 1 of 5 in 2.0 s"]
    assert [status for page, status in pages_sent(seeded) if page == 3] == [429, 200]
    assert len(seeded.log()) == 12


def test_pages_of_a_listing_whose_rate_limit_has_run_out_go_one_at_a_time_and_keep_their_retries():
    """A limit of one request a second, spent by the first page (about 10 s of real waits: the server's own clock).
    After its wait such a limit frees one slot, not one per page in flight: pages asked again together would refuse
    each other, each refusal a retry of its page, until one had none left and failed a listing that one page after
    another completes."""
    server = start_server(rate_limit="1/1s", seed_integrations=1050)
    try:
        messages = []
        assert len(OnCallClient(server.url, TOKEN, on_retry=messages.append).list_all("integrations/")) == 1050
        refused = [int(entry["query"].get("page", 1)) for entry in server.state.requests if entry["status"] == 429]
        # Each page refused once, and the pages in flight when the first refusal came, at most once more.
        assert len(refused) <= 10 + 3 and all(refused.count(page) <= 2 for page in refused)
    finally:
        server.stop()


def test_a_page_answered_500_fails_the_listing_with_the_error_of_one_page_after_another(seeded):
    seeded.add_fault("GET", INTEGRATIONS, query=page_of(4), kind="status", status=500)
    serial = listing_failure(seeded, max_concurrent_requests=1)
    assert serial.startswith("GET /api/v1/integrations/?perpage=100&page=4 failed with HTTP 500")
    seeded.clear_log()
    seeded.add_fault("GET", INTEGRATIONS, query=page_of(4), kind="status", status=500)
    assert listing_failure(seeded) == serial
    assert [status for page, status in pages_sent(seeded) if page == 4] == [500]


def test_a_page_whose_connection_is_reset_is_asked_again(seeded):
    expected = seeded.all("integrations/")
    seeded.clear_log()
    seeded.add_fault("GET", INTEGRATIONS, query=page_of(5), kind="reset_before")
    messages = []
    assert seeded.client(retries=5, on_retry=messages.append).list_all("integrations/") == expected
    assert [status for page, status in pages_sent(seeded) if page == 5] == ["reset", 200]
    assert len(messages) == 1 and "page=5: connection reset before an answer" in messages[0]

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pagination."""

from __future__ import annotations

KEYS = ["count", "next", "previous", "results", "page_size", "current_page_number", "total_pages"]


def _make(api, n):
    return [api.integration(name="i%d" % i) for i in range(n)]


def test_key_order_and_empty_list(api):
    body = api.get("integrations/").json()
    assert list(body) == KEYS
    assert body == {"count": 0, "next": None, "previous": None, "results": [], "page_size": 50, "current_page_number": 1, "total_pages": 1}


def test_links_sorted_and_page_one_drops_page(api):
    _make(api, 5)
    base = api.server.url + "/api/v1/integrations/"
    first = api.get("integrations/?perpage=2&page=1").json()
    assert first["next"] == base + "?page=2&perpage=2"
    assert first["previous"] is None
    assert [first["count"], first["page_size"], first["current_page_number"], first["total_pages"]] == [5, 2, 1, 3]
    second = api.get("integrations/?perpage=2&page=2").json()
    assert second["previous"] == base + "?perpage=2"
    assert second["next"] == base + "?page=3&perpage=2"


def test_page_past_the_end_is_the_last_page(api):
    created = _make(api, 5)
    body = api.get("integrations/?perpage=2&page=99").json()
    assert body["current_page_number"] == 3
    assert body["next"] is None
    assert body["previous"] == api.server.url + "/api/v1/integrations/?page=2&perpage=2"
    assert [i["id"] for i in body["results"]] == [created[4]["id"]]


def test_bad_perpage_and_page_are_forgiven(api):
    _make(api, 3)
    for query in ("perpage=0", "perpage=abc", "perpage=-3", "page=abc", "page=0", "page=-1"):
        body = api.get("integrations/?" + query).json()
        assert body["current_page_number"] == 1
        assert body["page_size"] == 50
        assert len(body["results"]) == 3


def test_other_params_are_kept_and_path_as_requested(api):
    _make(api, 3)
    body = api.get("integrations?perpage=1&name=i1").json()
    assert body["count"] == 1 and body["next"] is None
    body = api.get("integrations?perpage=1&zzz=1&aaa=2").json()
    assert body["next"] == api.server.url + "/api/v1/integrations?aaa=2&page=2&perpage=1&zzz=1"


def test_page_size_field_capped_but_page_is_not(api):
    _make(api, 3)
    body = api.get("integrations/?perpage=500").json()
    assert body["page_size"] == 100
    assert len(body["results"]) == 3


def test_real_page_larger_than_100(api):
    chains = [api.chain("c%03d" % i) for i in range(120)]
    body = api.get("escalation_chains/?perpage=500").json()
    assert body["page_size"] == 100
    assert len(body["results"]) == 120
    assert [c["id"] for c in body["results"]] == [c["id"] for c in chains]
    assert api.get("escalation_chains/").json()["page_size"] == 50
    assert len(api.get("escalation_chains/").json()["results"]) == 50


def test_routes_default_page_size_is_25(api):
    assert api.get("routes/").json()["page_size"] == 25
    assert api.get("teams/").json()["page_size"] == 50
    assert api.get("slack_channels/").json()["page_size"] == 50


def test_links_use_base_url_not_host(make_api):
    api = make_api(base_url="https://oncall.example.com/prefix")
    _make(api, 3)
    body = api.get("integrations/?perpage=1").json()
    assert body["next"] == "https://oncall.example.com/prefix/api/v1/integrations/?page=2&perpage=1"
    assert api.get("integrations/").json()["results"][0]["link"].startswith("https://oncall.example.com/prefix/integrations/v1/webhook/")

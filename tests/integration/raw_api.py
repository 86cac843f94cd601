# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The raw OnCall API, as the playbook tests and the benchmark use it to set up, read back and clean up a server.

Plain requests, not the collection's client, so that what they check never depends on the code under test; straight
to the server, never through the recording proxy, so that none of it shows in the request log.
"""

from __future__ import annotations

import time

import requests

# What a run makes, and so what its cleanup lists: integrations (their routes go with them), escalation chains (their
# steps go with them) and outgoing webhooks.
MADE = ("integrations/", "escalation_chains/", "webhooks/")


class RawApi:
    """The API of the OnCall at ``server_url``, with an API token."""

    def __init__(self, server_url, token):
        self.server_url = server_url.rstrip("/")
        self.token = token

    def api(self, method, path, **kwargs):
        """One call on a fresh connection: a self-hosted engine (uWSGI) closes connections without saying so, and a
        pooled connection's next request meets a reset. A read that still meets one is sent again once; a throttled
        call (a real server allows 300 requests a minute) is sent again after the wait the server asks for."""
        url = "%s/api/v1/%s" % (self.server_url, path.lstrip("/"))
        headers = {"Authorization": self.token, "Connection": "close"}
        resets = 0
        for dummy in range(20):
            try:
                response = requests.request(method, url, headers=headers, timeout=30, **kwargs)
            except requests.ConnectionError:
                resets += 1
                if method != "GET" or resets > 1:
                    raise
                continue
            if response.status_code != 429:
                return response
            time.sleep(min(60.0, float(response.headers.get("Retry-After") or 1)))
        return response

    def list(self, path, **params):
        """Every item of a listing, page after page (``params``: its filters)."""
        items, page = [], 1
        while True:
            response = self.api("GET", path, params=dict(params, perpage=100, page=page))
            response.raise_for_status()
            body = response.json()
            items.extend(body["results"])
            if not body["next"] or body["current_page_number"] >= body["total_pages"]:
                return items
            page += 1

    def delete_prefixed(self, prefix):
        """Delete every object a run made: those whose names start with ``prefix``, and nothing else."""
        for path in MADE:
            for item in self.list(path):
                if item["name"].startswith(prefix):
                    self.api("DELETE", "%s%s/" % (path, item["id"]))

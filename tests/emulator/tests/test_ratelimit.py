# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rate limiting."""

from __future__ import annotations

import re

import pytest

from throttle import RateThrottle, parse_rate, throttled_detail  # conftest puts tests/emulator on sys.path


def test_429_with_headers(make_api):
    api = make_api(rate_limit="3/m")
    for dummy in range(3):
        assert api.get("integrations/").status_code == 200
    response = api.get("integrations/")
    assert response.status_code == 429
    match = re.fullmatch(r"Request was throttled\. Expected available in (\d+) seconds\.", response.json()["detail"])
    assert match
    # DRF: (60 - elapsed) / (3 - 3 + 1), rounded up.
    assert 55 <= int(match.group(1)) <= 60
    assert response.headers["Retry-After"] == match.group(1)
    assert response.headers["RateLimit-Reset"] == match.group(1)
    for path in ("routes/", "escalation_chains/", "slack_channels/", "integrations/CNOPE/"):
        assert "RateLimit-Reset" in api.get(path).headers
    teams = api.get("teams/")
    assert teams.status_code == 429
    assert "Retry-After" in teams.headers
    assert "RateLimit-Reset" not in teams.headers


def test_auth_before_throttle_and_unknown_urls_not_counted(make_api):
    api = make_api(rate_limit="1/m")
    assert api.get("nothing/").status_code == 404
    assert api.get("integrations/", token="wrong").status_code == 403
    assert api.get("integrations/").status_code == 200
    assert api.get("integrations/", token="wrong").status_code == 403
    assert api.get("integrations/").status_code == 429
    assert api.control("GET", "requests").status_code == 200


def test_reset_clears_rate_history(make_api):
    api = make_api(rate_limit="1/m")
    assert api.get("integrations/").status_code == 200
    assert api.get("integrations/").status_code == 429
    assert api.control("POST", "reset").status_code == 204
    assert api.get("integrations/").status_code == 200


def test_throttle_wait_math():
    clock = [1000.0]
    throttle = RateThrottle("3/m", timer=lambda: clock[0])
    assert throttle.check("k") == (True, None)
    clock[0] += 10
    assert throttle.check("k")[0] and throttle.check("k")[0]
    allowed, wait = throttle.check("k")
    assert not allowed
    assert wait == pytest.approx(50.0)  # (60 - 10) / (3 - 3 + 1)
    clock[0] += 50
    assert throttle.check("k")[0]  # the oldest request left the window


def test_rates_and_messages():
    assert parse_rate("300/m") == (300, 60)
    assert parse_rate("10/5m") == (10, 300)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("100/h") == (100, 3600)
    assert parse_rate("300/min") == (300, 60)
    with pytest.raises(ValueError):
        parse_rate("lots")
    assert throttled_detail(0.2) == "Request was throttled. Expected available in 1 second."
    assert throttled_detail(None) == "Request was throttled."

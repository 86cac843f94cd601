# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Users and Slack user groups: read-only, seeded at start-up."""

from __future__ import annotations

import re

import pytest

FULL = ["id", "grafana_id", "email", "slack", "username", "role", "is_phone_number_verified", "timezone", "teams"]
SHORT = ["id", "grafana_id", "email", "username", "role", "is_phone_number_verified"]


def test_user_representation(api):
    body = api.get("users/").json()
    assert body["page_size"] == 100 and body["count"] == 3
    alice, bob, carol = body["results"]
    assert list(alice) == FULL
    assert re.fullmatch(r"U[ABCDEFGHIJKLMNPQRSTUVWXYZ1-9]{12}", alice["id"])
    assert alice == {"id": alice["id"], "grafana_id": 1, "email": "alice@example.com", "slack": None, "username": "alice", "role": "admin",
                     "is_phone_number_verified": False, "timezone": None, "teams": []}
    assert (bob["role"], bob["grafana_id"]) == ("editor", 2)
    assert carol["email"] == "Carol@Corp.example"
    assert api.get("users/" + bob["id"]).json() == bob
    assert api.get("users/current/").json() == alice  # the token's owner: the first user given
    assert api.get("users/UNOPE/").json() == {"detail": "Not found."}


@pytest.mark.parametrize("query, names", [
    ("username=ALICE", ["alice"]),
    ("username=ali", []),
    ("username=", ["alice", "bob", "carol"]),
    ("email=CAROL@corp.EXAMPLE", ["carol"]),
    ("email=carol", []),
    ("roles=1", ["bob", "carol"]),
    ("roles=0&roles=1", ["alice", "bob", "carol"]),
    ("team_id=TNOPE&search=x", ["alice", "bob", "carol"]),
])
def test_user_filters(api, query, names):
    assert [u["username"] for u in api.get("users/?" + query).json()["results"]] == names


def test_user_role_filter_refuses_names(api):
    response = api.get("users/?roles=admin")
    assert response.status_code == 400
    assert response.json() == {"roles": ["Select a valid choice. admin is not one of the available choices."]}


def test_short_form(api):
    assert list(api.get("users/?short=true").json()["results"][0]) == SHORT
    assert list(api.get("users/?short=True").json()["results"][0]) == FULL
    assert list(api.get("users/current/?short=true").json()) == FULL  # only lists have a short form


@pytest.mark.parametrize("method", ["POST", "OPTIONS"])
def test_users_are_read_only_and_crash_on_other_methods(api, method):
    response = api.request(method, "users/", json={"username": "x"})
    assert response.status_code == 500 and "Server Error (500)" in response.text
    assert api.get("users/").json()["count"] == 3


def test_no_users(make_api):
    api = make_api(users=None)
    assert api.get("users/").json()["count"] == 0
    assert api.get("users/current/").status_code == 404


def test_user_groups(api):
    body = api.get("user_groups/").json()
    assert body["page_size"] == 50
    group = body["results"][0]
    assert list(group) == ["id", "type", "slack"]
    assert re.fullmatch(r"G[ABCDEFGHIJKLMNPQRSTUVWXYZ1-9]{12}", group["id"])
    assert group["type"] == "slack_based"
    assert group["slack"]["handle"] == "oncall-team" and group["slack"]["name"] == "oncall-team"
    assert group["slack"]["id"].startswith("S")
    assert api.get("user_groups/?slack_handle=oncall-team").json()["count"] == 1
    assert api.get("user_groups/?slack_handle=ONCALL-TEAM").json()["count"] == 0


def test_user_groups_have_no_detail_route(api):
    group = api.get("user_groups/").json()["results"][0]
    response = api.get("user_groups/" + group["id"] + "/")
    assert response.status_code == 404 and response.headers["Content-Type"].startswith("text/html")


def test_user_groups_other_methods_crash(api):
    assert api.post("user_groups/", json={}).status_code == 500


def test_user_groups_empty_without_slack(make_api):
    assert make_api(slack_channels=None).get("user_groups/").json()["count"] == 0

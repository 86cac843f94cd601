# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication, URL routing, methods and body parsing."""

from __future__ import annotations

import pytest
import requests

INVALID_TOKEN = {"detail": "Invalid token."}


@pytest.mark.parametrize("headers", [{}, {"Authorization": ""}, {"Authorization": "wrong"}, {"Authorization": "Bearer t0ken"},
                                     {"Authorization": "glsa_wrong"}])
def test_bad_or_missing_token_is_403(api, headers):
    response = api.get("integrations/", token=None, headers=headers)
    assert response.status_code == 403
    assert response.json() == INVALID_TOKEN
    assert response.headers["Content-Type"] == "application/json"


def test_auth_comes_before_lookup_and_method_check(api):
    assert api.get("integrations/CNOPE", token="wrong").status_code == 403
    assert api.post("teams/", json={}, token="wrong").status_code == 403
    assert api.get("integrations/CNOPE").json() == {"detail": "Not found."}


def test_trailing_slash_is_optional(api):
    created = api.integration(name="a")
    assert api.get("integrations").status_code == 200
    assert api.get("integrations/").status_code == 200
    assert api.get("integrations/" + created["id"]).json()["id"] == created["id"]
    assert api.get("integrations/" + created["id"] + "/").json()["id"] == created["id"]


@pytest.mark.parametrize("path", ["", "nothing/", "integrations/CX/extra/", "slack_channels/C01ALERTS/", "integrations/a.b/"])
def test_unknown_urls_get_djangos_html_404_even_without_token(api, path):
    for token in ("t0ken", None):
        response = api.get(path, token=token)
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "<title>Not Found</title>" in response.text


def test_unknown_id_is_json_404(api):
    for path in ("integrations/CNOPE/", "routes/RNOPE/", "escalation_chains/FNOPE/", "teams/TNOPE/"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method,path", [
    ("POST", "teams/"), ("PUT", "teams/{team}/"), ("PATCH", "teams/{team}/"), ("DELETE", "teams/{team}/"),
    ("POST", "slack_channels/"), ("PUT", "integrations/"), ("DELETE", "routes/"), ("POST", "integrations/CX/"),
])
def test_methods_not_allowed(api, method, path):
    response = api.request(method, path.format(team=api.team_id("ops")), json={})
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "%s" not allowed.' % method}


def test_allow_header(api):
    assert api.get("integrations/").headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert api.get("teams/").headers["Allow"] == "GET, HEAD, OPTIONS"
    created = api.integration(name="a")
    assert api.get("integrations/" + created["id"]).headers["Allow"] == "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"


def test_json_parse_error(api):
    response = api.post("integrations/", data="{nope", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"}


def test_unsupported_media_type(api):
    response = api.post("integrations/", data="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}


def test_body_must_be_an_object(api):
    response = api.post("integrations/", json=["webhook"])
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


def test_no_content_type_means_no_data(api):
    response = api.post("escalation_chains/", data='{"name": "x"}')
    assert response.status_code == 400
    assert response.json() == {"name": ["This field is required."]}


def test_204_has_no_body(api):
    created = api.integration(name="a")
    response = api.delete("integrations/" + created["id"])
    assert response.status_code == 204
    assert response.content == b""
    assert "Content-Type" not in response.headers


def test_head_works_like_get(api):
    response = requests.head(api.base + "integrations/", headers={"Authorization": "t0ken"}, timeout=10)
    assert response.status_code == 200
    assert response.content == b""

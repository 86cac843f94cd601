# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""OnCallClient against a fake requests.Session: URL, headers, TLS, timeouts, retries and errors."""

from __future__ import annotations

import datetime
import email.utils

import pytest
import requests

from ansible_collections.oncall.grafana.plugins.module_utils import client as client_module
from ansible_collections.oncall.grafana.plugins.module_utils.client import (
    OnCallClient,
    backoff_delay,
    classify_transport_error,
    normalize_base_url,
    retry_after_seconds,
)
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import (
    BASE,
    TOKEN,
    Harness,
    SleepRecorder,
    paged_server,
    response,
    transport_error,
)

THROTTLED = {"detail": "Request was throttled. Expected available in 7 seconds."}
DJANGO_500 = "<!doctype html><html><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1></body></html>"
DJANGO_404 = "<!doctype html><html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>"
INTEGRATIONS = BASE + "/api/v1/integrations/"


@pytest.fixture
def max_jitter(monkeypatch):
    """Make the jittered backoff deterministic: always the upper bound."""
    monkeypatch.setattr(client_module.random, "uniform", lambda low, high: high)


# ------------------------------------------------------------------ URL


@pytest.mark.parametrize("url, expected", [
    ("https://oncall.example.com", "https://oncall.example.com"),
    ("https://oncall.example.com/", "https://oncall.example.com"),
    ("https://oncall.example.com/api/v1", "https://oncall.example.com"),
    ("https://oncall.example.com/api/v1/", "https://oncall.example.com"),
    ("https://oncall-prod-us-central-0.grafana.net/oncall", "https://oncall-prod-us-central-0.grafana.net/oncall"),
    ("https://oncall-prod-us-central-0.grafana.net/oncall/", "https://oncall-prod-us-central-0.grafana.net/oncall"),
    ("https://oncall-prod-us-central-0.grafana.net/oncall/api/v1/", "https://oncall-prod-us-central-0.grafana.net/oncall"),
    ("http://localhost:8080", "http://localhost:8080"),
    ("  http://localhost:8080/  ", "http://localhost:8080"),
])
def test_normalize_base_url_accepts_settings_url_and_api_root(url, expected):
    assert normalize_base_url(url) == expected


@pytest.mark.parametrize("url", [
    "ftp://oncall.example.com",
    "oncall.example.com",
    "https://",
    "https:///oncall",
    "https://oncall.example.com/?team=x",
    "https://oncall.example.com/#settings",
])
def test_normalize_base_url_rejects_bad_scheme_missing_host_query_and_fragment(url):
    with pytest.raises(OnCallError, match="url must"):
        normalize_base_url(url)


@pytest.mark.parametrize("url", [None, "", "   "])
def test_normalize_base_url_requires_a_url_and_names_the_env_var(url):
    with pytest.raises(OnCallError, match="url is required.*GRAFANA_ONCALL_URL"):
        normalize_base_url(url)


@pytest.mark.parametrize("url", [
    "https://oncall-prod-us-central-0.grafana.net/oncall",
    "https://oncall-prod-us-central-0.grafana.net/oncall/api/v1/",
])
@pytest.mark.parametrize("path", ["integrations/", "/integrations/"])
def test_requests_go_to_base_api_v1_path(url, path):
    harness = Harness(response(200, {"id": "C1"}), url=url)
    assert harness.client.get(path) == {"id": "C1"}
    assert harness.calls[0].url == "https://oncall-prod-us-central-0.grafana.net/oncall/api/v1/integrations/"
    assert harness.calls[0].method == "GET"


def test_params_and_json_body_are_passed_through():
    harness = Harness(response(200, {"id": "C1"}), response(200, {"results": []}))
    harness.client.put("integrations/C1/", {"name": "x"})
    harness.client.get("integrations/", params={"name": "x"})
    assert (harness.calls[0].method, harness.calls[0].json) == ("PUT", {"name": "x"})
    assert harness.calls[1].params == {"name": "x"}


# ------------------------------------------------------------------ headers, TLS, timeout


def test_authorization_header_is_the_raw_token_without_bearer():
    harness = Harness(response(200, {}))
    harness.client.get("integrations/")
    assert harness.calls[0].headers["Authorization"] == TOKEN


def test_user_agent_names_the_collection_and_its_version():
    harness = Harness(response(200, {}))
    harness.client.get("integrations/")
    assert harness.calls[0].headers["User-Agent"].startswith("oncall.grafana/%s " % COLLECTION_VERSION)


def test_accept_header_asks_for_json():
    harness = Harness(response(200, {}))
    harness.client.get("integrations/")
    assert harness.calls[0].headers["Accept"] == "application/json"


def test_no_grafana_url_header_without_grafana_url():
    harness = Harness(response(200, {}))
    harness.client.get("integrations/")
    assert "X-Grafana-URL" not in harness.calls[0].headers


def test_grafana_url_header_sent_when_grafana_url_set():
    harness = Harness(response(200, {}), token="glsa_abc_123", grafana_url="https://stack.grafana.net")
    harness.client.get("integrations/")
    assert harness.calls[0].headers["X-Grafana-URL"] == "https://stack.grafana.net"
    assert harness.calls[0].headers["Authorization"] == "glsa_abc_123"


@pytest.mark.parametrize("validate_certs, ca_path, verify", [
    (True, None, True),
    (False, None, False),
    (True, "/etc/ssl/private-ca.pem", "/etc/ssl/private-ca.pem"),
    (False, "/etc/ssl/private-ca.pem", False),
])
def test_session_verify_follows_validate_certs_and_ca_path(validate_certs, ca_path, verify, monkeypatch):
    monkeypatch.setattr("os.path.isfile", lambda path: path == "/etc/ssl/private-ca.pem")
    harness = Harness(response(200, {}), validate_certs=validate_certs, ca_path=ca_path)
    assert harness.session.verify == verify
    # Passed on every request too: requests lets REQUESTS_CA_BUNDLE override a session-level verify.
    harness.client.get("integrations/")
    assert harness.calls[0].kwargs["verify"] == verify


def test_missing_ca_path_file_fails_naming_the_option(tmp_path):
    with pytest.raises(OnCallError) as caught:
        Harness(ca_path=str(tmp_path / "nope.pem"))
    assert "ca_path" in str(caught.value)


@pytest.mark.parametrize("options, word", [
    ({"token": "abc\u2019def"}, "non-ASCII"),
    ({"grafana_url": "https://grafana.example.com/\u2019"}, "grafana_url"),
    ({"url": "http://127.0.0.1:99999"}, "invalid port"),
    ({"url": "https://oncall.example.com/\u00e9"}, "non-ASCII"),
])
def test_options_requests_cannot_send_fail_naming_the_option(options, word):
    with pytest.raises(OnCallError) as caught:
        Harness(**options)
    assert word in str(caught.value)


def test_timeout_is_passed_on_every_call_including_retries():
    harness = Harness(response(503, text=DJANGO_500), transport_error("reset"), response(200, {}), timeout=12)
    harness.client.get("integrations/")
    assert [call.timeout for call in harness.calls] == [12.0, 12.0, 12.0]


def test_redirects_are_never_followed():
    harness = Harness(response(200, {}), response(201, {}))
    harness.client.get("integrations/")
    harness.client.post("integrations/", {"type": "webhook"})
    assert [call.allow_redirects for call in harness.calls] == [False, False]


@pytest.mark.parametrize("options, word", [
    ({"token": ""}, "token is required"),
    ({"token": None}, "GRAFANA_ONCALL_ACCESS_TOKEN"),
    ({"timeout": 0}, "timeout"),
    ({"retries": -1}, "retries"),
    ({"max_retry_delay": -1}, "max_retry_delay"),
    ({"max_concurrent_requests": 0}, "max_concurrent_requests must be 1 or more"),
    ({"max_concurrent_requests": None}, "max_concurrent_requests"),
    ({"max_concurrent_requests": True}, "max_concurrent_requests"),
])
def test_bad_client_options_name_the_option(options, word):
    with pytest.raises(OnCallError, match=word):
        Harness(**options)


# ------------------------------------------------------------------ 429


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_429_waits_retry_after_then_retries(method):
    harness = Harness(response(429, THROTTLED, headers={"Retry-After": "7", "RateLimit-Reset": "50"}), response(200, {"id": "C1"}))
    assert harness.client.request(method, "integrations/", body={"type": "webhook"} if method == "POST" else None) == {"id": "C1"}
    assert len(harness.calls) == 2
    assert harness.sleep.waits == [7.0]


def test_429_without_retry_after_waits_ratelimit_reset():
    harness = Harness(response(429, THROTTLED, headers={"RateLimit-Reset": "9"}), response(200, {}))
    harness.client.get("integrations/")
    assert harness.sleep.waits == [9.0]


def test_429_with_retry_after_as_http_date_waits_until_then():
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=20)
    harness = Harness(response(429, THROTTLED, headers={"Retry-After": email.utils.format_datetime(when, usegmt=True)}), response(200, {}))
    harness.client.get("integrations/")
    assert len(harness.sleep.waits) == 1
    assert 17.0 <= harness.sleep.waits[0] <= 20.0


def test_429_without_wait_headers_falls_back_to_exponential_backoff(max_jitter):
    harness = Harness(response(429, THROTTLED), response(429, THROTTLED), response(429, THROTTLED), response(200, {}))
    harness.client.get("integrations/")
    assert harness.sleep.waits == [1.0, 2.0, 4.0]


def test_429_asking_longer_than_max_retry_delay_fails_at_once_naming_it():
    harness = Harness(response(429, THROTTLED, headers={"Retry-After": "600"}), max_retry_delay=120)
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.get("integrations/")
    assert len(harness.calls) == 1
    assert harness.sleep.waits == []
    assert caught.value.status == 429
    assert "max_retry_delay=120" in str(caught.value)
    assert "600" in str(caught.value)


def test_429_asking_an_infinite_wait_fails_cleanly():
    harness = Harness(response(429, THROTTLED, headers={"Retry-After": "inf"}))
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.get("integrations/")
    assert len(harness.calls) == 1
    assert "without limit" in str(caught.value)


def test_credentials_in_url_never_appear_in_connection_errors():
    harness = Harness(transport_error("refused"), url="https://user:s3cr3t-pass@oncall.example.com", retries=0)
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.get("integrations/")
    assert "s3cr3t-pass" not in str(caught.value) and "user@" not in str(caught.value)
    assert "https://oncall.example.com" in str(caught.value)


def test_more_429s_than_retries_fail_with_server_message_and_attempt_count():
    harness = Harness(*[response(429, THROTTLED, headers={"Retry-After": "1"}) for dummy in range(3)], retries=2)
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.post("integrations/", {"type": "webhook"})
    assert len(harness.calls) == 3
    assert harness.sleep.waits == [1.0, 1.0]
    assert caught.value.status == 429
    assert "Request was throttled. Expected available in 7 seconds." in str(caught.value)
    assert "3 attempts" in str(caught.value)


@pytest.mark.parametrize("headers, expected", [
    ({"Retry-After": "7"}, 7.0),
    ({"Retry-After": " 2.5 "}, 2.5),
    ({"Retry-After": "-3"}, 0.0),
    ({"Retry-After": "7", "RateLimit-Reset": "50"}, 7.0),
    ({"RateLimit-Reset": "350"}, 350.0),
    ({"RateLimit-Reset": "soon"}, None),
    ({}, None),
])
def test_retry_after_seconds_reads_retry_after_then_ratelimit_reset(headers, expected):
    assert retry_after_seconds(requests.structures.CaseInsensitiveDict(headers)) == expected


def test_retry_after_in_the_past_means_no_wait():
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0


def test_unparsable_retry_after_falls_back_to_ratelimit_reset():
    assert retry_after_seconds({"Retry-After": "soon", "RateLimit-Reset": "3"}) == 3.0


def test_backoff_delay_grows_exponentially_up_to_the_cap(max_jitter):
    assert [backoff_delay(attempt, 30.0) for attempt in (1, 2, 3, 4, 5, 6, 7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_backoff_delay_is_jittered_within_bounds():
    delays = [backoff_delay(3, 30.0) for dummy in range(200)]
    assert all(0.0 <= delay <= 4.0 for delay in delays)
    assert len(set(delays)) > 1


# ------------------------------------------------------------------ 5xx


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_5xx_is_retried_for_idempotent_methods(method, max_jitter):
    harness = Harness(response(502, text="Bad Gateway"), response(200, {"id": "C1"}))
    assert harness.client.request(method, "integrations/C1/") == {"id": "C1"}
    assert [call.method for call in harness.calls] == [method, method]
    assert harness.sleep.waits == [1.0]


def test_5xx_on_get_gives_up_after_retries_with_status_and_attempts():
    harness = Harness(*[response(503, text=DJANGO_500) for dummy in range(3)], retries=2)
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.get("integrations/")
    assert len(harness.calls) == 3
    assert caught.value.status == 503
    assert "after 3 attempts" in str(caught.value)


def test_5xx_on_post_is_never_retried():
    harness = Harness(response(500, text=DJANGO_500), response(201, {"id": "C1"}))
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.post("integrations/", {"type": "grafana_alerting", "name": "x"})
    assert len(harness.calls) == 1
    assert caught.value.status == 500
    assert "Server Error (500)" in str(caught.value)
    assert harness.sleep.waits == []


# ------------------------------------------------------------------ transport errors


@pytest.mark.parametrize("kind, expected", [
    ("reset", "reset"),
    ("remote_disconnected", "reset"),
    ("read_timeout", "timeout"),
    ("refused", "refused"),
    ("unresolved", "unresolved"),
    ("connect_timeout", "not_sent"),
    ("bad_certificate", "tls"),
])
def test_classify_transport_error(kind, expected):
    assert classify_transport_error(transport_error(kind)) == expected


@pytest.mark.parametrize("kind", ["reset", "remote_disconnected"])
def test_connection_reset_on_get_is_retried_at_once_without_sleep(kind):
    harness = Harness(transport_error(kind), response(200, {"id": "C1"}))
    assert harness.client.get("integrations/C1/") == {"id": "C1"}
    assert len(harness.calls) == 2
    assert harness.sleep.waits == []
    assert len(harness.retry_messages) == 1


def test_read_timeout_on_get_is_retried_with_backoff_and_then_says_it_gave_up(max_jitter):
    harness = Harness(*[transport_error("read_timeout") for dummy in range(3)], retries=2, timeout=30)
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.get("integrations/")
    assert len(harness.calls) == 3
    assert harness.sleep.waits == [1.0, 2.0]
    assert caught.value.status is None
    assert "timeout=30 s" in str(caught.value)
    assert "gave up after 3 attempts" in str(caught.value)


@pytest.mark.parametrize("kind", ["reset", "remote_disconnected", "read_timeout"])
def test_post_with_lost_answer_raises_outcome_unknown_after_one_call(kind):
    harness = Harness(transport_error(kind, "POST"), response(201, {"id": "C1"}))
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.post("integrations/", {"type": "webhook", "name": "x"})
    assert len(harness.calls) == 1
    assert caught.value.outcome_unknown is True
    assert caught.value.status is None
    assert "may or may not have applied" in str(caught.value)


def test_post_that_never_connected_is_retried():
    harness = Harness(transport_error("connect_timeout", "POST"), response(201, {"id": "C1"}))
    assert harness.client.post("integrations/", {"type": "webhook", "name": "x"}) == {"id": "C1"}
    assert [call.method for call in harness.calls] == ["POST", "POST"]


@pytest.mark.parametrize("kind, reason", [("refused", "connection refused"), ("unresolved", "the host name does not resolve")])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_wrong_address_on_the_first_request_fails_at_once_naming_the_url(kind, reason, method):
    harness = Harness(transport_error(kind, method), response(200, {}))
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.request(method, "integrations/")
    assert [call.method for call in harness.calls] == [method] and harness.sleep.waits == []
    assert caught.value.outcome_unknown is False
    assert "cannot connect to %s: %s" % (BASE, reason) in str(caught.value) and "gave up" not in str(caught.value)


@pytest.mark.parametrize("kind", ["refused", "unresolved"])
def test_a_refusal_after_the_server_has_answered_is_retried(kind):
    harness = Harness(response(200, {}), transport_error(kind, "POST"), response(201, {"id": "C1"}))
    harness.client.get("integrations/")
    assert harness.client.post("integrations/", {"type": "webhook", "name": "x"}) == {"id": "C1"}
    assert [call.method for call in harness.calls] == ["GET", "POST", "POST"]


def test_a_refusal_after_a_reset_is_retried_the_server_was_reached():
    # The first GET reached the server (it reset the connection); the next attempt is refused while it restarts.
    harness = Harness(transport_error("reset"), transport_error("refused"), response(200, {"ok": True}))
    assert harness.client.get("integrations/") == {"ok": True}
    assert len(harness.calls) == 3


def test_a_proxy_that_cannot_be_reached_is_named_as_the_proxy():
    proxy_error = requests.exceptions.ProxyError(transport_error("refused"))
    harness = Harness(proxy_error, response(200, {}), retries=0)
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.get("integrations/")
    assert "cannot connect to the proxy" in str(caught.value) and "is url right" not in str(caught.value)
    assert classify_transport_error(proxy_error) == "proxy"


def test_connection_refused_after_an_answer_gives_up_after_the_retries():
    harness = Harness(response(200, {}), *[transport_error("refused", "POST") for dummy in range(2)], retries=1)
    harness.client.get("integrations/")
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.post("integrations/", {"type": "webhook"})
    assert caught.value.outcome_unknown is False
    assert "cannot connect to %s" % BASE in str(caught.value)
    assert "gave up after 2 attempts" in str(caught.value)


def test_https_to_a_plain_http_port_says_so_without_a_certificate_hint():
    harness = Harness(transport_error("plain_http_port"), response(200, {}))
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.get("integrations/")
    message = str(caught.value)
    assert "does not speak TLS" in message and "use http:// instead of https:// in url (http://oncall.example.com)" in message
    assert "ca_path" not in message and "validate_certs" not in message
    assert len(harness.calls) == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_tls_error_is_never_retried_and_hints_at_ca_path(method):
    harness = Harness(transport_error("bad_certificate", method), response(200, {}))
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.request(method, "integrations/")
    assert len(harness.calls) == 1
    assert caught.value.outcome_unknown is False
    assert "ca_path" in str(caught.value) and "validate_certs" in str(caught.value)


def test_post_closes_idle_connections_before_sending():
    harness = Harness(response(201, {"id": "C1"}))
    harness.client.post("integrations/", {"type": "webhook"})
    assert harness.session.events == ["close", "request"]


def test_get_reuses_connections():
    harness = Harness(response(200, {}))
    harness.client.get("integrations/")
    assert harness.session.events == ["request"]


def test_on_retry_gets_one_message_per_retry_naming_method_path_and_count():
    harness = Harness(response(429, THROTTLED, headers={"Retry-After": "1"}), transport_error("reset"), response(502, text="x"),
                      response(200, {}), retries=5)
    harness.client.get("integrations/", params={"name": "x"})
    assert len(harness.retry_messages) == 3
    assert harness.retry_messages[0].startswith("GET /api/v1/integrations/?name=x: HTTP 429, retry 1 of 5")
    assert "retry 2 of 5" in harness.retry_messages[1]
    assert harness.retry_messages[2].startswith("GET /api/v1/integrations/?name=x: HTTP 502, retry 3 of 5")


@pytest.mark.parametrize("first", [
    lambda: response(503, text=DJANGO_500),
    lambda: transport_error("reset"),
    lambda: transport_error("read_timeout"),
    lambda: response(429, THROTTLED, headers={"Retry-After": "1"}),
])
def test_retries_zero_means_exactly_one_attempt(first):
    harness = Harness(first(), response(200, {}), retries=0)
    with pytest.raises(OnCallAPIError):
        harness.client.get("integrations/")
    assert len(harness.calls) == 1
    assert harness.sleep.waits == []
    assert harness.retry_messages == []


# ------------------------------------------------------------------ answers and errors


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_say_authentication_or_permission(status):
    harness = Harness(response(status, {"detail": "Invalid token."}))
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.get("integrations/")
    assert caught.value.status == status
    assert "authentication or permission error: Invalid token." in str(caught.value)
    assert len(harness.calls) == 1


def test_400_names_method_path_status_and_flattened_body():
    harness = Harness(response(400, {"slack": {"channel_id": ["Slack channel does not exist"]}}))
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.put("integrations/C1/", {"default_route": {"slack": {"channel_id": "CX"}}})
    assert str(caught.value) == "PUT /api/v1/integrations/C1/ failed with HTTP 400: slack.channel_id: Slack channel does not exist"
    assert caught.value.body == {"slack": {"channel_id": ["Slack channel does not exist"]}}


def test_get_or_none_returns_none_on_json_404():
    harness = Harness(response(404, {"detail": "Not found."}))
    assert harness.client.get_or_none("integrations/CNOPE/") is None
    assert len(harness.calls) == 1


def test_get_or_none_returns_the_object():
    harness = Harness(response(200, {"id": "C1"}))
    assert harness.client.get_or_none("integrations/C1/") == {"id": "C1"}


def test_delete_returns_false_on_json_404_and_true_on_204():
    harness = Harness(response(404, {"detail": "Not found."}), response(204))
    assert harness.client.delete("integrations/C1/") is False
    assert harness.client.delete("integrations/C2/") is True
    assert [call.method for call in harness.calls] == ["DELETE", "DELETE"]


@pytest.mark.parametrize("call", [
    lambda client: client.get_or_none("integrations/C1/"),
    lambda client: client.delete("integrations/C1/"),
])
def test_html_404_raises_with_a_hint_about_url(call):
    harness = Harness(response(404, text=DJANGO_404), url="https://grafana.example.com")
    with pytest.raises(OnCallAPIError) as caught:
        call(harness.client)
    assert caught.value.status == 404
    assert "HTML page: Not Found" in str(caught.value)
    assert "is url the OnCall API URL" in str(caught.value)


def test_non_json_200_raises():
    harness = Harness(response(200, text="<html><head><title>Grafana</title></head></html>"))
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.get("integrations/")
    assert "not JSON" in str(caught.value)
    assert "HTML page: Grafana" in str(caught.value)


def test_204_decodes_to_none():
    harness = Harness(response(204))
    assert harness.client.delete("integrations/C1/") is True
    harness = Harness(response(204))
    assert harness.client.request("PUT", "integrations/C1/", body={}) is None


def test_redirect_answer_is_an_error_not_a_success():
    harness = Harness(response(308, headers={"Location": "https://oncall.example.com/api/v1/integrations/C1/"}), url="http://oncall.example.com")
    with pytest.raises(OnCallAPIError):
        harness.client.delete("integrations/C1/")


@pytest.mark.parametrize("answer", [
    lambda: response(400, {"detail": "Token %s is not valid here" % TOKEN}),
    lambda: response(403, {"detail": "Invalid token: %s" % TOKEN}),
    lambda: response(404, text="<html><head><title>No page for %s</title></head></html>" % TOKEN),
    lambda: response(500, text="Traceback: Authorization=%s" % TOKEN),
    lambda: response(200, text="hello %s" % TOKEN),
    lambda: response(429, {"detail": "throttled %s" % TOKEN}, headers={"Retry-After": "9999"}),
    lambda: response(400, [TOKEN]),
    lambda: response(400, {"slack": {"channel_id": [TOKEN]}}),
])
def test_token_never_appears_in_error_messages_even_when_echoed(answer):
    harness = Harness(answer(), retries=0)
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.post("integrations/", {"type": "webhook"})
    assert TOKEN not in str(caught.value)
    assert "********" in str(caught.value)


def test_token_never_appears_in_retry_messages():
    harness = Harness(response(429, {"detail": TOKEN}, headers={"Retry-After": "1"}), transport_error("reset"), response(200, {}))
    harness.client.get("integrations/")
    assert harness.retry_messages and not any(TOKEN in message for message in harness.retry_messages)


class _RefusingAdapter(requests.adapters.BaseAdapter):
    """A transport adapter that fails every request it gets, so a real Session never opens a socket."""

    def send(self, request, **kwargs):
        raise AssertionError("the request was sent")

    def close(self):
        pass


def test_token_with_trailing_newline_does_not_leak_into_the_error():
    session = requests.Session()
    session.mount("https://", _RefusingAdapter())
    session.mount("http://", _RefusingAdapter())
    token = TOKEN + "\n"
    with pytest.raises(OnCallError) as caught:
        client = OnCallClient(BASE, token, session=session, retries=0, sleep=SleepRecorder())
        client.get("integrations/")
    assert TOKEN not in str(caught.value)


# ------------------------------------------------------------------ pagination


def test_list_all_walks_pages_in_order_with_perpage_100():
    items = [{"id": "C%03d" % index, "name": "x"} for index in range(250)]
    harness = Harness(responder=paged_server(items))
    assert harness.client.list_all("integrations/", {"name": "x"}) == items
    assert [call.params for call in harness.calls] == [
        {"name": "x", "perpage": 100},
        {"name": "x", "perpage": 100, "page": 2},
        {"name": "x", "perpage": 100, "page": 3},
    ]


def test_list_all_first_request_has_no_page_param():
    harness = Harness(responder=paged_server([{"id": "C1"}]))
    harness.client.list_all("integrations/")
    assert harness.calls[0].params == {"perpage": 100}


def test_list_all_stops_when_next_is_null():
    harness = Harness(response(200, {"count": 1, "next": None, "previous": None, "results": [{"id": "C1"}]}))
    assert harness.client.list_all("integrations/") == [{"id": "C1"}]
    assert len(harness.calls) == 1


def test_list_all_stops_on_last_page_number_even_if_next_is_set():
    body = {"count": 1, "next": INTEGRATIONS + "?page=2&perpage=100", "previous": None, "results": [{"id": "C1"}],
            "page_size": 100, "current_page_number": 1, "total_pages": 1}
    harness = Harness(response(200, body), response(200, body))
    assert harness.client.list_all("integrations/") == [{"id": "C1"}]
    assert len(harness.calls) == 1


def test_list_all_does_not_loop_when_page_past_end_returns_last_page_again():
    items = [{"id": "C%03d" % index} for index in range(150)]
    server = paged_server(items)

    def responder(call):
        answer = server(call).json()
        answer["next"] = INTEGRATIONS + "?page=99&perpage=100"  # a server that always says there is more
        return response(200, answer)
    harness = Harness(responder=responder)
    assert harness.client.list_all("integrations/") == items
    assert len(harness.calls) == 2


def test_list_all_has_a_hard_stop_when_the_server_never_says_it_is_done(monkeypatch):
    monkeypatch.setattr(client_module, "MAX_PAGES", 5)
    harness = Harness(responder=lambda call: response(200, {"next": INTEGRATIONS + "?page=2", "results": [{"id": "C1"}]}))
    with pytest.raises(OnCallAPIError, match="more than 5 pages"):
        harness.client.list_all("integrations/")
    assert len(harness.calls) == 5


def test_list_all_never_requests_the_next_url_even_on_another_origin():
    items = [{"id": "C%03d" % index} for index in range(201)]
    harness = Harness(responder=paged_server(items, next_base="http://evil.example:9999/api/v1/integrations/"))
    assert harness.client.list_all("integrations/") == items
    assert [call.url for call in harness.calls] == [INTEGRATIONS] * 3
    assert [call.params.get("page") for call in harness.calls] == [None, 2, 3]


def test_list_all_with_an_empty_list():
    harness = Harness(response(200, {"count": 0, "next": None, "previous": None, "results": [], "page_size": 100,
                                     "current_page_number": 1, "total_pages": 1}))
    assert harness.client.list_all("integrations/") == []


def test_list_all_rejects_an_answer_that_is_not_a_page():
    harness = Harness(response(200, [{"id": "C1"}]))
    with pytest.raises(OnCallAPIError, match="expected a paginated list"):
        harness.client.list_all("integrations/")


def test_list_all_retries_a_failed_page_without_restarting():
    items = [{"id": "C%03d" % index} for index in range(150)]
    server = paged_server(items)
    answers = iter([None, transport_error("reset"), None])

    def responder(call):
        failure = next(answers)
        return failure if failure is not None else server(call)
    harness = Harness(responder=responder)
    assert harness.client.list_all("integrations/") == items
    assert [call.params.get("page") for call in harness.calls] == [None, 2, 2]


def test_post_retried_after_429_opens_a_new_connection_each_time():
    harness = Harness(response(429, THROTTLED, headers={"Retry-After": "1"}), response(201, {"id": "C1"}))
    harness.client.post("integrations/", {"type": "webhook"})
    assert harness.session.events == ["close", "request", "close", "request"]


def test_unclassified_connection_failure_is_retried_with_backoff_not_at_once(max_jitter):
    broken = requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(0 bytes read)")
    harness = Harness(broken, response(200, {}))
    harness.client.get("integrations/")
    assert harness.sleep.waits == [1.0]
    assert "connection lost" in harness.retry_messages[0]


def test_unclassified_connection_failure_on_post_is_an_unknown_outcome():
    harness = Harness(requests.exceptions.ChunkedEncodingError("broken"), response(201, {}))
    with pytest.raises(OnCallAPIError) as caught:
        harness.client.post("integrations/", {"type": "webhook"})
    assert caught.value.outcome_unknown is True and len(harness.calls) == 1

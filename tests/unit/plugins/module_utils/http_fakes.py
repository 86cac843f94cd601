# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP-level test doubles for the client's own tests: a scripted requests session and real transport errors.

Resources are tested against the emulator instead (emulated.py); only the client, whose job is the transport,
is tested with exchanges scripted here.

Nothing here opens a socket. Transport errors are made by requests' own ``HTTPAdapter.send`` and urllib3's own
``Retry.increment`` from what a socket would raise, so they carry the same types, causes and contexts as real ones.
"""

from __future__ import annotations

import copy
import errno
import http.client
import inspect
import io
import json
import socket
import ssl
import sys

import requests
import urllib3
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection
from urllib3.exceptions import ProtocolError, SSLError as Urllib3SSLError

from ansible_collections.oncall.grafana.plugins.module_utils.client import OnCallClient

BASE = "https://oncall.example.com"
DJANGO_500 = "<!doctype html><html><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1></body></html>"
TOKEN = "6f1c2a9be07d45b3a8e1f0c4d2b7e9a16f1c2a9be07d45b3a8e1f0c4d2b7e9a1"

# ------------------------------------------------------------------ HTTP responses


def response(status=200, body=None, text=None, headers=None, content_type=None):
    """A real ``requests.Response`` as requests' adapter builds it: JSON ``body``, or raw ``text``, or nothing."""
    headers = dict(headers or {})
    if body is not None:
        content = json.dumps(body).encode("utf-8")
        headers.setdefault("Content-Type", content_type or "application/json")
    elif text is not None:
        content = text.encode("utf-8")
        headers.setdefault("Content-Type", content_type or "text/html; charset=utf-8")
    else:
        content = b""
    answer = requests.Response()
    answer.status_code = status
    answer.reason = http.client.responses.get(status, "")
    answer.headers = CaseInsensitiveDict(headers)
    answer.raw = io.BytesIO(content)
    answer.encoding = requests.utils.get_encoding_from_headers(answer.headers)
    answer.url = BASE + "/api/v1/"
    return answer


def page(results, number=1, total=1, next_url="auto", base=BASE + "/api/v1/integrations/"):
    """One page of a list answer, with the keys the server sends, in their order."""
    if next_url == "auto":
        next_url = "%s?page=%d&perpage=100" % (base, number + 1) if number < total else None
    return {
        "count": len(results) if total == 1 else 100 * (total - 1) + len(results),
        "next": next_url,
        "previous": None if number == 1 else "%s?page=%d&perpage=100" % (base, number - 1),
        "results": results,
        "page_size": 100,
        "current_page_number": number,
        "total_pages": total,
    }


def paged_server(items, per_page=100, next_base=BASE + "/api/v1/integrations/"):
    """A responder for FakeSession that pages ``items`` like the OnCall paginator: a page past the end answers the last page.

    The pages are cut at each request, so a test may change ``items`` while a listing runs.
    """
    def responder(call):
        assert call.url == BASE + "/api/v1/integrations/", "requested %s" % call.url
        total = max(1, -(-len(items) // per_page))
        number = min(int((call.params or {}).get("page", 1)), total)
        chunk = items[(number - 1) * per_page:number * per_page]
        next_url = "%s?page=%d&perpage=%d" % (next_base, number + 1, per_page) if number < total else None
        return response(200, {"count": len(items), "next": next_url, "previous": None, "results": chunk,
                              "page_size": per_page, "current_page_number": number, "total_pages": total})
    return responder


# ------------------------------------------------------------------ transport errors, made by requests and urllib3


class _FailingPool:
    """Stands for urllib3's HTTPConnectionPool: its ``urlopen`` fails as the real one does when the socket fails."""

    def __init__(self, socket_failure):
        self.socket_failure = socket_failure
        self.proxy = None

    def __str__(self):
        return "HTTPSConnectionPool(host='oncall.example.com', port=443)"

    def urlopen(self, method, url, retries=None, **kwargs):
        # The error handling of HTTPConnectionPool.urlopen (urllib3 2.x), for a connection without a proxy.
        try:
            self.socket_failure(self, url)
        except (TimeoutError, http.client.HTTPException, OSError, ProtocolError, ssl.SSLError, Urllib3SSLError,
                urllib3.exceptions.TimeoutError) as exc:
            new_e = exc
            if isinstance(exc, ssl.SSLError):
                new_e = Urllib3SSLError(exc)
            elif isinstance(new_e, (OSError, http.client.HTTPException)):
                new_e = ProtocolError("Connection aborted.", new_e)
            retries.increment(method, url, error=new_e, _pool=self, _stacktrace=sys.exc_info()[2])
        raise AssertionError("the socket failure did not fail")


def _requests_error(socket_failure, method="GET"):
    """The exception ``requests.Session.request`` raises when the socket fails with ``socket_failure``."""
    adapter = requests.adapters.HTTPAdapter()
    pool = _FailingPool(socket_failure)
    adapter.get_connection_with_tls_context = lambda request, verify, proxies=None, cert=None: pool
    prepared = requests.Request(method, "http://oncall.example.com/api/v1/integrations/").prepare()
    try:
        adapter.send(prepared, timeout=30)
    except requests.exceptions.RequestException as exc:
        return exc
    raise AssertionError("HTTPAdapter.send did not fail")


def _connection(pool):
    return HTTPConnection("oncall.example.com", 443)


def _reset(pool, url):
    raise ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")


def _remote_disconnected(pool, url):
    raise http.client.RemoteDisconnected("Remote end closed connection without response")


def _read_timeout(pool, url):
    try:
        raise socket.timeout("timed out")
    except socket.timeout as exc:
        raise urllib3.exceptions.ReadTimeoutError(pool, url, "Read timed out. (read timeout=30)") from exc


def _refused(pool, url):
    conn = _connection(pool)
    try:
        raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    except OSError as exc:
        raise urllib3.exceptions.NewConnectionError(conn, "Failed to establish a new connection: %s" % exc) from exc


def _unresolved(pool, url):
    conn = _connection(pool)
    try:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    except socket.gaierror as exc:
        raise urllib3.exceptions.NameResolutionError("oncall.example.com", conn, exc) from exc


def _connect_timeout(pool, url):
    conn = _connection(pool)
    try:
        raise socket.timeout("timed out")
    except socket.timeout as exc:
        raise urllib3.exceptions.ConnectTimeoutError(conn, "Connection to oncall.example.com timed out. (connect timeout=30)") from exc


def _bad_certificate(pool, url):
    raise ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)")


def _plain_http_port(pool, url):
    # What OpenSSL raises when the other side answers the TLS hello in plain HTTP.
    raise ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)")


SOCKET_FAILURES = {
    "reset": _reset,
    "remote_disconnected": _remote_disconnected,
    "read_timeout": _read_timeout,
    "refused": _refused,
    "unresolved": _unresolved,
    "connect_timeout": _connect_timeout,
    "bad_certificate": _bad_certificate,
    "plain_http_port": _plain_http_port,
}


def transport_error(kind, method="GET"):
    """A fresh requests exception of the given kind (a key of SOCKET_FAILURES)."""
    return _requests_error(SOCKET_FAILURES[kind], method)


# ------------------------------------------------------------------ the fake session


_SESSION_REQUEST = inspect.signature(requests.Session.request)


class Call:
    """One request as the client sent it; params and json are copied at send time."""

    def __init__(self, method, url, kwargs, headers):
        self.method = method
        self.url = url
        self.params = copy.deepcopy(kwargs.get("params"))
        self.json = copy.deepcopy(kwargs.get("json"))
        self.timeout = kwargs.get("timeout")
        self.allow_redirects = kwargs.get("allow_redirects", True)
        self.kwargs = dict(kwargs)
        self.headers = CaseInsensitiveDict(headers)

    def __repr__(self):
        return "Call(%s %s params=%r json=%r)" % (self.method, self.url, self.params, self.json)


class FakeSession:
    """Stands for ``requests.Session``: answers each request with the next scripted answer (a response or an exception).

    ``responder(call)`` may answer instead of a script. ``events`` records "close" and "request" in order.
    """

    def __init__(self, *answers, responder=None):
        self.headers = CaseInsensitiveDict({"User-Agent": "python-requests/x", "Accept": "*/*"})
        self.verify = True
        self.answers = list(answers)
        self.responder = responder
        self.calls = []
        self.events = []

    def request(self, method, url, **kwargs):
        _SESSION_REQUEST.bind(self, method, url, **kwargs)  # the real signature: an unknown keyword fails here
        call = Call(method, url, kwargs, self.headers)
        self.calls.append(call)
        self.events.append("request")
        if self.responder is not None:
            answer = self.responder(call)
        else:
            assert self.answers, "unexpected request: %r" % call
            answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def close(self):
        self.events.append("close")


class SleepRecorder:
    """Stands for ``time.sleep``: records the waits, never waits."""

    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


class Harness:
    """A client wired to a fake session, a sleep recorder (or the given ``sleep``) and an on_retry recorder."""

    def __init__(self, *answers, responder=None, sleep=None, **options):
        self.session = FakeSession(*answers, responder=responder)
        self.sleep = SleepRecorder() if sleep is None else sleep
        self.retry_messages = []
        options.setdefault("url", BASE)
        options.setdefault("token", TOKEN)
        self.client = OnCallClient(session=self.session, sleep=self.sleep, on_retry=self.retry_messages.append, **options)

    @property
    def calls(self):
        return self.session.calls


def ansible_params(argument_spec, **given):
    """The params Ansible would hand the module for a task setting ``given``: defaults and unset sub-options filled in."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    result = ArgumentSpecValidator(argument_spec).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def answer_500_after_posts(client):
    """Replace the answer to every POST, which the server has applied, by Django's 500 page (a crash after the commit).

    The emulator's status faults answer without running the request, so this case is made at the transport.
    """
    def hook(answer, *args, **kwargs):
        return response(500, text=DJANGO_500) if answer.request.method == "POST" else answer
    client.session.hooks["response"].append(hook)
    return client

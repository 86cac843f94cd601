# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test doubles for the unit tests: HTTP-level fakes for the client, and a client and module fake for the resources.

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

BASE = "https://oncall.example.com"
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
    """One page of a list answer, with the keys of contract section 3 in their order."""
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


SOCKET_FAILURES = {
    "reset": _reset,
    "remote_disconnected": _remote_disconnected,
    "read_timeout": _read_timeout,
    "refused": _refused,
    "unresolved": _unresolved,
    "connect_timeout": _connect_timeout,
    "bad_certificate": _bad_certificate,
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


# ------------------------------------------------------------------ integrations as the OSS server shows them

OSS_TEMPLATE_CHANNELS = {
    "slack": ("title", "message", "image_url"),
    "web": ("title", "message", "image_url"),
    "sms": ("title",),
    "phone_call": ("title",),
    "telegram": ("title", "message", "image_url"),
    "mobile_app": ("title", "message"),
    "email": ("title", "message"),
    "webhook": ("title", "message", "image_url"),
}
CLOUD_TEMPLATE_CHANNELS = dict(OSS_TEMPLATE_CHANNELS, msteams=("title", "message", "image_url"))
OSS_ROUTE_BACKENDS = ("mobile_app", "mobile_app_critical", "email", "webhook")
CLOUD_ROUTE_BACKENDS = OSS_ROUTE_BACKENDS + ("msteams",)


def _merge(current, changes):
    """How the server merges a partial write of templates and default route (written here, not taken from diff.py)."""
    merged = copy.deepcopy(current)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def integration(ident, name, kind="webhook", team_id=None, templates=None, default_route=None,
                channels=None, route_backends=OSS_ROUTE_BACKENDS, description_short=None):
    """An integration as GET shows it (key order of the real engine); ``templates``/``default_route`` merge into the defaults."""
    channels = OSS_TEMPLATE_CHANNELS if channels is None else channels
    base_templates = {"grouping_key": None, "resolve_signal": None, "acknowledge_signal": None, "source_link": None}
    base_templates.update({channel: dict.fromkeys(fields) for channel, fields in channels.items()})
    route = {"id": "R" + ident[1:], "escalation_chain_id": None,
             "slack": {"channel_id": None, "enabled": True}, "telegram": {"id": None, "enabled": False}}
    route.update({backend: {"id": None, "enabled": False} for backend in route_backends})
    return {
        "maintenance_mode": None, "maintenance_started_at": None, "maintenance_end_at": None,
        "id": ident,
        "name": name,
        "description_short": description_short,
        "team_id": team_id,
        "link": "https://oncall.example.com/integrations/v1/%s/S3cr3tL1nkT0k3n%s/" % (kind, ident),
        "inbound_email": None,
        "type": kind,
        "templates": _merge(base_templates, templates or {}),
        "heartbeat": {"link": "https://oncall.example.com/integrations/v1/%s/S3cr3tL1nkT0k3n%s/heartbeat/" % (kind, ident)},
        "default_route": _merge(route, default_route or {}),
    }


# ------------------------------------------------------------------ the fake client and module for the resource layer


class FakeClient:
    """Stands for OnCallClient in resource tests: an in-memory integrations endpoint that records every call.

    ``calls`` holds ``(method, path, params_or_body)``. ``fail`` maps a method to a list of
    ``(exception, applied)`` pairs consumed one per call: the exception is raised after the write is applied
    when ``applied`` is true (the answer was lost), before it otherwise.
    """

    path = "integrations/"

    def __init__(self, integrations=(), channels=None, route_backends=OSS_ROUTE_BACKENDS):
        self.store = [copy.deepcopy(item) for item in integrations]
        self.channels = OSS_TEMPLATE_CHANNELS if channels is None else channels
        self.route_backends = route_backends
        self.calls = []
        self.fail = {}
        self._next_id = 1

    # what was sent
    def writes(self):
        return [call for call in self.calls if call[0] in ("POST", "PUT", "DELETE")]

    def _failure(self, method):
        queue = self.fail.get(method) or []
        return queue.pop(0) if queue else (None, False)

    def _by_path(self, path):
        ident = path[len(self.path):].strip("/")
        for item in self.store:
            if item["id"] == ident:
                return item
        return None

    # the OnCallClient interface the resources use
    def get(self, path, params=None):
        self.calls.append(("GET", path, copy.deepcopy(params)))
        items = copy.deepcopy(self.store)
        perpage = int((params or {}).get("perpage", 50))
        return page(items[:perpage], total=1 if len(items) <= perpage else 2)

    def get_or_none(self, path):
        self.calls.append(("GET", path, None))
        found = self._by_path(path)
        return copy.deepcopy(found)

    def list_all(self, path, params=None):
        self.calls.append(("LIST", path, copy.deepcopy(params)))
        params = params or {}
        assert set(params) <= {"name"}, "the fake server only knows the name filter, got %r" % params
        return [copy.deepcopy(item) for item in self.store if "name" not in params or item["name"] == params["name"]]

    def post(self, path, body):
        self.calls.append(("POST", path, copy.deepcopy(body)))
        exc, applied = self._failure("POST")
        if exc is not None and not applied:
            raise exc
        ident = "CNEW%09d" % self._next_id
        self._next_id += 1
        created = integration(ident, body.get("name"), kind=body["type"], team_id=body.get("team_id"),
                              description_short=body.get("description_short"), channels=self.channels,
                              route_backends=self.route_backends)
        # Unknown template channels and route backends are silently ignored, as on the real server.
        created["templates"] = _merge(created["templates"], {k: v for k, v in (body.get("templates") or {}).items() if k in created["templates"]})
        created["default_route"] = _merge(created["default_route"],
                                          {k: v for k, v in (body.get("default_route") or {}).items() if k in created["default_route"]})
        self.store.append(created)
        if exc is not None:
            raise exc
        return copy.deepcopy(created)

    def put(self, path, body):
        self.calls.append(("PUT", path, copy.deepcopy(body)))
        exc, applied = self._failure("PUT")
        if exc is not None and not applied:
            raise exc
        item = self._by_path(path)
        assert item is not None, "PUT on a missing integration %s" % path
        item.update(_merge(item, {k: v for k, v in body.items() if k != "type"}))
        if exc is not None:
            raise exc
        return copy.deepcopy(item)

    def delete(self, path):
        self.calls.append(("DELETE", path, None))
        error, dummy = self._failure("DELETE")
        if error is not None:
            raise error
        item = self._by_path(path)
        if item is None:
            return False
        self.store.remove(item)
        return True


class FakeModule:
    """Stands for AnsibleModule: params, check_mode, _diff and warn()."""

    def __init__(self, params, check_mode=False, diff=True):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


def ansible_params(argument_spec, **given):
    """The params Ansible would hand the module for a task setting ``given``: defaults and unset sub-options filled in."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    result = ArgumentSpecValidator(argument_spec).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters

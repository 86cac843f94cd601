# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: rules that make the next matching requests fail the way real servers and networks do.

A rule names a method ("*" for any), a regular expression searched in the request path, how many
matching requests it answers (`count`) and a kind:

* "status": answer at once with 429 (DRF's throttled answer) or a 5xx page, without running the request;
* "delay": sleep `seconds`, then run the request normally (a client with a shorter timeout has gone by then);
* "reset_before": close the connection abruptly (RST) without running the request or answering;
* "reset_after": run the request (the change is made), then close the connection abruptly without answering.

Rules are tried in the order they were added; the first whose method and path match takes the request
and uses up one of its `count`. A rule whose count is used up is dropped.
"""

from __future__ import annotations

import itertools
import re
import socket
import struct
import threading

from drf import ApiError

FAULT_KINDS = ("status", "delay", "reset_before", "reset_after")
FAULT_STATUSES = (400, 429, 500, 502, 503, 504)
# "echo": a JSON error quoting the request's headers and body back, as careless servers and proxies do;
# tests use it to prove that no secret the client sent ever reaches the user's output.
FAULT_BODIES = ("html", "plain", "echo")
_OPTIONS = {
    "status": ("status", "retry_after", "body"),
    "delay": ("seconds",),
    "reset_before": (),
    "reset_after": (),
}
_COMMON = ("method", "path", "count", "kind")
# What a reverse proxy (nginx) in front of the engine sends when the engine is down or slow.
_PROXY_PAGE = "<html>\r\n<head><title>%(status)d %(reason)s</title></head>\r\n<body>\r\n<center><h1>%(status)d %(reason)s</h1></center>\r\n" \
              "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
REASONS = {400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
# WSGI environ key the application sets to ask the server's request handler to reset the connection.
ABORT_KEY = "emulator.abort"


def proxy_page(status):
    return _PROXY_PAGE % {"status": status, "reason": REASONS[status]}


class ConnectionAbortedByFault(ConnectionError):
    """Raised by the application to drop the connection; Werkzeug treats it as a dropped connection."""


def abort_connection(environ):
    """Make the connection end with a TCP reset and stop handling the request, without an answer.

    SO_LINGER with a zero timeout makes close() send RST instead of FIN; the request handler closes the
    socket when it sees ABORT_KEY (see server._Handler).
    """
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass  # already gone: nothing left to reset
    environ[ABORT_KEY] = True
    raise ConnectionAbortedByFault("connection reset by a fault rule")


def _error(field, message):
    return ApiError(400, {field: [message]})


def _number(body, name, required):
    value = body.get(name)
    if value is None:
        if required:
            raise _error(name, "This field is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise _error(name, "Expected a number of seconds, 0 or more.")
    return value


def _status_options(body):
    status = body.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or status not in FAULT_STATUSES:
        raise _error("status", "Expected one of %s." % ", ".join(str(s) for s in FAULT_STATUSES))
    options = {"status": status}
    if status == 429:
        if "body" in body:
            raise _error("body", "A 429 always has DRF's JSON body.")
        retry_after = _number(body, "retry_after", required=False)
        if retry_after is not None:
            options["retry_after"] = retry_after
        return options
    if "retry_after" in body:
        raise _error("retry_after", "Only a 429 has a Retry-After.")
    options["body"] = body.get("body", "html")
    if not isinstance(options["body"], str) or options["body"] not in FAULT_BODIES:
        raise _error("body", "Expected one of %s." % ", ".join(FAULT_BODIES))
    return options


class FaultRule:
    """One validated rule and how many more requests it will take."""

    def __init__(self, rule_id, body):
        kind = body.get("kind")
        if not isinstance(kind, str) or kind not in FAULT_KINDS:
            raise _error("kind", "Expected one of %s." % ", ".join(FAULT_KINDS))
        unknown = sorted(set(body) - set(_COMMON) - set(_OPTIONS[kind]))
        if unknown:
            raise _error(unknown[0], "Unknown option for a %s fault." % kind)
        method = body.get("method", "*")
        if not isinstance(method, str) or not method:
            raise _error("method", "Expected an HTTP method or *.")
        path = body.get("path", "")
        if not isinstance(path, str):
            raise _error("path", "Expected a regular expression.")
        try:
            self.pattern = re.compile(path)
        except re.error as error:
            raise _error("path", "Not a valid regular expression: %s." % error) from None
        count = body.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise _error("count", "Expected a whole number, 1 or more.")
        self.id = rule_id
        self.method = method.upper()
        self.count = count
        self.remaining = count
        self.kind = kind
        self.options = _status_options(body) if kind == "status" else {}
        if kind == "delay":
            self.options["seconds"] = _number(body, "seconds", required=True)

    def matches(self, request):
        return self.method in ("*", request.method) and self.pattern.search(request.path) is not None

    def describe(self):
        result = {"id": self.id, "method": self.method, "path": self.pattern.pattern, "kind": self.kind, "count": self.count, "remaining": self.remaining}
        result.update(self.options)
        return result


class FaultPlan:
    """The active fault rules, consulted before each /api/v1 request is dispatched."""

    def __init__(self):
        self.rules = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, body):
        """Validate and append a rule (ApiError 400 when invalid); returns its description."""
        if not isinstance(body, dict):
            raise ApiError(400, {"non_field_errors": ["Expected a JSON object."]})
        with self._lock:
            rule = FaultRule(next(self._ids), body)
            self.rules.append(rule)
            return rule.describe()

    def take(self, request):
        """The first rule that matches this request, with one use taken from it; None when none matches."""
        with self._lock:
            for rule in self.rules:
                if rule.matches(request):
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self.rules.remove(rule)
                    return rule
        return None

    def describe(self):
        with self._lock:
            return [rule.describe() for rule in self.rules]

    def clear(self):
        with self._lock:
            self.rules.clear()

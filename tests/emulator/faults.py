# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: rules that make the next matching requests fail the way real servers and networks do.

A rule names a method ("*" for any), a regular expression searched in the request path, optionally one
searched in the query string (to pick one page of a listing), how many matching requests it answers
(`count`) and a kind:

* "status": answer at once with 429 (DRF's throttled answer) or a 5xx page, without running the request;
* "delay": sleep `seconds`, then run the request normally (a client with a shorter timeout has gone by then);
* "reset_before": close the connection abruptly (RST) without running the request or answering;
* "reset_after": run the request (the change is made), then close the connection abruptly without answering;
* "hold": keep the matching requests waiting until all `count` have arrived (or `seconds` have passed),
  then run them one after the other in arrival order, so that tests can make concurrent clients race.

Rules are tried in the order they were added; the first whose method and path match takes the request
and uses up one of its `count`. A rule whose count is used up is dropped.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import socket
import struct
import threading
import time

from drf import ApiError

FAULT_KINDS = ("status", "delay", "reset_before", "reset_after", "hold")
FAULT_STATUSES = (400, 429, 500, 502, 503, 504)
# "echo": a JSON error quoting the request's headers and body back, as careless servers and proxies do;
# tests use it to prove that no secret the client sent ever reaches the user's output.
FAULT_BODIES = ("html", "plain", "echo")
_OPTIONS = {
    "status": ("status", "retry_after", "body"),
    "delay": ("seconds",),
    "reset_before": (),
    "reset_after": (),
    "hold": ("seconds",),
}
# A hold gives up waiting for the others after `seconds` (capped), so a test whose second client never comes still ends.
HOLD_DEFAULT_SECONDS = 10
HOLD_MAX_SECONDS = 60
_COMMON = ("method", "path", "query", "count", "kind")
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


def _regex(body, name):
    """The rule's regular expression `name` (path, query), compiled; None when the rule has none."""
    if name not in body:
        return None
    text = body[name]
    if not isinstance(text, str):
        raise _error(name, "Expected a regular expression.")
    try:
        return re.compile(text)
    except re.error as error:
        raise _error(name, "Not a valid regular expression: %s." % error) from None


def _hold_seconds(body):
    seconds = _number(body, "seconds", required=False)
    if seconds is None:
        return HOLD_DEFAULT_SECONDS
    if not 0 < seconds <= HOLD_MAX_SECONDS:
        raise _error("seconds", "Expected a number of seconds, more than 0 and at most %d." % HOLD_MAX_SECONDS)
    return seconds


class HoldGate:
    """Where the requests of a "hold" rule wait for each other, then go through one at a time.

    Each request comes with its arrival number (1, 2, ... in the order the rule took them). The gate opens
    when all `count` have arrived, when `seconds` have passed since the first one did, or when the rule is
    cleared; it then stays open. Past the gate, a request waits until every earlier arrival is done, so
    the order in which the state changes is the arrival order, not whatever the thread scheduler picks.
    """

    def __init__(self, count, seconds):
        self.count = count
        self.seconds = seconds
        self._cond = threading.Condition()
        self._arrived = 0
        self._deadline = None
        self._released = None  # why the gate opened: "all", "timeout" or "cleared"
        self._turn = 1  # the arrival number allowed to run now

    @contextlib.contextmanager
    def turn(self, arrival):
        """Wait for the gate, then for the earlier arrivals; yields why the gate opened."""
        with self._cond:
            self._wait_for_gate()
            while self._turn != arrival:
                self._cond.wait()
            released = self._released
        try:
            yield released
        finally:
            # Also after an error, or the later arrivals would wait for ever.
            with self._cond:
                self._turn += 1
                self._cond.notify_all()

    def _wait_for_gate(self):
        self._arrived += 1
        if self._deadline is None:
            self._deadline = time.monotonic() + self.seconds
        if self._arrived >= self.count:
            self._open("all")
        while self._released is None:
            left = self._deadline - time.monotonic()
            if left <= 0:
                self._open("timeout")
            else:
                self._cond.wait(left)

    def _open(self, reason):
        if self._released is None:
            self._released = reason
        self._cond.notify_all()

    def release(self):
        """Let everything held go now (the rule was cleared)."""
        with self._cond:
            self._open("cleared")


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
        self.pattern = _regex(body, "path") or re.compile("")
        self.query = _regex(body, "query")
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
        self.gate = None
        if kind == "hold":
            self.options["seconds"] = _hold_seconds(body)
            self.gate = HoldGate(count, self.options["seconds"])

    def matches(self, request):
        return (self.method in ("*", request.method) and self.pattern.search(request.path) is not None
                and (self.query is None or self.query.search(request.query_string.decode("latin-1")) is not None))

    def describe(self):
        result = {"id": self.id, "method": self.method, "path": self.pattern.pattern, "kind": self.kind, "count": self.count, "remaining": self.remaining}
        if self.query is not None:
            result["query"] = self.query.pattern
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
        """(rule, use): the first rule that matches this request, with one use taken from it, and which use
        this is (1 for the first request it took); (None, 0) when none matches."""
        with self._lock:
            for rule in self.rules:
                if rule.matches(request):
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self.rules.remove(rule)
                    return rule, rule.count - rule.remaining
        return None, 0

    def give_back(self, rule):
        """Undo one take() of `rule`: the request it took did not count (the recording proxy's server refused it with
        its own 429). A used-up rule goes back to its place among the others, which keep the order they were added in."""
        with self._lock:
            rule.remaining += 1
            if rule not in self.rules:
                self.rules.insert(sum(1 for other in self.rules if other.id < rule.id), rule)

    def describe(self):
        with self._lock:
            return [rule.describe() for rule in self.rules]

    def clear(self):
        with self._lock:
            for rule in self.rules:
                if rule.gate is not None:
                    rule.gate.release()  # nothing else will come to open it
            self.rules.clear()

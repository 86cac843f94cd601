# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A recording HTTP proxy: what the playbook tests count and check requests with, on any OnCall server.

The playbooks get the proxy's URL; it forwards each request to the server under test (the emulator or a real
OnCall, http or https) and keeps, in order, each request's method, path, query, JSON body and answer status, in
the shape of the emulator's own request log (its entries are made by the emulator's own functions), so the same
budgets and exact-body checks hold on every server.

The proxying is standard library only, on loopback only. Each request goes upstream on a fresh connection (a self-hosted engine
closes connections without saying so). What the client sees mirrors the server: its status, headers and body;
"Connection: close" when the server said so; and a reset (RST, no answer) when the server reset the connection
or never answered, logged with status "reset".

It also injects faults, with the emulator's own rules (tests/emulator/faults.py: ``proxy.faults.add(...)``), so the
fault tests run against any server: a "status" rule answers in the server's place with the emulator's canned answer
(a 429 without the Allow header, the proxy knowing no views), "delay" waits before forwarding, "reset_before" resets
without forwarding, "reset_after" forwards (the change is made) then resets, and "hold" forwards the held requests
one at a time in arrival order. Its log then says which rule took a request, in the emulator's keys (fault, applied,
arrival, released, delay, answer). When the server refuses a request a rule forwarded with its own 429 (a real server's
rate limit), the client gets that answer, the log a plain entry, and the rule its use back, for the client's next try.

Another process (the benchmark's Ansible callback) reads the log at ``<proxy url>/__proxy__/requests`` (GET: the log
as the emulator's ``/__emulator__/requests`` gives its own; DELETE: empty it); that path is never forwarded.
"""

from __future__ import annotations

import http.client
import http.server
import json
import socket
import ssl
import struct
import threading
import time
from urllib.parse import parse_qsl, urlsplit

from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

# The emulator's own log shape, fault rules and canned fault answers (tests/emulator is on sys.path).
from app import body_for_log, fault_response, query_for_log  # pylint: disable=import-error
from faults import FaultPlan  # pylint: disable=import-error

# Headers that describe one connection, not the message: never forwarded either way. Host is the upstream's own
# (http.client sets it) and Content-Length is recomputed from the body actually sent.
_HOP_BY_HOP = frozenset(("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                         "trailers", "transfer-encoding", "upgrade", "host", "content-length"))


LOG_PATH = "/__proxy__/requests"


class RecordingProxy:
    """A threaded proxy on 127.0.0.1 in front of ``upstream`` (a base URL, with or without a path prefix)."""

    def __init__(self, upstream, host="127.0.0.1", port=0, timeout=300, ssl_context=None):
        parts = urlsplit(upstream.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the proxy needs an http:// or https:// upstream URL, not %r" % upstream)
        self.upstream = upstream.rstrip("/")
        self._https = parts.scheme == "https"
        self._address = (parts.hostname, parts.port or (443 if self._https else 80))
        self._prefix = parts.path
        self._timeout = timeout
        self._ssl_context = ssl_context or (ssl.create_default_context() if self._https else None)
        self._entries = []
        self._lock = threading.Lock()
        self.faults = FaultPlan()
        self._server = _Server((host, port), _Handler)
        self._server.proxy = self
        self.url = "http://%s:%d" % (host, self._server.server_port)
        self.log_url = self.url + LOG_PATH
        self._thread = None

    # -- the log
    def log(self):
        """Every request forwarded since the last clear(), oldest first (copies)."""
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def clear(self):
        with self._lock:
            del self._entries[:]

    def _record(self, method, target, raw_body, status, fault=None):
        parts = urlsplit(target)
        entry = {"method": method, "path": parts.path, "query": query_for_log(MultiDict(parse_qsl(parts.query, keep_blank_values=True))),
                 "body": body_for_log(raw_body),
                 "status": status}
        entry.update(fault or {})
        with self._lock:
            self._entries.append(entry)

    # -- forwarding
    def _connection(self):
        if self._https:
            return http.client.HTTPSConnection(*self._address, timeout=self._timeout, context=self._ssl_context)
        return http.client.HTTPConnection(*self._address, timeout=self._timeout)

    def answer(self, method, target, headers, body):
        """(status, reason, headers, body, close after it) for the client; None to reset its connection instead.

        The first fault rule that matches the request decides what happens to it; without one it is forwarded.
        """
        parts = urlsplit(target)
        request = Request(EnvironBuilder(method=method, path=parts.path, query_string=parts.query, headers=headers, data=body).get_environ())
        rule, use = self.faults.take(request)
        if rule is None:
            answer = self._forward(method, target, headers, body)
            self._record(method, target, body, _status(answer))
            return answer
        if rule.kind == "hold":
            # Logged before the next held request may go, so the log shows them in the order they went.
            with rule.gate.turn(use) as released:
                answer = self._forward(method, target, headers, body)
                if not self._throttled(rule, method, target, body, answer):
                    self._record(method, target, body, _status(answer), {"fault": rule.kind, "applied": True, "arrival": use, "released": released})
                return answer
        if rule.kind == "status":
            response = fault_response(request, rule)
            self._record(method, target, body, response.status_code, {"fault": rule.kind, "applied": False})
            return response.status_code, None, list(response.headers.items()), response.get_data(), False
        if rule.kind == "delay":
            time.sleep(rule.options["seconds"])  # the client may have given up by now; the request still goes
            answer = self._forward(method, target, headers, body)
            if not self._throttled(rule, method, target, body, answer):
                self._record(method, target, body, _status(answer), {"fault": rule.kind, "applied": True, "delay": rule.options["seconds"]})
            return answer
        if rule.kind == "reset_before":
            self._record(method, target, body, "reset", {"fault": rule.kind, "applied": False})
            return None
        # reset_after: the server makes the change, its answer is lost
        answer = self._forward(method, target, headers, body)
        if self._throttled(rule, method, target, body, answer):
            return answer
        self._record(method, target, body, "reset", {"fault": rule.kind, "applied": answer is not None, "answer": _status(answer)})
        return None

    def _throttled(self, rule, method, target, body, answer):
        """Whether the server refused a request the rule forwarded with its own 429 (a real server's rate limit).

        That answer goes to the client as it is, logged as a plain entry, and the rule gets its use back, so that it
        acts on the client's next try, one the server runs (the proxy never sends a request again itself: the client
        may have given up and sent its own by then). A hold's use is not given back: its gate has opened.
        """
        if answer is None or answer[0] != 429:
            return False
        self._record(method, target, body, 429)
        if rule.gate is None:
            self.faults.give_back(rule)
        return True

    def _forward(self, method, target, headers, body):
        """(status, reason, headers, body, upstream said close) of the upstream's answer; None when it gave none."""
        connection = self._connection()
        try:
            connection.request(method, self._prefix + target, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            return None
        finally:
            connection.close()
        said_close = "close" in (response.getheader("Connection") or "").lower()
        return response.status, response.reason, response.getheaders(), data, said_close

    # -- life cycle
    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="recording-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def refused_by_server(entry):
    """Whether a log entry is the server's own 429 (its rate limit), not one a fault rule made: request budgets count
    what the server answered, so they leave these out (the client waits and asks again)."""
    return entry["status"] == 429 and entry.get("fault") != "status"


def _status(answer):
    """The status an answer is logged with: the server's, or "reset" when it gave none."""
    return answer[0] if answer is not None else "reset"


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    proxy = None

    def handle_error(self, request, client_address):
        pass  # a client that went away (it timed out, or we reset it): nothing to report


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the client's connection open unless the server closed its own
    _reset = False

    def _relay(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if urlsplit(self.path).path == LOG_PATH:
            self._serve_log()
            return
        headers = {key: value for key, value in self.headers.items() if key.lower() not in _HOP_BY_HOP}
        answer = self.server.proxy.answer(self.command, self.path, headers, body)
        if answer is None:
            # The server reset the connection or never answered: so does the proxy (RST, no answer).
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self._reset = True
            return
        status, reason, upstream_headers, data, said_close = answer
        self.send_response_only(status, reason)
        length = str(len(data))
        for key, value in upstream_headers:
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
            elif key.lower() == "content-length" and self.command == "HEAD":
                length = value  # a HEAD answer has no body, but says how long the GET's would be
        self.send_header("Content-Length", length)
        if said_close:
            self.send_header("Connection", "close")  # also makes http.server close this connection after answering
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _relay

    def _serve_log(self):
        if self.command == "DELETE":
            self.server.proxy.clear()
            status, data = 204, b""
        elif self.command == "GET":
            status, data = 200, json.dumps({"requests": self.server.proxy.log()}).encode("utf-8")
        else:
            status, data = 405, b""
        self.send_response_only(status)
        self.send_header("Content-Length", str(len(data)))
        if data:
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def finish(self):
        super().finish()
        if self._reset:
            # Closing here, before socketserver's shutdown(SHUT_WR) would send a FIN, makes the kernel send RST.
            self.connection.close()

    def log_message(self, *args):
        pass  # the proxy keeps its own log

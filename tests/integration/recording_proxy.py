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
"""

from __future__ import annotations

import http.client
import http.server
import socket
import ssl
import struct
import threading
from urllib.parse import parse_qsl, urlsplit

from werkzeug.datastructures import MultiDict

from app import body_for_log, query_for_log  # the emulator's own log shape (tests/emulator is on sys.path)  # pylint: disable=import-error

# Headers that describe one connection, not the message: never forwarded either way. Host is the upstream's own
# (http.client sets it) and Content-Length is recomputed from the body actually sent.
_HOP_BY_HOP = frozenset(("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                         "trailers", "transfer-encoding", "upgrade", "host", "content-length"))


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
        self._server = _Server((host, port), _Handler)
        self._server.proxy = self
        self.url = "http://%s:%d" % (host, self._server.server_port)
        self._thread = None

    # -- the log
    def log(self):
        """Every request forwarded since the last clear(), oldest first (copies)."""
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def clear(self):
        with self._lock:
            del self._entries[:]

    def _record(self, method, target, raw_body, status):
        parts = urlsplit(target)
        entry = {"method": method, "path": parts.path, "query": query_for_log(MultiDict(parse_qsl(parts.query, keep_blank_values=True))),
                 "body": body_for_log(raw_body),
                 "status": status}
        with self._lock:
            self._entries.append(entry)

    # -- forwarding
    def _connection(self):
        if self._https:
            return http.client.HTTPSConnection(*self._address, timeout=self._timeout, context=self._ssl_context)
        return http.client.HTTPConnection(*self._address, timeout=self._timeout)

    def forward(self, method, target, headers, body):
        """(status, reason, headers, body, upstream said close) of the upstream's answer; None when it gave none."""
        connection = self._connection()
        try:
            connection.request(method, self._prefix + target, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self._record(method, target, body, "reset")
            return None
        finally:
            connection.close()
        self._record(method, target, body, response.status)
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


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    proxy = None

    def handle_error(self, request, client_address):
        pass  # a client that went away (it timed out, or we reset it): nothing to report


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the client's connection open unless the server closed its own
    _reset = False

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key: value for key, value in self.headers.items() if key.lower() not in _HOP_BY_HOP}
        answer = self.server.proxy.forward(self.command, self.path, headers, body)
        if answer is None:
            # The server reset the connection or never answered: so does the proxy (RST, no answer).
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self._reset = True
            return
        status, reason, upstream_headers, data, said_close = answer
        self.send_response_only(status, reason)
        for key, value in upstream_headers:
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        if said_close:
            self.send_header("Connection", "close")  # also makes http.server close this connection after answering
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward

    def finish(self):
        super().finish()
        if self._reset:
            # Closing here, before socketserver's shutdown(SHUT_WR) would send a FIN, makes the kernel send RST.
            self.connection.close()

    def log_message(self, *args):
        pass  # the proxy keeps its own log

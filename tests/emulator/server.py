# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local emulator of the Grafana OnCall public API (/api/v1/), for tests and demos.

Command line (kept stable, scripts depend on it):

    python tests/emulator/server.py --host 127.0.0.1 --port PORT --token TOKEN
        [--teams NAME,NAME] [--slack-channels NAME=ID,NAME=ID] [--rate-limit N/m]
        [--base-url URL] [--cloud] [--silent-close] [--tls-cert FILE --tls-key FILE]
        [--seed-integrations N] [--users NAME[:EMAIL],...] [--schedules NAME,...]
        [--user-groups HANDLE,...]

It prints "OnCall emulator listening on http://HOST:PORT" (https:// with TLS) once it accepts connections.
From Python: EmulatorServer(...).start() / .url / .state / .stop(), or use it as a context manager.
"""

from __future__ import annotations

import argparse
import os
import signal
import ssl
import sys
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from app import EmulatorApp  # noqa: E402 pylint: disable=wrong-import-position
from faults import ABORT_KEY  # noqa: E402 pylint: disable=wrong-import-position
import seeding  # noqa: E402 pylint: disable=wrong-import-position
from store import State  # noqa: E402 pylint: disable=wrong-import-position
from throttle import parse_rate  # noqa: E402 pylint: disable=wrong-import-position


class _Handler(WSGIRequestHandler):
    """Werkzeug's handler, able to close connections silently like uWSGI does.

    Werkzeug's server closes every connection after one answer and says so with "Connection: close".
    A self-hosted engine also closes, but without the header, so a client that pools connections only
    finds out when its next request on that connection fails (a reset, now and then).
    """

    _reset = False

    def handle(self):
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except OSError:  # ssl.SSLError and timeouts: a client that distrusts the certificate or speaks plain HTTP
                return
        super().handle()

    def run_wsgi(self):
        if getattr(self.server.app, "silent_close", False):
            # Werkzeug drains unread input after answering, and would swallow (and block on) the next
            # request a pooling client sends on this connection. Stop reading once the answer starts,
            # so the socket closes with that request unread and the client sees a reset, as in reality.
            self.rfile = _InputUntilAnswer(self.rfile)
        super().run_wsgi()
        if self.environ.get(ABORT_KEY):
            # A fault rule asked for a reset (faults.abort_connection set SO_LINGER 0): no answer, no FIN.
            self.close_connection = True
            self._reset = True

    def finish(self):
        super().finish()
        if self._reset:
            # Closing the socket here, before socketserver's shutdown(SHUT_WR) would send a FIN, makes the
            # kernel send RST; the later shutdown/close calls on the closed socket are harmless.
            self.connection.close()

    def send_header(self, keyword, value):
        if keyword.lower() == "connection" and isinstance(self.rfile, _InputUntilAnswer):
            self.close_connection = True  # what http.server would have derived from the header
            self.rfile.answering = True
            return
        super().send_header(keyword, value)

    def log_request(self, code="-", size="-"):
        pass  # the emulator keeps its own request log


class _InputUntilAnswer:
    """A request stream that reads as empty once the answer has started."""

    def __init__(self, stream):
        self._stream = stream
        self.answering = False

    def read(self, *args):
        return b"" if self.answering else self._stream.read(*args)

    def read1(self, *args):
        return b"" if self.answering else self._stream.read1(*args)

    def readline(self, *args):
        return b"" if self.answering else self._stream.readline(*args)

    def readinto(self, buffer):
        return 0 if self.answering else self._stream.readinto(buffer)

    def __getattr__(self, name):
        return getattr(self._stream, name)


class EmulatorServer:
    """A running emulator on a background thread."""

    def __init__(self, token, teams=None, slack_channels=None, rate_limit="300/m", host="127.0.0.1", port=0,
                 base_url=None, cloud=False, silent_close=False, tls_cert=None, tls_key=None, seed_integrations=0,
                 users=None, schedules=None, user_groups=None):
        """`users`: usernames or (username, e-mail) pairs; `schedules`: names (web schedules in UTC);
        `user_groups`: Slack handles, only with `slack_channels`. All three survive a reset, ids included."""
        parse_rate(rate_limit)  # fail early on a bad rate
        if bool(tls_cert) != bool(tls_key):
            raise ValueError("TLS needs both a certificate and a key file")
        self.host = host
        self.state = State(teams=teams or (), slack_channels=slack_channels, cloud=cloud, users=seeding.user_list(users),
                           schedules=seeding.schedule_list(schedules),
                           user_groups=seeding.user_group_list(user_groups, slack_channels is not None))
        if isinstance(seed_integrations, bool) or not isinstance(seed_integrations, int) or seed_integrations < 0:
            raise ValueError("seed_integrations must be a whole number, 0 or more")
        self.app = EmulatorApp(self.state, token, rate_limit, seed_integrations=seed_integrations)
        self.app.silent_close = self.app.startup_silent_close = silent_close
        # Werkzeug's ssl_context: a (certificate file, key file) pair; the key must not need a passphrase.
        ssl_context = (tls_cert, tls_key) if tls_cert else None
        self._server = make_server(host, port, self.app, threaded=True, request_handler=_Handler, ssl_context=ssl_context)
        if ssl_context:
            # Werkzeug's listening socket shakes hands inside accept(), on the serving thread, so one client that
            # connects and sends nothing would stall every other. Shake hands in the request's own thread instead.
            self._server.socket.do_handshake_on_connect = False
        self.port = self._server.server_port
        self.url = "%s://%s:%d" % ("https" if ssl_context else "http", host, self.port)
        self.state.base_url = (base_url or self.url).rstrip("/")
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self.serve_forever, name="oncall-emulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        # A short poll interval keeps stop() quick, which matters with one server per test.
        self._server.serve_forever(poll_interval=0.05)

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # Fault injection and connection behaviour, the same as the control endpoints (see faults.py).

    def add_fault(self, method="*", path="", count=1, kind="status", **options):
        """Add a fault rule, e.g. add_fault("POST", r"^/api/v1/integrations/?$", kind="status", status=502).

        Returns the rule as GET /__emulator__/faults lists it; drf.ApiError when the rule is invalid.
        """
        return self.app.faults.add(dict(options, method=method, path=path, count=count, kind=kind))

    def faults(self):
        """The active rules with their remaining counts."""
        return self.app.faults.describe()

    def clear_faults(self):
        self.app.faults.clear()

    def set_silent_close(self, silent):
        self.app.silent_close = bool(silent)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def _pairs(text):
    result = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, slack_id = item.partition("=")
        if not sep or not name or not slack_id:
            raise argparse.ArgumentTypeError("expected NAME=ID, got %r" % item)
        result[name] = slack_id
    return result


def _names(text):
    return [name.strip() for name in text.split(",") if name.strip()]


def _count(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError("expected a whole number, 0 or more, got %r" % text)
    return value


def _users(text):
    try:
        return seeding.parse_users(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _rate(text):
    try:
        parse_rate(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _parser():
    parser = argparse.ArgumentParser(description="Local emulator of the Grafana OnCall public API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", required=True, help="the only accepted Authorization value")
    parser.add_argument("--teams", type=_names, default=[], help="comma-separated team names")
    parser.add_argument("--slack-channels", type=_pairs, default=None,
                        help="NAME=ID,... ; without it Slack is not connected")
    parser.add_argument("--rate-limit", type=_rate, default="300/m", help="per-token rate, e.g. 300/m (DRF syntax)")
    parser.add_argument("--base-url", default=None, help="BASE_URL for next/previous/link (default: http://HOST:PORT)")
    parser.add_argument("--cloud", action="store_true", help="add Grafana Cloud's msteams messaging backend")
    parser.add_argument("--silent-close", action="store_true",
                        help="close connections without a Connection: close header, like a self-hosted engine")
    parser.add_argument("--tls-cert", metavar="FILE", default=None, help="serve HTTPS with this PEM certificate (chain); needs --tls-key")
    parser.add_argument("--tls-key", metavar="FILE", default=None, help="the PEM private key of --tls-cert")
    parser.add_argument("--seed-integrations", metavar="N", type=_count, default=0,
                        help="create N integrations (seed-00001, ...) at start and after each reset, for benchmarks")
    parser.add_argument("--users", metavar="NAME[:EMAIL],...", type=_users, default=[],
                        help="users of the organization (the first owns the token); e-mail defaults to NAME@example.com")
    parser.add_argument("--schedules", metavar="NAME,...", type=_names, default=[], help="web schedules (time zone UTC, no team)")
    parser.add_argument("--user-groups", metavar="HANDLE,...", type=_names, default=[],
                        help="user groups of the Slack workspace; needs --slack-channels")
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.user_groups and args.slack_channels is None:
        parser.error("--user-groups needs --slack-channels: user groups come from a connected Slack workspace")

    try:
        server = EmulatorServer(token=args.token, teams=args.teams, slack_channels=args.slack_channels, rate_limit=args.rate_limit,
                                host=args.host, port=args.port, base_url=args.base_url, cloud=args.cloud,
                                silent_close=args.silent_close, tls_cert=args.tls_cert, tls_key=args.tls_key,
                                seed_integrations=args.seed_integrations, users=args.users, schedules=args.schedules,
                                user_groups=args.user_groups)
    except ValueError as error:  # e.g. a user group handle given twice
        parser.error(str(error))
    except OSError as error:  # ssl.SSLError is one
        if not args.tls_cert:
            raise
        parser.error("cannot serve TLS with %s and %s: %s" % (args.tls_cert, args.tls_key, error))

    def _stop(_signum, _frame):
        # shutdown() waits for serve_forever to return, so it must run outside the serving thread.
        threading.Thread(target=server.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    print("OnCall emulator listening on %s" % server.url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._server.server_close()  # pylint: disable=protected-access
    return 0


if __name__ == "__main__":
    sys.exit(main())

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client of the collection: auth, TLS, timeouts, retries, pagination and errors.

It knows nothing about Ansible, so the same code can later serve lookup plugins.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import errno
import http.client
import math
import os
import random
import re
import socket
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit, urlunsplit

from ansible_collections.oncall.grafana.plugins.module_utils.errors import (
    OnCallAPIError,
    OnCallError,
    flatten_error_body,
    redact,
)
from ansible_collections.oncall.grafana.plugins.module_utils.version import COLLECTION_VERSION

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # the module reports it with missing_required_lib()
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

API_PREFIX = "/api/v1"
PAGE_SIZE = 100
# Pages of one listing asked at once (the max_concurrent_requests option): a real engine serves a few in parallel.
DEFAULT_MAX_CONCURRENT_REQUESTS = 4
# A page past the end returns the last page again, so a loop must have a hard stop besides `next`.
MAX_PAGES = 10000
# Methods whose repetition cannot create anything new: safe to re-send after a 5xx or a lost answer.
IDEMPOTENT_METHODS = frozenset(("GET", "PUT", "DELETE"))
BACKOFF_BASE = 1.0
# What OpenSSL says when the other side answers a TLS hello in plain HTTP.
_NOT_TLS = re.compile(r"wrong version number|WRONG_VERSION_NUMBER|unknown protocol|http request", re.IGNORECASE)
BACKOFF_CAP = 30.0


def normalize_base_url(url):
    """Return ``scheme://host[:port][/prefix]`` of an OnCall API URL, without ``/api/v1`` or a trailing slash.

    Users paste the URL from OnCall's settings page (``https://oncall-prod-....grafana.net/oncall``) or
    the full API root (``.../api/v1/``); both are accepted.
    """
    if not isinstance(url, str) or not url.strip():
        raise OnCallError("url is required: set the url option or the GRAFANA_ONCALL_URL environment variable")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OnCallError("url must be an http:// or https:// URL with a host, got %r" % url)
    if parts.query or parts.fragment:
        raise OnCallError("url must not carry a query or a fragment, got %r" % url)
    try:
        valid_port = parts.port is None or parts.port > 0
    except ValueError:  # urllib raises it for ports out of range or not numeric
        valid_port = False
    if not valid_port:
        raise OnCallError("url has an invalid port, got %r" % url)
    if not url.isascii() or any(char.isspace() for char in url.strip()):
        raise OnCallError("url must not contain spaces or non-ASCII characters, got %r" % url)
    path = parts.path.rstrip("/")
    if path.endswith(API_PREFIX):
        path = path[:-len(API_PREFIX)]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def strip_userinfo(url):
    """The URL without ``user:password@``, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[1], parts.path, parts.query, parts.fragment))


def retry_after_seconds(headers):
    """How long a 429 asks us to wait: ``Retry-After`` (seconds or HTTP date), then ``RateLimit-Reset``.

    Returns None when neither header is usable.
    """
    value = _seconds(headers.get("Retry-After"))
    if value is None:
        value = _http_date_delay(headers.get("Retry-After"))
    if value is None:
        value = _seconds(headers.get("RateLimit-Reset"))
    return value


def _seconds(value):
    """A header holding a number of seconds; None when absent or not a number. ``inf`` stays inf (too long)."""
    try:
        seconds = float(value.strip())
    except (AttributeError, ValueError):
        return None
    return None if math.isnan(seconds) else max(0.0, seconds)


def _http_date_delay(value):
    """Seconds until the HTTP date in a Retry-After header; None when it is no date."""
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (AttributeError, TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, when.timestamp() - time.time())


def backoff_delay(attempt, cap):
    """Exponential backoff with full jitter (attempt 1 waits up to 1 s, then 2, 4, ... up to ``cap``)."""
    return random.uniform(0, min(cap, BACKOFF_BASE * (2 ** (attempt - 1))))


def _exception_chain(exc):
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None)
    return seen


def classify_transport_error(exc):
    """Sort a requests exception into what it means for a retry.

    ``not_sent``: the connection was never made, so nothing reached the server (safe to re-send anything).
    ``refused`` and ``unresolved``: not sent either, because nothing listens there or the host name does not resolve;
    before the server has been reached once in the task that is a wrong URL, not a passing fault.
    ``proxy``: the HTTP(S) proxy could not be reached; not sent, and retried like ``not_sent``.
    ``reset``: the server dropped a connection before answering (real self-hosted engines close idle
    connections without saying so); the request may or may not have been applied.
    ``timeout``: no answer in time; the request may or may not have been applied.
    ``lost``: any other failure after the request left (a broken answer, for example); outcome unknown.
    ``tls``: certificate or TLS failure; retrying cannot help.
    ``invalid``: the request could not even be built (bad header or URL); retrying cannot help.
    """
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls"
    if isinstance(exc, (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return "invalid"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "not_sent"
    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout"
    if isinstance(exc, requests.exceptions.ProxyError):
        return "proxy"
    chain = _exception_chain(exc)
    if any(type(link).__name__ == "NameResolutionError" or isinstance(link, socket.gaierror) for link in chain):
        return "unresolved"
    if any(isinstance(link, ConnectionRefusedError) for link in chain):
        return "refused"
    if any(type(link).__name__ == "NewConnectionError" for link in chain):
        return "not_sent"
    for link in _exception_chain(exc):
        if isinstance(link, (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError)):
            return "reset"
        if isinstance(link, OSError) and link.errno in (errno.ECONNRESET, errno.EPIPE):
            return "reset"
    return "lost"


class _Stopped(Exception):
    """A page of a listing left unsent because the listing has ended (another page failed, or the walk is over)."""


class _ListingGate:
    """What the page requests of one concurrent listing share: a pause while a 429 is waited out, and a stop.

    A page answered 429 closes the gate for as long as it waits the time the server asked for; every other page
    sends nothing new until all such waits are over. The others wait on the gate, not on a clock of their own,
    so the server's wait is waited once, not once per page. From then on the pages go one at a time, as they
    would one after another: after its wait a rate limit frees a slot or two, not one per page in flight, and
    pages sent together would spend their retries refusing each other. Once the listing ends (a page failed, the pages
    left are not needed, or the caller was interrupted), pages still waiting, at the gate or out a wait of their
    own before a retry, give up without sending: the listing ends then, not when their waits would have.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._waits = 0  # pages waiting out a 429 now
        self._sending = 0  # requests sent and not yet answered
        self._one_at_a_time = False  # since a 429
        self.stopped = False
        self.failure = None  # the first page error, raised in the place of pages that were stopped because of it

    def _may_send(self):
        return not self._waits and not (self._one_at_a_time and self._sending)

    @contextlib.contextmanager
    def sending(self):
        """Around one request: enter when it may be sent (raise _Stopped when the listing has ended), leave once answered."""
        with self._cond:
            self._cond.wait_for(lambda: self.stopped or self._may_send())
            if self.stopped:
                raise _Stopped()
            self._sending += 1
        try:
            yield
        finally:
            with self._cond:
                self._sending -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def closed_if(self, rate_limited):
        """Keep the gate closed during the block when ``rate_limited``."""
        if not rate_limited:
            yield
            return
        with self._cond:
            self._waits += 1
            self._one_at_a_time = True
        try:
            yield
        finally:
            with self._cond:
                self._waits -= 1
                self._cond.notify_all()

    def pause(self, seconds, sleep=None):
        """Wait ``seconds`` before a retry, or less when the listing stops meanwhile. ``sleep``: a test's stand-in for
        the clock, which waits its own way."""
        if sleep is not None:
            sleep(seconds)
            return
        with self._cond:
            self._cond.wait_for(lambda: self.stopped, seconds)

    def stop(self, failure=None):
        with self._cond:
            self.stopped = True
            if self.failure is None:
                self.failure = failure
            self._cond.notify_all()


class OnCallClient:
    """A ``requests.Session`` bound to one OnCall API, with the collection's retry and error rules.

    One instance lives for one task. Paths are relative to ``<url>/api/v1/`` (``"integrations/"``).
    """

    def __init__(self, url, token, grafana_url=None, validate_certs=True, ca_path=None, timeout=30,
                 retries=5, max_retry_delay=120, on_retry=None, sleep=None, session=None,
                 max_concurrent_requests=DEFAULT_MAX_CONCURRENT_REQUESTS):
        if not token:
            raise OnCallError("token is required: set the token option or the GRAFANA_ONCALL_ACCESS_TOKEN environment variable")
        if not token.isascii():
            raise OnCallError("token contains non-ASCII characters (a pasted typographic quote?); OnCall tokens are plain ASCII")
        if any(char.isspace() or not char.isprintable() for char in token):
            # requests would refuse the header and quote it, escaped, in its error: fail here without showing it.
            raise OnCallError("token contains white space or control characters (a trailing newline from a file?); "
                              "strip it, for example with the trim filter")
        if timeout is None or timeout <= 0:
            raise OnCallError("timeout must be a positive number of seconds, got %r" % (timeout,))
        if retries is None or retries < 0:
            raise OnCallError("retries must be 0 or more, got %r" % (retries,))
        if max_retry_delay is None or max_retry_delay < 0:
            raise OnCallError("max_retry_delay must be 0 or more, got %r" % (max_retry_delay,))
        if isinstance(max_concurrent_requests, bool) or not isinstance(max_concurrent_requests, int) or max_concurrent_requests < 1:
            raise OnCallError("max_concurrent_requests must be 1 or more, got %r" % (max_concurrent_requests,))
        if grafana_url is not None and (not grafana_url.isascii() or any(char.isspace() for char in grafana_url)):
            raise OnCallError("grafana_url must be a plain URL without spaces or non-ASCII characters, got %r" % grafana_url)
        if validate_certs and ca_path and not os.path.isfile(ca_path):
            raise OnCallError("ca_path %s is not a readable file" % ca_path)
        self.base_url = normalize_base_url(url)
        self.shown_base_url = strip_userinfo(self.base_url)
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.max_retry_delay = float(max_retry_delay)
        self.max_concurrent_requests = max_concurrent_requests
        self.on_retry = on_retry
        self._on_retry_lock = threading.Lock()  # pages of a listing may retry at the same time; one message at a time
        # None: waits before a retry are timed waits on the listing's gate, which a stop of the listing cuts short.
        self.sleep = sleep
        #: whether the server was reached once in this task (it answered, or it took a request): a refusal after that is a
        #: passing fault (a restart), before it a wrong URL
        self.reached = False
        self._secrets = [token, urlsplit(self.base_url).password]
        # The pages of a listing share this one session from several threads (see _pages); no lock is needed around it:
        # - what a GET changes in it is urllib3's connection pool, which is built for threads (a connection is taken from
        #   a locked queue, used by one thread, and put back), and the cookie jar, which http.cookiejar locks;
        # - headers, verify and adapters are set here, before any thread exists, and only read afterwards;
        # - close(), the one call that tears the pool down (before each POST), never runs while pages are in flight:
        #   list_all only GETs and returns after its threads are done.
        # A session per thread would copy all of this and open its own connections, for no gain in safety.
        self.session = session if session is not None else self._new_session(max_concurrent_requests)
        self.session.headers.update({
            # Raw token, no "Bearer ": that is what OnCall's ApiTokenAuthentication reads.
            "Authorization": token,
            "Accept": "application/json",
            "User-Agent": "oncall.grafana/%s (Ansible collection; python-requests/%s)" % (COLLECTION_VERSION, requests.__version__),
        })
        if grafana_url:
            self.session.headers["X-Grafana-URL"] = grafana_url
        self.session.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)

    @staticmethod
    def _new_session(max_concurrent_requests):
        session = requests.Session()
        if max_concurrent_requests > requests.adapters.DEFAULT_POOLSIZE:
            # urllib3 would open the extra connections anyway, then drop them with a warning instead of reusing them.
            adapter = requests.adapters.HTTPAdapter(pool_maxsize=max_concurrent_requests)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        return session

    # ------------------------------------------------------------------ low level

    def display_path(self, path, params=None):
        """The path as error messages show it: ``/api/v1/integrations/?name=x`` (never the host or token)."""
        shown = "%s/%s" % (API_PREFIX, path.lstrip("/"))
        if params:
            shown += "?" + urlencode(params)
        return shown

    def request(self, method, path, params=None, body=None):
        """Send one logical request, retrying what is safe to retry; return the decoded JSON (None for 204).

        Retries (at most ``retries``): a 429 on any method after the wait the server asks for; a 5xx or
        a lost connection only for GET/PUT/DELETE. A POST whose outcome is unknown raises with
        ``outcome_unknown=True`` so the caller can look the object up before anything is sent again.
        """
        return self._request(method, path, params, body, _ListingGate())

    def _request(self, method, path, params, body, gate):
        """request(), every attempt passing ``gate`` (shared by the pages of a listing; a fresh one for a lone request)."""
        method = method.upper()
        url = "%s%s/%s" % (self.base_url, API_PREFIX, path.lstrip("/"))
        shown = self.display_path(path, params)
        attempt = 0
        while True:
            rate_limited = False
            try:
                with gate.sending():
                    response = self._send(method, url, params, body)
            except requests.exceptions.RequestException as exc:
                reason, delay = self._retry_after_transport_error(method, shown, exc, attempt)
            else:
                self.reached = True
                retry = self._retry_after_answer(method, shown, response, attempt)
                if retry is None:
                    return self._decode(method, shown, response)
                reason, delay = retry
                rate_limited = response.status_code == 429
            attempt += 1
            with gate.closed_if(rate_limited):
                self._wait(method, shown, reason, attempt, delay, gate)

    def _send(self, method, url, params, body):
        if method == "POST":
            # A reused keep-alive connection may already be closed by the server; a POST sent on it could
            # be lost half way, and a POST cannot be blindly re-sent. So every POST opens a new one.
            self.session.close()
        # verify is passed on every call: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override the
        # session's value, which would silently ignore ca_path and validate_certs=false.
        return self.session.request(method, url, params=params, json=body, timeout=self.timeout, allow_redirects=False,
                                    verify=self.session.verify)

    def _retry_after_transport_error(self, method, shown, exc, attempt):
        """(reason, delay) of the retry a transport error allows; raises OnCallAPIError when it allows none."""
        kind = classify_transport_error(exc)
        reason = self._describe_transport_error(kind, exc)
        if kind in ("tls", "invalid") or (kind in ("refused", "unresolved") and not self.reached):
            raise OnCallAPIError(method, shown, None, reason)
        if kind in ("reset", "timeout", "lost"):
            self.reached = True
        if method not in IDEMPOTENT_METHODS and kind not in ("not_sent", "refused", "unresolved", "proxy"):
            raise OnCallAPIError(method, shown, None, reason + "; the server may or may not have applied it", outcome_unknown=True)
        if attempt >= self.retries:
            raise OnCallAPIError(method, shown, None, "%s (gave up after %d attempts)" % (reason, attempt + 1))
        # A reset of a reused connection says nothing about the server's load: retry at once.
        return reason, 0.0 if kind == "reset" else backoff_delay(attempt + 1, min(BACKOFF_CAP, self.max_retry_delay))

    def _retry_after_answer(self, method, shown, response, attempt):
        """None when the answer is a success; (reason, delay) of the retry it allows; raises OnCallAPIError otherwise."""
        status = response.status_code
        if status == 429:
            wait = retry_after_seconds(response.headers)
            if wait is None:
                wait = backoff_delay(attempt + 1, min(BACKOFF_CAP, self.max_retry_delay))
            if wait > self.max_retry_delay:
                asked = "%d s" % round(wait) if math.isfinite(wait) else "without limit"
                raise self._error(method, shown, response, suffix=" (the server asks to wait %s, longer than max_retry_delay=%d s)"
                                  % (asked, round(self.max_retry_delay)))
            if attempt >= self.retries:
                raise self._error(method, shown, response, suffix=" (still rate limited after %d attempts)" % (attempt + 1))
            return "HTTP 429", wait
        if status >= 500 and method in IDEMPOTENT_METHODS and attempt < self.retries:
            return "HTTP %d" % status, backoff_delay(attempt + 1, min(BACKOFF_CAP, self.max_retry_delay))
        if status >= 400:
            raise self._error(method, shown, response, suffix=" (after %d attempts)" % (attempt + 1) if attempt else "")
        if 300 <= status < 400:
            # Redirects are not followed (they could drop the Authorization header or turn a PUT into a GET).
            raise OnCallAPIError(method, shown, status, "redirected to %s; set url to the address it redirects to"
                                 % strip_userinfo(response.headers.get("Location", "(no Location header)")))
        return None

    def _wait(self, method, shown, reason, attempt, delay, gate):
        if self.on_retry is not None:
            with self._on_retry_lock:
                self.on_retry("%s %s: %s, retry %d of %d in %.1f s" % (method, shown, reason, attempt, self.retries, delay))
        if delay > 0:
            gate.pause(delay, self.sleep)

    def _describe_transport_error(self, kind, exc):
        if kind == "tls":
            if _NOT_TLS.search(str(exc)):
                # An https:// URL on a port that speaks plain HTTP: no certificate setting can help.
                return "the server at %s does not speak TLS (it answers plain HTTP): use http:// instead of https:// in url (%s)" % (
                    self.shown_base_url, "http://" + self.shown_base_url[len("https://"):])
            return "TLS error (%s); to trust a private CA set ca_path, or set validate_certs=false" % self._redact(str(exc))
        if kind == "timeout":
            return "no answer within timeout=%s s" % (int(self.timeout) if self.timeout.is_integer() else self.timeout)
        if kind == "refused":
            return "cannot connect to %s: connection refused (is url right, and the server up?)" % self.shown_base_url
        if kind == "unresolved":
            return "cannot connect to %s: the host name does not resolve (is url right?)" % self.shown_base_url
        if kind == "proxy":
            return "cannot connect to the proxy (the HTTPS_PROXY / HTTP_PROXY environment variables) for %s" % self.shown_base_url
        if kind == "not_sent":
            return "cannot connect to %s (%s)" % (self.shown_base_url, type(exc).__name__)
        if kind == "invalid":
            return "the request could not be built (%s)" % type(exc).__name__
        if kind == "reset":
            return "connection reset before an answer (%s)" % self._redact(str(exc))
        return "connection lost (%s)" % self._redact(str(exc))

    def _decode(self, method, shown, response):
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise OnCallAPIError(method, shown, response.status_code,
                                 "the answer is not JSON (%s); is url the OnCall API URL?" % self._redact(flatten_error_body(response.text)))

    def _error(self, method, shown, response, suffix=""):
        body = self._body(response)
        message = self._redact(flatten_error_body(body))
        if response.status_code in (401, 403):
            message = "authentication or permission error: %s" % message
        elif response.status_code == 404 and not isinstance(body, (dict, list)):
            message = "%s; the path does not exist: is url the OnCall API URL (OnCall > Settings)?" % message
        return OnCallAPIError(method, shown, response.status_code, message + suffix, body=body)

    @staticmethod
    def _body(response):
        try:
            return response.json()
        except ValueError:
            return response.text

    def _redact(self, text):
        return redact(text, self._secrets)

    def hide(self, secrets):
        """Redact these values too from every message built from an answer, as the token is (a task's write-only
        secrets, which a careless server or proxy may quote back)."""
        self._secrets.extend(secret for secret in secrets if secret)

    # ------------------------------------------------------------------ helpers the resources use

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def get_or_none(self, path):
        """GET one object; None when the API says it does not exist (JSON 404)."""
        try:
            return self.request("GET", path)
        except OnCallAPIError as exc:
            if exc.status == 404 and isinstance(exc.body, dict):
                return None
            raise

    def post(self, path, body):
        return self.request("POST", path, body=body)

    def put(self, path, body):
        return self.request("PUT", path, body=body)

    def delete(self, path):
        """DELETE one object; True when deleted, False when it was already gone (JSON 404)."""
        try:
            self.request("DELETE", path)
        except OnCallAPIError as exc:
            if exc.status == 404 and isinstance(exc.body, dict):
                return False
            raise
        return True

    def list_all(self, path, params=None):
        """Every item of a list endpoint, in the server's order, walking ``page`` with ``perpage=100``.

        The first page says how many there are (``total_pages``); the others are then asked at once, at most
        ``max_concurrent_requests`` in flight, and put back in page order. 1 asks them one after the other.
        Stops when ``next`` is null or ``current_page_number >= total_pages``: a page past the end
        returns the last page again, so "until empty" would never end (pages asked ahead of such a page are
        dropped). Page URLs are built here against the configured base URL; ``next`` is never followed (it is
        built from the server's own BASE_URL, which may be unreachable or another origin).
        """
        query = dict(params or {})
        query["perpage"] = PAGE_SIZE
        page, answer = 1, self._page(path, query, 1, _ListingGate())
        items = list(answer["results"])
        while not _last_page(answer, page):
            if page >= MAX_PAGES:
                raise OnCallAPIError("GET", self.display_path(path, _page_query(query, page)), 200, "more than %d pages; giving up" % MAX_PAGES)
            with contextlib.closing(self._pages(path, query, range(page + 1, _planned_last(answer, page) + 1))) as pages:
                for page, answer in pages:
                    items.extend(answer["results"])
                    if _last_page(answer, page) or page >= MAX_PAGES:
                        break
        return items

    def _pages(self, path, query, numbers):
        """(number, answer) of each page of ``numbers``, in that order, up to max_concurrent_requests asked at once.

        A failing page raises its error, and no page is asked after it. With one request at a time, each page is
        asked only when the caller wants it, exactly as a plain loop would.
        """
        if self.max_concurrent_requests == 1 or len(numbers) == 1:
            for number in numbers:
                yield number, self._page(path, query, number, _ListingGate())
            return
        gate = _ListingGate()
        executor = ThreadPoolExecutor(max_workers=min(self.max_concurrent_requests, len(numbers)), thread_name_prefix="oncall-page")
        try:
            # Submitted in page order: the executor starts them in that order, so a page never waits for a later one.
            futures = [executor.submit(self._page_of_many, path, query, number, gate) for number in numbers]
            for number, future in zip(numbers, futures):
                if isinstance(future.exception(), _Stopped):  # waits for the page
                    raise gate.failure  # the page gave up because of that one
                yield number, future.result()
        finally:
            # Also when the caller stops early (the pages left are past the end), a page failed, or the caller was
            # interrupted: pages not started are dropped, pages waiting (at the gate, or before a retry) give up, pages
            # in flight end (within timeout) before the task goes on.
            gate.stop()
            executor.shutdown(wait=True, cancel_futures=True)

    def _page_of_many(self, path, query, number, gate):
        """One page of a concurrent listing, on a worker thread; its failure stops the other pages."""
        try:
            return self._page(path, query, number, gate)
        except _Stopped:
            raise
        except Exception as exc:
            gate.stop(exc)
            raise

    def _page(self, path, query, number, gate):
        """Page ``number`` (1 is asked without ``page``, as the server's own links do), checked to be a page."""
        page_query = _page_query(query, number)
        answer = self._request("GET", path, page_query, None, gate)
        if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
            raise OnCallAPIError("GET", self.display_path(path, page_query), 200, "expected a paginated list, got %s" % type(answer).__name__)
        return answer


def _page_query(query, number):
    return query if number == 1 else dict(query, page=number)


def _last_page(answer, number):
    """Whether page ``number``'s answer says it is the last: no ``next``, or its number reached ``total_pages``."""
    total = answer.get("total_pages")
    current = answer.get("current_page_number", number)
    return not answer.get("next") or (isinstance(total, int) and isinstance(current, int) and current >= total)


def _planned_last(answer, number):
    """The last page to ask for after page ``number``: ``total_pages`` when the answer gives it, else only the next page."""
    total = answer.get("total_pages")
    if isinstance(total, int) and not isinstance(total, bool) and total > number:
        return min(total, MAX_PAGES)
    return number + 1

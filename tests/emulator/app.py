# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The WSGI application: URL routing, authentication, throttling, body parsing and the request log.

The order of checks copies Django + DRF: an unknown URL is Django's HTML 404 before anything else;
inside a view come authentication, throttling, then the method check (405) and the object lookup.
"""

from __future__ import annotations

import hmac
import json
import math
import re
import time
import traceback
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from control import ControlApi
from directory import SlackChannelResource, TeamResource
from drf import ApiError, HtmlError
from faults import FaultPlan, abort_connection, proxy_page, REASONS
from escalation_chains import EscalationChainResource
from escalation_policies import EscalationPolicyResource
from integrations import IntegrationResource
from pagination import paginate
from routes import RouteResource
from schedules import ScheduleResource
from throttle import RateThrottle, throttled_detail
from user_groups import UserGroupResource
from users import UserResource
from webhooks import WebhookResource

# OptionalSlashRouter: the trailing slash is optional; ids cannot hold "/" or ".".
_API_PATH = re.compile(r"^/api/v1/(?P<resource>[^/.]+)(?:/(?P<pk>[^/.]+))?/?$")
CONTROL_PREFIX = "/__emulator__/"
# Views that carry RateLimitHeadersMixin and so add RateLimit-Reset to a 429 (TeamView does not).
_RATELIMIT_RESET_VIEWS = ("integrations", "routes", "escalation_chains", "slack_channels", "escalation_policies", "users", "schedules",
                          "user_groups", "webhooks")
# DRF's http_method_names order, which is also the order of the Allow header.
_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Names DRF's get_view_name gives these views (used by OPTIONS only).
_VIEW_NAMES = {
    "integrations": "Integration",
    "routes": "Channel Filter",
    "escalation_chains": "Escalation Chain",
    "teams": "Team",
    "slack_channels": "Slack Channel",
}


def json_response(status, body, headers=None):
    # DRF's JSONRenderer: compact separators, UTF-8, no charset parameter on the content type.
    response = Response(status=status, headers=headers or {})
    if body is None:
        response.headers.pop("Content-Type", None)
    else:
        response.set_data(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        response.headers["Content-Type"] = "application/json"
    return response


def html_response(error):
    return Response(error.page, status=error.status, content_type="text/html; charset=utf-8")


def throttled_error(resource_name, wait):
    """DRF's Throttled answer of a view, `wait` in seconds or None when DRF cannot tell."""
    error = ApiError(429, {"detail": throttled_detail(wait)})
    error.headers = {}
    wait = math.ceil(wait) if wait is not None else None
    if wait:
        # DRF's exception handler: Retry-After only when the wait is known (and not zero).
        error.headers["Retry-After"] = "%d" % wait
    if resource_name in _RATELIMIT_RESET_VIEWS:
        # RateLimitHeadersMixin writes 350 when the wait is unknown.
        error.headers["RateLimit-Reset"] = "%d" % wait if wait is not None else "350"
    return error


def fault_response(request, rule, allowed=None):
    """The canned answer of a "status" fault rule to `request` (a werkzeug Request), shaped like the real one.

    `allowed`: the methods of the view the path names, which a 429 lists in Allow; None leaves Allow out (the
    recording proxy, which injects the same faults in front of any server, knows no views). Clients never read it.
    """
    status = rule.options["status"]
    if status == 429:
        headers = {"Allow": ", ".join(allowed), "Vary": "Accept"} if allowed else {}
        match = _API_PATH.match(request.path)
        error = throttled_error(match.group("resource") if match else None, rule.options.get("retry_after"))
        headers.update(error.headers)
        return json_response(429, error.body, headers)
    if rule.options["body"] == "plain":
        return Response(REASONS[status], status=status, content_type="text/plain; charset=utf-8")
    if rule.options["body"] == "echo":
        echoed = {"detail": "Could not process request %s %s with headers %s and body %s"
                  % (request.method, request.full_path, dict(request.headers), request.get_data(as_text=True))}
        return json_response(status, echoed)
    if status == 400:
        return json_response(400, {"detail": "Bad request"})
    if status == 500:
        return html_response(HtmlError(500))
    return Response(proxy_page(status), status=status, content_type="text/html")


class QueryParams(dict):
    """The query string as views read it: QueryDict.get semantics (the last value wins), and getlist for
    filters that take a parameter several times."""

    def __init__(self, args):
        super().__init__((key, values[-1]) for key, values in args.lists())
        self._lists = dict(args.lists())

    def getlist(self, key):
        return list(self._lists.get(key, []))


def query_for_log(args):
    """A query (a MultiDict) as the request log keeps it: one value per key, or a list when the key repeats."""
    return {key: (values[0] if len(values) == 1 else values) for key, values in args.lists()}


def body_for_log(raw):
    """A request body (bytes) as the request log keeps it: its JSON value, or None for none or anything else."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


class EmulatorApp:
    """One emulated organization with one API token."""

    def __init__(self, state, token, rate_limit="300/m", seed_integrations=0):
        self.state = state
        self.token = token
        self.rate_limit = rate_limit
        self.throttle = RateThrottle(rate_limit)
        self.faults = FaultPlan()
        # When true, the server leaves out "Connection: close" although it closes every connection,
        # as a self-hosted engine served by uWSGI does.
        # POST /__emulator__/connections changes it at run time; a reset goes back to startup_silent_close.
        self.silent_close = False
        self.startup_silent_close = None
        self.integrations = IntegrationResource(state)
        resources = (self.integrations, RouteResource(state), EscalationChainResource(state), TeamResource(state), SlackChannelResource(state),
                     EscalationPolicyResource(state), UserResource(state), ScheduleResource(state), UserGroupResource(state),
                     WebhookResource(state))
        self.resources = {resource.name: resource for resource in resources}
        self.control = ControlApi(self)
        # Integrations created at start (and again after each reset) without the API: seed-00001, ...
        self.seed_integrations = seed_integrations
        self.integrations.seed(seed_integrations)

    def reset(self):
        """Back to the start: only the seeded objects, no log, no rate history, no fault rules."""
        self.state.reset()
        self.throttle.reset()
        self.faults.clear()
        self.integrations.seed(self.seed_integrations)
        if self.startup_silent_close is not None:
            self.silent_close = self.startup_silent_close

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path.startswith(CONTROL_PREFIX):
            return self.control.handle(request)(environ, start_response)
        rule, use = self.faults.take(request)
        if rule is not None and rule.kind == "hold":
            # Logged before the next held request may run, so the log shows them in the order they ran.
            with rule.gate.turn(use) as released:
                response = self.dispatch(request)
                self._log(request, response, {"fault": rule.kind, "applied": True, "arrival": use, "released": released})
        else:
            response, fault = self._apply_fault(request, rule)
            self._log(request, response, fault)
        if response is None:
            abort_connection(environ)
        return response(environ, start_response)

    def _apply_fault(self, request, rule):
        """(response or None for a reset, extra log keys) for a request that no rule holds."""
        if rule is None:
            return self.dispatch(request), {}
        if rule.kind == "status":
            return self.fault_response(request, rule), {"fault": rule.kind, "applied": False}
        if rule.kind == "delay":
            time.sleep(rule.options["seconds"])  # the client may have given up by now; the request still runs
            return self.dispatch(request), {"fault": rule.kind, "applied": True, "delay": rule.options["seconds"]}
        if rule.kind == "reset_before":
            return None, {"fault": rule.kind, "applied": False}
        # reset_after: the change is made, the answer is lost
        answer = self.dispatch(request)
        return None, {"fault": rule.kind, "applied": True, "answer": answer.status_code}

    def _log(self, request, response, fault):
        entry = {
            "method": request.method,
            "path": request.path,
            "query": query_for_log(request.args),
            "body": body_for_log(request.get_data(cache=True)),
            "status": response.status_code if response is not None else "reset",
        }
        entry.update(fault)
        with self.state.lock:
            self.state.requests.append(entry)

    def fault_response(self, request, rule):
        """The canned answer of a "status" fault rule; a 429 names the view's methods in Allow, as DRF's does."""
        match = _API_PATH.match(request.path)
        resource = self.resources.get(match.group("resource")) if match else None
        allowed = self._allowed_methods(resource, match.group("pk")) if resource is not None else None
        return fault_response(request, rule, allowed)

    def dispatch(self, request):
        match = _API_PATH.match(request.path)
        resource = self.resources.get(match.group("resource")) if match else None
        pk = match.group("pk") if match else None
        if resource is None or (pk is not None and not getattr(resource, "detail_route", True)):
            # No such URL pattern (list-only resources have no detail route): Django answers before DRF with its HTML page.
            return html_response(HtmlError(404))
        allowed = self._allowed_methods(resource, pk)
        headers = {"Allow": ", ".join(allowed), "Vary": "Accept"}
        try:
            self._authenticate(request)
            if getattr(resource, "rbac_strict", False) and (request.method == "OPTIONS" or request.method not in allowed):
                # These views' permission class asserts that the action has an entry in its table; an
                # unmapped method (action None) and OPTIONS ("metadata") fail that assertion before the
                # throttle and the 405 check: Django's HTML 500.
                raise HtmlError(500)
            self._check_throttle(resource)
            if request.method not in allowed:
                raise ApiError(405, {"detail": 'Method "%s" not allowed.' % request.method})
            with self.state.lock:
                status, body = self._run(request, resource, pk)
        except ApiError as error:
            headers.update(getattr(error, "headers", {}))
            return json_response(error.status, error.body, headers)
        except HtmlError as error:
            return html_response(error)
        except Exception:  # pylint: disable=broad-except
            # A bug in the emulator looks like a crash of the real server: Django's HTML 500 page.
            traceback.print_exc()
            return html_response(HtmlError(500))
        return json_response(status, body, headers)

    @staticmethod
    def _allowed_methods(resource, pk):
        if resource.read_only:
            methods = {"GET"}
        elif pk is None:
            methods = {"GET", "POST"}
        else:
            methods = {"GET", "PUT", "PATCH", "DELETE"}
        methods |= {"HEAD", "OPTIONS"}
        return [m for m in _METHOD_ORDER if m in methods]

    def _authenticate(self, request):
        # The raw token, no "Bearer "; a missing header gets the same answer as a wrong one.
        given = request.headers.get("Authorization", "")
        if not given or not hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8")):
            raise ApiError(403, {"detail": "Invalid token."})

    def _check_throttle(self, resource):
        allowed, wait = self.throttle.check(self.token)
        if not allowed:
            raise throttled_error(resource.name, wait)

    def _run(self, request, resource, pk):
        method = request.method
        if method == "OPTIONS":
            # An approximation of DRF's SimpleMetadata; clients do not rely on it.
            return 200, {
                "name": "%s %s" % (_VIEW_NAMES[resource.name], "List" if pk is None else "Instance"),
                "description": "",
                "renders": ["application/json"],
                "parses": ["application/json"] + list(_FORM_TYPES),
            }
        if method in ("GET", "HEAD"):
            if pk is not None:
                return 200, resource.retrieve(pk)
            query = QueryParams(request.args)
            items = resource.list(query)
            return 200, paginate(items, query, resource.default_page_size, self.state.base_url, self._full_path(request))
        if method == "DELETE":
            resource.destroy(pk)
            return 204, None
        data = self._parse_body(request)
        if method == "POST":
            return resource.create(data)
        return resource.update(pk, data, partial=method == "PATCH")

    @staticmethod
    def _full_path(request):
        """Django's get_full_path: the escaped path plus the query string as received."""
        query = request.query_string.decode("latin-1")
        return quote(request.path, safe="/:@&+$,-_.!~*'()") + ("?" + query if query else "")

    @staticmethod
    def _parse_body(request):
        """DRF's parsers: JSON, form and multipart; no content type means no data."""
        content_type = request.headers.get("Content-Type", "")
        media_type = content_type.split(";")[0].strip().lower()
        raw = request.get_data(cache=True)
        if not media_type:
            return {}
        if media_type in _FORM_TYPES:
            return {key: values[-1] for key, values in request.form.lists()}
        if media_type != "application/json":
            raise ApiError(415, {"detail": 'Unsupported media type "%s" in request.' % content_type})
        if not raw:
            return {}
        try:
            return json.loads(raw.decode(request.mimetype_params.get("charset", "utf-8")))
        except (ValueError, LookupError) as error:
            raise ApiError(400, {"detail": "JSON parse error - %s" % error}) from None

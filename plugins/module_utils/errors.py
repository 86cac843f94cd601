# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one error type of the collection and the code that turns API bodies into human messages.

This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import re

# Django answers server errors and unknown paths with whole HTML pages; only their title is worth quoting.
_HTML_TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.IGNORECASE | re.DOTALL)
_MAX_TEXT = 300


class OnCallError(Exception):
    """A failure the module reports to the user as is (bad option, ambiguous match, ...)."""


class OnCallAPIError(OnCallError):
    """A request that did not get a successful answer.

    ``status`` is None when no answer arrived at all (connection error, timeout).
    ``outcome_unknown`` is True when the request may have been applied although no answer arrived:
    a POST in that state must never be blindly re-sent (it could create a duplicate).
    ``created`` is the object a create made although the server answered with an error (a 5xx), as a
    lookup found it afterwards; None otherwise.
    """

    def __init__(self, method, path, status, message, body=None, outcome_unknown=False, created=None):
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        self.body = body
        self.outcome_unknown = outcome_unknown
        self.created = created
        super().__init__(self._render())

    def where(self):
        """The request's method, path and status, for the module's failure result."""
        return {"method": self.method, "path": self.path, "status": self.status}

    def _render(self):
        where = "%s %s" % (self.method, self.path)
        if self.status is None:
            return "%s failed: %s" % (where, self.message)
        return "%s failed with HTTP %s: %s" % (where, self.status, self.message)


class PartialFailure(OnCallError):
    """A task that writes many objects stopped midway: what it wrote before the failure, and what it did not.

    ``cause`` is the error that stopped it, ``applied`` what was written (result entries, or the
    writes sent), ``not_applied`` the labels of what was not. A re-run converges.
    """

    def __init__(self, message, cause, applied=(), not_applied=(), changed=None):
        self.cause = cause
        self.applied = list(applied)
        self.not_applied = list(not_applied)
        #: whether anything changed on the server (``applied`` may list objects left as they were)
        self.changed = bool(self.applied) if changed is None else changed
        super().__init__(message)

    def where(self):
        """The failed request's method, path and status, those that are known."""
        where = self.cause.where() if isinstance(self.cause, (OnCallAPIError, PartialFailure)) else {}
        return {key: value for key, value in where.items() if value is not None}


def flatten_error_body(body):
    """Render any OnCall error body as one line.

    The server answers in several shapes: ``{"detail": "..."}``, field dicts whose values are lists or nested dicts, ``non_field_errors``, a bare list, or text.
    Nested keys are joined with ``.`` so ``{"slack": {"channel_id": ["x"]}}`` reads ``slack.channel_id: x``.
    """
    if body is None or (isinstance(body, str) and not body.strip()):
        return "(empty answer)"
    if isinstance(body, dict):
        if set(body) == {"detail"}:
            return _flatten_value(body["detail"])
        parts = []
        for key, value in body.items():
            parts.extend(_flatten_field(str(key), value))
        return "; ".join(parts) if parts else "(empty answer)"
    if isinstance(body, list):
        return "; ".join(_flatten_value(item) for item in body) or "(empty answer)"
    return _flatten_text(str(body))


def _flatten_field(prefix, value):
    if isinstance(value, dict):
        parts = []
        for key, sub in value.items():
            parts.extend(_flatten_field("%s.%s" % (prefix, key), sub))
        return parts
    if prefix in ("detail", "non_field_errors"):
        return [_flatten_value(value)]
    return ["%s: %s" % (prefix, _flatten_value(value))]


def _flatten_value(value):
    if isinstance(value, list):
        return " ".join(_flatten_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(part for key, sub in value.items() for part in _flatten_field(str(key), sub))
    return str(value)


def _flatten_text(text):
    match = _HTML_TITLE.search(text)
    if match:
        return "HTML page: %s" % " ".join(match.group(1).split())
    text = " ".join(text.split())
    if len(text) > _MAX_TEXT:
        return text[:_MAX_TEXT] + "..."
    return text


def redact(text, secrets):
    """Replace every secret in ``text``; used on anything built from what the server echoed back."""
    if not isinstance(text, str):
        return text
    for secret in secrets:
        if secret:
            text = text.replace(secret, "********")
    return text

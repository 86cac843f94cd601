# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration templates and the Jinja checks the server runs on templates, routes and outgoing webhooks."""

from __future__ import annotations

from collections import defaultdict

from jinja2 import BaseLoader, TemplateAssertionError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from drf import bad_request, server_error

SIGNALS = ("grouping_key", "resolve_signal", "acknowledge_signal", "source_link")
BUILTIN_CHANNELS = (
    ("slack", ("title", "message", "image_url")),
    ("web", ("title", "message", "image_url")),
    ("sms", ("title",)),
    ("phone_call", ("title",)),
    ("telegram", ("title", "message", "image_url")),
)
JINJA_TEMPLATE_MAX_LENGTH = 50000
# validate_templates walks the channels in this order, so it decides which error a bad body gets.
_VALIDATION_ORDER = ("slack", "web", "phone_call", "sms", "telegram")


def _lenient(value, *_args, **_kwargs):
    return value


def _jinja_env():
    """A sandboxed environment that knows OnCall's extra filters by name.

    Jinja rejects unknown filter names at compile time, so without these a template using, say,
    `tojson_pretty` would be refused here but accepted by the real server. Their behaviour does not
    matter: the server only compiles channel templates, and renders route templates on an empty payload.
    """
    env = SandboxedEnvironment(loader=BaseLoader())
    for name in ("datetimeformat", "datetimeformat_as_timezone", "datetimeparse", "timedeltaparse", "iso8601_to_time",
                 "tojson_pretty", "regex_replace", "regex_match", "regex_search", "json_dumps", "b64decode", "parse_json",
                 "timestamp_to_datetime"):
        env.filters[name] = _lenient
    return env


JINJA = _jinja_env()


def compiles(source):
    """True when the template compiles; only TemplateSyntaxError counts, as in validate_templates."""
    try:
        JINJA.from_string(source)
    except TemplateSyntaxError:
        return False
    return True


def route_template_ok(source):
    """A jinja2 route term is rendered against an empty payload; only hard (syntax) errors reject it.

    Runtime trouble such as undefined attributes is a mere warning on the real server, otherwise no
    route could test `payload.labels.x` while the payload is empty.
    """
    try:
        JINJA.from_string(source).render(payload={})
    except TemplateSyntaxError:
        return False
    except Exception:  # pylint: disable=broad-except
        return True
    return True


def webhook_template_error(source):
    """The message a webhook field gets for `source`, or None when the server would accept it.

    The template is rendered once on an empty payload. Syntax, unknown filters, the length limit and
    sandbox violations are errors; render trouble (undefined names, type errors) is only a warning and
    passes, because no real payload is at hand.
    """
    if len(source) > JINJA_TEMPLATE_MAX_LENGTH:
        return "Template Error: Template exceeds length limit (%d > %d)" % (len(source), JINJA_TEMPLATE_MAX_LENGTH)
    try:
        JINJA.from_string(source).render(payload=None, alert_payload=defaultdict(str), alert_group_id="alert_group_1")
    except (SecurityError, TemplateAssertionError, TemplateSyntaxError) as error:
        return "Template Error: %s" % error
    except (TypeError, KeyError, ValueError, UndefinedError):
        return None
    except Exception as error:  # pylint: disable=broad-except
        return "Template Error: %s" % error
    return None


class Templates:
    """Read, validate and merge the `templates` object of an integration for a set of messaging backends."""

    def __init__(self, backends):
        self.backends = tuple(backends)

    def empty(self):
        """A new integration: every template null, meaning "use the default"."""
        stored = {name: None for name in SIGNALS}
        for channel, attrs in BUILTIN_CHANNELS + self.backends:
            stored[channel] = {attr: None for attr in attrs}
        return stored

    def represent(self, stored):
        result = {name: stored.get(name) for name in SIGNALS}
        for channel, attrs in BUILTIN_CHANNELS + self.backends:
            result[channel] = {attr: stored.get(channel, {}).get(attr) for attr in attrs}
        return result

    def validate(self, templates):
        """IntegrationSerializer.validate_templates: types and Jinja syntax, first error wins."""
        for channel in _VALIDATION_ORDER + tuple(name for name, _attrs in self.backends):
            data = templates.get(channel, {})
            if data is None:
                continue
            if not isinstance(data, dict):
                raise bad_request("Invalid %s template data" % channel)
            for attr, source in data.items():
                if source is not None and not isinstance(source, str):
                    # Jinja's from_string raises TypeError on a non-string, which validate_templates does not
                    # catch: the real server answers 500.
                    raise server_error()
                if source is not None and not compiles(source):
                    raise bad_request("invalid %s %s template" % (channel, attr))
        for name in SIGNALS:
            source = templates.get(name, "")
            if source is None:
                continue
            if not isinstance(source, str) or not compiles(source):
                raise bad_request("Invalid %s template data" % name)

    def merge(self, stored, templates):
        """Return the stored templates with the request merged in; only the keys sent change.

        Unknown top-level keys and unknown sub-keys of backend channels are ignored; an unknown sub-key of
        a built-in channel is refused. Must run after validate().
        """
        merged = {key: (dict(value) if isinstance(value, dict) else value) for key, value in stored.items()}
        for channel, attrs in self.backends:
            if channel not in templates:
                continue
            data = templates[channel]
            if data is None:
                merged[channel] = {attr: None for attr in attrs}
            else:
                # Backend templates live in a JSON field, so values are kept as sent.
                merged[channel].update({attr: data[attr] for attr in attrs if attr in data})
        builtin = dict(BUILTIN_CHANNELS)
        for key, data in templates.items():
            if key in SIGNALS:
                merged[key] = data
            elif key in builtin:
                if data is None:
                    merged[key] = {attr: None for attr in builtin[key]}
                    continue
                for attr, source in data.items():
                    if attr not in builtin[key]:
                        raise bad_request("Invalid template data")
                    # Built-in channel templates are text columns: Django stores str(value).
                    merged[key][attr] = source if source is None or isinstance(source, str) else str(source)
        return merged

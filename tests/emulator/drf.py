# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The small part of Django REST framework 3.15 the emulator needs: error types and field validation.

The real server answers with DRF's own messages, so they are copied here word for word from the real server.
Field-level errors are collected per field, in serializer field order; `BadRequest` raised by OnCall code
interrupts validation at once, which is why `ApiError` is raised immediately rather than collected.
"""

from __future__ import annotations

import datetime
import re

MISSING = object()
_DECIMAL_TAIL = re.compile(r"\.0*\s*$")

REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
NOT_BLANK = "This field may not be blank."
NOT_A_STRING = "Not a valid string."
NOT_AN_INTEGER = "A valid integer is required."
NOT_A_NUMBER = "A valid number is required."
STRING_TOO_LARGE = "String value too large."
NOT_A_BOOLEAN = "Must be a valid boolean."
NULL_CHARACTERS = "Null characters are not allowed."
DOES_NOT_EXIST = "Object does not exist"

# Django's error pages (DEBUG off), which the real engine sends for unknown URLs and crashes.
_ERROR_PAGE = """
<!doctype html>
<html lang="en">
<head>
  <title>%(title)s</title>
</head>
<body>
  <h1>%(title)s</h1><p>%(details)s</p>
</body>
</html>
"""
NOT_FOUND_PAGE = _ERROR_PAGE % {"title": "Not Found", "details": "The requested resource was not found on this server."}
SERVER_ERROR_PAGE = _ERROR_PAGE % {"title": "Server Error (500)", "details": ""}


class ApiError(Exception):
    """An answer other than success, with a JSON body (a dict, or a bare list as DRF allows)."""

    def __init__(self, status, body):
        super().__init__(status, body)
        self.status = status
        self.body = body


class HtmlError(Exception):
    """An answer rendered by Django rather than DRF: the HTML 404 page or the HTML 500 page."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status
        self.page = NOT_FOUND_PAGE if status == 404 else SERVER_ERROR_PAGE


def bad_request(detail):
    """OnCall's `BadRequest(detail=...)`: a string becomes {"detail": ...}, a dict is sent as given."""
    return ApiError(400, {"detail": detail} if isinstance(detail, str) else detail)


def validation_error(body):
    """DRF's ValidationError: 400 with the body as given (dict of field errors, or a list)."""
    return ApiError(400, body)


def not_found():
    return ApiError(404, {"detail": "Not found."})


def server_error():
    """A crash on the real server: Django's HTML 500 page."""
    return HtmlError(500)


def require_dict(data):
    """DRF refuses a body that is not a JSON object before looking at any field."""
    if not isinstance(data, dict):
        raise validation_error({"non_field_errors": ["Invalid data. Expected a dictionary, but got %s." % type(data).__name__]})


class FieldValidator:
    """Run DRF-like fields over one request body and collect their errors.

    Each method returns MISSING when the key is absent (and not required), else the validated value;
    errors land in `self.errors` under the field name, as DRF collects them.
    """

    def __init__(self, data, partial=False):
        self.data = data
        self.partial = partial
        self.errors = {}

    def _empty(self, name, required, allow_null):
        """DRF's validate_empty_values. Returns (handled, value)."""
        if name not in self.data:
            if required and not self.partial:
                self.errors[name] = [REQUIRED]
            return True, MISSING
        if self.data[name] is None:
            if not allow_null:
                self.errors[name] = [NOT_NULL]
                return True, MISSING
            return True, None
        return False, None

    def char(self, name, required=False, allow_null=False, allow_blank=False, max_length=None, trim=True):
        value = self.data.get(name, MISSING)
        # DRF tests for the blank string before anything else, so '' is "blank" even on a nullable field.
        if value is not MISSING and value is not None and not isinstance(value, (bool, dict, list)):
            text = str(value)
            if text == "" or (trim and text.strip() == ""):
                if not allow_blank:
                    self.errors[name] = [NOT_BLANK]
                    return MISSING
                return ""
        handled, result = self._empty(name, required, allow_null)
        if handled:
            return result
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.errors[name] = [NOT_A_STRING]
            return MISSING
        text = str(value).strip() if trim else str(value)
        problems = []
        if max_length is not None and len(text) > max_length:
            problems.append("Ensure this field has no more than %d characters." % max_length)
        if "\x00" in text:
            problems.append(NULL_CHARACTERS)
        if problems:
            self.errors[name] = problems
            return MISSING
        return text

    def dictionary(self, name, required=False, allow_null=False):
        handled, result = self._empty(name, required, allow_null)
        if handled:
            return result
        value = self.data[name]
        if not isinstance(value, dict):
            self.errors[name] = ['Expected a dictionary of items but got type "%s".' % type(value).__name__]
            return MISSING
        return value

    def _given_number(self, name, required, allow_null):
        """(handled, value): the empty-value rules, then DRF's refusal of an over-long string, shared by both number fields."""
        handled, result = self._empty(name, required, allow_null)
        if handled:
            return True, result
        if isinstance(self.data[name], str) and len(self.data[name]) > 1000:
            self.errors[name] = [STRING_TOO_LARGE]
            return True, MISSING
        return False, self.data[name]

    def integer(self, name, required=False, allow_null=False):
        handled, value = self._given_number(name, required, allow_null)
        if handled:
            return value
        # DRF strips a trailing ".0" so that 2.0 counts as an integer.
        try:
            return int(_DECIMAL_TAIL.sub("", str(value)))
        except ValueError:
            self.errors[name] = [NOT_AN_INTEGER]
            return MISSING

    def number(self, name, required=False, allow_null=False):
        """FloatField: anything float() takes, booleans included (True is 1.0); nan and inf pass too."""
        handled, value = self._given_number(name, required, allow_null)
        if handled:
            return value
        try:
            return float(value)
        except (TypeError, ValueError):
            self.errors[name] = [NOT_A_NUMBER]
        except OverflowError:  # an integer too big for a float
            self.errors[name] = ["Integer value too large to convert to float"]
        return MISSING

    def time(self, name, input_format, shown_format, required=False, allow_null=False):
        """TimeField with one input format; `shown_format` is how DRF spells it in the message (hh:mm:ss...)."""
        handled, result = self._empty(name, required, allow_null)
        if handled:
            return result
        try:
            return datetime.datetime.strptime(self.data[name], input_format).time()
        except (TypeError, ValueError):
            self.errors[name] = ["Time has wrong format. Use one of these formats instead: %s." % shown_format]
            return MISSING

    def boolean(self, name, required=False, allow_null=False):
        handled, result = self._empty(name, required, allow_null)
        if handled:
            return result
        value = self.data[name]
        true_values = ("t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1", 1, True)
        false_values = ("f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0", 0, 0.0, False)
        if not isinstance(value, (dict, list)):
            if value in true_values:
                return True
            if value in false_values:
                return False
        self.errors[name] = [NOT_A_BOOLEAN]
        return MISSING

    def related(self, name, lookup, required=False, allow_null=False, null_strings=()):
        """A primary-key related field: `lookup(value)` returns the object or None.

        Like DRF's RelatedField, '' counts as null; `null_strings` lists extra spellings of null
        (OnCall's team field also takes "null").
        """
        value = self.data.get(name, MISSING)
        if value == "" or (isinstance(value, str) and value in null_strings):
            value = None
            self.data = dict(self.data, **{name: None})
        handled, result = self._empty(name, required, allow_null)
        if handled:
            return result
        found = lookup(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
        if found is None:
            self.errors[name] = [DOES_NOT_EXIST]
            return MISSING
        return found

    def raise_errors(self):
        if self.errors:
            raise validation_error(self.errors)

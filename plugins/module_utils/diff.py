# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one diff engine: compare what a task manages with what the server has, nested dicts included.

Conventions shared by every module:
- a *desired* dict holds only the keys a task manages; ``None`` in it means "make this null";
- keys a task does not manage are simply absent, so they can never cause drift;
- the server merges nested objects on write (templates, default route), so the minimal update is the
  nested subset of desired keys whose value differs.

This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

import copy
import json
import re


def prune_unset(value):
    """Drop the options a task left out.

    Ansible fills every unset option (and sub-option) with None, so None here means "not managed".
    Dicts left empty after pruning are dropped too: ``slack: {}`` manages nothing.
    """
    if isinstance(value, dict):
        pruned = {}
        for key, sub in value.items():
            sub = prune_unset(sub)
            if sub is None or (isinstance(sub, dict) and not sub):
                continue
            pruned[key] = sub
        return pruned
    return value


def changed_subset(desired, current):
    """The part of ``desired`` that differs from ``current``, nested; ``{}`` when nothing differs."""
    changes = {}
    current = current if isinstance(current, dict) else {}
    for key, want in desired.items():
        have = current.get(key)
        if isinstance(want, dict) and isinstance(have, dict):
            sub = changed_subset(want, have)
            if sub:
                changes[key] = sub
        elif want != have:
            changes[key] = copy.deepcopy(want)
    return changes


def apply_changes(current, changes):
    """``current`` with ``changes`` merged in the way the server merges a partial write."""
    merged = copy.deepcopy(current) if isinstance(current, dict) else {}
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = apply_changes(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def project(obj, shape):
    """Keep only the keys of ``obj`` that ``shape`` has (nested); the view a diff shows."""
    if not isinstance(obj, dict):
        return obj
    view = {}
    for key, sub_shape in shape.items():
        if key not in obj:
            continue
        if isinstance(sub_shape, dict) and isinstance(obj[key], dict):
            view[key] = project(obj[key], sub_shape)
        else:
            view[key] = copy.deepcopy(obj[key])
    return view


def nulled(shape):
    """A copy of ``shape`` with every leaf set to None: what "nothing set" looks like."""
    if isinstance(shape, dict):
        return {key: nulled(value) for key, value in shape.items()}
    return None


def as_text(value):
    """``value`` (a diff's before or after) as YAML text, for Ansible to diff line by line.

    Ansible shows a dict as one JSON document, where a 20-line template is one string full of ``\\n``: a one-line
    edit would show as the whole template twice. As text, a multi-line string is a block of its own lines, so the
    diff shows just the lines that changed; a list of strings (routes, steps) is one line per item.
    """
    return "\n".join(_lines(value, 0)) + "\n"


def _lines(value, indent):
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return [pad + "{}"]
        lines = []
        for key, sub in value.items():
            lines += _entry(pad + _scalar(str(key)) + ":", sub, indent)
        return lines
    if isinstance(value, list):
        if not value:
            return [pad + "[]"]
        lines = []
        for item in value:
            lines += _entry(pad + "-", item, indent)
        return lines
    return [pad + _scalar(value)]


def _entry(head, value, indent):
    """``head`` (``key:`` or ``-``) followed by ``value``: on the same line when it is a plain scalar."""
    if isinstance(value, str) and "\n" in value.strip("\n") and value.replace("\n", "").replace("\t", "").isprintable() \
            and "\ufeff" not in value:
        chomping = "+" if value.endswith("\n\n") else ("" if value.endswith("\n") else "-")
        # The indentation indicator keeps a first line that starts with spaces (a template's indentation) intact.
        kept = value[:-1] if chomping == "+" else value.rstrip("\n")
        body = [(" " * (indent + 2) + line) if line else "" for line in kept.split("\n")]
        return [head + " |2" + chomping] + body
    if isinstance(value, (dict, list)) and value:
        return [head] + _lines(value, indent + 2)
    return [head + " " + _lines(value, 0)[0]]


# Text YAML reads back as the same string without quotes: no indicator first, no ": " or " #", no edge spaces.
_PLAIN = re.compile(r"^(?![-?:,\[\]{}#&*!|>'\"%@`=\s])(?!.*(?::\s|\s#|:\Z))[^\n\t]+(?<!\s)\Z")
_NUMBER = re.compile(r"^[-+]?\.?(\d|inf|nan)", re.IGNORECASE)
_RESERVED = ("null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "<<")


def _scalar(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if _PLAIN.match(value) and value.isprintable() and "\ufeff" not in value and value.lower() not in _RESERVED and not _NUMBER.match(value):
        return value
    if value.isprintable() and "\ufeff" not in value:
        # Single quotes keep a line readable: only a quote is doubled, backslashes and double quotes stay as they are.
        return "'%s'" % value.replace("'", "''")
    # JSON's escapes are YAML's; what JSON leaves raw but YAML refuses or reads as a break is escaped here.
    return "".join(char if char.isprintable() and char != "\ufeff" else ("\\u%04x" % ord(char) if ord(char) < 0x10000 else "\\U%08x" % ord(char))
                   for char in json.dumps(value, ensure_ascii=False))

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

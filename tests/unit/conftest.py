# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Make ``ansible_collections.oncall.grafana`` importable from any checkout, before any test module is imported.

pytest imports this file before it collects the test modules below it, so the path is set up at import time,
not in a fixture. When the collection is already importable from this very checkout (``ansible-test units``
sets that up itself), nothing is changed.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sys
import tempfile

REPO_ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def _already_importable():
    try:
        spec = importlib.util.find_spec("ansible_collections.oncall.grafana")
    except (ImportError, ValueError):
        return False
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return any(os.path.realpath(location) == REPO_ROOT for location in locations)


def _link_collection():
    root = tempfile.mkdtemp(prefix="oncall-grafana-units-")
    atexit.register(shutil.rmtree, root, True)  # rmtree removes the link, never what it points to
    namespace = os.path.join(root, "ansible_collections", "oncall")
    os.makedirs(namespace)
    os.symlink(REPO_ROOT, os.path.join(namespace, "grafana"))
    sys.path.insert(0, root)
    # A namespace package imported before the path change would keep its old search path.
    for name in [name for name in sys.modules if name.startswith("ansible_collections.oncall")]:
        del sys.modules[name]
    importlib.invalidate_caches()


if not _already_importable():
    _link_collection()

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.version import COLLECTION_VERSION

GALAXY_YML = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "galaxy.yml")


def test_collection_version_equals_galaxy_yml_version():
    yaml = pytest.importorskip("yaml")
    if not os.path.exists(GALAXY_YML):
        pytest.skip("galaxy.yml does not exist yet at %s" % os.path.normpath(GALAXY_YML))
    with open(GALAXY_YML, encoding="utf-8") as handle:
        galaxy = yaml.safe_load(handle)
    assert COLLECTION_VERSION == str(galaxy["version"])


def test_collection_version_is_semver():
    parts = COLLECTION_VERSION.split("-", maxsplit=1)[0].split(".")
    assert len(parts) == 3 and all(part.isdigit() for part in parts)

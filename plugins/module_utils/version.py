# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's version, sent in the User-Agent. A unit test keeps it equal to galaxy.yml's."""

from __future__ import annotations

COLLECTION_VERSION = "1.0.0"

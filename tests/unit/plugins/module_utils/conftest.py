# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the module_utils unit tests: one in-process emulator per test module, reset for every test."""

from __future__ import annotations

import pytest

from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.emulated import EmulatedOnCall, start_server


def fresh(server):
    """The emulator reset for one test; its fault rules are cleared afterwards."""
    emulated = EmulatedOnCall(server)
    emulated.reset()
    yield emulated
    server.clear_faults()


@pytest.fixture(scope="module")
def oncall_server():
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def oncall(oncall_server):
    """A freshly reset emulator (teams ops and db, Slack channels alerts and ops-noise, users alice, bob and carol, schedules
    primary and secondary, user group sre-oncall) with an empty request log."""
    yield from fresh(oncall_server)


@pytest.fixture(scope="module")
def cloud_server():
    server = start_server(cloud=True)
    yield server
    server.stop()


@pytest.fixture
def cloud(cloud_server):
    """A freshly reset emulator of Grafana Cloud, whose templates and routes also have the msteams backend."""
    yield from fresh(cloud_server)


@pytest.fixture(scope="module")
def seeded_server():
    server = start_server(seed_integrations=1050)
    yield server
    server.stop()


@pytest.fixture
def seeded(seeded_server):
    """A freshly reset emulator with 1,050 integrations (seed-00001 ...): a listing of 11 pages."""
    yield from fresh(seeded_server)

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server a benchmark section measures: the bundled emulator, or a real OnCall when ONCALL_TEST_URL and
ONCALL_TEST_TOKEN are set (the variables of `make test-real`).

A real server is reached through the playbook tests' recording proxy (tests/integration/recording_proxy.py), whose
log the bench_log callback reads over HTTP, as it reads the emulator's. Every object a section makes on a real server
carries the run's name prefix (`bench-<random>-`) and is deleted when the section ends, however it ends; nothing else
on the server is changed.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from urllib.parse import urlsplit

from harness import TOKEN, Api, emulator  # harness puts tests/integration on sys.path
from recording_proxy import RecordingProxy  # pylint: disable=import-error


def real_server():
    """(url, token) of the real OnCall to measure, or None for the emulator; both variables or neither."""
    url, token = os.environ.get("ONCALL_TEST_URL"), os.environ.get("ONCALL_TEST_TOKEN")
    if bool(url) != bool(token):
        raise SystemExit("set both ONCALL_TEST_URL and ONCALL_TEST_TOKEN to measure a real OnCall, or neither for the emulator")
    return (url.rstrip("/"), token) if url else None


def describe_server():
    """How the page names the server the figures came from."""
    real = real_server()
    if not real:
        return "the bundled emulator"
    parts = urlsplit(real[0])  # host and port only: never credentials a URL may carry
    return "the OnCall at %s" % (parts.hostname + (":%d" % parts.port if parts.port else ""))


class Target:
    """What a section needs of its server: `url` and `token` for the playbooks, `log_url` for the callback, `api` to set
    up and read back, `name()` for the objects it makes, and `real`."""

    def __init__(self, url, token, log_url, prefix, real):
        self.url = url
        self.token = token
        self.log_url = log_url
        self.api = Api(url, token)
        self.prefix = prefix
        self.real = real

    def name(self, suffix):
        return self.prefix + suffix

    def run(self, runner, tasks, **kwargs):
        """runner.run against this server."""
        return runner.run(self.url, tasks, token=self.token, log_url=self.log_url, **kwargs)


def emulator_target(server):
    """The Target of an emulator a section started itself (the sections that need one of their own)."""
    return Target(server.url, TOKEN, None, "bench-", real=False)


@contextlib.contextmanager
def open_target(seed=0):
    """The server to measure, ready for a section: an emulator seeded with `seed` integrations, or the real OnCall
    (never seeded: it holds what it holds), cleaned of the run's objects at the end."""
    real = real_server()
    if real is None:
        server = emulator(seed=seed)
        try:
            yield emulator_target(server)
        finally:
            server.stop()
        return
    url, token = real
    prefix = "bench-%s-" % uuid.uuid4().hex[:8]
    with RecordingProxy(url) as proxy:
        target = Target(proxy.url, token, proxy.log_url, prefix, real=True)
        try:
            yield target
        finally:
            Api(url, token).delete_prefixed(prefix)  # straight to the server

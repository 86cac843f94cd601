# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Playbook tests: the real ansible-playbook against the local OnCall emulator (or a real OnCall).

The playbooks reach the server through a recording proxy (recording_proxy.py) whose log the tests count and
check requests with, so the same tests run against any server. Set ONCALL_TEST_URL and ONCALL_TEST_TOKEN to run
against a real server instead: every object the tests make carries a per-run name prefix and is deleted at the
end. The proxy injects the fault tests' faults in front of any server; only tests that need the emulator itself
(a lowered rate limit, TLS, their own emulators, an organization of known content: marked emulator_only, with the
reason) are skipped, and tests that need Slack, teams or users the server lacks say so and skip.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import uuid
from collections import Counter
from pathlib import Path

import pytest
import requests
import yaml

REPO = Path(__file__).resolve().parents[2]
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)
sys.path.insert(0, str(REPO / "tests" / "emulator"))
sys.path.insert(0, str(REPO / "tests" / "integration"))

from server import EmulatorServer  # noqa: E402  pylint: disable=wrong-import-position
from raw_api import RawApi  # noqa: E402  pylint: disable=wrong-import-position
from recording_proxy import RecordingProxy, refused_by_server  # noqa: E402  pylint: disable=wrong-import-position

TOKEN = "emulator-test-token-0123456789abcdef"
TEAMS = ("ops", "db")
SLACK_CHANNELS = {"alerts": "C01ALERTS", "ops-pager": "C02PAGER"}
# Users, schedules and Slack user groups that escalation steps point at (no module creates them).
USERS = ("alice", "bob", ("carol", "carol.jones@example.com"))
SCHEDULES = ("primary", "secondary")
USER_GROUPS = ("sre-oncall",)
# Far above what the tests send, so the rate limit never trips by accident (fault tests lower it on purpose).
TEST_RATE_LIMIT = "100000/m"


def _has_users(target):
    """Every user of USERS, by username, and with the e-mail address given there (tests name users by either)."""
    emails = {user["username"]: (user.get("email") or "").lower() for user in target.list("users/")}
    return all(user in emails if isinstance(user, str) else emails.get(user[0]) == user[1] for user in USERS)


# What a real server must have for the tests that use it; the emulator is started with all of it.
_PROBES = {
    "slack": lambda target: all(any(channel["name"] == name for channel in target.list("slack_channels/", channel_name=name))
                                for name in SLACK_CHANNELS),
    "users": _has_users,
    "schedules": lambda target: set(SCHEDULES) <= {item["name"] for item in target.list("schedules/")},
    "user_groups": lambda target: set(USER_GROUPS) <= {item["slack"]["handle"] for item in target.list("user_groups/")},
    "no_msteams": lambda target: not any("msteams" in (item.get("templates") or {}) for item in target.list("integrations/")[:20]),
}
_NEEDS = {
    "slack": "Slack connected, with channels %s" % ", ".join("#" + name for name in SLACK_CHANNELS),
    "users": "users %s" % ", ".join(user if isinstance(user, str) else "%s (%s)" % user for user in USERS),
    "schedules": "schedules %s" % ", ".join(SCHEDULES),
    "user_groups": "Slack user groups %s" % ", ".join("@" + handle for handle in USER_GROUPS),
    "no_msteams": "no MS Teams connected (the test checks the error for a missing messaging backend)",
}


class Target(RawApi):
    """The OnCall server under test, the recording proxy the playbooks reach it through, and an independent way to
    read it (RawApi: plain requests on a fresh connection per call, not our client).

    ``url`` is the proxy's: what playbooks get. ``server_url`` is the server's own: what the raw read-back uses, so
    that reading state back never shows in the request log. ``log()`` is the proxy's log, on any server.
    """

    def __init__(self, server_url, token, proxy, emulator=None):
        super().__init__(server_url, token)
        self.proxy = proxy
        self.url = proxy.url
        self.emulator = emulator
        self.prefix = "ansible-test-%s-" % uuid.uuid4().hex[:8]
        self._capabilities = {}

    @property
    def is_emulator(self):
        return self.emulator is not None

    def name(self, suffix):
        """A name unique to this test run, so a real server's other objects are never touched."""
        return self.prefix + suffix

    # -- independent read-back and setup through the raw API: api() and list(), of RawApi
    def integrations(self, name=None):
        found = self.list("integrations/", **({"name": name} if name else {}))
        return [item for item in found if item["name"].startswith(self.prefix) or not self.prefix]

    def create_integration(self, **body):
        response = self.api("POST", "integrations/", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def team_id(self, name):
        teams = self.list("teams/", name=name)
        if not teams:
            pytest.skip("team %r does not exist on this server (the playbook tests need teams ops and db)" % name)
        return teams[0]["id"]

    def needs(self, what):
        """Skip unless the server has ``what``, which the emulator always has:

        - "slack": Slack connected, with the channels of SLACK_CHANNELS (by name);
        - "users": the users of USERS (by username), "schedules": SCHEDULES, "user_groups": USER_GROUPS (Slack handles);
        - "no_msteams": no MS Teams messaging backend (Grafana Cloud may have one).
        """
        if self.is_emulator:
            return
        if what not in self._capabilities:
            try:
                self._capabilities[what] = _PROBES[what](self)
            except (requests.RequestException, KeyError, ValueError):
                self._capabilities[what] = False
        if not self._capabilities[what]:
            pytest.skip("needs %s on the server under test" % _NEEDS[what])

    def slack_id(self, name):
        """The id of the Slack channel ``name`` (a key of SLACK_CHANNELS) on the server; skips without Slack."""
        if self.is_emulator:
            return SLACK_CHANNELS[name]
        self.needs("slack")
        return next(channel["slack_id"] for channel in self.list("slack_channels/", channel_name=name) if channel["name"] == name)

    # -- the request log: the proxy's, whatever the server
    def log(self):
        """Every request the playbooks sent since clear_log(). On a real server, without the ones the server itself
        answered 429: it allows 300 requests a minute, which the suite passes at times, and the client then waits and
        sends again; the budgets count what the server answered. (On the emulator, 429s come only from fault rules.)
        A request a fault rule took says so (keys fault, applied, ...: see recording_proxy.py)."""
        entries = self.proxy.log()
        return entries if self.is_emulator else [entry for entry in entries if not refused_by_server(entry)]

    def clear_log(self):
        """Empty the proxy's log (and the emulator's, which also holds the test's own raw setup calls)."""
        self.proxy.clear()
        if self.is_emulator:
            self.control("DELETE", "requests")

    # -- faults, injected by the proxy on any server
    def add_fault(self, method="*", path="", count=1, kind="status", **options):
        """Make the next ``count`` requests matching ``method`` and ``path`` (a regular expression; ``query=`` one for
        the query string) fail: a rule of tests/emulator/faults.py, applied by the proxy in front of the server."""
        return self.proxy.faults.add(dict(options, method=method, path=path, count=count, kind=kind))

    def clear_faults(self):
        self.proxy.faults.clear()

    # -- emulator only
    def control(self, method, path, **kwargs):
        if not self.is_emulator:
            pytest.skip("needs the local emulator's control endpoints")
        response = requests.request(method, "%s/__emulator__/%s" % (self.emulator.url, path), timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        self.clear_faults()
        if self.is_emulator:
            self.control("POST", "reset")
        else:
            self.cleanup()
        self.clear_log()

    def cleanup(self):
        """Delete every object of this run (its names carry the prefix)."""
        self.delete_prefixed(self.prefix)


def pytest_configure(config):  # pylint: disable=unused-argument
    if bool(os.environ.get("ONCALL_TEST_URL")) != bool(os.environ.get("ONCALL_TEST_TOKEN")):
        raise pytest.UsageError("set both ONCALL_TEST_URL and ONCALL_TEST_TOKEN to run the playbook tests against a real OnCall, "
                                "or neither to run them against the emulator")


def pytest_collection_modifyitems(config, items):  # pylint: disable=unused-argument
    """Against a real server, skip the tests marked emulator_only with their reason (also those that never use the
    ``oncall`` fixture, having emulators of their own)."""
    if not (os.environ.get("ONCALL_TEST_URL") and os.environ.get("ONCALL_TEST_TOKEN")):
        return
    for item in items:
        marker = item.get_closest_marker("emulator_only")
        if marker:
            item.add_marker(pytest.mark.skip(reason="emulator only: %s" % (marker.args[0] if marker.args else "needs the local emulator")))


def pytest_report_header(config):  # pylint: disable=unused-argument
    url = os.environ.get("ONCALL_TEST_URL")
    return "playbook tests against %s" % (url if url and os.environ.get("ONCALL_TEST_TOKEN") else "the local emulator")


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    """A collections path where oncall.grafana is this checkout (ansible-playbook loads it from there)."""
    root = tmp_path_factory.mktemp("collections")
    (root / "ansible_collections" / "oncall").mkdir(parents=True)
    (root / "ansible_collections" / "oncall" / "grafana").symlink_to(REPO, target_is_directory=True)
    return root


@pytest.fixture(scope="session")
def oncall_server():
    """The server under test behind the recording proxy: ONCALL_TEST_URL/ONCALL_TEST_TOKEN when set, else the emulator.

    On a real server, every object of the run is deleted at the end, however the session ends.
    """
    url, token = os.environ.get("ONCALL_TEST_URL"), os.environ.get("ONCALL_TEST_TOKEN")
    if url and token:
        with RecordingProxy(url) as proxy:
            target = Target(url, token, proxy)
            try:
                yield target
            finally:
                target.cleanup()
        return
    server = EmulatorServer(token=TOKEN, teams=list(TEAMS), slack_channels=dict(SLACK_CHANNELS), rate_limit=TEST_RATE_LIMIT,
                            host="127.0.0.1", port=0, users=list(USERS), schedules=list(SCHEDULES), user_groups=list(USER_GROUPS))
    server.start()
    try:
        with RecordingProxy(server.url) as proxy:
            yield Target(server.url, TOKEN, proxy, emulator=server)
    finally:
        server.stop()


@pytest.fixture
def oncall(oncall_server):
    """The server, emptied (emulator) or cleaned of this run's objects (real server), with a fresh request log.

    On a real server the test's objects are deleted again afterwards, pass or fail.
    """
    oncall_server.reset()
    yield oncall_server
    if not oncall_server.is_emulator:
        oncall_server.cleanup()


class PlayResult:
    def __init__(self, rc, stdout, stderr, records):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.records = records

    @property
    def results(self):
        return [record["result"] for record in self.records]

    @property
    def last(self):
        return self.records[-1]["result"] if self.records else {}

    def __repr__(self):
        return "PlayResult(rc=%s)\n--- stdout\n%s\n--- stderr\n%s" % (self.rc, self.stdout[-6000:], self.stderr[-3000:])


@pytest.fixture
def playbook(oncall, collections_path, tmp_path):
    """Run tasks with the real ansible-playbook; returns a PlayResult with every task's result.

    ``tasks`` is a list of task dicts, or YAML text (to write ``!unsafe`` templates as users do).
    The connection comes from module_defaults unless ``connection=False``.
    """
    bin_dir = Path(sys.executable).parent
    counter = iter(range(1000))

    def run(tasks, check=False, diff=False, connection=True, env=None, args=(), play_vars=None):
        index = next(counter)
        if not isinstance(tasks, str):
            tasks = yaml.safe_dump(tasks, sort_keys=False)
        play = {
            "hosts": "localhost",
            "gather_facts": False,
            "vars": dict({"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, **(play_vars or {})),
        }
        if connection:
            play["module_defaults"] = {"group/oncall.grafana.oncall": {"url": oncall.url, "token": oncall.token}}
        text = yaml.safe_dump([play], sort_keys=False).rstrip() + "\n  tasks:\n" + textwrap.indent(tasks, "    ")
        path = tmp_path / ("play%d.yml" % index)
        path.write_text(text)
        return run_file(path, check=check, diff=diff, env=env, args=args)

    def run_file(path, check=False, diff=False, env=None, args=(), project=None):
        """Run a whole playbook file as written (its own plays, vars and module_defaults).

        ``project``: a directory to run in, whose ansible.cfg names the inventory; without it, the play runs on localhost.
        """
        results = tmp_path / ("results%d.json" % next(counter))
        run_env = {key: value for key, value in os.environ.items() if not key.startswith("GRAFANA_")}
        run_env.update({
            "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
            "ANSIBLE_CALLBACK_PLUGINS": str(REPO / "tests" / "integration" / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_HOST_KEY_CHECKING": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
            "ONCALL_TEST_RESULTS": str(results),
        })
        run_env.update(env or {})
        command = [str(bin_dir / "ansible-playbook"), str(path)]
        command += [] if project else ["-i", "localhost,", "-c", "local"]
        command += ["--check"] if check else []
        command += ["--diff"] if diff else []
        command += list(args)
        proc = subprocess.run(command, env=run_env, cwd=str(project or tmp_path), capture_output=True, text=True, timeout=300, check=False)
        records = json.loads(results.read_text()) if results.exists() else []
        return PlayResult(proc.returncode, proc.stdout, proc.stderr, records)

    run.file = run_file
    return run


@pytest.fixture
def runs_twice(playbook, tmp_path):
    """Run a documented playbook twice against ``url`` (an OnCall base URL); the request counts by method of each run.

    The playbook reaches the server through a recording proxy of its own, which counts its requests. The second run
    must report no change: that is what the docs promise of every playbook they show. ``env``: more environment the
    playbook reads (a secret it looks up).
    """
    def run(text, url, token, env=None):
        path = tmp_path / "documented.yml"
        path.write_text(text)
        counts = []
        with RecordingProxy(url) as proxy:
            env = dict(env or {}, GRAFANA_ONCALL_URL=proxy.url, GRAFANA_ONCALL_ACCESS_TOKEN=token)
            for run_number in range(2):
                proxy.clear()
                play = playbook.file(path, env=env)
                assert play.rc == 0, play
                counts.append(Counter(entry["method"] for entry in proxy.log()))
                if run_number == 1:
                    changed = [record["task"] for record in play.records if record["result"].get("changed")]
                    assert changed == [], changed
        return counts
    return run


class DocPage:
    """A page of docs/ whose playbook a test runs: its YAML blocks, and the request totals its text states."""

    def __init__(self, name):
        self.name = name
        self.text = (REPO / "docs" / name).read_text()

    def blocks(self):
        """Every YAML block of the page, in order."""
        return YAML_BLOCK.findall(self.text)

    def playbook(self, title=None):
        """The YAML block of the play named ``title``; the page's first block when None."""
        blocks = self.blocks()
        return blocks[0] if title is None else next(block for block in blocks if block.startswith("- name: %s\n" % title))

    def totals(self, pattern):
        """The two request totals that ``pattern`` (a regular expression with two number groups) finds in the page."""
        match = re.search(pattern, self.text)
        assert match, "docs/%s no longer states the totals its test checks" % self.name
        return int(match.group(1)), int(match.group(2))


@pytest.fixture
def doc_page():
    """DocPage, by the page's file name: ``doc_page("routing.md")``."""
    return DocPage

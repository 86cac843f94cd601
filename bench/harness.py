# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every benchmark section shares: the emulator, the playbook runner, the raw API client, the formatting.

Also the shape of a section (`Section`), which each file of bench/sections/ declares and
bench/sections/__init__.py lists.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, NamedTuple, Optional

import requests
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "emulator"))
sys.path.insert(0, str(REPO / "tests" / "integration"))

from raw_api import RawApi  # noqa: E402 pylint: disable=wrong-import-position,import-error
from recording_proxy import refused_by_server  # noqa: E402 pylint: disable=wrong-import-position,import-error
from server import EmulatorServer  # noqa: E402 pylint: disable=wrong-import-position,import-error

TOKEN = "bench-token-0123456789abcdef"
TEAMS = ["ops", "db"]
SLACK_CHANNELS = {"alerts": "C01ALERTS", "ops-pager": "C02PAGER"}
RATE_LIMIT = "100000/m"
PAGE = 100  # perpage the client asks for
CALLBACKS = REPO / "bench" / "callback_plugins"


class Section(NamedTuple):
    """One benchmark section: what a file of bench/sections/ declares as its SECTION.

    run(runner, args) prints its tables as they come and returns what render(args, result) turns into
    the section's part of docs/performance.md. add_arguments(parser), when given, adds the section's own
    command-line flags (the ones only it reads).
    """

    name: str  # what --only takes
    run: Callable
    render: Callable
    add_arguments: Optional[Callable] = None


def out(text=""):
    print(text, flush=True)


def table(headers, rows):
    """A Markdown table (also what is printed)."""
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for header in headers) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def pages(count):
    return max(1, math.ceil(count / PAGE))


def ms(seconds):
    return "%.0f ms" % (seconds * 1000)


class Unsafe(str):
    """A string Ansible must not template (an OnCall Jinja template): written to the playbook as `!unsafe`."""


class PlayDumper(yaml.SafeDumper):
    """yaml.safe_dump's dumper, plus `!unsafe` strings, and no anchors for objects the playbook repeats."""

    def ignore_aliases(self, data):
        return True


PlayDumper.add_representer(Unsafe, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value)))


class Api(RawApi):
    """Setup through the raw API (tests/integration/raw_api.py: plain requests, not the collection's client), whose
    answers must be successes."""

    def __init__(self, url, token=TOKEN):
        super().__init__(url, token)

    def call(self, method, path, **kwargs):
        response = self.api(method, path, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError("%s %s: HTTP %s %s" % (method, path, response.status_code, response.text[:300]))
        return response.json() if response.content else None

    def post(self, path, **body):
        return self.call("POST", path, json=body)

    def team_id(self, name):
        found = [team for team in self.call("GET", "teams/", params={"name": name})["results"] if team["name"] == name]
        if not found:
            raise SystemExit("the server has no team %s: the benchmark names the teams ops and db (Grafana teams, which OnCall copies)" % name)
        return found[0]["id"]

    def count(self, path):
        return self.call("GET", path, params={"perpage": PAGE})["count"]

    def control(self, method, name):
        response = requests.request(method, "%s/__emulator__/%s" % (self.server_url, name), timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None


class Runner:
    """ansible-playbook from this venv, with the bench_log callback recording each task's requests and time."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.bin_dir = Path(sys.executable).parent
        self.counter = 0
        collections = workdir / "collections" / "ansible_collections" / "oncall"
        collections.mkdir(parents=True)
        (collections / "grafana").symlink_to(REPO, target_is_directory=True)
        self.collections = workdir / "collections"

    def run(self, server_url, tasks, play_vars=None, env=None, connection=True, inventory=None, forks=None, hosts="localhost",
            token=TOKEN, log_url=None):
        """ansible-playbook on localhost against `server_url`; with `inventory` (a path), on its `hosts` instead, each host's
        connection taken from its host vars `oncall_url` / `oncall_token` (the layout of docs/many-stacks.md).

        Each task's requests come from the request log at `log_url` (by default the emulator's at `server_url`; the
        recording proxy's in front of a real server). A real server's own 429 answers are left out of them (the client
        waits and asks again: the counts are what the server answered) and counted in the record's `throttled`.
        """
        self.counter += 1
        play = {
            "name": "bench",
            "hosts": hosts,
            "gather_facts": False,
            "vars": dict({} if inventory else {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, **(play_vars or {})),
        }
        if inventory:
            play["module_defaults"] = {"group/oncall.grafana.oncall": {"url": "{{ oncall_url }}", "token": "{{ oncall_token }}"}}
        elif connection:
            play["module_defaults"] = {"group/oncall.grafana.oncall": {"url": server_url, "token": token}}
        play["tasks"] = tasks
        path = self.workdir / ("play%02d.yml" % self.counter)
        path.write_text(yaml.dump([play], Dumper=PlayDumper, sort_keys=False))
        results = self.workdir / ("results%02d.json" % self.counter)
        run_env = {key: value for key, value in os.environ.items() if not key.startswith("GRAFANA_")}
        run_env.update({
            "ANSIBLE_COLLECTIONS_PATH": str(self.collections),
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_log",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": str(self.workdir / "local-tmp"),
            "ANSIBLE_REMOTE_TMP": str(self.workdir / "remote-tmp"),
            "BENCH_LOG_URL": log_url or (server_url + "/__emulator__/requests" if server_url else ""),
            "BENCH_RESULTS": str(results),
        })
        run_env.update(env or {})
        command = [str(self.bin_dir / "ansible-playbook")] + (["-i", str(inventory)] if inventory else ["-i", "localhost,", "-c", "local"])
        command += ["-f", str(forks)] if forks else []
        command.append(str(path))
        started = time.monotonic()
        proc = subprocess.run(command, env=run_env, cwd=str(self.workdir), capture_output=True, text=True, timeout=600, check=False)
        wall = time.monotonic() - started
        records = json.loads(results.read_text()) if results.exists() else []
        for record in records:
            answered = [entry for entry in record["requests"] if not refused_by_server(entry)]
            record["throttled"] = len(record["requests"]) - len(answered)
            record["requests"] = answered
        failed = [record for record in records if record["status"] != "ok"]
        if proc.returncode != 0 or failed:
            raise RuntimeError("ansible-playbook %s failed (rc=%s): %s\n%s\n%s" % (
                path, proc.returncode, [(record["task"], record["msg"]) for record in failed], proc.stdout[-4000:], proc.stderr[-2000:]))
        return wall, records


def emulator(seed=0):
    return EmulatorServer(token=TOKEN, teams=list(TEAMS), slack_channels=dict(SLACK_CHANNELS), rate_limit=RATE_LIMIT,
                          host="127.0.0.1", port=0, seed_integrations=seed).start()


def describe(entries):
    """The requests of one task, short: 'GET /integrations/?name, POST /integrations/'."""
    parts = []
    for entry in entries:
        segments = entry["path"].replace("/api/v1/", "/").strip("/").split("/")
        path = "/" + "/".join(segments[:1] + ["<id>"] * len(segments[1:])) + "/"
        query = sorted(key for key in (entry.get("query") or {}) if key not in ("perpage", "page"))
        parts.append("%s %s%s" % (entry["method"], path, "?" + "&".join(query) if query else ""))
    compact = []
    for part in parts:  # collapse pages: GET /integrations/ x3
        if compact and compact[-1][0] == part:
            compact[-1][1] += 1
        else:
            compact.append([part, 1])
    return ", ".join(part if count == 1 else "%s x%d" % (part, count) for part, count in compact)

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the oncall.grafana modules against the bundled emulator: `make bench`.

Runs the real ansible-playbook of the venv this script runs in (.build/venv-2.19), prints every table as
it is produced, and writes docs/performance.md. Not part of `make test`.

    .build/venv-2.19/bin/python bench/run.py [--reps 5] [--sizes 100,1000,5000] [--fleet-size 500] [--output docs/performance.md]
    .build/venv-2.19/bin/python bench/run.py --only fleet --fleet-size 50    # one section alone, no page written
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "emulator"))

from server import EmulatorServer  # noqa: E402 pylint: disable=wrong-import-position,import-error

TOKEN = "bench-token-0123456789abcdef"
TEAMS = ["ops", "db"]
SLACK_CHANNELS = {"alerts": "C01ALERTS", "ops-pager": "C02PAGER"}
RATE_LIMIT = "100000/m"
PAGE = 100  # perpage the client asks for
CALLBACKS = REPO / "bench" / "callback_plugins"
N_UNCHANGED = 50
SECTIONS = ("operations", "unchanged", "sizes", "fleet")  # --only; "sizes" is the lookups and the peak memory
CAP = 300  # requests a minute per token: the real API's throttle
GOAL_REQUESTS, GOAL_SECONDS = 10, 5.0  # issue 7: "under 10 requests and a few seconds for the whole fleet"


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


class Api:
    """Setup through the raw API (plain requests, not the collection's client)."""

    def __init__(self, url):
        self.url = url
        self.http = requests.Session()
        self.http.headers["Authorization"] = TOKEN

    def call(self, method, path, **kwargs):
        response = self.http.request(method, "%s/api/v1/%s" % (self.url, path), timeout=30, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError("%s %s: HTTP %s %s" % (method, path, response.status_code, response.text[:300]))
        return response.json() if response.content else None

    def post(self, path, **body):
        return self.call("POST", path, json=body)

    def team_id(self, name):
        return [team for team in self.call("GET", "teams/", params={"name": name})["results"] if team["name"] == name][0]["id"]

    def count(self, path):
        return self.call("GET", path, params={"perpage": PAGE})["count"]

    def list_all(self, path):
        found, page = [], 1
        while True:
            body = self.call("GET", path, params={"perpage": PAGE, "page": page})
            found += body["results"]
            if not body["next"]:
                return found
            page += 1

    def control(self, method, name):
        response = requests.request(method, "%s/__emulator__/%s" % (self.url, name), timeout=30)
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

    def run(self, server_url, tasks, play_vars=None, env=None, connection=True):
        self.counter += 1
        play = {
            "name": "bench",
            "hosts": "localhost",
            "gather_facts": False,
            "vars": dict({"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, **(play_vars or {})),
        }
        if connection:
            play["module_defaults"] = {"group/oncall.grafana.oncall": {"url": server_url, "token": TOKEN}}
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
            "BENCH_EMULATOR_URL": server_url,
            "BENCH_RESULTS": str(results),
        })
        run_env.update(env or {})
        command = [str(self.bin_dir / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(path)]
        started = time.monotonic()
        proc = subprocess.run(command, env=run_env, cwd=str(self.workdir), capture_output=True, text=True, timeout=600, check=False)
        wall = time.monotonic() - started
        records = json.loads(results.read_text()) if results.exists() else []
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


# ---------------------------------------------------------------- 1. requests per operation

def operation_scenarios(ids):
    """(module, how, case, options, minimum, check_mode) in the order they run; each depends on the ones before."""
    int_names = {"team": "ops", "default_route": {"escalation_chain": "bench-chain-a", "slack": {"channel": "#alerts"}}}
    route_names = {"integration": "bench-routed", "escalation_chain": "bench-chain-a", "slack": {"channel": "#alerts"}}
    pages_int, pages_chain = pages(ids["n_integrations"]), pages(ids["n_chains"])
    return [
        # Info modules first, while the counts in ids hold.
        ("oncall_integration_info", "all (%d integrations)" % ids["n_integrations"], "list", {}, pages_int, False),
        ("oncall_integration_info", "by name", "list", {"name": "bench-routed"}, 1, False),
        ("oncall_integration_info", "by id", "list", {"id": ids["routed"]}, 1, False),
        ("oncall_integration_info", "by team name", "list", {"team": "ops"}, 1 + pages_int, False),
        ("oncall_escalation_chain_info", "all (%d chains)" % ids["n_chains"], "list", {}, pages_chain, False),
        ("oncall_escalation_chain_info", "by name", "list", {"name": "bench-chain-a"}, 1, False),
        ("oncall_route_info", "by integration_id", "list", {"integration_id": ids["routed"]}, 1, False),
        ("oncall_route_info", "by integration name", "list", {"integration": "bench-routed"}, 2, False),

        ("oncall_integration", "name, ids only", "create (check mode)", {"name": "bench-int-plain", "type": "webhook"}, 1, True),
        ("oncall_integration", "name, ids only", "create", {"name": "bench-int-plain", "type": "webhook"}, 2, False),
        ("oncall_integration", "name, ids only", "unchanged", {"name": "bench-int-plain", "type": "webhook"}, 1, False),
        ("oncall_integration", "name, ids only", "update (check mode)", {"name": "bench-int-plain", "description_short": "v2"}, 1, True),
        ("oncall_integration", "name, ids only", "update", {"name": "bench-int-plain", "description_short": "v2"}, 2, False),
        ("oncall_integration", "name, ids only", "update: default route chain by id",
         {"name": "bench-int-plain", "default_route": {"escalation_chain_id": ids["chain_a"]}}, 2, False),
        ("oncall_integration", "name, ids only", "delete", {"name": "bench-int-plain", "state": "absent"}, 2, False),
        ("oncall_integration", "name, ids only", "absent, missing", {"name": "bench-int-plain", "state": "absent"}, 1, False),
        ("oncall_integration", "+ team, chain, Slack channel names", "create",
         dict(int_names, name="bench-int-named", type="webhook"), 5, False),
        ("oncall_integration", "+ team, chain, Slack channel names", "unchanged",
         dict(int_names, name="bench-int-named", type="webhook"), 4, False),
        ("oncall_integration", "+ team, chain, Slack channel names", "update",
         dict(int_names, name="bench-int-named", description_short="v2"), 5, False),
        ("oncall_integration", "+ team name", "delete", {"name": "bench-int-named", "team": "ops", "state": "absent"}, 3, False),
        ("oncall_integration", "+ team name", "absent, missing", {"name": "bench-int-named", "team": "ops", "state": "absent"}, 2, False),
        ("oncall_integration", "by id", "unchanged", {"id": ids["int_byid"], "description_short": "v1"}, 1, False),
        ("oncall_integration", "by id", "update", {"id": ids["int_byid"], "description_short": "v2"}, 2, False),
        ("oncall_integration", "by id", "delete", {"id": ids["int_byid"], "state": "absent"}, 2, False),
        ("oncall_integration", "by id", "absent, missing", {"id": ids["int_byid"], "state": "absent"}, 1, False),

        ("oncall_escalation_chain", "name, ids only", "create", {"name": "bench-chain-plain"}, 2, False),
        ("oncall_escalation_chain", "name, ids only", "unchanged", {"name": "bench-chain-plain"}, 1, False),
        ("oncall_escalation_chain", "name, ids only", "update (team_id)", {"name": "bench-chain-plain", "team_id": ids["team_ops"]}, 2, False),
        ("oncall_escalation_chain", "name, ids only", "delete", {"name": "bench-chain-plain", "state": "absent"}, 2, False),
        ("oncall_escalation_chain", "name, ids only", "absent, missing", {"name": "bench-chain-plain", "state": "absent"}, 1, False),
        ("oncall_escalation_chain", "+ team name", "create", {"name": "bench-chain-named", "team": "ops"}, 3, False),
        ("oncall_escalation_chain", "+ team name", "unchanged", {"name": "bench-chain-named", "team": "ops"}, 2, False),
        ("oncall_escalation_chain", "+ team name", "update (team)", {"name": "bench-chain-named", "team": "db"}, 3, False),
        ("oncall_escalation_chain", "name, ids only", "delete (was + team)", {"name": "bench-chain-named", "state": "absent"}, 2, False),
        ("oncall_escalation_chain", "by id", "unchanged", {"id": ids["chain_byid"], "name": "bench-chain-byid"}, 1, False),
        ("oncall_escalation_chain", "by id", "update (rename)", {"id": ids["chain_byid"], "name": "bench-chain-byid-2"}, 2, False),
        ("oncall_escalation_chain", "by id", "delete", {"id": ids["chain_byid"], "state": "absent"}, 2, False),
        ("oncall_escalation_chain", "by id", "absent, missing", {"id": ids["chain_byid"], "state": "absent"}, 1, False),

        ("oncall_route", "integration_id, chain id", "create",
         {"integration_id": ids["routed"], "routing_regex": "r-ids", "escalation_chain_id": ids["chain_a"]}, 2, False),
        ("oncall_route", "integration_id, chain id", "unchanged",
         {"integration_id": ids["routed"], "routing_regex": "r-ids", "escalation_chain_id": ids["chain_a"]}, 1, False),
        ("oncall_route", "integration_id, chain id", "update (chain)",
         {"integration_id": ids["routed"], "routing_regex": "r-ids", "escalation_chain_id": ids["chain_b"]}, 2, False),
        ("oncall_route", "integration_id, chain id", "move (position 0)",
         {"integration_id": ids["routed"], "routing_regex": "r-ids", "position": 0}, 2, False),
        ("oncall_route", "integration_id, chain id", "unchanged, position given",
         {"integration_id": ids["routed"], "routing_regex": "r-ids", "position": 0}, 1, False),
        ("oncall_route", "integration_id, chain id", "clear chain = re-create",
         {"integration_id": ids["routed"], "routing_regex": "r-ids", "escalation_chain_id": ""}, 3, False),
        ("oncall_route", "integration_id, chain id", "delete", {"integration_id": ids["routed"], "routing_regex": "r-ids", "state": "absent"}, 2, False),
        ("oncall_route", "integration_id, chain id", "absent, missing",
         {"integration_id": ids["routed"], "routing_regex": "r-ids", "state": "absent"}, 1, False),
        ("oncall_route", "integration, chain, Slack channel names", "create", dict(route_names, routing_regex="r-names"), 5, False),
        ("oncall_route", "integration, chain, Slack channel names", "unchanged", dict(route_names, routing_regex="r-names"), 4, False),
        ("oncall_route", "integration, chain, Slack channel names", "update (chain)",
         dict(route_names, routing_regex="r-names", escalation_chain="bench-chain-b"), 5, False),
        ("oncall_route", "integration name", "delete", {"integration": "bench-routed", "routing_regex": "r-names", "state": "absent"}, 3, False),
        ("oncall_route", "integration name", "absent, missing", {"integration": "bench-routed", "routing_regex": "r-names", "state": "absent"}, 2, False),
        ("oncall_route", "by id", "unchanged", {"id": ids["route_byid"], "escalation_chain_id": ids["chain_a"]}, 1, False),
        ("oncall_route", "by id", "update (chain)", {"id": ids["route_byid"], "escalation_chain_id": ids["chain_b"]}, 2, False),
        ("oncall_route", "by id", "delete", {"id": ids["route_byid"], "state": "absent"}, 2, False),
        ("oncall_route", "by id", "absent, missing", {"id": ids["route_byid"], "state": "absent"}, 1, False),
    ]


def bench_operations(runner, seed):
    """One playbook, one task per operation; the callback clears and reads the request log around each task."""
    server = emulator(seed=seed)
    try:
        api = Api(server.url)
        chain_a = api.post("escalation_chains/", name="bench-chain-a")["id"]
        chain_b = api.post("escalation_chains/", name="bench-chain-b")["id"]
        for number in range(120):
            api.post("escalation_chains/", name="bench-filler-%03d" % number)
        routed = api.post("integrations/", name="bench-routed", type="alertmanager")["id"]
        for regex in ("setup-1", "setup-2"):
            api.post("routes/", integration_id=routed, routing_regex=regex, escalation_chain_id=None)
        route_byid = api.post("routes/", integration_id=routed, routing_regex="byid", escalation_chain_id=chain_a)["id"]
        ids = {
            "chain_a": chain_a, "chain_b": chain_b, "routed": routed, "route_byid": route_byid,
            "chain_byid": api.post("escalation_chains/", name="bench-chain-byid")["id"],
            "int_byid": api.post("integrations/", name="bench-int-byid", type="webhook", description_short="v1")["id"],
            "team_ops": api.team_id("ops"),
        }
        ids["n_integrations"] = api.count("integrations/")
        ids["n_chains"] = api.count("escalation_chains/")
        scenarios = operation_scenarios(ids)
        tasks = []
        for module, how, case, options, dummy, check in scenarios:
            task = {"name": "%s | %s | %s" % (module, how, case), "oncall.grafana." + module: options}
            if check:
                task["check_mode"] = True
            tasks.append(task)
        dummy, records = runner.run(server.url, tasks)
    finally:
        server.stop()
    rows, over = [], []
    for (module, how, case, dummy, minimum, check), record in zip(scenarios, records):
        entries = record["requests"]
        writes = sum(1 for entry in entries if entry["method"] != "GET")
        if check and writes:
            raise RuntimeError("check mode wrote: %s" % record["task"])
        verdict = "yes" if len(entries) == minimum else ("**+%d**" % (len(entries) - minimum) if len(entries) > minimum else "below?")
        if len(entries) != minimum:
            over.append(record["task"])
        rows.append(["`%s`" % module, how, case, "yes" if record["changed"] else "no", len(entries), writes, minimum, verdict,
                     describe(entries)])
    text = table(["Module", "Addressed by", "Operation", "Changed", "Requests", "Writes", "Minimum", "At minimum", "Requests sent"], rows)
    return text, {"over": over, "tasks": len(records), "n_integrations": ids["n_integrations"], "n_chains": ids["n_chains"]}


# ---------------------------------------------------------------- 2. 50 unchanged integrations vs plain uri GETs

def bench_unchanged(runner, reps):
    server = emulator()
    try:
        api = Api(server.url)
        names = ["bench-n-%02d" % number for number in range(1, N_UNCHANGED + 1)]
        ids = [api.post("integrations/", name=name, type="webhook")["id"] for name in names]
        module_task = [{"name": "oncall_integration x%d (by name, unchanged)" % N_UNCHANGED,
                        "oncall.grafana.oncall_integration": {"name": "{{ item }}", "type": "webhook"}, "loop": names}]
        uri_task = [{"name": "ansible.builtin.uri GET x%d" % N_UNCHANGED,
                     "ansible.builtin.uri": {"url": server.url + "/api/v1/integrations/{{ item }}/", "headers": {"Authorization": TOKEN}},
                     "loop": ids}]
        measured = {"module": {"wall": [], "task": [], "requests": set(), "changed": False},
                    "uri": {"wall": [], "task": [], "requests": set(), "changed": False}}
        for dummy in range(reps):  # interleaved, so outside load hits both alike
            for kind, tasks in (("module", module_task), ("uri", uri_task)):
                wall, records = runner.run(server.url, tasks, connection=(kind == "module"))
                measured[kind]["wall"].append(wall)
                measured[kind]["task"].append(records[0]["seconds"])
                measured[kind]["requests"].add(len(records[0]["requests"]))
                measured[kind]["changed"] |= records[0]["changed"]
    finally:
        server.stop()
    if measured["module"]["changed"]:
        raise RuntimeError("the unchanged loop reported a change")
    med = {kind: (statistics.median(values["wall"]), statistics.median(values["task"])) for kind, values in measured.items()}
    rows = []
    for kind, label in (("module", "`oncall.grafana.oncall_integration`, by name, unchanged"), ("uri", "`ansible.builtin.uri` GET by id")):
        values = measured[kind]
        rows.append([label, ", ".join(str(count) for count in sorted(values["requests"])),
                     "%.2f s" % med[kind][1], ms(med[kind][1] / N_UNCHANGED), "%.2f s" % med[kind][0],
                     " / ".join("%.1f" % value for value in values["task"])])
    rows.append(["ratio module / uri", "", "%.2f" % (med["module"][1] / med["uri"][1]), "", "%.2f" % (med["module"][0] / med["uri"][0]), ""])
    text = table(["%d items, one loop task" % N_UNCHANGED, "Requests", "Loop task (median)", "Per item", "Whole ansible-playbook (median)",
                  "Loop task, each run (s)"], rows)
    return text, {"ratio_task": med["module"][1] / med["uri"][1], "ratio_wall": med["module"][0] / med["uri"][0],
                  "module_item": med["module"][1] / N_UNCHANGED, "uri_item": med["uri"][1] / N_UNCHANGED}


# ---------------------------------------------------------------- 3. by-name lookup as the server grows, 4. memory

def raw_lookup(url, name, times=20):
    """Median time of the filtered GET alone, from plain requests (the server's share of a lookup)."""
    http = requests.Session()
    http.headers["Authorization"] = TOKEN
    spent = []
    for dummy in range(times):
        started = time.monotonic()
        response = http.get(url + "/api/v1/integrations/", params={"name": name, "perpage": PAGE}, timeout=30)
        spent.append(time.monotonic() - started)
        if response.json()["count"] != 1:
            raise RuntimeError("lookup of %s found %s" % (name, response.json()["count"]))
    return statistics.median(spent)


def bench_sizes(runner, sizes, lookups):
    rows, list_rows, memory = [], [], None
    for size in sizes:
        server = emulator(seed=size)
        try:
            spread = ["seed-%05d" % number for number in (1, max(1, size // 2), size)]
            names = [spread[index % len(spread)] for index in range(lookups)]
            tasks = [{"name": "lookup %s" % name, "oncall.grafana.oncall_integration": {"name": name}} for name in names]
            tasks.append({"name": "list all", "oncall.grafana.oncall_integration_info": {}})
            dummy, records = runner.run(server.url, tasks)
            lookup_records, list_record = records[:-1], records[-1]
            if any(record["changed"] for record in lookup_records):
                raise RuntimeError("a lookup reported a change")
            counts = sorted({len(record["requests"]) for record in lookup_records})
            rows.append([size, ", ".join(str(count) for count in counts), describe(lookup_records[0]["requests"]),
                         ms(statistics.median(record["seconds"] for record in lookup_records)),
                         " / ".join(ms(record["seconds"]) for record in lookup_records),
                         "%.1f ms" % (raw_lookup(server.url, names[-1]) * 1000)])
            list_rows.append([size, len(list_record["requests"]), pages(size), ms(list_record["seconds"])])
            if size == max(sizes):
                memory = bench_memory(runner, server.url, size)
        finally:
            server.stop()
    lookup_text = table(["Integrations on the server", "Requests per task", "Sent", "Wall time per task (median)", "Each task",
                         "Filtered GET alone (plain requests, median of 20)"], rows)
    list_text = table(["Integrations on the server", "Requests (pages)", "Minimum (100 per page)", "Wall time of the task"], list_rows)
    return lookup_text, list_text, memory


GNU_TIME = os.environ.get("BENCH_GNU_TIME", "/usr/bin/time")
# Fallback without GNU time: the process reports its own VmHWM (peak RSS of its address space since exec).
HWM_WRAPPER = """\
import atexit, runpy, sys
def report(path=sys.argv[2]):
    with open("/proc/self/status") as status, open(path, "w") as out:
        out.write([line.split()[1] for line in status if line.startswith("VmHWM:")][0])
atexit.register(report)
sys.argv = sys.argv[1:2]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def peak_rss_kib(command, workdir, env):
    """Peak resident set size (KiB) of the process running `command`, counted from its exec.

    Not os.wait4() of our own child: Linux carries the parent's RSS at fork into the child's ru_maxrss, so
    a child of this (large) process would report at least our size. GNU time forks from a 1 MiB process
    and reports its child's ru_maxrss (%M); without it, the process reads its own VmHWM at exit.
    """
    report = workdir / "peak-rss.txt"
    if os.access(GNU_TIME, os.X_OK):
        full = [GNU_TIME, "-f", "%M", "-o", str(report)] + command
    else:
        full = [command[0], "-c", HWM_WRAPPER, command[-1], str(report)]
    proc = subprocess.run(full, env=env, capture_output=True, timeout=300, check=False)
    return int(report.read_text().split()[-1]), proc.returncode, proc.stdout


def peak_method():
    return "GNU time (`/usr/bin/time -f %M`)" if os.access(GNU_TIME, os.X_OK) else "the process's own `VmHWM` at exit"


def bench_memory(runner, url, size):
    """Run tasks keeping their AnsiballZ files, then run each kept file again alone and read its peak RSS."""
    keep = runner.workdir / "remote-tmp"
    before = set(keep.glob("ansible-tmp-*")) if keep.exists() else set()
    tasks = [
        ("`ansible.builtin.ping` (baseline: AnsiballZ + Python)", "ping", {"name": "ping", "ansible.builtin.ping": {}}),
        ("`ansible.builtin.uri`, one filtered GET (`?name=`)", "uri",
         {"name": "uri", "ansible.builtin.uri": {"url": url + "/api/v1/integrations/?name=seed-00001", "headers": {"Authorization": TOKEN}}}),
        ("`oncall_integration`, by name, unchanged", "oncall_integration",
         {"name": "integration", "oncall.grafana.oncall_integration": {"name": "seed-%05d" % size}}),
        ("`oncall_integration_info`, by name", "oncall_integration_info",
         {"name": "info by name", "oncall.grafana.oncall_integration_info": {"name": "seed-00001"}}),
        ("`oncall_integration_info`, all %d integrations (%d pages)" % (size, pages(size)), "oncall_integration_info",
         {"name": "info all", "oncall.grafana.oncall_integration_info": {}}),
    ]
    runner.run(url, [task for dummy, dummy2, task in tasks], env={"ANSIBLE_KEEP_REMOTE_FILES": "1"})
    kept = sorted((path for path in keep.glob("ansible-tmp-*") if path not in before), key=lambda path: path.stat().st_mtime)
    if len(kept) != len(tasks):
        raise RuntimeError("expected %d kept module directories, found %d" % (len(tasks), len(kept)))
    env = {key: value for key, value in os.environ.items() if not key.startswith("GRAFANA_")}
    rows = []
    empty = runner.workdir / "empty.py"
    empty.write_text("")
    baseline = statistics.median(peak_rss_kib([sys.executable, str(empty)], runner.workdir, env)[0] for dummy in range(3))
    rows.append(["the interpreter alone (an empty script)", "", "%.1f MiB" % (baseline / 1024), ""])
    for (label, module, dummy), directory in zip(tasks, kept):
        files = list(directory.glob("AnsiballZ_%s.py" % module))
        if len(files) != 1:
            raise RuntimeError("no AnsiballZ_%s.py in %s" % (module, directory))
        peaks = []
        for dummy2 in range(3):
            peak, returncode, stdout = peak_rss_kib([sys.executable, str(files[0])], runner.workdir, env)
            result = json.loads(stdout[stdout.index(b"{"):])
            if returncode != 0 or result.get("failed"):
                raise RuntimeError("re-running %s failed: %s" % (files[0], stdout[-500:]))
            peaks.append(peak)
        rows.append([label, files[0].name, "%.1f MiB" % (statistics.median(peaks) / 1024), "%+.1f MiB" % ((statistics.median(peaks) - baseline) / 1024)])
    return table(["Module run", "Kept file run again", "Peak RSS (median of 3)", "Above the bare interpreter"], rows)


# ---------------------------------------------------------------- 5. fleet: many integrations in one task vs a loop

FLEET_TEMPLATES = {"grouping_key": Unsafe("{{ payload.fingerprint }}"),
                   "slack": {"title": Unsafe("[{{ payload.severity }}] {{ payload.title }}")}}
FLEET_LOOP_ARGS = {"name": "{{ item.name }}", "team_id": "{{ item.team_id }}", "type": "{{ item.type }}",
                   "templates": "{{ item.templates }}", "default_route": "{{ item.default_route }}"}


def fleet_setup(api, size):
    """Give every seeded integration two templates and a default-route chain (plain API), return the config that lists them."""
    chain = api.post("escalation_chains/", name="fleet-chain")["id"]
    integrations = api.list_all("integrations/")
    if len(integrations) != size:
        raise RuntimeError("expected %d seeded integrations, the server lists %d" % (size, len(integrations)))
    for integration in integrations:
        api.call("PUT", "integrations/%s/" % integration["id"], json={"templates": FLEET_TEMPLATES, "default_route": {"escalation_chain_id": chain}})
    return [{"name": integration["name"], "team_id": integration["team_id"] or "", "type": integration["type"],
             "templates": FLEET_TEMPLATES, "default_route": {"escalation_chain_id": chain}} for integration in integrations]


def fleet_task(name, module, options, **extra):
    return dict({"name": name, "oncall.grafana." + module: options}, **extra)


def fleet_unchanged_runs(runner, url, fleet, reps, loop_reps):
    """The unchanged fleet, one task (reps runs) and a loop (loop_reps runs), interleaved: {kind: [(wall, record), ...]}."""
    tasks = {
        "merged": [fleet_task("oncall_integrations merged x%d" % len(fleet), "oncall_integrations", {"state": "merged", "config": "{{ fleet }}"})],
        "loop": [fleet_task("oncall_integration loop x%d" % len(fleet), "oncall_integration", FLEET_LOOP_ARGS, loop="{{ fleet }}")],
    }
    runs = {"merged": [], "loop": []}
    for rep in range(max(reps, loop_reps)):
        for kind, count in (("merged", reps), ("loop", loop_reps)):
            if rep < count:
                wall, records = runner.run(url, tasks[kind], play_vars={"fleet": fleet})
                runs[kind].append((wall, records[0]))
    return runs


def fleet_other_runs(runner, url, fleet, reps):
    """Per run: gathered, replaced from what it gathered (unchanged), then merged with one item changed (a new value each run)."""
    tasks = [
        fleet_task("oncall_integrations gathered", "oncall_integrations", {"state": "gathered"}, register="fleet_now"),
        fleet_task("oncall_integrations replaced from gathered", "oncall_integrations", {"state": "replaced", "config": "{{ fleet_now.gathered }}"}),
        fleet_task("oncall_integrations merged, one item changed", "oncall_integrations", {"state": "merged", "config": "{{ fleet_changed }}"}),
    ]
    runs = {"gathered": [], "replaced": [], "changed": []}
    for rep in range(reps):
        changed = [dict(fleet[0], description_short="fleet change %d" % rep)] + fleet[1:]
        dummy, records = runner.run(url, tasks, play_vars={"fleet_changed": changed})
        for kind, record in zip(runs, records):
            runs[kind].append((None, record))
    return runs


def summarize(runs):
    """Requests, writes and medians of the runs of one task; a run's wall is None when its playbook ran other tasks too."""
    records = [record for dummy, record in runs]
    walls = [wall for wall, dummy in runs if wall is not None]
    requests = [len(record["requests"]) for record in records]
    writes = [sum(1 for entry in record["requests"] if entry["method"] != "GET") for record in records]
    return {"runs": len(records), "requests": statistics.median(requests), "request_counts": sorted(set(requests)),
            "writes": sorted(set(writes)), "changed": sorted({record["changed"] for record in records}),
            "task": statistics.median(record["seconds"] for record in records), "each": [record["seconds"] for record in records],
            "wall": statistics.median(walls) if walls else None}


def throttle_floor(requests):
    """Seconds the real cap forces from a fresh window: CAP go at once, each next one when one from 60 s before expires."""
    return 60 * ((requests - 1) // CAP) if requests else 0


def fleet_rows(summary, expected):
    rows, cap_rows = [], []
    for kind, label, minimum in expected:
        values = summary[kind]
        requests = values["request_counts"]
        verdict = "yes" if requests == [minimum] else "**no** (expected %d)" % minimum
        rows.append([label, values["runs"], ", ".join(str(count) for count in requests), ", ".join(str(count) for count in values["writes"]),
                     minimum, verdict, "/".join("yes" if changed else "no" for changed in values["changed"]), "%.2f s" % values["task"],
                     "%.2f s" % values["wall"] if values["wall"] is not None else "", " / ".join("%.1f" % value for value in values["each"])])
        count = max(requests)
        cap_rows.append([label, count, "%.1f%%" % (100.0 * count / CAP), "%.1f s" % (count * 60.0 / CAP), "%d s" % throttle_floor(count),
                         "yes" if count <= CAP else "**no**"])
    merged, loop = summary["merged"], summary["loop"]
    rows.append(["ratio loop / one task", "", "%.0f" % (loop["requests"] / merged["requests"]), "", "", "", "",
                 "%.1f" % (loop["task"] / merged["task"]), "%.1f" % (loop["wall"] / merged["wall"]), ""])
    return rows, cap_rows


def goal_line(merged):
    requests = max(merged["request_counts"])
    met = requests < GOAL_REQUESTS and merged["task"] <= GOAL_SECONDS
    return ("Goal of issue 7, under %d requests and a few seconds (read as at most %.0f s of task time) for the whole fleet: **%s** "
            "(one `oncall_integrations` task, unchanged: %d requests, task %.2f s, whole ansible-playbook %.2f s, medians)." % (
                GOAL_REQUESTS, GOAL_SECONDS, "met" if met else "not met", requests, merged["task"], merged["wall"]))


def bench_fleet(runner, size, reps, loop_reps):
    server = emulator(seed=size)
    try:
        api = Api(server.url)
        fleet = fleet_setup(api, size)
        summary = {kind: summarize(runs) for kind, runs in fleet_unchanged_runs(runner, server.url, fleet, reps, loop_reps).items()}
        summary.update((kind, summarize(runs)) for kind, runs in fleet_other_runs(runner, server.url, fleet, reps).items())
        routes = api.count("routes/")
    finally:
        server.stop()
    listing = pages(size) + pages(routes)
    expected = [("merged", "`oncall_integrations`, `state: merged`, unchanged", pages(size)),
                ("loop", "`oncall_integration`, `loop:` over the %d items, unchanged" % size, size),
                ("gathered", "`oncall_integrations`, `state: gathered`", listing),
                ("replaced", "`oncall_integrations`, `state: replaced` from the gathered output, unchanged", listing),
                ("changed", "`oncall_integrations`, `state: merged`, one item changed", pages(size) + 1)]
    rows, cap_rows = fleet_rows(summary, expected)
    goal = goal_line(summary["merged"])
    text = table(["%d integrations" % size, "Runs", "Requests", "Writes", "Minimum", "At minimum", "Changed", "Task (median)",
                  "Whole ansible-playbook (median)", "Task, each run (s)"], rows)
    cap_text = table(["At the real cap of %d requests a minute" % CAP, "Requests", "Share of a minute's budget",
                      "Steady pace (requests x %.1f s)" % (60.0 / CAP), "Throttle floor from a fresh window", "Fits in one minute's budget"],
                     cap_rows)
    return text, cap_text, goal, {"summary": summary, "routes": routes, "size": size, "reps": reps, "loop_reps": loop_reps}


# ---------------------------------------------------------------- the page

def versions():
    import ansible  # pylint: disable=import-outside-toplevel
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(), "cpu": cpu or platform.processor() or "unknown", "python": platform.python_version(),
        "ansible": ansible.__version__, "system": "%s %s" % (platform.system(), platform.release()),
        "load": " ".join("%.2f" % value for value in os.getloadavg()),
    }


def run_operations(runner, args):
    out("\n## 1. Requests per operation\n")
    ops_text, ops = bench_operations(runner, args.seed)
    out(ops_text)
    return ops_text, ops


def run_unchanged(runner, args):
    out("\n## 2. %d unchanged integrations: module vs plain uri GETs (%d runs each, interleaved)\n" % (N_UNCHANGED, args.reps))
    unchanged_text, unchanged = bench_unchanged(runner, args.reps)
    out(unchanged_text)
    return unchanged_text, unchanged


def run_sizes(runner, args):
    out("\n## 3. By-name lookup as the server grows, and the whole list\n")
    lookup_text, list_text, memory_text = bench_sizes(runner, args.sizes, args.lookups)
    out(lookup_text)
    out()
    out(list_text)
    out("\n## 4. Peak memory of one module run (server with %d integrations)\n" % max(args.sizes))
    out(memory_text)
    return lookup_text, list_text, memory_text


def run_fleet(runner, args):
    out("\n## 5. Fleet: %d integrations in one task vs a loop (%d runs, the loop %d)\n" % (args.fleet_size, args.reps, args.fleet_loop_reps))
    text, cap_text, goal, fleet = bench_fleet(runner, args.fleet_size, args.reps, args.fleet_loop_reps)
    out(text)
    out()
    out(cap_text)
    out()
    out(goal)
    return text, cap_text, goal, fleet


RUNNERS = {"operations": run_operations, "unchanged": run_unchanged, "sizes": run_sizes, "fleet": run_fleet}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="comma-separated sections to run, of %s (default all; with some only, no page is written unless --output "
                             "is given)" % ", ".join(SECTIONS))
    parser.add_argument("--reps", type=int, default=5, help="repetitions of the 50-integration comparison and of the fleet's tasks (default 5)")
    parser.add_argument("--sizes", default="100,1000,5000", help="seeded integration counts for the lookup test")
    parser.add_argument("--lookups", type=int, default=3, help="lookup tasks per size (default 3)")
    parser.add_argument("--seed", type=int, default=250, help="seeded integrations in the request-count run (default 250)")
    parser.add_argument("--fleet-size", type=int, default=500, help="seeded integrations in the fleet section (default 500)")
    parser.add_argument("--fleet-loop-reps", type=int, default=3, help="runs of the fleet's slow loop of oncall_integration (default 3)")
    parser.add_argument("--output", help="the page to write ('-' for none; default docs/performance.md when every section runs)")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(SECTIONS))
    if unknown or not args.only:
        parser.error("--only takes sections among %s, not %s" % (", ".join(SECTIONS), ", ".join(unknown) or "nothing"))
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if args.output is None:
        args.output = str(REPO / "docs" / "performance.md") if set(args.only) == set(SECTIONS) else "-"
    return args


def main(argv=None):
    args = parse_args(argv)
    machine = versions()
    started = time.monotonic()
    out("oncall.grafana benchmark: %(nproc)s CPUs (%(cpu)s), Python %(python)s, ansible-core %(ansible)s, load %(load)s" % machine)
    with tempfile.TemporaryDirectory(prefix="oncall-bench-") as tmp:
        runner = Runner(Path(tmp))
        results = {name: RUNNERS[name](runner, args) for name in SECTIONS if name in args.only}
    took = time.monotonic() - started
    out("\nbenchmark took %.0f s" % took)

    if args.output != "-":
        Path(args.output).write_text(render(machine, args, took, results), encoding="utf-8")
        out("wrote %s" % args.output)
    return 0


def render(machine, args, took, results):
    """The page: the header, then each section that ran, in SECTIONS order."""
    parts = [render_header(machine, args, took)]
    parts += [RENDERERS[name](args, results[name]) for name in SECTIONS if name in results]
    return "\n".join(parts)


def render_header(machine, args, took):
    partial = "" if set(args.only) == set(SECTIONS) else "\nOnly these sections were run (`--only %s`).\n" % ",".join(args.only)
    return """\
# Performance

<!-- Generated by bench/run.py (`make bench`): do not edit by hand, run it again. -->

**Generated page.** Written by `make bench` (`bench/run.py`) on %(date)s, in %(took).0f s.
Machine: %(nproc)s CPUs (`nproc`), %(cpu)s, %(system)s; Python %(python)s; ansible-core %(ansible)s;
load average %(load)s when it started (other jobs may have been running: the times are indicative, the
request counts are exact). Regenerate with `make bench` (it creates `.build/venv-2.19` when missing); the
benchmark is not part of `make test`.
%(partial)s
Everything runs against the bundled emulator (`tests/emulator/`, rate limit raised to %(rate)s) on
127.0.0.1, with the real `ansible-playbook -i localhost, -c local` and
`ansible_python_interpreter: "{{ ansible_playbook_python }}"`. Request counts come from the emulator's
request log: a small callback (`bench/callback_plugins/bench_log.py`) clears the log when each task starts
and reads it back when its result arrives. Times are wall-clock on this machine, so they include Ansible's
own work per task (templating, building and starting the module), which dwarfs the HTTP requests to a
local server.
""" % dict(machine, date=datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), took=took, partial=partial, rate=RATE_LIMIT)


def render_operations(args, result):
    ops_text, ops = result
    over = ("Every operation is at its minimum." if not ops["over"] else
            "Above the minimum: %s." % "; ".join("`%s`" % task for task in ops["over"]))
    return """\
## 1. Requests per operation

One playbook, one task per row, run in this order (each row starts from the state the rows above left).
The server holds %(seed)d seeded integrations plus the benchmark's own (%(n_int)d when the info rows run)
and %(n_chains)d escalation chains. *Minimum* is the fewest requests the operation can take through the
public API: one lookup to know whether the object exists and what it holds (a filtered `GET ?name=`, the
object's `GET /<id>/`, or for routes the integration's routes listing), one request per name to turn into
an id (`team`, `escalation_chain`, `slack.channel`, `integration`: the API returns ids only, so a name
cannot be compared without asking), plus the writes; listings need one request per page of 100 (the page
size the client asks for). Filtering integrations by team must list every page: the server's `team_id`
filter answers HTTP 500 on self-hosted OnCall, so the team is picked on the client side. (The engine
caps only the page size it *reports*, not the page it serves, so a bigger `perpage` could fetch a list in
fewer requests; the client asks for 100, and the minimum is counted at that page size.)
%(over)s

%(ops_text)s
""" % dict(seed=args.seed, n_int=ops["n_integrations"], n_chains=ops["n_chains"], over=over, ops_text=ops_text)


def render_unchanged(args, result):
    unchanged_text, ratio = result
    return """\
## 2. %(n)d unchanged integrations: the module versus hand-written `uri` GETs

One loop task over %(n)d existing integrations (made beforehand through the API), in its own
`ansible-playbook` run: `oncall.grafana.oncall_integration` with `name` and `type`, unchanged (it looks
each one up by name, compares, writes nothing), versus `ansible.builtin.uri` GETting each integration by
id, which is what a user would write by hand to read them, and which compares nothing. %(reps)d runs of
each, interleaved (module, uri, module, ...) in the same benchmark run; the medians are shown. *Loop task*
is the time from the task's start to its result (the callback's clock); *whole ansible-playbook* also
counts starting Ansible and parsing the playbook.

%(unchanged_text)s

The module costs %(ratio_task).2fx the plain GETs per loop (%(module_item)s versus %(uri_item)s per item),
for the same one request per item.
""" % dict(n=N_UNCHANGED, reps=args.reps, unchanged_text=unchanged_text, ratio_task=ratio["ratio_task"],
           module_item=ms(ratio["module_item"]), uri_item=ms(ratio["uri_item"]))


def render_sizes(args, result):
    lookup_text, list_text, memory_text = result
    return """\
## 3. By-name lookup as the server grows

The emulator seeded with %(sizes)s integrations (`seed_integrations=N`); per size one playbook of %(lookups)d
`oncall.grafana.oncall_integration` tasks that look up an existing integration by name alone (first,
middle and last in list order), unchanged. The lookup is one filtered `GET /integrations/?name=`, so the
number of requests and the time per task should not grow with the server. The first task of each
playbook is slower whatever the size (one-time costs of the run), hence the median. The last column times
the filtered GET alone, sent with plain `requests` from the benchmark: the server's share.

%(lookup_text)s

For contrast, `oncall.grafana.oncall_integration_info` without a filter (the whole list, in the same
playbook) walks every page:

%(list_text)s

## 4. Peak memory of one module run

What was measured: a playbook runs the tasks below with `ANSIBLE_KEEP_REMOTE_FILES=1`, which keeps each
task's `AnsiballZ_<module>.py` (the self-contained file Ansible sends to the managed node, its arguments
inside). Each kept file is then run again on its own with the venv's Python, against the same emulator
(server with %(largest)d integrations, so the rerun does the same requests), and the peak resident set
size of that process is read with %(peak_method)s: the whole module process, interpreter, AnsiballZ
unpacking, `requests` and the module's work included, not the `ansible-playbook` controller process (nor
the forked worker that starts the module). Median of 3 runs each. The first row is the same interpreter
running an empty script, for reference. (Not `os.wait4()` of the benchmark's own child: Linux counts
the parent's memory at fork in the child's `ru_maxrss`, so every module would have looked as big as the
benchmark process.)

%(memory_text)s
""" % dict(sizes=", ".join("{:,}".format(size) for size in args.sizes), lookups=args.lookups, lookup_text=lookup_text,
           list_text=list_text, largest=max(args.sizes), memory_text=memory_text, peak_method=peak_method())


def render_fleet(args, result):
    text, cap_text, goal, fleet = result
    merged, loop = fleet["summary"]["merged"], fleet["summary"]["loop"]
    return """\
## 5. Fleet: %(size)d integrations in one task vs a loop

The emulator seeded with %(size)d integrations (`seed_integrations=N`, no playbook involved), then, through
the plain API, every one given two templates (`grouping_key`, `slack.title`) and an escalation chain on its
default route. The same list of %(size)d items, made from the server's listing, is handed to both sides as a
play variable: `name`, `team_id` (`""` for the ones without a team; every third has one), `type`, the two
`templates` (written `!unsafe`) and `default_route.escalation_chain_id`. Nothing differs, so nothing is
written. (a) One `oncall.grafana.oncall_integrations` task with `state: merged` and `config` listing all
%(size)d; (b) one `oncall.grafana.oncall_integration` task with `loop:` over the same items. Same emulator,
same benchmark run, rate limit raised to %(rate)s so that the modules are measured, not the throttle. Each
in its own `ansible-playbook` run, interleaved: the one task %(reps)d times, the loop %(loop_reps)d times
only (it is slow). Then %(reps)d times a playbook of three `oncall_integrations` tasks: `state: gathered`
(registered), `state: replaced` with the `gathered` output as `config` (so unchanged), and `state: merged`
with the first item's `description_short` set to a value new in that run (one item changed, one write).
*Minimum*: one request per page of 100 integrations; the loop, one lookup per item; `gathered` and
`replaced` also list the routes (%(routes)d, each integration's default route), one request per page of
100; one changed item, the pages and one write. *Task* is the callback's clock (the task's start to its
result); *whole ansible-playbook* also counts starting Ansible and parsing the %(size)d-item playbook (only
for the tasks run alone). The ratio row divides the loop's figures by the one task's.

%(text)s

The loop sends %(ratio_requests).0fx the requests of the one task and takes %(ratio_task).0fx its time
(%(loop_item)s per item against %(merged_task).2f s for the whole list).

What the same requests would cost against the real OnCall API, which allows %(cap)d requests a minute per
token (a sliding window, as Django REST framework's throttle: a request is refused while %(cap)d were sent in
the last 60 s). *Steady pace* is the requests spread at that rate, what a task run again and again (or
sharing its token with other jobs) must take. *Throttle floor* is the least wall time the cap forces from an
unused window: %(cap)d requests may go at once, each one after that waits until a request of 60 s before
leaves the window. *Fits* says whether the task stays within one minute's budget.

%(cap_text)s

%(goal)s
""" % dict(size=fleet["size"], rate=RATE_LIMIT, reps=fleet["reps"], loop_reps=fleet["loop_reps"], routes=fleet["routes"], text=text,
           cap_text=cap_text, goal=goal, cap=CAP, ratio_requests=loop["requests"] / merged["requests"], ratio_task=loop["task"] / merged["task"],
           loop_item=ms(loop["task"] / fleet["size"]), merged_task=merged["task"])


RENDERERS = {"operations": render_operations, "unchanged": render_unchanged, "sizes": render_sizes, "fleet": render_fleet}


if __name__ == "__main__":
    sys.exit(main())

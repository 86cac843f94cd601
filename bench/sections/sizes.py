# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sections 3 and 4 of the benchmark: by-name lookups as the server grows, and the peak memory of one module run.

One section (`--only sizes`): the memory is measured on the emulator of the largest size, while it runs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

import requests

from harness import PAGE, TOKEN, Section, describe, emulator, ms, out, pages, table


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


def run_sizes(runner, args):
    out("\n## 3. By-name lookup as the server grows, and the whole list\n")
    lookup_text, list_text, memory_text = bench_sizes(runner, args.sizes, args.lookups)
    out(lookup_text)
    out()
    out(list_text)
    out("\n## 4. Peak memory of one module run (server with %d integrations)\n" % max(args.sizes))
    out(memory_text)
    return lookup_text, list_text, memory_text


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


def integer_list(text):
    """--sizes: "100,1000" is [100, 1000] (argparse applies it to the default too)."""
    return [int(size) for size in text.split(",") if size.strip()]


def add_arguments(parser):
    parser.add_argument("--sizes", type=integer_list, default="100,1000,5000", help="seeded integration counts for the lookup test")
    parser.add_argument("--lookups", type=int, default=3, help="lookup tasks per size (default 3)")


SECTION = Section(name="sizes", run=run_sizes, render=render_sizes, add_arguments=add_arguments)

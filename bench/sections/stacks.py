# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Section 7 of the benchmark: N stacks x M integrations from one inventory, forks 1 against forks N.

The layout of docs/many-stacks.md: one inventory host per stack (its own emulator, URL and token), one play whose
module_defaults take the connection from host vars, one oncall_integrations task. Every request is held on the
server side (the emulator's "delay" fault), standing for what a request costs a real engine; without it the
emulators answer at once and only Ansible's own work would be measured.
"""

from __future__ import annotations

import statistics

import yaml

from harness import RATE_LIMIT, PlayDumper, Section, Unsafe, out, table
from server import EmulatorServer  # pylint: disable=import-error

TEMPLATES = {"grouping_key": Unsafe("{{ payload.fingerprint }}")}  # OnCall Jinja: written !unsafe, never templated by Ansible


def stack_config(count):
    """The desired state every stack shares (group_vars): `count` integrations with a grouping template."""
    return [{"name": "svc-%04d" % index, "type": "webhook", "templates": TEMPLATES} for index in range(count)]


def start_stacks(count, delay):
    """`count` fresh emulators, each with its own token, every request held `delay` seconds."""
    stacks = []
    for index in range(count):
        server = EmulatorServer(token="stack-%d-token" % index, teams=["ops"], rate_limit=RATE_LIMIT, host="127.0.0.1", port=0).start()
        server.add_fault("*", "^/api/", count=10 ** 9, kind="delay", seconds=delay)
        stacks.append(server)
    return stacks


def write_inventory(runner, stacks, integrations, label):
    """An inventory of one host per stack (connection in host vars, the shared config in group vars); its path."""
    hosts = {"stack-%d" % index: {"oncall_url": server.url, "oncall_token": server.app.token} for index, server in enumerate(stacks)}
    inventory = {"oncall_stacks": {
        "hosts": hosts,
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                 "oncall_config": stack_config(integrations)},
    }}
    path = runner.workdir / ("stacks-%s.yml" % label)
    path.write_text(yaml.dump(inventory, Dumper=PlayDumper, sort_keys=False))
    return path


TASK = {"name": "Integrations of this stack", "oncall.grafana.oncall_integrations": {"state": "merged", "config": "{{ oncall_config }}"}}


def one_round(runner, count, integrations, delay, forks):
    """Fresh stacks; the play run twice (creates, then unchanged) with `forks`: [(wall, requests per stack, changed hosts), ...]."""
    stacks = start_stacks(count, delay)
    try:
        inventory = write_inventory(runner, stacks, integrations, "forks%d" % forks)
        runs = []
        for dummy in range(2):
            for server in stacks:
                with server.state.lock:
                    server.state.requests.clear()
            wall, records = runner.run(None, [TASK], inventory=inventory, forks=forks, hosts="oncall_stacks")
            runs.append((wall, [len(server.state.requests) for server in stacks], sum(1 for record in records if record["changed"])))
        return runs
    finally:
        for server in stacks:
            server.stop()


def bench_stacks(runner, count, integrations, delay, reps):
    found = {}  # (forks, run index) -> [(wall, per-stack requests, changed hosts), ...]
    for dummy in range(reps):
        for forks in (1, count):  # interleaved, so that outside load hits both alike
            for index, run in enumerate(one_round(runner, count, integrations, delay, forks)):
                found.setdefault((forks, index), []).append(run)
    rows = []
    for index, label in ((0, "first run, creates %d integrations per stack" % integrations), (1, "second run, unchanged")):
        walls = {forks: statistics.median(wall for wall, dummy, dummy2 in found[(forks, index)]) for forks in (1, count)}
        per_stack = sorted({requests for forks in (1, count) for dummy, stack_requests, dummy2 in found[(forks, index)] for requests in stack_requests})
        changed = sorted({hosts for forks in (1, count) for dummy, dummy2, hosts in found[(forks, index)]})
        rows.append([label, ", ".join(str(value) for value in per_stack), ", ".join(str(value) for value in changed),
                     "%.1f s" % walls[1], "%.1f s" % walls[count], "%.1fx" % (walls[1] / walls[count])])
    return table(["%d stacks x %d integrations, `oncall_integrations`" % (count, integrations), "Requests per stack (each run, both ways)",
                  "Hosts changed", "Whole ansible-playbook, forks 1", "Forks %d" % count, "Speed-up"], rows)


def run_stacks(runner, args):
    out("\n## 7. Many stacks: %d stacks x %d integrations, forks 1 against forks %d (%.2f s per request, %d runs)\n"
        % (args.stacks, args.stacks_integrations, args.stacks, args.stacks_delay, args.stacks_reps))
    text = bench_stacks(runner, args.stacks, args.stacks_integrations, args.stacks_delay, args.stacks_reps)
    out(text)
    return text


def render_stacks(args, result):
    return """\
## 7. Many stacks: one inventory, forks 1 against forks %(stacks)d

The layout of [many-stacks.md](many-stacks.md): %(stacks)d emulators stand for %(stacks)d stacks, each with its own
URL and token, written as host vars of one inventory host per stack (`ansible_connection: local`); one play
takes `url` and `token` from host vars through `module_defaults` and runs one `oncall.grafana.oncall_integrations`
task with `state: merged` and the same %(integrations)d integrations (group vars; `type: webhook`, a
`grouping_key` template) on every stack. Fresh stacks for each round: the play runs once (it creates every
integration: one listing, one POST each) and again (unchanged: one listing per page of 100), with
`ansible-playbook -f 1` and with `-f %(stacks)d`, interleaved, %(reps)d rounds each; medians of the whole
`ansible-playbook` run. Every request to a stack is held %(delay).2f s on the server side (the emulator's
`delay` fault), standing for what a request costs a real engine; each stack serves its own requests, as
separate stacks do. *Requests per stack* is counted on each stack's own request log: the same with either
number of forks (a stack's requests do not depend on the others).

%(text)s

With one fork Ansible runs the task for one stack after the other, so the wall time is the sum of the stacks';
with one fork per stack they run side by side and the play takes about as long as its slowest stack. Each
stack's budget of requests a minute is its own, so running them at once costs no stack more. Unchanged, a
stack costs one request, and the run is mostly Ansible starting and loading the play, which forks do not
divide: forks pay off where the stacks' requests take time.
""" % dict(stacks=args.stacks, integrations=args.stacks_integrations, reps=args.stacks_reps, delay=args.stacks_delay, text=result)


def add_arguments(parser):
    parser.add_argument("--stacks", type=int, default=3, help="stacks (emulators, inventory hosts) of the many-stacks section (default 3)")
    parser.add_argument("--stacks-integrations", type=int, default=100, help="integrations per stack in the many-stacks section (default 100)")
    parser.add_argument("--stacks-delay", type=float, default=0.05, help="seconds each stack holds every request (default 0.05)")
    parser.add_argument("--stacks-reps", type=int, default=2, help="rounds of the many-stacks section, each forks 1 and forks N (default 2)")


SECTION = Section(name="stacks", run=run_stacks, render=render_stacks, add_arguments=add_arguments)

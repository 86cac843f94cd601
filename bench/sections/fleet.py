# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Section 5 of the benchmark: a fleet of integrations in one oncall_integrations task against a loop of oncall_integration."""

from __future__ import annotations

import statistics

from harness import RATE_LIMIT, Section, Unsafe, ms, out, pages, table
from target import describe_server, open_target

CAP = 300  # requests a minute per token: the real API's throttle
GOAL_REQUESTS, GOAL_SECONDS = 10, 5.0  # issue 7: "under 10 requests and a few seconds for the whole fleet"

FLEET_TEMPLATES = {"grouping_key": Unsafe("{{ payload.fingerprint }}"),
                   "slack": {"title": Unsafe("[{{ payload.severity }}] {{ payload.title }}")}}
FLEET_LOOP_ARGS = {"name": "{{ item.name }}", "team_id": "{{ item.team_id }}", "type": "{{ item.type }}",
                   "templates": "{{ item.templates }}", "default_route": "{{ item.default_route }}"}


def fleet_setup(target, size):
    """Give every seeded integration two templates and a default-route chain (plain API), return the config that lists them.

    A real server is not seeded: the fleet is made there, `size` integrations named with the run's prefix, each made with
    its templates and chain in one request (types take turns, every third in team ops or db); the rest of what the
    server holds stays out of the fleet (and untouched)."""
    api = target.api
    teams = [api.team_id("ops"), api.team_id("db")] if target.real else None  # before anything is made
    chain = api.post("escalation_chains/", name=target.name("fleet-chain"))["id"]
    wanted = {"templates": FLEET_TEMPLATES, "default_route": {"escalation_chain_id": chain}}
    if target.real:
        for number in range(1, size + 1):
            team = {"team_id": teams[(number // 3) % 2]} if number % 3 == 0 else {}
            api.post("integrations/", name=target.name("fleet-%05d" % number), type=("webhook", "alertmanager")[number % 2], **dict(wanted, **team))
    integrations = [item for item in api.list("integrations/") if item["name"].startswith(target.prefix) or not target.real]
    if len(integrations) != size:
        raise RuntimeError("expected %d integrations in the fleet, the server lists %d" % (size, len(integrations)))
    if not target.real:
        for integration in integrations:
            api.call("PUT", "integrations/%s/" % integration["id"], json=wanted)
    return [{"name": integration["name"], "team_id": integration["team_id"] or "", "type": integration["type"],
             "templates": FLEET_TEMPLATES, "default_route": {"escalation_chain_id": chain}} for integration in integrations]


def fleet_task(name, module, options, **extra):
    return dict({"name": name, "oncall.grafana." + module: options}, **extra)


def fleet_unchanged_runs(runner, target, fleet, reps, loop_reps):
    """The unchanged fleet, one task (reps runs) and a loop (loop_reps runs), interleaved: {kind: [(wall, record), ...]}."""
    tasks = {
        "merged": [fleet_task("oncall_integrations merged x%d" % len(fleet), "oncall_integrations", {"state": "merged", "config": "{{ fleet }}"})],
        "loop": [fleet_task("oncall_integration loop x%d" % len(fleet), "oncall_integration", FLEET_LOOP_ARGS, loop="{{ fleet }}")],
    }
    runs = {"merged": [], "loop": []}
    for rep in range(max(reps, loop_reps)):
        for kind, count in (("merged", reps), ("loop", loop_reps)):
            if rep < count:
                wall, records = target.run(runner, tasks[kind], play_vars={"fleet": fleet})
                runs[kind].append((wall, records[0]))
    return runs


def fleet_other_runs(runner, target, fleet, reps):
    """Per run: gathered, replaced from what it gathered (unchanged), then merged with one item changed (a new value each run).

    On a real server `gathered` is scoped to the run's prefix, so that `replaced` lists the fleet only."""
    scope = {"scope": {"name_prefix": target.prefix}} if target.real else {}
    tasks = [
        fleet_task("oncall_integrations gathered", "oncall_integrations", dict({"state": "gathered"}, **scope), register="fleet_now"),
        fleet_task("oncall_integrations replaced from gathered", "oncall_integrations", {"state": "replaced", "config": "{{ fleet_now.gathered }}"}),
        fleet_task("oncall_integrations merged, one item changed", "oncall_integrations", {"state": "merged", "config": "{{ fleet_changed }}"}),
    ]
    runs = {"gathered": [], "replaced": [], "changed": []}
    for rep in range(reps):
        changed = [dict(fleet[0], description_short="fleet change %d" % rep)] + fleet[1:]
        dummy, records = target.run(runner, tasks, play_vars={"fleet_changed": changed})
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
    with open_target(seed=size) as target:
        fleet = fleet_setup(target, size)
        runs = fleet_unchanged_runs(runner, target, fleet, reps, loop_reps)
        runs.update(fleet_other_runs(runner, target, fleet, reps))
        # Every listing reads the whole organization: on a real server, the fleet and whatever else it holds.
        total, routes = target.api.count("integrations/"), target.api.count("routes/")
    summary = {kind: summarize(kind_runs) for kind, kind_runs in runs.items()}
    # The routes: one listing of all, or each integration's alone when the fleet is no bigger than the integration pages.
    listing = pages(total) + (size if size <= pages(total) else pages(routes))
    expected = [("merged", "`oncall_integrations`, `state: merged`, unchanged", pages(total)),
                ("loop", "`oncall_integration`, `loop:` over the %d items, unchanged" % size, size),
                ("gathered", "`oncall_integrations`, `state: gathered`", listing),
                ("replaced", "`oncall_integrations`, `state: replaced` from the gathered output, unchanged", listing),
                ("changed", "`oncall_integrations`, `state: merged`, one item changed", pages(total) + 1)]
    rows, cap_rows = fleet_rows(summary, expected)
    goal = goal_line(summary["merged"])
    text = table(["%d integrations" % size, "Runs", "Requests", "Writes", "Minimum", "At minimum", "Changed", "Task (median)",
                  "Whole ansible-playbook (median)", "Task, each run (s)"], rows)
    cap_text = table(["At the real cap of %d requests a minute" % CAP, "Requests", "Share of a minute's budget",
                      "Steady pace (requests x %.1f s)" % (60.0 / CAP), "Throttle floor from a fresh window", "Fits in one minute's budget"],
                     cap_rows)
    return text, cap_text, goal, {"summary": summary, "routes": routes, "size": size, "reps": reps, "loop_reps": loop_reps, "total": total,
                                  "server": describe_server() if target.real else None,
                                  "throttled": sum(record["throttled"] for kind_runs in runs.values() for dummy, record in kind_runs)}


def run_fleet(runner, args):
    out("\n## 5. Fleet: %d integrations in one task vs a loop (%d runs, the loop %d)\n" % (args.fleet_size, args.reps, args.fleet_loop_reps))
    text, cap_text, goal, fleet = bench_fleet(runner, args.fleet_size, args.reps, args.fleet_loop_reps)
    out(text)
    out()
    out(cap_text)
    out()
    out(goal)
    return text, cap_text, goal, fleet


def render_fleet(args, result):
    text, cap_text, goal, fleet = result
    merged, loop = fleet["summary"]["merged"], fleet["summary"]["loop"]
    return """\
## 5. Fleet: %(size)d integrations in one task vs a loop

%(setup)s The same list of %(size)d items, made from the server's listing, is handed to both sides as a
play variable: `name`, `team_id` (`""` for the ones without a team; every third has one), `type`, the two
`templates` (written `!unsafe`) and `default_route.escalation_chain_id`. Nothing differs, so nothing is
written. (a) One `oncall.grafana.oncall_integrations` task with `state: merged` and `config` listing all
%(size)d; (b) one `oncall.grafana.oncall_integration` task with `loop:` over the same items. %(same)s Each
in its own `ansible-playbook` run, interleaved: the one task %(reps)d times, the loop %(loop_reps)d times
only (it is slow). Then %(reps)d times a playbook of three `oncall_integrations` tasks: `state: gathered`
(registered), `state: replaced` with the `gathered` output as `config` (so unchanged), and `state: merged`
with the first item's `description_short` set to a value new in that run (one item changed, one write).
*Minimum*: one request per page of 100 integrations; the loop, one lookup per item; %(routes_minimum)s; \
one changed item, the pages and one write. *Task* is the callback's clock (the task's start to its
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
""" % dict(fleet_server_text(fleet), size=fleet["size"], reps=fleet["reps"], loop_reps=fleet["loop_reps"], routes=fleet["routes"], text=text,
           cap_text=cap_text, goal=goal, cap=CAP, ratio_requests=loop["requests"] / merged["requests"], ratio_task=loop["task"] / merged["task"],
           loop_item=ms(loop["task"] / fleet["size"]), merged_task=merged["task"])


def fleet_server_text(fleet):
    """The sentences of the section's text that depend on the server: how the fleet was made, and what its limit was."""
    if not fleet.get("server"):
        return {"setup": "The emulator seeded with %d integrations (`seed_integrations=N`, no playbook involved), then, through\n"
                         "the plain API, every one given two templates (`grouping_key`, `slack.title`) and an escalation chain on its\n"
                         "default route." % fleet["size"],
                "same": "Same emulator,\nsame benchmark run, rate limit raised to %s so that the modules are measured, not the throttle." % RATE_LIMIT,
                "routes_minimum": "`gathered` and\n`replaced` also list the routes (%d, each integration's default route), one request per page of\n100"
                                  % fleet["routes"]}
    throttled = ("%d request%s refused with HTTP 429, which the client waited out and the counts leave out"
                 % (fleet["throttled"], "s" if fleet["throttled"] > 1 else "") if fleet["throttled"] else "no request refused")
    return {"setup": "Measured against %s (`ONCALL_TEST_URL`), whose requests the playbook tests' recording proxy counted: %d\n"
                     "integrations made there through the plain API, named with the run's prefix, each with two templates\n"
                     "(`grouping_key`, `slack.title`) and an escalation chain on its default route. The server held %d integrations\n"
                     "in all, which every listing reads; `gathered` is scoped to the run's prefix (`scope.name_prefix`), so that\n"
                     "`replaced` lists the fleet only." % (fleet["server"], fleet["size"], fleet["total"]),
            "same": "Same server, same benchmark run, at the server's own rate limit: the times include its\nwaits (%s)." % throttled,
            "routes_minimum": "`gathered` and `replaced` also read the routes: every route of the\nserver (%d), one request per page of 100, "
                              "or each integration's routes alone when that takes fewer requests\n"
                              "(a fleet of no more integrations than the server has pages of them)" % fleet["routes"]}


def add_arguments(parser):
    parser.add_argument("--fleet-size", type=int, default=500,
                        help="integrations in the fleet section, seeded on the emulator, made on a real OnCall (default 500)")
    parser.add_argument("--fleet-loop-reps", type=int, default=3, help="runs of the fleet's slow loop of oncall_integration (default 3)")


SECTION = Section(name="fleet", run=run_fleet, render=render_fleet, add_arguments=add_arguments)

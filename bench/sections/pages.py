# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Section 6 of the benchmark: listings with their pages one after the other against at once (max_concurrent_requests).

Against the emulator with every listing request delayed on the server side (its "delay" fault), which stands for
what a page costs a real engine; the rest of the benchmark measures the modules against an instant server.
"""

from __future__ import annotations

import math
import statistics
import sys
import time

from harness import TOKEN, Api, Section, emulator, out, pages, table
from target import emulator_target

from .fleet import fleet_setup, fleet_task
from .sizes import integer_list

SERIAL, CONCURRENT = 1, 4  # max_concurrent_requests compared: one page at a time, and the default
LISTINGS = r"^/api/v1/(integrations|routes)/?$"


def slow_listings(server, delay):
    """Delay every listing GET from now on, by `delay` seconds on the server side."""
    server.add_fault("GET", LISTINGS, count=10 ** 9, kind="delay", seconds=delay)


def floor(page_count, limit, delay):
    """The least time `page_count` pages take when each costs `delay`: the first alone, then `limit` at a time."""
    return delay * (1 + math.ceil((page_count - 1) / limit))


def client_class(runner):
    """The collection's OnCallClient, imported from the checkout the playbooks use."""
    if str(runner.collections) not in sys.path:
        sys.path.insert(0, str(runner.collections))
    from ansible_collections.oncall.grafana.plugins.module_utils.client import OnCallClient  # pylint: disable=import-error,import-outside-toplevel
    return OnCallClient


def listing_alone(runner, api, url, limit):
    """(seconds, requests) of one list_all("integrations/") by the collection's client, in this process."""
    client = client_class(runner)(url, TOKEN, max_concurrent_requests=limit)
    api.control("DELETE", "requests")
    started = time.monotonic()
    client.list_all("integrations/")
    spent = time.monotonic() - started
    return spent, len(api.control("GET", "requests")["requests"])


# The first module task of a playbook pays one-time costs; this one pays them for the measured tasks.
WARM_UP = {"name": "warm-up", "oncall.grafana.oncall_integration_info": {"name": "warm-up"}}


def interleaved(reps, tasks_by_limit):
    """A warm-up, then the tasks of each limit, serial then concurrent, repeated `reps` times (outside load hits both alike)."""
    return [WARM_UP] + [task for dummy in range(reps) for limit in (SERIAL, CONCURRENT) for task in tasks_by_limit(limit)]


def by_limit(records, per_round):
    """{limit: [record, ...]} of the records of a playbook made by interleaved() with `per_round` tasks per limit."""
    found = {SERIAL: [], CONCURRENT: []}
    for index, record in enumerate(records[1:]):
        found[(SERIAL, CONCURRENT)[(index // per_round) % 2]].append(record)
    return found


def compare(serial_times, concurrent_times, serial_requests, concurrent_requests):
    """Medians, speed-up and the request counts of both sides (a set each: they must not vary)."""
    if set(serial_requests) != set(concurrent_requests) or len(set(serial_requests)) != 1:
        raise RuntimeError("serial and concurrent listings sent different requests: %s / %s" % (serial_requests, concurrent_requests))
    serial, concurrent = statistics.median(serial_times), statistics.median(concurrent_times)
    return {"requests": serial_requests[0], "serial": serial, "concurrent": concurrent, "speedup": serial / concurrent}


def bench_sizes(runner, sizes, reps, delay):
    rows = []
    for size in sizes:
        server = emulator(seed=size)
        try:
            api = Api(server.url)
            slow_listings(server, delay)
            alone = {SERIAL: [], CONCURRENT: []}
            for dummy in range(reps):
                for limit in (SERIAL, CONCURRENT):
                    alone[limit].append(listing_alone(runner, api, server.url, limit))
            tasks = interleaved(reps, lambda limit: [{"name": "info, max_concurrent_requests %d" % limit,
                                                      "oncall.grafana.oncall_integration_info": {"max_concurrent_requests": limit}}])
            dummy, records = runner.run(server.url, tasks)
        finally:
            server.stop()
        tasks_by = by_limit(records, 1)
        listing = compare(*[[seconds for seconds, dummy in alone[limit]] for limit in (SERIAL, CONCURRENT)],
                          *[[count for dummy, count in alone[limit]] for limit in (SERIAL, CONCURRENT)])
        task = compare(*[[record["seconds"] for record in tasks_by[limit]] for limit in (SERIAL, CONCURRENT)],
                       *[[len(record["requests"]) for record in tasks_by[limit]] for limit in (SERIAL, CONCURRENT)])
        rows.append([size, listing["requests"], "%.2f s" % floor(pages(size), SERIAL, delay), "%.2f s" % listing["serial"],
                     "%.2f s" % floor(pages(size), CONCURRENT, delay), "%.2f s" % listing["concurrent"], "%.1fx" % listing["speedup"],
                     "%.2f s" % task["serial"], "%.2f s" % task["concurrent"], "%.1fx" % task["speedup"]])
    return table(["Integrations", "Requests (pages), both ways", "Floor, one at a time", "Listing alone, one at a time",
                  "Floor, %d at once" % CONCURRENT, "Listing alone, %d at once" % CONCURRENT, "Speed-up",
                  "`oncall_integration_info` task, one at a time", "Task, %d at once" % CONCURRENT, "Task speed-up"], rows)


def bench_fleet(runner, size, reps, delay):
    server = emulator(seed=size)
    try:
        target = emulator_target(server)
        fleet = fleet_setup(target, size)
        routes = target.api.count("routes/")
        slow_listings(server, delay)

        def tasks_by_limit(limit):
            return [fleet_task("merged, max_concurrent_requests %d" % limit, "oncall_integrations",
                               {"state": "merged", "config": "{{ fleet }}", "max_concurrent_requests": limit}),
                    fleet_task("gathered, max_concurrent_requests %d" % limit, "oncall_integrations",
                               {"state": "gathered", "max_concurrent_requests": limit})]
        dummy, records = runner.run(server.url, interleaved(reps, tasks_by_limit), play_vars={"fleet": fleet})
    finally:
        server.stop()
    found = by_limit(records, 2)
    rows = []
    for offset, label, page_count in ((0, "`state: merged`, unchanged", pages(size)),
                                      (1, "`state: gathered` (integrations and routes)", pages(size) + pages(routes))):
        result = compare(*[[record["seconds"] for record in found[limit][offset::2]] for limit in (SERIAL, CONCURRENT)],
                         *[[len(record["requests"]) for record in found[limit][offset::2]] for limit in (SERIAL, CONCURRENT)])
        if any(record["changed"] for limit in (SERIAL, CONCURRENT) for record in found[limit][offset::2]):
            raise RuntimeError("the unchanged fleet reported a change")
        # gathered lists integrations, then routes: two listings, each with its own first page.
        concurrent_floor = floor(pages(size), CONCURRENT, delay) + (floor(pages(routes), CONCURRENT, delay) if offset else 0)
        rows.append([label, result["requests"], "%.2f s" % (page_count * delay), "%.2f s" % result["serial"],
                     "%.2f s" % concurrent_floor, "%.2f s" % result["concurrent"], "%.1fx" % result["speedup"]])
    return table(["`oncall_integrations`, %d integrations" % size, "Requests, both ways", "Floor, one at a time", "Task, one at a time",
                  "Floor, %d at once" % CONCURRENT, "Task, %d at once" % CONCURRENT, "Speed-up"], rows)


def run_pages(runner, args):
    out("\n## 6. Listings: pages one at a time against %d at once (%.2f s per listing request, %d runs)\n"
        % (CONCURRENT, args.pages_delay, args.pages_reps))
    sizes_text = bench_sizes(runner, args.pages_sizes, args.pages_reps, args.pages_delay)
    out(sizes_text)
    out()
    fleet_text = bench_fleet(runner, args.pages_fleet_size, args.pages_reps, args.pages_delay)
    out(fleet_text)
    return sizes_text, fleet_text


def render_pages(args, result):
    sizes_text, fleet_text = result
    return """\
## 6. Listings: pages one at a time against %(limit)d at once

A listing of more than 100 objects takes one request per page of 100. The first page says how many there
are; with `max_concurrent_requests: %(limit)d` (the default) the others are then asked at once, at most %(limit)d in
flight, and their items put back in the server's order; with `1` they are asked one after the other, as
before that option existed. The requests are the same both ways (the table checks it). Against the local
emulator a page costs nearly nothing, so here every listing request (`GET /integrations/`, `GET /routes/`)
is held %(delay).2f s on the server side (the emulator's `delay` fault) before it is answered, standing for
what a page costs a real engine. The emulator sleeps in parallel for as many requests as arrive, which a
real engine on a few cores does not: a real server gains less (one self-hosted engine on two cores listed
500 integrations in 12 to 16 s one page after another, in 7.5 s with four pages in flight). *Floor* is the
least time the delay allows: every page one after the other, or the first page alone and then %(limit)d at a
time. %(reps)d runs of each, interleaved; medians.

Emulator seeded with %(sizes)s integrations. *Listing alone* is one `list_all("integrations/")` of the
collection's client, in the benchmark's own process; the task is `oncall.grafana.oncall_integration_info`
without a filter, timed by the callback (it adds starting the module).

%(sizes_text)s

The fleet of section 5 (%(fleet_size)d integrations with templates and a default-route chain, the same `config`
handed back), with the same delay: `oncall_integrations` unchanged with `state: merged`, which lists the
integrations, and `state: gathered`, which lists the integrations and then the routes (two listings, each
with its first page alone).

%(fleet_text)s
""" % dict(limit=CONCURRENT, delay=args.pages_delay, reps=args.pages_reps, sizes=", ".join("{:,}".format(size) for size in args.pages_sizes),
           sizes_text=sizes_text, fleet_size=args.pages_fleet_size, fleet_text=fleet_text)


def add_arguments(parser):
    parser.add_argument("--pages-sizes", type=integer_list, default="100,500,2000", help="seeded integrations of the listings (default 100,500,2000)")
    parser.add_argument("--pages-delay", type=float, default=0.5, help="seconds the emulator holds each listing request (default 0.5)")
    parser.add_argument("--pages-reps", type=int, default=3, help="runs of each listing, one at a time and at once (default 3)")
    parser.add_argument("--pages-fleet-size", type=int, default=500, help="seeded integrations of the fleet tasks (default 500)")


SECTION = Section(name="pages", run=run_pages, render=render_pages, add_arguments=add_arguments)

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the oncall.grafana modules against the bundled emulator: `make bench`.

Runs the real ansible-playbook of the venv this script runs in (.build/venv-2.19), prints every table as
it is produced, and writes docs/performance.md. Not part of `make test`.

This file is the command line only. Each section is one file of bench/sections/ (listed in
bench/sections/__init__.py); what they share is bench/harness.py; the page is written by bench/page.py.

    .build/venv-2.19/bin/python bench/run.py [--reps 5] [--sizes 100,1000,5000] [--fleet-size 500] [--output docs/performance.md]
    .build/venv-2.19/bin/python bench/run.py --only fleet --fleet-size 50    # one section alone, no page written
    .build/venv-2.19/bin/python bench/run.py --only pages --splice           # measure one section again, into the page
    ONCALL_TEST_URL=... ONCALL_TEST_TOKEN=... make bench                    # the request counts of a real OnCall, into the page

Against a real OnCall (the variables of `make test-real`) only the sections of REAL_SECTIONS run (by default all of
them), and their parts of the page are replaced (--splice), each saying which server it came from; the other sections
need the emulator (seeded servers of known sizes, injected delays, several stacks).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from harness import REPO, Runner, out
from page import render, splice, versions
from sections import SECTIONS
from target import real_server

SECTION_NAMES = [section.name for section in SECTIONS]  # what --only takes, in the order they run
# What runs against a real OnCall, on whatever the server holds besides the run's objects: the request counts per operation,
# and the fleet (made there, with the run's prefix; --fleet-size integrations, a minute or more of the rate limit per 300).
REAL_SECTIONS = ("operations", "fleet")


def parse_args(argv):
    real = real_server() is not None
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(REAL_SECTIONS if real else SECTION_NAMES),
                        help="comma-separated sections to run, of %s (default all; with some only, no page is written unless --output "
                             "is given). Against a real OnCall: %s, by default both, spliced into the page (--output, default "
                             "docs/performance.md) unless --output -" % (", ".join(SECTION_NAMES), ", ".join(REAL_SECTIONS)))
    # --reps is read by two sections (unchanged, fleet), so it is declared here; a flag only one section reads is in its file.
    parser.add_argument("--reps", type=int, default=5, help="repetitions of the 50-integration comparison and of the fleet's tasks (default 5)")
    for section in SECTIONS:
        if section.add_arguments:
            section.add_arguments(parser)
    parser.add_argument("--output", help="the page to write ('-' for none; default docs/performance.md when every section runs)")
    parser.add_argument("--splice", action="store_true",
                        help="replace only the parts of the sections run in the page (--output, default docs/performance.md), keeping the others")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(SECTION_NAMES))
    if unknown or not args.only:
        parser.error("--only takes sections among %s, not %s" % (", ".join(SECTION_NAMES), ", ".join(unknown) or "nothing"))
    if real:
        emulator_only = [name for name in args.only if name not in REAL_SECTIONS]
        if emulator_only:
            parser.error("against a real OnCall (ONCALL_TEST_URL) only %s run; %s need the emulator" % (", ".join(REAL_SECTIONS), ", ".join(emulator_only)))
        if args.output == "-" and args.splice:
            parser.error("--splice needs a page to write into, not --output -")
        if args.output != "-":
            # A real server's figures go into the page next to the emulator's, never a page of their own.
            if args.output is not None and not Path(args.output).is_file():
                parser.error("against a real OnCall the figures replace their sections in an existing page: %s is not one" % args.output)
            args.splice = True
    if args.output is None:
        args.output = str(REPO / "docs" / "performance.md") if set(args.only) == set(SECTION_NAMES) or args.splice else "-"
    if args.splice and (args.output == "-" or not Path(args.output).is_file()):
        parser.error("--splice needs an existing page to write into (--output)")
    return args


def main(argv=None):
    args = parse_args(argv)
    machine = versions()
    started = time.monotonic()
    out("oncall.grafana benchmark: %(nproc)s CPUs (%(cpu)s), Python %(python)s, ansible-core %(ansible)s, load %(load)s" % machine)
    with tempfile.TemporaryDirectory(prefix="oncall-bench-") as tmp:
        runner = Runner(Path(tmp))
        results = {section.name: section.run(runner, args) for section in SECTIONS if section.name in args.only}
    took = time.monotonic() - started
    out("\nbenchmark took %.0f s" % took)

    if args.splice:
        page = Path(args.output)
        page.write_text(splice(page.read_text(encoding="utf-8"), machine, args, results), encoding="utf-8")
        out("wrote the sections %s into %s" % (", ".join(args.only), args.output))
    elif args.output != "-":
        Path(args.output).write_text(render(machine, args, took, results), encoding="utf-8")
        out("wrote %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

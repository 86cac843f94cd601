# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Section 2 of the benchmark: a loop of unchanged integrations, the module against hand-written `uri` GETs."""

from __future__ import annotations

import statistics

from harness import TOKEN, Api, Section, emulator, ms, out, table

N_UNCHANGED = 50


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


def run_unchanged(runner, args):
    out("\n## 2. %d unchanged integrations: module vs plain uri GETs (%d runs each, interleaved)\n" % (N_UNCHANGED, args.reps))
    unchanged_text, unchanged = bench_unchanged(runner, args.reps)
    out(unchanged_text)
    return unchanged_text, unchanged


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


SECTION = Section(name="unchanged", run=run_unchanged, render=render_unchanged)

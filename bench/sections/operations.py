# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Section 1 of the benchmark: the requests each module operation sends, against the fewest it could."""

from __future__ import annotations

from harness import Api, Section, describe, emulator, out, pages, table


def operation_scenarios(ids):
    """(module, how, case, options, minimum, check_mode) in the order they run; each depends on the ones before."""
    # Info modules first, while the counts in ids hold.
    return (info_scenarios(ids) + integration_scenarios(ids) + integration_route_scenarios(ids) + chain_scenarios(ids) + route_scenarios(ids)
            + webhook_scenarios(ids))


def info_scenarios(ids):
    pages_int, pages_chain = pages(ids["n_integrations"]), pages(ids["n_chains"])
    return [
        ("oncall_integration_info", "all (%d integrations)" % ids["n_integrations"], "list", {}, pages_int, False),
        ("oncall_integration_info", "by name", "list", {"name": "bench-routed"}, 1, False),
        ("oncall_integration_info", "by id", "list", {"id": ids["routed"]}, 1, False),
        ("oncall_integration_info", "by team name", "list", {"team": "ops"}, 1 + pages_int, False),
        ("oncall_escalation_chain_info", "all (%d chains)" % ids["n_chains"], "list", {}, pages_chain, False),
        ("oncall_escalation_chain_info", "by name", "list", {"name": "bench-chain-a"}, 1, False),
        ("oncall_route_info", "by integration_id", "list", {"integration_id": ids["routed"]}, 1, False),
        ("oncall_route_info", "by integration name", "list", {"integration": "bench-routed"}, 2, False),
        ("oncall_integration_info", "all, export (%d routes)" % ids["n_routes"], "list", {"export": True}, pages_int + pages(ids["n_routes"]), False),
        ("oncall_outgoing_webhook_info", "all", "list", {}, 1, False),
    ]


def integration_scenarios(ids):
    int_names = {"team": "ops", "default_route": {"escalation_chain": "bench-chain-a", "slack": {"channel": "#alerts"}}}
    return [
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
    ]


def integration_route_scenarios(ids):
    """oncall_integration managing its routes (`routes`: exactly these, in this order)."""
    two = [{"routing_regex": "first", "escalation_chain_id": ids["chain_a"]}, {"routing_regex": "second"}]
    task = {"name": "bench-int-routes", "type": "webhook"}
    return [
        ("oncall_integration", "+ 2 routes, chain id", "create (check mode)", dict(task, routes=two), 1, True),
        ("oncall_integration", "+ 2 routes, chain id", "create", dict(task, routes=two), 4, False),
        ("oncall_integration", "+ 2 routes, chain id", "unchanged", dict(task, routes=two), 2, False),
        ("oncall_integration", "+ 2 routes, chain id", "second route to the top", dict(task, routes=two[::-1]), 3, False),
        ("oncall_integration", "+ 2 routes, chain id", "a route's chain changed",
         dict(task, routes=[two[1], dict(two[0], escalation_chain_id=ids["chain_b"])]), 3, False),
        ("oncall_integration", "+ 2 routes, chain id", "routes: [] deletes both", dict(task, routes=[]), 4, False),
        ("oncall_integration", "+ 2 routes, chain id", "delete", dict(task, state="absent"), 2, False),
    ]


def webhook_scenarios(ids):
    hook = {"name": "bench-hook", "webhook_url": "https://tickets.example.com/api/issues", "trigger_type": "escalation", "http_method": "POST"}
    named = dict(hook, integrations=["bench-routed"], team="ops")
    secret = dict(hook, authorization_header="Bearer bench-secret")
    return [
        ("oncall_outgoing_webhook", "name, ids only", "create (check mode)", hook, 1, True),
        ("oncall_outgoing_webhook", "name, ids only", "create", hook, 2, False),
        ("oncall_outgoing_webhook", "name, ids only", "unchanged", hook, 1, False),
        ("oncall_outgoing_webhook", "name, ids only", "update (data)", dict(hook, data="{}"), 2, False),
        ("oncall_outgoing_webhook", "+ integration and team names", "update", named, 4, False),
        ("oncall_outgoing_webhook", "+ integration and team names", "unchanged", named, 3, False),
        ("oncall_outgoing_webhook", "+ a secret", "set it", dict(secret, integration_ids=[ids["routed"]], team_id=ids["team_ops"]), 2, False),
        ("oncall_outgoing_webhook", "+ a secret", "unchanged (update_secrets: on_create)",
         dict(secret, integration_ids=[ids["routed"]], team_id=ids["team_ops"]), 1, False),
        ("oncall_outgoing_webhook", "name, ids only", "delete", {"name": "bench-hook", "state": "absent"}, 2, False),
        ("oncall_outgoing_webhook", "name, ids only", "absent, missing", {"name": "bench-hook", "state": "absent"}, 1, False),
    ]


def chain_scenarios(ids):
    return [
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
    ]


def route_scenarios(ids):
    route_names = {"integration": "bench-routed", "escalation_chain": "bench-chain-a", "slack": {"channel": "#alerts"}}
    return [
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


def setup_objects(api):
    """What the scenarios address, made through the plain API: {name: id}, and the counts the info rows list."""
    chain_a = api.post("escalation_chains/", name="bench-chain-a")["id"]
    chain_b = api.post("escalation_chains/", name="bench-chain-b")["id"]
    for number in range(120):  # more than one page of chains, so that listing them all pages
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
    ids["n_routes"] = api.count("routes/")
    return ids


def scenario_tasks(scenarios):
    tasks = []
    for module, how, case, options, dummy, check in scenarios:
        task = {"name": "%s | %s | %s" % (module, how, case), "oncall.grafana." + module: options}
        if check:
            task["check_mode"] = True
        tasks.append(task)
    return tasks


def scenario_rows(scenarios, records):
    """One table row per scenario, and the tasks that sent more (or fewer) requests than their minimum."""
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
    return rows, over


def bench_operations(runner, seed):
    """One playbook, one task per operation; the callback clears and reads the request log around each task."""
    server = emulator(seed=seed)
    try:
        ids = setup_objects(Api(server.url))
        scenarios = operation_scenarios(ids)
        dummy, records = runner.run(server.url, scenario_tasks(scenarios))
    finally:
        server.stop()
    rows, over = scenario_rows(scenarios, records)
    text = table(["Module", "Addressed by", "Operation", "Changed", "Requests", "Writes", "Minimum", "At minimum", "Requests sent"], rows)
    return text, {"over": over, "tasks": len(records), "n_integrations": ids["n_integrations"], "n_chains": ids["n_chains"]}


def run_operations(runner, args):
    """Print the section as it runs; return (the table, its figures) for render_operations."""
    out("\n## 1. Requests per operation\n")
    ops_text, ops = bench_operations(runner, args.seed)
    out(ops_text)
    return ops_text, ops


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
size the client asks for). An integration whose task lists its `routes` adds its routes listing to its lookup
(none when the integration is new: it has no routes yet) and one write per route created, moved, changed or
deleted; the export lists every route too, to put each integration's routes in its `params`. Filtering
integrations by team must list every page: the server's `team_id` filter answers HTTP 500 on self-hosted
OnCall, so the team is picked on the client side. (The engine caps only the page size it *reports*, not
the page it serves, so a bigger `perpage` could fetch a list in fewer requests; the client asks for 100,
and the minimum is counted at that page size.)
%(over)s

%(ops_text)s
""" % dict(seed=args.seed, n_int=ops["n_integrations"], n_chains=ops["n_chains"], over=over, ops_text=ops_text)


def add_arguments(parser):
    parser.add_argument("--seed", type=int, default=250, help="seeded integrations in the request-count run (default 250)")


SECTION = Section(name="operations", run=run_operations, render=render_operations, add_arguments=add_arguments)

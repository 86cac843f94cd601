# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Section 1 of the benchmark: the requests each module operation sends, against the fewest it could."""

from __future__ import annotations

from harness import Section, describe, out, pages, table
from target import describe_server, open_target


def operation_scenarios(ids):
    """(module, how, case, options, minimum, check_mode) in the order they run; each depends on the ones before."""
    # Info modules first, while the counts in ids hold.
    return (info_scenarios(ids) + integration_scenarios(ids) + integration_route_scenarios(ids) + chain_scenarios(ids) + route_scenarios(ids)
            + webhook_scenarios(ids))


def info_scenarios(ids):
    n = ids["name"]
    pages_int, pages_chain = pages(ids["n_integrations"]), pages(ids["n_chains"])
    return [
        ("oncall_integration_info", "all (%d integrations)" % ids["n_integrations"], "list", {}, pages_int, False),
        ("oncall_integration_info", "by name", "list", {"name": n("routed")}, 1, False),
        ("oncall_integration_info", "by id", "list", {"id": ids["routed"]}, 1, False),
        ("oncall_integration_info", "by team name", "list", {"team": "ops"}, 1 + pages_int, False),
        ("oncall_escalation_chain_info", "all (%d chains)" % ids["n_chains"], "list", {}, pages_chain, False),
        ("oncall_escalation_chain_info", "by name", "list", {"name": n("chain-a")}, 1, False),
        ("oncall_route_info", "by integration_id", "list", {"integration_id": ids["routed"]}, 1, False),
        ("oncall_route_info", "by integration name", "list", {"integration": n("routed")}, 2, False),
        ("oncall_integration_info", "all, export (%d routes)" % ids["n_routes"], "list", {"export": True}, pages_int + pages(ids["n_routes"]), False),
        ("oncall_outgoing_webhook_info", "all", "list", {}, pages(ids["n_webhooks"]), False),
    ]


def slack_channel(ids):
    """(the default route's or route's `slack` option, the label's words for it, its lookup): a Slack channel named when
    the server has Slack with the channel #alerts; without it the rows name the team and chain only."""
    if ids["slack"]:
        return {"slack": {"channel": "#alerts"}}, ", Slack channel", 1
    return {}, "", 0


def integration_scenarios(ids):
    n = ids["name"]
    slack, names, extra = slack_channel(ids)
    int_names = {"team": "ops", "default_route": dict({"escalation_chain": n("chain-a")}, **slack)}
    return [
        ("oncall_integration", "name, ids only", "create (check mode)", {"name": n("int-plain"), "type": "webhook"}, 1, True),
        ("oncall_integration", "name, ids only", "create", {"name": n("int-plain"), "type": "webhook"}, 2, False),
        ("oncall_integration", "name, ids only", "unchanged", {"name": n("int-plain"), "type": "webhook"}, 1, False),
        ("oncall_integration", "name, ids only", "update (check mode)", {"name": n("int-plain"), "description_short": "v2"}, 1, True),
        ("oncall_integration", "name, ids only", "update", {"name": n("int-plain"), "description_short": "v2"}, 2, False),
        ("oncall_integration", "name, ids only", "update: default route chain by id",
         {"name": n("int-plain"), "default_route": {"escalation_chain_id": ids["chain_a"]}}, 2, False),
        ("oncall_integration", "name, ids only", "delete", {"name": n("int-plain"), "state": "absent"}, 2, False),
        ("oncall_integration", "name, ids only", "absent, missing", {"name": n("int-plain"), "state": "absent"}, 1, False),
        ("oncall_integration", "+ team, chain%s names" % names, "create", dict(int_names, name=n("int-named"), type="webhook"), 4 + extra, False),
        ("oncall_integration", "+ team, chain%s names" % names, "unchanged", dict(int_names, name=n("int-named"), type="webhook"), 3 + extra, False),
        ("oncall_integration", "+ team, chain%s names" % names, "update", dict(int_names, name=n("int-named"), description_short="v2"), 4 + extra, False),
        ("oncall_integration", "+ team name", "delete", {"name": n("int-named"), "team": "ops", "state": "absent"}, 3, False),
        ("oncall_integration", "+ team name", "absent, missing", {"name": n("int-named"), "team": "ops", "state": "absent"}, 2, False),
        ("oncall_integration", "by id", "unchanged", {"id": ids["int_byid"], "description_short": "v1"}, 1, False),
        ("oncall_integration", "by id", "update", {"id": ids["int_byid"], "description_short": "v2"}, 2, False),
        ("oncall_integration", "by id", "delete", {"id": ids["int_byid"], "state": "absent"}, 2, False),
        ("oncall_integration", "by id", "absent, missing", {"id": ids["int_byid"], "state": "absent"}, 1, False),
    ]


def integration_route_scenarios(ids):
    """oncall_integration managing its routes (`routes`: exactly these, in this order)."""
    n = ids["name"]
    two = [{"routing_regex": "first", "escalation_chain_id": ids["chain_a"]}, {"routing_regex": "second"}]
    task = {"name": n("int-routes"), "type": "webhook"}
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
    n = ids["name"]
    hook = {"name": n("hook"), "webhook_url": "https://tickets.example.com/api/issues", "trigger_type": "escalation", "http_method": "POST"}
    named = dict(hook, integrations=[n("routed")], team="ops")
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
        ("oncall_outgoing_webhook", "name, ids only", "delete", {"name": n("hook"), "state": "absent"}, 2, False),
        ("oncall_outgoing_webhook", "name, ids only", "absent, missing", {"name": n("hook"), "state": "absent"}, 1, False),
    ]


def chain_scenarios(ids):
    n = ids["name"]
    return [
        ("oncall_escalation_chain", "name, ids only", "create", {"name": n("chain-plain")}, 2, False),
        ("oncall_escalation_chain", "name, ids only", "unchanged", {"name": n("chain-plain")}, 1, False),
        ("oncall_escalation_chain", "name, ids only", "update (team_id)", {"name": n("chain-plain"), "team_id": ids["team_ops"]}, 2, False),
        ("oncall_escalation_chain", "name, ids only", "delete", {"name": n("chain-plain"), "state": "absent"}, 2, False),
        ("oncall_escalation_chain", "name, ids only", "absent, missing", {"name": n("chain-plain"), "state": "absent"}, 1, False),
        ("oncall_escalation_chain", "+ team name", "create", {"name": n("chain-named"), "team": "ops"}, 3, False),
        ("oncall_escalation_chain", "+ team name", "unchanged", {"name": n("chain-named"), "team": "ops"}, 2, False),
        ("oncall_escalation_chain", "+ team name", "update (team)", {"name": n("chain-named"), "team": "db"}, 3, False),
        ("oncall_escalation_chain", "name, ids only", "delete (was + team)", {"name": n("chain-named"), "state": "absent"}, 2, False),
        ("oncall_escalation_chain", "by id", "unchanged", {"id": ids["chain_byid"], "name": n("chain-byid")}, 1, False),
        ("oncall_escalation_chain", "by id", "update (rename)", {"id": ids["chain_byid"], "name": n("chain-byid-2")}, 2, False),
        ("oncall_escalation_chain", "by id", "delete", {"id": ids["chain_byid"], "state": "absent"}, 2, False),
        ("oncall_escalation_chain", "by id", "absent, missing", {"id": ids["chain_byid"], "state": "absent"}, 1, False),
    ]


def route_scenarios(ids):
    n = ids["name"]
    slack, names, extra = slack_channel(ids)
    route_names = dict({"integration": n("routed"), "escalation_chain": n("chain-a")}, **slack)
    how = "integration, chain%s names" % names
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
        ("oncall_route", how, "create", dict(route_names, routing_regex="r-names"), 4 + extra, False),
        ("oncall_route", how, "unchanged", dict(route_names, routing_regex="r-names"), 3 + extra, False),
        ("oncall_route", how, "update (chain)", dict(route_names, routing_regex="r-names", escalation_chain=n("chain-b")), 4 + extra, False),
        ("oncall_route", "integration name", "delete", {"integration": n("routed"), "routing_regex": "r-names", "state": "absent"}, 3, False),
        ("oncall_route", "integration name", "absent, missing", {"integration": n("routed"), "routing_regex": "r-names", "state": "absent"}, 2, False),
        ("oncall_route", "by id", "unchanged", {"id": ids["route_byid"], "escalation_chain_id": ids["chain_a"]}, 1, False),
        ("oncall_route", "by id", "update (chain)", {"id": ids["route_byid"], "escalation_chain_id": ids["chain_b"]}, 2, False),
        ("oncall_route", "by id", "delete", {"id": ids["route_byid"], "state": "absent"}, 2, False),
        ("oncall_route", "by id", "absent, missing", {"id": ids["route_byid"], "state": "absent"}, 1, False),
    ]


def setup_objects(api, n, real):
    """What the scenarios address, made through the plain API (names made by `n`): {name: id}, the counts the info
    rows list, `name` (n) and `slack` (whether the rows can name a Slack channel)."""
    team_ops = api.team_id("ops")
    api.team_id("db")  # both before anything is made
    chain_a = api.post("escalation_chains/", name=n("chain-a"))["id"]
    chain_b = api.post("escalation_chains/", name=n("chain-b"))["id"]
    for number in range(120):  # more than one page of chains, so that listing them all pages
        api.post("escalation_chains/", name=n("filler-%03d" % number))
    routed = api.post("integrations/", name=n("routed"), type="alertmanager")["id"]
    for regex in ("setup-1", "setup-2"):
        api.post("routes/", integration_id=routed, routing_regex=regex, escalation_chain_id=None)
    route_byid = api.post("routes/", integration_id=routed, routing_regex="byid", escalation_chain_id=chain_a)["id"]
    ids = {
        "chain_a": chain_a, "chain_b": chain_b, "routed": routed, "route_byid": route_byid,
        "chain_byid": api.post("escalation_chains/", name=n("chain-byid"))["id"],
        "int_byid": api.post("integrations/", name=n("int-byid"), type="webhook", description_short="v1")["id"],
        "team_ops": team_ops,
        "name": n,
        # The emulator has #alerts; a real server may have no Slack, or not that channel.
        "slack": not real or any(channel["name"] == "alerts" for channel in api.list("slack_channels/", channel_name="alerts")),
    }
    ids["n_integrations"] = api.count("integrations/")
    ids["n_chains"] = api.count("escalation_chains/")
    ids["n_routes"] = api.count("routes/")
    ids["n_webhooks"] = api.count("webhooks/")
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
    with open_target(seed=seed) as target:
        ids = setup_objects(target.api, target.name, target.real)
        scenarios = operation_scenarios(ids)
        dummy, records = target.run(runner, scenario_tasks(scenarios))
    rows, over = scenario_rows(scenarios, records)
    text = table(["Module", "Addressed by", "Operation", "Changed", "Requests", "Writes", "Minimum", "At minimum", "Requests sent"], rows)
    return text, {"over": over, "tasks": len(records), "n_integrations": ids["n_integrations"], "n_chains": ids["n_chains"],
                  "server": describe_server() if target.real else None, "slack": ids["slack"],
                  "throttled": sum(record["throttled"] for record in records)}


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
%(server)s *Minimum* is the fewest requests the operation can take through the
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
""" % dict(server=server_line(args, ops), over=over, ops_text=ops_text)


def server_line(args, ops):
    """Which server the rows came from, and what it held."""
    if not ops.get("server"):
        return ("The server holds %d seeded integrations plus the benchmark's own (%d when the info rows run) and %d escalation chains."
                % (args.seed, ops["n_integrations"], ops["n_chains"]))
    line = ("The server, %s (`ONCALL_TEST_URL`), held %d integrations (the benchmark's own included) when the info rows ran, and %d "
            "escalation chains; the playbook tests' recording proxy, in front of it, counted the requests."
            % (ops["server"], ops["n_integrations"], ops["n_chains"]))
    if not ops["slack"]:
        line += " It has no Slack channel #alerts, so the rows that name one name the team and chain only."
    if ops["throttled"]:
        line += (" The server's rate limit refused %d request%s (HTTP 429): the client waited and asked again, and the counts leave"
                 " the refusals out." % (ops["throttled"], "s" if ops["throttled"] > 1 else ""))
    return line


def add_arguments(parser):
    parser.add_argument("--seed", type=int, default=250, help="seeded integrations in the request-count run (default 250)")


SECTION = Section(name="operations", run=run_operations, render=render_operations, add_arguments=add_arguments)

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every module's EXAMPLES and every playbook in README.md and docs/ run as written against the emulator.

The emulator is seeded with what the examples name (teams Platform and Staging, the chain
"Platform on-call", the Slack channel #platform-alerts = C0123ABCD, an integration "Production
Alertmanager"); the only edits are the server URL and the sample ids, swapped for the seeded objects' ids.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import requests
import yaml

# tests/emulator is on sys.path: conftest.py puts it there.
from server import EmulatorServer  # pylint: disable=import-error

REPO = Path(__file__).resolve().parents[2]

TOKEN = "docs-token"
DOCS_URL = "https://oncall-prod-us-central-0.grafana.net/oncall"
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


class _AnyTagLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """Parses documentation YAML only to tell playbooks from fragments; tags such as !unsafe are kept as text."""


_AnyTagLoader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node))


@pytest.fixture
def docs_server():
    with EmulatorServer(token=TOKEN, teams=["Platform", "Staging"], slack_channels={"platform-alerts": "C0123ABCD"},
                        users=["alice", "bob"], schedules=["Platform primary"], rate_limit="100000/m", host="127.0.0.1", port=0) as server:
        api = requests.Session()
        api.headers["Authorization"] = TOKEN
        teams = {team["name"]: team["id"] for team in api.get(server.url + "/api/v1/teams/", timeout=30).json()["results"]}
        chain = api.post(server.url + "/api/v1/escalation_chains/", json={"name": "Platform on-call"}, timeout=30).json()
        integration = api.post(server.url + "/api/v1/integrations/", timeout=30,
                               json={"name": "Production Alertmanager", "type": "alertmanager", "team_id": teams["Platform"]}).json()
        bot = api.post(server.url + "/api/v1/webhooks/", timeout=30, json={"name": "page-incident-bot", "url": "https://bot.example.com/page",
                                                                           "trigger_type": "escalation", "http_method": "POST"}).json()
        server.sample_ids = {
            "TGD6H3A1Y5FCL": teams["Platform"],
            "TBN3G5DUWXVL6": teams["Staging"],
            "FW6E8N3JQ1ZVK": chain["id"],
            "CFRPV98RPR1U8": integration["id"],
            "WH82D7LNAZ6WUM": bot["id"],
        }
        yield server


def as_written(text, server):
    """The example with the seeded server's URL and ids in place of the sample ones."""
    text = text.replace(DOCS_URL, server.url)
    for sample, real in server.sample_ids.items():
        text = text.replace(sample, real)
    return text


def connection(server):
    """The environment the examples read: the connection, and the ticket system's token of docs/webhooks.md."""
    return {"GRAFANA_ONCALL_URL": server.url, "GRAFANA_ONCALL_ACCESS_TOKEN": TOKEN, "TICKETS_API_TOKEN": "tickets-token"}


def examples_of(module_path):
    tree = ast.parse(module_path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "EXAMPLES" for target in node.targets):
            return node.value.value
    raise AssertionError("no EXAMPLES in %s" % module_path)


def wrap_tasks(tasks_text):
    play = "- name: Examples\n  hosts: localhost\n  gather_facts: false\n  vars:\n" \
           "    ansible_python_interpreter: \"{{ ansible_playbook_python }}\"\n    oncall_token: %s\n" \
           "    vault_tickets_token: tickets-token\n    vault_chat_password: chat-password\n  tasks:\n" % TOKEN
    return play + "\n".join("    " + line if line else line for line in tasks_text.splitlines()) + "\n"


@pytest.mark.emulator_only("runs documented playbooks as written (team Platform, names without the run's prefix) on an emulator of its own")
def test_module_and_filter_examples_run_as_written(oncall, docs_server, playbook, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "web_message.j2").write_text("{{ payload.message }}\n")
    (tmp_path / "vars").mkdir()
    plugins = REPO / "plugins"
    runs = [
        [plugins / "modules" / "oncall_integration.py"],
        [plugins / "modules" / "oncall_integrations.py"],
        # The filter's example writes what the info module's examples registered.
        [plugins / "modules" / "oncall_integration_info.py", plugins / "filter" / "to_unsafe_yaml.py"],
        [plugins / "modules" / "oncall_escalation_chain.py", plugins / "modules" / "oncall_escalation_chain_info.py"],
        # Last: they rename page-incident-bot, which the chain examples call.
        [plugins / "modules" / "oncall_outgoing_webhook.py", plugins / "modules" / "oncall_outgoing_webhook_info.py"],
    ]
    for sources in runs:
        text = wrap_tasks("\n".join(as_written(examples_of(path), docs_server) for path in sources))
        path = tmp_path / ("examples-%s.yml" % sources[0].stem)
        path.write_text(text)
        play = playbook.file(path, env=connection(docs_server))
        assert play.rc == 0, play
    assert "!unsafe" in (tmp_path / "vars" / "oncall_integrations.yml").read_text()
    assert "!unsafe" in (tmp_path / "vars" / "oncall_webhooks.yml").read_text()


# Pages whose playbooks run on an inventory of their own, in a test of their own (test_many_stacks.py).
OWN_INVENTORY = ("many-stacks.md",)


def doc_playbooks():
    for page in [REPO / "README.md"] + sorted(path for path in (REPO / "docs").glob("*.md") if path.name not in OWN_INVENTORY):
        for index, block in enumerate(YAML_BLOCK.findall(page.read_text())):
            parsed = yaml.load(block, Loader=_AnyTagLoader)  # nosec - test-only loader of our own docs
            if isinstance(parsed, list) and parsed and isinstance(parsed[0], dict) and "hosts" in parsed[0]:
                yield page.name, index, block


def test_every_documented_playbook_is_found():
    found = {(page, index) for page, index, dummy in doc_playbooks()}
    pages = {page for page, dummy in found}
    assert {"README.md", "oncall_integration.md", "adopting.md", "fleet.md", "escalation.md", "webhooks.md"} <= pages


@pytest.mark.emulator_only("runs documented playbooks as written (team Platform, names without the run's prefix) on an emulator of its own")
def test_documented_playbooks_run_as_written(oncall, docs_server, playbook, tmp_path):
    (tmp_path / "vars").mkdir()
    extra = ["-e", "oncall_url=%s" % docs_server.url, "-e", "vault_oncall_token=%s" % TOKEN]
    for page, index, block in doc_playbooks():
        path = tmp_path / ("%s-%d.yml" % (page.replace(".", "-"), index))
        path.write_text(as_written(block, docs_server))
        play = playbook.file(path, env=connection(docs_server), args=extra)
        assert play.rc == 0, "%s block %d failed:\n%r" % (page, index, play)


@pytest.mark.emulator_only("runs documented playbooks as written (team Platform, names without the run's prefix) on an emulator of its own")
def test_adoption_walkthrough_ends_in_a_check_run_without_changes(oncall, docs_server, playbook, tmp_path):
    """docs/adopting.md: export -> vars file -> playbook -> --check shows no change."""
    (tmp_path / "vars").mkdir()
    blocks = {block.splitlines()[0]: block for page, dummy, block in doc_playbooks() if page == "adopting.md"}
    for name in ("# export.yml", "# oncall.yml"):
        (tmp_path / name[2:]).write_text(as_written(blocks[name], docs_server))
    assert playbook.file(tmp_path / "export.yml", env=connection(docs_server)).rc == 0
    check = playbook.file(tmp_path / "oncall.yml", env=connection(docs_server), check=True, diff=True)
    assert check.rc == 0, check
    loop = check.records[-1]["result"]["results"]
    assert loop and all(item["changed"] is False for item in loop)


@pytest.mark.emulator_only("runs documented playbooks as written (team Platform, names without the run's prefix) on an emulator of its own")
def test_fleet_walkthrough_gathers_then_checks_without_changes(oncall, docs_server, playbook, tmp_path):
    """docs/fleet.md: gathered -> vars file -> replaced with --check --diff shows no change and writes nothing."""
    (tmp_path / "vars").mkdir()
    blocks = {block.splitlines()[0]: block for page, dummy, block in doc_playbooks() if page == "fleet.md"}
    for name in ("# gather.yml", "# fleet.yml", "# own.yml"):
        (tmp_path / name[2:]).write_text(as_written(blocks[name], docs_server))
    api = requests.Session()
    api.headers["Authorization"] = TOKEN
    platform = docs_server.sample_ids["TGD6H3A1Y5FCL"]
    route = {"integration_id": docs_server.sample_ids["CFRPV98RPR1U8"], "routing_regex": 'severity="critical"',
             "escalation_chain_id": docs_server.sample_ids["FW6E8N3JQ1ZVK"]}
    grafana = {"name": "Platform Grafana", "type": "grafana", "team_id": platform, "templates": {"web": {"title": "{{ payload.title }}"}}}
    for path, body in (("routes/", route), ("integrations/", grafana)):
        response = api.post(docs_server.url + "/api/v1/" + path, json=body, timeout=30)
        assert response.status_code == 201, response.text
    assert playbook.file(tmp_path / "gather.yml", env=connection(docs_server)).rc == 0
    saved = (tmp_path / "vars" / "oncall_fleet.yml").read_text()
    assert "!unsafe" in saved and "Platform Grafana" in saved and 'severity="critical"' in saved

    api.delete(docs_server.url + "/__emulator__/requests", timeout=30).raise_for_status()
    check = playbook.file(tmp_path / "fleet.yml", env=connection(docs_server), check=True, diff=True)
    assert check.rc == 0, check
    fleet = check.records[-1]["result"]
    assert fleet["changed"] is False and len(fleet["results"]) == 2
    assert {entry["action"] for entry in fleet["results"]} == {"unchanged"}
    log = api.get(docs_server.url + "/__emulator__/requests", timeout=30).json()["requests"]
    assert [entry["method"] for entry in log] == ["GET", "GET"]      # the integration listing and the routes

    # A hand-made integration in the scope is what overridden deletes; one outside it stays.
    extra = api.post(docs_server.url + "/api/v1/integrations/", timeout=30, json={"name": "Hand-made", "type": "webhook", "team_id": platform}).json()
    other = api.post(docs_server.url + "/api/v1/integrations/", timeout=30, json={"name": "Hand-made", "type": "webhook"}).json()
    own = playbook.file(tmp_path / "own.yml", env=connection(docs_server))
    assert own.rc == 0, own
    assert [(entry["action"], entry["id"]) for entry in own.records[-1]["result"]["results"] if entry["action"] != "unchanged"] == [("deleted", extra["id"])]
    assert api.get(docs_server.url + "/api/v1/integrations/%s/" % other["id"], timeout=30).status_code == 200

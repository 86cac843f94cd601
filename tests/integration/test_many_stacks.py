# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/many-stacks.md, as written, against three emulators (three stacks on three ports, each with its own token)
with forks = 3: created everywhere, then changed=0 everywhere, a host_vars override changes one stack only, and a
wrong token fails that stack only. The stacks' teams and chains have the same names and different ids: each stack
must get its own."""

from __future__ import annotations

import re
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from server import EmulatorServer  # pylint: disable=import-error
from recording_proxy import RecordingProxy  # pylint: disable=import-error

DOC = Path(__file__).resolve().parents[2] / "docs" / "many-stacks.md"
STACKS = {"eu": "https://oncall-prod-eu-west-0.grafana.net/oncall", "us": "https://oncall-prod-us-central-0.grafana.net/oncall",
          "ap": "https://oncall-prod-ap-southeast-0.grafana.net/oncall"}
VAULT_PASSWORD = "test vault password"


def documented_files():
    """{relative path: text} of every block of the page that starts with a file name comment."""
    files = {}
    for block in re.findall(r"```(?:yaml|ini)\n(.*?)```", DOC.read_text(), re.DOTALL):
        first = block.splitlines()[0]
        match = re.match(r"# (\S+)", first)
        if match and not first.endswith("`"):
            files[match.group(1).rstrip(",")] = block
    return files


def vault_file(stack):
    """Where the page keeps a stack's encrypted token (it shows the EU stack's file, before encryption)."""
    shown = re.search(r"^# (\S+)/eu/vault\.yml, before `ansible-vault encrypt", DOC.read_text(), re.MULTILINE).group(1)
    return "%s/%s/vault.yml" % (shown, stack)


class Stack:
    """One emulated stack: its server, token, and the recording proxy the playbooks reach it through (its request log)."""

    def __init__(self, name, server, token, proxy):
        self.name, self.server, self.token, self.proxy = name, server, token, proxy
        self.url = proxy.url

    def get(self, path, **params):
        response = requests.get("%s/api/v1/%s" % (self.server.url, path), params=dict(params, perpage=100),
                                headers={"Authorization": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()["results"]

    def log(self):
        return self.proxy.log()

    def clear_log(self):
        self.proxy.clear()


@pytest.fixture
def stacks():
    with ExitStack() as opened:
        made = {}
        for name in STACKS:
            token = "token-of-%s-0123456789" % name
            server = opened.enter_context(EmulatorServer(token=token, teams=["Platform"], rate_limit="100000/m", host="127.0.0.1", port=0))
            made[name] = Stack(name, server, token, opened.enter_context(RecordingProxy(server.url)))
        yield made


def write_project(root, stacks, token_of=None):
    """The page's project under ``root``, each stack's URL that of its emulator and its token vaulted with its vault id."""
    token_of = token_of or {}
    for relative, text in documented_files().items():
        for name, url in STACKS.items():
            text = text.replace(url, stacks[name].url)
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    password = root / "vault-password"
    password.write_text(VAULT_PASSWORD + "\n")
    for name, stack in stacks.items():
        vault = root / vault_file(name)
        vault.parent.mkdir(parents=True, exist_ok=True)
        vault.write_text('vault_oncall_token: "%s"\n' % token_of.get(name, stack.token))
        subprocess.run([str(Path(sys.executable).parent / "ansible-vault"), "encrypt", "--encrypt-vault-id", name,
                        "--vault-id", "%s@%s" % (name, password), str(vault)], check=True, capture_output=True)
        assert vault.read_text().startswith("$ANSIBLE_VAULT;1.2;AES256;%s" % name)


def run(playbook, root, stacks):
    for stack in stacks.values():
        stack.clear_log()
    vault_ids = [arg for name in stacks for arg in ("--vault-id", "%s@%s" % (name, root / "vault-password"))]
    return playbook.file(root / "oncall.yml", project=root, args=vault_ids)


def changed_by_host(play):
    changed = {}
    for record in play.records:
        changed[record["host"]] = changed.get(record["host"], False) or bool(record["result"].get("changed"))
    return changed


def check_own_ids(stack):
    """The stack's integration points at its own team and chain: nothing resolved on another stack leaked in."""
    team = stack.get("teams/", name="Platform")[0]
    chain = stack.get("escalation_chains/", name="Platform on-call")[0]
    integration = stack.get("integrations/", name="Production Alertmanager")[0]
    assert integration["team_id"] == team["id"] and chain["team_id"] == team["id"]
    assert integration["default_route"]["escalation_chain_id"] == chain["id"]
    routes = [route for route in stack.get("routes/", integration_id=integration["id"]) if not route["is_the_last_route"]]
    assert [route["escalation_chain_id"] for route in routes] == [chain["id"]]
    steps = stack.get("escalation_policies/", escalation_chain_id=chain["id"])
    assert {step.get("team_to_notify") for step in steps if step["type"] == "notify_team_members"} == {team["id"]}
    return team["id"], chain["id"]


def wait_of(stack):
    chain = stack.get("escalation_chains/", name="Platform on-call")[0]
    return [step["duration"] for step in stack.get("escalation_policies/", escalation_chain_id=chain["id"]) if step["type"] == "wait"]


@pytest.mark.emulator_only("needs three servers (its own emulators)")
def test_the_documented_project_runs_on_three_stacks_each_with_its_own_ids(oncall, playbook, tmp_path, stacks):
    assert "forks = 3" in documented_files()["ansible.cfg"]
    root = tmp_path / "oncall"
    write_project(root, stacks)

    first = run(playbook, root, stacks)
    assert first.rc == 0, first
    assert changed_by_host(first) == {"eu": True, "us": True, "ap": True}
    ids = {name: check_own_ids(stack) for name, stack in stacks.items()}
    # Same names, different ids on every stack.
    assert len({team for team, dummy in ids.values()}) == 3 and len({chain for dummy, chain in ids.values()}) == 3
    assert wait_of(stacks["eu"]) == [600] and wait_of(stacks["us"]) == [300] and wait_of(stacks["ap"]) == [300]

    second = run(playbook, root, stacks)
    assert second.rc == 0, second
    assert changed_by_host(second) == {"eu": False, "us": False, "ap": False}
    assert all({entry["method"] for entry in stack.log()} == {"GET"} for stack in stacks.values())

    # A host_vars override changes that stack only.
    us_vars = root / "inventory" / "host_vars" / "us" / "main.yml"
    us_vars.write_text(us_vars.read_text() + "oncall_ack_wait: 900\n")
    third = run(playbook, root, stacks)
    assert third.rc == 0, third
    assert changed_by_host(third) == {"eu": False, "us": True, "ap": False}
    assert [entry["method"] for entry in stacks["us"].log() if entry["method"] != "GET"] == ["PUT"]
    assert wait_of(stacks["us"]) == [900] and wait_of(stacks["eu"]) == [600]


@pytest.mark.emulator_only("needs three servers (its own emulators)")
def test_a_wrong_token_fails_that_stack_only_after_one_request(oncall, playbook, tmp_path, stacks):
    root = tmp_path / "oncall"
    write_project(root, stacks, token_of={"ap": "not-the-ap-token-0123456789"})
    play = run(playbook, root, stacks)
    assert play.rc == 2, play
    failed = {record["host"] for record in play.records if record["status"] == "failed"}
    assert failed == {"ap"}
    assert changed_by_host(play)["eu"] is True and changed_by_host(play)["us"] is True
    # A refused token is never retried: one request, then the host stops; its other tasks never run.
    assert [entry["status"] for entry in stacks["ap"].log()] == [403]
    assert re.search(r"ap\s+: ok=0 .*failed=1", play.stdout) and re.search(r"eu\s+: ok=2 .*failed=0", play.stdout)
    for name in ("eu", "us"):
        check_own_ids(stacks[name])


def test_the_inventory_loads_without_any_vault_secret_and_holds_no_token(tmp_path, stacks):
    """AWX imports an inventory source sourced from a project as ansible-inventory --list --export does, with the
    inventory file's directory as playbook directory, and without any vault secret (an inventory source takes no
    Vault credential): the inventory and the vars files next to it must load so, and what it imports must hold no
    token (AWX keeps it as plain variables). The tokens are read by ansible-playbook when the job runs, where the job
    template's Vault credentials decrypt them."""
    root = tmp_path / "oncall"
    write_project(root, stacks)
    inventory = subprocess.run([str(Path(sys.executable).parent / "ansible-inventory"), "--list", "--export", "-i", "inventory/stacks.yml",
                                "--playbook-dir", "inventory"], cwd=str(root), capture_output=True, text=True, timeout=120, check=False)
    assert inventory.returncode == 0, inventory.stderr
    assert not any(stack.token in inventory.stdout for stack in stacks.values())
    assert "vault_oncall_token" not in inventory.stdout

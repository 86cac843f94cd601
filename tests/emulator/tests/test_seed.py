# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""--seed-integrations N / EmulatorServer(seed_integrations=N): large servers for benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests

from integrations import SEED_TEMPLATES, SEED_TYPES  # conftest puts tests/emulator on sys.path
from server import EmulatorServer
from templating import Templates

EMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_seed_shape(make_api):
    api = make_api(seed_integrations=40)
    body = api.get("integrations/?perpage=100").json()
    assert body["count"] == 40
    items = body["results"]
    assert [i["name"] for i in items] == ["seed-%05d" % n for n in range(1, 41)]
    assert {i["type"] for i in items} == set(SEED_TYPES)
    ops, db = api.team_id("ops"), api.team_id("db")
    assert {i["team_id"] for i in items} == {None, ops, db}
    with_templates = [i for i in items if i["templates"]["grouping_key"] is not None]
    assert len(with_templates) == 10
    assert with_templates[0]["templates"]["slack"]["title"] == SEED_TEMPLATES["slack"]["title"]
    assert items[0]["templates"]["slack"]["title"] is None
    assert items[1]["description_short"] == "Seeded integration 2" and items[0]["description_short"] is None
    assert all(i["default_route"]["id"].startswith("R") for i in items)
    assert len({i["id"] for i in items} | {i["default_route"]["id"] for i in items}) == 80
    # Seeded objects behave like any other: update, delete, name uniqueness.
    assert api.patch("integrations/" + items[0]["id"], json={"name": "renamed"}).status_code == 200
    assert api.delete("integrations/" + items[1]["id"]).status_code == 204
    assert api.post("integrations/", json={"type": "webhook", "name": "seed-00005"}).status_code == 400
    assert api.log()[0]["method"] == "GET"  # seeding itself is not in the request log
    assert len(api.log()) == 6  # list, teams twice (team_id), patch, delete, post


def test_seed_templates_pass_validation():
    Templates(()).validate(SEED_TEMPLATES)  # raises ApiError if the server would refuse them


def test_seed_large_and_paged(make_api):
    started = time.perf_counter()
    api = make_api(seed_integrations=5000, teams=["ops"])
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    first = api.get("integrations/").json()
    listed = time.perf_counter() - started
    print("\nseeding 5000 integrations: %.2f s; first page of the list: %.3f s" % (seeded, listed))
    assert first["count"] == 5000 and first["total_pages"] == 100 and len(first["results"]) == 50
    assert first["next"] == api.server.url + "/api/v1/integrations/?page=2"
    last = api.get("integrations/?page=100").json()
    assert [i["name"] for i in last["results"]][-1] == "seed-05000"
    assert last["next"] is None and last["previous"] == api.server.url + "/api/v1/integrations/?page=99"
    assert api.get("integrations/?name=seed-04321").json()["results"][0]["name"] == "seed-04321"
    assert api.get("routes/?perpage=1").json()["count"] == 5000


def test_reset_seeds_again(make_api):
    api = make_api(seed_integrations=3)
    api.integration(name="extra")
    assert api.get("integrations/").json()["count"] == 4
    assert api.control("POST", "reset").status_code == 204
    assert [i["name"] for i in api.get("integrations/").json()["results"]] == ["seed-00001", "seed-00002", "seed-00003"]


@pytest.mark.parametrize("value", [-1, 1.5, "3", True])
def test_seed_rejects_bad_values(value):
    with pytest.raises(ValueError):
        EmulatorServer(token="t", seed_integrations=value)


def test_cli_seed(emulator_process):
    with emulator_process("--host", "127.0.0.1", "--port", "0", "--token", "seed-token", "--seed-integrations", "120") as url:
        body = requests.get(url + "/api/v1/integrations/", headers={"Authorization": "seed-token"}, timeout=10).json()
        assert body["count"] == 120


def test_cli_seed_rejects_bad_count():
    result = subprocess.run([sys.executable, os.path.join(EMULATOR_DIR, "server.py"), "--token", "t", "--seed-integrations", "-3"],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert "--seed-integrations" in result.stderr

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared connection options, the client built from them, and the runner that turns failures into messages.

The runner's own tests use a minimal stand-in for AnsibleModule; whole modules run against the emulator.
"""

from __future__ import annotations

import copy
import importlib
import json

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils import client as client_module
from ansible_collections.oncall.grafana.plugins.module_utils import runner
from ansible_collections.oncall.grafana.plugins.module_utils.connection import (
    CONNECTION_ARGUMENT_SPEC,
    client_from_params,
    with_connection_options,
)
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError, PartialFailure
from ansible_collections.oncall.grafana.plugins.module_utils.integration import (
    INTEGRATION_ARGUMENT_SPEC,
    INTEGRATION_INFO_ARGUMENT_SPEC,
    list_integrations,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.emulated import TOKEN as EMULATOR_TOKEN
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import BASE, TOKEN, ansible_params

ENV_VARS = ("GRAFANA_ONCALL_URL", "GRAFANA_ONCALL_ACCESS_TOKEN", "GRAFANA_URL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


# ------------------------------------------------------------------ connection options


def test_with_connection_options_keeps_the_module_options_and_adds_the_connection_ones():
    spec = with_connection_options(INTEGRATION_ARGUMENT_SPEC)
    for name, option in INTEGRATION_ARGUMENT_SPEC.items():
        assert spec[name] == option
    assert set(spec) == set(INTEGRATION_ARGUMENT_SPEC) | set(CONNECTION_ARGUMENT_SPEC)
    assert {"url", "token", "grafana_url", "validate_certs", "ca_path", "timeout", "retries", "max_retry_delay",
            "max_concurrent_requests"} <= set(spec)


def test_with_connection_options_does_not_change_the_specs_it_merges():
    module_spec = {"name": {"type": "str"}}
    connection_before = copy.deepcopy(CONNECTION_ARGUMENT_SPEC)
    spec = with_connection_options(module_spec)
    spec["url"]["required"] = True
    assert module_spec == {"name": {"type": "str"}}
    assert CONNECTION_ARGUMENT_SPEC == connection_before


def test_token_option_is_no_log():
    assert with_connection_options({})["token"]["no_log"] is True


def test_connection_defaults():
    params = ansible_params(with_connection_options({}))
    assert (params["validate_certs"], params["timeout"], params["retries"], params["max_retry_delay"], params["max_concurrent_requests"]) == (
        True, 30, 5, 120, 4)


def test_environment_variables_fill_url_token_and_grafana_url(monkeypatch):
    monkeypatch.setenv("GRAFANA_ONCALL_URL", "https://env.example.com/oncall")
    monkeypatch.setenv("GRAFANA_ONCALL_ACCESS_TOKEN", "env-token")
    monkeypatch.setenv("GRAFANA_URL", "https://stack.example.com")
    params = ansible_params(with_connection_options({}))
    assert (params["url"], params["token"], params["grafana_url"]) == ("https://env.example.com/oncall", "env-token", "https://stack.example.com")


def test_task_values_win_over_environment_variables(monkeypatch):
    monkeypatch.setenv("GRAFANA_ONCALL_URL", "https://env.example.com")
    monkeypatch.setenv("GRAFANA_ONCALL_ACCESS_TOKEN", "env-token")
    params = ansible_params(with_connection_options({}), url="https://task.example.com", token="task-token")
    assert (params["url"], params["token"]) == ("https://task.example.com", "task-token")


def test_client_from_params_builds_the_configured_client():
    params = ansible_params(with_connection_options({}), url=BASE + "/api/v1/", token=TOKEN, timeout=7, retries=2, max_retry_delay=9,
                            grafana_url="https://stack.example.com", validate_certs=False, max_concurrent_requests=6)
    client = client_from_params(params)
    assert (client.base_url, client.timeout, client.retries, client.max_retry_delay, client.max_concurrent_requests) == (BASE, 7.0, 2, 9.0, 6)
    assert client.session.headers["Authorization"] == TOKEN
    assert client.session.headers["X-Grafana-URL"] == "https://stack.example.com"
    assert client.session.verify is False


def test_client_from_params_passes_on_retry():
    messages = []
    client = client_from_params(ansible_params(with_connection_options({}), url=BASE, token=TOKEN), on_retry=messages.append)
    assert client.on_retry == messages.append


@pytest.mark.parametrize("given, option", [
    ({"token": TOKEN}, "url"),
    ({"url": BASE}, "token"),
    ({"url": "oncall.example.com", "token": TOKEN}, "url"),
    ({"url": BASE, "token": TOKEN, "timeout": 0}, "timeout"),
    ({"url": BASE, "token": TOKEN, "retries": -1}, "retries"),
    ({"url": BASE, "token": TOKEN, "max_concurrent_requests": 0}, "max_concurrent_requests"),
])
def test_client_from_params_errors_name_the_option(given, option):
    with pytest.raises(OnCallError) as caught:
        client_from_params(ansible_params(with_connection_options({}), **given))
    assert str(caught.value).startswith(option + " ")


# ------------------------------------------------------------------ the runner, with a stand-in for AnsibleModule


class _Exit(Exception):
    def __init__(self, kind, result):
        super().__init__(kind)
        self.kind = kind
        self.result = result


class RecordingModule:
    """What the runner uses of AnsibleModule: params, check_mode, _diff, warn(), fail_json() and exit_json()."""

    def __init__(self, argument_spec=None, check_mode=False, diff=False, **given):
        self.params = ansible_params(with_connection_options(argument_spec or INTEGRATION_ARGUMENT_SPEC), **given)
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def fail_json(self, **result):
        raise _Exit("fail", result)

    def exit_json(self, **result):
        raise _Exit("exit", result)


def scripted_task(outcome, built=None):
    """A task class for run_task: it records what the runner built it with, then returns ``outcome`` or raises it."""
    class ScriptedTask:
        def __init__(self, params, client, check_mode, diff, warn):
            if built is not None:
                built.update(params=params, client=client, check_mode=check_mode, diff=diff, warn=warn)

        def run(self):
            if isinstance(outcome, Exception):
                raise outcome
            return dict(outcome)
    return ScriptedTask


def _run_task(module, outcome, built=None):
    with pytest.raises(_Exit) as caught:
        runner.run_task(module, scripted_task(outcome, built))
    return caught.value


def test_run_task_builds_the_task_from_the_module_and_exits_with_its_result():
    module = RecordingModule(check_mode=True, diff=True, url=BASE, token=TOKEN, name="alerts")
    built = {}
    done = _run_task(module, {"changed": True, "integration": {"id": "C1"}}, built)
    assert done.kind == "exit"
    assert done.result == {"changed": True, "integration": {"id": "C1"}}
    assert built["params"] is module.params
    assert (built["check_mode"], built["diff"]) == (True, True)
    built["warn"]("from the task")
    built["client"].on_retry("retrying")
    assert module.warnings == ["from the task", "retrying"]


def test_run_task_reports_api_errors_with_method_path_and_status():
    exc = OnCallAPIError("PUT", "/api/v1/integrations/C1/", 400, "name: bad")
    done = _run_task(RecordingModule(url=BASE, token=TOKEN, name="alerts"), exc)
    assert done.kind == "fail"
    assert done.result == {"msg": str(exc), "method": "PUT", "path": "/api/v1/integrations/C1/", "status": 400}


def test_run_task_reports_oncall_errors_as_one_message():
    done = _run_task(RecordingModule(url=BASE, token=TOKEN, name="alerts"), OnCallError("integration name 'alerts' is ambiguous"))
    assert done.kind == "fail"
    assert done.result == {"msg": "integration name 'alerts' is ambiguous"}


def test_run_task_reports_a_partial_failure_with_what_was_and_was_not_written():
    cause = OnCallAPIError("POST", "/api/v1/routes/", 400, "routing_regex: bad")
    exc = PartialFailure("stopped at route 2", cause, applied=[{"id": "R1"}], not_applied=["route 2", "route 3"])
    done = _run_task(RecordingModule(url=BASE, token=TOKEN, name="alerts"), exc)
    assert done.kind == "fail"
    assert done.result == {"msg": "stopped at route 2", "changed": True, "results": [{"id": "R1"}], "not_applied": ["route 2", "route 3"],
                           "method": "POST", "path": "/api/v1/routes/", "status": 400}


def test_run_task_reports_a_missing_url_before_running():
    done = _run_task(RecordingModule(token=TOKEN, name="alerts"), AssertionError("the task must not run"))
    assert done.kind == "fail"
    assert done.result["msg"].startswith("url is required")


def test_run_listing_resolves_names_in_the_module_check_mode(oncall):
    # No module creates teams, so an unknown team fails in check mode as in a real run.
    module = RecordingModule(INTEGRATION_INFO_ARGUMENT_SPEC, check_mode=True, url=oncall.url, token=EMULATOR_TOKEN, team="nobody")
    with pytest.raises(_Exit) as caught:
        runner.run_listing(module, list_integrations)
    assert caught.value.kind == "fail" and "team 'nobody' not found in OnCall" in caught.value.result["msg"]
    assert module.warnings == []
    assert oncall.requests() == [("GET", "/api/v1/teams/")]


# ------------------------------------------------------------------ whole modules against the emulator


def _run_module(monkeypatch, capsys, module_name, args):
    testing = pytest.importorskip("ansible.module_utils.testing")
    module = importlib.import_module("ansible_collections.oncall.grafana.plugins.modules." + module_name)
    # No retry of these tests waits.
    monkeypatch.setattr(client_module.time, "sleep", lambda seconds: None)
    with testing.patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out)


def test_module_unchanged_run(oncall, monkeypatch, capsys):
    existing = oncall.integration("alerts")
    oncall.clear_log()
    output = _run_module(monkeypatch, capsys, "oncall_integration", {"url": oncall.url, "token": EMULATOR_TOKEN, "name": "alerts", "type": "webhook"})
    assert output["changed"] is False
    assert output["integration"] == existing
    assert oncall.requests() == [("GET", "/api/v1/integrations/")]


def test_module_failure_names_method_path_status_and_hides_the_token(oncall, monkeypatch, capsys):
    output = _run_module(monkeypatch, capsys, "oncall_integration", {"url": oncall.url, "token": TOKEN, "name": "alerts"})
    assert output["failed"] is True
    assert (output["method"], output["path"], output["status"]) == ("GET", "/api/v1/integrations/?name=alerts&perpage=100", 403)
    assert "authentication or permission" in output["msg"]
    assert TOKEN not in json.dumps(output)


def test_module_failure_hides_the_token_the_server_echoes(oncall, monkeypatch, capsys):
    oncall.add_fault("GET", "^/api/v1/integrations/$", kind="status", status=400, body="echo")
    output = _run_module(monkeypatch, capsys, "oncall_integration", {"url": oncall.url, "token": EMULATOR_TOKEN, "name": "alerts"})
    assert output["failed"] is True and output["status"] == 400
    assert "Could not process request GET" in output["msg"] and "Authorization" in output["msg"]  # the server echoed the headers
    assert EMULATOR_TOKEN not in json.dumps(output)


def test_module_retry_warnings_reach_the_output(oncall, monkeypatch, capsys):
    oncall.integration("alerts")
    oncall.add_fault("GET", "^/api/v1/integrations/$", kind="status", status=429, retry_after=0)
    output = _run_module(monkeypatch, capsys, "oncall_integration", {"url": oncall.url, "token": EMULATOR_TOKEN, "name": "alerts", "type": "webhook"})
    assert output["changed"] is False
    # ansible-core 2.19 reports warnings as structured summaries, older versions as strings: look in either.
    assert "GET /api/v1/integrations/?name=alerts&perpage=100: HTTP 429, retry 1 of 5" in json.dumps(output["warnings"])


def test_info_module_lists_through_the_runner(oncall, monkeypatch, capsys):
    existing = oncall.integration("alerts", team_id=oncall.team_id("ops"))
    oncall.integration("alerts")
    output = _run_module(monkeypatch, capsys, "oncall_integration_info", {"url": oncall.url, "token": EMULATOR_TOKEN, "team": "ops"})
    assert output["changed"] is False
    assert output["integrations"] == [existing]

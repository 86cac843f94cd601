# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared connection options, the client built from them, and the runner that turns failures into messages."""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils import client as client_module
from ansible_collections.oncall.grafana.plugins.module_utils import runner
from ansible_collections.oncall.grafana.plugins.module_utils.connection import (
    CONNECTION_ARGUMENT_SPEC,
    client_from_params,
    with_connection_options,
)
from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.integration import INTEGRATION_ARGUMENT_SPEC
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.oncall_fakes import (
    BASE,
    TOKEN,
    FakeSession,
    ansible_params,
    integration,
    page,
    response,
)

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
    assert {"url", "token", "grafana_url", "validate_certs", "ca_path", "timeout", "retries", "max_retry_delay"} <= set(spec)


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
    assert (params["validate_certs"], params["timeout"], params["retries"], params["max_retry_delay"]) == (True, 30, 5, 120)


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
                            grafana_url="https://stack.example.com", validate_certs=False)
    client = client_from_params(params)
    assert (client.base_url, client.timeout, client.retries, client.max_retry_delay) == (BASE, 7.0, 2, 9.0)
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
])
def test_client_from_params_errors_name_the_option(given, option):
    with pytest.raises(OnCallError) as caught:
        client_from_params(ansible_params(with_connection_options({}), **given))
    assert str(caught.value).startswith(option + " ")


# ------------------------------------------------------------------ run_resource


class _Exit(Exception):
    def __init__(self, kind, result):
        super().__init__(kind)
        self.kind = kind
        self.result = result


class RecordingModule:
    def __init__(self, **given):
        self.params = ansible_params(with_connection_options(INTEGRATION_ARGUMENT_SPEC), **given)
        self.check_mode = False
        self._diff = False
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def fail_json(self, **result):
        raise _Exit("fail", result)

    def exit_json(self, **result):
        raise _Exit("exit", result)


def _resource(outcome):
    class ScriptedResource:
        def __init__(self, module, client):
            self.client = client

        def run(self):
            if isinstance(outcome, Exception):
                raise outcome
            return dict(outcome, client=self.client)
    return ScriptedResource


def _run(module, outcome):
    with pytest.raises(_Exit) as caught:
        runner.run_resource(module, _resource(outcome))
    return caught.value


def test_run_resource_exits_with_the_result_and_a_client_that_warns_on_retry():
    module = RecordingModule(url=BASE, token=TOKEN, name="alerts")
    done = _run(module, {"changed": True, "integration": {"id": "C1"}})
    assert done.kind == "exit"
    assert done.result["changed"] is True and done.result["integration"] == {"id": "C1"}
    done.result["client"].on_retry("retrying")
    assert module.warnings == ["retrying"]


def test_run_resource_reports_api_errors_with_method_path_and_status():
    exc = OnCallAPIError("PUT", "/api/v1/integrations/C1/", 400, "name: bad")
    done = _run(RecordingModule(url=BASE, token=TOKEN, name="alerts"), exc)
    assert done.kind == "fail"
    assert done.result == {"msg": str(exc), "method": "PUT", "path": "/api/v1/integrations/C1/", "status": 400}


def test_run_resource_reports_oncall_errors_as_one_message():
    done = _run(RecordingModule(url=BASE, token=TOKEN, name="alerts"), OnCallError("integration name 'alerts' is ambiguous"))
    assert done.result == {"msg": "integration name 'alerts' is ambiguous"}


def test_run_resource_reports_a_missing_url_before_running():
    done = _run(RecordingModule(token=TOKEN, name="alerts"), AssertionError("the resource must not run"))
    assert done.kind == "fail"
    assert done.result["msg"].startswith("url is required")


# ------------------------------------------------------------------ the whole module, with only requests.Session faked


def _run_module(monkeypatch, capsys, args, *answers):
    testing = pytest.importorskip("ansible.module_utils.testing")
    from ansible_collections.oncall.grafana.plugins.modules import oncall_integration

    session = FakeSession(*answers)
    monkeypatch.setattr(client_module.requests, "Session", lambda: session)
    with testing.patch_module_args(args):
        with pytest.raises(SystemExit):
            oncall_integration.main()
    return json.loads(capsys.readouterr().out), session


def test_module_unchanged_run(monkeypatch, capsys):
    output, session = _run_module(monkeypatch, capsys, {"url": BASE, "token": TOKEN, "name": "alerts", "type": "webhook"},
                                  response(200, page([integration("C1", "alerts")])))
    assert output["changed"] is False
    assert output["integration"]["id"] == "C1"
    assert len(session.calls) == 1


def test_module_failure_names_method_path_status_and_hides_the_token(monkeypatch, capsys):
    output, session = _run_module(monkeypatch, capsys, {"url": BASE, "token": TOKEN, "name": "alerts"},
                                  response(403, {"detail": "Invalid token %s" % TOKEN}))
    assert output["failed"] is True
    assert (output["method"], output["path"], output["status"]) == ("GET", "/api/v1/integrations/?name=alerts&perpage=100", 403)
    assert "authentication or permission" in output["msg"]
    assert TOKEN not in json.dumps(output)


def test_module_retry_warnings_reach_the_output(monkeypatch, capsys):
    monkeypatch.setattr(client_module.time, "sleep", lambda seconds: None)
    output, session = _run_module(monkeypatch, capsys, {"url": BASE, "token": TOKEN, "name": "alerts", "type": "webhook"},
                                  response(429, {"detail": "slow down"}, headers={"Retry-After": "0"}),
                                  response(200, page([integration("C1", "alerts")])))
    assert output["changed"] is False
    # ansible-core 2.19 reports warnings as structured summaries, older versions as strings: look in either.
    assert "GET /api/v1/integrations/?name=alerts&perpage=100: HTTP 429, retry 1 of 5" in json.dumps(output["warnings"])

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_integration through the real ansible-playbook, in the order users live it:
check mode -> read back shows nothing written -> apply -> re-run unchanged with one request ->
update with the exact PUT body -> purge -> delete -> delete again; then the edge cases."""

from __future__ import annotations

import pytest
import yaml
import requests

TEMPLATES_YAML = """\
- name: Manage the integration
  oncall.grafana.oncall_integration:
    name: {name}
    type: alertmanager
    description_short: Production alerts
    templates:
      grouping_key: !unsafe "{{{{ payload.groupKey }}}}"
      slack:
        title: !unsafe "*{{{{ payload.commonLabels.alertname }}}}*"
      web:
        title: !unsafe "{{{{ payload.commonLabels.alertname }}}}"
        message: ""
    default_route:
      slack:
        channel_id: {channel}
        enabled: true
  register: result
"""


def api_requests(oncall):
    """The requests the server answered for the API (the proxy's log), as (method, path, query, body)."""
    return [(entry["method"], entry["path"], entry["query"], entry["body"]) for entry in oncall.log()]


def methods(oncall):
    return [entry[0] for entry in api_requests(oncall)]


def method_paths(requests_made):
    return [(entry[0], entry[1]) for entry in requests_made]


def writes(oncall):
    return [entry for entry in api_requests(oncall) if entry[0] != "GET"]


def test_lifecycle_check_apply_rerun_update_purge_delete(oncall, playbook):
    name = oncall.name("lifecycle")
    channel = oncall.slack_id("alerts")
    task = TEMPLATES_YAML.format(name=name, channel=channel.lower())  # the module upper-cases a Slack channel id

    # Check mode: predicted change, nothing written, and an independent read-back finds nothing.
    oncall.clear_log()
    play = playbook(task, check=True, diff=True)
    assert play.rc == 0, play
    result = play.last
    assert result["changed"] is True
    predicted = result["integration"]
    assert predicted["id"] is None and predicted["link"] is None and predicted["default_route"]["id"] is None
    assert predicted["templates"]["grouping_key"] == "{{ payload.groupKey }}"
    assert predicted["templates"]["slack"] == {"title": "*{{ payload.commonLabels.alertname }}*", "message": None, "image_url": None}
    assert predicted["default_route"]["slack"] == {"channel_id": channel, "enabled": True}
    assert yaml.safe_load(result["diff"]["before"]) == {}
    assert yaml.safe_load(result["diff"]["after"])["name"] == name and "link" not in yaml.safe_load(result["diff"]["after"])
    assert writes(oncall) == []
    assert oncall.integrations(name) == []

    # Apply: one lookup and one POST carrying everything set.
    oncall.clear_log()
    play = playbook(task, diff=True)
    assert play.rc == 0, play
    created = play.last["integration"]
    assert play.last["changed"] is True
    assert created["id"].startswith("C") and created["link"]
    calls = api_requests(oncall)
    assert method_paths(calls) == [("GET", "/api/v1/integrations/"), ("POST", "/api/v1/integrations/")]
    assert calls[1][3] == {
        "name": name, "description_short": "Production alerts", "type": "alertmanager",
        "templates": {"grouping_key": "{{ payload.groupKey }}", "slack": {"title": "*{{ payload.commonLabels.alertname }}*"},
                      "web": {"title": "{{ payload.commonLabels.alertname }}", "message": ""}},
        "default_route": {"slack": {"channel_id": channel, "enabled": True}},
    }
    # Check mode predicted what the real run did, for every field the task set.
    assert yaml.safe_load(play.last["diff"]["after"]) == yaml.safe_load(result["diff"]["after"])
    [stored] = oncall.integrations(name)
    assert stored["templates"]["web"]["message"] == ""
    assert stored["default_route"]["slack"]["channel_id"] == channel

    # Re-run: unchanged, exactly one request (the lookup).
    oncall.clear_log()
    play = playbook(task)
    assert play.rc == 0, play
    assert play.last["changed"] is False
    assert play.last["integration"]["id"] == created["id"]
    assert method_paths(api_requests(oncall)) == [("GET", "/api/v1/integrations/")]

    # Update: one PUT carrying only the changed nested keys.
    oncall.clear_log()
    update = [{"name": "Update", "oncall.grafana.oncall_integration": {
        "name": name, "description_short": "Production alerts", "templates": {"slack": {"message": "new message"}},
        "default_route": {"slack": {"enabled": False}}}, "register": "result"}]
    play = playbook(update, diff=True)
    assert play.rc == 0, play
    assert play.last["changed"] is True
    assert writes(oncall) == [("PUT", "/api/v1/integrations/%s/" % created["id"], {},
                               {"templates": {"slack": {"message": "new message"}}, "default_route": {"slack": {"enabled": False}}})]
    diff = {side: yaml.safe_load(play.last["diff"][side]) for side in ("before", "after")}
    assert diff["before"]["templates"] == {"slack": {"message": None}}
    assert diff["after"]["templates"] == {"slack": {"message": "new message"}}
    assert diff["before"]["type"] == diff["after"]["type"] == "alertmanager"

    # Purge: every template the task does not set goes back to null, in one PUT with only those keys.
    oncall.clear_log()
    purge = [{"name": "Purge", "oncall.grafana.oncall_integration": {
        "name": name, "templates": {"grouping_key": "{{ '{{' }} payload.groupKey {{ '}}' }}"}, "purge_templates": True}}]
    play = playbook(purge)
    assert play.rc == 0, play
    assert play.last["changed"] is True
    [(method, dummy_path, dummy_query, body)] = writes(oncall)
    assert method == "PUT"
    assert body == {"templates": {"slack": {"title": None, "message": None}, "web": {"title": None, "message": None}}}
    [stored] = oncall.integrations(name)
    assert stored["templates"]["grouping_key"] == "{{ payload.groupKey }}"
    assert stored["templates"]["web"] == {"title": None, "message": None, "image_url": None}

    # Purge again: nothing left to reset.
    oncall.clear_log()
    play = playbook(purge)
    assert play.last["changed"] is False and writes(oncall) == []

    # Delete: lookup + DELETE; then already absent with one request.
    absent = [{"name": "Delete", "oncall.grafana.oncall_integration": {"name": name, "state": "absent"}}]
    oncall.clear_log()
    play = playbook(absent, diff=True)
    assert play.rc == 0, play
    assert play.last["changed"] is True and play.last["integration"] == {}
    assert yaml.safe_load(play.last["diff"]["after"]) == {} and yaml.safe_load(play.last["diff"]["before"])["name"] == name
    assert "link" not in yaml.safe_load(play.last["diff"]["before"])
    assert method_paths(api_requests(oncall)) == [("GET", "/api/v1/integrations/"), ("DELETE", "/api/v1/integrations/%s/" % created["id"])]
    assert oncall.integrations(name) == []
    oncall.clear_log()
    play = playbook(absent)
    assert play.rc == 0 and play.last["changed"] is False
    assert len(api_requests(oncall)) == 1


def test_check_mode_update_predicts_the_real_diff(oncall, playbook):
    name = oncall.name("predict")
    oncall.create_integration(name=name, type="webhook", templates={"web": {"title": "old"}})
    task = [{"name": "Edit", "oncall.grafana.oncall_integration": {
        "name": name, "templates": {"web": {"title": "new"}}, "description_short": "d"}}]
    check = playbook(task, check=True, diff=True)
    assert check.rc == 0, check
    assert [i["templates"]["web"]["title"] for i in oncall.integrations(name)] == ["old"]
    real = playbook(task, diff=True)
    assert real.rc == 0, real
    assert check.last["diff"] == real.last["diff"]
    assert check.last["changed"] is real.last["changed"] is True
    assert check.last["integration"]["templates"]["web"] == real.last["integration"]["templates"]["web"]


def test_same_name_in_two_teams_is_ambiguous_without_team(oncall, playbook):
    name = oncall.name("shared")
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    first = oncall.create_integration(name=name, type="webhook", team_id=ops)
    second = oncall.create_integration(name=name, type="webhook", team_id=db)
    for state in ("present", "absent"):
        play = playbook([{"name": "Ambiguous", "oncall.grafana.oncall_integration": {"name": name, "state": state, "description_short": "x"}}])
        assert play.rc != 0
        message = play.last["msg"]
        assert "ambiguous" in message and first["id"] in message and second["id"] in message and ops in message and db in message
    assert sorted(i["id"] for i in oncall.integrations(name)) == sorted([first["id"], second["id"]])
    assert all(i["description_short"] is None for i in oncall.integrations(name))

    # With the team, the right one is picked, and the lookup never uses the server's broken team_id filter.
    oncall.clear_log()
    play = playbook([{"name": "Pick", "oncall.grafana.oncall_integration": {"name": name, "team_id": db, "description_short": "x"}}])
    assert play.rc == 0, play
    assert play.last["integration"]["id"] == second["id"]
    assert all("team_id" not in entry[2] for entry in api_requests(oncall))


def test_team_given_creates_in_that_team_and_no_team_is_empty_string(oncall, playbook):
    name = oncall.name("teams")
    ops = oncall.team_id("ops")
    oncall.create_integration(name=name, type="webhook", team_id=ops)
    play = playbook([{"name": "No team", "oncall.grafana.oncall_integration": {"name": name, "team_id": "", "type": "webhook"}}])
    assert play.rc == 0, play
    assert play.last["changed"] is True and play.last["integration"]["team_id"] is None
    assert sorted(str(i["team_id"]) for i in oncall.integrations(name)) == sorted([ops, "None"])


def test_type_change_fails_and_writes_nothing(oncall, playbook):
    name = oncall.name("typed")
    oncall.create_integration(name=name, type="alertmanager")
    play = playbook([{"name": "Retype", "oncall.grafana.oncall_integration": {"name": name, "type": "webhook", "description_short": "x"}}])
    assert play.rc != 0
    assert "cannot change the type" in play.last["msg"] and "alertmanager" in play.last["msg"]
    [stored] = oncall.integrations(name)
    assert stored["type"] == "alertmanager" and stored["description_short"] is None


def test_rename_and_move_by_id(oncall, playbook):
    name = oncall.name("old-name")
    new_name = oncall.name("new-name")
    ops = oncall.team_id("ops")
    created = oncall.create_integration(name=name, type="webhook")
    task = [{"name": "Rename", "oncall.grafana.oncall_integration": {"id": created["id"], "name": new_name, "team_id": ops}}]
    play = playbook(task, diff=True)
    assert play.rc == 0, play
    assert play.last["changed"] is True
    assert yaml.safe_load(play.last["diff"]["before"])["name"] == name and yaml.safe_load(play.last["diff"]["after"])["name"] == new_name
    assert yaml.safe_load(play.last["diff"]["before"])["team_id"] is None and yaml.safe_load(play.last["diff"]["after"])["team_id"] == ops
    stored = oncall.api("GET", "integrations/%s/" % created["id"]).json()
    assert stored["name"] == new_name and stored["team_id"] == ops
    again = playbook(task)
    assert again.rc == 0 and again.last["changed"] is False


def test_unknown_id_fails_when_present_and_is_absent_when_absent(oncall, playbook):
    play = playbook([{"name": "Unknown", "oncall.grafana.oncall_integration": {"id": "CNOSUCHTHING1", "name": oncall.name("x")}}])
    assert play.rc != 0 and "no integration with id CNOSUCHTHING1" in play.last["msg"]
    play = playbook([{"name": "Unknown", "oncall.grafana.oncall_integration": {"id": "CNOSUCHTHING1", "state": "absent"}}])
    assert play.rc == 0 and play.last["changed"] is False


@pytest.mark.parametrize("options, expected", [
    ({"name": "x" * 151, "type": "webhook"}, "name is 151 characters long; OnCall allows at most 150"),
    ({"name": "ok", "type": "webhook", "description_short": "d" * 251}, "description_short is 251 characters long; OnCall allows at most 250"),
    ({"name": "ok", "type": "maintenance"}, "value of type must be one of"),
    ({"name": "ok", "type": "direct_paging"}, "value of type must be one of"),
    ({"name": "ok", "type": "legacy_alertmanager"}, "value of type must be one of"),
    ({"name": "ok", "templates": {"slack": {"subject": "x"}}}, "templates.slack.subject"),
    ({"name": "ok", "templates": {"sms": {"message": "x"}}}, "templates.sms.message"),
    ({"name": "ok", "default_route": {"slack": {"enabled": "maybe"}}}, "enabled"),
    ({"type": "webhook"}, "one of the following is required: name, id"),
    ({"name": "ok", "state": "gone"}, "value of state must be one of: present, absent"),
])
def test_bad_options_fail_before_any_request(oncall, playbook, options, expected):
    oncall.clear_log()
    play = playbook([{"name": "Bad", "oncall.grafana.oncall_integration": options}])
    assert play.rc != 0
    assert expected in play.last["msg"], play.last["msg"]
    assert api_requests(oncall) == []


def test_type_missing_on_create_fails_after_the_lookup_only(oncall, playbook):
    oncall.clear_log()
    play = playbook([{"name": "No type", "oncall.grafana.oncall_integration": {"name": oncall.name("untyped")}}])
    assert play.rc != 0
    assert "type is required to create integration" in play.last["msg"]
    assert methods(oncall) == ["GET"]


@pytest.mark.parametrize("options, expected", [
    ({"templates": {"slack": {"title": "{% raw %}{% if %}{% endraw %}"}}}, "POST /api/v1/integrations/ failed with HTTP 400: invalid slack title template"),
    ({"default_route": {"escalation_chain_id": "FNOSUCHCHAIN1"}}, "HTTP 400: escalation_chain_id: Object does not exist"),
    ({"team_id": "TNOSUCHTEAM12"}, "HTTP 400: team_id: Object does not exist"),
    ({"default_route": {"slack": {"channel_id": "CUNKNOWN"}}}, "HTTP 400: slack.channel_id: Slack channel does not exist"),
])
def test_api_errors_name_method_path_status_and_message(oncall, playbook, options, expected):
    if "slack" in options.get("default_route", {}):
        oncall.needs("slack")  # a server without Slack refuses any channel with another message
    task = dict({"name": oncall.name("api-error"), "type": "webhook"}, **options)
    play = playbook([{"name": "Server says no", "oncall.grafana.oncall_integration": task}])
    assert play.rc != 0
    assert expected in play.last["msg"], play.last["msg"]
    assert oncall.integrations(task["name"]) == []


def test_backend_channel_missing_on_existing_integration_fails_without_write(oncall, playbook):
    oncall.needs("no_msteams")
    name = oncall.name("teams-only-on-cloud")
    oncall.create_integration(name=name, type="webhook")
    oncall.clear_log()
    for options in ({"templates": {"msteams": {"title": "x"}}}, {"default_route": {"msteams": {"enabled": True}}}):
        play = playbook([{"name": "MS Teams", "oncall.grafana.oncall_integration": dict(options, name=name)}])
        assert play.rc != 0
        assert "no messaging backend for" in play.last["msg"] and "msteams" in play.last["msg"]
    assert writes(oncall) == []


@pytest.mark.emulator_only("needs an organization without any integration")
def test_backend_channel_missing_on_create_in_empty_org_leaves_nothing(oncall, playbook):
    name = oncall.name("first")
    play = playbook([{"name": "MS Teams", "oncall.grafana.oncall_integration": {"name": name, "type": "webhook", "templates": {"msteams": {"title": "x"}}}}])
    assert play.rc != 0
    assert "no messaging backend for templates.msteams" in play.last["msg"] and "deleted again" in play.last["msg"]
    assert oncall.integrations(name) == []


def test_backend_channel_check_on_create_costs_one_read_when_others_exist(oncall, playbook):
    oncall.needs("no_msteams")
    oncall.create_integration(name=oncall.name("other"), type="webhook")
    oncall.clear_log()
    name = oncall.name("second")
    play = playbook([{"name": "Email", "oncall.grafana.oncall_integration": {"name": name, "type": "webhook", "templates": {"email": {"title": "x"}}}}])
    assert play.rc == 0, play
    assert methods(oncall) == ["GET", "GET", "POST"]
    oncall.clear_log()
    task = {"name": oncall.name("third"), "type": "webhook", "templates": {"msteams": {"title": "x"}}}
    play = playbook([{"name": "MS Teams", "oncall.grafana.oncall_integration": task}])
    assert play.rc != 0 and "templates.msteams" in play.last["msg"]
    assert writes(oncall) == []


@pytest.mark.emulator_only("needs a second emulator, one without Slack")
def test_slack_not_connected_is_reported(oncall, playbook):
    """A fresh server without Slack: the server's own message reaches the user, and nothing is created."""
    from server import EmulatorServer  # pylint: disable=import-outside-toplevel
    with EmulatorServer(token="other-token", host="127.0.0.1", port=0) as server:
        play = playbook([{"name": "Slack", "oncall.grafana.oncall_integration": {
            "name": "x", "type": "webhook", "url": server.url, "token": "other-token",
            "default_route": {"slack": {"channel_id": "C01ALERTS"}}}}], connection=False)
        assert play.rc != 0
        assert "POST /api/v1/integrations/ failed with HTTP 400: Slack isn't connected to this workspace" in play.last["msg"]
        assert server.state is not None


def test_connection_from_environment_and_task_value_wins(oncall, playbook):
    name = oncall.name("env")
    env = {"GRAFANA_ONCALL_URL": oncall.url, "GRAFANA_ONCALL_ACCESS_TOKEN": oncall.token}
    play = playbook([{"name": "From env", "oncall.grafana.oncall_integration": {"name": name, "type": "webhook"}}], connection=False, env=env)
    assert play.rc == 0, play
    assert play.last["changed"] is True
    # A wrong token in the task beats the right one in the environment.
    play = playbook([{"name": "Task wins", "oncall.grafana.oncall_integration": {"name": name, "token": "wrong-token"}}], connection=False, env=env)
    assert play.rc != 0 and "HTTP 403" in play.last["msg"] and "authentication or permission error: Invalid token." in play.last["msg"]
    # module_defaults beat the environment too.
    play = playbook([{"name": "Defaults win", "oncall.grafana.oncall_integration": {"name": name}}],
                    env={"GRAFANA_ONCALL_URL": "http://127.0.0.1:9", "GRAFANA_ONCALL_ACCESS_TOKEN": "wrong-token"})
    assert play.rc == 0, play


def test_missing_connection_options_name_the_option_and_variable(oncall, playbook):
    play = playbook([{"name": "No url", "oncall.grafana.oncall_integration": {"name": "x", "token": "not-a-real-token"}}], connection=False)
    assert play.rc != 0 and "url is required" in play.last["msg"] and "GRAFANA_ONCALL_URL" in play.last["msg"]
    play = playbook([{"name": "No token", "oncall.grafana.oncall_integration": {"name": "x", "url": oncall.url}}], connection=False)
    assert play.rc != 0 and "token is required" in play.last["msg"] and "GRAFANA_ONCALL_ACCESS_TOKEN" in play.last["msg"]
    play = playbook([{"name": "Bad url", "oncall.grafana.oncall_integration": {"name": "x", "url": "oncall.example.com", "token": "not-a-real-token"}}],
                    connection=False)
    assert play.rc != 0 and "url must be an http:// or https:// URL" in play.last["msg"]


def test_wrong_path_is_not_mistaken_for_absent(oncall, playbook):
    """A URL that is not the OnCall API answers HTML 404: that must fail, not report "already absent"."""
    play = playbook([{"name": "Wrong url", "oncall.grafana.oncall_integration": {
        "id": "CABCDEFGHIJKL", "state": "absent", "url": oncall.url + "/not-oncall", "token": oncall.token}}], connection=False)
    assert play.rc != 0
    assert "HTTP 404" in play.last["msg"] and "is url the OnCall API URL" in play.last["msg"]


def test_token_never_appears_in_output(oncall, playbook):
    name = oncall.name("secret")
    tasks = [
        {"name": "Create", "oncall.grafana.oncall_integration": {"name": name, "type": "webhook", "templates": {"web": {"title": "t"}}}},
        {"name": "Fail", "oncall.grafana.oncall_integration": {"name": name, "type": "alertmanager"}, "ignore_errors": True},
        {"name": "Bad template", "oncall.grafana.oncall_integration": {"name": name, "templates": {"web": {"title": "{% raw %}{% if %}{% endraw %}"}}},
         "ignore_errors": True},
    ]
    play = playbook(tasks, diff=True, args=["-vvv"])
    assert play.rc == 0, play
    assert oncall.token not in play.stdout and oncall.token not in play.stderr
    for record in play.records:
        assert oncall.token not in str(record["result"])


def test_url_with_api_v1_suffix_is_accepted(oncall, playbook):
    name = oncall.name("suffix")
    play = playbook([{"name": "Suffix", "oncall.grafana.oncall_integration": {
        "name": name, "type": "webhook", "url": oncall.url + "/api/v1/", "token": oncall.token}}], connection=False)
    assert play.rc == 0, play
    assert len(oncall.integrations(name)) == 1


def test_empty_description_clears_it_and_empty_template_is_kept(oncall, playbook):
    """OnCall refuses a blank description (so "" is sent as null) but stores "" templates as they are."""
    name = oncall.name("blank")
    oncall.create_integration(name=name, type="webhook", description_short="old")
    task = [{"name": "Blank", "oncall.grafana.oncall_integration": {"name": name, "description_short": "", "templates": {"web": {"title": ""}}}}]
    play = playbook(task)
    assert play.rc == 0, play
    assert play.last["changed"] is True
    [stored] = oncall.integrations(name)
    assert stored["description_short"] is None and stored["templates"]["web"]["title"] == ""
    again = playbook(task)
    assert again.rc == 0 and again.last["changed"] is False


@pytest.mark.emulator_only("needs its own emulator that closes connections unannounced")
def test_server_that_silently_closes_connections_converges_without_doubles(oncall, playbook):
    """Self-hosted OnCall closes each connection after answering without saying so: reused connections reset."""
    from server import EmulatorServer  # pylint: disable=import-outside-toplevel
    with EmulatorServer(token="close-token", host="127.0.0.1", port=0, silent_close=True, rate_limit="100000/m") as server:
        connection = {"url": server.url, "token": "close-token"}
        names = ["silent-%d" % index for index in range(5)]

        def tasks(title):
            return [{"name": "Manage %s" % name, "oncall.grafana.oncall_integration": dict(
                connection, name=name, type="webhook", templates={"web": {"title": title}})} for name in names]

        # create (GET + POST), update (GET + PUT on a connection the server may have closed), unchanged.
        for title, changed in (("first", True), ("second", True), ("second", False)):
            play = playbook(tasks(title), connection=False)
            assert play.rc == 0, play
            assert [r["changed"] for r in play.results] == [changed] * 5
        listed = requests_get_all(server.url, "close-token")
        assert sorted(item["name"] for item in listed) == sorted(names)
        assert {item["templates"]["web"]["title"] for item in listed} == {"second"}


def requests_get_all(url, token):
    response = requests.get(url + "/api/v1/integrations/", params={"perpage": 100}, headers={"Authorization": token}, timeout=30)
    return response.json()["results"]


def test_delete_in_check_mode_writes_nothing(oncall, playbook):
    name = oncall.name("keep-me")
    created = oncall.create_integration(name=name, type="webhook")
    oncall.clear_log()
    play = playbook([{"name": "Would delete", "oncall.grafana.oncall_integration": {"name": name, "state": "absent"}}], check=True, diff=True)
    assert play.rc == 0, play
    assert play.last["changed"] is True and play.last["integration"] == {}
    assert yaml.safe_load(play.last["diff"]["before"])["name"] == name and yaml.safe_load(play.last["diff"]["after"]) == {}
    assert writes(oncall) == []
    assert [i["id"] for i in oncall.integrations(name)] == [created["id"]]


def test_empty_id_without_name_fails_before_any_request(oncall, playbook):
    oncall.clear_log()
    play = playbook([{"name": "Empty id", "oncall.grafana.oncall_integration": {"id": "", "type": "webhook"}}])
    assert play.rc != 0 and "name is required unless id is given" in play.last["msg"]
    assert api_requests(oncall) == []


def test_task_value_beats_module_defaults(oncall, playbook):
    play = playbook([{"name": "Wrong token in the task", "oncall.grafana.oncall_integration": {
        "name": oncall.name("x"), "token": "wrong-token"}}])
    assert play.rc != 0 and "authentication or permission error: Invalid token." in play.last["msg"]


def test_unknown_type_is_passed_to_the_server_and_its_answer_reported(oncall, playbook):
    play = playbook([{"name": "Cloud-only type", "oncall.grafana.oncall_integration": {"name": oncall.name("dd"), "type": "datadog"}}])
    assert play.rc != 0
    assert "POST /api/v1/integrations/ failed with HTTP 400: Invalid integration type" in play.last["msg"]


def test_diff_never_shows_secret_or_volatile_fields(oncall, playbook):
    name = oncall.name("email")
    play = playbook([{"name": "Inbound e-mail", "oncall.grafana.oncall_integration": {"name": name, "type": "inbound_email"}},
                     {"name": "Delete", "oncall.grafana.oncall_integration": {"name": name, "state": "absent"}}], diff=True)
    assert play.rc == 0, play
    created = play.results[0]
    assert created["integration"]["inbound_email"]
    hidden = {"link", "inbound_email", "heartbeat", "maintenance_mode", "maintenance_started_at", "maintenance_end_at"}
    for result in play.results:
        assert not hidden & set(yaml.safe_load(result["diff"]["before"])) and not hidden & set(yaml.safe_load(result["diff"]["after"]))


@pytest.mark.emulator_only("needs its own emulator with a lowered rate limit")
def test_rate_limited_server_is_waited_out_and_everything_converges(oncall, playbook):
    """6 creates (12 requests) against 4 requests per 3 s: the client waits what the server asks and nothing is lost."""
    from server import EmulatorServer  # pylint: disable=import-outside-toplevel
    with EmulatorServer(token="slow-token", host="127.0.0.1", port=0, rate_limit="4/3s") as server:
        connection = {"url": server.url, "token": "slow-token"}
        tasks = [{"name": "Create %d" % index, "oncall.grafana.oncall_integration": dict(connection, name="limited-%d" % index, type="webhook")}
                 for index in range(6)]
        play = playbook(tasks, connection=False)
        assert play.rc == 0, play
        log = requests.get(server.url + "/__emulator__/requests", timeout=30).json()["requests"]
        assert 429 in [entry["status"] for entry in log]
        assert [entry["method"] for entry in log if entry["status"] < 400] == ["GET", "POST"] * 6
        # Read the state through the control side: it is not rate limited.
        state = server.state.dump()
        assert sorted(item["name"] for item in state["integrations"]) == ["limited-%d" % index for index in range(6)]
        assert any("HTTP 429, retry 1 of 5" in warning for result in play.results for warning in result.get("warnings", []))


@pytest.mark.emulator_only("needs its own emulator with a lowered rate limit")
def test_wait_longer_than_max_retry_delay_fails_at_once(oncall, playbook):
    from server import EmulatorServer  # pylint: disable=import-outside-toplevel
    with EmulatorServer(token="slow-token", host="127.0.0.1", port=0, rate_limit="1/m") as server:
        connection = {"url": server.url, "token": "slow-token", "max_retry_delay": 10}
        tasks = [{"name": "Read %d" % index, "oncall.grafana.oncall_integration": dict(connection, name="x", state="absent")} for index in range(2)]
        play = playbook(tasks, connection=False)
        assert play.rc != 0
        assert "HTTP 429: Request was throttled. Expected available in" in play.last["msg"]
        assert "longer than max_retry_delay=10 s" in play.last["msg"]
        log = requests.get(server.url + "/__emulator__/requests", timeout=30).json()["requests"]
        assert [entry["status"] for entry in log] == [200, 429]

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every bad input we know of, the message each gets, and docs/bad-inputs.md generated from them.

The table in docs/ is compared with what the modules say today, so it cannot go stale: when a message
changes, this test fails until the page is regenerated with
``ONCALL_UPDATE_DOCS=1 .build/venv-2.19/bin/python -m pytest -c tests/pytest.ini tests/integration/test_bad_inputs.py``.
Messages written by Ansible itself differ between ansible-core versions, so the page is compared only
on the version it was generated with; every run checks the expected fragments.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import ansible
import pytest


DOC = Path(__file__).resolve().parents[2] / "docs" / "bad-inputs.md"
ID = re.compile(r"\b(?:[CFRT]|WH)[0-9A-Z]{12}\b")
# Ids written in the cases or the messages' own examples stay as they are; ids the server made vary per run.
FIXED_IDS = ("CFRPV98RPR1U8", "FW6E8N3JQ1ZVK", "RVBE4RKQSCGJ2", "CNOSUCHTHING1", "FNOSUCHCHAIN1")

INTEGRATION = "oncall.grafana.oncall_integration"
CHAIN = "oncall.grafana.oncall_escalation_chain"
ROUTE = "oncall.grafana.oncall_route"
INFO = "oncall.grafana.oncall_integration_info"
FLEET = "oncall.grafana.oncall_integrations"
WEBHOOK = "oncall.grafana.oncall_outgoing_webhook"

# (what is wrong, module, options, a fragment the message must contain)
CASES = [
    ("name too long", INTEGRATION, {"name": "n" * 151, "type": "webhook"}, "at most 150"),
    ("description too long", INTEGRATION, {"name": "existing", "description_short": "d" * 251}, "at most 250"),
    ("unknown option", INTEGRATION, {"name": "existing", "colour": "red"}, "colour"),
    ("wrong type for a boolean", INTEGRATION, {"name": "existing", "default_route": {"slack": {"enabled": "maybe"}}}, "enabled"),
    ("unknown template key", INTEGRATION, {"name": "existing", "templates": {"slack": {"subject": "x"}}}, "templates.slack.subject"),
    ("template that is not text", INTEGRATION, {"name": "existing", "templates": {"web": {"title": 5}}}, "must be a string"),
    ("template channel the server lacks", INTEGRATION, {"name": "existing", "templates": {"msteams": {"title": "x"}}}, "msteams"),
    ("Jinja syntax error in a template", INTEGRATION, {"name": "existing", "templates": {"web": {"title": "{% raw %}{% if %}{% endraw %}"}}},
     "invalid web title template"),
    ("type that cannot be managed", INTEGRATION, {"name": "new", "type": "maintenance"}, "value of type must be one of"),
    ("deprecated type", INTEGRATION, {"name": "new", "type": "legacy_alertmanager"}, "value of type must be one of"),
    ("misspelt type", INTEGRATION, {"name": "new", "type": "alertmanagr"}, "got: alertmanagr"),
    ("type unknown to the server", INTEGRATION, {"name": "new", "type": "datadog"}, "Invalid integration type"),
    ("type missing on create", INTEGRATION, {"name": "new"}, "type is required"),
    ("type change", INTEGRATION, {"name": "existing", "type": "alertmanager"}, "cannot change the type"),
    ("ambiguous name", INTEGRATION, {"name": "twice", "description_short": "x"}, "ambiguous"),
    ("unknown id", INTEGRATION, {"id": "CNOSUCHTHING1", "name": "x"}, "no integration with id"),
    ("malformed id", INTEGRATION, {"id": "c-1", "name": "x"}, "must be an OnCall id"),
    ("name and id both missing", INTEGRATION, {"id": "", "type": "webhook"}, "name is required"),
    ("unknown team name", INTEGRATION, {"name": "new", "type": "webhook", "team": "nobody"}, "copies teams from Grafana"),
    ("empty team name", INTEGRATION, {"name": "new", "type": "webhook", "team": " "}, "must not be empty"),
    ("team and team_id together", INTEGRATION, {"name": "new", "team": "ops", "team_id": ""}, "mutually exclusive"),
    ("unknown escalation chain name", INTEGRATION, {"name": "existing", "default_route": {"escalation_chain": "nope"}}, "not found"),
    ("unknown escalation chain id", INTEGRATION, {"name": "existing", "default_route": {"escalation_chain_id": "FNOSUCHCHAIN1"}},
     "Object does not exist"),
    ("unknown Slack channel name", INTEGRATION, {"name": "existing", "default_route": {"slack": {"channel": "#nowhere"}}}, "not found"),
    ("unknown Slack channel id", INTEGRATION, {"name": "existing", "default_route": {"slack": {"channel_id": "CNOWHERE"}}},
     "Slack channel does not exist"),
    ("URL without a scheme", INTEGRATION, {"name": "existing", "url": "oncall.example.com"}, "url must be an http"),
    ("URL that is not the OnCall API", INTEGRATION, {"name": "existing", "url": "{{ oncall_url }}/grafana", "state": "absent"},
     "is url the OnCall API URL"),
    ("wrong token", INTEGRATION, {"name": "existing", "token": "wrong-token"}, "authentication or permission"),
    ("token with a trailing newline", INTEGRATION, {"name": "existing", "token": "abc\n"}, "white space"),
    ("timeout zero", INTEGRATION, {"name": "existing", "timeout": 0}, "timeout must be a positive"),
    ("negative retries", INTEGRATION, {"name": "existing", "retries": -1}, "retries must be 0 or more"),
    ("missing CA file", INTEGRATION, {"name": "existing", "ca_path": "/nonexistent/ca.pem"}, "ca_path"),
    ("chain name too long", CHAIN, {"name": "c" * 101}, "at most 100"),
    ("unknown chain id", CHAIN, {"id": "FNOSUCHCHAIN1", "name": "x"}, "no escalation chain with id"),
    ("step without the target its type needs", CHAIN, {"name": "steps", "steps": [{"type": "wait"}]}, "steps[0]: a wait step needs duration"),
    ("step duration out of range", CHAIN, {"name": "steps", "steps": [{"type": "resolve"}, {"type": "wait", "duration": "25h"}]},
     "steps[1].duration is 90000 seconds"),
    ("step option of another type", CHAIN, {"name": "steps", "steps": [{"type": "resolve", "schedule": "primary"}]},
     "steps[0].schedule does not belong to a resolve step"),
    ("important on a step type without it", CHAIN, {"name": "steps", "steps": [{"type": "wait", "duration": 60, "important": True}]},
     "has no important variant"),
    ("important round robin", CHAIN, {"name": "steps", "steps": [{"type": "notify_person_next_each_time", "users": ["alice"],
                                                                  "important": True}]}, "hides an important round robin step"),
    ("impossible time of day", CHAIN, {"name": "steps", "steps": [{"type": "notify_if_time_from_to", "notify_if_time_from": "25:00",
                                                                   "notify_if_time_to": "08:00"}]}, "is not a time of day"),
    ("alert window below 1", CHAIN, {"name": "steps", "steps": [{"type": "notify_if_num_alerts_in_window", "num_alerts_in_window": 5,
                                                                 "num_minutes_in_window": 0}]}, "must be at least 1"),
    ("unknown user in a step", CHAIN, {"name": "steps", "steps": [{"type": "notify_persons", "users": ["nobody"]}]},
     "no OnCall user has the username or e-mail address 'nobody'"),
    ("invalid regular expression", ROUTE, {"integration": "existing", "routing_regex": "(unclosed"}, "not a valid regular expression"),
    ("invalid Jinja2 route", ROUTE, {"integration": "existing", "routing_type": "jinja2", "routing_regex": "{% raw %}{% if %}{% endraw %}"},
     "not a valid Jinja2 template"),
    ("route text too long", ROUTE, {"integration": "existing", "routing_regex": "r" * 1025}, "at most 1024"),
    ("negative position", ROUTE, {"integration": "existing", "routing_regex": "a", "position": -1}, "0-based index"),
    ("ambiguous route", ROUTE, {"integration": "existing", "routing_regex": "same"}, "routing_regex 'same' is ambiguous: 2 match"),
    ("integration name in two teams", ROUTE, {"integration": "twice", "routing_regex": "a"}, "ambiguous"),
    ("the default route by id", ROUTE, {"id": "{{ default_route_id }}", "slack": {"enabled": False}}, "is the default route"),
    ("invalid regular expression in an integration's routes", INTEGRATION,
     {"name": "existing", "routes": [{"routing_regex": "a"}, {"routing_regex": "[unclosed"}]}, "routes[1]: routing_regex is not a valid"),
    ("a route item without its term", INTEGRATION, {"name": "existing", "routes": [{"escalation_chain_id": ""}]}, "routing_regex"),
    ("a misspelt Slack key in an integration's route", INTEGRATION, {"name": "existing", "routes": [{"routing_regex": "a", "slack": {"chanel": "x"}}]},
     "chanel"),
    ("unknown team in a listing", INFO, {"team": "nobody"}, "not found"),
    ("the same integration twice", FLEET, {"config": [{"name": "a", "type": "webhook"}, {"name": "a", "team_id": None}]},
     "name the same integration"),
    ("a bad item after good ones", FLEET, {"config": [{"name": "new", "type": "webhook"}, {"name": "existing", "type": "alertmanager"}]},
     "config[1] (name 'existing')"),
    ("a blank route term", FLEET, {"config": [{"name": "existing", "routes": [{"routing_regex": "a"}, {"routing_regex": " "}]}]},
     "routes[1]: routing_regex must not be empty"),
    ("a rename onto a name taken in that team", FLEET, {"config": [{"name": "new", "type": "webhook"}, {"id": "{{ existing_id }}", "name": "taken"}]},
     "already has"),
    ("invalid regular expression in a route", FLEET, {"config": [{"name": "existing", "routes": [{"routing_regex": "(unclosed"}]}]},
     "routes[0]: routing_regex is not a valid"),
    ("overridden without a scope", FLEET, {"state": "overridden", "config": []}, "needs a scope"),
    ("unknown team in a scope", FLEET, {"state": "overridden", "scope": {"teams": ["nobody"]}, "config": []}, "no team has the name"),
    ("scope with merged", FLEET, {"scope": {"name_prefix": "x"}, "config": []}, "scope is used only"),
    ("a null team in a scope", FLEET, {"state": "overridden", "scope": {"teams": [None]}, "config": []}, "set scope.no_team"),
    ("a team name in team_id", FLEET, {"config": [{"name": "existing", "team_id": "ops"}]}, "team_id must be an OnCall id"),
    ("delete by id with another name", FLEET, {"state": "deleted", "config": [{"id": "{{ existing_id }}", "name": "other"}]},
     "nothing was deleted"),
    ("config with gathered", FLEET, {"state": "gathered", "config": []}, "not used with state=gathered"),
    ("webhook name over 77 characters", WEBHOOK, {"name": "w" * 78, "webhook_url": "https://x.example", "trigger_type": "escalation"},
     "at most 77"),
    ("the mask as a secret", WEBHOOK, {"name": "hook", "password": "****************"}, "password must not be the 16 asterisks"),
    ("webhook without URL and trigger on create", WEBHOOK, {"name": "new-hook"}, "webhook_url and trigger_type are required"),
    ("blank webhook URL", WEBHOOK, {"name": "hook", "webhook_url": " "}, "webhook_url must not be empty"),
    ("trigger type in another spelling", WEBHOOK, {"name": "hook", "trigger_type": "acknowledged"}, "value of trigger_type must be one of"),
    ("lower-case HTTP method", WEBHOOK, {"name": "hook", "http_method": "post"}, "value of http_method must be one of"),
    ("header value that is not text", WEBHOOK, {"name": "hook", "headers": {"X-Count": 5}}, "headers.X-Count must be a string"),
    ("integration name in two teams, in a webhook filter", WEBHOOK, {"name": "hook", "integrations": ["twice"]},
     "Set integration_ids to pick one"),
    ("unknown integration in a webhook filter", WEBHOOK, {"name": "hook", "integrations": ["existing", "nowhere"]},
     "integrations[1]: integration 'nowhere' not found"),
    ("Jinja syntax error in a webhook template", WEBHOOK, {"name": "hook", "data": "{% raw %}{{ oops{% endraw %}"}, "Template Error"),
    ("webhook rename onto a taken name", WEBHOOK, {"id": "{{ hook_id }}", "name": "taken-hook"}, "is taken by outgoing webhook"),
]


# Ansible lists the valid booleans from a set, in an order that changes from run to run.
BOOLEANS = re.compile(r"(Valid booleans include: )(.*)$")


def normalize(message, url):
    made = ID.sub(lambda match: match.group(0) if match.group(0) in FIXED_IDS else "<id>", message.replace(url, "<url>"))
    made = BOOLEANS.sub(lambda match: match.group(1) + ", ".join(sorted(match.group(2).split(", "))), made)
    return made.replace("\n", " ")


def render(rows):
    lines = [
        "# Bad inputs and the messages they get",
        "",
        "Generated by `tests/integration/test_bad_inputs.py` from what the modules answer today, against the",
        "bundled emulator, with ansible-core %s; the test fails when a message changes and this page does not." % ansible.__version__,
        "Ids are shown as `<id>` and the server URL as `<url>`. Regenerate with",
        "`ONCALL_UPDATE_DOCS=1 .build/venv-2.19/bin/python -m pytest -c tests/pytest.ini tests/integration/test_bad_inputs.py`.",
        "",
        "Every one of them fails before anything is written.",
        "",
        "| What is wrong | Module | Options (abridged) | Message |",
        "| --- | --- | --- | --- |",
    ]
    for what, module, options, message in rows:
        shown = json.dumps(options, sort_keys=True)
        if len(shown) > 90:
            shown = shown[:87] + "..."
        lines.append("| %s | `%s` | `%s` | %s |" % (what, module.split(".")[-1], shown.replace("|", "\\|"), message.replace("|", "\\|")))
    return "\n".join(lines) + "\n"


@pytest.mark.emulator_only("its messages make docs/bad-inputs.md, whose rows name objects without the run's prefix")
def test_bad_inputs_fail_with_their_messages_and_the_docs_table_is_current(oncall, playbook):
    ops, db = oncall.team_id("ops"), oncall.team_id("db")
    existing = oncall.create_integration(name="existing", type="webhook")
    oncall.create_integration(name="taken", type="webhook")
    oncall.create_integration(name="twice", type="webhook", team_id=ops)
    oncall.create_integration(name="twice", type="webhook", team_id=db)
    for dummy in range(2):
        oncall.api("POST", "routes/", json={"integration_id": existing["id"], "routing_regex": "same", "escalation_chain_id": None})
    hook = {"url": "https://x.example", "http_method": "POST", "trigger_type": "escalation"}
    hook_id = oncall.api("POST", "webhooks/", json=dict(hook, name="hook")).json()["id"]
    oncall.api("POST", "webhooks/", json=dict(hook, name="taken-hook"))
    tasks = [{"name": what, module: options, "ignore_errors": True} for what, module, options, dummy in CASES]
    play_vars = {"oncall_url": oncall.url, "default_route_id": existing["default_route"]["id"], "existing_id": existing["id"],
                 "hook_id": hook_id}
    oncall.clear_log()
    play = playbook(tasks, play_vars=play_vars)
    assert play.rc == 0, play
    assert len(play.records) == len(CASES)
    rows = []
    for (what, module, options, fragment), record in zip(CASES, play.records):
        assert record["status"] == "failed", (what, record)
        message = record["result"].get("msg", "")
        assert fragment in message, (what, message)
        rows.append((what, module, options, normalize(message, oncall.url)))
    # Nothing was written: the only non-GET requests are the ones the server refused.
    assert all(entry["status"] >= 400 for entry in oncall.log() if entry["method"] != "GET")
    page = render(rows)
    if os.environ.get("ONCALL_UPDATE_DOCS"):
        DOC.write_text(page)
    generated_with = re.search(r"with ansible-core (\S+);", DOC.read_text()) if DOC.exists() else None
    if generated_with and generated_with.group(1) != ansible.__version__:
        pytest.skip("docs/bad-inputs.md was generated with ansible-core %s; its Ansible-written messages differ here" % generated_with.group(1))
    assert DOC.read_text() == page, "docs/bad-inputs.md is stale: regenerate it (see the top of this test)"

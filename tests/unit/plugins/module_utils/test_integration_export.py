# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""export_params on integrations as the emulator shows them, and the round trip: export, re-apply, no change."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.integration import INTEGRATION_ARGUMENT_SPEC, Integration, export_params, list_integrations
from ansible_collections.oncall.grafana.plugins.module_utils.names import NameResolver
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import ansible_params

NEVER_EXPORTED = ("link", "inbound_email", "heartbeat", "maintenance_mode", "maintenance_started_at", "maintenance_end_at")
MULTI_LINE = "{% if payload.status == 'firing' %}\n  *{{ payload.title }}*\n{% else %}\n  resolved\n{% endif %}\n"


def make(oncall, name, team=None, chain=None, telegram_id=None, stored_type=None, routes=(), **fields):
    """An integration made on the emulator, as its API shows it.

    ``team`` and ``chain`` are names (the chain is made); ``telegram_id`` and ``stored_type`` are set in the
    emulator's state, for what only OnCall's UI makes: a connected Telegram channel (the emulator has none), and
    a grafana_alerting integration (the API's create answers 500 on self-hosted OnCall 1.14.3 and later).
    ``routes`` are the bodies of routes to make (a chain name in ``chain`` is made too), in order.
    """
    if team is not None:
        fields["team_id"] = oncall.team_id(team)
    if chain is not None:
        fields["default_route"] = dict(fields.get("default_route") or {}, escalation_chain_id=oncall.chain(chain)["id"])
    made = oncall.integration(name, **fields)
    state = oncall.server.state
    with state.lock:
        if telegram_id is not None:
            state.routes[made["default_route"]["id"]].telegram_channel_id = telegram_id
        if stored_type is not None:
            state.integrations[made["id"]].type = stored_type
    for route in routes:
        route = dict(route)
        if "chain" in route:
            route["escalation_chain_id"] = oncall.chain(route.pop("chain"))["id"]
        oncall.route(made["id"], **route)
    return oncall.get("integrations/%s/" % made["id"])


# ------------------------------------------------------------------ export_params shapes


def test_nulls_become_empty_strings_and_slack_enabled_null_becomes_false(oncall):
    obj = make(oncall, "alerts")
    # The server shows slack.enabled as a bool, but takes null on write: export reads null as false.
    obj["default_route"]["slack"]["enabled"] = None
    assert export_params(obj) == {
        "id": obj["id"],
        "name": "alerts",
        "team_id": "",
        "type": "webhook",
        "description_short": "",
        "templates": {},
        "purge_templates": True,
        "default_route": {"escalation_chain_id": "", "slack": {"channel_id": "", "enabled": False},
                          "telegram": {"id": "", "enabled": False}},
        "routes": [],
    }


def test_set_fields_are_exported_as_ids(oncall):
    obj = make(oncall, "prod alerts", type="alertmanager", team="ops", description_short="Prod", chain="prod", telegram_id="TG1",
               default_route={"slack": {"channel_id": "C01ALERTS", "enabled": True}, "telegram": {"enabled": True}})
    params = export_params(obj)
    assert params["team_id"] == oncall.team_id("ops")
    assert params["description_short"] == "Prod"
    assert params["type"] == "alertmanager"
    assert params["default_route"] == {"escalation_chain_id": obj["default_route"]["escalation_chain_id"],
                                       "slack": {"channel_id": "C01ALERTS", "enabled": True}, "telegram": {"id": "TG1", "enabled": True}}
    assert params["default_route"]["escalation_chain_id"].startswith("F")


def test_msteams_is_exported_only_where_the_server_has_it(oncall, cloud):
    oss = export_params(make(oncall, "a"))
    on_cloud = export_params(make(cloud, "a", default_route={"msteams": {"id": "MS1", "enabled": True}}))
    assert "msteams" not in oss["default_route"]
    assert on_cloud["default_route"]["msteams"] == {"id": "MS1", "enabled": True}


def test_msteams_null_id_becomes_empty_string(cloud):
    assert export_params(make(cloud, "a"))["default_route"]["msteams"] == {"id": "", "enabled": False}


def test_templates_keep_empty_strings_and_drop_nulls(oncall):
    obj = make(oncall, "a", templates={"grouping_key": "", "resolve_signal": "{{ payload.resolved }}",
                                       "slack": {"title": "", "message": MULTI_LINE}, "email": {"title": "T"}, "sms": {"title": None}})
    assert export_params(obj)["templates"] == {"grouping_key": "", "resolve_signal": "{{ payload.resolved }}",
                                               "slack": {"title": "", "message": MULTI_LINE}, "email": {"title": "T"}}


def test_direct_paging_is_not_exported(oncall):
    # OnCall makes one direct paging integration per team by itself; the API cannot.
    direct_paging = oncall.control("POST", "direct_paging", {"team_id": oncall.team_id("ops")})
    assert direct_paging["type"] == "direct_paging"
    assert export_params(direct_paging) is None


@pytest.mark.parametrize("kind", ["webhook", "alertmanager", "inbound_email", "manual", "grafana_alerting"])
def test_secrets_and_server_managed_fields_are_never_exported(oncall, kind):
    obj = make(oncall, "a", stored_type="grafana_alerting") if kind == "grafana_alerting" else make(oncall, "a", type=kind)
    assert obj["type"] == kind
    secrets = [value for value in (obj["link"], obj["inbound_email"]) if value]
    assert secrets or kind == "manual"  # a manual integration has neither an ingest link nor an address
    # The server sets maintenance mode by itself (the emulator has none).
    obj["maintenance_mode"] = "debug"
    params = export_params(obj)
    for key in NEVER_EXPORTED:
        assert key not in params
    flat = repr(params)
    assert "debug" not in flat
    assert not [secret for secret in secrets if secret in flat]


def test_export_does_not_change_its_input(oncall):
    obj = make(oncall, "a", templates={"slack": {"title": "T"}})
    before = copy.deepcopy(obj)
    export_params(obj)
    assert obj == before


def test_exported_params_are_accepted_by_the_module_argument_spec(oncall):
    obj = make(oncall, "a", templates={"grouping_key": "g", "webhook": {"image_url": "i"}, "mobile_app": {"message": "m"}})
    params = ansible_params(INTEGRATION_ARGUMENT_SPEC, **export_params(obj))
    assert params["purge_templates"] is True and params["state"] == "present"


def test_exported_params_of_an_unknown_backend_channel_are_accepted_by_the_module(oncall):
    # A server with a messaging backend the module has no option for (mattermost); the emulator has none, so it
    # is added to the integration as the emulator shows it.
    obj = make(oncall, "a")
    obj["templates"]["mattermost"] = {"title": "MM", "message": None, "image_url": None}
    # ansible_params asserts that the argument spec reports no error
    ansible_params(INTEGRATION_ARGUMENT_SPEC, **export_params(obj))


# ------------------------------------------------------------------ the round trip: export, re-apply, no change


# slack.enabled always reads back as a bool (null is taken on write only), so no object here has it null.
ROUND_TRIP = {
    "defaults": dict(name="defaults"),
    "everything": dict(name="everything", type="alertmanager", team="ops", description_short="All of it", chain="escalate", telegram_id="TG1",
                       templates={"grouping_key": "{{ payload.groupKey }}", "resolve_signal": "{{ payload.status == 'resolved' }}",
                                  "acknowledge_signal": "", "source_link": "{{ payload.externalURL }}",
                                  "slack": {"title": "*{{ payload.title }}*", "message": MULTI_LINE, "image_url": ""},
                                  "web": {"title": "W", "message": "", "image_url": None},
                                  "telegram": {"message": "tg"}, "sms": {"title": "sms {{ payload.x }}"},
                                  "phone_call": {"title": ""}},
                       default_route={"slack": {"channel_id": "C01ALERTS", "enabled": False}, "telegram": {"enabled": True}},
                       routes=[{"routing_regex": "critical", "chain": "critical"},
                               {"routing_regex": "{{ payload.labels.team == 'db' }}", "routing_type": "jinja2",
                                "slack": {"channel_id": "C02NOISE", "enabled": False}},
                               {"routing_regex": "critical"},
                               {"routing_regex": ".*", "telegram": {"enabled": True}}]),
    "backend_templates": dict(name="backends", templates={"mobile_app": {"title": "MA", "message": ""},
                                                          "email": {"title": "{{ payload.title }}", "message": MULTI_LINE},
                                                          "webhook": {"image_url": "https://img/{{ payload.id }}.png"}}),
    "cloud_msteams": dict(cloud=True, name="cloud", templates={"msteams": {"title": "Teams {{ payload.title }}", "message": ""}},
                          default_route={"msteams": {"id": "MS1", "enabled": True}}),
    "cloud_msteams_unset": dict(cloud=True, name="cloud unset"),
    "cloud_msteams_routes": dict(cloud=True, name="cloud routes", routes=[{"routing_regex": "teams", "msteams": {"id": "MS2", "enabled": True}},
                                                                          {"routing_regex": "plain"}]),
    "only_empty_templates": dict(name="empty", templates={"grouping_key": "", "slack": {"title": "", "message": "", "image_url": ""}}),
    # A legacy_alertmanager integration reads back as alertmanager, legacy_grafana_alerting as grafana_alerting.
    "legacy_alertmanager": dict(name="legacy am", type="alertmanager", templates={"grouping_key": "{{ payload.groupKey }}"}),
    "legacy_grafana_alerting": dict(name="legacy ga", stored_type="grafana_alerting", templates={"grouping_key": "{{ payload.groupKey }}"}),
    "inbound_email": dict(name="mail", type="inbound_email"),
    "manual_in_team": dict(name="manual", type="manual", team="db", description_short="d"),
    "unicode_and_quotes": dict(name="Prod \u00e9\u00e8 \u2603", description_short="it's \"quoted\" \\ back",
                               templates={"web": {"title": "\u00e9 {{ payload['k'] }} \"q\" \\n"}}),
}


def made_for_round_trip(request, case):
    spec = dict(ROUND_TRIP[case])
    emulator = request.getfixturevalue("cloud" if spec.pop("cloud", False) else "oncall")
    return emulator, make(emulator, **spec)


def exported(emulator, obj):
    """The params oncall_integration_info exports for ``obj``, routes included."""
    listing = list_integrations({"id": obj["id"], "export": True}, emulator.client(), NameResolver(emulator.client()))
    return listing["integrations"][0]["params"]


def reapply(emulator, obj, check_mode=False):
    """Run the exported params of ``obj`` as a task, on a fresh request log."""
    resource = Integration(ansible_params(INTEGRATION_ARGUMENT_SPEC, **exported(emulator, obj)), emulator.client(), check_mode, True)
    emulator.clear_log()
    return resource.run()


def test_export_reads_the_integration_and_its_routes_in_two_requests(oncall):
    obj = make(oncall, "two reads", routes=[{"routing_regex": "a"}, {"routing_regex": "b"}])
    oncall.clear_log()
    params = exported(oncall, obj)
    assert oncall.sent() == [("GET", "integrations/%s/" % obj["id"], {}), ("GET", "routes/", {"integration_id": obj["id"]})]
    assert [route["routing_regex"] for route in params["routes"]] == ["a", "b"]
    assert params["routes"][0] == {"routing_type": "regex", "routing_regex": "a", "escalation_chain_id": "",
                                   "slack": {"channel_id": "", "enabled": True}, "telegram": {"id": "", "enabled": False}}


@pytest.mark.parametrize("case", sorted(ROUND_TRIP))
def test_exported_params_reapply_unchanged_with_the_lookup_and_the_routes_listing(request, case):
    emulator, obj = made_for_round_trip(request, case)
    routes = emulator.all("routes/", {"integration_id": obj["id"]})
    result = reapply(emulator, obj)
    assert result["changed"] is False, result
    assert [(method, path) for method, path, dummy in emulator.sent()] == [("GET", "integrations/%s/" % obj["id"]), ("GET", "routes/")]
    assert {key: value for key, value in result["integration"].items() if key != "routes"} == obj
    assert [route["id"] for route in result["integration"]["routes"]] == [route["id"] for route in routes if not route["is_the_last_route"]]


@pytest.mark.parametrize("case", ["everything", "cloud_msteams"])
def test_exported_params_reapply_unchanged_in_check_mode(request, case):
    emulator, obj = made_for_round_trip(request, case)
    result = reapply(emulator, obj, check_mode=True)
    assert result["changed"] is False
    assert [entry["method"] for entry in emulator.log()] == ["GET", "GET"]


def test_reapplied_export_resets_a_template_set_since_the_export(oncall):
    obj = make(oncall, "drift", templates={"slack": {"title": "T"}})
    params = ansible_params(INTEGRATION_ARGUMENT_SPEC, **export_params(obj))
    oncall.api("PUT", "integrations/%s/" % obj["id"], {"templates": {"web": {"message": "added later"}, "slack": {"title": "changed later"}},
                                                       "default_route": {"escalation_chain_id": oncall.chain("later")["id"]}})
    oncall.clear_log()
    result = Integration(params, oncall.client(), diff=True).run()
    assert result["changed"] is True
    assert oncall.exchanges() == [("GET", "/api/v1/integrations/%s/" % obj["id"], {}),
                                  ("GET", "/api/v1/routes/", {"integration_id": obj["id"], "perpage": "100"}),
                                  ("PUT", "/api/v1/integrations/%s/" % obj["id"], {"templates": {"slack": {"title": "T"}, "web": {"message": None}},
                                                                                   "default_route": {"escalation_chain_id": None}})]
    assert oncall.get("integrations/%s/" % obj["id"]) == obj


def test_exporting_by_name_reads_the_routes_of_each_match_alone(oncall):
    # Two matches in two teams: their routes are two reads, never a walk through every route of the organization.
    ops, db = oncall.integration("shared", team_id=oncall.team_id("ops")), oncall.integration("shared", team_id=oncall.team_id("db"))
    oncall.clear_log()
    listing = list_integrations({"name": "shared", "export": True}, oncall.client(), NameResolver(oncall.client()))
    assert [item["id"] for item in listing["integrations"]] == [ops["id"], db["id"]]
    assert [(method, path, query.get("integration_id")) for method, path, query in oncall.sent()] == [
        ("GET", "integrations/", None), ("GET", "routes/", ops["id"]), ("GET", "routes/", db["id"])]

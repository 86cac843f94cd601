# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""export_params: the oncall_integration options that reproduce an integration, and the unit-level round trip."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.integration import INTEGRATION_ARGUMENT_SPEC, Integration, export_params
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.oncall_fakes import (
    CLOUD_ROUTE_BACKENDS,
    CLOUD_TEMPLATE_CHANNELS,
    OSS_TEMPLATE_CHANNELS,
    FakeClient,
    FakeModule,
    ansible_params,
    integration,
)

NEVER_EXPORTED = ("link", "inbound_email", "heartbeat", "maintenance_mode", "maintenance_started_at", "maintenance_end_at")
MULTI_LINE = "{% if payload.status == 'firing' %}\n  *{{ payload.title }}*\n{% else %}\n  resolved\n{% endif %}\n"


def bare(ident="CAAA1", name="alerts", **overrides):
    """An integration with every nullable field null."""
    obj = integration(ident, name, **overrides)
    obj["default_route"]["slack"]["enabled"] = None
    return obj


# ------------------------------------------------------------------ export_params shapes


def test_nulls_become_empty_strings_and_slack_enabled_null_becomes_false():
    params = export_params(bare())
    assert params == {
        "id": "CAAA1",
        "name": "alerts",
        "team_id": "",
        "type": "webhook",
        "description_short": "",
        "templates": {},
        "purge_templates": True,
        "default_route": {"escalation_chain_id": "", "slack": {"channel_id": "", "enabled": False},
                          "telegram": {"id": "", "enabled": False}},
    }


def test_set_fields_are_exported_as_ids():
    obj = integration("CAAA2", "prod alerts", kind="alertmanager", team_id="TOPS1", description_short="Prod",
                      default_route={"escalation_chain_id": "FCHAIN1", "slack": {"channel_id": "C01ALERTS", "enabled": True},
                                     "telegram": {"id": "TG1", "enabled": True}})
    params = export_params(obj)
    assert params["team_id"] == "TOPS1"
    assert params["description_short"] == "Prod"
    assert params["type"] == "alertmanager"
    assert params["default_route"] == {"escalation_chain_id": "FCHAIN1", "slack": {"channel_id": "C01ALERTS", "enabled": True},
                                       "telegram": {"id": "TG1", "enabled": True}}


def test_msteams_is_exported_only_where_the_server_has_it():
    oss = export_params(integration("CAAA3", "a"))
    on_cloud = export_params(integration("CAAA3", "a", channels=CLOUD_TEMPLATE_CHANNELS, route_backends=CLOUD_ROUTE_BACKENDS,
                                         default_route={"msteams": {"id": "MS1", "enabled": True}}))
    assert "msteams" not in oss["default_route"]
    assert on_cloud["default_route"]["msteams"] == {"id": "MS1", "enabled": True}


def test_msteams_null_id_becomes_empty_string():
    on_cloud = export_params(integration("CAAA3", "a", channels=CLOUD_TEMPLATE_CHANNELS, route_backends=CLOUD_ROUTE_BACKENDS))
    assert on_cloud["default_route"]["msteams"] == {"id": "", "enabled": False}


def test_templates_keep_empty_strings_and_drop_nulls():
    obj = integration("CAAA4", "a", templates={"grouping_key": "", "resolve_signal": "{{ payload.resolved }}",
                                               "slack": {"title": "", "message": MULTI_LINE},
                                               "email": {"title": "T"}, "sms": {"title": None}})
    assert export_params(obj)["templates"] == {"grouping_key": "", "resolve_signal": "{{ payload.resolved }}",
                                               "slack": {"title": "", "message": MULTI_LINE}, "email": {"title": "T"}}


def test_direct_paging_is_not_exported():
    assert export_params(integration("CAAA5", "Direct paging (ops team)", kind="direct_paging", team_id="TOPS1")) is None


@pytest.mark.parametrize("kind", ["webhook", "alertmanager", "inbound_email", "manual", "grafana_alerting"])
def test_secrets_and_server_managed_fields_are_never_exported(kind):
    obj = integration("CAAA6", "a", kind=kind)
    obj["inbound_email"] = "S3cr3t@inbound.example.com" if kind == "inbound_email" else None
    obj["maintenance_mode"] = "debug"
    params = export_params(obj)
    for key in NEVER_EXPORTED:
        assert key not in params
    flat = repr(params)
    assert "S3cr3t" not in flat and "debug" not in flat


def test_export_does_not_change_its_input():
    obj = integration("CAAA7", "a", templates={"slack": {"title": "T"}})
    before = copy.deepcopy(obj)
    export_params(obj)
    assert obj == before


def test_exported_params_are_accepted_by_the_module_argument_spec():
    obj = integration("CAAA8", "a", templates={"grouping_key": "g", "webhook": {"image_url": "i"}, "mobile_app": {"message": "m"}})
    params = ansible_params(INTEGRATION_ARGUMENT_SPEC, **export_params(obj))
    assert params["purge_templates"] is True and params["state"] == "present"


def test_exported_params_of_an_unknown_backend_channel_are_accepted_by_the_module():
    channels = dict(OSS_TEMPLATE_CHANNELS, mattermost=("title", "message", "image_url"))
    obj = integration("CAAA9", "a", channels=channels, templates={"mattermost": {"title": "MM"}})
    # ansible_params asserts that the argument spec reports no error
    ansible_params(INTEGRATION_ARGUMENT_SPEC, **export_params(obj))


# ------------------------------------------------------------------ the round trip: export, re-apply, no change


def cloud(ident, name, **kwargs):
    return integration(ident, name, channels=CLOUD_TEMPLATE_CHANNELS, route_backends=CLOUD_ROUTE_BACKENDS, **kwargs)


def legacy(ident, name, kind):
    # legacy_alertmanager reads back as alertmanager (contract 6.2)
    return integration(ident, name, kind=kind, templates={"grouping_key": "{{ payload.groupKey }}"})


# slack.enabled reads back as a bool (null is accepted on write only, contract 6.5), so no object here has it null.
ROUND_TRIP = {
    "defaults": integration("CRT1", "defaults"),
    "everything": integration("CRT2", "everything", kind="alertmanager", team_id="TOPS1", description_short="All of it",
                              templates={"grouping_key": "{{ payload.groupKey }}", "resolve_signal": "{{ payload.status == 'resolved' }}",
                                         "acknowledge_signal": "", "source_link": "{{ payload.externalURL }}",
                                         "slack": {"title": "*{{ payload.title }}*", "message": MULTI_LINE, "image_url": ""},
                                         "web": {"title": "W", "message": "", "image_url": None},
                                         "telegram": {"message": "tg"}, "sms": {"title": "sms {{ payload.x }}"},
                                         "phone_call": {"title": ""}},
                              default_route={"escalation_chain_id": "FCHAIN1", "slack": {"channel_id": "C01ALERTS", "enabled": False},
                                             "telegram": {"id": "TG1", "enabled": True}}),
    "backend_templates": integration("CRT3", "backends", templates={"mobile_app": {"title": "MA", "message": ""},
                                                                    "email": {"title": "{{ payload.title }}", "message": MULTI_LINE},
                                                                    "webhook": {"image_url": "https://img/{{ payload.id }}.png"}}),
    "cloud_msteams": cloud("CRT4", "cloud", templates={"msteams": {"title": "Teams {{ payload.title }}", "message": ""}},
                           default_route={"msteams": {"id": "MS1", "enabled": True}}),
    "cloud_msteams_unset": cloud("CRT5", "cloud unset"),
    "only_empty_templates": integration("CRT6", "empty", templates={"grouping_key": "", "slack": {"title": "", "message": "", "image_url": ""}}),
    "legacy_alertmanager": legacy("CRT7", "legacy am", "alertmanager"),
    "legacy_grafana_alerting": legacy("CRT8", "legacy ga", "grafana_alerting"),
    "inbound_email": integration("CRT9", "mail", kind="inbound_email"),
    "manual_in_team": integration("CRT10", "manual", kind="manual", team_id="TOPS2", description_short="d"),
    "unicode_and_quotes": integration("CRT11", "Prod \u00e9\u00e8 \u2603", description_short="it's \"quoted\" \\ back",
                                      templates={"web": {"title": "\u00e9 {{ payload['k'] }} \"q\" \\n"}}),
}


def reapply(obj, check_mode=False):
    client = FakeClient([obj], channels=CLOUD_TEMPLATE_CHANNELS if "msteams" in obj["templates"] else None)
    params = ansible_params(INTEGRATION_ARGUMENT_SPEC, **export_params(obj))
    module = FakeModule(params, check_mode=check_mode)
    return Integration(module, client).run(), client


@pytest.mark.parametrize("name", sorted(ROUND_TRIP))
def test_exported_params_reapply_unchanged_with_exactly_one_get(name):
    obj = ROUND_TRIP[name]
    result, client = reapply(obj)
    assert result["changed"] is False, result
    assert client.calls == [("GET", "integrations/%s/" % obj["id"], None)]
    assert result["integration"] == obj


@pytest.mark.parametrize("name", ["everything", "cloud_msteams"])
def test_exported_params_reapply_unchanged_in_check_mode(name):
    result, client = reapply(ROUND_TRIP[name], check_mode=True)
    assert result["changed"] is False and client.writes() == []


def test_reapplied_export_resets_a_template_set_since_the_export():
    obj = integration("CRT20", "drift", templates={"slack": {"title": "T"}})
    params = ansible_params(INTEGRATION_ARGUMENT_SPEC, **export_params(obj))
    drifted = copy.deepcopy(obj)
    drifted["templates"]["web"]["message"] = "added later"
    drifted["templates"]["slack"]["title"] = "changed later"
    drifted["default_route"]["escalation_chain_id"] = "FLATER"
    client = FakeClient([drifted])
    result = Integration(FakeModule(params), client).run()
    assert result["changed"] is True
    assert client.writes() == [("PUT", "integrations/CRT20/", {"templates": {"slack": {"title": "T"}, "web": {"message": None}},
                                                               "default_route": {"escalation_chain_id": None}})]
    assert client.store[0] == obj

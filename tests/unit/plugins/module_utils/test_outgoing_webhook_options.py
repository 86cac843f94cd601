# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""oncall_outgoing_webhook's options: every bad one fails naming the option before any request; good ones normalised."""

from __future__ import annotations

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.outgoing_webhook import (
    MASK,
    OUTGOING_WEBHOOK_ARGUMENT_SPEC,
    OutgoingWebhook,
    webhook_options,
)
from ansible_collections.oncall.grafana.tests.unit.plugins.module_utils.http_fakes import ansible_params


def options(**task):
    return webhook_options(ansible_params(OUTGOING_WEBHOOK_ARGUMENT_SPEC, **task))


@pytest.mark.parametrize("task, message", [
    ({"name": "n" * 78}, "name is 78 characters long; at most 77 (OnCall allows 100, but deleting a webhook renames it"),
    ({"name": " "}, "name must not be empty"),
    ({"id": ""}, "name is required unless id is given"),
    ({"id": "WHlower"}, "id must be an OnCall id such as WH82D7LNAZ6WUM"),
    ({"name": "w", "password": MASK}, "password must not be the 16 asterisks OnCall shows for a stored secret: OnCall reads them as \"keep"),
    ({"name": "w", "authorization_header": " %s\n" % MASK}, "authorization_header must not be the 16 asterisks"),
    ({"name": "w", "webhook_url": " \n"}, "webhook_url must not be empty"),
    ({"name": "w", "headers": ["X-A: b"]}, "headers must be a string (an OnCall template) or a dict, got list"),
    ({"name": "w", "headers": {"X-Count": 5}}, "headers.X-Count must be a string, got int"),
    ({"name": "w", "data": 5}, "data must be a string (an OnCall template) or a dict, got int"),
    ({"name": "w", "integrations": ["prod", " "]}, "integrations[1] must not be empty"),
    ({"name": "w", "integration_ids": ["CFRPV98RPR1U8", "prod"]}, "integration_ids[1] must be an OnCall id such as CFRPV98RPR1U8"),
    ({"name": "w", "team": ""}, "team must not be empty; to say none, set team_id to \"\""),
    ({"name": "w", "team_id": "ops"}, "team_id must be an OnCall id such as TGD6H3A1Y5FCL"),
])
def test_bad_options_fail_naming_the_option_before_any_request(oncall, task, message):
    params = ansible_params(OUTGOING_WEBHOOK_ARGUMENT_SPEC, **task)
    with pytest.raises(OnCallError) as caught:
        OutgoingWebhook(params, oncall.client())
    assert str(caught.value).startswith(message), str(caught.value)
    assert oncall.log() == []


def test_strings_are_trimmed_as_the_server_stores_them():
    normalised = options(name=" w ", webhook_url=" https://x.example/hook\n", data="{}\n", headers=" ", trigger_template="\n",
                         username=" bob ", password=" pw ")
    assert normalised.name == "w"
    assert normalised.fields == {"url": "https://x.example/hook", "data": "{}", "headers": "", "trigger_template": "", "username": "bob"}
    assert normalised.secrets == {"password": "pw"}


def test_a_77_character_name_is_fine_and_a_longer_one_can_still_be_deleted():
    assert options(name="n" * 77).name == "n" * 77
    assert options(name="n" * 90, state="absent").name == "n" * 90


def test_a_delete_keeps_only_the_identity():
    normalised = options(name="w", state="absent", team="ops", integrations=["prod"], webhook_url="https://x", password="pw")
    assert (normalised.team, normalised.integrations, normalised.fields, normalised.secrets) == (None, None, {}, {})


def test_left_out_options_are_not_managed():
    normalised = options(name="w")
    assert normalised.fields == {} and normalised.secrets == {}
    assert normalised.team is None and normalised.team_id is None and normalised.integrations is None and normalised.integration_ids is None

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""OnCall ids (ids.py): their shapes, checked before they go into a URL or a body, and "" as "none"."""

from __future__ import annotations

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError
from ansible_collections.oncall.grafana.plugins.module_utils.ids import (
    CHAIN_ID,
    INTEGRATION_ID,
    ROUTE_ID,
    TEAM_ID,
    check_id,
    check_reference,
    given_id,
    reference,
)

SHAPES = [(INTEGRATION_ID, "CFRPV98RPR1U8"), (TEAM_ID, "TGD6H3A1Y5FCL"), (ROUTE_ID, "RVBE4RKQSCGJ2"), (CHAIN_ID, "FW6E8N3JQ1ZVK")]


@pytest.mark.parametrize("shape, example", SHAPES)
def test_each_shape_accepts_its_own_example_and_none(shape, example):
    assert shape.example == example
    assert check_id("x_id", example, shape) == example
    assert check_id("x_id", None, shape) is None


@pytest.mark.parametrize("value", ["", "cfrpv98rpr1u8", "TGD6H3A1Y5FCL", "C", "C12 3", "C12/../", "null", "C1-2"])
def test_check_id_refuses_anything_else_naming_the_option_and_an_example(value):
    with pytest.raises(OnCallError) as caught:
        check_id("integration_id", value, INTEGRATION_ID)
    assert str(caught.value) == ("integration_id must be an OnCall id such as CFRPV98RPR1U8 (a letter, then upper-case letters and digits), "
                                 "got %r" % value)


def test_given_id_reads_an_empty_id_as_not_given():
    assert given_id("id", "", ROUTE_ID) is None
    assert given_id("id", None, ROUTE_ID) is None
    assert given_id("id", "RVBE4RKQSCGJ2", ROUTE_ID) == "RVBE4RKQSCGJ2"
    with pytest.raises(OnCallError) as caught:
        given_id("id", "rvbe4", ROUTE_ID)
    assert "id must be an OnCall id such as RVBE4RKQSCGJ2" in str(caught.value)


def test_reference_spells_an_empty_one_null():
    assert reference("") is None
    assert reference(None) is None
    assert reference("TOPS1") == "TOPS1"


def test_check_reference_keeps_none_and_empty_and_checks_the_rest():
    assert check_reference("team_id", None, TEAM_ID) is None
    assert check_reference("team_id", "", TEAM_ID) == ""
    assert check_reference("team_id", "TOPS1", TEAM_ID) == "TOPS1"


@pytest.mark.parametrize("value", ["null", "None", "ops", "tops1"])
def test_check_reference_refuses_strings_the_server_would_read_otherwise(value):
    with pytest.raises(OnCallError) as caught:
        check_reference("team_id", value, TEAM_ID)
    assert "team_id must be an OnCall id such as TGD6H3A1Y5FCL" in str(caught.value) and repr(value) in str(caught.value)

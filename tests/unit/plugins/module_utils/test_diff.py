# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import copy

from ansible_collections.oncall.grafana.plugins.module_utils.diff import apply_changes, changed_subset, nulled, project, prune_unset

# ------------------------------------------------------------------ prune_unset


def test_prune_unset_drops_none():
    assert prune_unset({"name": "x", "description_short": None}) == {"name": "x"}


def test_prune_unset_drops_nested_none_and_dicts_left_empty():
    task = {"slack": {"title": None, "message": None}, "web": {"title": "T", "message": None}, "grouping_key": None}
    assert prune_unset(task) == {"web": {"title": "T"}}


def test_prune_unset_drops_dicts_empty_at_any_depth():
    assert prune_unset({"a": {"b": {"c": None}, "d": {}}}) == {}


def test_prune_unset_keeps_falsy_values_that_are_set():
    task = {"title": "", "enabled": False, "count": 0, "items": []}
    assert prune_unset(task) == task


def test_prune_unset_does_not_mutate_its_input():
    task = {"slack": {"title": None, "message": "m"}}
    before = copy.deepcopy(task)
    prune_unset(task)
    assert task == before


# ------------------------------------------------------------------ changed_subset


def test_changed_subset_is_empty_when_nothing_differs():
    assert changed_subset({"name": "x", "templates": {"slack": {"title": "T"}}},
                          {"name": "x", "type": "webhook", "templates": {"slack": {"title": "T", "message": "M"}}}) == {}


def test_changed_subset_keeps_only_the_differing_nested_keys():
    desired = {"name": "x", "templates": {"grouping_key": "g", "slack": {"title": "new", "message": "M"}, "web": {"title": "W"}}}
    current = {"name": "x", "templates": {"grouping_key": "g", "slack": {"title": "old", "message": "M"}, "web": {"title": "W"}}}
    assert changed_subset(desired, current) == {"templates": {"slack": {"title": "new"}}}


def test_changed_subset_keeps_none_as_a_wanted_value():
    assert changed_subset({"description_short": None, "templates": {"slack": {"title": None}}},
                          {"description_short": "d", "templates": {"slack": {"title": "T"}}}) == \
        {"description_short": None, "templates": {"slack": {"title": None}}}


def test_changed_subset_none_wanted_and_none_current_is_no_change():
    assert changed_subset({"escalation_chain_id": None}, {"escalation_chain_id": None}) == {}


def test_changed_subset_sends_values_missing_on_the_server():
    assert changed_subset({"templates": {"msteams": {"title": "T"}}, "name": "x"}, {"templates": {}}) == \
        {"templates": {"msteams": {"title": "T"}}, "name": "x"}


def test_changed_subset_against_no_current_object_is_everything():
    desired = {"name": "x", "templates": {"slack": {"title": "T"}}}
    assert changed_subset(desired, None) == desired


def test_changed_subset_compares_strings_exactly_including_empty_string():
    assert changed_subset({"title": ""}, {"title": None}) == {"title": ""}
    assert changed_subset({"title": None}, {"title": ""}) == {"title": None}
    assert changed_subset({"title": "T "}, {"title": "T"}) == {"title": "T "}
    assert changed_subset({"title": ""}, {"title": ""}) == {}


def test_changed_subset_compares_lists_exactly():
    assert changed_subset({"ids": ["a", "b"]}, {"ids": ["b", "a"]}) == {"ids": ["a", "b"]}
    assert changed_subset({"ids": ["a", "b"]}, {"ids": ["a", "b"]}) == {}


def test_changed_subset_replaces_a_non_dict_current_value_whole():
    assert changed_subset({"heartbeat": {"link": "x"}}, {"heartbeat": None}) == {"heartbeat": {"link": "x"}}


def test_changed_subset_returns_copies():
    desired = {"templates": {"slack": {"title": "T"}}, "ids": ["a"]}
    changes = changed_subset(desired, {})
    changes["templates"]["slack"]["title"] = "changed"
    changes["ids"].append("b")
    assert desired == {"templates": {"slack": {"title": "T"}}, "ids": ["a"]}


# ------------------------------------------------------------------ apply_changes


def test_apply_changes_merges_nested_dicts():
    current = {"name": "x", "templates": {"slack": {"title": "old", "message": "M"}, "web": {"title": "W"}}}
    assert apply_changes(current, {"templates": {"slack": {"title": "new"}}}) == \
        {"name": "x", "templates": {"slack": {"title": "new", "message": "M"}, "web": {"title": "W"}}}


def test_apply_changes_sets_none_and_adds_missing_keys():
    assert apply_changes({"a": "x"}, {"a": None, "b": {"c": 1}}) == {"a": None, "b": {"c": 1}}


def test_apply_changes_does_not_mutate_its_inputs():
    current = {"templates": {"slack": {"title": "old"}}}
    changes = {"templates": {"slack": {"title": "new"}, "web": {"title": "W"}}}
    current_before, changes_before = copy.deepcopy(current), copy.deepcopy(changes)
    merged = apply_changes(current, changes)
    merged["templates"]["web"]["title"] = "mutated"
    merged["templates"]["slack"]["title"] = "mutated"
    assert current == current_before
    assert changes == changes_before


def test_apply_changes_on_no_current_object():
    assert apply_changes(None, {"a": 1}) == {"a": 1}


# ------------------------------------------------------------------ project, nulled


def test_project_keeps_only_the_shape_keys_nested():
    obj = {"id": "C1", "name": "x", "link": "secret", "templates": {"slack": {"title": "T", "message": "M"}, "web": {"title": "W"}}}
    assert project(obj, {"name": None, "templates": {"slack": {"title": "whatever"}}}) == {"name": "x", "templates": {"slack": {"title": "T"}}}


def test_project_shows_a_whole_value_where_the_shape_has_a_leaf():
    obj = {"default_route": {"id": "R1", "slack": {"channel_id": "C1"}}}
    assert project(obj, {"default_route": None}) == obj


def test_project_skips_shape_keys_the_object_lacks():
    assert project({"name": "x"}, {"name": None, "type": None}) == {"name": "x"}


def test_project_returns_a_copy():
    obj = {"templates": {"slack": {"title": "T"}}}
    view = project(obj, {"templates": None})
    view["templates"]["slack"]["title"] = "changed"
    assert obj["templates"]["slack"]["title"] == "T"


def test_nulled_sets_every_leaf_to_none_keeping_the_shape():
    shape = {"grouping_key": "g", "slack": {"title": "T", "message": None}, "sms": {"title": "S"}, "empty": {}}
    assert nulled(shape) == {"grouping_key": None, "slack": {"title": None, "message": None}, "sms": {"title": None}, "empty": {}}


def test_nulled_of_a_leaf_is_none():
    assert nulled("x") is None

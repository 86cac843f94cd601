# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""as_text: a diff's before and after as YAML text that reads back as the same value, with multi-line text as blocks."""

from __future__ import annotations

import difflib
import random

import yaml

from ansible_collections.oncall.grafana.plugins.module_utils.diff import as_text

PIECES = ["a", " ", "\n", "\t", "#", "{{ x }}", ":", "-", "'", '"', "é", "0", "1", ".", "e", "?", "%", "&", "*", "!", "|", ">", "[", "]",
          ",", "=", "~", "@", "`", "\\", "\r", "\x85", "\u2028", "<<", "\x00", "\ufeff", "\u200b", "\x7f", "\U0001F600", "+.inf", "null"]


def test_any_text_reads_back_as_itself():
    rng = random.Random(7)
    for dummy in range(4000):
        text = "".join(rng.choice(PIECES) for dummy in range(rng.randint(0, 10)))
        value = {"k": text, "l": [text, {"x": text}], text[:3] or "e": 1, "n": None, "b": True, "i": 3}
        assert yaml.safe_load(as_text(value)) == value, repr(text)


def test_a_one_line_edit_of_a_long_template_is_one_line_each_side():
    template = "\\n".join("line %d: {{ payload.field_%d }}" % (index, index) for index in range(20)).replace("\\n", "\n")
    before = as_text({"templates": {"web": {"message": template}}})
    after = as_text({"templates": {"web": {"message": template.replace("line 7:", "line seven:")}}})
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["-      line 7: {{ payload.field_7 }}", "+      line seven: {{ payload.field_7 }}"]


def test_lists_of_lines_read_as_one_line_each():
    text = as_text({"steps": ["wait: 5m", "notify_persons (important): alice, bob"], "routes": ['regex "^db-\\\\d+$"'], "empty": [], "none": {}})
    assert text == ("steps:\n  - 'wait: 5m'\n  - 'notify_persons (important): alice, bob'\nroutes:\n  - regex \"^db-\\\\d+$\"\n"
                    "empty: []\nnone: {}\n")

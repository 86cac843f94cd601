# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every plugin's DOCUMENTATION, EXAMPLES and RETURN parse as YAML (a ': ' in a list item breaks it).

ansible-test sanity finds this too, minutes later; this fails in a second.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"


class _TagTolerantLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """EXAMPLES carry !unsafe tags, which only Ansible's loader knows."""


_TagTolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node))


def doc_strings():
    for path in sorted(PLUGINS.glob("*/*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                names = [getattr(target, "id", "") for target in node.targets]
                if set(names) & {"DOCUMENTATION", "EXAMPLES", "RETURN"}:
                    yield pytest.param(node.value.value, id="%s:%s" % (path.relative_to(PLUGINS), names[0]))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "ModuleDocFragment":
                for item in node.body:
                    if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant):
                        yield pytest.param(item.value.value, id="%s:%s" % (path.relative_to(PLUGINS), item.targets[0].id))


@pytest.mark.parametrize("text", list(doc_strings()))
def test_doc_block_is_valid_yaml(text):
    assert yaml.load(text, Loader=_TagTolerantLoader) is not None  # nosec - test-only loader


# Ansible's markup (C(...), V(...), O(...)) ends at the first ")": a "(" inside one means the text after it
# renders outside the markup, as C(default('')) did.
_MARKUP = re.compile(r"\b[BCEIMOPRUV]\(([^)]*)\)")


def descriptions(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "notes"):
                yield from (value if isinstance(value, list) else [value])
            else:
                yield from descriptions(value)
    elif isinstance(node, list):
        for item in node:
            yield from descriptions(item)


@pytest.mark.parametrize("text", [param for param in doc_strings() if not param.id.endswith(":EXAMPLES")])
def test_no_markup_ends_early_at_a_parenthesis_it_holds(text):
    broken = [match.group(0) for description in descriptions(yaml.load(text, Loader=_TagTolerantLoader))  # nosec - our own docs
              for match in _MARKUP.finditer(str(description)) if "(" in match.group(1)]
    assert broken == [], "markup that ends at a parenthesis inside it: %s" % broken

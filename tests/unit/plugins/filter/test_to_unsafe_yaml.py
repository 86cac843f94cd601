# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""to_unsafe_yaml: the written file loads back in Ansible exactly, and Ansible never renders the Jinja in it.

The file is loaded the way vars_files and include_vars load one (DataLoader.load_from_file with the file's text
trusted as a template), then rendered with Ansible's own Templar.
"""

from __future__ import annotations

import pytest

# Importing controller code (ansible.errors, ansible.template) flips ansible-core 2.19's process-wide "is controller"
# switch, after which AnsibleModule.warn() goes to the controller's display instead of the module's JSON output.
# These tests need the controller; the module tests collected after them must not inherit it.
try:
    from ansible.module_utils import _internal as module_internal
except ImportError:  # ansible-core before 2.19
    module_internal = None
CONTROLLER_BEFORE = getattr(module_internal, "is_controller", None)

# pylint: disable=wrong-import-position
from ansible.errors import AnsibleFilterError  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.parsing.utils.yaml import from_yaml  # noqa: E402
from ansible.template import Templar  # noqa: E402

from ansible_collections.oncall.grafana.plugins.filter.to_unsafe_yaml import FilterModule, to_unsafe_yaml  # noqa: E402

try:
    from ansible.template import is_trusted_as_template
except ImportError:  # ansible-core before 2.19: unsafe values are AnsibleUnsafe instances
    is_trusted_as_template = None
# pylint: enable=wrong-import-position

CONTROLLER_AFTER = getattr(module_internal, "is_controller", None)
if module_internal is not None:
    module_internal.is_controller = CONTROLLER_BEFORE


@pytest.fixture(autouse=True)
def controller_switch():
    """The controller switch on while each test here runs (as in a playbook run), and back as it was afterwards."""
    if module_internal is None:
        yield
        return
    before = module_internal.is_controller
    module_internal.is_controller = CONTROLLER_AFTER
    try:
        yield
    finally:
        module_internal.is_controller = before


VARIABLES = {"payload": {"title": "RENDERED", "status": "firing"}, "x": "RENDERED"}

JINJA = [
    "{{ payload.title }}",
    "{{",
    "}} {{",
    "{%",
    "{#",
    "{# a comment #}",
    "{% if payload.status == 'firing' %}fire{% else %}ok{% endif %}",
    "prefix {{ x }} suffix",
    "{{ payload['title'] }} \"double\" 'single' \\backslash\\ \\n",
    "  {{ x }}  ",
    "\u00e9t\u00e9 \u2603 {{ x }} \U0001F525",
    "{{ x }}\n",
    "line one {{ x }}\nline two\n",
    "{% for a in payload %}\n  - {{ a }}\n{% endfor %}\n",
    "\n{{ x }}\nleading newline",
    "  indented first line {{ x }}\nsecond\n",
    "{{ x }}\nno trailing newline",
    "{{ x }}\n\n\ntrailing blank lines\n\n",
    "trailing spaces {{ x }}   \nhere   \n",
    "tab\t{{ x }}\r\nwindows line\r\n",
    "{{ x }}\u2028\u0085odd line breaks",
    "--- {{ x }}",
    "!unsafe {{ x }}",
    "#jinja2 {{ x }}",
]
PLAIN = [
    "",
    " ",
    "plain",
    "  leading and trailing  ",
    "it's \"quoted\" \\ back\\slash",
    "\u00e9\u00e8 \u2603 \U0001F525",
    "multi\nline\n",
    "multi\nline no end",
    "trailing spaces   \nline\n",
    "yes", "no", "on", "off", "true", "null", "~", "1", "1.5", "0x1F", "1e3", "2026-01-01", "12:30",
    "- item", ": x", "# comment", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick`", "{a: b}", "[1, 2]",
    "{ {not jinja} }", "{", "}", "%}", "#}", "}}",
    "https://oncall.example.com/integrations/v1/webhook/abc/",
]


def load(text, tmp_path):
    """Load the text as a vars file: Ansible trusts the file's content as templates, except !unsafe values."""
    path = tmp_path / "vars.yml"
    path.write_text(text, encoding="utf-8")
    if is_trusted_as_template is None:
        return DataLoader().load_from_file(str(path))
    return DataLoader().load_from_file(str(path), trusted_as_template=True)


def render(data):
    return Templar(loader=DataLoader(), variables=VARIABLES).template(data)


def is_unsafe(value):
    if is_trusted_as_template is not None:
        return not is_trusted_as_template(value)
    from ansible.utils.unsafe_proxy import AnsibleUnsafe  # pylint: disable=import-outside-toplevel

    return isinstance(value, AnsibleUnsafe)


@pytest.mark.parametrize("text", JINJA, ids=range(len(JINJA)))
def test_jinja_looking_strings_round_trip_untrusted_and_unrendered(text, tmp_path):
    data = {"value": text, "in_list": [text, "plain"], "nested": {"deeper": [{"template": text}]}}
    dumped = to_unsafe_yaml(data)
    loaded = load(dumped, tmp_path)
    assert loaded == data
    assert is_unsafe(loaded["value"])
    assert is_unsafe(loaded["in_list"][0])
    assert is_unsafe(loaded["nested"]["deeper"][0]["template"])
    assert render(loaded) == data
    assert dumped.count("!unsafe") >= 3


@pytest.mark.parametrize("text", PLAIN, ids=range(len(PLAIN)))
def test_other_strings_round_trip_exactly_untagged(text, tmp_path):
    data = {"value": text, "in_list": [text]}
    dumped = to_unsafe_yaml(data)
    assert "!unsafe" not in dumped
    loaded = load(dumped, tmp_path)
    assert loaded == data
    assert isinstance(loaded["value"], str) and isinstance(loaded["in_list"][0], str)
    assert render(loaded) == data


def test_the_file_is_really_rendered_without_the_tag(tmp_path):
    """The premise of the filter: the same file written without !unsafe would be rendered."""
    dumped = to_unsafe_yaml({"value": "{{ x }}"}).replace("!unsafe ", "")
    assert render(load(dumped, tmp_path)) == {"value": "RENDERED"}


def test_multi_line_templates_are_written_as_literal_blocks():
    dumped = to_unsafe_yaml({"message": "{% if a %}\n  *{{ payload.title }}*\n{% endif %}\n"})
    assert dumped == "---\nmessage: !unsafe |\n  {% if a %}\n    *{{ payload.title }}*\n  {% endif %}\n"


def test_one_line_templates_are_double_quoted():
    assert to_unsafe_yaml({"title": "{{ payload.title }}"}) == '---\ntitle: !unsafe "{{ payload.title }}"\n'


def test_scalars_and_nesting_round_trip(tmp_path):
    data = {"int": 3, "zero": 0, "negative": -7, "float": 1.5, "true": True, "false": False, "none": None, "empty_list": [],
            "empty_dict": {}, "list": [1, "two", None, False, [3, {"four": "{{ 4 }}"}]],
            "dict": {"a": {"b": {"c": ["{% raw %}", {"d": None}]}}}}
    dumped = to_unsafe_yaml(data)
    loaded = load(dumped, tmp_path)
    assert loaded == data
    assert isinstance(loaded["int"], int) and not isinstance(loaded["int"], bool) and isinstance(loaded["float"], float)
    assert loaded["true"] is True and loaded["false"] is False and loaded["none"] is None
    assert render(loaded) == data


def test_key_order_is_kept():
    dumped = to_unsafe_yaml({"name": "n", "id": "C1", "type": "webhook", "a": 1})
    assert dumped == "---\nname: n\nid: C1\ntype: webhook\na: 1\n"


def test_document_starts_with_three_dashes():
    assert to_unsafe_yaml([]).startswith("---")
    assert to_unsafe_yaml({"a": 1}).startswith("---\n")


def test_jinja_in_a_key_is_not_rendered(tmp_path):
    data = {"{{ x }}": "value", "{%": {"{#": 1}}
    loaded = load(to_unsafe_yaml(data), tmp_path)
    assert loaded == data
    assert render(loaded) == data


def test_input_of_ansible_tagged_types_is_accepted(tmp_path):
    text = "---\na: !unsafe '{{ x }}'\nb: plain\nc: [1, true, null, 'x {% y %}']\nd:\n  e: 2.5\n"
    for source in (from_yaml(text), load(text, tmp_path)):
        dumped = to_unsafe_yaml(source)
        assert dumped == "---\na: !unsafe \"{{ x }}\"\nb: plain\nc:\n- 1\n- true\n- null\n- !unsafe \"x {% y %}\"\nd:\n  e: 2.5\n"


def test_output_of_the_filter_dumps_again_identically(tmp_path):
    data = {"templates": {"slack": {"title": "{{ payload.title }}", "message": "a\n{{ b }}\n"}}, "n": [1, None, "x"]}
    dumped = to_unsafe_yaml(data)
    assert to_unsafe_yaml(load(dumped, tmp_path)) == dumped


def test_trusted_template_strings_as_input_are_written_unsafe(tmp_path):
    if is_trusted_as_template is None:
        pytest.skip("ansible-core without data tagging")
    from ansible.template import trust_as_template  # pylint: disable=import-outside-toplevel

    trusted = trust_as_template("{{ x }}")
    assert is_trusted_as_template(trusted)
    loaded = load(to_unsafe_yaml({"t": trusted}), tmp_path)
    assert render(loaded) == {"t": "{{ x }}"}


def test_tuples_are_written_as_lists(tmp_path):
    assert load(to_unsafe_yaml({"t": ("a", "{{ x }}")}), tmp_path) == {"t": ["a", "{{ x }}"]}


@pytest.mark.parametrize("indent", [2, 4])
def test_indent_option(indent, tmp_path):
    data = {"outer": {"inner": {"leaf": "{{ x }}\nsecond\n"}}}
    dumped = to_unsafe_yaml(data, indent=indent)
    pad = " " * indent
    assert dumped == "---\nouter:\n%sinner:\n%sleaf: !unsafe |\n%s{{ x }}\n%ssecond\n" % (pad, pad * 2, pad * 3, pad * 3)
    assert load(dumped, tmp_path) == data


def test_default_indent_is_two():
    assert to_unsafe_yaml({"a": {"b": 1}}) == "---\na:\n  b: 1\n"


@pytest.mark.parametrize("value", [object(), {1, 2}, 1j])
def test_unsupported_values_fail_with_a_filter_error(value):
    with pytest.raises(AnsibleFilterError):
        to_unsafe_yaml({"v": value})


def test_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"to_unsafe_yaml": to_unsafe_yaml}


def test_exported_integration_params_load_back_unrendered(tmp_path):
    params = {"id": "C1", "name": "Prod {{ not a var }}", "team_id": "", "type": "alertmanager", "description_short": "",
              "templates": {"grouping_key": "{{ payload.groupKey }}", "slack": {"title": "", "message": "{% if 1 %}\n{{ a }}\n{% endif %}"}},
              "purge_templates": True,
              "default_route": {"escalation_chain_id": "F1", "slack": {"channel_id": "", "enabled": True}}}
    data = {"oncall_integrations": [params, params]}
    loaded = load(to_unsafe_yaml(data), tmp_path)
    assert loaded == data
    assert render(loaded) == data


def test_jinja2_override_header_is_not_rendered(tmp_path):
    data = {"message": "#jinja2:variable_start_string:'[[', variable_end_string:']]'\n[[ payload.title ]]"}
    loaded = load(to_unsafe_yaml(data), tmp_path)
    assert render(loaded) == data

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: to_unsafe_yaml
short_description: Dump data as YAML with every Jinja-looking string tagged C(!unsafe)
version_added: 1.0.0
description:
  - Like P(ansible.builtin.to_nice_yaml#filter), but every string that contains C({{), C({%) or C({#), or starts with
    C(#jinja2:), is written with the C(!unsafe) tag, so that Ansible does not render it when the file is loaded again as a
    vars file.
  - Made for OnCall templates exported by M(oncall.grafana.oncall_integration_info), which are Jinja for OnCall, not for Ansible.
author:
  - oncall.grafana contributors (@oncall-grafana)
options:
  _input:
    description: The data to dump.
    type: raw
    required: true
  indent:
    description: Spaces per indentation level.
    type: int
    default: 2
"""

EXAMPLES = r"""
- name: Write exported integrations to a vars file that loads back unrendered
  ansible.builtin.copy:
    dest: vars/oncall_integrations.yml
    mode: "0600"
    content: "{{ {'oncall_integrations': exported.integrations | map(attribute='params') | select | list} | oncall.grafana.to_unsafe_yaml }}"
"""

RETURN = r"""
_value:
  description: The YAML document, starting with C(---).
  type: string
"""

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

try:
    import yaml
except ImportError:  # PyYAML comes with ansible-core; this only keeps the import test honest
    yaml = None

JINJA_MARKERS = ("{{", "{%", "{#")
# Ansible also renders a string that starts with a Jinja environment header.
JINJA_HEADER = "#jinja2:"


class _Unsafe(str):
    """A string to write with the !unsafe tag."""


def _plain(value):
    """Plain Python types (ansible-core wraps values in its own subclasses), Jinja-looking strings marked."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, str):
        text = str(value)
        return _Unsafe(text) if text.startswith(JINJA_HEADER) or any(marker in text for marker in JINJA_MARKERS) else text
    if isinstance(value, bool) or value is None:
        return value if value is None else bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        raise AnsibleFilterError("to_unsafe_yaml cannot write bytes; decode them to text first")
    if isinstance(value, Sequence):
        return [_plain(item) for item in value]
    raise AnsibleFilterError("to_unsafe_yaml cannot write a value of type %s" % type(value).__name__)


def to_unsafe_yaml(data, indent=2):
    if yaml is None:
        raise AnsibleFilterError("to_unsafe_yaml needs PyYAML")

    class Dumper(yaml.SafeDumper):  # pylint: disable=too-many-ancestors
        """SafeDumper that knows the !unsafe strings."""

    Dumper.add_representer(_Unsafe, lambda dumper, text: dumper.represent_scalar("!unsafe", str(text), style='"' if "\n" not in text else "|"))
    return yaml.dump(_plain(data), Dumper=Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True,
                     indent=indent, width=1000, explicit_start=True)


class FilterModule:
    def filters(self):
        return {"to_unsafe_yaml": to_unsafe_yaml}

# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Attributes of the collection's modules: check mode, diff mode, idempotency, action group."""

    # Resource modules (present/absent).
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying OnCall.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
    support: full
  idempotent:
    description: Running the same task twice reports C(changed=false) and sends no write the second time.
    support: full
"""

    # Read-only modules (oncall.grafana.attributes.info_module).
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return the same results; the module never writes.
    support: full
  diff_mode:
    description: The module never changes anything, so there is no diff.
    support: N/A
  idempotent:
    description: The module only reads.
    support: full
"""

    ACTIONGROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/oncall.grafana.oncall) in C(module_defaults) to set the connection options once for every module.
    support: full
    membership:
      - oncall.grafana.oncall
"""

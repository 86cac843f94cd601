# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's sections, in the order they run and appear on docs/performance.md.

A section is one file of this directory ending with `SECTION = Section(name=..., run=..., render=...)`
(see harness.Section); to add one, write its file and list it below. Listed by hand rather than
discovered, so that the order of the page is written down here.
"""

from __future__ import annotations

from . import fleet, operations, pages, sizes, stacks, unchanged

SECTIONS = (
    operations.SECTION,  # 1. requests per operation
    unchanged.SECTION,  # 2. 50 unchanged integrations vs plain uri GETs
    sizes.SECTION,  # 3. lookups as the server grows, 4. peak memory
    fleet.SECTION,  # 5. fleet: one task vs a loop
    pages.SECTION,  # 6. listings: pages one at a time vs at once
    stacks.SECTION,  # 7. many stacks from one inventory: forks 1 vs forks N
)

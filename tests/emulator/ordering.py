# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Raw positions of ordered objects (routes, escalation steps), as OnCall's OrderedModel keeps them.

`order` is a raw number, unique within a group (the routes of one integration, the steps of one chain),
with gaps: a delete never renumbers, and a position past the end is stored as given. The groups passed
here must hold every member, hidden ones included, because the engine moves those too.
"""

from __future__ import annotations

from drf import bad_request

MAX_POSITION = 2147483647  # PositiveIntegerField's upper bound


def next_order(group):
    """Where a new member goes: one past the highest order, or 0 in an empty group."""
    return max((item.order for item in group), default=-1) + 1


def _move_to(item, order, group):
    """Move-to: the members in between shift by one towards the old place; gaps elsewhere stay."""
    if item.order == order:
        return
    for other in group:
        if other is item:
            continue
        if item.order < other.order <= order:
            other.order -= 1
        elif order <= other.order < item.order:
            other.order += 1
    item.order = order


def _swap(item, order, group):
    """manual_order (meant for Terraform): trade places with whatever is at `order`, if anything."""
    other = next((o for o in group if o.order == order and o is not item), None)
    if other is not None:
        other.order = item.order
    item.order = order


def adjust_position(item, group, position, manual_order, created):
    """The `position` of a create or update, applied after the object was saved at its place.

    -1 means "the end": nothing to do for a new object (it was appended), the current highest order
    for an existing one. Anything else outside 0..MAX_POSITION is refused with 400; on create the
    object stays where it was appended, because the insert happened first and nothing rolls it back.
    """
    if position == -1 and not manual_order:
        if created:
            return
        position = max(o.order for o in group)
    if position < 0 or position > MAX_POSITION:
        raise bad_request("Invalid value for position field")
    if manual_order:
        _swap(item, position, group)
    else:
        _move_to(item, position, group)

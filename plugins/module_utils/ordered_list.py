# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fewest writes that put an OnCall ordered list (an integration's routes, a chain's steps) in a wanted order.

OnCall keeps such lists by a raw ``position`` value per item, with gaps, and moves items with move-to rules:
- a create first goes to the end (the highest position + 1, or 0), then, when the POST names a
  ``position``, moves there;
- a PUT with ``position`` moves the item there: the items in between shift by one towards its old place,
  so an item moved up lands before the one that was at that position, an item moved down after it;
- a delete never renumbers the others.

The planner replays those rules on a copy of the order while it decides, so it knows every raw position
it sends before the first write, and check mode, the diff and the real run agree. It keeps a longest run
of items already in the wanted order where they are and moves each other item once, right after the item
placed before it. It knows nothing of what the items are: callers say which item goes where (a rank),
which fields change (a body) and which item replaces which; the planner adds positions and orders writes.
This file is private to the collection: its names may change in any release.
"""

from __future__ import annotations

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallError

POST, PUT, DELETE = "post", "put", "delete"


class Slot:
    """One item in the replayed order: an existing item (``item`` as read) or one the plan creates (``item`` None).

    ``rank`` is where the plan wants it: ranked slots end in rank order; an unranked one stays where it is.
    """

    def __init__(self, order, item=None, rank=None):
        self.order = order
        self.item = item
        self.rank = rank


class Target:
    """One slot the plan places, in rank order.

    ``slot`` is an existing slot to keep, move and change (``body`` holds its field changes), or None for a
    new item (``body`` is its POST body). ``replaces`` is the slot of an item the new one takes the place
    of: it is deleted once every target is placed.
    """

    def __init__(self, rank, slot=None, body=None, replaces=None):
        self.rank = rank
        self.slot = slot
        self.body = dict(body or {})
        self.replaces = replaces


class Write:
    """One request of the plan: ``kind`` is POST, PUT or DELETE; ``slot`` the item it writes; ``body`` with its position.

    ``order_after`` is the raw position the item has right after this write, as the server should report it.
    """

    def __init__(self, kind, slot, body=None):
        self.kind = kind
        self.slot = slot
        self.body = body
        self.order_after = slot.order


class ServerOrder:
    """The server's move-to rules, replayed on slots."""

    def __init__(self, slots):
        self.slots = list(slots)

    def move_to(self, slot, order):
        for other in self.slots:
            if other is slot:
                continue
            if slot.order < other.order <= order:
                other.order -= 1
            elif order <= other.order < slot.order:
                other.order += 1
        slot.order = order

    def append(self, slot):
        slot.order = max(other.order for other in self.slots) + 1 if self.slots else 0
        self.slots.append(slot)

    def remove(self, slot):
        self.slots.remove(slot)

    def sequence(self):
        return sorted(self.slots, key=lambda slot: slot.order)


def longest_increasing(values):
    """Indexes (into ``values``) of one longest strictly increasing subsequence: the items that need not move."""
    tails = []          # tails[k]: index of the smallest last value of an increasing run of length k + 1
    previous = [None] * len(values)
    for index, value in enumerate(values):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if values[tails[middle]] < value:
                low = middle + 1
            else:
                high = middle
        previous[index] = tails[low - 1] if low else None
        if low == len(tails):
            tails.append(index)
        else:
            tails[low] = index
    kept = set()
    index = tails[-1] if tails else None
    while index is not None:
        kept.add(index)
        index = previous[index]
    return kept


def heaviest_increasing(values, weights):
    """Indexes of one strictly increasing subsequence of ``values`` with the greatest total weight (quadratic: lists are short)."""
    best, previous = list(weights), [None] * len(values)
    for index in range(len(values)):
        for before in range(index):
            if values[before] < values[index] and best[before] + weights[index] > best[index]:
                best[index], previous[index] = best[before] + weights[index], before
    kept = set()
    index = max(range(len(values)), key=lambda position: best[position]) if values else None
    while index is not None:
        kept.add(index)
        index = previous[index]
    return kept


class Placement:
    """The writes that place ``targets`` among ``slots``, then delete ``surplus`` (and what the targets replace).

    ``staying``: the slots that must not move (default: a longest run of ranked slots already in rank order).
    After planning, ``writes`` holds the requests in order and ``final`` the slots as the server will order them.
    """

    def __init__(self, slots, targets, surplus=(), staying=None):
        self.order = ServerOrder(slots)
        self.targets = sorted(targets, key=lambda target: target.rank)
        replaced = [target.replaces for target in self.targets if target.replaces is not None]
        if staying is None:
            ranked = [slot for slot in self.order.sequence() if slot.rank is not None and slot not in replaced]
            staying = [ranked[index] for index in longest_increasing([slot.rank for slot in ranked])]
        self.staying = {id(slot) for slot in staying}
        self.writes = []
        self._place_all()
        # Deletes go last, once every target is in place, so that the list never lacks an item it keeps.
        for slot in replaced + list(surplus):
            self.writes.append(Write(DELETE, slot))
            self.order.remove(slot)
        self.final = self.order.sequence()
        self._check_final()

    def _place_all(self):
        placed = None
        for target in self.targets:
            if target.slot is None:
                placed = self._create(target, placed)
            else:
                self._update(target, placed)
                placed = target.slot

    def _check_final(self):
        ranks = [slot.rank for slot in self.final if slot.rank is not None]
        if ranks != sorted(ranks) or len(ranks) < len(self.targets):
            raise OnCallError("internal error: the plan does not reach the wanted order; nothing was written")

    def _index_after(self, others, placed):
        """Where an item goes among ``others``: right after the item placed before it, else before the first ranked one."""
        if placed is not None:
            return others.index(placed) + 1
        return next((index for index, other in enumerate(others) if other.rank is not None), len(others))

    def _takes_place_of(self, placed, replaces):
        """Whether a new item can stand right before the one it replaces: that one comes after the item placed
        before, with no staying item in between (the new one would then come after an item it must precede)."""
        if replaces is None:
            return False
        sequence = self.order.sequence()
        start = sequence.index(placed) + 1 if placed is not None else 0
        old = sequence.index(replaces)
        return start <= old and not any(id(other) in self.staying for other in sequence[start:old])

    def _create(self, target, placed):
        others = self.order.sequence()
        index = others.index(target.replaces) if self._takes_place_of(placed, target.replaces) else self._index_after(others, placed)
        slot = Slot(None, rank=target.rank)
        body = dict(target.body)
        self.order.append(slot)
        if index < len(others):
            body["position"] = others[index].order
            self.order.move_to(slot, others[index].order)
        self.writes.append(Write(POST, slot, body))
        target.slot = slot
        return slot

    def _update(self, target, placed):
        slot = target.slot
        body = dict(target.body)
        if id(slot) not in self.staying:
            sequence = self.order.sequence()
            index = self._index_after([other for other in sequence if other is not slot], placed)
            if sequence.index(slot) != index:
                # Move-to: up, it lands before the item now at that index; down, after the one before it.
                body["position"] = sequence[index].order
                self.order.move_to(slot, sequence[index].order)
        if body:
            self.writes.append(Write(PUT, slot, body))

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Identifier and secret-token generation, shaped like OnCall's (prefix letter + 12 or more characters)."""

from __future__ import annotations

import random
import string

# OnCall leaves out "O" and "0" so that ids can be read aloud.
PUBLIC_ID_ALPHABET = "ABCDEFGHIJKLMNPQRSTUVWXYZ123456789"
PUBLIC_ID_MIN_LENGTH = 12
# How many collisions we accept at one length before growing the key, as OnCall does.
_ATTEMPTS_PER_LENGTH = 5

_rng = random.SystemRandom()


def public_id(prefix, taken):
    """Return a new public primary key: prefix letter + 12 (or more on collisions) characters.

    `taken` is any container of ids already in use.
    """
    length = PUBLIC_ID_MIN_LENGTH
    while True:
        for _attempt in range(_ATTEMPTS_PER_LENGTH):
            candidate = prefix + "".join(_rng.choice(PUBLIC_ID_ALPHABET) for dummy in range(length))
            if candidate not in taken:
                return candidate
        length += 1


def ingest_token():
    """Secret part of an integration's ingest link and inbound email address."""
    return "".join(_rng.choice(string.ascii_letters + string.digits) for dummy in range(25))

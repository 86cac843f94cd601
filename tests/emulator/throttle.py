# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DRF SimpleRateThrottle semantics, as OnCall's public API uses them, keyed by token instead of by user.

The emulator has one token, which stands for one user, so "per token" and "per user" agree.
"""

from __future__ import annotations

import math
import re
import threading
import time

# django-ratelimit's _split_rate, which OnCall uses to read rates such as "300/m" or "10/5m".
_RATE_RE = re.compile(r"([\d]+)/([\d]*)([smhd])?")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """Return (number of requests, window in seconds); ValueError when unreadable."""
    match = _RATE_RE.match(rate or "")
    if not match:
        raise ValueError("invalid rate %r; expected N/s, N/m, N/h or N/d (optionally N/5m)" % (rate,))
    count, multiplier, period = match.groups()
    seconds = _PERIODS[(period or "s").lower()]
    if multiplier:
        seconds *= int(multiplier)
    return int(count), seconds


def throttled_detail(wait):
    """DRF's Throttled message, including its singular form for one second."""
    if wait is None:
        return "Request was throttled."
    wait = math.ceil(wait)
    unit = "second" if wait == 1 else "seconds"
    return "Request was throttled. Expected available in %d %s." % (wait, unit)


class RateThrottle:
    """Sliding window of request timestamps per key, like DRF's SimpleRateThrottle."""

    def __init__(self, rate, timer=time.time):
        self.num_requests, self.duration = parse_rate(rate)
        self.timer = timer
        self._histories = {}
        self._lock = threading.Lock()

    def check(self, key):
        """Count one request and return (allowed, wait).

        `wait` is only meaningful when not allowed: seconds as a float, or None when DRF cannot tell.
        """
        with self._lock:
            now = self.timer()
            history = self._histories.setdefault(key, [])
            while history and history[-1] <= now - self.duration:
                history.pop()
            if len(history) >= self.num_requests:
                return False, self._wait(history, now)
            history.insert(0, now)
            return True, None

    def _wait(self, history, now):
        # DRF spreads the remaining window over the requests that will become available.
        if history:
            remaining_duration = self.duration - (now - history[-1])
        else:
            remaining_duration = self.duration
        available_requests = self.num_requests - len(history) + 1
        if available_requests <= 0:
            return None
        return remaining_duration / float(available_requests)

    def reset(self):
        with self._lock:
            self._histories.clear()

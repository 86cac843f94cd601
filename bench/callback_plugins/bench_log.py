# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: bench_log
type: aggregate
short_description: Per-task request log and wall time, for the collection's benchmark (bench/run.py)
description:
  - Benchmark helper of the oncall.grafana collection, not shipped for users' playbooks.
  - When a task starts, clears the request log at E(BENCH_LOG_URL) (the OnCall emulator's, or the recording
    proxy's in front of a real server); when its result arrives, reads the log back. Writes a list of C({task, status, changed, seconds, requests}) to the
    file named by E(BENCH_RESULTS) when the play ends.
  - Only meaningful with one host and the linear strategy (tasks run one after the other).
requirements:
  - enabled with E(ANSIBLE_CALLBACKS_ENABLED=bench_log)
"""

import json
import os
import time
import urllib.request

from ansible.plugins.callback import CallbackBase


def _control(method, url):
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:  # nosec: a log on 127.0.0.1 only
        body = response.read()
    return json.loads(body) if body else None


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_log"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = []
        self.started = None
        self.log_url = os.environ.get("BENCH_LOG_URL") or None

    def v2_playbook_on_task_start(self, task, is_conditional):
        if self.log_url:
            _control("DELETE", self.log_url)
        self.started = time.monotonic()

    def _record(self, result, status):
        seconds = time.monotonic() - self.started if self.started is not None else None
        entries = _control("GET", self.log_url)["requests"] if self.log_url else []
        self.records.append({
            "task": result._task.get_name(),
            "status": status,
            "changed": bool(result._result.get("changed")),
            "msg": result._result.get("msg") if status == "failed" else None,
            "seconds": seconds,
            "requests": [{key: entry.get(key) for key in ("method", "path", "query", "status", "fault")} for entry in entries],
        })

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("BENCH_RESULTS")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(self.records, handle, indent=1)

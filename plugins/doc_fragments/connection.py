# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every module of the collection."""

    DOCUMENTATION = r"""
options:
  url:
    description:
      - The OnCall API URL, as OnCall > Settings shows it, for example
        V(https://oncall-prod-us-central-0.grafana.net/oncall) on Grafana Cloud or V(http://localhost:8080) for a self-hosted engine.
      - The modules append C(/api/v1/); a URL that already ends in C(/api/v1) is accepted too.
      - If not set, the value of the E(GRAFANA_ONCALL_URL) environment variable is used (the Terraform provider's name).
        A task value wins over C(module_defaults), which wins over the environment variable.
      - Required, through this option or the environment variable.
    type: str
  token:
    description:
      - An OnCall API token (made on OnCall > Settings), or a Grafana service-account token starting with C(glsa_)
        (then set O(grafana_url) too).
      - Sent as is in the C(Authorization) header, without C(Bearer), as OnCall expects. Never shown in any output.
      - If not set, the value of the E(GRAFANA_ONCALL_ACCESS_TOKEN) environment variable is used.
      - Required, through this option or the environment variable.
    type: str
  grafana_url:
    description:
      - The Grafana stack URL, sent as the C(X-Grafana-URL) header. Needed with Grafana service-account tokens (C(glsa_...)).
      - If not set, the value of the E(GRAFANA_URL) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Set to V(false) only for test servers.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the server's certificate with, for servers behind a private CA.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer. A request that times out counts as one attempt (see O(retries)).
    type: int
    default: 30
  retries:
    description:
      - How many times one request is retried after HTTP 429 (rate limited), a 5xx answer or a connection error.
      - 429 is retried for every method after the wait the server asks for (C(Retry-After), then C(RateLimit-Reset)).
        5xx answers and connection errors are retried only for reads, updates and deletes, with jittered exponential backoff.
      - A create (POST) whose outcome is unknown is never blindly sent again; the module looks the object up first, so a
        create is never doubled.
      - A refused connection or a host name that does not resolve, before the server has been reached once in the task,
        fails at once without retrying (the URL is wrong, or the server is down); to wait for a server that is starting,
        use M(ansible.builtin.wait_for) or M(ansible.builtin.uri) with C(until) before the task.
      - V(0) disables retries.
    type: int
    default: 5
  max_retry_delay:
    description:
      - The longest single wait, in seconds, that a rate-limit answer may ask for. A server asking for longer fails the task
        at once with a clear message instead of sleeping.
    type: int
    default: 120
  max_concurrent_requests:
    description:
      - How many pages of one listing are asked at the same time. A listing of more than 100 objects takes one request per page
        of 100; once the first page says how many pages there are, the others are asked at once, at most this many in flight,
        and their items kept in the server's order. The requests are the same as one page after another, only sooner.
      - Applies to every listing of more than one page, for example all the integrations or routes of an organization
        (M(oncall.grafana.oncall_integrations), or an info module without a filter). Other requests are sent one at a time.
      - A rate-limit answer (HTTP 429) on any page stops new page requests until the wait it asks for is over; the refused
        pages are then asked again, and the rest of that listing one page at a time, so that pages do not spend their
        retries refusing each other (see O(retries) and O(max_retry_delay)). A page that fails fails the task.
      - The requests count against the same rate limit (300 a minute per token on OnCall) whatever this value.
        V(1) asks the pages one after the other.
    type: int
    default: 4
requirements:
  - requests >= 2.25
notes:
  - The modules run where the task runs, usually on the controller (a play on C(localhost), or C(delegate_to=localhost)).
    Set C(ansible_python_interpreter) to a Python that has C(requests), for example C({{ ansible_playbook_python }}).
"""

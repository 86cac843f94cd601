# -*- coding: utf-8 -*-
# Copyright (c) 2026, oncall.grafana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""TLS: validate_certs is on by default, ca_path trusts a private CA, validate_certs=false skips the check.

The emulator serves HTTPS with a certificate made at test time by trustme.
"""

from __future__ import annotations

import pytest

from server import EmulatorServer  # pylint: disable=import-error

trustme = pytest.importorskip("trustme", reason="trustme makes the test certificates (tests/requirements-*.txt installs it)")

TOKEN = "tls-token"
pytestmark = pytest.mark.emulator_only("serves HTTPS on an emulator of its own, with a test certificate")


@pytest.fixture
def https_server(tmp_path):
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file, ca_file = tmp_path / "server.pem", tmp_path / "server.key", tmp_path / "ca.pem"
    certificate.cert_chain_pems[0].write_to_path(str(cert_file))
    for pem in certificate.cert_chain_pems[1:]:
        pem.write_to_path(str(cert_file), append=True)
    certificate.private_key_pem.write_to_path(str(key_file))
    authority.cert_pem.write_to_path(str(ca_file))
    with EmulatorServer(token=TOKEN, host="127.0.0.1", port=0, tls_cert=str(cert_file), tls_key=str(key_file)) as server:
        assert server.url.startswith("https://")
        server.ca_file = str(ca_file)
        yield server


def task(server, **options):
    return [{"name": "Over TLS", "oncall.grafana.oncall_integration": dict({"name": "tls", "type": "webhook", "url": server.url,
                                                                            "token": TOKEN}, **options)}]


def test_self_signed_certificate_fails_clearly_by_default(oncall, playbook, https_server):
    play = playbook(task(https_server), connection=False)
    assert play.rc != 0
    assert "TLS error" in play.last["msg"] and "ca_path" in play.last["msg"] and "validate_certs" in play.last["msg"]
    assert https_server.state.dump()["integrations"] == []


def test_ca_path_trusts_the_private_ca(oncall, playbook, https_server):
    play = playbook(task(https_server, ca_path=https_server.ca_file), connection=False)
    assert play.rc == 0, play.last
    again = playbook(task(https_server, ca_path=https_server.ca_file), connection=False)
    assert again.rc == 0 and again.last["changed"] is False


def test_validate_certs_false_skips_the_check(oncall, playbook, https_server):
    play = playbook(task(https_server, validate_certs=False), connection=False)
    assert play.rc == 0, play
    assert len(https_server.state.dump()["integrations"]) == 1

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTPS with --tls-cert/--tls-key (EmulatorServer(tls_cert=..., tls_key=...)), with a certificate made at test time."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
import requests

from server import EmulatorServer  # conftest puts tests/emulator on sys.path

trustme = pytest.importorskip("trustme", reason="trustme (tests/requirements-*.txt) is needed to make a test certificate authority")

EMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "tls-token"


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A throw-away CA (its PEM file for `verify=`) and a server certificate for 127.0.0.1 and localhost."""
    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    authority.cert_pem.write_to_path(str(paths["ca"]))
    certificate.private_key_pem.write_to_path(str(paths["key"]))
    for blob in certificate.cert_chain_pems:
        blob.write_to_path(str(paths["cert"]), append=True)
    return {name: str(path) for name, path in paths.items()}


@pytest.fixture
def tls_server(tls_files):  # pylint: disable=redefined-outer-name
    with EmulatorServer(token=TOKEN, teams=["ops"], tls_cert=tls_files["cert"], tls_key=tls_files["key"]) as server:
        yield server


def test_https_in_process(tls_server, tls_files):  # pylint: disable=redefined-outer-name
    assert tls_server.url == "https://127.0.0.1:%d" % tls_server.port
    headers = {"Authorization": TOKEN}
    created = requests.post(tls_server.url + "/api/v1/integrations/", json={"type": "webhook", "name": "a"}, headers=headers,
                            verify=tls_files["ca"], timeout=10)
    assert created.status_code == 201
    # Links and pagination use the https BASE_URL.
    assert created.json()["link"].startswith(tls_server.url + "/integrations/v1/webhook/")
    assert requests.get(tls_server.url + "/api/v1/teams/", headers=headers, verify=tls_files["ca"], timeout=10).json()["count"] == 1
    assert requests.get(tls_server.url + "/__emulator__/requests", verify=tls_files["ca"], timeout=10).json()["requests"][0]["status"] == 201


def test_untrusted_certificate_is_refused(tls_server, tls_files):  # pylint: disable=redefined-outer-name
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(tls_server.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, timeout=10)
    # The failed handshake does not hurt the server.
    assert requests.get(tls_server.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, verify=tls_files["ca"], timeout=10).status_code == 200


def test_idle_client_does_not_stall_the_server(tls_server, tls_files):  # pylint: disable=redefined-outer-name
    """The TLS handshake runs in the connection's own thread, not in accept()."""
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=5):
        response = requests.get(tls_server.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, verify=tls_files["ca"], timeout=5)
        assert response.status_code == 200
    # Plain HTTP to the TLS port fails cleanly.
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(tls_server.url.replace("https://", "http://") + "/api/v1/teams/", timeout=5)


def test_faults_over_tls(tls_server, tls_files):  # pylint: disable=redefined-outer-name
    tls_server.add_fault(method="POST", path=r"^/api/v1/integrations/?$", kind="reset_after")
    tls_server.add_fault(method="GET", path=r"^/api/v1/teams/?$", kind="status", status=503)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(tls_server.url + "/api/v1/integrations/", json={"type": "webhook", "name": "a"}, headers={"Authorization": TOKEN},
                      verify=tls_files["ca"], timeout=10)
    assert [i.name for i in tls_server.state.integrations.values()] == ["a"]
    assert requests.get(tls_server.url + "/api/v1/teams/", headers={"Authorization": TOKEN}, verify=tls_files["ca"], timeout=10).status_code == 503


def test_cert_without_key():
    with pytest.raises(ValueError):
        EmulatorServer(token=TOKEN, tls_cert="server.pem")


def test_cli_https(tls_files, emulator_process):  # pylint: disable=redefined-outer-name
    with emulator_process("--host", "127.0.0.1", "--port", "0", "--token", TOKEN, "--tls-cert", tls_files["cert"], "--tls-key", tls_files["key"]) as url:
        assert url.startswith("https://")
        response = requests.get(url + "/api/v1/teams/", headers={"Authorization": TOKEN}, verify=tls_files["ca"], timeout=10)
        assert response.status_code == 200


@pytest.mark.parametrize("options", [["--tls-cert", "x.pem"], ["--tls-key", "x.key"], ["--tls-cert", "missing.pem", "--tls-key", "missing.key"]])
def test_cli_tls_errors(options):
    result = subprocess.run([sys.executable, os.path.join(EMULATOR_DIR, "server.py"), "--token", "t"] + options,
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert "--tls-cert" in result.stderr or "cannot serve TLS" in result.stderr

"""Fixtures for sending the CSR to a company CA: the test CA, AD CS and EST stand-ins, a real KDC."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pki
from tests.enroll.servers import AdcsServer, EstServer, Kdc, TestCa, make_ca, start_kdc
from tests.sapsign.conftest import folder_state  # noqa: F401 - shared by the tests here
from tests.ui.conftest import open_wizard, secrets  # noqa: F401 - the wizard's fixtures

USER, PASSWORD = "CORP\\erp-admin", "Adcs-Passw0rd!"


@pytest.fixture(scope="session")
def company_ca(tmp_path_factory: pytest.TempPathFactory) -> TestCa:
    return make_ca(tmp_path_factory.mktemp("company-ca"))


@pytest.fixture(autouse=True)
def direct_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback is reached directly unless a test sets a proxy itself; no password from outside."""
    for name in list(os.environ):
        if name.lower() in ("https_proxy", "http_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CPI_CERT_WIZARD_CA_PASSWORD", raising=False)


@pytest.fixture
def adcs(company_ca: TestCa) -> Iterator[AdcsServer]:
    server = AdcsServer(company_ca, auth="basic", users={USER: PASSWORD})
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def est(company_ca: TestCa) -> Iterator[EstServer]:
    server = EstServer(company_ca)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def expired_issuing(company_ca: TestCa) -> pki.Authority:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    return company_ca.root.intermediate(
        "Test Company Issuing CA 2024", not_before=past, not_after=past + dt.timedelta(days=365)
    )


@pytest.fixture(scope="session")
def kdc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kdc]:
    missing = [t for t in ("krb5kdc", "kdb5_util", "kadmin.local", "kinit") if not shutil.which(t)
               and not Path(f"/usr/sbin/{t}").exists()]  # fmt: skip
    if missing:
        pytest.skip(
            f"MIT Kerberos KDC tools missing ({', '.join(missing)}): install krb5-kdc, "
            "krb5-admin-server and krb5-user (make test does)"
        )
    server = start_kdc(tmp_path_factory.mktemp("kdc"))
    server.add_principal("alice", "Alice-Kerb-Pw1")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def kerberos_env(kdc: Kdc, monkeypatch: pytest.MonkeyPatch) -> Kdc:
    """This process uses the test realm (client and acceptor), with alice's ticket."""
    for name, value in kdc.env.items():
        monkeypatch.setenv(name, value)
    kdc.kinit("alice", "Alice-Kerb-Pw1")
    return kdc


@pytest.fixture
def with_csr(cli) -> str:
    result = cli(
        "csr", "--profile", "ERP", "--cn", "erp-sender", "--org", "ACME Corp", "--country", "DE",
        "--key-type", "ec-p256",
    )  # fmt: skip
    assert result.code == 0, result.err
    return "ERP"


def trust(company_ca: TestCa) -> list[str]:
    return ["--ca-file", str(company_ca.tls_ca_file)]

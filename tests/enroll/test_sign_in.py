"""Sign-in to the web enrollment server: Kerberos against a real MIT KDC, NTLM via pyspnego's acceptor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.enroll.conftest import PASSWORD, USER, folder_state, trust
from tests.enroll.servers import AdcsServer


@pytest.fixture
def kerberos_adcs(company_ca, kerberos_env):
    server = AdcsServer(company_ca, auth="negotiate")
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def ntlm_adcs(company_ca, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    users = tmp_path / "ntlm-users"
    users.write_text(f"CORP:erp-admin:{PASSWORD}\n")
    monkeypatch.setenv("NTLM_USER_FILE", str(users))
    server = AdcsServer(company_ca, auth="ntlm")
    try:
        yield server
    finally:
        server.close()


def test_kerberos_signs_in_as_the_logged_on_user_without_a_password(
    cli, home, with_csr, kerberos_adcs, company_ca
):
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", kerberos_adcs.url, "--template",
        "SAPClientAuth", *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.json["outcome"] == "issued"
    assert result.json["ca"]["auth"] == "negotiate"
    assert result.json["password_kept_in"] is None
    # the CA saw alice@CPI.TEST, authenticated by the KDC's ticket, on the submission
    posted = [s for s in kerberos_adcs.seen if s.method == "POST" and s.authorization]
    assert posted and posted[0].authorization.startswith("Negotiate ")
    assert kerberos_adcs.handshakes >= 1
    later = [s for s in kerberos_adcs.seen if s.user]
    assert all(s.user.startswith("alice@CPI.TEST") for s in later)
    assert json.loads((home / "profiles/ERP/profile.json").read_text())["ca_auth"] == "negotiate"


def test_kerberos_without_a_ticket_says_to_kinit_and_nothing_changes(
    cli, home, with_csr, kerberos_adcs, company_ca, kdc, monkeypatch, tmp_path
):
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{tmp_path}/no-ticket")
    before = folder_state(home / "profiles/ERP")
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", kerberos_adcs.url, "--template",
        "SAPClientAuth", *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.kerberos"
    assert "kinit" in result.json["error"]["message"]
    assert folder_state(home / "profiles/ERP") == before
    assert kerberos_adcs.requests == {}


def test_pending_request_is_collected_later_with_kerberos(
    cli, home, with_csr, kerberos_adcs, company_ca
):
    kerberos_adcs.policy = "pending"
    first = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", kerberos_adcs.url, "--template",
        "SAPClientAuth", *trust(company_ca),
    )  # fmt: skip
    assert first.code == 0, first.err
    kerberos_adcs.approve(17)
    done = cli("ca-enroll", "--profile", "ERP", "--check", "--json")
    assert done.code == 0, done.err
    assert done.json["outcome"] == "issued"


def test_ntlm_handshake_on_one_connection_with_the_password_from_the_keyring(
    cli, home, with_csr, ntlm_adcs, company_ca, memory_keyring
):
    memory_keyring.entries[("cpi-cert-wizard", "ERP/ca-enroll")] = PASSWORD
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", ntlm_adcs.url, "--template", "SAPClientAuth",
        "--auth", "ntlm", "--user", USER, *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.json["outcome"] == "issued"
    schemes = [s.authorization.split()[0] for s in ntlm_adcs.seen if s.authorization]
    assert schemes and set(schemes) == {"NTLM"}
    assert any(s.user and "erp-admin" in s.user for s in ntlm_adcs.seen)


def test_ntlm_with_a_wrong_password_is_refused_in_words(
    cli, home, with_csr, ntlm_adcs, company_ca, memory_keyring
):
    memory_keyring.entries[("cpi-cert-wizard", "ERP/ca-enroll")] = "not-the-password"
    before = folder_state(home / "profiles/ERP")
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", ntlm_adcs.url, "--template", "SAPClientAuth",
        "--auth", "ntlm", "--user", USER, *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.credentials"
    assert folder_state(home / "profiles/ERP") == before


def test_a_sign_in_the_server_does_not_offer_names_what_it_offers(
    cli, with_csr, ntlm_adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", ntlm_adcs.url, "--template", "SAPClientAuth",
        "--auth", "basic", "--user", USER, *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.auth_not_offered"
    assert (
        "--auth negotiate|ntlm" in result.json["error"]["message"]
        or "ntlm" in result.json["error"]["message"]
    )


def test_ntlm_through_a_proxy_tunnel_given_with_proxy(
    cli, with_csr, ntlm_adcs, company_ca, memory_keyring, tmp_path
):
    from tests.testcall.harness import run_tinyproxy

    memory_keyring.entries[("cpi-cert-wizard", "ERP/ca-enroll")] = PASSWORD
    port = ntlm_adcs.server.server_address[1]
    with run_tinyproxy(port, tmp_path) as proxy:
        result = cli(
            "ca-enroll", "--profile", "ERP", "--adcs", ntlm_adcs.url, "--template",
            "SAPClientAuth", "--auth", "ntlm", "--user", USER, "--proxy", proxy,
            *trust(company_ca), "--json",
        )  # fmt: skip
        log = (tmp_path / "tinyproxy.log").read_text(errors="replace")
    assert result.code == 0, result.err
    assert result.json["outcome"] == "issued"
    assert f"CONNECT localhost:{port}" in log


def test_kerberos_with_a_user_name_and_the_password_from_the_keyring(
    cli, home, with_csr, kerberos_adcs, company_ca, memory_keyring, monkeypatch, tmp_path
):
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{tmp_path}/no-ticket")  # no kinit: the password is used
    memory_keyring.entries[("cpi-cert-wizard", "ERP/ca-enroll")] = "Alice-Kerb-Pw1"
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", kerberos_adcs.url, "--template",
        "SAPClientAuth", "--user", "alice@CPI.TEST", *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert any(s.user and s.user.startswith("alice@CPI.TEST") for s in kerberos_adcs.seen)


def test_ntlm_carries_the_tls_channel_binding_extended_protection_requires(
    cli, home, with_csr, ntlm_adcs, company_ca, memory_keyring
):
    ntlm_adcs.extended_protection = True  # Microsoft's advice for /certsrv (KB5005413)
    memory_keyring.entries[("cpi-cert-wizard", "ERP/ca-enroll")] = PASSWORD
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", ntlm_adcs.url, "--template", "SAPClientAuth",
        "--auth", "ntlm", "--user", USER, *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.json["outcome"] == "issued"


def test_kerberos_carries_the_tls_channel_binding_extended_protection_requires(
    cli, home, with_csr, kerberos_adcs, company_ca
):
    kerberos_adcs.extended_protection = True
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", kerberos_adcs.url, "--template",
        "SAPClientAuth", *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert kerberos_adcs.handshakes >= 1


def test_without_gssapi_kerberos_says_what_is_missing_and_what_else_works(
    cli, home, with_csr, company_ca, monkeypatch
):
    from wizard.core.ca_enroll import transport

    server = AdcsServer(company_ca, auth="negotiate")
    monkeypatch.setattr(transport, "_has_gssapi", lambda: False)  # an install without the extra
    try:
        result = cli(
            "ca-enroll", "--profile", "ERP", "--adcs", server.url, "--template",
            "SAPClientAuth", *trust(company_ca), "--json",
        )  # fmt: skip
    finally:
        server.close()
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.no_kerberos"
    assert "--auth ntlm" in result.json["error"]["message"]
    assert server.requests == {}

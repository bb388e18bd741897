"""AD CS web enrollment: issued, pending collected later, denied, bad answers; real HTTPS on loopback."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography import x509

from tests import pki
from tests.enroll.conftest import PASSWORD, USER, folder_state, trust


def send(cli, adcs, company_ca, *extra: str):
    return cli(
        "ca-enroll", "--profile", "ERP", "--adcs", adcs.url, "--template", "SAPClientAuth",
        "--auth", "basic", "--user", USER, *trust(company_ca), *extra,
    )  # fmt: skip


def leaf_of(home: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificates((home / "profiles/ERP/chain.pem").read_bytes())[0]


def test_issued_certificate_and_chain_are_imported_like_import_reply(
    cli, home, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    result = send(cli, adcs, company_ca, "--json")
    assert result.code == 0, result.err
    out = result.json
    assert out["outcome"] == "issued"
    assert out["request_id"] == "17"
    assert out["state"] == "certificate-imported"
    subjects = [link["subject"] for link in out["chain"]]
    assert subjects[1:] == ["CN=Test Company Issuing CA,O=Test PKI,C=DE",
                            "CN=Test Company Root CA,O=Test PKI,C=DE"]  # fmt: skip
    csr = x509.load_pem_x509_csr((home / "profiles/ERP/request.csr").read_bytes())
    assert leaf_of(home).public_key() == csr.public_key()
    # what the CA received: the form AD CS documents, with the template
    request = adcs.requests[17]
    assert request.template == "SAPClientAuth"
    assert request.csr.public_key() == csr.public_key()
    posted = [s for s in adcs.seen if s.method == "POST"]
    assert posted[-1].path == "/certsrv/certfnsh.asp"
    assert any(s.path.startswith("/certsrv/certnew.p7b?ReqID=17") for s in adcs.seen)


def test_pending_request_survives_a_restart_and_is_collected_with_check(
    cli, home, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    adcs.policy = "pending"
    first = send(cli, adcs, company_ca)
    assert first.code == 0, first.err
    assert "pending" in first.out and "request 17" in first.out
    assert "ca-enroll --profile ERP --check" in first.out
    stored = json.loads((home / "profiles/ERP/profile.json").read_text())
    assert stored["ca_pending_id"] == "17" and stored["ca_template"] == "SAPClientAuth"
    assert not (home / "profiles/ERP/chain.pem").exists()
    # the start page's list says so
    listing = cli("profiles")
    assert "pending at the CA since" in listing.out

    # days later, a new process (the CLI runs afresh): still pending
    again = cli("ca-enroll", "--profile", "ERP", "--check")
    assert again.code == 0, again.err
    assert "Still waiting" in again.out
    assert not (home / "profiles/ERP/chain.pem").exists()

    adcs.approve(17)
    done = cli("ca-enroll", "--profile", "ERP", "--check", "--json")
    assert done.code == 0, done.err
    assert done.json["outcome"] == "issued"
    stored = json.loads((home / "profiles/ERP/profile.json").read_text())
    assert stored["ca_pending_id"] is None
    assert stored["state"] == "certificate-imported"
    assert "pending at the CA" not in cli("profiles").out


def test_a_second_send_of_a_pending_request_points_to_check(
    cli, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    adcs.policy = "pending"
    assert send(cli, adcs, company_ca).code == 0
    second = send(cli, adcs, company_ca)
    assert second.code == 2
    assert "--check" in second.err
    assert len(adcs.requests) == 1  # nothing was sent twice


def test_denied_request_says_the_cas_reason_and_leaves_the_profile(
    cli, home, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    before = folder_state(home / "profiles/ERP")
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", adcs.url, "--template", "WebServer",
        "--auth", "basic", "--user", USER, *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 2
    error = result.json["error"]
    assert error["code"] == "ca_enroll.denied"
    assert "0x80094800" in error["message"] and "WebServer" in error["message"]
    assert "does not offer this certificate template" in error["message"]
    assert folder_state(home / "profiles/ERP") == before


def test_denied_later_is_reported_and_the_pending_request_forgotten(
    cli, home, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    adcs.policy = "pending"
    assert send(cli, adcs, company_ca).code == 0
    adcs.deny(17, "Denied by Officer: no cost centre given")
    result = cli("ca-enroll", "--profile", "ERP", "--check")
    assert result.code == 2
    assert "Denied by Officer: no cost centre given" in result.err
    stored = json.loads((home / "profiles/ERP/profile.json").read_text())
    assert stored["ca_pending_id"] is None


def test_wrong_password_is_a_401_in_words_and_nothing_changes(
    cli, home, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", "wrong-password")
    before = folder_state(home / "profiles/ERP")
    result = send(cli, adcs, company_ca, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.credentials"
    assert "HTTP 401" in result.json["error"]["message"]
    assert folder_state(home / "profiles/ERP") == before
    assert adcs.requests == {}


def test_a_sign_in_page_instead_of_a_certificate_is_named_and_nothing_changes(
    cli, home, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    adcs.policy = "login_page"
    before = folder_state(home / "profiles/ERP")
    result = send(cli, adcs, company_ca, "--json")
    assert result.code == 2
    error = result.json["error"]
    assert error["code"] == "ca_enroll.login_page"
    assert "Sign in - Company Portal" in error["message"]
    assert folder_state(home / "profiles/ERP") == before


def test_a_certificate_for_another_key_is_refused_and_nothing_changes(
    cli, home, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    adcs.policy = "other_key"
    before = folder_state(home / "profiles/ERP")
    result = send(cli, adcs, company_ca, "--json")
    assert result.code == 2
    message = result.json["error"]["message"]
    assert "request 17" in message and "certnew.p7b?ReqID=17" in message
    assert "key" in message.lower()
    assert folder_state(home / "profiles/ERP") == before


def test_an_expired_ca_chain_is_refused_and_nothing_changes(
    cli, home, with_csr, adcs, company_ca, expired_issuing, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    adcs.policy = "expired_chain"
    adcs.expired_issuing = expired_issuing
    before = folder_state(home / "profiles/ERP")
    result = send(cli, adcs, company_ca, "--json")
    assert result.code == 2
    message = result.json["error"]["message"]
    assert "Test Company Issuing CA 2024" in message
    assert folder_state(home / "profiles/ERP") == before


def test_a_refused_import_of_a_collected_request_can_be_collected_again(
    cli, home, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    adcs.policy = "pending"
    assert send(cli, adcs, company_ca).code == 0
    request = adcs.requests[17]
    request.certificate = company_ca.issuing.issue(pki.make_key().public_key(), request.csr.subject)
    request.status = "issued"  # the CA issued a certificate for another key
    refused = cli("ca-enroll", "--profile", "ERP", "--check")
    assert refused.code == 2
    assert "ca-enroll --profile ERP --check" in refused.err
    assert not (home / "profiles/ERP/chain.pem").exists()
    adcs.approve(17)  # the CA administrators issue it again, for the right key
    done = cli("ca-enroll", "--profile", "ERP", "--check", "--json")
    assert done.code == 0, done.err
    assert done.json["outcome"] == "issued"


def test_the_cas_own_tls_certificate_is_verified(cli, home, with_csr, adcs, monkeypatch):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", adcs.url, "--template", "SAPClientAuth",
        "--auth", "basic", "--user", USER, "--json",
    )  # fmt: skip
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.tls"
    assert adcs.seen == []


def test_templates_are_listed_from_the_advanced_request_page(
    cli, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    result = cli(
        "ca-enroll", "--profile", "ERP", "--adcs", adcs.url, "--list-templates", "--auth",
        "basic", "--user", USER, *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert {t["name"] for t in result.json["templates"]} == {"SAPClientAuth", "User"}


def test_the_password_asked_for_is_kept_in_the_keyring_not_in_a_file(
    cli, home, with_csr, adcs, company_ca, memory_keyring, monkeypatch
):
    from wizard import cli as cli_module

    monkeypatch.setattr(cli_module.Context, "ask_secret", lambda self, prompt: PASSWORD)
    result = send(cli, adcs, company_ca)
    assert result.code == 0, result.err
    assert memory_keyring.entries[("cpi-cert-wizard", "ERP/ca-enroll")] == PASSWORD
    for path in (home / "profiles").rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
    # the next run takes it from the keyring without asking
    monkeypatch.setattr(cli_module.Context, "ask_secret", lambda self, prompt: 1 / 0)
    cli("csr", "--profile", "ERP", "--cn", "erp-sender", "--new-key")
    assert send(cli, adcs, company_ca).code == 0


def test_a_new_key_ends_the_request_waiting_at_the_ca(
    cli, home, with_csr, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    adcs.policy = "pending"
    assert send(cli, adcs, company_ca).code == 0
    assert cli("csr", "--profile", "ERP", "--cn", "erp-sender", "--new-key").code == 0
    assert "pending at the CA" not in cli("profiles").out
    check = cli("ca-enroll", "--profile", "ERP", "--check", "--json")
    assert check.code == 2
    assert check.json["error"]["code"] == "ca_enroll.nothing_pending"
    # the new request can be sent with the settings the profile kept
    adcs.policy = "issue"
    again = cli("ca-enroll", "--profile", "ERP", "--json")
    assert again.code == 0, again.err
    assert again.json["outcome"] == "issued"

"""EST (RFC 7030) against a local server: cacerts first, simpleenroll, 202 pending, simplereenroll."""

from __future__ import annotations

import json

from cryptography import x509

from tests.enroll.conftest import folder_state, trust


def enroll(cli, est, company_ca, *extra: str):
    return cli(
        "ca-enroll", "--profile", "ERP", "--est", est.url, "--user", est.user,
        *trust(company_ca), *extra,
    )  # fmt: skip


def test_cacerts_are_checked_and_shown_before_the_csr_is_sent_then_imported(
    cli, home, with_csr, est, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", est.password)
    result = enroll(cli, est, company_ca, "--json")
    assert result.code == 0, result.err
    out = result.json
    assert out["outcome"] == "issued"
    assert [c["subject"] for c in out["ca_chain"]] == [
        "CN=Test Company Issuing CA,O=Test PKI,C=DE",
        "CN=Test Company Root CA,O=Test PKI,C=DE",
    ]
    assert "CA certificates (checked before sending)" in result.err
    # cacerts came before the CSR went out
    methods = [(m, p.rsplit("/", 1)[-1]) for m, p, _t, _a in est.seen]
    assert methods.index(("GET", "cacerts")) < methods.index(("POST", "simpleenroll"))
    posted = [s for s in est.seen if s[0] == "POST" and s[3]]
    assert posted[-1][2] == "application/pkcs10"
    assert posted[-1][3].startswith("Basic ")
    chain = x509.load_pem_x509_certificates((home / "profiles/ERP/chain.pem").read_bytes())
    csr = x509.load_pem_x509_csr((home / "profiles/ERP/request.csr").read_bytes())
    assert chain[0].public_key() == csr.public_key()
    assert chain[-1].subject == company_ca.root.cert.subject


def test_a_202_with_retry_after_is_kept_pending_and_collected_later(
    cli, home, with_csr, est, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", est.password)
    est.policy = "pending"
    first = enroll(cli, est, company_ca, "--json")
    assert first.code == 0, first.err
    assert first.json["outcome"] == "pending"
    assert first.json["retry_after"]
    stored = json.loads((home / "profiles/ERP/profile.json").read_text())
    assert stored["ca_kind"] == "est" and stored["ca_pending_id"] == "est"
    assert "pending at the CA since" in cli("profiles").out

    still = cli("ca-enroll", "--profile", "ERP", "--check")
    assert still.code == 0, still.err
    assert "Still waiting" in still.out
    est.approve_all()
    done = cli("ca-enroll", "--profile", "ERP", "--check", "--json")
    assert done.code == 0, done.err
    assert done.json["outcome"] == "issued"
    # the same request was sent again, as RFC 7030 asks
    sent = [p for m, p, _t, auth in est.seen if m == "POST" and auth]
    assert len(sent) == 3
    assert "pending at the CA" not in cli("profiles").out


def test_simplereenroll_signs_in_with_the_current_certificate(
    cli, home, with_csr, est, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", est.password)
    assert enroll(cli, est, company_ca).code == 0
    first = x509.load_pem_x509_certificates((home / "profiles/ERP/chain.pem").read_bytes())[0]
    monkeypatch.delenv("CPI_CERT_WIZARD_CA_PASSWORD")
    renewed = cli("ca-enroll", "--profile", "ERP", "--renew", "--json")
    assert renewed.code == 0, renewed.err
    second = x509.load_pem_x509_certificates((home / "profiles/ERP/chain.pem").read_bytes())[0]
    assert second.serial_number != first.serial_number
    last = [s for s in est.seen if s[0] == "POST"][-1]
    assert last[1].endswith("/simplereenroll")
    assert last[3] is None  # no password: the TLS client certificate signed in


def test_renewal_after_a_new_key_signs_in_with_the_archived_certificate(
    cli, home, with_csr, est, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", est.password)
    assert enroll(cli, est, company_ca).code == 0
    assert cli("csr", "--profile", "ERP", "--cn", "erp-sender", "--org", "ACME Corp",
               "--country", "DE", "--new-key").code == 0  # fmt: skip
    monkeypatch.delenv("CPI_CERT_WIZARD_CA_PASSWORD")
    renewed = cli("ca-enroll", "--profile", "ERP", "--renew", "--json")
    assert renewed.code == 0, renewed.err
    leaf = x509.load_pem_x509_certificates((home / "profiles/ERP/chain.pem").read_bytes())[0]
    csr = x509.load_pem_x509_csr((home / "profiles/ERP/request.csr").read_bytes())
    assert leaf.public_key() == csr.public_key()


def test_est_label_is_part_of_the_path(cli, with_csr, company_ca, monkeypatch):
    from tests.enroll.servers import EstServer

    server = EstServer(company_ca, label="sap-clients")
    try:
        monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", server.password)
        result = cli(
            "ca-enroll", "--profile", "ERP", "--est", server.url, "--est-label", "sap-clients",
            "--user", server.user, *trust(company_ca), "--json",
        )  # fmt: skip
        assert result.code == 0, result.err
        assert all("/.well-known/est/sap-clients/" in p for _m, p, _t, _a in server.seen)
    finally:
        server.close()


def test_an_expired_ca_chain_is_refused_before_anything_is_sent(
    cli, home, with_csr, est, company_ca, expired_issuing, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", est.password)
    est.policy = "expired_chain"
    est.expired_issuing = expired_issuing
    before = folder_state(home / "profiles/ERP")
    result = enroll(cli, est, company_ca, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.ca_expired"
    assert "Test Company Issuing CA 2024" in result.json["error"]["message"]
    assert not [s for s in est.seen if s[0] == "POST"]
    assert folder_state(home / "profiles/ERP") == before


def test_a_401_is_its_own_message_and_nothing_changes(
    cli, home, with_csr, est, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", "wrong")
    before = folder_state(home / "profiles/ERP")
    result = enroll(cli, est, company_ca, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.credentials"
    assert "HTTP 401" in result.json["error"]["message"]
    assert folder_state(home / "profiles/ERP") == before


def test_an_html_sign_in_page_is_its_own_message(cli, home, with_csr, est, company_ca, monkeypatch):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", est.password)
    est.policy = "login_page"
    before = folder_state(home / "profiles/ERP")
    result = enroll(cli, est, company_ca, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.login_page"
    assert folder_state(home / "profiles/ERP") == before


def test_a_certificate_for_another_key_is_refused(
    cli, home, with_csr, est, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", est.password)
    est.policy = "other_key"
    before = folder_state(home / "profiles/ERP")
    result = enroll(cli, est, company_ca, "--json")
    assert result.code == 2
    assert "Nothing was imported" in result.json["error"]["message"]
    assert folder_state(home / "profiles/ERP") == before


def test_the_est_servers_tls_certificate_is_always_verified(cli, home, with_csr, est, monkeypatch):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", est.password)
    result = cli("ca-enroll", "--profile", "ERP", "--est", est.url, "--user", est.user, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.tls"
    assert est.seen == []


def test_est_refuses_kerberos_before_anything_is_sent(cli, with_csr, est, company_ca):
    result = cli(
        "ca-enroll", "--profile", "ERP", "--est", est.url, "--auth", "negotiate",
        *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 2
    assert result.json["error"]["code"] == "ca_enroll.est_auth"
    assert est.seen == []


def test_enroll_with_another_profiles_certificate(
    cli, home, with_csr, est, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", est.password)
    assert enroll(cli, est, company_ca).code == 0
    assert cli("csr", "--profile", "QAS", "--cn", "qas-sender").code == 0
    monkeypatch.delenv("CPI_CERT_WIZARD_CA_PASSWORD")
    result = cli(
        "ca-enroll", "--profile", "QAS", "--est", est.url, "--client-profile", "ERP",
        *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    last = [s for s in est.seen if s[0] == "POST"][-1]
    assert last[1].endswith("/simpleenroll") and last[3] is None

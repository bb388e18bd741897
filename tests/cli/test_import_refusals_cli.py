"""Every certificate SAP would refuse is refused at import, with the reason, and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from tests import pki
from tests.cli.test_enrollment_cli import make_request, snapshot, write
from wizard.core.enrollment import load_private_key
from wizard.core.profiles import ProfileStore
from wizard.core.secrets import Secrets


@pytest.fixture(scope="module")
def ca():
    return pki.root("Refusal Test Root").intermediate("Refusal Issuing CA")


def own_key(home):
    return load_private_key(ProfileStore(home), Secrets(), "erp")


REFUSALS = {
    "self_signed": lambda csr, ca, home: [_self_signed(own_key(home), csr)],
    "incomplete": lambda csr, ca, home: [ca.sign_csr(csr)],
    "invalid": lambda csr, ca, home: [
        ca.sign_csr(
            csr,
            not_before=pki.NOW - dt.timedelta(days=400),
            not_after=pki.NOW - dt.timedelta(days=2),
        ),
        ca.cert,
    ],
    "leaf_is_ca": lambda csr, ca, home: [ca.sign_csr(csr, ca=True), ca.cert],
    "no_client_auth": lambda csr, ca, home: [ca.sign_csr(csr, eku="server"), ca.cert],
    "cn_empty": lambda csr, ca, home: [
        ca.issue(csr.public_key(), x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "A")])),
        ca.cert,
    ],
    "cn_spaces": lambda csr, ca, home: [ca.issue(csr.public_key(), "erp-prd "), ca.cert],
    "no_eku": lambda csr, ca, home: [ca.sign_csr(csr, eku=None), ca.cert],
}

WORDS = {
    "self_signed": "self-signed certificates never pass SAP's load balancer",
    "incomplete": "issuer 'CN=Refusal Issuing CA,O=Test PKI,C=DE'",
    "invalid": "expired",
    "leaf_is_ca": "is a CA certificate",
    "no_client_auth": "SAP Integration Suite rejects client certificates without it",
    "cn_empty": "has no common name",
    "cn_spaces": "leading or trailing spaces",
    "no_eku": "Certificates without this EKU are rejected during the TLS handshake.",
}


def _self_signed(key, csr):
    from cryptography.hazmat.primitives import hashes

    return (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(csr.subject)
        .public_key(csr.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.NOW - dt.timedelta(days=1))
        .not_valid_after(pki.NOW + dt.timedelta(days=300))
        .sign(key, hashes.SHA256())
    )


@pytest.mark.parametrize("code", list(REFUSALS))
def test_refused_certificate_names_the_reason_and_leaves_the_profile_as_it_was(
    cli, home, tmp_path, ca, code
):
    csr = make_request(cli)
    before = snapshot(home, "erp")
    reply = write(tmp_path / "reply.pem", pki.pem(*REFUSALS[code](csr, ca, home)))
    root_file = write(tmp_path / "root.pem", pki.pem(ca.parent.cert))
    result = cli("import-reply", "--profile", "erp", reply, "--ca-file", root_file, "--no-aia",
                 "--json")  # fmt: skip
    assert result.code == 2, result.out
    error = result.json["error"]
    assert error["code"] == code
    assert WORDS[code] in error["message"]
    assert "reply.pem" in error["message"]
    assert snapshot(home, "erp") == before
    assert cli("profiles", "--json").json["profiles"][0]["state"] == "key-generated"


def test_weak_rsa_key_from_a_p12_is_refused(cli, home, tmp_path, ca, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric import rsa

    from wizard.core.p12 import export_p12

    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - the point of the test
    leaf = ca.issue(weak.public_key(), "old-sender")
    p12 = write(tmp_path / "old.p12", export_p12(weak, leaf, [ca.cert], "pw"))
    root_file = write(tmp_path / "root.pem", pki.pem(ca.parent.cert))
    monkeypatch.setenv("CPI_CERT_WIZARD_P12_PASSWORD", "pw")
    result = cli("import-p12", "--profile", "old", p12, "--ca-file", root_file, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "weak_rsa"
    assert "1024 bits" in result.json["error"]["message"]
    assert not ProfileStore(home).exists("old")


def test_warnings_inform_but_do_not_stop_the_import(cli, home, tmp_path, ca):
    csr = make_request(cli)
    leaf = ca.sign_csr(csr, days=20)
    reply = write(tmp_path / "reply.pem", pki.pem(leaf, ca.cert))
    root_file = write(tmp_path / "root.pem", pki.pem(ca.parent.cert))
    result = cli("import-reply", "--profile", "erp", reply, "--ca-file", root_file)
    assert result.code == 0, result.err
    assert "is not on SAP BTP trust store v3.0.0 (2026-06-03)" in result.out
    assert "not confirmed" in result.out
    assert "days left" in result.out
    data = cli("import-reply", "--profile", "erp", reply, "--ca-file", root_file, "--json").json
    codes = {f["code"] for f in data["findings"]}
    assert {"root_not_on_sap_list", "expires_soon"} <= codes


@pytest.mark.parametrize("command", ["import-reply", "import-p12"])
def test_a_leaf_without_client_auth_is_imported_only_with_the_override(
    cli, home, tmp_path, ca, monkeypatch, command
):
    from wizard.core.p12 import export_p12

    csr = make_request(cli)
    if command == "import-reply":
        leaf = ca.sign_csr(csr, eku=None)
        given = write(tmp_path / "reply.pem", pki.pem(leaf, ca.cert))
    else:
        key = own_key(home)
        leaf = ca.issue(key.public_key(), "byo-sender", eku=None)
        given = write(tmp_path / "own.p12", export_p12(key, leaf, [ca.cert], "pw"))
        monkeypatch.setenv("CPI_CERT_WIZARD_P12_PASSWORD", "pw")
    root_file = write(tmp_path / "root.pem", pki.pem(ca.parent.cert))
    refused = cli(command, "--profile", "erp", given, "--ca-file", root_file, "--no-aia", "--json")
    assert refused.code == 2
    assert refused.json["error"]["code"] == "no_eku"
    assert "1.3.6.1.5.5.7.3.2" in refused.json["error"]["message"]
    accepted = cli(command, "--profile", "erp", given, "--ca-file", root_file, "--no-aia",
                   "--accept-without-client-auth", "--json")  # fmt: skip
    assert accepted.code == 0, accepted.out
    warning = next(f for f in accepted.json["findings"] if f["code"] == "no_eku")
    assert warning["severity"] == "warning"
    assert "load balancer will drop this certificate" in warning["message"]

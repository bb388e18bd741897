"""A re-issued certificate never leaves files made from the old one; import-p12 never silently
replaces a key whose request waits at the CA (issue 17, items 2 and 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from tests import pki
from wizard.core.p12 import export_p12
from wizard.core.profiles import ProfileStore


@pytest.fixture(scope="module")
def ca():
    return pki.root("Reissue Test Root").intermediate("Reissue Issuing CA")


def _request(cli, *extra) -> x509.CertificateSigningRequest:
    made = cli("csr", "--profile", "erp", "--cn", "erp-prd", "--key-type", "ec-p256", *extra,
               "--json")  # fmt: skip
    assert made.code == 0, made.err
    return x509.load_pem_x509_csr(made.json["csr"].encode())


def _import(cli, tmp_path: Path, ca, leaf, name: str = "reply.pem"):
    reply = tmp_path / name
    reply.write_bytes(pki.pem(leaf, ca.cert))
    root = tmp_path / "root.pem"
    root.write_bytes(pki.pem(ca.parent.cert))
    result = cli("import-reply", "--profile", "erp", reply, "--ca-file", root, "--no-aia")
    assert result.code == 0, result.err + result.out
    return result


def test_a_reissued_certificate_for_the_same_key_retires_what_was_made_from_the_old(
    cli, home, tmp_path, ca
):
    csr = _request(cli)
    first = ca.sign_csr(csr)
    _import(cli, tmp_path, ca, first, "first.pem")
    assert cli("export-p12", "--profile", "erp").code == 0
    assert cli("mapping", "--profile", "erp", "--env", "neo", "--user", "ERP_PRD").code == 0
    folder = ProfileStore(home).folder("erp")
    assert (folder / "client.p12").exists() and (folder / "neo-mapping.json").exists()

    second = ca.sign_csr(csr)  # the CA issued again for the same request: a new serial
    assert second.serial_number != first.serial_number
    _import(cli, tmp_path, ca, second, "second.pem")

    current = x509.load_der_x509_certificate((folder / "client.cer").read_bytes())
    assert current == second
    for stale in ("client.p12", "neo-mapping.json"):  # nothing left that carries the old one
        assert not (folder / stale).exists(), stale
    (archive,) = (folder / "archive").iterdir()
    archived = x509.load_der_x509_certificate((archive / "client.cer").read_bytes())
    assert archived == first
    assert (archive / "client.p12").exists() and (archive / "neo-mapping.json").exists()

    assert cli("export-p12", "--profile", "erp").code == 0
    mapped = cli("mapping", "--profile", "erp", "--env", "neo", "--user", "ERP_PRD")
    assert mapped.code == 0, mapped.err
    password = cli("secret", "show", "--profile", "erp", "p12").out.strip().encode()
    assert pkcs12.load_pkcs12((folder / "client.p12").read_bytes(), password).cert.certificate == (
        second
    )
    body = json.loads((folder / "neo-mapping.json").read_text())
    assert "Certificate" in json.dumps(body)


def test_import_p12_over_a_request_at_the_ca_is_refused_unless_told(
    cli, home, tmp_path, ca, monkeypatch
):
    _request(cli)
    folder = ProfileStore(home).folder("erp")
    key_before, csr_before = (
        (folder / "key.pem").read_bytes(),
        (folder / "request.csr").read_bytes(),
    )
    own_key = pki.make_key("ec-p256")
    own = tmp_path / "own.pfx"
    own.write_bytes(export_p12(own_key, ca.issue(own_key.public_key(), "own"), [ca.cert], "pw"))
    root = tmp_path / "root.pem"
    root.write_bytes(pki.pem(ca.parent.cert))
    monkeypatch.setenv("CPI_CERT_WIZARD_P12_PASSWORD", "pw")

    refused = cli("import-p12", "--profile", "erp", own, "--ca-file", root, "--no-aia")
    assert refused.code == 2
    assert "waiting at the CA" in refused.err and "--new-key" in refused.err
    assert (folder / "key.pem").read_bytes() == key_before
    assert (folder / "request.csr").read_bytes() == csr_before

    replaced = cli("import-p12", "--profile", "erp", own, "--ca-file", root, "--no-aia",
                   "--new-key")  # fmt: skip
    assert replaced.code == 0, replaced.err
    (archive,) = (folder / "archive").iterdir()
    assert (archive / "key.pem").read_bytes() == key_before

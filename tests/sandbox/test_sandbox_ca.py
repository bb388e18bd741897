"""The demo CA signs a sender's CSR like a public CA, and its reply is readable everywhere."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests import pki
from tests.sandbox.senders import make_csr
from wizard.core.errors import WizardError
from wizard.sandbox import Sandbox


def _csr_with_san(key) -> bytes:
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(pki.name("ERP PRD sender", o="ACME", c="DE"))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("erp.acme.example")]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM)


def _is_ca(cert: x509.Certificate) -> bool:
    return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_signed_reply_is_pkcs7_with_leaf_and_intermediate_and_clientauth(
    sandbox: Sandbox,
) -> None:
    key = pki.make_key("rsa-2048")

    reply = sandbox.sign_csr(_csr_with_san(key))

    certs = pkcs7.load_der_pkcs7_certificates(reply)  # a SET: no order, as from real CAs
    assert len(certs) == 2
    [leaf] = [c for c in certs if not _is_ca(c)]
    [intermediate] = [c for c in certs if _is_ca(c)]
    assert leaf.subject == pki.name("ERP PRD sender", o="ACME", c="DE")
    assert leaf.issuer == intermediate.subject
    assert intermediate.issuer == x509.load_pem_x509_certificate(sandbox.ca_root_pem).subject
    assert leaf.public_key().public_numbers() == key.public_key().public_numbers()
    ext = leaf.extensions
    assert list(ext.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.CLIENT_AUTH
    ]
    usage = ext.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and not usage.key_cert_sign
    assert (
        ext.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
        == intermediate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    )
    assert ext.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert ext.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName
    ) == ["erp.acme.example"]
    lifetime = leaf.not_valid_after_utc - leaf.not_valid_before_utc
    assert dt.timedelta(days=364) < lifetime < dt.timedelta(days=366)
    leaf.verify_directly_issued_by(intermediate)


def test_reply_as_pem_bundle_with_root_reads_in_openssl(sandbox: Sandbox, tmp_path: Path) -> None:
    key = pki.make_key()
    reply = sandbox.sign_csr(make_csr(key, "pem sender"), p7b=False, include_root=True)
    path = tmp_path / "reply.pem"
    path.write_bytes(reply)

    certs = x509.load_pem_x509_certificates(reply)
    subjects = [c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value for c in certs]
    assert subjects == ["pem sender", "CPI Sandbox Demo Issuing CA", "CPI Sandbox Demo Root CA"]
    verify = subprocess.run(
        [
            *("openssl", "verify", "-CAfile", str(sandbox.ca_root_pem_path)),
            *("-untrusted", str(path), "-purpose", "sslclient", str(path)),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_openssl_reads_the_p7b_reply(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "reply.p7b"
    path.write_bytes(sandbox.sign_csr(make_csr(pki.make_key(), "p7b sender")))

    out = subprocess.run(
        ["openssl", "pkcs7", "-inform", "DER", "-in", str(path), "-print_certs", "-noout"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout

    assert out.count("subject=") == 2
    assert "CN = p7b sender" in out


def test_signing_without_clientauth_gives_a_server_only_certificate(sandbox: Sandbox) -> None:
    reply = sandbox.sign_csr(make_csr(pki.make_key(), "tls only"), client_auth=False)

    leaf = pkcs7.load_der_pkcs7_certificates(reply)[0]
    usages = list(leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    assert usages == [ExtendedKeyUsageOID.SERVER_AUTH]


def test_csr_with_a_broken_signature_is_refused(sandbox: Sandbox) -> None:
    der = x509.load_pem_x509_csr(make_csr(pki.make_key("rsa-2048"), "x")).public_bytes(
        serialization.Encoding.DER
    )
    broken = der[:-1] + bytes([der[-1] ^ 1])  # the RSA signature is the last bytes

    with pytest.raises(WizardError) as caught:
        sandbox.sign_csr(broken)
    assert caught.value.code == "sandbox.csr_signature"


def test_weak_rsa_key_and_garbage_are_refused_with_a_reason(sandbox: Sandbox) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (refusing it is the point)

    with pytest.raises(WizardError, match="1024 bits"):
        sandbox.sign_csr(make_csr(weak, "weak"))
    with pytest.raises(WizardError) as caught:
        sandbox.sign_csr(b"this is not a CSR")
    assert caught.value.code == "sandbox.csr"

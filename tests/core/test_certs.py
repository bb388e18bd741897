"""wizard.core.certs: the facts every other module asks about one certificate."""

from __future__ import annotations

import hashlib
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier

from tests import pki
from wizard.core import certs


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_fingerprint_is_the_sha256_openssl_prints(hierarchy, tmp_path):
    path = tmp_path / "leaf.pem"
    path.write_bytes(pki.pem(hierarchy.leaf))
    out = subprocess.run(
        ["openssl", "x509", "-in", str(path), "-noout", "-fingerprint", "-sha256"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    printed = out.strip().split("=", 1)[1].replace(":", "").lower()
    assert certs.fingerprint(hierarchy.leaf) == printed
    assert printed == hashlib.sha256(pki.der(hierarchy.leaf)).hexdigest()


def test_common_name_of_a_name_a_string_and_nothing():
    assert certs.common_name(pki.name("sender-s4h-100")) == "sender-s4h-100"
    assert certs.common_name("CN=sender-s4h-100,O=ACME,C=DE") == "sender-s4h-100"
    assert certs.common_name("O=ACME,C=DE") is None
    assert certs.common_name("not a distinguished name") is None
    assert certs.common_name(None) is None


def test_a_name_without_cn_is_shown_whole():
    no_cn = x509.Name.from_rfc4514_string("O=ACME,C=DE")
    assert certs.cn_or_dn(no_cn) == "O=ACME,C=DE"
    assert certs.cn_or_dn(pki.name("sender")) == "sender"


def test_same_public_key_for_the_key_its_certificate_and_not_another(hierarchy):
    other = pki.make_key("ec-p256")
    assert certs.same_public_key(hierarchy.key, hierarchy.leaf.public_key())
    assert certs.same_public_key(hierarchy.key.public_key(), hierarchy.leaf.public_key())
    assert not certs.same_public_key(other, hierarchy.leaf.public_key())
    der = hierarchy.key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert certs.spki_der(hierarchy.key) == der


def test_issuer_and_self_signed_follow_the_signatures(hierarchy):
    assert certs.is_self_signed(hierarchy.root.cert)
    assert not certs.is_self_signed(hierarchy.issuing.cert)
    assert certs.is_issued_by(hierarchy.leaf, hierarchy.issuing.cert)
    assert not certs.is_issued_by(hierarchy.leaf, hierarchy.root.cert)
    # the same name but another key: named as the issuer, yet it did not sign
    impostor = pki.root("Chain Test Issuing CA")
    assert not certs.is_issued_by(hierarchy.leaf, impostor.cert)


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_a_sha1_signed_certificate_is_still_recognised_as_issued(hierarchy, openssl_sha1_sign):
    key = pki.make_key("rsa-2048")
    legacy = openssl_sha1_sign(hierarchy.issuing, key)
    assert certs.is_issued_by(legacy, hierarchy.issuing.cert)


def test_eku_names_as_openssl_writes_them():
    assert certs.eku_name(ExtendedKeyUsageOID.CLIENT_AUTH) == "clientAuth"
    assert certs.eku_name(ExtendedKeyUsageOID.SERVER_AUTH) == "serverAuth"
    assert certs.eku_name(ObjectIdentifier("1.2.3.4")) == "1.2.3.4"


def test_extension_absent_is_none(hierarchy):
    assert certs.extension(hierarchy.leaf, x509.NameConstraints) is None
    assert certs.extension(hierarchy.root.cert, x509.BasicConstraints).ca

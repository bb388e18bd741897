"""The subject a person types and the request the CA receives."""

from __future__ import annotations

import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wizard.core import keys
from wizard.core.csr import SubjectFields, build_csr, csr_pem, parse_san
from wizard.core.errors import WizardError


@pytest.mark.parametrize("key_type", list(keys.KeyType))
@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_every_key_type_gives_a_request_openssl_verifies(key_type, tmp_path):
    key = keys.generate_key(key_type)
    subject = SubjectFields(cn="erp-prd", org="ACME AG", country="DE", sans=("DNS:erp.acme.de",))
    path = tmp_path / "r.csr"
    path.write_bytes(csr_pem(build_csr(key, subject)))
    out = subprocess.run(
        ["openssl", "req", "-in", str(path), "-noout", "-verify", "-text"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "verify OK" in (out.stdout + out.stderr)
    assert "TLS Web Client Authentication" in out.stdout
    assert "Digital Signature" in out.stdout
    assert "sha256With" in out.stdout or "ecdsa-with-SHA256" in out.stdout
    assert "DNS:erp.acme.de" in out.stdout
    expected = rsa.RSAPrivateKey if key_type.value.startswith("rsa") else ec.EllipticCurvePrivateKey
    assert isinstance(key, expected)


def test_request_asks_for_client_auth_only():
    key = keys.generate_key(keys.KeyType.EC_P256)
    csr = build_csr(key, SubjectFields(cn="x"))
    eku = csr.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "x"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"cn": ""}, "cn", "required"),
        ({"cn": "erp "}, "cn", "trailing spaces"),
        ({"cn": " erp"}, "cn", "leading or trailing"),
        ({"cn": "x" * 65}, "cn", "at most 64"),
        ({"cn": "erp", "country": "Germany"}, "country", "two-letter"),
        ({"cn": "erp", "country": "de"}, "country", "capitals"),
        ({"cn": "erp", "email": "nobody"}, "email", "not an e-mail"),
        ({"cn": "erp", "sans": ("host.example",)}, "san", "DNS:host"),
        ({"cn": "erp", "sans": ("IP:300.1.1.1",)}, "san", "not an IP"),
    ],
)
def test_bad_subject_fields_are_named_with_the_fix(fields, field, words):
    problems = SubjectFields(**fields).problems()
    assert any(p.field == field and words in p.message for p in problems), problems
    with pytest.raises(WizardError):
        SubjectFields(**fields).to_name()


def test_rfc4514_subject_round_trips_in_reading_order():
    fields = SubjectFields.from_rfc4514("CN=erp-prd,OU=IT,O=ACME AG,L=Walldorf,C=DE")
    assert (fields.cn, fields.org_unit, fields.org, fields.locality, fields.country) == (
        "erp-prd",
        "IT",
        "ACME AG",
        "Walldorf",
        "DE",
    )
    assert fields.to_name().rfc4514_string() == "CN=erp-prd,OU=IT,O=ACME AG,L=Walldorf,C=DE"


def test_unreadable_or_unsupported_dn_is_refused_with_an_example():
    with pytest.raises(WizardError, match="Write it like"):
        SubjectFields.from_rfc4514("this is not a DN")
    with pytest.raises(WizardError, match="not supported"):
        SubjectFields.from_rfc4514("CN=x,DC=example")


def test_san_kinds():
    assert isinstance(parse_san("email:a@b.de"), x509.RFC822Name)
    assert isinstance(parse_san("URI:https://sender.example/x"), x509.UniformResourceIdentifier)
    assert isinstance(parse_san("IP:127.0.0.1"), x509.IPAddress)
    with pytest.raises(WizardError, match="not a SAN type"):
        parse_san("otherName:x")

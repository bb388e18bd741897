"""A path RFC 5280 validators accept (NIST PKITS 4.2.4: the leaf's notBefore encoded as
GeneralizedTime before 2050) is accepted, with a note; a forged one is not (issue 17, item 19).

The test certificate is made by re-encoding one date of a test-PKI leaf and signing it again
(a small DER edit in the test only: no library writes this encoding on purpose)."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests import pki
from wizard.core import chain
from wizard.core.trust import TrustSource


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _length(len(body)) + body


def _element(der: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of body, end) of the DER element at `at`."""
    size, body = der[at + 1], at + 2
    if size & 0x80:
        count = size & 0x7F
        size, body = int.from_bytes(der[body : body + count], "big"), body + count
    return der[at], body, body + size


def generalized_not_before(cert: x509.Certificate, issuer_key) -> x509.Certificate:
    der = cert.public_bytes(serialization.Encoding.DER)
    _, certificate_body, _ = _element(der, 0)
    _, tbs_start, tbs_end = _element(der, certificate_body)
    tbs = der[tbs_start:tbs_end]
    fields, at = [], 0
    while at < len(tbs):
        _, _, end = _element(tbs, at)
        fields.append((at, end))
        at = end
    validity_at, validity_end = fields[4]  # version, serial, algorithm, issuer, validity
    _, body, _ = _element(tbs, validity_at)
    tag, start, end = _element(tbs, body)
    assert tag == 0x17  # UTCTime, as every library writes a date before 2050
    generalized = _tlv(0x18, b"20" + tbs[start:end])
    validity = _tlv(0x30, generalized + tbs[end:validity_end])
    new_tbs = _tlv(0x30, tbs[:validity_at] + validity + tbs[validity_end:])
    _, _, algorithm_end = _element(der, tbs_end)
    signature = issuer_key.sign(new_tbs, ec.ECDSA(cert.signature_hash_algorithm))
    return x509.load_der_x509_certificate(
        _tlv(0x30, new_tbs + der[tbs_end:algorithm_end] + _tlv(0x03, b"\0" + signature))
    )


ROOT = pki.root("PKITS-like Root")
ISSUING = ROOT.intermediate("PKITS-like Issuing CA")
KEY = pki.make_key("ec-p256")


def _check(leaf: x509.Certificate) -> chain.ChainReport:
    return chain.check_client_certificate(
        [leaf, ISSUING.cert],
        public_key=KEY.public_key(),
        sources=[TrustSource("test roots", (ROOT.cert,))],
        fetch_aia=False,
    )


def test_a_generalized_time_date_before_2050_is_accepted_with_a_note():
    leaf = generalized_not_before(ISSUING.issue(KEY.public_key(), "pkits sender"), ISSUING.key)
    codes = {f.code: f for f in _check(leaf).findings}
    assert "invalid" not in codes
    assert codes["generalized_time"].severity == "warning"
    assert "PKITS 4.2.4" in codes["generalized_time"].message


def test_the_same_encoding_with_a_wrong_signature_is_still_refused():
    other = ROOT.intermediate("Another Issuing CA")
    forged = generalized_not_before(ISSUING.issue(KEY.public_key(), "forged"), other.key)
    codes = {f.code for f in _check(forged).findings}
    assert "invalid" in codes and "generalized_time" not in codes

"""Basic facts about one certificate: its fingerprint, names, public key, issuer and usages.

The one home of these helpers: chain building, trust lists, mapping, the access log, batch import,
the test call, the sandbox and the commands all ask here instead of writing them again.
"""

from __future__ import annotations

import functools

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

WEAK_HASHES = ("sha1", "md5")

EKU_NAMES: dict[ObjectIdentifier, str] = {
    ExtendedKeyUsageOID.SERVER_AUTH: "serverAuth",
    ExtendedKeyUsageOID.CLIENT_AUTH: "clientAuth",
    ExtendedKeyUsageOID.CODE_SIGNING: "codeSigning",
    ExtendedKeyUsageOID.EMAIL_PROTECTION: "emailProtection",
    ExtendedKeyUsageOID.TIME_STAMPING: "timeStamping",
    ExtendedKeyUsageOID.OCSP_SIGNING: "OCSPSigning",
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE: "anyExtendedKeyUsage",
}


# KeyUsage's flags (cryptography's attribute names) and the names openssl prints for them
KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
)
KEY_USAGE_NAMES = {
    "digital_signature": "digitalSignature",
    "content_commitment": "nonRepudiation",
    "key_encipherment": "keyEncipherment",
    "data_encipherment": "dataEncipherment",
    "key_agreement": "keyAgreement",
    "key_cert_sign": "keyCertSign",
    "crl_sign": "cRLSign",
}


def eku_name(oid: ObjectIdentifier) -> str:
    """`clientAuth` for the OID openssl calls so; the dotted string for any other."""
    return EKU_NAMES.get(oid, oid.dotted_string)


@functools.lru_cache(maxsize=4096)
def fingerprint(cert: x509.Certificate) -> str:
    """The SHA-256 of the DER, lowercase hex without separators.

    Computed once per certificate (a certificate hashes and compares by its DER): a chain check
    asks for the same fingerprints several times, a batch for the same CA's hundreds of times.
    """
    return cert.fingerprint(hashes.SHA256()).hex()


def subject_of(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def common_name(name: x509.Name | str | None) -> str | None:
    """The (first) CN of a name (an x509.Name or an RFC 4514 string), or None."""
    if name is None:
        return None
    if isinstance(name, str):
        try:
            name = x509.Name.from_rfc4514_string(name)
        except ValueError:
            return None
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else None


def cn_or_dn(name: x509.Name) -> str:
    """The CN where there is one, else the whole name (RFC 4514): how a person recognises it."""
    return common_name(name) or name.rfc4514_string()


def spki_der(key) -> bytes:
    """The DER SubjectPublicKeyInfo of a public key, or of a private key's public half."""
    if hasattr(key, "public_key") and not isinstance(key, x509.Certificate):
        key = key.public_key()
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def same_public_key(a, b) -> bool:
    """Two keys (public, or private for their public half) are the same key pair's."""
    return spki_der(a) == spki_der(b)


def is_issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """`issuer` names, identifies (AKI/SKI when both present) and signed `cert`."""
    key = (cert, issuer)
    known = _ISSUED.get(key)
    if known is None:
        known = _is_issued_by(cert, issuer)
        if len(_ISSUED) >= _ISSUED_MAX:
            _ISSUED.clear()
        _ISSUED[key] = known
    return known


# The answer depends on the two DERs only (certificates hash and compare by them): a chain check
# asks it several times for the same pair (is_self_signed of each link), a batch import for the
# same CA certificates once per profile. Bounded; cleared whole when full.
_ISSUED: dict[tuple[x509.Certificate, x509.Certificate], bool] = {}
_ISSUED_MAX = 4096


def _is_issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    aki, ski = _authority_key_id(cert), _subject_key_id(issuer)
    if aki is not None and ski is not None and aki != ski:
        return False
    return _signature_verifies(cert, issuer)


def is_self_signed(cert: x509.Certificate) -> bool:
    return is_issued_by(cert, cert)


def extension(cert: x509.Certificate, kind):
    """The value of the extension of class `kind`, or None when absent or unreadable."""
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except (x509.ExtensionNotFound, ValueError):  # absent, or too malformed to read: not there
        return None


def _signature_verifies(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
        return True
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # cryptography refuses SHA-1 signatures here; legacy roots and old chains still use them,
        # and we must recognise them to report "SHA-1" rather than "issuer not found".
        return _legacy_signature_verifies(cert, issuer)


def _legacy_signature_verifies(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        algorithm = cert.signature_hash_algorithm
        parameters = cert.signature_algorithm_parameters
    except UnsupportedAlgorithm:
        return False
    if algorithm is None or algorithm.name not in WEAK_HASHES:
        return False
    key = issuer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            rsa_padding = parameters or padding.PKCS1v15()
            key.verify(cert.signature, cert.tbs_certificate_bytes, rsa_padding, algorithm)  # type: ignore[arg-type]
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(algorithm))
        elif isinstance(key, dsa.DSAPublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, algorithm)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _authority_key_id(cert: x509.Certificate) -> bytes | None:
    aki = extension(cert, x509.AuthorityKeyIdentifier)
    return aki.key_identifier if aki is not None else None


def _subject_key_id(cert: x509.Certificate) -> bytes | None:
    ski = extension(cert, x509.SubjectKeyIdentifier)
    return ski.digest if ski is not None else None

"""Everything a person looks at in one certificate, as KeyStore Explorer and XCA show it.

`certificate_details` reads one certificate (PEM or DER bytes, or a parsed one) into a frozen
dataclass of plain strings; the GUI's details dialog only shows it. Names of values (`clientAuth`,
`digitalSignature`) are the standard's, as openssl prints them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID

from wizard.core.certs import (
    KEY_USAGE_NAMES,
    KEY_USAGES,
    eku_name,
    extension,
    fingerprint,
    is_self_signed,
)


@dataclass(frozen=True)
class CertificateDetails:
    subject: str  # RFC 4514
    issuer: str
    serial: str  # hex, colon-separated
    not_before: dt.datetime
    not_after: dt.datetime
    key: str  # "RSA 3072 bits", "EC P-256"
    signature: str  # "sha256WithRSAEncryption"-style name cryptography gives
    is_ca: bool
    self_signed: bool
    key_usage: tuple[str, ...]
    extended_key_usage: tuple[str, ...]
    subject_alternative_names: tuple[str, ...]  # "DNS:x", "IP:1.2.3.4", "email:a@b"
    authority_key_id: str | None  # hex
    subject_key_id: str | None
    ca_issuers: tuple[str, ...]  # AIA caIssuers URLs
    ocsp: tuple[str, ...]  # AIA OCSP URLs
    sha256: str  # hex, colon-separated upper case, as certificate viewers show it
    sha1: str
    pem: str


def _colons(data: bytes) -> str:
    return ":".join(f"{b:02X}" for b in data)


def key_description(key) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size} bits"
    if isinstance(key, ec.EllipticCurvePublicKey):
        curve = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
        return f"EC {curve.get(key.curve.name, key.curve.name)}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448"
    if isinstance(key, dsa.DSAPublicKey):
        return f"DSA {key.key_size} bits"
    return type(key).__name__


def _names(general_names) -> tuple[str, ...]:
    out = []
    for name in general_names:
        if isinstance(name, x509.DNSName):
            out.append(f"DNS:{name.value}")
        elif isinstance(name, x509.IPAddress):
            out.append(f"IP:{name.value}")
        elif isinstance(name, x509.RFC822Name):
            out.append(f"email:{name.value}")
        elif isinstance(name, x509.UniformResourceIdentifier):
            out.append(f"URI:{name.value}")
        elif isinstance(name, x509.DirectoryName):
            out.append(f"DirName:{name.value.rfc4514_string()}")
        else:
            out.append(str(name.value))
    return tuple(out)


def certificate_details(certificate: x509.Certificate | bytes) -> CertificateDetails:
    """The details of one certificate (PEM or DER bytes are read with cryptography)."""
    if isinstance(certificate, bytes):
        data = certificate
        certificate = (
            x509.load_pem_x509_certificate(data)
            if b"-----BEGIN" in data
            else x509.load_der_x509_certificate(data)
        )
    cert = certificate
    basic = extension(cert, x509.BasicConstraints)
    usage = extension(cert, x509.KeyUsage)
    key_usage: tuple[str, ...] = ()
    if usage is not None:
        flags = [n for n in KEY_USAGES if getattr(usage, n)]
        key_usage = tuple(KEY_USAGE_NAMES[n] for n in flags)
    eku = extension(cert, x509.ExtendedKeyUsage)
    san = extension(cert, x509.SubjectAlternativeName)
    aki = extension(cert, x509.AuthorityKeyIdentifier)
    ski = extension(cert, x509.SubjectKeyIdentifier)
    aia = extension(cert, x509.AuthorityInformationAccess)
    issuers: list[str] = []
    ocsp: list[str] = []
    for access in aia or ():
        target = ocsp if access.access_method == AuthorityInformationAccessOID.OCSP else issuers
        if access.access_method in (
            AuthorityInformationAccessOID.OCSP,
            AuthorityInformationAccessOID.CA_ISSUERS,
        ):
            target.append(str(access.access_location.value))
    algorithm = cert.signature_hash_algorithm
    signature = cert.signature_algorithm_oid._name
    return CertificateDetails(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=_colons(
            cert.serial_number.to_bytes((cert.serial_number.bit_length() + 7) // 8 or 1)
        ),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key=key_description(cert.public_key()),
        signature=signature or (algorithm.name if algorithm else "?"),
        is_ca=bool(basic is not None and basic.ca),
        self_signed=is_self_signed(cert),
        key_usage=key_usage,
        extended_key_usage=tuple(eku_name(oid) for oid in eku or ()),
        subject_alternative_names=_names(san) if san is not None else (),
        authority_key_id=aki.key_identifier.hex(":").upper()
        if aki is not None and aki.key_identifier
        else None,
        subject_key_id=ski.digest.hex(":").upper() if ski is not None else None,
        ca_issuers=tuple(issuers),
        ocsp=tuple(ocsp),
        sha256=_colons(bytes.fromhex(fingerprint(cert))),
        sha1=_colons(cert.fingerprint(hashes.SHA1())),  # noqa: S303 (shown, as viewers do)
        pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )

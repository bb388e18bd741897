"""The subject a person types, its validation, and the PKCS#10 request built from it."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wizard.core.errors import WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, tr, translate
from wizard.core.keys import PrivateKey

# (field, OID, label, max length) in the order a DN is read (RFC 4514): most specific first;
# encoded in reverse, so the certificate says C, ST, L, O, OU, CN like every CA's.
SUBJECT_FIELDS: tuple[tuple[str, x509.ObjectIdentifier, str, int], ...] = (
    ("cn", NameOID.COMMON_NAME, QT_TRANSLATE_NOOP("csr", "Common name (CN)"), 64),
    (
        "org_unit",
        NameOID.ORGANIZATIONAL_UNIT_NAME,
        QT_TRANSLATE_NOOP("csr", "Organizational unit (OU)"),
        64,
    ),
    ("org", NameOID.ORGANIZATION_NAME, QT_TRANSLATE_NOOP("csr", "Organization (O)"), 64),
    ("locality", NameOID.LOCALITY_NAME, QT_TRANSLATE_NOOP("csr", "Locality (L)"), 128),
    (
        "state",
        NameOID.STATE_OR_PROVINCE_NAME,
        QT_TRANSLATE_NOOP("csr", "State or province (ST)"),
        128,
    ),
    ("country", NameOID.COUNTRY_NAME, QT_TRANSLATE_NOOP("csr", "Country (C)"), 2),
    ("email", NameOID.EMAIL_ADDRESS, QT_TRANSLATE_NOOP("csr", "E-mail address"), 128),
)  # labels are English; shown through tr(CONTEXT, label)
CONTEXT = "csr"  # tr() context of this module's texts
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DNS = re.compile(r"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]{1,63}$")


def _not_email(value: str) -> str:
    return translate("csr", "{value!r} is not an e-mail address.").format(value=value)


@dataclass(frozen=True)
class SubjectProblem:
    field: str  # one of SUBJECT_FIELDS' names, or "subject"/"san"
    message: str


@dataclass(frozen=True)
class SubjectFields:
    """What a person types for the certificate's subject. Only `cn` is required."""

    cn: str = ""
    org: str = ""
    org_unit: str = ""
    locality: str = ""
    state: str = ""
    country: str = ""
    email: str = ""
    sans: tuple[str, ...] = field(default_factory=tuple)

    def problems(self) -> list[SubjectProblem]:
        """Every reason SAP or the CA would refuse this subject, per field (for inline validation)."""
        out: list[SubjectProblem] = []
        for name, _oid, english_label, limit in SUBJECT_FIELDS:
            label = tr(CONTEXT, english_label)
            value = getattr(self, name)
            if name == "cn" and not value.strip():
                out.append(
                    SubjectProblem("cn", translate("csr", "The common name (CN) is required."))
                )
                continue
            if not value:
                continue
            if value != value.strip():
                out.append(
                    SubjectProblem(
                        name,
                        translate(
                            "csr",
                            "{label} has leading or trailing spaces; SAP compares the DN exactly, "
                            "so remove them.",
                        ).format(label=label),
                    )
                )
            if name == "country":
                if not re.fullmatch(r"[A-Z]{2}", value):
                    out.append(
                        SubjectProblem(
                            name,
                            translate(
                                "csr",
                                "Country must be a two-letter ISO 3166 code in capitals, e.g. DE.",
                            ),
                        )
                    )
            elif len(value) > limit:
                out.append(
                    SubjectProblem(
                        name,
                        translate("csr", "{label} is {length} characters; at most {limit}.").format(
                            label=label, length=len(value), limit=limit
                        ),
                    )
                )
            if name == "email" and not _EMAIL.match(value):
                out.append(SubjectProblem(name, _not_email(value)))
            if any(ord(c) < 32 for c in value):
                out.append(
                    SubjectProblem(
                        name,
                        translate("csr", "{label} contains control characters.").format(
                            label=label
                        ),
                    )
                )
        for san in self.sans:
            try:
                parse_san(san)
            except WizardError as exc:
                out.append(SubjectProblem("san", exc.message))
        return out

    def to_name(self) -> x509.Name:
        problems = self.problems()
        if problems:
            message = " ".join(p.message for p in problems)  # each translated (SubjectProblem)
            raise WizardError("subject.invalid", message)
        attrs = [
            x509.NameAttribute(oid, getattr(self, name))
            for name, oid, _label, _limit in reversed(SUBJECT_FIELDS)
            if getattr(self, name)
        ]
        return x509.Name(attrs)

    @classmethod
    def from_name(cls, name: x509.Name, sans: tuple[str, ...] = ()) -> SubjectFields:
        values: dict[str, str] = {}
        for fname, oid, label, _limit in SUBJECT_FIELDS:
            attrs = name.get_attributes_for_oid(oid)
            if len(attrs) > 1:
                raise WizardError(
                    "subject.invalid",
                    translate("csr", "{label} appears more than once.").format(
                        label=tr(CONTEXT, label)
                    ),
                )
            if attrs:
                values[fname] = str(attrs[0].value)
        known = {oid for _n, oid, _l, _m in SUBJECT_FIELDS}
        for attr in name:
            if attr.oid not in known:
                raise WizardError(
                    "subject.invalid",
                    translate(
                        "csr",
                        "The subject attribute {attribute!r} is not supported here; "
                        "use CN, O, OU, L, ST, C and emailAddress.",
                    ).format(attribute=attr.rfc4514_string()),
                )
        return cls(**values, sans=tuple(sans))

    @classmethod
    def from_rfc4514(cls, text: str, sans: tuple[str, ...] = ()) -> SubjectFields:
        try:
            name = x509.Name.from_rfc4514_string(text, {"E": NameOID.EMAIL_ADDRESS})
        except ValueError as exc:
            raise WizardError(
                "subject.syntax",
                translate(
                    "csr",
                    "{text!r} is not a distinguished name ({reason}). Write it like "
                    '"CN=erp-prd,O=ACME AG,C=DE".',
                ).format(text=text, reason=exc),
            ) from None
        return cls.from_name(name, sans)


def parse_san(text: str) -> x509.GeneralName:
    """`DNS:host`, `email:a@b`, `URI:https://…` or `IP:1.2.3.4` as a SAN entry."""
    kind, sep, value = text.partition(":")
    kind = kind.strip().lower()
    if not sep or not value:
        raise WizardError(
            "san.syntax",
            translate(
                "csr", "{text!r} is not a SAN; write DNS:host, email:a@b, URI:… or IP:…"
            ).format(text=text),
        )
    if kind == "dns":
        if not _DNS.match(value):
            raise WizardError(
                "san.syntax",
                translate("csr", "{value!r} is not a DNS name.").format(value=value),
            )
        return x509.DNSName(value)
    if kind == "email":
        if not _EMAIL.match(value):
            raise WizardError("san.syntax", _not_email(value))
        return x509.RFC822Name(value)
    if kind == "uri":
        if "://" not in value and not value.startswith("urn:"):
            raise WizardError(
                "san.syntax", translate("csr", "{value!r} is not a URI.").format(value=value)
            )
        return x509.UniformResourceIdentifier(value)
    if kind == "ip":
        try:
            return x509.IPAddress(ipaddress.ip_address(value))
        except ValueError:
            raise WizardError(
                "san.syntax",
                translate("csr", "{value!r} is not an IP address.").format(value=value),
            ) from None
    raise WizardError(
        "san.syntax",
        translate(
            "csr", "{kind!r} is not a SAN type here; use DNS, email, URI or IP ({text!r})."
        ).format(kind=kind, text=text),
    )


def build_csr(key: PrivateKey, subject: SubjectFields) -> x509.CertificateSigningRequest:
    """A SHA-256 PKCS#10 request asking for digitalSignature and clientAuth."""
    is_rsa = isinstance(key, rsa.RSAPrivateKey)
    builder = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(subject.to_name())
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=is_rsa,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    )
    if subject.sans:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([parse_san(s) for s in subject.sans]), critical=False
        )
    return builder.sign(key, hashes.SHA256())


def csr_pem(csr: x509.CertificateSigningRequest) -> bytes:
    return csr.public_bytes(serialization.Encoding.PEM)

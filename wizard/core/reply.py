"""Reading whatever a CA sends back: PEM (one or many, any order, any text around), DER, PKCS#7.

Decoding is left to cryptography's loaders; this module only finds the `-----BEGIN …-----` blocks,
hands each to the right loader, and turns every failure into a `WizardError` that names the file
and says what it looks like instead ("a private key", "a CSR", "a PKCS#12 keystore", …).
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from wizard.core.errors import WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, tr, translate
from wizard.core.storage import read_input_file

_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 #.]{1,64})-----")
# A CA reply holds a handful of certificates and a trust-store bundle a few hundred: more blocks
# than this is not a certificate file, and reading on would only cost time.
MAX_PEM_BLOCKS = 5000
# Labels searched for an END line in vain before giving up (each search reads the rest once).
_MAX_UNMATCHED_LABELS = 8
_BASE64_TEXT = re.compile(rb"^[A-Za-z0-9+/=\s]+$")

_CERTIFICATE_LABELS = {b"CERTIFICATE", b"X509 CERTIFICATE", b"X.509 CERTIFICATE"}
_PKCS7_LABELS = {b"PKCS7", b"PKCS #7 SIGNED DATA"}

# What other PEM blocks are, in the user's words, for the "no certificate found" message.
_OTHER_LABELS = {
    b"PRIVATE KEY": QT_TRANSLATE_NOOP("reply", "a private key"),
    b"ENCRYPTED PRIVATE KEY": QT_TRANSLATE_NOOP("reply", "an encrypted private key"),
    b"RSA PRIVATE KEY": QT_TRANSLATE_NOOP("reply", "a private key"),
    b"EC PRIVATE KEY": QT_TRANSLATE_NOOP("reply", "a private key"),
    b"DSA PRIVATE KEY": QT_TRANSLATE_NOOP("reply", "a private key"),
    b"OPENSSH PRIVATE KEY": QT_TRANSLATE_NOOP("reply", "an SSH private key"),
    b"CERTIFICATE REQUEST": QT_TRANSLATE_NOOP("reply", "a certificate signing request (CSR)"),
    b"NEW CERTIFICATE REQUEST": QT_TRANSLATE_NOOP("reply", "a certificate signing request (CSR)"),
    b"PUBLIC KEY": QT_TRANSLATE_NOOP("reply", "a public key"),
    b"RSA PUBLIC KEY": QT_TRANSLATE_NOOP("reply", "a public key"),
    b"X509 CRL": QT_TRANSLATE_NOOP("reply", "a certificate revocation list (CRL)"),
    b"PGP PUBLIC KEY BLOCK": QT_TRANSLATE_NOOP("reply", "a PGP key"),
    b"PGP MESSAGE": QT_TRANSLATE_NOOP("reply", "a PGP message"),
}

_NEED = QT_TRANSLATE_NOOP(
    "reply", "here we need the certificate the CA returned for your CSR (.cer, .crt, .pem or .p7b)"
)
_CONTEXT = "reply"


# What the file was for, when it is not the CA's reply (--ca-file, --trust, --sap-roots).
_PURPOSE: contextvars.ContextVar[str | None] = contextvars.ContextVar("purpose", default=None)

NEED_CA_CERTIFICATES = QT_TRANSLATE_NOOP(
    "reply",
    "here we need CA certificates (intermediates or roots: .pem, .cer, .crt or .p7b) "
    "that complete the chain",
)
NEED_SERVER_ROOTS = QT_TRANSLATE_NOOP(
    "reply",
    "here we need the root certificate(s) that the tenant's server certificate must lead to "
    "(.pem, .cer, .crt or .p7b)",
)
NEED_SAP_ROOTS = QT_TRANSLATE_NOOP(
    "reply",
    "here we need SAP's list of trusted roots: the JSON shipped in resources/ or a PEM bundle "
    "of root certificates",
)


def _need() -> str:
    return tr(_CONTEXT, _PURPOSE.get() or _NEED)


def parse_certificates(
    data: bytes, *, source: str, need: str | None = None
) -> list[x509.Certificate]:
    """Every certificate in `data`, in the order found, duplicates (same DER) removed.

    `need` (one of the NEED_* texts) says what the file is for when it is not a CA's reply; it is
    the hint in every refusal.

    Accepts PEM certificates and PKCS#7 blocks with any text around them (Windows exports,
    `openssl pkcs12` output with "Bag Attributes"), DER certificates, DER PKCS#7 (.p7b/.p7c),
    CRLF line ends, a UTF-8 BOM and UTF-16 text. Raises `WizardError` naming `source` otherwise.
    """
    token = _PURPOSE.set(need)
    try:
        return _parse_certificates(data, source)
    finally:
        _PURPOSE.reset(token)


def _parse_certificates(data: bytes, source: str) -> list[x509.Certificate]:
    if not data or not data.strip():
        if _PURPOSE.get():
            raise WizardError(
                "reply.empty",
                translate("reply", "{source} is empty — {need}.").format(
                    source=source, need=_need()
                ),
            )
        raise WizardError(
            "reply.empty",
            translate(
                "reply",
                "{source} is empty. Download the certificate the CA returned for your CSR again.",
            ).format(source=source),
        )
    data = _as_bytes_text(data)
    try:
        if b"-----BEGIN " in data:
            return _readable(_unique(_from_pem_text(data, source)), source)
        return _readable(_unique(_from_binary(data, source)), source)
    except x509.InvalidVersion as exc:  # not a ValueError: the loaders raise it as they read
        raise WizardError(
            "reply.corrupt",
            translate(
                "reply",
                "{source} holds a damaged certificate ({reason}). The file was probably "
                "changed while copying; download it again from the CA.",
            ).format(source=source, reason=_reason(exc)),
        ) from None


def read_certificate_files(paths: Sequence[Path]) -> list[x509.Certificate]:
    """All certificates from several files, in file order, duplicates across files removed."""
    found: list[x509.Certificate] = []
    for path in paths:
        data = read_input_file(Path(path), what=translate("reply", "a certificate file"))
        found.extend(parse_certificates(data, source=str(path)))
    return _unique(found)


def parse_certificates_lenient(data: bytes) -> list[x509.Certificate]:
    """Certificates from a trust-store bundle, skipping any entry cryptography cannot read.

    System stores sometimes hold a legacy root that a strict parser refuses; one such entry must
    not make the whole store unusable.
    """
    data = _as_bytes_text(data)
    try:
        return _unique(x509.load_pem_x509_certificates(data))
    except ValueError:
        pass
    found = []
    for label, block in _blocks(data):
        if label in _CERTIFICATE_LABELS:
            try:
                found.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return _unique(found)


def _as_bytes_text(data: bytes) -> bytes:
    """Undo what editors do to text files: UTF-8 BOM, UTF-16 (Windows "Unicode")."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return data
        if "-----BEGIN " in text:
            return text.encode("ascii", errors="replace")
    return data


class _Scan:
    """The PEM blocks of `data` in one pass: each BEGIN line is matched with the next END line of
    its label, a label whose END line is missing is searched for once, and at most `limit`
    blocks are read. Linear in the size of `data` whatever it holds."""

    def __init__(self, data: bytes, limit: int = MAX_PEM_BLOCKS) -> None:
        self.data = data
        self.limit = limit
        self.unmatched = 0  # BEGIN lines without their END line
        self.too_many = False

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        data = self.data
        missing: set[bytes] = set()
        position = count = 0
        while (match := _BEGIN.search(data, position)) is not None:
            label = match.group(1)
            if label in missing:
                self.unmatched += 1
                position = match.end()
                continue
            end_line = b"-----END " + label + b"-----"
            end = data.find(end_line, match.end())
            if end < 0:
                self.unmatched += 1
                missing.add(label)
                if len(missing) > _MAX_UNMATCHED_LABELS:
                    return
                position = match.end()
                continue
            count += 1
            if count > self.limit:
                self.too_many = True
                return
            position = end + len(end_line)
            yield label, data[match.start() : position]


def _blocks(data: bytes) -> Iterable[tuple[bytes, bytes]]:
    return _Scan(data)


def _from_pem_text(data: bytes, source: str) -> list[x509.Certificate]:
    found: list[x509.Certificate] = []
    others: list[str] = []
    scan = _Scan(data)
    for number, (label, block) in enumerate(scan, start=1):
        if label in _CERTIFICATE_LABELS:
            try:
                found.append(x509.load_pem_x509_certificate(block))
            except ValueError as exc:
                # Windows CA web enrolment (certnew.p7b) puts a PKCS#7 inside CERTIFICATE armour.
                inside = _pkcs7_in_certificate_armour(block, label)
                if inside:
                    found.extend(inside)
                    continue
                raise WizardError(
                    "reply.corrupt",
                    translate(
                        "reply",
                        "{source}: certificate block {number} is damaged ({reason}). "
                        "The file was probably changed or cut while copying; download it again "
                        "from the CA or copy the whole block including the BEGIN/END lines.",
                    ).format(source=source, number=number, reason=_reason(exc)),
                ) from None
        elif label in _PKCS7_LABELS:
            try:
                found.extend(_pkcs7(_load_pem_pkcs7, block.replace(label, b"PKCS7")))
            except (ValueError, UnsupportedAlgorithm) as exc:  # damaged, or not signed-data
                raise WizardError(
                    "reply.corrupt",
                    translate(
                        "reply",
                        "{source}: the PKCS#7 block {number} is damaged ({reason}). "
                        "Download the .p7b again from the CA.",
                    ).format(source=source, number=number, reason=_reason(exc)),
                ) from None
        else:
            others.append(_OTHER_LABELS.get(label, f"a '{label.decode()}' block"))
    if scan.too_many:
        raise WizardError(
            "reply.too_many_blocks",
            translate(
                "reply",
                "{source} holds more than {limit} PEM blocks; a CA reply holds a few "
                "certificates. Check that you picked the right file.",
            ).format(source=source, limit=MAX_PEM_BLOCKS),
        )
    if scan.unmatched:
        raise WizardError(
            "reply.truncated",
            translate(
                "reply",
                "{source} is cut off: a '-----BEGIN …-----' line has no matching '-----END …-----' "
                "line. Copy or download the whole file again.",
            ).format(source=source),
        )
    if found:
        return found
    if others:
        what = others[0]
        code = (
            "reply.csr"
            if "CSR" in what
            else "reply.private_key"
            if "private key" in what
            else "reply.no_certificate"
        )
        raise WizardError(
            code,
            translate("reply", "{source} holds {what}, not a certificate — {need}.").format(
                source=source, what=tr(_CONTEXT, what), need=_need()
            ),
        )
    raise WizardError(
        "reply.no_certificate",
        translate("reply", "{source} contains no certificate — {need}.").format(
            source=source, need=_need()
        ),
    )


def _pkcs7_in_certificate_armour(block: bytes, label: bytes) -> list[x509.Certificate]:
    try:
        return _pkcs7(_load_pem_pkcs7, block.replace(label, b"PKCS7"))
    except (ValueError, UnsupportedAlgorithm):
        return []


def _from_binary(data: bytes, source: str) -> list[x509.Certificate]:
    stripped = data.strip()
    if _BASE64_TEXT.match(stripped):
        # Some portals offer the certificate as bare base64 without the BEGIN/END lines.
        try:
            decoded = base64.b64decode(b"".join(stripped.split()), validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        if decoded:
            certificates = _der_certificates(decoded)
            if certificates is not None:
                return certificates
    certificates = _der_certificates(data)
    if certificates is not None:
        return certificates
    raise _explain_not_a_certificate(data, source)


def _der_certificates(data: bytes) -> list[x509.Certificate] | None:
    try:
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        pass
    try:
        certificates = _pkcs7(_load_der_pkcs7, data)
    except (ValueError, UnsupportedAlgorithm):  # not PKCS#7, or PKCS#7 without certificates
        return None
    return certificates or None


def _load_pem_pkcs7(data: bytes) -> list[x509.Certificate]:
    # imported when a PKCS#7 is met: the module brings the email package (~10 ms at start-up)
    from cryptography.hazmat.primitives.serialization import pkcs7

    return pkcs7.load_pem_pkcs7_certificates(data)


def _load_der_pkcs7(data: bytes) -> list[x509.Certificate]:
    from cryptography.hazmat.primitives.serialization import pkcs7

    return pkcs7.load_der_pkcs7_certificates(data)


def _pkcs7(load, data: bytes) -> list[x509.Certificate]:
    # openssl crl2pkcs7 and Windows write the certificate SET unsorted (BER, not DER); cryptography
    # reads it but warns. Such files are normal CA replies, so the warning is noise here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PKCS#7 certificates could not be parsed as DER")
        return load(data)


def _explain_not_a_certificate(data: bytes, source: str) -> WizardError:
    """Say what the file is instead, so the user knows which file to pick."""
    try:
        serialization.load_der_private_key(data, password=None)
        return WizardError(
            "reply.private_key",
            translate("reply", "{source} holds a private key, not a certificate — {need}.").format(
                source=source, need=_need()
            ),
        )
    except TypeError:  # an encrypted private key: it parsed far enough to ask for a password
        return WizardError(
            "reply.private_key",
            translate(
                "reply", "{source} holds an encrypted private key, not a certificate — {need}."
            ).format(source=source, need=_need()),
        )
    except (ValueError, UnsupportedAlgorithm):
        pass
    try:
        x509.load_der_x509_csr(data)
        return WizardError(
            "reply.csr",
            translate(
                "reply",
                "{source} holds a certificate signing request (CSR), the file you send to the CA, "
                "not the certificate it returns — {need}.",
            ).format(source=source, need=_need()),
        )
    except ValueError:
        pass
    if _looks_like_pkcs12(data) or source.lower().endswith((".p12", ".pfx")):
        return WizardError(
            "reply.pkcs12",
            translate(
                "reply",
                "{source} looks like a PKCS#12 keystore (.p12/.pfx: key and certificates "
                "together). For a key pair you already have, use import-p12 instead; otherwise "
                "{need}.",
            ).format(source=source, need=_need()),
        )
    text = data[:2048].lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text:
        return WizardError(
            "reply.no_certificate",
            translate(
                "reply",
                "{source} is a web page, not a certificate: the download probably returned a "
                "login or error page. Download the certificate again — {need}.",
            ).format(source=source, need=_need()),
        )
    if text.startswith(b"{"):
        return WizardError(
            "reply.no_certificate",
            translate(
                "reply",
                "{source} is a JSON file, not a certificate. A Cloud Foundry service key is "
                "imported with import-service-key; otherwise {need}.",
            ).format(source=source, need=_need()),
        )
    if _is_text(data):
        return WizardError(
            "reply.no_certificate",
            translate(
                "reply",
                "{source} is a text file without a '-----BEGIN CERTIFICATE-----' block — {need}.",
            ).format(source=source, need=_need()),
        )
    return WizardError(
        "reply.binary",
        translate(
            "reply",
            "{source} is neither a PEM, DER nor PKCS#7 certificate file (unreadable binary data). "
            "Check that you picked the right file — {need}.",
        ).format(source=source, need=_need()),
    )


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        pkcs12.load_pkcs12(data, None)
        return True
    except ValueError as exc:
        return "password" in str(exc).lower()
    except (TypeError, UnsupportedAlgorithm):  # an unusual PKCS#12 variant: still not a reply
        return False


def _is_text(data: bytes) -> bool:
    sample = data[:4096]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)


def _reason(exc: Exception) -> str:
    """What went wrong, in words: never the parser's own message (ASN.1 paths, Rust types)."""
    text = str(exc).lower()
    if isinstance(exc, UnsupportedAlgorithm) or "algorithm" in text or "unsupported" in text:
        return translate("reply", "an algorithm this program cannot read")
    if isinstance(exc, x509.InvalidVersion) or "version" in text:
        return translate("reply", "an unknown certificate version")
    if "base64" in text or "pem" in text:
        return translate("reply", "the text between the BEGIN and END lines is not valid base64")
    if isinstance(exc, x509.DuplicateExtension) or "duplicate" in text:
        return translate("reply", "an extension appears twice")
    if "time" in text or "date" in text:
        return translate("reply", "a validity date cannot be read")
    return translate("reply", "its binary encoding is invalid")


def _readable(certificates: list[x509.Certificate], source: str) -> list[x509.Certificate]:
    """cryptography decodes parts of a certificate only when asked: ask now, so a damaged one is
    refused here, naming the file, instead of failing somewhere in the chain check."""
    for number, cert in enumerate(certificates, 1):
        try:
            cert.public_key()
            cert.subject.rfc4514_string()
            cert.issuer.rfc4514_string()
            _ = cert.version, cert.not_valid_before_utc, cert.not_valid_after_utc, cert.extensions
        except (
            ValueError,
            TypeError,  # a name attribute whose value type does not fit its OID
            UnsupportedAlgorithm,
            x509.InvalidVersion,
            x509.DuplicateExtension,  # RFC 5280 allows each extension once
            x509.UnsupportedGeneralNameType,
        ) as exc:
            raise WizardError(
                "reply.damaged",
                translate(
                    "reply",
                    "Certificate {number} in {source} is damaged or uses an algorithm this program "
                    "cannot read ({reason}). Download the CA's reply again.",
                ).format(number=number, source=source, reason=_reason(exc)),
            ) from None
    return certificates


def _unique(certificates: Iterable[x509.Certificate]) -> list[x509.Certificate]:
    """The first of each certificate, in order (a certificate hashes and compares by its DER)."""
    return list(dict.fromkeys(certificates))

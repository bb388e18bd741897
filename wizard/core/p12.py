"""PKCS#12 files: writing them for sender systems (modern or legacy) and reading people's own."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

from wizard.core.errors import WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, tr, translate
from wizard.core.keys import PrivateKey

CONTEXT = "p12"  # tr() context of this module's texts

MODERN = "modern"
LEGACY = "legacy"

# One sentence each, shown by the CLI and the export page.
ENCRYPTION_EXPLAINED = {
    MODERN: QT_TRANSLATE_NOOP(
        "p12",
        "AES-256-CBC with a SHA-256 MAC (PBES2): for current Java, OpenSSL 3, SAP "
        "sapgenpse, Windows 10/Server 2019 and newer, Postman.",
    ),
    LEGACY: QT_TRANSLATE_NOOP(
        "p12",
        "3DES with a SHA-1 MAC: only for old consumers (Windows Server 2012-2016, older "
        "macOS Keychain, Android 12 and older, old Java or SAP kernels) that otherwise report "
        "'wrong password' or 'MAC verification failed'.",
    ),
}


def explained(kind: str) -> str:
    """ENCRYPTION_EXPLAINED[kind] in the user's language."""
    return tr(CONTEXT, ENCRYPTION_EXPLAINED[kind])


def export_p12(
    key: PrivateKey,
    leaf: x509.Certificate,
    chain: list[x509.Certificate],
    password: str,
    *,
    legacy: bool = False,
    alias: str | None = None,
    generated: bool = False,
) -> bytes:
    """Key + leaf + `chain` (intermediates, and the root if the caller includes it).

    `generated`: the password is a random one derived from a batch secret (never a person's
    choice), so OpenSSL's default 2048 rounds protect it as well as more would."""
    mac: hashes.HashAlgorithm
    if legacy:
        algorithm = pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC
        mac = hashes.SHA1()  # noqa: S303 - what legacy consumers can read; chosen explicitly
    else:
        algorithm = pkcs12.PBES.PBESv2SHA256AndAES256CBC
        mac = hashes.SHA256()
    # 10,000 rounds as Java's keytool: the generated password is random (192 bits), so more rounds
    # would add no protection, only a longer export that holds Python's GIL (GUI stalls).
    encryption = (
        PrivateFormat.PKCS12.encryption_builder()
        # batch export's derived passwords: OpenSSL's default, as `openssl pkcs12 -export`
        .kdf_rounds(2048 if legacy or generated else 10_000)
        .key_cert_algorithm(algorithm)
        .hmac_hash(mac)
        .build(password.encode("utf-8"))
    )
    name = alias.encode("utf-8") if alias else None
    return pkcs12.serialize_key_and_certificates(name, key, leaf, chain or None, encryption)


@dataclass(frozen=True)
class P12Contents:
    key: PrivateKeyTypes  # whatever the file holds (adopted as it is, like a service key's)
    certificate: x509.Certificate | None
    additional: tuple[x509.Certificate, ...]


def read_p12(data: bytes, password: str, *, source: str) -> P12Contents:
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError:
        raise WizardError(
            "p12.unreadable",
            translate(
                "p12",
                "{source} could not be opened: the password is wrong, or it is not a PKCS#12 "
                "(.p12/.pfx) file. Check the password; if the file came from a CA portal, download "
                "it again as PKCS#12.",
            ).format(source=source),
        ) from None
    if key is None:
        raise WizardError(
            "p12.no_key",
            translate(
                "p12",
                "{source} holds no private key (only certificates). Export it again including the "
                "private key, or use import-reply for certificates alone.",
            ).format(source=source),
        )
    return P12Contents(key=key, certificate=cert, additional=tuple(extra))

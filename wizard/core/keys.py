"""Private keys: generation by type, encrypted PKCS#8 PEM on disk, loading back."""

from __future__ import annotations

from enum import StrEnum

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

from wizard.core.certs import same_public_key  # noqa: F401 -- imported from here by callers
from wizard.core.errors import WizardError
from wizard.core.i18n import translate

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


class KeyType(StrEnum):
    RSA_2048 = "rsa-2048"
    RSA_3072 = "rsa-3072"
    RSA_4096 = "rsa-4096"
    EC_P256 = "ec-p256"
    EC_P384 = "ec-p384"


DEFAULT_KEY_TYPE = KeyType.RSA_3072


def parse_key_type(value: str) -> KeyType:
    try:
        return KeyType(value.lower())
    except ValueError:
        choices = ", ".join(k.value for k in KeyType)
        raise WizardError(
            "key.type",
            translate(
                "keys", "{value!r} is not a key type this tool makes; choose one of {choices}."
            ).format(value=value, choices=choices),
        ) from None


def generate_key(key_type: KeyType) -> PrivateKey:
    if key_type.value.startswith("rsa-"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(key_type.value[4:]))
    curve = ec.SECP256R1() if key_type is KeyType.EC_P256 else ec.SECP384R1()
    return ec.generate_private_key(curve)


def key_type_of(key: PrivateKeyTypes | PublicKeyTypes) -> str:
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return f"rsa-{key.key_size}"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return {"secp256r1": "ec-p256", "secp384r1": "ec-p384"}.get(key.curve.name, key.curve.name)
    return type(key).__name__


def encrypt_key(key: PrivateKeyTypes, passphrase: str) -> bytes:
    """Encrypted PKCS#8 PEM (PBES2, AES-256-CBC), readable by openssl and Java."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def load_key(pem: bytes, passphrase: str, *, source: str = "the key file") -> PrivateKey:
    """A profile's own key, which this program generated or checked when it was adopted.

    RSA key validation (about 0.1 s for RSA-3072, on every test call and export) is skipped for
    it: it was generated here, or validated when a PKCS#12 or service key was adopted, and a
    damaged key can only make a signature fail. Keys from outside are loaded with validation.
    """
    try:
        key = serialization.load_pem_private_key(
            pem, passphrase.encode("utf-8"), unsafe_skip_rsa_key_validation=True
        )
    except (ValueError, TypeError):
        raise WizardError(
            "key.passphrase",
            translate(
                "keys",
                "{source} cannot be decrypted with the stored passphrase. If you changed keyrings "
                "or machines, the passphrase is in the old keyring; otherwise generate a new key "
                "(csr --new-key) and request a new certificate.",
            ).format(source=source),
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise WizardError(
            "key.type",
            translate("keys", "{source} holds a {kind}; use RSA or EC.").format(
                source=source, kind=type(key).__name__
            ),
        )
    return key

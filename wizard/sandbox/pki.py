"""The sandbox's two PKIs, kept as PEM files in `<dir>/pki/`, made on first use.

- The load balancer's server chain: root → intermediate → leaf for localhost/127.0.0.1/::1. The
  root is what a sender puts in its trust store; the server sends only leaf + intermediate.
- The demo CA: root → issuing intermediate. It signs CSRs like a public CA would (subject and key
  from the request, its own extensions, clientAuth, one year) and its root is the client root the
  load balancer trusts by default.

Keys are unencrypted PEM, 0600: this is a local stand-in, not a CA anyone relies on.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wizard.core.errors import WizardError
from wizard.core.storage import atomic_write, ensure_private_dir

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

ORGANIZATION = "cpi-cert-wizard sandbox"
LB_ROOT_CN = "CPI Sandbox Load Balancer Root CA"
LB_INTERMEDIATE_CN = "CPI Sandbox Load Balancer TLS CA"
CA_ROOT_CN = "CPI Sandbox Demo Root CA"
CA_INTERMEDIATE_CN = "CPI Sandbox Demo Issuing CA"
SERVER_NAMES = ("localhost",)
SERVER_IPS = ("127.0.0.1", "::1")

ROOT_DAYS = 3650
INTERMEDIATE_DAYS = 1825
SERVER_DAYS = 397
CLIENT_DAYS = 365
RENEW_SERVER_DAYS = 30  # the server leaf is re-issued when fewer days are left
KEY_BITS = 2048  # RSA: every sender (old SAP kernels, Java, .NET) reads it


@dataclass(frozen=True)
class Authority:
    cert: x509.Certificate
    key: PrivateKey


@dataclass(frozen=True)
class SandboxPKI:
    """Both PKIs of one sandbox folder, loaded."""

    folder: Path
    lb_root: Authority
    lb_intermediate: Authority
    lb_server: Authority  # the TLS leaf (not a CA; same shape for convenience)
    ca_root: Authority
    ca_intermediate: Authority

    @property
    def lb_root_pem_path(self) -> Path:
        return self.folder / "lb-root.pem"

    @property
    def lb_root_cer_path(self) -> Path:
        return self.folder / "lb-root.cer"

    @property
    def ca_root_pem_path(self) -> Path:
        return self.folder / "demo-ca-root.pem"

    @property
    def ca_root_cer_path(self) -> Path:
        return self.folder / "demo-ca-root.cer"

    def sign_csr(
        self, csr: x509.CertificateSigningRequest, *, client_auth: bool = True
    ) -> x509.Certificate:
        """Sign like a real CA: subject, key and SANs from the request, our extensions.

        `client_auth=False` issues a server-only certificate (EKU serverAuth), the kind public TLS
        CAs now sell, which SAP rejects as a client certificate: for demonstrating the lint.
        """
        if not csr.is_signature_valid:
            raise WizardError(
                "sandbox.csr_signature",
                "The CSR's signature does not match its public key (the file was altered or "
                "damaged). Generate the request again.",
            )
        public_key = csr.public_key()
        _check_client_key(public_key)
        if len(csr.subject) == 0:
            raise WizardError(
                "sandbox.csr_subject",
                "The CSR has an empty subject; a CA needs at least a common name (CN).",
            )
        sans = None
        try:
            sans = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            pass
        eku = ExtendedKeyUsageOID.CLIENT_AUTH if client_auth else ExtendedKeyUsageOID.SERVER_AUTH
        return _issue(
            issuer=self.ca_intermediate,
            subject=csr.subject,
            public_key=public_key,
            days=CLIENT_DAYS,
            eku=[eku],
            sans=sans,
        )


def load_or_create(folder: Path) -> SandboxPKI:
    """The PKIs in `folder`, created the first time; the server leaf is renewed before expiry."""
    folder = ensure_private_dir(Path(folder))
    instance = secrets.token_hex(3)  # tells two sandboxes' roots apart in a trust store
    if not (folder / "lb-root.pem").exists():
        root = _new_root(LB_ROOT_CN, instance)
        _save(folder, "lb-root", root, der_copy=True)
        _save(folder, "lb-intermediate", _new_intermediate(root, LB_INTERMEDIATE_CN))
    if not (folder / "demo-ca-root.pem").exists():
        root = _new_root(CA_ROOT_CN, instance)
        _save(folder, "demo-ca-root", root, der_copy=True)
        _save(folder, "demo-ca-intermediate", _new_intermediate(root, CA_INTERMEDIATE_CN))
    lb_intermediate = _load(folder, "lb-intermediate")
    server = None
    if (folder / "lb-server.pem").exists():
        server = _load(folder, "lb-server")
        left = server.cert.not_valid_after_utc - dt.datetime.now(dt.UTC)
        if left < dt.timedelta(days=RENEW_SERVER_DAYS):
            server = None
    if server is None:
        server = _new_server_leaf(lb_intermediate)
        _save(folder, "lb-server", server)
    return SandboxPKI(
        folder=folder,
        lb_root=_load(folder, "lb-root"),
        lb_intermediate=lb_intermediate,
        lb_server=server,
        ca_root=_load(folder, "demo-ca-root"),
        ca_intermediate=_load(folder, "demo-ca-intermediate"),
    )


def load_csr(data: bytes, *, source: str) -> x509.CertificateSigningRequest:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_csr(data)
        return x509.load_der_x509_csr(data)
    except ValueError:
        raise WizardError(
            "sandbox.csr",
            f"{source} is not a certificate signing request (PKCS#10, PEM or DER). Give the "
            ".csr file the csr command wrote.",
        ) from None


def load_certificate(data: bytes, *, source: str) -> x509.Certificate:
    """Exactly one certificate, PEM or DER (a .cer/.crt/.pem file)."""
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise WizardError(
            "sandbox.certificate",
            f"{source} is not a certificate (PEM or DER .cer/.crt). If it is a .p12 or .p7b, "
            "export the client certificate alone first.",
        ) from None
    if len(certs) != 1:
        raise WizardError(
            "sandbox.certificate_count",
            f"{source} holds {len(certs)} certificates; give exactly one (the client "
            "certificate for a mapping, the root for trust-root).",
        )
    return certs[0]


# --- making certificates ---


def _check_client_key(public_key: object) -> None:
    if isinstance(public_key, rsa.RSAPublicKey):
        if public_key.key_size < 2048:
            raise WizardError(
                "sandbox.csr_key",
                f"The CSR's RSA key has {public_key.key_size} bits; CAs refuse fewer than 2048. "
                "Generate a new key (RSA 2048 or more, or EC P-256/P-384).",
            )
        return
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        if public_key.curve.name not in ("secp256r1", "secp384r1"):
            raise WizardError(
                "sandbox.csr_key",
                f"The CSR's EC key uses curve {public_key.curve.name}; use P-256 or P-384.",
            )
        return
    raise WizardError(
        "sandbox.csr_key",
        f"The CSR holds a {type(public_key).__name__}; a CA signs RSA or EC keys only.",
    )


def _name(cn: str, instance: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"sandbox {instance}"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _new_key() -> PrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def _ou(cert: x509.Certificate) -> str:
    values = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    return str(values[0].value).removeprefix("sandbox ") if values else "0"


def _new_root(cn: str, instance: str) -> Authority:
    key = _new_key()
    name = _name(cn, instance)
    cert = _builder(name, name, key.public_key(), ROOT_DAYS, ca=True, issuer_key=None).sign(
        key, hashes.SHA256()
    )
    return Authority(cert, key)


def _new_intermediate(root: Authority, cn: str) -> Authority:
    key = _new_key()
    cert = _builder(
        _name(cn, _ou(root.cert)),
        root.cert.subject,
        key.public_key(),
        INTERMEDIATE_DAYS,
        ca=True,
        issuer_key=root.key,
    ).sign(root.key, hashes.SHA256())
    return Authority(cert, key)


def _new_server_leaf(intermediate: Authority) -> Authority:
    key = _new_key()
    sans = x509.SubjectAlternativeName(
        [x509.DNSName(n) for n in SERVER_NAMES]
        + [x509.IPAddress(ipaddress.ip_address(i)) for i in SERVER_IPS]
    )
    cert = _issue(
        issuer=intermediate,
        subject=_name("localhost", _ou(intermediate.cert)),
        public_key=key.public_key(),
        days=SERVER_DAYS,
        eku=[ExtendedKeyUsageOID.SERVER_AUTH],
        sans=sans,
    )
    return Authority(cert, key)


def _issue(
    *,
    issuer: Authority,
    subject: x509.Name,
    public_key,
    days: int,
    eku: list[x509.ObjectIdentifier],
    sans: x509.SubjectAlternativeName | None,
) -> x509.Certificate:
    builder = _builder(
        subject, issuer.cert.subject, public_key, days, ca=False, issuer_key=issuer.key
    ).add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if sans is not None:
        builder = builder.add_extension(sans, critical=False)
    return builder.sign(issuer.key, hashes.SHA256())


def _builder(subject, issuer_name, public_key, days, *, ca: bool, issuer_key):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))  # tolerate small clock differences
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=not ca and isinstance(public_key, rsa.RSAPublicKey),
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if issuer_key is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    return builder


# --- files ---


def _save(folder: Path, stem: str, authority: Authority, *, der_copy: bool = False) -> None:
    key_pem = authority.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    atomic_write(folder / f"{stem}-key.pem", key_pem, private=True)
    cert = authority.cert
    if der_copy:
        der = cert.public_bytes(serialization.Encoding.DER)
        atomic_write(folder / f"{stem}.cer", der, private=False)
    atomic_write(
        folder / f"{stem}.pem", cert.public_bytes(serialization.Encoding.PEM), private=False
    )


def _load(folder: Path, stem: str) -> Authority:
    cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}-key.pem"
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        # Our own files: skip the RSA consistency check (~40 ms a key) so Sandbox() opens fast.
        key = serialization.load_pem_private_key(
            key_path.read_bytes(), password=None, unsafe_skip_rsa_key_validation=True
        )
    except (OSError, ValueError, TypeError) as exc:
        raise WizardError(
            "sandbox.pki",
            f"The sandbox certificates in {folder} are damaged ({stem}: {exc}). Remove the "
            "folder to let the sandbox make new ones; senders must then trust the new "
            "lb-root.pem and get certificates from the new demo CA.",
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise WizardError("sandbox.pki", f"{key_path} holds an unexpected key type.")
    return Authority(cert, key)

"""A real test PKI: roots, intermediates and leaves made with cryptography, signing real CSRs.

Used by every test area (core, CLI, sandbox, UI). It is test code, not a mock: the certificates it
makes are read by openssl, keytool, nginx and the tool under test alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def make_key(kind: str = "ec-p256"):
    if kind.startswith("rsa-"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind[4:]))
    curve = {"ec-p256": ec.SECP256R1(), "ec-p384": ec.SECP384R1()}[kind]
    return ec.generate_private_key(curve)


def name(cn: str, o: str | None = "Test PKI", c: str | None = "DE") -> x509.Name:
    attrs = []
    if c:
        attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, c))
    if o:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


@dataclass
class Authority:
    """A CA certificate and its key; `issue` signs certificates below it."""

    cert: x509.Certificate
    key: object
    parent: Authority | None = None
    children: list = field(default_factory=list)

    @property
    def chain(self) -> list[x509.Certificate]:
        """This CA and its issuers up to the root (this one first)."""
        out, node = [], self
        while node is not None:
            out.append(node.cert)
            node = node.parent
        return out

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def intermediate(self, cn: str, *, key_kind: str = "ec-p256", **kw) -> Authority:
        key = make_key(key_kind)
        cert = _sign(
            subject=name(cn),
            public_key=key.public_key(),
            issuer=self,
            ca=True,
            **kw,
        )
        return Authority(cert=cert, key=key, parent=self)

    def issue(
        self,
        public_key,
        subject: x509.Name | str,
        *,
        eku: list | str | None = "client",
        key_usage: bool = True,
        ca: bool = False,
        days: int = 365,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        hash_alg=None,
        sans: list[x509.GeneralName] | None = None,
        aia_url: str | None = None,
    ) -> x509.Certificate:
        if isinstance(subject, str):
            subject = name(subject)
        return _sign(
            subject=subject,
            public_key=public_key,
            issuer=self,
            ca=ca,
            eku=eku,
            key_usage=key_usage,
            days=days,
            not_before=not_before,
            not_after=not_after,
            hash_alg=hash_alg,
            sans=sans,
            aia_url=aia_url,
        )

    def sign_csr(self, csr: x509.CertificateSigningRequest, **kw) -> x509.Certificate:
        """Sign like a real CA: subject and key from the CSR, our own extensions."""
        assert csr.is_signature_valid
        return self.issue(csr.public_key(), csr.subject, **kw)


def root(cn: str = "Test Root CA", *, key_kind: str = "ec-p256", **kw) -> Authority:
    key = make_key(key_kind)
    cert = _sign(subject=name(cn), public_key=key.public_key(), issuer=None, ca=True, key=key, **kw)
    return Authority(cert=cert, key=key)


def _sign(
    *,
    subject,
    public_key,
    issuer: Authority | None,
    ca: bool,
    key=None,
    eku="client",
    key_usage=True,
    days=3650,
    not_before=None,
    not_after=None,
    hash_alg=None,
    sans=None,
    aia_url=None,
) -> x509.Certificate:
    signing_key = key if issuer is None else issuer.key
    issuer_name = subject if issuer is None else issuer.cert.subject
    start = not_before or NOW - dt.timedelta(days=1)
    end = not_after or start + dt.timedelta(days=days)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    else:
        if key_usage:
            builder = builder.add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=isinstance(public_key, rsa.RSAPublicKey),
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
        usages = (
            {
                "client": [ExtendedKeyUsageOID.CLIENT_AUTH],
                "server": [ExtendedKeyUsageOID.SERVER_AUTH],
                "both": [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
            }.get(eku, eku)
            if isinstance(eku, str)
            else eku
        )
        if usages:
            builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        if sans:
            builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if aia_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(aia_url),
                    )
                ]
            ),
            critical=False,
        )
    if isinstance(signing_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        algorithm = hash_alg or hashes.SHA256()
    else:
        algorithm = None
    return builder.sign(signing_key, algorithm)


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def p7b(*certs: x509.Certificate, encoding=serialization.Encoding.DER) -> bytes:
    return pkcs7.serialize_certificates(list(certs), encoding)


def server_leaf(ca: Authority, hostnames=("localhost",), ips=("127.0.0.1",), **kw):
    """A TLS server certificate and key for 127.0.0.1/localhost, issued by `ca`."""
    import ipaddress

    key = make_key(kw.pop("key_kind", "ec-p256"))
    sans = [x509.DNSName(h) for h in hostnames] + [
        x509.IPAddress(ipaddress.ip_address(i)) for i in ips
    ]
    cert = ca.issue(
        key.public_key(), hostnames[0] if hostnames else "server", eku="server", sans=sans, **kw
    )
    return cert, key


def key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )

"""Senders with real certificates and calls over real TLS to a running sandbox (test helpers)."""

from __future__ import annotations

import datetime as dt
import http.client
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from tests import pki
from wizard.sandbox import RunningSandbox, Sandbox


@dataclass(frozen=True)
class Sender:
    """A sender system's identity: its key and the certificates it sends (leaf first)."""

    key_path: Path
    chain_path: Path
    leaf: x509.Certificate

    @property
    def leaf_pem(self) -> bytes:
        return self.leaf.public_bytes(serialization.Encoding.PEM)


def write_sender(folder: Path, name: str, key, certs: list[x509.Certificate]) -> Sender:
    folder.mkdir(parents=True, exist_ok=True)
    key_path, chain_path = folder / f"{name}.key", folder / f"{name}-chain.pem"
    key_path.write_bytes(pki.key_pem(key))
    chain_path.write_bytes(pki.pem(*certs))
    return Sender(key_path, chain_path, certs[0])


def make_csr(key, cn: str) -> bytes:
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(pki.name(cn))
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM)


def demo_ca_sender(
    sandbox: Sandbox,
    folder: Path,
    cn: str = "ERP sender",
    *,
    send_intermediate: bool = True,
    client_auth: bool = True,
) -> Sender:
    """A sender whose certificate the sandbox's demo CA signed from a real CSR."""
    key = pki.make_key("rsa-2048")
    reply = sandbox.sign_csr(make_csr(key, cn), p7b=False, client_auth=client_auth)
    chain = x509.load_pem_x509_certificates(reply)
    sent = chain if send_intermediate else chain[:1]
    return write_sender(folder, cn.replace(" ", "_"), key, sent)


def self_signed_sender(folder: Path, cn: str = "self made") -> Sender:
    key = pki.make_key()
    subject = pki.name(cn)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return write_sender(folder, "self-signed", key, [cert])


@dataclass(frozen=True)
class Target:
    """A sandbox served by another process: where it listens and its LB root."""

    host: str
    port: int
    lb_root_pem_path: Path


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes


def client_context(
    running: RunningSandbox | Target,
    sender: Sender | None = None,
    *,
    max_version: ssl.TLSVersion | None = None,
) -> ssl.SSLContext:
    """What a sender configures: the LB root as trust, its key + chain as identity."""
    ctx = ssl.create_default_context(cafile=str(running.lb_root_pem_path))
    if max_version is not None:
        ctx.maximum_version = max_version
    if sender is not None:
        ctx.load_cert_chain(str(sender.chain_path), str(sender.key_path))
    return ctx


def call(
    running: RunningSandbox | Target,
    path: str,
    sender: Sender | None = None,
    *,
    method: str = "POST",
    body: bytes = b"<order/>",
    max_version: ssl.TLSVersion | None = None,
) -> Reply:
    conn = http.client.HTTPSConnection(
        running.host,
        running.port,
        context=client_context(running, sender, max_version=max_version),
        timeout=10,
    )
    try:
        conn.request(method, path, body=body if method != "GET" else None)
        response = conn.getresponse()
        return Reply(response.status, response.read())
    finally:
        conn.close()


def log_lines(sandbox: Sandbox) -> list[str]:
    path = sandbox.access_log_path()
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def last_log_line(sandbox: Sandbox) -> str:
    lines = log_lines(sandbox)
    assert lines, f"no access log at {sandbox.access_log_path()}"
    return lines[-1]


def log_user(line: str) -> str:
    """The user field: between '<ip> (<ip>) - ' and ' [' (it may contain spaces)."""
    head, _, _ = line.partition(" [")
    return head.split(" - ", 1)[1]

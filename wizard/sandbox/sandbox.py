"""The sandbox tenant as one object: its folder, its demo CA, its tables, and the running server.

    sandbox = Sandbox(folder)                      # makes the PKIs and tables on first use
    reply = sandbox.sign_csr(csr_pem)              # PKCS#7 (DER) leaf + intermediate
    sandbox.map_certificate(leaf_pem, "ERP_SENDER")
    sandbox.grant("ERP_SENDER", "ESBMessaging.send")
    with sandbox.start(port=0) as running:         # https://127.0.0.1:<port>
        ... running.endpoint_url("/http/demo") ...

Folder layout: `pki/` (both PKIs, keys 0600), `state.json` (the tables), `logs/` (SAP access
logs). Table changes, through this object or by the CLI in another process, apply to the next
request of a running server.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import TracebackType

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from wizard.core.errors import WizardError
from wizard.core.storage import ensure_private_dir
from wizard.sandbox.accesslog import AccessLog
from wizard.sandbox.pki import SandboxPKI, load_certificate, load_csr, load_or_create
from wizard.sandbox.server import HOST, TLSFront
from wizard.sandbox.state import (
    DEFAULT_MAX_BYTES,
    DEFAULT_ROLE,
    EXAMPLE_ENDPOINT,
    CertificateMapping,
    Endpoint,
    StateFile,
    TenantState,
    TrustedRoot,
    check_endpoint_path,
    check_max_bytes,
    check_role,
    check_user,
    mapping_row,
    trusted_root_row,
)

STATE_FILE = "state.json"


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _as_certificate(value: bytes | x509.Certificate, source: str) -> x509.Certificate:
    if isinstance(value, x509.Certificate):
        return value
    return load_certificate(bytes(value), source=source)


class Sandbox:
    """A sandbox tenant living in `directory` (created on first use, kept across restarts)."""

    def __init__(self, directory: Path | str) -> None:
        try:
            self.directory = ensure_private_dir(Path(directory))
        except OSError as exc:
            raise WizardError(
                "sandbox.dir",
                f"Cannot use {directory} as the sandbox folder: {exc.strerror}. Give a folder "
                "you can write to (--dir).",
            ) from None
        self.pki: SandboxPKI = load_or_create(self.directory / "pki")
        self._state = StateFile(self.directory / STATE_FILE)
        self._state.read()

    # --- what a sender needs ---

    @property
    def lb_root_pem(self) -> bytes:
        """The load balancer's root: goes into the sender's trust store."""
        return _pem(self.pki.lb_root.cert)

    @property
    def lb_root_pem_path(self) -> Path:
        return self.pki.lb_root_pem_path

    @property
    def lb_root_cer_path(self) -> Path:
        return self.pki.lb_root_cer_path

    @property
    def ca_root_pem(self) -> bytes:
        """The demo CA's root (self-signed; the client root the load balancer trusts)."""
        return _pem(self.pki.ca_root.cert)

    @property
    def ca_root_pem_path(self) -> Path:
        return self.pki.ca_root_pem_path

    @property
    def ca_intermediate_pem(self) -> bytes:
        return _pem(self.pki.ca_intermediate.cert)

    @property
    def logs_dir(self) -> Path:
        return self.directory / "logs"

    @property
    def node(self) -> str:
        return self.state().node

    def access_log_path(self, day: dt.date | None = None) -> Path:
        """Today's (UTC) access-log file, or that of `day`."""
        log = AccessLog(self.logs_dir, self.node)
        return log.path_for(day) if day else log.current_path()

    # --- the demo CA ---

    def sign_csr(
        self,
        csr: bytes | x509.CertificateSigningRequest,
        *,
        p7b: bool = True,
        client_auth: bool = True,
        include_root: bool = False,
    ) -> bytes:
        """The CA reply for `csr` (PEM or DER): leaf + intermediate (+ root).

        p7b=True: PKCS#7 certificates-only, DER (a .p7b); False: a PEM bundle.
        client_auth=False: EKU serverAuth only (a "TLS certificate", rejected by SAP).
        """
        if not isinstance(csr, x509.CertificateSigningRequest):
            csr = load_csr(bytes(csr), source="the CSR")
        leaf = self.pki.sign_csr(csr, client_auth=client_auth)
        chain = [leaf, self.pki.ca_intermediate.cert]
        if include_root:
            chain.append(self.pki.ca_root.cert)
        if p7b:
            return pkcs7.serialize_certificates(chain, serialization.Encoding.DER)
        return b"".join(_pem(c) for c in chain)

    # --- the tenant's tables ---

    def state(self) -> TenantState:
        return self._state.read()

    def map_certificate(
        self, certificate: bytes | x509.Certificate, user: str
    ) -> CertificateMapping:
        """Map the whole certificate (PEM or DER) to `user`; replaces an earlier mapping of it."""
        row = mapping_row(_as_certificate(certificate, "the certificate"), user)
        self._state.update(lambda s: s.with_mapping(row))
        return row

    def grant(self, user: str, role: str) -> tuple[str, ...]:
        """Give `user` the role; returns all roles the user now has."""
        check_user(user)
        check_role(role)
        return self._state.update(lambda s: s.with_role(user, role)).roles_of(user)

    def revoke(self, user: str, role: str) -> tuple[str, ...]:
        return self._state.update(lambda s: s.without_role(user, role)).roles_of(user)

    def add_endpoint(
        self,
        path: str,
        *,
        role: str = DEFAULT_ROLE,
        max_bytes: int = DEFAULT_MAX_BYTES,
        fail: bool = False,
        unavailable: bool = False,
    ) -> Endpoint:
        """Add or replace the flow at `path` (/http/... or /cxf/...)."""
        endpoint = Endpoint(
            path=check_endpoint_path(path),
            role=check_role(role),
            max_bytes=check_max_bytes(max_bytes),
            fail=bool(fail),
            unavailable=bool(unavailable),
        )
        self._state.update(lambda s: s.with_endpoint(endpoint))
        return endpoint

    def trust_client_root(self, certificate: bytes | x509.Certificate) -> TrustedRoot:
        """Let the load balancer also accept client chains ending at this root."""
        row = trusted_root_row(_as_certificate(certificate, "the root"), source="the root")
        self._state.update(lambda s: s.with_trusted_root(row))
        return row

    def client_roots(self) -> list[x509.Certificate]:
        """Every root the load balancer accepts client chains for (demo CA root first)."""
        added = [x509.load_pem_x509_certificate(r.pem.encode()) for r in self.state().trusted_roots]
        return [self.pki.ca_root.cert, *added]

    # --- running ---

    def start(self, port: int = 0) -> RunningSandbox:
        """Listen on 127.0.0.1:`port` (0: any free port) in background threads."""
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise WizardError("sandbox.port", f"{port!r} is not a port number (0 to 65535).")
        front = TLSFront(
            pki=self.pki,
            state_file=self._state,
            access_log=AccessLog(self.logs_dir, self.node),
            port=port,
        )
        return RunningSandbox(self, front)


class RunningSandbox:
    """A started sandbox. stop() (or leaving the `with` block) joins all its threads."""

    def __init__(self, sandbox: Sandbox, front: TLSFront) -> None:
        self.sandbox = sandbox
        self._front = front
        self.host: str = HOST
        self.port: int = front.port
        self.url: str = front.url
        self.listening_address: tuple[str, int] = front.address  # what the socket is bound to

    @property
    def lb_root_pem_path(self) -> Path:
        return self.sandbox.lb_root_pem_path

    @property
    def access_log_path(self) -> Path:
        return self.sandbox.access_log_path()

    def endpoint_url(self, path: str = EXAMPLE_ENDPOINT) -> str:
        return f"{self.url}{path}"

    def stop(self) -> None:
        self._front.stop()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

"""The sandbox tenant's tables (mappings, roles, endpoints, trusted client roots) in one JSON file.

`state.json` in the sandbox folder is written atomically; `StateFile` reloads it when it changed
on disk (the CLI edits it while a server may be running in another process) and serialises the
writes made in this process.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from wizard.core import certs, jsontext
from wizard.core.certs import fingerprint
from wizard.core.errors import WizardError
from wizard.core.mapping import (  # the tenant's own role and user rules
    DEFAULT_ROLE,
    is_role_name,
    validate_user,
)
from wizard.core.storage import atomic_write, read_input_file

SCHEMA_VERSION = 1
DEFAULT_NODE = "sandbox0"
DEFAULT_MAX_BYTES = 40 * 1024 * 1024  # the HTTPS sender adapter's default maximum body size
EXAMPLE_ENDPOINT = "/http/demo"

_PATH = re.compile(r"^/(http|cxf)/[A-Za-z0-9._~!$&'()*+,;=:@%/-]+$")


@dataclass(frozen=True)
class CertificateMapping:
    """One row of the certificate-to-user table: the whole certificate, as on Neo."""

    sha256: str  # of the DER bytes; the key of the table
    user: str
    subject: str  # RFC 4514, for people
    issuer: str
    serial: str  # hex
    not_after: str  # ISO 8601 UTC
    pem: str


@dataclass(frozen=True)
class Endpoint:
    """An integration flow's address and what its sender channel demands."""

    path: str
    role: str = DEFAULT_ROLE
    max_bytes: int = DEFAULT_MAX_BYTES
    fail: bool = False  # the flow runs and fails: 500
    unavailable: bool = False  # the runtime is down: 503


@dataclass(frozen=True)
class TrustedRoot:
    """A client root added with `trust-root` (the demo CA root is always trusted)."""

    sha256: str
    subject: str
    pem: str


@dataclass(frozen=True)
class TenantState:
    node: str = DEFAULT_NODE
    mappings: tuple[CertificateMapping, ...] = ()
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (user, roles), sorted by user
    endpoints: tuple[Endpoint, ...] = ()
    trusted_roots: tuple[TrustedRoot, ...] = ()
    schema_version: int = field(default=SCHEMA_VERSION)

    def user_for(self, sha256: str) -> str | None:
        for row in self.mappings:
            if row.sha256 == sha256:
                return row.user
        return None

    def roles_of(self, user: str) -> tuple[str, ...]:
        return dict(self.roles).get(user, ())

    def endpoint(self, path: str) -> Endpoint | None:
        for endpoint in self.endpoints:
            if endpoint.path == path:
                return endpoint
        return None

    # --- changes (each returns a new state) ---

    def with_mapping(self, mapping: CertificateMapping) -> TenantState:
        """Upsert by certificate, like Neo's POST CertificateUserMappings."""
        rows = [m for m in self.mappings if m.sha256 != mapping.sha256]
        return replace(self, mappings=(*rows, mapping))

    def with_role(self, user: str, role: str) -> TenantState:
        table = dict(self.roles)
        table[user] = tuple(sorted({*table.get(user, ()), role}))
        return replace(self, roles=tuple(sorted(table.items())))

    def without_role(self, user: str, role: str) -> TenantState:
        table = dict(self.roles)
        remaining = tuple(r for r in table.get(user, ()) if r != role)
        if remaining:
            table[user] = remaining
        else:
            table.pop(user, None)
        return replace(self, roles=tuple(sorted(table.items())))

    def with_endpoint(self, endpoint: Endpoint) -> TenantState:
        rows = [e for e in self.endpoints if e.path != endpoint.path]
        return replace(self, endpoints=tuple(sorted((*rows, endpoint), key=lambda e: e.path)))

    def with_trusted_root(self, root: TrustedRoot) -> TenantState:
        rows = [r for r in self.trusted_roots if r.sha256 != root.sha256]
        return replace(self, trusted_roots=(*rows, root))

    # --- JSON ---

    def to_json(self) -> str:
        data = asdict(self)
        data["roles"] = {user: list(roles) for user, roles in self.roles}
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, *, source: Path) -> TenantState:
        try:
            data = jsontext.loads(text)
            version = data.get("schema_version")
            if not isinstance(version, int) or version > SCHEMA_VERSION:
                raise WizardError(
                    "sandbox.schema",
                    f"{source} was written by a newer cpi-cert-wizard (schema {version}); "
                    "update the program or use another sandbox folder (--dir).",
                )
            return cls(
                node=str(data.get("node", DEFAULT_NODE)),
                mappings=tuple(CertificateMapping(**m) for m in data.get("mappings", [])),
                roles=tuple(
                    sorted((str(u), tuple(r)) for u, r in dict(data.get("roles", {})).items())
                ),
                endpoints=tuple(Endpoint(**e) for e in data.get("endpoints", [])),
                trusted_roots=tuple(TrustedRoot(**r) for r in data.get("trusted_roots", [])),
                schema_version=version,
            )
        except WizardError:
            raise
        except (ValueError, TypeError, AttributeError) as exc:
            raise WizardError(
                "sandbox.state",
                f"{source} is not a readable sandbox state file ({exc}). Restore it, or move it "
                "away to start with empty tables (the sandbox's certificates are kept).",
            ) from None


def initial_state() -> TenantState:
    """A fresh tenant: one example endpoint, nobody mapped yet."""
    return TenantState(endpoints=(Endpoint(EXAMPLE_ENDPOINT),))


class StateFile:
    """`state.json`, reloaded when it changes on disk; writes are serialised in this process."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._state: TenantState | None = None
        self._seen: tuple[int, int, int] | None = None

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_ino, st.st_size)

    def read(self) -> TenantState:
        """The current tables; re-read from disk only when the file changed."""
        with self._lock:
            stamp = self._stamp()
            if self._state is not None and stamp == self._seen:
                return self._state
            if stamp is None:
                state = initial_state()
                self._write(state)
                return state
            # bounded, and only a regular file: a planted FIFO or /dev/zero link is refused
            raw = read_input_file(self.path, what="the sandbox state file", limit=16 * 1024**2)
            text = raw.decode("utf-8", errors="replace")
            self._state = TenantState.from_json(text, source=self.path)
            self._seen = stamp
            return self._state

    def read_or_keep(self) -> TenantState:
        """For the running server: a file broken by hand keeps the last good tables."""
        try:
            return self.read()
        except WizardError:
            with self._lock:
                if self._state is None:
                    raise
                return self._state

    def update(self, change: Callable[[TenantState], TenantState]) -> TenantState:
        with self._lock:
            state = change(self.read())
            self._write(state)
            return state

    def _write(self, state: TenantState) -> None:
        atomic_write(self.path, state.to_json())
        self._state = state
        self._seen = self._stamp()


# --- validation and row construction (messages say what to do) ---


def check_user(user: str) -> str:
    """The tenant's user-name rule is core's (wizard.core.mapping.validate_user), so `mapping`
    never prepares a user the sandbox refuses."""
    try:
        return validate_user(user)
    except WizardError as exc:
        raise WizardError("sandbox.user", exc.message) from None


def check_role(role: str) -> str:
    if not is_role_name(role):
        raise WizardError(
            "sandbox.role",
            f"{role!r} is not a valid role name: use letters, digits, '_' and '.' only "
            f"(the default role is {DEFAULT_ROLE}).",
        )
    return role


def check_endpoint_path(path: str) -> str:
    if not isinstance(path, str) or not _PATH.match(path) or path.rstrip("/") in ("/http", "/cxf"):
        raise WizardError(
            "sandbox.endpoint",
            f"{path!r} is not an endpoint address: it must start with /http/ or /cxf/ followed "
            "by the address (for example /http/orders), without a query string.",
        )
    return path


def check_max_bytes(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise WizardError(
            "sandbox.max_bytes", f"{value!r} is not a size in bytes; give 0 or a positive number."
        )
    return value


sha256_hex = fingerprint  # the mapping table's key: the certificate's SHA-256, as core writes it


def common_name(name: x509.Name) -> str:
    return certs.common_name(name) or ""


def mapping_row(cert: x509.Certificate, user: str) -> CertificateMapping:
    return CertificateMapping(
        sha256=sha256_hex(cert),
        user=check_user(user),
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
        not_after=cert.not_valid_after_utc.isoformat(),
        pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )


def trusted_root_row(cert: x509.Certificate, *, source: str) -> TrustedRoot:
    """Only a self-signed CA certificate can be a trust anchor of the load balancer."""
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = constraints.ca
    except x509.ExtensionNotFound:
        is_ca = False
    self_signed = certs.is_self_signed(cert)
    if not (is_ca and self_signed):
        what = "a CA certificate but not self-signed" if is_ca else "not a CA certificate"
        raise WizardError(
            "sandbox.not_root",
            f"{source} ({cert.subject.rfc4514_string()}) is {what}. The load balancer trusts "
            "root certificates only: give the self-signed root at the top of the chain.",
        )
    return TrustedRoot(
        sha256=sha256_hex(cert),
        subject=cert.subject.rfc4514_string(),
        pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )

"""Secrets in the OS keyring: the key passphrase, PKCS#12 passwords, API credentials.

Nothing secret is ever written to a file, a profile, a log or an exception message. When no keyring
is usable (a headless machine, a locked or missing SecretService) we say so plainly and ask the
person (or read an environment variable) instead; there is no silent plain-text fallback.

Which keyring (decided once per process, as Maestral does):
- only backends known to encrypt what they keep are used (`ENCRYPTING_BACKENDS`: Windows
  Credential Manager, macOS Keychain, the Secret Service, KWallet); a plain-text one (keyrings.alt's
  PlaintextKeyring, keyrings.cryptfile without its cipher) is refused, whatever selected it;
- the backend the first secret of a home went to is recorded in `<home>/keyring.json` and used from
  then on, so a new default backend (a package installed, a desktop changed) never makes every
  secret look missing; `PYTHON_KEYRING_BACKEND` or keyring's own configuration still win;
- the Secret Service is spoken to over one D-Bus connection and one session (one Diffie-Hellman
  exchange) for the whole process, and whether it is there is asked once.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
import os
import secrets as _random
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from wizard.core.errors import SecretsUnavailable, WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, tr, translate

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# keyring (and secretstorage, jeepney) are imported when a secret is first needed, not with this
# module: `profiles`, `--help` and the GUI's first window never pay for them.

SERVICE = "cpi-cert-wizard"

# Backends known to keep secrets encrypted (module.Class → what a person calls it). Everything
# else (fail, null, keyrings.alt's files, keyrings.cryptfile's plain-text mode, …) is refused.
ENCRYPTING_BACKENDS: dict[str, str] = {
    "keyring.backends.SecretService.Keyring": "Secret Service",
    "keyring.backends.libsecret.Keyring": "Secret Service (libsecret)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet 4",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
}
_SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
# Tried in this order when nothing is pinned or configured: the platform's own store first.
_NATIVE = {
    "win32": ("keyring.backends.Windows.WinVaultKeyring",),
    "darwin": ("keyring.backends.macOS.Keyring",),
}
_NATIVE_OTHER = (_SECRET_SERVICE, "keyring.backends.kwallet.DBusKeyring")
PIN_FILE = "keyring.json"  # in the data directory: {"backend": "module.Class"}


class SecretKind(StrEnum):
    KEY_PASSPHRASE = "key"
    P12_PASSWORD = "p12"
    TENANT_API = "tenant-api"  # Neo tmn API password / client secret
    DESTINATION = "destination"  # BTP Destination service client secret
    CA_ENROLL = "ca-enroll"  # password for the company CA (AD CS web enrollment, EST)


# What a person can set instead of a keyring entry (documented in the README).
ENVIRONMENT = {
    SecretKind.KEY_PASSPHRASE: "CPI_CERT_WIZARD_KEY_PASSPHRASE",
    SecretKind.P12_PASSWORD: "CPI_CERT_WIZARD_P12_PASSWORD",
    SecretKind.TENANT_API: "CPI_CERT_WIZARD_TENANT_SECRET",
    SecretKind.DESTINATION: "CPI_CERT_WIZARD_DESTINATION_SECRET",
    SecretKind.CA_ENROLL: "CPI_CERT_WIZARD_CA_PASSWORD",
}

_WHAT = {
    SecretKind.KEY_PASSPHRASE: QT_TRANSLATE_NOOP("secrets", "the private-key passphrase"),
    SecretKind.P12_PASSWORD: QT_TRANSLATE_NOOP("secrets", "the PKCS#12 password"),
    SecretKind.TENANT_API: QT_TRANSLATE_NOOP("secrets", "the tenant API secret"),
    SecretKind.DESTINATION: QT_TRANSLATE_NOOP("secrets", "the Destination service client secret"),
    SecretKind.CA_ENROLL: QT_TRANSLATE_NOOP("secrets", "the password for the company CA"),
}
_WHAT_CONTEXT = "secrets"


def _what(kind: SecretKind) -> str:
    return tr(_WHAT_CONTEXT, _WHAT[kind])


def _capitalized(text: str) -> str:
    """The first letter in capitals (str.capitalize would lower the rest: PKCS#12 → pkcs#12)."""
    return text[:1].upper() + text[1:]


def new_password(nbytes: int = 24) -> str:
    """A random password people can copy without ambiguity (URL-safe base64)."""
    return _random.token_urlsafe(nbytes)


# --- batch secrets: one keyring item for a batch step, each profile's secret derived from it ------

BATCH_ACCOUNT = "batch:"  # keyring account of a batch secret: batch:<id>
_INDEX_LIMIT = 512  # more items of ours than this: a batch asks per profile instead


@dataclass(frozen=True)
class SecretReference:
    """A profile's secret that has no keyring item of its own: derived from the batch secret
    `batch` (keyring account batch:<batch>) for `label` (the profile's name when it was made).
    profile.json keeps this reference, never a value."""

    batch: str
    label: str

    @property
    def account(self) -> str:
        return BATCH_ACCOUNT + self.batch

    def text(self) -> str:
        return f"{self.batch}/{self.label}"

    @classmethod
    def parse(cls, text: object) -> SecretReference | None:
        if not isinstance(text, str):
            return None
        batch, _, label = text.partition("/")
        return cls(batch, label) if batch and label else None


def derive(batch_secret: str, kind: SecretKind, label: str) -> str:
    """The secret of one profile from its batch's secret: HKDF-SHA256 bound to what it is for
    (kind) and whose it is (label); as long as and in the alphabet of `new_password`."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    info = f"{SERVICE} {kind.value} {label}".encode()
    raw = HKDF(algorithm=hashes.SHA256(), length=24, salt=None, info=info).derive(
        batch_secret.encode("utf-8")
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class SecretReferences(Protocol):
    """What Secrets asks about profiles (the ProfileStore answers): which batch secret a
    profile's secret comes from, and whether any other profile still uses a batch secret."""

    def secret_reference(self, name: str, kind: str) -> str | None: ...

    def batch_in_use(self, batch: str, *, besides: str) -> bool: ...


@dataclass(frozen=True)
class SecretSource:
    """Where a profile's secret is: its own keyring item, a batch secret, or nowhere."""

    own: bool = False
    reference: SecretReference | None = None
    batch_present: bool = False


class _OpenBatch:
    """A batch step that makes many secrets of one kind: its keyring item, stored on first use."""

    def __init__(self, kind: SecretKind, what: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.kind = kind
        self.id = f"{stamp}-{_random.token_urlsafe(6)}"
        self.what = what
        self.value: str | None = None  # set once stored in the keyring


def _errors():
    import keyring.errors

    return keyring.errors


class _KeyringFailed(Exception):
    """A keyring call failed (as keyring.errors.KeyringError, without importing keyring)."""


class _KeyringLocked(_KeyringFailed):
    pass


class _NotStored(_KeyringFailed):
    pass


def _failure(exc: BaseException) -> str | None:
    """ "locked", "absent" (nothing to delete), "failed" for a keyring's own errors, else None."""
    errors = sys.modules.get("keyring.errors")  # keyring's classes, if anything imported them

    def kind(ours: type, theirs: str) -> bool:
        return isinstance(exc, ours) or (
            errors is not None and isinstance(exc, getattr(errors, theirs))
        )

    if kind(_KeyringLocked, "KeyringLocked"):
        return "locked"
    if kind(_NotStored, "PasswordDeleteError"):
        return "absent"
    if kind(_KeyringFailed, "KeyringError"):
        return "failed"
    return None


class _SecretServiceIdentity:
    """Stands for keyring's SecretService backend (the same items, the same name) on the
    process's own connection, so a command that keeps one secret never imports keyring."""

    ident = "keyring.backends.SecretService.Keyring"
    name = "SecretService Keyring"


def backend_id(backend: KeyringBackend | type) -> str:
    """`module.Class` of a backend: what is allow-listed and pinned."""
    ident = getattr(backend, "ident", None)
    if isinstance(ident, str) and not isinstance(backend, type):
        return ident
    cls = backend if isinstance(backend, type) else type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _describe(backend: KeyringBackend) -> str:
    name = getattr(backend, "name", None) or type(backend).__name__
    return str(name)


def encrypts(backend: KeyringBackend) -> bool:
    """The backend is one known to keep secrets encrypted (or our in-process one)."""
    in_process = _MEMORY is not None and isinstance(backend, _MEMORY)
    return in_process or backend_id(backend) in ENCRYPTING_BACKENDS


def _chained(backend: KeyringBackend) -> KeyringBackend:
    """A ChainerBackend stores into the first backend that takes the secret, which may be a
    plain-text one: use the best encrypting member directly instead."""
    if backend_id(backend) != "keyring.backends.chainer.ChainerBackend":
        return backend
    members = [b for b in getattr(backend, "backends", []) if encrypts(b)]
    return members[0] if members else backend


_MEMORY: type | None = None


def _memory_keyring_class() -> type:
    """`MemoryKeyring`, made on first use (it subclasses keyring's backend class)."""
    global _MEMORY
    if _MEMORY is not None:
        return _MEMORY
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        """A keyring that lives in this process only: for the screenshot tour and the tests, where
        nothing may reach the person's own keyring."""

        priority = 1  # type: ignore[assignment]
        # Never discovered by keyring itself: a viable subclass would join the OS keyring in a
        # ChainerBackend and could silently take secrets that are lost at exit.
        viable = False  # type: ignore[assignment]

        def __init__(self, label: str = "in-memory keyring (this run only)") -> None:
            super().__init__()
            self.label = label
            self.entries: dict[tuple[str, str], str] = {}

        @property
        def name(self) -> str:  # type: ignore[override]
            return self.label

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.entries.pop((service, username), None) is None:
                raise _errors().PasswordDeleteError(username)

    MemoryKeyring.__module__ = __name__
    _MEMORY = MemoryKeyring
    return MemoryKeyring


def __getattr__(name: str) -> Any:
    if name == "MemoryKeyring":
        return _memory_keyring_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- the Secret Service over one connection ------------------------------------------------------


class SecretServiceSession:
    """keyring's SecretService backend opens a D-Bus connection for every call, and secretstorage
    a new session (a Diffie-Hellman exchange) for every secret. This keeps one connection and one
    session for the process and stores items exactly as keyring does (same attributes and label),
    so `keyring get cpi-cert-wizard <profile>/key` still finds them. One call at a time (its own
    lock: several `Secrets` of one process share it); a connection that broke (the daemon or the
    bus restarted while the window stayed open) is opened again once."""

    APPID = "Python keyring library"  # keyring's SecretService.Keyring.appid

    def __init__(self, backend: Any) -> None:
        import secretstorage

        self.backend = backend
        self._secretstorage = secretstorage
        self.connection = secretstorage.dbus_init()  # raises when there is no session bus
        try:
            if not secretstorage.check_service_availability(self.connection):
                raise _KeyringFailed("no Secret Service on the session bus")
        except BaseException:
            self.close()
            raise
        self._collection: Any = None
        self._lock = threading.RLock()
        self.connections_opened = 1

    def _reconnect(self) -> None:
        self.close()
        self.connection = self._secretstorage.dbus_init()
        self._collection = None
        self.connections_opened += 1

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.close()

    def _query(self, service: str, username: str, **extra: str) -> dict[str, str]:
        query = getattr(self.backend, "_query", None)
        if query is not None:  # keyring's own backend object: its scheme
            return query(service, username, **extra)
        return {"username": username, "service": service, **extra}

    def collection(self, *, recheck: bool = False) -> Any:
        """The collection secrets go to, unlocked (asked once, and again after a refusal)."""
        ss = self._secretstorage
        if self._collection is None:
            try:
                preferred = getattr(self.backend, "preferred_collection", None)
                if preferred:
                    found = ss.Collection(self.connection, preferred)
                else:
                    found = ss.get_default_collection(self.connection)
            except ss.exceptions.SecretStorageException as exc:
                raise _KeyringFailed(f"Failed to open the collection: {exc}") from exc
            self._collection = found
            recheck = True
        if recheck and self._collection.is_locked():
            self._collection.unlock()
            if self._collection.is_locked():
                raise _KeyringLocked("Failed to unlock the collection!")
        if self._collection.session is None:
            from secretstorage.util import open_session

            self._collection.session = open_session(self.connection)
        return self._collection

    def _retrying(self, func: Callable[[Any], Any]) -> Any:
        from jeepney.wrappers import DBusErrorResponse

        with self._lock:
            try:
                return self._attempt(func)
            except (OSError, EOFError):  # the connection broke: open it again, once
                try:
                    self._reconnect()
                except Exception as exc:
                    raise _KeyringFailed(type(exc).__name__) from None
                try:
                    return self._attempt(func)
                except (OSError, EOFError, DBusErrorResponse) as exc:
                    raise _KeyringFailed(type(exc).__name__) from None
            except DBusErrorResponse as exc:
                raise _KeyringFailed(type(exc).__name__) from None

    def _attempt(self, func: Callable[[Any], Any]) -> Any:
        ss = self._secretstorage
        try:
            return func(self.collection())
        except ss.exceptions.LockedException:
            return func(self.collection(recheck=True))  # locked since: ask to unlock, once
        except ss.exceptions.PromptDismissedException as exc:
            raise _KeyringLocked(str(exc)) from None
        except ss.exceptions.SecretStorageException as exc:
            raise _KeyringFailed(str(exc)) from None

    def get_password(self, service: str, username: str) -> str | None:
        def get(collection: Any) -> str | None:
            for item in collection.search_items(self._query(service, username)):
                if item.is_locked():
                    item.unlock()
                    if item.is_locked():
                        raise _KeyringLocked("Failed to unlock the item!")
                return item.get_secret().decode("utf-8")
            return None

        return self._retrying(get)

    def set_password(
        self, service: str, username: str, password: str, label: str | None = None
    ) -> None:
        appid = getattr(self.backend, "appid", self.APPID)
        attributes = self._query(service, username, application=appid)
        label = label or f"Password for '{username}' on '{service}'"
        self._retrying(
            lambda collection: collection.create_item(label, attributes, password, replace=True)
        )

    def accounts(self, service: str, limit: int) -> set[str] | None:
        """The accounts (usernames) of every item of `service`, in one search; None when there
        are more than `limit` (asking each item would cost more than asking per profile)."""

        def find(collection: Any) -> set[str] | None:
            items = list(collection.search_items({"service": service}))
            if len(items) > limit:
                return None
            return {item.get_attributes().get("username", "") for item in items}

        return self._retrying(find)

    def delete_password(self, service: str, username: str) -> None:
        def delete(collection: Any) -> None:
            for item in collection.search_items(self._query(service, username)):
                item.delete()
                return
            raise _NotStored("No such password!")

        self._retrying(delete)


# --- which backend: decided once per process -----------------------------------------------------


class _Choice:
    """A backend, the object that talks to it, and whether it can be used (and why not)."""

    def __init__(
        self,
        backend: KeyringBackend | None,
        store: Any = None,
        problem: str | None = None,
        pinned: str | None = None,
    ) -> None:
        self.backend = backend
        self.store: Any = store if store is not None else backend  # a backend or a wrapper of one
        self.problem = problem  # None: usable
        self.pinned = pinned  # the pinned backend id this choice came from, if any

    @property
    def usable(self) -> bool:
        return self.backend is not None and self.problem is None


_process_lock = threading.RLock()
_auto: dict[str | None, _Choice] = {}  # pin (or None) → the choice made for it in this process
_explicit: weakref.WeakKeyDictionary[KeyringBackend, _Choice] = weakref.WeakKeyDictionary()


def _load_backend(name: str) -> Any:
    if name == _SECRET_SERVICE:  # spoken to directly: keyring itself is not imported
        return _SecretServiceIdentity()
    module, _, cls = name.rpartition(".")
    return getattr(importlib.import_module(module), cls)()


def _judge(backend: KeyringBackend, pinned: str | None = None) -> _Choice:
    """Whether `backend` may hold our secrets: known to encrypt, and there."""
    backend = _chained(backend)
    ident = backend_id(backend)
    if not encrypts(backend):
        if ident.startswith(("keyring.backends.fail", "keyring.backends.null")):
            return _Choice(backend, problem="none", pinned=pinned)
        return _Choice(backend, problem="plain", pinned=pinned)
    if ident == _SECRET_SERVICE:
        try:
            return _Choice(backend, SecretServiceSession(backend), pinned=pinned)
        except Exception as exc:  # no bus, no daemon: say so, never a traceback
            return _Choice(backend, problem=type(exc).__name__, pinned=pinned)
    try:
        viable = float(backend.priority) > 0  # type: ignore[arg-type]
    except Exception as exc:
        return _Choice(backend, problem=type(exc).__name__, pinned=pinned)
    return _Choice(backend) if viable else _Choice(backend, problem="unavailable", pinned=pinned)


def _configured() -> bool:
    """A backend chosen for keyring itself: in code (keyring.set_keyring, as the tests and the
    screenshot tour do), in PYTHON_KEYRING_BACKEND or in keyringrc.cfg."""
    core = sys.modules.get("keyring.core")  # not imported: nobody can have set one in code
    if core is not None and getattr(core, "_keyring_backend", None) is not None:
        return True
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    return _keyring_config().is_file()


def _keyring_config() -> Path:
    """keyringrc.cfg where keyring looks for it (keyring.util.platform_.config_root, which uses
    the freedesktop folder on every system), without importing keyring."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "python_keyring" / "keyringrc.cfg"


def _detect() -> _Choice:
    """The platform's own encrypting store, without scanning every installed backend."""
    candidates = _NATIVE.get(sys.platform, _NATIVE_OTHER)
    first: _Choice | None = None
    for name in candidates:
        try:
            choice = _judge(_load_backend(name))
        except Exception:  # noqa: S112 - its module cannot load here (e.g. no dbus-python)
            continue
        if choice.usable:
            return choice
        first = first or choice
    return first or _Choice(None, problem="none")


def read_pin(home: Path | None) -> str | None:
    """The backend this home's secrets were stored in (module.Class), if recorded."""
    if home is None:
        return None
    try:
        data = json.loads((Path(home) / PIN_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    name = data.get("backend") if isinstance(data, dict) else None
    return name if isinstance(name, str) and name in ENCRYPTING_BACKENDS else None


def read_pin_name(home: Path | None) -> str | None:
    """The recorded name of the backend this home's secrets were stored in."""
    if read_pin(home) is None:
        return None
    with contextlib.suppress(OSError, UnicodeDecodeError, ValueError):
        name = json.loads((Path(home) / PIN_FILE).read_text(encoding="utf-8")).get("name")  # type: ignore[arg-type]
        return name if isinstance(name, str) and name else None
    return None


def _write_pin(home: Path, ident: str, name: str) -> None:
    from wizard.core.storage import atomic_write

    body = {"backend": ident, "name": name}
    atomic_write(Path(home) / PIN_FILE, json.dumps(body, indent=2) + "\n", private=True)


def _choose(backend: KeyringBackend | None, home: Path | None) -> _Choice:
    with _process_lock:
        if backend is not None:
            if backend not in _explicit:
                _explicit[backend] = _judge(backend)
            return _explicit[backend]
        if _configured():
            import keyring

            chosen = keyring.get_keyring()
            if chosen not in _explicit:
                _explicit[chosen] = _judge(chosen)
            return _explicit[chosen]
        pin = read_pin(home)
        if pin not in _auto:
            if pin is None:
                _auto[pin] = _detect()
            else:
                try:
                    _auto[pin] = _judge(_load_backend(pin), pinned=pin)
                except Exception as exc:
                    _auto[pin] = _Choice(None, problem=type(exc).__name__, pinned=pin)
        return _auto[pin]


def forget_choices() -> None:
    """Decide again (tests that change the keyring in the middle of a process)."""
    with _process_lock:
        for choice in [*_auto.values(), *_explicit.values()]:
            if isinstance(choice.store, SecretServiceSession):
                choice.store.close()
        _auto.clear()
        _explicit.clear()


class Secrets:
    """The profile secrets: where they live and how to get them back."""

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        ask: Callable[[str], str] | None = None,
        *,
        home: Path | None = None,
        references: SecretReferences | None = None,
    ) -> None:
        self._given = backend
        self._ask = ask
        self._home = Path(home) if home is not None else None
        self._references = references  # which profiles' secrets come from a batch secret
        self._choice: _Choice | None = None
        self._batches: dict[SecretKind, _OpenBatch] = {}  # batch steps open now, by kind
        self._batch_values: dict[str, str | None] = {}  # batch id -> its secret (None: gone)
        self._made: dict[tuple[str, SecretKind], SecretReference] = {}  # by create, unrecorded
        # while a batch runs: every account of ours in the keyring, read in one search, so the
        # profiles without an item of their own cost no round trip each (None: ask each time)
        self._accounts: set[str] | None = None
        # Keyring backends (SecretService over D-Bus) are not documented as thread-safe, and a
        # person answers one prompt at a time: batch test calls share one Secrets across threads.
        self._lock = threading.RLock()

    @property
    def choice(self) -> _Choice:
        if self._choice is None:
            self._choice = _choose(self._given, self._home)
        return self._choice

    @property
    def backend(self) -> KeyringBackend | None:
        return self.choice.backend

    @property
    def available(self) -> bool:
        return self.choice.usable

    @property
    def backend_id(self) -> str | None:
        backend = self.choice.backend
        return backend_id(backend) if backend is not None else None

    @property
    def backend_name(self) -> str:
        if self._choice is None and self._given is None and not _configured():
            pinned = read_pin_name(self._home)  # where this home's secrets are: no D-Bus needed
            if pinned:
                return pinned
        if self.available:
            return _describe(self.choice.backend)  # type: ignore[arg-type]
        return translate("secrets", "none (no usable keyring)")

    def unavailable_reason(self) -> str:
        """Why no secret is kept in a keyring now (which backend was refused or is gone)."""
        choice = self.choice
        if choice.problem == "plain" and choice.backend is not None:
            return translate(
                "secrets",
                "The keyring backend {backend} is not one known to encrypt what it keeps (it may "
                "write secrets to a plain file), so no secret is stored there.",
            ).format(backend=backend_id(choice.backend))
        if choice.pinned is not None:
            return translate(
                "secrets",
                "The secrets of these profiles were stored in {keyring}, which cannot be reached "
                "now. Start or unlock it (on Linux: log in to the desktop session), then try "
                "again.",
            ).format(keyring=ENCRYPTING_BACKENDS.get(choice.pinned, choice.pinned))
        return translate(
            "secrets",
            "No usable OS keyring was found (on Linux: a SecretService such as GNOME Keyring or "
            "KWallet, unlocked). Secrets are not stored.",
        )

    def unavailable_message(self, kind: SecretKind | None = None) -> str:
        """Why secrets are not stored, and the environment variable(s) to use instead."""
        variables = ENVIRONMENT[kind] if kind is not None else ", ".join(ENVIRONMENT.values())
        return (
            self.unavailable_reason()
            + " "
            + translate(
                "secrets",
                "You will be asked for them each time, or set {variables} in the environment.",
            ).format(variables=variables)
        )

    @staticmethod
    def _account(profile: str, kind: SecretKind) -> str:
        return f"{profile}/{kind.value}"

    def _call(self, what: str, func, *args):
        try:
            with self._lock:
                return func(*args)
        except Exception as exc:
            failure, error = _failure(exc), type(exc).__name__
            if failure is None:
                raise
        if failure == "locked":
            raise SecretsUnavailable(
                translate(
                    "secrets",
                    "The keyring ({keyring}) is locked, so {what} cannot be used. Unlock it (log "
                    "in to the desktop session or unlock 'Login' in Passwords and Keys) and try "
                    "again.",
                ).format(keyring=self.backend_name, what=tr(_WHAT_CONTEXT, what))
            )
        raise SecretsUnavailable(
            translate(
                "secrets",
                "The keyring ({keyring}) refused to handle {what}: {error}. Check that it is "
                "running and unlocked.",
            ).format(keyring=self.backend_name, what=tr(_WHAT_CONTEXT, what), error=error)
        )

    def _pin(self) -> None:
        """Record the backend this home's secrets go to (once; never our in-process one)."""
        backend = self.choice.backend
        if self._home is None or backend is None:
            return
        if _MEMORY is not None and isinstance(backend, _MEMORY):
            return
        ident = backend_id(backend)
        if read_pin(self._home) is None:
            with contextlib.suppress(WizardError):  # a setting is never worth failing a step for
                _write_pin(self._home, ident, _describe(backend))

    def store(self, profile: str, kind: SecretKind, value: str) -> str:
        """Keep a secret; returns the name of the place it went. Raises if nowhere safe."""
        self._made.pop((profile, kind), None)
        self._store_item(self._account(profile, kind), value, kind)
        return self.backend_name

    def _store_item(
        self, account: str, value: str, kind: SecretKind, label: str | None = None
    ) -> None:
        if not self.available:
            raise SecretsUnavailable(self.unavailable_message(kind))
        store = self.choice.store
        if label is not None and isinstance(store, SecretServiceSession):
            self._call(_WHAT[kind], store.set_password, SERVICE, account, value, label)
        else:
            self._call(_WHAT[kind], store.set_password, SERVICE, account, value)
        if self._accounts is not None:
            self._accounts.add(account)
        self._pin()

    def lookup(self, profile: str, kind: SecretKind) -> str | None:
        """The stored secret, or None when there is none (or no keyring): the profile's own
        keyring item first, else the one derived from the batch secret its profile names."""
        if not self.available:
            return None
        own = self._own(profile, kind)
        if own:
            return own
        reference = self.reference(profile, kind)
        if reference is None:
            return None
        batch = self._batch_secret(reference.batch, kind)
        return derive(batch, kind, reference.label) if batch else None

    def derived(self, profile: str, kind: SecretKind) -> bool:
        """The secret is one derived from a batch secret (random: never a person's choice)."""
        if not self.available or self.reference(profile, kind) is None:
            return False
        return not self._own(profile, kind)

    def _own(self, profile: str, kind: SecretKind) -> str | None:
        """The profile's own keyring item of `kind`."""
        account = self._account(profile, kind)
        known = self._accounts
        if known is not None and account not in known:
            return None
        return self._call(_WHAT[kind], self.choice.store.get_password, SERVICE, account)

    def reference(self, profile: str, kind: SecretKind) -> SecretReference | None:
        """The batch secret `profile`'s secret of `kind` is derived from, if its profile says so."""
        made = self._made.get((profile, kind))
        if made is not None:
            return made
        if self._references is None:
            return None
        return SecretReference.parse(self._references.secret_reference(profile, kind.value))

    def _batch_secret(self, batch: str, kind: SecretKind) -> str | None:
        """A batch secret, read from the keyring once per process (None: not there)."""
        with self._lock:
            if batch not in self._batch_values:
                self._batch_values[batch] = self._call(
                    _WHAT[kind], self.choice.store.get_password, SERVICE, BATCH_ACCOUNT + batch
                )
            return self._batch_values[batch]

    def source(self, profile: str, kind: SecretKind) -> SecretSource:
        """Where the secret of `kind` of `profile` is kept (for `secret show` and messages)."""
        if not self.available:
            return SecretSource()
        if self._own(profile, kind):
            return SecretSource(own=True)
        reference = self.reference(profile, kind)
        if reference is None:
            return SecretSource()
        present = self._batch_secret(reference.batch, kind) is not None
        return SecretSource(reference=reference, batch_present=present)

    def batch_missing_message(self, profile: str, kind: SecretKind) -> str | None:
        """The specific message when `profile`'s secret comes from a batch secret that is no
        longer in the keyring (None when that is not the case)."""
        reference = self.reference(profile, kind) if self.available else None
        if reference is None or self._batch_secret(reference.batch, kind) is not None:
            return None
        if kind is SecretKind.KEY_PASSPHRASE:
            todo = translate(
                "secrets",
                "Restore that item from a backup of the keyring; if it is lost, the key cannot be "
                "opened: make a new one with 'cpi-cert-wizard csr --profile {profile} --new-key' "
                "(or set {variable} if you know the passphrase).",
            )
        else:
            todo = translate(
                "secrets",
                "Restore that item from a backup of the keyring, or export again "
                "('cpi-cert-wizard export-p12 --profile {profile}' makes a new password), or set "
                "{variable}.",
            )
        return (
            translate(
                "secrets",
                "{What} of profile {profile!r} is derived from a batch secret, the keyring item "
                "{account!r} of {service}, which is no longer in the keyring ({keyring}).",
            ).format(
                What=_capitalized(_what(kind)),
                profile=profile,
                account=reference.account,
                service=SERVICE,
                keyring=self.backend_name,
            )
            + " "
            + todo.format(profile=profile, variable=ENVIRONMENT[kind])
        )

    @contextlib.contextmanager
    def batch(self, kind: SecretKind, what: str, size: int | None = None) -> Iterator[None]:
        """Inside the block, each new secret of `kind` (`create`) is derived from one new batch
        secret instead of being a keyring item of its own: a batch step of N profiles stores one
        item, not N. `what` names the batch for a person (the keyring item's label). The batch
        secret is stored when the first secret is made, before anything is encrypted with it."""
        with self._lock:
            self._batches[kind] = _OpenBatch(kind, what)
            index = self._accounts is None and self.available
            store = self.choice.store if index else None
            if isinstance(store, SecretServiceSession):
                # reading each item's account is a round trip too: worth it for up to about
                # twice the profiles the batch will ask about (`size`)
                limit = _INDEX_LIMIT if size is None else min(_INDEX_LIMIT, 2 * size + 16)
                self._accounts = self._call(_WHAT[kind], store.accounts, SERVICE, limit)
        try:
            yield
        finally:
            with self._lock:
                self._batches.pop(kind, None)
                if index:
                    self._accounts = None

    def _derived(self, profile: str, kind: SecretKind) -> tuple[str, str] | None:
        """A new secret derived from the open batch of `kind` (its item stored first)."""
        batch = self._batches.get(kind)
        if batch is None or not self.available:
            return None
        with self._lock:
            if batch.value is None:
                value = new_password(32)
                label = translate("secrets", "{service} {account}: {what}").format(
                    service=SERVICE, account=BATCH_ACCOUNT + batch.id, what=batch.what
                )
                self._store_item(BATCH_ACCOUNT + batch.id, value, kind, label)
                batch.value = value
                self._batch_values[batch.id] = value
        reference = SecretReference(batch.id, profile)
        self._made[(profile, kind)] = reference
        where = translate("secrets", "{keyring}, derived from batch secret {account}").format(
            keyring=self.backend_name, account=reference.account
        )
        return derive(batch.value, kind, profile), where

    def made_reference(self, profile: str, kind: SecretKind) -> SecretReference | None:
        """The batch reference the last `create` of this secret made (to record in the
        profile), or None when it made a keyring item of its own (or none)."""
        return self._made.pop((profile, kind), None)

    def _asked(self, prompt: str, kind: SecretKind) -> str:
        """The person's answer; without a terminal, the error names the variable to set."""
        assert self._ask is not None
        try:
            with self._lock:
                return self._ask(prompt)
        except WizardError as exc:
            if exc.code != "secret.no_terminal":
                raise
            raise WizardError(
                "secret.no_terminal",
                translate(
                    "secrets",
                    "{What} of the profile is needed, but there is no keyring and no terminal "
                    "to ask on. Set {variable} in the environment.",
                ).format(What=_capitalized(_what(kind)), variable=ENVIRONMENT[kind]),
            ) from None
        except EOFError:
            raise WizardError(
                "secret.no_answer",
                translate("secrets", "No answer was given for {what}; nothing was changed.").format(
                    what=_what(kind)
                ),
            ) from None

    def fetch(self, profile: str, kind: SecretKind) -> str:
        """The secret from the keyring, else its environment variable, else asked for."""
        value = self.lookup(profile, kind)
        if value:
            return value
        env = os.environ.get(ENVIRONMENT[kind])
        if env:
            return env
        if self._ask is not None:
            value = self._asked(
                translate("secrets", "{What} of profile {profile}: ").format(
                    What=_capitalized(_what(kind)), profile=profile
                ),
                kind,
            )
            if value:
                return value
        missing_batch = self.batch_missing_message(profile, kind)
        if missing_batch is not None:
            raise WizardError("secret.batch_missing", missing_batch)
        if not self.available:
            message = translate(
                "secrets",
                "{What} of profile {profile!r} is needed and is not in a keyring: {reason} Set "
                "{variable} in the environment.",
            ).format(
                What=_capitalized(_what(kind)),
                profile=profile,
                reason=self.unavailable_reason(),
                variable=ENVIRONMENT[kind],
            )
        else:
            message = translate(
                "secrets",
                "{What} of profile {profile!r} is not in the keyring ({keyring}). Set {variable} "
                "or store it again.",
            ).format(
                What=_capitalized(_what(kind)),
                profile=profile,
                keyring=self.backend_name,
                variable=ENVIRONMENT[kind],
            )
        raise WizardError("secret.missing", message)

    def create(self, profile: str, kind: SecretKind) -> tuple[str, str]:
        """A new random secret stored in the keyring; without a keyring, the person's own,
        typed twice (a typo would make the key unusable).

        Inside `batch(kind, …)` the secret is derived from the batch's secret (one keyring item
        for the whole batch; `made_reference` says which, for the profile to record).

        Returns (value, where it is kept).
        """
        self._made.pop((profile, kind), None)
        derived = self._derived(profile, kind)
        if derived is not None:
            return derived
        if self.available:
            value = new_password()
            return value, self.store(profile, kind, value)
        env = os.environ.get(ENVIRONMENT[kind])
        if env:
            return env, translate("secrets", "not stored: taken from {variable}").format(
                variable=ENVIRONMENT[kind]
            )
        if self._ask is None:
            raise SecretsUnavailable(self.unavailable_message(kind))
        value = self._asked(
            translate("secrets", "No keyring: choose {what} for profile {profile}: ").format(
                what=_what(kind), profile=profile
            ),
            kind,
        )
        if len(value) < 8:
            raise WizardError(
                "secret.weak",
                translate("secrets", "{What} needs 8 characters or more.").format(
                    What=_capitalized(_what(kind))
                ),
            )
        again = self._asked(
            translate("secrets", "Type {what} for profile {profile} again: ").format(
                what=_what(kind), profile=profile
            ),
            kind,
        )
        if again != value:
            raise WizardError(
                "secret.mismatch",
                translate(
                    "secrets",
                    "The two entries of {what} differ; nothing was created. Try again, or set "
                    "{variable} in the environment.",
                ).format(what=_what(kind), variable=ENVIRONMENT[kind]),
            )
        return value, translate(
            "secrets", "not stored: no keyring, you will be asked for it (or set {variable})"
        ).format(variable=ENVIRONMENT[kind])

    def delete(self, profile: str, kind: SecretKind) -> None:
        """The profile's own item of `kind` (a batch secret stays: see `delete_profile`)."""
        self._delete_account(self._account(profile, kind), kind)

    def _delete_account(self, account: str, kind: SecretKind) -> None:
        if not self.available:
            return
        try:
            with self._lock:
                if self._accounts is not None:
                    self._accounts.discard(account)
                self.choice.store.delete_password(SERVICE, account)
            return
        except Exception as exc:
            failure, error = _failure(exc), type(exc).__name__
            if failure is None:
                raise
            if failure == "absent":
                return  # nothing stored
        raise SecretsUnavailable(
            translate("secrets", "The keyring refused to delete {what}: {error}.").format(
                what=_what(kind), error=error
            )
        )

    def delete_profile(self, profile: str) -> None:
        """The profile's own keyring items, and each batch secret it used that no other profile
        uses any more (call before its folder is removed: its profile.json names them)."""
        batches = {r.batch for kind in SecretKind if (r := self.reference(profile, kind))}
        for kind in SecretKind:
            self.delete(profile, kind)
        if not self.available or self._references is None:
            return
        for batch in sorted(batches):
            if not self._references.batch_in_use(batch, besides=profile):
                self._delete_account(BATCH_ACCOUNT + batch, SecretKind.KEY_PASSPHRASE)
                self._batch_values.pop(batch, None)

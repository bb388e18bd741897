"""Secrets in the OS keyring: the key passphrase, PKCS#12 passwords, API credentials.

Nothing secret is ever written to a file, a profile, a log or an exception message. When no keyring
is usable (a headless machine, a locked or missing SecretService) we say so plainly and ask the
person (or read an environment variable) instead; there is no silent plain-text fallback.
"""

from __future__ import annotations

import os
import secrets as _random
import threading
from collections.abc import Callable
from enum import StrEnum

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from wizard.core.errors import SecretsUnavailable, WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, tr, translate

SERVICE = "cpi-cert-wizard"

# Backends that only pretend to store secrets, or store them in plain files.
_UNUSABLE = {"keyring.backends.fail", "keyring.backends.null", "keyrings.alt.file"}


class SecretKind(StrEnum):
    KEY_PASSPHRASE = "key"
    P12_PASSWORD = "p12"
    TENANT_API = "tenant-api"  # Neo tmn API password / client secret
    DESTINATION = "destination"  # BTP Destination service client secret


# What a person can set instead of a keyring entry (documented in the README).
ENVIRONMENT = {
    SecretKind.KEY_PASSPHRASE: "CPI_CERT_WIZARD_KEY_PASSPHRASE",
    SecretKind.P12_PASSWORD: "CPI_CERT_WIZARD_P12_PASSWORD",
    SecretKind.TENANT_API: "CPI_CERT_WIZARD_TENANT_SECRET",
    SecretKind.DESTINATION: "CPI_CERT_WIZARD_DESTINATION_SECRET",
}

_WHAT = {
    SecretKind.KEY_PASSPHRASE: QT_TRANSLATE_NOOP("secrets", "the private-key passphrase"),
    SecretKind.P12_PASSWORD: QT_TRANSLATE_NOOP("secrets", "the PKCS#12 password"),
    SecretKind.TENANT_API: QT_TRANSLATE_NOOP("secrets", "the tenant API secret"),
    SecretKind.DESTINATION: QT_TRANSLATE_NOOP("secrets", "the Destination service client secret"),
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


def _describe(backend: KeyringBackend) -> str:
    name = getattr(backend, "name", None) or type(backend).__name__
    return str(name)


def _usable(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    if module in _UNUSABLE:
        return False
    if module == "keyring.backends.chainer":
        return any(_usable(b) for b in getattr(backend, "backends", []))
    try:
        return float(backend.priority) > 0  # type: ignore[arg-type]
    except Exception:
        return False


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
            raise keyring.errors.PasswordDeleteError(username)


class Secrets:
    """The profile secrets: where they live and how to get them back."""

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        ask: Callable[[str], str] | None = None,
    ) -> None:
        self._backend = backend
        self._ask = ask
        # Keyring backends (SecretService over D-Bus) are not documented as thread-safe, and a
        # person answers one prompt at a time: batch test calls share one Secrets across threads.
        self._lock = threading.RLock()

    @property
    def backend(self) -> KeyringBackend:
        if self._backend is None:
            self._backend = keyring.get_keyring()
        return self._backend

    @property
    def available(self) -> bool:
        return _usable(self.backend)

    @property
    def backend_name(self) -> str:
        if self.available:
            return _describe(self.backend)
        return translate("secrets", "none (no usable keyring)")

    def unavailable_message(self) -> str:
        return translate(
            "secrets",
            "No usable OS keyring was found (on Linux: a SecretService such as GNOME Keyring or "
            "KWallet, unlocked). Secrets are not stored; you will be asked for them each time, or "
            "set them in the environment variables listed in the README.",
        )

    @staticmethod
    def _account(profile: str, kind: SecretKind) -> str:
        return f"{profile}/{kind.value}"

    def _call(self, what: str, func, *args):
        try:
            with self._lock:
                return func(*args)
        except keyring.errors.KeyringLocked:
            raise SecretsUnavailable(
                translate(
                    "secrets",
                    "The keyring ({keyring}) is locked, so {what} cannot be used. Unlock it (log "
                    "in to the desktop session or unlock 'Login' in Passwords and Keys) and try "
                    "again.",
                ).format(keyring=_describe(self.backend), what=tr(_WHAT_CONTEXT, what))
            ) from None
        except keyring.errors.KeyringError as exc:
            raise SecretsUnavailable(
                translate(
                    "secrets",
                    "The keyring ({keyring}) refused to handle {what}: {error}. Check that it is "
                    "running and unlocked.",
                ).format(
                    keyring=_describe(self.backend),
                    what=tr(_WHAT_CONTEXT, what),
                    error=type(exc).__name__,
                )
            ) from None

    def store(self, profile: str, kind: SecretKind, value: str) -> str:
        """Keep a secret; returns the name of the place it went. Raises if nowhere safe."""
        if not self.available:
            raise SecretsUnavailable(self.unavailable_message())
        self._call(
            _WHAT[kind], self.backend.set_password, SERVICE, self._account(profile, kind), value
        )
        return self.backend_name

    def lookup(self, profile: str, kind: SecretKind) -> str | None:
        """The stored secret, or None when there is none (or no keyring)."""
        if not self.available:
            return None
        return self._call(
            _WHAT[kind], self.backend.get_password, SERVICE, self._account(profile, kind)
        )

    def fetch(self, profile: str, kind: SecretKind) -> str:
        """The secret from the keyring, else its environment variable, else asked for."""
        value = self.lookup(profile, kind)
        if value:
            return value
        env = os.environ.get(ENVIRONMENT[kind])
        if env:
            return env
        if self._ask is not None:
            with self._lock:
                value = self._ask(
                    translate("secrets", "{What} of profile {profile}: ").format(
                        What=_capitalized(_what(kind)), profile=profile
                    )
                )
            if value:
                return value
        raise WizardError(
            "secret.missing",
            translate(
                "secrets",
                "{What} of profile {profile!r} is not in the keyring ({keyring}). Set {variable} "
                "or store it again.",
            ).format(
                What=_capitalized(_what(kind)),
                profile=profile,
                keyring=self.backend_name,
                variable=ENVIRONMENT[kind],
            ),
        )

    def create(self, profile: str, kind: SecretKind) -> tuple[str, str]:
        """A new random secret stored in the keyring; without a keyring, the person's own.

        Returns (value, where it is kept).
        """
        if self.available:
            value = new_password()
            return value, self.store(profile, kind, value)
        env = os.environ.get(ENVIRONMENT[kind])
        if env:
            return env, translate("secrets", "not stored: taken from {variable}").format(
                variable=ENVIRONMENT[kind]
            )
        if self._ask is None:
            raise SecretsUnavailable(self.unavailable_message())
        value = self._ask(
            translate("secrets", "No keyring: choose {what} for profile {profile}: ").format(
                what=_what(kind), profile=profile
            )
        )
        if len(value) < 8:
            raise WizardError(
                "secret.weak",
                translate("secrets", "{What} needs 8 characters or more.").format(
                    What=_capitalized(_what(kind))
                ),
            )
        return value, translate("secrets", "not stored: no keyring, you will be asked for it")

    def delete(self, profile: str, kind: SecretKind) -> None:
        if not self.available:
            return
        try:
            self.backend.delete_password(SERVICE, self._account(profile, kind))
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored
        except keyring.errors.KeyringError as exc:
            raise SecretsUnavailable(
                translate("secrets", "The keyring refused to delete {what}: {error}.").format(
                    what=_what(kind), error=type(exc).__name__
                )
            ) from None

    def delete_profile(self, profile: str) -> None:
        for kind in SecretKind:
            self.delete(profile, kind)

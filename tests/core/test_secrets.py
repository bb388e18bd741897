"""Secrets go to the OS keyring or nowhere; a person always learns where they are."""

from __future__ import annotations

import os

import keyring
import keyring.errors
import pytest
from keyring.backends import fail

from tests.conftest import MemoryKeyring
from wizard.core.errors import SecretsUnavailable, WizardError
from wizard.core.secrets import SERVICE, SecretKind, Secrets


def test_created_secret_lives_in_the_keyring_under_the_profile(memory_keyring):
    secrets = Secrets()
    value, where = secrets.create("erp", SecretKind.KEY_PASSPHRASE)
    assert where == "test memory keyring"
    assert memory_keyring.entries[(SERVICE, "erp/key")] == value
    assert len(value) >= 24
    assert secrets.fetch("erp", SecretKind.KEY_PASSPHRASE) == value
    secrets.delete_profile("erp")
    assert memory_keyring.entries == {}


def test_without_a_keyring_nothing_is_stored_and_the_person_is_asked(monkeypatch):
    asked = []
    secrets = Secrets(
        backend=fail.Keyring(), ask=lambda prompt: asked.append(prompt) or "s3cret-pw"
    )
    assert not secrets.available
    assert secrets.backend_name.startswith("none")
    value, where = secrets.create("erp", SecretKind.KEY_PASSPHRASE)
    assert value == "s3cret-pw" and "not stored" in where
    assert asked and "No keyring" in asked[0]
    assert secrets.lookup("erp", SecretKind.KEY_PASSPHRASE) is None
    with pytest.raises(SecretsUnavailable, match="No usable OS keyring"):
        secrets.store("erp", SecretKind.KEY_PASSPHRASE, "x")


def test_without_a_keyring_the_environment_variable_is_used(monkeypatch):
    monkeypatch.setenv("CPI_CERT_WIZARD_KEY_PASSPHRASE", "from-env-123")
    secrets = Secrets(backend=fail.Keyring())
    assert secrets.fetch("erp", SecretKind.KEY_PASSPHRASE) == "from-env-123"
    assert secrets.create("erp", SecretKind.KEY_PASSPHRASE)[0] == "from-env-123"


def test_without_keyring_or_person_the_error_says_what_to_set(monkeypatch):
    monkeypatch.delenv("CPI_CERT_WIZARD_KEY_PASSPHRASE", raising=False)
    secrets = Secrets(backend=fail.Keyring())
    with pytest.raises(WizardError, match="CPI_CERT_WIZARD_KEY_PASSPHRASE"):
        secrets.fetch("erp", SecretKind.KEY_PASSPHRASE)
    with pytest.raises(SecretsUnavailable):
        secrets.create("erp", SecretKind.KEY_PASSPHRASE)


def test_locked_keyring_is_reported_as_locked_with_the_fix():
    class Locked(MemoryKeyring):
        def get_password(self, service, username):
            raise keyring.errors.KeyringLocked("locked")

        set_password = get_password  # type: ignore[assignment]

    secrets = Secrets(backend=Locked())
    with pytest.raises(SecretsUnavailable, match="is locked.*Unlock it"):
        secrets.lookup("erp", SecretKind.P12_PASSWORD)


@pytest.mark.keyring
def test_real_secret_service_keeps_and_deletes_secrets():
    if not os.environ.get("CPI_TEST_REAL_KEYRING"):
        pytest.fail(
            "needs the real gnome-keyring session: run the suite with 'make test' "
            "(dbus-run-session + tests/keyring-session.sh)"
        )
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    secrets = Secrets(backend=backend)
    assert secrets.available
    assert "SecretService" in secrets.backend_name
    value, _where = secrets.create("real-test", SecretKind.P12_PASSWORD)
    assert backend.get_password(SERVICE, "real-test/p12") == value
    secrets.delete_profile("real-test")
    assert backend.get_password(SERVICE, "real-test/p12") is None


def test_the_in_memory_keyring_never_joins_the_os_keyring():
    # A discoverable in-memory backend would be chained with the OS keyring and could take
    # secrets that vanish when the program ends.
    from keyring.backend import KeyringBackend

    from wizard.core.secrets import MemoryKeyring as ProgramMemoryKeyring

    viable = set(KeyringBackend.get_viable_backends())
    assert ProgramMemoryKeyring not in viable
    assert MemoryKeyring not in viable

"""Secrets go to the OS keyring or nowhere; a person always learns where they are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backends import fail

from tests.conftest import MemoryKeyring
from wizard.core.errors import SecretsUnavailable, WizardError
from wizard.core.profiles import Artefact, ProfileStore
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


# --- one connection, the allow-list, the pinned backend, the prompt (issues 17 and 15) -----------

ROOT = Path(__file__).resolve().parents[2]


def _real_keyring() -> None:
    if not os.environ.get("CPI_TEST_REAL_KEYRING"):
        pytest.fail(
            "needs the real gnome-keyring session: run the suite with 'make test' "
            "(dbus-run-session + tests/keyring-session.sh)"
        )


def _cli(home: Path, *args: object, **env: str) -> subprocess.CompletedProcess:
    """The program as a person runs it: a new process, no terminal on stdin."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CPI_CERT_WIZARD_")}
    environ.pop("PYTHON_KEYRING_BACKEND", None)
    environ.update(PYTHONPATH=str(ROOT), LANG="C.UTF-8", **env)
    return subprocess.run(
        [sys.executable, "-m", "wizard", "--home", str(home), *map(str, args)],
        capture_output=True,
        text=True,
        env=environ,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def _bus_serial() -> int:
    """The serial of a new connection's unique name (':1.N'): the bus numbers every connection,
    so the difference between two of them counts the connections opened in between."""
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection("SESSION") as connection:
        return int(connection.unique_name.rsplit(".", 1)[1])


def _systems(path: Path, names: list[str]) -> Path:
    path.write_text("profile;cn;o;c\n" + "".join(f"{n};{n}.acme.example;ACME;DE\n" for n in names))
    return path


@pytest.mark.keyring
def test_a_batch_opens_one_dbus_connection_and_keeps_every_passphrase_in_the_keyring(tmp_path):
    _real_keyring()
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from keyring.backends import SecretService

    home, names = tmp_path / "home", [f"one-conn-{i}" for i in range(6)]
    before = _bus_serial()
    done = _cli(home, "batch", "csr", "--from", _systems(tmp_path / "s.csv", names),
                "--out", tmp_path / "out", "--key-type", "ec-p256")  # fmt: skip
    after = _bus_serial()
    assert done.returncode == 0, done.stderr
    # keyring's own backend opened one per availability check and one per secret (805 for 100)
    assert after - before - 1 == 1
    backend = SecretService.Keyring()
    store = ProfileStore(home)
    kept = Secrets(backend=backend, references=store)
    try:
        for name in names:
            assert backend.get_password(SERVICE, f"{name}/key") is None  # one batch item
            passphrase = kept.lookup(name, SecretKind.KEY_PASSPHRASE)  # derived from it
            assert passphrase, name
            pem = store.path(name, Artefact.KEY).read_bytes()
            assert b"ENCRYPTED" in pem
            key = load_pem_private_key(pem, passphrase.encode())
            csr = x509.load_pem_x509_csr(store.path(name, Artefact.CSR).read_bytes())
            assert csr.public_key() == key.public_key()
        pinned = json.loads((home / "keyring.json").read_text())
        assert pinned["backend"] == "keyring.backends.SecretService.Keyring"
        # the next process reads the pin: still one connection, and the secret is found
        before = _bus_serial()
        shown = _cli(home, "secret", "show", "--profile", names[0], "key")
        assert _bus_serial() - before - 1 == 1
        assert shown.stdout.strip() == kept.lookup(names[0], SecretKind.KEY_PASSPHRASE)
    finally:
        for name in names:
            kept.delete_profile(name)
            store.remove(name)


@pytest.mark.keyring
def test_the_pinned_backend_is_used_even_when_another_keyring_is_there(tmp_path):
    _real_keyring()
    home = tmp_path / "home"
    home.mkdir()
    # these profiles were made under KDE: their secrets are in KWallet, not in this Secret Service
    (home / "keyring.json").write_text('{"backend": "keyring.backends.kwallet.DBusKeyring"}')
    made = _cli(home, "csr", "--profile", "kde", "--cn", "kde.example", "--key-type", "ec-p256",
                CPI_CERT_WIZARD_KEY_PASSPHRASE="typed-by-hand-123")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "stored in KWallet, which cannot be reached now" in made.stderr
    from keyring.backends import SecretService

    assert SecretService.Keyring().get_password(SERVICE, "kde/key") is None
    shown = _cli(home, "secret", "show", "--profile", "kde", "key")
    assert shown.returncode == 2 and "Traceback" not in shown.stderr


@pytest.mark.keyring
def test_a_secret_service_that_went_away_is_named_not_reported_as_a_missing_secret(tmp_path):
    _real_keyring()
    home = tmp_path / "home"
    made = _cli(home, "csr", "--profile", "gone", "--cn", "gone.example", "--key-type", "ec-p256")
    assert made.returncode == 0, made.stderr
    try:
        # the desktop session is over: no session bus
        gone = _cli(home, "csr", "--profile", "gone", "--cn", "gone.example",
                    DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")  # fmt: skip
        assert gone.returncode == 2
        assert "stored in Secret Service, which cannot be reached now" in gone.stderr
        assert "CPI_CERT_WIZARD_KEY_PASSPHRASE" in gone.stderr
        assert "secret show" not in gone.stderr
    finally:
        from keyring.backends import SecretService

        Secrets(backend=SecretService.Keyring()).delete_profile("gone")


def test_a_plain_text_keyring_backend_is_refused_and_never_sees_the_passphrase(tmp_path):
    from tests.core.plaintext_keyring import PlainFileKeyring

    plain = tmp_path / "plain.json"
    home = tmp_path / "home"
    made = _cli(home, "csr", "--profile", "erp", "--cn", "erp.example", "--key-type", "ec-p256",
                PYTHON_KEYRING_BACKEND="tests.core.plaintext_keyring.PlainFileKeyring",
                PLAINTEXT_KEYRING_FILE=str(plain),
                CPI_CERT_WIZARD_KEY_PASSPHRASE="env-passphrase-1")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "not one known to encrypt" in made.stderr
    assert not plain.exists()
    assert not (home / "keyring.json").exists()
    secrets = Secrets(backend=PlainFileKeyring())
    assert not secrets.available
    with pytest.raises(SecretsUnavailable, match="PlainFileKeyring"):
        secrets.store("erp", SecretKind.KEY_PASSPHRASE, "x" * 12)


def test_without_a_keyring_the_new_passphrase_is_asked_twice():
    answers = iter(["first-choice-1", "first-choise-1"])
    secrets = Secrets(backend=fail.Keyring(), ask=lambda prompt: next(answers))
    with pytest.raises(WizardError, match="differ") as raised:
        secrets.create("erp", SecretKind.KEY_PASSPHRASE)
    assert raised.value.code == "secret.mismatch"
    asked = []
    secrets = Secrets(
        backend=fail.Keyring(), ask=lambda prompt: asked.append(prompt) or "same-choice-1"
    )
    value, where = secrets.create("erp", SecretKind.KEY_PASSPHRASE)
    assert value == "same-choice-1" and len(asked) == 2 and "again" in asked[1]
    assert "CPI_CERT_WIZARD_KEY_PASSPHRASE" in where


def test_without_keyring_or_terminal_the_error_names_the_variable_not_secret_show(tmp_path):
    made = _cli(tmp_path / "home", "csr", "--profile", "erp", "--cn", "erp.example",
                "--key-type", "ec-p256", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")  # fmt: skip
    assert made.returncode == 2
    assert "CPI_CERT_WIZARD_KEY_PASSPHRASE" in made.stderr
    assert "secret show" not in made.stderr and "Traceback" not in made.stderr
    assert not (tmp_path / "home" / "profiles" / "erp" / "client.key").exists()


@pytest.mark.keyring
def test_a_broken_connection_to_the_secret_service_is_opened_again(tmp_path):
    # the window stays open for days; the bus connection may break under it
    _real_keyring()
    from keyring.backends import SecretService

    secrets = Secrets(backend=SecretService.Keyring())
    secrets.store("reconnect", SecretKind.P12_PASSWORD, "value-12345678")
    session = secrets.choice.store
    session.connection.close()
    try:
        assert secrets.lookup("reconnect", SecretKind.P12_PASSWORD) == "value-12345678"
        assert session.connections_opened == 2
    finally:
        secrets.delete_profile("reconnect")
    assert secrets.lookup("reconnect", SecretKind.P12_PASSWORD) is None

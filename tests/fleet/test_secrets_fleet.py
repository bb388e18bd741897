"""Nothing leaked: after onboarding 50 sender systems no secret is in any file, log, output or
temporary folder, and private files are 0600; a keyring that locks or disappears mid-flow gives
a clear message and nothing is written in plain text instead."""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path

import keyring
import keyring.errors
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tests import pki
from tests.conftest import MemoryKeyring
from tests.fleet.conftest import sign_folder, systems, write_csv
from wizard.core.profiles import Artefact, ProfileStore, State
from wizard.core.secrets import SecretKind, Secrets

KEY, P12 = SecretKind.KEY_PASSPHRASE, SecretKind.P12_PASSWORD

PLAIN_KEY_MARKERS = (b"BEGIN PRIVATE KEY", b"BEGIN EC PRIVATE KEY", b"BEGIN RSA PRIVATE KEY")


def files_under(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()]


def assert_no_secret_in(secrets: list[str], paths: list[Path], texts: list[str]) -> None:
    assert secrets and paths
    blobs = {p: p.read_bytes() for p in paths}
    for secret in secrets:
        for path, blob in blobs.items():
            assert secret.encode() not in blob, f"a secret is in {path}"
        for text in texts:
            assert secret not in text, "a secret was printed or logged"
    for path, blob in blobs.items():
        assert not any(m in blob for m in PLAIN_KEY_MARKERS), f"{path} holds a plain private key"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_after_onboarding_fifty_systems_no_secret_is_anywhere_and_private_files_are_0600(
    cli, home, tmp_path, ca, root_file, memory_keyring, monkeypatch, caplog, capsys
):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    caplog.set_level(logging.DEBUG)
    printed: list[str] = []

    def run(*args):
        result = cli(*args)
        printed.extend([result.out, result.err])
        assert result.code == 0, result.out + result.err
        return result

    requests, replies = tmp_path / "requests", tmp_path / "replies"
    keystores, entries = tmp_path / "keystores", tmp_path / "entries"
    run("batch", "csr", "--from", write_csv(tmp_path / "s.csv", systems(50)), "--out", requests,
        "--key-type", "ec-p256", "--json")  # fmt: skip
    replies.mkdir()
    for name, leaf in sign_folder(ca, requests, replies).items():
        (replies / f"{name}.p7b").write_bytes(pki.p7b(leaf, ca.cert))
    run("batch", "import", replies, "--ca-file", root_file, "--no-aia", "--json")
    run("batch", "export", "--out", keystores)
    run("batch", "export", "--json", "--again")  # into the profile folders too
    run("batch", "mapping", "--out", entries, "--json")
    run("expiry", "--ics", tmp_path / "renewals.ics")
    run("profiles", "--json")

    # one keyring item per batch step (csr, export); each system's secrets derived from them
    assert len(memory_keyring.entries) == 2
    assert all(account.startswith("batch:") for _service, account in memory_keyring.entries)
    store = ProfileStore(home)
    assert len(store.names()) == 50
    kept = Secrets(backend=memory_keyring, references=store)
    derived = [kept.lookup(n, k) for n in store.names() for k in (KEY, P12)]
    assert all(derived) and len(set(derived)) == 100  # a passphrase and a password per system
    secrets = [*memory_keyring.entries.values(), *derived]
    scanned = [*files_under(home, temp, requests, keystores, entries), tmp_path / "renewals.ics"]
    assert_no_secret_in(secrets, scanned, [*printed, caplog.text])
    assert not files_under(temp), "nothing is left in the temporary folder"

    for name in store.names():
        assert store.load(name).state is State.MAPPED
        assert store.read_artefact(name, Artefact.KEY).startswith(
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
        )
    if os.name != "posix":
        return  # Windows: no mode bits; the per-user data folder's ACL keeps others out
    for name in store.names():
        assert mode(store.folder(name)) == 0o700
        for artefact in (Artefact.KEY, Artefact.P12, Artefact.PROFILE, Artefact.PROFILE_BACKUP):
            assert mode(store.path(name, artefact)) == 0o600, (name, artefact)
    assert mode(store.root) == 0o700 and mode(store.root / ".locks") == 0o700
    assert all(mode(p) == 0o600 for p in (store.root / ".locks").iterdir())
    assert all(mode(p) == 0o600 for p in keystores.glob("*.p12"))


class LockingKeyring(MemoryKeyring):
    """A keyring that the desktop locks after `allowed` more calls (screen lock, timeout)."""

    def __init__(self, allowed: int) -> None:
        super().__init__()
        self.allowed = allowed
        self.locked = False

    def _use(self) -> None:
        if self.allowed <= 0:
            self.locked = True
        if self.locked:
            raise keyring.errors.KeyringLocked("the collection is locked")
        self.allowed -= 1

    def set_password(self, service: str, username: str, password: str) -> None:
        self._use()
        super().set_password(service, username, password)

    def get_password(self, service: str, username: str) -> str | None:
        self._use()
        return super().get_password(service, username)


@pytest.fixture
def locking_keyring(memory_keyring):
    # the batch csr asks for each profile's own item, and stores the batch secret once: two
    # profiles take 3 calls (a lookup, the batch item, a lookup), the third profile's lookup fails
    backend = LockingKeyring(allowed=3)
    keyring.set_keyring(backend)
    return backend  # memory_keyring's teardown restores the previous backend


def test_a_keyring_locked_in_the_middle_of_a_batch_stops_only_the_rest_and_writes_no_secret(
    cli, home, tmp_path, locking_keyring
):
    csv_file = write_csv(tmp_path / "s.csv", systems(5))
    out = tmp_path / "requests"
    result = cli("batch", "csr", "--from", csv_file, "--out", out, "--key-type", "ec-p256",
                 "--json")  # fmt: skip
    assert result.code == 2
    statuses = [r["status"] for r in result.json["results"]]
    assert statuses == ["done", "done", "failed", "failed", "failed"]
    message = result.json["results"][2]["message"]
    assert "is locked" in message and "Unlock it" in message
    store = ProfileStore(home)
    assert store.names() == ["erp-000", "erp-001"]  # nothing of the others, not even half
    assert not (store.root / ".changes").exists() or not any((store.root / ".changes").iterdir())
    locking_keyring.locked, locking_keyring.allowed = False, 10
    kept = Secrets(backend=locking_keyring, references=store)
    derived = [kept.lookup(n, KEY) for n in store.names()]
    for name, passphrase in zip(store.names(), derived, strict=True):  # both keys open
        load_pem_private_key(store.read_artefact(name, Artefact.KEY), passphrase.encode())
    secrets = [*locking_keyring.entries.values(), *derived]
    assert_no_secret_in(secrets, files_under(home, out), [result.out, result.err])

    locking_keyring.locked, locking_keyring.allowed = False, 10  # the person unlocks it
    again = cli("batch", "csr", "--from", csv_file, "--out", out, "--key-type", "ec-p256",
                "--json")  # fmt: skip
    assert again.code == 0
    assert [r["status"] for r in again.json["results"]] == ["skipped"] * 2 + ["done"] * 3


def test_a_keyring_gone_during_export_leaves_no_p12_and_says_what_to_check(
    cli, home, tmp_path, ca, root_file, memory_keyring
):
    assert cli("csr", "--profile", "erp", "--cn", "erp", "--key-type", "ec-p256").code == 0
    csr = ProfileStore(home).read_artefact("erp", Artefact.CSR)
    reply = tmp_path / "reply.p7b"
    reply.write_bytes(pki.p7b(ca.sign_csr(x509.load_pem_x509_csr(csr)), ca.cert))
    assert cli("import-reply", "--profile", "erp", reply, "--ca-file", root_file,
               "--no-aia").code == 0  # fmt: skip
    before = {p: p.read_bytes() for p in files_under(home)}

    class Gone(MemoryKeyring):
        def get_password(self, service, username):
            raise keyring.errors.KeyringError("org.freedesktop.DBus.Error.ServiceUnknown")

        def set_password(self, service, username, password):
            raise keyring.errors.KeyringError("org.freedesktop.DBus.Error.ServiceUnknown")

    gone = Gone()
    gone.entries = dict(memory_keyring.entries)
    keyring.set_keyring(gone)
    result = cli("export-p12", "--profile", "erp", "--json")
    assert result.code == 2
    assert "refused to handle" in result.json["error"]["message"]
    assert "Check that it is running" in result.json["error"]["message"]
    assert {p: p.read_bytes() for p in files_under(home)} == before
    assert not ProfileStore(home).path("erp", Artefact.P12).exists()
    assert_no_secret_in(list(gone.entries.values()), files_under(home), [result.out, result.err])

    call = cli("test-call", "--profile", "erp", "--url", "https://127.0.0.1:9/http/x", "--json")
    assert call.code == 2 and "keyring" in call.json["error"]["message"]


def test_no_keyring_and_nobody_to_ask_creates_nothing(cli, home, tmp_path, monkeypatch):
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv("CPI_CERT_WIZARD_KEY_PASSPHRASE", raising=False)
    result = cli("batch", "csr", "--from", write_csv(tmp_path / "s.csv", systems(2)), "--out",
                 tmp_path / "o", "--key-type", "ec-p256", "--json")  # fmt: skip
    assert result.code == 2
    assert all("no terminal to ask on" in r["message"] for r in result.json["results"])
    assert ProfileStore(home).names() == []
    assert not files_under(ProfileStore(home).root / ".changes")

"""Batch steps keep one keyring item each (a batch secret), with the real Secret Service: every
key and .p12 opens with what `secret show` prints, the item goes when its last profile goes, and a
lost batch item is named with what to do. Each test runs the program as a person does (a new
process, gnome-keyring on the session bus: `make test`) and reads the keyring back over D-Bus."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography import x509

from tests import pki
from tests.fleet.conftest import sign_folder, systems, write_csv
from wizard.core.profiles import Artefact, ProfileStore
from wizard.core.secrets import SERVICE

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.keyring


@pytest.fixture(autouse=True)
def real_keyring() -> None:
    if not os.environ.get("CPI_TEST_REAL_KEYRING"):
        pytest.fail(
            "needs the real gnome-keyring session: run the suite with 'make test' "
            "(dbus-run-session + tests/keyring-session.sh)"
        )


def environ(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPI_CERT_WIZARD_")}
    env = {k: v for k, v in env.items() if "PROXY" not in k.upper()}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.update(PYTHONPATH=str(ROOT), LANG="C.UTF-8", **extra)
    return env


def run(home: Path, *args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wizard", "--home", str(home), *map(str, args)],
        capture_output=True,
        text=True,
        env=environ(),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def items() -> dict[str, str]:
    """Every keyring item of the program: account -> label, read over D-Bus."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        found = secretstorage.search_items(connection, {"service": SERVICE})
        return {i.get_attributes()["username"]: i.get_label() for i in found}
    finally:
        connection.close()


def delete_item(account: str) -> None:
    """What a person does in Seahorse: the item is gone."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        for item in secretstorage.search_items(
            connection, {"service": SERVICE, "username": account}
        ):
            item.delete()
    finally:
        connection.close()


def shown(home: Path, name: str, kind: str) -> str:
    result = run(home, "secret", "show", "--profile", name, kind)
    assert result.returncode == 0, result.stderr
    assert "Derived from the batch secret" in result.stderr, result.stderr
    return result.stdout.strip()


def openssl(*args: object, secret: str) -> subprocess.CompletedProcess:
    # the secret reaches openssl through its environment, never its argv
    return subprocess.run(
        ["openssl", *map(str, args)],
        capture_output=True,
        env={**os.environ, "SECRET_FOR_OPENSSL": secret},
    )


def batch_csr(home: Path, tmp_path: Path, count: int, prefix: str) -> Path:
    out = tmp_path / f"requests-{prefix}"
    csv_file = write_csv(tmp_path / f"{prefix}.csv", systems(count, prefix=prefix))
    made = run(home, "batch", "csr", "--from", csv_file, "--out", out, "--key-type", "ec-p256")
    assert made.returncode == 0, made.stderr
    return out


def cleanup(home: Path) -> None:
    for name in ProfileStore(home).names():
        run(home, "profiles", "--remove", name, "--yes")


def test_batch_csr_and_export_keep_one_item_each_and_every_file_opens_with_secret_show(
    tmp_path, ca, root_file
):
    home = tmp_path / "home"
    before = items()
    requests = batch_csr(home, tmp_path, 6, "seahorse")
    try:
        new = {a: label for a, label in items().items() if a not in before}
        assert len(new) == 1, new  # not one per profile
        ((account, label),) = new.items()
        assert account.startswith("batch:")
        # what a person sees in Seahorse says what the item is
        assert "key passphrases of 6 sender systems (batch csr" in label and account in label
        store = ProfileStore(home)
        for name in store.names():
            passphrase = shown(home, name, "key")
            key = store.path(name, Artefact.KEY)
            assert b"ENCRYPTED" in key.read_bytes()
            opened = openssl("pkey", "-in", key, "-passin", "env:SECRET_FOR_OPENSSL",
                             "-noout", secret=passphrase)  # fmt: skip
            assert opened.returncode == 0, opened.stderr
            wrong = openssl("pkey", "-in", key, "-passin", "env:SECRET_FOR_OPENSSL", "-noout",
                            secret=passphrase[:-1] + "x")  # fmt: skip
            assert wrong.returncode != 0
            assert passphrase.encode() not in store.path(name, Artefact.PROFILE).read_bytes()

        replies = tmp_path / "replies"
        replies.mkdir()
        for name, leaf in sign_folder(ca, requests, tmp_path / "signed").items():
            (replies / f"{name}.p7b").write_bytes(pki.p7b(leaf, ca.cert))
        imported = run(home, "batch", "import", replies, "--ca-file", root_file, "--no-aia")
        assert imported.returncode == 0, imported.stderr
        after_csr = items()
        keystores = tmp_path / "keystores"
        exported = run(home, "batch", "export", "--out", keystores)
        assert exported.returncode == 0, exported.stderr
        new = {a: label for a, label in items().items() if a not in after_csr}
        assert len(new) == 1 and next(iter(new)).startswith("batch:"), new
        assert "PKCS#12 passwords of 6 sender systems (batch export" in next(iter(new.values()))
        for name in store.names():
            password = shown(home, name, "p12")
            opened = openssl("pkcs12", "-in", keystores / f"{name}.p12", "-passin",
                             "env:SECRET_FOR_OPENSSL", "-nokeys", secret=password)  # fmt: skip
            assert opened.returncode == 0, opened.stderr
            assert f"CN={name}.acme.example" in opened.stdout.decode().replace(" = ", "=")
        # a single export of a batch profile uses the same password: the .p12 still opens
        single = run(home, "export-p12", "--profile", "seahorse-001")
        assert single.returncode == 0, single.stderr
        assert len(items()) == len(after_csr) + 1
    finally:
        cleanup(home)


def test_the_batch_item_goes_with_the_last_profile_that_uses_it(tmp_path):
    home = tmp_path / "home"
    before = items()
    batch_csr(home, tmp_path, 3, "gone")
    (account,) = set(items()) - set(before)
    names = ProfileStore(home).names()
    for name in names[:-1]:
        removed = run(home, "profiles", "--remove", name, "--yes")
        assert removed.returncode == 0, removed.stderr
        assert account in items()  # the last profile still needs it
    assert shown(home, names[-1], "key")
    assert run(home, "profiles", "--remove", names[-1], "--yes").returncode == 0
    assert account not in items()
    assert set(items()) == set(before)


def test_a_lost_batch_item_is_named_with_the_profile_and_what_to_do(tmp_path):
    home = tmp_path / "home"
    before = items()
    batch_csr(home, tmp_path, 2, "lost")
    (account,) = set(items()) - set(before)
    delete_item(account)  # the person deleted it in Seahorse
    try:
        result = run(home, "secret", "show", "--profile", "lost-000", "key")
        assert result.returncode == 2
        message = result.stderr
        assert "'lost-000'" in message and account in message, message
        assert "no longer in the keyring" in message
        assert "csr --profile lost-000 --new-key" in message
        assert "Traceback" not in message
        # the way out it names works: a new key with a passphrase of its own
        again = run(home, "csr", "--profile", "lost-000", "--cn", "lost-000.acme.example",
                    "--key-type", "ec-p256", "--new-key")  # fmt: skip
        assert again.returncode == 0, again.stderr
        assert "lost-000/key" in items()
        fixed = run(home, "secret", "show", "--profile", "lost-000", "key")
        assert fixed.returncode == 0 and "its own item" in fixed.stderr
    finally:
        cleanup(home)


def test_a_single_csr_still_keeps_its_own_item(tmp_path):
    home = tmp_path / "home"
    made = run(home, "csr", "--profile", "single", "--cn", "single.example", "--key-type",
               "ec-p256")  # fmt: skip
    try:
        assert made.returncode == 0, made.stderr
        assert "single/key" in items()
        result = run(home, "secret", "show", "--profile", "single", "key")
        assert result.returncode == 0 and "its own item 'single/key'" in result.stderr
        assert not ProfileStore(home).load("single").secret_sources
    finally:
        cleanup(home)


@pytest.mark.slow
def test_a_batch_killed_at_any_moment_leaves_every_written_key_openable_and_never_mixes(
    tmp_path,
):
    def argv(home: Path, prefix: str) -> list[str]:
        csv_file = write_csv(tmp_path / f"{prefix}.csv", systems(20, prefix=prefix))
        return [sys.executable, "-m", "wizard", "--home", str(home), "batch", "csr", "--from",
                str(csv_file), "--out", str(tmp_path / "requests"), "--key-type", "ec-p256"]  # fmt: skip

    before = items()
    timing = tmp_path / "timing"
    started = time.monotonic()
    whole = subprocess.run(argv(timing, "t"), env=environ(), cwd=ROOT, capture_output=True)
    duration = time.monotonic() - started
    assert whole.returncode == 0, whole.stderr
    cleanup(timing)
    home = tmp_path / "home"
    rng = random.Random(2026)
    kills = 0
    try:
        for trial in range(5):  # each trial a new CSV: 20 systems to make while it is killed
            command = argv(home, f"k{trial}")
            proc = subprocess.Popen(command, env=environ(), cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)  # fmt: skip
            time.sleep(rng.uniform(0.1, duration))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=120)
            assert_every_key_opens(home)  # whatever was written opens
            again = subprocess.run(command, env=environ(), cwd=ROOT, capture_output=True)
            assert again.returncode == 0, again.stderr  # the rerun skips what is done
            assert_every_key_opens(home)
        assert kills
        store = ProfileStore(home)
        assert len(store.names()) == 100
        batches = {store.load(n).secret_sources["key"].split("/")[0] for n in store.names()}
        new = {a for a in items() if a not in before}
        # each profile names one batch, and each batch it names is in the keyring
        assert {f"batch:{b}" for b in batches} <= new and len(new) <= 10
    finally:
        cleanup(home)
    # removing every profile removed every item they used; a kill between storing a batch item
    # and the first key written with it can leave that one item, which no profile names
    left = set(items()) - set(before)
    assert all(account.startswith("batch:") for account in left), left
    for account in left:
        delete_item(account)


def assert_every_key_opens(home: Path) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from wizard.core.secrets import SecretKind, Secrets, forget_choices

    forget_choices()  # a fresh look at the keyring, as the next process has
    store = ProfileStore(home)
    secrets = Secrets(home=home, references=store)
    for name in store.names():
        key = store.read_artefact(name, Artefact.KEY)
        request = store.read_artefact(name, Artefact.CSR)
        assert key is not None and request is not None, name
        passphrase = secrets.lookup(name, SecretKind.KEY_PASSPHRASE)
        assert passphrase, f"{name}: its key's passphrase is not in the keyring"
        opened = load_pem_private_key(key, passphrase.encode())
        assert x509.load_pem_x509_csr(request).public_key() == opened.public_key()

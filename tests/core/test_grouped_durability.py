"""Batch steps sync once, not once per file, and stay all-or-nothing under SIGKILL."""

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
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from wizard.core import storage
from wizard.core.profiles import Artefact, ProfileStore

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "durability-passphrase-1"


def test_writes_in_a_group_sync_once_at_its_end(tmp_path, monkeypatch):
    synced: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append("fsync") or real_fsync(fd))
    with storage.grouped_durability():
        for i in range(20):
            storage.atomic_write(tmp_path / f"p{i}" / "profile.json", f"{i}")
        assert synced == []  # nothing waited for the disk yet
        assert (tmp_path / "p7" / "profile.json").read_text() == "7"  # but every file is whole
    # one syncfs of the filesystem on Linux; elsewhere one fsync per file written
    assert len(synced) == (0 if sys.platform.startswith("linux") else 20)
    storage.atomic_write(tmp_path / "alone.json", "x")
    assert synced  # outside a group every write is durable before it returns


def _systems(path: Path, count: int) -> Path:
    rows = "".join(f"kill-{i:03d};kill-{i:03d}.acme.example;ACME;DE\n" for i in range(count))
    path.write_text("profile;cn;o;c\n" + rows)
    return path


def _batch(home: Path, systems: Path, out: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPI_CERT_WIZARD_")}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        CPI_CERT_WIZARD_KEY_PASSPHRASE=PASSPHRASE,
    )
    argv = [sys.executable, "-m", "wizard", "--home", str(home), "batch", "csr"]
    argv += ["--from", str(systems), "--out", str(out), "--key-type", "ec-p256"]
    return subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )


def _consistent(home: Path, out: Path) -> int:
    """Every profile there is whole: it loads, its key opens and matches its CSR. Returns how
    many have a key."""
    store = ProfileStore(home)
    keyed = 0
    for name in store.names():
        store.load(name)
        key_pem = store.read_artefact(name, Artefact.KEY)
        csr_pem = store.read_artefact(name, Artefact.CSR)
        assert (key_pem is None) == (csr_pem is None), name
        if key_pem is None:
            continue
        key = load_pem_private_key(key_pem, PASSPHRASE.encode())
        assert x509.load_pem_x509_csr(csr_pem).public_key() == key.public_key(), name
        keyed += 1
    for request in out.glob("*.csr"):  # the copies for the CA are whole too
        x509.load_pem_x509_csr(request.read_bytes())
    return keyed


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_batch_killed_at_any_moment_leaves_nothing_half_written(tmp_path):
    count = 25
    systems = _systems(tmp_path / "systems.csv", count)
    started = time.monotonic()
    whole = _batch(tmp_path / "timing", systems, tmp_path / "timing-out")
    assert whole.wait(timeout=300) == 0
    duration = time.monotonic() - started
    rng = random.Random(1729)
    home, out = tmp_path / "home", tmp_path / "out"
    kills = 0
    for _trial in range(8):
        proc = _batch(home, systems, out)
        time.sleep(rng.uniform(0.05, duration))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        _consistent(home, out)
    assert kills  # at least one run was cut short
    finished = _batch(home, systems, out)
    assert finished.wait(timeout=300) == 0
    assert _consistent(home, out) == count

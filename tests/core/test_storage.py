"""The storage layer as a user meets it on Linux and on Windows: private files, atomic writes that
survive a file held open, reads with a hard byte bound, locks that say who holds them, every
replaced key kept, and sets of files that appear whole or not at all."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests import pki
from wizard.core import storage
from wizard.core.errors import WizardError
from wizard.core.profiles import Artefact, ProfileStore
from wizard.core.storage import (
    atomic_write,
    ensure_private_dir,
    open_log_text,
    read_input_file,
    write_file_set,
)

ROOT = Path(__file__).resolve().parents[2]
POSIX_MODES = "POSIX permission bits; on Windows the per-user data folder's ACL keeps others out"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    """Temporary or staging names a half-finished write would leave behind."""
    return sorted(
        p.name
        for p in folder.rglob("*")
        if p.name.endswith(".tmp") or p.name.startswith(storage.OUTSIDE_PREFIX)
    )


# --- private files and folders -----------------------------------------------------------------


@pytest.mark.linux_only(POSIX_MODES)
def test_folders_the_tool_creates_are_0700_and_private_files_0600_even_under_umask_000(tmp_path):
    previous = os.umask(0)
    try:
        store = ProfileStore(tmp_path / "home")
        with store.change("erp") as change:
            store.create("erp")
            change.write_outside(tmp_path / "new" / "out" / "erp.p12", b"keystore", private=True)
            change.write_outside(tmp_path / "new" / "out" / "erp.cer", b"public", private=False)
        write_file_set({tmp_path / "set" / "root.pem": (b"root", False)})
    finally:
        os.umask(previous)
    for folder in (
        tmp_path / "home",
        store.root,
        store.root / ".locks",
        store.folder("erp"),
        tmp_path / "new",
        tmp_path / "new" / "out",
        tmp_path / "set",
    ):
        assert mode(folder) == 0o700, folder
    assert mode(store.path("erp", Artefact.PROFILE)) == 0o600
    assert mode(tmp_path / "new" / "out" / "erp.p12") == 0o600
    assert mode(tmp_path / "new" / "out" / "erp.cer") == 0o644
    assert (tmp_path / "set" / "root.pem").read_bytes() == b"root"


@pytest.mark.linux_only(POSIX_MODES)
def test_the_sandbox_log_folder_is_0700_under_umask_000(tmp_path):
    import datetime as dt

    from wizard.sandbox.accesslog import AccessLog, AccessRecord

    record = AccessRecord("127.0.0.1", "SENDER", dt.datetime.now(dt.UTC), "GET", "/http/x",
                          "HTTP/1.1", 200, 2, 5, "localhost:8443")  # fmt: skip
    previous = os.umask(0)
    try:
        written = AccessLog(tmp_path / "sandbox" / "logs", "node1").write(record)
    finally:
        os.umask(previous)
    assert mode(tmp_path / "sandbox") == mode(tmp_path / "sandbox" / "logs") == 0o700
    assert mode(written) == 0o600


@pytest.mark.linux_only(POSIX_MODES)
def test_writing_into_an_existing_shared_folder_leaves_its_permissions_alone(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)  # noqa: S103 - a folder shared on purpose
    store = ProfileStore(tmp_path / "home")
    with store.change("erp") as change:
        store.create("erp")
        change.write_outside(shared / "erp.cer", b"public", private=False)
    write_file_set({shared / "tenant-root.pem": (b"root", False)})
    atomic_write(shared / "notes.txt", b"x", private=False)
    assert mode(shared) == 0o755
    assert sorted(p.name for p in shared.iterdir() if not p.name.startswith(".")) == [
        "erp.cer",
        "notes.txt",
        "tenant-root.pem",
    ]


def test_a_private_file_is_written_whole_and_nothing_temporary_stays(tmp_path):
    target = atomic_write(tmp_path / "deep" / "er" / "key.pem", "geheim – 秘密")
    assert target.read_text(encoding="utf-8") == "geheim – 秘密"
    assert leftovers(tmp_path) == []


@pytest.mark.linux_only("a file held open blocks replacing it only on Windows; see the next test")
def test_replacing_a_file_another_program_reads_keeps_the_reader_on_the_old_content(tmp_path):
    target = atomic_write(tmp_path / "client.pem", b"old")
    with open(target, "rb") as reader:
        atomic_write(target, b"new")
        assert reader.read() == b"old"
    assert target.read_bytes() == b"new"


@pytest.mark.skipif(sys.platform != "win32", reason="Windows only: an open file blocks a replace")
def test_on_windows_a_file_held_open_for_a_moment_is_replaced_once_it_is_closed(tmp_path):
    target = atomic_write(tmp_path / "client.p12", b"old")
    reader = open(target, "rb")
    closer = threading.Timer(0.5, reader.close)
    closer.start()
    try:
        atomic_write(target, b"new")
    finally:
        closer.join()
        reader.close()
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(sys.platform != "win32", reason="Windows only: an open file blocks a replace")
def test_on_windows_a_file_held_open_too_long_is_named_and_left_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "REPLACE_RETRY_SECONDS", 0.3)
    target = atomic_write(tmp_path / "client.p12", b"old")
    with open(target, "rb"):
        with pytest.raises(WizardError) as caught:
            atomic_write(target, b"new")
    assert caught.value.code == "file.busy"
    assert str(target) in caught.value.message and "another program" in caught.value.message
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_replace_refused_as_busy_is_retried_and_then_named(tmp_path, monkeypatch):
    """The Windows retry path, driven on any platform by a target that stays 'in use'."""
    monkeypatch.setattr(storage, "WINDOWS", True)
    monkeypatch.setattr(storage, "REPLACE_RETRY_SECONDS", 0.2)
    target = atomic_write(tmp_path / "client.p12", b"old")
    real_replace, attempts = os.replace, []

    def busy(source, destination):
        attempts.append(destination)
        if len(attempts) < 3:
            error = PermissionError(13, "The process cannot access the file")
            error.winerror = 32
            raise error
        real_replace(source, destination)

    monkeypatch.setattr(storage.os, "replace", busy)
    atomic_write(target, b"new")  # busy twice, then free
    assert target.read_bytes() == b"new" and len(attempts) == 3

    def always_busy(source, destination):
        error = PermissionError(13, "The process cannot access the file")
        error.winerror = 32
        raise error

    monkeypatch.setattr(storage.os, "replace", always_busy)
    with pytest.raises(WizardError, match="another program has it open") as caught:
        atomic_write(target, b"newer")
    assert str(target) in caught.value.message
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


# --- reading what the user names: a hard bound, regular files only ------------------------------


def test_a_folder_given_as_a_file_is_named_as_a_folder(tmp_path):
    with pytest.raises(WizardError, match="is a folder, not the CA reply") as caught:
        read_input_file(tmp_path, what="the CA reply")
    assert caught.value.code == "file.is_dir"
    with pytest.raises(WizardError, match="is a folder") as caught:
        open_log_text(tmp_path, what="an access log")


def test_a_file_over_the_limit_is_refused_without_reading_it_whole(tmp_path):
    big = tmp_path / "big.pem"
    big.write_bytes(b"-" * 2048)
    with pytest.raises(WizardError, match="limit") as caught:
        read_input_file(big, what="a certificate", limit=1024)
    assert caught.value.code == "file.too_large"
    assert read_input_file(big, what="a certificate", limit=4096) == b"-" * 2048


@pytest.mark.linux_only("/dev/zero and symbolic links to it are POSIX")
def test_a_symlink_to_dev_zero_is_refused_as_a_device_instead_of_filling_memory(tmp_path):
    link = tmp_path / "reply.pem"
    link.symlink_to("/dev/zero")
    with pytest.raises(WizardError, match="is a device") as caught:
        read_input_file(link, what="the CA reply")
    assert caught.value.code == "file.not_regular"
    assert "/dev/zero" in caught.value.message and str(link) in caught.value.message


@pytest.mark.linux_only("named pipes (FIFOs) in the file system are POSIX")
def test_a_fifo_is_refused_as_a_named_pipe_instead_of_waiting_forever(tmp_path):
    fifo = tmp_path / "reply.pem"
    os.mkfifo(fifo)
    with pytest.raises(WizardError, match="named pipe") as caught:
        read_input_file(fifo, what="the CA reply")
    assert caught.value.code == "file.not_regular"
    with pytest.raises(WizardError, match="named pipe"):
        open_log_text(fifo, what="an access log")


@pytest.mark.linux_only("named pipes (FIFOs) in the file system are POSIX")
def test_analyze_log_given_a_fifo_says_so_instead_of_waiting_forever(cli, tmp_path):
    fifo = tmp_path / "http_access_node1.log"
    os.mkfifo(fifo)
    result = cli("analyze-log", fifo)
    assert result.code == 2, result.err
    assert "named pipe" in result.err and str(fifo) in result.err
    other = tmp_path / "something.log"  # not named like an access log: sniffed first
    os.mkfifo(other)
    result = cli("analyze-log", other)
    assert result.code == 2 and "named pipe" in result.err


@pytest.mark.skipif(sys.platform != "win32", reason="Windows only: the NUL device")
def test_on_windows_the_nul_device_is_refused_as_a_device(tmp_path):
    with pytest.raises(WizardError) as caught:
        read_input_file(Path("NUL"), what="the CA reply")
    assert caught.value.code in ("file.not_regular", "file.not_found")


def test_a_gzip_log_and_a_plain_log_read_the_same(tmp_path):
    import gzip

    plain = tmp_path / "access.log"
    plain.write_bytes("GET /http/x 401 – Zugriff\n".encode())
    packed = tmp_path / "access.log.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    for path in (plain, packed):
        with open_log_text(path, what="an access log") as text:
            assert text.read() == "GET /http/x 401 – Zugriff\n"


# --- the lock ------------------------------------------------------------------------------------


@pytest.mark.linux_only("creating symbolic links needs a privilege on Windows")
def test_a_planted_symlink_as_lock_file_is_refused_not_followed(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("erp")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    lock = store.root / ".locks" / "erp.lock"
    lock.unlink()
    lock.symlink_to(victim)
    with pytest.raises(WizardError, match="symbolic link") as caught:
        store.save(store.load("erp"))
    assert str(lock) in caught.value.message
    assert victim.read_text() == "keep me"


def _hold(home: str, ready: str, release: str) -> None:
    store = ProfileStore(Path(home))
    with store.lock("erp"):
        Path(ready).write_text("held")
        while not Path(release).exists():
            time.sleep(0.02)


def test_a_profile_in_use_names_the_process_holding_it_on_every_platform(tmp_path):
    store = ProfileStore(tmp_path / "home", lock_timeout=0.2)
    store.create("erp")
    ready, release = tmp_path / "ready", tmp_path / "release"
    code = (
        "import sys; from tests.core.test_storage import _hold; "
        "_hold(sys.argv[1], sys.argv[2], sys.argv[3])"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "home"), str(ready), str(release)], cwd=ROOT
    )
    try:
        for _ in range(600):
            if ready.exists() or holder.poll() is not None:
                break
            time.sleep(0.05)
        assert ready.exists(), "the other process never took the lock"
        with pytest.raises(WizardError, match=rf"being changed by process {holder.pid}") as caught:
            store.save(store.load("erp"))
        assert caught.value.code == "profile.locked"
    finally:
        release.write_text("go")
        holder.wait(60)
    store.save(store.load("erp"))  # free again


# --- a stale copy is never saved; mapping holds the lock -----------------------------------------


def test_a_profile_read_before_another_step_saved_is_not_saved_over_that_step(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("erp")
    stale = store.load("erp")
    with store.update("erp") as fresh:  # another step, done properly
        fresh.mapping_user = "SENDER_ERP"
    stale.mapping_roles = ["ESBMessaging.send"]
    with pytest.raises(WizardError, match="changed by another step") as caught:
        store.save(stale)
    assert caught.value.code == "profile.changed"
    assert store.load("erp").mapping_user == "SENDER_ERP"
    with store.update("erp") as profile:
        profile.mapping_roles = ["ESBMessaging.send"]
    saved = store.load("erp")
    assert (saved.mapping_user, saved.mapping_roles) == ("SENDER_ERP", ["ESBMessaging.send"])


def test_a_step_that_failed_leaves_its_profile_object_usable_again(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("erp")
    profile = store.load("erp")
    with pytest.raises(RuntimeError):
        with store.change("erp"):
            profile.mapping_user = "A"
            store.save(profile)
            raise RuntimeError("the step failed after saving")
    profile.mapping_user = "B"
    store.save(profile)  # thrown away above: not stale
    assert store.load("erp").mapping_user == "B"


@pytest.fixture(scope="module")
def ca():
    return pki.root("Storage Test Root").intermediate("Storage Issuing CA")


def certified(cli, tmp_path: Path, ca, profile: str = "erp") -> None:
    from cryptography import x509

    made = cli("csr", "--profile", profile, "--cn", "erp-prd", "--org", "ACME AG",
               "--country", "DE", "--key-type", "ec-p256", "--json")  # fmt: skip
    assert made.code == 0, made.err
    csr = x509.load_pem_x509_csr(made.json["csr"].encode())
    reply = tmp_path / f"{profile}-reply.pem"
    reply.write_bytes(pki.pem(ca.sign_csr(csr), ca.cert))
    root = tmp_path / "root.pem"
    root.write_bytes(pki.pem(ca.parent.cert))
    imported = cli("import-reply", "--profile", profile, reply, "--ca-file", root)
    assert imported.code == 0, imported.err


def test_mapping_holds_the_profile_locked_from_reading_it_to_saving_it(
    cli, home, tmp_path, ca, monkeypatch
):
    certified(cli, tmp_path, ca)
    import wizard.commands.mapping as mapping_command

    seen: list[str] = []
    real = mapping_command.build_tenant_entry

    def while_building(*args, **kwargs):
        def other_step() -> None:  # another thread = another writer
            try:
                with ProfileStore(home).lock("erp", timeout=0):
                    seen.append("free")
            except WizardError as exc:
                seen.append(exc.code)

        worker = threading.Thread(target=other_step)
        worker.start()
        worker.join()
        return real(*args, **kwargs)

    monkeypatch.setattr(mapping_command, "build_tenant_entry", while_building)
    result = cli("mapping", "--profile", "erp", "--env", "neo")
    assert result.code == 0, result.err
    assert seen == ["profile.locked"]


# --- every replaced key is kept ------------------------------------------------------------------


def test_eight_back_to_back_new_keys_keep_every_replaced_key_in_its_own_archive(cli, home):
    store = ProfileStore(home)
    keys = []
    for run in range(8):
        args = ["csr", "--profile", "erp", "--cn", "erp-prd", "--key-type", "ec-p256"]
        result = cli(*args, *(["--new-key"] if run else []))
        assert result.code == 0, result.err
        keys.append(store.path("erp", Artefact.KEY).read_bytes())
    archive = store.folder("erp") / "archive"
    folders = sorted(archive.iterdir())
    assert len(folders) == 7, [f.name for f in folders]
    kept = sorted((f / Artefact.KEY.value).read_bytes() for f in folders)
    assert kept == sorted(keys[:7])


# --- a set of files appears whole or not at all --------------------------------------------------

_CRASH = """
import os, sys
from wizard.core import storage
real, calls, at = storage.replace_file, [0], int(sys.argv[1])
def replace_then_die(source, target, **kw):
    calls[0] += 1
    if calls[0] == at:
        os._exit(9)   # a crash at this rename: nothing after it runs
    real(source, target, **kw)
storage.replace_file = replace_then_die
from wizard.cli import main
sys.exit(main(sys.argv[2:]))
"""

SET = ("erp.p12", "erp.cer", "erp.pem", "erp-chain.pem")


@pytest.mark.slow
def test_export_p12_out_killed_at_any_rename_leaves_the_whole_set_or_none(cli, home, tmp_path, ca):
    certified(cli, tmp_path, ca)
    from wizard.core.secrets import SecretKind, Secrets

    passphrase = Secrets().lookup("erp", SecretKind.KEY_PASSPHRASE)  # the test's memory keyring
    env = {
        **{k: v for k, v in os.environ.items() if "PROXY" not in k.upper()},
        "CPI_CERT_WIZARD_HOME": str(home),
        "CPI_CERT_WIZARD_KEY_PASSPHRASE": passphrase,
        "CPI_CERT_WIZARD_P12_PASSWORD": "set-test-password",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    outcomes = set()
    for at in range(1, 30):
        out = tmp_path / f"out-{at}"
        argv = ["export-p12", "--profile", "erp", "--out", str(out / "erp.p12")]
        done = subprocess.run(
            [sys.executable, "-c", _CRASH, str(at), *argv],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
        )
        ProfileStore(home).load("erp")  # the next run finishes or forgets the change
        present = sorted(p.name for p in out.iterdir()) if out.exists() else []
        assert present in ([], sorted(SET)), (at, present, done.stderr[-400:])
        assert leftovers(home) == [] and leftovers(tmp_path / f"out-{at}") == []
        outcomes.add("whole" if present else "none")
        if done.returncode == 0:
            break  # the step made fewer renames than `at`: every kill point was tried
    # the renames all follow the commit point now (the journal and the staged copies are written
    # in place): a kill at any of them leaves the whole set; kills before it (nothing written)
    # are tried at every change by tests/fleet/test_sigkill.py
    assert outcomes == {"whole"}


def test_a_file_set_without_a_profile_interrupted_before_its_commit_is_forgotten(tmp_path):
    folder = tmp_path / "out"
    staged = folder / ".cpi-cert-wizard-files" / "files"
    staged.mkdir(parents=True)
    (staged / "tenant-root.cer").write_bytes(b"half")  # a crash before the journal was written
    written = write_file_set({folder / "tenant-root.pem": (b"pem", False)})
    assert written == [folder / "tenant-root.pem"]
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "tenant-root.pem"
    ]
    assert not (folder / ".cpi-cert-wizard-files").exists()


def test_a_file_set_committed_before_a_crash_is_finished_by_the_next_write(tmp_path):
    folder = tmp_path / "out"
    staging = folder / ".cpi-cert-wizard-files"
    (staging / "files").mkdir(parents=True)
    (staging / "files" / "tenant-root.cer").write_bytes(b"der")
    (staging / "journal.json").write_text(json.dumps({"writes": ["tenant-root.cer"]}))
    write_file_set({folder / "tenant-chain.pem": (b"chain", False)})
    assert (folder / "tenant-root.cer").read_bytes() == b"der"
    assert (folder / "tenant-chain.pem").read_bytes() == b"chain"


def test_ensure_private_dir_on_a_path_that_is_a_file_says_so(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file")
    with pytest.raises(OSError):
        ensure_private_dir(blocker)
    with pytest.raises(WizardError, match="Cannot write"):
        atomic_write(blocker / "x.pem", b"x")

"""A damaged profile names its file and its backup; the other profiles keep working; two
processes never change one profile at the same time; an interrupted change is finished or forgotten.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from wizard.core.errors import WizardError
from wizard.core.profiles import Artefact, BrokenProfile, ProfileStore, State
from wizard.core.storage import StagedChange, recover_change


def test_every_save_keeps_the_previous_profile_as_a_private_backup(tmp_path):
    store = ProfileStore(tmp_path)
    profile = store.create("erp")
    assert not store.path("erp", Artefact.PROFILE_BACKUP).exists()  # nothing to back up yet
    first = store.path("erp", Artefact.PROFILE).read_bytes()
    profile.tenant_url = "https://t.example/http/x"
    store.save(profile)
    backup = store.path("erp", Artefact.PROFILE_BACKUP)
    assert backup.read_bytes() == first
    if os.name == "posix":  # on Windows the per-user data folder's ACL keeps others out
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_a_hand_broken_profile_names_its_file_and_the_backup_to_restore(tmp_path):
    store = ProfileStore(tmp_path)
    profile = store.create("erp")
    profile.state = State.KEY_GENERATED
    store.save(profile)
    path = store.path("erp", Artefact.PROFILE)
    path.write_text('{"name": "erp", "state": "key-generated",')  # an editor crashed
    with pytest.raises(WizardError) as caught:
        store.load("erp")
    message = caught.value.message
    assert str(path) in message
    assert str(store.path("erp", Artefact.PROFILE_BACKUP)) in message
    assert "copy it over profile.json" in message
    # following the advice works
    path.write_bytes(store.path("erp", Artefact.PROFILE_BACKUP).read_bytes())
    assert store.load("erp").name == "erp"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("not_after", 20270101, "not_after"),
        ("not_after", "next year", "isoformat"),
        ("not_after", "2027-01-01T00:00:00", "time zone"),
        ("sans", "DNS:x", "sans"),
        ("tenant_port", "443", "tenant_port"),
        ("state", "signed", "signed"),
        ("mapping_roles", [1, 2], "mapping_roles"),
    ],
)
def test_a_hand_edited_field_of_the_wrong_kind_is_refused_with_its_name(
    tmp_path, field, value, expected
):
    store = ProfileStore(tmp_path)
    store.create("erp")
    path = store.path("erp", Artefact.PROFILE)
    data = json.loads(path.read_text())
    data[field] = value
    path.write_text(json.dumps(data))
    with pytest.raises(WizardError, match=expected) as caught:
        store.load("erp")
    assert caught.value.code == "profile.corrupt"
    assert str(path) in caught.value.message


def test_one_broken_profile_does_not_hide_the_others_and_profiles_shows_it(cli, home):
    for name in ("a-ok", "b-broken", "c-ok"):
        assert cli("csr", "--profile", name, "--cn", name, "--key-type", "ec-p256").code == 0
    broken = ProfileStore(home).path("b-broken", Artefact.PROFILE)
    broken.write_text("[]")
    listed = ProfileStore(home).all()
    assert [type(p).__name__ for p in listed] == ["Profile", "BrokenProfile", "Profile"]
    assert isinstance(listed[1], BrokenProfile) and str(broken) in listed[1].message

    result = cli("profiles", "--json")
    assert result.code == 0
    assert [p["name"] for p in result.json["profiles"]] == ["a-ok", "c-ok"]
    assert result.json["broken"][0]["name"] == "b-broken"
    assert result.json["broken"][0]["file"] == str(broken)
    text = cli("profiles").out
    assert "b-broken" in text and "BROKEN" in text and str(broken) in text
    # the broken one can still be removed
    assert cli("profiles", "--remove", "b-broken", "--yes").code == 0
    assert ProfileStore(home).names() == ["a-ok", "c-ok"]


def test_a_failed_step_writes_nothing(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("erp")
    before = sorted(p.name for p in store.folder("erp").iterdir())
    with pytest.raises(RuntimeError), store.change("erp"):
        store.write_artefact("erp", Artefact.CSR, b"request")
        store.write_artefact("erp", Artefact.KEY, b"key")
        raise RuntimeError("the CA check failed")
    assert sorted(p.name for p in store.folder("erp").iterdir()) == before
    assert not (store.root / ".changes" / "erp").exists()


def test_a_change_interrupted_after_its_commit_point_is_finished_by_the_next_reader(tmp_path):
    store = ProfileStore(tmp_path)
    profile = store.create("erp")
    folder = store.folder("erp")
    staging = store.root / ".changes" / "erp"
    change = StagedChange(folder, staging)
    change.write(Artefact.KEY.value, b"new key")
    profile.state = State.KEY_GENERATED
    change.write(Artefact.PROFILE.value, profile.to_json())
    # commit point reached (journal written), then the process died before moving the files
    (staging / "journal.json").write_text(
        json.dumps({"writes": ["key.pem", "profile.json"], "removes": []})
    )
    assert store.load("erp").state is State.KEY_GENERATED
    assert store.read_artefact("erp", Artefact.KEY) == b"new key"
    assert not staging.exists()


def test_a_change_interrupted_before_its_commit_point_is_forgotten(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("erp")
    staging = store.root / ".changes" / "erp"
    change = StagedChange(store.folder("erp"), staging)
    change.write(Artefact.KEY.value, b"half a step")
    assert recover_change(store.folder("erp"), staging)
    assert store.read_artefact("erp", Artefact.KEY) is None
    assert not staging.exists()


def _append_roles(home: str, worker: int, count: int, start) -> None:
    store = ProfileStore(Path(home))
    start.wait()
    for i in range(count):
        with store.change("erp"):  # load, modify, save: one step
            profile = store.load("erp")
            profile.mapping_roles.append(f"w{worker}.r{i}")
            store.save(profile)


def test_two_processes_changing_one_profile_lose_no_update(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("erp")
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_append_roles, args=(str(tmp_path), w, 25, start)) for w in (1, 2)
    ]
    for w in workers:
        w.start()
    start.set()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    roles = store.load("erp").mapping_roles
    assert len(roles) == 50
    assert sorted(roles) == sorted(f"w{w}.r{i}" for w in (1, 2) for i in range(25))


def _hold_lock(home: str, held, release) -> None:
    store = ProfileStore(Path(home))
    with store.lock("erp"):
        held.set()
        release.wait(60)


def test_a_step_waits_for_the_other_process_and_says_who_holds_the_profile(tmp_path):
    store = ProfileStore(tmp_path, lock_timeout=0.3)
    store.create("erp")
    context = multiprocessing.get_context("spawn")
    held, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(tmp_path), held, release))
    holder.start()
    try:
        assert held.wait(30)
        profile = store.load("erp")  # reading is never blocked
        with pytest.raises(WizardError, match=rf"being changed by process {holder.pid}") as caught:
            store.save(profile)
        assert caught.value.code == "profile.locked"
    finally:
        release.set()
        holder.join(30)
    store.save(profile)  # free again
    assert store.load("erp").updated == profile.updated


def test_a_killed_holder_never_leaves_a_stale_lock(tmp_path):
    store = ProfileStore(tmp_path, lock_timeout=5)
    store.create("erp")
    context = multiprocessing.get_context("spawn")
    held, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(tmp_path), held, release))
    holder.start()
    assert held.wait(30)
    os.kill(holder.pid, 9)
    holder.join(30)
    store.save(store.load("erp"))  # the kernel dropped the dead process's lock


def test_two_batch_runs_started_together_make_exactly_one_key_per_system(tmp_path):
    import subprocess
    import sys

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from tests.fleet.conftest import systems, write_csv

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if "PROXY" not in k.upper()}
    env.update(
        PYTHONPATH=str(root),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        CPI_CERT_WIZARD_KEY_PASSPHRASE="two-processes-passphrase",
    )
    home, out = tmp_path / "home", tmp_path / "requests"
    csv_file = write_csv(tmp_path / "s.csv", systems(12))
    argv = [sys.executable, "-m", "wizard", "--home", str(home), "batch", "csr", "--from",
            str(csv_file), "--out", str(out), "--key-type", "ec-p256", "--json"]  # fmt: skip
    runs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) for _ in (1, 2)]
    results = []
    for run in runs:
        stdout, _ = run.communicate(timeout=120)
        assert run.returncode == 0, stdout
        results.append({r["profile"]: r["status"] for r in json.loads(stdout)["results"]})
    store = ProfileStore(home)
    assert len(store.names()) == 12
    for name in store.names():
        assert sorted([results[0][name], results[1][name]]) == ["done", "skipped"], name
        key = serialization.load_pem_private_key(
            store.read_artefact(name, Artefact.KEY), b"two-processes-passphrase"
        )
        for request in (
            store.read_artefact(name, Artefact.CSR),
            (out / f"{name}.csr").read_bytes(),
        ):
            assert x509.load_pem_x509_csr(request).public_key() == key.public_key()

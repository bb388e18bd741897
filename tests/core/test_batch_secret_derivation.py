"""Batch secrets without a desktop keyring (portable: runs on the Windows leg too): one keyring
item for a batch step, each profile's secret derived from it and named (never kept) in its
profile.json; a profile's own item wins; a hand-edited reference is no secret at all."""

from __future__ import annotations

import json
import os
import sys

import pytest

from tests.conftest import MemoryKeyring
from wizard.core import storage
from wizard.core.csr import SubjectFields
from wizard.core.enrollment import create_request, load_private_key
from wizard.core.errors import WizardError
from wizard.core.profiles import Artefact, ProfileStore
from wizard.core.secrets import SecretKind, Secrets, derive, new_password

KEY, P12 = SecretKind.KEY_PASSPHRASE, SecretKind.P12_PASSWORD


def test_a_derived_secret_is_bound_to_its_batch_kind_and_profile_and_looks_like_a_new_one():
    batch = new_password(32)
    one = derive(batch, KEY, "erp-001")
    assert one == derive(batch, KEY, "erp-001")  # the same every time it is asked
    others = {derive(batch, P12, "erp-001"), derive(batch, KEY, "erp-002"),
              derive(new_password(32), KEY, "erp-001")}  # fmt: skip
    assert one not in others and len(others) == 3
    assert len(one) == len(new_password()) == 32
    assert set(one) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def make_batch(store: ProfileStore, secrets: Secrets, names: list[str]) -> None:
    with secrets.batch(KEY, "key passphrases of a test batch"):
        for name in names:
            create_request(store, secrets, name, SubjectFields(cn=f"{name}.example"))


def test_a_batch_keeps_one_item_and_every_profile_names_it_without_its_value(tmp_path):
    keyring = MemoryKeyring()
    store = ProfileStore(tmp_path)
    secrets = Secrets(backend=keyring, references=store)
    make_batch(store, secrets, ["erp-001", "erp-002", "erp-003"])
    ((_service, account),) = keyring.entries  # one item for three profiles
    assert account.startswith("batch:")
    batch_secret = next(iter(keyring.entries.values()))
    fresh = Secrets(backend=keyring, references=ProfileStore(tmp_path))  # as the next process
    for name in store.names():
        text = store.path(name, Artefact.PROFILE).read_bytes()
        reference = json.loads(text)["secret_sources"]["key"]
        assert reference == f"{account.removeprefix('batch:')}/{name}"
        passphrase = fresh.lookup(name, KEY)
        assert passphrase == derive(batch_secret, KEY, name)
        assert passphrase.encode() not in text and batch_secret.encode() not in text
        load_private_key(store, fresh, name)  # the key opens
    # a single step outside a batch keeps an item of its own, as before
    create_request(store, secrets, "single", SubjectFields(cn="single.example"))
    assert keyring.entries[("cpi-cert-wizard", "single/key")]
    assert not store.load("single").secret_sources


def test_a_profiles_own_item_comes_before_its_batch_secret(tmp_path):
    keyring = MemoryKeyring()
    store = ProfileStore(tmp_path)
    secrets = Secrets(backend=keyring, references=store)
    make_batch(store, secrets, ["erp-001"])
    derived = secrets.lookup("erp-001", KEY)
    secrets.store("erp-001", KEY, "chosen-by-a-person-1")
    assert secrets.lookup("erp-001", KEY) == "chosen-by-a-person-1"
    assert secrets.source("erp-001", KEY).own
    secrets.delete("erp-001", KEY)
    assert secrets.lookup("erp-001", KEY) == derived


def test_removing_profiles_removes_the_batch_item_with_the_last_one(tmp_path):
    keyring = MemoryKeyring()
    store = ProfileStore(tmp_path)
    secrets = Secrets(backend=keyring, references=store)
    make_batch(store, secrets, ["erp-001", "erp-002"])
    (item,) = keyring.entries
    secrets.delete_profile("erp-001")
    store.remove("erp-001")
    assert item in keyring.entries
    secrets.delete_profile("erp-002")
    store.remove("erp-002")
    assert keyring.entries == {}


def test_a_lost_batch_item_is_named_and_a_hand_edited_reference_is_no_secret(tmp_path):
    keyring = MemoryKeyring()
    store = ProfileStore(tmp_path)
    secrets = Secrets(backend=keyring, references=store)
    make_batch(store, secrets, ["erp-001", "erp-002"])
    keyring.entries.clear()  # deleted in the keyring's own window
    fresh = Secrets(backend=keyring, references=store)
    assert fresh.lookup("erp-001", KEY) is None
    with pytest.raises(WizardError) as raised:
        load_private_key(store, fresh, "erp-001")
    assert raised.value.code == "secret.batch_missing"
    assert "'erp-001'" in raised.value.message and "batch:" in raised.value.message
    assert "csr --profile erp-001 --new-key" in raised.value.message
    # a reference edited by hand into nonsense is no reference (and no traceback)
    path = store.path("erp-002", Artefact.PROFILE)
    data = json.loads(path.read_text())
    data["secret_sources"] = {"key": "no-slash-here"}
    path.write_text(json.dumps(data))
    assert fresh.lookup("erp-002", KEY) is None
    data["secret_sources"] = {"key": 42}
    path.write_text(json.dumps(data))
    with pytest.raises(WizardError) as broken:
        store.load("erp-002")
    assert broken.value.code == "profile.corrupt"


def test_a_new_profile_is_written_once_and_its_folder_appears_whole(tmp_path, monkeypatch):
    opened: list[str] = []

    def hook(event: str, args: tuple) -> None:
        if event == "open" and isinstance(args[0], str | os.PathLike):
            mode, flags = (*args, None, None)[1:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR)
            )
            if writing and os.fspath(args[0]).startswith(str(tmp_path)):
                opened.append(os.path.basename(os.fspath(args[0])))

    store = ProfileStore(tmp_path / "home")
    secrets = Secrets(backend=MemoryKeyring(), references=store)
    sys.addaudithook(hook)  # cannot be removed: it only records under this test's tmp_path
    with storage.grouped_durability():
        make_batch(store, secrets, ["erp-001"])
    written = [name for name in opened if "profile.json" in name]
    assert len(written) == 1, opened  # created and filled in one write, not three
    assert not any(name.endswith(".tmp") for name in opened if "erp-001" in name)
    assert sorted(p.name for p in store.folder("erp-001").iterdir()) == sorted(
        [Artefact.PROFILE.value, Artefact.KEY.value, Artefact.CSR.value]
    )
    assert not list((store.root / ".changes").iterdir())
    if os.name == "posix":
        assert store.folder("erp-001").stat().st_mode & 0o777 == 0o700
        assert store.path("erp-001", Artefact.KEY).stat().st_mode & 0o777 == 0o600


def test_a_batch_step_over_existing_profiles_makes_no_folder_per_profile(tmp_path):
    store = ProfileStore(tmp_path / "home")
    secrets = Secrets(backend=MemoryKeyring(), references=store)
    make_batch(store, secrets, [f"erp-{i:03d}" for i in range(5)])
    made: list[str] = []

    def hook(event: str, args: tuple) -> None:
        if event == "os.mkdir" and os.fspath(args[0]).startswith(str(tmp_path)):
            made.append(os.fspath(args[0]))

    sys.addaudithook(hook)  # cannot be removed: it only records under this test's tmp_path
    with storage.grouped_durability():
        for name in store.names():
            with store.update(name) as profile:
                profile.mapping_user = f"SENDER_{name}"
    assert len(made) <= 1, made  # one staging folder, reused from profile to profile
    assert [store.load(n).mapping_user for n in store.names()] == [
        f"SENDER_erp-{i:03d}" for i in range(5)
    ]
    assert not list((store.root / ".changes").iterdir())  # nothing kept after the step

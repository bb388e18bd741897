"""The start list finds a profile's files with one directory listing, and finds the same files
a stat per artefact found (Path.exists): links followed, dangling links and strangers ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.core import flow
from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore, State


def exists_each(store: ProfileStore, name: str) -> list[Artefact]:
    return [a for a in Artefact if store.path(name, a).exists()]


@pytest.mark.linux_only("symbolic links, which Windows makes only with a privilege")
def test_one_listing_finds_what_a_stat_per_artefact_finds(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("ERP-PRD")
    folder = store.folder("ERP-PRD")
    (folder / Artefact.KEY.value).write_bytes(b"key")
    (folder / Artefact.CSR.value).write_bytes(b"csr")
    (folder / "notes.txt").write_text("not an artefact")
    (folder / Artefact.P12.value).mkdir()  # a folder by an artefact's name exists too
    outside = tmp_path / "root.pem"
    outside.write_bytes(b"root")
    (folder / Artefact.TENANT_ROOT_PEM.value).symlink_to(outside)
    (folder / Artefact.CHAIN.value).symlink_to(tmp_path / "gone.pem")  # dangling
    found = flow.present_artefacts(folder)
    assert found == exists_each(store, "ERP-PRD")
    assert Artefact.TENANT_ROOT_PEM in found and Artefact.CHAIN not in found


def test_a_missing_folder_has_no_artefacts():
    assert flow.present_artefacts(Path("/nonexistent/profile")) == []


def test_the_start_list_reads_only_the_profiles_it_is_asked_for(tmp_path):
    store = ProfileStore(tmp_path)
    for name in ("a", "b", "c"):
        profile = store.create(name)
        profile.state = State.KEY_GENERATED
        profile.tenant_host = "t.example"
        store.save(profile)
        store.write_artefact(name, Artefact.KEY, b"key")
        store.write_artefact(name, Artefact.CSR, b"csr")
    store.path("b", Artefact.PROFILE).write_text("{ not json")
    rows = flow.profile_rows(store, names=["c", "b"])
    assert [r.name for r in rows] == ["c", "b"]
    assert rows[0].resume is Step.WAITING and rows[0].problem is None
    assert rows[1].problem and "profile.json" in rows[1].problem


def test_a_sap_signed_certificate_is_listed_with_its_renewal_setting(tmp_path):
    store = ProfileStore(tmp_path)
    profile = store.create("S4")
    profile.leaf_sha256 = profile.sap_leaf_sha256 = "ab" * 32
    profile.sap_auto_renew = True
    store.save(profile)
    other = store.create("ERP")
    other.leaf_sha256, other.sap_leaf_sha256, other.sap_auto_renew = "cd" * 32, "ab" * 32, True
    store.save(other)  # SAP signed an earlier certificate; the current one is another CA's
    rows = {r.name: r for r in flow.profile_rows(store)}
    assert (rows["S4"].sap_signed, rows["S4"].sap_auto_renew) == (True, True)
    assert (rows["ERP"].sap_signed, rows["ERP"].sap_auto_renew) == (False, None)

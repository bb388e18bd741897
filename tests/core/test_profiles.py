"""Profiles on disk: private, atomic, versioned, and never holding a secret."""

from __future__ import annotations

import json
import os
import stat

import pytest

from wizard.core.errors import WizardError
from wizard.core.profiles import Artefact, ProfileStore, State


def test_new_profile_folder_is_private_and_json_has_schema(tmp_path):
    store = ProfileStore(tmp_path / "home")
    profile = store.create("ERP-PRD")
    folder = store.folder("ERP-PRD")
    path = store.path("ERP-PRD", Artefact.PROFILE)
    if os.name == "posix":  # on Windows the per-user data folder's ACL keeps others out
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["schema_version"] == 1 and data["state"] == "new"
    assert store.load("ERP-PRD") == profile
    assert store.names() == ["ERP-PRD"]


@pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden", "x" * 65, "with space"])
def test_unusable_profile_names_are_refused(tmp_path, name):
    with pytest.raises(WizardError, match="not a usable profile name"):
        ProfileStore(tmp_path).create(name)


def test_missing_profile_lists_the_ones_that_exist(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("a")
    with pytest.raises(WizardError, match=r"no profile named 'b'.*profiles: a"):
        store.load("b")


def test_profile_from_a_newer_program_is_not_misread(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("a")
    path = store.path("a", Artefact.PROFILE)
    data = json.loads(path.read_text())
    data["schema_version"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(WizardError, match="newer cpi-cert-wizard"):
        store.load("a")


def test_corrupt_profile_says_which_file(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("a")
    store.path("a", Artefact.PROFILE).write_text("{not json")
    with pytest.raises(WizardError, match="profile.json cannot be read"):
        store.load("a")


def test_renewal_due_after_two_thirds_or_thirty_days():
    from datetime import datetime, timedelta

    from wizard.core.profiles import Profile

    start = datetime(2026, 1, 1, tzinfo=datetime.now().astimezone().tzinfo)
    p = Profile(
        name="x",
        state=State.CERTIFICATE_IMPORTED,
        not_before=start.isoformat(),
        not_after=(start + timedelta(days=300)).isoformat(),
    )
    assert not p.renewal_due(start + timedelta(days=100))
    assert p.renewal_due(start + timedelta(days=201))
    assert p.days_left(start + timedelta(days=290)) == 10

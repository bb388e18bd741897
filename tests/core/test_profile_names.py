"""Profile names work as folder names on every system, so a profile folder copied from Linux to
Windows or macOS still works: no Windows device name, no trailing dot or newline, no two profiles
that differ only in case."""

from __future__ import annotations

import pytest

from wizard.core.errors import WizardError
from wizard.core.profiles import Artefact, ProfileStore, validate_profile_name


@pytest.mark.parametrize(
    "name", ["CON", "con", "Nul", "AUX.txt", "prn.tar.gz", "COM1", "com9.log", "LPT1", "lpt3.p12"]
)
def test_a_windows_device_name_with_any_extension_and_case_is_refused(tmp_path, name):
    with pytest.raises(WizardError, match="Windows reserves") as caught:
        ProfileStore(tmp_path).create(name)
    assert caught.value.code == "profile.name"
    assert name.split(".")[0].upper() in caught.value.message
    assert not (tmp_path / "profiles" / name).exists()


@pytest.mark.parametrize("name", ["erp\n", "erp.", "erp..", "erp ", " erp", "erp\r", "erp\t"])
def test_a_name_ending_in_a_dot_space_or_newline_is_refused(tmp_path, name):
    with pytest.raises(WizardError, match="not a usable profile name") as caught:
        ProfileStore(tmp_path).create(name)
    assert caught.value.code == "profile.name"


@pytest.mark.parametrize("name", ["CONSOLE", "con-1", "COM10", "LPT", "nul_test", "AUXILIARY"])
def test_names_that_only_start_like_a_device_are_fine(tmp_path, name):
    store = ProfileStore(tmp_path)
    store.create(name)
    assert store.names() == [name]


def test_the_same_rules_hold_for_every_way_a_name_comes_in(cli):
    for args in (
        ["csr", "--profile", "NUL", "--cn", "x"],
        ["csr", "--profile", "erp\n", "--cn", "x"],
        ["mapping", "--profile", "COM1"],
        ["export-p12", "--profile", "aux.p12"],
    ):
        result = cli(*args)
        assert result.code == 2, (args, result.err)
        assert "not a usable profile name" in result.err, result.err
        assert "Traceback" not in result.err


def test_a_name_differing_only_in_case_from_an_existing_profile_is_refused(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("ERP-PRD")
    with pytest.raises(WizardError, match="only in upper and lower case") as caught:
        store.create("erp-prd")
    assert "'ERP-PRD'" in caught.value.message
    with pytest.raises(WizardError, match="only in upper and lower case"):
        store.write_artefact("Erp-Prd", Artefact.CSR, b"x")
    assert store.names() == ["ERP-PRD"]


def test_opening_a_profile_in_the_wrong_case_points_to_the_right_one(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("ERP-PRD")
    with pytest.raises(WizardError, match="--profile ERP-PRD") as caught:
        store.load("erp-prd")
    assert caught.value.code == "profile.not_found"
    assert store.load("ERP-PRD").name == "ERP-PRD"


def test_usual_names_still_work():
    for name in ("ERP-PRD", "s4_qas", "a", "x" * 64, "v1.2-prod"):
        assert validate_profile_name(name) == name

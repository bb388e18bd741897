"""`cpi-cert-wizard --self-check` from the source tree: what it reports, and when it says no."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import certifi
import pytest
from PySide6.QtCore import qVersion

import wizard
from wizard.core import trust
from wizard.language import TRANSLATED

MINIMAL_TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Page</name>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
</context>
</TS>
"""


@pytest.fixture
def fresh_sap_list():
    """The shipped SAP list is cached per process; these tests move the resources folder."""
    trust._shipped_list.cache_clear()
    yield
    trust._shipped_list.cache_clear()


def test_self_check_from_source_reports_every_part_and_passes(cli):
    result = cli("--self-check", "--json")

    assert result.code == 0, result.out
    report = result.json
    assert report["ok"] is True and report["problems"] == []
    assert report["version"] == wizard.__version__
    assert report["frozen"] is False
    assert report["qt"] == qVersion()
    assert report["openssl_cryptography"].startswith("OpenSSL")
    assert report["openssl_python"].startswith("OpenSSL")
    assert "SecretService" in report["keyring_backends"]
    assert report["keyring"] == "test memory keyring"  # the backend actually in use
    assert tuple(report["qt_translations"]) == TRANSLATED
    assert tuple(report["translations"]) == TRANSLATED  # built by `make qm` on setup
    assert report["certifi"] == certifi.where()
    assert report["certifi_certificates"] > 100
    assert report["sap_list"] == trust.load_sap_list().version
    assert report["sap_roots"] == len(trust.load_sap_list().roots)
    assert {"platforms/qxcb", "platforms/qoffscreen", "iconengines/qsvgicon"} <= set(
        report["qt_plugins"]
    )


def test_self_check_text_names_versions_keyring_and_sap_list(cli):
    result = cli("--self-check")

    assert result.code == 0
    assert f"cpi-cert-wizard {wizard.__version__} (from source)" in result.out
    assert f"Qt             {qVersion()}" in result.out
    assert "(cryptography)" in result.out and "(Python ssl)" in result.out
    assert "keyring        test memory keyring" in result.out
    assert trust.load_sap_list().version in result.out
    assert result.out.rstrip().endswith("self-check: OK")


def test_a_translation_source_without_its_compiled_catalogue_fails_until_lrelease_ran(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "translations"
    folder.mkdir()
    (folder / "cpi_cert_wizard_de.ts").write_text(MINIMAL_TS, encoding="utf-8")
    monkeypatch.setattr("wizard.language.catalogue_dirs", lambda: [folder])

    missing = cli("--self-check")
    assert missing.code == 3
    assert "MISSING: Compiled translations missing or unreadable" in missing.out
    assert "cpi_cert_wizard_de.qm" in missing.out and "pyside6-lrelease" in missing.out

    lrelease = "from PySide6.scripts.pyside_tool import lrelease; lrelease()"
    ts = str(folder / "cpi_cert_wizard_de.ts")
    subprocess.run([sys.executable, "-c", lrelease, "-silent", ts], check=True)
    compiled = cli("--self-check", "--json")
    assert compiled.code == 0, compiled.json["problems"]
    assert compiled.json["translations"] == ["de"]


def test_a_bundle_without_its_resources_fails_and_names_what_is_missing(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_sap_list
):
    # A frozen bundle whose resources/ folder went missing (sys._MEIPASS is the bundle's root).
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)

    result = cli("--self-check", "--json")

    assert result.code == 3
    problems = " ".join(result.json["problems"])
    assert trust.DEFAULT_SAP_LIST in problems and "icons/app.svg" in problems
    assert str(tmp_path / "wizard" / "resources") in problems
    assert result.json["sap_list"] == ""

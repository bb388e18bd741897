"""Paths and console output as a Windows user meets them: drive letters, backslashes, UNC and long
paths in file arguments and in what the program prints; messages in German or Japanese on a
console with a legacy code page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.core.profiles import Artefact, ProfileStore
from wizard.core.testcall import shell_quote

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("path", "pasted"),
    [
        (r"C:\Users\Jörg\AppData\Local\cpi-cert-wizard\profiles\erp\client-chain.pem", None),
        (r"\\fileserver\pki\erp\key.pem", None),
        (r"C:\Users\Ann Lee\certs\key.pem", r"'C:\Users\Ann Lee\certs\key.pem'"),
        (r"\\fs\share\O'Brien\key.pem", r"'\\fs\share\O''Brien\key.pem'"),
    ],
)
def test_the_curl_line_on_windows_quotes_paths_the_way_powershell_reads_them(
    path, pasted, monkeypatch
):
    monkeypatch.setattr(sys, "platform", "win32")
    assert shell_quote(path) == (pasted or path)


def test_the_curl_line_elsewhere_quotes_for_a_posix_shell(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert shell_quote("/home/ann lee/key.pem") == "'/home/ann lee/key.pem'"


def test_a_home_folder_deeper_than_260_characters_works(cli, tmp_path):
    deep = tmp_path
    while len(str(deep)) < 300:
        deep = deep / "a-rather-long-folder-name-for-a-sender-system"
    made = cli("--home", deep, "csr", "--profile", "erp", "--cn", "erp-prd", "--key-type",
               "ec-p256", "--json")  # fmt: skip
    assert made.code == 0, made.err
    assert ProfileStore(deep).path("erp", Artefact.KEY).is_file()
    assert Path(made.json["files"]["key"]) == ProfileStore(deep).path("erp", Artefact.KEY)


@pytest.mark.skipif(sys.platform != "win32", reason="Windows only: drive letters and \\\\?\\ paths")
def test_on_windows_extended_and_backslash_paths_are_accepted_and_printed_as_given(cli, tmp_path):
    home = Path("\\\\?\\" + str(tmp_path.resolve()) + "\\home")
    made = cli("--home", home, "csr", "--profile", "erp", "--cn", "erp-prd", "--key-type",
               "ec-p256", "--json")  # fmt: skip
    assert made.code == 0, made.err
    reply = str(tmp_path / "reply.pem").replace("/", "\\")
    Path(reply).write_bytes(b"not a certificate")
    refused = cli("import-reply", "--profile", "erp", reply, "--home", str(tmp_path / "home"))
    assert refused.code == 2
    assert reply in refused.err and "/" not in reply


def _cli_in_a_legacy_console(home: Path, encoding: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "CPI_CERT_WIZARD_HOME": str(home),
        "PYTHONIOENCODING": encoding,
        "PYTHONUTF8": "0",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


@pytest.mark.parametrize(("lang", "encoding"), [("ja", "cp1252"), ("de", "ascii"), ("ja", "cp437")])
def test_messages_in_any_language_never_crash_a_legacy_code_page_console(tmp_path, lang, encoding):
    listed = _cli_in_a_legacy_console(tmp_path, encoding, "--lang", lang, "profiles")
    out = listed.stdout.decode(encoding, errors="strict")  # what the console shows
    assert listed.returncode == 0, listed.stderr.decode(encoding, errors="replace")
    assert "cpi-cert-wizard csr --profile" in out
    refused = _cli_in_a_legacy_console(
        tmp_path, encoding, "--lang", lang, "mapping", "--profile", "x"
    )
    err = refused.stderr.decode(encoding, errors="strict")
    assert refused.returncode == 2, err
    assert "Traceback" not in err and "'x'" in err


def test_json_output_is_utf8_whatever_the_console_code_page(tmp_path):
    done = _cli_in_a_legacy_console(
        tmp_path, "cp1252", "--lang", "ja", "mapping", "--profile", "x", "--json"
    )
    data = json.loads(done.stdout.decode("utf-8"))
    assert done.returncode == 2 and data["ok"] is False
    assert "プロファイル" in data["error"]["message"]

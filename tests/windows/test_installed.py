"""The installed Windows program (NSIS installer, per user, under Wine), as a person would use it.

Every test goes through packaging/windows-cli: the program installed by `setup.exe /S` into
%LOCALAPPDATA%\\Programs\\cpi-cert-wizard, with Linux paths handed over as Z:\\ paths. The test
PKI signs its CSR on the Linux side; Linux openssl and keytool read the PKCS#12 it writes. Secrets
go to the Windows Credential Manager (keyring's WinVaultKeyring), which Wine 8 provides.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests import pki
from tests.windows.conftest import (
    ROOT,
    linux_path,
    windows_path,
    wine_reg_query,
    wineprefix,
)
from tests.windows.pictures import distinct_shapes

INSTALL_DIR = ("AppData", "Local", "Programs", "cpi-cert-wizard")
SCREENSHOTS = sorted(p.name for p in (ROOT / "docs" / "screenshots").glob("*.png"))
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def test_self_check_passes_in_the_per_user_installation(windows_cli):
    run = windows_cli(["--self-check"])
    assert run.code == 0, run
    assert "self-check: OK" in run.out, run
    executable = next(
        line for line in run.out.splitlines() if line.strip().startswith("executable")
    )
    assert "\\".join(INSTALL_DIR) + "\\cpi-cert-wizard-cli.exe" in executable, run
    assert "WinVaultKeyring" in run.out, run  # the Windows Credential Manager, not a fallback
    assert "translations   de, fr, es, ja" in run.out, run


def test_installer_adds_both_programs_a_start_menu_entry_and_an_uninstaller(windows_cli):
    windows_cli(["--version"])  # installed by now
    users = wineprefix() / "drive_c" / "users"
    folders = [p for p in users.glob("*/" + "/".join(INSTALL_DIR)) if p.is_dir()]
    assert len(folders) == 1, f"expected one per-user installation under {users}, found {folders}"
    folder = folders[0]
    for name in ("cpi-cert-wizard.exe", "cpi-cert-wizard-cli.exe", "uninstall.exe"):
        assert (folder / name).is_file(), f"{name} missing in {folder}"
    start_menu = folder.parents[2] / "Roaming/Microsoft/Windows/Start Menu/Programs"
    assert (start_menu / "CPI Certificate Wizard.lnk").is_file(), sorted(start_menu.iterdir())
    entry = wine_reg_query(
        r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\cpi-cert-wizard"
    )
    assert "CPI Certificate Wizard" in entry, entry
    assert "uninstall.exe" in entry and "DisplayVersion" in entry, entry


def _openssl_info(p12: Path, password: str) -> str:
    done = subprocess.run(
        ["openssl", "pkcs12", "-info", "-noout", "-in", str(p12), "-passin", "env:P12_PASSWORD"],
        capture_output=True, text=True, env={"P12_PASSWORD": password, "PATH": "/usr/bin:/bin"},
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"openssl cannot read {p12}:\n{done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def _keytool_list(p12: Path, password: str) -> str:
    done = subprocess.run(
        ["keytool", "-list", "-v", "-storetype", "PKCS12", "-keystore", str(p12),
         "-storepass:env", "P12_PASSWORD"],
        capture_output=True, text=True, env={"P12_PASSWORD": password, "PATH": "/usr/bin:/bin"},
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"keytool cannot read {p12}:\n{done.stdout}{done.stderr}"
    return done.stdout


def test_whole_flow_csr_signed_reply_pkcs12_read_by_openssl_and_keytool(
    windows_cli, home: Path, profile: str, tmp_path: Path
):
    # 1. The key and the CSR; the key's passphrase goes to the Windows Credential Manager.
    run = windows_cli(
        ["csr", "--json", "--profile", profile, "--cn", "sender.example.com", "--org", "Müller AG",
         "--country", "DE"],
        home=home,
    )  # fmt: skip
    assert run.code == 0, run
    made = json.loads(run.out)
    assert made["ok"] is True and "WinVaultKeyring" in made["passphrase_kept_in"], made
    assert made["files"]["csr"].startswith(windows_path(home)), made["files"]  # a Windows path
    csr = x509.load_pem_x509_csr(linux_path(made["files"]["csr"]).read_bytes())
    assert csr.is_signature_valid
    assert csr.subject.rfc4514_string() == "CN=sender.example.com,O=Müller AG,C=DE"
    key_pem = linux_path(made["files"]["key"]).read_bytes()
    assert key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----"), key_pem[:40]

    # 2. The CA (the test PKI, on Linux) signs it; its reply is a DER PKCS#7 bundle.
    root = pki.root("Windows Test Root CA")
    issuing = root.intermediate("Windows Test Issuing CA")
    leaf = issuing.sign_csr(csr)
    reply = tmp_path / "reply.p7b"
    reply.write_bytes(pki.p7b(leaf, issuing.cert))
    root_file = tmp_path / "root.pem"
    root_file.write_bytes(root.pem())

    # 3. import-reply: the key's passphrase is read back from the Credential Manager.
    run = windows_cli(
        ["import-reply", "--json", "--profile", profile, reply, "--ca-file", root_file], home=home
    )
    assert run.code == 0, run
    assert json.loads(run.out)["ok"] is True, run

    # 4. export-p12, modern and legacy, read by Linux openssl and keytool.
    for legacy, mac, cipher in ((False, "sha256", "AES-256-CBC"), (True, "sha1", "3DES")):
        out = tmp_path / ("legacy" if legacy else "modern") / "client.p12"
        run = windows_cli(
            ["export-p12", "--json", "--profile", profile, f"--out={out}",
             *(["--legacy"] if legacy else [])],
            home=home,
        )  # fmt: skip
        assert run.code == 0, run
        exported = json.loads(run.out)
        assert linux_path(exported["files"]["p12"]) == out, exported["files"]
        shown = windows_cli(["secret", "show", "--json", "--profile", profile, "p12"], home=home)
        assert shown.code == 0, shown
        password = json.loads(shown.out)["secret"]
        info = _openssl_info(out, password)
        assert f"MAC: {mac}" in info, info
        assert cipher in info.replace("pbeWithSHA1And3-KeyTripleDES-CBC", "3DES"), info
        listing = _keytool_list(out, password)
        assert "PrivateKeyEntry" in listing and "Certificate chain length: 2" in listing, listing
        assert "sender.example.com" in listing, listing

    # 5. The passphrase round trip: what the Credential Manager returns opens the key, and no file
    #    the program wrote holds it.
    shown = windows_cli(["secret", "show", "--json", "--profile", profile, "key"], home=home)
    assert shown.code == 0, shown
    passphrase = json.loads(shown.out)["secret"]
    serialization.load_pem_private_key(key_pem, passphrase.encode())
    for path in [*home.rglob("*"), *tmp_path.rglob("*.p12")]:
        if path.is_file():
            assert passphrase.encode() not in path.read_bytes(), f"the key passphrase is in {path}"


def _linux_cli(args: list[str], home: Path, lang_env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        capture_output=True, text=True, cwd=ROOT, check=False,
        env={"PATH": "/usr/bin:/bin", "CPI_CERT_WIZARD_HOME": str(home), "LANG": lang_env,
             "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "windows_locale", "code_page"),
    [
        ("de", "de_DE.UTF-8", "1252"),
        ("ja", "ja_JP.UTF-8", "932"),
        ("ja", "en_US.UTF-8", "1252"),  # Japanese text on a Western Windows: no character fits
    ],
)
def test_german_and_japanese_messages_come_out_readable_in_any_windows_code_page(
    windows_cli, home: Path, lang: str, windows_locale: str, code_page: str
):
    """The same message as the Linux program, in UTF-8, whatever the Windows code page (Wine
    takes it from LC_ALL): no UnicodeEncodeError, no '?' and no code-page bytes."""
    args = ["--lang", lang, "export-p12", "--profile", "nosuch"]
    run = windows_cli(args, home=home, env={"LC_ALL": windows_locale})
    assert run.code == 2, run
    assert "Traceback" not in run.err and "UnicodeEncodeError" not in run.err, run
    linux = _linux_cli(args, home, "C.UTF-8")
    assert linux.returncode == 2, linux.stderr
    expected = next(line for line in linux.stderr.splitlines() if "nosuch" in line)
    got = next((line for line in run.err.splitlines() if "nosuch" in line), run.err)
    got = got.replace(windows_path(home / "profiles"), str(home / "profiles"))
    assert got == expected, f"Windows ({code_page}): {got!r}\nLinux: {expected!r}"
    assert "…" in got  # U+2026 is byte 0x85 in code page 1252: it must stay UTF-8
    if lang == "ja":
        assert "プロファイル" in got


def _tour(windows_cli, home: Path, out: Path, fonts: Path, lang: str) -> list[Path]:
    run = windows_cli(
        ["--lang", lang, "gui", "--screenshots", out],
        home=home,
        env={"WINEQT_QPA_PLATFORM": "offscreen", "WINEQT_QPA_FONTDIR": windows_path(fonts)},
    )
    assert run.code == 0, run
    pictures = sorted(out.glob("*.png"))
    assert [p.name for p in pictures] == SCREENSHOTS, run
    return pictures


@pytest.mark.parametrize("lang", ["en", "de", "ja"])
def test_screenshot_tour_shows_text_not_boxes(windows_cli, home: Path, tmp_path: Path, lang: str):
    """Every page of the wizard, rendered by the Windows Qt (offscreen) with the DejaVu fonts (and
    Noto CJK for Japanese): many different letter shapes on each page. Without a usable font Qt
    draws the same box for every character, which gives fewer than a dozen shapes a page."""
    if not sorted(DEJAVU.glob("DejaVuSans*.ttf")):
        pytest.fail(f"no DejaVu fonts in {DEJAVU}: apt-get install fonts-dejavu-core")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for font in sorted(DEJAVU.glob("DejaVuSans*.ttf")):
        (fonts / font.name).symlink_to(font)
    if lang == "ja":
        if not NOTO_CJK.is_file():
            pytest.skip(
                f"{NOTO_CJK} missing (apt-get install fonts-noto-cjk; make test installs it)"
            )
        # Qt's font folder scan takes *.ttf and *.otf only; a collection (.ttc) under a .ttf name is
        # read whole (every face of it).
        (fonts / f"{NOTO_CJK.stem}.ttf").symlink_to(NOTO_CJK)
    pictures = _tour(windows_cli, home, tmp_path / "shots", fonts, lang)
    for picture in pictures:
        shapes, different = distinct_shapes(picture)
        assert different >= 40, (
            f"{picture.name} ({lang}) shows {different} different shapes among {shapes}: boxes, "
            "not text"
        )


def test_uninstaller_removes_the_program_and_keeps_the_profiles(windows_cli, profile: str):
    """The profiles live in the user's data folder (%LOCALAPPDATA%\\cpi-cert-wizard), apart from the
    program (%LOCALAPPDATA%\\Programs\\cpi-cert-wizard): uninstalling removes the program, its
    Start-menu entry and its Settings > Apps entry, never the profiles. packaging/windows-cli
    installs the program again on its next call."""
    run = windows_cli(["csr", "--json", "--profile", profile, "--cn", "uninstall.example.com"])
    assert run.code == 0, run
    csr_path = linux_path(json.loads(run.out)["files"]["csr"])
    assert csr_path.parts[-6:-2] == ("AppData", "Local", "cpi-cert-wizard", "profiles"), csr_path
    program = csr_path.parents[3] / "Programs" / "cpi-cert-wizard"
    start_menu = csr_path.parents[4] / "Roaming/Microsoft/Windows/Start Menu/Programs"
    assert (program / "uninstall.exe").is_file()

    done = subprocess.run(
        ["bash", "-c", '. packaging/wine/env.sh && wine_piped "$1" /S', "uninstall",
         str(program / "uninstall.exe")],
        capture_output=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done
    for _ in range(120):  # the uninstaller goes on from a copy of itself in %TEMP%
        if not program.exists():
            break
        time.sleep(0.5)
    assert not program.exists(), sorted(program.rglob("*"))[:20]
    assert not (start_menu / "CPI Certificate Wizard.lnk").exists()
    entry = wine_reg_query(
        r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\cpi-cert-wizard"
    )
    assert "DisplayName" not in entry, entry
    assert csr_path.is_file(), "the uninstaller removed a profile"

    again = windows_cli(["--version"])  # installs it again
    assert again.code == 0, again
    assert (program / "cpi-cert-wizard-cli.exe").is_file()

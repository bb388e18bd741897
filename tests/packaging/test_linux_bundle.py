"""The Linux installer, built by `packaging/build-linux` and installed into a temporary root.

One build per session (a few minutes): the tests then run the installed, frozen program the way a
user would, and read the .deb and the tarball the way dpkg and tar do.
"""

from __future__ import annotations

import configparser
import io
import json
import os
import re
import subprocess
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import qVersion

import wizard
from wizard.language import TRANSLATED
from wizard.ui.screenshots import FILE_NAMES

from .conftest import NAME, ROOT, Installed, LinuxBuild

pytestmark = pytest.mark.slow

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def frozen_env(**extra: str) -> dict[str, str]:
    """The user's environment, without anything that would let the frozen program see ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_"))}
    env.pop("WAYLAND_DISPLAY", None)
    return {**env, **extra}


def run(args: list, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("env", frozen_env())
    kwargs.setdefault("text", True)
    return subprocess.run(
        [str(a) for a in args], capture_output=True, timeout=300, check=False, **kwargs
    )


def test_installed_program_passes_its_self_check_with_the_os_keyring(installed: Installed):
    # The real SecretService (gnome-keyring) when the suite runs under `make test`; otherwise a
    # private D-Bus session with one, as tests/keyring-session.sh sets it up.
    prefix = [] if os.environ.get("CPI_TEST_REAL_KEYRING") else [
        "dbus-run-session", "--", "sh", ROOT / "tests" / "keyring-session.sh",
    ]  # fmt: skip

    done = run([*prefix, installed.program, "--self-check", "--json"])

    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["problems"] == [] and report["notes"] == []
    assert report["frozen"] is True
    assert report["version"] == wizard.__version__
    assert report["qt"] == qVersion()
    assert report["openssl_cryptography"].startswith("OpenSSL")
    assert report["openssl_python"].startswith("OpenSSL")
    # keyring's metadata made it into the bundle: the OS keyring is found, not "no keyring".
    assert "SecretService" in report["keyring"]
    assert tuple(report["qt_translations"]) == TRANSLATED
    assert report["resources"] == str(installed.internal / "wizard" / "resources")
    assert report["certifi"] == str(installed.internal / "certifi" / "cacert.pem")
    assert report["certifi_certificates"] > 100
    assert report["sap_list"].startswith("SAP BTP trust store")
    # Every catalogue of the source tree is in the bundle and loads.
    sources = sorted(p.stem.rsplit("_", 1)[1] for p in (ROOT / "translations").glob("*.ts"))
    assert sorted(report["translations"]) == sources


def test_installed_program_walks_the_sandbox_flow_offscreen_and_saves_every_page(
    installed: Installed, tmp_path: Path
):
    shots = tmp_path / "shots"

    done = run(
        [installed.program, "gui", "--screenshots", shots],
        env=frozen_env(QT_QPA_PLATFORM="offscreen"),
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    for name in FILE_NAMES.values():
        picture = (shots / name).read_bytes()
        assert picture.startswith(PNG_MAGIC), name
        assert len(picture) > 5000, f"{name} is nearly empty"


def test_installed_program_opens_its_window_on_an_x_display_through_the_launcher(
    installed: Installed, tmp_path: Path
):
    # /usr/bin/cpi-cert-wizard points at /opt; in the temporary root a link of our own does.
    assert os.readlink(installed.root / "usr/bin" / NAME) == f"/opt/{NAME}/{NAME}"
    launcher = tmp_path / "bin" / NAME
    launcher.parent.mkdir()
    launcher.symlink_to(installed.program)

    done = run(
        ["xvfb-run", "-a", launcher, "--home", tmp_path / "home", "gui", "--lang", "de"],
        env=frozen_env(QT_QPA_PLATFORM="xcb", CPI_CERT_WIZARD_EXIT_AFTER_PAINT="1"),
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^first-paint \d+\.\d+$", done.stdout, re.M), done.stdout + done.stderr
    assert "Could not load the Qt platform plugin" not in done.stderr


def test_deb_installs_launcher_desktop_entry_icon_and_metainfo(
    linux_build: LinuxBuild, installed: Installed
):
    def field(name: str) -> str:
        return run(["dpkg-deb", "-f", linux_build.deb, name]).stdout.strip()

    assert field("Package") == NAME
    assert field("Version") == wizard.__version__
    assert field("Architecture") == run(["dpkg", "--print-architecture"]).stdout.strip()
    depends = {d.split()[0] for d in field("Depends").replace("|", ",").split(",")}
    assert {"libegl1", "libgl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3"} <= depends
    assert "libxcb-cursor0" in depends  # Qt's xcb plugin refuses to start without it
    installed_kb = int(field("Installed-Size"))
    assert installed_kb * 1024 >= sum(
        p.stat().st_size for p in installed.root.rglob("*") if p.is_file() and not p.is_symlink()
    )

    share = installed.root / "usr" / "share"
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(share / "applications" / f"{NAME}.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Terminal"] == "false"
    assert desktop["Exec"].split()[0] == NAME  # found on PATH through /usr/bin
    icon = share / "icons" / "hicolor" / "scalable" / "apps" / f"{desktop['Icon']}.svg"
    assert icon.read_bytes() == (ROOT / "wizard" / "resources" / "icons" / "app.svg").read_bytes()

    meta = ET.parse(share / "metainfo" / f"{NAME}.metainfo.xml").getroot()  # noqa: S314 (ours)
    assert meta.get("type") == "desktop-application"
    assert meta.findtext("launchable") == f"{NAME}.desktop"
    assert meta.find("releases/release").get("version") == wizard.__version__
    assert "@" not in ET.tostring(meta, encoding="unicode")  # every placeholder filled in


def _elf_files(folder: Path) -> list[Path]:
    return [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and p.open("rb").read(4) == b"\x7fELF"
    ]


def _dependency_closure(packages: set[str]) -> set[str]:
    """Installed packages reachable from `packages` through Depends/Pre-Depends (and Provides)."""
    listing = run(
        ["dpkg-query", "-W", "-f=${Package}\t${Depends}, ${Pre-Depends}\t${Provides}\n"]
    ).stdout
    depends: dict[str, set[str]] = {}
    provided_by: dict[str, set[str]] = {}
    for line in listing.splitlines():
        package, deps, provides = line.split("\t")
        depends[package] = {d.split()[0] for d in re.split(r"[,|]", deps) if d.strip()}
        for virtual in re.split(r",", provides):
            if virtual.strip():
                provided_by.setdefault(virtual.split()[0], set()).add(package)
    seen: set[str] = set()
    todo = list(packages)
    while todo:
        package = todo.pop().split(":")[0]
        if package in seen:
            continue
        seen.add(package)
        todo += depends.get(package, set()) | provided_by.get(package, set())
    return seen


def test_deb_declares_every_system_library_the_bundle_loads(
    linux_build: LinuxBuild, installed: Installed
):
    outside: dict[str, Path] = {}
    unresolved: list[str] = []
    for elf in _elf_files(installed.root / "opt"):
        env = {"LD_LIBRARY_PATH": str(installed.internal), "PATH": os.environ["PATH"]}
        done = run(["ldd", elf], env=env)
        for line in done.stdout.splitlines():
            if "=>" not in line:
                continue
            soname, target = (part.strip() for part in line.split("=>", 1))
            if target.startswith("not found"):
                unresolved.append(f"{elf.relative_to(installed.root)}: {soname}")
            elif target.startswith("/") and not target.startswith(str(installed.root)):
                outside[soname] = Path(target.split()[0])
    assert unresolved == []
    assert "libxcb-cursor.so.0" in outside and "libfontconfig.so.1" in outside

    owners: dict[str, str] = {}
    for soname, path in outside.items():
        for candidate in (path, path.resolve()):
            found = run(["dpkg", "-S", candidate]).stdout
            if found:
                owners[soname] = found.split(":")[0]
                break
    assert sorted(set(outside) - set(owners)) == [], "libraries that no package provides"
    declared = run(["dpkg-deb", "-f", linux_build.deb, "Depends"]).stdout
    closure = _dependency_closure({d.split()[0] for d in re.split(r"[,|]", declared)})
    undeclared = {soname: owner for soname, owner in owners.items() if owner not in closure}
    assert undeclared == {}


def test_bundle_carries_only_the_qt_parts_the_program_loads(installed: Installed):
    qt = installed.internal / "PySide6" / "Qt"
    plugins = sorted(str(p.relative_to(qt / "plugins")) for p in (qt / "plugins").rglob("*.so"))
    assert plugins == [
        "iconengines/libqsvgicon.so",
        "imageformats/libqsvg.so",
        "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "platforminputcontexts/libibusplatforminputcontextplugin.so",
        "platforms/libqoffscreen.so",
        "platforms/libqxcb.so",
    ]
    translations = sorted(p.name for p in (qt / "translations").iterdir())
    assert translations == sorted(f"qtbase_{lang}.qm" for lang in TRANSLATED)
    libraries = {p.name for p in installed.internal.rglob("*.so*")}
    for unused in ("libQt6Network", "libQt6Qml", "libQt6Quick", "libQt6WaylandClient", "libgtk-3"):
        assert not any(name.startswith(unused) for name in libraries), unused
    # The desktop's own libraries come from the system (the .deb's Depends), never a copy.
    for system in ("libX11", "libxcb", "libfontconfig", "libfreetype", "libdbus-1", "libglib"):
        assert not any(name.startswith(system) for name in libraries), system


def test_deb_and_tarball_hold_the_same_bundle_with_one_time_stamp_owned_by_root(
    linux_build: LinuxBuild, installed: Installed
):
    stamp = linux_build.source_date_epoch
    listing = run(["dpkg-deb", "--fsys-tarfile", linux_build.deb], text=False).stdout
    deb_members = tarfile.open(fileobj=io.BytesIO(listing)).getmembers()
    assert {m.mtime for m in deb_members} == {stamp}
    assert {(m.uid, m.gid, m.uname, m.gname) for m in deb_members} == {(0, 0, "root", "root")}

    with tarfile.open(linux_build.tarball) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names, key=lambda n: n.split("/"))  # tar --sort=name: depth-first
    assert {m.mtime for m in members} == {stamp}
    assert {(m.uid, m.gid) for m in members} == {(0, 0)}
    in_deb = {
        m.name.removeprefix("./opt/")
        for m in deb_members
        if m.name.startswith(f"./opt/{NAME}/") and not m.isdir()
    }
    assert {m.name for m in members if not m.isdir()} == in_deb

"""Shared fixtures: a temporary home, an in-memory keyring, the CLI run in-process."""

from __future__ import annotations

import json
import os
import runpy
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# pytest-qt aborts Python without a display; every Qt test here runs offscreen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring

from wizard.core import secrets

# Wine 8 lacks what Python 3.12's file copy calls on Windows: work round it here and in every
# Python the tests start (tests/wine_site/sitecustomize.py; nothing changes elsewhere).
if sys.platform == "win32":
    _WINE_SITE = str(Path(__file__).resolve().parent / "wine_site")
    runpy.run_path(str(Path(_WINE_SITE) / "sitecustomize.py"))  # this process
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (_WINE_SITE, os.environ.get("PYTHONPATH")) if p
    )

# Markers whose tests cannot run on Windows (the Windows leg under Wine), with the reason shown.
NOT_ON_WINDOWS = {
    "nginx": "starts Debian's nginx",
    "keyring": "needs gnome-keyring (SecretService on D-Bus)",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "linux_only(reason): needs Linux (a tool or an OS feature Windows lacks); elsewhere the "
        "test is skipped and the reason is printed",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("linux_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason")
            if not reason:
                raise pytest.UsageError(f"{item.nodeid}: linux_only needs a reason")
            if not sys.platform.startswith("linux"):
                item.add_marker(pytest.mark.skip(reason=f"Linux only: {reason}"))
        if sys.platform == "win32":
            for name, reason in NOT_ON_WINDOWS.items():
                if item.get_closest_marker(name) is not None:
                    item.add_marker(pytest.mark.skip(reason=f"Linux only: {reason}"))


class MemoryKeyring(secrets.MemoryKeyring):
    """A real keyring backend that keeps its entries in a dict (for unit tests)."""

    def __init__(self) -> None:
        super().__init__("test memory keyring")


@pytest.fixture(autouse=True)
def command_line_face_after_the_test() -> Iterator[None]:
    """The window asks core for its words (Face.GUI); every test after one that opened a window gets the command line's words again."""
    from wizard.core.i18n import Face, set_face

    yield
    set_face(Face.CLI)


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The program follows the system locale; tests read English unless they choose a language."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("CPI_CERT_WIZARD_HOME", str(path))
    for var in (
        "CPI_CERT_WIZARD_KEY_PASSPHRASE",
        "CPI_CERT_WIZARD_P12_PASSWORD",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(var, raising=False)
    return path


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def cli(home: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture):
    """Run `cpi-cert-wizard ARGS` in-process with the temp home and the memory keyring."""
    from wizard.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run

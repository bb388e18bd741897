"""The INSTALLED Windows program, driven from Linux through packaging/windows-cli (Wine).

`make test-windows` builds the installer (packaging/build-windows) and runs these tests with
CPI_WINDOWS_TESTS=required: then a missing Wine or installer fails the run. In a plain `make test`
they run when Wine and an installer in dist/ are there, and are skipped (saying which is missing)
when not; CI runs them in the Windows leg.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
WINDOWS_CLI = ROOT / "packaging" / "windows-cli"
REQUIRED = os.environ.get("CPI_WINDOWS_TESTS") == "required"
# Messages Wine itself prints on stderr, and bash's when it lacks the Linux locale we hand to Wine.
NOISE = (
    "it looks like wine32 is missing",
    "multiarch needs",
    'execute "dpkg',
    "apt-get install wine32",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "windows: drives the installed Windows program under Wine (make test-windows)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.windows)


def setups() -> list[Path]:
    return sorted(
        (ROOT / "dist").glob("cpi-cert-wizard-*-windows-x64-setup.exe"),
        key=lambda p: p.stat().st_mtime,
    )


def why_not() -> str | None:
    """Why the installed Windows program cannot be driven here, or None."""
    if shutil.which("wine") is None:
        return "Wine is not installed (apt-get install wine wine64; `make test-windows` does it)"
    if not setups():
        return (
            "no Windows installer in dist/: build one with packaging/build-windows "
            "(`make test-windows` builds it and runs these tests)"
        )
    return None


@dataclass
class Run:
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def windows_path(path: Path) -> str:
    """How the Windows program names a Linux path (Wine maps / to drive Z:)."""
    return str(PureWindowsPath("Z:\\", *path.parts[1:]))


def linux_path(text: str) -> Path:
    """The Linux path of a path the Windows program printed: Z:\\ is the Linux root under Wine,
    C:\\ the prefix's drive_c."""
    win = PureWindowsPath(text)
    if win.drive.upper() == "C:":
        return Path(wineprefix(), "drive_c", *win.parts[1:])
    assert win.drive.upper() == "Z:", f"{text} is on neither Z: (Linux's /) nor C: (the prefix)"
    return Path("/", *win.parts[1:])


def decode(data: bytes, what: str) -> str:
    """UTF-8 text with Windows line ends made Unix ones; any other byte fails (mojibake)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AssertionError(
            f"the Windows program's {what} is not UTF-8 ({exc}): {data!r}"
        ) from exc
    return text.replace("\r\n", "\n")


@pytest.fixture(scope="session")
def windows_cli() -> Callable[..., Run]:
    """`windows_cli(args, home=..., env=..., input=...)` runs packaging/windows-cli ARGS; the
    first call installs the newest installer of dist/ silently, as a person would."""
    reason = why_not()
    if reason:
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)

    def run(
        args: list[str | Path],
        *,
        home: Path | None = None,
        env: dict[str, str] | None = None,
        input: bytes | None = None,
        timeout: float = 600,
    ) -> Run:
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CPI_CERT_WIZARD_", "QT_", "WINEQT_"))
        }
        if home is not None:
            environment["CPI_CERT_WIZARD_HOME"] = str(home)
        environment.update(env or {})
        done = subprocess.run(
            [str(WINDOWS_CLI), *map(str, args)],
            input=input if input is not None else b"",
            capture_output=True, env=environment, timeout=timeout, check=False, cwd=ROOT,
        )  # fmt: skip
        err = "\n".join(
            line
            for line in decode(done.stderr, "stderr").split("\n")
            if not line.startswith(NOISE) and "setlocale: LC_ALL: cannot change locale" not in line
        )
        return Run(done.returncode, decode(done.stdout, "stdout"), err)

    first = run(["--version"])
    assert first.code == 0, f"the installed Windows program does not start:\n{first}"
    return run


@pytest.fixture
def profile() -> str:
    """A profile name of its own: the Windows Credential Manager of the prefix outlives a test."""
    return f"win-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def wine_reg_query(key: str) -> str:
    """`reg query KEY` in the program's Wine prefix (the uninstaller's registration)."""
    done = subprocess.run(
        ["bash", "-c", '. packaging/wine/env.sh && wine_piped reg query "$1"', "reg", key],
        capture_output=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    return done.stdout.decode("utf-8", "replace").replace("\r\n", "\n")


@functools.cache
def wineprefix() -> Path:
    done = subprocess.run(
        ["bash", "-c", '. packaging/wine/env.sh && printf %s "$WINEPREFIX"'],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    return Path(done.stdout)

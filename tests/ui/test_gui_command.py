"""`cpi-cert-wizard` without a subcommand opens the wizard; `gui --screenshots DIR` tours it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from wizard.ui.app import EXIT_AFTER_PAINT
from wizard.ui.screenshots import FILE_NAMES

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "CPI_CERT_WIZARD_HOME": str(home),
            **env,
        },
    )


def test_no_subcommand_opens_the_wizard_window(home):
    done = run(home=home, **{EXIT_AFTER_PAINT: "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("first-paint ")


def test_screenshots_command_saves_every_page_without_touching_the_home(tmp_path, home):
    out = tmp_path / "shots"
    done = run("gui", "--screenshots", str(out), home=home)
    assert done.returncode == 0, done.stderr
    for name in FILE_NAMES.values():
        assert (out / name).read_bytes().startswith(b"\x89PNG"), name
    assert done.stdout.split() == [str(out / n) for n in FILE_NAMES.values()]
    assert not (home / "profiles").exists()  # the tour used a temporary home

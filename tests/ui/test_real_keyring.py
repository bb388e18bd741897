"""With the desktop's real keyring (GNOME Keyring over SecretService): the export page says where
the password went, and Remove takes the profile's entries out of it again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from wizard.core.flow import Step
from wizard.core.secrets import SERVICE

from .conftest import sandbox_walk

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.keyring
def test_export_names_the_real_keyring_and_remove_empties_it(open_wizard, monkeypatch):
    if not os.environ.get("CPI_TEST_REAL_KEYRING"):
        # Not inside `make test`'s keyring session: run this test again inside a private one.
        done = subprocess.run(
            ["dbus-run-session", "--", "sh", "tests/keyring-session.sh", sys.executable, "-m",
             "pytest", f"{__file__}::{test_export_names_the_real_keyring_and_remove_empties_it.__name__}",
             "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "1 passed" in done.stdout
        return
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    first = open_wizard(keyring=backend)
    sandbox_walk(first, Step.TENANT_ENTRY)
    name = first.window.session.name
    export = first.page_of(Step.EXPORT)
    assert "SecretService" in export.outcome.text()
    password = backend.get_password(SERVICE, f"{name}/p12")
    assert password and password == export.result.password
    assert backend.get_password(SERVICE, f"{name}/key")
    first.window.close()

    second = open_wizard(keyring=backend)
    start = second.page_of(Step.START)
    start.select(name)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    second.click(start.remove_button)
    second.qtbot.waitUntil(lambda: start.rows == [] and not start.running, timeout=20000)
    assert backend.get_password(SERVICE, f"{name}/p12") is None
    assert backend.get_password(SERVICE, f"{name}/key") is None

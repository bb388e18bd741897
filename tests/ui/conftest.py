"""Fixtures for the wizard's tests: a real window on the offscreen platform, a memory keyring,
the sandbox tenant; helpers that click the wizard's own buttons and wait for its workers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QWizard

from wizard.core.flow import Step
from wizard.ui.app import GuiOptions, build_window


class Driver:
    """Drives a CertWizard the way a person does: its buttons, then waiting for the workers."""

    def __init__(self, qtbot, window) -> None:
        self.qtbot = qtbot
        self.window = window

    @property
    def page(self):
        return self.window.currentPage()

    def page_of(self, step: Step):
        return self.window.pages[step]

    def button(self, which: QWizard.WizardButton):
        return self.window.button(which)

    def click(self, widget) -> None:
        assert widget.isVisible(), f"{widget.objectName() or widget} is not visible"
        assert widget.isEnabled(), f"{widget.objectName() or widget} is disabled"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def idle(self, timeout: int = 60000) -> None:
        """Wait until the current page has no worker running."""
        self.qtbot.waitUntil(
            lambda: self.page is not None and not self.page.running, timeout=timeout
        )

    def next(self, expect: Step, timeout: int = 60000) -> None:
        """Click Next (the commit button on commit pages) and wait for page `expect`, settled."""
        self.idle(timeout)
        page = self.page
        commit = page.isCommitPage()
        button = self.button(
            QWizard.WizardButton.CommitButton if commit else QWizard.WizardButton.NextButton
        )
        self.qtbot.waitUntil(button.isEnabled, timeout=timeout)
        self.click(button)
        self.qtbot.waitUntil(lambda: self.window.currentId() == int(expect), timeout=timeout)
        self.idle(timeout)

    def back(self) -> None:
        self.click(self.button(QWizard.WizardButton.BackButton))

    def at(self) -> Step:
        return Step(self.window.currentId())

    def wait_start_list(self) -> None:
        start = self.page_of(Step.START)
        self.qtbot.waitUntil(lambda: start.rows_loaded_once and not start.running, timeout=30000)


@pytest.fixture
def secrets(memory_keyring):
    from wizard.core.secrets import Secrets

    return Secrets(backend=memory_keyring)


def open_window(qtbot, home: Path, secrets, **options):
    window = build_window(GuiOptions(home=home, secrets=secrets, **options))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._painted, timeout=10000)
    return window


@pytest.fixture
def open_wizard(qtbot, home: Path, secrets) -> Iterator:
    """Open a wizard window (as many as a test needs); all are shut down after the test."""
    windows = []

    def make(**options) -> Driver:
        window = open_window(qtbot, home, options.pop("secrets", secrets), **options)
        windows.append(window)
        driver = Driver(qtbot, window)
        driver.wait_start_list()
        return driver

    yield make
    for window in windows:
        window.shutdown()
    QThreadPool.globalInstance().waitForDone(60000)


@pytest.fixture
def wizard(open_wizard) -> Driver:
    return open_wizard()


@pytest.fixture
def main_thread_name() -> str:
    return threading.main_thread().name

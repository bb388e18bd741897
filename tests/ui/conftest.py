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
    """The same memory keyring the windows use, for looking at what they stored."""
    from wizard.core.secrets import Secrets

    return Secrets(backend=memory_keyring)


def open_window(qtbot, home: Path, keyring, **options):
    window = build_window(GuiOptions(home=home, keyring=keyring, **options))
    window.ask_before_closing = False  # pytest-qt closes every window after the test
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._painted and window.ready, timeout=10000)
    return window


@pytest.fixture
def open_wizard(qtbot, home: Path, memory_keyring) -> Iterator:
    """Open a wizard window (as many as a test needs); all are shut down after the test.

    The window keeps its secrets in the test's memory keyring unless `keyring=` says otherwise.
    """
    windows = []

    def make(**options) -> Driver:
        window = open_window(qtbot, home, options.pop("keyring", memory_keyring), **options)
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


def sandbox_walk(wizard: Driver, stop: Step, *, map_it: bool = True) -> None:
    """From the start page through the sandbox flow until page `stop` is shown and settled."""
    start = wizard.page_of(Step.START)
    wizard.click(start.sandbox_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT, timeout=30000)
    wizard.idle()
    steps = [
        Step.TRUST,
        Step.KEY,
        Step.WAITING,
        Step.CERTIFICATE,
        Step.EXPORT,
        Step.TENANT_ENTRY,
        Step.TEST_CALL,
        Step.SUMMARY,
    ]
    actions = {
        Step.KEY: lambda page: wizard.click(page.generate_button),
        Step.WAITING: lambda page: wizard.click(page.sandbox_sign),
        Step.CERTIFICATE: lambda page: wizard.click(page.import_button),
        Step.EXPORT: lambda page: wizard.click(page.export_button),
        Step.TENANT_ENTRY: (
            (lambda page: wizard.click(page.sandbox_button)) if map_it else (lambda page: None)
        ),
    }
    for step in steps:
        wizard.next(step)
        if step is stop:
            return
        action = actions.get(step)
        if action is not None:
            action(wizard.page_of(step))
            wizard.idle()

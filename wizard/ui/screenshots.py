"""`gui --screenshots DIR`: walk the sandbox flow offscreen and save a PNG of every page.

It runs in a temporary home with an in-memory keyring, so the user's profiles and keyring are
never touched; the pictures are the same pages a user sees (for the README and for reviewing
translations).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QThreadPool, QTimer
from PySide6.QtWidgets import QWizard

from wizard.core.errors import WizardError
from wizard.core.flow import Step
from wizard.ui.app import GuiOptions, build_window, create_application
from wizard.ui.wizard import DEFAULT_SIZE

FILE_NAMES: dict[Step, str] = {
    Step.START: "00-start.png",
    Step.TENANT: "01-tenant.png",
    Step.TRUST: "02-trust.png",
    Step.KEY: "03-key.png",
    Step.WAITING: "04-waiting.png",
    Step.CERTIFICATE: "05-certificate.png",
    Step.EXPORT: "06-export.png",
    Step.TENANT_ENTRY: "07-tenant-entry.png",
    Step.TEST_CALL: "08-test-call.png",
    Step.SUMMARY: "09-summary.png",
}


def _memory_keyring():
    # keyring loads slowly: imported only when the tour starts
    from wizard.core.secrets import MemoryKeyring

    return MemoryKeyring("screenshot memory keyring")


def wait_until(condition: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    """Run the event loop (idle, never busy-waiting) until `condition()` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise WizardError("screenshots.timeout", f"The tour got stuck waiting for {what}.")
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def idle(window) -> Callable[[], bool]:
    return lambda: window.currentPage() is not None and not window.currentPage().running


def tour(window, *, shot: Callable[[Step], None]) -> None:
    """Drive the real wizard through the sandbox flow, calling `shot` on every page."""
    pages = window.pages

    def go_next(step: Step) -> None:
        wait_until(idle(window), what="the page to finish its work")
        commit = window.currentPage().isCommitPage()
        nxt = window.button(
            QWizard.WizardButton.CommitButton if commit else QWizard.WizardButton.NextButton
        )
        wait_until(nxt.isEnabled, what=f"Next to be enabled before {step.name}")
        nxt.click()
        wait_until(lambda: window.currentId() == step, what=f"page {step.name}")
        wait_until(idle(window), what=f"page {step.name} to settle")

    wait_until(lambda: window.ready, what="the pages")  # the start page too (after the paint)
    start = pages[Step.START]
    wait_until(lambda: start.rows_loaded_once and not start.running, what="the profile list")
    shot(Step.START)
    pages[Step.START].sandbox_button.click()
    wait_until(lambda: window.currentId() == Step.TENANT, what="the sandbox to start")
    wait_until(idle(window))
    shot(Step.TENANT)
    go_next(Step.TRUST)
    shot(Step.TRUST)
    if not pages[Step.TRUST].isComplete():  # fetch-root failed or is missing: say so, go on
        pages[Step.TRUST].skip.setChecked(True)
    go_next(Step.KEY)
    shot(Step.KEY)  # the subject form, filled in (the request itself shows on the next page)
    pages[Step.KEY].generate()
    wait_until(
        lambda: pages[Step.KEY].result is not None or pages[Step.KEY].error.message() != "",
        what="the key",
    )
    wait_until(idle(window))
    go_next(Step.WAITING)
    pages[Step.WAITING].sign_with_sandbox()
    wait_until(idle(window))
    shot(Step.WAITING)
    go_next(Step.CERTIFICATE)
    pages[Step.CERTIFICATE].start_import()
    wait_until(idle(window))
    shot(Step.CERTIFICATE)
    go_next(Step.EXPORT)
    pages[Step.EXPORT].export()
    wait_until(idle(window))
    shot(Step.EXPORT)
    go_next(Step.TENANT_ENTRY)
    pages[Step.TENANT_ENTRY].do_in_sandbox()
    wait_until(idle(window))
    shot(Step.TENANT_ENTRY)
    go_next(Step.TEST_CALL)
    shot(Step.TEST_CALL)
    go_next(Step.SUMMARY)
    shot(Step.SUMMARY)


def run_screenshots(out: Path, options: GuiOptions) -> int:
    """`gui --screenshots DIR`: the application offscreen, then the tour."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    create_application(options.argv, options.lang)
    return take_screenshots(out, options)


def take_screenshots(out: Path, options: GuiOptions) -> int:
    out = Path(out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cpi-cert-wizard-tour-") as home:
        tour_options = GuiOptions(home=Path(home), lang=options.lang, keyring=_memory_keyring())
        window = build_window(tour_options)
        window.resize(DEFAULT_SIZE)  # the pictures are the same size on any screen
        window.show()
        saved: list[Path] = []

        def shot(step: Step) -> None:
            QCoreApplication.processEvents()
            path = out / FILE_NAMES[step]
            if not window.grab().save(str(path)):
                raise WizardError("screenshots.write", f"Cannot write {path}.")
            saved.append(path)

        try:
            wait_until(lambda: window._painted, what="the first paint")
            tour(window, shot=shot)
        finally:
            window.shutdown()
            QThreadPool.globalInstance().waitForDone(30000)
            window.close()
        for path in saved:
            print(path)
    return 0

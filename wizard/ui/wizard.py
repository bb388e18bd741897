"""The QWizard: the start page and the nine steps, in the order wizard.core.flow gives."""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget, QWizard

from wizard.core.flow import Step, loggable
from wizard.ui import workers
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import translate
from wizard.ui.widgets.icons import icon

log = logging.getLogger(__name__)

# The step pages in flow order: (module, class), imported when added.
STEP_PAGES: tuple[tuple[str, str], ...] = (
    ("wizard.ui.pages.tenant", "TenantPage"),
    ("wizard.ui.pages.trust", "TrustPage"),
    ("wizard.ui.pages.key", "KeyPage"),
    ("wizard.ui.pages.waiting", "WaitingPage"),
    ("wizard.ui.pages.certificate", "CertificatePage"),
    ("wizard.ui.pages.export", "ExportPage"),
    ("wizard.ui.pages.tenant_entry", "TenantEntryPage"),
    ("wizard.ui.pages.test_call", "TestCallPage"),
    ("wizard.ui.pages.summary", "SummaryPage"),
)


class CertWizard(QWizard):
    """One window: pick a sender system, then walk it from tenant to test call."""

    first_painted = Signal()
    pages_ready = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from wizard.ui.pages.start import StartPage

        self.session = session
        self._painted = False
        self.ready = False  # all nine steps added (right after the first paint)
        session.setParent(self)
        self.setWindowTitle(
            translate("CertWizard", "SAP Cloud Integration: client certificate wizard")
        )
        self.setWindowIcon(icon("app"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.buttonText(QWizard.NextButton))
        self.setMinimumSize(QSize(720, 540))
        self.pages: dict[Step, Page] = {}
        self._pending = list(STEP_PAGES)
        self._add(StartPage)
        self.setStartId(int(Step.START))
        self.currentIdChanged.connect(self._entered)

    def _add(self, page_class: type[Page]) -> None:
        page = page_class(self.session)
        self.pages[page.step] = page
        self.setPage(int(page.step), page)

    def add_step_pages(self) -> None:
        """Add the nine steps one per event-loop turn, after the first paint: the window shows
        at once, and no turn holds the GUI thread for long."""
        if not self._pending:
            self.ready = True
            self.pages_ready.emit()
            return
        module, name = self._pending.pop(0)
        self._add(getattr(importlib.import_module(module), name))
        QTimer.singleShot(0, self.add_step_pages)

    def when_ready(self, action) -> None:
        """Run `action` once every page is there (at once if they are)."""
        if self.ready:
            action()
        else:
            self.pages_ready.connect(action, Qt.ConnectionType.SingleShotConnection)

    @property
    def start_page(self):
        return self.pages[Step.START]

    def page_of(self, step: Step) -> Page:
        return self.pages[step]

    def _entered(self, page_id: int) -> None:
        if page_id < 0:
            return
        step = Step(page_id)
        fields = {"step": step.name, "profile": self.session.name}
        log.info("page %s", loggable(fields))
        if step is Step.START:
            self.session.renew = False
            if self._painted:  # the first list is read after the first paint (app.py)
                self.start_page.refresh()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_painted.emit)

    def sizeHint(self) -> QSize:
        return QSize(860, 640)

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.shutdown()
        super().done(result)

    def shutdown(self) -> None:
        """Cancel what can be cancelled, let the rest finish (it saves), stop the sandbox."""
        for page in self.pages.values():
            page.cancel_job()
        workers.wait_for_jobs(30000)
        self.session.stop_sandbox()

    def keyPressEvent(self, event) -> None:
        # Enter means Next (or Finish); QWizard's default button handles most cases already.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            button = self.button(
                QWizard.WizardButton.FinishButton
                if self.currentPage() and self.currentPage().isFinalPage()
                else QWizard.WizardButton.NextButton
            )
            if button.isVisible() and button.isEnabled():
                button.click()
                return
        super().keyPressEvent(event)

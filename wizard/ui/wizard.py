"""The QWizard: the start page and the nine steps, in the order wizard.core.flow gives."""

from __future__ import annotations

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


class CertWizard(QWizard):
    """One window: pick a sender system, then walk it from tenant to test call."""

    first_painted = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from wizard.ui.pages.certificate import CertificatePage
        from wizard.ui.pages.export import ExportPage
        from wizard.ui.pages.key import KeyPage
        from wizard.ui.pages.start import StartPage
        from wizard.ui.pages.summary import SummaryPage
        from wizard.ui.pages.tenant import TenantPage
        from wizard.ui.pages.tenant_entry import TenantEntryPage
        from wizard.ui.pages.test_call import TestCallPage
        from wizard.ui.pages.trust import TrustPage
        from wizard.ui.pages.waiting import WaitingPage

        self.session = session
        self._painted = False
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
        for page_class in (
            StartPage,
            TenantPage,
            TrustPage,
            KeyPage,
            WaitingPage,
            CertificatePage,
            ExportPage,
            TenantEntryPage,
            TestCallPage,
            SummaryPage,
        ):
            page = page_class(session)
            self.pages[page.step] = page
            self.setPage(int(page.step), page)
        self.setStartId(int(Step.START))
        self.currentIdChanged.connect(self._entered)

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

"""The QWizard: the start page and the nine steps. Which page comes next is wizard.core.flow's
decision (`resolve_next`); this module only knows which class shows which step."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

# Only what the first paint needs (issue 19): Qt's enums are made the first time their class is
# imported (`Qt` alone makes 93 of them), so Qt, QMessageBox and the pages come after the paint.
from PySide6.QtCore import QByteArray, QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from wizard.core.steps import ORDER, Step, next_step
from wizard.ui.text import translate
from wizard.ui.widgets.icons import icon

if TYPE_CHECKING:
    from wizard.ui.pages.base import Page
    from wizard.ui.session import Session

log = logging.getLogger(__name__)

# Which class shows which step: (module, class), imported when added. The order is core's.
PAGE_CLASSES: dict[Step, tuple[str, str]] = {
    Step.TENANT: ("wizard.ui.pages.tenant", "TenantPage"),
    Step.TRUST: ("wizard.ui.pages.trust", "TrustPage"),
    Step.KEY: ("wizard.ui.pages.key", "KeyPage"),
    Step.WAITING: ("wizard.ui.pages.waiting", "WaitingPage"),
    Step.CERTIFICATE: ("wizard.ui.pages.certificate", "CertificatePage"),
    Step.EXPORT: ("wizard.ui.pages.export", "ExportPage"),
    Step.TENANT_ENTRY: ("wizard.ui.pages.tenant_entry", "TenantEntryPage"),
    Step.TEST_CALL: ("wizard.ui.pages.test_call", "TestCallPage"),
    Step.SUMMARY: ("wizard.ui.pages.summary", "SummaryPage"),
}
FORWARD = (
    QWizard.WizardButton.CommitButton,
    QWizard.WizardButton.NextButton,
    QWizard.WizardButton.FinishButton,
)
DEFAULT_SIZE = QSize(860, 640)
MINIMUM_SIZE = QSize(720, 540)


class CertWizard(QWizard):
    """One window: pick a sender system, then walk it from tenant to test call."""

    first_painted = Signal()
    pages_ready = Signal()

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, deferred_start: bool = False
    ) -> None:
        """`deferred_start`: the first paint shows the start page's heading only (StartShell);
        `finish_start`, called right after that paint, builds the real start page in its place."""
        super().__init__(parent)
        self.session = session
        self._painted = False
        self._closing = False
        self.ask_before_closing = True  # closing with typed input asks (tests turn it off)
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
        self.setMinimumSize(minimum_size())
        self.pages: dict[Step, Page] = {}
        self._pending = [PAGE_CLASSES[step] for step in ORDER]
        self._shell = None
        self._cover: QWidget | None = None  # repaint_at_once
        if deferred_start:
            from wizard.ui.pages.start_shell import StartShell

            self._shell = StartShell()
            self.setPage(int(Step.START), self._shell)
        else:
            self._add_start_page()
        self.setStartId(int(Step.START))
        self.currentIdChanged.connect(self._entered)
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setAutoDefault(False)  # Enter never means Back or Cancel
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Finish"))
        self.button(QWizard.WizardButton.FinishButton).setToolTip(
            self.tr("Back to the list of sender systems")
        )
        self._restore_geometry()

    def _add_start_page(self) -> None:
        from wizard.ui.pages.start import StartPage

        self._add(StartPage)

    def finish_start(self) -> None:
        """The real start page in place of the heading shown at the first paint (in one turn of
        the event loop: nothing is painted in between). Entering it reads the list."""
        shell, self._shell = self._shell, None
        if shell is None:
            return
        self.removePage(int(Step.START))
        shell.deleteLater()
        self._add_start_page()
        self.setStartId(int(Step.START))
        self.restart()

    def _add(self, page_class: type[Page]) -> None:
        from PySide6.QtCore import SIGNAL, SLOT, QObject

        page = page_class(self.session)
        self.pages[page.step] = page
        self.setPage(int(page.step), page)
        # QWizard answers every completeChanged by turning the whole window's updates off and
        # on, which repaints each visible widget on its own (5-10 ms of the GUI thread each
        # time, issue 19); a page's completeness only changes whether the forward buttons are
        # enabled, so that is all that is done here (`_follow_complete`).
        QObject.disconnect(page, SIGNAL("completeChanged()"), self, SLOT("_q_updateButtonStates()"))
        page.completeChanged.connect(self._follow_complete)
        page.completeChanged.connect(self._update_cancel)

    # --- navigation: core decides ---

    def nextId(self) -> int:
        if self.currentId() < 0:
            return -1
        step = Step(self.currentId())
        if step is Step.START and Step.START not in self.pages:
            return int(Step.TENANT)  # the heading of the first paint: Next shows, disabled
        chosen = self.start_page.target if step is Step.START else None
        following = next_step(step, chosen)
        return int(following) if following is not None else -1

    def accept(self) -> None:
        """Finish: the sender system is set up; back to the list of sender systems."""
        self.session.set_profile(None)
        self.restart()

    def reject(self) -> None:
        """Cancel or Esc: stop what runs; else back to the list (asking when typed input would
        be lost); on the list itself, close the window."""
        page = self.currentPage()
        if self._closing or page is None:
            super().reject()
            return
        if page.running:
            if page.cancellable:  # a job that cannot be stopped finishes (it saves)
                page.cancel_job()
            return
        if page.step is Step.START:
            self.close()
            return
        if page.unsaved() and not self._confirm_discard():
            return
        self.session.set_profile(None)
        self.restart()

    def _confirm_discard(self) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            self.tr("Discard what you typed?"),
            self.tr(
                "What you typed on this page is not saved yet. Leave the page and lose it? "
                "Everything saved before stays in the profile."
            ),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def _focus_forward(self) -> None:
        """Never leave the focus on Back or Cancel (a page that was busy disables Next, and Qt
        moves the focus on): it goes to the page's first field, else to the forward button."""
        focused = QApplication.focusWidget()
        page = self.currentPage()
        backwards = {
            self.button(QWizard.WizardButton.BackButton),
            self.button(QWizard.WizardButton.CancelButton),
        }
        if focused is not None and focused not in backwards and focused.isVisible():
            if page is None or page.isAncestorOf(focused) or focused.parentWidget() is not None:
                return
        if page is not None and page.enter_action() is not None:
            from PySide6.QtCore import Qt

            page.setFocus(Qt.FocusReason.OtherFocusReason)  # Enter: the page's action
            return
        for which in FORWARD:
            button = self.button(which)
            if button.isVisible() and button.isEnabled():
                from PySide6.QtCore import Qt

                button.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        if page is not None:
            page.focusNextChild()

    def _follow_complete(self) -> None:
        """What QWizard does on completeChanged, without repainting the window: Next, Commit
        and Finish are enabled when the current page is complete. Which of them shows (the
        page can go on, or finish) is QWizard's decision when the page is entered, and does not
        change while it stays; Back and the default button do not depend on completeness."""
        if self.testOption(QWizard.WizardOption.HaveNextButtonOnLastPage) or self.testOption(
            QWizard.WizardOption.HaveFinishButtonOnEarlyPages
        ):  # a shown button then says nothing about where the page can go: Qt decides
            from PySide6.QtCore import QMetaObject

            QMetaObject.invokeMethod(self, "_q_updateButtonStates")
            return
        page = self.currentPage()
        complete = page is not None and page.isComplete()
        forward = self.button(QWizard.WizardButton.NextButton)
        commit = self.button(QWizard.WizardButton.CommitButton)
        finish = self.button(QWizard.WizardButton.FinishButton)
        can_continue = not (forward.isHidden() and commit.isHidden())
        forward.setEnabled(can_continue and complete)
        commit.setEnabled(can_continue and complete)
        finish.setEnabled(not finish.isHidden() and complete)

    def repaint_at_once(self) -> None:
        """Have the next paint redraw the window in one pass.

        When many widgets change at once (a page entered, a result shown), Qt paints each of
        them on its own, each with everything inside it: 4-8 ms of the GUI thread where one
        pass over the whole window takes about 1 ms (issue 19). Hiding a widget makes Qt mark
        what it covered as needing a repaint; a child as big as the window, shown and hidden
        again at once (nothing is painted in between), marks the whole window, and every
        change after that is already covered."""
        if not self.isVisible():
            return
        cover = self._cover
        if cover is None:
            from PySide6.QtCore import Qt

            cover = self._cover = QWidget(self)
            cover.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            cover.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            cover.hide()
        cover.setGeometry(self.rect())
        cover.show()
        cover.hide()

    def _update_cancel(self) -> None:
        """One Cancel: while a job runs it stops the job (if the job can be stopped)."""
        page = self.currentPage()
        if page is not None and not page.running:
            QTimer.singleShot(0, self._focus_forward)
        cancel = self.button(QWizard.WizardButton.CancelButton)
        if page is not None and page.running:
            cancel.setEnabled(page.cancellable)
            cancel.setToolTip(self.tr("Stop what is running; nothing is written"))
        else:
            cancel.setEnabled(True)
            cancel.setToolTip(
                self.tr("Close the wizard")
                if page is None or page.step is Step.START
                else self.tr("Back to the list of sender systems; what is saved stays")
            )

    # --- size and position, remembered ---

    def _settings(self) -> QSettings:
        return QSettings(str(self.session.home / "window.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        saved = self._settings().value("geometry")
        if isinstance(saved, QByteArray) and not saved.isEmpty() and self.restoreGeometry(saved):
            self._geometry_restored = True
        else:
            self._geometry_restored = False
            self.resize(fitting(DEFAULT_SIZE))

    def save_geometry(self) -> None:
        try:
            self._settings().setValue("geometry", self.saveGeometry())
        except OSError:  # a read-only home: the size is not worth an error
            log.debug("window geometry not saved")

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
        from PySide6.QtCore import Qt

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
        self.repaint_at_once()
        self._update_cancel()
        for which in FORWARD:  # Enter on a focused Next still runs the page's action first
            self.button(which).removeEventFilter(self)
            self.button(which).installEventFilter(self)
        QTimer.singleShot(0, self._focus_forward)
        if self._shell is not None:
            return  # the heading of the first paint: the start page is entered when it is built
        from wizard.core.flow import loggable

        step = Step(page_id)
        fields = {"step": step.name, "profile": self.session.name}
        log.info("page %s", loggable(fields))
        if step is Step.START:
            self.session.renew = False
            if self._painted:  # the first list is read after the first paint (app.py)
                self.start_page.refresh()
        else:
            QTimer.singleShot(0, self._warm_next)

    def _warm_next(self, widgets: list[QWidget] | None = None) -> None:
        """Get the next page ready while this one is read: its widgets polished and its layout
        worked out at this page's size, a few dozen widgets per turn of the event loop. Done at
        the moment Next is clicked, this was 3-5 ms of the 5-12 ms the click held the GUI
        thread (issue 19); Qt keeps what it worked out until a text or size changes."""
        page = self.currentPage()
        following = self.page(self.nextId()) if page is not None else None
        if following is None or following is page or following.isVisible():
            return
        if widgets is None:
            widgets = [following, *following.findChildren(QWidget)]
        for widget in widgets[:40]:
            try:
                widget.ensurePolished()
            except RuntimeError:  # deleted since the list was made
                pass
        rest = widgets[40:]
        if rest:
            QTimer.singleShot(0, self, lambda: self._warm_next(rest))
            return
        warm = getattr(following, "warm", None)
        if warm is not None:
            warm()
        following.resize(page.size())
        layout = following.layout()
        if layout is not None:
            layout.activate()
        scroll = getattr(following, "scroll", None)
        here = getattr(page, "scroll", None)
        # a hidden scroll area's viewport keeps its first, tiny size until it is shown: the
        # content is laid out at the width this page's has (the same, give or take a scroll bar)
        if scroll is not None and here is not None and scroll.widget() is not None:
            scroll.widget().resize(here.viewport().size())
            inner = scroll.widget().layout()
            if inner is not None:
                inner.activate()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_painted.emit)

    def sizeHint(self) -> QSize:
        return fitting(DEFAULT_SIZE)

    def closeEvent(self, event) -> None:
        page = self.currentPage()
        if (
            page is not None
            and self.ask_before_closing
            and self.isVisible()
            and page.step is not Step.START
            and page.unsaved()
            and not self._confirm_discard()
        ):
            event.ignore()
            return
        self._closing = True  # QDialog's closeEvent calls reject(): now it only hides
        try:
            self.save_geometry()
            self.shutdown()
            super().closeEvent(event)
        finally:
            self._closing = False

    def shutdown(self) -> None:
        """Cancel what can be cancelled, let the rest finish (it saves), stop the sandbox."""
        from wizard.ui import workers

        for page in self.pages.values():
            page.cancel_job()
        workers.wait_for_jobs(30000)
        self.session.stop_sandbox()

    def keyPressEvent(self, event) -> None:
        """Enter moves forward: the page's one pending action (Generate, Import, Export, …)
        when it has one, else Next, Commit or Finish."""
        from PySide6.QtCore import Qt

        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            page = self.currentPage()
            if page is not None and page.running:
                return
            action = page.enter_action() if page is not None else None
            if action is not None:
                action()
                return
            for which in FORWARD:
                button = self.button(which)
                if button.isVisible() and button.isEnabled():
                    button.click()
                    return
            return
        super().keyPressEvent(event)


def minimum_size() -> QSize:
    """720×540, or less on a screen that is smaller (high scaling): the buttons stay on it."""
    return fitting(MINIMUM_SIZE)


def fitting(size: QSize) -> QSize:
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return size
    room = screen.availableGeometry().size() - QSize(16, 48)  # the window frame and title
    return size.boundedTo(room.expandedTo(QSize(320, 240)))

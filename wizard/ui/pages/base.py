"""What every page shares: title from the flow, a busy bar with Cancel, errors on the page.

A page never does crypto, parsing or I/O itself: `run()` hands one core call to a worker; the
page is not complete while the worker runs (Kleopatra's pattern), and the answer comes back on
the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.core.errors import WizardError
from wizard.core.flow import COMMIT_STEPS, ORDER, TITLES, Step, step_number
from wizard.ui import workers
from wizard.ui.session import Session
from wizard.ui.text import arg, breakable, from_core, translate
from wizard.ui.widgets.banner import Banner, Severity
from wizard.ui.widgets.busy import BusyBar
from wizard.ui.widgets.layout_batch import laid_out_once
from wizard.ui.widgets.wrap_label import WrapLabel


class _ErrorSlot(QWidget):
    """Holds the field errors of one input, stacked, and keeps `lines` lines of room for them,
    shown or not, so that what follows stays put while the person types.

    `samples` (set by the page): the errors this input can show, in the current language; the
    room is then as tall as the longest of them at the current width (German at the minimum
    window width needs more than `lines`)."""

    def __init__(self, lines: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.labels: list[QLabel] = []
        self.lines = lines
        self.samples: Callable[[], list[str]] | None = None
        self._heights: dict[tuple[int, str], int] = {}

    def _sample_height(self, width: int) -> int:
        if self.samples is None:
            return 0
        if len(self._heights) > 2000:  # many widths and languages over a long session
            self._heights.clear()
        metrics = self.fontMetrics()
        tallest = 0
        for text in self.samples():
            key = (width, text)
            if key not in self._heights:  # as a word-wrapped WrapLabel lays it out
                box = metrics.boundingRect(
                    QRect(0, 0, width, 1 << 20), Qt.TextFlag.TextWordWrap, breakable(text)
                )
                self._heights[key] = box.height()
            tallest = max(tallest, self._heights[key])
        return tallest

    def add(self, label: QLabel) -> None:
        label.setParent(self)
        label.installEventFilter(self)
        self.labels.append(label)

    def _shown(self) -> list[QLabel]:
        return [label for label in self.labels if not label.isHidden()]

    def _height(self, width: int) -> int:
        room = self.fontMetrics().lineSpacing() * self.lines
        if width <= 0:
            return room
        shown = sum(label.heightForWidth(width) for label in self._shown())
        return max(room, self._sample_height(width), shown)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._height(width)

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 20, self._height(self.width()))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._height(self.width()))

    def place(self) -> None:
        top = 0
        for label in self._shown():
            height = label.heightForWidth(self.width())
            label.setGeometry(0, top, self.width(), height)
            top += height
        self.updateGeometry()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.place()

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self.place()
        return False


class Page(QWizardPage):
    step: Step = Step.START

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setTitle(translate("flow", TITLES[self.step]))
        if self.step is not Step.START:
            self.setSubTitle(
                arg(translate("Page", "Step %1 of %2"), step_number(self.step), len(ORDER))
            )
        self.setCommitPage(self.step in COMMIT_STEPS)
        self.job: workers.Job | None = None
        self.cancellable = False  # the running job stops on the wizard's Cancel
        self._token: workers.CancelToken | None = None
        self._advance = False
        self.error = Banner(self)
        self.busy = BusyBar(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # The page scrolls rather than squeezes when the window is small (or the text long).
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget(self.scroll)
        self.body = QVBoxLayout(content)
        self.scroll.setWidget(content)
        outer.addWidget(self.scroll, 1)
        outer.addWidget(self.error)
        outer.addWidget(self.busy)

    # --- work off the GUI thread ---

    @property
    def running(self) -> bool:
        return self.job is not None

    def run(
        self,
        function: Callable[..., Any],
        *args: Any,
        busy: str,
        on_done: Callable[[Any], None],
        on_error: Callable[[WizardError], None] | None = None,
        cancellable: bool = False,
        token: workers.CancelToken | None = None,
        **kwargs: Any,
    ) -> workers.Job:
        """Start `function` on a worker with the busy bar; the page is incomplete meanwhile."""
        self.clear_error()
        self._token = token or workers.CancelToken()
        job = workers.start(
            function,
            *args,
            token=self._token,
            on_done=lambda result: self._finish(job, on_done, result),
            on_error=lambda exc: self._finish(job, on_error or self.show_error, exc),
            on_cancelled=lambda: self._finish(job, self.on_cancelled, None, call_with=False),
            **kwargs,
        )
        self.job = job
        self.cancellable = cancellable
        self.busy.start(busy, cancellable=cancellable)
        self.completeChanged.emit()
        self.work_started()
        return job

    def _finish(self, job, callback, value, *, call_with: bool = True) -> None:
        if job is not self.job:
            return  # an abandoned job (cancelled, or the page was left)
        self.job = None
        with self.batched():
            self.busy.stop()
            try:
                callback(value) if call_with else callback()
            finally:
                self.work_finished()
                self.completeChanged.emit()
        self.repaint_at_once()

    def warm(self) -> None:
        """Hook: get ready what showing a result will need (called while the page before this
        one is read, CertWizard._warm_next); nothing by default."""

    def repaint_at_once(self) -> None:
        """The window's next paint in one pass (CertWizard.repaint_at_once)."""
        repaint = getattr(self.wizard(), "repaint_at_once", None)
        if repaint is not None:
            repaint()

    def batched(self) -> AbstractContextManager[None]:
        """The page laid out once for everything done inside (a result shown: texts set, rows
        shown and hidden), not once per widget shown (`laid_out_once`)."""
        return laid_out_once(self.body)

    def cancel_job(self) -> None:
        """Cancel takes effect at once: the job is abandoned (its token stops it writing
        anything and hangs up its network connections), unless it is already saving."""
        if self._token is None or self.job is None:
            return
        if self._token.cancel():
            self.job = None
            self.busy.stop()
            try:
                self.on_cancelled()
            finally:
                self.work_finished()
                self.completeChanged.emit()
        else:
            self.busy.say(translate("Page", "Too late to cancel: the result is being saved…"))

    def on_cancelled(self) -> None:
        self.show_message(Severity.INFO, translate("Page", "Cancelled; nothing was written."))

    def work_started(self) -> None:
        """Hook: disable inputs while a worker runs."""

    def work_finished(self) -> None:
        """Hook: enable inputs again."""

    # --- complete / next ---

    def isComplete(self) -> bool:
        return not self.running and self.ready()

    def ready(self) -> bool:
        return True

    def enter_action(self) -> Callable[[], None] | None:
        """What Enter does on this page before Next: the page's one pending action (Generate,
        Import, Export, Sign…), or None when Enter means Next."""
        return None

    def unsaved(self) -> bool:
        """Whether leaving now loses what the user typed (the wizard asks first)."""
        return False

    def advance_after(
        self, function: Callable[..., Any], *args: Any, busy: str, on_done=None, **kwargs: Any
    ) -> bool:
        """For validatePage: run `function`, then move on by itself when it succeeded."""
        if self._advance:
            self._advance = False
            return True
        if self.running:
            return False

        def done(result: Any) -> None:
            if on_done is not None and on_done(result) is False:
                return
            self._advance = True
            wizard = self.wizard()
            if wizard is not None and wizard.currentPage() is self:
                wizard.next()
            self._advance = False

        self.run(function, *args, busy=busy, on_done=done, **kwargs)
        return False

    def reveal(self, widget: QWidget) -> None:
        """Scroll so that `widget` (a result that just appeared) is in view."""
        QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(widget, 0, 24))

    # --- messages on the page ---

    def show_error(self, exc: WizardError | str, title: str | None = None) -> None:
        message = from_core(exc.message) if isinstance(exc, WizardError) else exc
        self.error.show_message(
            Severity.ERROR, title or translate("Page", "This needs your attention"), message
        )

    def show_message(self, severity: Severity, title: str, text: str = "") -> None:
        self.error.show_message(severity, title, text)

    def clear_error(self) -> None:
        self.error.clear()

    @staticmethod
    def paragraph(text: str, parent: QWidget | None = None) -> QLabel:
        """A word-wrapped text that also wraps inside long paths and URLs."""
        return WrapLabel(text, parent)

    @staticmethod
    def field_error(
        parent: QWidget | None = None,
        severity: Severity = Severity.ERROR,
        *,
        reserve: int = 0,
        beside: QLabel | None = None,
    ) -> QLabel:
        """The red line under an input that says what is wrong with it (amber: a warning).

        `reserve`: for errors that come and go while the person types, that many lines keep
        their place when the error is hidden, so the rows below do not jump under the mouse;
        put `label.slot` (which holds the label) into the layout instead of the label.
        `beside`: share that reserved label's room (an error and a warning of one input).
        """
        from wizard.ui.widgets.banner import severity_colour

        label = WrapLabel("", parent)
        palette = label.palette()
        palette.setColor(label.foregroundRole(), severity_colour(palette, severity))
        label.setPalette(palette)
        label.hide()
        if reserve or beside is not None:
            slot = beside.slot if beside is not None else _ErrorSlot(reserve, parent)
            slot.add(label)
            label.slot = slot  # type: ignore[attr-defined]
        return label

    @staticmethod
    def set_field_error(label: QLabel, message: str | None) -> None:
        label.setText(message or "")
        label.setVisible(bool(message))
        slot = getattr(label, "slot", None)
        if slot is not None:
            slot.place()

"""Work off the GUI thread: a QRunnable calls one core function, a QObject carries the answer.

The result is whatever core returns (a small dataclass); a failure arrives as the `WizardError`
core raised (its message is meant for the user), and anything else as a WizardError saying it is
a bug, with the traceback in the log. Cancel is honest: a job's first write is its point of no
return (`CancelToken.commit`), so a cancelled job has written nothing, and a job past that point
finishes and says so.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThread, QThreadPool, Signal

from wizard.core.errors import WizardError
from wizard.core.profiles import Artefact, Profile, ProfileStore

if TYPE_CHECKING:
    from wizard.core.tlschannel import Hangup

log = logging.getLogger(__name__)


class Cancelled(WizardError):
    """Raised inside a job when its token was cancelled before the first write."""

    def __init__(self) -> None:
        super().__init__(
            "cancelled",
            QCoreApplication.translate("workers", "Cancelled; nothing was written."),
        )


class CancelToken:
    """Cancel or commit, whichever comes first; thread-safe.

    Cancel also hangs up the job's network connections (`hangup`): a fetch or a call waiting
    on the network ends at once instead of waiting out its timeout.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._committed = False
        self._hangup: Hangup | None = None

    @property
    def hangup(self) -> Hangup:
        """Made by the job when it runs (on its worker): tlschannel loads OpenSSL, which must
        not be imported before the first paint (issue 19)."""
        from wizard.core.tlschannel import Hangup

        with self._lock:
            if self._hangup is None:
                self._hangup = Hangup()
                if self._cancelled:  # cancelled before the job started: nothing may connect
                    self._hangup.hang_up()
            return self._hangup

    @property
    def cancelled(self) -> bool:
        with self._lock:
            return self._cancelled

    @property
    def committed(self) -> bool:
        with self._lock:
            return self._committed

    def cancel(self) -> bool:
        """True when the job will write nothing; False when it is past its point of no return."""
        with self._lock:
            if self._committed:
                return False
            self._cancelled = True
            hangup = self._hangup
        if hangup is not None:
            hangup.hang_up()
        return True

    def commit(self) -> None:
        """Called by the job before its first write; raises Cancelled when cancelled already."""
        with self._lock:
            if self._cancelled:
                raise Cancelled()
            self._committed = True

    def check(self) -> None:
        """Raise Cancelled if cancelled (between read-only stages of a job)."""
        if self.cancelled:
            raise Cancelled()


class GuardedStore(ProfileStore):
    """A ProfileStore whose first write commits the job's token (the point of no return).

    Core runs each step as one staged change (all or nothing): a Cancelled raised at the first
    write throws the whole step away, so a cancelled job has written nothing at all.
    """

    def __init__(self, store: ProfileStore, token: CancelToken) -> None:
        super().__init__(store.home, lock_timeout=store.lock_timeout)
        self._token = token

    def create(self, name: str) -> Profile:
        self._token.commit()
        return super().create(name)

    def save(self, profile: Profile) -> Profile:
        self._token.commit()
        return super().save(profile)

    def write_artefact(self, name: str, artefact: Artefact, data: bytes | str):
        self._token.commit()
        return super().write_artefact(name, artefact, data)

    def remove_artefact(self, name: str, artefact: Artefact) -> None:
        self._token.commit()
        super().remove_artefact(name, artefact)

    def remove(self, name: str) -> None:
        self._token.commit()
        super().remove(name)


class JobSignals(QObject):
    """Lives on the GUI thread; the job emits, queued connections deliver on the GUI thread."""

    finished = Signal(object)  # the core result
    failed = Signal(object)  # a WizardError
    cancelled = Signal()


def _bug(exc: BaseException) -> WizardError:
    return WizardError(
        "bug",
        QCoreApplication.translate(
            "workers",
            "Something went wrong that is not your fault (%1). Please report it with the log; "
            "nothing half-written was kept.",
        ).replace("%1", type(exc).__name__),
    )


class Job(QRunnable):
    """`function(*args, **kwargs)` on the global thread pool."""

    def __init__(
        self,
        function: Callable[..., Any],
        *args: Any,
        token: CancelToken | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.token = token or CancelToken()
        self.signals = JobSignals()
        self.thread_name: str | None = None  # where it ran (tests assert it is not the GUI's)
        self.seconds: float | None = None

    def run(self) -> None:
        self.thread_name = threading.current_thread().name
        started = time.perf_counter()
        try:
            with self.token.hangup.active():
                result = self.function(*self.args, **self.kwargs)
        except Cancelled:
            self._emit(self.signals.cancelled)
            return
        except WizardError as exc:
            if self.token.cancelled:
                self._emit(self.signals.cancelled)
            else:
                self._emit(self.signals.failed, exc)
            return
        except Exception as exc:
            if self.token.cancelled:  # a hung-up connection may fail in any way
                self._emit(self.signals.cancelled)
                return
            log.exception("job %s failed", getattr(self.function, "__name__", self.function))
            self._emit(self.signals.failed, _bug(exc))
            return
        finally:
            self.seconds = time.perf_counter() - started
        if self.token.cancelled and not self.token.committed:
            self._emit(self.signals.cancelled)
        else:
            self._emit(self.signals.finished, result)

    def _emit(self, signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the receiving page is gone (window closed mid-job)
            pass


_KEEP: set[Job] = set()


def start(
    function: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[WizardError], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    token: CancelToken | None = None,
    **kwargs: Any,
) -> Job:
    """Run `function` on the global pool and call back on the GUI thread."""
    job = Job(function, *args, token=token, **kwargs)
    _KEEP.add(job)  # until its answer is delivered on the GUI thread
    for signal in (job.signals.finished, job.signals.failed, job.signals.cancelled):
        signal.connect(lambda *_a, job=job: _KEEP.discard(job))
    if on_done is not None:
        job.signals.finished.connect(on_done)
    if on_error is not None:
        job.signals.failed.connect(on_error)
    if on_cancelled is not None:
        job.signals.cancelled.connect(on_cancelled)
    QThreadPool.globalInstance().start(job)
    return job


def on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def _template(context: str, text: str) -> re.Pattern[str]:
    """A translated core template ("… {what} for profile {profile} …") as a pattern."""
    translated = QCoreApplication.translate(context, text).strip()
    parts = re.split(r"\{[a-zA-Z]+\}", translated)
    return re.compile(".+?".join(re.escape(part) for part in parts) + r"\s*$", re.DOTALL)


class SecretPrompt(QObject):
    """The `ask` callable for `Secrets`: shows a password dialog on the GUI thread, from any thread.

    A job that needs a passphrase (no keyring) blocks on the answer; the GUI thread stays free.
    Choosing a secret is one dialog with the entry typed twice (core's second question, "again",
    is answered from it), and each answer is asked once per session.
    """

    _asked = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._answer: str = ""
        self._ready = threading.Event()
        self._lock = threading.Lock()  # one question at a time
        self._asked.connect(self._show)
        self.dialog: Callable[[str], tuple[str, bool]] = self._dialog
        self.choose_dialog: Callable[[str], tuple[str, bool]] = self._choose_dialog
        self._answers: dict[str, str] = {}  # prompt → answer, for this session

    def __call__(self, prompt: str) -> str:
        if on_gui_thread():
            return self._ask_here(prompt)
        with self._lock:
            self._ready.clear()
            self._asked.emit(prompt)
            self._ready.wait()
            return self._answer

    def _show(self, prompt: str) -> None:
        self._answer = self._ask_here(prompt)
        self._ready.set()

    def _ask_here(self, prompt: str) -> str:
        key = prompt.strip()
        if _template("secrets", "Type {what} for profile {profile} again: ").match(key):
            return self._last_chosen  # the dialog had the repeat field already
        if key in self._answers:
            return self._answers[key]
        choosing = _template("secrets", "No keyring: choose {what} for profile {profile}: ")
        if choosing.match(key):
            text, ok = self.choose_dialog(prompt)
            self._last_chosen = text if ok else ""
            answer = self._last_chosen
        else:
            text, ok = self.dialog(prompt)
            answer = text if ok else ""
        if answer:
            self._answers[key] = answer
        return answer

    _last_chosen = ""

    @staticmethod
    def _choose_dialog(prompt: str) -> tuple[str, bool]:
        from PySide6.QtWidgets import QApplication, QDialog

        from wizard.ui.widgets.password_dialog import ChooseSecretDialog

        dialog = ChooseSecretDialog(prompt, QApplication.activeWindow())
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.value(), ok

    @staticmethod
    def _dialog(prompt: str) -> tuple[str, bool]:
        from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

        title = QCoreApplication.translate("SecretPrompt", "Passphrase needed")
        return QInputDialog.getText(
            QApplication.activeWindow(), title, prompt.strip(), QLineEdit.EchoMode.Password
        )


def wait_for_jobs(timeout_ms: int = 60000) -> bool:
    """Block until every job of the global pool has finished (shutdown, tests)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)

"""Starting the GUI: QApplication, translations, the window at once, heavy imports after it.

The window is painted before cryptography, keyring and the network modules are imported: those
load on a worker right after the first paint (and the keyring check with them), so the program
appears at once and stays responsive while they load.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QThreadPool, QTranslator
from PySide6.QtWidgets import QApplication

from wizard.language import (
    SOURCE_LANGUAGE,
    install_for_application,
    normalize,
    system_language,
)

log = logging.getLogger(__name__)


def _quick_pyside_module_check() -> None:
    """PySide6's __feature__ support asks, of every module imported after PySide6, whether its
    source names PySide6, through inspect.getsource (linecache, tokenize): 17-40 ms for the 66
    modules imported before the first paint (issue 19). The same question is answered here by
    reading the file's bytes; a module without a readable .py file gets PySide's own check."""
    try:
        from shibokensupport import feature  # PySide6's own support package
    except ImportError:
        return
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "quick", False):
        return

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as handle:
                    return b"PySide6" in handle.read()
            except OSError:
                pass
        return original(module)

    uses_pyside.quick = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside


_quick_pyside_module_check()

# Loaded on a worker after the first paint, so that no page waits for them later.
HEAVY_MODULES = (
    "cryptography.x509",
    "wizard.core.csr",
    "wizard.core.keys",
    "wizard.core.secrets",
    "wizard.core.tlsprobe",
    "wizard.core.chain",
    "wizard.core.trust",
    "wizard.core.reply",
    "wizard.core.enrollment",
    "wizard.core.p12",
    "wizard.core.mapping",
    "wizard.core.testcall",
    "wizard.core.accesslog",
    "wizard.core.fetch_root",
)

# Started from the bench: print the time of the first paint and quit.
EXIT_AFTER_PAINT = "CPI_CERT_WIZARD_EXIT_AFTER_PAINT"


@dataclass
class GuiOptions:
    home: Path
    sap_roots: Path | None = None
    lang: str | None = None
    sandbox: bool = False
    keyring: object | None = None  # a keyring backend instead of the OS keyring (screenshots)
    argv: list[str] = field(default_factory=lambda: [sys.argv[0]])


def install_translators(app: QCoreApplication, lang: str | None) -> list[QTranslator]:
    """Qt's own qtbase_<lang>.qm (stock buttons) and ours, when built; kept referenced.

    `lang` None: the system's language (wizard.language: locale variables); core's texts follow.
    """
    language = normalize(lang) or system_language() or SOURCE_LANGUAGE
    installed = install_for_application(app, language)
    if language == SOURCE_LANGUAGE and not lang:
        QLocale.setDefault(QLocale.system())  # English texts, the system's number and date formats
    return installed


def create_application(argv: list[str], lang: str | None) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("cpi-cert-wizard")
    app.setApplicationDisplayName("cpi-cert-wizard")
    app.setDesktopFileName("cpi-cert-wizard")
    # The palette is left to the platform: it follows the system's light or dark scheme.
    # A fetch (network) must not queue behind a key generation (CPU) on a two-core machine.
    pool = QThreadPool.globalInstance()
    pool.setMaxThreadCount(max(4, pool.maxThreadCount()))
    app._translators = install_translators(app, lang)  # type: ignore[attr-defined]
    return app


def preload(session) -> tuple[bool, str]:
    """Worker: import the heavy modules and the step pages' modules, then look at the keyring.

    The pages' modules are only imported here (defining classes is safe off the GUI thread);
    the GUI thread then only builds the pages, in short turns, with nothing left to import.
    """
    import importlib

    from wizard.ui.wizard import PAGE_CLASSES

    for name in (*HEAVY_MODULES, *(module for module, _cls in PAGE_CLASSES.values())):
        importlib.import_module(name)
    return session.check_keyring()


def build_window(options: GuiOptions, on_first_paint: Callable[[], None] | None = None):
    """The window, showing the start page's heading at its first paint; `on_first_paint` runs
    at that paint, before the start page is built in its place (the bench's time stamp)."""
    from wizard.core.i18n import Face, set_face
    from wizard.ui import workers

    set_face(Face.GUI)  # core's messages in the window's words (its pages, not --flags)
    from wizard.ui.session import Session
    from wizard.ui.widgets.icons import icon
    from wizard.ui.wizard import CertWizard

    session = Session(options.home, sap_roots=options.sap_roots, keyring=options.keyring)
    window = CertWizard(session, deferred_start=True)
    QApplication.instance().setWindowIcon(icon("app"))

    def keyring_known(answer: tuple[bool, str]) -> None:
        session.keyring_available, session.keyring_name = answer
        session.keyring_checked.emit(*answer)

    def painted() -> None:
        # The start page in place of its heading (it reads the list on workers), then the
        # imports on a worker, then the step pages built on the GUI thread: importing on both
        # threads at once makes each turn several times longer (the GIL and the import lock),
        # and a page import on the GUI thread can take 150 ms (bench/bench_gui_start.py).
        window.finish_start()
        workers.start(preload, session, on_done=preloaded)

    def preloaded(answer: tuple[bool, str]) -> None:
        keyring_known(answer)
        window.when_ready(ready)
        window.add_step_pages()

    def ready() -> None:
        if options.sandbox:
            window.start_page.try_sandbox()

    if on_first_paint is not None:
        window.first_painted.connect(on_first_paint)
    window.first_painted.connect(painted)
    return window


def run_gui(options: GuiOptions) -> int:
    started = time.perf_counter()
    app = create_application(options.argv, options.lang)
    report = None
    if os.environ.get(EXIT_AFTER_PAINT):

        def report() -> None:
            print(f"first-paint {time.perf_counter() - started:.4f}", flush=True)
            app.exit(0)  # quit() asks the window, which refuses while a task runs

    window = build_window(options, on_first_paint=report)
    window.show()
    code = app.exec()
    window.shutdown()
    return code

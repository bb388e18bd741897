"""What the window shows at its first paint: the start page's heading, before its list is built.

The first paint waits for nothing but this: the start page's widgets (the list, its model, the
banners), the Qt enums they use and their modules are built right after it, in the same window
(CertWizard.finish_start), so the program appears as fast as a bare PySide6 window does
(issue 19: bench/bench_gui_start.py). Nothing here imports more than QtWidgets' page class.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWizardPage

from wizard.core.steps import TITLES, Step


def start_title() -> str:
    return QCoreApplication.translate("flow", TITLES[Step.START])


def start_subtitle() -> str:
    return QCoreApplication.translate(
        "StartPage",
        "Each sender system (an SAP system, a Java or .NET application, Postman…) gets a "
        "profile: its key, its certificate, and the tenant it calls.",
    )


class StartShell(QWizardPage):
    """The start page's heading for the first paint; nothing can be done on it (Next stays
    disabled), and the wizard replaces it with the real start page right after the paint."""

    step = Step.START
    running = False
    cancellable = False

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(start_title())
        self.setSubTitle(start_subtitle())

    def isComplete(self) -> bool:
        return False

    def unsaved(self) -> bool:
        return False

    def enter_action(self) -> None:
        return None

    def cancel_job(self) -> None:
        return None

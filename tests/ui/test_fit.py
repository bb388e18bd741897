"""Every page, in every language, at the smallest and the default window size: nothing cut off,
no text clipped, no Alt+letter shared by two controls.

The sandbox flow is walked once per language (the screenshot tour: the same pages a user sees,
each with its results shown); on every page the window is set to its minimum and its default
size and looked at as a person would.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSize
from PySide6.QtWidgets import QApplication

from wizard.core.flow import Step
from wizard.ui.app import install_translators
from wizard.ui.screenshots import tour

from .conftest import open_window
from .layout_check import command_line_speak, cut_widgets, mnemonic_clashes, mnemonic_count

LANGUAGES = ("en", "de", "fr", "es", "ja")
DEFAULT = QSize(860, 640)


@pytest.fixture
def language(request):
    app = QApplication.instance()
    translators = install_translators(app, request.param)
    yield request.param
    for translator in translators:
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())


def look_at_every_page(qtbot, home, keyring):
    """Walk the flow; on every page and size, what is cut and which mnemonics clash."""
    window = open_window(qtbot, home, keyring)
    minimum = window.minimumSize()
    cut: dict[str, list[str]] = {}
    clashes: dict[str, list[str]] = {}
    speak: dict[str, list[str]] = {}
    looked = {"pages": 0, "views": 0, "mnemonics": 0}

    def shot(step: Step) -> None:
        looked["pages"] += 1
        for size in (minimum, DEFAULT):
            window.resize(size)
            for _ in range(3):
                QCoreApplication.processEvents()
            looked["views"] += 1
            where = f"{step.name} at {size.width()}×{size.height()}"
            if window.size() != size:
                cut[where] = [f"the window cannot be {size.width()}×{size.height()}"]
            found = cut_widgets(window)
            if found:
                cut[where] = found
        looked["mnemonics"] += mnemonic_count(window)
        found = mnemonic_clashes(window)
        if found:
            clashes[step.name] = found
        found = command_line_speak(window)
        if found:
            speak[step.name] = found

    try:
        tour(window, shot=shot)
    finally:
        window.shutdown()
    return cut, clashes, speak, looked


@pytest.mark.parametrize("language", LANGUAGES, indirect=True)
def test_every_page_fits_at_the_minimum_and_default_size_with_distinct_shortcuts_and_no_cli(
    qtbot, home, memory_keyring, language
):
    cut, clashes, speak, looked = look_at_every_page(qtbot, home, memory_keyring)
    print(report(cut), report(clashes), sep="\n")
    print(
        f"[fit] {language}: {looked['pages']} pages × 2 sizes = {looked['views']} views, "
        f"{looked['mnemonics']} mnemonics"
    )
    assert looked["pages"] == len(Step)  # the start page and the nine steps
    assert not cut, report(cut)
    assert not clashes, report(clashes)
    assert not speak, report(speak)  # the window names its own buttons, not CLI flags or codes


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(items) for where, items in found.items())

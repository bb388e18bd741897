"""One catalogue, two faces: core's advice names the window's pages and buttons in the window and
the flags on the command line; the window shows the whole message, not one with sentences cut."""

from __future__ import annotations

import pytest

from wizard.core import mapping, verdicts
from wizard.core.i18n import Face, set_face
from wizard.ui.text import CLI_SPEAK, from_core


@pytest.mark.parametrize(
    "verdict", [verdicts.Verdict.OK, verdicts.Verdict.SERVER_UNTRUSTED, verdicts.Verdict.TIMEOUT]
)
def test_verdict_advice_has_window_words_in_the_window_and_flags_on_the_command_line(
    wizard, verdict
):
    info = verdicts.VERDICTS[verdict]
    in_window = info.next_step_for(None, node="node-1")
    assert not CLI_SPEAK.search(in_window), in_window
    assert from_core(in_window) == in_window  # nothing left to cut: the words are the window's
    set_face(Face.CLI)
    on_command_line = info.next_step_for(None, node="node-1")
    assert CLI_SPEAK.search(on_command_line), on_command_line


def test_the_checklist_names_the_test_call_page_in_the_window(wizard):
    words = mapping.text("step_test", before="-", after="ERP-PRD")
    assert "Test call" in words and not CLI_SPEAK.search(words)
    set_face(Face.CLI)
    assert "cpi-cert-wizard test-call" in mapping.text(
        "step_test", before="-", after="ERP-PRD", profile="ERP-PRD"
    )


@pytest.fixture
def language(request):
    from PySide6.QtCore import QCoreApplication, QLocale
    from PySide6.QtWidgets import QApplication

    from wizard.ui.app import install_translators

    translators = install_translators(QApplication.instance(), request.param)
    yield request.param
    for translator in translators:
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())


@pytest.mark.parametrize("language", ["de", "ja"], indirect=True)
def test_the_sandbox_flow_shows_no_flag_and_no_command_and_the_cutter_cuts_nothing(
    qtbot, home, memory_keyring, language, monkeypatch
):
    """Every core message the pages show in the sandbox flow has the window's words: the
    last-resort sentence cutter (wizard.ui.text.gui_face) finds nothing to cut, and no visible
    label or button names a --flag or a cpi-cert-wizard command."""
    from wizard.core.flow import Step
    from wizard.ui import text
    from wizard.ui.screenshots import tour

    from .conftest import open_window
    from .layout_check import command_line_speak

    cut: list[str] = []
    original = text.gui_face

    def watching(message: str) -> str:
        shown = original(message)
        if shown != message:
            cut.append(message)
        return shown

    monkeypatch.setattr(text, "gui_face", watching)
    speak: dict[str, list[str]] = {}
    pages: list[str] = []

    def shot(step: Step) -> None:
        pages.append(step.name)
        found = command_line_speak(window)
        if found:
            speak[step.name] = found

    window = open_window(qtbot, home, memory_keyring)
    try:
        tour(window, shot=shot)
    finally:
        window.shutdown()
    assert "SUMMARY" in pages, pages  # the whole flow was walked
    assert not speak, speak
    assert not cut, cut

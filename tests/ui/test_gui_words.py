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

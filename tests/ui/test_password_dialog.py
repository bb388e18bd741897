"""Without a keyring a secret is chosen in one dialog (typed twice, shown on request, the rules
before OK), and a passphrase is asked once per session, not at every use."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from wizard.ui.widgets.password_dialog import ChooseSecretDialog
from wizard.ui.workers import SecretPrompt


def test_ok_stays_off_until_the_passphrase_is_long_enough_and_typed_twice_alike(qtbot):
    dialog = ChooseSecretDialog("No keyring: choose the key passphrase for profile ERP-PRD: ")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert "8 characters" in dialog.rules.text()  # the rules, before anything is typed
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.first, "short")
    assert not ok.isEnabled() and "Too short" in dialog.problem.text()
    qtbot.keyClicks(dialog.first, " but long enough")
    qtbot.keyClicks(dialog.second, "short but long")
    assert not ok.isEnabled() and "differ" in dialog.problem.text()
    qtbot.keyClicks(dialog.second, " enough")
    assert ok.isEnabled()
    assert dialog.first.echoMode() is QLineEdit.EchoMode.Password
    dialog.show_text.setChecked(True)
    assert dialog.second.echoMode() is QLineEdit.EchoMode.Normal
    assert dialog.value() == "short but long enough"


def test_the_repeat_question_is_answered_by_the_dialog_and_a_passphrase_is_asked_once(qtbot):
    prompt = SecretPrompt()
    shown: list[str] = []
    prompt.choose_dialog = lambda text: (shown.append(text) or "chosen passphrase", True)
    prompt.dialog = lambda text: (shown.append(text) or "typed passphrase", True)
    chosen = prompt("No keyring: choose the key passphrase for profile ERP-PRD: ")
    again = prompt("Type the key passphrase for profile ERP-PRD again: ")
    assert chosen == again == "chosen passphrase"
    assert len(shown) == 1
    first = prompt("The key passphrase of profile ERP-PRD: ")
    second = prompt("The key passphrase of profile ERP-PRD: ")
    assert first == second == "typed passphrase"
    assert len(shown) == 2  # the second use in this session asked nothing

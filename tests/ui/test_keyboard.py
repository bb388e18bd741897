"""The keyboard: Enter alone walks the sandbox flow; Esc and closing ask before typed input is
lost; Finish returns to the list; one Cancel, which stops a running job at once."""

from __future__ import annotations

import socket

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWizard

from wizard.core.flow import Step
from wizard.core.profiles import ProfileStore, State


def press_enter(wizard) -> None:
    target = QApplication.focusWidget() or wizard.window
    wizard.qtbot.keyClick(target, Qt.Key.Key_Return)


def answer_next_question(qtbot, button: QMessageBox.StandardButton, seen: list[str]) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.button(button).click()
        else:
            QTimer.singleShot(20, click)

    QTimer.singleShot(0, click)


def test_a_keyboard_user_finishes_the_sandbox_flow_with_enter_alone(home, wizard):
    start = wizard.page_of(Step.START)
    wizard.click(start.sandbox_button)  # the one click: which tour to take
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT, timeout=30000)
    wizard.idle()
    pressed = 0
    while wizard.at() is not Step.SUMMARY:
        assert pressed < 30, f"Enter got stuck on {wizard.at().name}"
        before = wizard.at()
        assert wizard.window.button(QWizard.WizardButton.BackButton).hasFocus() is False
        press_enter(wizard)
        pressed += 1
        wizard.idle()
        assert wizard.at().value >= before.value, "Enter went back"
    (name,) = ProfileStore(home).names()
    profile = ProfileStore(home).load(name)
    assert profile.state is State.TESTED and profile.last_test_verdict == "OK"
    assert wizard.page_of(Step.TEST_CALL).verdict.code == "OK"
    print(f"[keyboard] the sandbox flow took {pressed} presses of Enter")
    press_enter(wizard)  # Finish: back to the list of sender systems, the program stays
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.START)
    assert wizard.window.isVisible()
    wizard.qtbot.waitUntil(
        lambda: name in [start.model.index(r, 0).data() for r in range(start.model.rowCount())]
    )


def test_esc_with_typed_input_asks_and_keeps_it_when_the_user_stays(wizard):
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    page = wizard.page_of(Step.TENANT)
    wizard.qtbot.keyClicks(page.name, "ERP-PRD")
    seen: list[str] = []
    answer_next_question(wizard.qtbot, QMessageBox.StandardButton.Cancel, seen)
    wizard.qtbot.keyClick(page.name, Qt.Key.Key_Escape)
    assert seen and "not saved" in seen[0]
    assert wizard.window.isVisible() and wizard.at() is Step.TENANT
    assert page.name.text() == "ERP-PRD"
    answer_next_question(wizard.qtbot, QMessageBox.StandardButton.Discard, seen)
    wizard.qtbot.keyClick(page.name, Qt.Key.Key_Escape)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.START)
    assert wizard.window.isVisible()


def test_esc_without_typed_input_goes_back_to_the_list_without_asking(wizard):
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    wizard.qtbot.keyClick(wizard.page_of(Step.TENANT).name, Qt.Key.Key_Escape)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.START)
    assert wizard.window.isVisible()


def test_closing_the_window_with_typed_input_asks_first(wizard):
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    wizard.qtbot.keyClicks(wizard.page_of(Step.TENANT).url, "https://tenant.example.com")
    wizard.window.ask_before_closing = True  # as in the program
    seen: list[str] = []
    answer_next_question(wizard.qtbot, QMessageBox.StandardButton.Cancel, seen)
    wizard.window.close()
    assert seen and wizard.window.isVisible()
    answer_next_question(wizard.qtbot, QMessageBox.StandardButton.Discard, seen)
    wizard.window.close()
    assert len(seen) == 2 and not wizard.window.isVisible()


def test_there_is_one_cancel_and_it_stops_a_fetch_at_once(wizard):
    silent = socket.socket()  # a tenant that accepts the connection and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        wizard.click(wizard.page_of(Step.START).new_button)
        wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
        tenant = wizard.page_of(Step.TENANT)
        tenant.name.setText("ERP-PRD")
        tenant.url.setText(f"https://127.0.0.1:{silent.getsockname()[1]}/http/orders")
        wizard.qtbot.waitUntil(wizard.button(QWizard.WizardButton.NextButton).isEnabled)
        wizard.click(wizard.button(QWizard.WizardButton.NextButton))
        wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TRUST)
        page = wizard.page_of(Step.TRUST)
        wizard.qtbot.waitUntil(lambda: page.running)
        cancel = wizard.button(QWizard.WizardButton.CancelButton)
        buttons = [b for b in page.findChildren(QPushButton) if b.isVisible()]
        assert not [b for b in buttons if "Cancel" in b.text()]  # only the wizard's
        assert "Cancel" in page.busy.label.text()
        wizard.click(cancel)
        assert not page.running  # at once, not when the network gives up
        assert "cancelled" in page.error.message().lower()
        assert wizard.at() is Step.TRUST and wizard.window.isVisible()
        assert not (
            ProfileStore(wizard.window.session.home).folder("ERP-PRD") / "tenant-root.cer"
        ).exists()
    finally:
        silent.close()

"""Without a keyring the wizard asks for the passphrase itself (on the GUI thread), and goes on."""

from __future__ import annotations

import threading

from keyring.backends.fail import Keyring as FailKeyring

from wizard.core.flow import Step
from wizard.core.profiles import Artefact, State

from .test_key_page import profile_at_key_step


def test_key_generation_asks_for_a_passphrase_when_there_is_no_keyring(home, open_wizard):
    store = profile_at_key_step(home)
    wizard = open_wizard(keyring=FailKeyring())
    asked: list[tuple[str, str]] = []

    def answer(prompt: str) -> tuple[str, bool]:
        asked.append((prompt, threading.current_thread().name))
        return "a long enough passphrase", True

    wizard.window.session.prompt.choose_dialog = answer  # the choose-and-repeat dialog, answered
    start = wizard.page_of(Step.START)
    wizard.qtbot.waitUntil(lambda: start.keyring_banner.message() != "", timeout=10000)
    start.select("ERP-PRD")
    wizard.click(start.resume_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.KEY, timeout=10000)
    wizard.idle()
    page = wizard.page_of(Step.KEY)
    page.edits["cn"].setText("erp-prd.example.com")
    page.key_type.setCurrentIndex(page.key_type.findData("ec-p256"))
    wizard.click(page.generate_button)
    wizard.idle()
    assert len(asked) == 1  # one dialog: typed twice in it (a typo would make the key unusable)
    prompt, _thread = asked[0]
    assert "passphrase" in prompt and "ERP-PRD" in prompt
    assert {t for _p, t in asked} == {threading.main_thread().name}  # dialogs on the GUI thread
    assert page.result is not None
    assert "no keyring" in page.where.text()
    assert store.load("ERP-PRD").state is State.KEY_GENERATED
    assert store.path("ERP-PRD", Artefact.KEY).is_file()

"""Renewal keeps the subject and archives the old key; a reply can be pasted as PEM text."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore, State

from .conftest import sandbox_walk


def test_pasted_pem_reply_is_imported_like_a_file(home, wizard):
    sandbox_walk(wizard, Step.CERTIFICATE)
    session = wizard.window.session
    csr = ProfileStore(home).read_artefact(session.name, Artefact.CSR)
    pem = session.sandbox.sandbox.sign_csr(csr, p7b=False).decode()
    page = wizard.page_of(Step.CERTIFICATE)
    page.files.clear()
    page.paste.setPlainText(pem)
    wizard.click(page.import_button)
    wizard.idle()
    assert page.isComplete()
    assert page.chain.topLevelItemCount() == 3
    assert ProfileStore(home).load(session.name).state is State.CERTIFICATE_IMPORTED


def test_after_export_back_cannot_undo_it(wizard):
    sandbox_walk(wizard, Step.TENANT_ENTRY)
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()


def test_renew_makes_a_new_key_with_the_same_subject_and_archives_the_old_one(home, open_wizard):
    first = open_wizard()
    sandbox_walk(first, Step.SUMMARY)
    name = first.window.session.name
    store = ProfileStore(home)
    before = store.load(name)
    old_key = store.read_artefact(name, Artefact.KEY)
    first.window.close()

    second = open_wizard()
    start = second.page_of(Step.START)
    start.select(name)
    second.click(start.renew_button)
    second.qtbot.waitUntil(lambda: second.at() is Step.KEY, timeout=20000)
    second.idle()
    page = second.page_of(Step.KEY)
    assert page.edits["cn"].text() == f"{name}.example.com"
    assert page.edits["org"].text() == "Example Corp"
    assert "Renewal" in page.notice.message()
    second.click(page.generate_button)
    second.idle()
    after = store.load(name)
    assert after.state is State.KEY_GENERATED
    assert after.subject == before.subject
    assert after.previous_leaf_sha256 == before.leaf_sha256
    assert store.read_artefact(name, Artefact.KEY) != old_key
    (archive,) = (store.folder(name) / "archive").iterdir()
    assert (archive / Artefact.KEY.value).read_bytes() == old_key
    second.next(Step.WAITING)

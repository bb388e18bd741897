"""Page 3: inline subject validation, generation off the GUI thread, Cancel, commit page."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore, State


def profile_at_key_step(home, name="ERP-PRD"):
    store = ProfileStore(home)
    profile = store.create(name)
    profile.tenant_url = "https://erp.it-cpi018-rt.cfapps.eu10.hana.ondemand.com/http/orders"
    profile.tenant_host = "erp.it-cpi018-rt.cfapps.eu10.hana.ondemand.com"
    profile.environment = "cf"
    store.save(profile)
    store.write_artefact(name, Artefact.TENANT_ROOT_PEM, b"(root)")  # only its presence counts
    return store


def open_key_page(open_wizard, name="ERP-PRD"):
    wizard = open_wizard()
    start = wizard.page_of(Step.START)
    start.select(name)
    wizard.click(start.resume_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.KEY, timeout=10000)
    wizard.idle()
    return wizard, wizard.page_of(Step.KEY)


def test_subject_errors_show_next_to_the_field_while_typing(home, open_wizard):
    profile_at_key_step(home)
    wizard, page = open_key_page(open_wizard)
    page.edits["cn"].setText("erp-prd ")
    page.edits["country"].setText("de")
    assert page.errors["cn"].isVisible()
    assert "trailing spaces" in page.errors["cn"].text()
    assert page.errors["country"].isVisible()
    assert "two-letter" in page.errors["country"].text()
    assert not page.generate_button.isEnabled()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    page.edits["cn"].setText("erp-prd")
    page.edits["country"].setText("DE")
    assert not page.errors["cn"].isVisible() and not page.errors["country"].isVisible()
    assert page.generate_button.isEnabled()


def test_cancel_during_key_generation_leaves_no_half_made_key(home, open_wizard):
    store = profile_at_key_step(home)
    wizard, page = open_key_page(open_wizard)
    page.edits["cn"].setText("erp-prd.example.com")
    page.key_type.setCurrentIndex(page.key_type.findData("rsa-4096"))
    wizard.click(page.generate_button)
    assert page.running and wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    wizard.click(wizard.button(QWizard.WizardButton.CancelButton))
    wizard.idle()
    folder = store.folder("ERP-PRD")
    assert not (folder / Artefact.KEY.value).exists()
    assert not (folder / Artefact.CSR.value).exists()
    assert not (folder / "archive").exists()
    assert store.load("ERP-PRD").state is State.NEW
    assert "cancelled" in page.error.message().lower()
    assert page.result is None
    assert page.generate_button.isEnabled()  # the inputs are still there: try again
    assert page.edits["cn"].text() == "erp-prd.example.com"


def test_generated_key_is_kept_and_back_cannot_regenerate_it(home, open_wizard, secrets):
    store = profile_at_key_step(home)
    wizard, page = open_key_page(open_wizard)
    page.edits["cn"].setText("erp-prd.example.com")
    page.key_type.setCurrentIndex(page.key_type.findData("ec-p256"))
    wizard.click(page.generate_button)
    wizard.idle()
    assert page.result is not None
    assert "BEGIN CERTIFICATE REQUEST" in page.csr.text()
    assert "test memory keyring" in page.where.text()
    assert store.load("ERP-PRD").state is State.KEY_GENERATED
    key_bytes = store.read_artefact("ERP-PRD", Artefact.KEY)
    wizard.next(Step.WAITING)
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    assert store.read_artefact("ERP-PRD", Artefact.KEY) == key_bytes

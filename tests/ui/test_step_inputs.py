"""What steps 1 and 3 accept: a URL that is one, the runtime host rather than the management host,
a country as the subject needs it; and a changed URL forgets the old tenant's root."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore

from .conftest import sandbox_walk


def open_tenant_page(wizard):
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    return wizard.page_of(Step.TENANT)


def test_a_url_that_is_not_one_is_refused_on_step_1(wizard):
    page = open_tenant_page(wizard)
    page.name.setText("ERP-PRD")
    page.url.setText("htp:/not a url")
    wizard.qtbot.waitUntil(lambda: page.url_error.isVisible())
    assert "not a URL" in page.url_error.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_the_cloud_foundry_design_time_host_is_named_as_not_the_runtime_endpoint(wizard):
    page = open_tenant_page(wizard)
    page.name.setText("ERP-PRD")
    host = "acme.it-cpi018.cfapps.eu10-003.hana.ondemand.com"
    page.url.setText(f"https://{host}/http/orders")
    wizard.qtbot.waitUntil(lambda: page.url_warning.isVisible())
    assert host in page.url_warning.text() and "-rt" in page.url_warning.text()
    assert not page.url_error.isVisible()
    page.url.setText(f"https://{host.replace('.it-cpi018.', '.it-cpi018-rt.')}/http/orders")
    wizard.qtbot.waitUntil(lambda: not page.url_warning.isVisible())


def test_country_is_upper_cased_as_typed_and_an_unassigned_code_is_refused(home, wizard):
    sandbox_walk(wizard, Step.KEY)
    page = wizard.page_of(Step.KEY)
    country = page.edits["country"]
    country.clear()
    wizard.qtbot.keyClicks(country, "de")
    assert country.text() == "DE"
    assert not page.errors["country"].isVisible()
    country.clear()
    wizard.qtbot.keyClicks(country, "xx")
    assert country.text() == "XX"
    wizard.qtbot.waitUntil(lambda: page.errors["country"].isVisible())
    assert "XX" in page.errors["country"].text()
    assert not page.generate_button.isEnabled()


def test_a_new_url_for_another_host_forgets_the_old_root_and_resume_does_not_skip_step_2(
    home, wizard
):
    sandbox_walk(wizard, Step.KEY)
    store = ProfileStore(home)
    (name,) = store.names()
    assert store.path(name, Artefact.TENANT_ROOT_CER).is_file()
    wizard.back()
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TRUST)
    wizard.back()
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    page = wizard.page_of(Step.TENANT)
    page.url.setText("https://other-tenant.example.com/http/orders")
    wizard.click(wizard.button(QWizard.WizardButton.NextButton))
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TRUST)
    assert not store.path(name, Artefact.TENANT_ROOT_CER).exists()
    profile = store.load(name)
    assert profile.tenant_root_sha256 is None
    from wizard.core.flow import read_progress, resume_step

    assert resume_step(read_progress(store, profile)) is Step.TRUST


def test_pasted_pem_with_a_file_listed_is_not_silently_ignored(home, wizard):
    sandbox_walk(wizard, Step.CERTIFICATE)
    page = wizard.page_of(Step.CERTIFICATE)
    assert page.files.files()  # the sandbox CA's reply is listed
    page.paste.setPlainText("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    wizard.click(page.import_button)
    assert page.input_error.isVisible() and "pasted text" in page.input_error.text()
    assert not page.running and not page.ready()

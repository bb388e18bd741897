"""Closing the program at any page and reopening it resumes there; nothing completed is lost."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore, State

from .conftest import sandbox_walk


def test_closing_after_the_key_page_and_reopening_resumes_waiting_for_the_ca(home, open_wizard):
    first = open_wizard()
    sandbox_walk(first, Step.KEY)
    key_page = first.page_of(Step.KEY)
    first.click(key_page.generate_button)
    first.idle()
    name = first.window.session.name
    csr = ProfileStore(home).read_artefact(name, Artefact.CSR)
    first.window.close()

    second = open_wizard()
    start = second.page_of(Step.START)
    assert [r.name for r in start.rows] == [name]
    assert start.rows[0].resume is Step.WAITING
    start.select(name)
    second.click(start.resume_button)
    second.qtbot.waitUntil(lambda: second.at() is Step.WAITING, timeout=20000)
    second.idle()
    waiting = second.page_of(Step.WAITING)
    assert waiting.csr.text().encode() == csr
    # The sandbox came back with the profile, so its CA can sign right here.
    assert waiting.sandbox_sign.isVisible()
    assert ProfileStore(home).load(name).state is State.KEY_GENERATED
    second.click(waiting.sandbox_sign)
    second.idle()
    second.next(Step.CERTIFICATE)
    second.click(second.page_of(Step.CERTIFICATE).import_button)
    second.idle()
    assert ProfileStore(home).load(name).state is State.CERTIFICATE_IMPORTED


def test_next_on_the_start_page_resumes_the_selected_profile(home, open_wizard):
    store = ProfileStore(home)
    profile = store.create("ERP-PRD")
    profile.tenant_url = "https://erp.it-cpi018-rt.cfapps.eu10.hana.ondemand.com/http/x"
    profile.tenant_host = "erp.it-cpi018-rt.cfapps.eu10.hana.ondemand.com"
    store.save(profile)
    store.write_artefact("ERP-PRD", Artefact.TENANT_ROOT_PEM, b"(root)")
    wizard = open_wizard()
    wizard.page_of(Step.START).select("ERP-PRD")
    wizard.click(wizard.button(QWizard.WizardButton.NextButton))
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.KEY, timeout=10000)
    assert wizard.window.session.profile.name == "ERP-PRD"

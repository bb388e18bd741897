"""The "Waiting for the CA" page: Have SAP sign it, against the Destination service double.

The double (tests/sapsign/conftest.py) is a local HTTPS stand-in for SAP BTP's Destination
service, not SAP's service; its test root is named like SAP Cloud Root CA.
"""

from __future__ import annotations

import json

from cryptography import x509
from PySide6.QtWidgets import QWizard

from tests.sapsign.conftest import (  # noqa: F401  (fixtures used by name)
    LANDSCAPE,
    SUBACCOUNT,
    destination,
    direct_connections,
    folder_state,
    key_file,
    make_request,
    sap_pki,
)
from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore, State


def waiting_page_for_erp(home, secrets, open_wizard, sap_pki):  # noqa: F811
    """Profile ERP (a CSR, a real tenant's host) resumed in the wizard: the Waiting page."""
    store = ProfileStore(home)
    make_request(store, secrets)
    profile = store.load("ERP")
    profile.tenant_host = "erp.it-cpi018-rt.cfapps.eu10.hana.ondemand.com"
    profile.tenant_url = f"https://{profile.tenant_host}/http/erp"
    store.save(profile)
    wizard = open_wizard()
    start = wizard.page_of(Step.START)
    start.select("ERP")
    wizard.click(start.resume_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.WAITING, timeout=20000)
    wizard.idle()
    page = wizard.page_of(Step.WAITING)
    # The GUI has no --ca-file: the test trusts the double's TLS CA and its test root here.
    page.service_ca_files = [sap_pki.tls_ca_file, sap_pki.root_file]
    return wizard, page, store


def test_sap_signs_the_request_and_the_wizard_goes_on_to_the_certificate(
    home,
    secrets,
    open_wizard,
    destination,  # noqa: F811
    key_file,  # noqa: F811
    sap_pki,  # noqa: F811
):
    wizard, page, store = waiting_page_for_erp(home, secrets, open_wizard, sap_pki)
    assert page.sap_sign.isVisible() and not page.sap_sign.isEnabled()  # no key file yet
    assert page.key_label.buddy() is page.key_path
    # The notices are shown before anything is sent, with the CN SAP keeps.
    assert "CN=erp-sender" in page.notices.text()
    assert "private key stays on this machine" in page.notices.text()
    assert destination.state.received == []

    page.key_path.setText(str(key_file))
    page.validity_unit.setCurrentIndex(page.validity_unit.findData("DAYS"))
    assert page.validity_value.maximum() == 365
    page.validity_value.setValue(90)
    page.auto_renew.setChecked(True)
    assert "90 days" in page.notices.text()
    steps: list[str] = []
    page.progress.said.connect(steps.append)
    wizard.click(page.sap_sign)
    assert not page.isComplete()  # while SAP signs
    wizard.idle()

    assert page.sap_error.isHidden()
    done = page.sap_done.text()
    assert f"OU={SUBACCOUNT}" in done and "CN=erp-sender" in done and LANDSCAPE in done
    assert "Automatic renewal by SAP: on" in done
    assert any("Sending the CSR" in step for step in steps)  # progress reached the GUI thread
    profile = store.load("ERP")
    assert profile.state is State.CERTIFICATE_IMPORTED
    assert profile.sap_signed and profile.sap_auto_renew is True
    assert wizard.window.session.profile.sap_signed
    issued = destination.state.certificates["ERP.pem"]
    assert issued.days == 90 and issued.auto_renew
    assert b"PRIVATE KEY" not in b"".join(destination.state.bodies())

    wizard.next(Step.CERTIFICATE)  # like after the sandbox CA: the stored chain is shown
    certificate = wizard.page_of(Step.CERTIFICATE)
    wizard.qtbot.waitUntil(lambda: certificate.chain.isVisible(), timeout=10000)
    assert certificate.isComplete()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_a_wrong_client_secret_is_said_on_the_page_and_the_profile_is_unchanged(
    home,
    secrets,
    open_wizard,
    destination,  # noqa: F811
    key_file,  # noqa: F811
    sap_pki,  # noqa: F811
    tmp_path,
):
    wizard, page, store = waiting_page_for_erp(home, secrets, open_wizard, sap_pki)
    wrong = tmp_path / "wrong-key.json"
    wrong.write_text(json.dumps(destination.credentials(clientsecret="expired-secret")))
    before = folder_state(store.folder("ERP"))
    page.key_path.setText(str(wrong))
    wizard.click(page.sap_sign)
    wizard.idle()

    assert page.sap_error.isVisible()
    message = page.sap_error.text()
    assert "secret" in message.lower()
    assert "expired-secret" not in message
    assert not page.sap_replace.isVisible()
    assert not page.sap_done.isVisible()
    assert folder_state(store.folder("ERP")) == before
    assert store.load("ERP").state is State.KEY_GENERATED
    assert page.sap_sign.isEnabled()  # the user can fix the key and try again


def test_a_taken_name_offers_replace_and_replace_signs_again(
    home,
    secrets,
    open_wizard,
    destination,  # noqa: F811
    key_file,  # noqa: F811
    sap_pki,  # noqa: F811
):
    wizard, page, store = waiting_page_for_erp(home, secrets, open_wizard, sap_pki)
    # An earlier attempt (or another machine) already used the name in the subaccount.
    csr = x509.load_pem_x509_csr(store.read_artefact("ERP", Artefact.CSR))
    old = destination.state.issue(
        "ERP.pem", csr, "old", 365, False, {"TimeUnit": "YEARS", "Value": 1}
    ).leaf
    before = folder_state(store.folder("ERP"))
    page.key_path.setText(str(key_file))
    wizard.click(page.sap_sign)
    wizard.idle()

    assert page.sap_error.isVisible()
    assert "already has a certificate named 'ERP.pem'" in page.sap_error.text()
    assert page.sap_replace.isVisible() and page.sap_replace.isEnabled()
    assert store.load("ERP").state is State.KEY_GENERATED
    assert folder_state(store.folder("ERP")) == before

    wizard.click(page.sap_replace)
    wizard.idle()
    assert page.sap_error.isHidden() and not page.sap_replace.isVisible()
    assert ("PUT", "/destination-configuration/v1/subaccountCertificates") in (
        destination.state.calls()
    )
    assert destination.state.certificates["ERP.pem"].leaf.serial_number != old.serial_number
    assert store.load("ERP").sap_signed
    assert "Automatic renewal by SAP: off" in page.sap_done.text()

"""The start page opens the certificate details of the selected sender system (the same dialog as
steps 2 and 5): offered only for a profile that has a certificate."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from wizard.core.flow import Step
from wizard.ui.widgets.cert_details import CertificateDetailsDialog

from .conftest import sandbox_walk


def test_certificate_details_of_a_listed_profile(wizard):
    sandbox_walk(wizard, Step.EXPORT)  # the certificate is imported
    name = wizard.window.session.name
    wizard.qtbot.keyClick(wizard.window, Qt.Key.Key_Escape)  # nothing typed: back to the list
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.START)
    wizard.wait_start_list()
    page = wizard.page_of(Step.START)
    page.select(name)
    wizard.qtbot.waitUntil(page.details_button.isEnabled)
    wizard.click(page.details_button)
    wizard.qtbot.waitUntil(
        lambda: (
            isinstance(getattr(page, "details_dialog", None), CertificateDetailsDialog)
            and page.details_dialog.isVisible()
        )
    )
    dialog = page.details_dialog
    assert "clientAuth" in dialog.values["eku"].text()
    assert dialog.values["ca"].text() == "no"
    assert len(dialog.values["sha256"].text().split(":")) == 32
    dialog.close()
    QApplication.processEvents()


def test_details_are_not_offered_before_a_certificate_exists(wizard):
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    tenant = wizard.page_of(Step.TENANT)
    tenant.name.setText("NO-CERT-YET")
    tenant.url.setText("https://127.0.0.1:1/http/orders")
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    wizard.click(wizard.button(wizard.window.WizardButton.NextButton))
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TRUST)
    wizard.idle()
    wizard.qtbot.keyClick(wizard.window, Qt.Key.Key_Escape)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.START)
    wizard.wait_start_list()
    page = wizard.page_of(Step.START)
    page.select("NO-CERT-YET")
    wizard.qtbot.waitUntil(page.resume_button.isEnabled)
    assert not page.details_button.isEnabled()

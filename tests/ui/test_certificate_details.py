"""Double-clicking a certificate of a chain (step 2: the tenant's, step 5: the sender's) opens its
details: names, validity, key, extensions, fingerprints and the PEM with Copy."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from wizard.core.flow import Step

from .conftest import sandbox_walk


def open_row(wizard, view, row: int):
    item = view.topLevelItem(row)
    rect = view.visualItemRect(item)
    wizard.qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wizard.qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wizard.qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wizard.qtbot.waitUntil(lambda: view.details is not None and view.details.isVisible())
    return view.details


def test_the_tenants_root_and_the_senders_certificate_open_their_details(wizard):
    sandbox_walk(wizard, Step.TRUST)
    chain = wizard.page_of(Step.TRUST).chain
    root = open_row(wizard, chain, chain.topLevelItemCount() - 1)
    assert root.values["ca"].text() == "yes"
    assert root.values["subject"].text() == root.details.subject
    assert len(root.values["sha256"].text().split(":")) == 32
    root.close()

    page_key = wizard.page_of(Step.KEY)  # on to step 5, the sender's own chain
    wizard.next(Step.KEY)
    wizard.click(page_key.generate_button)
    wizard.idle()
    wizard.next(Step.WAITING)
    wizard.click(wizard.page_of(Step.WAITING).sandbox_sign)
    wizard.idle()
    wizard.next(Step.CERTIFICATE)
    certificate = wizard.page_of(Step.CERTIFICATE)
    wizard.click(certificate.import_button)
    wizard.idle()
    leaf = open_row(wizard, certificate.chain, 0)
    assert "clientAuth" in leaf.values["eku"].text()
    assert leaf.values["ca"].text() == "no"
    assert leaf.values["aki"].text() != "none" and leaf.values["ski"].text() != "none"
    assert "CN=" in leaf.values["issuer"].text()
    wizard.click(leaf.pem.copy)
    assert QGuiApplication.clipboard().text().startswith("-----BEGIN CERTIFICATE-----")
    leaf.close()

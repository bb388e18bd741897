"""A chain that does not match the tenant's host (as behind a TLS-inspecting proxy whose root is in
the company's OS store) is named in red and not saved as the tenant's root unless the user
confirms, with a question that says what it means."""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from tests import pki
from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore
from wizard.ui.session import Session


@pytest.fixture
def other_server(tmp_path: Path, monkeypatch):
    """A real TLS server on 127.0.0.1 whose certificate names another host; its root is trusted
    the way a company proxy's root is (here: given to the window as a trusted root)."""
    ca = pki.root("Corporate Inspection Root")
    cert, key = pki.server_leaf(ca, hostnames=("proxy.corp.example",), ips=())
    (tmp_path / "s.pem").write_bytes(pki.pem(cert, *ca.chain))
    (tmp_path / "s.key").write_bytes(pki.key_pem(key))
    (tmp_path / "ca.pem").write_bytes(ca.pem())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "s.pem", tmp_path / "s.key")
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    monkeypatch.setattr(Session, "tenant_trust", property(lambda self: [tmp_path / "ca.pem"]))
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    listener.close()


def answer(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.button(button).click()
        else:
            QTimer.singleShot(20, click)

    QTimer.singleShot(0, click)


def test_a_chain_for_another_host_is_red_and_saved_only_after_a_clear_confirmation(
    home, wizard, other_server
):
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    tenant = wizard.page_of(Step.TENANT)
    tenant.name.setText("ERP-PRD")
    tenant.url.setText(f"https://127.0.0.1:{other_server}/http/orders")
    wizard.next(Step.TRUST)
    page = wizard.page_of(Step.TRUST)
    store = ProfileStore(home)
    assert page.report is not None and page.report.root_subject is not None
    assert page.untrusted.isVisible() and "Nothing was saved" in page.untrusted.text()
    assert not store.path("ERP-PRD", Artefact.TENANT_ROOT_CER).exists()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert not page.save_cer.isVisible()

    seen: list[str] = []
    answer(QMessageBox.StandardButton.Cancel, seen)
    wizard.click(page.save_anyway)
    assert seen and "proxy" in seen[0]
    assert not store.path("ERP-PRD", Artefact.TENANT_ROOT_CER).exists()

    answer(QMessageBox.StandardButton.Save, seen)
    wizard.click(page.save_anyway)
    wizard.idle()
    assert store.path("ERP-PRD", Artefact.TENANT_ROOT_CER).is_file()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()

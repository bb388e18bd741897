"""Cancel during a network wait takes effect at once: the wizard's Cancel hangs up the connection
(the server sees it closed) and the worker ends, instead of waiting out the network timeout in the
background. The server here accepts and never answers; the timeout is made ten minutes long, so
a Cancel that only abandoned the worker would leave it (and the connection) alive long after the
test's wait gives up."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWizard

from wizard.core import fetch_root, testcall
from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore

from .conftest import sandbox_walk


class SilentServer:
    """Accepts connections on 127.0.0.1 and never sends a byte; notes when the client hangs up."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = threading.Event()
        self.client_closed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.accepted.set()
            conn.settimeout(0.1)
            with conn:
                while not self._stop.is_set():
                    try:
                        if not conn.recv(65536):  # what the client sent is read, never answered
                            self.client_closed.set()
                            break
                    except TimeoutError:
                        continue
                    except OSError:  # reset by the client: closed as well
                        self.client_closed.set()
                        break

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.listener.close()


@pytest.fixture
def silent_server(monkeypatch) -> Iterator[SilentServer]:
    server = SilentServer()
    monkeypatch.setitem(fetch_root.fetch_root.__kwdefaults__, "timeout", 600.0)
    yield server
    server.close()


def test_cancel_during_a_fetch_closes_the_connection_and_ends_the_worker(
    home, wizard, silent_server
):
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    tenant = wizard.page_of(Step.TENANT)
    tenant.name.setText("ERP-PRD")
    tenant.url.setText(f"https://127.0.0.1:{silent_server.port}/http/orders")
    wizard.qtbot.waitUntil(wizard.button(QWizard.WizardButton.NextButton).isEnabled)
    wizard.click(wizard.button(QWizard.WizardButton.NextButton))
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TRUST)
    page = wizard.page_of(Step.TRUST)
    wizard.qtbot.waitUntil(silent_server.accepted.is_set, timeout=10000)
    job = page.job
    assert job is not None and page.running, "the fetch should be waiting for the server"
    assert not silent_server.client_closed.is_set()

    cancel = wizard.button(QWizard.WizardButton.CancelButton)
    assert cancel.isEnabled()
    wizard.click(cancel)

    # The page is free again, the server saw the connection closed, and the worker has ended.
    assert not page.running
    assert page.error.isVisible() and "cancelled" in page.error.title.text()
    wizard.qtbot.waitUntil(silent_server.client_closed.is_set, timeout=10000)
    wizard.qtbot.waitUntil(lambda: job.seconds is not None, timeout=10000)
    assert not ProfileStore(home).path("ERP-PRD", Artefact.TENANT_ROOT_CER).exists()
    assert wizard.at() is Step.TRUST  # Cancel stopped the job, it did not close the window


def test_cancel_during_a_test_call_closes_the_connection_and_keeps_the_old_result(
    home, wizard, silent_server, monkeypatch
):
    sandbox_walk(wizard, Step.TEST_CALL)  # the call against the sandbox went through
    page = wizard.page_of(Step.TEST_CALL)
    name = wizard.window.session.name
    before = ProfileStore(home).load(name).last_test_verdict
    monkeypatch.setitem(testcall.call_endpoint.__kwdefaults__, "timeout", 600.0)
    page.url.setText(f"https://127.0.0.1:{silent_server.port}/http/orders")
    wizard.click(page.call_button)
    wizard.qtbot.waitUntil(silent_server.accepted.is_set, timeout=10000)
    job = page.job
    assert job is not None and page.running

    wizard.click(wizard.button(QWizard.WizardButton.CancelButton))

    assert not page.running
    wizard.qtbot.waitUntil(silent_server.client_closed.is_set, timeout=10000)
    wizard.qtbot.waitUntil(lambda: job.seconds is not None, timeout=10000)
    assert ProfileStore(home).load(name).last_test_verdict == before  # nothing recorded
    assert wizard.at() is Step.TEST_CALL

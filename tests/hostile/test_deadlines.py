"""One deadline per call for the tenant API and sap-sign, against a real TLS server on 127.0.0.1
that drips its answer one byte at a time; a proxy's password never appears in a message
(issue 17, items 9 and 17)."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from pathlib import Path

import pytest

from tests import pki
from wizard.core import https
from wizard.core.errors import WizardError

CALLER = https.Caller(area="demo", check="Check the demo URL.", tls_advice="", name_proxy=True)
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n" + b"x" * 40


class DripServer:
    """Accepts TLS, reads the request, then sends ANSWER one byte every `every` seconds."""

    def __init__(self, folder: Path, every: float) -> None:
        root = pki.root("Drip Root")
        cert, key = pki.server_leaf(root)
        self.ca_file = folder / "ca.pem"
        self.ca_file.write_bytes(root.pem())
        (folder / "server.pem").write_bytes(pki.pem(cert))
        (folder / "server.key").write_bytes(pki.key_pem(key))
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(folder / "server.pem", folder / "server.key")
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.every = every
        self.sent = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with self.context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(65536)
            for byte in ANSWER:
                if self.stop.wait(self.every):
                    return
                try:
                    tls.send(bytes([byte]))
                except OSError:
                    return
                self.sent += 1

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.listener.close()


@pytest.fixture
def dripping(tmp_path, monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = DripServer(tmp_path, every=0.25)  # the whole answer takes 20 s
    yield server
    server.close()


def test_a_dripping_server_is_given_up_on_at_the_calls_deadline(dripping):
    session = https.Session(CALLER, ca_files=[dripping.ca_file], timeout=2.0)
    with pytest.raises(WizardError) as refused:
        session.call("GET", f"https://localhost:{dripping.port}/x", {})
    assert refused.value.code == "demo.network"
    assert "no answer in time" in refused.value.message
    assert dripping.sent < len(ANSWER)  # it gave up before the server was done


def test_a_proxy_password_never_appears_in_a_message(monkeypatch):
    listener = socket.create_server(("127.0.0.1", 0))  # accepts, then says nothing useful
    port = listener.getsockname()[1]
    monkeypatch.setenv("HTTPS_PROXY", f"http://alice:s3cr3t-pw@127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    def refuse() -> None:
        conn, _ = listener.accept()
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        time.sleep(0.2)
        conn.close()

    thread = threading.Thread(target=refuse, daemon=True)
    thread.start()
    session = https.Session(CALLER, timeout=10)
    with pytest.raises(WizardError) as refused:
        session.call("GET", "https://tenant.example/api", {})
    thread.join()
    listener.close()
    assert "s3cr3t-pw" not in refused.value.message
    assert "***@127.0.0.1" in refused.value.message
    assert https.mask_url("http://u:p@h:1/x") == "http://***@h:1/x"

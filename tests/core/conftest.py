"""Fixtures for the chain, reply and trust tests: a CA hierarchy, a local AIA web server, a
listener that never answers, and openssl for what cryptography refuses to make (SHA-1 signatures).
"""

from __future__ import annotations

import http.server
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509

from tests import pki

DATA = Path(__file__).resolve().parent.parent / "data"

_PROXY_VARIABLES = (
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
)


@dataclass
class Hierarchy:
    """A root, an issuing intermediate below it, and a client key pair with its leaf."""

    root: pki.Authority
    issuing: pki.Authority
    key: object
    leaf: x509.Certificate


@pytest.fixture
def hierarchy() -> Hierarchy:
    root = pki.root("Chain Test Root CA")
    issuing = root.intermediate("Chain Test Issuing CA")
    key = pki.make_key("ec-p256")
    leaf = issuing.issue(key.public_key(), "sender-s4h-100")
    return Hierarchy(root=root, issuing=issuing, key=key, leaf=leaf)


@dataclass
class AiaServer:
    """A real HTTP server on 127.0.0.1 serving issuer certificates at chosen paths."""

    base: str
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@pytest.fixture
def aia_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[AiaServer]:
    for variable in _PROXY_VARIABLES:  # loopback must be reached directly
        monkeypatch.delenv(variable, raising=False)
    state = AiaServer(base="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            body = state.files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-cert")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def silent_listener(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An http:// URL whose TCP port accepts connections but never answers."""
    for variable in _PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/issuer.cer"
    finally:
        sock.close()


@pytest.fixture
def openssl_sha1_sign(tmp_path: Path) -> Callable[..., x509.Certificate]:
    """Have openssl issue a client certificate signed with SHA-1 (cryptography refuses to)."""

    def sign(ca: pki.Authority, key, cn: str = "legacy sha1 client") -> x509.Certificate:
        folder = tmp_path / "sha1"
        folder.mkdir(exist_ok=True)
        (folder / "ca.pem").write_bytes(ca.pem())
        (folder / "ca.key").write_bytes(pki.key_pem(ca.key))
        (folder / "leaf.key").write_bytes(pki.key_pem(key))
        (folder / "ext.cnf").write_text(
            "[v3]\n"
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature\n"
            "extendedKeyUsage=clientAuth\n"
            "authorityKeyIdentifier=keyid\n"
            "subjectKeyIdentifier=hash\n"
        )
        run = {"check": True, "capture_output": True, "cwd": folder}
        subprocess.run(
            [
                "openssl",
                "req",
                "-new",
                "-key",
                "leaf.key",
                "-subj",
                f"/CN={cn}",
                "-out",
                "leaf.csr",
            ],
            **run,
        )
        issue = "x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -sha1 -days 200"
        subprocess.run(
            [
                "openssl",
                *issue.split(),
                "-extfile",
                "ext.cnf",
                "-extensions",
                "v3",
                "-out",
                "leaf.pem",
            ],
            **run,
        )
        return x509.load_pem_x509_certificate((folder / "leaf.pem").read_bytes())

    return sign

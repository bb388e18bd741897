"""What a sender's TLS stack sees of the sandbox's load balancer, and how the server stops."""

from __future__ import annotations

import select
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
from cryptography import x509
from OpenSSL import SSL

from tests import pki
from tests.sandbox.senders import call, client_context, demo_ca_sender
from wizard.core.errors import WizardError
from wizard.sandbox import RunningSandbox, Sandbox


def _s_client(running: RunningSandbox, *extra: str) -> str:
    result = subprocess.run(
        [
            "openssl",
            "s_client",
            "-connect",
            f"{running.host}:{running.port}",
            "-servername",
            "localhost",
            "-CAfile",
            str(running.lb_root_pem_path),
            "-showcerts",
            *extra,
        ],
        input="",
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return result.stdout


def _pyopenssl_handshake(running: RunningSandbox) -> SSL.Connection:
    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
    ctx.load_verify_locations(str(running.lb_root_pem_path))
    ctx.set_verify(SSL.VERIFY_PEER)
    sock = socket.create_connection((running.host, running.port), timeout=10)
    conn = SSL.Connection(ctx, sock)
    conn.set_tlsext_host_name(b"localhost")
    conn.set_connect_state()
    while True:  # the socket has a timeout, so OpenSSL sees it non-blocking
        try:
            conn.do_handshake()
            return conn
        except SSL.WantReadError:
            if not select.select([sock], [], [], 10)[0]:
                raise TimeoutError("no handshake answer from the sandbox") from None


def _close(conn: SSL.Connection) -> None:
    try:
        conn.shutdown()
    except SSL.Error:
        pass
    conn.close()


def test_server_sends_leaf_and_intermediate_but_not_the_root(
    sandbox: Sandbox, running: RunningSandbox
) -> None:
    conn = _pyopenssl_handshake(running)
    try:
        chain = conn.get_peer_cert_chain(as_cryptography=True)
    finally:
        _close(conn)
    lb_root = x509.load_pem_x509_certificate(sandbox.lb_root_pem)

    assert [c.subject for c in chain] == [
        sandbox.pki.lb_server.cert.subject,
        sandbox.pki.lb_intermediate.cert.subject,
    ]
    assert lb_root not in chain
    assert chain[1].issuer == lb_root.subject  # the root is the sender's to supply


def test_openssl_s_client_sees_two_certificates_and_verifies_with_the_lb_root(
    running: RunningSandbox,
) -> None:
    out = _s_client(running)

    assert out.count("-----BEGIN CERTIFICATE-----") == 2
    assert "Verify return code: 0 (ok)" in out


def test_acceptable_client_ca_names_are_the_trusted_roots(
    sandbox: Sandbox, running: RunningSandbox
) -> None:
    conn = _pyopenssl_handshake(running)
    try:
        names = conn.get_client_ca_list(as_cryptography=True)
    finally:
        _close(conn)
    demo_root = x509.load_pem_x509_certificate(sandbox.ca_root_pem)

    assert names == [demo_root.subject]
    out = _s_client(running)
    listed = out.split("Acceptable client certificate CA names", 1)[1]
    assert "CN = CPI Sandbox Demo Root CA" in listed.splitlines()[1]


def test_a_root_added_with_trust_root_is_named_in_the_next_handshake(
    sandbox: Sandbox, running: RunningSandbox
) -> None:
    corporate = pki.root("Corporate Root CA")
    sandbox.trust_client_root(corporate.pem())

    conn = _pyopenssl_handshake(running)
    try:
        names = conn.get_client_ca_list(as_cryptography=True)
    finally:
        _close(conn)

    assert corporate.cert.subject in names
    assert x509.load_pem_x509_certificate(sandbox.ca_root_pem).subject in names


@pytest.mark.parametrize("host_name", ["localhost", "127.0.0.1"])
def test_server_certificate_is_valid_for_localhost_and_127_0_0_1(
    running: RunningSandbox, host_name: str
) -> None:
    ctx = client_context(running)  # check_hostname is on in the default context
    with (
        socket.create_connection((running.host, running.port), timeout=10) as raw,
        ctx.wrap_socket(raw, server_hostname=host_name) as tls,
    ):
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_sender_without_the_lb_root_in_its_trust_store_rejects_the_server(
    running: RunningSandbox,
) -> None:
    ctx = ssl.create_default_context()  # the system store: the sandbox root is not in it
    with socket.create_connection((running.host, running.port), timeout=10) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            ctx.wrap_socket(raw, server_hostname="localhost")


def test_demo_ca_root_is_a_self_signed_root_and_the_lb_root_too(sandbox: Sandbox) -> None:
    for pem in (sandbox.ca_root_pem, sandbox.lb_root_pem):
        root = x509.load_pem_x509_certificate(pem)
        assert root.subject == root.issuer
        root.verify_directly_issued_by(root)
        assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_listens_on_loopback_only_on_the_reported_ephemeral_port(
    running: RunningSandbox,
) -> None:
    assert running.listening_address == ("127.0.0.1", running.port)
    assert running.port > 0
    assert running.url == f"https://127.0.0.1:{running.port}"


def test_port_in_use_is_reported_with_what_to_do(sandbox: Sandbox, running: RunningSandbox) -> None:
    with pytest.raises(WizardError) as caught:
        sandbox.start(port=running.port)

    assert caught.value.code == "sandbox.port"
    assert str(running.port) in caught.value.message and "--port" in caught.value.message


def _sandbox_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("sandbox-") and t.is_alive()]


def test_stop_returns_with_silent_and_idle_clients_connected_and_frees_the_port(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sender = demo_ca_sender(sandbox, tmp_path)
    running = sandbox.start(port=0)
    silent = socket.create_connection((running.host, running.port), timeout=10)  # no hello
    idle = client_context(running, sender).wrap_socket(
        socket.create_connection((running.host, running.port), timeout=10),
        server_hostname="localhost",
    )
    assert call(running, "/http/demo", sender).status == 401  # the server is serving
    try:
        running.stop()
        running.stop()  # twice is harmless
    finally:
        silent.close()
        idle.close()

    assert _sandbox_threads() == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((running.host, running.port), timeout=10).close()


def test_restart_on_the_same_port_right_after_stop(sandbox: Sandbox) -> None:
    first = sandbox.start(port=0)
    port = first.port
    assert call(first, "/http/demo").status == 401
    first.stop()

    with sandbox.start(port=port) as second:
        assert call(second, "/http/demo").status == 401

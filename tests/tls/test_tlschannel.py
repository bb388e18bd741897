"""wizard.core.tlschannel: the one TLS transport, against real servers on 127.0.0.1."""

from __future__ import annotations

import socket
import time

import pytest
from OpenSSL import SSL

from tests.tls.servers import server_pki
from wizard.core.tlschannel import NotTls, TlsChannel


def channel_to(port: int, *, within: float = 5.0, keep_first: int = 16) -> TlsChannel:
    sock = socket.create_connection(("127.0.0.1", port), timeout=within)
    context = SSL.Context(SSL.TLS_CLIENT_METHOD)
    context.set_verify(SSL.VERIFY_NONE)
    conn = SSL.Connection(context, None)
    conn.set_connect_state()
    return TlsChannel(sock, conn, time.monotonic() + within, keep_first=keep_first)


def test_a_handshake_reads_the_chain_and_the_certificate_request(serve):
    server = serve(server_pki(), request_client_cert=True)
    channel = channel_to(server.port)
    try:
        channel.handshake()
        presented = channel.conn.get_peer_cert_chain(as_cryptography=True)
        assert presented and "localhost" in presented[0].subject.rfc4514_string()
        assert channel.certificate_requested
        assert channel.first[0] == 22  # a TLS handshake record
    finally:
        channel.close()


def test_a_plain_http_port_is_recognised_by_its_first_bytes(plain_http):
    channel = channel_to(plain_http.port, keep_first=64)
    try:
        with pytest.raises(NotTls) as not_tls:
            channel.handshake()
        assert not_tls.value.first.startswith(b"HTTP/1.1 400 Bad Request")
    finally:
        channel.close()


def test_a_silent_server_ends_at_the_deadline(silent_listener):
    channel = channel_to(silent_listener.port, within=0.5)
    try:
        with pytest.raises(TimeoutError):
            channel.handshake()
        assert channel.first == bytearray()
    finally:
        channel.close()

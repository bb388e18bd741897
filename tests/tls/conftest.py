"""Fixtures for fetch-root: real TLS servers, listeners and a CONNECT proxy on 127.0.0.1."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography import x509

from tests import pki
from tests.tls.servers import (
    AiaServer,
    ConnectProxy,
    OpenSSLServer,
    PlainHttpListener,
    PythonTlsServer,
    ServerPki,
    SilentListener,
)

_PROXY_VARIABLES = (
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
)


@pytest.fixture(autouse=True)
def direct_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the developer's environment: each test sets its own."""
    for variable in _PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., PythonTlsServer | OpenSSLServer]]:
    """Start a TLS server presenting a chain: serve(pki, by="python"|"openssl", ...)."""
    started: list = []
    counter = itertools.count()

    def start(
        server: ServerPki,
        *,
        by: str = "python",
        with_root: bool = False,
        leaf_only: bool = False,
        request_client_cert: bool = False,
        client_ca_names: list[x509.Certificate] | None = None,
        require_client_cert: bool = False,
        extra: tuple[str, ...] = (),
    ):
        chain = server.chain(with_root=with_root, leaf_only=leaf_only)
        folder = tmp_path / f"server-{next(counter)}"
        folder.mkdir()
        if by == "python":
            running = PythonTlsServer(
                folder, chain, server.key, request_client_cert=request_client_cert
            )
        else:
            running = OpenSSLServer(
                folder,
                chain,
                server.key,
                extra=extra,
                client_ca_names=client_ca_names,
                require_client_cert=require_client_cert,
            )
        started.append(running)
        return running

    yield start
    for running in started:
        running.close()


@pytest.fixture
def silent_listener() -> Iterator[SilentListener]:
    with SilentListener() as listener:
        yield listener


@pytest.fixture
def plain_http() -> Iterator[PlainHttpListener]:
    with PlainHttpListener() as listener:
        yield listener


@pytest.fixture
def aia() -> Iterator[AiaServer]:
    server = AiaServer()
    yield server
    server.close()


@pytest.fixture
def connect_proxy() -> Iterator[Callable[..., ConnectProxy]]:
    """Start a CONNECT proxy: connect_proxy(refuse_with="403 Forbidden", require_auth=...)."""
    started: list[ConnectProxy] = []

    def start(**kw) -> ConnectProxy:
        proxy = ConnectProxy(**kw)
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.close()


@pytest.fixture
def ca_file(tmp_path: Path) -> Callable[..., Path]:
    """Write certificates to a PEM file a user would pass with --ca-file."""
    counter = itertools.count()

    def write(*certs: x509.Certificate) -> Path:
        path = tmp_path / f"ca-{next(counter)}.pem"
        path.write_bytes(pki.pem(*certs))
        return path

    return write

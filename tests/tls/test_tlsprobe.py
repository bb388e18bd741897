"""Reading what a server presents: targets, chains, client-certificate requests, failures, proxies."""

from __future__ import annotations

import socket

import pytest

from tests import pki
from tests.tls.servers import closed_port, server_pki
from wizard.core.chain import fingerprint
from wizard.core.errors import WizardError
from wizard.core.tlsprobe import (
    DEFAULT_PORT,
    Target,
    parse_proxy,
    parse_target,
    probe,
    proxy_for,
)


def fingerprints(certs) -> list[str]:
    return [fingerprint(c) for c in certs]


# --- what a person pastes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "host", "port"),
    [
        (
            "https://x-iflmap.hcisbp.eu1.hana.ondemand.com/http/orders",
            "x-iflmap.hcisbp.eu1.hana.ondemand.com",
            443,
        ),
        (
            "  https://Tenant.IT-CPI018-RT.cfapps.eu10-003.hana.ondemand.com:443/cxf/x?a=b  ",
            "tenant.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com",
            443,
        ),
        ("my-tenant.example.com", "my-tenant.example.com", DEFAULT_PORT),
        ("my-tenant.example.com:8443", "my-tenant.example.com", 8443),
        ("my-tenant.example.com/http/orders", "my-tenant.example.com", 443),
        ("127.0.0.1:4443", "127.0.0.1", 4443),
        ("[::1]:8443", "::1", 8443),
        ("::1", "::1", 443),
        ("https://[::1]/http/x", "::1", 443),
        ("bücher.example", "xn--bcher-kva.example", 443),
    ],
)
def test_a_url_a_host_or_host_and_port_is_understood(text: str, host: str, port: int) -> None:
    target = parse_target(text)
    assert (target.host, target.port) == (host, port)
    assert target.url == (text.strip() if "://" in text else None)


@pytest.mark.parametrize(
    "text", ["", "   ", "ftp://host/x", "host:0", "host:70000", "host:https", "[::1", "https:///x"]
)
def test_an_unusable_target_is_refused_with_what_to_give(text: str) -> None:
    with pytest.raises(WizardError) as caught:
        parse_target(text)
    assert caught.value.code == "target.invalid"


def test_address_is_written_like_people_write_it() -> None:
    assert Target("::1", 8443).address == "[::1]:8443"
    assert Target("tenant.example", 443).address == "tenant.example:443"


# --- chains as presented ----------------------------------------------------------------------


@pytest.mark.parametrize("by", ["python", "openssl"])
def test_leaf_and_intermediate_are_read_exactly_as_the_server_sent_them(serve, by: str) -> None:
    server = server_pki()
    running = serve(server, by=by)

    result = probe(Target("localhost", running.port), timeout=5)

    assert fingerprints(result.presented) == fingerprints(server.chain())
    assert result.protocol in ("TLSv1.2", "TLSv1.3")
    assert result.servername == "localhost"
    assert result.handshake_error is None


def test_an_expired_chain_for_another_host_is_still_read_in_full(serve) -> None:
    server = server_pki(hostnames=("elsewhere.example",), ips=(), expired=True, depth=2)
    running = serve(server, with_root=True)

    result = probe(Target("127.0.0.1", running.port), timeout=5)

    assert fingerprints(result.presented) == fingerprints(server.chain(with_root=True))


def test_the_server_name_sent_is_the_host_or_the_one_given(serve) -> None:
    running = serve(server_pki())

    probe(Target("localhost", running.port), timeout=5)
    probe(Target("127.0.0.1", running.port), timeout=5)  # an IP literal is never sent as SNI
    chosen = probe(Target("127.0.0.1", running.port), timeout=5, servername="Tenant.Example")

    assert running.server_names == ["localhost", None, "tenant.example"]
    assert chosen.servername == "tenant.example"


# --- what the server asks of clients ----------------------------------------------------------


def test_a_server_that_asks_for_no_client_certificate_is_reported_so(serve) -> None:
    result = probe(Target("localhost", serve(server_pki()).port), timeout=5)
    assert result.client_cert_requested is False
    assert result.client_ca_names == ()


def test_a_client_certificate_request_without_ca_names_is_reported(serve) -> None:
    running = serve(server_pki(), request_client_cert=True)
    result = probe(Target("localhost", running.port), timeout=5)
    assert result.client_cert_requested is True
    assert result.client_ca_names == ()


def test_the_acceptable_client_ca_names_the_server_lists_are_reported(serve) -> None:
    accepted = [pki.root("Accepted Client Root A").cert, pki.root("Accepted Client Root B").cert]
    running = serve(server_pki(), by="openssl", client_ca_names=accepted)

    result = probe(Target("localhost", running.port), timeout=5)

    assert result.client_cert_requested is True
    assert result.client_ca_names == tuple(c.subject.rfc4514_string() for c in accepted)


def test_a_tls12_server_that_requires_a_certificate_still_yields_its_chain(serve) -> None:
    server = server_pki()
    accepted = [pki.root("Required Client Root").cert]
    running = serve(
        server,
        by="openssl",
        client_ca_names=accepted,
        require_client_cert=True,
        extra=("-tls1_2",),
    )

    result = probe(Target("localhost", running.port), timeout=5)

    assert fingerprints(result.presented)[:1] == [fingerprint(server.leaf)]
    assert result.client_cert_requested is True
    assert result.client_ca_names == (accepted[0].subject.rfc4514_string(),)
    assert result.handshake_error and "handshake failure" in result.handshake_error


# --- failures: specific, and naming host:port -------------------------------------------------


def expect_error(code: str, target: Target, **kw) -> WizardError:
    with pytest.raises(WizardError) as caught:
        probe(target, **kw)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_a_refused_port_says_nothing_listens_there() -> None:
    port = closed_port()
    error = expect_error("tls.refused", Target("127.0.0.1", port), timeout=5)
    assert f"127.0.0.1:{port}" in error.message
    assert "refused" in error.message


def test_a_listener_that_never_answers_times_out_with_the_address(silent_listener) -> None:
    error = expect_error("tls.timeout", Target("127.0.0.1", silent_listener.port), timeout=0.5)
    assert f"127.0.0.1:{silent_listener.port}" in error.message
    assert "0.5 s" in error.message
    assert "--timeout" in error.message


def test_a_plain_http_port_is_named_as_such(plain_http) -> None:
    error = expect_error("tls.not_tls", Target("localhost", plain_http.port), timeout=5)
    assert f"localhost:{plain_http.port}" in error.message
    assert "plain HTTP" in error.message
    assert "HTTP/1.1 400 Bad Request" in error.message


def test_a_name_that_does_not_resolve_is_a_dns_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # the resolver's answer for a name no DNS knows, whatever resolver this machine has (a
    # sandbox without DNS would time out instead, a hijacking one would answer)
    def no_such_name(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    error = expect_error("tls.dns", parse_target("no-such-tenant.invalid"), timeout=5)
    assert "no-such-tenant.invalid" in error.message


def test_a_server_speaking_only_old_tls_is_a_version_mismatch(serve) -> None:
    running = serve(
        server_pki(key_kind="rsa-2048"),
        by="openssl",
        extra=("-tls1", "-cipher", "DEFAULT@SECLEVEL=0"),
    )
    error = expect_error("tls.version", Target("localhost", running.port), timeout=5)
    assert f"localhost:{running.port}" in error.message
    assert "TLS 1.2" in error.message


def test_a_server_with_no_cipher_in_common_is_a_cipher_mismatch(serve) -> None:
    running = serve(server_pki(), by="openssl", extra=("-tls1_2", "-cipher", "eNULL@SECLEVEL=0"))
    error = expect_error("tls.cipher", Target("localhost", running.port), timeout=5)
    assert f"localhost:{running.port}" in error.message


def test_a_timeout_that_is_not_positive_is_refused() -> None:
    expect_error("target.timeout", Target("127.0.0.1", 443), timeout=0)


# --- proxies ----------------------------------------------------------------------------------


def test_the_chain_is_read_through_a_connect_proxy(serve, connect_proxy) -> None:
    server = server_pki()
    running = serve(server)
    proxy = connect_proxy()

    result = probe(Target("localhost", running.port), timeout=5, proxy=parse_proxy(proxy.url))

    assert fingerprints(result.presented) == fingerprints(server.chain())
    assert proxy.log.requests == [f"CONNECT localhost:{running.port} HTTP/1.1"]
    assert result.proxy == proxy.url


def test_a_proxy_that_refuses_the_tunnel_is_a_proxy_error(serve, connect_proxy) -> None:
    running = serve(server_pki())
    proxy = connect_proxy(refuse_with="403 Forbidden")

    error = expect_error(
        "proxy.refused", Target("localhost", running.port), timeout=5, proxy=parse_proxy(proxy.url)
    )

    assert f"localhost:{running.port}" in error.message
    assert proxy.url in error.message
    assert "403 Forbidden" in error.message


def test_a_proxy_that_is_not_running_is_a_proxy_error() -> None:
    port = closed_port()
    error = expect_error(
        "proxy.refused",
        Target("tenant.example", 443),
        timeout=5,
        proxy=parse_proxy(f"127.0.0.1:{port}"),
    )
    assert f"127.0.0.1:{port}" in error.message


def test_proxy_credentials_are_sent_but_never_shown(serve, connect_proxy) -> None:
    running = serve(server_pki())
    proxy = connect_proxy(require_auth="Basic YWxpY2U6czNjcjN0IQ==")  # alice:s3cr3t!
    with_password = proxy.url.replace("http://", "http://alice:s3cr3t%21@")

    result = probe(Target("localhost", running.port), timeout=5, proxy=parse_proxy(with_password))
    assert result.proxy == proxy.url

    wrong = proxy.url.replace("http://", "http://alice:wrong-secret@")
    error = expect_error(
        "proxy.refused", Target("localhost", running.port), timeout=5, proxy=parse_proxy(wrong)
    )
    assert "407" in error.message
    assert "wrong-secret" not in error.message
    assert "wrong-secret" not in repr(parse_proxy(wrong))


def test_https_proxy_from_the_environment_is_used(monkeypatch, connect_proxy) -> None:
    proxy = connect_proxy()
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    chosen = proxy_for(Target("tenant.example", 443))
    assert chosen is not None and chosen.display == proxy.url


def test_no_proxy_is_honoured_for_matching_hosts(monkeypatch, serve, connect_proxy) -> None:
    running = serve(server_pki())
    refusing = connect_proxy(refuse_with="403 Forbidden")
    monkeypatch.setenv("HTTPS_PROXY", refusing.url)
    monkeypatch.setenv("NO_PROXY", "example.org, localhost")
    target = Target("localhost", running.port)

    assert proxy_for(target) is None
    assert probe(target, timeout=5, proxy=proxy_for(target)).proxy is None
    assert proxy_for(Target("tenant.hana.ondemand.com", 443)) is not None
    assert proxy_for(Target("sub.example.org", 443)) is None
    assert refusing.log.requests == []


def test_an_explicit_proxy_wins_and_none_means_direct(monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://env-proxy.corp:3128")
    target = Target("tenant.example", 443)
    assert proxy_for(target, "http://cli-proxy.corp:8080").display == "http://cli-proxy.corp:8080"
    assert proxy_for(target, "none") is None


@pytest.mark.parametrize("text", ["socks5://proxy:1080", "https://proxy:443", "http://:8080"])
def test_a_proxy_this_program_cannot_use_is_refused(text: str) -> None:
    with pytest.raises(WizardError) as caught:
        parse_proxy(text)
    assert caught.value.code == "proxy.invalid"

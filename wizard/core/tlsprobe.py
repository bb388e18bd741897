"""Read what a TLS server presents: its certificate chain and its client-certificate request.

Why pyOpenSSL and not Python's `ssl`: on Python 3.11 `ssl` gives only the leaf of an unverified
peer (the whole chain arrives in 3.13), and it never exposes the list of acceptable client CA names
a server sends in its CertificateRequest. pyOpenSSL gives both (`get_peer_cert_chain`,
`get_client_ca_list`) without verifying anything, so an untrusted or expired chain is still read
in full; judging it is chain.py's job.

The handshake runs over memory BIOs on a socket we drive ourselves: one deadline covers DNS,
connect, the proxy tunnel and the handshake (nothing can hang), and we see the server's first bytes,
which tells "this port does not speak TLS" apart from a real TLS failure.

Behind a proxy: an HTTP CONNECT tunnel from `--proxy` or HTTPS_PROXY/ALL_PROXY, with NO_PROXY
honoured (urllib's reading of those variables, so we match what Python tools do).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from cryptography import x509
from OpenSSL import SSL

from wizard.core import proxies
from wizard.core.errors import WizardError
from wizard.core.i18n import for_face, translate
from wizard.core.proxies import NO_PROXY_WORDS, Proxy, parse_proxy  # noqa: F401 -- as before
from wizard.core.tlschannel import NotTls, TlsChannel, ssl_reasons, watch

DEFAULT_PORT = 443
DEFAULT_TIMEOUT = 10.0


# --- what to connect to -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A TLS endpoint: host (ASCII, IDNA-encoded), port, and the URL the user gave, if any."""

    host: str
    port: int = DEFAULT_PORT
    url: str | None = None

    @property
    def is_ip(self) -> bool:
        return _is_ip(self.host)

    @property
    def address(self) -> str:
        """host:port as people write it ([v6]:port for IPv6)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_target(text: str) -> Target:
    """What a person copies from the tenant: a URL, a host, or host:port."""
    raw = (text or "").strip()
    if not raw:
        raise WizardError(
            "target.invalid",
            translate(
                "tlsprobe",
                "No target given: pass the tenant's runtime URL or host, for example "
                "https://my-tenant.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders.",
            ),
        )
    url = None
    if "://" in raw:
        try:
            parts = urllib.parse.urlsplit(raw)
        except ValueError:  # "Invalid IPv6 URL", a bracketed host that is no IP address
            raise WizardError(
                "target.invalid",
                translate("tlsprobe", "{raw!r}: the IPv6 address has no closing ']'.").format(
                    raw=raw
                )
                if "[" in raw and "]" not in raw
                else _bad_host(raw, raw),
            ) from None
        if parts.scheme.lower() not in ("https", "http"):
            raise WizardError(
                "target.invalid",
                translate(
                    "tlsprobe",
                    "{raw!r} is a {scheme}:// address; give an https:// URL, a host name "
                    "or host:port.",
                ).format(raw=raw, scheme=parts.scheme),
            )
        url = raw
        netloc = parts.netloc.rpartition("@")[2]
    else:
        netloc = raw.split("/", 1)[0]
    host, port = _split_host_port(netloc, raw)
    return Target(host=_ascii_host(host, raw), port=port, url=url)


def _split_host_port(netloc: str, raw: str) -> tuple[str, int]:
    port_text = ""
    if netloc.startswith("["):
        host, sep, rest = netloc[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise WizardError(
                "target.invalid",
                translate("tlsprobe", "{raw!r}: the IPv6 address has no closing ']'.").format(
                    raw=raw
                ),
            )
        port_text = rest[1:]
    elif netloc.count(":") == 1:
        host, _, port_text = netloc.partition(":")
    else:
        host = netloc  # a name, or an IPv6 address without brackets (no port then)
    if not port_text:
        return host, DEFAULT_PORT
    if not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5) or not (
        0 < int(port_text) < 65536
    ):
        raise WizardError(
            "target.invalid",
            translate("tlsprobe", "{raw!r}: {port!r} is not a port number (1 to 65535).").format(
                raw=raw, port=port_text
            ),
        )
    return host, int(port_text)


def _bad_host(raw: str, host: str) -> str:
    return translate("tlsprobe", "{raw!r}: {host!r} is not a valid host name.").format(
        raw=raw, host=host
    )


def _ascii_host(host: str, raw: str) -> str:
    host = host.strip().rstrip(".").lower()
    if not host:
        raise WizardError(
            "target.invalid", translate("tlsprobe", "{raw!r} has no host name.").format(raw=raw)
        )
    if _is_ip(host):
        return host
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise WizardError("target.invalid", _bad_host(raw, host)) from None
    if any(c in ascii_host for c in " /\\?#@"):
        raise WizardError("target.invalid", _bad_host(raw, host))
    return ascii_host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# --- proxies (the policy is wizard/core/proxies.py) --------------------------------------------


def proxy_for(target: Target, explicit: str | None = None) -> Proxy | None:
    """The proxy to use for `target`: `explicit` (--proxy; "none" = direct) wins; else the
    environment's, by proxies.proxy_for (the one policy of every outgoing call)."""
    return proxies.proxy_for(f"https://{target.address}", explicit)


# --- the probe --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProbeResult:
    """What the server presented and asked for, as read from one handshake."""

    target: Target
    servername: str | None  # the SNI sent; None for an IP literal
    presented: tuple[x509.Certificate, ...]  # in the order the server sent them, leaf first
    protocol: str  # "TLSv1.3"
    cipher: str
    client_cert_requested: bool
    client_ca_names: tuple[str, ...]  # RFC 4514, as the server listed them
    proxy: str | None = None  # the proxy tunnelled through (no credentials)
    handshake_error: str | None = None  # set when the server ended the handshake after its chain


def probe(
    target: Target,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    proxy: Proxy | None = None,
    servername: str | None = None,
) -> ProbeResult:
    """Connect (directly or through `proxy`), run a TLS handshake, read chain and CA request.

    Never verifies the server (an untrusted or expired chain is read all the same) and never
    sends a client certificate. Raises WizardError naming host:port for every failure.
    """
    if timeout <= 0:
        raise WizardError(
            "target.timeout",
            translate("tlsprobe", "The timeout must be a positive number of seconds."),
        )
    deadline = time.monotonic() + timeout
    sni = _sni_name(target, servername)
    sock = open_connection(target, deadline=deadline, timeout=timeout, proxy=proxy)
    try:
        return _handshake(sock, target, sni, deadline, timeout, proxy)
    finally:
        sock.close()


def open_connection(
    target: Target, *, deadline: float, timeout: float, proxy: Proxy | None = None
) -> socket.socket:
    """TCP to `target`, or to `proxy` and a CONNECT tunnel through it, by `deadline`.

    Failures are WizardErrors whose code says which step failed: tls.dns/refused/timeout/
    unreachable for the target, proxy.dns/refused/timeout/unreachable for the proxy.
    """
    if proxy is None:
        return _connect(target.host, target.port, deadline, timeout, target=target)
    sock = _connect(proxy.host, proxy.port, deadline, timeout, target=target, proxy=proxy)
    try:
        _open_tunnel(sock, target, proxy, deadline, timeout)
    except BaseException:
        sock.close()
        raise
    return sock


def _sni_name(target: Target, servername: str | None) -> str | None:
    if servername:
        return _ascii_host(servername, servername)
    return None if target.is_ip else target.host


def _remaining(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.001)


def _resolve(host: str, port: int, deadline: float) -> list[tuple]:
    """getaddrinfo under the deadline: it has no timeout of its own."""
    box: dict[str, object] = {}

    def lookup() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            box["error"] = exc

    worker = threading.Thread(target=lookup, name=f"dns {host}", daemon=True)
    worker.start()
    worker.join(_remaining(deadline))
    if worker.is_alive():
        raise TimeoutError
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["infos"]  # type: ignore[return-value]


def _connect(
    host: str,
    port: int,
    deadline: float,
    timeout: float,
    *,
    target: Target,
    proxy: Proxy | None = None,
) -> socket.socket:
    where = (
        translate("tlsprobe", "the proxy {proxy}").format(proxy=proxy.display)
        if proxy
        else target.address
    )
    prefix = "proxy" if proxy else "tls"
    try:
        infos = _resolve(host, port, deadline)
    except TimeoutError:
        raise WizardError(
            f"{prefix}.timeout",
            for_face(
                translate(
                    "tlsprobe",
                    "Looking up {host} (for {where}) took longer than {timeout:g} s. Check the "
                    "network and DNS settings, or raise --timeout.",
                ),
                translate(
                    "tlsprobe",
                    "Looking up {host} (for {where}) took longer than {timeout:g} s. Check the "
                    "network and DNS settings, then try again.",
                ),
            ).format(host=host, where=where, timeout=timeout),
        ) from None
    except OSError as exc:
        hint = (
            for_face(
                translate("tlsprobe", "Check the proxy address in --proxy or HTTPS_PROXY."),
                translate(
                    "tlsprobe",
                    "Check the proxy address in the system's proxy settings or HTTPS_PROXY.",
                ),
            )
            if proxy
            else for_face(
                translate(
                    "tlsprobe",
                    "Check the spelling (copy the host from the tenant's URL or service key); "
                    "if this computer reaches the internet only through a proxy, give it with "
                    "--proxy or HTTPS_PROXY.",
                ),
                translate(
                    "tlsprobe",
                    "Check the spelling on the first step (copy the host from the tenant's URL or "
                    "service key); if this computer reaches the internet only through a proxy, set "
                    "it in the system's proxy settings or HTTPS_PROXY and start the wizard again.",
                ),
            )
        )
        reason = getattr(exc, "strerror", None) or str(exc)
        raise WizardError(
            f"{prefix}.dns",
            translate(
                "tlsprobe", "The name {host} (for {where}) cannot be resolved: {reason}. {hint}"
            ).format(host=host, where=where, reason=reason, hint=hint),
        ) from None
    last: OSError | None = None
    for family, kind, proto, _, address in infos:
        sock = watch(socket.socket(family, kind, proto))  # Cancel shuts it down at once
        sock.settimeout(_remaining(deadline))
        try:
            sock.connect(address)
        except OSError as exc:
            sock.close()
            if last is None or isinstance(exc, ConnectionRefusedError):
                last = exc
            if time.monotonic() >= deadline:
                break
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    if isinstance(last, ConnectionRefusedError):
        what = (
            translate("tlsprobe", "Check the proxy address and that the proxy is running.")
            if proxy
            else translate(
                "tlsprobe",
                "Nothing listens on that port: check the port (the tenant's runtime uses 443) "
                "and the host.",
            )
        )
        raise WizardError(
            f"{prefix}.refused",
            translate("tlsprobe", "{where} refused the connection. {what}").format(
                where=where, what=what
            ),
        )
    if isinstance(last, TimeoutError) or last is None:
        raise WizardError(
            f"{prefix}.timeout",
            for_face(
                translate(
                    "tlsprobe",
                    "Connecting to {where} took longer than {timeout:g} s. A firewall may drop the "
                    "connection, or a proxy is needed (--proxy or HTTPS_PROXY); raise --timeout if "
                    "the line is slow.",
                ),
                translate(
                    "tlsprobe",
                    "Connecting to {where} took longer than {timeout:g} s. A firewall may drop the "
                    "connection, or a proxy is needed (the system's proxy settings or "
                    "HTTPS_PROXY); try again if the line is slow.",
                ),
            ).format(where=where, timeout=timeout),
        )
    raise WizardError(
        f"{prefix}.unreachable",
        for_face(
            translate(
                "tlsprobe",
                "{where} cannot be reached: {reason}. Check the network, the host, "
                "and whether a proxy is needed (--proxy or HTTPS_PROXY).",
            ),
            translate(
                "tlsprobe",
                "{where} cannot be reached: {reason}. Check the network, the host, and whether a "
                "proxy is needed (the system's proxy settings or HTTPS_PROXY).",
            ),
        ).format(where=where, reason=last.strerror or last),
    )


def _open_tunnel(
    sock: socket.socket, target: Target, proxy: Proxy, deadline: float, timeout: float
) -> None:
    lines = [
        f"CONNECT {target.address} HTTP/1.1",
        f"Host: {target.address}",
        "User-Agent: cpi-cert-wizard",
    ]
    if proxy.authorization:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
    try:
        sock.settimeout(_remaining(deadline))
        sock.sendall(request)
        # http.client reads the status line and headers exactly as its own CONNECT tunnel does.
        response = http.client.HTTPResponse(sock, method="CONNECT")
        response.begin()
        status, reason = response.status, response.reason
        response.close()  # closes only the response's file object, not our socket
    except TimeoutError:
        raise WizardError(
            "proxy.timeout",
            for_face(
                translate(
                    "tlsprobe",
                    "The proxy {proxy} did not answer the tunnel request to {target} "
                    "within {timeout:g} s. Check the proxy, or raise --timeout.",
                ),
                translate(
                    "tlsprobe",
                    "The proxy {proxy} did not answer the tunnel request to {target} "
                    "within {timeout:g} s. Check the proxy, then try again.",
                ),
            ).format(proxy=proxy.display, target=target.address, timeout=timeout),
        ) from None
    except (OSError, http.client.HTTPException) as exc:
        raise WizardError(
            "proxy.refused",
            translate(
                "tlsprobe",
                "The proxy {proxy} did not open a tunnel to {target}: it "
                "answered the CONNECT request unlike an HTTP proxy ({error}). Check "
                "that this address is an HTTP proxy.",
            ).format(proxy=proxy.display, target=target.address, error=type(exc).__name__),
        ) from None
    if status == 200:
        return
    hints = {
        407: translate(
            "tlsprobe",
            "It wants credentials: set them in the environment variable HTTPS_PROXY "
            "(http://user:password@proxy:port), not on the command line, where other users of "
            "the machine can read them.",
        ),
        403: translate(
            "tlsprobe",
            "Its rules do not allow a tunnel to {target}; ask the proxy's "
            "administrators to allow CONNECT to this host and port.",
        ),
        502: translate(
            "tlsprobe", "The proxy could not reach {target}: check the host name and port."
        ),
        504: translate("tlsprobe", "The proxy could not reach {target} in time."),
    }
    hints[503] = hints[502]
    hint = hints.get(status) or translate("tlsprobe", "Check the proxy settings.")
    raise WizardError(
        "proxy.refused",
        translate(
            "tlsprobe",
            "The proxy {proxy} refused to open a tunnel to {target}: {status} {reason}. {hint}",
        ).format(
            proxy=proxy.display,
            target=target.address,
            status=status,
            reason=reason,
            hint=hint.format(target=target.address),
        ),
    )


def _handshake(
    sock: socket.socket,
    target: Target,
    sni: str | None,
    deadline: float,
    timeout: float,
    proxy: Proxy | None,
) -> ProbeResult:
    context = SSL.Context(SSL.TLS_CLIENT_METHOD)
    context.set_verify(SSL.VERIFY_NONE)  # read everything first; chain.py judges it afterwards
    context.set_min_proto_version(SSL.TLS1_2_VERSION)
    conn = SSL.Connection(context, None)  # memory BIOs: we move the bytes, under our deadline
    if sni:
        conn.set_tlsext_host_name(sni.encode("ascii"))
    conn.set_connect_state()
    channel = TlsChannel(sock, conn, deadline, keep_first=64)
    first = channel.first
    where = (
        translate("tlsprobe", "{target} (through the proxy {proxy})").format(
            target=target.address, proxy=proxy.display
        )
        if proxy
        else target.address
    )
    failure: SSL.Error | None = None
    try:
        channel.handshake()
    except SSL.Error as exc:
        failure = exc
        try:
            channel.flush()  # let the server see our alert
        except (OSError, TimeoutError):
            pass
    except NotTls:
        _require_tls(first, where)  # raises: the first byte starts no TLS record
    except TimeoutError:
        raise _timeout_error(where, first, timeout) from None
    except (EOFError, OSError):
        raise _closed_error(where, first, sni) from None
    presented = tuple(conn.get_peer_cert_chain(as_cryptography=True) or ())
    if failure is not None and not presented:
        raise _handshake_error(failure, where, sni, first)
    result = ProbeResult(
        target=target,
        servername=sni,
        presented=presented,
        protocol=conn.get_protocol_version_name(),
        cipher=conn.get_cipher_name() or "",
        client_cert_requested=channel.certificate_requested,
        client_ca_names=tuple(
            name.rfc4514_string() for name in conn.get_client_ca_list(as_cryptography=True)
        ),
        proxy=proxy.display if proxy else None,
        handshake_error=ssl_reasons(failure) if failure is not None else None,
    )
    if failure is None:
        channel.shutdown()
    return result


def _timeout_error(where: str, first: bytearray, timeout: float) -> WizardError:
    if first:
        message = for_face(
            translate(
                "tlsprobe",
                "{where} started the TLS handshake but did not finish it within {timeout:g} s. "
                "The port may speak another protocol that waits for the client, or a firewall "
                "holds the connection; check host and port (the tenant's runtime uses 443), or "
                "raise --timeout.",
            ),
            translate(
                "tlsprobe",
                "{where} started the TLS handshake but did not finish it within {timeout:g} s. "
                "The port may speak another protocol that waits for the client, or a firewall "
                "holds the connection; check host and port on the first step (the tenant's "
                "runtime uses 443).",
            ),
        )
    else:
        message = for_face(
            translate(
                "tlsprobe",
                "{where} accepted the connection but sent no TLS answer within {timeout:g} s. "
                "The port may speak another protocol that waits for the client, or a firewall "
                "holds the connection; check host and port (the tenant's runtime uses 443), or "
                "raise --timeout.",
            ),
            translate(
                "tlsprobe",
                "{where} accepted the connection but sent no TLS answer within {timeout:g} s. "
                "The port may speak another protocol that waits for the client, or a firewall "
                "holds the connection; check host and port on the first step (the tenant's "
                "runtime uses 443).",
            ),
        )
    return WizardError("tls.timeout", message.format(where=where, timeout=timeout))


def _require_tls(first: bytearray, where: str) -> None:
    # A TLS server answers with a handshake (22) or alert (21) record; anything else is another
    # protocol: plain HTTP, SSH, SMTP banners...
    if first[0] in (21, 22):
        return
    text = bytes(first).split(b"\r\n", 1)[0].split(b"\n", 1)[0]
    if text.startswith((b"HTTP/", b"<")):
        what = translate("tlsprobe", "plain HTTP ({line!r})").format(
            line=text.decode("ascii", "replace")
        )
        hint = translate(
            "tlsprobe", "This is an http:// port; the tenant's runtime speaks TLS on 443."
        )
    else:
        printable = all(32 <= b < 127 for b in text) and text
        what = repr(text.decode("ascii")) if printable else bytes(first[:16]).hex(" ")
        what = translate("tlsprobe", "something that is not TLS: {what}").format(what=what)
        hint = translate("tlsprobe", "Check the port: the tenant's runtime speaks TLS on 443.")
    raise WizardError(
        "tls.not_tls",
        translate("tlsprobe", "{where} does not speak TLS: it answered {what}. {hint}").format(
            where=where, what=what, hint=hint
        ),
    )


def _closed_error(where: str, first: bytearray, sni: str | None) -> WizardError:
    if first:
        detail = translate(
            "tlsprobe", "{where} closed the connection in the middle of the TLS handshake."
        )
    else:
        detail = translate(
            "tlsprobe", "{where} closed the connection without answering the TLS handshake."
        )
    if sni:
        advice = for_face(
            translate(
                "tlsprobe",
                " The port may not speak TLS, or does not serve the name {sni!r} (give the right "
                "one with --servername); check host and port (the tenant's runtime uses 443).",
            ),
            translate(
                "tlsprobe",
                " The port may not speak TLS, or does not serve the name {sni!r}; check host and "
                "port on the first step (the tenant's runtime uses 443).",
            ),
        )
    else:
        advice = translate(
            "tlsprobe",
            " The port may not speak TLS; check host and port (the tenant's runtime uses 443).",
        )
    return WizardError("tls.closed", detail.format(where=where) + advice.format(sni=sni))


def _handshake_error(exc: SSL.Error, where: str, sni: str | None, first: bytearray) -> WizardError:
    if isinstance(exc, SSL.SysCallError | SSL.ZeroReturnError):
        return _closed_error(where, first, sni)
    reasons = ssl_reasons(exc)
    text = reasons.lower()
    if any(
        k in text
        for k in ("protocol version", "unsupported protocol", "no protocols", "wrong ssl version")
    ):
        return WizardError(
            "tls.version",
            translate(
                "tlsprobe",
                "{where} and this program have no TLS version in common ({reasons}). The server "
                "offers only versions this program does not use (it needs TLS 1.2 or 1.3, as SAP "
                "Cloud Integration does): check that this is the tenant's runtime host.",
            ).format(where=where, reasons=reasons),
        )
    if any(
        k in text
        for k in ("handshake failure", "no shared cipher", "insufficient security", "no cipher")
    ):
        return WizardError(
            "tls.cipher",
            translate(
                "tlsprobe",
                "{where} refused the TLS handshake ({reasons}): no cipher suite or key exchange "
                "in common with this program's TLS 1.2/1.3 defaults. Check that this is the "
                "tenant's runtime host and port.",
            ).format(where=where, reasons=reasons),
        )
    if "unrecognized name" in text:
        return WizardError(
            "tls.servername",
            for_face(
                translate(
                    "tlsprobe",
                    "{where} does not serve the name {sni!r} ({reasons}). Check the host, or give "
                    "the name it expects with --servername.",
                ),
                translate(
                    "tlsprobe",
                    "{where} does not serve the name {sni!r} ({reasons}). Check the host on the "
                    "first step.",
                ),
            ).format(where=where, sni=sni, reasons=reasons),
        )
    return WizardError(
        "tls.handshake",
        translate(
            "tlsprobe",
            "The TLS handshake with {where} failed: {reasons}. Check host and port (the tenant's "
            "runtime uses 443).",
        ).format(where=where, reasons=reasons),
    )

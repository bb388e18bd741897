"""HTTPS calls that carry credentials: the one small urllib client of the tenant API and sap-sign.

- TLS is verified against the OS store plus certifi's bundle, or only against the CA files given
  (a private test server).
- Only https: URLs are called, and redirects are reported as answers, never followed: urllib
  would resend the Authorization header to wherever the redirect points.
- HTTPS_PROXY and NO_PROXY apply (urllib's ProxyHandler, as in other Python tools).
- A session keeps cookies when asked (Neo's CSRF token is bound to the session cookie).
- `timeout` bounds the whole call (connect, proxy, handshake, request, answer), not each read:
  a server dripping one byte now and then cannot stretch it.
- Credentials in a URL (a proxy's user:password) never appear in a message: `mask_url`.
- An HTTP status is an answer, not an exception (the caller knows what its 401 or 409 means);
  getting no answer at all is a `WizardError` in words, coded `<area>.network`, `<area>.tls` or
  `<area>.proxy`, with the caller's advice on what to check.
"""

from __future__ import annotations

import base64
import email.message
import http.client
import http.cookiejar
import json
import re
import socket
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core import jsontext, proxies
from wizard.core.errors import WizardError
from wizard.core.i18n import tr, translate

DEFAULT_TIMEOUT = 30.0
CONTEXT = (
    "https"  # tr() context of this module's texts and of the Caller advice (QT_TRANSLATE_NOOP)
)


@dataclass(frozen=True)
class Caller:
    """Whose calls these are: the prefix of their error codes and what their users should check."""

    area: str  # "tenant_api" → tenant_api.url, .ca_file, .tls, .network, .not_json (.proxy)
    # the three advice texts are marked with QT_TRANSLATE_NOOP("https", ...) by each caller
    check: str  # advice after "Cannot reach <host>: <why>."
    tls_advice: str  # advice after "The server certificate of <host> is not trusted (<why>)."
    login_page_advice: str = ""  # added when an HTML page came where JSON was expected
    # sap-sign names the proxy that failed (<area>.proxy); the Neo API's messages do not
    name_proxy: bool = False


@dataclass(frozen=True)
class Answer:
    """What the server answered: any status, redirects included."""

    status: int
    headers: email.message.Message  # an HTTPMessage; urllib's HTTPError is typed as its base
    body: bytes
    caller: Caller = field(repr=False, compare=False)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    def json(self, what: str, url: str) -> object:
        """The body as JSON; `<area>.not_json` naming `url` and `what` was asked when it is not."""
        try:
            return jsontext.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            advice = self.caller.login_page_advice
            html = advice and "html" in self.content_type.lower()
            hint = " " + tr(CONTEXT, advice) if html else ""
            raise WizardError(
                f"{self.caller.area}.not_json",
                translate(
                    "https",
                    "{url} answered {what} with {content_type} that is not JSON (HTTP {status}).",
                ).format(
                    url=mask_url(url),
                    what=what,
                    content_type=self.content_type or translate("https", "no content type"),
                    status=self.status,
                )
                + hint,
            ) from None


def tls_context(ca_files: Sequence[Path] = (), *, area: str) -> ssl.SSLContext:
    """The OS store plus certifi's bundle; only `ca_files` when given (a private test server)."""
    if not ca_files:
        context = ssl.create_default_context()
        try:
            import certifi

            context.load_verify_locations(cafile=certifi.where())
        except (ImportError, OSError, ssl.SSLError):
            pass  # the OS store alone still verifies public servers
        return context
    path = ca_files[0]
    try:
        context = ssl.create_default_context(cafile=str(path))  # these files, not the OS store
        for path in ca_files[1:]:  # `path` then names the file that failed
            context.load_verify_locations(cafile=str(path))
    except (OSError, ssl.SSLError) as exc:
        raise WizardError(
            f"{area}.ca_file",
            translate(
                "https",
                "{file} cannot be used as CA file ({reason}); give a PEM file with the CA "
                "certificate that signed the server's certificate.",
            ).format(file=path, reason=exc),
        ) from None
    return context


def basic_auth(user: str, secret: str) -> str:
    """The `Authorization` value for HTTP Basic: "Basic " and base64 of user:secret (UTF-8)."""
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")


def mask_url(url: str) -> str:
    """`url` with any user:password replaced by ***, for messages and logs."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "***" if "@" in url else url
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


class _Deadline:
    """Closes the sockets of one call when its time is up, so a blocked read returns."""

    def __init__(self, seconds: float) -> None:
        self.sockets: list[socket.socket] = []
        self.expired = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self.sockets:
                sock.close()
            self.sockets.clear()

    def opened(self, sock: socket.socket) -> socket.socket:
        # a duplicate: TLS takes the original over (it is detached), the connection stays shared
        with self._lock:
            self.sockets.append(sock.dup())
            if self.expired:
                _shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _HTTPSHandler(urllib.request.HTTPSHandler):
    """urllib's HTTPS handler whose connections report their sockets to the call's deadline."""

    def __init__(self, context: ssl.SSLContext, session: Session) -> None:
        super().__init__(context=context)
        self._tls, self._session = context, session

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        session = self._session

        class Connection(http.client.HTTPSConnection):
            _create_connection: Callable[..., socket.socket]  # http.client's; typeshed omits it

            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                deadline = session._deadline
                if deadline is not None:
                    create = self._create_connection
                    self._create_connection = lambda *a, **k: deadline.opened(create(*a, **k))

        return self.do_open(Connection, req, context=self._tls)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are reported, not followed: urllib would send the credentials to the new host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        return None


class Session:
    """One TLS context, timeout and (when asked) cookie jar for all calls of one run."""

    def __init__(
        self,
        caller: Caller,
        *,
        ca_files: Sequence[Path] = (),
        timeout: float = DEFAULT_TIMEOUT,
        cookies: bool = False,
        proxy: str | None = None,
    ) -> None:
        self.caller = caller
        self.timeout = timeout
        self.ca_files = tuple(ca_files)  # also trusted by the mTLS token call
        self.proxy = proxy  # --proxy: wins over the system's; "none" = direct
        self._deadline: _Deadline | None = None
        handlers: list[urllib.request.BaseHandler] = [
            _HTTPSHandler(tls_context(ca_files, area=caller.area), self),
            _NoRedirect(),
        ]
        if cookies:
            handlers.append(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self._handlers = handlers

    def opener_for(self, url: str) -> urllib.request.OpenerDirector:
        """The handlers of this session and the proxy proxies.py chooses for `url`."""
        chosen = proxy_for(url, self.proxy)
        route = urllib.request.ProxyHandler({"https": chosen} if chosen else {})
        return urllib.request.build_opener(route, *self._handlers)

    def call(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None = None
    ) -> Answer:
        """Send one request; any HTTP status comes back as an `Answer`, no answer as WizardError."""
        if urllib.parse.urlsplit(url).scheme != "https":  # secrets travel only over TLS
            raise WizardError(
                f"{self.caller.area}.url",
                translate("https", "{url!r} is not an https URL.").format(url=mask_url(url)),
            )
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
        deadline = _Deadline(self.timeout)
        self._deadline = deadline
        try:
            opener = self.opener_for(url)
            with deadline, opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, response.headers, response.read(), self.caller)
        except urllib.error.HTTPError as exc:
            if deadline.expired:
                raise network_error(url, TimeoutError(), self.caller, self.proxy) from None
            with exc:
                return Answer(exc.code, exc.headers, exc.read(), self.caller)
        except urllib.error.URLError as exc:
            reason = TimeoutError() if deadline.expired else exc.reason
            raise network_error(url, reason, self.caller, self.proxy) from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            reason = TimeoutError() if deadline.expired else exc
            raise network_error(url, reason, self.caller, self.proxy) from None
        finally:
            self._deadline = None

    def client_credentials(self, token_url: str, client_id: str, secret: str) -> Answer:
        """The OAuth client-credentials token request (Neo API, Destination service); the caller
        reads `access_token` and words a refusal in its own terms."""
        return self.call(
            "POST",
            token_url,
            {
                "Authorization": basic_auth(client_id, secret),
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            b"grant_type=client_credentials",
        )


def _without_credentials(text: str) -> str:
    """A library's error text with any user:password@ of a URL in it masked."""
    return re.sub(r"(?<=//)[^/@\s]+@", "***@", text)


def proxy_for(url: str, explicit: str | None = None) -> str | None:
    """The proxy URL `url` goes through (proxies.py's policy: --proxy, else the system's), or
    None; with credentials, so mask_url it before showing it."""
    if explicit is not None:
        return None if explicit.strip().lower() in proxies.NO_PROXY_WORDS else explicit
    return proxies.system_proxy(url)


def network_error(
    url: str, reason: object, caller: Caller, explicit_proxy: str | None = None
) -> WizardError:
    """Why `url` gave no answer, in words, with the caller's code prefix and advice."""
    host = urllib.parse.urlsplit(url).netloc.rpartition("@")[2]
    proxy = proxy_for(url, explicit_proxy) if caller.name_proxy else None
    proxy = mask_url(proxy) if proxy else None
    if isinstance(reason, ssl.SSLCertVerificationError):
        return WizardError(
            f"{caller.area}.tls",
            translate(
                "https", "The server certificate of {host} is not trusted ({reason}). {advice}"
            ).format(
                host=host, reason=reason.verify_message, advice=tr(CONTEXT, caller.tls_advice)
            ),
        )
    text = str(reason)
    if proxy and "Tunnel connection failed" in text:
        return WizardError(
            f"{caller.area}.proxy",
            translate(
                "https",
                "The proxy {proxy} (HTTPS_PROXY) refused to connect to {host} ({reason}). Ask for "
                "{host} to be allowed, or set NO_PROXY if it should be reached directly.",
            ).format(proxy=proxy, host=host, reason=mask_url(text) if "@" in text else text),
        )
    if isinstance(reason, ConnectionRefusedError):
        detail = translate("https", "connection refused")
    elif isinstance(reason, TimeoutError | socket.timeout):
        detail = translate("https", "no answer in time")
    elif isinstance(reason, socket.gaierror):
        detail = translate("https", "the host name is unknown")
    else:
        detail = _without_credentials(text) or type(reason).__name__
    if proxy:
        return WizardError(
            f"{caller.area}.proxy",
            translate(
                "https",
                "Cannot reach {host} through the proxy {proxy} (HTTPS_PROXY): {detail}. Check the "
                "proxy address and that it is running, or unset HTTPS_PROXY to connect directly.",
            ).format(host=host, proxy=proxy, detail=detail),
        )
    return WizardError(
        f"{caller.area}.network",
        translate("https", "Cannot reach {host}: {detail}. {check}").format(
            host=host, detail=detail, check=tr(CONTEXT, caller.check)
        ),
    )


def client_credentials_mtls(
    session: Session,
    token_url: str,
    client_id: str,
    certificate_pem: str,
    key_pem: str,
    ca_files: Sequence[Path] = (),
) -> Answer:
    """The client-credentials token request of an x509-bound service key, by mutual TLS.

    The key stays an object in memory (pyOpenSSL; Python's ssl loads keys only from files). The
    server's chain and name are judged by cryptography's verifier before anything is sent.
    """
    import io
    import time

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from OpenSSL import SSL

    from wizard.core import chain as chainmod
    from wizard.core import tlschannel, tlsprobe, trust

    caller = session.caller
    if urllib.parse.urlsplit(token_url).scheme != "https":
        raise WizardError(
            f"{caller.area}.url",
            translate("https", "{url!r} is not an https URL.").format(url=mask_url(token_url)),
        )
    # the caller checked the service key's PEM; the CA files are checked as for every call
    certs = x509.load_pem_x509_certificates(certificate_pem.encode("utf-8"))
    key = serialization.load_pem_private_key(key_pem.encode("utf-8"), password=None)
    if ca_files:
        tls_context(ca_files, area=caller.area)  # names a file that is no CA file
        roots: list[x509.Certificate] = []
        for ca_file in ca_files:
            try:
                roots += x509.load_pem_x509_certificates(Path(ca_file).read_bytes())
            except (OSError, ValueError):
                continue  # ssl read it (certificates among other text); cryptography did not
        source = trust.TrustSource("CA files", tuple(roots))
    else:
        source = trust.system_source()
    target = tlsprobe.parse_target(token_url)
    deadline = time.monotonic() + session.timeout
    context = SSL.Context(SSL.TLS_CLIENT_METHOD)
    context.set_min_proto_version(SSL.TLS1_2_VERSION)
    context.set_verify(SSL.VERIFY_NONE)  # judged below, before the request is sent
    context.use_certificate(certs[0])
    context.use_privatekey(key)  # type: ignore[arg-type]
    for extra in certs[1:]:
        context.add_extra_chain_cert(extra)
    conn = SSL.Connection(context, None)
    if not target.is_ip:
        conn.set_tlsext_host_name(target.host.encode("ascii"))
    conn.set_connect_state()
    host = urllib.parse.urlsplit(token_url).netloc
    try:
        sock = tlsprobe.open_connection(
            target,
            deadline=deadline,
            timeout=session.timeout,
            proxy=tlsprobe.proxy_for(target, session.proxy),
        )
    except WizardError as exc:
        raise network_error(token_url, OSError(exc.message), caller, session.proxy) from None
    channel = tlschannel.TlsChannel(sock, conn, deadline, host)
    try:
        channel.handshake()
        presented = [c.to_cryptography() for c in conn.get_peer_cert_chain() or []]
        report = chainmod.check_server_chain(presented, target.host, [source], fetch_aia=False)
        if not report.valid_for_host:
            raise WizardError(
                f"{caller.area}.tls",
                translate(
                    "https", "The server certificate of {host} is not trusted ({why}). {advice}"
                ).format(
                    host=host,
                    why="; ".join(report.problems) or "its chain does not validate",
                    advice=tr(CONTEXT, caller.tls_advice),
                ),
            )
        parts = urllib.parse.urlsplit(token_url)
        body = urllib.parse.urlencode(
            {"grant_type": "client_credentials", "client_id": client_id}
        ).encode("ascii")
        target_path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = (
            f"POST {target_path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode("ascii")
        channel.sendall(request + body)

        class _Raw(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def readinto(self, buffer) -> int:  # type: ignore[override]
                try:
                    return channel.recv_into(memoryview(buffer).cast("B"))
                except EOFError:
                    return 0

        class _Sock:
            def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.IOBase:
                return io.BufferedReader(_Raw())

        response = http.client.HTTPResponse(_Sock(), method="POST")  # type: ignore[arg-type]
        response.begin()
        return Answer(response.status, response.msg, response.read(), caller)
    except WizardError:
        raise
    except (SSL.Error, OSError, EOFError, http.client.HTTPException) as exc:
        refused = channel.sent_certificate and not channel.answered
        if not refused:
            raise network_error(token_url, exc, caller, session.proxy) from None
        # TLS 1.3: the server judges the certificate after our handshake ends, and its alert (or
        # just a closed connection) comes where the answer should
        reason = tlschannel.ssl_reasons(exc) if isinstance(exc, SSL.Error) else ""
        raise WizardError(
            f"{caller.area}.credentials",
            translate(
                "https",
                "{host} refused the client certificate of the service key during the TLS "
                "handshake{reason}: it is expired, revoked or not the one of this key. Create "
                "a new service key and run again with --destination-key NEW-KEY.json.",
            ).format(host=host, reason=f" ({reason})" if reason else ""),
        ) from None
    finally:
        channel.close()

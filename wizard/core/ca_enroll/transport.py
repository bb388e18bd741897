"""One kept-alive HTTPS connection to a CA, and the authentication the CA asks for.

NTLM and Negotiate authenticate a *connection* (IIS keeps the result for the connection), so the
handshake and the request it protects must travel over the same TCP connection: this module uses
`http.client` directly (urllib closes the connection after every request). Redirects are answers,
never followed. The server's TLS certificate is always verified (`https.tls_context`: the OS store
and certifi, or only the --ca-file given). A proxy is used through CONNECT (--proxy, else
HTTPS_PROXY unless NO_PROXY names the host).
"""

from __future__ import annotations

import base64
import http.client
import re
import socket
import ssl
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from wizard.core import https
from wizard.core.errors import WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, translate

AREA = "ca_enroll"
MAX_BODY = 8 * 1024 * 1024  # a certificate page or PKCS#7 is a few kB; a portal page is < 1 MB
USER_AGENT = "cpi-cert-wizard (certificate enrollment)"

CALLER = https.Caller(
    area=AREA,
    check=QT_TRANSLATE_NOOP(
        "https",
        "Check the CA's address (and that its web enrollment or EST service runs), your network "
        "and, if you need one, the proxy (--proxy or HTTPS_PROXY); then try again.",
    ),
    tls_advice=QT_TRANSLATE_NOOP(
        "https",
        "A company CA's web server usually has a certificate from the company's own root: give "
        "that root with --ca-file (PEM), or install it in the system's trust store.",
    ),
    name_proxy=True,
)


class Auth(StrEnum):
    NEGOTIATE = "negotiate"  # Kerberos (the logged-on user, or a user name + password)
    NTLM = "ntlm"
    BASIC = "basic"  # user name + password, only ever over TLS
    CERTIFICATE = "certificate"  # a TLS client certificate (EST)
    NONE = "none"


_SCHEME = {Auth.NEGOTIATE: "Negotiate", Auth.NTLM: "NTLM", Auth.BASIC: "Basic"}


@dataclass(frozen=True)
class Credentials:
    auth: Auth
    user: str | None = None  # DOMAIN\\user or user@REALM; None: the logged-on user (Negotiate)
    password: str | None = field(default=None, repr=False)
    client_chain: Path | None = None  # PEM: client certificate (+ intermediates)
    client_key: Path | None = None  # PEM private key, possibly encrypted with `key_password`
    key_password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    url: str

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def media_type(self) -> str:
        """The whole Content-Type value, parameters included (EST's smime-type)."""
        return (self.headers.get("Content-Type") or "").strip()

    @property
    def is_html(self) -> bool:
        head = self.body[:512].lstrip().lower()
        return self.content_type in ("text/html", "application/xhtml+xml") or head.startswith(
            (b"<!doctype html", b"<html")
        )

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def title(self) -> str:
        """The HTML page's <title>, for messages about a page where a certificate was expected."""
        match = re.search(r"<title[^>]*>(.*?)</title>", self.text(), re.IGNORECASE | re.DOTALL)
        return " ".join(match.group(1).split())[:120] if match else ""


def offered_schemes(reply: Reply) -> dict[str, str]:
    """The WWW-Authenticate offers: scheme (lower case) → its token or parameters."""
    offers: dict[str, str] = {}
    for value in reply.headers.get_all("WWW-Authenticate") or []:
        scheme, _, rest = value.strip().partition(" ")
        if scheme:
            offers.setdefault(scheme.lower(), rest.strip())
    return offers


class Connection:
    """HTTPS to one CA host: kept alive across requests, authenticated when the CA asks."""

    def __init__(
        self,
        url: str,
        credentials: Credentials,
        *,
        ca_files: Sequence[Path] = (),
        proxy: str | None = None,
        timeout: float = https.DEFAULT_TIMEOUT,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise WizardError(
                f"{AREA}.url",
                translate(
                    "ca_enroll",
                    "{url!r} is not an https URL. The CA's address starts with https:// (for AD "
                    "CS for example https://ca.example.com/certsrv); credentials and requests "
                    "only travel over TLS.",
                ).format(url=url),
            )
        self.host = parts.hostname
        self.port = parts.port or 443
        self.origin = f"https://{parts.netloc}"
        self.credentials = credentials
        self.timeout = timeout
        self.proxy = proxy if proxy is not None else https.proxy_for(url)
        self.context = https.tls_context(ca_files, area=AREA)
        if credentials.auth is Auth.CERTIFICATE and credentials.client_chain:
            try:
                self.context.load_cert_chain(
                    str(credentials.client_chain),
                    str(credentials.client_key) if credentials.client_key else None,
                    password=credentials.key_password,
                )
            except (OSError, ssl.SSLError, ValueError) as exc:
                raise WizardError(
                    f"{AREA}.client_certificate",
                    translate(
                        "ca_enroll",
                        "The client certificate {file} cannot be used for TLS ({reason}).",
                    ).format(file=credentials.client_chain, reason=type(exc).__name__),
                ) from None
        self._conn: http.client.HTTPSConnection | None = None
        self.server_certificate: bytes | None = None  # DER, for the channel binding
        self._authorized_header: str | None = None  # Basic: sent with every request once chosen

    # --- the connection ------------------------------------------------------------------------

    def _open(self) -> http.client.HTTPSConnection:
        if self._conn is None:
            if self.proxy:
                proxy = urllib.parse.urlsplit(
                    self.proxy if "//" in self.proxy else f"http://{self.proxy}"
                )
                conn = http.client.HTTPSConnection(
                    proxy.hostname or "", proxy.port or 8080, timeout=self.timeout,
                    context=self.context,
                )  # fmt: skip
                conn.set_tunnel(self.host, self.port)
            else:
                conn = http.client.HTTPSConnection(
                    self.host, self.port, timeout=self.timeout, context=self.context
                )
            self._conn = conn
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _url(self, target: str) -> str:
        return target if target.startswith("https://") else self.origin + target

    def _path(self, target: str) -> str:
        parts = urllib.parse.urlsplit(self._url(target))
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def _send_once(
        self, method: str, target: str, headers: dict[str, str], body: bytes | None
    ) -> Reply:
        url = self._url(target)
        all_headers = {"User-Agent": USER_AGENT, "Connection": "keep-alive", **headers}
        for attempt in (1, 2):
            conn = self._open()
            try:
                conn.request(method, self._path(target), body=body, headers=all_headers)
                response = conn.getresponse()
                if isinstance(conn.sock, ssl.SSLSocket):
                    self.server_certificate = conn.sock.getpeercert(binary_form=True)
                data = response.read(MAX_BODY + 1)
                if response.will_close:
                    self.close()
                return Reply(response.status, response.headers, data[:MAX_BODY], url)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()  # the server closed a kept-alive connection: once more, afresh
                if attempt == 2:
                    raise WizardError(
                        f"{AREA}.network",
                        translate(
                            "ca_enroll", "{host} closed the connection without an answer."
                        ).format(host=self.host),
                    ) from None
            except ssl.SSLCertVerificationError as exc:
                self.close()
                raise https.network_error(url, exc, CALLER) from None
            except ssl.SSLError as exc:
                self.close()
                raise _tls_error(url, exc) from None
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                reason: object = exc
                if isinstance(exc, socket.timeout):
                    reason = TimeoutError()
                if self.proxy and "Tunnel connection failed" in str(exc):
                    reason = OSError(f"Tunnel connection failed: {exc}")
                raise https.network_error(url, reason, CALLER) from None
        raise AssertionError("unreachable")

    # --- authentication ------------------------------------------------------------------------

    def request(
        self,
        method: str,
        target: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Reply:
        """One request; a 401 is answered with the configured authentication, once."""
        headers = dict(headers or {})
        if self._authorized_header:
            headers["Authorization"] = self._authorized_header
        reply = self._send_once(method, target, headers, body)
        if reply.status != 401 or self.credentials.auth in (Auth.NONE, Auth.CERTIFICATE):
            return reply
        offers = offered_schemes(reply)
        auth = self.credentials.auth
        if auth is Auth.BASIC:
            if "basic" not in offers:
                raise self._not_offered(offers, reply)
            if not self.credentials.user or self.credentials.password is None:
                raise _needs_user(auth)
            self._authorized_header = https.basic_auth(
                self.credentials.user, self.credentials.password
            )
            headers["Authorization"] = self._authorized_header
            return self._send_once(method, target, headers, body)
        return self._handshake(method, target, headers, body, offers, reply)

    def _not_offered(self, offers: dict[str, str], reply: Reply) -> WizardError:
        scheme = _SCHEME.get(self.credentials.auth, self.credentials.auth.value)
        names = {"negotiate": "negotiate", "ntlm": "ntlm", "basic": "basic"}
        usable = [names[s] for s in offers if s in names]
        return WizardError(
            f"{AREA}.auth_not_offered",
            translate(
                "ca_enroll",
                "{host} does not offer {scheme} sign-in (it offers: {offers}). Choose one it "
                "offers with --auth {choice}.",
            ).format(
                host=self.host,
                scheme=scheme,
                offers=", ".join(reply.headers.get_all("WWW-Authenticate") or []) or "-",
                choice="|".join(usable) or "basic",
            ),
        )

    def _handshake(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes | None,
        offers: dict[str, str],
        reply: Reply,
    ) -> Reply:
        auth = self.credentials.auth
        # NTLM is offered either on its own ("NTLM") or inside Negotiate; Kerberos only in Negotiate
        if auth is Auth.NTLM and "ntlm" in offers:
            scheme, protocol = "NTLM", "ntlm"
        elif "negotiate" in offers:
            scheme, protocol = "Negotiate", "negotiate" if auth is Auth.NEGOTIATE else "ntlm"
        else:
            raise self._not_offered(offers, reply)
        if auth is Auth.NTLM and not self.credentials.user and not _native_sspi():
            raise _needs_user(auth)
        context = _security_context(
            self.credentials, self.host, protocol, channel_binding(self.server_certificate)
        )
        incoming: bytes | None = None
        for _round in range(4):
            token = _step(context, incoming, self.host, auth)
            if token is None:
                break
            headers["Authorization"] = f"{scheme} {base64.b64encode(token).decode('ascii')}"
            reply = self._send_once(method, target, headers, body)
            challenge = offered_schemes(reply).get(scheme.lower(), "")
            if reply.status != 401 or not challenge:
                if challenge and not context.complete:  # Kerberos mutual authentication
                    _step(context, base64.b64decode(challenge), self.host, auth)
                return reply
            incoming = base64.b64decode(challenge)
        return reply


def _native_sspi() -> bool:
    """Windows signs in with the logged-on user's NTLM credentials as well (SSPI)."""
    import sys

    return sys.platform == "win32"


def _has_gssapi() -> bool:
    import importlib.util

    return importlib.util.find_spec("gssapi") is not None


def _needs_user(auth: Auth) -> WizardError:
    return WizardError(
        f"{AREA}.user_missing",
        translate(
            "ca_enroll",
            "Sign-in with {auth} needs a user name (--user DOMAIN\\name); the password is asked "
            "for and kept in the keyring.",
        ).format(auth=auth.value),
    )


def channel_binding(server_certificate: bytes | None):
    """RFC 5929 tls-server-end-point: binds NTLM/Kerberos to this TLS connection.

    IIS with Extended Protection (Microsoft's advice for AD CS web enrollment since KB5005413)
    refuses NTLM and Kerberos without it; servers without it ignore it.
    """
    if not server_certificate:
        return None
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from spnego.channel_bindings import GssChannelBindings

    certificate = x509.load_der_x509_certificate(server_certificate)
    algorithm = certificate.signature_hash_algorithm
    if algorithm is None or isinstance(algorithm, hashes.MD5 | hashes.SHA1):
        algorithm = hashes.SHA256()  # RFC 5929 4.1
    digest = hashes.Hash(algorithm)
    digest.update(server_certificate)
    return GssChannelBindings(application_data=b"tls-server-end-point:" + digest.finalize())


def _security_context(credentials: Credentials, host: str, protocol: str, bindings=None):
    try:
        import spnego
    except ImportError:
        raise WizardError(
            f"{AREA}.no_spnego",
            translate(
                "ca_enroll",
                "This installation has no Negotiate/NTLM support (the Python package pyspnego is "
                "missing). Use --auth basic, or install pyspnego.",
            ),
        ) from None
    if protocol == "negotiate" and not _native_sspi() and not _has_gssapi():
        raise WizardError(
            f"{AREA}.no_kerberos",
            translate(
                "ca_enroll",
                "This installation cannot use Kerberos (the Python package gssapi is missing; "
                "install cpi-cert-wizard with its 'kerberos' extra, which needs the system's "
                "Kerberos library). Sign in with --auth ntlm or --auth basic and --user instead.",
            ),
        )
    try:
        return spnego.client(
            credentials.user,
            credentials.password,
            hostname=host,
            service="HTTP",
            protocol=protocol,
            channel_bindings=bindings,
        )
    except Exception as exc:  # pyspnego raises many kinds; all mean "cannot sign in this way"
        raise _sign_in_error(exc, host, protocol) from None


def _step(context, incoming: bytes | None, host: str, auth: Auth) -> bytes | None:
    try:
        return context.step(incoming)
    except Exception as exc:
        raise _sign_in_error(exc, host, auth.value) from None


def _sign_in_error(exc: Exception, host: str, protocol: str) -> WizardError:
    text = str(exc).split("\n")[0][:300]
    if protocol == "negotiate":
        return WizardError(
            f"{AREA}.kerberos",
            translate(
                "ca_enroll",
                "Kerberos sign-in to {host} failed: {reason}. On Windows sign in to the domain; "
                "on Linux get a ticket first (kinit name@REALM) and check that the CA's name "
                "{host} is the one its HTTP service principal is registered for. Or sign in with "
                "a user name and password: --auth ntlm or --auth basic with --user.",
            ).format(host=host, reason=text),
        )
    return WizardError(
        f"{AREA}.ntlm",
        translate("ca_enroll", "NTLM sign-in to {host} failed: {reason}.").format(
            host=host, reason=text
        ),
    )


def _tls_error(url: str, exc: ssl.SSLError) -> WizardError:
    host = urllib.parse.urlsplit(url).netloc
    reason = exc.reason or str(exc)
    if "CERTIFICATE_REQUIRED" in str(reason).upper() or "HANDSHAKE_FAILURE" in str(reason).upper():
        return WizardError(
            f"{AREA}.client_certificate_refused",
            translate(
                "ca_enroll",
                "{host} ended the TLS handshake ({reason}): it wants a client certificate it "
                "trusts. Sign in with a certificate the CA issued (renewal, or --client-profile).",
            ).format(host=host, reason=reason),
        )
    return WizardError(
        f"{AREA}.tls",
        translate("ca_enroll", "TLS with {host} failed: {reason}.").format(
            host=host, reason=reason
        ),
    )

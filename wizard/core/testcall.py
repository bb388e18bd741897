"""The test call: call the endpoint the way a sender system would, and say what happened.

The call presents the profile's key, leaf and **all** intermediates, verifies the server against
the tenant root saved by fetch-root (or the system store, or a file), and turns whatever happens
(a TLS alert, a status, a timeout) into one verdict from wizard.core.verdicts, with the evidence
and the next thing to check. Before calling it runs the local pre-checks (chain complete, valid,
clientAuth, root accepted), because a 401 alone cannot tell "the load balancer dropped the
certificate" (NO_CERT_FORWARDED) from "the tenant does not know it" (NOT_MAPPED): the chain can.

Why pyOpenSSL and not Python's `ssl`:
- the private key stays an object in memory (`ssl` loads keys only from files; we never write the
  decrypted key to disk, and do not want to hand the encrypted one to a second parser either);
- `Connection.get_client_ca_list()` gives the acceptable-CA names the server sends in its
  certificate request (the load balancer's client roots); `ssl` never exposes them;
- `get_peer_cert_chain()` gives the whole server chain on 3.11 even when it is not trusted, for
  the evidence; the chain is then judged by cryptography's x509.verification (hostname included)
  before a single byte of the request is sent.
The TLS bytes go through memory BIOs on a socket we drive ourselves (as tlsprobe does), so one
deadline covers connect, tunnel, handshake and answer, and the server's first bytes tell a plain
HTTP port (NOT_TLS) from a TLS failure.

Its parts: client_identity.py (what the sender presents and trusts), prechecks.py (the local
checks of the chain), tlschannel.py (the transport), curl.py (the same call as a curl line);
this module makes the call and judges it.
"""

from __future__ import annotations

import http.client
import io
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from cryptography import x509
from OpenSSL import SSL

from wizard import __version__
from wizard.core import chain as chainmod
from wizard.core import tlsprobe
from wizard.core.certs import cn_or_dn
from wizard.core.client_identity import (  # noqa: F401 -- also importable from here
    LIVE_NAMES,
    ROOTS_IN_FILE,
    TRUST_ROOT,
    TRUST_SYSTEM,
    AcceptedRoots,
    ClientIdentity,
    ServerTrust,
    _names,
    accepted_roots,
    load_client_identity,
    server_trust,
)
from wizard.core.curl import CURL, _data_for_curl, curl_command, shell_quote  # noqa: F401
from wizard.core.error_codes import in_area
from wizard.core.errors import WizardError
from wizard.core.i18n import for_face, translate
from wizard.core.prechecks import (  # noqa: F401 -- also importable from here
    PreCheck,
    _root_check,
    _short,
    client_chain_report,
    run_prechecks,
)
from wizard.core.profiles import Profile, ProfileStore, State, default_home, now_utc
from wizard.core.secrets import Secrets
from wizard.core.tlschannel import NotTls, TlsChannel, ssl_reasons
from wizard.core.trust import (
    SapTrustList,
    TrustSource,
    list_for_profile,
)
from wizard.core.verdicts import Verdict, verdict_for_status

DEFAULT_TIMEOUT = 30.0
_SETTLE_MIN, _SETTLE_MAX = 0.05, 1.0  # seconds to wait for the server to judge our certificate
_BODY_LIMIT = 64 * 1024  # enough for the evidence; the rest of a large answer is not read
_EXCERPT = 300
# Alerts a server sends when it does not like the client certificate (OpenSSL's reason texts).
_CERT_ALERTS = (
    "unknown ca",
    "bad certificate",
    "certificate unknown",
    "unsupported certificate",
    "certificate expired",
    "certificate revoked",
    "certificate required",
    "access denied",
    "handshake failure",
    "decrypt error",
)


# --- what goes into a call ----------------------------------------------------------------------


@dataclass(frozen=True)
class TestCallResult:
    """The outcome of one test call: a verdict, why we think so, and what to check next."""

    __test__: ClassVar[bool] = False  # not a pytest test class, despite the name

    verdict: Verdict
    status: int | None  # HTTP status, when the call got that far
    evidence: tuple[str, ...]
    next_step: str
    curl_command: str  # the same call with curl; no secret in it
    elapsed: float  # seconds, connect to answer (or to the failure)
    url: str
    method: str
    at: str  # ISO 8601 UTC, when the call started
    prechecks: tuple[PreCheck, ...] = ()
    server_trust: str = ""
    accepted_roots: str = ""
    client_cert_requested: bool | None = None
    client_ca_names: tuple[str, ...] = ()  # RFC 4514, as the server listed them in this call
    server_chain: tuple[str, ...] = ()  # subjects, as the server sent them
    protocol: str | None = None
    proxy: str | None = None
    reason: str | None = None  # HTTP reason phrase
    response_excerpt: str | None = None
    inferred: bool = False  # the verdict is the tool's inference, not what the tenant said
    sap_answer: str | None = None  # what SAP's own answer (body or header) said, when recognised

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK

    @property
    def title(self) -> str:
        return self.verdict.title_for(inferred=self.inferred)

    @property
    def meaning(self) -> str:
        return self.verdict.meaning_for(inferred=self.inferred)


class _Stop(Exception):
    """A call outcome reached before an HTTP answer (carries the verdict and the evidence)."""

    def __init__(self, verdict: Verdict, *evidence: str) -> None:
        super().__init__(verdict.value)
        self.verdict = verdict
        self.evidence = evidence


def record_result(profile: Profile, result: TestCallResult) -> Profile:
    """Note the outcome in the profile (the caller saves it); OK moves it to State.TESTED.

    The CLI, the batch and the wizard's test-call page all record through here."""
    profile.last_test_verdict = result.verdict.value
    profile.last_test_at = result.at or now_utc().isoformat()
    profile.last_test_url = result.url
    if result.ok:
        profile.state = State.TESTED
    return profile


# --- the connection -----------------------------------------------------------------------------


class _Raw(io.RawIOBase):
    def __init__(self, channel: TlsChannel) -> None:
        self.channel = channel

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self.channel.recv_into(memoryview(buffer).cast("B"))


class _HttpSocket:
    """Just enough of a socket for http.client: sendall and makefile."""

    def __init__(self, channel: TlsChannel) -> None:
        self.channel = channel

    def sendall(self, data: bytes) -> None:
        self.channel.sendall(bytes(data))

    def makefile(self, mode: str = "rb", *args, **kwargs):
        return io.BufferedReader(_Raw(self.channel))

    def close(self) -> None:
        pass  # the channel is closed by call_endpoint


def _is_cert_alert(reasons: str) -> bool:
    text = reasons.lower()
    return "alert" in text and any(a in text for a in _CERT_ALERTS)


def _describe_first(first: bytes) -> str:
    line = first.split(b"\r\n", 1)[0].split(b"\n", 1)[0]
    if line.startswith(b"HTTP/"):
        return f"plain HTTP ({line.decode('ascii', 'replace')!r}…)"
    if line and all(32 <= b < 127 for b in line):
        return f"something that is not TLS ({line.decode('ascii')!r}…)"
    return f"something that is not TLS (bytes {first[:8].hex(' ')})"


def _verify_server(
    presented: Sequence[x509.Certificate], target: tlsprobe.Target, trust: ServerTrust
) -> str | None:
    """None when the chain leads to a trusted root and names the host; else why not."""
    if not presented:
        return "the server sent no certificate"
    report = chainmod.check_server_chain(
        presented, target.host, [TrustSource(trust.label, trust.roots)], fetch_aia=False
    )
    if report.valid_for_host:
        return None
    return "; ".join(report.problems) or "its chain does not validate"


# --- the call -----------------------------------------------------------------------------------


def _content_type(data: bytes) -> str:
    head = data.lstrip()[:1]
    if head == b"<":
        return "application/xml"
    if head in (b"{", b"["):
        return "application/json"
    return "text/plain; charset=utf-8"


def call_endpoint(
    profile: Profile,
    *,
    store: ProfileStore,
    secrets: Secrets,
    url: str | None = None,
    method: str = "GET",
    data: bytes | None = None,
    data_arg: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
    timeout: float = DEFAULT_TIMEOUT,
    proxy: str | None = None,
    trust: str | None = None,
    accepted_roots_file: Path | None = None,
    sap_list: SapTrustList | None = None,
) -> TestCallResult:
    """Call `url` (default: the profile's tenant URL) with the profile's client certificate.

    Input problems (no certificate yet, bad URL, unreadable --trust file, wrong passphrase) raise
    WizardError; everything the network and the tenant do becomes a verdict in the result.
    `data_arg` is how the body appears in the curl line (`@file` or the text given).
    """
    if timeout <= 0:
        raise WizardError(
            "testcall.timeout",
            translate("testcall", "The timeout must be a positive number of seconds."),
        )
    method = method.upper()
    target_url = _target_url(url or profile.tenant_url, profile)
    target = tlsprobe.parse_target(target_url)
    parts = urlsplit(target_url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    identity = load_client_identity(store, profile, secrets)
    if profile.custom_domain:  # customer-managed trust: the domain's CAs judge the root
        sap_list = list_for_profile(profile, store, None)
    trusted = server_trust(store, profile, trust)
    accepted = accepted_roots(profile, accepted_file=accepted_roots_file, sap_list=sap_list)
    via = tlsprobe.proxy_for(target, proxy)
    started_at = datetime.now(UTC).replace(microsecond=0)
    report = client_chain_report(
        identity,
        sap_list=accepted.sap_list or sap_list,
        accepted_certs=accepted.certificates,
        at=started_at,
    )
    prechecks = run_prechecks(identity, accepted, at=started_at, report=report)
    request_headers = _request_headers(target, headers, data)
    extra_headers = [(k, v) for k, v in request_headers if k.lower() not in _AUTOMATIC]
    curl = curl_command(
        profile=profile,
        identity_chain=identity.chain_file,
        key_file=identity.key_file,
        trust=trusted,
        url=target_url,
        method=method,
        headers=extra_headers,
        data_arg=data_arg if data_arg is not None else _data_for_curl(data),
        proxy=via,
        timeout=timeout,
        home=None if store.home == default_home() else store.home.absolute(),
    )
    call = _Call(
        target=target,
        path=path,
        method=method,
        data=data,
        headers=request_headers,
        identity=identity,
        trusted=trusted,
        accepted=accepted,
        report=report,
        prechecks=prechecks,
        proxy=via,
        timeout=timeout,
    )
    started = time.monotonic()
    outcome = call.run()
    elapsed = time.monotonic() - started
    verdict = outcome.verdict
    evidence = [c.line for c in call.prechecks]
    evidence += list(outcome.evidence)
    if any(name.lower() == "authorization" for name, _ in request_headers):
        evidence.append(
            translate(
                "testcall",
                "This call sends an Authorization header as well as the client certificate. SAP "
                "KBA 3584034: a sender that mixes Basic authentication and client certificates "
                "towards the tenant gets intermittent 401s through TLS session reuse; use one "
                "authentication type per sender.",
            )
        )
    return TestCallResult(
        verdict=verdict,
        status=outcome.status,
        evidence=tuple(evidence),
        next_step=verdict.next_step(profile.environment),
        curl_command=curl,
        elapsed=elapsed,
        url=target_url,
        method=method,
        at=started_at.isoformat(),
        prechecks=call.prechecks,
        server_trust=trusted.label,
        accepted_roots=call.accepted.described,
        client_cert_requested=call.cert_requested,
        client_ca_names=call.ca_names,
        server_chain=call.server_chain,
        protocol=call.protocol,
        proxy=via.display if via else None,
        reason=outcome.reason,
        response_excerpt=outcome.excerpt,
        inferred=outcome.inferred,
        sap_answer=outcome.sap_answer,
    )


_AUTOMATIC = {"host", "user-agent", "accept", "content-length"}


def _target_url(url: str | None, profile: Profile) -> str:
    if not url:
        raise WizardError(
            "testcall.no_url",
            for_face(
                translate(
                    "testcall",
                    "Profile {profile!r} has no tenant URL; give the endpoint with --url "
                    "(for example https://<runtime host>/http/<address>).",
                ),
                translate(
                    "testcall",
                    "Profile {profile!r} has no tenant URL; give the endpoint on the first step "
                    "(for example https://<runtime host>/http/<address>).",
                ),
            ).format(profile=profile.name),
        )
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    scheme = urlsplit(url).scheme.lower()
    if scheme != "https":
        raise WizardError(
            "testcall.url",
            translate(
                "testcall",
                "{url!r} is not an https:// URL. The tenant accepts client certificates only over "
                "TLS: use https://<runtime host>/http/<address>.",
            ).format(url=url),
        )
    return url


def _request_headers(
    target: tlsprobe.Target, headers: Sequence[tuple[str, str]], data: bytes | None
) -> list[tuple[str, str]]:
    host = f"[{target.host}]" if ":" in target.host else target.host
    out = [
        ("Host", host if target.port == 443 else f"{host}:{target.port}"),
        ("User-Agent", f"cpi-cert-wizard/{__version__} (test-call)"),
        ("Accept", "*/*"),
    ]
    given = {k.lower() for k, _ in headers}
    out = [(k, v) for k, v in out if k.lower() not in given]
    if data is not None and "content-type" not in given:
        out.append(("Content-Type", _content_type(data)))
    return out + list(headers)


@dataclass
class _Outcome:
    verdict: Verdict
    evidence: tuple[str, ...]
    status: int | None = None
    reason: str | None = None
    excerpt: str | None = None
    inferred: bool = False
    sap_answer: str | None = None


@dataclass
class _Call:
    target: tlsprobe.Target
    path: str
    method: str
    data: bytes | None
    headers: list[tuple[str, str]]
    identity: ClientIdentity
    trusted: ServerTrust
    accepted: AcceptedRoots
    report: chainmod.ChainReport
    prechecks: tuple[PreCheck, ...]
    proxy: tlsprobe.Proxy | None
    timeout: float
    cert_requested: bool | None = None
    ca_names: tuple[str, ...] = ()
    server_chain: tuple[str, ...] = ()
    protocol: str | None = None
    connect_time: float = 0.0  # the TCP connect, a round-trip estimate
    log: list[str] = field(default_factory=list)

    def run(self) -> _Outcome:
        deadline = time.monotonic() + self.timeout
        where = self.target.address + (
            f" through the proxy {self.proxy.display}" if self.proxy else ""
        )
        try:
            sock = self._open(deadline)
        except _Stop as stop:
            return _Outcome(stop.verdict, (*self.log, *stop.evidence))
        channel = TlsChannel(sock, self._tls(), deadline, where)
        try:
            return self._exchange(channel)
        except _Stop as stop:
            return _Outcome(stop.verdict, (*self.log, *stop.evidence))
        finally:
            channel.close()

    # -- connect ------------------------------------------------------------------------------

    def _open(self, deadline: float) -> socket.socket:
        """TCP to the host or the proxy (and the CONNECT tunnel), mapped onto verdicts."""
        # tlsprobe owns connecting, DNS under a deadline and the CONNECT tunnel; its error codes
        # say which step failed.
        target, proxy = self.target, self.proxy
        started = time.monotonic()
        try:
            sock = tlsprobe.open_connection(
                target, deadline=deadline, timeout=self.timeout, proxy=proxy
            )
        except WizardError as exc:
            raise _Stop(_connect_verdict(exc.code), exc.message) from None
        if proxy is None:
            self.log.append(
                translate("testcall", "Connected to {target}.").format(target=target.address)
            )
        else:
            self.log.append(
                translate(
                    "testcall", "Connected to {target} through the proxy {proxy} (CONNECT)."
                ).format(target=target.address, proxy=proxy.display)
            )
        self.connect_time = time.monotonic() - started
        return sock

    def _tls(self) -> SSL.Connection:
        context = SSL.Context(SSL.TLS_CLIENT_METHOD)
        context.set_min_proto_version(SSL.TLS1_2_VERSION)
        # The server is judged after the handshake by cryptography's verifier (with the evidence
        # of what it sent); nothing of the request is sent before that.
        context.set_verify(SSL.VERIFY_NONE)
        context.use_certificate(self.identity.leaf)
        context.use_privatekey(self.identity.key)
        for cert in self.identity.intermediates:
            context.add_extra_chain_cert(cert)
        conn = SSL.Connection(context, None)
        if not self.target.is_ip:
            conn.set_tlsext_host_name(self.target.host.encode("ascii"))
        conn.set_connect_state()
        return conn

    # -- TLS and HTTP -------------------------------------------------------------------------

    def _exchange(self, channel: TlsChannel) -> _Outcome:
        where = channel.where
        try:
            channel.handshake()
        except NotTls as exc:
            raise _Stop(
                Verdict.NOT_TLS,
                translate("testcall", "{where} does not speak TLS: it answered {what}.").format(
                    where=where, what=_describe_first(exc.first)
                ),
            ) from None
        except TimeoutError:
            message = (
                translate(
                    "testcall",
                    "{where} started the TLS handshake but did not finish it within {timeout:g} s.",
                )
                if channel.first
                else translate(
                    "testcall",
                    "{where} accepted the connection but sent no TLS answer within {timeout:g} s.",
                )
            )
            raise _Stop(
                Verdict.TIMEOUT, message.format(where=where, timeout=self.timeout)
            ) from None
        except (EOFError, OSError) as exc:
            self._record_handshake(channel)
            raise self._closed_in_handshake(channel, exc) from None
        except SSL.Error as exc:
            self._record_handshake(channel)
            raise self._handshake_failed(channel, exc) from None
        self._record_handshake(channel)
        presented = channel.conn.get_peer_cert_chain(as_cryptography=True) or []
        problem = _verify_server(presented, self.target, self.trusted)
        if problem is not None:
            raise _Stop(
                Verdict.SERVER_UNTRUSTED,
                translate("testcall", "The server presented {chain}.").format(
                    chain=_chain_text(presented)
                ),
                translate("testcall", "It is not trusted against {trusted}: {problem}.").format(
                    trusted=self.trusted.label, problem=problem
                ),
                translate(
                    "testcall",
                    "What it received: your client certificate (public, like a business card) "
                    "if it asked for one in the handshake. No request, no data and no secret (no "
                    "key, no password) was sent.",
                ),
            )
        self.log.append(
            translate(
                "testcall",
                "{protocol}: the server's certificate {name} is trusted: it leads to {trusted}.",
            ).format(
                protocol=self.protocol,
                name=cn_or_dn(presented[0].subject),
                trusted=self.trusted.label,
            )
        )
        self._reconsider_accepted()
        if channel.sent_certificate and self.protocol == "TLSv1.3":
            self._settle(channel)
        return self._http(channel)

    def _settle(self, channel: TlsChannel) -> None:
        window = min(max(_SETTLE_MIN, 3 * self.connect_time), _SETTLE_MAX)
        try:
            channel.settle(window)
        except SSL.Error as exc:
            raise _Stop(
                Verdict.CLIENT_CERT_REJECTED,
                _rejected_with_alert(channel.where, ssl_reasons(exc)),
            ) from None
        except (EOFError, OSError):
            raise _Stop(Verdict.CLIENT_CERT_REJECTED, _closed_after_cert(channel.where)) from None
        except TimeoutError:
            return

    def _record_handshake(self, channel: TlsChannel) -> None:
        conn = channel.conn
        self.protocol = conn.get_protocol_version_name()
        presented = conn.get_peer_cert_chain(as_cryptography=True) or []
        self.server_chain = tuple(c.subject.rfc4514_string() for c in presented)
        self.cert_requested = channel.certificate_requested
        names = conn.get_client_ca_list(as_cryptography=True) or []
        self.ca_names = tuple(n.rfc4514_string() for n in names)
        if self.cert_requested:
            listed = (
                "; ".join(self.ca_names) if self.ca_names else translate("testcall", "no names")
            )
            self.log.append(
                translate(
                    "testcall",
                    "The server asked for a client certificate (acceptable CAs: {listed}); we sent "
                    "{chain}.",
                ).format(listed=listed, chain=_chain_text(self.identity.sent))
            )
        elif presented:
            self.log.append(
                translate(
                    "testcall", "The server did not ask for a client certificate, so none was sent."
                )
            )

    def _reconsider_accepted(self) -> None:
        """Live acceptable-CA names beat what was recorded earlier; re-judge the root with them."""
        if not self.ca_names or self.accepted.source == ROOTS_IN_FILE:
            return
        live = AcceptedRoots(
            source=LIVE_NAMES,
            names=_names(self.ca_names, source="the server's certificate request"),
        )
        check = _root_check(self.identity, self.report, live)
        self.accepted = live
        self.prechecks = tuple(check if c.name == "root accepted" else c for c in self.prechecks)

    def _closed_in_handshake(self, channel: TlsChannel, exc: BaseException) -> _Stop:
        where = channel.where
        if channel.sent_certificate:
            return _Stop(Verdict.CLIENT_CERT_REJECTED, _closed_after_cert(where))
        if not channel.first:
            return _Stop(
                Verdict.NOT_TLS,
                translate(
                    "testcall", "{where} closed the connection without answering the TLS handshake."
                ).format(where=where),
            )
        return _Stop(
            Verdict.NOT_TLS,
            translate(
                "testcall", "{where} closed the connection in the middle of the TLS handshake."
            ).format(where=where),
        )

    def _handshake_failed(self, channel: TlsChannel, exc: SSL.Error) -> _Stop:
        reasons = ssl_reasons(exc)
        where = channel.where
        if channel.sent_certificate or (channel.certificate_requested and _is_cert_alert(reasons)):
            return _Stop(
                Verdict.CLIENT_CERT_REJECTED,
                translate(
                    "testcall",
                    "{where} ended the TLS handshake after our client certificate: {reasons}.",
                ).format(where=where, reasons=reasons),
            )
        return _Stop(
            Verdict.NOT_TLS,
            translate(
                "testcall",
                "No TLS session with {where}: {reasons} (no protocol version or cipher in common, "
                "or the server refused this host name).",
            ).format(where=where, reasons=reasons),
        )

    def _http(self, channel: TlsChannel) -> _Outcome:
        http_conn = http.client.HTTPConnection(self.target.host, self.target.port)
        http_conn.sock = _HttpSocket(channel)  # type: ignore[assignment]
        send_failure: Exception | None = None
        try:
            http_conn.putrequest(self.method, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers:
                http_conn.putheader(name, value)
            if self.data is not None or self.method in ("POST", "PUT", "PATCH"):
                http_conn.putheader("Content-Length", str(len(self.data or b"")))
            http_conn.endheaders(self.data)
        except TimeoutError:
            raise self._no_answer_in_time(channel) from None
        except (SSL.Error, OSError, EOFError) as exc:
            # A server may answer (413) and stop reading before the body is all sent: the
            # answer may still be there to read.
            send_failure = exc
        try:
            response = http_conn.getresponse()
        except TimeoutError:
            raise self._no_answer_in_time(channel) from None
        except (SSL.Error, http.client.HTTPException, OSError, EOFError) as exc:
            raise self._no_answer(channel, send_failure or exc) from None
        try:
            body = response.read(_BODY_LIMIT)
        except (TimeoutError, SSL.Error, http.client.HTTPException, OSError, EOFError):
            body = b""  # the status is what counts; the body is only evidence
        return self._judge(response.status, response.reason, response, body)

    def _no_answer_in_time(self, channel: TlsChannel) -> _Stop:
        return _Stop(
            Verdict.TIMEOUT,
            for_face(
                translate(
                    "testcall",
                    "{where} accepted the request but did not answer within {timeout:g} s "
                    "(a slow flow needs a larger --timeout).",
                ),
                translate(
                    "testcall",
                    "{where} accepted the request but did not answer within {timeout:g} s "
                    "(a slow flow may answer when you call again).",
                ),
            ).format(where=channel.where, timeout=self.timeout),
        )

    def _no_answer(self, channel: TlsChannel, exc: BaseException) -> _Stop:
        if isinstance(exc, SSL.Error):
            reasons = ssl_reasons(exc)
            if channel.sent_certificate and _is_cert_alert(reasons):
                return _Stop(
                    Verdict.CLIENT_CERT_REJECTED, _rejected_with_alert(channel.where, reasons)
                )
            return _Stop(
                Verdict.UNAVAILABLE,
                translate("testcall", "The TLS connection to {where} failed: {reasons}.").format(
                    where=channel.where, reasons=reasons
                ),
            )
        if channel.sent_certificate and not channel.answered:
            return _Stop(
                Verdict.CLIENT_CERT_REJECTED,
                translate(
                    "testcall",
                    "{where} closed the connection after the handshake without an answer "
                    "({error}); servers do this when they refuse the client "
                    "certificate without saying why.",
                ).format(where=channel.where, error=type(exc).__name__),
            )
        return _Stop(
            Verdict.UNAVAILABLE,
            translate("testcall", "{where} gave no usable HTTP answer ({error}: {reason}).").format(
                where=channel.where, error=type(exc).__name__, reason=exc
            ),
        )

    def _judge(self, status: int, reason: str, response, body: bytes) -> _Outcome:
        excerpt = _excerpt(body)
        evidence = [*self.log, f"HTTP {status} {reason}".rstrip() + "."]
        if excerpt:
            evidence.append(
                translate("testcall", "The answer begins: {excerpt}").format(excerpt=excerpt)
            )
        verdict = verdict_for_status(status)
        inferred = False
        # What the answer itself says comes first: SAP's own words are evidence, not inference.
        answer = recognise_answer(status, body, response.getheader)
        if 300 <= status < 400 and response.getheader("Location"):
            evidence.append(
                translate(
                    "testcall",
                    "Redirected to {location}: not an integration flow "
                    "endpoint (a login page or the management host?).",
                ).format(location=response.getheader("Location"))
            )
        challenge = response.getheader("WWW-Authenticate")
        if status == 401 and challenge:
            evidence.append(
                translate(
                    "testcall", "The answer asks for credentials: WWW-Authenticate: {value}."
                ).format(value=challenge[:200])
            )
        lower = body[:2048].lower()
        if answer is not None:
            verdict = answer.verdict
            evidence.append(answer.evidence)
        elif status == 400 and b"ssl certificate error" in lower:
            # nginx-style fronts answer 400 when they verify the client chain and it fails.
            verdict = Verdict.CLIENT_CERT_REJECTED
            evidence.append(
                translate("testcall", "The server says it could not verify the client certificate.")
            )
            evidence += self._problems_text()
        elif status == 400 and b"no required ssl certificate" in lower:
            verdict = Verdict.NO_CERT_FORWARDED
            evidence.append(translate("testcall", "The server says no client certificate arrived."))
        elif status == 401:
            verdict, why, inferred = self._judge_401()
            evidence += why
        elif status == 407:
            verdict = Verdict.PROXY_ERROR
        if self.cert_requested is False and verdict is not Verdict.OK and answer is None:
            if status in (401, 403):
                verdict, inferred = Verdict.NO_CERT_REQUESTED, False
            evidence.append(_not_requested_text())
        return _Outcome(
            verdict,
            tuple(evidence),
            status=status,
            reason=reason,
            excerpt=excerpt,
            inferred=inferred,
            sap_answer=answer.evidence if answer is not None else None,
        )

    def _problems_text(self) -> list[str]:
        failed = [c.name for c in self.prechecks if c.passed is False]
        if not failed:
            return []
        return [
            translate(
                "testcall", "The pre-checks found problems with the chain: {checks} (see above)."
            ).format(checks=", ".join(failed))
        ]

    def _judge_401(self) -> tuple[Verdict, list[str], bool]:
        """A bare 401: the verdict the chain leads the tool to believe (always an inference)."""
        if self.cert_requested is False:
            return Verdict.NO_CERT_REQUESTED, [], False
        problems = self._problems_text()
        if problems:
            return (
                Verdict.NO_CERT_FORWARDED,
                [
                    *problems,
                    translate(
                        "testcall",
                        "A load balancer drops such a chain, so the tool believes the tenant saw "
                        "no certificate (the access log would show '-' as the user).",
                    ),
                ],
                True,
            )
        root = next((c for c in self.prechecks if c.name == "root accepted"), None)
        if root is not None and root.passed is None and self.report.root is not None:
            named = (
                translate("testcall", "the server sent no acceptable-CA names")
                if not self.ca_names
                else translate("testcall", "the server's acceptable-CA names do not settle it")
            )
            return (
                Verdict.NO_CERT_FORWARDED,
                [
                    translate(
                        "testcall",
                        "Why the tool believes the load balancer dropped the chain: {named}, and "
                        "the root {root} is not confirmed by {version}. If that root is on SAP's "
                        "current list (SAP Note 2801396), the certificate reached the tenant and "
                        "is not mapped (NOT_MAPPED) instead; the access log line of this call "
                        "tells the two apart.",
                    ).format(
                        named=named,
                        root=cn_or_dn(self.report.root.subject),
                        version=self.report.sap_list_version,
                    )
                ],
                True,
            )
        unknown = [c for c in self.prechecks if c.passed is None]
        why = [
            translate(
                "testcall",
                "The chain should pass the load balancer, so the tool believes the certificate "
                "reached the tenant but is not known there (the access log would show "
                "'<CN>@<issuer CN>' as the user).",
            )
        ]
        if unknown:
            why.append(
                translate("testcall", "Could not tell: {checks}.").format(
                    checks="; ".join(f"{c.name}: {c.detail}" for c in unknown)
                )
            )
        return Verdict.NOT_MAPPED, why, True


@dataclass(frozen=True)
class SapAnswer:
    """What a known answer of SAP's (body or header) proves, in the tool's words."""

    verdict: Verdict
    evidence: str


def recognise_answer(status: int, body: bytes, header) -> SapAnswer | None:
    """SAP's own 401/403 answers that name their cause; `header(name)` reads a response header.

    Cloud Foundry (SAP KBA 3224701): a 401 whose body holds `invalid_client` and "not configured
    exactly once in a service key" means the certificate reached the tenant and is in no service
    key, or in more than one. A 403 with `X-CSRF-Token: Required` is the CSRF check of a
    protected sender channel (SAP's header convention; Cloud Integration's exact answer is
    unconfirmed).
    """
    text = body[:8192].decode("utf-8", "replace")
    lower = text.lower()
    if status == 401 and "invalid_client" in lower and "exactly once in a service key" in lower:
        return SapAnswer(
            Verdict.NOT_MAPPED,
            translate(
                "testcall",
                "SAP's answer says invalid_client: the client certificate is not configured "
                "exactly once in a service key (SAP KBA 3224701). So the certificate passed the "
                "load balancer and reached the tenant; it is in no service key of a Process "
                "Integration Runtime instance, or in more than one.",
            ),
        )
    csrf = (header("X-CSRF-Token") or "").strip().lower()
    if status == 403 and csrf == "required":
        return SapAnswer(
            Verdict.NOT_AUTHORIZED,
            translate(
                "testcall",
                "The answer carries X-CSRF-Token: Required: the sender channel is CSRF protected "
                "and the call brought no valid token. Fetch one first (GET with X-CSRF-Token: "
                "Fetch, keep the cookies) or untick CSRF Protected in the channel; the "
                "certificate and the role are fine.",
            ),
        )
    return None


def _not_requested_text() -> str:
    return translate(
        "testcall",
        "The server never asked for a client certificate, so none was sent: this is not SAP's "
        "load balancer in front of a runtime node. Check that the URL is the runtime host (not "
        "the management host) and that no proxy or API Management ends TLS in between; sending "
        "intermediates or changing the CA will not help.",
    )


def _connect_verdict(code: str) -> Verdict:
    if in_area(code, "proxy"):
        return Verdict.TIMEOUT if code == "proxy.timeout" else Verdict.PROXY_ERROR
    if code == "tls.timeout":
        return Verdict.TIMEOUT
    return Verdict.UNREACHABLE


def _chain_text(certs: Sequence[x509.Certificate]) -> str:
    if not certs:
        return translate("testcall", "no certificate")
    names = " ← ".join(cn_or_dn(c.subject) for c in certs)
    extra = len(certs) - 1
    if extra == 0:
        return translate("testcall", "{names} (no intermediate)").format(names=names)
    return translate("testcall", "{names} (%n intermediate(s))", None, extra).format(names=names)


def _rejected_with_alert(where: str, reasons: str) -> str:
    return translate(
        "testcall", "{where} rejected our client certificate with a TLS alert: {reasons}."
    ).format(where=where, reasons=reasons)


def _closed_after_cert(where: str) -> str:
    return translate(
        "testcall",
        "{where} closed the connection right after our client certificate, without an answer.",
    ).format(where=where)


def _excerpt(body: bytes) -> str | None:
    text = body[:2048].decode("utf-8", "replace")
    text = " ".join(text.split())
    if not text:
        return None
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "…"

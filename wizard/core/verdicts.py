"""The verdict vocabulary of a test call: the one place for its names, titles, meanings and advice.

The CLI (test-call, analyze-log), the GUI's test page, the documentation and the tests all read
from here. A meaning is said in the tenant's terms (load balancer, mapping, role, flow); where Neo
and Cloud Foundry differ, the advice names the right place (Neo: Certificate-to-User Mapping and
the role on the `…iflmap` application; CF: the service key and the service instance's roles).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from wizard.core.i18n import QT_TRANSLATE_NOOP, for_face, tr, translate
from wizard.core.mapping import Environment

CONTEXT = "verdicts"  # tr() context of this module's texts


class Verdict(StrEnum):
    OK = "OK"
    SERVER_UNTRUSTED = "SERVER_UNTRUSTED"
    CLIENT_CERT_REJECTED = "CLIENT_CERT_REJECTED"
    NO_CERT_FORWARDED = "NO_CERT_FORWARDED"
    NO_CERT_REQUESTED = "NO_CERT_REQUESTED"
    NOT_MAPPED = "NOT_MAPPED"
    NOT_AUTHORIZED = "NOT_AUTHORIZED"
    NO_ENDPOINT = "NO_ENDPOINT"
    TOO_LARGE = "TOO_LARGE"
    FLOW_FAILED = "FLOW_FAILED"
    UNAVAILABLE = "UNAVAILABLE"
    UNREACHABLE = "UNREACHABLE"
    TIMEOUT = "TIMEOUT"
    PROXY_ERROR = "PROXY_ERROR"
    NOT_TLS = "NOT_TLS"

    @property
    def info(self) -> VerdictInfo:
        return VERDICTS[self]

    @property
    def title(self) -> str:  # type: ignore[override]  # the verdict's title, not str.title()
        return tr(CONTEXT, VERDICTS[self].title)

    @property
    def meaning(self) -> str:
        return tr(CONTEXT, VERDICTS[self].meaning)

    def title_for(self, *, inferred: bool = False) -> str:
        """The title; worded as the tool's inference when no answer or log said it outright."""
        info = VERDICTS[self]
        return tr(CONTEXT, info.inferred_title if inferred and info.inferred_title else info.title)

    def meaning_for(self, *, inferred: bool = False) -> str:
        info = VERDICTS[self]
        text = info.inferred_meaning if inferred and info.inferred_meaning else info.meaning
        return tr(CONTEXT, text)

    def next_step(
        self, environment: str | None = None, *, node: str | None = None, day: date | None = None
    ) -> str:
        """What to check next; `node` (and `day`) name the trace file where one helps."""
        return VERDICTS[self].next_step_for(environment, node=node, day=day)


@dataclass(frozen=True)
class VerdictInfo:
    """What a verdict says to a person: a title, what happened, and what to check next."""

    verdict: Verdict
    title: str
    meaning: str
    next_step: str  # both environments, or the environment-neutral advice
    next_step_neo: str | None = None
    next_step_cf: str | None = None
    http_statuses: tuple[int, ...] = ()  # the statuses that lead here (documentation)
    see_trace: bool = False  # the default trace of the node that answered names the cause
    # When the verdict is the tool's inference (from the chain), not what an answer or log said.
    inferred_title: str | None = None
    inferred_meaning: str | None = None
    # The advice in the window's words where `next_step` names flags or commands (i18n.Face).
    next_step_gui: str | None = None

    def next_step_for(
        self, environment: str | None, *, node: str | None = None, day: date | None = None
    ) -> str:
        env = (environment or "").lower()
        if env == Environment.NEO and self.next_step_neo:
            step = tr(CONTEXT, self.next_step_neo)
        elif env == Environment.CF and self.next_step_cf:
            step = tr(CONTEXT, self.next_step_cf)
        elif self.next_step_neo and self.next_step_cf:
            step = translate("verdicts", "Neo: {neo} Cloud Foundry: {cf}").format(
                neo=tr(CONTEXT, self.next_step_neo), cf=tr(CONTEXT, self.next_step_cf)
            )
        else:
            step = tr(CONTEXT, for_face(self.next_step, self.next_step_gui))
        return f"{step} {trace_hint(node, day)}" if self.see_trace else step


TRACE_FILE = "ljs_trace_{node}_{date}.log"  # Monitor → System Log Files, one per node and day
ACCESS_LOG_FILE = "http_access_{node}_{date}.log"


def trace_file(node: str | None = None, day: date | None = None) -> str:
    """The default trace's file name: `ljs_trace_<node>_<date>.log`, with what is known filled in."""
    return TRACE_FILE.format(
        node=node or "<node>", date=day.isoformat() if day is not None else "<date>"
    )


def trace_hint(node: str | None = None, day: date | None = None) -> str:
    """Where the cause of a refused call is written: the trace of the node that answered."""
    where = translate("verdicts", "Monitor → System Log Files")
    if node:
        return for_face(
            translate(
                "verdicts",
                "The default trace of node {node}, which answered, names the cause: open "
                "{trace} ({where}), or give it to cpi-cert-wizard analyze-log "
                "together with the access log.",
            ),
            translate(
                "verdicts",
                "The default trace of node {node}, which answered, names the cause: open "
                "{trace} ({where}).",
            ),
        ).format(node=node, trace=trace_file(node, day), where=where)
    return for_face(
        translate(
            "verdicts",
            "The default trace of the node that answered names the cause: open {trace} "
            "({where}) of the node whose {access_log} "
            "shows this call, or give both files to cpi-cert-wizard analyze-log.",
        ),
        translate(
            "verdicts",
            "The default trace of the node that answered names the cause: open {trace} "
            "({where}) of the node whose {access_log} shows this call.",
        ),
    ).format(
        trace=trace_file(),
        where=where,
        access_log=ACCESS_LOG_FILE.format(node="<node>", date="<date>"),
    )


_INFOS = (
    VerdictInfo(
        Verdict.OK,
        QT_TRANSLATE_NOOP("verdicts", "The call went through"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "The tenant accepted the certificate, mapped it to a user with the required role and the "
            "integration flow answered with success.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Nothing to fix. Configure the sender system with the same key, chain and URL "
            "(export-p12), and keep an eye on the certificate's expiry.",
        ),
        next_step_gui=QT_TRANSLATE_NOOP(
            "verdicts",
            "Nothing to fix. Configure the sender system with the same key, chain and URL "
            "(the files of the Export step), and keep an eye on the certificate's expiry.",
        ),
        http_statuses=(200, 201, 202, 204),
    ),
    VerdictInfo(
        Verdict.SERVER_UNTRUSTED,
        QT_TRANSLATE_NOOP("verdicts", "The tenant's server certificate is not trusted"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "The load balancer presented a certificate that does not lead to a root this call trusts "
            "(or is not valid for this host name), so the call stopped before sending anything.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Import the tenant's load-balancer root into the trust store (step 1: fetch-root), or "
            "choose the right one with --trust root|system|FILE. If a company proxy inspects TLS, "
            "its root is the one to trust.",
        ),
        next_step_gui=QT_TRANSLATE_NOOP(
            "verdicts",
            "Go back to the tenant's root step and fetch the load balancer's root again. If a "
            "company proxy inspects TLS, its root is the one to trust.",
        ),
    ),
    VerdictInfo(
        Verdict.CLIENT_CERT_REJECTED,
        QT_TRANSLATE_NOOP("verdicts", "The load balancer rejected the client certificate"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "The TLS handshake failed with an alert after the client certificate was sent: the "
            "chain is incomplete, its root is not one the load balancer accepts, or the certificate "
            "is expired or not meant for client authentication.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Send the whole chain (leaf and all intermediates), check the root against SAP's list "
            "of accepted client roots, and check validity and clientAuth in Extended Key Usage.",
        ),
    ),
    VerdictInfo(
        Verdict.NO_CERT_FORWARDED,
        QT_TRANSLATE_NOOP("verdicts", "No certificate reached the tenant"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "The call arrived without usable credentials (HTTP 401): the load balancer dropped the "
            "client certificate because its chain has a problem (incomplete, root not accepted, "
            "self-signed, expired, no clientAuth), or the server never asked for one. The access log "
            "shows '-' as the user.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Fix the chain problem named in the evidence: send leaf and all intermediates, use a "
            "certificate from a CA whose root is on SAP's list, never a self-signed one.",
        ),
        http_statuses=(401,),
        inferred_title=QT_TRANSLATE_NOOP(
            "verdicts", "The load balancer would drop this chain (the tool's inference)"
        ),
        inferred_meaning=QT_TRANSLATE_NOOP(
            "verdicts",
            "The tenant answered 401 without saying why. The tool cannot see what the load "
            "balancer did; from the chain it sends, it believes the load balancer dropped the "
            "client certificate, so the call arrived without one. The evidence says why it "
            "believes so; the access log line of this call ('-' as the user) would confirm it.",
        ),
    ),
    VerdictInfo(
        Verdict.NO_CERT_REQUESTED,
        QT_TRANSLATE_NOOP("verdicts", "The server never asked for a client certificate"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "The server at this address finished the TLS handshake without asking for a client "
            "certificate, so none was sent. SAP's load balancer in front of a runtime node asks "
            "for one; this answer came from something else: the management host instead of the "
            "runtime host, or an API Management or reverse proxy that ends TLS in front of the "
            "tenant.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Call the runtime host: on Cloud Foundry the url of the integration-flow service key "
            "(…-rt.cfapps…), on Neo the host ending in -iflmap…, not the management host. If a "
            "proxy or API Management sits in between, it must pass the TLS connection through "
            "or present the client certificate itself. Another chain or CA will not change this.",
        ),
    ),
    VerdictInfo(
        Verdict.NOT_MAPPED,
        QT_TRANSLATE_NOOP("verdicts", "The certificate is not mapped to a user"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "The chain should pass the load balancer, yet the tenant answered 401: the certificate "
            "reached the tenant but is not known there. The access log shows "
            "'<subject CN>@<issuer CN>' as the user.",
        ),
        QT_TRANSLATE_NOOP("verdicts", "Register exactly this certificate in the tenant."),
        next_step_neo=(
            QT_TRANSLATE_NOOP(
                "verdicts",
                "Add this exact certificate (the client .cer, serial included) in the "
                "Certificate-to-User Mapping with a user name; a renewed certificate needs a new "
                "entry. If 401s come and go while the same sender also calls with Basic "
                "authentication, that is TLS session reuse (SAP KBA 3584034): use one "
                "authentication type per sender.",
            )
        ),
        next_step_cf=(
            QT_TRANSLATE_NOOP(
                "verdicts",
                "Create a service key of type External Certificate (certificate_external) with this "
                "leaf certificate as PEM on the Process Integration Runtime instance (plan "
                "integration-flow); the certificate must be in exactly one service key. If 401s "
                "come and go while the same sender also calls with Basic authentication, that is "
                "TLS session reuse (SAP KBA 3584034): use one authentication type per sender.",
            )
        ),
        http_statuses=(401,),
        inferred_title=QT_TRANSLATE_NOOP(
            "verdicts", "The certificate is probably not mapped to a user (the tool's inference)"
        ),
        inferred_meaning=QT_TRANSLATE_NOOP(
            "verdicts",
            "The tenant answered 401 without saying why. The chain should pass the load balancer, "
            "so the tool believes the certificate reached the tenant but is not known there. The "
            "access log line of this call ('<subject CN>@<issuer CN>' as the user) would confirm "
            "it.",
        ),
    ),
    VerdictInfo(
        Verdict.NOT_AUTHORIZED,
        QT_TRANSLATE_NOOP("verdicts", "Authenticated, but not allowed"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "The tenant knows the certificate's user (HTTP 403) but that user lacks the role the "
            "flow's sender channel requires, or CSRF protection is on, or the flow's own client "
            "certificate list does not contain this subject and issuer.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Give the mapped user the channel's role and check the sender channel's CSRF setting. "
            "An SAP ABAP sender gets 403 when the tenant has two or more worker nodes unless the "
            "profile parameter ict/disable_cookie_urlencoding is set to 1 or 2 (SAP Note "
            "2681175).",
        ),
        next_step_neo=(
            QT_TRANSLATE_NOOP(
                "verdicts",
                "Give the mapped user the role the sender channel requires (default "
                "ESBMessaging.send) on the application ending in 'iflmap' (cockpit → Security → "
                "Authorizations), and check the channel's CSRF protection setting. An SAP ABAP "
                "sender with two or more worker nodes on the tenant side needs the profile "
                "parameter ict/disable_cookie_urlencoding = 1 or 2 (SAP Note 2681175).",
            )
        ),
        next_step_cf=(
            QT_TRANSLATE_NOOP(
                "verdicts",
                "Add the channel's role (default ESBMessaging.send) to the service instance's "
                '"roles" parameter (role changes can take up to an hour to apply), and check the '
                "channel's CSRF protection setting. An SAP ABAP sender with two or more worker "
                "nodes on the tenant side needs the profile parameter "
                "ict/disable_cookie_urlencoding = 1 or 2 (SAP Note 2681175).",
            )
        ),
        http_statuses=(403,),
        see_trace=True,
    ),
    VerdictInfo(
        Verdict.NO_ENDPOINT,
        QT_TRANSLATE_NOOP("verdicts", "No integration flow at this address"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Authentication passed but nothing listens at this path (HTTP 404), or the host answered "
            "with a redirect or 'method not allowed' instead of running a flow: a typo, a flow that is "
            "not deployed, /http versus /cxf, or the management host instead of the runtime host.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Check the endpoint address in the deployed flow (Monitor → Manage Integration Content "
            "shows the endpoint URL) and use the runtime host.",
        ),
        http_statuses=(301, 302, 303, 307, 308, 404, 405, 501),
    ),
    VerdictInfo(
        Verdict.TOO_LARGE,
        QT_TRANSLATE_NOOP("verdicts", "The message is too large"),
        QT_TRANSLATE_NOOP(
            "verdicts", "The request is larger than the sender channel allows (HTTP 413)."
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Send a smaller message or raise the maximum body size of the flow's sender channel.",
        ),
        http_statuses=(413, 414, 431),
    ),
    VerdictInfo(
        Verdict.FLOW_FAILED,
        QT_TRANSLATE_NOOP("verdicts", "The integration flow ran and failed"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Authentication and authorization passed; the flow itself ended in an error (HTTP 500, "
            "or another status the flow chose).",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Open the message processing log of this call (Monitor → Monitor Message Processing) "
            "for the error; the certificate setup is fine.",
        ),
        http_statuses=(400, 500),
    ),
    VerdictInfo(
        Verdict.UNAVAILABLE,
        QT_TRANSLATE_NOOP("verdicts", "The runtime is not available"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "The tenant or the flow's runtime is not available right now (HTTP 502, 503, 504 or "
            "429): being started, updated, overloaded, or the flow is not started.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Check the flow's deployment status and the tenant's health, then try again later.",
        ),
        http_statuses=(429, 502, 503, 504),
    ),
    VerdictInfo(
        Verdict.UNREACHABLE,
        QT_TRANSLATE_NOOP("verdicts", "The host cannot be reached"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "No connection could be opened: the host name does not resolve, or the port refuses "
            "connections, or there is no route.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Check the host name and port (the runtime host, port 443), DNS, and whether a firewall "
            "or a company proxy (--proxy, HTTPS_PROXY) is needed.",
        ),
        next_step_gui=QT_TRANSLATE_NOOP(
            "verdicts",
            "Check the host name and port on the first step (the runtime host, port 443), DNS, "
            "and whether a firewall or a company proxy is needed (the wizard uses the proxy in "
            "HTTPS_PROXY).",
        ),
    ),
    VerdictInfo(
        Verdict.TIMEOUT,
        QT_TRANSLATE_NOOP("verdicts", "No answer in time"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "The connection or the answer took longer than the time allowed: a firewall silently "
            "drops the traffic, a proxy is needed, or the flow takes longer than the timeout.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Check firewalls and proxies (--proxy, HTTPS_PROXY); for a slow flow, raise --timeout.",
        ),
        next_step_gui=QT_TRANSLATE_NOOP(
            "verdicts",
            "Check firewalls and proxies (the wizard uses the proxy in HTTPS_PROXY); a slow flow "
            "may answer when you try again.",
        ),
        http_statuses=(408,),
    ),
    VerdictInfo(
        Verdict.PROXY_ERROR,
        QT_TRANSLATE_NOOP("verdicts", "The proxy refused the connection"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "The HTTP proxy could not be used or would not open a tunnel (CONNECT) to the tenant.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Check the proxy address and credentials, and ask for CONNECT to the tenant host on port "
            "443 to be allowed; bypass the proxy for this host with NO_PROXY if it is not needed.",
        ),
        http_statuses=(407,),
    ),
    VerdictInfo(
        Verdict.NOT_TLS,
        QT_TRANSLATE_NOOP("verdicts", "No TLS session with this port"),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Something answers at this address, but no TLS session could be set up with it: it "
            "speaks plain HTTP or another protocol, closed the connection during the handshake, "
            "or has no protocol version in common with the caller.",
        ),
        QT_TRANSLATE_NOOP(
            "verdicts",
            "Use an https:// URL of the runtime host on port 443; check for a proxy or gateway that "
            "intercepts the connection. A .NET sender that reports 'Could not create SSL/TLS "
            "secure channel' is usually offering only TLS 1.0 or 1.1: enable TLS 1.2 on it.",
        ),
    ),
)

VERDICTS: dict[Verdict, VerdictInfo] = {info.verdict: info for info in _INFOS}


def verdict_for_status(status: int) -> Verdict:
    """The verdict an HTTP status leads to, before looking at anything else.

    401 is returned as NOT_MAPPED here; telling it from NO_CERT_FORWARDED needs the chain (the
    test call) or the access log's user field (analyze-log). Statuses outside the table: other
    2xx are OK, other 3xx a wrong address, other 4xx the flow's own answer, other 5xx a failed
    flow.
    """
    for info in _INFOS:
        if status in info.http_statuses and info.verdict is not Verdict.NO_CERT_FORWARDED:
            return info.verdict
    if 200 <= status < 300:
        return Verdict.OK
    if 300 <= status < 400:
        return Verdict.NO_ENDPOINT
    return Verdict.FLOW_FAILED

"""EST, Enrollment over Secure Transport (RFC 7030): cacerts, simpleenroll, simplereenroll.

- `GET  /.well-known/est[/<label>]/cacerts` → application/pkcs7-mime (certs-only), base64 of a
  DER PKCS#7 (RFC 8951: the body is base64 whatever Content-Transfer-Encoding says);
- `POST …/simpleenroll` and `…/simplereenroll`, body base64 of the DER CSR, Content-Type
  application/pkcs10 → 200 with application/pkcs7-mime; smime-type=certs-only (the new
  certificate), or 202 + Retry-After (pending: send the same request again later, RFC 7030
  4.2.3), or 4xx/5xx with the reason as text.
The EST server's TLS certificate is always verified (transport.Connection).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import urllib.parse
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from wizard.core import chain as chains
from wizard.core.ca_enroll.adcs import login_page_error
from wizard.core.ca_enroll.transport import AREA, Connection, Reply
from wizard.core.errors import WizardError
from wizard.core.i18n import translate

WELL_KNOWN = "/.well-known/est"
PKCS7 = "application/pkcs7-mime"
PKCS10 = "application/pkcs10"


def base_url(url: str, label: str | None = None) -> str:
    """https://est.example.com[:port][/.well-known/est[/label]] → …/.well-known/est[/label]/."""
    parts = urllib.parse.urlsplit(url.strip())
    path = parts.path.rstrip("/")
    index = path.find(WELL_KNOWN)
    if index < 0:
        path = WELL_KNOWN
    else:
        path = path[index:]
    if label and not path.endswith("/" + label):
        path = f"{WELL_KNOWN}/{label}"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


@dataclass(frozen=True)
class EnrollAnswer:
    certificates: tuple[x509.Certificate, ...]  # empty when pending
    retry_after: dt.datetime | None = None  # pending: not before this moment


def _certs_only(reply: Reply, what: str) -> list[x509.Certificate]:
    if reply.is_html:
        raise login_page_error(reply, what)
    if reply.content_type != PKCS7:
        raise WizardError(
            f"{AREA}.est_media_type",
            translate(
                "ca_enroll",
                "{url} answered {what} with {type}, not {expected} (RFC 7030). Check that the "
                "address is the EST service (it ends in /.well-known/est).",
            ).format(
                url=reply.url,
                what=what,
                type=reply.media_type or translate("ca_enroll", "no content type"),
                expected=PKCS7,
            ),
        )
    try:
        der = base64.b64decode(b"".join(reply.body.split()), validate=True)
        return pkcs7.load_der_pkcs7_certificates(der)
    except (binascii.Error, ValueError):
        raise WizardError(
            f"{AREA}.est_body",
            translate(
                "ca_enroll",
                "{url} answered {what} with {type} that is not base64 of a PKCS#7 with "
                "certificates.",
            ).format(url=reply.url, what=what, type=PKCS7),
        ) from None


def _status_error(reply: Reply, what: str) -> WizardError:
    host = urllib.parse.urlsplit(reply.url).netloc
    said = reply.text().strip()[:300] if not reply.is_html else ""
    quoted = (
        (" " + translate("ca_enroll", "The server said: {text}").format(text=said)) if said else ""
    )
    if reply.status == 401:
        return WizardError(
            f"{AREA}.credentials",
            translate(
                "ca_enroll",
                "The EST server {host} refused the sign-in for {what} (HTTP 401).{said} Check "
                "the user name and password, or the client certificate; the profile is "
                "unchanged.",
            ).format(host=host, what=what, said=quoted),
        )
    if reply.status == 404:
        return WizardError(
            f"{AREA}.not_found",
            translate(
                "ca_enroll",
                "{url} does not exist (HTTP 404): check the EST address and the CA label "
                "(--est-label).",
            ).format(url=reply.url),
        )
    if 300 <= reply.status < 400:
        return WizardError(
            f"{AREA}.redirect",
            translate(
                "ca_enroll",
                "{host} answered {what} with a redirect to {location} (HTTP {status}). Give the "
                "EST service's own address.",
            ).format(
                host=host,
                what=what,
                location=reply.headers.get("Location", "?"),
                status=reply.status,
            ),
        )
    return WizardError(
        f"{AREA}.est_refused",
        translate(
            "ca_enroll", "The EST server {host} refused {what} (HTTP {status}).{said}"
        ).format(host=host, what=what, status=reply.status, said=quoted),
    )


def cacerts(conn: Connection, base: str) -> list[x509.Certificate]:
    """The CA certificates the EST server distributes (its chain), as sent."""
    what = translate("ca_enroll", "the CA certificates (cacerts)")
    reply = conn.request("GET", base + "cacerts", {"Accept": PKCS7})
    if reply.status != 200:
        raise _status_error(reply, what)
    return _certs_only(reply, what)


@dataclass(frozen=True)
class CaChainLine:
    subject: str
    issuer: str
    not_after: dt.datetime
    sha256: str


def check_ca_chain(certificates: list[x509.Certificate], url: str) -> tuple[CaChainLine, ...]:
    """The cacerts chain, issuer last, refused when a CA certificate has expired or is not a CA."""
    if not certificates:
        raise WizardError(
            f"{AREA}.est_no_ca",
            translate("ca_enroll", "{url} sent no CA certificates.").format(url=url),
        )
    now = dt.datetime.now(dt.UTC)
    for cert in certificates:
        if cert.not_valid_after_utc < now or cert.not_valid_before_utc > now:
            raise WizardError(
                f"{AREA}.ca_expired",
                translate(
                    "ca_enroll",
                    "The CA certificate '{subject}' from {url} is not valid now (valid "
                    "{start} to {end}): certificates it signs would be refused. Nothing was "
                    "sent; tell the CA administrators.",
                ).format(
                    subject=chains.subject_of(cert),
                    url=url,
                    start=f"{cert.not_valid_before_utc:%Y-%m-%d}",
                    end=f"{cert.not_valid_after_utc:%Y-%m-%d}",
                ),
            )
    ordered = sorted(certificates, key=lambda c: _depth(c, certificates))
    return tuple(
        CaChainLine(
            subject=chains.subject_of(c),
            issuer=c.issuer.rfc4514_string(),
            not_after=c.not_valid_after_utc,
            sha256=chains.fingerprint(c),
        )
        for c in ordered
    )


def _depth(cert: x509.Certificate, pool: list[x509.Certificate]) -> int:
    """How many issuers above `cert` are in `pool` (the root has 0): sorts issuing CA first."""
    depth, current, seen = 0, cert, {chains.fingerprint(cert)}
    while not chains.is_self_signed(current):
        issuer = next(
            (
                c
                for c in pool
                if chains.fingerprint(c) not in seen and chains.is_issued_by(current, c)
            ),
            None,
        )
        if issuer is None:
            break
        seen.add(chains.fingerprint(issuer))
        depth, current = depth + 1, issuer
    return -depth


def _retry_after(reply: Reply) -> dt.datetime:
    value = (reply.headers.get("Retry-After") or "").strip()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if value.isdigit():
        return now + dt.timedelta(seconds=int(value))
    try:
        moment = email.utils.parsedate_to_datetime(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return now + dt.timedelta(hours=1)


def enroll(
    conn: Connection, base: str, csr: x509.CertificateSigningRequest, *, renewal: bool = False
) -> EnrollAnswer:
    """simpleenroll (or simplereenroll): the certificate, or pending with when to ask again."""
    operation = "simplereenroll" if renewal else "simpleenroll"
    what = translate("ca_enroll", "the certificate request ({operation})").format(
        operation=operation
    )
    body = base64.encodebytes(csr.public_bytes(Encoding.DER))
    reply = conn.request(
        "POST",
        base + operation,
        {
            "Content-Type": PKCS10,
            "Content-Transfer-Encoding": "base64",
            "Accept": PKCS7,
        },
        body,
    )
    if reply.status == 202:
        return EnrollAnswer((), _retry_after(reply))
    if reply.status != 200:
        raise _status_error(reply, what)
    return EnrollAnswer(tuple(_certs_only(reply, what)))

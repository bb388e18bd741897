"""Microsoft AD CS web enrollment (/certsrv): the pages, as a browser sees them.

What the pages are (Microsoft's web enrollment ASP pages; the same facts the `certsrv` client on
PyPI relies on):

- `POST certfnsh.asp` (form fields Mode=newreq, CertRequest=<PEM CSR>,
  CertAttrib="CertificateTemplate:<name>\\r\\n", TargetStoreFlags=0, SaveCert=yes) answers with
  one of three pages:
  issued: links `certnew.cer?ReqID=<n>&Enc=b64` / `certnew.p7b?ReqID=<n>&Enc=bin`;
  pending ("Certificate Pending"): "... Your Request Id is <n>.";
  denied ("Certificate Request Denied" or an error page): `The disposition message is "<why>"`.
- `GET certnew.cer?ReqID=<n>&Enc=b64` later: the certificate (application/pkix-cert) once issued,
  else a page whose "Disposition message:" says why (still "Taken Under Submission", or denied).
- `GET certnew.p7b?ReqID=<n>&Enc=bin`: the certificate with its chain, PKCS#7 (DER).
- `GET certrqxt.asp`: the advanced request form; its template list (select lbCertTemplate, option
  values "<flags>;<template name>;…") names the templates the user may enroll for.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from dataclasses import dataclass
from enum import StrEnum

from cryptography import x509

from wizard.core.ca_enroll.transport import AREA, Connection, Reply
from wizard.core.errors import WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, tr, translate
from wizard.core.reply import parse_certificates

CONTEXT = "ca_enroll"

# HRESULTs AD CS names in its denial texts, with what the person can do about them.
_ADVICE = {
    "0x80094800": QT_TRANSLATE_NOOP(
        "ca_enroll",
        "The CA does not offer this certificate template: check the template's name (its "
        "short name, without spaces) or ask the CA administrators to publish it on this CA.",
    ),
    "0x80094801": QT_TRANSLATE_NOOP(
        "ca_enroll", "The request named no certificate template: give one with --template."
    ),
    "0x80094012": QT_TRANSLATE_NOOP(
        "ca_enroll",
        "Your account may not enroll for this template: ask the CA administrators for the "
        "Enroll permission on it, or use the template they name for SAP client certificates.",
    ),
    "0x80094811": QT_TRANSLATE_NOOP(
        "ca_enroll",
        "The template builds the subject from Active Directory and needs a DNS name there: "
        "use a template where the subject is supplied in the request.",
    ),
    "0x80094812": QT_TRANSLATE_NOOP(
        "ca_enroll",
        "The template wants an e-mail address from Active Directory: use a template where the "
        "subject is supplied in the request.",
    ),
}


class Outcome(StrEnum):
    ISSUED = "issued"
    PENDING = "pending"
    DENIED = "denied"


@dataclass(frozen=True)
class PageResult:
    """What a web-enrollment page said."""

    outcome: Outcome
    request_id: str | None
    reason: str = ""  # the CA's words (denied, or the pending disposition)


@dataclass(frozen=True)
class Template:
    name: str  # what goes into CertificateTemplate:<name>
    label: str  # what the page shows


def base_url(url: str) -> str:
    """https://ca.example.com, …/certsrv, …/certsrv/certfnsh.asp → https://ca.example.com/certsrv/."""
    parts = urllib.parse.urlsplit(url.strip())
    path = parts.path
    index = path.lower().find("/certsrv")
    path = path[: index + len("/certsrv")] if index >= 0 else path.rstrip("/") + "/certsrv"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


_ISSUED = re.compile(r"certnew\.(?:cer|p7b)\?ReqID=(\d+)", re.IGNORECASE)
_REQUEST_ID = re.compile(r"Request\s+Id\s+is\s+(\d+)", re.IGNORECASE)
_DISPOSITION = re.compile(r"disposition\s+message\s+is\s+\"([^\"]+)\"", re.IGNORECASE)
_DISPOSITION_LINE = re.compile(r"Disposition\s+message:\s*([^\r\n<]+)", re.IGNORECASE)
_ERROR = re.compile(r"unexpected\s+error\s+has\s+occurred:\s*([^\r\n<]+)", re.IGNORECASE)


def _plain(text: str) -> str:
    """Page text without tags and entities, whitespace collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.IGNORECASE | re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def parse_result_page(page: str) -> PageResult | None:
    """The outcome certfnsh.asp (or the retrieval page) shows; None if it is no such page."""
    issued = _ISSUED.search(page)
    if issued:
        return PageResult(Outcome.ISSUED, issued.group(1))
    plain = _plain(page)
    request_id = _REQUEST_ID.search(plain)
    rid = request_id.group(1) if request_id else None
    disposition = _DISPOSITION.search(plain) or _DISPOSITION_LINE.search(page)
    reason = " ".join(disposition.group(1).split()) if disposition else ""
    lowered = plain.lower()
    if "certificate pending" in lowered or "taken under submission" in reason.lower():
        return PageResult(Outcome.PENDING, rid, reason or "Taken Under Submission")
    if disposition or "request denied" in lowered or "was denied" in lowered:
        return PageResult(Outcome.DENIED, rid, reason or _error_text(plain))
    error = _ERROR.search(plain)
    if error:
        return PageResult(Outcome.DENIED, rid, " ".join(error.group(1).split()))
    return None


def _error_text(plain: str) -> str:
    error = _ERROR.search(plain)
    return " ".join(error.group(1).split()) if error else ""


def denial_advice(reason: str) -> str:
    """What to do about the CA's reason, when AD CS's code in it is a known one."""
    match = re.search(r"0x[0-9a-fA-F]{8}", reason)
    advice = _ADVICE.get(match.group(0).lower()) if match else None
    return tr(CONTEXT, advice) if advice else ""


def parse_templates(page: str) -> list[Template]:
    """The templates of certrqxt.asp's list (select lbCertTemplate)."""
    select = re.search(
        r"<select[^>]*lbCertTemplate[^>]*>(.*?)</select>", page, re.IGNORECASE | re.DOTALL
    )
    if not select:
        return []
    found = []
    for value, label in re.findall(
        r"<option[^>]*value\s*=\s*\"([^\"]*)\"[^>]*>(.*?)</option>",
        select.group(1),
        re.IGNORECASE | re.DOTALL,
    ):
        fields = html.unescape(value).split(";")
        if len(fields) > 1 and fields[1].strip():
            found.append(Template(fields[1].strip(), _plain(label) or fields[1].strip()))
    return found


# --- the calls --------------------------------------------------------------------------------


def _expect_page(reply: Reply, what: str) -> str:
    _check_status(reply, what)
    return reply.text()


def _check_status(reply: Reply, what: str) -> None:
    host = urllib.parse.urlsplit(reply.url).netloc
    if reply.status == 401:
        raise WizardError(
            f"{AREA}.credentials",
            translate(
                "ca_enroll",
                "{host} refused the sign-in for {what} (HTTP 401). Check the user name and "
                "password (or your Kerberos ticket) and that this account may use the CA's web "
                "enrollment; the profile is unchanged.",
            ).format(host=host, what=what),
        )
    if reply.status == 403:
        raise WizardError(
            f"{AREA}.forbidden",
            translate(
                "ca_enroll",
                "{host} refused {what} (HTTP 403): this account may not use the CA's web "
                "enrollment. Ask the CA administrators; the profile is unchanged.",
            ).format(host=host, what=what),
        )
    if 300 <= reply.status < 400:
        raise WizardError(
            f"{AREA}.redirect",
            translate(
                "ca_enroll",
                "{host} answered {what} with a redirect to {location} (HTTP {status}), usually a "
                "sign-in portal in front of the CA. Give the CA's own web enrollment address "
                "(…/certsrv), reachable without a portal.",
            ).format(
                host=host,
                what=what,
                location=reply.headers.get("Location", "?"),
                status=reply.status,
            ),
        )
    if reply.status == 404:
        raise WizardError(
            f"{AREA}.not_found",
            translate(
                "ca_enroll",
                "{url} does not exist (HTTP 404): this is not an AD CS web enrollment address. "
                "It ends in /certsrv, for example https://ca.example.com/certsrv.",
            ).format(url=reply.url),
        )
    if reply.status >= 400:
        raise WizardError(
            f"{AREA}.http",
            translate("ca_enroll", "{host} failed on {what} (HTTP {status}).").format(
                host=host, what=what, status=reply.status
            ),
        )


def login_page_error(reply: Reply, what: str) -> WizardError:
    title = reply.title or translate("ca_enroll", "no title")
    return WizardError(
        f"{AREA}.login_page",
        translate(
            "ca_enroll",
            "{url} answered {what} with a web page ('{title}') instead of a certificate, "
            "usually a sign-in page of a proxy or portal in front of the CA. Check the CA's "
            "address and the sign-in method; the profile is unchanged.",
        ).format(url=reply.url, what=what, title=title),
    )


def submit(conn: Connection, base: str, csr_pem: str, template: str) -> PageResult:
    """Send the CSR with the template to certfnsh.asp; the page's outcome."""
    form = urllib.parse.urlencode(
        {
            "Mode": "newreq",
            "CertRequest": csr_pem,
            "CertAttrib": f"CertificateTemplate:{template}\r\n",
            "FriendlyType": "Saved-Request Certificate",
            "TargetStoreFlags": "0",
            "SaveCert": "yes",
        }
    ).encode("ascii")
    what = translate("ca_enroll", "the certificate request")
    reply = conn.request(
        "POST",
        base + "certfnsh.asp",
        {"Content-Type": "application/x-www-form-urlencoded"},
        form,
    )
    page = _expect_page(reply, what)
    result = parse_result_page(page)
    if result is None:
        raise unknown_page(reply, what)
    return result


def unknown_page(reply: Reply, what: str) -> WizardError:
    if reply.is_html and re.search(
        r"(type\s*=\s*\"?password|sign[ -]?in|log[ -]?in)", reply.text(), re.IGNORECASE
    ):
        return login_page_error(reply, what)
    return WizardError(
        f"{AREA}.unknown_page",
        translate(
            "ca_enroll",
            "{url} answered {what} with a page the wizard does not recognise as AD CS web "
            "enrollment ('{title}'). Check that the address is the CA's /certsrv; the profile "
            "is unchanged.",
        ).format(url=reply.url, what=what, title=reply.title or reply.content_type or "-"),
    )


def retrieve(conn: Connection, base: str, request_id: str) -> PageResult:
    """Ask for request `request_id` again (days later): issued, still pending or denied."""
    what = translate("ca_enroll", "request {id}").format(id=request_id)
    query = urllib.parse.urlencode({"ReqID": request_id, "Enc": "b64"})
    reply = conn.request("GET", f"{base}certnew.cer?{query}")
    _check_status(reply, what)
    if reply.content_type in ("application/pkix-cert", "application/x-x509-ca-cert"):
        return PageResult(Outcome.ISSUED, request_id)
    result = parse_result_page(reply.text()) if reply.is_html or reply.body else None
    if result is None or result.outcome is Outcome.ISSUED:
        raise unknown_page(reply, what)
    return PageResult(result.outcome, result.request_id or request_id, result.reason)


def fetch_chain(conn: Connection, base: str, request_id: str) -> list[x509.Certificate]:
    """The issued certificate with its chain: certnew.p7b (PKCS#7, DER)."""
    what = translate("ca_enroll", "the certificate of request {id}").format(id=request_id)
    query = urllib.parse.urlencode({"ReqID": request_id, "Enc": "bin"})
    reply = conn.request("GET", f"{base}certnew.p7b?{query}")
    _check_status(reply, what)
    if reply.is_html:
        result = parse_result_page(reply.text())
        if result is not None and result.outcome is not Outcome.ISSUED:
            raise WizardError(
                f"{AREA}.not_issued",
                translate("ca_enroll", "The CA has not issued request {id}: {reason}.").format(
                    id=request_id, reason=result.reason or result.outcome.value
                ),
            )
        raise login_page_error(reply, what)
    source = translate("ca_enroll", "the CA's answer to request {id} ({url})").format(
        id=request_id, url=reply.url
    )
    return parse_certificates(reply.body, source=source)


def list_templates(conn: Connection, base: str) -> list[Template]:
    """The templates the CA's advanced request page offers this user (may be empty)."""
    reply = conn.request("GET", base + "certrqxt.asp")
    page = _expect_page(reply, translate("ca_enroll", "the list of certificate templates"))
    return parse_templates(page)

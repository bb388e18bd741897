"""Have SAP sign it: a client certificate under SAP Cloud Root CA via the BTP Destination service.

SAP's documented way to a client certificate with clientAuth (SAP KBA 3711618): the Destination
service of a Cloud Foundry subaccount signs *our* CSR, so the private key never leaves this machine.

    POST <url>/oauth/token                                       client credentials → token
    POST <uri>/destination-configuration/v1/subaccountCertificates
         {"Name": "<profile>.pem", "Attributes": {"CN", "CSR" (base64 of the PEM CSR),
          "Validity": {"TimeUnit": "DAYS|MONTHS|YEARS", "Value": n}, "AutomaticRenew"}}
    GET  <uri>/destination-configuration/v1/subaccountCertificates/<name>
         {"Name", "Type", "Content": base64 of the PEM chain}

SAP ignores the CSR's subject DN and writes its own (subaccount, region, the CN attribute).
The chain goes through the normal import (`enrollment.import_certificates`): validation, lints,
SAP-list judgement. The client secret lives in the keyring only (`SecretKind.DESTINATION`).
An x509-bound key (`credential-type` x509: `certificate`, `key`, `certurl`) gets its token by
mutual TLS at <certurl>/oauth/token (`https.client_credentials_mtls`, the key in memory only);
its certificate and key are then what the keyring keeps, as {"x509": {...}} (`kept_secret`).
HTTPS goes through `wizard.core.https`: HTTPS_PROXY/NO_PROXY apply, redirects are never followed
(urllib would resend the Authorization header), and the OS store and certifi are trusted, or only
--ca-file for a test server.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from wizard.core import chain as chains
from wizard.core import https, jsontext
from wizard.core.certs import common_name
from wizard.core.enrollment import ChainRejected, ImportResult, import_certificates
from wizard.core.errors import SecretsUnavailable, WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, translate
from wizard.core.profiles import Artefact, Profile, ProfileStore
from wizard.core.reply import parse_certificates
from wizard.core.secrets import ENVIRONMENT as SECRET_ENV
from wizard.core.secrets import SecretKind, Secrets
from wizard.core.storage import read_input_file
from wizard.core.trust import SapStatus

TOKEN_PATH = "/oauth/token"
CERTIFICATES_PATH = "/destination-configuration/v1/subaccountCertificates"
DEFAULT_TIMEOUT = https.DEFAULT_TIMEOUT
SAP_ROOT_NAME = "SAP Cloud Root CA"

Progress = Callable[[str], None]


# ---------------------------------------------------------------------------------------------
# Validity: 1 day to 1 year


class TimeUnit(StrEnum):
    DAYS = "DAYS"
    MONTHS = "MONTHS"
    YEARS = "YEARS"


_MAX = {TimeUnit.DAYS: 365, TimeUnit.MONTHS: 12, TimeUnit.YEARS: 1}
_UNITS = {
    "d": TimeUnit.DAYS, "day": TimeUnit.DAYS, "days": TimeUnit.DAYS,
    "m": TimeUnit.MONTHS, "month": TimeUnit.MONTHS, "months": TimeUnit.MONTHS,
    "y": TimeUnit.YEARS, "year": TimeUnit.YEARS, "years": TimeUnit.YEARS,
}  # fmt: skip
_VALIDITY = re.compile(r"^\s*(\d+)\s*([a-z]*)\s*$")


@dataclass(frozen=True)
class Validity:
    unit: TimeUnit
    value: int

    @property
    def label(self) -> str:
        count = self.value  # lupdate only sees a plural call whose count is a plain name
        if self.unit is TimeUnit.DAYS:
            return translate("sap_sign", "%n day(s)", None, count)
        if self.unit is TimeUnit.MONTHS:
            return translate("sap_sign", "%n month(s)", None, count)
        return translate("sap_sign", "%n year(s)", None, count)

    @property
    def as_attribute(self) -> dict[str, object]:
        return {"TimeUnit": self.unit.value, "Value": self.value}

    @property
    def stored(self) -> str:
        """How the profile keeps it: "1 YEARS", "90 DAYS"."""
        return f"{self.value} {self.unit.value}"


DEFAULT_VALIDITY = Validity(TimeUnit.YEARS, 1)


def parse_validity(text: str) -> Validity:
    """`1y`, `6m`, `90d`, `90 days`, `12 months`, `1 year`, or a bare number of days."""
    match = _VALIDITY.match(str(text).lower())
    unit = _UNITS.get(match.group(2) or "days") if match else None
    if match is None or unit is None:
        raise WizardError(
            "sap_sign.validity",
            translate(
                "sap_sign",
                "{text!r} is not a validity the wizard understands. Give a number with d, m or y "
                "(90d, 6m, 1y) or words (90 days, 6 months, 1 year); SAP signs for 1 day to 1 "
                "year.",
            ).format(text=text),
        )
    value = int(match.group(1))
    if not 1 <= value <= _MAX[unit]:
        raise WizardError(
            "sap_sign.validity",
            translate(
                "sap_sign",
                "A validity of {validity} is outside what SAP signs: 1 day to 1 year (at most "
                "365 days, 12 months or 1 year).",
            ).format(validity=Validity(unit, value).label),
        )
    return Validity(unit, value)


# ---------------------------------------------------------------------------------------------
# The service key


@dataclass(frozen=True)
class DestinationKey:
    """What the wizard needs from a Destination service key (plan lite)."""

    client_id: str
    client_secret: str = field(repr=False)
    token_url: str  # `url`: the subaccount's XSUAA, the token endpoint is <url>/oauth/token
    service_uri: str  # `uri`: https://destination-configuration.cfapps.<region>.hana.ondemand.com
    source: str  # the file it came from, or "the profile" for --refresh
    # an x509-bound key (`credential-type` x509): no secret; certificate and key (PEM) for mTLS,
    # and `token_url` is then the key's `certurl`
    certificate: str = field(default="", repr=False)
    private_key: str = field(default="", repr=False)

    @property
    def x509(self) -> bool:
        return bool(self.certificate)

    @property
    def token_endpoint(self) -> str:
        return self.token_url.rstrip("/") + TOKEN_PATH

    @property
    def kept_secret(self) -> str:
        """What the keyring keeps for --refresh: the client secret, or certificate and key."""
        if not self.x509:
            return self.client_secret
        return json.dumps({X509_SECRET: {"certificate": self.certificate, "key": self.private_key}})

    @property
    def certificates_url(self) -> str:
        return self.service_uri.rstrip("/") + CERTIFICATES_PATH


X509_SECRET = "x509"  # the keyring value of an x509-bound key is {"x509": {certificate, key}}


def _x509_secret(value: str) -> tuple[str, str] | None:
    """Certificate and key when the kept secret is an x509-bound key's, else None."""
    if not value.startswith("{"):
        return None
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        return None
    inner = data.get(X509_SECRET) if isinstance(data, dict) else None
    if not isinstance(inner, dict):
        return None
    cert, key = inner.get("certificate"), inner.get("key")
    if isinstance(cert, str) and isinstance(key, str) and cert and key:
        return cert, key
    return None


def _field(creds: dict, document: object, name: str) -> object:
    """`name` of the credentials, of their `uaa` part, or of the document's root (SAP puts the
    certificate and key of some x509 keys there)."""
    for where in (creds, creds.get("uaa"), document):
        if isinstance(where, dict) and where.get(name):
            return where[name]
    return None


def _x509_key(creds: dict, document: object, source: str) -> DestinationKey:
    values = {n: _field(creds, document, n) for n in ("certificate", "key", "certurl", "uri")}
    missing = [n for n, v in values.items() if not isinstance(v, str) or not v.strip()]
    if missing:
        raise WizardError(
            "sap_sign.service_key",
            translate(
                "sap_sign",
                "{source} is an x509-bound service key but has no {fields}. Copy the whole "
                "service key of the Destination service instance (Download in the BTP cockpit).",
            ).format(source=source, fields=", ".join(repr(n) for n in missing)),
        )
    certificate, key = str(values["certificate"]).strip(), str(values["key"]).strip()
    try:
        x509.load_pem_x509_certificates(certificate.encode("utf-8"))
        serialization.load_pem_private_key(key.encode("utf-8"), password=None)
        readable = True
    except (ValueError, TypeError):
        readable = False
    if not readable:
        raise WizardError(
            "sap_sign.service_key",
            translate(
                "sap_sign",
                "The 'certificate' or 'key' of {source} is not PEM that can be read (an "
                "unencrypted private key). Copy the service key again as the BTP cockpit "
                "downloads it.",
            ).format(source=source),
        )
    return DestinationKey(
        client_id=str(creds["clientid"]).strip(),
        client_secret="",
        token_url=_https(values["certurl"], "certurl", source),
        service_uri=_https(values["uri"], "uri", source),
        source=source,
        certificate=certificate,
        private_key=key,
    )


def _credentials(data: object) -> dict | None:
    """The object holding `clientid`, wherever `cf service-key` or the btp CLI nested it."""
    if isinstance(data, dict):
        if isinstance(data.get("clientid"), str):
            return data
        for value in data.values():
            found = _credentials(value)
            if found is not None:
                return found
    elif isinstance(data, list):
        for value in data:
            found = _credentials(value)
            if found is not None:
                return found
    return None


def _https(value: object, name: str, source: str) -> str:
    parts = urllib.parse.urlsplit(value if isinstance(value, str) else "")
    if parts.scheme != "https" or not parts.hostname:
        raise WizardError(
            "sap_sign.service_key",
            translate(
                "sap_sign",
                "The {name!r} of {source} is {value!r}, not an https URL. Copy the service key "
                "again as the BTP cockpit shows it.",
            ).format(name=name, source=source, value=value),
        )
    return str(value).strip()


def parse_destination_key(data: bytes, *, source: str) -> DestinationKey:
    """A Destination service key as the cockpit shows it, or as `cf service-key` / btp print it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    start = text.find("{")
    try:
        if start < 0:
            raise ValueError(translate("sap_sign", "no JSON object"))
        # `cf service-key` prints "Getting key … as …" before the JSON
        end = text.rfind("}") + 1
        document = jsontext.loads(text[start:end] if end > start else text[start:])
    except ValueError as exc:
        raise WizardError(
            "sap_sign.service_key",
            translate(
                "sap_sign",
                "{source} is not a service key in JSON ({problem}). In the BTP cockpit open the "
                "Destination service instance → Service Keys → the key → Download, or save the "
                "output of 'cf service-key <instance> <key>'.",
            ).format(source=source, problem=exc),
        ) from None
    creds = _credentials(document)
    if creds is None:
        hint = (
            " "
            + translate(
                "sap_sign",
                "It looks like a Process Integration Runtime key (certificate and key), which "
                "the sender uses to call the tenant.",
            )
            if "certificate" in text and "key-type" not in text
            else ""
        )
        raise WizardError(
            "sap_sign.service_key",
            translate(
                "sap_sign",
                "{source} has no 'clientid', so it is not a Destination service key.{hint} "
                "Create an instance of the Destination service (plan lite) in a Cloud Foundry or "
                "'Other Environment' subaccount and a service key for it, then give that key.",
            ).format(source=source, hint=hint),
        )
    secret = creds.get("clientsecret")
    if not isinstance(secret, str) or not secret:
        kind = creds.get("credential-type")
        if kind == "x509" or _field(creds, document, "certificate") is not None:
            return _x509_key(creds, document, source)
        raise WizardError(
            "sap_sign.service_key",
            translate(
                "sap_sign",
                "{source} has no 'clientsecret'. Copy the whole service key of the Destination "
                "service instance.",
            ).format(source=source),
        )
    missing = [k for k in ("url", "uri") if not isinstance(creds.get(k), str) or not creds[k]]
    if missing:
        what = {
            "url": translate("sap_sign", "'url' (the subaccount's token base URL)"),
            "uri": translate("sap_sign", "'uri' (the Destination service's base URL)"),
        }
        lacking = (
            translate("sap_sign", "{first} and no {second}").format(
                first=what[missing[0]], second=what[missing[1]]
            )
            if len(missing) == 2
            else what[missing[0]]
        )
        raise WizardError(
            "sap_sign.service_key",
            translate(
                "sap_sign",
                "{source} has no {fields}: it is not a Destination service key. Create a service "
                "key of the Destination service (plan lite) and give that file.",
            ).format(source=source, fields=lacking),
        )
    return DestinationKey(
        client_id=str(creds["clientid"]).strip(),
        client_secret=secret.strip(),
        token_url=_https(creds["url"], "url", source),
        service_uri=_https(creds["uri"], "uri", source),
        source=source,
    )


def read_destination_key(path: Path) -> DestinationKey:
    data = read_input_file(
        Path(path),
        what=translate("sap_sign", "a Destination service key (JSON)"),
        limit=1024 * 1024,
    )
    return parse_destination_key(data, source=str(path))


# ---------------------------------------------------------------------------------------------
# What the user is told before anything is sent


def notices_before_sending(cn: str | None, validity: Validity, auto_renew: bool) -> tuple[str, ...]:
    """The facts a person must know before SAP signs (CLI prints them, the GUI shows them)."""
    if auto_renew:
        renew = translate(
            "sap_sign",
            "on: SAP renews it shortly before it expires; import the renewal with --refresh and "
            "update the tenant entry",
        )
    else:
        renew = translate("sap_sign", "off")
    if cn:
        subject = translate(
            "sap_sign",
            "SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and "
            "region, CN={cn}): what you typed for O, OU, L or C is not in the certificate.",
        ).format(cn=cn)
    else:
        subject = translate(
            "sap_sign",
            "SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and "
            "region): what you typed for O, OU, L or C is not in the certificate.",
        )
    return (
        translate(
            "sap_sign",
            "Only the CSR (the public key) is sent; the private key stays on this machine.",
        ),
        subject,
        translate(
            "sap_sign",
            "SAP signs for 1 day to 1 year; this request: {validity}. Automatic renewal: {renew}.",
        ).format(validity=validity.label, renew=renew),
        translate(
            "sap_sign",
            "The Destination service runs in a Cloud Foundry or an 'Other Environment' "
            "subaccount, not in Neo: Neo users need a (free) Cloud Foundry subaccount for this "
            "one step; the certificate then works for Neo as well.",
        ),
    )


# ---------------------------------------------------------------------------------------------
# HTTPS


_SAP = https.Caller(
    area="sap_sign",
    check=QT_TRANSLATE_NOOP(
        "https",
        "Check the service key's 'url' and 'uri', your network and, if you need one, the proxy "
        "(HTTPS_PROXY); then try again.",
    ),
    tls_advice=QT_TRANSLATE_NOOP(
        "https",
        "For SAP's hosts check for a TLS-inspecting proxy (give its CA with --ca-file); for "
        "a private test server give its CA with --ca-file.",
    ),
    name_proxy=True,
)


def _said(answer: https.Answer) -> str:
    """SAP's own words for an error, if the body has any."""
    try:
        data = jsontext.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        text = answer.body[:200].decode("utf-8", "replace").strip()
        return "" if "<" in text else text
    if isinstance(data, dict):
        for key in ("ErrorMessage", "error_description", "message", "error"):
            if isinstance(data.get(key), str):
                return data[key]
    return ""


# ---------------------------------------------------------------------------------------------
# The Destination service calls


def _check_not_expired(key: DestinationKey) -> None:
    """An x509-bound key whose certificate has expired: said before the certificate URL refuses."""
    try:
        leaf = x509.load_pem_x509_certificates(key.certificate.encode("utf-8"))[0]
    except ValueError:
        return  # the token call names a certificate that cannot be read
    ended = leaf.not_valid_after_utc
    if ended < datetime.now(UTC):
        raise WizardError(
            "sap_sign.credentials",
            translate(
                "sap_sign",
                "The certificate of the x509-bound service key ({source}) expired on {date}. "
                "Create a new service key for the Destination service instance and run again "
                "with --destination-key NEW-KEY.json.",
            ).format(source=key.source, date=ended.strftime("%Y-%m-%d %H:%M UTC")),
        )


def _get_token(conn: https.Session, key: DestinationKey, *, stored_secret: bool) -> str:
    url = key.token_endpoint
    if key.x509:
        _check_not_expired(key)
        answer = https.client_credentials_mtls(
            conn, url, key.client_id, key.certificate, key.private_key, conn.ca_files
        )
    else:
        answer = conn.client_credentials(url, key.client_id, key.client_secret)
    host = urllib.parse.urlsplit(url).netloc
    if answer.status in (400, 401):
        env = SECRET_ENV[SecretKind.DESTINATION]
        if key.x509:
            where = (
                translate(
                    "sap_sign",
                    "the certificate of the service key kept in the keyring for this profile",
                )
                if stored_secret
                else translate("sap_sign", "the certificate in {source}").format(source=key.source)
            )
        else:
            where = (
                translate(
                    "sap_sign",
                    "the client secret kept in the keyring for this profile (or in {env})",
                ).format(env=env)
                if stored_secret
                else translate("sap_sign", "the client secret in {source}").format(
                    source=key.source
                )
            )
        raise WizardError(
            "sap_sign.credentials",
            translate(
                "sap_sign",
                "The token endpoint {host} refused client {client!r} (HTTP {status}): {where} is "
                "wrong or expired, or the service key was deleted. Create a new service key for "
                "the Destination service instance and run again with --destination-key "
                "NEW-KEY.json.",
            ).format(host=host, client=key.client_id, status=answer.status, where=where),
        )
    if answer.status >= 300:
        raise _http_error(answer, url, translate("sap_sign", "the token request"))
    try:
        data = jsontext.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        raise WizardError(
            "sap_sign.not_json",
            translate(
                "sap_sign",
                "{host} answered the token request without an access_token (HTTP {status}, "
                "{content_type}). Check the service key's 'url': it is the subaccount's "
                "authentication URL.",
            ).format(
                host=host,
                status=answer.status,
                content_type=answer.headers.get("Content-Type")
                or translate("sap_sign", "no content type"),
            ),
        )
    return token


def _http_error(answer: https.Answer, url: str, what: str) -> WizardError:
    host = urllib.parse.urlsplit(url).netloc
    said = _said(answer)
    quoted = " " + translate("sap_sign", "SAP said: {said}").format(said=said) if said else ""
    status = answer.status
    if 300 <= status < 400:
        return WizardError(
            "sap_sign.redirect",
            translate(
                "sap_sign",
                "{host} answered {what} with a redirect to {location} (HTTP {status}), usually a "
                "login page. Check the service key's 'url' and 'uri'.",
            ).format(
                host=host, what=what, location=answer.headers.get("Location", "?"), status=status
            ),
        )
    if status == 401:
        return WizardError(
            "sap_sign.credentials",
            translate(
                "sap_sign",
                "The Destination service at {host} did not accept the token for {what} (HTTP "
                "401).{quoted} The service key may belong to another region's service; download "
                "it again from the subaccount and retry.",
            ).format(host=host, what=what, quoted=quoted),
        )
    if status == 403:
        return WizardError(
            "sap_sign.forbidden",
            translate(
                "sap_sign",
                "The Destination service at {host} refused {what} (HTTP 403): this service key "
                "may not manage the subaccount's certificates.{quoted} Use a key of a Destination "
                "service instance of plan 'lite' created in the subaccount itself.",
            ).format(host=host, what=what, quoted=quoted),
        )
    if status == 413:
        return WizardError(
            "sap_sign.quota",
            translate(
                "sap_sign",
                "The Destination service at {host} refused {what} as too large or over quota "
                "(HTTP 413).{quoted} Delete certificates the subaccount no longer needs (cockpit "
                "→ Connectivity → Destination Certificates) and try again.",
            ).format(host=host, what=what, quoted=quoted),
        )
    if status == 429:
        wait = answer.headers.get("Retry-After")
        again = (
            translate("sap_sign", "Try again in {seconds} seconds.").format(seconds=wait)
            if wait and wait.isdigit()
            else translate("sap_sign", "Try again in a few minutes.")
        )
        return WizardError(
            "sap_sign.rate_limited",
            translate(
                "sap_sign",
                "The Destination service at {host} has had too many requests from this "
                "subaccount (HTTP 429).{quoted} {again}",
            ).format(host=host, quoted=quoted, again=again),
        )
    if status >= 500:
        return WizardError(
            "sap_sign.unavailable",
            translate(
                "sap_sign",
                "The Destination service at {host} failed on {what} (HTTP {status}).{quoted} It "
                "is SAP's side: try again later, and check SAP's status page for the region.",
            ).format(host=host, what=what, status=status, quoted=quoted),
        )
    return WizardError(
        "sap_sign.refused",
        translate(
            "sap_sign", "The Destination service at {host} refused {what} (HTTP {status}).{quoted}"
        ).format(host=host, what=what, status=status, quoted=quoted),
    )


def _signing_body(
    name: str, csr_pem: bytes, cn: str | None, validity: Validity, renew: bool
) -> bytes:
    attributes: dict[str, object] = {}
    if cn:
        attributes["CN"] = cn
    attributes["CSR"] = base64.b64encode(csr_pem).decode("ascii")
    attributes["Validity"] = validity.as_attribute
    attributes["AutomaticRenew"] = renew
    return json.dumps({"Name": name, "Attributes": attributes}).encode()


def _send_csr(
    conn: https.Session, key: DestinationKey, token: str, body: bytes, name: str, replace: bool
) -> bool:
    """POST the request; with `replace`, a taken name is signed again with PUT. True if replaced."""
    url = key.certificates_url
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    answer = conn.call("POST", url, headers, body)
    if answer.status == 409 and replace:
        answer = conn.call("PUT", url, headers, body)
        if answer.status >= 300:
            raise _http_error(
                answer,
                url,
                translate("sap_sign", "replacing the certificate {name!r}").format(name=name),
            )
        return True
    if answer.status == 409:
        raise WizardError(
            "sap_sign.name_taken",
            translate(
                "sap_sign",
                "The subaccount already has a certificate named {name!r} (HTTP 409). Run again "
                "with --replace to have SAP sign your CSR again under that name (the old "
                "certificate is replaced there), or with --refresh to import the one that is "
                "there.",
            ).format(name=name),
        )
    if answer.status >= 300:
        raise _http_error(answer, url, translate("sap_sign", "the signing request"))
    return False


def _fetch_chain(
    conn: https.Session, key: DestinationKey, token: str, name: str
) -> list[x509.Certificate]:
    url = f"{key.certificates_url}/{urllib.parse.quote(name, safe='')}"
    answer = conn.call(
        "GET", url, {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    if answer.status == 404:
        raise WizardError(
            "sap_sign.not_found",
            translate(
                "sap_sign",
                "The subaccount has no certificate named {name!r} (HTTP 404 from {host}). It may "
                "have been deleted in the cockpit: have SAP sign the CSR again (without "
                "--refresh).",
            ).format(name=name, host=urllib.parse.urlsplit(url).netloc),
        )
    if answer.status >= 300:
        raise _http_error(
            answer,
            url,
            translate("sap_sign", "reading the certificate {name!r}").format(name=name),
        )
    try:
        data = jsontext.loads(answer.body.decode("utf-8"))
        content = base64.b64decode(data["Content"], validate=False)
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError, KeyError, binascii.Error):
        raise WizardError(
            "sap_sign.content",
            translate(
                "sap_sign",
                "The Destination service's answer for {name!r} has no readable 'Content' (base64 "
                "of the certificate chain). Check that the service key's 'uri' is the "
                "Destination service's.",
            ).format(name=name),
        ) from None
    return parse_certificates(
        content,
        source=translate("sap_sign", "the certificate {name!r} SAP issued").format(name=name),
    )


# ---------------------------------------------------------------------------------------------
# The one call for the CLI and the GUI


class SapSignAction(StrEnum):
    SIGNED = "signed"  # SAP signed the CSR; the chain is imported
    REPLACED = "replaced"  # the name was taken; SAP signed again under it (--replace)
    RENEWED = "renewed"  # --refresh found a new certificate (SAP renewed it) and imported it
    IMPORTED = "imported"  # --refresh imported SAP's certificate into a profile without one
    UNCHANGED = "unchanged"  # --refresh found the certificate the profile already has


@dataclass(frozen=True)
class SapSignResult:
    """What happened, for the CLI text, --json and the wizard page."""

    action: SapSignAction
    profile: Profile
    certificate_name: str
    requested_subject: str  # the CSR's subject
    issued_subject: str  # the subject SAP wrote
    issuer: str
    sha256: str
    previous_sha256: str | None  # the certificate this one replaces in the profile
    not_after: datetime
    auto_renew: bool | None
    validity: str | None  # label, e.g. "1 year"
    root_status: SapStatus | None  # SAP's list on the chain's root; REQUIRED for SAP Cloud Root CA
    secret_kept_in: str  # where the client secret is (never the secret itself)
    tenant_update_needed: bool  # the tenant entry names another certificate
    imported: ImportResult | None  # None when nothing changed
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.action is not SapSignAction.UNCHANGED


def _csr_of(store: ProfileStore, name: str) -> tuple[bytes, x509.CertificateSigningRequest]:
    data = store.read_artefact(name, Artefact.CSR)
    if data is None:
        raise WizardError(
            "csr.missing",
            translate(
                "sap_sign",
                "Profile {name!r} has no certificate request for SAP to sign. Create one first: "
                "cpi-cert-wizard csr --profile {profile} --cn …",
            ).format(name=name, profile=name),
        )
    return data, x509.load_pem_x509_csr(data)


def requested_cn(store: ProfileStore, name: str) -> str | None:
    """The CN of the profile's CSR (SAP keeps it; the rest of the subject is SAP's)."""
    store.load(name)
    return common_name(_csr_of(store, name)[1].subject)


def default_certificate_name(profile: str) -> str:
    return f"{profile}.pem"


def _keep_secret(secrets: Secrets, name: str, key: DestinationKey) -> str:
    if not secrets.available:
        return (
            f"not stored (no keyring): for --refresh give --destination-key again or set "
            f"{SECRET_ENV[SecretKind.DESTINATION]}"
        )
    try:
        if secrets.lookup(name, SecretKind.DESTINATION) != key.kept_secret:
            secrets.store(name, SecretKind.DESTINATION, key.kept_secret)
    except SecretsUnavailable as exc:
        return f"not stored ({exc.message})"
    return f"the keyring ({secrets.backend_name})"


def _import(
    store: ProfileStore,
    name: str,
    certificates: list[x509.Certificate],
    certificate_name: str,
    ca_files: Sequence[Path],
    sap_roots: Path | None,
    fetch_aia: bool,
) -> ImportResult:
    source = f"The certificate SAP issued ({certificate_name!r} in the subaccount)"
    try:
        return import_certificates(
            store, name, certificates, source=source, ca_files=ca_files, sap_roots=sap_roots,
            fetch_aia=fetch_aia,
        )  # fmt: skip
    except ChainRejected as exc:
        # SAP keeps the certificate: after fixing the cause, import it without signing again.
        exc.message += (
            f"\nNothing was imported. SAP keeps the certificate as {certificate_name!r}: once the "
            f"cause is fixed, import it with cpi-cert-wizard sap-sign --profile {name} --refresh"
        )
        exc.args = (exc.message,)
        raise


def _remember(
    store: ProfileStore,
    profile: Profile,
    key: DestinationKey,
    certificate_name: str,
    leaf_sha256: str,
    auto_renew: bool | None,
    validity: Validity | None,
) -> Profile:
    profile.sap_certificate_name = certificate_name
    profile.sap_leaf_sha256 = leaf_sha256
    if auto_renew is not None:
        profile.sap_auto_renew = auto_renew
    if validity is not None:
        profile.sap_validity = validity.stored
    profile.sap_destination_client_id = key.client_id
    profile.sap_destination_token_url = key.token_url
    profile.sap_destination_uri = key.service_uri
    return store.save(profile)


def _notes(result: ImportResult, requested: str) -> tuple[str, ...]:
    notes = []
    leaf_subject = result.report.leaf.subject.rfc4514_string()
    if leaf_subject != requested:
        notes.append(
            f"SAP replaced the subject: the CSR asked for '{requested}', the certificate says "
            f"'{leaf_subject}'. The tenant's access log shows the certificate's CN."
        )
    if result.report.sap_status not in (SapStatus.REQUIRED, SapStatus.APPROVED):
        root = result.report.root
        notes.append(
            f"The chain ends in '{root.subject.rfc4514_string() if root else 'an unknown root'}', "
            f"not in {SAP_ROOT_NAME} on {result.report.sap_list_version}: this was not SAP's "
            "Destination service, or the SAP list needs an update (--sap-roots)."
        )
    return tuple(notes)


def _result(
    action: SapSignAction,
    store: ProfileStore,
    name: str,
    key: DestinationKey,
    certificate_name: str,
    imported: ImportResult,
    requested: str,
    previous: str | None,
    auto_renew: bool | None,
    validity: Validity | None,
    secret_kept_in: str,
) -> SapSignResult:
    leaf = imported.report.leaf
    fingerprint = chains.fingerprint(leaf)
    profile = _remember(
        store, imported.profile, key, certificate_name, fingerprint, auto_renew, validity
    )
    return SapSignResult(
        action=action,
        profile=profile,
        certificate_name=certificate_name,
        requested_subject=requested,
        issued_subject=leaf.subject.rfc4514_string(),
        issuer=leaf.issuer.rfc4514_string(),
        sha256=fingerprint,
        previous_sha256=previous if previous != fingerprint else None,
        not_after=leaf.not_valid_after_utc,
        auto_renew=profile.sap_auto_renew,
        validity=_label(profile.sap_validity),
        root_status=imported.report.sap_status,
        secret_kept_in=secret_kept_in,
        # a renewal always needs the tenant entry changed (Neo: new mapping; CF: new service key)
        tenant_update_needed=action is SapSignAction.RENEWED
        or bool(profile.mapped_leaf_sha256 and profile.mapped_leaf_sha256 != fingerprint),
        imported=imported,
        notes=_notes(imported, requested),
    )


def _label(stored: str | None) -> str | None:
    if not stored:
        return None
    value, _, unit = stored.partition(" ")
    try:
        return Validity(TimeUnit(unit), int(value)).label
    except ValueError:
        return stored


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def sign_with_sap(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    destination_key: Path | DestinationKey,
    *,
    validity: Validity = DEFAULT_VALIDITY,
    auto_renew: bool = False,
    replace: bool = False,
    ca_files: Sequence[Path] = (),
    sap_roots: Path | None = None,
    fetch_aia: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    proxy: str | None = None,
) -> SapSignResult:
    """Have SAP sign profile `name`'s CSR and import the chain; one call, nothing half-done.

    `ca_files` are trusted for the service's TLS (only they, when given: a private test server)
    and offered to complete the returned chain. Raises `WizardError` (a `ChainRejected` when the
    chain fails validation) and then leaves the profile unchanged.
    """
    profile = store.load(name)
    csr_pem, request = _csr_of(store, name)
    key = (
        destination_key
        if isinstance(destination_key, DestinationKey)
        else read_destination_key(destination_key)
    )
    certificate_name = default_certificate_name(name)
    conn = https.Session(_SAP, ca_files=ca_files, timeout=timeout, proxy=proxy)
    _say(progress, f"Getting a token from {urllib.parse.urlsplit(key.token_url).netloc} …")
    token = _get_token(conn, key, stored_secret=False)
    kept_in = _keep_secret(secrets, name, key)
    _say(progress, f"Sending the CSR to {urllib.parse.urlsplit(key.service_uri).netloc} …")
    body = _signing_body(
        certificate_name, csr_pem, common_name(request.subject), validity, auto_renew
    )
    replaced = _send_csr(conn, key, token, body, certificate_name, replace)
    _say(progress, f"Fetching the certificate {certificate_name!r} …")
    certificates = _fetch_chain(conn, key, token, certificate_name)
    _say(progress, "Checking the chain …")
    previous = profile.leaf_sha256
    imported = _import(store, name, certificates, certificate_name, ca_files, sap_roots, fetch_aia)
    return _result(
        SapSignAction.REPLACED if replaced else SapSignAction.SIGNED,
        store, name, key, certificate_name, imported, request.subject.rfc4514_string(), previous,
        auto_renew, validity, kept_in,
    )  # fmt: skip


def _stored_key(secrets: Secrets, profile: Profile) -> DestinationKey:
    client_id = profile.sap_destination_client_id
    token_url, uri = profile.sap_destination_token_url, profile.sap_destination_uri
    if not (client_id and token_url and uri):
        raise WizardError(
            "sap_sign.no_service_key",
            translate(
                "sap_sign",
                "Profile {name!r} does not know a Destination service key yet. Give one: "
                "cpi-cert-wizard sap-sign --profile {profile} --refresh --destination-key "
                "FILE.json",
            ).format(name=profile.name, profile=profile.name),
        )
    secret = secrets.fetch(profile.name, SecretKind.DESTINATION)
    source = translate("sap_sign", "the profile")
    x509 = _x509_secret(secret)
    if x509 is not None:
        return DestinationKey(
            client_id, "", token_url, uri, source=source, certificate=x509[0], private_key=x509[1]
        )
    return DestinationKey(client_id, secret, token_url, uri, source=source)


def refresh_from_sap(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    destination_key: Path | DestinationKey | None = None,
    *,
    ca_files: Sequence[Path] = (),
    sap_roots: Path | None = None,
    fetch_aia: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    proxy: str | None = None,
) -> SapSignResult:
    """Fetch SAP's current certificate for the profile; import it if it changed (a renewal).

    Without `destination_key`, the service key the profile was signed with is used (client
    secret from the keyring or CPI_CERT_WIZARD_DESTINATION_SECRET).
    """
    profile = store.load(name)
    _csr_pem, request = _csr_of(store, name)
    from_file = destination_key is not None
    if destination_key is None:
        key = _stored_key(secrets, profile)
    elif isinstance(destination_key, DestinationKey):
        key = destination_key
    else:
        key = read_destination_key(destination_key)
    certificate_name = profile.sap_certificate_name or default_certificate_name(name)
    conn = https.Session(_SAP, ca_files=ca_files, timeout=timeout, proxy=proxy)
    _say(progress, f"Getting a token from {urllib.parse.urlsplit(key.token_url).netloc} …")
    token = _get_token(conn, key, stored_secret=not from_file)
    kept_in = _keep_secret(secrets, name, key) if from_file else _where(secrets, name)
    _say(progress, f"Fetching the certificate {certificate_name!r} …")
    certificates = _fetch_chain(conn, key, token, certificate_name)
    have = profile.leaf_sha256
    if have and any(chains.fingerprint(c) == have for c in certificates):
        leaf = next(c for c in certificates if chains.fingerprint(c) == have)
        if profile.sap_leaf_sha256 != have or from_file:
            profile = _remember(store, profile, key, certificate_name, have, None, None)
        return SapSignResult(
            action=SapSignAction.UNCHANGED,
            profile=profile,
            certificate_name=certificate_name,
            requested_subject=request.subject.rfc4514_string(),
            issued_subject=leaf.subject.rfc4514_string(),
            issuer=leaf.issuer.rfc4514_string(),
            sha256=have,
            previous_sha256=None,
            not_after=leaf.not_valid_after_utc,
            auto_renew=profile.sap_auto_renew,
            validity=_label(profile.sap_validity),
            root_status=None,
            secret_kept_in=kept_in,
            tenant_update_needed=bool(
                profile.mapped_leaf_sha256 and profile.mapped_leaf_sha256 != have
            ),
            imported=None,
        )
    _say(progress, "SAP has a new certificate; checking the chain …")
    imported = _import(store, name, certificates, certificate_name, ca_files, sap_roots, fetch_aia)
    renewed = profile.sap_leaf_sha256 is not None
    return _result(
        SapSignAction.RENEWED if renewed else SapSignAction.IMPORTED,
        store, name, key, certificate_name, imported,
        request.subject.rfc4514_string(), have, None, None, kept_in,
    )  # fmt: skip


def _where(secrets: Secrets, name: str) -> str:
    try:
        if secrets.lookup(name, SecretKind.DESTINATION):
            return f"the keyring ({secrets.backend_name})"
    except SecretsUnavailable:
        pass
    return f"not stored: taken from {SECRET_ENV[SecretKind.DESTINATION]} or asked for"

"""Publish a Certificate-to-User Mapping through the Neo tenant's OData API (`/api/v1`).

The documented sequence: GET with `X-CSRF-Token: Fetch` (keeping the session cookies), POST the
mapping (an upsert) with the token and the cookies, then read it back with
`$filter=User eq '…'&$format=json` to learn the tenant's `Id` and `ValidUntil`. Authentication is a
basic-auth user or an OAuth client (client credentials against the token endpoint). The calls go
through `wizard.core.https` with a cookie jar. The server is verified against the OS store and
certifi's bundle, or only against `ca_file` for a private test server. The secret never reaches a
message.
"""

from __future__ import annotations

import json
import re
import ssl
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from wizard.core import https
from wizard.core.errors import WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, translate
from wizard.core.mapping import NeoMapping

ENTITY_SET = "CertificateUserMappings"
DEFAULT_TIMEOUT = https.DEFAULT_TIMEOUT
_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d+)?\)/$")


class AuthMethod(StrEnum):
    BASIC = "basic"
    OAUTH = "oauth"


@dataclass(frozen=True)
class TenantApiLogin:
    """Who calls the API. `name` is the user (basic) or the client id (OAuth)."""

    method: AuthMethod
    name: str
    secret: str = field(repr=False)
    token_url: str | None = None


@dataclass(frozen=True)
class PublishedMapping:
    """The entry as the tenant reports it after the POST."""

    id: str
    user: str
    valid_until: datetime
    valid_until_ms: int
    id_matches: bool  # the tenant's Id equals the MD5 of the DER we computed
    url: str  # the entity set, for the record


def api_root(tmn: str) -> str:
    """`https://<account>-tmn.hci.<region>.hana.ondemand.com[/api/v1]` → the `/api/v1` URL."""
    parsed = urllib.parse.urlsplit(tmn.strip())
    if parsed.scheme != "https" or not parsed.hostname:
        raise WizardError(
            "tenant_api.url",
            translate(
                "neo_api",
                "{tmn!r} is not an https URL of the tenant's management host; give "
                "https://<account>-tmn.hci.<region>.hana.ondemand.com.",
            ).format(tmn=tmn),
        )
    if "-iflmap." in parsed.hostname:
        raise WizardError(
            "tenant_api.url",
            translate(
                "neo_api",
                "{host} is the runtime (iflmap) host; the API lives on the management "
                "host https://<account>-tmn.hci.<region>.hana.ondemand.com.",
            ).format(host=parsed.hostname),
        )
    # The API root is /api/v1 on the same host, whatever page was pasted (SAP: a Web UI address
    # …/itspaces/shell/… becomes …/api/v1).
    path = parsed.path.rstrip("/")
    path = path[: path.index("/api/v1") + len("/api/v1")] if "/api/v1" in path else "/api/v1"
    return urllib.parse.urlunsplit(("https", parsed.netloc, path, "", ""))


_NEO = https.Caller(
    area="tenant_api",
    check=QT_TRANSLATE_NOOP(
        "https", "Check the --tmn URL, your network and proxy (HTTPS_PROXY), then try again."
    ),
    tls_advice=QT_TRANSLATE_NOOP(
        "https",
        "For a private test server give its CA with --ca-file; for SAP's hosts check for "
        "a TLS-inspecting proxy.",
    ),
    login_page_advice=QT_TRANSLATE_NOOP(
        "https",
        "It looks like a login page: check that the URL is the tmn host and that "
        "this user may log in with a password (or use --tmn-client-id).",
    ),
)


def tls_context(ca_file: Path | None = None) -> ssl.SSLContext:
    """The OS store plus certifi's bundle; only `ca_file` when given (a private test server)."""
    return https.tls_context(_ca_files(ca_file), area=_NEO.area)


def _ca_files(ca_file: Path | None) -> tuple[Path, ...]:
    return () if ca_file is None else (ca_file,)


def _auth_header(login: TenantApiLogin, session: https.Session) -> str:
    if login.method is AuthMethod.BASIC:
        return https.basic_auth(login.name, login.secret)
    return "Bearer " + _oauth_token(login, session)


def _oauth_token(login: TenantApiLogin, session: https.Session) -> str:
    url = login.token_url or ""
    if urllib.parse.urlsplit(url).scheme != "https":
        raise WizardError(
            "tenant_api.url",
            translate(
                "neo_api",
                "The token URL {url!r} must be an https URL (the OAuth token endpoint of the "
                "subaccount, …/oauth2/api/v1/token).",
            ).format(url=url),
        )
    answer = session.client_credentials(url, login.name, login.secret)
    if answer.status in (400, 401):
        raise WizardError(
            "tenant_api.credentials",
            translate(
                "neo_api",
                "The token endpoint {url} refused client {client!r} (HTTP {status}). "
                "Check the client id and its secret.",
            ).format(url=url, client=login.name, status=answer.status),
        )
    if answer.status >= 300:
        raise _http_error(answer, url, translate("neo_api", "the token request"))
    data = answer.json(translate("neo_api", "the token request"), url)
    token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        raise WizardError(
            "tenant_api.not_json",
            translate(
                "neo_api", "{url} answered without an access_token; is it the OAuth token endpoint?"
            ).format(url=url),
        )
    return token


def _http_error(answer: https.Answer, url: str, what: str) -> WizardError:
    if 300 <= answer.status < 400:
        target = answer.headers.get("Location")
        if target is None:
            target = translate("neo_api", "another page")
        return WizardError(
            "tenant_api.redirect",
            translate(
                "neo_api",
                "{url} answered {what} with a redirect to {target} (HTTP {status}), usually "
                "a login page: check that the URL is the tenant's tmn host and that this user may "
                "log in with a password (or use --tmn-client-id).",
            ).format(url=url, what=what, target=target, status=answer.status),
        )
    snippet = answer.body[:200].decode("utf-8", "replace").strip()
    return WizardError(
        "tenant_api.http",
        (
            translate("neo_api", "{url} answered {what} with HTTP {status}: {snippet}")
            if snippet
            else translate("neo_api", "{url} answered {what} with HTTP {status}.")
        ).format(url=url, what=what, status=answer.status, snippet=snippet),
    )


def _check_common(answer: https.Answer, url: str, login: TenantApiLogin) -> None:
    if answer.status == 401:
        if login.method is AuthMethod.BASIC:
            message = translate(
                "neo_api",
                "The tenant {host} refused the credentials of user {name!r} (HTTP 401). "
                "Check the name and its secret.",
            )
        else:
            message = translate(
                "neo_api",
                "The tenant {host} refused the credentials of OAuth client {name!r} (HTTP 401). "
                "Check the name and its secret.",
            )
        raise WizardError(
            "tenant_api.credentials",
            message.format(host=urllib.parse.urlsplit(url).netloc, name=login.name),
        )
    if answer.status == 404:
        raise WizardError(
            "tenant_api.not_found",
            translate(
                "neo_api",
                "{url} does not exist (HTTP 404). Give the Neo tenant's management host "
                "(…-tmn.hci.…); Cloud Foundry tenants have no certificate-to-user mappings.",
            ).format(url=url),
        )


def _valid_until_ms(value: object) -> int | None:
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        match = _DATE.match(value)
        if match:
            return int(match.group(1))
        if value.isdigit():
            return int(value)
    return None


def _results(data: object) -> list[dict]:
    """OData v2 JSON (`{"d": {"results": [...]}}`) or v4 (`{"value": [...]}`)."""
    if isinstance(data, dict):
        inner = data.get("d", data)
        if isinstance(inner, dict):
            rows = inner.get("results", inner.get("value"))
            if isinstance(rows, list):
                return [r for r in rows if isinstance(r, dict)]
    return []


def publish_mapping(
    tmn: str,
    mapping: NeoMapping,
    login: TenantApiLogin,
    *,
    ca_file: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    proxy: str | None = None,
) -> PublishedMapping:
    """Create (or update) the mapping on the tenant and read back its Id and ValidUntil."""
    root = api_root(tmn)
    # cookies: the CSRF token is only good together with the session cookie it came with
    session = https.Session(
        _NEO, ca_files=_ca_files(ca_file), timeout=timeout, cookies=True, proxy=proxy
    )
    auth = _auth_header(login, session)
    host = urllib.parse.urlsplit(root).netloc

    fetch = session.call(
        "GET",
        root + "/",
        {"Authorization": auth, "X-CSRF-Token": "Fetch", "Accept": "application/json"},
    )
    _check_common(fetch, root + "/", login)
    if fetch.status == 403:
        raise WizardError(
            "tenant_api.forbidden",
            translate(
                "neo_api",
                "{host} refused {name!r} access to the API (HTTP 403). Give that user the "
                "permission CertificateUserMappings.Write.",
            ).format(host=host, name=login.name),
        )
    if fetch.status >= 300:
        raise _http_error(fetch, root + "/", translate("neo_api", "the CSRF token request"))
    token = fetch.headers.get("X-CSRF-Token", "")
    if not token or token.lower() in ("fetch", "required"):
        page = (
            translate("neo_api", " The answer was an HTML page, probably a login page.")
            if "html" in fetch.headers.get("Content-Type", "").lower()
            else ""
        )
        raise WizardError(
            "tenant_api.csrf",
            translate(
                "neo_api",
                "{host} did not hand out a CSRF token (HTTP {status} to 'X-CSRF-Token: "
                "Fetch'), so it would refuse the POST with 403.{page} Check that the URL is the "
                "tenant's tmn host and that no proxy or single sign-on page is in between.",
            ).format(host=host, status=fetch.status, page=page),
        )

    entity_url = f"{root}/{ENTITY_SET}"
    body = json.dumps({"User": mapping.user, "Certificate": mapping.certificate_b64}).encode()
    post = session.call(
        "POST",
        entity_url,
        {
            "Authorization": auth,
            "X-CSRF-Token": token,
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
        body,
    )
    _check_common(post, entity_url, login)
    if post.status == 403:
        if post.headers.get("X-CSRF-Token", "").lower() == "required":
            raise WizardError(
                "tenant_api.csrf",
                translate(
                    "neo_api",
                    "{host} refused the POST because the CSRF token or the session cookie was not "
                    "accepted (HTTP 403, X-CSRF-Token: Required). A proxy may be dropping cookies; "
                    "try again without it.",
                ).format(host=host),
            )
        raise WizardError(
            "tenant_api.forbidden",
            translate(
                "neo_api",
                "{host} refused to store the mapping for {name!r} (HTTP 403). That user needs "
                "the permission CertificateUserMappings.Write.",
            ).format(host=host, name=login.name),
        )
    if post.status >= 300:
        raise _http_error(post, entity_url, translate("neo_api", "the mapping"))

    user_literal = mapping.user.replace("'", "''")
    query = urllib.parse.urlencode(
        {"$filter": f"User eq '{user_literal}'", "$format": "json"}, quote_via=urllib.parse.quote
    )
    read_url = f"{entity_url}?{query}"
    read = session.call("GET", read_url, {"Authorization": auth, "Accept": "application/json"})
    _check_common(read, entity_url, login)
    if read.status >= 300:
        raise _http_error(read, entity_url, translate("neo_api", "the read-back"))
    rows = _results(read.json(translate("neo_api", "the read-back"), entity_url))
    ours = [r for r in rows if str(r.get("Id", "")).lower() == mapping.entity_id]
    if not ours and len(rows) == 1:
        ours = rows  # the tenant numbers entries differently; there is only one for this user
    if not ours:
        ids = ", ".join(str(r.get("Id")) for r in rows) or translate("neo_api", "none")
        raise WizardError(
            "tenant_api.missing",
            translate(
                "neo_api",
                "After the POST, {host} lists no mapping with Id {id} for user "
                "{user!r} (entries found: {ids}). Check Certificate-to-User Mappings in the "
                "tenant.",
            ).format(host=host, id=mapping.entity_id, user=mapping.user, ids=ids),
        )
    row = ours[0]
    ms = _valid_until_ms(row.get("ValidUntil"))
    if ms is None:
        raise WizardError(
            "tenant_api.not_json",
            translate(
                "neo_api", "{host} returned the mapping without a readable ValidUntil ({value!r})."
            ).format(host=host, value=row.get("ValidUntil")),
        )
    entity_id = str(row.get("Id", ""))
    return PublishedMapping(
        id=entity_id,
        user=str(row.get("User", mapping.user)),
        valid_until=datetime.fromtimestamp(ms / 1000, UTC),
        valid_until_ms=ms,
        id_matches=entity_id.lower() == mapping.entity_id,
        url=entity_url,
    )

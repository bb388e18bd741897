"""A contract double of the Neo Cloud Integration OData API for Certificate-to-User Mappings.

It is NOT SAP's implementation: it enforces what SAP documents for `/api/v1/CertificateUserMappings`
(see shared/domain.md, "Neo OData API") over real HTTPS on 127.0.0.1, so the client is tested
against the contract rather than against a mock:

- every call needs valid credentials (basic auth user, or a bearer token from the OAuth token
  endpoint `/oauth2/api/v1/token` with client credentials), else 401;
- `GET` with `X-CSRF-Token: Fetch` hands out a token and a session cookie; a `POST` without the
  token or without that session's cookie gets 403 with `X-CSRF-Token: Required`;
- `POST` is an upsert keyed by `Id` = lowercase hex MD5 of the certificate's DER; `Certificate` is
  base64 of the PEM text; `User` at most 150 characters;
- `GET …?$filter=User eq '…'&$format=json` returns OData v2 JSON with `Id`, `User`, `ValidUntil`
  (`/Date(<epoch ms of not-after>)/`) and the audit fields; without `$format=json` (or an
  `Accept: application/json`) it answers Atom XML, as OData v2 does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests import pki

API = "/api/v1"
ENTITY = f"{API}/CertificateUserMappings"
TOKEN_PATH = "/oauth2/api/v1/token"
_FILTER = re.compile(r"^User eq '((?:[^']|'')*)'$")


@dataclass
class TenantState:
    users: dict[str, str] = field(default_factory=lambda: {"api-user": "api-secret"})
    clients: dict[str, str] = field(default_factory=lambda: {"api-client": "client-secret"})
    hand_out_csrf: bool = True  # False: a tenant (or a proxy) that never answers the Fetch
    login_page: bool = False  # True: every call lands on an HTML login page (SSO in between)
    sessions: dict[str, str] = field(default_factory=dict)  # session cookie → CSRF token
    tokens: set[str] = field(default_factory=set)
    entries: dict[str, dict] = field(default_factory=dict)  # Id → entity
    log: list[tuple[str, str, int]] = field(default_factory=list)  # method, path, status
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server_version = "NeoTenantDouble/1"
    state: TenantState  # set on the subclass per server

    def log_message(self, format, *args):  # keep pytest output clean
        pass

    # --- helpers ---
    def _send(self, status: int, body: bytes = b"", ctype: str = "application/json", **headers):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)
        with self.state.lock:
            self.state.log.append((self.command, self.path, status))

    def _json(self, status: int, data: object, **headers) -> None:
        self._send(status, json.dumps(data).encode(), **headers)

    def _authenticated(self) -> bool:
        value = self.headers.get("Authorization", "")
        if value.startswith("Bearer "):
            return value[7:] in self.state.tokens
        if value.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(value[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return False
            return self.state.users.get(user) == password
        return False

    def _session(self) -> str | None:
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "JSESSIONID" and value in self.state.sessions:
                return value
        return None

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))

    def _login_page(self) -> bool:
        if self.state.login_page:
            self._send(200, b"<html><body>Sign in</body></html>", "text/html; charset=utf-8")
            return True
        return False

    def _unauthorized(self) -> None:
        self._send(401, b"Unauthorized", "text/plain", WWW_Authenticate='Basic realm="tenant"')

    # --- verbs ---
    def do_GET(self) -> None:
        if self._login_page():
            return
        if not self._authenticated():
            return self._unauthorized()
        url = urllib.parse.urlsplit(self.path)
        headers = {}
        if self.headers.get("X-CSRF-Token", "").lower() == "fetch" and self.state.hand_out_csrf:
            sid, token = secrets.token_hex(8), secrets.token_urlsafe(16)
            with self.state.lock:
                self.state.sessions[sid] = token
            headers = {"X_CSRF_Token": token, "Set_Cookie": f"JSESSIONID={sid}; Path=/; Secure"}
        if url.path in (API, API + "/"):
            return self._json(200, {"d": {"EntitySets": ["CertificateUserMappings"]}}, **headers)
        if url.path != ENTITY:
            return self._send(404, b"Not Found", "text/plain")
        query = urllib.parse.parse_qs(url.query)
        rows = list(self.state.entries.values())
        if "$filter" in query:
            match = _FILTER.match(query["$filter"][0])
            if not match:
                return self._send(400, b"Invalid filter", "text/plain")
            user = match.group(1).replace("''", "'")
            rows = [r for r in rows if r["User"] == user]
        wants_json = query.get("$format") == ["json"] or "application/json" in self.headers.get(
            "Accept", ""
        )
        if not wants_json:
            return self._send(
                200, b"<feed xmlns='http://www.w3.org/2005/Atom'/>", "application/atom+xml"
            )
        return self._json(200, {"d": {"results": rows}}, **headers)

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == TOKEN_PATH:
            return self._token()
        if self._login_page():
            return
        if not self._authenticated():
            return self._unauthorized()
        sid = self._session()
        token = self.headers.get("X-CSRF-Token", "")
        if sid is None or not token or self.state.sessions.get(sid) != token:
            return self._send(
                403, b"CSRF token validation failed", "text/plain", X_CSRF_Token="Required"
            )
        if url.path != ENTITY:
            return self._send(404, b"Not Found", "text/plain")
        try:
            data = json.loads(self._body())
            user, value = data["User"], data["Certificate"]
            pem = base64.b64decode(value, validate=True)
            cert = x509.load_pem_x509_certificate(pem)
        except (ValueError, KeyError, TypeError, binascii.Error):
            return self._json(400, {"error": {"message": {"value": "Invalid certificate"}}})
        if not isinstance(user, str) or not user or len(user) > 150:
            return self._json(400, {"error": {"message": {"value": "Invalid user"}}})
        der = cert.public_bytes(serialization.Encoding.DER)
        entity_id = hashlib.md5(der, usedforsecurity=False).hexdigest()
        valid_until = int(cert.not_valid_after_utc.timestamp()) * 1000
        with self.state.lock:
            existing = self.state.entries.get(entity_id)
            entry = {
                "Id": entity_id,
                "User": user,
                "ValidUntil": f"/Date({valid_until})/",
                "CreatedBy": existing["CreatedBy"] if existing else "api-user",
                "CreatedTime": existing["CreatedTime"] if existing else "/Date(0)/",
                "LastModifiedBy": "api-user",
                "LastModifiedTime": "/Date(0)/",
            }
            self.state.entries[entity_id] = entry
        self._json(200 if existing else 201, {"d": entry})

    def _token(self) -> None:
        value = self.headers.get("Authorization", "")
        try:
            client, _, secret = (
                base64.b64decode(value.removeprefix("Basic ")).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            client, secret = "", ""
        body = urllib.parse.parse_qs(self._body().decode())
        if body.get("grant_type") != ["client_credentials"]:
            return self._json(400, {"error": "unsupported_grant_type"})
        if self.state.clients.get(client) != secret:
            return self._json(401, {"error": "invalid_client"})
        token = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens.add(token)
        self._json(200, {"access_token": token, "token_type": "bearer", "expires_in": 3600})


@dataclass
class RunningTenant:
    url: str  # https://127.0.0.1:<port>
    ca_file: Path  # the CA that signed the server certificate
    state: TenantState

    @property
    def token_url(self) -> str:
        return self.url + TOKEN_PATH


@contextmanager
def neo_tenant(folder: Path, state: TenantState | None = None) -> Iterator[RunningTenant]:
    """Start the double on 127.0.0.1 with a server certificate from the test PKI."""
    state = state or TenantState()
    ca = pki.root("Tenant Double Test CA")
    cert, key = pki.server_leaf(ca)
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file, ca_file = folder / "server.pem", folder / "server.key", folder / "ca.pem"
    cert_file.write_bytes(pki.pem(cert))
    key_file.write_bytes(pki.key_pem(key))
    ca_file.write_bytes(ca.pem())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield RunningTenant(f"https://127.0.0.1:{server.server_address[1]}", ca_file, state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

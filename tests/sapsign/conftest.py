"""A contract double of SAP BTP's Destination service certificate API, and fixtures around it.

It is NOT SAP's service: it is a double of the real Destination service (Cloud Foundry) that
enforces what SAP documents for generating a certificate from a CSR, over real HTTPS on 127.0.0.1,
with a real test CA named like SAP's (leaf → "Test SAP PKI Certificate Service Client CA" →
"Test SAP Cloud Root CA"). Its root is of course not on SAP's list, so an import of what it
returns is judged `root_not_on_sap_list`.

- `POST <url>/oauth/token` (here url = https://127.0.0.1:<port>/uaa): client credentials with
  HTTP Basic, else 401 `invalid_client`;
- an x509-bound service key (`credential-type` x509: `certificate`, `key`, `certurl`) gets its
  token at `<certurl>/oauth/token` on a second port that requires, in the TLS handshake, a client
  certificate issued by the test "XSUAA Client CA" (else the handshake fails), with
  `grant_type=client_credentials&client_id=…` and no secret; the certificate must be the one
  bound to that client id, else 401 `invalid_client` (`x509_key_file` writes such a key);
- every service call needs `Authorization: Bearer <token from that endpoint>`, else 401;
- `POST /destination-configuration/v1/subaccountCertificates` with
  `{"Name", "Attributes": {"CN", "CSR" (base64 of the PEM CSR), "Validity": {"TimeUnit",
  "Value"}, "AutomaticRenew"}}` signs the CSR's public key; the CSR's subject DN is ignored and
  replaced (C=DE, O=SAP SE, OU=SAP Cloud Platform Clients, OU=<subaccount>, L=<landscape>,
  CN=<the CN attribute>); validity 1 day to 1 year, else 400; a taken name gives 409; `PUT` with
  the same body signs again under an existing name (404 if there is none);
- `GET …/subaccountCertificates/<name>` answers `{"Name", "Type", "Content"}` with `Content` the
  base64 of the PEM chain (leaf and Client CA; the root only with `include_root`);
- switches for what users meet: 403 (key without permission), 413 (quota), 429 (rate limit),
  a CA that forgets clientAuth, and `renew(name)` for SAP's automatic renewal.
Everything a client sent is kept in `received` so tests can assert on request bodies.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import secrets
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from tests import pki
from wizard.core.csr import SubjectFields
from wizard.core.enrollment import create_request
from wizard.core.keys import KeyType
from wizard.core.profiles import ProfileStore
from wizard.core.secrets import Secrets

TOKEN_PREFIX = "/uaa"
TOKEN_PATH = TOKEN_PREFIX + "/oauth/token"
CERTIFICATES = "/destination-configuration/v1/subaccountCertificates"
CLIENT_ID = "sb-clone-destination-test!b1234|destination-xsappname!b404"
CLIENT_SECRET = "d3st-S3cr3t-5f1c9a0e-never-in-a-file=="
SUBACCOUNT = "0f3a6c1e-test-subaccount"
LANDSCAPE = "cf-eu10-test-double"
_DAYS = {"DAYS": 1, "MONTHS": 30, "YEARS": 365}
_LIMIT = {"DAYS": 365, "MONTHS": 12, "YEARS": 1}


@dataclass
class SapTestPki:
    root: pki.Authority  # "Test SAP Cloud Root CA"
    client_ca: pki.Authority  # "Test SAP PKI Certificate Service Client CA"
    root_file: Path  # PEM of the test root: the trust source the wizard is given
    tls_ca_file: Path  # PEM of the CA behind the double's own TLS certificate
    server_cert: Path
    server_key: Path
    xsuaa_client_ca: pki.Authority  # issues the certificates of x509-bound service keys
    xsuaa_client_ca_file: Path


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Issued:
    name: str
    csr: x509.CertificateSigningRequest
    cn: str
    days: int
    auto_renew: bool
    leaf: x509.Certificate
    validity: dict


@dataclass
class DestinationState:
    ca: SapTestPki
    clients: dict[str, str] = field(default_factory=lambda: {CLIENT_ID: CLIENT_SECRET})
    tokens: set[str] = field(default_factory=set)
    certificates: dict[str, Issued] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    forbidden: bool = False  # 403: a service key that may not manage certificates
    quota_exceeded: bool = False  # 413 on POST
    rate_limited: bool = False  # 429 with Retry-After
    include_root: bool = False  # Content carries the root too
    client_auth: bool = True  # False: the CA leaves clientAuth out of the EKU
    x509_clients: dict[str, bytes] = field(default_factory=dict)  # client id → bound cert (DER)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(
        self, name: str, csr: x509.CertificateSigningRequest, cn: str, days: int, renew: bool,
        validity: dict, not_before: dt.datetime | None = None,
    ) -> Issued:  # fmt: skip
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SAP SE"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "SAP Cloud Platform Clients"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, SUBACCOUNT),
                x509.NameAttribute(NameOID.LOCALITY_NAME, LANDSCAPE),
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
            ]
        )
        leaf = self.ca.client_ca.issue(
            csr.public_key(),
            subject,
            days=days,
            eku="client" if self.client_auth else "server",
            not_before=not_before,
        )
        issued = Issued(name, csr, cn, days, renew, leaf, validity)
        self.certificates[name] = issued
        return issued

    def renew(self, name: str) -> x509.Certificate:
        """SAP's automatic renewal: the same CSR signed again, later and with a new serial."""
        old = self.certificates[name]
        start = old.leaf.not_valid_before_utc + dt.timedelta(hours=1)
        return self.issue(
            name, old.csr, old.cn, old.days, old.auto_renew, old.validity, not_before=start
        ).leaf

    def content(self, name: str) -> bytes:
        issued = self.certificates[name]
        chain = [issued.leaf, self.ca.client_ca.cert]
        if self.include_root:
            chain.append(self.ca.root.cert)
        return pki.pem(*chain)

    def bodies(self) -> list[bytes]:
        return [r.body for r in self.received]

    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.received]


class _Handler(BaseHTTPRequestHandler):
    server_version = "DestinationServiceDouble/1"
    state: DestinationState

    def log_message(self, format, *args):  # keep pytest output clean
        pass

    def _receive(self) -> bytes:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        with self.state.lock:
            self.state.received.append(
                Received(self.command, self.path, dict(self.headers.items()), body)
            )
        return body

    def _json(self, status: int, data: object, **headers: str) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _bearer_ok(self) -> bool:
        value = self.headers.get("Authorization", "")
        return value.startswith("Bearer ") and value[7:] in self.state.tokens

    def _refusal(self) -> bool:
        """The common refusals of every service call; True when one was sent."""
        if not self._bearer_ok():
            self._json(401, {"ErrorMessage": "Unauthorized"})
            return True
        if self.state.forbidden:
            self._json(403, {"ErrorMessage": "Insufficient scope for this resource"})
            return True
        if self.state.rate_limited:
            self._json(429, {"ErrorMessage": "Too many requests"}, Retry_After="30")
            return True
        return False

    # --- verbs ---
    def do_POST(self) -> None:
        body = self._receive()
        path = urllib.parse.urlsplit(self.path).path
        if path == TOKEN_PATH:
            return self._token(body)
        if path != CERTIFICATES:
            return self._json(404, {"ErrorMessage": "Not found"})
        if self._refusal():
            return
        if self.state.quota_exceeded:
            return self._json(413, {"ErrorMessage": "Certificate quota for subaccount exceeded"})
        self._sign(body, replace=False)

    def do_PUT(self) -> None:
        body = self._receive()
        if urllib.parse.urlsplit(self.path).path != CERTIFICATES:
            return self._json(404, {"ErrorMessage": "Not found"})
        if self._refusal():
            return
        self._sign(body, replace=True)

    def do_GET(self) -> None:
        self._receive()
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith(CERTIFICATES + "/"):
            return self._json(404, {"ErrorMessage": "Not found"})
        if self._refusal():
            return
        name = urllib.parse.unquote(path[len(CERTIFICATES) + 1 :])
        with self.state.lock:
            if name not in self.state.certificates:
                return self._json(404, {"ErrorMessage": f"Certificate {name} not found"})
            content = self.state.content(name)
        self._json(
            200,
            {"Name": name, "Type": "CERTIFICATE", "Content": base64.b64encode(content).decode()},
        )

    # --- the work ---
    def _token(self, body: bytes) -> None:
        if getattr(self.server, "mtls", False):
            return self._mtls_token(body)
        value = self.headers.get("Authorization", "")
        try:
            client, _, secret = (
                base64.b64decode(value.removeprefix("Basic "), validate=True)
                .decode()
                .partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            client, secret = "", ""
        if urllib.parse.parse_qs(body.decode()).get("grant_type") != ["client_credentials"]:
            return self._json(400, {"error": "unsupported_grant_type"})
        if not value.startswith("Basic ") or self.state.clients.get(client) != secret:
            return self._json(
                401, {"error": "invalid_client", "error_description": "Bad credentials"}
            )
        token = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens.add(token)
        self._json(200, {"access_token": token, "token_type": "bearer", "expires_in": 43199})

    def _mtls_token(self, body: bytes) -> None:
        """The certurl: TLS already verified the client certificate against the test CA."""
        form = urllib.parse.parse_qs(body.decode())
        if form.get("grant_type") != ["client_credentials"]:
            return self._json(400, {"error": "unsupported_grant_type"})
        client = (form.get("client_id") or [""])[0]
        presented = self.connection.getpeercert(binary_form=True)  # type: ignore[attr-defined]
        if not presented or self.state.x509_clients.get(client) != presented:
            return self._json(
                401, {"error": "invalid_client", "error_description": "Bad credentials"}
            )
        token = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens.add(token)
        self._json(200, {"access_token": token, "token_type": "bearer", "expires_in": 43199})

    def _sign(self, body: bytes, *, replace: bool) -> None:
        try:
            data = json.loads(body)
            name, attributes = data["Name"], data["Attributes"]
            csr = x509.load_pem_x509_csr(base64.b64decode(attributes["CSR"], validate=True))
            validity = attributes.get("Validity", {"TimeUnit": "YEARS", "Value": 1})
            unit, value = validity["TimeUnit"], validity["Value"]
            renew = attributes.get("AutomaticRenew", False)
        except (ValueError, KeyError, TypeError, binascii.Error):
            return self._json(400, {"ErrorMessage": "Invalid certificate attributes"})
        if not isinstance(name, str) or not name.endswith(".pem") or not csr.is_signature_valid:
            return self._json(400, {"ErrorMessage": "Invalid certificate name or CSR"})
        if unit not in _LIMIT or not isinstance(value, int) or not 1 <= value <= _LIMIT[unit]:
            return self._json(400, {"ErrorMessage": "Validity must be between 1 day and 1 year"})
        cn = attributes.get("CN") or name.removesuffix(".pem")
        with self.state.lock:
            exists = name in self.state.certificates
            if exists and not replace:
                return self._json(409, {"ErrorMessage": f"Certificate {name} already exists"})
            if replace and not exists:
                return self._json(404, {"ErrorMessage": f"Certificate {name} not found"})
            self.state.issue(name, csr, cn, _DAYS[unit] * value, bool(renew), validity)
        if replace:
            return self._json(200, {"Count": 1})
        self._json(201, {"Name": name, "Status": "Created"})


@dataclass
class RunningDestination:
    port: int
    state: DestinationState
    mtls_port: int = 0

    @property
    def certurl(self) -> str:
        return f"https://127.0.0.1:{self.mtls_port}{TOKEN_PREFIX}"

    @property
    def uri(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}{TOKEN_PREFIX}"

    def credentials(self, **changes: str) -> dict[str, str]:
        """The credentials of a Destination service key (plan lite) as the cockpit shows them."""
        creds = {
            "clientid": CLIENT_ID,
            "clientsecret": CLIENT_SECRET,
            "uri": self.uri,
            "url": self.url,
            "uaadomain": "authentication.eu10.hana.ondemand.com",
            "tenantmode": "dedicated",
            "identityzone": "test-subaccount",
            "tenantid": SUBACCOUNT,
            "xsappname": "clone-destination-test!b1234|destination-xsappname!b404",
            "instanceid": "5b0e8c0a-test-instance",
        }
        creds.update(changes)
        return creds


@pytest.fixture(scope="session")
def sap_pki(tmp_path_factory: pytest.TempPathFactory) -> SapTestPki:
    folder = tmp_path_factory.mktemp("sap-pki")
    root = pki.root("Test SAP Cloud Root CA", key_kind="rsa-2048")
    client_ca = root.intermediate("Test SAP PKI Certificate Service Client CA")
    tls_root = pki.root("Test Destination Service TLS Root")
    cert, key = pki.server_leaf(tls_root)
    paths = {
        "root_file": folder / "test-sap-cloud-root-ca.pem",
        "tls_ca_file": folder / "destination-tls-ca.pem",
        "server_cert": folder / "server.pem",
        "server_key": folder / "server.key",
    }
    xsuaa = pki.root("Test SAP XSUAA Client CA")
    paths["xsuaa_client_ca_file"] = folder / "xsuaa-client-ca.pem"
    paths["xsuaa_client_ca_file"].write_bytes(xsuaa.pem())
    paths["root_file"].write_bytes(root.pem())
    paths["tls_ca_file"].write_bytes(tls_root.pem())
    paths["server_cert"].write_bytes(pki.pem(cert))
    paths["server_key"].write_bytes(pki.key_pem(key))
    return SapTestPki(root=root, client_ca=client_ca, xsuaa_client_ca=xsuaa, **paths)


@pytest.fixture
def destination(sap_pki: SapTestPki) -> Iterator[RunningDestination]:
    """The double, running on 127.0.0.1 for one test."""
    state = DestinationState(ca=sap_pki)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sap_pki.server_cert, sap_pki.server_key)
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    mtls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    mtls_context.load_cert_chain(sap_pki.server_cert, sap_pki.server_key)
    mtls_context.verify_mode = ssl.CERT_REQUIRED
    mtls_context.load_verify_locations(cafile=sap_pki.xsuaa_client_ca_file)
    mtls = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    mtls.daemon_threads = True
    mtls.mtls = True  # type: ignore[attr-defined]
    mtls.socket = mtls_context.wrap_socket(mtls.socket, server_side=True)
    mtls_thread = threading.Thread(target=mtls.serve_forever, args=(0.05,), daemon=True)
    mtls_thread.start()
    try:
        yield RunningDestination(server.server_address[1], state, mtls.server_address[1])
    finally:
        for each, running in ((server, thread), (mtls, mtls_thread)):
            each.shutdown()
            each.server_close()
            running.join(timeout=10)


@pytest.fixture(autouse=True)
def direct_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback is reached directly unless a test sets a proxy itself."""
    for name in list(os.environ):
        if name.lower() in ("https_proxy", "http_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CPI_CERT_WIZARD_DESTINATION_SECRET", raising=False)


@pytest.fixture
def key_file(destination: RunningDestination, tmp_path: Path) -> Path:
    """The service key as downloaded from the BTP cockpit (outside the wizard's home)."""
    path = tmp_path / "downloads" / "destination-key.json"
    path.parent.mkdir()
    path.write_text(json.dumps(destination.credentials(), indent=2))
    return path


def x509_credentials(
    destination: RunningDestination,
    *,
    days: int = 7,
    not_after: dt.datetime | None = None,
    issuer: pki.Authority | None = None,
    bind: bool = True,
) -> dict[str, str]:
    """An x509-bound key's credentials: a fresh key pair and a certificate of the XSUAA Client CA
    (or `issuer`), bound to CLIENT_ID at the double unless `bind` is False."""
    key = pki.make_key("rsa-2048")
    authority = issuer or destination.state.ca.xsuaa_client_ca
    start = None
    if not_after is not None:
        start = not_after - dt.timedelta(days=days)
    cert = authority.issue(
        key.public_key(), f"{CLIENT_ID[:40]}", eku="client", days=days,
        not_before=start, not_after=not_after,
    )  # fmt: skip
    if bind:
        destination.state.x509_clients[CLIENT_ID] = pki.der(cert)
    creds = destination.credentials()
    del creds["clientsecret"]
    creds.update(
        {
            "credential-type": "x509",
            "certificate": pki.pem(cert).decode(),
            "key": pki.key_pem(key).decode(),
            "certurl": destination.certurl,
        }
    )
    return creds


@pytest.fixture
def x509_key_file(destination: RunningDestination, tmp_path: Path) -> Path:
    """An x509-bound service key as downloaded from the BTP cockpit (outside the home)."""
    path = tmp_path / "downloads" / "destination-x509-key.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(x509_credentials(destination), indent=2))
    return path


@pytest.fixture
def trust(sap_pki: SapTestPki) -> list[str]:
    """--ca-file for the double's TLS and the test root that completes the returned chain."""
    return ["--ca-file", str(sap_pki.tls_ca_file), "--ca-file", str(sap_pki.root_file)]


@pytest.fixture
def with_csr(cli) -> str:
    """Profile ERP with an EC key and a CSR whose subject SAP will replace."""
    result = cli(
        "csr", "--profile", "ERP", "--cn", "erp-sender", "--org", "ACME Corp", "--org-unit",
        "Finance", "--country", "US", "--key-type", "ec-p256",
    )  # fmt: skip
    assert result.code == 0, result.err
    return "ERP"


def make_request(store: ProfileStore, secrets_: Secrets, name: str = "ERP") -> None:
    """The same as `with_csr`, through the core (for tests that call the core directly)."""
    create_request(
        store, secrets_, name, SubjectFields(cn="erp-sender", org="ACME Corp"), KeyType.EC_P256
    )


def folder_state(path: Path) -> dict[str, bytes]:
    """Every file under `path` (recursively) and its bytes: to prove nothing changed."""
    if not path.is_dir():
        return {}
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }

"""Local stand-ins for a company CA, over real HTTPS on 127.0.0.1, signing with the real test PKI.

`AdcsServer` follows the pages of Microsoft AD CS web enrollment (/certsrv) as Microsoft documents
them and as the `certsrv` client on PyPI reads them: POST certfnsh.asp (Mode=newreq, CertRequest,
CertAttrib "CertificateTemplate:<name>") answers the issued page (links certnew.cer?ReqID=n&Enc=…
and certnew.p7b?ReqID=n&Enc=…), the pending page ("Certificate Pending … Your Request Id is n."),
or the denied page ("The disposition message is "…""); certnew.cer?ReqID=n&Enc=b64|bin gives the
certificate (application/pkix-cert) once issued, else a page with "Disposition message:";
certnew.p7b gives PKCS#7 (application/x-pkcs7-certificates, DER or base64); certrqxt.asp lists the
templates. Sign-in like IIS: 401 with WWW-Authenticate Negotiate / NTLM / Basic; Negotiate and NTLM
are checked by pyspnego's acceptor (Kerberos against a real MIT KDC's keytab, NTLM against a user
file) and, like IIS, remembered for the connection.

`EstServer` follows RFC 7030: /.well-known/est[/label]/cacerts, simpleenroll, simplereenroll with
application/pkcs10 in and application/pkcs7-mime; smime-type=certs-only out, base64 bodies,
HTTP Basic or a TLS client certificate, 202 + Retry-After while a request is pending.

Neither is Microsoft's or any vendor's product; both are contract doubles driven by the tests
(`policy`, `approve`, `deny`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import ssl
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tests import pki

REALM = "CPI.TEST"

LOGIN_PAGE = b"""<!DOCTYPE html><html><head><title>Sign in - Company Portal</title></head>
<body><form method="post" action="/login"><input name="user"><input type="password"
name="password"><button>Sign in</button></form></body></html>"""


@dataclass
class TestCa:
    root: pki.Authority
    issuing: pki.Authority
    tls_ca_file: Path  # PEM of the root behind the servers' TLS certificates
    server_cert: Path
    server_key: Path

    @property
    def server_cert_der(self) -> bytes:
        return x509.load_pem_x509_certificate(self.server_cert.read_bytes()).public_bytes(
            Encoding.DER
        )


def make_ca(folder: Path) -> TestCa:
    root = pki.root("Test Company Root CA", key_kind="rsa-2048")
    issuing = root.intermediate("Test Company Issuing CA")
    cert, key = pki.server_leaf(root)
    (folder / "tls-ca.pem").write_bytes(root.pem())
    (folder / "server.pem").write_bytes(pki.pem(cert))
    (folder / "server.key").write_bytes(pki.key_pem(key))
    return TestCa(
        root, issuing, folder / "tls-ca.pem", folder / "server.pem", folder / "server.key"
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _start(handler_class, ca: TestCa, owner, *, client_certs: bool = False):
    server = _Server(("127.0.0.1", 0), handler_class)
    server.owner = owner  # type: ignore[attr-defined]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ca.server_cert, ca.server_key)
    if client_certs:
        context.verify_mode = ssl.CERT_OPTIONAL
        context.load_verify_locations(cadata=pki.pem(ca.root.cert, ca.issuing.cert).decode())
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: NTLM and Negotiate authenticate the connection

    def log_message(self, format, *args):
        pass

    @property
    def owner(self):
        return self.server.owner  # type: ignore[attr-defined]

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status: int, body: bytes, content_type: str, headers=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


# ---------------------------------------------------------------------------------------------
# AD CS web enrollment


def _page(title: str, body: str) -> bytes:
    return (
        '<HTML><Head><Meta HTTP-Equiv="Content-Type" Content="text/html; charset=UTF-8">'
        "<Title>Microsoft Active Directory Certificate Services</Title></Head><Body>"
        f"<Font ID=locPageTitle><B>{title}</B></Font><P>{body}</Body></HTML>"
    ).encode()


@dataclass
class AdcsRequest:
    id: int
    csr: x509.CertificateSigningRequest
    template: str
    status: str  # issued | pending | denied
    certificate: x509.Certificate | None = None
    reason: str = ""


@dataclass
class Seen:
    method: str
    path: str
    authorization: str | None
    user: str | None


class AdcsServer:
    """A web enrollment stand-in; `policy` decides what a new request gets."""

    def __init__(self, ca: TestCa, *, auth: str = "basic", users: dict[str, str] | None = None):
        self.ca = ca
        self.auth = auth  # basic | negotiate | ntlm | none
        self.users = users or {}
        self.templates = {"SAPClientAuth": "SAP Client Authentication", "User": "User"}
        self.policy = "issue"  # issue | pending | login_page | other_key | expired_chain
        self.requests: dict[int, AdcsRequest] = {}
        self.seen: list[Seen] = []
        self.handshakes = 0  # authentication handshakes completed (per connection)
        self.expired_issuing: pki.Authority | None = None  # signs when policy == "expired_chain"
        # IIS "Extended Protection: Required": NTLM/Kerberos must carry the TLS channel binding
        self.extended_protection = False
        self._next = 17
        self._lock = threading.Lock()
        self.server, self.thread = _start(_AdcsHandler, ca, self)
        self.url = f"https://localhost:{self.server.server_address[1]}/certsrv"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def issuing(self) -> pki.Authority:
        if self.policy == "expired_chain" and self.expired_issuing is not None:
            return self.expired_issuing
        return self.ca.issuing

    def approve(self, request_id: int) -> None:
        request = self.requests[request_id]
        request.certificate = self.issuing.sign_csr(request.csr)
        request.status = "issued"

    def deny(self, request_id: int, reason: str) -> None:
        self.requests[request_id].status = "denied"
        self.requests[request_id].reason = reason

    def new_request(self, csr, template: str) -> AdcsRequest:
        with self._lock:
            request = AdcsRequest(self._next, csr, template, "pending")
            self._next += 1
            self.requests[request.id] = request
        return request

    def chain_of(self, request: AdcsRequest) -> list[x509.Certificate]:
        return [request.certificate, self.issuing.cert, self.ca.root.cert]


class _AdcsHandler(_Handler):
    authenticated_user: str | None = None
    _context = None

    # --- sign-in, IIS-like -------------------------------------------------------------------

    def _challenge(self, extra: str | None = None) -> None:
        owner = self.owner
        offers = {
            "basic": [f'Basic realm="{REALM}"'],
            "negotiate": ["Negotiate", "NTLM"],
            "ntlm": ["NTLM", "Negotiate"],
        }[owner.auth]
        headers = (
            [("WWW-Authenticate", extra)] if extra else [("WWW-Authenticate", o) for o in offers]
        )
        self._answer(401, _page("401 - Unauthorized", "Access is denied."), "text/html", headers)

    def _signed_in(self) -> bool:
        owner = self.owner
        header = self.headers.get("Authorization")
        owner.seen.append(Seen(self.command, self.path, header, self.authenticated_user))
        if owner.auth == "none" or self.authenticated_user:
            return True
        if not header:
            self._challenge()
            return False
        scheme, _, value = header.partition(" ")
        if owner.auth == "basic" and scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                user, password = "", ""
            if owner.users.get(user) == password and password:
                return True  # Basic is checked on every request
            self._challenge()
            return False
        if owner.auth in ("negotiate", "ntlm") and scheme.lower() in ("negotiate", "ntlm"):
            return self._spnego(scheme, value)
        self._challenge()
        return False

    def _spnego(self, scheme: str, value: str) -> bool:
        import spnego

        if self._context is None:
            protocol = "ntlm" if scheme.lower() == "ntlm" else "negotiate"
            bindings = None
            if self.owner.extended_protection:  # RFC 5929 tls-server-end-point (SHA-256 cert)
                from spnego.channel_bindings import GssChannelBindings

                digest = hashlib.sha256(self.owner.ca.server_cert_der).digest()
                bindings = GssChannelBindings(application_data=b"tls-server-end-point:" + digest)
            self._context = spnego.server(
                hostname="localhost", service="HTTP", protocol=protocol, channel_bindings=bindings
            )
        try:
            out = self._context.step(base64.b64decode(value))
        except Exception:
            self._context = None
            self._challenge()
            return False
        if not self._context.complete:
            self._challenge(f"{scheme} {base64.b64encode(out).decode()}")
            return False
        self.authenticated_user = str(self._context.client_principal)
        self.owner.handshakes += 1
        self.mutual_token = f"{scheme} {base64.b64encode(out).decode()}" if out else None
        return True

    # --- pages -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        if not self._signed_in():
            return
        owner = self.owner
        if owner.policy == "login_page":
            self._answer(200, LOGIN_PAGE, "text/html; charset=utf-8")
            return
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        if parts.path == "/certsrv/certrqxt.asp":
            options = "".join(
                f'<Option Value="E;{name};1;0;1;1.3.6.1.5.5.7.3.2">{label}</Option>'
                for name, label in owner.templates.items()
            )
            self._answer(
                200,
                _page(
                    "Advanced Certificate Request",
                    f"<Select Name=lbCertTemplate ID=lbCertTemplate>{options}</Select>",
                ),
                "text/html",
            )
            return
        if parts.path in ("/certsrv/certnew.cer", "/certsrv/certnew.p7b"):
            self._certificate(parts.path.endswith(".p7b"), query)
            return
        self._answer(404, _page("404", "Not found"), "text/html")

    def _certificate(self, p7b: bool, query: dict[str, str]) -> None:
        owner = self.owner
        request = owner.requests.get(int(query.get("ReqID", "0") or 0))
        if request is None:
            page = _page(
                "Certificate Services Error",
                "An unexpected error has occurred: Cannot find request. 0x80094003",
            )
            self._answer(200, page, "text/html")
            return
        if request.status != "issued":
            disposition = (
                "Taken Under Submission" if request.status == "pending" else request.reason
            )
            page = _page(
                "Microsoft Active Directory Certificate Services",
                f"Your Request Id is {request.id}.<Pre>Disposition message:\t\t{disposition}\r\n</Pre>",
            )
            self._answer(200, page, "text/html")
            return
        binary = query.get("Enc") == "bin"
        if p7b:
            data = pki.p7b(
                *owner.chain_of(request), encoding=Encoding.DER if binary else Encoding.PEM
            )
            self._answer(200, data, "application/x-pkcs7-certificates")
        else:
            cert = request.certificate
            data = cert.public_bytes(Encoding.DER if binary else Encoding.PEM)
            self._answer(200, data, "application/pkix-cert")

    def do_POST(self) -> None:
        body = self._body()  # read before any 401, so the connection stays usable
        if not self._signed_in():
            return
        owner = self.owner
        if owner.policy == "login_page":
            self._answer(200, LOGIN_PAGE, "text/html; charset=utf-8")
            return
        if urllib.parse.urlsplit(self.path).path != "/certsrv/certfnsh.asp":
            self._answer(404, _page("404", "Not found"), "text/html")
            return
        form = dict(urllib.parse.parse_qsl(body.decode()))
        assert form.get("Mode") == "newreq", form
        template = ""
        for line in form.get("CertAttrib", "").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "CertificateTemplate":
                template = value.strip()
        csr = x509.load_pem_x509_csr(form["CertRequest"].encode())
        request = owner.new_request(csr, template)
        headers = (
            [("WWW-Authenticate", self.mutual_token)] if getattr(self, "mutual_token", None) else []
        )
        if template not in owner.templates:
            owner.deny(
                request.id,
                "Denied by Policy Module  0x80094800, The request was for a "
                "certificate template that is not supported by the Active Directory "
                f"Certificate Services policy: {template}.",
            )
            page = _page(
                "Certificate Request Denied",
                "Your certificate request was denied.</P><P ID=locInfoReqIDAndReason>Your Request "
                f'Id is {request.id}. The disposition message is "{request.reason}".',
            )
            self._answer(200, page, "text/html", headers)
            return
        if owner.policy == "pending":
            page = _page(
                "Certificate Pending",
                "Your certificate request has been received. However, you must wait for an "
                f"administrator to issue the certificate you requested.</P><P>Your Request Id is "
                f"{request.id}.</P><P>Please return to this web site in a day or two to retrieve "
                "your certificate.",
            )
            self._answer(200, page, "text/html", headers)
            return
        if owner.policy == "other_key":
            request.certificate = owner.ca.issuing.issue(pki.make_key().public_key(), csr.subject)
            request.status = "issued"
        else:
            owner.approve(request.id)
        page = _page(
            "Certificate Issued",
            "The certificate you requested was issued to you.</P>"
            f'<A Href="certnew.cer?ReqID={request.id}&amp;Enc=b64">Download certificate</A><BR>'
            f'<A Href="certnew.p7b?ReqID={request.id}&amp;Enc=b64">Download certificate chain</A>',
        )
        self._answer(200, page, "text/html", headers)


# ---------------------------------------------------------------------------------------------
# EST (RFC 7030)

PKCS7_CERTS = "application/pkcs7-mime; smime-type=certs-only"


@dataclass
class EstServer:
    ca: TestCa
    user: str = "est-user"
    password: str = "est-Passw0rd!"
    label: str | None = None
    policy: str = "issue"  # issue | pending | login_page | other_key | expired_chain | unauthorized
    retry_after: int = 3600
    pending: dict[bytes, str] = field(default_factory=dict)  # CSR DER -> pending | approved
    seen: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    expired_issuing: pki.Authority | None = None

    def __post_init__(self) -> None:
        self.server, self.thread = _start(_EstHandler, self.ca, self, client_certs=True)
        port = self.server.server_address[1]
        self.url = f"https://localhost:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def approve_all(self) -> None:
        for key in self.pending:
            self.pending[key] = "approved"

    def ca_certs(self) -> list[x509.Certificate]:
        issuing = self.expired_issuing if self.policy == "expired_chain" else self.ca.issuing
        return [issuing.cert, self.ca.root.cert]


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data)


class _EstHandler(_Handler):
    def _prefix(self) -> tuple[str, str] | None:
        path = urllib.parse.urlsplit(self.path).path
        owner = self.owner
        base = "/.well-known/est/" + (f"{owner.label}/" if owner.label else "")
        if not path.startswith(base):
            return None
        return base, path[len(base) :]

    def _client_cert(self) -> x509.Certificate | None:
        der = self.connection.getpeercert(binary_form=True)  # type: ignore[attr-defined]
        return x509.load_der_x509_certificate(der) if der else None

    def do_GET(self) -> None:
        found = self._prefix()
        owner = self.owner
        owner.seen.append(("GET", self.path, self.headers.get("Content-Type"), None))
        if found is None or found[1] != "cacerts":
            self._answer(404, b"not found", "text/plain")
            return
        data = _b64(pki.p7b(*owner.ca_certs()))
        self._answer(200, data, PKCS7_CERTS, [("Content-Transfer-Encoding", "base64")])

    def do_POST(self) -> None:
        body = self._body()
        owner = self.owner
        found = self._prefix()
        owner.seen.append(
            ("POST", self.path, self.headers.get("Content-Type"), self.headers.get("Authorization"))
        )
        if found is None or found[1] not in ("simpleenroll", "simplereenroll"):
            self._answer(404, b"not found", "text/plain")
            return
        operation = found[1]
        client = self._client_cert()
        if operation == "simplereenroll" and client is None:
            self._answer(401, b"simplereenroll needs the current certificate", "text/plain")
            return
        if client is None and not self._basic_ok():
            self._answer(401, b"", "text/plain", [("WWW-Authenticate", 'Basic realm="estrealm"')])
            return
        if owner.policy == "login_page":
            self._answer(200, LOGIN_PAGE, "text/html")
            return
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/pkcs10":
            self._answer(415, b"Content-Type must be application/pkcs10", "text/plain")
            return
        try:
            der = base64.b64decode(body, validate=False)
            csr = x509.load_der_x509_csr(der)
        except (binascii.Error, ValueError):
            self._answer(400, b"the body is not base64 of a DER PKCS#10 request", "text/plain")
            return
        if operation == "simplereenroll" and csr.subject != client.subject:
            self._answer(
                400, b"re-enrollment must keep the subject of the current certificate", "text/plain"
            )
            return
        if owner.policy == "pending" and owner.pending.get(der) != "approved":
            owner.pending[der] = "pending"
            self._answer(202, b"", "text/plain", [("Retry-After", str(owner.retry_after))])
            return
        key = pki.make_key().public_key() if owner.policy == "other_key" else csr.public_key()
        cert = owner.ca.issuing.issue(key, csr.subject)
        self._answer(
            200, _b64(pki.p7b(cert)), PKCS7_CERTS, [("Content-Transfer-Encoding", "base64")]
        )

    def _basic_ok(self) -> bool:
        owner = self.owner
        if owner.policy == "unauthorized":
            return False
        scheme, _, value = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        user, _, password = base64.b64decode(value).decode().partition(":")
        return user == owner.user and password == owner.password


# ---------------------------------------------------------------------------------------------
# A real MIT Kerberos KDC on loopback (Debian's krb5-kdc), with a temporary realm


@dataclass
class Kdc:
    folder: Path
    port: int
    env: dict[str, str]  # KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5_KTNAME, KRB5CCNAME
    process: object

    def kinit(self, principal: str, password: str) -> None:
        import subprocess

        subprocess.run(
            ["kinit", f"{principal}@{REALM}"], input=password + "\n", text=True, check=True,
            env={**os.environ, **self.env}, capture_output=True, timeout=30,
        )  # fmt: skip

    def add_principal(self, principal: str, password: str) -> None:
        import subprocess

        subprocess.run(
            ["kadmin.local", "-r", REALM, "-q", f"addprinc -pw {password} {principal}"],
            check=True, env={**os.environ, **self.env}, capture_output=True, timeout=30,
        )  # fmt: skip

    def stop(self) -> None:
        self.process.terminate()  # type: ignore[attr-defined]
        self.process.wait(10)  # type: ignore[attr-defined]


def start_kdc(folder: Path) -> Kdc:
    import shutil
    import socket
    import subprocess
    import time

    for tool in ("krb5kdc", "kdb5_util", "kadmin.local", "kinit"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            raise FileNotFoundError(tool)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "krb5.conf").write_text(
        f"[libdefaults]\n default_realm = {REALM}\n dns_lookup_kdc = false\n"
        " dns_lookup_realm = false\n dns_canonicalize_hostname = false\n rdns = false\n"
        " udp_preference_limit = 1\n\n"
        f"[realms]\n {REALM} = {{\n  kdc = 127.0.0.1:{port}\n }}\n\n"
        f"[domain_realm]\n localhost = {REALM}\n"
    )
    (folder / "kdc.conf").write_text(
        f"[kdcdefaults]\n kdc_ports = {port}\n kdc_tcp_ports = {port}\n\n"
        f"[realms]\n {REALM} = {{\n  database_name = {folder}/principal\n"
        f"  key_stash_file = {folder}/stash\n  acl_file = {folder}/kadm5.acl\n"
        "  supported_enctypes = aes256-cts-hmac-sha1-96:normal\n }\n\n"
        f"[logging]\n kdc = FILE:{folder}/kdc.log\n"
    )
    (folder / "kadm5.acl").write_text("")
    env = {
        "KRB5_CONFIG": str(folder / "krb5.conf"),
        "KRB5_KDC_PROFILE": str(folder / "kdc.conf"),
        "KRB5_KTNAME": f"FILE:{folder}/http.keytab",
        "KRB5CCNAME": f"FILE:{folder}/ccache",
    }
    full = {**os.environ, **env}
    run = {"check": True, "env": full, "capture_output": True, "timeout": 60}
    subprocess.run(["kdb5_util", "create", "-s", "-r", REALM, "-P", "master-Pw-1"], **run)
    subprocess.run(["kadmin.local", "-r", REALM, "-q", "addprinc -randkey HTTP/localhost"], **run)
    subprocess.run(
        ["kadmin.local", "-r", REALM, "-q", f"ktadd -k {folder}/http.keytab HTTP/localhost"], **run
    )
    process = subprocess.Popen(["krb5kdc", "-n", "-r", REALM], env=full,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(100):  # wait until it listens (start-up, not a timed assertion)
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return Kdc(folder, port, env, process)

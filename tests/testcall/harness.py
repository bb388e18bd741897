"""A real tenant stand-in for test calls: Debian's nginx on 127.0.0.1, plus the odd listeners.

Used by the fixtures in conftest.py and by bench/bench_test_call.py.

nginx plays SAP's load balancer and tenant at once:
- `ssl_client_certificate` holds **roots only** (nginx names them as acceptable CAs), and
  `ssl_verify_client optional_no_ca` lets a bad chain through the handshake, so a chain that does
  not verify arrives "without a certificate" (`$ssl_client_verify != SUCCESS`), as at SAP's LB;
- a `map` from the verified certificate's fingerprint to a user, and from user and path to a
  status (401 nothing forwarded or unmapped, 403 no role, 404 unknown path, 500/503 endpoints);
  `client_max_body_size` gives 413;
- an access log in SAP's format with the user field ('-', '<CN>@<issuer CN>' or the user) and
  `$ssl_client_verify` after it.
More listeners: the same without acceptable-CA names (`ssl_trusted_certificate`), one that asks
for no certificate, plain HTTP, a Python `ssl` server that requires a certificate (TLS alerts), a
silent socket, tinyproxy as CONNECT proxy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests import pki

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TINYPROXY = shutil.which("tinyproxy") or "/usr/bin/tinyproxy"
ROLE = "ESBMessaging.send"
NODE = "nginx1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    text = log.read_text(errors="replace") if log and log.exists() else ""
    raise RuntimeError(f"{what} did not start on port {port} (exit {proc.poll()}):\n{text}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


# --- the PKI ------------------------------------------------------------------------------------


@dataclass
class Client:
    """A sender's key, the certificates it sends, and what its profile knows of the chain."""

    name: str
    cert: x509.Certificate
    key: object
    sent: list[x509.Certificate]
    known: list[x509.Certificate]

    @property
    def cn(self) -> str:
        return self.cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value

    @property
    def sha1(self) -> str:
        return self.cert.fingerprint(hashes.SHA1()).hex()  # noqa: S303 (nginx's fingerprint)


@dataclass
class World:
    lb_root: pki.Authority
    lb_ca: pki.Authority
    server_cert: x509.Certificate
    server_key: object
    client_root: pki.Authority
    client_ca: pki.Authority
    other_root: pki.Authority
    other_ca: pki.Authority
    clients: dict[str, Client] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # client name -> mapped user
    roles: dict[str, set[str]] = field(default_factory=dict)  # user -> roles

    def __getitem__(self, name: str) -> Client:
        return self.clients[name]


def _client(name: str, ca: pki.Authority | None, key_kind: str = "ec-p256", **kw) -> Client:
    key = pki.make_key(key_kind)
    if ca is None:  # self-signed, as a user might make with openssl req -x509
        root = pki.root(name)
        return Client(name, root.cert, root.key, [root.cert], [root.cert])
    cert = ca.issue(key.public_key(), f"{name} sender", **kw)
    chain = [cert, *ca.chain]
    return Client(name, cert, key, chain[:-1], chain)


def make_world(key_kind: str = "ec-p256") -> World:
    """The load balancer's PKI, the senders' CAs and one sender per scenario."""
    lb_root = pki.root("Tenant LB Root")
    lb_ca = lb_root.intermediate("Tenant LB Issuing CA")
    server_cert, server_key = pki.server_leaf(lb_ca)
    client_root = pki.root("Sender Root CA")
    client_ca = client_root.intermediate("Sender Issuing CA")
    other_root = pki.root("Unlisted Root CA")
    other_ca = other_root.intermediate("Unlisted Issuing CA")
    w = World(lb_root, lb_ca, server_cert, server_key, client_root, client_ca, other_root, other_ca)
    for name in ("alice", "bob", "carol"):
        w.clients[name] = _client(name, client_ca, key_kind)
    alice = w.clients["alice"]
    # The CA reply came without the intermediate: the profile knows and sends the leaf only.
    w.clients["alice-leaf-only"] = Client(
        "alice-leaf-only", alice.cert, alice.key, [alice.cert], [alice.cert]
    )
    w.clients["dave"] = _client("dave", other_ca)  # complete chain, root the LB does not accept
    w.clients["erin"] = _client("erin", client_ca, eku="server")  # a TLS server certificate
    w.clients["gina"] = _client("gina", client_ca, eku=None)  # no Extended Key Usage at all
    w.clients["hank"] = _client(  # only anyExtendedKeyUsage
        "hank", client_ca, eku=[ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE]
    )
    past = pki.NOW - dt.timedelta(days=400)
    w.clients["frank"] = _client(
        "frank", client_ca, not_before=past, not_after=pki.NOW - dt.timedelta(days=10)
    )
    w.clients["selfie"] = _client("selfie", None)
    for client, user in (("alice", "ALICE"), ("bob", "BOB"), ("dave", "DAVE"), ("erin", "ERIN")):
        w.users[client] = user
    w.users["frank"] = "FRANK"
    w.users["selfie"] = "SELFIE"
    w.roles = {"ALICE": {ROLE}, "BOB": set(), "DAVE": {ROLE}, "ERIN": {ROLE}, "FRANK": {ROLE}}
    w.roles["SELFIE"] = {ROLE}
    return w


# --- nginx --------------------------------------------------------------------------------------

# Cloud Foundry's answer when a certificate is in no service key or in two (SAP KBA 3224701).
CF_401_BODY = (
    "<InvalidClientException><error>invalid_client</error><error_description>Either the client "
    "certificate is not configured exactly once in a service key of a Process Integration Runtime "
    "service instance or client-certificate authentication was not enabled for your tenant."
    "</error_description></InvalidClientException>"
)

# path -> (required role, status when allowed)
ENDPOINTS = {
    "/http/orders": (ROLE, 200),
    "/cxf/orders": (ROLE, 200),
    "/http/fails": (ROLE, 500),
    "/http/down": (ROLE, 503),
}


@dataclass
class Nginx:
    dir: Path
    port: int  # TLS, acceptable-CA names = the client roots
    nonames_port: int  # TLS, same trust but no acceptable-CA names sent
    norequest_port: int  # TLS, never asks for a client certificate
    plain_port: int  # plain HTTP
    cf_port: int  # as nonames_port, but a 401 carries Cloud Foundry's invalid_client body
    access_log: Path
    max_body: int = 1024

    def url(self, path: str = "/http/orders", *, port: int | None = None, host="127.0.0.1") -> str:
        return f"https://{host}:{port or self.port}{path}"


def _nginx_conf(w: World, d: Path, n: Nginx) -> str:
    mapped = [
        f'    "SUCCESS|{w[c].sha1}" "{user}";' for c, user in w.users.items() if c in w.clients
    ]
    statuses = ['    "~^-\\|" 401;', '    "~^[^|]*@[^|]*\\|" 401;']
    for user, roles in w.roles.items():
        for path, (role, ok) in ENDPOINTS.items():
            statuses.append(f'    "{user}|{path}" {ok if role in roles else 403};')
    ifs = "\n".join(
        f'      if ($cpi_status = {code}) {{ return {code} "{code} from the test tenant\\n"; }}'
        for code in (401, 403, 404, 500, 503)
    )
    cf_ifs = ifs.replace(
        'if ($cpi_status = 401) { return 401 "401 from the test tenant\\n"; }',
        f"if ($cpi_status = 401) {{ return 401 '{CF_401_BODY}'; }}",
    )
    tls = f"""
    ssl_certificate {d}/server-chain.pem;
    ssl_certificate_key {d}/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size {n.max_body};
    location / {{
{ifs}
      return 200 "hello $cpi_user\\n";
    }}"""
    return f"""
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 64; }}
http {{
  map_hash_bucket_size 256;
  client_body_temp_path {d}/tmp/body;
  proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fastcgi;
  uwsgi_temp_path {d}/tmp/uwsgi;
  scgi_temp_path {d}/tmp/scgi;
  default_type text/plain;
  map $ssl_client_s_dn $cpi_cn {{ default ""; "~(^|,)CN=(?<cn>[^,]+)" $cn; }}
  map $ssl_client_i_dn $cpi_issuer_cn {{ default ""; "~(^|,)CN=(?<cn>[^,]+)" $cn; }}
  map "$ssl_client_verify|$ssl_client_fingerprint" $cpi_user {{
    default "-";
{chr(10).join(mapped)}
    "~^SUCCESS\\|" "$cpi_cn@$cpi_issuer_cn";
  }}
  map "$cpi_user|$uri" $cpi_status {{
    default 404;
{chr(10).join(statuses)}
  }}
  log_format sap '$remote_addr ($remote_addr) - $cpi_user [$time_local] $request $status '
                 '$body_bytes_sent $request_length $host:$server_port - $ssl_client_verify';
  access_log {n.access_log} sap;
  server {{
    listen 127.0.0.1:{n.port} ssl;
    ssl_client_certificate {d}/client-roots.pem;
    ssl_verify_client optional_no_ca;
    ssl_verify_depth 5;
{tls}
  }}
  server {{
    listen 127.0.0.1:{n.nonames_port} ssl;
    ssl_trusted_certificate {d}/client-roots.pem;
    ssl_verify_client optional_no_ca;
    ssl_verify_depth 5;
{tls}
  }}
  server {{
    listen 127.0.0.1:{n.norequest_port} ssl;
{tls}
  }}
  server {{
    listen 127.0.0.1:{n.cf_port} ssl;
    ssl_trusted_certificate {d}/client-roots.pem;
    ssl_verify_client optional_no_ca;
    ssl_verify_depth 5;
{tls.replace(ifs, cf_ifs)}
  }}
  server {{
    listen 127.0.0.1:{n.plain_port};
    location / {{ return 200 "plain\\n"; }}
  }}
}}
"""


@contextlib.contextmanager
def run_nginx(world: World, d: Path) -> Iterator[Nginx]:
    """nginx in the foreground with everything (pid, logs, temp files) under `d`."""
    (d / "tmp").mkdir(exist_ok=True)
    (d / "server-chain.pem").write_bytes(pki.pem(world.server_cert, world.lb_ca.cert))
    (d / "server.key").write_bytes(pki.key_pem(world.server_key))
    (d / "client-roots.pem").write_bytes(world.client_root.pem())
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    n = Nginx(
        dir=d,
        port=free_port(),
        nonames_port=free_port(),
        norequest_port=free_port(),
        plain_port=free_port(),
        cf_port=free_port(),
        access_log=d / f"http_access_{NODE}_{stamp}.log",
    )
    conf = d / "nginx.conf"
    conf.write_text(_nginx_conf(world, d, n))
    proc = subprocess.Popen(
        [NGINX, "-p", str(d), "-e", str(d / "error.log"), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for port in (n.port, n.nonames_port, n.norequest_port, n.plain_port, n.cf_port):
            wait_for_port(port, proc, "nginx", d / "error.log")
        yield n
    finally:
        stop(proc)


# --- other listeners ----------------------------------------------------------------------------


@contextlib.contextmanager
def run_tinyproxy(allowed_port: int, d: Path) -> Iterator[str]:
    """An HTTP CONNECT proxy that tunnels only to `allowed_port`."""
    port = free_port()
    conf = d / "tinyproxy.conf"
    conf.write_text(
        f"Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 16\n"
        f'LogFile "{d}/tinyproxy.log"\nLogLevel Info\nPidFile "{d}/tinyproxy.pid"\n'
        f"Allow 127.0.0.1\nConnectPort {allowed_port}\n"
    )
    proc = subprocess.Popen(
        [TINYPROXY, "-d", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(port, proc, "tinyproxy", d / "tinyproxy.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@dataclass
class StrictServer:
    port: int
    handled: list[str]


def _serve_strict(
    listener: socket.socket, context: ssl.SSLContext, handled: list[str], done: threading.Event
) -> None:
    listener.settimeout(0.05)  # to notice `done`: close() does not wake a blocked accept()
    while not done.is_set():
        try:
            raw, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        with raw:
            raw.settimeout(5)
            try:
                with context.wrap_socket(raw, server_side=True) as tls:
                    tls.recv(65536)
                    tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
                    handled.append("ok")
            except (ssl.SSLError, OSError) as exc:
                handled.append(type(exc).__name__)


@contextlib.contextmanager
def strict_server(world: World, tmp: Path, *, tls12: bool = False) -> Iterator[StrictServer]:
    """Python's ssl with CERT_REQUIRED: a chain it cannot verify ends in a TLS alert."""
    (tmp / "server-chain.pem").write_bytes(pki.pem(world.server_cert, world.lb_ca.cert))
    (tmp / "server.key").write_bytes(pki.key_pem(world.server_key))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp / "server-chain.pem", tmp / "server.key")
    context.load_verify_locations(cadata=world.client_root.pem().decode())
    context.verify_mode = ssl.CERT_REQUIRED
    if tls12:
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    handled: list[str] = []
    done = threading.Event()
    thread = threading.Thread(
        target=_serve_strict, args=(listener, context, handled, done), daemon=True
    )
    thread.start()
    try:
        yield StrictServer(listener.getsockname()[1], handled)
    finally:
        done.set()
        thread.join(5)
        listener.close()

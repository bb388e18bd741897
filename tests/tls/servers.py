"""Real servers on 127.0.0.1 for the fetch-root tests: TLS (Python ssl and `openssl s_server`),
a silent listener, a plain-HTTP listener, an AIA web server and a small HTTP CONNECT proxy.

Nothing here is a mock: every server speaks its protocol over a real socket.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import select
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from tests import pki

# --- a server PKI -----------------------------------------------------------------------------


@dataclass
class ServerPki:
    """A root, `depth` intermediates below it and a TLS server leaf from the lowest one."""

    root: pki.Authority
    intermediates: list[pki.Authority]  # top (below the root) first
    leaf: x509.Certificate
    key: object

    @property
    def issuing(self) -> pki.Authority:
        return self.intermediates[-1] if self.intermediates else self.root

    def chain(self, *, with_root: bool = False, leaf_only: bool = False) -> list[x509.Certificate]:
        """What a server sends: leaf, intermediates (lowest first), and the root if asked."""
        if leaf_only:
            return [self.leaf]
        certs = [self.leaf, *(a.cert for a in reversed(self.intermediates))]
        return [*certs, self.root.cert] if with_root else certs


def server_pki(
    *,
    key_kind: str = "ec-p256",
    depth: int = 1,
    hostnames: tuple[str, ...] = ("localhost",),
    ips: tuple[str, ...] = ("127.0.0.1",),
    expired: bool = False,
    aia_url: str | None = None,
    label: str = "Probe",
) -> ServerPki:
    root = pki.root(f"{label} Root CA", key_kind=key_kind)
    intermediates: list[pki.Authority] = []
    parent = root
    for level in range(depth):
        parent = parent.intermediate(f"{label} Intermediate {level + 1}", key_kind=key_kind)
        intermediates.append(parent)
    extra: dict = {"key_kind": key_kind}
    if expired:
        extra["not_before"] = pki.NOW - dt.timedelta(days=400)
        extra["not_after"] = pki.NOW - dt.timedelta(days=35)
    if aia_url:
        extra["aia_url"] = aia_url
    leaf, key = pki.server_leaf(parent, hostnames=hostnames, ips=ips, **extra)
    return ServerPki(root=root, intermediates=intermediates, leaf=leaf, key=key)


def _free_listener() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


class _Threaded:
    """A listening socket and an accept loop on a daemon thread; `close()` stops both."""

    def __init__(self) -> None:
        self.listener = _free_listener()
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.listener], [], [], 0.05)
                if not ready:
                    continue
                conn, _ = self.listener.accept()
            except OSError:
                return
            self._connections.append(conn)
            threading.Thread(target=self._serve_safely, args=(conn,), daemon=True).start()

    def _serve_safely(self, conn: socket.socket) -> None:
        try:
            self.serve(conn)
        except (OSError, ssl.SSLError):
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def serve(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.listener.close()
        for conn in self._connections:
            with contextlib.suppress(OSError):
                conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- TLS servers ------------------------------------------------------------------------------


class PythonTlsServer(_Threaded):
    """Python's ssl module serving `chain` (sent as given) and answering one HTTP line."""

    def __init__(
        self,
        folder: Path,
        chain: list[x509.Certificate],
        key,
        *,
        request_client_cert: bool = False,
    ) -> None:
        cert_file, key_file = folder / "server-chain.pem", folder / "server-key.pem"
        cert_file.write_bytes(pki.pem(*chain))
        key_file.write_bytes(pki.key_pem(key))
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_file, key_file)
        if request_client_cert:
            self.context.verify_mode = ssl.CERT_OPTIONAL
            self.context.load_verify_locations(cadata=pki.pem(chain[-1]).decode())
        self.server_names: list[str | None] = []

        def remember(_sock, server_name, _context) -> None:
            self.server_names.append(server_name)

        self.context.sni_callback = remember
        super().__init__()

    def serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with self.context.wrap_socket(conn, server_side=True) as tls:
            with contextlib.suppress(OSError, ssl.SSLError):
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


class OpenSSLServer:
    """`openssl s_server` on 127.0.0.1 (a free port it picks), stopped on close."""

    def __init__(
        self,
        folder: Path,
        chain: list[x509.Certificate],
        key,
        *,
        extra: tuple[str, ...] = (),
        client_ca_names: list[x509.Certificate] | None = None,
        require_client_cert: bool = False,
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        leaf_file, chain_file = folder / "s_server-leaf.pem", folder / "s_server-chain.pem"
        key_file, log_file = folder / "s_server-key.pem", folder / "s_server.log"
        leaf_file.write_bytes(pki.pem(chain[0]))
        key_file.write_bytes(pki.key_pem(key))
        args = ["openssl", "s_server", "-accept", "127.0.0.1:0", "-www"]
        args += ["-cert", str(leaf_file), "-key", str(key_file)]
        if len(chain) > 1:
            chain_file.write_bytes(pki.pem(*chain[1:]))
            args += ["-cert_chain", str(chain_file)]
        if client_ca_names:
            names_file = folder / "s_server-client-cas.pem"
            names_file.write_bytes(pki.pem(*client_ca_names))
            # -CAfile with -verify: s_server sends these CAs' names in its CertificateRequest
            args += [
                "-Verify" if require_client_cert else "-verify",
                "1",
                "-CAfile",
                str(names_file),
            ]
        args += list(extra)
        self._log = log_file.open("wb")
        self.process = subprocess.Popen(
            args, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        self.port = self._wait_for_port(log_file)

    def _wait_for_port(self, log_file: Path) -> int:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for line in log_file.read_text(errors="replace").splitlines():
                if line.startswith("ACCEPT "):
                    return int(line.rsplit(":", 1)[1])
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        self.close()
        raise RuntimeError(f"openssl s_server did not start: {log_file.read_text()}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- listeners that are not TLS ---------------------------------------------------------------


class SilentListener(_Threaded):
    """Accepts connections and never says a word."""

    def serve(self, conn: socket.socket) -> None:
        self._stop.wait(30)


class PlainHttpListener(_Threaded):
    """A plain-HTTP port: answers whatever arrives with 400, as nginx does for a TLS hello."""

    def serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        conn.recv(65536)
        conn.sendall(
            b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n"
        )


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# --- an AIA web server ------------------------------------------------------------------------


class AiaServer:
    """Serves issuer certificates (DER) over plain http, like a CA's caIssuers address."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []
        files, requests = self.files, self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                body = files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/pkix-cert")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- an HTTP CONNECT proxy --------------------------------------------------------------------


@dataclass
class ProxyLog:
    requests: list[str] = field(default_factory=list)  # the CONNECT request lines
    authorizations: list[str | None] = field(default_factory=list)


class ConnectProxy(_Threaded):
    """A small HTTP proxy that tunnels CONNECT to loopback, or refuses with `refuse_with`."""

    def __init__(self, *, refuse_with: str | None = None, require_auth: str | None = None) -> None:
        self.refuse_with = refuse_with  # e.g. "403 Forbidden"
        self.require_auth = require_auth  # the Proxy-Authorization value it accepts
        self.log = ProxyLog()
        super().__init__()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        request, headers = (
            lines[0],
            dict(
                (k.strip().lower(), v.strip()) for k, _, v in (h.partition(":") for h in lines[1:])
            ),
        )
        self.log.requests.append(request)
        self.log.authorizations.append(headers.get("proxy-authorization"))
        method, authority, _version = request.split(" ", 2)
        if self.refuse_with:
            conn.sendall(f"HTTP/1.1 {self.refuse_with}\r\nContent-Length: 0\r\n\r\n".encode())
            return
        if self.require_auth and headers.get("proxy-authorization") != self.require_auth:
            conn.sendall(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                b'Proxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n'
            )
            return
        host, _, port = authority.rpartition(":")
        if method != "CONNECT" or host.strip("[]") not in ("localhost", "127.0.0.1"):
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
        except OSError:
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            return
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        with upstream:
            _pipe(conn, upstream, self._stop)


def _pipe(a: socket.socket, b: socket.socket, stop: threading.Event) -> None:
    peers = {a: b, b: a}
    while not stop.is_set():
        ready, _, _ = select.select(list(peers), [], [], 0.1)
        for sock in ready:
            data = sock.recv(65536)
            if not data:
                return
            peers[sock].sendall(data)

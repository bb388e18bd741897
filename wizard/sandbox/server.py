"""The sandbox's TLS front (the "load balancer") and the HTTP/1.1 server behind it, on 127.0.0.1.

Why pyOpenSSL and not Python's ssl: on 3.11, ssl cannot ask for a client certificate optionally
*and* accept any chain the client sends, nor hand over that chain (getpeercert() gives only a
leaf it already verified), nor set the acceptable-CA names of the CertificateRequest. The load
balancer needs all three: it accepts whatever arrives, judges the chain itself (clientchain.py),
and forwards or drops the certificate, like SAP's.

Threads: one accept thread, a bounded pool of connection workers (one per allowed connection, so
slow clients never make others wait); connections beyond the bound are closed at once. Every
socket wait has a deadline, each request (handshake, headers, body, answer) one overall deadline
that a client sending a byte now and then cannot stretch, and stop() wakes and joins every
thread.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import selectors
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from cryptography import x509
from OpenSSL import SSL

from wizard.core.errors import WizardError
from wizard.sandbox.accesslog import AccessLog, AccessRecord
from wizard.sandbox.clientchain import ChainCheck, check_client_chain
from wizard.sandbox.pki import SandboxPKI
from wizard.sandbox.state import StateFile, TenantState, sha256_hex
from wizard.sandbox.tenant import TenantAnswer, decide, echo_body, identify

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # loopback only, never all interfaces
IO_TIMEOUT = 15.0  # seconds a handshake, a read or a write may stall
REQUEST_DEADLINE = 30.0  # seconds for a whole request: handshake or headers, body, answer
MAX_CONNECTIONS = 128  # open at once; more are closed at once
WORKERS = MAX_CONNECTIONS  # a worker for each: 40 slow clients leave the others answered
DRAIN_LIMIT = 64 * 1024 * 1024  # larger bodies are not read: the connection is closed instead
LINGER = 2.0  # seconds to wait for the client to close after our last answer
_WAKE = 0.25  # how often a waiting worker looks whether the server is stopping


class _TLSStream(io.RawIOBase):
    """A pyOpenSSL connection on a non-blocking socket as a file, with deadlines."""

    def __init__(
        self, conn: SSL.Connection, sock: socket.socket, stopping: threading.Event
    ) -> None:
        super().__init__()
        self._conn, self._sock, self._stopping = conn, sock, stopping
        self.deadline = time.monotonic() + REQUEST_DEADLINE  # of the current request

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def _wait(self, deadline: float, event: int) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._sock, event)
            while True:
                if self._stopping.is_set():
                    raise ConnectionAbortedError("the sandbox is stopping")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the client was silent or slow for too long")
                if selector.select(min(remaining, _WAKE)):
                    return

    def _retry(self, operation: Callable[[], int | None]) -> int | None:
        deadline = min(time.monotonic() + IO_TIMEOUT, self.deadline)
        while True:
            try:
                return operation()
            except SSL.WantReadError:
                self._wait(deadline, selectors.EVENT_READ)
            except SSL.WantWriteError:
                self._wait(deadline, selectors.EVENT_WRITE)

    def handshake(self) -> None:
        self._retry(self._conn.do_handshake)

    def readinto(self, buffer) -> int:  # type: ignore[override]
        try:
            return self._retry(lambda: self._conn.recv_into(buffer)) or 0
        except SSL.ZeroReturnError:
            return 0
        except SSL.SysCallError as exc:
            if exc.args and exc.args[0] in (-1, 0):  # peer closed without close_notify
                return 0
            raise ConnectionResetError(str(exc)) from None
        except SSL.Error as exc:
            raise ConnectionError(f"TLS error: {exc}") from None

    def write(self, data) -> int:  # type: ignore[override]
        view = memoryview(data).cast("B")
        sent = 0
        try:
            while sent < len(view):
                rest = view[sent:]
                sent += self._retry(lambda rest=rest: self._conn.send(rest)) or 0
        except SSL.Error as exc:
            raise ConnectionError(f"TLS error: {exc}") from None
        return sent


class _Writer(io.BufferedIOBase):
    """What BaseHTTPRequestHandler writes to: straight through, nothing buffered."""

    def __init__(self, stream: _TLSStream) -> None:
        super().__init__()
        self._stream = stream

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        return self._stream.write(data)


class _Handler(BaseHTTPRequestHandler):
    """One TLS connection: HTTP/1.1 requests (Content-Length or chunked bodies), keep-alive."""

    protocol_version = "HTTP/1.1"
    server_version = "CPI-Sandbox"

    def __init__(self, stream: _TLSStream, address, front: TLSFront, check: ChainCheck) -> None:
        self._stream, self._front, self._check = stream, front, check
        super().__init__(stream, address, front)  # type: ignore[arg-type]

    def setup(self) -> None:
        self.connection = self.request
        self.rfile = io.BufferedReader(self._stream, 64 * 1024)
        self.wfile = _Writer(self._stream)

    def finish(self) -> None:
        for handle in (self.wfile, self.rfile):
            with contextlib.suppress(Exception):
                handle.close()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:
        log.debug("%s %s", self.client_address[0], format % args)

    def handle_one_request(self) -> None:
        # the next request (and the wait for it on a kept-alive connection) has its own deadline
        self._stream.deadline = time.monotonic() + self._front.request_deadline
        super().handle_one_request()

    def do_GET(self) -> None:
        self._call()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _call(self) -> None:
        started, when = time.monotonic(), dt.datetime.now(dt.UTC)
        state = self._front.tenant_state()
        path = urlsplit(self.path).path
        forwarded = self._check.forwarded
        try:
            received, announced = self._read_body()
        except ValueError as exc:  # body framing broken: answer and close
            log_user, user = identify(state, forwarded)
            answer = TenantAnswer(400, log_user, user, f"Bad Request: {exc}")
            self.close_connection = True
            received = 0
        else:
            answer = decide(
                state, path=path, forwarded=forwarded, body_length=max(received, announced)
            )
        if answer.status == 200:
            body = echo_body(
                method=self.command, path=path, user=answer.user, bytes_received=received
            )
            content_type = "application/json"
        else:
            body = f"{answer.status} {answer.reason}\n".encode()
            content_type = "text/plain; charset=utf-8"
        sent = 0 if self.command == "HEAD" else len(body)
        # Logged before answering, so whoever got the answer finds the line already there.
        self._log(
            AccessRecord(
                client_ip=self.client_address[0],
                user=answer.log_user,
                time=when,
                method=self.command,
                path=self.path,
                protocol=self.request_version,
                status=answer.status,
                response_bytes=sent,
                duration_ms=round((time.monotonic() - started) * 1000),
                host=f"{self._host_name()}:{self._front.port}",
            )
        )
        self.send_response(answer.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if sent:
            self.wfile.write(body)

    def _log(self, record: AccessRecord) -> None:
        try:
            self._front.access_log.write(record)
        except OSError as exc:  # a full disk must not cost the sender its answer
            log.warning("sandbox: cannot write the access log: %s", exc)

    def _read_body(self) -> tuple[int, int]:
        """(bytes read, bytes announced); the body is read and thrown away as it is counted."""
        encoding = self.headers.get("Transfer-Encoding", "").strip().lower()
        if encoding:
            if encoding != "chunked":
                raise ValueError(f"unsupported Transfer-Encoding {encoding!r}")
            return self._read_chunked(), 0
        value = self.headers.get("Content-Length", "0").strip() or "0"
        if not value.isdigit():
            raise ValueError("invalid Content-Length")
        announced = int(value)
        if announced > DRAIN_LIMIT:  # not worth reading: answer, then close
            self.close_connection = True
            return 0, announced
        return self._discard(announced), announced

    def _discard(self, length: int) -> int:
        received = 0
        while received < length:
            chunk = self.rfile.read(min(64 * 1024, length - received))
            if not chunk:
                self.close_connection = True
                break
            received += len(chunk)
        return received

    def _read_chunked(self) -> int:
        total = 0
        while True:
            line = self.rfile.readline(1026)
            if not line.endswith(b"\n"):
                raise ValueError("broken chunk header")
            size = int(line.split(b";", 1)[0].strip() or b"x", 16)
            if size == 0:
                break
            if total + size > DRAIN_LIMIT:
                self.close_connection = True
                return total + size
            if self._discard(size) < size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise ValueError("chunk shorter than announced")
            total += size
        for _ in range(100):  # trailer fields, up to the empty line
            if self.rfile.readline(8192) in (b"\r\n", b"\n", b""):
                break
        return total

    def _host_name(self) -> str:
        host = self.headers.get("Host", "")
        try:
            name = urlsplit(f"//{host}").hostname
        except ValueError:
            name = None
        return name or HOST


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: SO_REUSEADDR would share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:  # POSIX: restart on the same --port right after a stop
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen(MAX_CONNECTIONS)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class TLSFront:
    """The listening load balancer with the tenant behind it. Use via Sandbox.start()."""

    def __init__(
        self,
        *,
        pki: SandboxPKI,
        state_file: StateFile,
        access_log: AccessLog,
        port: int = 0,
    ) -> None:
        self.pki, self.state_file, self.access_log = pki, state_file, access_log
        self.request_deadline = REQUEST_DEADLINE
        self._stopping = threading.Event()
        self._stop_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._active: set[socket.socket] = set()
        self._active_lock = threading.Lock()
        self._context_lock = threading.Lock()
        self._context: tuple[tuple[str, ...], SSL.Context] | None = None
        self.tenant_state()  # fail early on a broken state file
        try:
            self._listener = _listen(port)
        except OSError as exc:
            raise WizardError(
                "sandbox.port",
                f"Cannot listen on {HOST}:{port}: {exc.strerror}. Choose another port "
                "(--port), or 0 for any free one.",
            ) from None
        self.address: tuple[str, int] = self._listener.getsockname()[:2]
        self.port: int = self.address[1]
        self._wake_reader, self._wake_writer = socket.socketpair()  # stop() wakes the accept loop
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="sandbox-conn")
        self._thread = threading.Thread(
            target=self._accept_loop, name=f"sandbox-accept-{self.port}", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"https://{HOST}:{self.port}"

    def tenant_state(self) -> TenantState:
        return self.state_file.read_or_keep()

    def client_roots(self, state: TenantState) -> list[x509.Certificate]:
        """The demo CA root plus the roots added with trust-root."""
        added = [x509.load_pem_x509_certificate(r.pem.encode("ascii")) for r in state.trusted_roots]
        return [self.pki.ca_root.cert, *added]

    def _ssl_context(self, roots: list[x509.Certificate]) -> SSL.Context:
        """One context per set of trusted roots (a context cannot change once used)."""
        key = tuple(sha256_hex(r) for r in roots)
        with self._context_lock:
            if self._context is not None and self._context[0] == key:
                return self._context[1]
            ctx = SSL.Context(SSL.TLS_SERVER_METHOD)
            ctx.set_min_proto_version(SSL.TLS1_2_VERSION)
            ctx.use_certificate(self.pki.lb_server.cert)
            ctx.use_privatekey(self.pki.lb_server.key)
            ctx.add_extra_chain_cert(self.pki.lb_intermediate.cert)  # never the root
            ctx.check_privatekey()
            # Ask for a client certificate, accept whatever arrives: the chain is judged after
            # the handshake, and a bad one is dropped, not refused (what SAP's LB does).
            ctx.set_verify(SSL.VERIFY_PEER, lambda *_: True)
            for root in roots:  # the acceptable-CA names: the trusted roots' subjects
                ctx.add_client_ca(root)
            ctx.set_session_cache_mode(SSL.SESS_CACHE_OFF)
            ctx.set_options(SSL.OP_NO_TICKET)
            self._context = (key, ctx)
            return ctx

    def _accept_loop(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self._wake_reader:
                        return
                    try:
                        sock, address = self._listener.accept()
                    except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                        continue
                    except OSError as exc:  # e.g. out of file descriptors: keep listening
                        log.warning("sandbox: cannot accept a connection: %s", exc)
                        time.sleep(_WAKE)
                        continue
                    self.accept(sock, address)

    def accept(self, sock: socket.socket, address) -> None:
        if self._stopping.is_set() or not self._slots.acquire(blocking=False):
            log.warning("sandbox: too many connections; closing one from %s", address[0])
            _close(sock)
            return
        with self._active_lock:
            self._active.add(sock)
        try:
            self._pool.submit(self._serve, sock, address)
        except RuntimeError:  # the pool is shut down: we are stopping
            self._forget(sock)

    def _forget(self, sock: socket.socket) -> None:
        with self._active_lock:
            self._active.discard(sock)
        _close(sock)
        self._slots.release()

    def _serve(self, sock: socket.socket, address) -> None:
        conn = None
        try:
            sock.setblocking(False)
            # Headers and body leave as two TLS records; without NODELAY, Nagle holds the second
            # until the client's delayed ACK (~40 ms a call).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            state = self.tenant_state()
            roots = self.client_roots(state)
            conn = SSL.Connection(self._ssl_context(roots), sock)
            conn.set_accept_state()
            stream = _TLSStream(conn, sock, self._stopping)
            stream.deadline = time.monotonic() + self.request_deadline
            stream.handshake()
            leaf = conn.get_peer_certificate(as_cryptography=True)
            presented = conn.get_peer_cert_chain(as_cryptography=True) or []
            check = check_client_chain(leaf, presented, roots)
            log.debug("sandbox: %s: %s", address[0], check.reason)
            _Handler(stream, address, self, check)
            self._linger(conn, sock)
        except (TimeoutError, ConnectionError, SSL.Error, OSError) as exc:
            log.debug("sandbox: connection from %s ended: %s", address[0], exc)
        except Exception:  # a bug: keep serving others, keep the evidence
            log.exception("sandbox: unexpected error with a connection from %s", address[0])
        finally:
            self._forget(sock)

    def _linger(self, conn: SSL.Connection, sock: socket.socket) -> None:
        """Close gently: close_notify, then read what the client still sends until it closes.

        Closing a socket with unread input makes the kernel send a reset, which can destroy
        the answer before the client reads it (e.g. a 413 to a body that was not read).
        """
        with contextlib.suppress(SSL.Error, OSError):
            conn.shutdown()  # best effort on a non-blocking socket
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + LINGER
        with selectors.DefaultSelector() as selector:
            selector.register(sock, selectors.EVENT_READ)
            while not self._stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                if not selector.select(min(remaining, _WAKE)):
                    continue
                try:
                    data = sock.recv(64 * 1024)
                except BlockingIOError:
                    continue
                except OSError:
                    return
                if not data:
                    return

    def stop(self) -> None:
        """Stop accepting, wake every worker, join all threads. Idempotent."""
        with self._stop_lock:
            if self._stopping.is_set():
                return
            self._stopping.set()
            with contextlib.suppress(OSError):
                self._wake_writer.send(b"x")
            self._thread.join()
            for sock in (self._listener, self._wake_reader, self._wake_writer):
                _close(sock)
            with self._active_lock:
                for sock in list(self._active):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
            self._pool.shutdown(wait=True, cancel_futures=False)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()

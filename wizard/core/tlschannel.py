"""TLS over memory BIOs on a socket we drive ourselves, under one deadline.

The one TLS transport of fetch-root (tlsprobe.py) and the test call (testcall.py): pyOpenSSL does
the protocol, we move the bytes, so every wait is bounded by the caller's deadline, the server's
first bytes are kept to recognise an answer that is not TLS, and the handshake states show
whether the server asked for a client certificate and whether we sent one.
"""

from __future__ import annotations

import select
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from OpenSSL import SSL

READ = 65536
_WROTE_CERTIFICATE = b"SSLv3/TLS write client certificate"
_READ_CERT_REQUEST = b"SSLv3/TLS read server certificate request"


class Hangup:
    """Ends a job's connections at once from another thread (the window's Cancel).

    A job runs `with hangup.active():`; every socket the transport opens meanwhile is `watch`ed,
    and `hang_up()` shuts them down, which wakes a connect, recv or select waiting on them: the
    job fails at once instead of waiting out its network timeout. Thread-safe.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._hung_up = False

    @property
    def hung_up(self) -> bool:
        with self._lock:
            return self._hung_up

    def hang_up(self) -> None:
        with self._lock:
            self._hung_up = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if not self._hung_up:
                self._sockets.add(sock)
                return
        sock.close()  # hung up before it was opened: any use of it fails at once

    @contextmanager
    def active(self) -> Iterator[Hangup]:
        """Make this the hangup of the sockets this thread opens until the block ends."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)


_current: ContextVar[Hangup | None] = ContextVar("tlschannel_hangup", default=None)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed already, or never connected


def watch(sock: socket.socket) -> socket.socket:
    """Put `sock` under the current thread's Hangup (if any); returns `sock`."""
    hangup = _current.get()
    if hangup is not None:
        hangup.watch(sock)
    return sock


class NotTls(Exception):
    """The server's first bytes are not a TLS record (plain HTTP, SSH, a banner…)."""

    def __init__(self, first: bytes) -> None:
        super().__init__("not TLS")
        self.first = first


class TlsChannel:
    """One client connection: `handshake`, `sendall`, `settle`, `recv_into`, `close`.

    Raises TimeoutError when the deadline passes, EOFError when the server closes, NotTls when
    its first record is not TLS, OSError for the socket and SSL.Error for the protocol.
    """

    def __init__(
        self,
        sock: socket.socket,
        conn: SSL.Connection,
        deadline: float,
        where: str = "",
        *,
        keep_first: int = 16,
    ) -> None:
        self.sock = watch(sock)
        self.conn = conn
        self.deadline = deadline
        self.where = where
        self.keep_first = keep_first
        self.first = bytearray()  # the server's first bytes, to recognise a non-TLS answer
        self.states: set[bytes] = set()
        self.answered = False  # any application data received
        self.pending = b""  # application data read early by settle()
        conn.set_info_callback(lambda c, _w, _r: self.states.add(c.get_state_string()))

    @property
    def sent_certificate(self) -> bool:
        return _WROTE_CERTIFICATE in self.states

    @property
    def certificate_requested(self) -> bool:
        return _READ_CERT_REQUEST in self.states

    def _remaining(self) -> float:
        hangup = _current.get()
        if hangup is not None and hangup.hung_up:
            raise EOFError  # cancelled: as if the server had closed
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def flush(self) -> None:
        """Send what OpenSSL has written (records, alerts) to the server."""
        while True:
            try:
                data = self.conn.bio_read(READ)
            except SSL.WantReadError:
                return
            if not data:
                return
            self.sock.settimeout(self._remaining())
            self.sock.sendall(data)

    def pull(self) -> None:
        """Move one read's worth of bytes from the socket into OpenSSL; EOFError on close."""
        self.sock.settimeout(self._remaining())
        data = self.sock.recv(READ)
        if not data:
            raise EOFError
        if len(self.first) < self.keep_first:
            self.first += data[: self.keep_first - len(self.first)]
        self.conn.bio_write(data)

    def handshake(self) -> None:
        while True:
            try:
                self.conn.do_handshake()
                self.flush()
                return
            except SSL.WantReadError:
                self.flush()
                self.pull()
                # a TLS server answers with a handshake (22) or an alert (21) record
                if self.first and self.first[0] not in (21, 22):
                    raise NotTls(bytes(self.first)) from None

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                sent = self.conn.send(view[:16384])
            except SSL.WantReadError:
                self.flush()
                self.pull()
                continue
            view = view[sent:]
            self.flush()

    def settle(self, window: float) -> None:
        """Give the server `window` seconds to answer our Finished before we send the request.

        In TLS 1.3 the client's handshake ends before the server has looked at our certificate;
        a server that refuses it sends an alert and closes. Were the request sent at once, it
        would meet the closed socket, the reset would discard the alert, and we could only say
        "closed". A server that accepts sends its session tickets right away, so this costs
        one round trip, and at most `window` when a server sends nothing.
        """
        end = min(self.deadline, time.monotonic() + window)
        while (left := end - time.monotonic()) > 0:
            readable, _, _ = select.select([self.sock], [], [], left)
            if not readable:
                return
            self.pull()
            try:
                self.pending += self.conn.recv(READ)
                return
            except SSL.WantReadError:
                return  # post-handshake messages (session tickets): the certificate passed
            except SSL.ZeroReturnError:
                raise EOFError from None

    def recv_into(self, buffer) -> int:
        if self.pending:
            size = min(len(buffer), len(self.pending))
            buffer[:size] = self.pending[:size]
            self.pending = self.pending[size:]
            self.answered = True
            return size
        while True:
            try:
                data = self.conn.recv(len(buffer))
            except SSL.WantReadError:
                self.flush()
                try:
                    self.pull()
                except EOFError:
                    return 0
                continue
            except SSL.ZeroReturnError:
                return 0
            self.answered = True
            buffer[: len(data)] = data
            return len(data)

    def shutdown(self) -> None:
        """Send close_notify, if the connection still takes it."""
        try:
            self.conn.shutdown()
            self.flush()
        except (SSL.Error, OSError, TimeoutError):
            pass

    def close(self) -> None:
        self.shutdown()
        self.sock.close()


def ssl_reasons(exc: SSL.Error) -> str:
    """OpenSSL's reasons of an error, '; '-joined ('tlsv13 alert certificate required')."""
    args = exc.args[0] if exc.args else None
    if isinstance(args, list):
        parts = [str(entry[2]) for entry in args if isinstance(entry, tuple) and len(entry) > 2]
        parts = [p for p in parts if p]
        if parts:
            return "; ".join(parts)
    return str(exc) or type(exc).__name__

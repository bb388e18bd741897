"""The sandbox under slow clients: a whole-request deadline that a byte now and then cannot
stretch, and 40 drip-feeding clients do not stop it answering others (issue 17, item 16)."""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading

from wizard.sandbox import RunningSandbox


def _tls(running: RunningSandbox) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=str(running.lb_root_pem_path))
    sock = socket.create_connection((running.host, running.port), timeout=30)
    return context.wrap_socket(sock, server_hostname="localhost")


def _closed_by_server(conn: ssl.SSLSocket) -> bool:
    if not select.select([conn], [], [], 0)[0]:
        return False
    conn.setblocking(False)  # readable may be a TLS session ticket, not an answer or a close
    try:
        return conn.recv(1024) == b""
    except ssl.SSLWantReadError:
        return False
    except (OSError, ssl.SSLError):
        return True
    finally:
        conn.settimeout(30)


def drip(running: RunningSandbox, *, every: float, at_most: int, stop: threading.Event) -> int:
    """Send a request line one byte (one TLS record) at a time; the bytes sent before the
    server closed the connection (or `at_most` when it never did)."""
    conn = _tls(running)
    try:
        for sent in range(at_most):
            if stop.wait(every):
                return sent
            if _closed_by_server(conn):
                return sent
            try:
                conn.send(b"G")
            except (OSError, ssl.SSLError):
                return sent
        return at_most
    finally:
        conn.close()


def test_a_client_dripping_one_byte_at_a_time_is_cut_off_at_the_request_deadline(running):
    running._front.request_deadline = 2.0  # the default is 30 s; the rule is the same
    sent = drip(running, every=0.25, at_most=80, stop=threading.Event())  # 80 bytes = 20 s
    assert sent < 80, "the server kept reading a request that never ends"


def test_forty_slow_clients_do_not_stop_the_sandbox_answering(running):
    stop = threading.Event()
    drippers = [
        threading.Thread(target=drip, args=(running,), kwargs={"every": 1.0, "at_most": 60,
                                                               "stop": stop})
        for _ in range(40)
    ]  # fmt: skip
    for thread in drippers:
        thread.start()
    try:
        context = ssl.create_default_context(cafile=str(running.lb_root_pem_path))
        conn = http.client.HTTPSConnection("localhost", running.port, context=context, timeout=20)
        conn.request("GET", "/http/nothing-here")
        status = conn.getresponse().status
        conn.close()
    finally:
        stop.set()
        for thread in drippers:
            thread.join()
    assert status in (401, 404)  # answered: without a certificate, or for an unknown path

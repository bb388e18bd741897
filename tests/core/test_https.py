"""The shared HTTPS client of the tenant API and sap-sign, against real HTTPS servers on 127.0.0.1.

The servers use a certificate from the test PKI; proxies are a real tinyproxy.
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests import pki
from wizard.core import https
from wizard.core.errors import WizardError

CALLER = https.Caller(
    area="demo",
    check="Check the demo URL.",
    tls_advice="Give its CA with --ca-file.",
    login_page_advice="It looks like a login page.",
)
NAMING_PROXIES = https.Caller(
    area="demo", check="Check the demo URL.", tls_advice="", name_proxy=True
)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    port: int
    seen: list[Seen] = field(default_factory=list)
    redirect_to: str = ""

    def url(self, path: str = "/") -> str:
        return f"https://127.0.0.1:{self.port}{path}"


@dataclass(frozen=True)
class Pki:
    ca_file: Path  # the root behind the servers' certificate
    other_ca_file: Path  # an unrelated root
    cert_file: Path
    key_file: Path


@pytest.fixture(scope="module")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("https-pki")
    root = pki.root("HTTPS Test Root")
    issuing = root.intermediate("HTTPS Test Issuing CA")
    cert, key = pki.server_leaf(issuing)
    files = Pki(
        ca_file=folder / "ca.pem",
        other_ca_file=folder / "other-ca.pem",
        cert_file=folder / "server.pem",
        key_file=folder / "server.key",
    )
    files.ca_file.write_bytes(root.pem())
    files.other_ca_file.write_bytes(pki.root("Unrelated Root").pem())
    files.cert_file.write_bytes(pki.pem(cert, issuing.cert))
    files.key_file.write_bytes(pki.key_pem(key))
    return files


class _Handler(BaseHTTPRequestHandler):
    server_state: Server

    def log_message(self, format, *args):  # keep pytest output clean
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        state = self.server_state
        state.seen.append(Seen(self.command, self.path, dict(self.headers.items()), body))
        json_type = {"Content-Type": "application/json"}
        if self.path == "/echo":
            echoed = {"headers": dict(self.headers.items()), "body": body.decode()}
            self._send(200, json.dumps(echoed).encode(), json_type)
        elif self.path == "/login":
            page = b"<html><form>Log on</form></html>"
            self._send(200, page, {"Content-Type": "text/html; charset=utf-8"})
        elif self.path == "/session":
            self._send(200, b"{}", {**json_type, "Set-Cookie": "JSESSIONID=s3ss10n; Path=/"})
        elif self.path == "/moved":
            self._send(302, b"", {"Location": state.redirect_to})
        else:
            self._send(404, b'{"error": "no such thing"}', json_type)

    do_GET = do_POST = _answer


@pytest.fixture
def serve(test_pki: Pki) -> Iterator[Callable[[], Server]]:
    """Start HTTPS servers on 127.0.0.1 (as many as a test asks for), stopped after the test."""
    running: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start() -> Server:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(test_pki.cert_file, test_pki.key_file)
        state = Server(port=0)
        handler = type("Handler", (_Handler,), {"server_state": state})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        state.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        running.append((server, thread))
        return state

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(autouse=True)
def direct_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback is reached directly unless a test sets a proxy itself."""
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session(test_pki: Pki, caller: https.Caller = CALLER, **kw) -> https.Session:
    return https.Session(caller, ca_files=[test_pki.ca_file], **kw)


# --- answers ------------------------------------------------------------------------------------


def test_a_post_reaches_the_server_with_its_body_and_basic_credentials(serve, test_pki):
    server = serve()
    auth = https.basic_auth("api-user", "pässwörd:with colon")
    answer = session(test_pki).call("POST", server.url("/echo"), {"Authorization": auth}, b"a=1")
    assert answer.status == 200
    echoed = answer.json("the echo", server.url("/echo"))
    assert echoed["body"] == "a=1"
    sent = echoed["headers"]["Authorization"]
    assert base64.b64decode(sent.removeprefix("Basic ")).decode() == "api-user:pässwörd:with colon"


def test_an_error_status_is_an_answer_for_the_caller_to_judge(serve, test_pki):
    server = serve()
    answer = session(test_pki).call("GET", server.url("/nothing-here"), {})
    assert answer.status == 404
    assert answer.json("the lookup", server.url("/nothing-here")) == {"error": "no such thing"}


def test_a_login_page_where_json_was_expected_is_named_with_the_callers_advice(serve, test_pki):
    server = serve()
    answer = session(test_pki).call("GET", server.url("/login"), {})
    with pytest.raises(WizardError) as err:
        answer.json("the token request", server.url("/login"))
    assert err.value.code == "demo.not_json"
    assert "the token request with text/html; charset=utf-8 that is not JSON" in err.value.message
    assert err.value.message.endswith("(HTTP 200). It looks like a login page.")


def test_a_redirect_is_reported_and_the_credentials_never_reach_the_other_host(serve, test_pki):
    server, elsewhere = serve(), serve()
    server.redirect_to = elsewhere.url("/echo")
    auth = {"Authorization": https.basic_auth("api-user", "api-secret")}
    answer = session(test_pki).call("GET", server.url("/moved"), auth)
    assert answer.status == 302
    assert answer.headers["Location"] == elsewhere.url("/echo")
    assert [s.path for s in server.seen] == ["/moved"]
    assert elsewhere.seen == []


def test_a_session_with_cookies_sends_the_session_cookie_back(serve, test_pki):
    server = serve()
    jar = session(test_pki, cookies=True)
    jar.call("GET", server.url("/session"), {})
    jar.call("GET", server.url("/echo"), {})
    assert server.seen[-1].headers.get("Cookie") == "JSESSIONID=s3ss10n"


def test_a_session_without_cookies_sends_none(serve, test_pki):
    server = serve()
    plain = session(test_pki)
    plain.call("GET", server.url("/session"), {})
    plain.call("GET", server.url("/echo"), {})
    assert "Cookie" not in server.seen[-1].headers


def test_an_http_url_is_refused_before_anything_is_sent(serve, test_pki):
    server = serve()
    with pytest.raises(WizardError) as err:
        session(test_pki).call("GET", f"http://127.0.0.1:{server.port}/echo", {})
    assert err.value.code == "demo.url"
    assert "is not an https URL" in err.value.message
    assert server.seen == []


# --- trust --------------------------------------------------------------------------------------


def test_a_server_outside_the_os_store_and_certifi_is_not_trusted(serve):
    server = serve()
    with pytest.raises(WizardError) as err:
        https.Session(CALLER).call("GET", server.url("/echo"), {})
    assert err.value.code == "demo.tls"
    assert f"The server certificate of 127.0.0.1:{server.port} is not trusted (" in (
        err.value.message
    )
    assert err.value.message.endswith("Give its CA with --ca-file.")
    assert server.seen == []


def test_every_ca_file_given_is_trusted_not_only_the_first(serve, test_pki):
    server = serve()
    both = https.Session(CALLER, ca_files=[test_pki.other_ca_file, test_pki.ca_file])
    assert both.call("GET", server.url("/echo"), {}).status == 200
    with pytest.raises(WizardError) as err:
        https.Session(CALLER, ca_files=[test_pki.other_ca_file]).call("GET", server.url("/"), {})
    assert err.value.code == "demo.tls"


def test_an_unreadable_ca_file_is_named_before_any_call(test_pki, tmp_path):
    broken = tmp_path / "not-a-certificate.pem"
    broken.write_text("hello\n")
    for files in ([tmp_path / "missing.pem"], [test_pki.ca_file, broken]):
        with pytest.raises(WizardError) as err:
            https.Session(CALLER, ca_files=files)
        assert err.value.code == "demo.ca_file"
        assert f"{files[-1]} cannot be used as CA file" in err.value.message


# --- no answer ----------------------------------------------------------------------------------


def test_a_refused_port_names_the_host_and_the_callers_advice(test_pki):
    port = free_port()
    with pytest.raises(WizardError) as err:
        session(test_pki).call("GET", f"https://127.0.0.1:{port}/", {})
    assert err.value.code == "demo.network"
    assert err.value.message == (
        f"Cannot reach 127.0.0.1:{port}: connection refused. Check the demo URL."
    )


def test_a_server_that_never_answers_gives_up_after_the_timeout(test_pki):
    with socket.socket() as silent:  # accepts the TCP connection, never says a word of TLS
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        with pytest.raises(WizardError) as err:
            session(test_pki, timeout=0.3).call("GET", f"https://127.0.0.1:{port}/", {})
    assert err.value.code == "demo.network"
    assert f"Cannot reach 127.0.0.1:{port}: no answer in time." in err.value.message


# --- proxies ------------------------------------------------------------------------------------


@pytest.mark.linux_only("starts tinyproxy, a Linux program")
def test_https_proxy_is_used_for_the_call(serve, test_pki, monkeypatch, tmp_path):
    from tests.testcall.harness import run_tinyproxy

    server = serve()
    with run_tinyproxy(server.port, tmp_path) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        answer = session(test_pki).call("GET", server.url("/echo"), {})
        log = (tmp_path / "tinyproxy.log").read_text(errors="replace")
    assert answer.status == 200
    assert f"CONNECT 127.0.0.1:{server.port} HTTP" in log


def test_no_proxy_sends_the_call_past_the_proxy(serve, test_pki, monkeypatch):
    server = serve()
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{free_port()}")  # nobody listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    answer = session(test_pki, NAMING_PROXIES).call("GET", server.url("/echo"), {})
    assert answer.status == 200
    assert len(server.seen) == 1


def test_a_dead_proxy_is_named_when_the_caller_names_proxies(serve, test_pki, monkeypatch):
    server = serve()
    proxy = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    with pytest.raises(WizardError) as err:
        session(test_pki, NAMING_PROXIES).call("GET", server.url("/echo"), {})
    assert err.value.code == "demo.proxy"
    assert f"through the proxy {proxy} (HTTPS_PROXY): connection refused" in err.value.message
    assert server.seen == []


def test_a_caller_that_does_not_name_proxies_reports_the_host_as_unreachable(
    serve, test_pki, monkeypatch
):
    server = serve()
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(WizardError) as err:
        session(test_pki).call("GET", server.url("/echo"), {})
    assert err.value.code == "demo.network"
    assert f"Cannot reach 127.0.0.1:{server.port}: connection refused" in err.value.message


@pytest.mark.linux_only("starts tinyproxy, a Linux program")
def test_a_proxy_that_refuses_the_host_says_so(serve, test_pki, monkeypatch, tmp_path):
    from tests.testcall.harness import run_tinyproxy

    server = serve()
    with run_tinyproxy(free_port(), tmp_path) as proxy:  # tunnels to another port only
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        with pytest.raises(WizardError) as err:
            session(test_pki, NAMING_PROXIES).call("GET", server.url("/echo"), {})
    assert err.value.code == "demo.proxy"
    assert f"The proxy {proxy} (HTTPS_PROXY) refused to connect to 127.0.0.1" in (err.value.message)
    assert server.seen == []

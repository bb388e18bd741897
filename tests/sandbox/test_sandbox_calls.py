"""A sender calls the sandbox over real TLS: every answer a tenant gives, and its access-log line."""

from __future__ import annotations

import datetime as dt
import http.client
import re
import ssl
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from tests import pki
from tests.sandbox.senders import (
    call,
    client_context,
    demo_ca_sender,
    last_log_line,
    log_lines,
    log_user,
    self_signed_sender,
    write_sender,
)
from wizard.sandbox import RunningSandbox, Sandbox

ROLE = "ESBMessaging.send"
LINE = re.compile(
    r"^127\.0\.0\.1 \(127\.0\.0\.1\) - (?P<user>.+?) "
    r"\[(?P<time>\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000)\] "
    r"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/1\.1 (?P<status>\d{3}) (?P<bytes>\d+) (?P<ms>\d+) "
    r"(?P<host>\S+):(?P<port>\d+) -$"
)


def _mapped_sender(sandbox: Sandbox, folder: Path, *, role: str | None = ROLE, **kw):
    sender = demo_ca_sender(sandbox, folder, **kw)
    sandbox.map_certificate(sender.leaf_pem, "ERP_SENDER")
    if role:
        sandbox.grant("ERP_SENDER", role)
    return sender


@pytest.mark.parametrize("tls", [ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2])
def test_mapped_sender_with_role_gets_200_and_the_log_names_the_user(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path, tls: ssl.TLSVersion
) -> None:
    sender = _mapped_sender(sandbox, tmp_path)

    reply = call(running, "/http/demo", sender, body=b"<order>1</order>", max_version=tls)

    assert reply.status == 200
    assert reply.body == (
        b'{"method": "POST", "path": "/http/demo", "user": "ERP_SENDER", "bytes_received": 16}\n'
    )
    line = last_log_line(sandbox)
    fields = LINE.match(line)
    assert fields, line
    assert fields["user"] == "ERP_SENDER"
    assert (fields["method"], fields["path"], fields["status"]) == ("POST", "/http/demo", "200")
    assert int(fields["bytes"]) == len(reply.body)
    assert fields["port"] == str(running.port)
    assert sandbox.access_log_path().name == (
        f"http_access_sandbox0_{dt.datetime.now(dt.UTC):%Y%m%d}.log"
    )


def test_chain_sent_without_its_intermediate_arrives_without_certificate(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path, send_intermediate=False)

    assert call(running, "/http/demo", sender).status == 401
    assert log_user(last_log_line(sandbox)) == "-"


def test_client_certificate_from_another_root_is_dropped(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    other_root = pki.root("Other Root CA")
    issuing = other_root.intermediate("Other Issuing CA")
    key = pki.make_key()
    leaf = issuing.issue(key.public_key(), "ERP sender")
    sender = write_sender(tmp_path, "other", key, [leaf, issuing.cert, other_root.cert])
    sandbox.map_certificate(pki.der(leaf), "ERP_SENDER")  # even mapped: it never arrives
    sandbox.grant("ERP_SENDER", ROLE)

    assert call(running, "/http/demo", sender).status == 401
    assert log_user(last_log_line(sandbox)) == "-"


def test_self_signed_client_certificate_is_dropped(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = self_signed_sender(tmp_path)
    sandbox.map_certificate(sender.leaf_pem, "SELF")
    sandbox.grant("SELF", ROLE)

    assert call(running, "/http/demo", sender).status == 401
    assert log_user(last_log_line(sandbox)) == "-"


def test_no_client_certificate_at_all_gets_401_and_dash(
    sandbox: Sandbox, running: RunningSandbox
) -> None:
    assert call(running, "/http/demo").status == 401
    assert log_user(last_log_line(sandbox)) == "-"


def test_valid_chain_nobody_mapped_gets_401_and_the_log_shows_cn_at_issuer_cn(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = demo_ca_sender(sandbox, tmp_path, "ERP sender")

    assert call(running, "/cxf/orders", sender).status == 401
    assert log_user(last_log_line(sandbox)) == "ERP sender@CPI Sandbox Demo Issuing CA"


def test_certificate_without_client_auth_is_not_forwarded(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path, client_auth=False)

    assert call(running, "/http/demo", sender).status == 401
    assert log_user(last_log_line(sandbox)) == "-"


def test_reissued_certificate_with_the_same_subject_needs_its_own_mapping(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    old = _mapped_sender(sandbox, tmp_path / "old")
    renewed = demo_ca_sender(sandbox, tmp_path / "new")  # same CN, new key and serial

    assert call(running, "/http/demo", old).status == 200
    assert call(running, "/http/demo", renewed).status == 401
    assert log_user(last_log_line(sandbox)) == "ERP sender@CPI Sandbox Demo Issuing CA"


def test_mapped_user_without_the_endpoint_role_gets_403(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path, role=None)
    sandbox.add_endpoint("/http/orders", role="Orders.send")
    sandbox.grant("ERP_SENDER", ROLE)

    assert call(running, "/http/orders", sender).status == 403
    assert log_user(last_log_line(sandbox)) == "ERP_SENDER"


def test_unknown_path_gets_404(sandbox: Sandbox, running: RunningSandbox, tmp_path: Path) -> None:
    sender = _mapped_sender(sandbox, tmp_path)

    assert call(running, "/http/typo", sender).status == 404
    assert call(running, "/cxf/demo", sender).status == 404  # /http vs /cxf matters
    assert call(running, "/somewhere/else", sender, method="GET").status == 404


def test_body_over_the_endpoint_maximum_gets_413_and_the_connection_stays_usable(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path)
    sandbox.add_endpoint("/http/small", max_bytes=10)
    conn = http.client.HTTPSConnection(
        running.host, running.port, context=client_context(running, sender), timeout=10
    )
    try:
        conn.request("POST", "/http/small", body=b"x" * 11)
        first = conn.getresponse()
        first.read()
        conn.request("POST", "/http/small", body=b"x" * 10)
        second = conn.getresponse()
        second.read()
    finally:
        conn.close()

    assert (first.status, second.status) == (413, 200)


def test_failing_flow_gets_500_and_unavailable_runtime_gets_503(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path)
    sandbox.add_endpoint("/http/fail", fail=True)
    sandbox.add_endpoint("/http/down", unavailable=True)

    assert call(running, "/http/fail", sender).status == 500
    assert call(running, "/http/down", sender).status == 503
    statuses = [LINE.match(line)["status"] for line in log_lines(sandbox)]
    assert statuses == ["500", "503"]


def test_role_granted_while_running_applies_to_the_next_call(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path, role=None)

    assert call(running, "/http/demo", sender).status == 403
    sandbox.grant("ERP_SENDER", ROLE)
    assert call(running, "/http/demo", sender).status == 200
    sandbox.revoke("ERP_SENDER", ROLE)
    assert call(running, "/http/demo", sender).status == 403


def test_change_made_by_another_process_applies_to_the_running_server(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path, role=None)
    assert call(running, "/http/demo", sender).status == 403

    Sandbox(sandbox.directory).grant("ERP_SENDER", ROLE)  # what the CLI does: another object

    assert call(running, "/http/demo", sender).status == 200


def test_cn_only_certificate_without_san_or_key_identifier_from_an_added_root_is_forwarded(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    corporate = pki.root("Corporate Root CA")
    issuing = corporate.intermediate("Corporate Issuing CA")
    key = pki.make_key()
    now = dt.datetime.now(dt.UTC)
    bare = (  # what an old internal CA issues: subject CN, clientAuth, nothing else
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "legacy")]))
        .issuer_name(issuing.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=90))
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
        .sign(issuing.key, hashes.SHA256())
    )
    sender = write_sender(tmp_path, "legacy", key, [bare, issuing.cert])

    assert call(running, "/http/demo", sender).status == 401
    assert log_user(last_log_line(sandbox)) == "-"  # root not trusted yet: dropped
    sandbox.trust_client_root(corporate.pem())
    assert call(running, "/http/demo", sender).status == 401
    assert log_user(last_log_line(sandbox)) == "legacy@Corporate Issuing CA"


def test_keep_alive_connection_serves_several_calls(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path)
    conn = http.client.HTTPSConnection(
        running.host, running.port, context=client_context(running, sender), timeout=10
    )
    statuses = []
    try:
        for path in ("/http/demo", "/http/nothing", "/http/demo"):
            conn.request("POST", path, body=b"{}")
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
    finally:
        conn.close()

    assert statuses == [200, 404, 200]


def test_curl_with_the_whole_chain_gets_200(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path)
    body = tmp_path / "order.xml"
    body.write_bytes(b"<order/>")

    result = subprocess.run(
        [
            "curl",
            "--silent",
            "--show-error",
            "--max-time",
            "20",
            "--cacert",
            str(running.lb_root_pem_path),
            "--cert",
            str(sender.chain_path),
            "--key",
            str(sender.key_path),
            "--data-binary",
            f"@{body}",
            "--write-out",
            "\n%{http_code}",
            f"https://localhost:{running.port}/http/demo",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "200"
    fields = LINE.match(last_log_line(sandbox))
    assert fields and fields["user"] == "ERP_SENDER" and fields["host"] == "localhost"


def test_chunked_body_is_read_counted_and_limited(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path)
    sandbox.add_endpoint("/http/small", max_bytes=10)
    conn = http.client.HTTPSConnection(
        running.host, running.port, context=client_context(running, sender), timeout=10
    )
    replies = []
    try:
        for path, parts in (
            ("/http/demo", [b"<order>", b"1</order>"]),
            ("/http/small", [b"x" * 11]),
        ):
            conn.request("POST", path, body=iter(parts), encode_chunked=True)
            response = conn.getresponse()
            replies.append((response.status, response.read()))
    finally:
        conn.close()

    assert replies[0] == (
        200,
        b'{"method": "POST", "path": "/http/demo", "user": "ERP_SENDER", "bytes_received": 16}\n',
    )
    assert replies[1][0] == 413


def test_huge_announced_body_gets_413_without_being_read(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path)
    conn = http.client.HTTPSConnection(
        running.host, running.port, context=client_context(running, sender), timeout=10
    )
    try:  # announce 1 GB, send a little: the tenant answers at once and closes
        conn.putrequest("POST", "/http/demo")
        conn.putheader("Content-Length", str(1024**3))
        conn.endheaders(b"x" * 1000)
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()

    assert response.status == 413
    assert response.getheader("Connection") == "close"


def test_many_senders_at_once_are_all_served_and_logged(
    sandbox: Sandbox, running: RunningSandbox, tmp_path: Path
) -> None:
    sender = _mapped_sender(sandbox, tmp_path)

    with ThreadPoolExecutor(max_workers=24) as pool:
        statuses = list(pool.map(lambda _: call(running, "/http/demo", sender).status, range(48)))

    assert statuses == [200] * 48
    assert len(log_lines(sandbox)) == 48
    assert all(LINE.match(line) for line in log_lines(sandbox))

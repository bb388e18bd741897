"""`cpi-cert-wizard sandbox …` walked through as a user would, offline, with --json."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7

from tests import pki
from tests.sandbox.senders import Target, call, make_csr, write_sender
from wizard.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]


def _csr_file(tmp_path: Path, cn: str = "ERP sender"):
    key = pki.make_key("rsa-2048")
    path = tmp_path / "request.csr"
    path.write_bytes(make_csr(key, cn))
    return key, path


def test_sign_map_grant_then_the_sandbox_answers_200(cli, home: Path, tmp_path: Path) -> None:
    key, csr = _csr_file(tmp_path)
    reply = tmp_path / "reply.p7b"

    signed = cli("sandbox", "sign", csr, "--out", reply, "--json")
    assert signed.code == 0, signed.err
    assert signed.json["format"] == "pkcs7-der"
    assert signed.json["extended_key_usage"] == ["clientAuth"]
    assert signed.json["chain"][0] == "CN=ERP sender,O=Test PKI,C=DE"
    assert signed.json["files"]["reply"] == str(reply.resolve())
    certs = pkcs7.load_der_pkcs7_certificates(reply.read_bytes())
    [leaf] = [c for c in certs if c.subject == pki.name("ERP sender")]
    leaf_file = tmp_path / "client.cer"
    leaf_file.write_bytes(pki.der(leaf))

    mapped = cli("sandbox", "map", "--cert", leaf_file, "--user", "ERP_SENDER", "--json")
    assert mapped.code == 0, mapped.err
    assert mapped.json["mapping"]["user"] == "ERP_SENDER"
    assert mapped.json["roles"] == []
    granted = cli("sandbox", "grant", "ERP_SENDER", "ESBMessaging.send", "--json")
    assert granted.json == {"ok": True, "user": "ERP_SENDER", "roles": ["ESBMessaging.send"]} | {
        "files": {}
    }

    sandbox = Sandbox(home / "sandbox")  # the default folder: <home>/sandbox
    intermediate = next(c for c in certs if c != leaf)
    sender = write_sender(tmp_path, "erp", key, [leaf, intermediate])
    with sandbox.start() as running:
        assert call(running, "/http/demo", sender).status == 200


def test_sign_as_pem_and_without_clientauth(cli, tmp_path: Path) -> None:
    _, csr = _csr_file(tmp_path, "tls only")
    out = tmp_path / "reply.pem"

    result = cli("sandbox", "sign", csr, "--out", out, "--eku", "server", "--with-root", "--json")

    assert result.code == 0, result.err
    assert result.json["format"] == "pem"
    assert result.json["extended_key_usage"] == ["serverAuth"]
    assert len(x509.load_pem_x509_certificates(out.read_bytes())) == 3
    text = cli("sandbox", "sign", csr, "--out", tmp_path / "again.p7b", "--eku", "server")
    assert "no clientAuth" in text.out


def test_endpoint_trust_root_and_status(cli, tmp_path: Path) -> None:
    root = pki.root("Corporate Root CA")
    root_file = tmp_path / "corp-root.cer"
    root_file.write_bytes(pki.der(root.cert))
    folder = tmp_path / "elsewhere"

    ep = cli("sandbox", "endpoint", "/http/orders", "--role", "Orders.send", "--max-bytes", "100")
    assert ep.code == 0 and "/http/orders" in ep.out
    fail = cli("sandbox", "--dir", folder, "endpoint", "/http/fail", "--fail", "--json")
    assert fail.json["endpoint"] == {
        "path": "/http/fail",
        "role": "ESBMessaging.send",
        "max_bytes": 40 * 1024 * 1024,
        "fail": True,
        "unavailable": False,
    }
    trusted = cli("sandbox", "trust-root", root_file, "--dir", folder, "--json")
    assert trusted.json["trusted_root"]["subject"] == "CN=Corporate Root CA,O=Test PKI,C=DE"

    status = cli("sandbox", "status", "--dir", folder, "--json").json

    assert [e["path"] for e in status["endpoints"]] == ["/http/demo", "/http/fail"]
    assert status["client_roots"][1] == "CN=Corporate Root CA,O=Test PKI,C=DE"
    assert status["client_roots"][0].startswith("CN=CPI Sandbox Demo Root CA")
    assert Path(status["files"]["lb_root"]).is_file()
    assert status["dir"] == str(folder)


def test_mistakes_are_reported_as_json_errors(cli, tmp_path: Path) -> None:
    missing = cli("sandbox", "map", "--cert", tmp_path / "nope.cer", "--user", "U", "--json")
    bad_path = cli("sandbox", "endpoint", "orders", "--json")
    not_root = tmp_path / "leaf.cer"
    not_root.write_bytes(pki.der(pki.root().issue(pki.make_key().public_key(), "leaf")))
    leaf_as_root = cli("sandbox", "trust-root", not_root, "--json")

    for result, code in (
        (missing, "file.not_found"),
        (bad_path, "sandbox.endpoint"),
        (leaf_as_root, "sandbox.not_root"),
    ):
        assert result.code == 2
        assert result.json["ok"] is False
        assert result.json["error"]["code"] == code


def _start_foreground(folder: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "wizard", "sandbox", "--dir", str(folder), "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def test_foreground_sandbox_prints_url_root_and_example_and_stops_on_ctrl_c(
    home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "sb"
    proc = _start_foreground(folder)
    try:
        first = proc.stdout.readline()
        lines = [first] + [proc.stdout.readline() for _ in range(4)]
        assert first.startswith("Sandbox tenant running at https://127.0.0.1:"), first
        url = first.split(" at ", 1)[1].split()[0]
        text = "".join(lines)
        assert str(folder / "pki" / "lb-root.pem") in text
        assert f"{url}/http/demo" in text
        target = Target("127.0.0.1", int(url.rsplit(":", 1)[1]), folder / "pki" / "lb-root.pem")
        assert call(target, "/http/demo").status == 401
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)

    assert proc.returncode == 130
    assert "Sandbox stopped" in err
    assert "Traceback" not in err


def test_foreground_sandbox_with_json_prints_one_object(home: Path, tmp_path: Path) -> None:
    proc = _start_foreground(tmp_path / "sb", "--json")
    try:
        ready = json.loads(proc.stdout.readline())
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)

    assert ready["ok"] is True
    assert ready["url"] == f"https://127.0.0.1:{ready['port']}"
    assert ready["example_endpoint"] == f"{ready['url']}/http/demo"
    assert Path(ready["files"]["lb_root"]).is_file()
    assert out == ""  # nothing after the one object

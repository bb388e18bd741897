"""`cpi-cert-wizard fetch-root` as a user runs it: table, verdict, files, --json, errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests import pki
from tests.tls.servers import closed_port, server_pki
from wizard.core.chain import fingerprint
from wizard.core.profiles import Artefact, ProfileStore


def test_fetch_root_prints_the_chain_table_and_verdict_and_saves_into_a_new_profile(
    cli, home: Path, serve, ca_file
) -> None:
    server = server_pki()
    running = serve(server)
    roots = ca_file(server.root.cert)

    result = cli(
        "fetch-root", f"localhost:{running.port}", "--profile", "ERP-PRD", "--ca-file", roots
    )

    assert result.code == 0, result.err
    out = result.out
    assert f"Chain of localhost:{running.port} (TLSv1.3):" in out
    assert out.count("(sent by server)") == 2
    assert f"(resolved from --ca-file {roots.resolve()})" in out
    for cert in (server.leaf, server.issuing.cert, server.root.cert):
        assert cert.subject.rfc4514_string() in out
        assert fingerprint(cert) in out
    assert f"valid until {server.leaf.not_valid_after_utc:%Y-%m-%d}" in out
    assert "Server chain: valid for localhost." in out
    assert "Client certificates: the server did not ask for one" in out
    assert "Next: import tenant-root.cer into the sender's trust store" in out
    store = ProfileStore(home)
    assert store.load("ERP-PRD").tenant_root_sha256 == fingerprint(server.root.cert)
    assert store.path("ERP-PRD", Artefact.TENANT_ROOT_CER).read_bytes() == pki.der(server.root.cert)


def test_json_lists_the_files_and_they_match_openssls_der(
    cli, home: Path, serve, ca_file, tmp_path: Path
) -> None:
    server = server_pki(key_kind="rsa-2048")
    running = serve(server, by="openssl")
    roots = ca_file(server.root.cert)
    out_dir = tmp_path / "for-basis-team"

    result = cli(
        "fetch-root",
        f"https://localhost:{running.port}/http/orders",
        "--profile",
        "s4",
        "--out",
        out_dir,
        "--ca-file",
        roots,
        "--json",
    )

    assert result.code == 0, result.err
    data = result.json
    assert data["ok"] is True
    assert data["root"]["sha256"] == fingerprint(server.root.cert)
    assert data["profile"] == "s4"
    assert data["sap"]["status"] == "not-listed"
    assert [c["origin"] for c in data["chain"]][:2] == ["sent by server", "sent by server"]
    files = {label: Path(path) for label, path in data["files"].items()}
    assert files["tenant_root_cer"] == (home / "profiles" / "s4" / "tenant-root.cer").resolve()
    assert files["out_tenant_root_cer"] == (out_dir / "tenant-root.cer").resolve()
    openssl_der = subprocess.run(
        ["openssl", "x509", "-in", str(roots), "-outform", "DER"], check=True, capture_output=True
    ).stdout
    assert files["tenant_root_cer"].read_bytes() == openssl_der
    assert files["out_tenant_root_cer"].read_bytes() == openssl_der
    for label in (
        "tenant_root_pem",
        "tenant_chain_pem",
        "out_tenant_root_pem",
        "out_tenant_chain_pem",
    ):
        assert files[label].is_file()


def test_without_profile_or_out_the_root_is_shown_but_not_saved(
    cli, home: Path, serve, ca_file
) -> None:
    server = server_pki()
    running = serve(server)

    result = cli("fetch-root", f"localhost:{running.port}", "--ca-file", ca_file(server.root.cert))

    assert result.code == 0
    assert "Not saved: add --profile NAME and/or --out DIR" in result.out
    assert not (home / "profiles").exists()


def test_an_incomplete_chain_exits_3_and_writes_nothing(
    cli, home: Path, serve, tmp_path: Path
) -> None:
    running = serve(server_pki())
    out_dir = tmp_path / "out"

    result = cli(
        "fetch-root", f"localhost:{running.port}", "--profile", "p", "--out", out_dir, "--json"
    )

    assert result.code == 3
    assert result.json["ok"] is False
    assert result.json["root"] is None
    assert result.json["files"] == {}
    assert any(line.startswith("Root: not found") for line in result.json["verdict"])
    assert not (home / "profiles").exists()
    assert not out_dir.exists()


@pytest.mark.parametrize("kind", ["refused", "silent", "plain-http"])
def test_a_failed_connection_is_a_clear_error_naming_host_and_port_and_writes_nothing(
    cli, home: Path, tmp_path: Path, silent_listener, plain_http, kind: str
) -> None:
    port = {
        "refused": closed_port(),
        "silent": silent_listener.port,
        "plain-http": plain_http.port,
    }[kind]
    out_dir = tmp_path / "out"

    result = cli(
        "fetch-root",
        f"127.0.0.1:{port}",
        "--profile",
        "p",
        "--out",
        out_dir,
        "--timeout",
        "0.5",
        "--json",
    )

    assert result.code == 2
    error = result.json["error"]
    assert (
        error["code"]
        == {
            "refused": "tls.refused",
            "silent": "tls.timeout",
            "plain-http": "tls.not_tls",
        }[kind]
    )
    assert f"127.0.0.1:{port}" in error["message"]
    assert "Traceback" not in result.err
    assert not (home / "profiles").exists()
    assert not out_dir.exists()


def test_a_bad_profile_name_is_refused_before_going_on_the_network(cli, home: Path) -> None:
    result = cli("fetch-root", f"127.0.0.1:{closed_port()}", "--profile", "no/slashes", "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "profile.name"


def test_the_chain_is_fetched_through_the_proxy_given_or_from_https_proxy(
    cli, home: Path, serve, ca_file, connect_proxy, monkeypatch
) -> None:
    server = server_pki()
    running = serve(server)
    roots = ca_file(server.root.cert)
    proxy = connect_proxy()

    given = cli(
        "fetch-root",
        f"localhost:{running.port}",
        "--ca-file",
        roots,
        "--proxy",
        proxy.url,
        "--json",
    )
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    from_env = cli("fetch-root", f"localhost:{running.port}", "--ca-file", roots)

    assert given.code == 0 and from_env.code == 0, (given.err, from_env.err)
    assert given.json["tls"]["proxy"] == proxy.url
    assert f"through the proxy {proxy.url}" in from_env.out
    assert proxy.log.requests == [f"CONNECT localhost:{running.port} HTTP/1.1"] * 2


def test_a_refusing_proxy_is_reported_as_such(cli, home: Path, serve, connect_proxy) -> None:
    running = serve(server_pki())
    proxy = connect_proxy(refuse_with="403 Forbidden")

    result = cli("fetch-root", f"localhost:{running.port}", "--proxy", proxy.url, "--json")

    assert result.code == 2
    assert result.json["error"]["code"] == "proxy.refused"
    assert "403 Forbidden" in result.json["error"]["message"]


def test_no_proxy_lets_a_local_host_bypass_the_environment_proxy(
    cli, home: Path, serve, ca_file, connect_proxy, monkeypatch
) -> None:
    server = server_pki()
    running = serve(server)
    refusing = connect_proxy(refuse_with="403 Forbidden")
    monkeypatch.setenv("HTTPS_PROXY", refusing.url)
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")

    result = cli("fetch-root", f"localhost:{running.port}", "--ca-file", ca_file(server.root.cert))

    assert result.code == 0, result.err
    assert refusing.log.requests == []


def test_a_non_positive_timeout_is_refused(cli, home: Path) -> None:
    result = cli("fetch-root", "localhost", "--timeout", "0", "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "target.timeout"

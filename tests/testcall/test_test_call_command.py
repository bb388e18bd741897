"""`cpi-cert-wizard test-call` as a user runs it, against nginx on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.testcall.harness import Nginx, World
from wizard.core.profiles import Artefact, ProfileStore, State
from wizard.core.secrets import SecretKind, Secrets

pytestmark = pytest.mark.nginx


@pytest.fixture
def ready(make_profile, nginx: Nginx, world: World):
    """A profile for the mapped sender 'alice', its URL the tenant's /http/orders."""
    return make_profile("erp", world["alice"], url=nginx.url("/http/orders"))


def test_successful_call_prints_the_verdict_and_marks_the_profile_tested(cli, ready, home):
    result = cli("test-call", "--profile", "erp")
    assert result.code == 0, result.err
    assert "OK: The call went through" in result.out
    assert "HTTP 200" in result.out
    assert "curl --cert" in result.out
    profile = ProfileStore(home).load("erp")
    assert profile.state is State.TESTED
    assert profile.last_test_verdict == "OK"
    assert profile.last_test_url == ready.tenant_url
    assert profile.last_test_at


def test_negative_verdict_exits_3_and_is_recorded_without_advancing_the_state(
    cli, make_profile, nginx, world, home
):
    make_profile("unmapped", world["carol"], url=nginx.url(), environment="neo")
    result = cli("test-call", "--profile", "unmapped")
    assert result.code == 3
    assert "NOT_MAPPED" in result.out
    assert "Certificate-to-User Mapping" in result.out
    profile = ProfileStore(home).load("unmapped")
    assert profile.last_test_verdict == "NOT_MAPPED"
    assert profile.state is State.MAPPED


def test_json_answer_has_verdict_evidence_next_step_and_no_secret(cli, ready):
    passphrase = Secrets().lookup("erp", SecretKind.KEY_PASSPHRASE)
    result = cli("test-call", "--profile", "erp", "--url", ready.tenant_url + "x", "--json")
    assert result.code == 3
    data = result.json
    assert data["ok"] is False
    assert data["verdict"] == "NO_ENDPOINT"
    assert data["status"] == 404
    assert data["next_step"]
    assert any("HTTP 404" in line for line in data["evidence"])
    assert [c["name"] for c in data["prechecks"]][:3] == [
        "chain complete",
        "valid now",
        "clientAuth",
    ]
    assert data["client_ca_names"] == ["CN=Sender Root CA,O=Test PKI,C=DE"]
    assert passphrase and passphrase not in result.out
    assert "PRIVATE KEY" not in result.out


def test_curl_line_reproduces_the_call_with_real_curl(cli, ready, home):
    data = cli("test-call", "--profile", "erp", "--json").json
    passphrase = Secrets().lookup("erp", SecretKind.KEY_PASSPHRASE)
    command = data["curl"]
    fetch = '"$(cpi-cert-wizard secret show key --profile erp)"'
    assert fetch in command
    assert passphrase not in command
    assert str(ProfileStore(home).path("erp", Artefact.CLIENT_CHAIN_PEM)) in command
    runnable = command.replace(fetch, '"$KEY_PASSPHRASE"')
    out = subprocess.run(
        ["bash", "-c", runnable + " -s -o /dev/null -w '%{http_code}'"],
        env={**os.environ, "KEY_PASSPHRASE": passphrase},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.stdout == "200", out.stderr


def test_post_with_a_body_from_a_file_and_extra_headers(cli, ready, nginx, tmp_path):
    body = tmp_path / "order.xml"
    body.write_text("<order id='1'/>")
    result = cli(
        "test-call", "--profile", "erp", "--data", f"@{body}", "--header", "SOAPAction: x", "--json"
    )
    assert result.code == 0, result.out
    data = result.json
    assert data["method"] == "POST"
    assert f"--data-binary @{body}" in data["curl"]
    assert "-H 'SOAPAction: x'" in data["curl"]
    assert "-H 'Content-Type: application/xml'" in data["curl"]
    assert "POST /http/orders" in nginx.access_log.read_text()


def test_message_too_large_for_the_channel(cli, ready, nginx):
    result = cli("test-call", "--profile", "erp", "--data", "x" * (nginx.max_body + 1))
    assert result.code == 3
    assert "TOO_LARGE" in result.out


def test_header_without_a_colon_is_wrong_input(cli, ready):
    result = cli("test-call", "--profile", "erp", "--header", "SOAPAction x")
    assert result.code == 2
    assert "Name: value" in result.err


def test_plain_http_url_is_wrong_input(cli, ready, nginx):
    url = f"http://127.0.0.1:{nginx.plain_port}/http/orders"
    result = cli("test-call", "--profile", "erp", "--url", url)
    assert result.code == 2
    assert "https://" in result.err


def test_profile_without_a_certificate_says_what_to_do_first(cli, home):
    ProfileStore(home).create("fresh")
    result = cli("test-call", "--profile", "fresh", "--url", "https://127.0.0.1:1/http/x")
    assert result.code == 2
    assert "csr" in result.err or "import" in result.err


def test_trust_root_without_a_saved_root_says_run_fetch_root(cli, ready, home):
    ProfileStore(home).path("erp", Artefact.TENANT_ROOT_PEM).unlink()
    result = cli("test-call", "--profile", "erp", "--trust", "root")
    assert result.code == 2
    assert "fetch-root" in result.err


def test_without_a_saved_root_the_system_store_is_used_and_says_so(cli, ready, home):
    ProfileStore(home).path("erp", Artefact.TENANT_ROOT_PEM).unlink()
    data = cli("test-call", "--profile", "erp", "--json").json
    assert data["verdict"] == "SERVER_UNTRUSTED"
    assert data["server_trust"] == "the system trust store"
    assert "--cacert" not in data["curl"]


def test_key_passphrase_that_does_not_open_the_key_is_wrong_input(cli, ready):
    Secrets().store("erp", SecretKind.KEY_PASSPHRASE, "not the passphrase")
    result = cli("test-call", "--profile", "erp")
    assert result.code == 2
    assert "passphrase" in result.err
    assert "not the passphrase" not in result.err


def test_proxy_none_ignores_https_proxy(cli, ready, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    assert cli("test-call", "--profile", "erp", "--proxy", "none").code == 0
    result = cli("test-call", "--profile", "erp", "--json")
    assert result.json["verdict"] == "PROXY_ERROR"


def test_proxy_password_and_authorization_header_never_appear_in_the_output(
    cli, ready, closed_port
):
    result = cli(
        "test-call",
        "--profile",
        "erp",
        "--proxy",
        f"http://proxyuser:pr0xy-s3cret@127.0.0.1:{closed_port}",
        "--header",
        "Authorization: Basic dXNlcjpzM2NyZXQ=",
        "--json",
    )
    assert result.json["verdict"] == "PROXY_ERROR"
    assert "pr0xy-s3cret" not in result.out + result.err
    assert "dXNlcjpzM2NyZXQ=" not in result.out + result.err
    assert "--proxy-user USER:PASSWORD" in result.json["curl"]


def test_json_says_whether_the_verdict_is_inferred_and_what_sap_answered(
    cli, make_profile, nginx, world
):
    make_profile("cfkey", world["carol"], url=nginx.url(port=nginx.cf_port))
    told = cli("test-call", "--profile", "cfkey", "--json").json
    assert told["verdict"] == "NOT_MAPPED" and told["inferred"] is False
    assert "3224701" in told["sap_answer"]
    make_profile("guess", world["carol"], url=nginx.url(port=nginx.nonames_port))
    guessed = cli("test-call", "--profile", "guess", "--json").json
    assert guessed["verdict"] == "NO_CERT_FORWARDED" and guessed["inferred"] is True
    assert guessed["sap_answer"] is None
    assert "inference" in guessed["title"]
    text = cli("test-call", "--profile", "guess").out
    assert "NO_CERT_FORWARDED: The load balancer would drop this chain" in text


def test_an_authorization_header_next_to_the_certificate_names_kba_3584034(cli, ready):
    result = cli("test-call", "--profile", "erp", "--header", "Authorization: Basic dXNlcjpwdw==")
    assert "3584034" in result.out and "TLS session reuse" in result.out

"""`cpi-cert-wizard sap-sign`: SAP signs the CSR through the Destination service (a double)."""

from __future__ import annotations

import base64
import json
import socket

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from tests.sapsign.conftest import (
    CERTIFICATES,
    CLIENT_ID,
    CLIENT_SECRET,
    TOKEN_PATH,
    folder_state,
)
from wizard.core.profiles import Artefact, ProfileStore, State
from wizard.core.secrets import SERVICE, SecretKind, Secrets


def sign(cli, key_file, trust, *extra: str):
    return cli("sap-sign", "--profile", "ERP", "--destination-key", key_file, *trust, *extra)


def leaf_of(home) -> x509.Certificate:
    store = ProfileStore(home)
    return x509.load_pem_x509_certificate(store.read_artefact("ERP", Artefact.LEAF_PEM))


# --- success -----------------------------------------------------------------------------------


def test_sap_signs_the_csr_and_the_chain_is_imported_and_judged(
    cli, home, with_csr, key_file, trust, destination, sap_pki
):
    result = sign(cli, key_file, trust, "--validity", "90d", "--json")
    assert result.code == 0, result.err
    out = result.json
    assert out["ok"] is True and out["action"] == "signed"

    # told before sending: subject replaced, 1 day to 1 year, Neo needs a CF subaccount
    before = result.err.split("Getting a token")[0]
    assert "SAP replaces the subject" in before and "CN=erp-sender" in before
    assert "1 day to 1 year" in before and "90 days" in before
    assert "Neo users need a (free) Cloud Foundry subaccount" in before
    assert "private key stays on this machine" in before

    # the double saw token, POST, GET, in that order, with the documented body
    assert destination.state.calls() == [
        ("POST", TOKEN_PATH),
        ("POST", CERTIFICATES),
        ("GET", f"{CERTIFICATES}/ERP.pem"),
    ]
    posted = json.loads(destination.state.received[1].body)
    store = ProfileStore(home)
    assert posted["Name"] == "ERP.pem"
    assert base64.b64decode(posted["Attributes"]["CSR"]) == store.read_artefact("ERP", Artefact.CSR)
    assert posted["Attributes"]["CN"] == "erp-sender"
    assert posted["Attributes"]["Validity"] == {"TimeUnit": "DAYS", "Value": 90}
    assert posted["Attributes"]["AutomaticRenew"] is False

    # SAP's subject, not the one typed; issued by the Client CA; chain to the test root
    leaf = leaf_of(home)
    assert leaf.subject.rfc4514_string().startswith("CN=erp-sender,L=cf-eu10-test-double")
    assert "O=ACME Corp" not in leaf.subject.rfc4514_string()
    assert out["sap"]["issued_subject"] == leaf.subject.rfc4514_string()
    assert "O=ACME Corp" in out["sap"]["requested_subject"]
    assert out["sap"]["issuer"].startswith("CN=Test SAP PKI Certificate Service Client CA")
    assert (leaf.not_valid_after_utc - leaf.not_valid_before_utc).days == 90
    assert [c["subject"].split(",")[0] for c in out["chain"]] == [
        "CN=erp-sender",
        "CN=Test SAP PKI Certificate Service Client CA",
        "CN=Test SAP Cloud Root CA",
    ]
    assert out["chain"][2]["source"].startswith("--ca-file")

    # the normal import judged it: the double's root is not on SAP's list
    assert out["complete"] is True
    assert out["sap_status"] == "not-listed"
    assert out["sap_list_version"]
    assert "root_not_on_sap_list" in [f["code"] for f in out["findings"]]
    assert not [f for f in out["findings"] if f["severity"] == "error"]
    assert any("not in SAP Cloud Root CA" in n for n in out["notes"])

    profile = store.load("ERP")
    assert profile.state is State.CERTIFICATE_IMPORTED
    assert profile.sap_signed and profile.sap_certificate_name == "ERP.pem"
    assert profile.sap_auto_renew is False and profile.sap_validity == "90 DAYS"
    assert profile.sap_destination_client_id == CLIENT_ID
    assert profile.leaf_sha256 == leaf.fingerprint(hashes.SHA256()).hex() == out["sap"]["sha256"]
    assert set(out["files"]) >= {"chain", "client_chain", "leaf_cer", "leaf_pem"}


def test_text_output_names_the_certificate_the_renewal_setting_and_the_next_steps(
    cli, with_csr, key_file, trust, destination
):
    result = sign(cli, key_file, trust, "--auto-renew")
    assert result.code == 0, result.err
    assert "SAP signed the CSR of profile ERP: 'ERP.pem'" in result.out
    assert "valid 1 year, automatic renewal on" in result.out
    assert "SAP replaced the subject" in result.out
    assert "Judged against" in result.out
    assert "cpi-cert-wizard export-p12 --profile ERP" in result.out
    assert "Client secret: the keyring (test memory keyring)" in result.out
    assert json.loads(destination.state.received[1].body)["Attributes"]["AutomaticRenew"] is True
    assert "renews it shortly before it expires" in result.err


def test_the_key_file_may_be_what_cf_service_key_prints(
    cli, with_csr, destination, trust, tmp_path
):
    printed = tmp_path / "cf-output.txt"
    printed.write_text(
        "Getting key dest-key for service instance dest as admin@example.com...\n\n"
        + json.dumps({"credentials": destination.credentials()}, indent=2)
        + "\n"
    )
    result = sign(cli, printed, trust)
    assert result.code == 0, result.err


# --- the secret and the private key ------------------------------------------------------------


def test_private_key_never_appears_in_any_request(
    cli, home, with_csr, key_file, trust, destination, memory_keyring
):
    assert sign(cli, key_file, trust).code == 0
    store = ProfileStore(home)
    key_file_bytes = store.read_artefact("ERP", Artefact.KEY)
    passphrase = Secrets(backend=memory_keyring).lookup("ERP", SecretKind.KEY_PASSPHRASE)
    key = serialization.load_pem_private_key(key_file_bytes, passphrase.encode())
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    secret_scalar = key.private_numbers().private_value.to_bytes(32, "big")
    forbidden = [der, pem, key_file_bytes, secret_scalar, passphrase.encode()]
    forbidden += [base64.b64encode(x) for x in (der, pem, key_file_bytes)]
    assert destination.state.received, "the double saw no request"
    for request in destination.state.received:
        seen = request.body + json.dumps(request.headers).encode()
        for item in forbidden:
            assert item not in seen, f"key material in {request.method} {request.path}"
    posted = json.loads(destination.state.received[1].body)
    sent_csr = base64.b64decode(posted["Attributes"]["CSR"])
    assert sent_csr == store.read_artefact("ERP", Artefact.CSR)  # the CSR and nothing else
    assert set(posted) == {"Name", "Attributes"}
    assert set(posted["Attributes"]) == {"CN", "CSR", "Validity", "AutomaticRenew"}


def test_client_secret_is_kept_in_the_keyring_and_in_no_file_under_home(
    cli, home, with_csr, key_file, trust, destination, memory_keyring
):
    result = sign(cli, key_file, trust, "--json")
    assert result.code == 0, result.err
    assert memory_keyring.entries[(SERVICE, "ERP/destination")] == CLIENT_SECRET
    for path in home.rglob("*"):
        if path.is_file():
            assert CLIENT_SECRET.encode() not in path.read_bytes(), path
    assert CLIENT_SECRET not in result.out + result.err
    # only the token request carries it (Basic), never a body or a call to the service
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    for request in destination.state.received:
        assert CLIENT_SECRET.encode() not in request.body
        carries = request.headers.get("Authorization") == f"Basic {basic}"
        assert carries == (request.path == TOKEN_PATH)


# --- refusals ----------------------------------------------------------------------------------


def test_wrong_client_secret_is_reported_and_nothing_is_sent_or_imported(
    cli, home, with_csr, destination, trust, tmp_path, memory_keyring
):
    wrong = tmp_path / "old-key.json"
    wrong.write_text(json.dumps(destination.credentials(clientsecret="rotated-long-ago")))
    before = folder_state(home)
    result = sign(cli, wrong, trust, "--json")
    assert result.code == 2
    error = result.json["error"]
    assert error["code"] == "sap_sign.credentials"
    assert f"refused client {CLIENT_ID!r} (HTTP 401)" in error["message"]
    assert "wrong or expired" in error["message"] and "--destination-key" in error["message"]
    assert "rotated-long-ago" not in result.out + result.err
    assert destination.state.calls() == [("POST", TOKEN_PATH)]
    assert folder_state(home) == before
    assert (SERVICE, "ERP/destination") not in memory_keyring.entries


def test_taken_name_offers_replace_and_replace_has_sap_sign_again(
    cli, home, with_csr, key_file, trust, destination
):
    assert sign(cli, key_file, trust).code == 0
    first = leaf_of(home)
    before = folder_state(home)

    taken = sign(cli, key_file, trust, "--json")
    assert taken.code == 2
    assert taken.json["error"]["code"] == "sap_sign.name_taken"
    assert "'ERP.pem'" in taken.json["error"]["message"]
    assert "--replace" in taken.json["error"]["message"]
    assert "--refresh" in taken.json["error"]["message"]
    assert folder_state(home) == before

    replaced = sign(cli, key_file, trust, "--replace", "--json")
    assert replaced.code == 0, replaced.err
    assert replaced.json["action"] == "replaced"
    assert ("PUT", CERTIFICATES) in destination.state.calls()
    second = leaf_of(home)
    assert second.serial_number != first.serial_number
    assert replaced.json["sap"]["previous_sha256"] == first.fingerprint(hashes.SHA256()).hex()


def test_a_chain_that_fails_validation_leaves_the_profile_as_it_was(
    cli, home, with_csr, key_file, trust, destination
):
    destination.state.client_auth = False  # a CA that forgot clientAuth
    before = folder_state(home)
    result = sign(cli, key_file, trust, "--json")
    assert result.code == 2
    error = result.json["error"]
    assert error["code"] == "no_client_auth"
    assert (
        "The certificate SAP issued ('ERP.pem' in the subaccount) was not imported"
        in (error["message"])
    )
    assert "sap-sign --profile ERP --refresh" in error["message"]
    assert folder_state(home) == before


def test_without_the_root_the_chain_is_incomplete_and_nothing_is_imported(
    cli, home, with_csr, key_file, destination, sap_pki
):
    before = folder_state(home)
    result = sign(cli, key_file, ["--ca-file", str(sap_pki.tls_ca_file)], "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "incomplete"
    assert folder_state(home) == before


def test_the_root_sent_by_the_service_completes_the_chain_without_a_trust_file(
    cli, home, with_csr, key_file, destination, sap_pki
):
    destination.state.include_root = True
    result = sign(cli, key_file, ["--ca-file", str(sap_pki.tls_ca_file)], "--json")
    assert result.code == 0, result.err
    assert result.json["chain"][2]["source"] == "reply"
    assert result.json["sap_status"] == "not-listed"


@pytest.mark.parametrize(
    ("switch", "code", "words"),
    [
        ("forbidden", "sap_sign.forbidden", "may not manage the subaccount's certificates"),
        ("quota_exceeded", "sap_sign.quota", "quota"),
        ("rate_limited", "sap_sign.rate_limited", "Try again in 30 seconds"),
    ],
)
def test_service_refusals_are_explained_and_nothing_is_imported(
    cli, home, with_csr, key_file, trust, destination, switch, code, words
):
    setattr(destination.state, switch, True)
    before = folder_state(home)
    result = sign(cli, key_file, trust, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == code
    assert words in result.json["error"]["message"]
    assert "127.0.0.1" in result.json["error"]["message"]
    assert folder_state(home) == before


@pytest.mark.parametrize("validity", ["0d", "366 days", "13m", "2y", "forever"])
def test_validity_outside_one_day_to_one_year_is_refused_before_anything_is_sent(
    cli, with_csr, key_file, trust, destination, validity
):
    result = sign(cli, key_file, trust, "--validity", validity, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "sap_sign.validity"
    assert "1 day to 1 year" in result.json["error"]["message"]
    assert destination.state.received == []


def test_a_profile_without_csr_is_refused_before_anything_is_sent(
    cli, home, key_file, trust, destination
):
    ProfileStore(home).create("ERP")
    result = sign(cli, key_file, trust, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "csr.missing"
    assert "cpi-cert-wizard csr --profile ERP" in result.json["error"]["message"]
    assert destination.state.received == []


def test_without_a_service_key_the_command_says_where_to_get_one(cli, with_csr):
    result = cli("sap-sign", "--profile", "ERP", "--json")
    assert result.code == 2
    assert "--destination-key FILE.json" in result.json["error"]["message"]
    assert "Service Keys" in result.json["error"]["message"]


def test_refresh_with_signing_flags_is_refused(cli, with_csr):
    result = cli("sap-sign", "--profile", "ERP", "--refresh", "--validity", "1y", "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "sap_sign.flags"


# --- network and proxy -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_service_names_the_host_and_what_to_check(
    cli, home, with_csr, destination, trust, tmp_path
):
    port = free_port()
    gone = tmp_path / "gone.json"
    gone.write_text(json.dumps(destination.credentials(url=f"https://127.0.0.1:{port}/uaa")))
    result = sign(cli, gone, trust, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "sap_sign.network"
    message = result.json["error"]["message"]
    assert f"Cannot reach 127.0.0.1:{port}: connection refused" in message
    assert "'url' and 'uri'" in message and "HTTPS_PROXY" in message


def test_a_dead_proxy_is_named(cli, with_csr, key_file, trust, destination, monkeypatch):
    proxy = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    result = sign(cli, key_file, trust, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "sap_sign.proxy"
    assert f"through the proxy {proxy} (HTTPS_PROXY)" in result.json["error"]["message"]
    assert destination.state.received == []


def test_signing_works_through_an_https_proxy(
    cli, with_csr, key_file, trust, destination, monkeypatch, tmp_path
):
    from tests.testcall.harness import run_tinyproxy

    with run_tinyproxy(destination.port, tmp_path) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        result = sign(cli, key_file, trust, "--json")
        log = (tmp_path / "tinyproxy.log").read_text(errors="replace")
    assert result.code == 0, result.err
    # token, POST and GET each went through the proxy's tunnel
    assert log.count(f"CONNECT 127.0.0.1:{destination.port} HTTP") == 3
    assert len(destination.state.received) == 3


def test_the_proxy_option_routes_the_calls_and_none_goes_direct(
    cli, with_csr, key_file, trust, destination, monkeypatch, tmp_path
):
    from tests.testcall.harness import run_tinyproxy

    with run_tinyproxy(destination.port, tmp_path) as proxy:
        result = sign(cli, key_file, trust, "--json", "--proxy", proxy)
        log = (tmp_path / "tinyproxy.log").read_text(errors="replace")
    assert result.code == 0, result.err
    assert log.count(f"CONNECT 127.0.0.1:{destination.port} HTTP") == 3
    # a dead proxy in the environment is not used when --proxy none says direct
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{free_port()}")
    again = sign(cli, key_file, trust, "--json", "--proxy", "none", "--replace")
    assert again.code == 0, again.err


def test_a_proxy_that_refuses_the_host_says_so(
    cli, with_csr, key_file, trust, destination, monkeypatch, tmp_path
):
    from tests.testcall.harness import run_tinyproxy

    with run_tinyproxy(free_port(), tmp_path) as proxy:  # allows another port only
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        result = sign(cli, key_file, trust, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "sap_sign.proxy"
    message = result.json["error"]["message"]
    assert f"The proxy {proxy} (HTTPS_PROXY) refused to connect to 127.0.0.1" in message
    assert destination.state.received == []


def test_the_service_is_not_trusted_without_its_ca(cli, with_csr, key_file, destination, sap_pki):
    result = sign(cli, key_file, [], "--json")  # only the OS store and certifi
    assert result.code == 2
    assert result.json["error"]["code"] == "sap_sign.tls"
    assert "not trusted" in result.json["error"]["message"]
    assert destination.state.received == []

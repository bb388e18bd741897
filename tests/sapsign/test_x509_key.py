"""x509-bound Destination service keys (SAP's recommended credential type): the token comes by
mutual TLS from the key's `certurl`; certificate and key live in memory and in the keyring only."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests import pki
from tests.sapsign.conftest import (
    CERTIFICATES,
    CLIENT_ID,
    TOKEN_PATH,
    folder_state,
    x509_credentials,
)
from wizard.core.errors import WizardError
from wizard.core.profiles import ProfileStore, State
from wizard.core.sap_sign import parse_destination_key
from wizard.core.secrets import SERVICE


def sign(cli, key_file, trust, *extra: str):
    return cli("sap-sign", "--profile", "ERP", "--destination-key", key_file, *trust, *extra)


def _key_lines(key_file) -> list[bytes]:
    """The lines of the private key's body: none may appear in any file under the home."""
    key = json.loads(key_file.read_text())["key"]
    return [line.encode() for line in key.splitlines() if line and not line.startswith("-----")]


def test_x509_key_signs_end_to_end_with_a_token_by_mutual_tls(
    cli, home, with_csr, x509_key_file, trust, destination, memory_keyring
):
    result = sign(cli, x509_key_file, trust, "--json")
    assert result.code == 0, result.err
    profile = ProfileStore(home).load("ERP")
    assert profile.state is State.CERTIFICATE_IMPORTED and profile.sap_signed
    assert result.json["sap"]["sha256"] == profile.leaf_sha256
    # the token came from the mTLS endpoint with the client id and no secret
    token_request = destination.state.received[0]
    assert (token_request.method, token_request.path) == ("POST", TOKEN_PATH)
    assert "Authorization" not in token_request.headers
    form = dict(x.split("=", 1) for x in token_request.body.decode().split("&"))
    assert form["grant_type"] == "client_credentials"
    assert form["client_id"].replace("%21", "!").replace("%7C", "|") == CLIENT_ID
    assert ("POST", CERTIFICATES) in destination.state.calls()


def test_x509_key_material_is_in_the_keyring_and_in_no_file_under_home(
    cli, home, with_csr, x509_key_file, trust, destination, memory_keyring
):
    result = sign(cli, x509_key_file, trust, "--json")
    assert result.code == 0, result.err
    kept = json.loads(memory_keyring.entries[(SERVICE, "ERP/destination")])
    key = json.loads(x509_key_file.read_text())
    assert kept["x509"] == {"certificate": key["certificate"].strip(), "key": key["key"].strip()}
    lines = _key_lines(x509_key_file)
    assert lines
    files = [p for p in home.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert not any(line in data for line in lines), path
    assert not any(line.decode() in result.out + result.err for line in lines)
    for request in destination.state.received:
        assert not any(line in request.body for line in lines)


def test_refresh_with_the_x509_key_from_the_keyring(
    cli, home, with_csr, x509_key_file, trust, destination, memory_keyring
):
    first = sign(cli, x509_key_file, trust, "--auto-renew", "--json")
    assert first.code == 0, first.err
    destination.state.renew("ERP.pem")
    x509_key_file.unlink()  # the profile knows the certurl, the keyring certificate and key
    result = cli("sap-sign", "--profile", "ERP", "--refresh", *trust, "--json")
    assert result.code == 0, result.err
    assert result.json["action"] == "renewed"
    assert result.json["sap"]["sha256"] != first.json["sap"]["sha256"]
    assert ProfileStore(home).load("ERP").leaf_sha256 == result.json["sap"]["sha256"]
    assert destination.state.calls()[-2:] == [
        ("POST", TOKEN_PATH),
        ("GET", f"{CERTIFICATES}/ERP.pem"),
    ]


def test_expired_client_certificate_is_named_before_anything_is_sent(
    cli, home, with_csr, trust, destination, tmp_path, memory_keyring
):
    ended = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    path = tmp_path / "expired-key.json"
    path.write_text(json.dumps(x509_credentials(destination, not_after=ended)))
    before = folder_state(home)
    result = sign(cli, path, trust, "--json")
    assert result.code == 2, result.out
    error = result.json["error"]
    assert error["code"] == "sap_sign.credentials"
    assert f"The certificate of the x509-bound service key ({path}) expired on " in error["message"]
    assert "2026-01-02 03:04 UTC" in error["message"]
    assert "--destination-key NEW-KEY.json" in error["message"]
    assert destination.state.calls() == []
    assert folder_state(home) == before
    assert (SERVICE, "ERP/destination") not in memory_keyring.entries


def test_client_certificate_of_another_ca_is_refused_with_a_specific_message(
    cli, home, with_csr, trust, destination, tmp_path, memory_keyring
):
    stranger = pki.root("Some Other Client CA")
    path = tmp_path / "foreign-key.json"
    path.write_text(json.dumps(x509_credentials(destination, issuer=stranger)))
    result = sign(cli, path, trust, "--json")
    assert result.code == 2, result.out
    error = result.json["error"]
    assert error["code"] == "sap_sign.credentials"
    assert "refused the client certificate of the service key" in error["message"]
    assert "--destination-key NEW-KEY.json" in error["message"]
    assert destination.state.calls() == []  # nothing reached HTTP
    assert (SERVICE, "ERP/destination") not in memory_keyring.entries


def test_certificate_not_bound_to_the_client_gets_the_refused_client_message(
    cli, home, with_csr, trust, destination, tmp_path, memory_keyring
):
    path = tmp_path / "unbound-key.json"
    path.write_text(json.dumps(x509_credentials(destination, bind=False)))
    result = sign(cli, path, trust, "--json")
    assert result.code == 2, result.out
    message = result.json["error"]["message"]
    assert f"refused client {CLIENT_ID!r} (HTTP 401)" in message
    assert f"the certificate in {path}" in message


def test_x509_key_without_certurl_is_named(cli, with_csr, trust, destination, tmp_path):
    creds = x509_credentials(destination)
    del creds["certurl"]
    path = tmp_path / "no-certurl.json"
    path.write_text(json.dumps(creds))
    result = sign(cli, path, trust, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "sap_sign.service_key"
    assert "'certurl'" in result.json["error"]["message"]


def test_x509_key_with_certurl_and_pem_under_uaa_is_read(destination):
    creds = x509_credentials(destination)
    nested = {k: v for k, v in creds.items() if k not in ("certificate", "key", "certurl")}
    nested["uaa"] = {k: creds[k] for k in ("certificate", "key", "certurl")}
    key = parse_destination_key(json.dumps(nested).encode(), source="key.json")
    assert key.x509 and key.token_endpoint == destination.certurl + "/oauth/token"
    assert key.private_key == creds["key"].strip()
    assert creds["key"].strip() not in repr(key)


def test_x509_key_whose_key_is_not_pem_is_named(destination):
    creds = x509_credentials(destination)
    creds["key"] = "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n"
    with pytest.raises(WizardError) as caught:
        parse_destination_key(json.dumps(creds).encode(), source="key.json")
    assert caught.value.code == "sap_sign.service_key"
    assert "The 'certificate' or 'key' of key.json is not PEM" in caught.value.message

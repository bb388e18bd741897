"""`sap-sign --refresh`: after SAP's automatic renewal, the new certificate comes in and the user
learns that the tenant entry must change."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives import hashes

from tests.sapsign.conftest import CERTIFICATES, CLIENT_SECRET, TOKEN_PATH, folder_state
from wizard.core.mapping import colon_hex
from wizard.core.profiles import ProfileStore, State
from wizard.core.secrets import SERVICE


def signed(cli, key_file, trust, *extra: str) -> dict:
    result = cli(
        "sap-sign", "--profile", "ERP", "--destination-key", key_file, *trust, "--auto-renew",
        "--json", *extra,
    )  # fmt: skip
    assert result.code == 0, result.err
    return result.json


def refresh(cli, trust, *extra: str):
    return cli("sap-sign", "--profile", "ERP", "--refresh", *trust, *extra)


def test_refresh_after_renewal_imports_the_new_certificate_and_says_the_tenant_entry_must_change(
    cli, home, with_csr, key_file, trust, destination
):
    first = signed(cli, key_file, trust)
    mapped = cli("mapping", "--profile", "ERP", "--env", "cf", "--json")
    assert mapped.code == 0, mapped.err
    assert ProfileStore(home).load("ERP").state is State.MAPPED

    renewed = destination.state.renew("ERP.pem")
    new_sha = renewed.fingerprint(hashes.SHA256()).hex()
    key_file.unlink()  # not needed: the profile knows the service, the keyring the secret

    result = refresh(cli, trust)
    assert result.code == 0, result.err
    assert "SAP renewed the certificate 'ERP.pem'" in result.out
    assert "The tenant entry must be updated" in result.out
    assert f"new SHA-256 {colon_hex(new_sha)}" in result.out
    assert f"was SHA-256 {colon_hex(first['sap']['sha256'])}" in result.out
    assert "cpi-cert-wizard mapping --profile ERP" in result.out
    assert "export-p12 --profile ERP" in result.out

    profile = ProfileStore(home).load("ERP")
    assert profile.leaf_sha256 == new_sha
    assert profile.previous_leaf_sha256 == first["sap"]["sha256"]
    assert profile.state is State.CERTIFICATE_IMPORTED  # the tenant still has the old one
    assert profile.sap_signed and profile.sap_auto_renew is True
    # a refresh only reads: token and GET, no new signing request
    assert destination.state.calls()[-2:] == [
        ("POST", TOKEN_PATH),
        ("GET", f"{CERTIFICATES}/ERP.pem"),
    ]
    assert destination.state.calls().count(("POST", CERTIFICATES)) == 1


def test_refresh_json_reports_the_new_fingerprint_and_the_needed_update(
    cli, with_csr, key_file, trust, destination
):
    first = signed(cli, key_file, trust)
    destination.state.renew("ERP.pem")
    result = refresh(cli, trust, "--json")
    assert result.code == 0, result.err
    out = result.json
    assert out["action"] == "renewed" and out["changed"] is True
    assert out["tenant_update_needed"] is True
    assert out["sap"]["previous_sha256"] == first["sap"]["sha256"]
    assert out["sap"]["sha256"] != first["sap"]["sha256"]
    assert "root_not_on_sap_list" in [f["code"] for f in out["findings"]]


def test_refresh_without_renewal_changes_nothing(cli, home, with_csr, key_file, trust, destination):
    signed(cli, key_file, trust)
    before = folder_state(home)
    result = refresh(cli, trust, "--json")
    assert result.code == 0, result.err
    assert result.json["action"] == "unchanged" and result.json["changed"] is False
    assert result.json["tenant_update_needed"] is False
    assert result.json["files"] == {}
    assert folder_state(home) == before


def test_refresh_with_a_wrong_stored_secret_points_to_a_new_service_key(
    cli, home, with_csr, key_file, trust, destination, memory_keyring
):
    signed(cli, key_file, trust)
    memory_keyring.entries[(SERVICE, "ERP/destination")] = "rotated-by-an-admin"
    before = folder_state(home)
    result = refresh(cli, trust, "--json")
    assert result.code == 2
    message = result.json["error"]["message"]
    assert result.json["error"]["code"] == "sap_sign.credentials"
    assert "kept in the keyring" in message and "--destination-key" in message
    assert "rotated-by-an-admin" not in result.out + result.err
    assert folder_state(home) == before


def test_refresh_with_a_new_service_key_stores_its_secret(
    cli, with_csr, key_file, trust, destination, memory_keyring
):
    signed(cli, key_file, trust)
    memory_keyring.entries[(SERVICE, "ERP/destination")] = "stale"
    destination.state.renew("ERP.pem")
    result = refresh(cli, trust, "--destination-key", key_file, "--json")
    assert result.code == 0, result.err
    assert result.json["action"] == "renewed"
    assert memory_keyring.entries[(SERVICE, "ERP/destination")] == CLIENT_SECRET


def test_refresh_imports_what_sap_issued_when_an_earlier_import_failed(
    cli, home, with_csr, key_file, trust, destination, sap_pki
):
    # first run: SAP signs, but the chain cannot be completed (no test root given)
    failed = cli(
        "sap-sign", "--profile", "ERP", "--destination-key", key_file,
        "--ca-file", sap_pki.tls_ca_file, "--json",
    )  # fmt: skip
    assert failed.code == 2
    assert "--refresh" in failed.json["error"]["message"]
    # the profile does not know the service key yet, so the refresh is given it
    result = refresh(cli, trust, "--destination-key", key_file, "--json")
    assert result.code == 0, result.err
    assert result.json["action"] == "imported"
    assert result.json["tenant_update_needed"] is False  # no tenant entry yet
    assert destination.state.calls().count(("POST", CERTIFICATES)) == 1
    assert ProfileStore(home).load("ERP").sap_signed


def test_refresh_of_a_profile_never_signed_by_sap_asks_for_the_service_key(cli, with_csr):
    result = refresh(cli, [], "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "sap_sign.no_service_key"
    assert "--refresh --destination-key FILE.json" in result.json["error"]["message"]


def test_refresh_when_the_certificate_was_deleted_in_the_cockpit(
    cli, home, with_csr, key_file, trust, destination
):
    signed(cli, key_file, trust)
    del destination.state.certificates["ERP.pem"]
    before = folder_state(home)
    result = refresh(cli, trust, "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "sap_sign.not_found"
    assert "deleted" in result.json["error"]["message"]
    assert folder_state(home) == before


def test_a_new_key_ends_the_sap_signed_status(cli, home, with_csr, key_file, trust, destination):
    signed(cli, key_file, trust)
    assert ProfileStore(home).load("ERP").sap_signed
    renewed = cli("csr", "--profile", "ERP", "--cn", "erp-sender", "--new-key", "--json")
    assert renewed.code == 0, renewed.err
    profile = ProfileStore(home).load("ERP")
    assert not profile.sap_signed
    assert profile.sap_certificate_name == "ERP.pem"  # remembered for the next signing
    assert json.loads(profile.to_json())["sap_auto_renew"] is True

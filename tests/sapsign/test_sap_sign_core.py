"""The core API the wizard page calls: service-key reading, validity, and the one signing call."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tests.sapsign.conftest import CLIENT_ID, CLIENT_SECRET, make_request
from wizard.core.enrollment import ChainRejected
from wizard.core.errors import WizardError
from wizard.core.profiles import ProfileStore
from wizard.core.sap_sign import (
    DestinationKey,
    SapSignAction,
    SapSignResult,
    TimeUnit,
    Validity,
    notices_before_sending,
    parse_destination_key,
    parse_validity,
    refresh_from_sap,
    sign_with_sap,
)
from wizard.core.secrets import Secrets
from wizard.core.trust import SapStatus

# --- validity ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "value", "label"),
    [
        ("1y", TimeUnit.YEARS, 1, "1 year"),
        ("1 year", TimeUnit.YEARS, 1, "1 year"),
        ("6m", TimeUnit.MONTHS, 6, "6 months"),
        ("12 months", TimeUnit.MONTHS, 12, "12 months"),
        ("90d", TimeUnit.DAYS, 90, "90 days"),
        ("90 days", TimeUnit.DAYS, 90, "90 days"),
        ("1 day", TimeUnit.DAYS, 1, "1 day"),
        ("365", TimeUnit.DAYS, 365, "365 days"),
        (" 30D ", TimeUnit.DAYS, 30, "30 days"),
    ],
)
def test_validity_in_the_forms_people_type(text, unit, value, label):
    validity = parse_validity(text)
    assert validity == Validity(unit, value)
    assert validity.label == label
    assert validity.as_attribute == {"TimeUnit": unit.value, "Value": value}


@pytest.mark.parametrize("text", ["0d", "366d", "13m", "2y", "1w", "", "one year", "-1d"])
def test_validity_outside_what_sap_signs_is_refused_in_words(text):
    with pytest.raises(WizardError) as err:
        parse_validity(text)
    assert err.value.code == "sap_sign.validity"
    assert "1 day to 1 year" in err.value.message


# --- the service key -----------------------------------------------------------------------------

CREDS = {
    "clientid": CLIENT_ID,
    "clientsecret": CLIENT_SECRET,
    "url": "https://acme.authentication.eu10.hana.ondemand.com",
    "uri": "https://destination-configuration.cfapps.eu10.hana.ondemand.com",
    "uaadomain": "authentication.eu10.hana.ondemand.com",
}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(CREDS),  # cockpit download
        json.dumps({"credentials": CREDS}),  # cf CLI v8
        "Getting key k for service instance d as me@example.com...\n\n"
        + json.dumps({"credentials": CREDS}, indent=2),
        json.dumps({"binding": {"id": "x", "credentials": CREDS}}),  # btp CLI, nested deeper
        "\ufeff" + json.dumps(CREDS),  # saved by Notepad
    ],
)
def test_service_key_is_read_in_every_shape_it_is_printed(text):
    key = parse_destination_key(text.encode(), source="key.json")
    assert key.client_id == CLIENT_ID and key.client_secret == CLIENT_SECRET
    assert key.token_endpoint == "https://acme.authentication.eu10.hana.ondemand.com/oauth/token"
    assert key.certificates_url == (
        "https://destination-configuration.cfapps.eu10.hana.ondemand.com"
        "/destination-configuration/v1/subaccountCertificates"
    )
    assert CLIENT_SECRET not in repr(key)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("not json at all", "not a service key in JSON"),
        (json.dumps({"url": "https://x"}), "no 'clientid'"),
        (
            json.dumps(
                {
                    "oauth": {"clientid": "c", "certificate": "-----BEGIN", "key": "k"},
                    "credential-type": "x509",
                }
            ),
            "is an x509-bound service key but has no 'certurl', 'uri'",
        ),
        (json.dumps({**CREDS, "uri": None}), "'uri' (the Destination service's base URL)"),
        (json.dumps({**CREDS, "url": "http://plain.example"}), "not an https URL"),
        (
            json.dumps(
                {
                    "clientid": "sb-it!b1",
                    "clientsecret": "s",
                    "url": "https://x",
                    "tokenurl": "https://x/oauth/token",
                }
            ),
            "not a Destination service key",
        ),
    ],
)
def test_wrong_service_keys_are_refused_with_what_to_do(data, words):
    with pytest.raises(WizardError) as err:
        parse_destination_key(data.encode(), source="given.json")
    assert err.value.code == "sap_sign.service_key"
    assert words in err.value.message and "given.json" in err.value.message


def test_notices_say_what_sap_changes_before_anything_is_sent():
    text = " ".join(notices_before_sending("erp", parse_validity("6m"), auto_renew=False))
    assert "replaces the subject" in text and "CN=erp" in text
    assert "1 day to 1 year" in text and "6 months" in text
    assert "Automatic renewal: off" in text
    assert "(free) Cloud Foundry subaccount" in text


# --- the one call --------------------------------------------------------------------------------


@pytest.fixture
def store(home: Path) -> ProfileStore:
    return ProfileStore(home)


@pytest.fixture
def secrets(memory_keyring) -> Secrets:
    return Secrets(backend=memory_keyring)


def test_one_call_returns_a_frozen_result_and_reports_progress(
    store, secrets, destination, key_file, sap_pki
):
    make_request(store, secrets)
    steps: list[str] = []
    result = sign_with_sap(
        store,
        secrets,
        "ERP",
        key_file,
        validity=parse_validity("30d"),
        auto_renew=True,
        ca_files=[sap_pki.tls_ca_file, sap_pki.root_file],
        progress=steps.append,
    )
    assert isinstance(result, SapSignResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.sha256 = "x"  # type: ignore[misc]
    assert result.action is SapSignAction.SIGNED and result.changed
    assert result.certificate_name == "ERP.pem"
    assert result.auto_renew is True and result.validity == "30 days"
    assert result.root_status is SapStatus.NOT_LISTED
    assert result.imported is not None and result.imported.report.ok
    assert result.profile.sap_signed
    assert result.secret_kept_in == "the keyring (test memory keyring)"
    assert [s.split(" ")[0] for s in steps] == ["Getting", "Sending", "Fetching", "Checking"]
    assert not result.tenant_update_needed


def test_a_destination_key_object_works_as_well_as_a_file(store, secrets, destination, sap_pki):
    make_request(store, secrets)
    key = DestinationKey(CLIENT_ID, CLIENT_SECRET, destination.url, destination.uri, "test")
    result = sign_with_sap(
        store, secrets, "ERP", key, ca_files=[sap_pki.tls_ca_file, sap_pki.root_file]
    )
    assert result.validity == "1 year"
    again = refresh_from_sap(store, secrets, "ERP", ca_files=[sap_pki.tls_ca_file])
    assert again.action is SapSignAction.UNCHANGED and again.imported is None


def test_a_rejected_chain_is_a_chain_rejected_with_the_report(
    store, secrets, destination, key_file, sap_pki
):
    make_request(store, secrets)
    destination.state.client_auth = False
    with pytest.raises(ChainRejected) as err:
        sign_with_sap(
            store, secrets, "ERP", key_file, ca_files=[sap_pki.tls_ca_file, sap_pki.root_file]
        )
    assert "no_client_auth" in [f.code for f in err.value.report.errors]
    assert str(err.value) == err.value.message
    assert not store.load("ERP").sap_signed

"""The whole flow against the sandbox tenant, through the real pages, with files checked on disk."""

from __future__ import annotations

import subprocess

from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore, State
from wizard.core.secrets import SecretKind

from .conftest import sandbox_walk


def test_new_sender_system_walks_from_root_to_a_successful_test_call(home, wizard, secrets):
    sandbox_walk(wizard, Step.SUMMARY)
    store = ProfileStore(home)
    (name,) = store.names()
    profile = store.load(name)
    folder = store.folder(name)

    # Page 2: the tenant's root was fetched and saved for the sender's trust store.
    assert (folder / Artefact.TENANT_ROOT_CER.value).is_file()
    assert (folder / Artefact.TENANT_ROOT_PEM.value).is_file()
    # Page 3 and 5: key, request and the validated chain; the key is encrypted.
    assert b"ENCRYPTED PRIVATE KEY" in (folder / Artefact.KEY.value).read_bytes()
    chain = (folder / Artefact.CHAIN.value).read_text()
    assert chain.count("BEGIN CERTIFICATE") == 3  # leaf, intermediate, root
    # Page 6: the PKCS#12 opens with the password the keyring holds (openssl reads it).
    password = secrets.lookup(name, SecretKind.P12_PASSWORD)
    p12 = folder / Artefact.P12.value
    listed = subprocess.run(
        ["openssl", "pkcs12", "-in", str(p12), "-nokeys", "-passin", f"pass:{password}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert listed.count("BEGIN CERTIFICATE") == 2  # leaf + intermediate, no root by default
    assert (folder / "client.cer").is_file() and (folder / "client-chain.pem").is_file()
    # Page 7: the Neo mapping body.
    assert '"User": "SANDBOX_SENDER"' in (folder / Artefact.NEO_MAPPING_JSON.value).read_text()
    # Page 8: the verdict, big and in words, and the profile remembers it.
    test_page = wizard.page_of(Step.TEST_CALL)
    assert test_page.verdict.code == "OK"
    assert test_page.verdict.title.text() == "The call went through"
    assert "curl" in test_page.curl.text()
    assert profile.state is State.TESTED and profile.last_test_verdict == "OK"
    # Page 9: which file goes where.
    summary = wizard.page_of(Step.SUMMARY)
    listed_files = [summary.table.item(r, 0).text() for r in range(summary.table.rowCount())]
    assert p12.name in listed_files
    assert str(folder) in summary.folder.text()
    assert "set up" in summary.headline.text()


def test_summary_saves_a_calendar_reminder_thirty_days_before_expiry(home, wizard, tmp_path):
    sandbox_walk(wizard, Step.SUMMARY)
    summary = wizard.page_of(Step.SUMMARY)
    target = tmp_path / "renew.ics"
    summary.add_reminder(target)
    wizard.idle()
    text = target.read_text()
    profile = wizard.window.session.profile
    expected = profile.not_after_dt.date().toordinal() - 30
    from datetime import date

    assert f"DTSTART;VALUE=DATE:{date.fromordinal(expected):%Y%m%d}" in text
    assert "Renew the client certificate of" in text

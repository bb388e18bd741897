"""The start page: the sender systems with state and expiry, New, Resume, Renew, Remove."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QMessageBox

from wizard.core.flow import Step
from wizard.core.profiles import ProfileStore, State, now_utc
from wizard.core.secrets import SecretKind
from wizard.ui.widgets.banner import Severity, severity_colour


def make_profile(home, name, *, days_left=None, lifetime=365, state=State.NEW, host=None):
    store = ProfileStore(home)
    profile = store.create(name)
    profile.state = state
    if host:
        profile.tenant_host, profile.tenant_url = host, f"https://{host}/http/x"
        profile.environment = "cf"
    if days_left is not None:
        end = now_utc() + timedelta(days=days_left, hours=12)  # mid-day: a stable day count
        profile.not_after = end.isoformat()
        profile.not_before = (end - timedelta(days=lifetime)).isoformat()
        profile.leaf_subject = f"CN={name}.example.com,O=ACME AG,C=DE"
    store.save(profile)
    return profile


def row_of(page, name):
    for index in range(page.list.topLevelItemCount()):
        item = page.list.topLevelItem(index)
        if item.text(0) == name:
            return item
    raise AssertionError(f"{name} is not listed")


def test_profiles_are_listed_with_state_and_expiry_coloured(home, open_wizard):
    make_profile(
        home, "ERP-PRD", days_left=200, state=State.TESTED, host="a.cfapps.eu10.hana.ondemand.com"
    )
    make_profile(home, "ERP-QAS", days_left=10, state=State.MAPPED)
    make_profile(home, "OLD", days_left=-3, state=State.TESTED)
    make_profile(home, "NEW-ONE")
    wizard = open_wizard()
    page = wizard.page_of(Step.START)
    palette = page.palette()
    fine, due, expired, new = (row_of(page, n) for n in ("ERP-PRD", "ERP-QAS", "OLD", "NEW-ONE"))
    assert fine.text(1) == "Cloud Foundry"
    assert fine.text(2) == "a.cfapps.eu10.hana.ondemand.com"
    assert fine.text(3) == "ERP-PRD.example.com"
    assert fine.text(4) == "tested"
    assert "(expired)" in expired.text(5)
    assert expired.foreground(5).color() == severity_colour(palette, Severity.ERROR)
    assert "10 day" in due.text(5)
    assert due.foreground(5).color() == severity_colour(palette, Severity.WARNING)
    assert fine.foreground(5).color() != severity_colour(palette, Severity.WARNING)
    assert new.text(5) == "—"


def test_first_run_offers_the_sandbox_and_new(wizard):
    page = wizard.page_of(Step.START)
    assert not page.list.isVisible()
    assert page.empty.isVisible()
    assert page.sandbox_button.isVisible() and page.sandbox_button.isEnabled()
    assert not page.resume_button.isEnabled()


def test_new_sender_system_opens_the_tenant_page_empty(home, open_wizard):
    make_profile(home, "ERP-PRD")
    wizard = open_wizard()
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    tenant = wizard.page_of(Step.TENANT)
    assert tenant.name.text() == "" and not tenant.name.isReadOnly()


def test_remove_asks_first_and_deletes_folder_and_keyring_entries(
    home, open_wizard, secrets, memory_keyring, monkeypatch
):
    make_profile(home, "ERP-PRD")
    make_profile(home, "KEEP")
    secrets.store("ERP-PRD", SecretKind.KEY_PASSPHRASE, "passphrase-1")
    secrets.store("ERP-PRD", SecretKind.P12_PASSWORD, "password-1")
    secrets.store("KEEP", SecretKind.KEY_PASSPHRASE, "passphrase-2")
    wizard = open_wizard()
    page = wizard.page_of(Step.START)
    page.select("ERP-PRD")
    asked = []

    def answer(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    wizard.click(page.remove_button)  # "No": nothing happens
    wizard.idle()
    assert (home / "profiles" / "ERP-PRD").is_dir()
    page.select("ERP-PRD")
    wizard.click(page.remove_button)  # "Yes"
    wizard.qtbot.waitUntil(lambda: [r.name for r in page.rows] == ["KEEP"], timeout=10000)
    assert "ERP-PRD" in asked[0] and "keyring" in asked[0]
    assert not (home / "profiles" / "ERP-PRD").exists()
    assert secrets.lookup("ERP-PRD", SecretKind.KEY_PASSPHRASE) is None
    assert secrets.lookup("ERP-PRD", SecretKind.P12_PASSWORD) is None
    assert secrets.lookup("KEEP", SecretKind.KEY_PASSPHRASE) == "passphrase-2"


def test_renew_is_offered_only_for_profiles_that_have_a_key(home, open_wizard):
    make_profile(home, "ERP-PRD", days_left=20, state=State.TESTED)
    make_profile(home, "NEW-ONE")
    wizard = open_wizard()
    page = wizard.page_of(Step.START)
    page.select("NEW-ONE")
    assert not page.renew_button.isEnabled()
    page.select("ERP-PRD")
    assert page.renew_button.isEnabled()


def test_without_a_keyring_a_banner_says_secrets_will_be_asked_for(qtbot, open_wizard):
    from keyring.backends.fail import Keyring as FailKeyring

    wizard = open_wizard(keyring=FailKeyring())
    banner = wizard.page_of(Step.START).keyring_banner
    qtbot.waitUntil(lambda: banner.message() != "", timeout=10000)
    assert "No keyring" in banner.message()
    assert banner.severity is Severity.WARNING


def test_a_profile_that_cannot_be_read_is_listed_with_the_reason_and_can_only_be_removed(
    home, open_wizard
):
    make_profile(home, "ERP-PRD")
    make_profile(home, "BROKEN")
    (home / "profiles" / "BROKEN" / "profile.json").write_text("{ not json")
    wizard = open_wizard()
    page = wizard.page_of(Step.START)
    broken = row_of(page, "BROKEN")
    assert broken.text(4) == "cannot be read"
    assert "profile.json" in broken.toolTip(0)
    page.select("BROKEN")
    assert not page.resume_button.isEnabled() and not page.renew_button.isEnabled()
    assert page.remove_button.isEnabled()
    assert row_of(page, "ERP-PRD").text(4) == "new"  # the others still load

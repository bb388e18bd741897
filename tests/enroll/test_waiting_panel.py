"""The wizard's step 4: "Send to the company CA", issued and pending (resumed after a restart)."""

from __future__ import annotations

from tests.enroll.conftest import PASSWORD, USER, folder_state
from tests.sapsign.conftest import make_request
from wizard.core.flow import Step
from wizard.core.profiles import ProfileStore, State
from wizard.ui.widgets.profile_table import Column


def waiting_page(open_wizard, home, company_ca, *, check_start=False):
    wizard = open_wizard()
    start = wizard.page_of(Step.START)
    if check_start:
        state = start.list.topLevelItem(0).text(Column.STATE)
        assert state.startswith("pending at the CA since") and "request 17" in state
    start.select("ERP")
    wizard.click(start.resume_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.WAITING, timeout=20000)
    wizard.idle()
    page = wizard.page_of(Step.WAITING)
    page.ca_panel.extra_ca_files = [company_ca.tls_ca_file]  # the GUI has no --ca-file
    return wizard, page


def fill_adcs(panel, url: str) -> None:
    panel.kind.setCurrentIndex(panel.kind.findData("adcs"))
    panel.url.setText(url)
    panel.template.setText("SAPClientAuth")
    panel.auth.setCurrentIndex(panel.auth.findData("basic"))
    panel.user.setText(USER)
    panel.password.setText(PASSWORD)


def test_the_company_ca_issues_and_the_wizard_goes_on_to_the_certificate(
    home,
    secrets,
    open_wizard,
    adcs,
    company_ca,
    memory_keyring,
):
    store = ProfileStore(home)
    make_request(store, secrets)
    wizard, page = waiting_page(open_wizard, home, company_ca)
    panel = page.ca_panel
    assert panel.isVisible() and not panel.send.isEnabled()  # no address yet
    fill_adcs(panel, adcs.url)
    assert panel.send.isEnabled()
    wizard.click(panel.send)
    wizard.idle()
    assert panel.error.isHidden(), panel.error.text()
    assert "Test Company Issuing CA" in panel.state.text()
    assert store.load("ERP").state is State.CERTIFICATE_IMPORTED
    assert memory_keyring.entries[("cpi-cert-wizard", "ERP/ca-enroll")] == PASSWORD
    assert panel.password.text() == ""
    wizard.next(Step.CERTIFICATE)


def test_a_pending_request_is_shown_after_a_restart_and_collected(
    home,
    secrets,
    open_wizard,
    adcs,
    company_ca,
    memory_keyring,
):
    store = ProfileStore(home)
    make_request(store, secrets)
    adcs.policy = "pending"
    wizard, page = waiting_page(open_wizard, home, company_ca)
    fill_adcs(page.ca_panel, adcs.url)
    wizard.click(page.ca_panel.send)
    wizard.idle()
    assert "pending at the CA since" in page.ca_panel.state.text()
    assert store.load("ERP").ca_pending_id == "17"
    wizard.window.shutdown()

    # a new window (the program started again): the start page and step 4 say so
    adcs.approve(17)
    wizard2, page2 = waiting_page(open_wizard, home, company_ca, check_start=True)
    panel = page2.ca_panel
    assert "pending at the CA since" in panel.state.text() and "request 17" in panel.state.text()
    assert panel.check.isVisible() and not panel.send.isVisible()
    assert panel.url.text() == adcs.url and panel.template.text() == "SAPClientAuth"
    wizard2.click(panel.check)
    wizard2.idle()
    assert panel.error.isHidden(), panel.error.text()
    assert store.load("ERP").state is State.CERTIFICATE_IMPORTED
    assert store.load("ERP").ca_pending_id is None


def test_a_denied_request_shows_the_cas_reason_and_keeps_the_profile(
    home,
    secrets,
    open_wizard,
    adcs,
    company_ca,
):
    store = ProfileStore(home)
    make_request(store, secrets)
    wizard, page = waiting_page(open_wizard, home, company_ca)
    fill_adcs(page.ca_panel, adcs.url)
    page.ca_panel.template.setText("WebServer")
    before = folder_state(store.folder("ERP"))
    wizard.click(page.ca_panel.send)
    wizard.idle()
    assert page.ca_panel.error.isVisible()
    assert "0x80094800" in page.ca_panel.error.text()
    assert folder_state(store.folder("ERP")) == before


def test_renew_reuses_the_profiles_ca_settings(
    home, secrets, open_wizard, adcs, company_ca, memory_keyring, monkeypatch
):
    store = ProfileStore(home)
    make_request(store, secrets)
    first, page = waiting_page(open_wizard, home, company_ca)
    fill_adcs(page.ca_panel, adcs.url)
    first.click(page.ca_panel.send)
    first.idle()
    issued = store.load("ERP").leaf_sha256
    assert issued
    first.window.shutdown()

    second = open_wizard()
    start = second.page_of(Step.START)
    start.select("ERP")
    second.click(start.renew_button)
    second.qtbot.waitUntil(lambda: second.at() is Step.KEY, timeout=20000)
    second.idle()
    second.click(second.page_of(Step.KEY).generate_button)
    second.idle()
    second.next(Step.WAITING)
    panel = second.page_of(Step.WAITING).ca_panel
    panel.extra_ca_files = [company_ca.tls_ca_file]
    # the CA, template and sign-in come from the profile; the password from the keyring
    assert panel.url.text() == adcs.url and panel.template.text() == "SAPClientAuth"
    assert panel.auth.currentData() == "basic" and panel.user.text() == USER
    assert panel.send.isVisible() and panel.send.isEnabled()
    second.click(panel.send)
    second.idle()
    assert panel.error.isHidden(), panel.error.text()
    renewed = store.load("ERP")
    assert renewed.state is State.CERTIFICATE_IMPORTED
    assert renewed.leaf_sha256 != issued and renewed.previous_leaf_sha256 == issued
    assert len(adcs.requests) == 2


def test_the_templates_the_ca_offers_are_listed_and_one_is_chosen(
    home, secrets, open_wizard, adcs, company_ca
):
    store = ProfileStore(home)
    make_request(store, secrets)
    wizard, page = waiting_page(open_wizard, home, company_ca)
    panel = page.ca_panel
    fill_adcs(panel, adcs.url)
    panel.template.clear()
    assert not panel.send.isEnabled()
    wizard.click(panel.list_templates)
    wizard.idle()
    assert panel.error.isHidden(), panel.error.text()
    assert panel.templates.isVisible()
    names = {panel.templates.itemData(i) for i in range(panel.templates.count())}
    assert names == {"SAPClientAuth", "User"}
    assert panel.template.text() in names and panel.send.isEnabled()
    assert adcs.requests == {}  # listing sends nothing


def test_est_shows_the_ca_chain_it_checked_and_imports_the_certificate(
    home, secrets, open_wizard, est, company_ca
):
    store = ProfileStore(home)
    make_request(store, secrets)
    wizard, page = waiting_page(open_wizard, home, company_ca)
    panel = page.ca_panel
    panel.kind.setCurrentIndex(panel.kind.findData("est"))
    assert not panel.template.isEnabled() and not panel.list_templates.isEnabled()
    panel.url.setText(est.url)
    panel.auth.setCurrentIndex(panel.auth.findData("basic"))
    panel.user.setText(est.user)
    panel.password.setText(est.password)
    steps: list[str] = []
    page.progress.said.connect(steps.append)
    wizard.click(panel.send)
    wizard.idle()
    assert panel.error.isHidden(), panel.error.text()
    assert any("Test Company Issuing CA" in s and "checked before sending" in s for s in steps)
    assert store.load("ERP").state is State.CERTIFICATE_IMPORTED
    assert store.load("ERP").ca_kind == "est"


def test_from_an_empty_start_page_to_a_certificate_from_the_company_ca(
    home, open_wizard, adcs, company_ca
):
    from tests.ui.conftest import sandbox_walk

    wizard = open_wizard()
    sandbox_walk(wizard, Step.WAITING)  # tenant, trust and key as a person does them
    page = wizard.page_of(Step.WAITING)
    panel = page.ca_panel
    panel.extra_ca_files = [company_ca.tls_ca_file]
    fill_adcs(panel, adcs.url)
    wizard.click(panel.send)
    wizard.idle()
    assert panel.error.isHidden(), panel.error.text()
    wizard.next(Step.CERTIFICATE)
    certificate = wizard.page_of(Step.CERTIFICATE)
    wizard.qtbot.waitUntil(lambda: certificate.chain.isVisible(), timeout=10000)
    issuers = {certificate.chain.topLevelItem(i).text(0) for i in range(3)}
    assert any("Test Company Issuing CA" in text for text in issuers), issuers
    name = wizard.window.session.name
    assert ProfileStore(home).load(name).leaf_issuer.startswith("CN=Test Company Issuing CA")

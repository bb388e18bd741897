"""What SAP documents, shown in the wizard: the sender guide, added roots, clientAuth refused in red."""

from __future__ import annotations

from wizard.core.flow import Step


def test_summary_shows_the_guide_for_the_sender_the_user_picks(wizard):
    summary = wizard.page_of(Step.SUMMARY)
    kinds = [summary.sender_kind.itemData(i) for i in range(summary.sender_kind.count())]
    assert kinds == ["pi-po", "abap", "java", "dotnet", "postman", "curl"]
    assert "TrustedCAs" in summary.sender_guide.text()  # the first: SAP PI/PO
    summary.sender_kind.setCurrentIndex(kinds.index("abap"))
    text = summary.sender_guide.text()
    assert "STRUST" in text and "SM59" in text and "ict/disable_cookie_urlencoding" in text
    assert summary.sender_label.buddy() is summary.sender_kind


def test_the_saved_roots_setting_is_used_by_the_wizard(home, tmp_path):
    from tests import pki
    from wizard.core.trust import SapStatus, load_sap_list, save_sap_roots
    from wizard.ui.session import Session

    root = pki.root("Added In The Wizard Root")
    bundle = tmp_path / "extra-roots.pem"
    bundle.write_bytes(pki.pem(root.cert))
    save_sap_roots(home, bundle)
    session = Session(home)
    assert session.sap_roots == bundle.resolve()
    judged = load_sap_list(session.judge_roots)
    assert judged.status(root.cert) is SapStatus.APPROVED and "extra-roots.pem" in judged.version
    assert Session(home, sap_roots=tmp_path / "given.pem").sap_roots == tmp_path / "given.pem"


def test_a_reply_without_client_auth_is_refused_on_the_certificate_page_as_an_error(
    home, wizard, tmp_path
):
    from cryptography import x509

    from tests import pki
    from wizard.core.profiles import Artefact, ProfileStore, State
    from wizard.ui.widgets.banner import Severity

    from .conftest import sandbox_walk

    sandbox_walk(wizard, Step.CERTIFICATE)
    session = wizard.window.session
    store = ProfileStore(home)
    csr = x509.load_pem_x509_csr(store.read_artefact(session.name, Artefact.CSR))
    ca = pki.root("No-EKU Test Root").intermediate("No-EKU Issuing CA")
    reply = tmp_path / "reply-without-eku.pem"
    reply.write_bytes(pki.pem(ca.sign_csr(csr, eku=None), ca.cert, ca.parent.cert))
    page = wizard.page_of(Step.CERTIFICATE)
    page.files.clear()
    page.files.add_files([reply])
    wizard.click(page.import_button)
    wizard.idle()
    assert page.input_error.isVisible() and "not imported" in page.input_error.text()
    errors = [m for severity, m in page.findings.items if severity is Severity.ERROR]
    assert any(
        "1.3.6.1.5.5.7.3.2" in m and "rejected during the TLS handshake" in m for m in errors
    )
    assert not page.isComplete()
    assert store.load(session.name).state is State.KEY_GENERATED


def test_no_validity_is_asked_for_an_external_certificate_service_key(wizard):
    from PySide6.QtWidgets import QSpinBox

    from .conftest import sandbox_walk

    sandbox_walk(wizard, Step.TENANT_ENTRY)
    page = wizard.page_of(Step.TENANT_ENTRY)
    wizard.idle()
    assert not page.validity_note.isVisible()  # Neo: no service key at all
    page.environment.setCurrentIndex(1)  # Cloud Foundry: an External Certificate key
    wizard.idle()
    assert page.key_name.isVisible()
    assert page.validity_note.isVisible() and page.validity_label.isVisible()
    assert "External Certificate" in page.validity_note.text()
    assert "valid as long as the certificate" in page.validity_note.text()
    assert not [s for s in page.findChildren(QSpinBox) if s.isVisible()]
    key_json = page.prepared.entry.cf.service_key_json
    assert '"certificate_external"' in key_json and "validity" not in key_json.lower()


def test_a_roots_file_chosen_on_the_start_page_turns_not_confirmed_into_accepted(
    home, wizard, tmp_path
):
    from tests import pki
    from wizard.core.trust import SapStatus, load_sap_list, saved_sap_roots

    root = pki.root("Named On SAP's Page Root")
    bundle = tmp_path / "sap-page-roots.pem"
    bundle.write_bytes(pki.pem(root.cert))
    start = wizard.page_of(Step.START)
    session = wizard.window.session
    assert "bundled list" in start.sap_roots_text.text()
    assert load_sap_list(session.judge_roots).status(root.cert) is SapStatus.NOT_LISTED
    assert not start.sap_roots_clear.isEnabled()

    start.set_sap_roots(bundle)  # what the file dialog of "Add roots file…" hands over
    judged = load_sap_list(session.judge_roots)
    assert judged.status(root.cert) is SapStatus.APPROVED
    assert "sap-page-roots.pem" in judged.version
    assert start.sap_roots_text.text() == judged.version  # which list and version, said
    assert "1 root(s)" in start.sap_roots_text.text()
    assert saved_sap_roots(home) == bundle.resolve()

    wizard.click(start.sap_roots_clear)
    assert load_sap_list(session.judge_roots).status(root.cert) is SapStatus.NOT_LISTED
    assert saved_sap_roots(home) is None and "plus" not in start.sap_roots_text.text()

    not_roots = tmp_path / "notes.txt"
    not_roots.write_text("not a certificate\n")
    start.set_sap_roots(not_roots)
    assert start.error.isVisible() and saved_sap_roots(home) is None

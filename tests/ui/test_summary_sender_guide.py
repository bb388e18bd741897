"""The summary page says where the files go on the user's kind of sender (core's guide)."""

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

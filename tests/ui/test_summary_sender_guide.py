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

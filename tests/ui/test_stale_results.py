"""A test-call result belongs to the inputs it was made with: after fixing the mapping and coming
back, the page calls again; the summary after a failed call says in words what failed, in red, and
leads back to the step that puts it right."""

from __future__ import annotations

from wizard.core.flow import Step

from .conftest import sandbox_walk


def test_after_mapping_and_coming_back_the_old_red_verdict_is_gone_and_the_call_is_ok(wizard):
    sandbox_walk(wizard, Step.SUMMARY, map_it=False)
    summary = wizard.page_of(Step.SUMMARY)
    assert "not set up" in summary.headline.text()
    assert "NOT_MAPPED" not in summary.headline.text()
    assert "mapped" in summary.headline.text()
    assert summary.fix_button.isVisible() and "7" in summary.fix_button.text()
    red = summary.headline.palette().color(summary.headline.foregroundRole())
    assert red.red() > red.green() and red.red() > red.blue()

    wizard.click(summary.fix_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT_ENTRY)
    entry = wizard.page_of(Step.TENANT_ENTRY)
    wizard.idle()
    wizard.click(entry.sandbox_button)
    wizard.idle()
    wizard.next(Step.TEST_CALL)
    page = wizard.page_of(Step.TEST_CALL)
    assert page.verdict.code == "OK"  # called again, not the old NOT_MAPPED
    wizard.next(Step.SUMMARY)
    assert "set up: the test call went through" in summary.headline.text()
    assert not summary.fix_button.isVisible()

"""Next, Commit and Finish follow the page: enabled exactly when QWizard itself would enable them.

The window sets the forward buttons itself when a page's completeness changes (QWizard's own
answer repaints the whole window each time, issue 19). After every change on every page of the
sandbox flow, QWizard's own button update is run as well: it must find nothing to change.
"""

from __future__ import annotations

from PySide6.QtCore import QMetaObject, QTimer
from PySide6.QtWidgets import QWizard

from wizard.core.flow import Step

from .conftest import sandbox_walk

BUTTONS = (
    QWizard.WizardButton.BackButton,
    QWizard.WizardButton.NextButton,
    QWizard.WizardButton.CommitButton,
    QWizard.WizardButton.FinishButton,
    QWizard.WizardButton.CancelButton,
)


def _states(window) -> dict[str, tuple[bool, bool, bool]]:
    out = {}
    for which in BUTTONS:
        button = window.button(which)
        enabled = button.isEnabled() if which is not QWizard.WizardButton.CancelButton else None
        out[which.name] = (button.isHidden(), enabled, button.isDefault())
    return out


def test_forward_buttons_match_what_qwizard_decides_on_every_page(wizard):
    window = wizard.window
    checked: list[tuple[str, bool]] = []
    differences: list[str] = []

    def compare() -> None:
        page = window.currentPage()
        if page is None:
            return
        ours = _states(window)
        QMetaObject.invokeMethod(window, "_q_updateButtonStates")
        qts = _states(window)
        checked.append((page.step.name, page.isComplete()))
        if ours != qts:
            differences.append(f"{page.step.name}: ours {ours}, QWizard's {qts}")

    def soon() -> None:  # once the change is done (a page being entered is set up by Qt then)
        QTimer.singleShot(0, compare)

    for page in window.pages.values():
        page.completeChanged.connect(soon)

    sandbox_walk(wizard, Step.TRUST)
    wizard.back()  # on step 1 again: a URL that is not one makes it incomplete
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    tenant = wizard.page_of(Step.TENANT)
    forward = window.button(QWizard.WizardButton.NextButton)
    url = tenant.url.text()
    tenant.url.setText("not a url")
    assert not forward.isEnabled()
    tenant.url.setText(url)
    assert forward.isEnabled()
    wizard.next(Step.TRUST)
    key = wizard.page_of(Step.KEY)
    wizard.next(Step.KEY)
    wizard.click(key.generate_button)
    assert not window.button(QWizard.WizardButton.CommitButton).isEnabled()  # while it runs
    wizard.idle()
    actions = {
        Step.WAITING: "sandbox_sign",
        Step.CERTIFICATE: "import_button",
        Step.EXPORT: "export_button",
        Step.TENANT_ENTRY: "sandbox_button",
    }
    for step in (Step.WAITING, Step.CERTIFICATE, Step.EXPORT, Step.TENANT_ENTRY):
        wizard.next(step)
        wizard.click(getattr(wizard.page_of(step), actions[step]))
        wizard.idle()
    wizard.next(Step.TEST_CALL)
    wizard.next(Step.SUMMARY)
    assert window.button(QWizard.WizardButton.FinishButton).isEnabled()

    assert differences == []
    pages = {name for name, _ in checked}
    assert {"TENANT", "TRUST", "KEY", "WAITING", "EXPORT", "TEST_CALL"} <= pages
    assert any(done for _, done in checked) and any(not done for _, done in checked)

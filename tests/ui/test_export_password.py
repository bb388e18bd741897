"""The export page shows the PKCS#12 password on request, not only on the clipboard."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from wizard.core.flow import Step
from wizard.core.secrets import SecretKind

from .conftest import sandbox_walk


def test_the_pkcs12_password_can_be_seen_after_export(wizard, secrets):
    sandbox_walk(wizard, Step.TENANT_ENTRY)
    page = wizard.page_of(Step.EXPORT)
    stored = secrets.lookup(wizard.window.session.name, SecretKind.P12_PASSWORD)
    assert page.password.text() == stored
    assert page.password.echoMode() is QLineEdit.EchoMode.Password
    page.show_password.setChecked(True)
    assert page.password.echoMode() is QLineEdit.EchoMode.Normal

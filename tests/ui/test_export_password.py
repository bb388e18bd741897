"""The export page shows the PKCS#12 password on request, not only on the clipboard."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
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


def test_the_user_can_choose_their_own_pkcs12_password_typed_twice(wizard, secrets):
    from cryptography.hazmat.primitives.serialization import pkcs12

    from wizard.core.profiles import Artefact

    sandbox_walk(wizard, Step.EXPORT)
    page = wizard.page_of(Step.EXPORT)
    assert page.generated.isChecked() and not page.own_fields.isEnabled()
    # on the round button itself (the radio's row is as wide as the page, its text is not)
    wizard.qtbot.mouseClick(
        page.own, Qt.MouseButton.LeftButton, pos=QPoint(6, page.own.height() // 2)
    )
    assert page.own_rules.isVisible() and "8 characters" in page.own_rules.text()
    assert page.own.isChecked() and page.own_fields.isEnabled()
    assert not page.export_button.isEnabled()  # nothing typed yet

    wizard.qtbot.keyClicks(page.own_password, "short")
    assert page.own_error.isVisible() and "Too short" in page.own_error.text()
    assert not page.export_button.isEnabled()
    page.own_password.setText("Sommer-2026-Keystore")
    wizard.qtbot.keyClicks(page.own_again, "Sommer-2026-Keystorf")
    assert "differ" in page.own_error.text()
    assert not page.export_button.isEnabled()
    page.own_again.setText("Sommer-2026-Keystore")
    assert not page.own_error.isVisible()
    wizard.click(page.export_button)
    wizard.idle()

    name = wizard.window.session.name
    assert secrets.lookup(name, SecretKind.P12_PASSWORD) == "Sommer-2026-Keystore"
    data = wizard.window.session.store.path(name, Artefact.P12).read_bytes()
    assert pkcs12.load_pkcs12(data, b"Sommer-2026-Keystore").key is not None
    page.show_password.setChecked(True)
    assert page.password.text() == "Sommer-2026-Keystore"
    assert page.own_password.text() == "" and page.own_again.text() == ""

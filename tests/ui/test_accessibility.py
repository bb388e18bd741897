"""Keyboard and screen readers: labels with buddies, Enter = Next, sensible size, crisp icons,
stock buttons translated by Qt's own catalogue."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
    QWizard,
)

from wizard.core.flow import Step
from wizard.resources import resource
from wizard.ui.app import install_translators
from wizard.ui.widgets.icons import NAMES

INPUTS = (QLineEdit, QComboBox, QPlainTextEdit, QAbstractSpinBox, QAbstractItemView)


def is_input(widget, page) -> bool:
    """A control a person types into or picks from (not the editor inside a spin box)."""
    if not isinstance(widget, INPUTS):
        return False
    parent = widget.parentWidget()
    while parent is not None and parent is not page:
        if isinstance(parent, INPUTS):
            return False
        parent = parent.parentWidget()
    return True


def test_every_input_on_every_page_has_a_label_pointing_at_it(wizard):
    window = wizard.window
    buddies = {id(label.buddy()) for label in window.findChildren(QLabel) if label.buddy()}
    missing, checked = [], 0
    for step, page in window.pages.items():
        for widget in page.findChildren(QWidget):
            if not is_input(widget, page):
                continue
            checked += 1
            if id(widget) not in buddies:
                missing.append(f"{step.name}: {type(widget).__name__} {widget.objectName()}")
    assert missing == []
    assert checked > 30  # every page's fields were looked at


def test_enter_in_the_last_field_means_next(wizard):
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    page = wizard.page_of(Step.TENANT)
    wizard.qtbot.keyClicks(page.name, "ERP-PRD")
    wizard.qtbot.keyClicks(page.url, "https://127.0.0.1:9/http/orders")
    wizard.qtbot.waitUntil(lambda: wizard.button(QWizard.WizardButton.NextButton).isEnabled())
    wizard.qtbot.keyClick(page.url, Qt.Key.Key_Return)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TRUST, timeout=10000)
    assert wizard.window.session.profile.tenant_url == "https://127.0.0.1:9/http/orders"


def test_the_window_has_a_sensible_minimum_size_and_scrolls_rather_than_squeezes(wizard):
    window = wizard.window
    assert window.minimumSize().width() >= 700 and window.minimumSize().height() >= 500
    window.resize(window.minimumSize())
    for page in window.pages.values():
        assert page.scroll.widgetResizable()


def test_icons_are_svg_and_render_at_any_size():
    for name in NAMES:
        path = resource(f"icons/{name}.svg")
        assert path.read_text().lstrip().startswith("<svg"), name
        pixmap = QIcon(str(path)).pixmap(QSize(128, 128))
        assert not pixmap.isNull(), name
        assert pixmap.size() == QSize(128, 128)


def test_stock_buttons_are_translated_by_qts_own_catalogue(qtbot, home, memory_keyring):
    from .conftest import open_window

    app = QApplication.instance()
    translators = install_translators(app, "de")
    try:
        assert translators, "qtbase_de.qm was not found"
        window = open_window(qtbot, home, memory_keyring)
        assert "Weiter" in window.button(QWizard.WizardButton.NextButton).text()
        assert "Abbrechen" in window.button(QWizard.WizardButton.CancelButton).text()
        window.shutdown()
    finally:
        for translator in translators:
            QCoreApplication.removeTranslator(translator)
        QLocale.setDefault(QLocale.system())

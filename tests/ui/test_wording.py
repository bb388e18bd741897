"""Small words a user notices: the validity unit agrees with its number ("1 year", "2 months"),
and a chain row's "role: subject" follows the language's typography (French: a no-break space
before the colon)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication

from wizard.core.flow import Step
from wizard.ui.app import install_translators
from wizard.ui.widgets.chain_view import ChainRow, ChainView


@pytest.fixture
def language(request):
    translators = install_translators(QApplication.instance(), request.param)
    yield request.param
    for translator in translators:
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())


@pytest.mark.parametrize("language", ["en"], indirect=True)
def test_the_validity_unit_agrees_with_its_number(language, open_wizard):
    page = open_wizard().page_of(Step.WAITING)
    page.validity_unit.setCurrentIndex(2)  # years: 1 at most
    page.validity_value.setValue(1)
    assert page.validity_unit.currentText() == "year"
    page.validity_unit.setCurrentIndex(1)
    page.validity_value.setValue(6)
    assert page.validity_unit.currentText() == "months"
    assert [page.validity_unit.itemText(i) for i in range(3)] == ["days", "months", "years"]


@pytest.mark.parametrize("language", ["fr"], indirect=True)
def test_a_french_chain_row_has_a_no_break_space_before_the_colon(language, qtbot):
    view = ChainView()
    qtbot.addWidget(view)
    row = ChainRow(
        role="feuille",
        subject="CN=erp-prd",
        issuer="CN=Issuing CA",
        not_after=None,
        sha256="",
        source="",
    )
    view.set_rows([row])
    assert view.topLevelItem(0).text(0) == "feuille\u00a0: CN=erp-prd"


@pytest.mark.parametrize("language", ["ja"], indirect=True)
def test_japanese_evidence_is_japanese_and_in_one_font(language, qtbot):
    from PySide6.QtGui import QFontDatabase, QFontMetrics

    from wizard.core.prechecks import PreCheck
    from wizard.ui.widgets.copyable import CopyableText

    line = PreCheck("valid now", True, "…").line
    assert line.startswith("事前チェック 現在有効: OK"), line
    if not QFontDatabase.families(QFontDatabase.WritingSystem.Japanese):
        pytest.skip("no Japanese font is installed on this machine, so none can be chosen")
    box = CopyableText(wrap=True)
    qtbot.addWidget(box)
    text = "\n".join([line, "Connected to 127.0.0.1:8443.", "証明書チェーンは完全です"])
    box.set_text(text)
    metrics = QFontMetrics(box.edit.font())
    # every character from the box's own font: no line falls back to a font of another size
    assert all(metrics.inFontUcs4(ord(c)) for c in text if not c.isspace())

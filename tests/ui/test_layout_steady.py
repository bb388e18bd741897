"""What appears while the person types does not move what they are about to click: a field error
on step 1 keeps its line, so the rows below stay where they were; and a combo box too narrow for
its chosen text shows it ending in "…" with the whole text as the tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

from wizard.core.flow import Step
from wizard.ui.widgets.choice import Choice


def _top(widget) -> int:
    return widget.mapTo(widget.window(), QPoint(0, 0)).y()


def test_a_field_error_appearing_while_typing_does_not_move_the_rows_below(wizard):
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    page = wizard.page_of(Step.TENANT)
    page.name.setText("ERP-PRD")
    page.url.setText("https://acme.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders")
    wizard.qtbot.waitUntil(lambda: not page.url_error.isVisible())
    below = page.environment
    before = _top(below)

    page.url.setText("htp:/not a url")  # an error line appears under the URL
    wizard.qtbot.waitUntil(page.url_error.isVisible)
    assert page.url_error.text()
    assert _top(below) == before, "the environment choice jumped when the URL error appeared"

    page.name.setText("ERP/PRD")  # and one under the name
    wizard.qtbot.waitUntil(page.name_error.isVisible)
    assert _top(below) == before

    page.url.setText("https://acme.it-cpi018.cfapps.eu10-003.hana.ondemand.com/")  # a warning
    wizard.qtbot.waitUntil(page.url_warning.isVisible)
    assert _top(below) == before


def test_a_combo_box_too_narrow_for_its_choice_shows_an_ellipsis_and_the_whole_text_as_tooltip(
    qtbot,
):
    box = Choice()
    qtbot.addWidget(box)
    long = "Cloud Foundry (the runtime host of the integration flow, -rt) " * 2
    box.addItems(["Neo", long])
    box.setCurrentIndex(1)
    box.resize(160, box.sizeHint().height())
    box.show()
    qtbot.waitExposed(box)
    shown = box.shown_text()
    assert shown.endswith("…") and long.startswith(shown[:-1])
    assert box.toolTip() == long
    box.setCurrentIndex(0)
    assert box.shown_text() == "Neo"


@pytest.fixture
def german():
    from PySide6.QtCore import QCoreApplication, QLocale
    from PySide6.QtWidgets import QApplication

    from wizard.ui.app import install_translators

    translators = install_translators(QApplication.instance(), "de")
    yield
    for translator in translators:
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())


def test_in_german_at_the_minimum_size_the_longest_field_errors_fit_their_room(german, wizard):
    """German errors are long: at 720×540 the longest ones (a full-length name ending in a dot,
    a Windows device name, the design-time host warning) wrap over more lines than the two or
    three kept by default; the room grows to fit them, so the rows below still do not move and
    no error runs under the next row."""
    wizard.window.resize(720, 540)
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    page = wizard.page_of(Step.TENANT)
    page.name.setText("ERP-PRD")
    page.url.setText("https://acme.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders")
    wizard.qtbot.waitUntil(lambda: not page.url_error.isVisible())
    assert page.tr("Give the profile a name.") != "Give the profile a name."  # German is on
    url_top, below_top = _top(page.url), _top(page.environment)
    line = page.name_error.fontMetrics().lineSpacing()
    # the German name errors need more than the two lines kept by default at this width
    assert page.name_error.slot.height() > 2 * line

    for name in (("ERP-PRD-" * 8)[:63] + ".", "COM1." + ("ERP-PRD-" * 8)[:59], "a b"):
        page.name.setText(name)
        wizard.qtbot.waitUntil(lambda: page.name_error.isVisible() and bool(page.name_error.text()))
        wizard.qtbot.waitUntil(lambda: _top(page.url) == url_top, timeout=2000)
        error = page.name_error
        assert error.geometry().bottom() < error.slot.height(), (name, error.text())
        assert error.heightForWidth(error.width()) <= error.slot.height(), error.text()
    for url in (
        "htp:/not a url",
        "https://my-subdomain.it-cpi018.cfapps.eu10-003.hana.ondemand.com/",
    ):
        page.url.setText(url)
        shown = page.url_warning if "cfapps" in url else page.url_error
        wizard.qtbot.waitUntil(lambda shown=shown: shown.isVisible() and bool(shown.text()))
        wizard.qtbot.waitUntil(lambda: _top(page.environment) == below_top, timeout=2000)
        assert shown.heightForWidth(shown.width()) <= shown.slot.height(), shown.text()
    assert _top(page.url) == url_top and _top(page.environment) == below_top

"""What appears while the person types does not move what they are about to click: a field error
on step 1 keeps its line, so the rows below stay where they were; and a combo box too narrow for
its chosen text shows it ending in "…" with the whole text as the tooltip."""

from __future__ import annotations

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

"""The start page with a fleet of 1,000 sender systems: the names at once, the details filled in
by workers, filter and sort by expiry, colours that follow the palette, an unreadable profile
among them, SAP-signed ones with their renewal setting, and Enter resumes the selected one."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import open_window
from tests.ui.fleet import Fleet, make_fleet
from wizard.core.expiry import Expiry
from wizard.core.flow import ProfileRow, Step
from wizard.ui.pages import start as start_module
from wizard.ui.stall import StallMeter
from wizard.ui.widgets.banner import Severity, severity_colour
from wizard.ui.widgets.profile_table import ROW_ROLE, Column

COUNT = 1000
BROKEN = 500  # sys-0500 has a damaged profile.json


@pytest.fixture
def fleet(home) -> Fleet:
    return make_fleet(home, COUNT, broken=BROKEN)


def shown_rows(page) -> list[ProfileRow]:
    """The rows in the order the list shows them (after filter and sort)."""
    proxy = page.proxy
    return [proxy.index(row, 0).data(ROW_ROLE) for row in range(proxy.rowCount())]


def shown_names(page) -> list[str]:
    return [page.list.topLevelItem(row).text(Column.NAME) for row in range(page.proxy.rowCount())]


def item(page, name: str):
    return page.list.topLevelItem(page.proxy.mapFromSource(page.model.index_of(name)).row())


def click_header(qtbot, page, column: Column) -> None:
    header = page.list.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


class ReadSpy:
    """Stands between the start page and core's profile_rows: notes where and how much each
    worker job read; the first job waits for `release`, so the names-only list can be seen."""

    def __init__(self, real) -> None:
        self.real = real
        self.release = threading.Event()
        self.threads: list[str] = []
        self.sizes: list[int] = []

    def __call__(self, *args, **kwargs):
        self.release.wait(60)
        self.threads.append(threading.current_thread().name)
        rows = self.real(*args, **kwargs)
        self.sizes.append(len(rows))
        return rows


def test_a_thousand_sender_systems_show_their_names_at_once_and_fill_in_from_workers(
    qtbot, fleet, memory_keyring, monkeypatch, main_thread_name
):
    spy = ReadSpy(start_module.profile_rows)
    monkeypatch.setattr(start_module, "profile_rows", spy)
    window = open_window(qtbot, fleet.home, memory_keyring)
    try:
        page = window.pages[Step.START]
        # The names are there before any profile is read, and the page is usable meanwhile.
        qtbot.waitUntil(lambda: page.list.topLevelItemCount() == COUNT, timeout=20000)
        assert shown_names(page) == fleet.names
        assert page.list.topLevelItem(0).text(Column.ENVIRONMENT) == ""
        assert page.rows == [] and page.loading and not page.rows_loaded_once
        assert f"0 of {COUNT}" in page.count.text() and page.count.isVisible()
        assert page.new_button.isEnabled()
        assert not page.resume_button.isEnabled()  # the selected one is not read yet

        meter = StallMeter()
        meter.start()
        spy.release.set()
        qtbot.waitUntil(lambda: page.rows_loaded_once, timeout=60000)
        longest = meter.stop()
        print(
            f"\n[start page] {COUNT} profiles in {len(spy.sizes)} worker jobs; "
            f"longest GUI-thread gap while they were read: {longest:.1f} ms "
            f"over {meter.ticks} ticks"
        )
        assert [r.name for r in page.rows] == fleet.names
        assert main_thread_name not in spy.threads  # every chunk was read off the GUI thread
        assert sum(spy.sizes) == COUNT and max(spy.sizes) <= start_module.CHUNK
        assert len(spy.sizes) >= COUNT // start_module.CHUNK
        assert not page.loading and not page.count.isVisible()
        assert page.resume_button.isEnabled()  # sys-0000, selected first, is read now
        first = page.list.topLevelItem(0)
        assert (first.text(Column.NAME), first.text(Column.STATE)) == ("sys-0000", "new")
    finally:
        spy.release.set()
        window.shutdown()
        QThreadPool.globalInstance().waitForDone(60000)


def test_typing_in_the_filter_narrows_the_thousand_to_the_matching_ones(fleet, open_wizard):
    wizard = open_wizard()
    page = wizard.page_of(Step.START)
    assert page.filter_label.buddy() is page.filter and page.filter.isVisible()
    wizard.qtbot.keyClicks(page.filter, "sys-04")
    assert shown_names(page) == [f"sys-04{n:02d}" for n in range(100)]
    assert page.count.text() == f"100 of {COUNT} shown"

    page.filter.clear()
    assert page.proxy.rowCount() == COUNT and not page.count.isVisible()
    # Every word must match, in any column, in any case: Neo systems whose certificate expired.
    wizard.qtbot.keyClicks(page.filter, "NEO expired")
    expected = [n for n in fleet.named("expired") if fleet.environment[n] == "neo"]
    assert expected and shown_names(page) == expected
    for row in range(page.proxy.rowCount()):
        shown = page.list.topLevelItem(row)
        assert shown.text(Column.ENVIRONMENT) == "Neo" and "(expired)" in shown.text(Column.EXPIRES)
    assert page.count.text() == f"{len(expected)} of {COUNT} shown"
    # The selection follows what is shown, so Resume acts on a visible profile.
    assert page.selected_name() in expected


def test_sorting_by_expiry_puts_the_expired_first_by_date_and_those_without_one_last(
    fleet, open_wizard
):
    wizard = open_wizard()
    page = wizard.page_of(Step.START)
    page.select("sys-0004")
    click_header(wizard.qtbot, page, Column.EXPIRES)
    if page.list.horizontalHeader().sortIndicatorOrder() is not Qt.SortOrder.AscendingOrder:
        click_header(wizard.qtbot, page, Column.EXPIRES)
    assert page.list.horizontalHeader().sortIndicatorSection() == Column.EXPIRES
    rows = shown_rows(page)
    expired = len(fleet.named("expired"))
    assert expired and all(r.expiry is Expiry.EXPIRED for r in rows[:expired])
    dated = [r.not_after for r in rows if r.not_after is not None]
    assert dated == sorted(dated) and len(dated) == len(fleet.not_after)
    assert all(r.not_after is None for r in rows[len(dated) :])  # new and unreadable: last
    assert rows[0].not_after == min(fleet.not_after.values())
    assert page.selected_name() == "sys-0004"  # the selection stays on its profile

    click_header(wizard.qtbot, page, Column.EXPIRES)  # again: the latest first
    rows = shown_rows(page)
    dated = [r.not_after for r in rows if r.not_after is not None]
    assert dated == sorted(dated, reverse=True) and rows[0].not_after == dated[0]
    assert all(r.not_after is None for r in rows[len(dated) :])  # still last


def test_expiry_colours_are_red_and_amber_and_follow_a_dark_palette(fleet, open_wizard):
    wizard = open_wizard()
    page = wizard.page_of(Step.START)
    expired, due_days, due_lifetime, fine = (
        fleet.named(kind)[0] for kind in ("expired", "due_days", "due_lifetime", "ok")
    )

    def colour(name: str) -> QColor:
        return item(page, name).foreground(Column.EXPIRES).color()

    light = page.palette()
    assert colour(expired) == severity_colour(light, Severity.ERROR)
    assert colour(due_days) == severity_colour(light, Severity.WARNING)
    assert colour(due_lifetime) == severity_colour(light, Severity.WARNING)  # 2/3 used
    assert "day" in item(page, due_days).text(Column.EXPIRES)
    assert item(page, fine).foreground(Column.EXPIRES).style() == Qt.BrushStyle.NoBrush

    app = QApplication.instance()
    before = app.palette()
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Window, QColor(32, 32, 32))
    dark.setColor(QPalette.ColorRole.WindowText, QColor(230, 230, 230))
    try:
        app.setPalette(dark)  # the desktop switched to dark
        wizard.qtbot.waitUntil(lambda: colour(expired) != severity_colour(light, Severity.ERROR))
        assert colour(expired) == severity_colour(page.palette(), Severity.ERROR)
        assert colour(due_days) == severity_colour(page.palette(), Severity.WARNING)
        assert colour(expired).lightness() > severity_colour(light, Severity.ERROR).lightness()
    finally:
        app.setPalette(before)


def test_an_unreadable_profile_among_a_thousand_says_why_and_can_only_be_removed(
    fleet, open_wizard
):
    wizard = open_wizard()
    page = wizard.page_of(Step.START)
    assert len(page.rows) == COUNT  # the other 999 are read all the same
    broken = item(page, fleet.broken)
    assert broken.text(Column.STATE) == "cannot be read"
    assert "profile.json" in broken.toolTip(Column.NAME)
    page.select(fleet.broken)
    assert page.problem.isVisible() and "profile.json" in page.problem.text()
    assert not page.resume_button.isEnabled() and not page.renew_button.isEnabled()
    assert page.remove_button.isEnabled()
    page.select("sys-0501")
    assert not page.problem.isVisible() and page.resume_button.isEnabled()


def test_sap_signed_profiles_show_whether_sap_renews_them(fleet, open_wizard):
    wizard = open_wizard()
    page = wizard.page_of(Step.START)
    assert {True, False} <= set(fleet.sap_auto_renew.values())
    for name, auto in fleet.sap_auto_renew.items():
        shown = item(page, name)
        assert shown.text(Column.SAP) == ("yes, SAP renews it" if auto else "yes, renewed by hand")
        assert "SAP" in shown.toolTip(Column.SAP)
    assert item(page, "sys-0006").text(Column.SAP) == ""  # signed by another CA
    wizard.qtbot.keyClicks(page.filter, "SAP renews")
    assert sorted(shown_names(page)) == sorted(n for n, a in fleet.sap_auto_renew.items() if a)


def test_enter_on_a_row_resumes_that_profile_where_it_stopped(fleet, open_wizard):
    wizard = open_wizard()
    page = wizard.page_of(Step.START)
    page.select("sys-0905")  # only named so far: it resumes at the tenant page
    page.list.setFocus()
    wizard.qtbot.keyClick(page.list, Qt.Key.Key_Return)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT, timeout=10000)
    tenant = wizard.page_of(Step.TENANT)
    assert tenant.name.text() == "sys-0905" and tenant.name.isReadOnly()

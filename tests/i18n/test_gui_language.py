"""The wizard in the user's language: German titles and stock buttons, the language choice on
the start page, and no clipped text at the minimum window size in any language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QThreadPool
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWizard

from tests.ui.conftest import Driver, open_window
from wizard.core import i18n
from wizard.core.flow import Step
from wizard.language import LANGUAGES, choose_language
from wizard.ui.app import install_translators
from wizard.ui.screenshots import tour


@pytest.fixture
def in_language(qapp) -> Iterator:
    """Install the catalogues of a language on the application (as `--lang` does at start)."""
    installed = []

    def use(language: str) -> None:
        installed.extend(install_translators(QApplication.instance(), language))

    yield use
    for translator in installed:
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())
    i18n.set_translator(None)


@pytest.fixture
def windows(qtbot, home: Path, memory_keyring) -> Iterator:
    opened = []

    def make() -> Driver:
        window = open_window(qtbot, home, memory_keyring)
        opened.append(window)
        driver = Driver(qtbot, window)
        driver.wait_start_list()
        return driver

    yield make
    for window in opened:
        window.shutdown()
    QThreadPool.globalInstance().waitForDone(60000)


def test_the_wizard_starts_in_german_with_translated_titles_and_buttons(
    windows, in_language, catalogues
):
    in_language("de")
    wizard = windows()
    window = wizard.window
    assert window.windowTitle() == "SAP Cloud Integration: Assistent für Client-Zertifikate"
    start = wizard.page_of(Step.START)
    assert start.title() == "Sendersysteme"
    assert start.new_button.text() == "&Neues Sendersystem"
    wizard.click(start.new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    tenant = wizard.page_of(Step.TENANT)
    assert tenant.title() == "Sendersystem und Tenant"
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert "Weiter" in next_button.text()
    assert "Zurück" in wizard.button(QWizard.WizardButton.BackButton).text()
    wizard.qtbot.keyClicks(tenant.name, "ERP-PRD")
    wizard.qtbot.keyClicks(tenant.url, "https://127.0.0.1:9/http/orders")
    wizard.qtbot.waitUntil(next_button.isEnabled)
    wizard.click(next_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TRUST, timeout=10000)
    assert wizard.page.title() == "Dem Tenant vertrauen"
    assert wizard.page.subTitle() == "Schritt 2 von 9"


def test_choosing_a_language_saves_it_and_says_it_applies_at_the_next_start(windows, home):
    wizard = windows()
    start = wizard.page_of(Step.START)
    assert start.language_label.buddy() is start.language
    assert [start.language.itemData(i) for i in range(start.language.count())] == [
        None,
        *LANGUAGES,
    ]
    start.language.setCurrentIndex(start.language.findData("de"))
    assert json.loads((home / "settings.json").read_text()) == {"language": "de"}
    assert start.language_note.isVisible()
    assert "next time the wizard starts" in start.language_note.text()
    assert choose_language(None, home, {}) == "de"  # the next start (GUI or CLI) is German
    start.language.setCurrentIndex(0)  # System default
    assert json.loads((home / "settings.json").read_text()) == {}


def test_a_japanese_font_is_installed_for_the_screenshots(qapp):
    families = QFontDatabase.families(QFontDatabase.WritingSystem.Japanese)
    assert families, "no font renders Japanese: install fonts-noto-cjk (make test does)"


def clipped(window) -> list[str]:
    """Visible texts that need more room than they got (1 px of rounding allowed)."""
    found = []
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text().strip():
            continue
        width, height = label.width(), label.height()
        if label.wordWrap():
            need = label.heightForWidth(width)
            if need > height + 1:
                found.append(f"label {label.text()[:50]!r}: needs {need} px high, has {height}")
        else:
            hint = label.sizeHint()
            if hint.width() > width + 1 or hint.height() > height + 1:
                found.append(
                    f"label {label.text()[:50]!r}: needs {hint.width()}x{hint.height()}, "
                    f"has {width}x{height}"
                )
    for button in window.findChildren(QAbstractButton):
        if (
            button.isVisibleTo(window)
            and button.text()
            and (button.sizeHint().width() > button.width() + 1)
        ):
            found.append(
                f"button {button.text()!r}: needs {button.sizeHint().width()} px, has "
                f"{button.width()}"
            )
    return found


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "ja"])
def test_no_text_is_clipped_at_the_minimum_window_size(
    qtbot, home, memory_keyring, in_language, catalogues, language, tmp_path
):
    in_language(language)
    window = open_window(qtbot, home, memory_keyring)
    window.resize(window.minimumSize())
    problems: dict[str, list[str]] = {}

    def look(step: Step) -> None:
        # A page that has just shown a result lays it out over a few event-loop turns: only
        # text that stays clipped once the layout has settled counts.
        for _ in range(40):
            QCoreApplication.processEvents()
            if not (found := clipped(window)):
                break
            qtbot.wait(50)
        assert window.size() == window.minimumSize()
        window.grab().save(str(tmp_path / f"{language}-{step.name.lower()}.png"))
        if found:
            problems[step.name] = found

    try:
        tour(window, shot=look)
    finally:
        window.shutdown()
        QThreadPool.globalInstance().waitForDone(60000)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(
        f"{language}-{step.name.lower()}.png" for step in Step
    )  # every page was looked at
    assert problems == {}

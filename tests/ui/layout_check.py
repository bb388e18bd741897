"""What a person would see cut off or clashing on a page: the checks behind test_fit.py.

`cut_widgets` lists every visible control that reaches outside what is shown of it (its parents
clip it; a page scrolls vertically, never sideways), every word-wrapped label shorter than its
text needs, every one-line label or button narrower than its text. `mnemonic_clashes` lists the
Alt+letter shortcuts that two visible controls share.
"""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtCore import QRect
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QWidget,
    QWizard,
)

# Composite widgets whose insides Qt lays out itself (cells, editors, arrows).
OPAQUE = (QAbstractItemView, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox)


def _inside_opaque(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, OPAQUE):
            return True
        parent = parent.parentWidget()
    return False


def _describe(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, (QLabel, QAbstractButton)):
        text = widget.text()
    elif isinstance(widget, QGroupBox):
        text = widget.title()
    elif isinstance(widget, QLineEdit):
        text = widget.text() or widget.placeholderText()
    name = widget.objectName() or type(widget).__name__
    return f"{name} {text[:50]!r}" if text else name


def _scrolls_vertically(area: QWidget) -> bool:
    scroll = area.parentWidget()
    return isinstance(scroll, QAbstractScrollArea) and scroll.viewport() is area


def cut_widgets(window: QWidget) -> list[str]:
    """Every visible widget of `window` that is cut, squeezed or clipped, in words."""
    found: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.isWindow() or isinstance(widget, QScrollBar):
            continue
        if _inside_opaque(widget, window):
            continue
        # Clipped by an ancestor: sideways always; up and down only outside a scroll area.
        rect = QRect(widget.rect())
        child: QWidget = widget
        parent = widget.parentWidget()
        while parent is not None and not child.isWindow():
            rect.translate(child.pos())
            bounds = parent.rect()
            vertical_ok = _scrolls_vertically(parent)
            if rect.left() < bounds.left() - 1 or rect.right() > bounds.right() + 1:
                found.append(f"{_describe(widget)}: beyond the right or left edge")
                break
            if not vertical_ok and (
                rect.top() < bounds.top() - 1 or rect.bottom() > bounds.bottom() + 1
            ):
                found.append(f"{_describe(widget)}: beyond the top or bottom edge")
                break
            if vertical_ok:
                break  # the page scrolls: inside its width is all that counts
            child, parent = parent, parent.parentWidget()
        else:
            pass
        if isinstance(widget, QLabel) and widget.text() and not getattr(widget, "elides", False):
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
                if needed > widget.height() + 1:
                    found.append(
                        f"{_describe(widget)}: {widget.height()} px high, its text needs {needed}"
                    )
            elif widget.width() + 1 < widget.minimumSizeHint().width():
                found.append(
                    f"{_describe(widget)}: {widget.width()} px wide, its text needs "
                    f"{widget.minimumSizeHint().width()}"
                )
        elif isinstance(widget, QAbstractButton) and widget.text():
            if widget.width() + 1 < widget.minimumSizeHint().width():
                found.append(
                    f"{_describe(widget)}: {widget.width()} px wide, its text needs "
                    f"{widget.minimumSizeHint().width()}"
                )
        elif isinstance(widget, (QComboBox, QLineEdit, QAbstractSpinBox)):
            if widget.width() + 1 < widget.minimumSizeHint().width():
                found.append(f"{_describe(widget)}: squeezed below its smallest size")
    return sorted(set(found))


def _mnemonic_owners(window: QWizard) -> list[tuple[str, str]]:
    """(shortcut, text) for every visible control with an Alt+letter on the current page and
    the wizard's own buttons."""
    owners: list[tuple[str, str]] = []
    wizard_buttons = {
        id(window.button(which))
        for which in (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.CommitButton,
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.CancelButton,
        )
    }
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.isWindow():
            continue
        page = window.currentPage()
        in_page = page is not None and (page is widget or page.isAncestorOf(widget))
        is_button_row = id(widget) in wizard_buttons
        if not (in_page or is_button_row):
            continue
        if isinstance(widget, QLabel):
            if widget.buddy() is None:
                continue
            text = widget.text()
        elif isinstance(widget, QAbstractButton):
            text = widget.text()
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            text = widget.title()
        else:
            continue
        key = QKeySequence.mnemonic(text)
        if not key.isEmpty():
            owners.append((key.toString(), text))
    return owners


def mnemonic_clashes(window: QWizard) -> list[str]:
    by_key: dict[str, list[str]] = defaultdict(list)
    for key, text in _mnemonic_owners(window):
        by_key[key.upper()].append(text)
    return [f"{key}: {texts}" for key, texts in sorted(by_key.items()) if len(texts) > 1]


def mnemonic_count(window: QWizard) -> int:
    return len(_mnemonic_owners(window))


# What the window must not show: command-line speak, raw verdict codes.
RAW_CODES = re.compile(
    r"\b(?:NOT_MAPPED|NOT_AUTHORIZED|NO_CERT_FORWARDED|NO_CERT_REQUESTED|CLIENT_CERT_REJECTED|"
    r"SERVER_UNTRUSTED|NO_ENDPOINT|FLOW_FAILED|PROXY_ERROR|NOT_TLS)\b"
)


def command_line_speak(window: QWidget) -> list[str]:
    """Visible labels and buttons that speak command line or show a raw verdict code."""
    from wizard.ui.text import CLI_SPEAK

    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or not isinstance(widget, (QLabel, QAbstractButton)):
            continue
        text = widget.text()
        if CLI_SPEAK.search(text) or RAW_CODES.search(text):
            found.append(text[:120])
    return found

"""Read-only text (a CSR, JSON for the tenant, a curl line) with Copy and optional Save."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from wizard.ui.text import translate


class CopyableText(QWidget):
    save_requested = Signal()
    copied = Signal()

    def __init__(
        self, parent=None, *, save: bool = False, lines: int = 6, wrap: bool = False
    ) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setReadOnly(True)
        self.fixed_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.edit.setFont(self.fixed_font)
        self.edit.setLineWrapMode(
            QPlainTextEdit.LineWrapMode.WidgetWidth if wrap else QPlainTextEdit.LineWrapMode.NoWrap
        )
        self.edit.setTabChangesFocus(True)
        height = self.edit.fontMetrics().lineSpacing() * lines + 12
        self.edit.setMinimumHeight(min(height, 200))
        self.copy = QPushButton(translate("CopyableText", "Copy"), self)
        self.copy.setAutoDefault(False)
        self.copy.clicked.connect(self._copy)
        self.save = QPushButton(translate("CopyableText", "Save…"), self)
        self.save.setAutoDefault(False)
        self.save.setVisible(save)
        self.save.clicked.connect(self.save_requested)
        buttons = QVBoxLayout()
        buttons.addWidget(self.copy)
        buttons.addWidget(self.save)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addLayout(buttons)

    def set_text(self, text: str) -> None:
        self.edit.setFont(font_covering(text, self.fixed_font))
        self.edit.setPlainText(text)

    def text(self) -> str:
        return self.edit.toPlainText()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.copied.emit()


def _covers(font: QFont, text: str) -> bool:
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(c)) for c in set(text) if not c.isspace())


def font_covering(text: str, preferred: QFont) -> QFont:
    """`preferred`, or a font of its size that has every character of `text` (Japanese lines
    next to English ones): one font for the whole box, so no line comes out in another size
    from a fallback font. Fixed-pitch families first."""
    if _covers(preferred, text):
        return preferred
    families = QFontDatabase.families(QFontDatabase.WritingSystem.Japanese)
    for family in sorted(families, key=lambda f: not QFontDatabase.isFixedPitch(f)):
        font = QFont(preferred)
        font.setFamilies([family])
        if _covers(font, text):
            return font
    return preferred

"""Read-only text (a CSR, JSON for the tenant, a curl line) with Copy and optional Save."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
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
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
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
        self.edit.setPlainText(text)

    def text(self) -> str:
        return self.edit.toPlainText()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.copied.emit()

"""The verdict of a test call, big and in words: title, what it means, what to do next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from wizard.ui.text import translate
from wizard.ui.widgets.banner import Severity, tinted
from wizard.ui.widgets.icons import icon
from wizard.ui.widgets.wrap_label import HeightCachedLabel


class VerdictBanner(QFrame):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self._icon = QLabel(self)
        self._icon.setFixedSize(48, 48)
        self.title = HeightCachedLabel(self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.meaning = HeightCachedLabel(self)
        self.next_step = HeightCachedLabel(self)
        for label in (self.meaning, self.next_step):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        texts = QVBoxLayout()
        texts.addWidget(self.title)
        texts.addWidget(self.meaning)
        texts.addWidget(self.next_step)
        row = QHBoxLayout(self)
        row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        self.code = ""
        self.hide()

    def show_verdict(self, code: str, title: str, meaning: str, next_step: str) -> None:
        self.code = code
        severity = Severity.OK if code == "OK" else Severity.ERROR
        self._icon.setPixmap(icon(str(severity)).pixmap(48, 48))
        self.title.setText(title)
        self.meaning.setText(meaning)
        self.next_step.setText(translate("VerdictBanner", "Next step: ") + next_step)
        palette = self.palette()
        palette.setColor(palette.ColorRole.Window, tinted(self.parentWidget().palette(), severity))
        self.setPalette(palette)
        self.setAccessibleName(title)
        self.show()

    def clear(self) -> None:
        self.code = ""
        self.hide()

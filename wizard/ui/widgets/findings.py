"""Every error and warning core found about a chain, each in words with its fix."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.icons import icon
from wizard.ui.widgets.wrap_label import WrapLabel


class FindingsView(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.items: list[tuple[Severity, str]] = []

    def set_findings(self, findings: Sequence[tuple[Severity, str]]) -> None:
        while self._layout.count():
            child = self._layout.takeAt(0)
            if child.widget():
                child.widget().deleteLater()
            elif child.layout():
                _drop(child.layout())
        self.items = list(findings)
        for severity, message in findings:
            row = QHBoxLayout()
            mark = QLabel(self)
            mark.setPixmap(icon(str(severity)).pixmap(16, 16))
            mark.setFixedSize(16, 16)
            text = WrapLabel(message, self)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(text, 1)
            self._layout.addLayout(row)
        self.setVisible(bool(findings))

    def text(self) -> str:
        return "\n".join(message for _severity, message in self.items)


def _drop(layout) -> None:
    while layout.count():
        child = layout.takeAt(0)
        if child.widget():
            child.widget().deleteLater()

"""Every error and warning core found about a chain, each in words with its fix."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.icons import icon
from wizard.ui.widgets.layout_batch import laid_out_once
from wizard.ui.widgets.wrap_label import WrapLabel


class FindingsView(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.items: list[tuple[Severity, str]] = []
        self._rows: list[tuple[QLabel, WrapLabel]] = []

    def _row(self, index: int) -> tuple[QLabel, WrapLabel]:
        """The index-th row of icon and text, made the first time it is needed and kept: a
        page that shows new findings changes texts instead of building widgets (issue 19)."""
        while len(self._rows) <= index:
            row = QHBoxLayout()
            mark = QLabel(self)
            mark.setFixedSize(16, 16)
            text = WrapLabel("", self)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(text, 1)
            self._layout.addLayout(row)
            self._rows.append((mark, text))
        return self._rows[index]

    def prepare(self, rows: int) -> None:
        """Make `rows` rows now (hidden), so that showing that many findings later only sets
        texts (the wizard calls this while the page before is being read)."""
        with laid_out_once(self._layout):
            for index in range(rows):
                for widget in self._row(index):
                    widget.setVisible(index < len(self.items))
                    widget.ensurePolished()

    def set_findings(self, findings: Sequence[tuple[Severity, str]]) -> None:
        self.items = list(findings)
        with laid_out_once(self._layout):
            self._fill()
        self.setVisible(bool(findings))

    def _fill(self) -> None:
        # Shown here, not by Qt later one by one: each later show would lay the page out again.
        for index, (severity, message) in enumerate(self.items):
            mark, text = self._row(index)
            mark.setPixmap(icon(str(severity)).pixmap(16, 16))
            text.setText(message)
            mark.setVisible(True)
            text.setVisible(True)
        for mark, text in self._rows[len(self.items) :]:
            mark.setVisible(False)
            text.setVisible(False)
            text.setText("")

    def text(self) -> str:
        return "\n".join(message for _severity, message in self.items)

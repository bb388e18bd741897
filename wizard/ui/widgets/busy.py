"""The busy indicator for long work: a moving bar, what is happening, and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from wizard.ui.text import translate


class BusyBar(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # indeterminate: core reports no percentages
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(160)
        self.bar.setAccessibleName(translate("BusyBar", "Working"))
        self.cancel = QPushButton(translate("BusyBar", "Cancel"), self)
        self.cancel.setAutoDefault(False)
        self.cancel.clicked.connect(self.cancel_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar)
        row.addWidget(self.label, 1)
        row.addWidget(self.cancel)
        self.hide()

    def start(self, text: str, *, cancellable: bool) -> None:
        self.label.setText(text)
        self.cancel.setVisible(cancellable)
        self.cancel.setEnabled(True)
        self.show()

    def say(self, text: str) -> None:
        self.label.setText(text)

    def stop(self) -> None:
        self.hide()

"""The busy indicator for long work: a moving bar and what is happening. Stopping it is the
wizard's own Cancel button (one Cancel, one meaning), which the text names when it can."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from wizard.ui.text import translate


class BusyBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cancellable = False
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # indeterminate: core reports no percentages
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(160)
        self.bar.setAccessibleName(translate("BusyBar", "Working"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar)
        row.addWidget(self.label, 1)
        self.hide()

    def start(self, text: str, *, cancellable: bool) -> None:
        self.cancellable = cancellable
        self.label.setText(
            text + " " + translate("BusyBar", "(Cancel stops it.)") if cancellable else text
        )
        self.show()

    def say(self, text: str) -> None:
        self.label.setText(text)

    def stop(self) -> None:
        self.hide()

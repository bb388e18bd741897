"""A message strip with an icon, tinted from the system palette (light and dark alike)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout

from wizard.ui.widgets.icons import icon
from wizard.ui.widgets.wrap_label import HeightCachedLabel


class Severity(StrEnum):
    INFO = "info"
    OK = "ok"
    WARNING = "warn"
    ERROR = "error"


_TINT = {
    Severity.INFO: QColor("#3a78c9"),
    Severity.OK: QColor("#2e9e4f"),
    Severity.WARNING: QColor("#e8a317"),
    Severity.ERROR: QColor("#d0343a"),
}


def tinted(palette: QPalette, severity: Severity, amount: float = 0.16) -> QColor:
    """The window colour with a little of the severity's colour mixed in."""
    base = palette.color(QPalette.ColorRole.Window)
    tint = _TINT[severity]
    mix = [
        round(b * (1 - amount) + t * amount)
        for b, t in zip(base.getRgb()[:3], tint.getRgb()[:3], strict=True)
    ]
    return QColor(*mix)


def severity_colour(palette: QPalette, severity: Severity) -> QColor:
    """Text colour for a severity that stays readable on this palette (dark or light)."""
    colour = QColor(_TINT[severity])
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return colour.lighter(140) if dark else colour.darker(120)


class Banner(QFrame):
    """Icon, a title in bold, a text; optional action button. Hidden until `show_message`."""

    action = Signal()

    def __init__(self, parent=None, *, icon_size: int = 24) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self._icon = QLabel(self)
        self._icon_size = icon_size
        self._icon.setFixedSize(icon_size, icon_size)
        self.title = HeightCachedLabel(self)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = HeightCachedLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.button = QPushButton(self)
        self.button.hide()
        self.button.clicked.connect(self.action)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.title)
        texts.addWidget(self.text)
        row = QHBoxLayout(self)
        row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.severity = Severity.INFO
        self._tinting = False
        self.setAccessibleName("banner")
        self.hide()

    def show_message(
        self,
        severity: Severity,
        title: str,
        text: str = "",
        *,
        action: str | None = None,
    ) -> None:
        self.severity = severity
        self._icon.setPixmap(icon(str(severity)).pixmap(self._icon_size, self._icon_size))
        self.title.setText(title)
        self.title.setVisible(bool(title))
        self.text.setText(text)
        self.text.setVisible(bool(text))
        if action:
            self.button.setText(action)
            self.button.show()
        else:
            self.button.hide()
        self._apply_tint()
        self.setAccessibleDescription(f"{title} {text}".strip())
        self.show()

    def clear(self) -> None:
        self.title.clear()
        self.text.clear()
        self.hide()

    def message(self) -> str:
        """Everything the banner says ("" while hidden), for tests and screen readers."""
        if self.isHidden():
            return ""
        return f"{self.title.text()}\n{self.text.text()}".strip()

    def _apply_tint(self) -> None:
        source = self.parentWidget().palette() if self.parentWidget() else self.palette()
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, tinted(source, self.severity))
        self.setPalette(palette)

    def changeEvent(self, event) -> None:  # the system switched light/dark: re-tint
        if event.type() == QEvent.Type.PaletteChange and not self._tinting:
            self._tinting = True
            try:
                self._apply_tint()
            finally:
                self._tinting = False
        super().changeEvent(event)

"""A word-wrapped label that also wraps inside long paths, URLs and DNs (never wider than the
window), and a one-line label that elides what does not fit and shows all of it as a tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from wizard.ui.text import breakable, unbroken


class HeightCachedLabel(QLabel):
    """A word-wrapped QLabel that remembers its height per width.

    Qt's layouts ask a label's heightForWidth 20-35 times for 3-5 widths each time a page lays
    itself out, and QLabel lays the whole text out again for every question (a selectable
    label through a QTextDocument: up to 0.15 ms each); a page showing a result spent 5-17 ms
    of the GUI thread on it (issue 19). Everything the height depends on clears the cache:
    the text, the font or style (changeEvent), margins, indent, wrapping and format."""

    _HEIGHTS_KEPT = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        self._heights: dict[int, int] = {}
        super().__init__(parent)

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) >= self._HEIGHTS_KEPT:
                self._heights.clear()
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def _forget_heights(self) -> None:
        self._heights.clear()

    def setText(self, text: str) -> None:
        self._heights.clear()
        super().setText(text)

    def clear(self) -> None:
        self._heights.clear()
        super().clear()

    def changeEvent(self, event) -> None:  # font, style, language direction, …
        self._heights.clear()
        super().changeEvent(event)

    def setWordWrap(self, on: bool) -> None:
        self._heights.clear()
        super().setWordWrap(on)

    def setTextFormat(self, text_format) -> None:
        self._heights.clear()
        super().setTextFormat(text_format)

    def setTextInteractionFlags(self, flags) -> None:
        self._heights.clear()
        super().setTextInteractionFlags(flags)

    def setIndent(self, indent: int) -> None:
        self._heights.clear()
        super().setIndent(indent)

    def setMargin(self, margin: int) -> None:
        self._heights.clear()
        super().setMargin(margin)

    def setContentsMargins(self, *margins) -> None:
        self._heights.clear()
        super().setContentsMargins(*margins)

    def setFont(self, font) -> None:
        self._heights.clear()
        super().setFont(font)


class WrapLabel(HeightCachedLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(breakable(text))

    def text(self) -> str:
        return unbroken(super().text())


class ElidedLabel(QLabel):
    """One line; too long a value ends in "…" and the whole value is the tooltip."""

    elides = True  # the layout check knows this label cuts on purpose

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideMiddle, self.width()
        )
        super().setText(shown)

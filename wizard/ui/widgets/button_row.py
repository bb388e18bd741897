"""The pages' rows of buttons: one helper instead of a copy on every page.

A row wraps onto a second line when the window (or the language) is too narrow for it, so no
button is ever cut off; page buttons never take Enter from the wizard's Next (not auto-default).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QPushButton, QSizePolicy, QWidget, QWidgetItem


class FlowLayout(QLayout):
    """Widgets left to right, wrapping to the next line when the width runs out; `end` widgets
    go to the right edge when they fit on the first line."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QWidgetItem] = []
        self._end_from: int | None = None
        # Qt asks heightForWidth and sizeHint many times per layout pass; each answer costs
        # Python calls per button, so they are kept until the layout is invalidated (a button
        # shown, hidden or retitled invalidates it). Uncached they were GUI-thread stalls of
        # 10-30 ms when a page showed a result (issue 19).
        self._hints: list[tuple[int, QWidgetItem, QSize]] | None = None
        self._heights: dict[int, int] = {}
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item) -> None:
        self._items.append(item)
        self._forget()

    def _forget(self) -> None:
        self._hints = None
        self._heights.clear()

    def invalidate(self) -> None:
        self._forget()
        super().invalidate()

    def _visible(self) -> list[tuple[int, QWidgetItem, QSize]]:
        if self._hints is None:
            self._hints = [
                (n, i, i.sizeHint()) for n, i in enumerate(self._items) if not i.isEmpty()
            ]
        return self._hints

    def mark_end(self) -> None:
        """The widgets added after this call sit at the right edge."""
        self._end_from = len(self._items)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        self._forget()
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._place(QRect(0, 0, width, 0), move=False)
        return height

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        visible = self._visible()
        width = sum(h.width() for _, _, h in visible) + self.spacing() * max(len(visible) - 1, 0)
        height = max((h.height() for _, _, h in visible), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, *, move: bool) -> int:
        visible = self._visible()
        spacing = self.spacing()
        total = sum(h.width() for _, _, h in visible) + spacing * max(len(visible) - 1, 0)
        one_line = total <= rect.width()
        x, y, line_height = rect.x(), rect.y(), 0
        if one_line and self._end_from is not None:
            end_width = sum(h.width() + spacing for n, _, h in visible if n >= self._end_from)
        for n, item, hint in visible:
            width = min(hint.width(), rect.width())
            if one_line and self._end_from is not None and n == self._end_from:
                x = max(x, rect.right() + 1 - end_width + spacing)
            if x > rect.x() and x + width > rect.right() + 1:
                x, y = rect.x(), y + line_height + spacing
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


class ButtonRow(QWidget):
    """Buttons in a row that wraps; `end` buttons sit at the right edge."""

    def __init__(
        self,
        parent: QWidget,
        buttons: Sequence[QPushButton] = (),
        end: Sequence[QPushButton] = (),
    ) -> None:
        super().__init__(parent)
        self.flow = FlowLayout(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        for button in buttons:
            self.add(button)
        if end:
            self.flow.mark_end()
            for button in end:
                self.add(button)

    def add(self, button: QPushButton) -> QPushButton:
        button.setParent(self)
        button.setAutoDefault(False)  # Enter belongs to the wizard's Next
        self.flow.addWidget(button)
        return button


def action_button(
    text: str,
    parent: QWidget,
    on_click: Callable[[], object] | None = None,
    *,
    tooltip: str | None = None,
) -> QPushButton:
    """A page's button: not auto-default (Enter stays with Next), clicked → `on_click()`."""
    button = QPushButton(text, parent)
    button.setAutoDefault(False)
    if tooltip:
        button.setToolTip(tooltip)
    if on_click is not None:
        button.clicked.connect(lambda _checked=False: on_click())
    return button

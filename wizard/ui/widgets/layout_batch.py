"""Lay a widget out once for a batch of changes (issue 19: GUI-thread stalls).

Qt lays out every visible parent of a widget at once each time the widget is shown, so a page
that shows a result by showing five widgets (and setting their texts) laid itself out five
times; word-wrapped labels make each pass cost milliseconds. Inside `laid_out_once(layout)`
the layout sits still; it is laid out once at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QLayout

_open = 0  # batches open now (on the GUI thread)


@contextmanager
def laid_out_once(layout: QLayout) -> Iterator[None]:
    global _open
    if not layout.isEnabled():  # an outer batch of this layout lays it out at its end
        yield
        return
    layout.setEnabled(False)
    _open += 1
    try:
        yield
    finally:
        _open -= 1
        layout.setEnabled(True)
        layout.invalidate()
        owner = layout.parentWidget()
        # Inside another batch (a page showing a result), the outer one gives this widget its
        # size first; laid out now it would be laid out at its old width, then again.
        if _open == 0 and owner is not None and owner.isVisible():
            layout.activate()

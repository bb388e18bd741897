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


@contextmanager
def laid_out_once(layout: QLayout) -> Iterator[None]:
    if not layout.isEnabled():  # an outer batch lays it out at its end
        yield
        return
    layout.setEnabled(False)
    try:
        yield
    finally:
        layout.setEnabled(True)
        layout.invalidate()
        owner = layout.parentWidget()
        if owner is not None and owner.isVisible():
            layout.activate()

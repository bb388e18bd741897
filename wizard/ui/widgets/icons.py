"""The SVG icons in resources/icons (drawn for this project; crisp at any scale)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from wizard.resources import resource

NAMES = ("app", "ok", "warn", "error", "info", "key", "certificate", "tenant")


@cache
def icon(name: str) -> QIcon:
    """`icon("ok")`: resources/icons/ok.svg as a QIcon (empty if the file is missing)."""
    if name not in NAMES:
        raise KeyError(name)
    return QIcon(str(resource(f"icons/{name}.svg")))

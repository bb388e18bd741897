"""Filling translated templates: `%1`, `%2`… placeholders as Qt writes them (lupdate keeps them)."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

_PLACEHOLDER = re.compile(r"%(\d{1,2})")


def arg(template: str, *values: object) -> str:
    """`arg("%1 of %2", 3, 9)` → "3 of 9"; each placeholder is filled once, in one pass."""

    def fill(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(values[index]) if 0 <= index < len(values) else match.group(0)

    return _PLACEHOLDER.sub(fill, template)


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`QCoreApplication.translate` for modules and base classes (an explicit context)."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def from_core(text: str) -> str:
    """A message made by wizard.core (errors, verdicts, findings, checklists): shown as it is.

    Core translates its own texts (wizard.core.i18n, routed to the application's catalogues by
    wizard.language), so they arrive here in the user's language; one place to adapt them.
    """
    return text

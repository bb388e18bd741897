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


ZERO_WIDTH_SPACE = "\u200b"
_LONG_RUN = re.compile(r"\S{24,}")
_BREAK_AFTER = re.compile(r"([/\\._\-=,;:@?&])")


def breakable(text: str) -> str:
    """`text` with places to wrap inside long unbroken runs (paths, URLs, host names, DNs), so a
    word-wrapped label never gets wider than the window."""

    def split(run: str) -> str:
        pieces = _BREAK_AFTER.sub("\\1" + ZERO_WIDTH_SPACE, run).split(ZERO_WIDTH_SPACE)
        chopped = (
            ZERO_WIDTH_SPACE.join(p[i : i + 16] for i in range(0, len(p), 16)) for p in pieces
        )
        return ZERO_WIDTH_SPACE.join(chopped)

    return _LONG_RUN.sub(lambda m: split(m.group(0)), text)


def unbroken(text: str) -> str:
    return text.replace(ZERO_WIDTH_SPACE, "")

"""Translating core's texts without Qt: one hook that the CLI and the GUI fill with Qt's catalogue.

Core keeps English templates with `{named}` fields; a text is looked up first, then filled with
`str.format`, so a translation may move the fields around. `%n` is the count of a plural text.

pyside6-lupdate reads Python by the *names* of the calls, so the two names it knows are used:
- `QT_TRANSLATE_NOOP("context", "text")` marks a text in a table (returns it unchanged); the table's
  user looks it up later with `tr(context, text)` (not extracted: its arguments are variables).
- `translate("context", "text", None, n)` marks and looks up in one go, at the place of use.
Both need a literal context and a literal text (no f-string): lupdate copies the literal.
Never call `tr` with a literal: lupdate reads a two-literal `tr(…)` as Qt's `tr(text, comment)`.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

# (context, text, n) -> the translated text, with %n already replaced by n when n >= 0
Translator = Callable[[str, str, int], str]


def english(context: str, text: str, n: int = -1) -> str:
    """No catalogue: the text itself, %n filled in as Qt would and "(s)" made plural by n.

    English sources of plural texts say "%n name(s)"; here that reads "1 name" or "2 names".
    """
    if n < 0:
        return text
    return text.replace("%n", str(n)).replace("(s)", "" if n == 1 else "s")


_translator: Translator = english


def set_translator(translator: Translator | None) -> None:
    """Installed by the CLI or the GUI; None goes back to English."""
    global _translator
    _translator = translator or english


def tr(context: str, text: str, n: int = -1) -> str:
    """The text in the user's language (the English text when there is no translation)."""
    return _translator(context, text, n)


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`tr` under the name lupdate extracts, with QCoreApplication.translate's arguments."""
    return _translator(context, text, n)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """Marks a table's text for the catalogue; looked up later with `tr(context, text)`."""
    return text


N_ = QT_TRANSLATE_NOOP  # short alias for readers used to gettext; lupdate only sees the long name


class Face(Enum):
    """Who shows a text: the command line names its flags and commands, the window its buttons
    and pages. One catalogue: a message whose words differ has a variant for each face."""

    CLI = "cli"
    GUI = "gui"


_face = Face.CLI


def set_face(face: Face) -> None:
    """Chosen once by the program that shows the texts (the window asks for Face.GUI)."""
    global _face
    _face = face


def current_face() -> Face:
    return _face


def for_face(cli: str, gui: str | None) -> str:
    """The words for the current face: `gui` in the window when there is a GUI variant."""
    return gui if _face is Face.GUI and gui else cli

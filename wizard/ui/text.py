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
    wizard.language), so they arrive here in the user's language; one place to adapt them: the
    window does not speak command line: core words its messages for the window (the GUI asks
    for `wizard.core.i18n.Face.GUI`); a sentence that still gives command-line advice (`--ca-file`,
    `cpi-cert-wizard test-call …`) is left out as a last resort (the page offers its own buttons).
    """
    return gui_face(text)


# Command-line speak: a program call, a --flag, a subcommand name.
CLI_SPEAK = re.compile(
    r"cpi-cert-wizard\s+(?:csr|import-reply|import-p12|import-service-key|export-p12|"
    r"fetch-root|mapping|test-call|analyze-log|sap-sign|batch|expiry|secret|profiles|"
    r"sandbox\s+(?:sign|map|grant|endpoint))\b|(?<![\w-])--[a-z][a-z0-9-]+|"
    r"\b(?:export-p12|import-reply|fetch-root|import-service-key|analyze-log)\b"
)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
_FILE_FLAG = re.compile(r"(?<![\w-])--(?:ca-file|sap-roots)\s+(?=\S)")
_PARENTHESIS = re.compile(r"\s*[（(][^()（）]*[)）]")


def gui_face(text: str) -> str:
    """`text` without the sentences (or parentheses) that give command-line advice."""
    if not CLI_SPEAK.search(text):
        return text
    lines = []
    for line in text.split("\n"):
        if not CLI_SPEAK.search(line):
            lines.append(line)
            continue
        kept = []
        for sentence in _SENTENCE_END.split(line):
            if CLI_SPEAK.search(sentence):
                sentence = _PARENTHESIS.sub(
                    lambda m: "" if CLI_SPEAK.search(m.group(0)) else m.group(0), sentence
                )
                sentence = _FILE_FLAG.sub("", sentence)  # "from --ca-file x.pem": from x.pem
            if sentence.strip() and not CLI_SPEAK.search(sentence):
                kept.append(sentence)
        if kept:
            joiner = "" if any("。" in s for s in kept) else " "
            lines.append(joiner.join(s.strip() for s in kept))
    return "\n".join(lines) if any(line.strip() for line in lines) else text


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


def downloads_folder() -> str:
    """Where file dialogs open: the user's Downloads (what a CA or SAP sent lands there)."""
    from PySide6.QtCore import QStandardPaths

    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)

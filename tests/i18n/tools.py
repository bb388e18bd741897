"""Reading and regenerating the .ts catalogues in tests: Qt's own lupdate/lrelease, a small
reader for the TS format, and the placeholders a translation must keep."""

from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
# %1 … %99 (Qt's arg), %n (the count of a plural), {name} / {name!r} (core's str.format fields)
PLACEHOLDER = re.compile(r"%(?:\d{1,2}|n)|\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")


def qt_tool(name: str) -> Path:
    """lupdate / lrelease as shipped inside the PySide6 wheel (what pyside6-<name> runs)."""
    import PySide6

    exe = Path(PySide6.__file__).resolve().parent / (name + (".exe" if os.name == "nt" else ""))
    assert exe.is_file(), f"{exe} is missing: the PySide6 wheel ships {name}"
    return exe


def ts_file(language: str) -> Path:
    return TRANSLATIONS / f"cpi_cert_wizard_{language}.ts"


def sources() -> list[str]:
    """Every Python file of the program, as `make translations` hands them to lupdate."""
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "wizard").rglob("*.py"))


def lupdate(ts: Path, language: str) -> str:
    """Run lupdate over the program into `ts` (translations already there are kept)."""
    done = subprocess.run(
        [str(qt_tool("lupdate")), *sources(), "-locations", "relative", "-source-language", "en",
         "-target-language", language, "-ts", str(ts)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout + done.stderr


def lrelease(ts: Path, qm: Path) -> str:
    done = subprocess.run(
        [str(qt_tool("lrelease")), str(ts), "-qm", str(qm)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout + done.stderr


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str | None
    plural: bool
    state: str | None  # the translation's type: None (finished), unfinished, obsolete, vanished
    forms: tuple[str, ...]  # the translation, one text per plural form

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.context, self.source, self.comment)


def messages(ts: Path) -> list[Message]:
    found = []
    for context in ET.parse(ts).getroot().iter("context"):  # noqa: S314 - our own .ts files
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            plural = message.get("numerus") == "yes"
            if plural:
                forms = tuple(f.text or "" for f in translation.iter("numerusform"))
            else:
                forms = (translation.text or "",)
            found.append(
                Message(
                    name,
                    message.findtext("source") or "",
                    message.findtext("comment"),
                    plural,
                    translation.get("type"),
                    forms,
                )
            )
    return found


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))

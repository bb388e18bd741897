"""Bring the .ts catalogues up to date and fill in translations, one writer at a time.

    python translations/fill.py update              # lupdate every language (keeps what is translated)
    python translations/fill.py unfinished [--lang de] > todo.json
    python translations/fill.py apply done.json      # fill translations, then lrelease

`todo.json`/`done.json` are a list of objects {"context", "source", "de", "fr", "es", "ja"}
(`unfinished` prints them with the languages empty; `apply` fills only the languages given). Every
sub-command holds a lock folder (translations/.lock) so that two people or scripts running at once
never overwrite each other's work in the catalogues.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("de", "fr", "es", "ja")
LOCK = TRANSLATIONS / ".lock"


@contextlib.contextmanager
def locked(timeout: float = 900) -> Iterator[None]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            LOCK.mkdir()
            break
        except FileExistsError:
            if time.monotonic() > deadline:
                sys.exit(f"{LOCK} is held for {timeout:.0f} s; remove it if nobody is running")
            time.sleep(0.5)
    try:
        yield
    finally:
        LOCK.rmdir()


def qt_tool(name: str) -> str:
    import PySide6

    return str(
        Path(PySide6.__file__).resolve().parent / (name + (".exe" if os.name == "nt" else ""))
    )


def ts_file(language: str) -> Path:
    return TRANSLATIONS / f"cpi_cert_wizard_{language}.ts"


def lupdate() -> None:
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "wizard").rglob("*.py"))
    for language in LANGUAGES:
        subprocess.run(
            [qt_tool("lupdate"), *sources, "-locations", "relative", "-source-language", "en",
             "-target-language", language, "-no-obsolete", "-ts", str(ts_file(language))],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip


def lrelease() -> None:
    for language in LANGUAGES:
        ts = ts_file(language)
        subprocess.run(
            [qt_tool("lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))],
            check=True,
        )


def unfinished(languages: tuple[str, ...]) -> list[dict[str, str]]:
    todo: dict[tuple[str, str], dict[str, str]] = {}
    for language in languages:
        root = ET.parse(ts_file(language)).getroot()  # noqa: S314 - our own catalogues
        for context in root.iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                if message.find("translation").get("type") == "unfinished":
                    source = message.findtext("source") or ""
                    entry = todo.setdefault((name, source), {"context": name, "source": source})
                    entry[language] = ""
    return list(todo.values())


def apply(entries: list[dict[str, str]]) -> int:
    """Write each given translation into its catalogue; returns how many were written."""
    written = 0
    wanted = {(e["context"], e["source"]): e for e in entries}
    for language in LANGUAGES:
        path = ts_file(language)
        tree = ET.parse(path)  # noqa: S314 - our own catalogues
        changed = False
        for context in tree.getroot().iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                entry = wanted.get((name, message.findtext("source") or ""))
                text = entry.get(language) if entry else None
                if not text:
                    continue
                translation = message.find("translation")
                if message.get("numerus") == "yes":
                    forms = text if isinstance(text, list) else [text]
                    for child in list(translation):
                        translation.remove(child)
                    translation.text = None
                    for form in forms:
                        ET.SubElement(translation, "numerusform").text = form
                else:
                    translation.text = text
                translation.attrib.pop("type", None)
                written += 1
                changed = True
        if changed:
            ET.indent(tree, space="    ")
            body = ET.tostring(tree.getroot(), encoding="unicode")
            path.write_text(
                '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                encoding="utf-8",
            )
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update")
    todo = sub.add_parser("unfinished")
    todo.add_argument("--lang", choices=LANGUAGES, action="append")
    done = sub.add_parser("apply")
    done.add_argument("file", type=Path)
    args = parser.parse_args()
    with locked():
        if args.command == "update":
            lupdate()
            lrelease()
        elif args.command == "unfinished":
            json.dump(
                unfinished(tuple(args.lang or LANGUAGES)), sys.stdout, ensure_ascii=False, indent=1
            )
            print()
        else:
            entries = json.loads(args.file.read_text(encoding="utf-8"))
            print(f"{apply(entries)} translations written")
            # lupdate normalises the layout again, so the catalogues stay as `make translations` keeps them
            lupdate()
            lrelease()


if __name__ == "__main__":
    main()

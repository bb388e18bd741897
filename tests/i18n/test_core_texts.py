"""Every core text a person reads can be translated: error messages and the tables of texts.

A `WizardError` message in wizard/core must come from `translate`/`tr` (or a table read through
them), so that German, French, Spanish and Japanese users read it in their language. What is
still English only is listed below by module and error code: the list may only shrink (a new
untranslatable message fails, and so does an entry that has been translated meanwhile).
"""

from __future__ import annotations

import ast
from pathlib import Path

from wizard.core import expiry, tracelog
from wizard.language import load_catalogue

CORE = Path(__file__).resolve().parents[2] / "wizard" / "core"
_TRANSLATING = {"translate", "tr", "text", "QT_TRANSLATE_NOOP"}

# Still English only: (module, error code). Empty since issue 15 item 9; keep it so.
PENDING_MESSAGES: set[tuple[str, str]] = set()
PENDING_TABLES: set[str] = set()


def _translatable(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return _translatable(func.value)
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if (
            name == "for_face"
        ):  # the words of the CLI and of the window (i18n.Face): both translated
            return all(_translatable(arg) for arg in node.args)
        return name in _TRANSLATING or name.startswith("_")  # a helper builds it (checked there)
    if isinstance(node, ast.Name | ast.Attribute | ast.Subscript):
        return True  # a message made elsewhere and passed on
    if isinstance(node, ast.BinOp):
        return _translatable(node.left) and _translatable(node.right)
    if isinstance(node, ast.IfExp):
        return _translatable(node.body) and _translatable(node.orelse)
    return False  # a plain or f-string literal: English only


def untranslatable_messages() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(CORE.rglob("*.py")):
        module = path.relative_to(CORE).with_suffix("").as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            name = getattr(func, "id", getattr(func, "attr", None))
            if name != "WizardError" or len(node.args) < 2 or _translatable(node.args[1]):
                continue
            code = node.args[0]
            found.add((module, code.value if isinstance(code, ast.Constant) else ast.unparse(code)))
    return found


def test_every_core_error_message_is_translatable():
    new = untranslatable_messages() - PENDING_MESSAGES
    assert new == set(), "wrap these messages in translate(context, …)"


def test_the_pending_list_holds_only_what_is_still_english():
    done = PENDING_MESSAGES - untranslatable_messages()
    assert done == set(), "translated now: delete these from PENDING_MESSAGES"


def table_texts() -> dict[str, list[str]]:
    problems = [
        text
        for info in tracelog.PROBLEMS.values()
        for text in (info.title, info.meaning, info.fix, info.fix_neo, info.fix_cf)
        if text
    ]
    return {"expiry.ADVICE": list(expiry.ADVICE.values()), "tracelog.PROBLEMS": problems}


def _in_german_catalogue(texts: list[str]) -> bool:
    translator = load_catalogue("de")
    assert translator is not None, "translations/cpi_cert_wizard_de.qm was not built"
    contexts = ("expiry", "tracelog")
    return all(any(translator.translate(c, t) for c in contexts) for t in texts)


def test_every_table_of_texts_is_translatable(catalogues):
    texts = table_texts()
    untranslated = {name for name, values in texts.items() if not _in_german_catalogue(values)}
    assert untranslated - PENDING_TABLES == set()
    assert PENDING_TABLES - untranslated == set(), "translated now: delete from PENDING_TABLES"

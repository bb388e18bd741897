"""The .ts catalogues: complete, current with the program, placeholders and accelerators kept,
and built by lrelease into catalogues that answer the program's own look-ups."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.i18n.tools import lrelease, lupdate, messages, placeholders, ts_file
from wizard.language import TRANSLATED

LEFT_OVER = ("unfinished", "obsolete", "vanished")
_ACCELERATOR = re.compile(r"&(?!&)\S")


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_nothing_obsolete_is_left(language):
    found = messages(ts_file(language))
    left = [f"{m.context}: {m.source[:70]!r} ({m.state})" for m in found if m.state in LEFT_OVER]
    empty = [f"{m.context}: {m.source[:70]!r}" for m in found if not all(f for f in m.forms)]
    assert left == [], f"{len(left)} of {len(found)} messages not done in {language}"
    assert empty == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language):
    changed = []
    for m in messages(ts_file(language)):
        if m.state in LEFT_OVER:
            continue  # reported by the completeness test
        for form in m.forms:
            if placeholders(form) != placeholders(m.source):
                changed.append(
                    f"{m.context}: {m.source[:60]!r}: {placeholders(m.source)} became "
                    f"{placeholders(form)} in {form[:60]!r}"
                )
    assert changed == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_messages_have_every_form_of_the_language(language):
    # Japanese has one plural form, German, French and Spanish two (Qt's numerus rules).
    expected = 1 if language == "ja" else 2
    wrong = [
        f"{m.context}: {m.source!r}: {len(m.forms)} forms"
        for m in messages(ts_file(language))
        if m.plural and len(m.forms) != expected
    ]
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_keyboard_accelerators_survive_translation(language):
    lost = [
        f"{m.context}: {m.source!r} → {m.forms[0]!r}"
        for m in messages(ts_file(language))
        if m.state not in LEFT_OVER
        and _ACCELERATOR.search(m.source)
        and not _ACCELERATOR.search(m.forms[0])
    ]
    assert lost == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_holds_exactly_the_texts_of_the_program(language, tmp_path: Path):
    ts = ts_file(language)
    copy = tmp_path / ts.name
    shutil.copy(ts, copy)
    lupdate(copy, language)
    before = {m.key for m in messages(ts)}
    after = {m.key for m in messages(copy) if m.state not in ("obsolete", "vanished")}
    assert sorted(after - before) == [], "texts missing from the catalogue: run make translations"
    assert sorted(before - after) == [], "texts no longer in the program: run make translations"


def test_no_text_is_filed_without_a_context():
    # lupdate reads a two-literal `tr("context", "text")` as Qt's tr(text, comment): the context
    # then becomes the text of a message without a context, which the program never looks up.
    stray = [m.source for m in messages(ts_file("de")) if not m.context]
    assert stray == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_lrelease_builds_a_catalogue_with_every_message(language, tmp_path: Path):
    report = lrelease(ts_file(language), tmp_path / f"cpi_cert_wizard_{language}.qm")
    total = len(messages(ts_file(language)))
    assert f"Generated {total} translation(s) ({total} finished and 0 unfinished)" in report

"""Core's tables are looked up with the very text lupdate extracted (escapes, concatenation,
contexts): every entry is found in a built catalogue. German is complete, so it proves it."""

from __future__ import annotations

from wizard.core import flow, lints, mapping, p12, reply, secrets, verdicts
from wizard.language import load_catalogue


def table_texts() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for lint in lints.LINTS.values():
        texts += [(lints.LINTS_CONTEXT, lint.title), (lints.LINTS_CONTEXT, lint.template)]
    for info in verdicts.VERDICTS.values():
        for text in (info.title, info.meaning, info.next_step, info.next_step_neo,
                     info.next_step_cf):  # fmt: skip
            if text:
                texts.append((verdicts.CONTEXT, text))
    texts += [(mapping.CONTEXT, text) for text in mapping.TEXT.values()]
    texts += [(p12.CONTEXT, text) for text in p12.ENCRYPTION_EXPLAINED.values()]
    texts += [("secrets", text) for text in secrets._WHAT.values()]
    texts += [("reply", text) for text in reply._OTHER_LABELS.values()]
    texts.append(("reply", reply._NEED))
    texts += [(flow.CONTEXT, text) for text in flow.TITLES.values()]
    for use in flow.FILE_USES:
        texts += [(flow.CONTEXT, use.contains), (flow.CONTEXT, use.goes_to)]
    return texts


def test_every_table_text_is_found_in_the_german_catalogue(catalogues):
    translator = load_catalogue("de")
    assert translator is not None, "translations/cpi_cert_wizard_de.qm was not built"
    texts = table_texts()
    missing = [f"{context}: {text[:70]!r}" for context, text in texts
               if not translator.translate(context, text)]  # fmt: skip
    assert len(texts) > 150
    assert missing == []

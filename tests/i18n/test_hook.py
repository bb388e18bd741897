"""Core's translation hook: English without a catalogue, templates translated before their
{fields} are filled, plurals by count."""

from __future__ import annotations

from wizard.core import i18n
from wizard.core.lints import LINTS, finding
from wizard.core.sap_sign import TimeUnit, Validity


def test_without_a_catalogue_core_speaks_english_and_counts_plurals():
    assert i18n.tr("any", "Summary") == "Summary"
    assert i18n.translate("sap_sign", "%n day(s)", None, 1) == "1 day"
    assert i18n.translate("sap_sign", "%n day(s)", None, 90) == "90 days"
    assert Validity(TimeUnit.YEARS, 1).label == "1 year"
    assert Validity(TimeUnit.MONTHS, 6).label == "6 months"


def test_a_translation_may_move_the_fields_which_are_filled_after_it():
    seen = []

    def reversed_words(context: str, text: str, n: int = -1) -> str:
        seen.append((context, text))
        return "Selbstsigniert ist {subject}." if text == LINTS["self_signed"].template else text

    i18n.set_translator(reversed_words)
    found = finding("self_signed", "CN=erp.example.com")
    assert found.message == "Selbstsigniert ist CN=erp.example.com."
    assert ("lints", LINTS["self_signed"].template) in seen  # the template, not the filled text


def test_set_translator_none_goes_back_to_english():
    i18n.set_translator(lambda context, text, n=-1: "X")
    assert i18n.tr("c", "Summary") == "X"
    i18n.set_translator(None)
    assert i18n.tr("c", "Summary") == "Summary"

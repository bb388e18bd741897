"""The command line speaks the user's language: --lang, the setting, the system locale; errors
keep their codes; English stays exactly as it was."""

from __future__ import annotations

import json

from wizard.core.sap_sign import TimeUnit, Validity
from wizard.language import (
    choose_language,
    install_for_command_line,
    language_setting,
    normalize,
    save_language_setting,
    system_language,
)

MISSING_DE = "Es gibt kein Profil namens 'ERP-PRD'"
MISSING_EN = "There is no profile named 'ERP-PRD'"


def test_a_german_user_gets_a_german_error_for_a_missing_profile(cli, catalogues, no_locale):
    result = cli("--lang", "de", "export-p12", "--profile", "ERP-PRD")
    assert result.code == 2
    assert result.err.startswith("Fehler: " + MISSING_DE)
    assert "cpi-cert-wizard csr --profile NAME" in result.err  # commands stay as they are typed


def test_json_errors_keep_their_code_and_carry_the_translated_message(cli, catalogues, no_locale):
    result = cli("--lang", "de", "export-p12", "--json", "--profile", "ERP-PRD")
    error = result.json["error"]
    assert error["code"] == "profile.not_found"
    assert error["message"].startswith(MISSING_DE)


def test_without_a_choice_english_is_unchanged(cli, catalogues, no_locale):
    result = cli("export-p12", "--profile", "ERP-PRD")
    assert result.err.startswith("error: " + MISSING_EN)


def test_the_language_follows_the_system_locale(cli, catalogues, no_locale, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert MISSING_DE in cli("export-p12", "--profile", "ERP-PRD").err
    monkeypatch.setenv("LC_ALL", "C")  # LC_ALL wins over LANG
    assert MISSING_EN in cli("export-p12", "--profile", "ERP-PRD").err


def test_language_list_takes_the_first_language_we_have(monkeypatch, no_locale):
    assert system_language({"LANGUAGE": "pt_BR:de:en", "LANG": "pt_BR.UTF-8"}) == "de"
    assert system_language({"LANGUAGE": "de", "LANG": "C"}) == "en"  # C ignores LANGUAGE
    assert system_language({"LANGUAGE": "de", "LANG": "C.UTF-8"}) == "en"
    assert system_language({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "de_DE.UTF-8"}) == "ja"
    assert system_language({"LANG": "nl_NL.UTF-8"}) == "en"  # not translated: English
    assert system_language({}) is None


def test_the_setting_overrides_the_locale_and_lang_overrides_the_setting(
    cli, catalogues, home, no_locale, monkeypatch
):
    save_language_setting(home, "de")
    assert json.loads((home / "settings.json").read_text()) == {"language": "de"}
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert MISSING_DE in cli("export-p12", "--profile", "ERP-PRD").err
    assert cli("--lang", "en", "export-p12", "--profile", "ERP-PRD").err.startswith(
        "error: " + MISSING_EN
    )
    save_language_setting(home, None)  # back to the system's
    assert language_setting(home) is None
    assert choose_language(None, home, {"LANG": "de_AT.UTF-8"}) == "de"


def test_a_damaged_settings_file_is_no_reason_to_fail(cli, catalogues, home, no_locale):
    home.mkdir(parents=True, exist_ok=True)
    (home / "settings.json").write_text("{not json")
    assert cli("export-p12", "--profile", "ERP-PRD").err.startswith("error: " + MISSING_EN)


def test_an_unknown_language_is_refused_by_name(cli, no_locale):
    result = cli("--lang", "klingon", "profiles")
    assert result.code == 2
    assert "--lang" in result.err


def test_language_codes_as_people_write_them():
    assert [normalize(c) for c in ("de", "DE", "de_DE.UTF-8", "de-AT", "ja_JP@x", "xx", "")] == [
        "de", "de", "de", "de", "ja", None, None,
    ]  # fmt: skip


def test_plurals_follow_the_language(catalogues):
    from wizard.core.i18n import translate

    assert install_for_command_line("de") == "de"
    # A message lupdate extracts as a plural (numerus) gets the language's forms.
    assert translate("StartPage", "%n day(s) left", "", 1) == "noch 1 Tag"
    assert translate("StartPage", "%n day(s) left", "", 90) == "noch 90 Tage"
    # Core's count messages are not extracted as plurals by lupdate 6.11 (translate(ctx, text,
    # None, n) is read as a plain message), so their translations cover every count in one form.
    assert Validity(TimeUnit.DAYS, 90).label == "90 Tag(e)"
    assert Validity(TimeUnit.YEARS, 1).label == "1 Jahr(e)"
    assert install_for_command_line("en") == "en"
    assert Validity(TimeUnit.DAYS, 1).label == "1 day"
    assert Validity(TimeUnit.DAYS, 90).label == "90 days"


def test_a_language_without_a_built_catalogue_falls_back_to_english(monkeypatch, tmp_path):
    monkeypatch.setattr("wizard.language.catalogue_dirs", lambda: [tmp_path])
    assert install_for_command_line("de") == "en"
    assert Validity(TimeUnit.DAYS, 2).label == "2 days"


def test_counted_core_texts_are_translated_in_the_window_too(qapp, catalogues):
    from wizard.language import install_for_application

    installed = install_for_application(qapp, "de")
    try:
        assert Validity(TimeUnit.DAYS, 90).label == "90 Tag(e)"
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
        install_for_command_line("en")
    assert Validity(TimeUnit.DAYS, 90).label == "90 days"

"""The user's language: which one (--lang, the setting, the system locale) and its catalogues.

Shared by the command line and the GUI; core stays Qt-free and translates through
`wizard.core.i18n`, which this module connects to Qt's catalogues (`translations/*.qm`, built by
lrelease). The command line needs QtCore only (a QTranslator asked directly, no application
object); for English nothing Qt is imported at all.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from wizard.core import i18n
from wizard.core.errors import WizardError
from wizard.core.storage import atomic_write
from wizard.resources import resource_dir

SOURCE_LANGUAGE = "en"
# The languages with a catalogue; Qt's own qtbase_<lang>.qm is loaded with ours.
TRANSLATED = ("de", "fr", "es", "ja")
LANGUAGES = (SOURCE_LANGUAGE, *TRANSLATED)
# Each language under its own name, so a person finds theirs in a list they cannot read.
NATIVE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "ja": "日本語",
}
SETTINGS_FILE = "settings.json"  # in the data directory (--home): {"language": "de"}
CATALOGUE = "cpi_cert_wizard"
# The order POSIX gives the locale variables for messages (LANGUAGE may list several).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def remember_gettext_lookups() -> None:
    """argparse asks gettext for each of its own texts, and gettext searches the locale folders
    anew on every call (56 searches, about 20 ms, before any command runs): remember each answer
    for the same locale variables."""
    import functools
    import gettext

    if getattr(gettext.find, "_remembered", False):
        return
    search = gettext.find

    @functools.lru_cache(maxsize=128)
    def remembered(domain, localedir, languages, every, environment):
        found = search(domain, localedir, list(languages) if languages else None, every)
        return tuple(found) if isinstance(found, list) else found

    def find(domain, localedir=None, languages=None, all=False):
        environment = tuple(os.environ.get(name) for name in LOCALE_VARIABLES)
        found = remembered(
            domain, localedir, tuple(languages) if languages else None, all, environment
        )
        return list(found) if isinstance(found, tuple) else found

    find._remembered = True  # type: ignore[attr-defined]
    gettext.find = find


def normalize(code: str | None) -> str | None:
    """`de`, `de_DE.UTF-8`, `de-AT`, `DE` → "de"; None for an unknown or empty code."""
    if not code:
        return None
    base = code.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def system_language(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the system locale asks for, if we have it (POSIX variables, then Qt's)."""
    env = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = env.get(variable, "")
        if not value:
            continue
        if variable == "LANGUAGE":
            # a list of preferences, used only with a real locale (not C/POSIX)
            locale = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
            if locale.split(".")[0] in ("C", "POSIX"):
                continue
            for choice in value.split(":"):
                if found := normalize(choice):
                    return found
            continue
        if value.split(".")[0] in ("C", "POSIX"):
            return SOURCE_LANGUAGE
        return normalize(value) or SOURCE_LANGUAGE
    if environ is None:  # no POSIX variables (Windows, a macOS app): the desktop's language
        from PySide6.QtCore import QLocale

        return normalize(QLocale.system().name())
    return None


def settings_path(home: Path) -> Path:
    return Path(home) / SETTINGS_FILE


def read_settings(home: Path) -> dict:
    """The settings file, or {} when it is missing or unreadable (a setting is never worth failing
    a command for)."""
    try:
        data = json.loads(settings_path(home).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def language_setting(home: Path) -> str | None:
    return normalize(str(read_settings(home).get("language") or ""))


def save_language_setting(home: Path, language: str | None) -> Path:
    """Remember `language` for the next start (None: follow the system again)."""
    code = normalize(language) if language else None
    if language and code is None:
        raise WizardError(
            "settings.language",
            i18n.translate(
                "language", "{code!r} is not a language of this program; use one of {codes}."
            ).format(code=language, codes=", ".join(LANGUAGES)),
        )
    settings = read_settings(home)
    if code is None:
        settings.pop("language", None)
    else:
        settings["language"] = code
    return atomic_write(settings_path(home), json.dumps(settings, indent=2) + "\n", private=False)


def choose_language(
    explicit: str | None, home: Path | None, environ: Mapping[str, str] | None = None
) -> str:
    """--lang, else the setting in `home`, else the system locale, else English."""
    return (
        normalize(explicit)
        or (language_setting(home) if home is not None else None)
        or system_language(environ)
        or SOURCE_LANGUAGE
    )


def catalogue_dirs() -> list[Path]:
    """Where our .qm files are: `translations/` at the frozen bundle's root or in the checkout,
    else inside the package's resources (an installed wheel that ships them)."""
    dirs = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs.append(Path(frozen) / "translations")
    dirs.append(Path(__file__).resolve().parent.parent / "translations")
    dirs.append(resource_dir() / "translations")
    return dirs


# Each catalogue is read once per process: the command line routes core's texts to it before the
# GUI starts, and the GUI installs the same QTranslator objects (kept referenced here).
_loaded: dict[tuple[str, ...], object] = {}


def load_catalogue(language: str, parent=None):
    """Our QTranslator for `language`, or None when there is none (English, or not built)."""
    if language == SOURCE_LANGUAGE:
        return None
    folders = catalogue_dirs()
    key = (language, *map(str, folders))
    if key not in _loaded:  # a catalogue not found is looked for again next time
        from PySide6.QtCore import QTranslator

        for folder in folders:
            translator = QTranslator()
            if translator.load(f"{CATALOGUE}_{language}", str(folder)):
                _loaded[key] = translator
                break
    return _loaded.get(key)


def load_qt_catalogue(language: str, parent=None):
    """Qt's own qtbase_<lang>.qm (stock buttons such as Next and Cancel), or None."""
    if language == SOURCE_LANGUAGE:
        return None
    from PySide6.QtCore import QLibraryInfo, QTranslator

    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    key = (f"qtbase_{language}", folder)
    if key not in _loaded:
        translator = QTranslator()
        if translator.load(f"qtbase_{language}", folder):
            _loaded[key] = translator
    return _loaded.get(key)


def _route_core_to(translator) -> None:
    """Core's `tr` asks `translator` (a QTranslator, or None for English)."""
    if translator is None:
        i18n.set_translator(None)
        return

    def translate(context: str, text: str, n: int = -1) -> str:
        found = translator.translate(context, text, None, n)
        if not found and n >= 0:
            # lupdate before 6.12 keeps core's counted texts as plain messages: ask without n.
            found = translator.translate(context, text, None, -1)
        if not found:
            return i18n.english(context, text, n)
        return found.replace("%n", str(n)) if n >= 0 else found

    i18n.set_translator(translate)


def install_for_command_line(language: str) -> str:
    """Core's texts in `language` for this process (QtCore only); returns the language in use.

    English, or a language whose catalogue is not built, gives English texts.
    """
    translator = load_catalogue(language)
    _route_core_to(translator)
    return language if translator is not None else SOURCE_LANGUAGE


def english_plurals(parent=None):
    """A QTranslator for English itself: "%n day(s)" reads "1 day", "2 days" (the source text
    writes "(s)"); installed first, so every real catalogue comes before it."""
    from PySide6.QtCore import QTranslator

    class EnglishPlurals(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):
            if n < 0 or not source or "(s)" not in source:
                return None  # a null string: Qt asks the next catalogue
            return source.replace("(s)", "" if n == 1 else "s")

        def isEmpty(self) -> bool:
            return False

    return EnglishPlurals(parent)


def install_for_application(app, language: str) -> list:
    """Qt's catalogue and ours installed on the QCoreApplication, core's texts routed to ours.

    Returns the installed translators (the caller keeps them referenced).
    """
    from PySide6.QtCore import QLocale

    QLocale.setDefault(QLocale(language))
    ours = load_catalogue(language, app)
    installed = [english_plurals(app), load_qt_catalogue(language, app), ours]
    installed = [t for t in installed if t is not None]
    for translator in installed:  # the last installed is asked first
        app.installTranslator(translator)
    route_core_to_application()
    return installed


def route_core_to_application() -> None:
    """Core's `tr` asks the application's translators (whatever is installed at the time)."""
    from PySide6.QtCore import QCoreApplication

    def translate(context: str, text: str, n: int = -1) -> str:
        found = QCoreApplication.translate(context, text, None, n)
        untranslated = text.replace("%n", str(n)) if n >= 0 else text
        english = i18n.english(context, text, n)
        if n >= 0 and found in (untranslated, english):
            # lupdate before 6.12 keeps core's counted texts as plain messages: ask without n.
            plain = QCoreApplication.translate(context, text, None, -1)
            if plain != text:
                return plain.replace("%n", str(n))
        return english if found == untranslated else found

    i18n.set_translator(translate)

"""`cpi-cert-wizard --self-check`: is everything the program needs here, frozen or not?

It reports the versions (program, Qt, OpenSSL), the keyring it would use, the translations, the
shipped resources, certifi's bundle and the SAP root list, and exits non-zero when something the
program needs is missing. It never opens a window (Qt is asked for versions and plugin files only),
so it runs on a headless machine, right after installing, or in CI against a frozen bundle.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import ssl
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from wizard import __version__
from wizard.resources import resource, resource_dir

# The keyring entry point that must be registered for the OS keyring to be found at all (a frozen
# app without keyring's package metadata silently falls back to "no keyring").
NATIVE_KEYRING = {"linux": "SecretService", "darwin": "macOS", "win32": "Windows"}

# Qt plugins the program loads: a window system, offscreen (gui --screenshots), SVG icons.
PLATFORM_PLUGINS = {"linux": ("qxcb", "qoffscreen"), "darwin": ("qcocoa", "qoffscreen")}
SVG_PLUGINS = (("imageformats", "qsvg"), ("iconengines", "qsvgicon"))


@dataclass(frozen=True)
class SelfCheckReport:
    """What was found. `problems` say what is missing and what to do; `notes` are not failures."""

    version: str
    frozen: bool
    executable: str
    python: str
    platform: str
    qt: str = ""
    pyside: str = ""
    qt_plugins: tuple[str, ...] = ()
    openssl_cryptography: str = ""
    openssl_python: str = ssl.OPENSSL_VERSION
    keyring_backends: tuple[str, ...] = ()
    keyring: str = ""
    translations: tuple[str, ...] = ()
    qt_translations: tuple[str, ...] = ()
    resources: str = ""
    certifi: str = ""
    certifi_certificates: int = 0
    sap_list: str = ""
    sap_roots: int = 0
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Findings:
    values: dict[str, object] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _os_key() -> str:
    return "linux" if sys.platform.startswith("linux") else sys.platform


def _plugin_name(path: Path) -> str:
    """`libqxcb.so` / `qwindows.dll` / `libqcocoa.dylib` -> `qxcb` / `qwindows` / `qcocoa`."""
    stem = path.name.split(".")[0]
    return stem[3:] if stem.startswith("lib") and not sys.platform.startswith("win") else stem


def needed_plugins() -> tuple[str, ...]:
    """The Qt plugins (`type/name`) this platform's program cannot do without."""
    platforms = PLATFORM_PLUGINS.get(_os_key(), ("qwindows", "qoffscreen"))
    return (*(f"platforms/{p}" for p in platforms), *(f"{t}/{n}" for t, n in SVG_PLUGINS))


def _check_qt(found: _Findings) -> None:
    try:
        import PySide6
        from PySide6.QtCore import QCoreApplication, QLibraryInfo, qVersion
    except ImportError as exc:
        found.problems.append(f"Qt (PySide6) cannot be loaded: {exc}. Reinstall the program.")
        return
    found.values["qt"] = qVersion()
    found.values["pyside"] = PySide6.__version__

    folders = [Path(p) for p in QCoreApplication.libraryPaths()]
    plugins = {
        f"{folder.name}/{_plugin_name(file)}"
        for base in folders
        for folder in (base.iterdir() if base.is_dir() else ())
        if folder.is_dir()
        for file in folder.iterdir()
    }
    found.values["qt_plugins"] = tuple(sorted(plugins))
    missing = [p for p in needed_plugins() if p not in plugins]
    if missing:
        where = ", ".join(str(f) for f in folders) or "no plugin folder"
        found.problems.append(
            f"Qt plugins missing: {', '.join(missing)} (looked in {where}). "
            "Without them no window opens or the icons are blank; reinstall the program."
        )

    _check_translations(found, Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))


def _check_translations(found: _Findings, qt_dir: Path) -> None:
    """The catalogues the program loads, asked for the way it asks (wizard.language)."""
    from PySide6.QtCore import QTranslator

    from wizard import language

    qt_loaded = [lang for lang in language.TRANSLATED if language.load_qt_catalogue(lang)]
    found.values["qt_translations"] = tuple(qt_loaded)
    if missing := [lang for lang in language.TRANSLATED if lang not in qt_loaded]:
        found.problems.append(
            f"Qt's own translations (qtbase_<lang>.qm) missing for {', '.join(missing)} in "
            f"{qt_dir}: stock buttons stay in English. Reinstall the program."
        )
    found.values["translations"] = tuple(
        lang for lang in language.TRANSLATED if language.load_catalogue(lang)
    )
    # Our translations are required once they exist in the source tree: every translations/*.ts
    # needs its .qm. A frozen bundle carries no .ts; the spec refuses to build one with a .qm
    # missing, so there the check is what loads (reported above).
    folders = [folder for folder in language.catalogue_dirs() if folder.is_dir()]
    sources = sorted(ts for folder in folders for ts in folder.glob("*.ts"))
    unusable = [
        ts.with_suffix(".qm")
        for ts in sources
        if not QTranslator().load(str(ts.with_suffix(".qm")))
    ]
    if unusable:
        found.problems.append(
            f"Compiled translations missing or unreadable: {', '.join(map(str, unusable))}. "
            "Build them with `make qm` or `pyside6-lrelease translations/*.ts`."
        )


def _check_openssl(found: _Findings) -> None:
    try:
        from cryptography.hazmat.backends.openssl import backend
    except ImportError as exc:
        found.problems.append(f"cryptography cannot be loaded: {exc}. Reinstall the program.")
        return
    found.values["openssl_cryptography"] = backend.openssl_version_text()


def _check_keyring(found: _Findings) -> None:
    names = sorted(ep.name for ep in importlib.metadata.entry_points(group="keyring.backends"))
    found.values["keyring_backends"] = tuple(names)
    native = NATIVE_KEYRING.get(_os_key())
    if native and native not in names:
        found.problems.append(
            f"The {native} keyring backend is not registered (keyring's package metadata is "
            "missing), so secrets could never reach the OS keyring. Reinstall the program."
        )
        return
    try:
        from wizard.core.secrets import Secrets

        secrets = Secrets()
        found.values["keyring"] = secrets.backend_name
        if not secrets.available:
            # Not a defect of the installation: the program then asks for secrets instead.
            found.notes.append(secrets.unavailable_message())
    except Exception as exc:  # a broken backend import is a packaging defect
        found.problems.append(f"The keyring cannot be loaded: {exc!r}. Reinstall the program.")


def _check_resources(found: _Findings) -> None:
    from wizard.core.trust import DEFAULT_SAP_LIST

    base = resource_dir()
    found.values["resources"] = str(base)
    try:
        from wizard.ui.widgets.icons import NAMES
    except ImportError:  # without Qt there are no icons to show; _check_qt says why
        NAMES = ()
    wanted = [DEFAULT_SAP_LIST, *(f"icons/{name}.svg" for name in NAMES)]
    missing = [name for name in wanted if not resource(name).is_file()]
    if missing:
        found.problems.append(f"Missing in {base}: {', '.join(missing)}. Reinstall the program.")


def _check_certifi(found: _Findings) -> None:
    import certifi

    path = Path(certifi.where())
    found.values["certifi"] = str(path)
    if not path.is_file():
        found.problems.append(f"certifi's CA bundle is missing ({path}). Reinstall the program.")
        return
    count = path.read_text(encoding="ascii", errors="replace").count("-----BEGIN CERTIFICATE-----")
    found.values["certifi_certificates"] = count
    if count == 0:
        found.problems.append(f"certifi's CA bundle {path} holds no certificate.")


def _check_sap_list(found: _Findings) -> None:
    from wizard.core.errors import WizardError
    from wizard.core.trust import load_sap_list

    try:
        sap = load_sap_list()
    except WizardError as exc:
        found.problems.append(exc.message)
        return
    found.values["sap_list"] = sap.version
    found.values["sap_roots"] = len(sap.roots)


def self_check() -> SelfCheckReport:
    """Look at everything the program needs; never raises for a missing part."""
    found = _Findings()
    for check in (
        _check_qt,
        _check_openssl,
        _check_keyring,
        _check_resources,
        _check_certifi,
        _check_sap_list,
    ):
        check(found)
    frozen = bool(getattr(sys, "frozen", False))
    return SelfCheckReport(
        version=__version__,
        frozen=frozen,
        executable=sys.executable,
        python=platform.python_version(),
        platform=platform.platform(),
        problems=tuple(found.problems),
        notes=tuple(found.notes),
        **found.values,  # type: ignore[arg-type]
    )


def render_text(report: SelfCheckReport) -> str:
    def listed(items: tuple[str, ...]) -> str:
        return ", ".join(items) if items else "none"

    lines = [
        f"cpi-cert-wizard {report.version} ({'frozen bundle' if report.frozen else 'from source'})",
        f"  executable     {report.executable}",
        f"  Python         {report.python} on {report.platform}",
        f"  Qt             {report.qt or 'missing'} (PySide6 {report.pyside or 'missing'})",
        f"  Qt plugins     {len(report.qt_plugins)} found, needed: "
        f"{listed(tuple(p for p in needed_plugins() if p in report.qt_plugins))}",
        f"  OpenSSL        {report.openssl_cryptography or 'missing'} (cryptography); "
        f"{report.openssl_python} (Python ssl)",
        f"  keyring        {report.keyring or 'none'}; backends: {listed(report.keyring_backends)}",
        f"  translations   {listed(report.translations)}; Qt's own: "
        f"{listed(report.qt_translations)}",
        f"  resources      {report.resources}",
        f"  certifi        {report.certifi} ({report.certifi_certificates} certificates)",
        f"  SAP root list  {report.sap_list or 'missing'} ({report.sap_roots} roots)",
    ]
    lines += [f"note: {note}" for note in report.notes]
    lines += [f"MISSING: {problem}" for problem in report.problems]
    lines.append(
        "self-check: OK" if report.ok else f"self-check: {len(report.problems)} problem(s)"
    )
    return "\n".join(lines)


EXIT_MISSING = 3  # the CLI's "negative answer" status: not a bug, not wrong input


def run(json_output: bool = False) -> int:
    """Print the report (text or one JSON object); exit status 0, or 3 when something is missing."""
    report = self_check()
    if json_output:
        print(json.dumps({"ok": report.ok, **asdict(report)}, indent=2, ensure_ascii=False))
    else:
        print(render_text(report))
    return 0 if report.ok else EXIT_MISSING

"""The command line: argparse over wizard.core. One subcommand per module in wizard/commands/.

Every command takes --json (one object on stdout: ok, results, files; or ok=false and error) and
the global --home. Exit status: 0 success, 2 wrong input (the message says what, where and what to
do; also every usage error, as JSON with --json), 3 a negative answer that is not an input error
(test-call and batch test-call: a verdict other than OK; fetch-root: no root found; --self-check:
something missing), 1 only for bugs.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.commands.common import (  # noqa: F401 -- also importable from here, as before
    EXIT_BUG,
    EXIT_INPUT,
    EXIT_NEGATIVE,
    EXIT_OK,
    Context,
    Outcome,
    stdin_is_terminal,
)
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.profiles import default_home

# (subcommand, module in wizard.commands, one-line help). Modules are imported only when used,
# so `cpi-cert-wizard --help` stays fast.
COMMANDS: list[tuple[str, str, str]] = [
    ("profiles", "profiles", "list the sender-system profiles with state and expiry"),
    ("csr", "csr", "generate the key and the certificate signing request (CSR)"),
    ("import-reply", "import_reply", "import what the CA sent back, validate and store the chain"),
    ("sap-sign", "sap_sign", "have SAP sign the CSR (SAP Cloud Root CA, BTP Destination service)"),
    ("ca-enroll", "ca_enroll", "send the CSR to the company CA (AD CS web enrollment or EST)"),
    ("import-p12", "import_p12", "bring your own key pair: import a PKCS#12 (.p12/.pfx)"),
    (
        "import-service-key",
        "import_service_key",
        "import a Cloud Foundry SAP-generated service key",
    ),
    ("export-p12", "export_p12", "write the PKCS#12 and .cer/.pem files for the sender system"),
    ("secret", "secret", "show a stored secret (key passphrase or PKCS#12 password)"),
    ("fetch-root", "fetch_root", "read the tenant's server chain and resolve its root"),
    ("mapping", "mapping", "what the tenant needs: Neo mapping or Cloud Foundry service key"),
    ("test-call", "test_call", "call the endpoint with the client certificate and diagnose"),
    ("analyze-log", "analyze_log", "explain SAP access-log lines and default-trace errors"),
    ("batch", "batch", "one step for many sender systems: csr, import, export, mapping, test-call"),
    ("expiry", "expiry", "every certificate's days left and renewal advice; --ics for a calendar"),
    ("sandbox", "sandbox", "run or administer the local sandbox tenant"),
    ("gui", "gui", "open the wizard (also the default without a subcommand)"),
]


EXIT_STATUS_HELP = (
    "exit status: 0 success; 2 wrong input (the message says what, where and what to do); "
    "3 a negative answer (test-call: a verdict other than OK; fetch-root: no root found); "
    "1 a bug"
)

# Options of every command that take a value: their value is never the command's name.
_VALUE_OPTIONS = {"--home", "--sap-roots", "--lang"}


class UsageError(Exception):
    """An argparse error (unknown option, missing value): exit 2, as JSON when --json asked."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}", self.format_usage())


def chosen_command(argv: list[str]) -> str | None:
    """The subcommand named in `argv`: the first word that is not an option or an option's value
    (`--home csr profiles` runs `profiles` with the home folder `csr`)."""
    names = {name for name, _module, _help in COMMANDS}
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--":
            return None
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in names else None
    return None


def json_requested(argv: list[str]) -> bool:
    """--json anywhere on the line (before or after the command), up to a `--`."""
    return "--json" in (argv[: argv.index("--")] if "--" in argv else argv)


def _undecodable_argument(argv: list[str]) -> str | None:
    """An argument holding bytes the system's encoding could not decode (and not an existing
    path, which may legitimately carry such bytes on Linux)."""
    for arg in argv:
        if any("\udc80" <= ch <= "\udcff" for ch in arg) and not os.path.lexists(arg):
            return arg
    return None


def _language(code: str) -> str:
    from wizard.language import LANGUAGES, normalize

    found = normalize(code)
    if found is None:
        raise argparse.ArgumentTypeError(f"{code!r}: not one of {', '.join(LANGUAGES)}")
    return found


def build_parser(command: str | None = None, *, only: bool = False) -> argparse.ArgumentParser:
    """The parser; only `command`'s module is imported, so start-up and --help stay fast.

    `only`: no parser for the other commands either (17 parsers cost 2-3 ms at every start);
    for a line that names `command` and asks for no help, where the others are never used.
    """
    common = _Parser(add_help=False)
    # SUPPRESS: a subcommand's default must not undo a --json given before the command
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON object on stdout",
    )
    common.add_argument(
        "--home",
        type=Path,
        default=argparse.SUPPRESS,
        help="data directory (env CPI_CERT_WIZARD_HOME; default: the platform's user data folder)",
    )
    common.add_argument(
        "--sap-roots",
        type=Path,
        default=argparse.SUPPRESS,
        help="a newer SAP trust list: PEM bundle or the JSON shipped in resources/",
    )
    common.add_argument(
        "--lang",
        type=_language,
        metavar="CODE",
        default=argparse.SUPPRESS,
        help="language of messages and the wizard: en, de, fr, es, ja (default: the setting in "
        "settings.json, else the system's)",
    )
    parser = _Parser(
        prog="cpi-cert-wizard",
        description="Onboard a sender system to SAP Cloud Integration with a client certificate.",
        epilog=EXIT_STATUS_HELP,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check this installation (Qt, OpenSSL, keyring, translations, resources); "
        "exit 3 if something is missing",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module, help_text in COMMANDS:
        if only and name != command:
            continue
        p = sub.add_parser(
            name, help=help_text, description=help_text, epilog=EXIT_STATUS_HELP, parents=[common]
        )
        if name == command:
            mod = importlib.import_module(f"wizard.commands.{module}")
            mod.configure(p)
            p.set_defaults(_run=mod.run)
    return parser


def _parse(
    argv: list[str], command: str | None
) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """The arguments, read by a parser that knows only `command` where that is enough; anything
    it refuses is read again by the whole parser, whose message (listing every command) the user
    sees, exactly as before."""
    if command is not None and not {"-h", "--help", "--version"} & set(argv):
        parser = build_parser(command, only=True)
        try:
            return parser, parser.parse_args(argv)
        except UsageError:
            pass
    parser = build_parser(command)
    return parser, parser.parse_args(argv)


def set_up_console(*, json_output: bool) -> None:
    """Output in any language never raises, whatever the console's code page.

    --json stdout is UTF-8 everywhere. On Windows, output redirected to a file or pipe is UTF-8
    (unless PYTHONIOENCODING says otherwise); a console keeps its encoding, and a character it
    cannot show becomes "?" instead of a UnicodeEncodeError.
    """
    redirected_utf8 = sys.platform == "win32" and not os.environ.get("PYTHONIOENCODING")
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        try:
            tty = stream.isatty()
        except (OSError, ValueError):
            tty = False
        try:
            if (json_output and stream is sys.stdout) or (redirected_utf8 and not tty):
                if encoding not in ("utf-8", "utf8"):
                    reconfigure(encoding="utf-8", errors="replace")
            elif not encoding.startswith("utf"):
                reconfigure(errors="replace")
        except (OSError, ValueError, LookupError):
            continue  # a stream that cannot be changed keeps working as it was


def _configure_logging(level: str) -> None:
    """`logging.basicConfig(level=level)`, as every command always did; but importing logging
    (4-5 ms of every start; issue 19) is left to the first module that uses it (the GUI, the
    sandbox, keyring on Windows and macOS): most commands never load it."""
    if "logging" in sys.modules or level != "WARNING":
        import logging

        logging.basicConfig(level=level)
    elif not any(isinstance(f, _ConfigureLoggingOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _ConfigureLoggingOnImport(level))


class _ConfigureLoggingOnImport:
    """A finder that steps aside for everything but `logging`, and has logging configured the
    moment it is first imported, before any module can log through it."""

    def __init__(self, level: str) -> None:
        self.level = level

    def find_spec(self, name: str, path=None, target=None):
        if name != "logging":
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenConfigure(spec.loader, self.level)
        return spec


class _ThenConfigure:
    """The real loader of `logging`, then basicConfig; the module keeps the real loader."""

    def __init__(self, loader, level: str) -> None:
        self._loader, self._level = loader, level

    def __getattr__(self, name: str):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._loader.exec_module(module)
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        module.basicConfig(level=self._level)


def _emit_json(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, indent=2, default=str, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    from wizard.language import remember_gettext_lookups

    remember_gettext_lookups()  # argparse's 56 gettext searches: once each
    _configure_logging(os.environ.get("CPI_CERT_WIZARD_LOG", "WARNING"))
    argv = list(sys.argv[1:] if argv is None else argv)
    set_up_console(json_output="--json" in argv)
    if "--self-check" in argv and not {"-h", "--help"} & set(argv):
        from wizard.selfcheck import run as self_check

        return self_check(json_output="--json" in argv)
    as_json = json_requested(argv)
    command = chosen_command(argv)
    if command is None and not {"-h", "--help", "--version"} & set(argv):
        command, argv = "gui", ["gui", *argv]  # no subcommand: open the wizard
    try:
        undecodable = _undecodable_argument(argv)
        if undecodable is not None:
            raise UsageError(
                translate(
                    "cli",
                    "The argument {argument} holds bytes that are not text in this system's "
                    "encoding. Type it again, or rename the file it names.",
                ).format(argument=ascii(undecodable)),
                "",
            )
        parser, args = _parse(argv, command)
        if not hasattr(args, "_run"):
            parser.error(translate("cli", "choose a command"))
    except UsageError as exc:
        if as_json:
            _emit_json({"ok": False, "error": {"code": "usage", "message": exc.message}})
        else:
            print(exc.usage + exc.message, file=sys.stderr)
        return EXIT_INPUT
    home = getattr(args, "home", None) or default_home()
    ctx = Context(home=Path(home), json=as_json, sap_roots=getattr(args, "sap_roots", None))
    args.json = as_json
    from wizard.language import choose_language, install_for_command_line

    args.lang = choose_language(getattr(args, "lang", None), ctx.home)
    install_for_command_line(args.lang)
    run = args._run
    try:
        outcome = run(args, ctx)
    except WizardError as exc:
        if ctx.json:
            _emit_json({"ok": False, "error": {"code": exc.code, "message": exc.message}})
        else:
            print(translate("cli", "error: {message}").format(message=exc.message), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so, keep the traceback for the report
        if ctx.json:
            _emit_json({"ok": False, "error": {"code": "bug", "message": repr(exc)}})
        import traceback  # only for a bug: not loaded at every start

        traceback.print_exc()
        print(
            "This is a bug in cpi-cert-wizard; please report it with the lines above.",
            file=sys.stderr,
        )
        return EXIT_BUG
    if ctx.json:
        payload = {"ok": outcome.exit_code == EXIT_OK, **outcome.data}
        from wizard.core.storage import full_path

        payload["files"] = {k: str(full_path(v)) for k, v in outcome.files.items()}
        _emit_json(payload)
    elif outcome.text:
        print(outcome.text)
    return outcome.exit_code

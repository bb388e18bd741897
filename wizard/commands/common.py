"""What every command shares: the Context it runs in, the Outcome it returns, the exit codes
and the argument helpers. The commands import these from here; `wizard.cli` builds the parser,
runs a command and prints its Outcome (it imports the commands, never the other way round).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.profiles import ProfileStore

if TYPE_CHECKING:
    from wizard.core.secrets import Secrets

EXIT_OK, EXIT_BUG, EXIT_INPUT, EXIT_NEGATIVE = 0, 1, 2, 3


@dataclass
class Outcome:
    """What a command produced: text for people, data for --json, files it wrote."""

    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    exit_code: int = EXIT_OK


@dataclass
class Context:
    home: Path
    json: bool
    sap_roots: Path | None = None
    _store: ProfileStore | None = None
    _secrets: Secrets | None = None

    @property
    def store(self) -> ProfileStore:
        if self._store is None:
            self._store = ProfileStore(self.home)
        return self._store

    @property
    def secrets(self) -> Secrets:
        if self._secrets is None:
            from wizard.core.secrets import Secrets

            # the store says which secrets come from a batch secret (profile.json names it)
            self._secrets = Secrets(ask=self.ask_secret, home=self.home, references=self.store)
        return self._secrets

    def ask_secret(self, prompt: str) -> str:
        """Ask the person at the terminal; never echo. Fails clearly when nobody is there."""
        if not stdin_is_terminal():
            raise WizardError(
                "secret.no_terminal",
                f"{prompt.rstrip(': ')} is needed but there is no terminal to ask on. "
                "Use the environment variable named in the documentation or a keyring.",
            )
        try:
            return getpass.getpass(prompt)
        except EOFError:  # Ctrl-D (Ctrl-Z on Windows) at the prompt
            raise WizardError(
                "secret.cancelled",
                translate("cli", "{prompt}: no answer (end of input). Nothing was changed.").format(
                    prompt=prompt.rstrip(": ")
                ),
            ) from None

    def say(self, message: str) -> None:
        """Progress for people: stderr, so --json stdout stays one object."""
        print(message, file=sys.stderr)


def stdin_is_terminal() -> bool:
    """A person can type at standard input. On Windows a character device such as NUL also
    says isatty(); only a console answers GetConsoleMode."""
    try:
        if sys.stdin is None or not sys.stdin.isatty():
            return False
    except (OSError, ValueError):
        return False
    if sys.platform != "win32":
        return True
    import ctypes
    import msvcrt
    from ctypes import wintypes

    mode = wintypes.DWORD()
    try:
        handle = msvcrt.get_osfhandle(sys.stdin.fileno())
        return bool(ctypes.windll.kernel32.GetConsoleMode(handle, ctypes.byref(mode)))
    except (OSError, ValueError, AttributeError):
        return False


def add_proxy_option(parser: argparse.ArgumentParser) -> None:
    """--proxy for every command that goes out (the policy: wizard/core/proxies.py)."""
    parser.add_argument(
        "--proxy",
        metavar="URL",
        help="HTTP proxy to tunnel through (http://host:port), or 'none' for a direct connection; "
        "default: the system's (HTTPS_PROXY / ALL_PROXY), honouring NO_PROXY. A proxy password "
        "belongs in HTTPS_PROXY (http://user:password@host:port), never on the command line, "
        "where other users of the machine can read it",
    )


def add_chain_options(parser: argparse.ArgumentParser, *, ca_file_help: str | None = None) -> None:
    """--ca-file, --no-aia and --accept-without-client-auth: how an imported chain is completed."""
    parser.add_argument(
        "--ca-file",
        action="append",
        type=Path,
        default=[],
        help=ca_file_help,
    )
    parser.add_argument("--no-aia", action="store_true", help="do not fetch missing issuers (AIA)")
    parser.add_argument(
        "--accept-without-client-auth",
        action="store_true",
        help="import a certificate without clientAuth in Extended Key Usage anyway; SAP's load "
        "balancer drops such a certificate in the TLS handshake, so it cannot log in to Cloud "
        "Integration",
    )

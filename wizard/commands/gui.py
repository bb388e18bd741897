"""`cpi-cert-wizard gui` (also the default without a subcommand): open the wizard."""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard.commands.common import Outcome


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help="walk the sandbox flow offscreen (temporary home, memory keyring) and save a PNG "
        "of the start page and of every step into DIR",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="start with the sandbox tenant (runs on this computer; no SAP account needed)",
    )


def run(args: argparse.Namespace, ctx) -> Outcome:
    from wizard.ui.app import GuiOptions, run_gui

    options = GuiOptions(
        home=ctx.home, sap_roots=ctx.sap_roots, lang=args.lang, sandbox=args.sandbox
    )
    if args.screenshots is not None:
        from wizard.ui.screenshots import run_screenshots

        return Outcome(exit_code=run_screenshots(args.screenshots, options))
    return Outcome(exit_code=run_gui(options))

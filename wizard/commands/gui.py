"""`cpi-cert-wizard gui` (also the default without a subcommand): open the wizard."""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard.cli import Outcome


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

    code = run_gui(
        GuiOptions(
            home=ctx.home,
            sap_roots=ctx.sap_roots,
            lang=args.lang,
            sandbox=args.sandbox,
            screenshots=args.screenshots,
        )
    )
    return Outcome(exit_code=code)

"""`cpi-cert-wizard import-reply`: what the CA sent back becomes the profile's validated chain."""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard.commands.common import Context, Outcome, add_chain_options
from wizard.commands.render import import_outcome
from wizard.core.i18n import translate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True)
    parser.add_argument(
        "files", nargs="+", type=Path, help="the CA's reply: .cer/.crt/.pem/.p7b, in any order"
    )
    add_chain_options(
        parser,
        ca_file_help="more certificates that may complete the chain (only self-signed roots are "
        "trusted)",
    )


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    from wizard.core.enrollment import import_reply

    result = import_reply(
        ctx.store,
        ctx.secrets,
        args.profile,
        args.files,
        ca_files=args.ca_file,
        sap_roots=ctx.sap_roots,
        fetch_aia=not args.no_aia,
        accept_without_client_auth=args.accept_without_client_auth,
    )
    text, data = import_outcome(
        result,
        next_hint=translate("import_reply", "Next: {command}").format(
            command=f"cpi-cert-wizard export-p12 --profile {args.profile}"
        ),
    )
    return Outcome(text=text, data=data, files=result.files)

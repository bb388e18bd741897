"""`cpi-cert-wizard export-p12`: the keystore and public files for the sender system."""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard.cli import Context, Outcome
from wizard.core.p12 import ENCRYPTION_EXPLAINED, LEGACY, MODERN


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True)
    parser.add_argument("--out", type=Path, help="the .p12 file (or a folder) to write")
    parser.add_argument(
        "--legacy", action="store_true", help="3DES + SHA-1 MAC for old consumers: " + LEGACY
    )
    parser.add_argument("--include-root", action="store_true", help="also put the root in")
    parser.add_argument("--name", help="alias (friendly name) of the key entry")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    from wizard.core.enrollment import export_p12

    result = export_p12(
        ctx.store,
        ctx.secrets,
        args.profile,
        out=args.out,
        legacy=args.legacy,
        include_root=args.include_root,
        alias=args.name,
    )
    kind = LEGACY if result.legacy else MODERN
    shown = ctx.secrets.available
    lines = [
        f"PKCS#12 ({kind}: {ENCRYPTION_EXPLAINED[kind]})",
        f"  {result.files['p12']}",
        f"Password: {result.password}" if shown else "Password: the one you typed",
        f"  kept in {result.password_kept_in}; show it again with "
        f"'cpi-cert-wizard secret show --profile {args.profile} p12'",
        "",
        "Which file goes where:",
        f"  {result.files['p12'].name:<28} the sender system's keystore (STRUST: sapgenpse "
        "import_p12; Java: keytool -importkeystore; Postman: PFX)",
        f"  {result.files['cer'].name:<28} the tenant (Neo Certificate-to-User Mapping)",
        f"  {result.files['pem'].name:<28} the tenant (Cloud Foundry External Certificate key)",
        f"  {result.files['chain'].name:<28} curl --cert / Postman: leaf + intermediates",
        "",
        f"Next: cpi-cert-wizard mapping --profile {args.profile}",
    ]
    return Outcome(
        text="\n".join(lines),
        data={
            "profile": args.profile,
            "encryption": kind,
            "password_kept_in": result.password_kept_in,
        },
        files=result.files,
    )

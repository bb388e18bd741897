"""`cpi-cert-wizard export-p12`: the keystore and public files for the sender system."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from wizard.commands.common import Context, Outcome
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.p12 import LEGACY, MODERN, explained
from wizard.core.secrets import ENVIRONMENT, SecretKind
from wizard.core.senders import Sender, guide_lines
from wizard.core.storage import read_input_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True)
    parser.add_argument("--out", type=Path, help="the .p12 file (or a folder) to write")
    parser.add_argument(
        "--legacy", action="store_true", help="3DES + SHA-1 MAC for old consumers: " + LEGACY
    )
    parser.add_argument("--include-root", action="store_true", help="also put the root in")
    parser.add_argument("--name", help="alias (friendly name) of the key entry")
    parser.add_argument(
        "--force", action="store_true", help="replace files that exist already at --out"
    )
    parser.add_argument(
        "--show-password",
        action="store_true",
        help="print the PKCS#12 password (otherwise: 'secret show --profile P p12')",
    )
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument(
        "--choose-password",
        action="store_true",
        help="use your own PKCS#12 password instead of a generated one: from "
        "CPI_CERT_WIZARD_P12_PASSWORD, else asked twice at the prompt (kept in the keyring)",
    )
    chosen.add_argument(
        "--password-file",
        type=Path,
        help="use your own PKCS#12 password: the first line of this file (kept in the keyring)",
    )
    parser.add_argument(
        "--sender",
        choices=[s.value for s in Sender],
        help="also say step by step where the files go on this kind of sender",
    )


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    from wizard.core.enrollment import export_p12, export_targets

    targets = export_targets(ctx.store, args.profile, args.out)
    folder = ctx.store.folder(args.profile).absolute()
    outside = [p for p in targets.values() if p.absolute().parent != folder]
    replace = args.force or _confirmed(ctx, outside)
    result = export_p12(
        ctx.store,
        ctx.secrets,
        args.profile,
        out=args.out,
        legacy=args.legacy,
        include_root=args.include_root,
        alias=args.name,
        replace=replace,
        password=_chosen_password(args, ctx),
    )
    kind = LEGACY if result.legacy else MODERN
    shown = ctx.secrets.available
    files = result.files
    lines = [
        f"PKCS#12 ({kind}: {explained(kind)})",
        f"  {files['p12']}",
        translate("export_p12", "Password: {password}").format(password=result.password)
        if args.show_password
        else translate("export_p12", "Password: not shown")
        if shown
        else translate("export_p12", "Password: the one you typed"),
        translate(
            "export_p12",
            "  kept in {where}; show it again with "
            "'cpi-cert-wizard secret show --profile {profile} p12'",
        ).format(where=result.password_kept_in, profile=args.profile)
        if shown  # without a keyring nothing is stored: `secret show` could not find it
        else f"  {result.password_kept_in}",
        "",
        translate("export_p12", "Which file goes where:"),
        f"  {files['p12'].name:<28} "
        + translate(
            "export_p12",
            "the sender system's keystore (STRUST: sapgenpse import_p12; Java: keytool "
            "-importkeystore; Postman: PFX)",
        ),
        f"  {files['cer'].name:<28} "
        + translate("export_p12", "the tenant (Neo Certificate-to-User Mapping)"),
        f"  {files['pem'].name:<28} "
        + translate("export_p12", "the tenant (Cloud Foundry External Certificate key)"),
        f"  {files['chain'].name:<28} "
        + translate("export_p12", "curl --cert / Postman: leaf + intermediates"),
        "",
        *_sender_lines(args.sender, files),
        translate("export_p12", "Next: {command}").format(
            command=f"cpi-cert-wizard mapping --profile {args.profile}"
        ),
    ]
    return Outcome(
        text="\n".join(lines),
        data={
            "profile": args.profile,
            "encryption": kind,
            "password_kept_in": result.password_kept_in,
            "sender_guide": guide_lines(args.sender, _names(files)) if args.sender else None,
        },
        files=result.files,
    )


def _chosen_password(args: argparse.Namespace, ctx: Context) -> str | None:
    """The person's own PKCS#12 password (never from argv), or None for the generated one."""
    from wizard.core.enrollment import check_p12_password

    if getattr(args, "password_file", None):
        raw = read_input_file(
            args.password_file, what=translate("export_p12", "a password file"), limit=4096
        )
        lines = raw.decode("utf-8", "replace").splitlines()
        password = lines[0] if lines else ""
    elif getattr(args, "choose_password", False):
        env = os.environ.get(ENVIRONMENT[SecretKind.P12_PASSWORD])
        if env:
            password = env
        else:
            password = ctx.ask_secret(translate("export_p12", "New PKCS#12 password: "))
            check_p12_password(password)
            again = ctx.ask_secret(translate("export_p12", "The same password again: "))
            if again != password:
                raise WizardError(
                    "secret.mismatch",
                    translate(
                        "export_p12", "The two entries differ; nothing was exported. Try again."
                    ),
                )
    else:
        return None
    check_p12_password(password)
    return password


def _confirmed(ctx: Context, targets: list[Path]) -> bool:
    """Ask before replacing files outside the profile, when a person is there to answer."""
    taken = [p for p in targets if p.exists()]
    if not taken or ctx.json or not sys.stdin or not sys.stdin.isatty():
        return False
    names = ", ".join(str(p) for p in taken)
    question = translate("export_p12", "{files} exist(s) already. Replace? [y/N] ").format(
        files=names
    )
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes", translate("export_p12", "y"))


def _names(files: dict[str, Path]) -> dict[str, str]:
    return {key: files[key].name for key in ("p12", "chain") if key in files}


def _sender_lines(sender: str | None, files: dict[str, Path]) -> list[str]:
    """Step by step for one kind of sender, or a pointer to the choices."""
    if sender is None:
        choices = "|".join(s.value for s in Sender)
        return [
            translate("export_p12", "Step by step for your sender: --sender {choices}").format(
                choices=choices
            ),
            "",
        ]
    return [*guide_lines(sender, _names(files)), ""]

"""`cpi-cert-wizard import-p12`: bring your own key pair from a PKCS#12 file."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from wizard.commands.common import Context, Outcome, add_chain_options
from wizard.commands.render import import_outcome
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.secrets import ENVIRONMENT, SecretKind
from wizard.core.storage import read_input_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True)
    parser.add_argument("p12", type=Path, help="the .p12/.pfx file")
    parser.add_argument(
        "chain_files", nargs="*", type=Path, help="certificates that complete the chain"
    )
    parser.add_argument(
        "--password-file", type=Path, help="file whose first line is the PKCS#12 password"
    )
    add_chain_options(parser)
    parser.add_argument(
        "--new-key",
        action="store_true",
        help="replace the profile's key even though its CSR still waits for the CA's answer",
    )


def _password(args: argparse.Namespace, ctx: Context) -> str:
    if args.password_file:
        raw = read_input_file(
            args.password_file, what=translate("import_p12", "a password file"), limit=4096
        )
        return raw.decode("utf-8", "replace").splitlines()[0] if raw.strip() else ""
    env = os.environ.get(ENVIRONMENT[SecretKind.P12_PASSWORD])
    if env is not None:
        return env
    try:
        return ctx.ask_secret(translate("import_p12", "Password of {file}: ").format(file=args.p12))
    except WizardError:
        raise WizardError(
            "p12.password",
            translate(
                "import_p12",
                "The password of {file} is needed: type it at the prompt, or use "
                "--password-file or {variable}.",
            ).format(file=args.p12, variable=ENVIRONMENT[SecretKind.P12_PASSWORD]),
        ) from None


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    from wizard.core.enrollment import import_p12

    result = import_p12(
        ctx.store,
        ctx.secrets,
        args.profile,
        args.p12,
        _password(args, ctx),
        chain_files=args.chain_files,
        ca_files=args.ca_file,
        sap_roots=ctx.sap_roots,
        fetch_aia=not args.no_aia,
        accept_without_client_auth=args.accept_without_client_auth,
        replace_key=args.new_key,
    )
    text, data = import_outcome(
        result,
        next_hint=translate("import_reply", "Next: {command}").format(
            command=f"cpi-cert-wizard export-p12 --profile {args.profile}"
        ),
    )
    return Outcome(text=text, data=data, files=result.files)

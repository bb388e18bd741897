"""`cpi-cert-wizard secret show`: a stored secret, on explicit request only."""

from __future__ import annotations

import argparse

from wizard.commands.common import Context, Outcome
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.secrets import SecretKind


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["show"])
    parser.add_argument("--profile", required=True)
    parser.add_argument(
        "kind",
        choices=[SecretKind.KEY_PASSPHRASE.value, SecretKind.P12_PASSWORD.value],
        help="key = the private-key passphrase; p12 = the last PKCS#12 password",
    )


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    ctx.store.load(args.profile)
    kind = SecretKind(args.kind)
    value = ctx.secrets.lookup(args.profile, kind)
    if value is None:
        raise WizardError(
            "secret.missing",
            translate(
                "secret", "No {kind} secret of profile {profile!r} is in the keyring ({keyring})."
            ).format(kind=kind.value, profile=args.profile, keyring=ctx.secrets.backend_name),
        )
    return Outcome(text=value, data={"profile": args.profile, "kind": kind.value, "secret": value})

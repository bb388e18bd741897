"""`cpi-cert-wizard secret show`: a stored secret, on explicit request only."""

from __future__ import annotations

import argparse

from wizard.commands.common import Context, Outcome
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.secrets import SERVICE, SecretKind


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
    secrets = ctx.secrets
    value = secrets.lookup(args.profile, kind)
    if value is None:
        missing_batch = secrets.batch_missing_message(args.profile, kind)
        if missing_batch is not None:
            raise WizardError("secret.batch_missing", missing_batch)
        raise WizardError(
            "secret.missing",
            translate(
                "secret", "No {kind} secret of profile {profile!r} is in the keyring ({keyring})."
            ).format(kind=kind.value, profile=args.profile, keyring=secrets.backend_name),
        )
    source = secrets.source(args.profile, kind)
    if source.reference is not None:
        where = translate(
            "secret",
            "Derived from the batch secret {account!r} of {service} in the keyring ({keyring}) "
            "for {label}.",
        ).format(
            account=source.reference.account,
            service=SERVICE,
            keyring=secrets.backend_name,
            label=source.reference.label,
        )
        account = source.reference.account
    else:
        where = translate(
            "secret", "Kept in its own item {account!r} of {service} in the keyring ({keyring})."
        ).format(
            account=f"{args.profile}/{kind.value}", service=SERVICE, keyring=secrets.backend_name
        )
        account = f"{args.profile}/{kind.value}"
    if not ctx.json:
        ctx.say(where)  # on stderr: stdout is the value alone, for scripts
    return Outcome(
        text=value,
        data={
            "profile": args.profile,
            "kind": kind.value,
            "secret": value,
            "source": "batch" if source.reference is not None else "own",
            "keyring_account": account,
        },
    )

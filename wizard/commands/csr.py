"""`cpi-cert-wizard csr`: the key and the certificate signing request."""

from __future__ import annotations

import argparse

from wizard.commands.common import Context, Outcome
from wizard.core import keys
from wizard.core.csr import SubjectFields
from wizard.core.i18n import translate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True, help="sender-system profile (created if new)")
    parser.add_argument("--subject", help='the whole subject, RFC 4514: "CN=erp,O=ACME,C=DE"')
    parser.add_argument("--cn", help="common name (any value; no leading/trailing spaces)")
    parser.add_argument("--org", default="", help="organization (O)")
    parser.add_argument("--org-unit", default="", help="organizational unit (OU)")
    parser.add_argument("--locality", default="", help="locality (L)")
    parser.add_argument("--state", default="", help="state or province (ST)")
    parser.add_argument("--country", default="", help="two-letter country code (C)")
    parser.add_argument("--email", default="", help="e-mail address in the subject")
    parser.add_argument(
        "--san", action="append", default=[], help="subject alternative name: DNS:x, email:y, URI:z"
    )
    parser.add_argument(
        "--key-type",
        default=keys.DEFAULT_KEY_TYPE.value,
        choices=[k.value for k in keys.KeyType],
        help=f"default {keys.DEFAULT_KEY_TYPE.value}",
    )
    parser.add_argument(
        "--new-key", action="store_true", help="replace the profile's existing key (renewal)"
    )


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    from wizard.core.enrollment import create_request
    from wizard.core.errors import WizardError

    if args.subject and args.cn:
        raise WizardError(
            "subject.twice",
            translate("csr", "Give either --subject or --cn (with --org …), not both."),
        )
    if args.subject:
        subject = SubjectFields.from_rfc4514(args.subject, tuple(args.san))
    elif args.cn is not None:
        subject = SubjectFields(
            cn=args.cn,
            org=args.org,
            org_unit=args.org_unit,
            locality=args.locality,
            state=args.state,
            country=args.country,
            email=args.email,
            sans=tuple(args.san),
        )
    else:
        raise WizardError(
            "subject.missing",
            translate("csr", "Say what the certificate is for: --cn NAME (or --subject DN)."),
        )
    if not ctx.secrets.available and not ctx.json:
        from wizard.core.secrets import SecretKind

        ctx.say(ctx.secrets.unavailable_message(SecretKind.KEY_PASSPHRASE))
    result = create_request(
        ctx.store, ctx.secrets, args.profile, subject, keys.KeyType(args.key_type),
        new_key=args.new_key,
    )  # fmt: skip
    lines = [
        result.csr_pem.rstrip(),
        "",
        translate("csr", "Request: {file}").format(file=result.csr_path),
        translate("csr", "Key:     {file} (encrypted; passphrase kept in {where})").format(
            file=result.key_path, where=result.passphrase_kept_in
        ),
    ]
    if result.archived:
        lines.append(
            translate("csr", "The previous key and certificate were copied to {folder}.").format(
                folder=result.archived
            )
        )
    lines += [
        "",
        translate(
            "csr",
            "Send the request to your CA and ask for a client-authentication certificate (Extended\n"
            "Key Usage clientAuth) with the whole chain, from a CA on SAP's trust list. Then run:",
        ),
        f"  cpi-cert-wizard import-reply --profile {args.profile} REPLY-FILE…",
    ]
    return Outcome(
        text="\n".join(lines),
        data={
            "profile": args.profile,
            "state": result.profile.state.value,
            "subject": result.profile.subject,
            "key_type": result.profile.key_type,
            "csr": result.csr_pem,
            "passphrase_kept_in": result.passphrase_kept_in,
        },
        files={"csr": result.csr_path, "key": result.key_path},
    )

"""`cpi-cert-wizard ca-enroll`: send the CSR to the company CA (AD CS web enrollment or EST).

Issued: the chain is imported as `import-reply` does. Pending: the request is kept in the profile
and `--check` collects it later. Denied: the CA's reason. The password goes to the keyring only.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from wizard.commands.common import Context, Outcome
from wizard.commands.render import import_outcome
from wizard.core.errors import WizardError
from wizard.core.i18n import translate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True, help="the sender-system profile with a CSR")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--adcs",
        metavar="URL",
        help="AD CS web enrollment, e.g. https://ca.example.com/certsrv",
    )
    which.add_argument(
        "--est", metavar="URL", help="EST server (RFC 7030), e.g. https://est.example.com"
    )
    parser.add_argument(
        "--template", metavar="NAME", help="AD CS certificate template (short name)"
    )
    parser.add_argument(
        "--list-templates",
        action="store_true",
        help="list the templates the AD CS web enrollment offers you, send nothing",
    )
    parser.add_argument(
        "--est-label", metavar="LABEL", help="EST CA label (…/.well-known/est/LABEL)"
    )
    parser.add_argument(
        "--auth",
        choices=["negotiate", "ntlm", "basic", "certificate"],
        help="sign-in: negotiate (Kerberos, the logged-on user; default for AD CS), ntlm, basic "
        "(default for EST), certificate (EST: a profile's certificate, see --client-profile)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="user name for ntlm/basic (DOMAIN\\name); the password is asked for once and kept "
        "in the keyring (or CPI_CERT_WIZARD_CA_PASSWORD)",
    )
    parser.add_argument(
        "--client-profile",
        metavar="P",
        help="EST: sign in with this profile's certificate (implies --auth certificate)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="ask the CA again about the pending request and import the certificate once issued",
    )
    parser.add_argument(
        "--renew",
        action="store_true",
        help="renewal with the profile's CA settings (EST: simplereenroll signed in with the "
        "current certificate)",
    )
    parser.add_argument("--proxy", metavar="URL", help="HTTPS proxy (default: HTTPS_PROXY)")
    parser.add_argument(
        "--ca-file",
        action="append",
        type=Path,
        default=[],
        metavar="PEM",
        help="trust only these CAs for the CA server's own TLS certificate (a company root)",
    )
    parser.add_argument("--no-aia", action="store_true", help="do not fetch missing issuers (AIA)")


def _settings(args: argparse.Namespace, ctx: Context):
    from wizard.core.ca_enroll.enroll import CaKind, CaSettings
    from wizard.core.ca_enroll.transport import Auth

    stored = CaSettings.of(ctx.store.load(args.profile))
    if args.adcs or args.est:
        kind = CaKind.ADCS if args.adcs else CaKind.EST
        default_auth = Auth.NEGOTIATE if kind is CaKind.ADCS else Auth.BASIC
        auth = Auth(args.auth) if args.auth else default_auth
        if args.client_profile:
            auth = Auth.CERTIFICATE
        if kind is CaKind.ADCS and auth is Auth.CERTIFICATE:
            raise WizardError(
                "ca_enroll.flags",
                translate(
                    "ca_enroll",
                    "AD CS web enrollment signs in with negotiate, ntlm or basic; a client "
                    "certificate (--auth certificate) is for EST.",
                ),
            )
        return CaSettings(
            kind=kind,
            url=args.adcs or args.est,
            template=args.template,
            auth=auth,
            user=args.user,
            est_label=args.est_label,
            proxy=args.proxy,
            ca_files=tuple(args.ca_file),
            client_profile=args.client_profile,
        )
    if stored is None:
        raise WizardError(
            "ca_enroll.flags",
            translate(
                "ca_enroll",
                "Name the CA: --adcs URL --template NAME (AD CS web enrollment) or --est URL "
                "(EST). Profile {name!r} has no CA settings yet.",
            ).format(name=args.profile),
        )
    from dataclasses import replace

    changes = {}
    if args.ca_file:
        changes["ca_files"] = tuple(args.ca_file)
    if args.proxy:
        changes["proxy"] = args.proxy
    if args.client_profile:
        changes.update(client_profile=args.client_profile, auth=Auth.CERTIFICATE)
    return replace(stored, **changes)


def _password(args: argparse.Namespace, ctx: Context, settings) -> str | None:
    """Asked for only when neither the keyring nor the environment has it; kept after success."""
    from wizard.core.ca_enroll.enroll import CaKind
    from wizard.core.secrets import ENVIRONMENT, SecretKind

    if not settings.needs_password or (args.renew and settings.kind is CaKind.EST):
        return None  # EST renewal signs in with the current certificate
    if not settings.user:
        raise WizardError(
            "ca_enroll.user_missing",
            translate(
                "ca_enroll",
                "Sign-in with {auth} needs a user name (--user DOMAIN\\name); the password is "
                "asked for and kept in the keyring.",
            ).format(auth=settings.auth.value),
        )
    if ctx.secrets.lookup(args.profile, SecretKind.CA_ENROLL):
        return None
    if os.environ.get(ENVIRONMENT[SecretKind.CA_ENROLL]):
        return None
    return ctx.ask_secret(
        translate("ca_enroll", "Password of {user} at the CA: ").format(user=settings.user)
    )


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    from wizard.core.ca_enroll import enroll

    settings = _settings(args, ctx)
    if args.list_templates:
        return _templates(args, ctx, settings)
    common = {
        "sap_roots": ctx.sap_roots,
        "fetch_aia": not args.no_aia,
        "progress": ctx.say,
        "show_ca_chain": lambda lines: ctx.say(enroll.describe_ca_chain(lines)),
    }
    if args.check:
        if args.adcs or args.est:
            raise WizardError(
                "ca_enroll.flags",
                translate(
                    "ca_enroll",
                    "--check asks the CA the request was sent to (kept in the profile); leave "
                    "out --adcs/--est.",
                ),
            )
        result = enroll.check_pending(
            ctx.store, ctx.secrets, args.profile, password=_password(args, ctx, settings),
            **common,
        )  # fmt: skip
    else:
        enroll.validate_settings(settings)
        result = enroll.send_to_ca(
            ctx.store, ctx.secrets, args.profile, settings,
            password=_password(args, ctx, settings), renewal=args.renew, **common,
        )  # fmt: skip
    return _outcome(result)


def _templates(args: argparse.Namespace, ctx: Context, settings) -> Outcome:
    from wizard.core.ca_enroll import enroll

    found = enroll.templates(
        settings, ctx.secrets, args.profile, password=_password(args, ctx, settings)
    )
    if not found:
        text = translate(
            "ca_enroll",
            "The CA's request page lists no templates for you; ask the CA administrators for the "
            "template name and give it with --template.",
        )
    else:
        text = "\n".join(
            [translate("ca_enroll", "Templates the CA offers you:")]
            + [f"  {t.name:<28} {t.label}" for t in found]
        )
    return Outcome(
        text=text, data={"templates": [{"name": t.name, "label": t.label} for t in found]}
    )


def _outcome(result) -> Outcome:
    from wizard.core.ca_enroll.enroll import CaOutcome
    from wizard.core.ca_enroll.pending import pending_note

    profile = result.profile
    settings = result.settings
    data = {
        "profile": profile.name,
        "outcome": result.outcome.value,
        "ca": {
            "kind": settings.kind.value,
            "url": settings.base,
            "template": settings.template,
            "auth": settings.auth.value,
            "user": settings.user,
        },
        "request_id": result.request_id,
        "pending_since": result.pending_since,
        "retry_after": result.retry_after,
        "ca_chain": [
            {"subject": c.subject, "not_after": c.not_after.isoformat(), "sha256": c.sha256}
            for c in result.ca_chain
        ],
        "password_kept_in": result.password_kept_in,
    }
    check = f"cpi-cert-wizard ca-enroll --profile {profile.name} --check"
    if result.outcome is CaOutcome.PENDING:
        if result.still_pending:
            headline = translate(
                "ca_enroll", "Still waiting: the request of profile {profile} is {note}."
            ).format(profile=profile.name, note=pending_note(profile))
        else:
            headline = translate(
                "ca_enroll",
                "The CA keeps the request of profile {profile} pending: an administrator must "
                "approve it ({note}).",
            ).format(profile=profile.name, note=pending_note(profile))
        lines = [headline]
        if result.retry_after:
            lines.append(
                translate("ca_enroll", "The CA asks to wait until {when} UTC.").format(
                    when=result.retry_after[:16].replace("T", " ")
                )
            )
        lines.append(
            translate(
                "ca_enroll", "Collect it later (also after a restart, days later): {command}"
            ).format(command=check)
        )
        return Outcome(text="\n".join(lines), data={**data, "state": profile.state.value})
    if result.request_id:
        headline = translate(
            "ca_enroll", "The CA at {url} issued the certificate (request {id})."
        ).format(url=settings.base, id=result.request_id)
    else:
        headline = translate("ca_enroll", "The CA at {url} issued the certificate.").format(
            url=settings.base
        )
    text, import_data = import_outcome(
        result.imported,
        next_hint=translate("ca_enroll", "Next: {command}").format(
            command=f"cpi-cert-wizard export-p12 --profile {profile.name}"
        ),
    )
    data.update({k: v for k, v in import_data.items() if k not in data})
    lines = [headline, "", text]
    if result.password_kept_in:
        lines += ["", translate("ca_enroll", "Password: {where}.").format(
            where=result.password_kept_in)]  # fmt: skip
    return Outcome(text="\n".join(lines), data=data, files=dict(result.imported.files))


# --- batch csr --enroll -------------------------------------------------------------------------


def add_batch_options(parser: argparse.ArgumentParser) -> None:
    """`batch csr --enroll`: the same CA options as ca-enroll, for every system of the CSV."""
    parser.add_argument(
        "--enroll",
        action="store_true",
        help="send every new request to the company CA (--adcs URL --template NAME or --est "
        "URL); requests already waiting there are collected",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--adcs", metavar="URL", help="AD CS web enrollment (…/certsrv)")
    which.add_argument("--est", metavar="URL", help="EST server (RFC 7030)")
    parser.add_argument("--template", metavar="NAME", help="AD CS certificate template")
    parser.add_argument("--est-label", metavar="LABEL", help="EST CA label")
    parser.add_argument("--auth", choices=["negotiate", "ntlm", "basic"], help="sign-in")
    parser.add_argument("--user", metavar="NAME", help="user name for ntlm/basic")
    parser.add_argument("--proxy", metavar="URL", help="HTTPS proxy (default: HTTPS_PROXY)")
    parser.add_argument(
        "--ca-file",
        action="append",
        type=Path,
        default=[],
        metavar="PEM",
        help="trust only these CAs for the CA server's own TLS certificate",
    )


def enroll_after_csr(args: argparse.Namespace, ctx: Context, report) -> Outcome:
    """The CSR step's profiles (made now or waiting) sent to the CA; both reports."""
    from wizard.core.batch import Status
    from wizard.core.ca_enroll import enroll
    from wizard.core.ca_enroll.enroll import CaKind, CaSettings
    from wizard.core.ca_enroll.many import enroll_all
    from wizard.core.ca_enroll.transport import Auth

    if not (args.adcs or args.est):
        raise WizardError(
            "ca_enroll.flags",
            translate(
                "ca_enroll",
                "--enroll needs the CA: --adcs URL --template NAME (AD CS web enrollment) or "
                "--est URL (EST).",
            ),
        )
    kind = CaKind.ADCS if args.adcs else CaKind.EST
    auth = Auth(args.auth) if args.auth else (Auth.NEGOTIATE if kind is CaKind.ADCS else Auth.BASIC)
    settings = enroll.validate_settings(
        CaSettings(
            kind=kind, url=args.adcs or args.est, template=args.template, auth=auth,
            user=args.user, est_label=args.est_label, proxy=args.proxy,
            ca_files=tuple(args.ca_file),
        )
    )  # fmt: skip
    names = [r.profile for r in report.results if r.profile and r.status is not Status.FAILED]
    password = None
    if settings.needs_password and names:
        from wizard.core.secrets import ENVIRONMENT, SecretKind

        # one password for the whole batch: asked once, kept per profile after it worked
        password = os.environ.get(ENVIRONMENT[SecretKind.CA_ENROLL]) or ctx.secrets.lookup(
            names[0], SecretKind.CA_ENROLL
        )
        if not password:
            password = _password(argparse.Namespace(profile=names[0], renew=False), ctx, settings)
    enrolled = enroll_all(
        ctx.store, ctx.secrets, names, settings, password=password, sap_roots=ctx.sap_roots
    )
    from wizard.commands.common import EXIT_INPUT, EXIT_OK
    from wizard.commands.render import batch_json, batch_table

    hint = translate(
        "ca_enroll",
        "Requests waiting at the CA: run the same command again later (or cpi-cert-wizard "
        "ca-enroll --profile NAME --check); then cpi-cert-wizard batch export.",
    )
    return Outcome(
        text=batch_table(report) + "\n\n" + batch_table(enrolled, hint),
        data={**batch_json(report), "enroll": batch_json(enrolled)},
        files=dict(report.files),
        exit_code=EXIT_OK if report.ok and enrolled.ok else EXIT_INPUT,
    )

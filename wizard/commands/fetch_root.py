"""`cpi-cert-wizard fetch-root TARGET`: read the tenant's server chain, resolve and save its root.

Exit status 0 when the root was found (and saved with --profile/--out), 3 when the chain could
not be completed to a root (nothing written), 2 for errors the user can fix (DNS, refused,
timeout, not TLS, proxy, bad input).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard.commands.common import EXIT_OK, Context, Outcome, add_proxy_option
from wizard.core.errors import WizardError
from wizard.core.fetch_root import FetchRootReport, fetch_root, save_root
from wizard.core.i18n import translate
from wizard.core.profiles import Artefact, validate_profile_name
from wizard.core.tlsprobe import DEFAULT_TIMEOUT, parse_target

EXIT_NO_ROOT = 3


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "target",
        metavar="TARGET",
        help="the tenant's runtime endpoint URL (https://…/http/…), its host, or host:port",
    )
    parser.add_argument(
        "--profile", metavar="NAME", help="save into this profile (created if it does not exist)"
    )
    parser.add_argument("--out", type=Path, metavar="DIR", help="also write the files here")
    parser.add_argument(
        "--ca-file",
        type=Path,
        action="append",
        default=[],
        metavar="PEM",
        help="certificates that may complete the chain (root, intermediates); repeatable; "
        "searched before certifi and the system store",
    )
    add_proxy_option(parser)
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up after this long (DNS, connect, proxy and handshake; default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--servername",
        metavar="NAME",
        help="the TLS server name (SNI) to send and to check the certificate against "
        "(default: the host)",
    )


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    if args.profile is not None:
        validate_profile_name(args.profile)  # before the network: a typo costs no timeout
    if not args.timeout > 0:
        raise WizardError(
            "target.timeout",
            translate("fetch_root", "--timeout must be a positive number of seconds."),
        )
    target = parse_target(args.target)
    ctx.say(
        translate("fetch_root", "Reading the certificate chain of {address}…").format(
            address=target.address
        )
    )
    report = fetch_root(
        target,
        ca_files=args.ca_file,
        proxy=args.proxy,
        timeout=args.timeout,
        servername=args.servername,
        sap_roots=ctx.sap_roots,
    )
    report = save_root(
        report,
        store=ctx.store if args.profile else None,
        profile=args.profile,
        out=args.out,
    )
    return Outcome(
        text=render(report, saving=bool(args.profile or args.out)),
        data=report.to_json(),
        files=dict(report.files),
        exit_code=EXIT_OK if report.root is not None else EXIT_NO_ROOT,
    )


def render(report: FetchRootReport, *, saving: bool) -> str:
    if report.proxy:
        heading = translate(
            "fetch_root", "Chain of {address} ({protocol}, through the proxy {proxy}):"
        )
    else:
        heading = translate("fetch_root", "Chain of {address} ({protocol}):")
    lines = [
        heading.format(address=report.target.address, protocol=report.protocol, proxy=report.proxy)
    ]
    roles = {
        "leaf": translate("render", "leaf"),
        "intermediate": translate("render", "intermediate"),
        "root": translate("render", "root"),
    }
    for entry in report.chain:
        if entry.sent_by_server:
            origin = translate("fetch_root", "sent by server")
        else:
            origin = translate("fetch_root", "resolved from {source}").format(source=entry.source)
        issued = translate("render", "issued by {issuer}; valid until {date}").format(
            issuer=entry.issuer, date=f"{entry.not_after:%Y-%m-%d}"
        )
        lines.append(f"  {roles.get(entry.role, entry.role):<12} {entry.subject}")
        lines.append(f"  {'':<12} {issued}")
        lines.append(f"  {'':<12} SHA-256 {entry.sha256}  ({origin})")
    lines.append("")
    lines.extend(report.verdict_lines())
    if report.files:
        lines.append("")
        lines.append(
            translate("fetch_root", "Saved (profile {profile}):").format(profile=report.profile)
            if report.profile
            else translate("fetch_root", "Saved:")
        )
        width = max(len(label) for label in report.files)
        lines.extend(f"  {label:<{width}}  {path}" for label, path in report.files.items())
        lines.append(
            translate(
                "fetch_root",
                "Next: import {cer} into the sender's trust store "
                "(STRUST: SSL client PSE → Import certificate → Add to Certificate List; Java: "
                "keytool -importcert -file {cer}; Postman: Settings → "
                "Certificates → CA certificates → {pem}).",
            ).format(cer=Artefact.TENANT_ROOT_CER.value, pem=Artefact.TENANT_ROOT_PEM.value)
        )
    elif report.root is not None and not saving:
        lines.append(
            translate(
                "fetch_root", "Not saved: add --profile NAME and/or --out DIR to save the root."
            )
        )
    return "\n".join(lines)

"""`cpi-cert-wizard fetch-root TARGET`: read the tenant's server chain, resolve and save its root.

Exit status 0 when the root was found (and saved with --profile/--out), 3 when the chain could
not be completed to a root (nothing written), 2 for errors the user can fix (DNS, refused,
timeout, not TLS, proxy, bad input).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard.cli import EXIT_OK, Context, Outcome
from wizard.core.errors import WizardError
from wizard.core.fetch_root import FetchRootReport, fetch_root, save_root
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
    parser.add_argument(
        "--proxy",
        metavar="URL",
        help="HTTP proxy to tunnel through (http://[user:password@]host:port), or 'none' for a "
        "direct connection; default: HTTPS_PROXY / ALL_PROXY, honouring NO_PROXY",
    )
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
        raise WizardError("target.timeout", "--timeout must be a positive number of seconds.")
    target = parse_target(args.target)
    ctx.say(f"Reading the certificate chain of {target.address}…")
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
    via = f", through the proxy {report.proxy}" if report.proxy else ""
    lines = [f"Chain of {report.target.address} ({report.protocol}{via}):"]
    for entry in report.chain:
        lines.append(f"  {entry.role:<12} {entry.subject}")
        lines.append(f"  {'':<12} issued by {entry.issuer}; valid until {entry.not_after:%Y-%m-%d}")
        lines.append(f"  {'':<12} SHA-256 {entry.sha256}  ({entry.origin})")
    lines.append("")
    lines.extend(report.verdict_lines())
    if report.files:
        lines.append("")
        lines.append("Saved:" + (f" (profile {report.profile})" if report.profile else ""))
        width = max(len(label) for label in report.files)
        lines.extend(f"  {label:<{width}}  {path}" for label, path in report.files.items())
        lines.append(
            f"Next: import {Artefact.TENANT_ROOT_CER.value} into the sender's trust store "
            "(STRUST: SSL client PSE → Import certificate → Add to Certificate List; Java: "
            f"keytool -importcert -file {Artefact.TENANT_ROOT_CER.value}; Postman: Settings → "
            f"Certificates → CA certificates → {Artefact.TENANT_ROOT_PEM.value})."
        )
    elif report.root is not None and not saving:
        lines.append("Not saved: add --profile NAME and/or --out DIR to save the root.")
    return "\n".join(lines)

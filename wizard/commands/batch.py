"""`cpi-cert-wizard batch csr|import|export|mapping|test-call`: one step for many sender systems.

One bad CSV row or profile is reported and the others go on; running a step again skips what is
done. Exit status 0 when nothing failed, 2 when any row or profile failed (the summary says which).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wizard.commands.common import (
    EXIT_INPUT,
    EXIT_NEGATIVE,
    EXIT_OK,
    Context,
    Outcome,
    add_proxy_option,
)
from wizard.commands.render import batch_json, batch_table
from wizard.core import keys
from wizard.core.batch import DEFAULT_CONCURRENCY, Status
from wizard.core.i18n import translate


def _common(parser: argparse.ArgumentParser) -> None:
    """The global options, accepted after the batch step too (`batch csr … --json`)."""
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON object"
    )
    parser.add_argument("--home", type=Path, default=argparse.SUPPRESS, help="data directory")
    parser.add_argument(
        "--sap-roots", type=Path, default=argparse.SUPPRESS, help="a newer SAP trust list"
    )


def _profiles(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profiles",
        metavar="GLOB",
        help="only profiles whose name matches, e.g. 'ERP-*' (default: all)",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    steps = parser.add_subparsers(dest="step", metavar="STEP", required=True)

    csr = steps.add_parser(
        "csr",
        help="a key and CSR for every system of a CSV",
        description="Create every profile, key and CSR listed in a CSV (columns: profile, cn, o, "
        "ou, l, st, c, env, url, user, role; header required; ';' or ','; UTF-8) and put all "
        "requests into one folder and a zip for the CA.",
    )
    csr.add_argument("--from", dest="csv", type=Path, required=True, metavar="CSV")
    csr.add_argument(
        "--out",
        type=Path,
        default=Path("csr-requests"),
        metavar="DIR",
        help="folder for the CSRs and requests.zip (default: ./csr-requests)",
    )
    csr.add_argument(
        "--key-type",
        default=keys.DEFAULT_KEY_TYPE.value,
        choices=[k.value for k in keys.KeyType],
        help=f"for rows without a key_type column (default {keys.DEFAULT_KEY_TYPE.value})",
    )
    from wizard.commands.ca_enroll import add_batch_options

    add_batch_options(csr)  # --enroll: send the requests to the company CA
    _common(csr)

    imp = steps.add_parser(
        "import",
        help="import the CA's replies, matched to profiles by public key",
        description="Read every reply (files or folders; PEM, DER, PKCS#7, bundles; any names), "
        "match each certificate to the profile whose request has its public key, validate and "
        "import it.",
    )
    imp.add_argument("paths", nargs="+", type=Path, metavar="DIR_OR_FILE")
    imp.add_argument(
        "--ca-file",
        action="append",
        type=Path,
        default=[],
        help="more certificates that may complete the chains (only self-signed roots are trusted)",
    )
    imp.add_argument("--no-aia", action="store_true", help="do not fetch missing issuers (AIA)")
    _common(imp)

    exp = steps.add_parser("export", help="the PKCS#12 and public files of many profiles")
    _profiles(exp)
    exp.add_argument("--out", type=Path, metavar="DIR", help="write <profile>.p12 … into DIR")
    exp.add_argument("--legacy", action="store_true", help="3DES + SHA-1 MAC for old consumers")
    exp.add_argument("--include-root", action="store_true", help="also put the root in")
    exp.add_argument(
        "--again", action="store_true", help="export even where the .p12 is up to date"
    )
    _common(exp)

    mapping = steps.add_parser("mapping", help="the tenant entries of many profiles")
    _profiles(mapping)
    mapping.add_argument(
        "--out",
        type=Path,
        default=Path("tenant-entries"),
        metavar="DIR",
        help="folder for <profile>/ files and tenant-entries.json (default: ./tenant-entries)",
    )
    mapping.add_argument(
        "--env", choices=["neo", "cf"], help="for profiles that do not record their environment"
    )
    mapping.add_argument(
        "--role",
        dest="roles",
        action="extend",
        nargs="+",
        default=[],
        metavar="ROLE",
        help="role(s) for every entry (default: each profile's, else ESBMessaging.send)",
    )
    _common(mapping)

    call = steps.add_parser("test-call", help="test calls for many profiles, a few at a time")
    _profiles(call)
    call.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"calls at the same time (default {DEFAULT_CONCURRENCY})",
    )
    call.add_argument("--timeout", type=float, metavar="S", help="per call (default 30)")
    add_proxy_option(call)
    call.add_argument(
        "--trust", metavar="root|system|FILE", help="what the servers' certificates lead to"
    )
    _common(call)


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    from wizard.core.storage import grouped_durability

    with grouped_durability():  # every write atomic; one sync for the step, not one per file
        return _run(args, ctx)


def _run(args: argparse.Namespace, ctx: Context) -> Outcome:
    from wizard.core import batch

    progress = _progress(ctx)
    if args.step == "csr":
        systems = batch.read_systems_csv(args.csv)
        if not ctx.secrets.available and not ctx.json:
            from wizard.core.secrets import SecretKind

            ctx.say(ctx.secrets.unavailable_message(SecretKind.KEY_PASSPHRASE))
        report = batch.request_all(
            ctx.store,
            ctx.secrets,
            systems,
            out=args.out,
            key_type=keys.KeyType(args.key_type),
            progress=progress,
        )
        hint = translate(
            "batch",
            "Send the requests (the folder or requests.zip) to the CA, then run: "
            "cpi-cert-wizard batch import REPLY-FOLDER",
        )
        if args.enroll:
            from wizard.commands.ca_enroll import enroll_after_csr

            return enroll_after_csr(args, ctx, report)
    elif args.step == "import":
        report = batch.import_replies(
            ctx.store,
            args.paths,
            ca_files=args.ca_file,
            sap_roots=ctx.sap_roots,
            fetch_aia=not args.no_aia,
            progress=progress,
        )
        hint = translate("batch", "Next: cpi-cert-wizard batch export, then batch mapping")
    elif args.step == "export":
        report = batch.export_all(
            ctx.store,
            ctx.secrets,
            args.profiles,
            out=args.out,
            legacy=args.legacy,
            include_root=args.include_root,
            again=args.again,
            progress=progress,
        )
        hint = (
            translate("batch", "Passwords: cpi-cert-wizard secret show --profile NAME p12")
            if ctx.secrets.available  # else nothing is stored for `secret show` to find
            else ""
        )
    elif args.step == "mapping":
        report = batch.map_all(
            ctx.store,
            args.profiles,
            out=args.out,
            environment=args.env,
            roles=args.roles,
            progress=progress,
        )
        hint = translate(
            "batch", "Per profile: {out}/<profile>/; all entries: {out}/tenant-entries.json"
        ).format(out=args.out)
    else:
        report = batch.test_all(
            ctx.store,
            ctx.secrets,
            args.profiles,
            concurrency=args.concurrency,
            timeout=args.timeout,
            proxy=args.proxy,
            trust=args.trust,
            sap_roots=ctx.sap_roots,
            progress=progress,
        )
        hint = translate("batch", "Details of one call: cpi-cert-wizard test-call --profile NAME")
    return Outcome(
        text=batch_table(report, hint),
        data=batch_json(report),
        files=dict(report.files),
        exit_code=_exit_code(args.step, report),
    )


def _exit_code(step: str, report) -> int:
    """0 all done; 3 (as test-call) when every failure is a verdict other than OK; else 2."""
    if report.ok:
        return EXIT_OK
    failed = [r for r in report.results if r.status is Status.FAILED]
    if step == "test-call" and all(r.verdict for r in failed):
        return EXIT_NEGATIVE
    return EXIT_INPUT


def _progress(ctx: Context):
    if not sys.stderr.isatty():
        return None
    return lambda r: ctx.say(f"  {r.profile or r.source or '-'}: {r.status.value}")

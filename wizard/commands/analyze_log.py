"""`cpi-cert-wizard analyze-log`: explain the calls in SAP HTTP access logs."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from wizard.cli import Context, Outcome
from wizard.core.accesslog import LogAnalysis, analyze, certificate_user, parse_since
from wizard.core.errors import WizardError
from wizard.core.verdicts import Verdict

_SHOWN = 200  # calls listed in the text output; --json has them all


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="http_access_<node>_<date>.log files (plain or .gz), several nodes at once",
    )
    parser.add_argument(
        "--since",
        metavar="TIME",
        help="only calls from then on: 2021-04-12T10:30 (UTC), 12/Apr/2021:10:30:00 +0000, or "
        "30m / 2h / 7d back from now",
    )
    parser.add_argument("--path", help="only calls to this endpoint, e.g. /http/orders")
    parser.add_argument(
        "--profile",
        help="only calls of this profile's certificate ('<CN>@<issuer CN>' or its mapped user)",
    )


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    since = parse_since(args.since) if args.since else None
    users: list[str] = []
    certificate_users: list[str] = []
    environment = None
    if args.profile:
        profile = ctx.store.load(args.profile)
        cert_user = certificate_user(profile.leaf_subject, profile.leaf_issuer)
        if cert_user is None:
            raise WizardError(
                "log.profile",
                f"Profile {profile.name!r} has no certificate with a common name yet, so its "
                "calls cannot be recognised in a log. Import the certificate first, or filter "
                "with --path and --since instead.",
            )
        users = [cert_user]
        certificate_users = [cert_user]
        if profile.mapping_user:
            users.append(profile.mapping_user)
        environment = profile.environment
    analysis = analyze(
        args.files,
        since=since,
        path=args.path,
        users=users,
        certificate_users=certificate_users,
        environment=environment,
    )
    return Outcome(text=render(analysis), data=analysis_json(analysis))


def _filter_text(analysis: LogAnalysis) -> str:
    flt = analysis.filter
    parts = []
    if flt.path:
        parts.append(f"path {flt.path}")
    if flt.since:
        parts.append(f"since {flt.since.isoformat()}")
    if flt.users:
        parts.append("user " + " or ".join(repr(u) for u in flt.users))
    return ", ".join(parts) or "all calls"


def render(analysis: LogAnalysis) -> str:
    nodes = len({f.node for f in analysis.files})
    lines = [
        f"Read {len(analysis.files)} file{'s' if len(analysis.files) != 1 else ''} "
        f"({nodes} node{'s' if nodes != 1 else ''}): {analysis.parsed} calls, "
        f"{analysis.malformed} malformed line{'s' if analysis.malformed != 1 else ''} skipped.",
    ]
    for f in analysis.files:
        note = f"  {f.path.name}: node {f.node}, {f.parsed} calls"
        if f.malformed:
            note += f", {f.malformed} malformed"
        if f.error:
            note += f"; {f.error}"
        lines.append(note)
    lines += ["", f"Matching ({_filter_text(analysis)}): {len(analysis.calls)}"]
    shown = analysis.calls[-_SHOWN:]
    if len(analysis.calls) > len(shown):
        lines.append(f"(the last {len(shown)} are listed; --json gives all)")
    for call in shown:
        e = call.entry
        lines.append(
            f"{e.time:%Y-%m-%d %H:%M:%S %z}  {e.node}  {e.method} {e.path}  {e.status}  "
            f"user {e.user}"
        )
        lines.append(f"    {call.verdict.value}: {call.explanation}")
    if analysis.calls:
        counts = Counter(c.verdict for c in analysis.calls)
        lines += ["", "Summary:"]
        for verdict, count in counts.most_common():
            step = next(c.next_step for c in analysis.calls if c.verdict is verdict)
            lines.append(f"  {verdict.value} × {count}: {verdict.title}.")
            if verdict is not Verdict.OK:
                lines.append(f"      Next: {step}")
    if analysis.filter.users and analysis.unattributed_no_credentials:
        n = analysis.unattributed_no_credentials
        lines += [
            "",
            f"Also {n} call{'s' if n != 1 else ''} in the same window arrived with no "
            "credentials at all (user '-', 401). They cannot be told apart by user; if your "
            "sender made them, its certificate was not forwarded (chain incomplete, root not on "
            "SAP's list, or self-signed).",
        ]
    return "\n".join(lines)


def analysis_json(analysis: LogAnalysis) -> dict:
    flt = analysis.filter
    return {
        "logs": [
            {
                "path": str(f.path),
                "node": f.node,
                "date": f.date,
                "lines": f.lines,
                "calls": f.parsed,
                "malformed": f.malformed,
                "error": f.error,
            }
            for f in analysis.files
        ],
        "filter": {
            "since": flt.since.isoformat() if flt.since else None,
            "path": flt.path,
            "users": list(flt.users),
        },
        "lines": analysis.lines,
        "parsed": analysis.parsed,
        "malformed": analysis.malformed,
        "unattributed_no_credentials": analysis.unattributed_no_credentials,
        "calls": [
            {
                "time": c.entry.time.isoformat(),
                "node": c.entry.node,
                "file": c.entry.source,
                "line": c.entry.line_no,
                "client_ip": c.entry.client_ip,
                "user": c.entry.user,
                "user_kind": c.user_kind.value,
                "method": c.entry.method,
                "path": c.entry.path,
                "status": c.entry.status,
                "host": c.entry.host,
                "verdict": c.verdict.value,
                "explanation": c.explanation,
                "next_step": c.next_step,
                "certificate_cn": c.certificate_cn,
                "issuer_cn": c.issuer_cn,
            }
            for c in analysis.calls
        ],
        "summary": dict(Counter(c.verdict.value for c in analysis.calls)),
    }

"""`cpi-cert-wizard analyze-log`: explain the calls in SAP HTTP access logs and, from the default
traces, why the tenant refused them.

Files are told apart by name (`http_access_…`, `ljs_trace_…`), else by their first record. With
both kinds, each refused call is shown with the trace records of the same node that explain it.
"""

from __future__ import annotations

import argparse
import gzip
import re
import zlib
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from wizard.cli import Context, Outcome
from wizard.core import tracelog
from wizard.core.accesslog import LogAnalysis, analyze, certificate_user, parse_since
from wizard.core.errors import WizardError
from wizard.core.logjoin import JOIN_SECONDS, JoinedLogs, join_logs
from wizard.core.tracelog import TraceAnalysis, TraceFinding, analyze_traces
from wizard.core.verdicts import Verdict, trace_file

_SHOWN = 200  # calls listed in the text output; --json has them all
DEFAULT_WINDOW = "2m"
_SPAN = re.compile(r"^(?P<n>\d+)\s*(?P<unit>[smh])$", re.IGNORECASE)
_TRACE_RECORD = re.compile(r"^(?:FILE_TYPE:|\d{4} \d{2} \d{2} \d{2}:\d{2}:\d{2})")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="http_access_<node>_<date>.log and ljs_trace_<node>_<date>.log files (plain or .gz), "
        "several nodes at once",
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
    parser.add_argument(
        "--around",
        metavar="TIME",
        help="only what happened around this time (a test call's): same forms as --since, or "
        "'last-test' for the profile's last test call (with --profile)",
    )
    parser.add_argument(
        "--window",
        metavar="SPAN",
        default=DEFAULT_WINDOW,
        help=f"how far around --around to look: 90s, 5m, 1h (default {DEFAULT_WINDOW})",
    )


def _span(text: str) -> timedelta:
    m = _SPAN.match(text.strip())
    if not m:
        raise WizardError(
            "log.window",
            f"{text!r} is not a span; give seconds, minutes or hours like 90s, 5m or 1h.",
        )
    return timedelta(seconds=int(m["n"]) * {"s": 1, "m": 60, "h": 3600}[m["unit"].lower()])


def _is_trace(path: Path) -> bool:
    """By name (ljs_trace_…), else by the first non-empty line (a trace header or record)."""
    if tracelog.is_trace_name(path):
        return True
    if path.name.lower().startswith("http_access"):
        return False
    try:
        with path.open("rb") as probe:
            gzipped = probe.read(2) == b"\x1f\x8b"
        opener = gzip.open if gzipped else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle):
                if line.strip():
                    return bool(_TRACE_RECORD.match(line))
                if number > 50:
                    break
    except (OSError, EOFError, zlib.error):
        return False  # the access-log reader says what is wrong with it
    return False


def _around(args: argparse.Namespace, profile) -> datetime | None:
    if not args.around:
        return None
    if args.around.strip().lower() == "last-test":
        if profile is None:
            raise WizardError(
                "log.around", "--around last-test needs --profile (whose last test call counts)."
            )
        if not profile.last_test_at:
            raise WizardError(
                "log.around",
                f"Profile {profile.name!r} has no test call yet. Run cpi-cert-wizard test-call "
                f"--profile {profile.name}, or give the time: --around 2021-04-12T10:30.",
            )
        return parse_since(profile.last_test_at)
    return parse_since(args.around)


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    since = parse_since(args.since) if args.since else None
    users: list[str] = []
    certificate_users: list[str] = []
    environment = None
    profile = None
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
    window = _span(args.window)
    around = _around(args, profile)
    until = None
    if around is not None:
        since = max(since, around - window) if since else around - window
        until = around + window
    trace_files = [f for f in args.files if _is_trace(f)]
    access_files = [f for f in args.files if f not in trace_files]
    analysis = analyze(
        access_files,
        since=since,
        path=args.path,
        users=users,
        certificate_users=certificate_users,
        environment=environment,
        until=until,
    )
    if not trace_files:
        return Outcome(text=render(analysis), data=analysis_json(analysis))
    # Trace records of a call can lie a little outside the access-log window.
    slack = timedelta(seconds=JOIN_SECONDS if access_files else 0)
    traces = analyze_traces(
        trace_files,
        since=since - slack if since else None,
        until=until + slack if until else None,
        environment=environment,
        profile=profile.name if profile else None,
        users=users,
    )
    joined = join_logs(analysis, traces)
    data = analysis_json(analysis, joined)
    data["traces"] = traces_json(traces, joined)
    text = render(analysis, joined) if access_files else ""
    text = "\n\n".join(part for part in (text, render_traces(traces, joined)) if part)
    return Outcome(text=text, data=data)


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


def _finding_line(finding: TraceFinding) -> list[str]:
    record = finding.record
    return [
        f"{record.time:%Y-%m-%d %H:%M:%S %z}  {record.node}  {finding.problem.value}: "
        f"{finding.title} ({record.source} line {record.line_no})",
        f"    {finding.explanation}",
        f"    Fix: {finding.fix}",
    ]


def render_traces(traces: TraceAnalysis, joined: JoinedLogs) -> str:
    files = len(traces.files)
    nodes = len({f.node for f in traces.files})
    lines = [
        f"Default trace: {files} file{'s' if files != 1 else ''} "
        f"({nodes} node{'s' if nodes != 1 else ''}): {traces.records} records, "
        f"{traces.malformed} unreadable line{'s' if traces.malformed != 1 else ''} skipped.",
    ]
    for f in traces.files:
        note = f"  {f.path.name}: node {f.node}, {f.records} records"
        if f.malformed:
            note += f", {f.malformed} unreadable"
        if f.error:
            note += f"; {f.error}"
        lines.append(note)
    window = ""
    if traces.since or traces.until:
        window = " between " + " and ".join(
            t.isoformat() if t else "…" for t in (traces.since, traces.until)
        )
    shown = joined.unmatched if joined.calls else traces.findings
    joined_count = len(traces.findings) - len(joined.unmatched)
    lines += ["", f"Authentication and authorization errors{window}: {len(traces.findings)}"]
    if joined_count:
        lines.append(f"  ({joined_count} shown with their calls above)")
    for finding in shown:
        lines += _finding_line(finding)
    if joined.refused_nodes_without_trace:
        lines += ["", "Refused calls answered by nodes without a trace file here:"]
        lines += [f"  {trace_file(node)}" for node in joined.refused_nodes_without_trace]
    return "\n".join(lines)


def render(analysis: LogAnalysis, joined: JoinedLogs | None = None) -> str:
    traced = {id(c.call): c.findings for c in joined.calls} if joined else {}
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
        for finding in traced.get(id(call), ()):
            lines.append(
                f"    trace {finding.record.source} line {finding.record.line_no}: "
                f"{finding.problem.value}: {finding.explanation}"
            )
            lines.append(f"      Fix: {finding.fix}")
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


def finding_json(finding: TraceFinding) -> dict:
    record = finding.record
    return {
        "time": record.time.isoformat(),
        "node": record.node,
        "file": record.source,
        "line": record.line_no,
        "severity": record.severity,
        "logger": record.logger,
        "problem": finding.problem.value,
        "title": finding.title,
        "verdict": finding.verdict.value,
        "user": finding.user,
        "role": finding.role,
        "subject": finding.subject,
        "issuer": finding.issuer,
        "text": record.text,
        "explanation": finding.explanation,
        "fix": finding.fix,
    }


def traces_json(traces: TraceAnalysis, joined: JoinedLogs) -> dict:
    return {
        "logs": [
            {
                "path": str(f.path),
                "node": f.node,
                "date": f.date,
                "lines": f.lines,
                "records": f.records,
                "malformed": f.malformed,
                "error": f.error,
            }
            for f in traces.files
        ],
        "since": traces.since.isoformat() if traces.since else None,
        "until": traces.until.isoformat() if traces.until else None,
        "records": traces.records,
        "malformed": traces.malformed,
        "findings": [finding_json(f) for f in traces.findings],
        "unmatched": [finding_json(f) for f in joined.unmatched],
        "nodes_without_trace": list(joined.refused_nodes_without_trace),
        "summary": dict(Counter(f.problem.value for f in traces.findings)),
    }


def analysis_json(analysis: LogAnalysis, joined: JoinedLogs | None = None) -> dict:
    traced = {id(c.call): c.findings for c in joined.calls} if joined else {}
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
            "until": flt.until.isoformat() if flt.until else None,
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
                "trace": [finding_json(f) for f in traced.get(id(c), ())],
            }
            for c in analysis.calls
        ],
        "summary": dict(Counter(c.verdict.value for c in analysis.calls)),
    }

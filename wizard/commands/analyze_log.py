"""`cpi-cert-wizard analyze-log`: explain the calls in SAP HTTP access logs and, from the default
traces, why the tenant refused them.

Files are told apart by name (`http_access_…`, `ljs_trace_…`), else by their first record. With
both kinds, each refused call is shown with the trace records of the same node that explain it.
"""

from __future__ import annotations

import argparse
import re
import zlib
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.commands.common import Context, Outcome
from wizard.core.errors import WizardError
from wizard.core.i18n import translate

# The log readers (and cryptography, through verdicts) are imported where they are used, so
# `analyze-log --help` loads neither (issue 19).
if TYPE_CHECKING:
    from wizard.core.accesslog import LogAnalysis
    from wizard.core.logjoin import JoinedLogs
    from wizard.core.tracelog import TraceAnalysis, TraceFinding

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
            translate(
                "analyze_log",
                "{text!r} is not a span; give seconds, minutes or hours like 90s, 5m or 1h.",
            ).format(text=text),
        )
    return timedelta(seconds=int(m["n"]) * {"s": 1, "m": 60, "h": 3600}[m["unit"].lower()])


def _is_trace(path: Path) -> bool:
    """By name (ljs_trace_…), else by the first non-empty line (a trace header or record)."""
    from wizard.core import tracelog
    from wizard.core.storage import open_log_text

    if tracelog.is_trace_name(path):
        return True
    if path.name.lower().startswith("http_access"):
        return False
    try:  # a FIFO or a device is refused before it is opened (it could block or never end)
        with open_log_text(path, what="a log") as handle:
            for number, line in enumerate(handle):
                if line.strip():
                    return bool(_TRACE_RECORD.match(line))
                if number > 50:
                    break
    except (OSError, EOFError, zlib.error, WizardError):
        return False  # the access-log reader says what is wrong with it
    return False


def _around(args: argparse.Namespace, profile) -> datetime | None:
    from wizard.core.accesslog import parse_since

    if not args.around:
        return None
    if args.around.strip().lower() == "last-test":
        if profile is None:
            raise WizardError(
                "log.around",
                translate(
                    "analyze_log",
                    "--around last-test needs --profile (whose last test call counts).",
                ),
            )
        if not profile.last_test_at:
            raise WizardError(
                "log.around",
                translate(
                    "analyze_log",
                    "Profile {profile!r} has no test call yet. Run cpi-cert-wizard test-call "
                    "--profile {name}, or give the time: --around 2021-04-12T10:30.",
                ).format(profile=profile.name, name=profile.name),
            )
        return parse_since(profile.last_test_at)
    return parse_since(args.around)


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    from wizard.core.accesslog import analyze, certificate_user, parse_since
    from wizard.core.logjoin import JOIN_SECONDS, join_logs
    from wizard.core.tracelog import analyze_traces

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
                translate(
                    "analyze_log",
                    "Profile {profile!r} has no certificate with a common name yet, so its "
                    "calls cannot be recognised in a log. Import the certificate first, or filter "
                    "with --path and --since instead.",
                ).format(profile=profile.name),
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
    not_logs = [f for f in analysis.files if not f.parsed and f.malformed]
    if analysis.files and len(not_logs) == len(analysis.files):
        first = not_logs[0]
        raise WizardError(
            "log.not_a_log",
            translate(
                "analyze_log",
                "{file} is not an SAP HTTP access log: none of its {lines} lines has the "
                "shape of an http_access_<node>_<date>.log line. Download the log from "
                "Monitor → System Log Files (a default trace is an ljs_trace_*.log file).",
            ).format(file=first.path, lines=first.lines),
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
        parts.append(translate("analyze_log", "path {path}").format(path=flt.path))
    if flt.since:
        parts.append(translate("analyze_log", "since {time}").format(time=flt.since.isoformat()))
    if flt.users:
        parts.append(
            translate("analyze_log", "user {users}").format(
                users=translate("analyze_log", " or ").join(repr(u) for u in flt.users)
            )
        )
    return ", ".join(parts) or translate("analyze_log", "all calls")


def _fix_line(indent: str, fix: str) -> str:
    return indent + translate("analyze_log", "Fix: {fix}").format(fix=fix)


def _finding_line(finding: TraceFinding) -> list[str]:
    record = finding.record
    return [
        f"{record.time:%Y-%m-%d %H:%M:%S %z}  {record.node}  {finding.problem.value}: "
        + translate("analyze_log", "{title} ({file} line {line})").format(
            title=finding.title, file=record.source, line=record.line_no
        ),
        f"    {finding.explanation}",
        _fix_line("    ", finding.fix),
    ]


def render_traces(traces: TraceAnalysis, joined: JoinedLogs) -> str:
    from wizard.core.verdicts import trace_file

    files = len(traces.files)
    nodes = len({f.node for f in traces.files})
    malformed = traces.malformed
    lines = [
        translate(
            "analyze_log",
            "Default trace: {files} ({nodes}): {records} records, {unreadable} skipped.",
        ).format(
            files=translate("analyze_log", "%n file(s)", None, files),
            nodes=translate("analyze_log", "%n node(s)", None, nodes),
            records=traces.records,
            unreadable=translate("analyze_log", "%n unreadable line(s)", None, malformed),
        ),
    ]
    for f in traces.files:
        note = translate("analyze_log", "  {file}: node {node}, {records} records").format(
            file=f.path.name, node=f.node, records=f.records
        )
        if f.malformed:
            note += translate("analyze_log", ", {count} unreadable").format(count=f.malformed)
        if f.error:
            note += f"; {f.error}"
        lines.append(note)
    window = ""
    if traces.since or traces.until:
        start, end = (t.isoformat() if t else "…" for t in (traces.since, traces.until))
        window = translate("analyze_log", " between {start} and {end}").format(start=start, end=end)
    shown = joined.unmatched if joined.calls else traces.findings
    joined_count = len(traces.findings) - len(joined.unmatched)
    lines += [
        "",
        translate("analyze_log", "Authentication and authorization errors{window}: {count}").format(
            window=window, count=len(traces.findings)
        ),
    ]
    if joined_count:
        lines.append(
            translate("analyze_log", "  ({count} shown with their calls above)").format(
                count=joined_count
            )
        )
    for finding in shown:
        lines += _finding_line(finding)
    if joined.refused_nodes_without_trace:
        lines += [
            "",
            translate("analyze_log", "Refused calls answered by nodes without a trace file here:"),
        ]
        lines += [f"  {trace_file(node)}" for node in joined.refused_nodes_without_trace]
    return "\n".join(lines)


def render(analysis: LogAnalysis, joined: JoinedLogs | None = None) -> str:
    from wizard.core.verdicts import Verdict

    traced = {id(c.call): c.findings for c in joined.calls} if joined else {}
    nodes = len({f.node for f in analysis.files})
    files, malformed = len(analysis.files), analysis.malformed
    lines = [
        translate(
            "analyze_log", "Read {files} ({nodes}): {calls} calls, {malformed} skipped."
        ).format(
            files=translate("analyze_log", "%n file(s)", None, files),
            nodes=translate("analyze_log", "%n node(s)", None, nodes),
            calls=analysis.parsed,
            malformed=translate("analyze_log", "%n malformed line(s)", None, malformed),
        ),
    ]
    for f in analysis.files:
        note = translate("analyze_log", "  {file}: node {node}, {calls} calls").format(
            file=f.path.name, node=f.node, calls=f.parsed
        )
        if f.malformed:
            note += translate("analyze_log", ", {count} malformed").format(count=f.malformed)
        if f.error:
            note += f"; {f.error}"
        lines.append(note)
    lines += [
        "",
        translate("analyze_log", "Matching ({filter}): {count}").format(
            filter=_filter_text(analysis), count=analysis.matched
        ),
    ]
    shown = analysis.calls[-_SHOWN:]
    if analysis.matched > len(shown):
        lines.append(
            translate("analyze_log", "(the last {count} are listed; --json gives all)").format(
                count=len(shown)
            )
        )
    for call in shown:
        e = call.entry
        lines.append(
            f"{e.time:%Y-%m-%d %H:%M:%S %z}  {e.node}  {e.method} {e.path}  {e.status}  "
            + translate("analyze_log", "user {user}").format(user=e.user)
        )
        lines.append(f"    {call.verdict.value}: {call.explanation}")
        for finding in traced.get(id(call), ()):
            lines.append(
                translate("analyze_log", "    trace {file} line {line}: ").format(
                    file=finding.record.source, line=finding.record.line_no
                )
                + f"{finding.problem.value}: {finding.explanation}"
            )
            lines.append(_fix_line("      ", finding.fix))
    if analysis.calls:
        lines += ["", translate("analyze_log", "Summary:")]
        for verdict, count in analysis.verdicts:
            step = next(
                (c.next_step for c in analysis.calls if c.verdict is verdict), verdict.meaning
            )
            lines.append(f"  {verdict.value} × {count}: {verdict.title}.")
            if verdict is not Verdict.OK:
                lines.append(translate("analyze_log", "      Next: {step}").format(step=step))
    if analysis.filter.users and analysis.unattributed_no_credentials:
        n = analysis.unattributed_no_credentials
        lines += [
            "",
            translate(
                "analyze_log",
                "Also %n call(s) in the same window arrived with no "
                "credentials at all (user '-', 401). They cannot be told apart by user; if your "
                "sender made them, its certificate was not forwarded (chain incomplete, root not on "
                "SAP's list, or self-signed).",
                None,
                n,
            ),
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
        "matched": analysis.matched,
        "summary": {verdict.value: count for verdict, count in analysis.verdicts},
    }

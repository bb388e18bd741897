"""The access log and the default trace read together: each refused call with the trace records
that say why.

Both files are written per runtime node (`http_access_<node>_<date>.log`,
`ljs_trace_<node>_<date>.log`), so a call and its trace record share the node id from the file
names and lie seconds apart. A trace finding joins the closest refused call of the same node within
`JOIN_SECONDS` whose status fits (403 for an authorization problem, 401 for an authentication one)
and whose user does not contradict it; findings that fit no call are kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core.accesslog import ExplainedCall, LogAnalysis
from wizard.core.certs import common_name
from wizard.core.tracelog import TraceAnalysis, TraceFinding
from wizard.core.verdicts import Verdict

JOIN_SECONDS = 60  # a call and its trace record: same request, written moments apart
_STATUS_OF = {Verdict.NOT_AUTHORIZED: 403, Verdict.NOT_MAPPED: 401}


@dataclass(frozen=True)
class CallWithTrace:
    call: ExplainedCall
    findings: tuple[TraceFinding, ...]  # closest first


@dataclass(frozen=True)
class JoinedLogs:
    calls: tuple[CallWithTrace, ...]  # every call of the access-log analysis, in its order
    unmatched: tuple[TraceFinding, ...]  # trace findings that explain none of these calls
    refused_nodes_without_trace: tuple[str, ...]  # nodes with refused calls but no trace file


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a.casefold() == b.casefold()  # type: ignore[union-attr]


def _user_fits(call: ExplainedCall, finding: TraceFinding) -> bool:
    """False only when both name somebody and they differ."""
    logged = call.entry.user
    if logged == "-":
        return finding.user is None
    if finding.subject is not None and call.certificate_cn is not None:
        cn = common_name(_upper_types(finding.subject))
        return cn is None or _same(cn, call.certificate_cn)
    if finding.user is None:
        return True
    return _same(finding.user, logged)


def _upper_types(dn: str) -> str:
    """'cn=erp,o=acme' (as the trace writes it) → 'CN=erp,O=acme' so it parses as RFC 4514."""
    parts = []
    for part in dn.split(","):
        key, sep, value = part.partition("=")
        parts.append(f"{key.strip().upper()}{sep}{value}" if sep else part)
    return ",".join(parts)


def fits(call: ExplainedCall, finding: TraceFinding) -> bool:
    """Whether `finding` can be the reason for `call`: same node, status, time, user."""
    entry = call.entry
    if not _same(entry.node, finding.record.node):
        return False
    if _STATUS_OF.get(finding.verdict) != entry.status:
        return False
    if abs((finding.record.time - entry.time).total_seconds()) > JOIN_SECONDS:
        return False
    return _user_fits(call, finding)


def join_logs(calls: LogAnalysis, traces: TraceAnalysis) -> JoinedLogs:
    """Attach each trace finding to the refused call it explains (same node, nearest in time)."""
    joined: dict[int, list[TraceFinding]] = {}
    unmatched: list[TraceFinding] = []
    for finding in traces.findings:
        candidates = [
            (abs((finding.record.time - call.entry.time).total_seconds()), index)
            for index, call in enumerate(calls.calls)
            if fits(call, finding)
        ]
        if candidates:
            joined.setdefault(min(candidates)[1], []).append(finding)
        else:
            unmatched.append(finding)
    traced_nodes = {f.node.casefold() for f in traces.files}
    without = sorted(
        {
            call.entry.node
            for call in calls.calls
            if call.entry.status in (401, 403) and call.entry.node.casefold() not in traced_nodes
        }
    )
    return JoinedLogs(
        calls=tuple(
            CallWithTrace(
                call=call,
                findings=tuple(
                    sorted(
                        joined.get(index, ()),
                        key=lambda f, c=call: abs((f.record.time - c.entry.time).total_seconds()),
                    )
                ),
            )
            for index, call in enumerate(calls.calls)
        ),
        unmatched=tuple(unmatched),
        refused_nodes_without_trace=tuple(without),
    )

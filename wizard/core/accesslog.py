"""SAP Cloud Integration HTTP access logs: find a sender's calls and say what happened to each.

The tenant writes one file per runtime node and day, `http_access_<node>_<date>.log` (downloaded
from Monitor → System Log Files, sometimes gzip-compressed), one line per call::

    <ip> (<ip>) - <user> [12/Apr/2021:00:00:05 +0000] POST /cxf/x HTTP/1.1 200 6824 1762 <host>:443 -

The user field is what matters for certificates: `-` (no credentials reached the tenant),
`<subject CN>@<issuer CN>` (a certificate was forwarded but is not mapped to a user), or the mapped
user (a mapping's user name, an `S…`/`P…` user, a CF service key's `oauth_client_…`/`sb-…` client).
Lines that do not have this shape are counted and skipped, never fatal.
"""

from __future__ import annotations

import functools
import heapq
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509

from wizard.core.certs import common_name  # also imported from here
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.storage import open_log_text
from wizard.core.verdicts import Verdict, verdict_for_status

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}

# Tolerant on purpose: the quoted request form ("POST /x HTTP/1.1") of common log format, a
# missing "(<ip>)", and extra fields after the host are all accepted.
_LINE = re.compile(
    r"^(?P<ip>\S+)"
    r"(?: \((?P<forwarded>[^)]*)\))?"
    r" (?P<ident>\S+)"
    r" (?P<user>.*?)"
    r" \[(?P<time>\d{1,2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?)\]"
    r' "?(?P<method>[A-Za-z]+) (?P<target>\S+)(?: (?P<protocol>HTTP/\d(?:\.\d)?))?"?'
    r" (?P<status>\d{3})"
    r"(?: (?P<bytes>\d+|-))?"
    r"(?: (?P<number>\d+|-))?"
    r"(?: (?P<host>\S+))?"
    r"(?: (?P<rest>.*))?$"
)
_TIME = re.compile(
    r"^(?P<d>\d{1,2})/(?P<mon>[A-Za-z]{3})/(?P<y>\d{4}):(?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2})"
    r"(?: (?P<sign>[+-])(?P<oh>\d{2})(?P<om>\d{2}))?$"
)
_FILE_NAME = re.compile(
    r"^http_access_(?P<node>.+)_(?P<date>\d{4}-\d{2}-\d{2}|\d{8})\.log(?:\.gz)?$", re.IGNORECASE
)
_RELATIVE = re.compile(r"^(?P<n>\d+)\s*(?P<unit>[smhdw])$", re.IGNORECASE)
_SAP_USER = re.compile(r"^[SPCDI]\d{6,}$")
_SERVICE_KEY_CLIENT = re.compile(r"^(oauth_client_|sb-)", re.IGNORECASE)


class UserKind(StrEnum):
    NONE = "none"  # '-': no credentials reached the tenant
    UNMAPPED_CERTIFICATE = "unmapped-certificate"  # '<CN>@<issuer CN>'
    SERVICE_KEY_CLIENT = "service-key-client"  # CF: oauth_client_… / sb-…
    USER = "user"  # a mapped user name, S-/P-user


@dataclass(frozen=True)
class AccessLogEntry:
    """One parsed line of an HTTP access log."""

    source: str  # file name
    node: str  # runtime node (from the file name), or the file name
    line_no: int
    client_ip: str
    forwarded_ip: str | None
    user: str  # as logged; '-' when nothing reached the tenant
    time: datetime  # aware
    method: str
    target: str  # as logged, with any query
    path: str  # without query
    protocol: str | None
    status: int
    bytes_sent: int | None
    number: int | None  # the second number after the status (processing time in SAP's samples)
    host: str | None


@dataclass(frozen=True)
class ExplainedCall:
    """An access-log line with what it means for the certificate setup."""

    entry: AccessLogEntry
    user_kind: UserKind
    verdict: Verdict
    explanation: str
    next_step: str
    certificate_cn: str | None = None  # for an unmapped certificate: its subject CN
    issuer_cn: str | None = None


@dataclass(frozen=True)
class LogFileSummary:
    path: Path
    node: str
    date: str | None
    lines: int
    parsed: int
    malformed: int
    error: str | None = None  # reading stopped early (e.g. a truncated .gz); lines so far count


@dataclass(frozen=True)
class LogFilter:
    since: datetime | None = None
    path: str | None = None
    users: tuple[str, ...] = ()  # any of these user fields (exact)
    until: datetime | None = None


@dataclass(frozen=True)
class LogAnalysis:
    calls: tuple[ExplainedCall, ...]  # the matching calls in time order (the last MAX_CALLS)
    files: tuple[LogFileSummary, ...]
    filter: LogFilter
    lines: int
    parsed: int
    malformed: int
    # With a user filter: calls in the same window/path that carried no credentials ('-'), which
    # cannot be attributed to anybody but are what a dropped certificate looks like.
    unattributed_no_credentials: int = 0
    matched: int = 0  # every matching call, also those beyond the MAX_CALLS kept in `calls`
    verdicts: tuple[tuple[Verdict, int], ...] = ()  # of every matching call, most common first

    def count(self, verdict: Verdict) -> int:
        return dict(self.verdicts).get(verdict, 0)


def certificate_user(subject: x509.Name | str | None, issuer: x509.Name | str | None) -> str | None:
    """How the tenant logs a forwarded but unmapped certificate: '<subject CN>@<issuer CN>'."""
    cn, issuer_cn = common_name(subject), common_name(issuer)
    if cn is None or issuer_cn is None:
        return None
    return f"{cn}@{issuer_cn}"


@functools.lru_cache(maxsize=4096)  # a busy log repeats each second many times
def parse_log_time(text: str) -> datetime | None:
    """'12/Apr/2021:00:00:05 +0000' (month names in English whatever the locale)."""
    m = _TIME.match(text)
    if not m:
        return None
    month = _MONTHS.get(m["mon"].lower())
    if month is None:
        return None
    tz = UTC
    try:
        if m["sign"]:  # an offset of a day or more is no time zone: not a log time
            offset = timedelta(hours=int(m["oh"]), minutes=int(m["om"]))
            tz = timezone(offset if m["sign"] == "+" else -offset)
        return datetime(
            int(m["y"]), month, int(m["d"]), int(m["H"]), int(m["M"]), int(m["S"]), tzinfo=tz
        )
    except ValueError:
        return None


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    """A start time: ISO 8601 (without zone = UTC), a log timestamp, or relative ('30m', '2h', '7d')."""
    value = text.strip()
    rel = _RELATIVE.match(value)
    if rel:
        seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[rel["unit"].lower()]
        return (now or datetime.now(UTC)) - timedelta(seconds=int(rel["n"]) * seconds)
    logged = parse_log_time(value)
    if logged:
        return logged
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise WizardError(
            "log.since",
            translate(
                "accesslog",
                "{text!r} is not a time this command understands. Use an ISO date or time "
                "(2021-04-12 or 2021-04-12T10:30, UTC unless it names a zone), a log timestamp "
                "(12/Apr/2021:10:30:00 +0000) or a span back from now (30m, 2h, 7d).",
            ).format(text=text),
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def normalise_path(value: str) -> str:
    """'/http/x', 'http/x' or a whole URL → '/http/x' (no query, no trailing slash)."""
    value = value.strip()
    if "://" in value:
        value = urlsplit(value).path
    value = value.split("?", 1)[0]
    if not value.startswith("/"):
        value = "/" + value
    return value.rstrip("/") or "/"


def _int(text: str | None) -> int | None:
    # a byte count of thousands of digits is no byte count (and int() refuses it)
    return int(text) if text and text.isdigit() and len(text) <= 18 else None


def parse_line(
    line: str, *, source: str = "", node: str = "", line_no: int = 0
) -> AccessLogEntry | None:
    """One access-log line as an AccessLogEntry, or None when it is not one."""
    m = _LINE.match(line.strip())
    if not m:
        return None
    time = parse_log_time(m["time"])
    if time is None:
        return None
    user = m["user"].strip() or "-"
    target = m["target"]
    return AccessLogEntry(
        source=source,
        node=node,
        line_no=line_no,
        client_ip=m["ip"],
        forwarded_ip=m["forwarded"] or None,
        user=user,
        time=time,
        method=m["method"].upper(),
        target=target,
        path=target.split("?", 1)[0],
        protocol=m["protocol"],
        status=int(m["status"]),
        bytes_sent=_int(m["bytes"]),
        number=_int(m["number"]),
        host=m["host"],
    )


def node_and_date(path: Path) -> tuple[str, str | None]:
    m = _FILE_NAME.match(path.name)
    if m:
        return m["node"], m["date"]
    return path.name, None


MAX_LINE = 64 * 1024  # characters; an access-log line is a few hundred
MAX_CALLS = 10_000  # matching calls kept (the latest); all of them are counted
_MAX_OVERLONG_CHUNKS = 256  # 16 MiB without a line end ends the reading
_GIVE_UP_AFTER = 10_000  # lines without a single access-log line: not an access log


def log_lines(path: Path, *, what: str) -> Iterator[str | None]:
    """The lines of a log file (plain or gzip), read as a stream: memory stays flat whatever the
    file's size or how far it decompresses. A line longer than MAX_LINE is yielded as None."""
    with open_log_text(path, what=what) as handle:
        raw = handle.buffer  # the bytes under the text layer: lines with a length limit
        while True:
            line = raw.readline(MAX_LINE)
            if not line:
                return
            if len(line) == MAX_LINE and not line.endswith(b"\n"):
                for _ in range(_MAX_OVERLONG_CHUNKS):  # skip the rest of an overlong line
                    rest = raw.readline(MAX_LINE)
                    if not rest or rest.endswith(b"\n"):
                        break
                else:  # megabytes without a line end: a binary file or a gzip bomb, no log
                    yield None
                    return
                yield None
                continue
            yield line.decode("utf-8", errors="replace")


class _FileReader:
    """One file's entries as a stream; the counts for its summary as it goes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.source = path.name
        self.node, self.date = node_and_date(path)
        self.lines = self.parsed = self.malformed = 0
        self.error: str | None = None

    def entries(self) -> Iterator[AccessLogEntry]:
        what = translate("accesslog", "an http_access_*.log file")
        try:
            for raw in log_lines(self.path, what=what):
                self.lines += 1
                if raw is None:
                    self.malformed += 1
                    continue
                if not raw.strip():
                    continue
                entry = parse_line(raw, source=self.source, node=self.node, line_no=self.lines)
                if entry is None:
                    self.malformed += 1
                    if not self.parsed and self.malformed >= _GIVE_UP_AFTER:
                        break  # reading on would only take time: not an access log
                else:
                    self.parsed += 1
                    yield entry
        except (
            OSError,
            EOFError,
            zlib.error,
        ) as exc:  # a cut-off or corrupt .gz: keep what we read
            self.error = f"reading stopped at line {self.lines + 1}: {exc}"
        if self.error is None and self.parsed == 0 and self.malformed:
            self.error = translate(
                "accesslog",
                "not an access log: none of its lines has the shape of an http_access_*.log line",
            )

    def summary(self) -> LogFileSummary:
        return LogFileSummary(
            path=self.path,
            node=self.node,
            date=self.date,
            lines=self.lines,
            parsed=self.parsed,
            malformed=self.malformed,
            error=self.error,
        )


def _read_file(path: Path) -> tuple[list[AccessLogEntry], LogFileSummary]:
    reader = _FileReader(path)
    entries = list(reader.entries())
    return entries, reader.summary()


def read_logs(paths: Iterable[Path]) -> tuple[list[AccessLogEntry], list[LogFileSummary]]:
    """All entries of all files (several nodes at once), in time order. Holds every entry: for
    big logs use `analyze`, which streams."""
    entries: list[AccessLogEntry] = []
    summaries: list[LogFileSummary] = []
    for path in paths:
        found, summary = _read_file(Path(path))
        entries.extend(found)
        summaries.append(summary)
    entries.sort(key=lambda e: (e.time, e.node, e.line_no))
    return entries, summaries


def user_kind(entry: AccessLogEntry, *, certificate_users: Iterable[str] = ()) -> UserKind:
    user = entry.user
    if user == "-":
        return UserKind.NONE
    if user in certificate_users:
        return UserKind.UNMAPPED_CERTIFICATE
    if _SERVICE_KEY_CLIENT.match(user):
        return UserKind.SERVICE_KEY_CLIENT
    # A mapped user name may contain '@' (an e-mail address); an unmapped certificate only shows
    # up on a refused call.
    if "@" in user and entry.status == 401:
        return UserKind.UNMAPPED_CERTIFICATE
    return UserKind.USER


def _who(entry: AccessLogEntry, kind: UserKind) -> str:
    if kind is UserKind.SERVICE_KEY_CLIENT:
        return f"the service key client {entry.user}"
    if _SAP_USER.match(entry.user):
        return f"the SAP user {entry.user}"
    return f"the user {entry.user!r}"


def explain(
    entry: AccessLogEntry,
    *,
    environment: str | None = None,
    certificate_users: Iterable[str] = (),
) -> ExplainedCall:
    """What one logged call says about the certificate setup, in the tenant's terms."""
    kind = user_kind(entry, certificate_users=tuple(certificate_users))
    status = entry.status
    cn = issuer_cn = None
    if kind is UserKind.NONE:
        if status == 401:
            verdict = Verdict.NO_CERT_FORWARDED
            text = (
                "No credentials reached the tenant: the load balancer forwarded no client "
                "certificate (chain sent without its intermediates, root not on SAP's list, "
                "self-signed or expired certificate), or the sender sent none."
            )
        else:
            verdict = verdict_for_status(status)
            text = f"Answered {status} to a call without credentials. {verdict.meaning}"
    elif kind is UserKind.UNMAPPED_CERTIFICATE:
        cn, _, issuer_cn = entry.user.rpartition("@")
        verdict = Verdict.NOT_MAPPED if status == 401 else verdict_for_status(status)
        text = (
            f"A certificate with CN {cn!r} issued by {issuer_cn!r} reached the tenant (the load "
            "balancer accepted its chain) but is not mapped to a user."
        )
        if status != 401:
            text += f" The tenant answered {status}."
    else:
        who = _who(entry, kind)
        if status == 401:
            verdict = Verdict.NOT_MAPPED
            text = (
                f"Credentials for {who} reached the tenant but were not accepted (for a "
                "certificate: not mapped, or not in exactly one service key)."
            )
        elif status == 403:
            verdict = Verdict.NOT_AUTHORIZED
            text = (
                f"Authenticated as {who}, who lacks the role the sender channel requires (or CSRF "
                "protection is on). The default trace (ljs_trace_<node>_<date>.log) of the same "
                "time names the missing role."
            )
        else:
            verdict = verdict_for_status(status)
            if verdict is Verdict.OK:
                text = f"Authenticated as {who}; the call succeeded ({status})."
            else:
                text = f"Authenticated as {who}; answered {status}: {verdict.meaning}"
    return ExplainedCall(
        entry=entry,
        user_kind=kind,
        verdict=verdict,
        explanation=text,
        next_step=verdict.next_step(environment, node=node_of(entry), day=entry.time.date()),
        certificate_cn=cn,
        issuer_cn=issuer_cn,
    )


def node_of(entry: AccessLogEntry) -> str | None:
    """The runtime node that answered, when the file name said it."""
    return entry.node if entry.node and entry.node != entry.source else None


def _matches_window(entry: AccessLogEntry, flt: LogFilter) -> bool:
    if flt.since is not None and entry.time < flt.since:
        return False
    if flt.until is not None and entry.time > flt.until:
        return False
    if flt.path is not None:
        wanted = normalise_path(flt.path)
        path = entry.path.rstrip("/") or "/"
        if path != wanted and not path.startswith(wanted + "/"):
            return False
    return True


def analyze(
    paths: Iterable[Path],
    *,
    since: datetime | None = None,
    path: str | None = None,
    users: Iterable[str] = (),
    certificate_users: Iterable[str] = (),
    environment: str | None = None,
    until: datetime | None = None,
) -> LogAnalysis:
    """Read the files and explain the calls matching the filters.

    `users` selects calls by their user field (a profile gives its '<CN>@<issuer CN>' and its
    mapped user name); `certificate_users` are user fields known to be unmapped certificates.
    """
    flt = LogFilter(
        since=since,
        path=normalise_path(path) if path else None,
        users=tuple(users),
        until=until,
    )
    cert_users = tuple(certificate_users)
    summaries: list[LogFileSummary] = []
    latest: list[tuple[tuple, int, ExplainedCall]] = []  # a heap: the MAX_CALLS latest calls
    verdicts: Counter[Verdict] = Counter()
    unattributed = matched = 0
    for file_path in paths:
        reader = _FileReader(Path(file_path))
        for entry in reader.entries():
            if not _matches_window(entry, flt):
                continue
            if flt.users and entry.user not in flt.users:
                if entry.user == "-" and entry.status == 401:
                    unattributed += 1
                continue
            call = explain(entry, environment=environment, certificate_users=cert_users)
            matched += 1
            verdicts[call.verdict] += 1
            item = ((entry.time, entry.node, entry.line_no), matched, call)
            if len(latest) < MAX_CALLS:
                heapq.heappush(latest, item)
            elif item > latest[0]:
                heapq.heapreplace(latest, item)
        summaries.append(reader.summary())
    return LogAnalysis(
        calls=tuple(call for _key, _n, call in sorted(latest)),
        files=tuple(summaries),
        filter=flt,
        lines=sum(s.lines for s in summaries),
        parsed=sum(s.parsed for s in summaries),
        malformed=sum(s.malformed for s in summaries),
        unattributed_no_credentials=unattributed,
        matched=matched,
        verdicts=tuple(verdicts.most_common()),
    )

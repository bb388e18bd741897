"""SAP Cloud Integration default traces: find why a call was refused, and name the fix.

The tenant writes one default trace per runtime node and day, `ljs_trace_<node>_<date>.log`
(Monitor → System Log Files; downloaded through the API it is gzip-compressed). Its format is SAP's
"Default Trace File" (SAP BTP Neo documentation): an optional header up to `HEADER_END` naming the
separators (RECORD_SEPARATOR 124 `|`, COLUMN_SEPARATOR 35 `#`, ESC_CHARACTER 92 `\\`), then one
record per event, its columns separated by `#` and the record ended by `|`::

    2014 01 31 12:07:09#+00#INFO#com.sap.demo.TenantContextServlet##anonymous#http-bio-8041-exec-1
    ##myaccount#myapplication#web#null#null#myaccount#The app was accessed …|

(one line in the file; the text may run over several lines, e.g. a stack trace). The header lists
13 columns (Time, TZone, Severity, Logger, ACH, User, Thread, Bundle name, JPSpace, JPAppliance,
JPComponent, Tenant Alias, Text) while SAP's own example record, like the records tenants write,
has 15: so only the first seven columns are read by position and the text is always the last.

Which records matter: authentication and authorization errors. The wording below is matched
loosely, by keywords, because SAP documents only some of it: "Subject and issuer (subject: …;
issuer: …) of the provided certificate is not contained in the accepted subjectAndIssuers list of
the integration flow" (SAP KBA 3538749), `invalid_client … not configured exactly once in a service
key` (Cloud Foundry, SAP KBA 3224701), "XSUAA could not authenticate OAuth client with client ID"
(SAP KBA 3364579), "An Authentication object was not found in the SecurityContext" (not documented
by SAP for this case; read as "no credentials"); a missing role, a failed CSRF token check and the generic failures are
recognised by the words they must contain. Lines that are no record are counted and skipped.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path

from wizard.core.accesslog import log_lines
from wizard.core.i18n import QT_TRANSLATE_NOOP, tr, translate
from wizard.core.verdicts import Verdict

RECORD_SEPARATOR = "|"
COLUMN_SEPARATOR = "#"
ESCAPE = "\\"
HEADER_END = "HEADER_END"
FIRST_COLUMNS = ("Time", "TZone", "Severity", "Logger", "ACH", "User", "Thread")
TEXT_COLUMN = 14  # the text's position in SAP's 15-column records; more columns: '#' in the text

_FILE_NAME = re.compile(
    r"^ljs_trace_(?P<node>.+)_(?P<date>\d{4}-\d{2}-\d{2}|\d{8})\.log(?:\.gz)?$", re.IGNORECASE
)
# A record starts with its time: "2014 01 31 12:07:09" (milliseconds tolerated) and a column break.
_RECORD_TIME = r"^\d{4} \d{2} \d{2} \d{2}:\d{2}:\d{2}(?:[.:,]\d{1,6})?"
_HEADER_LINE = re.compile(
    r"^(?:FILE_TYPE|FILE_ID|ENCODING|RECORD_SEPARATOR|COLUMN_SEPARATOR|ESC_CHARACTER|COLUMNS"
    r"|SEVERITY_MAP):"
)
_TIME = re.compile(
    r"^(?P<y>\d{4}) (?P<mo>\d{2}) (?P<d>\d{2}) (?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2})"
    r"(?:[.:,](?P<frac>\d{1,6}))?$"
)
_ZONE = re.compile(r"^(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$")
_PROBLEM_SEVERITIES = {"WARNING", "ERROR", "SEVERE", "FATAL"}
_NO_USER = {"", "anonymous", "null", "guest", "-", "na", "n/a"}

CONTEXT = "tracelog"  # tr() context of the PROBLEMS texts


class TraceProblem(StrEnum):
    """Why the tenant refused a call, as the default trace says it."""

    ROLE_MISSING = "ROLE_MISSING"
    NOT_IN_FLOW_LIST = "NOT_IN_FLOW_LIST"
    CSRF_CHECK_FAILED = "CSRF_CHECK_FAILED"
    NOT_IN_ONE_SERVICE_KEY = "NOT_IN_ONE_SERVICE_KEY"
    CERTIFICATE_NOT_MAPPED = "CERTIFICATE_NOT_MAPPED"
    OAUTH_CLIENT_NOT_AUTHENTICATED = "OAUTH_CLIENT_NOT_AUTHENTICATED"
    NO_CREDENTIALS = "NO_CREDENTIALS"
    AUTHENTICATION_FAILED = "AUTHENTICATION_FAILED"
    AUTHORIZATION_FAILED = "AUTHORIZATION_FAILED"


@dataclass(frozen=True)
class ProblemInfo:
    """What a trace problem means and how to fix it (templates: {user}, {role}, {subject}, …)."""

    problem: TraceProblem
    title: str
    meaning: str
    fix: str
    fix_neo: str | None = None
    fix_cf: str | None = None
    verdict: Verdict = Verdict.NOT_AUTHORIZED  # what the test call / access log says meanwhile

    def fix_for(self, environment: str | None) -> str:
        """What to do, for the tenant's environment, in the user's language."""
        env = (environment or "").lower()
        if env == "neo" and self.fix_neo:
            return tr(CONTEXT, self.fix_neo)
        if env == "cf" and self.fix_cf:
            return tr(CONTEXT, self.fix_cf)
        if self.fix_neo and self.fix_cf:
            return translate("tracelog", "Neo: {neo} Cloud Foundry: {cf}").format(
                neo=tr(CONTEXT, self.fix_neo), cf=tr(CONTEXT, self.fix_cf)
            )
        return tr(CONTEXT, self.fix)


# Every text about trace problems, in one place (CLI, GUI, docs and tests read from here).
PROBLEMS: dict[TraceProblem, ProblemInfo] = {
    info.problem: info
    for info in (
        ProblemInfo(
            TraceProblem.ROLE_MISSING,
            QT_TRANSLATE_NOOP("tracelog", "The user lacks the channel's role"),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "The certificate was accepted and the call authenticated as {user}, who lacks "
                "{the_role} (the user role the sender channel checks; HTTP 403).",
            ),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "Give {user} {the_role}, or set the channel's user role to one {user} has.",
            ),
            fix_neo=(
                QT_TRANSLATE_NOOP(
                    "tracelog",
                    "Give {user} {the_role}: SAP BTP cockpit → Neo subaccount → Security → "
                    "Authorizations → {user} → Show Assignments → Assign → the application ending "
                    "in 'iflmap' → "
                    "{role}. (A custom role must first exist on that application.)",
                )
            ),
            fix_cf=(
                QT_TRANSLATE_NOOP(
                    "tracelog",
                    'Add {role} to the "roles" parameter of the Process Integration Runtime '
                    "instance whose service key holds this certificate (cf update-service INSTANCE "
                    "-c service-instance.json); the change can take up to an hour to apply.",
                )
            ),
        ),
        ProblemInfo(
            TraceProblem.NOT_IN_FLOW_LIST,
            QT_TRANSLATE_NOOP(
                "tracelog", "The flow's certificate list does not contain this certificate"
            ),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "The sender channel checks client certificates itself (Authorization = Client "
                "Certificate) and its list has no entry with subject {subject} and issuer {issuer} "
                "(HTTP 403).",
            ),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "Add the certificate to the sender channel: upload client.crt from cpi-cert-wizard "
                "mapping --profile <profile> --flow-certificate (or type its Subject DN and Issuer DN "
                "exactly as printed there), then redeploy the flow. Or switch the channel to "
                "Authorization = User Role and map the certificate (the recommended option).",
            ),
        ),
        ProblemInfo(
            TraceProblem.CSRF_CHECK_FAILED,
            QT_TRANSLATE_NOOP("tracelog", "The CSRF token check failed"),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "The sender channel is CSRF protected and the call brought no valid X-CSRF-Token "
                "(HTTP 403): the certificate and the role are fine.",
            ),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "Have the sender fetch a token first (a GET with header X-CSRF-Token: Fetch, keep the "
                "session cookies, send the token back with the POST), or untick CSRF Protected in "
                "the sender channel if the sender cannot do that, and redeploy.",
            ),
        ),
        ProblemInfo(
            TraceProblem.NOT_IN_ONE_SERVICE_KEY,
            QT_TRANSLATE_NOOP("tracelog", "The certificate is not in exactly one service key"),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "The tenant found the certificate in no service key, or in more than one "
                "(invalid_client; HTTP 401).",
            ),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "Put the leaf certificate into exactly one service key of type External Certificate "
                "(cpi-cert-wizard mapping --profile <profile> --env cf) and delete any other key that "
                "holds it.",
            ),
            verdict=Verdict.NOT_MAPPED,
        ),
        ProblemInfo(
            TraceProblem.CERTIFICATE_NOT_MAPPED,
            QT_TRANSLATE_NOOP("tracelog", "The certificate is not mapped to a user"),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "The certificate reached the tenant but no user is mapped to it (HTTP 401).",
            ),
            QT_TRANSLATE_NOOP("tracelog", "Register exactly this certificate for a user."),
            fix_neo=(
                QT_TRANSLATE_NOOP(
                    "tracelog",
                    "Add this exact certificate (client.cer, serial included) in Certificate-to-User "
                    "Mappings with a user name: cpi-cert-wizard mapping --profile <profile> --env neo.",
                )
            ),
            fix_cf=(
                QT_TRANSLATE_NOOP(
                    "tracelog",
                    "Create a service key of type External Certificate with this leaf: "
                    "cpi-cert-wizard mapping --profile <profile> --env cf.",
                )
            ),
            verdict=Verdict.NOT_MAPPED,
        ),
        ProblemInfo(
            TraceProblem.OAUTH_CLIENT_NOT_AUTHENTICATED,
            QT_TRANSLATE_NOOP("tracelog", "XSUAA could not authenticate the OAuth client"),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "The tenant could not turn the caller into an OAuth client (HTTP 401). With a client "
                "certificate on Cloud Foundry this is logged when the certificate is in no service "
                "key, or, with Pin Certificate off, when several service keys hold certificates with "
                "the same subject and issuer DN (SAP KBA 3364579). SAP calls the message generic: "
                "the subaccount's audit log ('Multiple clones found for certificate …') confirms the "
                "conflict.",
            ),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "Keep each certificate in exactly one service key; with Pin Certificate off, keep "
                "each subject and issuer DN in one key only and delete the conflicting keys "
                "(cpi-cert-wizard mapping --profile <profile> --env cf). Check the subaccount's audit "
                "log for 'Multiple clones found for certificate'.",
            ),
            verdict=Verdict.NOT_MAPPED,
        ),
        ProblemInfo(
            TraceProblem.NO_CREDENTIALS,
            QT_TRANSLATE_NOOP("tracelog", "No credentials reached the runtime"),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "The call reached the runtime without credentials it could use (HTTP 401): no "
                "certificate was forwarded and no user or token came with it. (The message is the "
                "runtime's security framework's; SAP does not document it for this case, so this "
                "reading is the tool's.)",
            ),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "Make sure the sender presents its client certificate with the whole chain to the "
                "runtime host: cpi-cert-wizard test-call --profile <profile> shows whether the server "
                "asks for a certificate and whether the chain passes.",
            ),
            verdict=Verdict.NO_CERT_FORWARDED,
        ),
        ProblemInfo(
            TraceProblem.AUTHENTICATION_FAILED,
            QT_TRANSLATE_NOOP("tracelog", "Authentication failed"),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "The tenant could not authenticate the caller (HTTP 401); the trace text says how.",
            ),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "Check that the certificate is registered: Certificate-to-User Mapping (Neo) or "
                "exactly one service key (Cloud Foundry), and that the sender sends the whole chain.",
            ),
            verdict=Verdict.NOT_MAPPED,
        ),
        ProblemInfo(
            TraceProblem.AUTHORIZATION_FAILED,
            QT_TRANSLATE_NOOP("tracelog", "Authorization failed"),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "The caller was authenticated but refused (HTTP 403); the trace text says why.",
            ),
            QT_TRANSLATE_NOOP(
                "tracelog",
                "Check the sender channel's authorization: the user role and its assignment, the "
                "client certificate list, and the CSRF setting.",
            ),
        ),
    )
}


@dataclass(frozen=True)
class TraceRecord:
    """One record of a default trace."""

    source: str  # file name
    node: str  # runtime node (from the file name), or the file name
    line_no: int  # the line the record starts on
    time: datetime  # aware
    severity: str
    logger: str
    user: str | None  # the User column, None when empty or anonymous
    thread: str
    text: str  # unescaped, may span lines
    columns: tuple[str, ...]  # every column, unescaped


@dataclass(frozen=True)
class TraceFinding:
    """A record that explains a refused call, with what to do."""

    record: TraceRecord
    problem: TraceProblem
    user: str | None
    role: str | None
    subject: str | None
    issuer: str | None
    explanation: str
    fix: str

    @property
    def verdict(self) -> Verdict:
        return PROBLEMS[self.problem].verdict

    @property
    def title(self) -> str:
        return tr(CONTEXT, PROBLEMS[self.problem].title)


@dataclass(frozen=True)
class TraceFileSummary:
    path: Path
    node: str
    date: str | None
    lines: int
    records: int
    malformed: int  # lines outside any record, and records that could not be read
    error: str | None = None  # reading stopped early (a truncated .gz); what came before counts


@dataclass(frozen=True)
class TraceAnalysis:
    findings: tuple[TraceFinding, ...]  # in time order
    files: tuple[TraceFileSummary, ...]
    since: datetime | None
    until: datetime | None
    records: int
    malformed: int


# --- reading ------------------------------------------------------------------------------------


def is_trace_name(path: Path) -> bool:
    return path.name.lower().startswith("ljs_trace")


def node_and_date(path: Path) -> tuple[str, str | None]:
    """(node, date) from `ljs_trace_<node>_<date>.log[.gz]`; the file name when it has no node."""
    m = _FILE_NAME.match(path.name)
    if m:
        return m["node"], m["date"]
    return path.name, None


@functools.lru_cache(maxsize=64)
def _zone(zone_text: str) -> timezone | None:
    z = _ZONE.match(zone_text.strip())
    if not z:
        return None
    offset = timedelta(hours=int(z["h"]), minutes=int(z["m"] or 0))
    if offset >= timedelta(hours=24):
        return None
    return timezone(offset if z["sign"] == "+" else -offset)


def parse_time(time_text: str, zone_text: str) -> datetime | None:
    """'2014 01 31 12:07:09' with zone '+00' ('+01', '-0530', '+05:30') as an aware datetime."""
    tz = _zone(zone_text)
    t = _TIME.match(time_text.strip())
    if tz is None or not t:
        return None
    micro = int((t["frac"] or "0").ljust(6, "0"))
    try:
        return datetime(
            int(t["y"]), int(t["mo"]), int(t["d"]), int(t["H"]), int(t["M"]), int(t["S"]),
            micro, tzinfo=tz,
        )  # fmt: skip
    except ValueError:
        return None


def split_columns(
    record: str, separator: str = COLUMN_SEPARATOR, escape: str = ESCAPE
) -> list[str]:
    """The record's columns, split at unescaped separators, escapes removed."""
    if escape not in record:
        return record.split(separator)
    # Delimiters kept: odd items are a separator or an escape with the character it escapes.
    parts = re.split(
        f"({re.escape(escape)}.|{re.escape(escape)}$|{re.escape(separator)})",
        record,
        flags=re.DOTALL,
    )
    columns: list[str] = []
    current: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            current.append(part)
        elif part == separator:
            columns.append("".join(current))
            current = []
        else:
            current.append(part[1:])
    columns.append("".join(current))
    return columns


def _ends_record(line: str, separator: str, escape: str) -> bool:
    """Whether `line` ends with an unescaped record separator."""
    if not line.endswith(separator):
        return False
    backslashes = len(line) - 1 - len(line[:-1].rstrip(escape))
    return backslashes % 2 == 0


def parse_record(
    text: str,
    *,
    source: str = "",
    node: str = "",
    line_no: int = 0,
    column_separator: str = COLUMN_SEPARATOR,
    escape: str = ESCAPE,
) -> TraceRecord | None:
    """One record (without its trailing `|`) as a TraceRecord, or None when it is not one."""
    parsed = _parse(text, source, node, line_no, column_separator, escape, None)
    return parsed if isinstance(parsed, TraceRecord) else None


_SKIPPED = "skipped"  # a well-formed record the caller did not want built


def _parse(
    text: str,
    source: str,
    node: str,
    line_no: int,
    column_separator: str,
    escape: str,
    wanted: Callable[[str], bool] | None,
) -> TraceRecord | str | None:
    columns = split_columns(text, column_separator, escape)
    if len(columns) < len(FIRST_COLUMNS) + 1:
        return None
    if len(columns) > TEXT_COLUMN + 1:  # an unescaped '#' in the text
        message = column_separator.join(columns[TEXT_COLUMN:])
    else:
        message = columns[-1]
    if wanted is not None and not wanted(message):
        # Checked as far as counting needs; building the record is what costs.
        well_formed = _TIME.match(columns[0].strip()) and _zone(columns[1]) is not None
        return _SKIPPED if well_formed else None
    time = parse_time(columns[0], columns[1])
    if time is None:
        return None
    user = columns[5].strip()
    return TraceRecord(
        source=source,
        node=node,
        line_no=line_no,
        time=time,
        severity=columns[2].strip().upper(),
        logger=columns[3].strip(),
        user=None if user.lower() in _NO_USER else user,
        thread=columns[6].strip(),
        text=message.strip(),
        columns=tuple(columns),
    )


def _separator(value: str, default: str) -> str:
    """An ASCII code as SAP's header gives it ('124'); anything else keeps the default."""
    value = value.strip()
    if value.isdigit() and 0 < int(value) < 128:
        return chr(int(value))
    return default


@dataclass
class _Reader:
    """Turns the lines of one file into records: header first, then records ended by `|`."""

    source: str
    node: str
    record_separator: str = RECORD_SEPARATOR
    column_separator: str = COLUMN_SEPARATOR
    escape: str = ESCAPE
    malformed: int = 0
    skipped: int = 0  # well-formed records `wanted` turned down
    wanted: Callable[[str], bool] | None = None

    def records(self, lines: Iterable[tuple[int, str]]) -> Iterator[TraceRecord]:
        pending: list[str] = []
        start = 0
        record_start = self._record_start()
        for line_no, raw in lines:
            line = raw.rstrip("\r\n")
            # A header may also follow records: trace files of several days put together.
            if not pending and self._header_line(line):
                record_start = self._record_start()
                continue
            if not pending:
                if not line.strip():
                    continue
                if not record_start.match(line):
                    self.malformed += 1  # a line outside any record
                    continue
                start = line_no
            elif record_start.match(line):  # the open record never ended: take what it has
                yield from self._finish(pending, start)
                pending, start = [], line_no
            pending.append(line)
            if _ends_record(line, self.record_separator, self.escape):
                pending[-1] = line[: -len(self.record_separator)]
                yield from self._finish(pending, start)
                pending = []
        if pending:
            yield from self._finish(pending, start)

    def _record_start(self) -> re.Pattern[str]:
        return re.compile(_RECORD_TIME + re.escape(self.column_separator))

    def _header_line(self, line: str) -> bool:
        """Read a header line (True), or say that `line` is none (False)."""
        if line.strip() == HEADER_END:
            return True
        if not _HEADER_LINE.match(line):
            return False
        key, _, value = line.partition(":")
        key = key.strip().upper()
        if key == "RECORD_SEPARATOR":
            self.record_separator = _separator(value, RECORD_SEPARATOR)
        elif key == "COLUMN_SEPARATOR":
            self.column_separator = _separator(value, COLUMN_SEPARATOR)
        elif key == "ESC_CHARACTER":
            self.escape = _separator(value, ESCAPE)
        return True

    def _finish(self, lines: list[str], start: int) -> Iterator[TraceRecord]:
        record = _parse(
            "\n".join(lines),
            self.source,
            self.node,
            start,
            self.column_separator,
            self.escape,
            self.wanted,
        )
        if record is None:
            self.malformed += 1
        elif record is _SKIPPED:
            self.skipped += 1
        else:
            yield record  # type: ignore[misc]


def read_trace(path: Path) -> tuple[list[TraceRecord], TraceFileSummary]:
    """Every record of one file (plain or gzip); garbage is counted, a cut-off .gz kept so far."""
    return _scan(Path(path), None)


def _scan(
    path: Path, wanted: Callable[[str], bool] | None
) -> tuple[list[TraceRecord], TraceFileSummary]:
    node, date = node_and_date(path)
    reader = _Reader(source=path.name, node=node, wanted=wanted)
    records: list[TraceRecord] = []
    lines = 0
    error = None

    def numbered(handle) -> Iterator[tuple[int, str]]:
        nonlocal lines
        for number, raw in enumerate(handle, 1):
            lines = number  # kept outside: a cut-off .gz says where reading stopped
            yield number, raw

    # streamed with a bound on line length: a gzip bomb or a binary file keeps memory flat
    lines_of = log_lines(path, what=translate("tracelog", "an ljs_trace_*.log file"))
    try:
        records.extend(reader.records(numbered(line or "" for line in lines_of)))
    except (OSError, EOFError, zlib.error) as exc:
        error = f"reading stopped at line {lines + 1}: {exc}"
    summary = TraceFileSummary(
        path=path,
        node=node,
        date=date,
        lines=lines,
        records=len(records) + reader.skipped,
        malformed=reader.malformed,
        error=error,
    )
    return records, summary


# --- what a record says ---------------------------------------------------------------------------

_SUBJECT_ISSUER = re.compile(
    r"subject:\s*(?P<subject>.*?)\s*;\s*issuer:\s*(?P<issuer>.*?)\s*\)", re.IGNORECASE | re.DOTALL
)
_OPEN = r"""\s*(?:=|:|name:?)?\s*['"\[(<]?"""
_ROLE = re.compile(r"\broles?\b" + _OPEN + r"(?P<role>[A-Za-z0-9_.]{2,})", re.IGNORECASE)
_USER = re.compile(r"\buser\b" + _OPEN + r"""(?P<user>[^\s'"\])>,;]{2,})""", re.IGNORECASE)
_NOT_ROLE_WORDS = {"is", "the", "required", "not", "to", "for", "of", "role", "roles", "and"}
_NOT_USER_WORDS = {"is", "the", "has", "does", "not", "with", "role", "roles", "name", "and"}
_DENIED = (
    "not authorized",
    "unauthorized",
    "does not have",
    "doesn't have",
    "has no",
    "missing",
    "lacks",
    "not assigned",
    "not granted",
    "forbidden",
    "access denied",
    "authorization check failed",
    "insufficient",
)


# Every problem above needs one of these words; records without any are not built at all.
_MAY_MATTER = (
    "role", "csrf", "subject", "invalid_client", "service key", "certificate", "authenti",
    "login", "authoriz", "authoris", "forbidden", "access denied",
)  # fmt: skip


def _may_matter(text: str) -> bool:
    lower = text.lower()
    return any(word in lower for word in _MAY_MATTER)


def _word(pattern: re.Pattern[str], text: str, group: str, stop: set[str]) -> str | None:
    for m in pattern.finditer(text):
        value = m[group].strip(".")
        if value and value.lower() not in stop:
            return value
    return None


def _problem(text: str, severity: str) -> TraceProblem | None:
    lower = text.lower()
    if "subjectandissuers" in lower or ("subject and issuer" in lower and "not contained" in lower):
        return TraceProblem.NOT_IN_FLOW_LIST
    if "csrf" in lower and any(w in lower for w in ("fail", "invalid", "missing", "required")):
        return TraceProblem.CSRF_CHECK_FAILED
    if "invalid_client" in lower or "exactly once in a service key" in lower:
        return TraceProblem.NOT_IN_ONE_SERVICE_KEY
    if "could not authenticate oauth client" in lower:  # SAP KBA 3364579
        return TraceProblem.OAUTH_CLIENT_NOT_AUTHENTICATED
    if "authentication object was not found in the securitycontext" in lower:
        return TraceProblem.NO_CREDENTIALS
    if re.search(r"\broles?\b", lower) and any(w in lower for w in _DENIED):
        return TraceProblem.ROLE_MISSING
    if "certificate" in lower and (
        "not mapped" in lower
        or "no user" in lower
        or "no mapping" in lower
        or ("mapping" in lower and "not found" in lower)
    ):
        return TraceProblem.CERTIFICATE_NOT_MAPPED
    if severity not in _PROBLEM_SEVERITIES:
        return None
    if ("authentication" in lower or "login" in lower) and any(
        w in lower for w in ("fail", "denied", "invalid", "error", "rejected")
    ):
        return TraceProblem.AUTHENTICATION_FAILED
    if any(w in lower for w in ("authorization", "authorisation", "forbidden", "access denied")):
        return TraceProblem.AUTHORIZATION_FAILED
    return None


def explain_record(
    record: TraceRecord, *, environment: str | None = None, profile: str | None = None
) -> TraceFinding | None:
    """The finding a record stands for, or None when it is about something else."""
    problem = _problem(record.text, record.severity)
    if problem is None:
        return None
    info = PROBLEMS[problem]
    user = _word(_USER, record.text, "user", _NOT_USER_WORDS) or record.user
    role = _word(_ROLE, record.text, "role", _NOT_ROLE_WORDS)
    subject = issuer = None
    m = _SUBJECT_ISSUER.search(record.text)
    if m:
        subject, issuer = m["subject"], m["issuer"]
    values = {
        "user": user or "the mapped user",
        "role": role or "the channel's role",
        "the_role": f"the role {role}" if role else "the channel's role",
        "subject": subject or "(as in the trace)",
        "issuer": issuer or "(as in the trace)",
    }
    explanation = tr(CONTEXT, info.meaning).format(**values)
    fix = info.fix_for(environment).format(**values)
    if profile:
        fix = fix.replace("<profile>", profile)
    return TraceFinding(
        record=record,
        problem=problem,
        user=user,
        role=role,
        subject=subject,
        issuer=issuer,
        explanation=explanation,
        fix=fix,
    )


def _belongs(finding: TraceFinding, users: tuple[str, ...]) -> bool:
    """Whether a finding may be about one of `users` (a user name or '<CN>@<issuer CN>')."""
    if not users:
        return True
    wanted = {u.casefold() for u in users} | {u.rpartition("@")[0].casefold() for u in users}
    if finding.user is not None:
        return finding.user.casefold() in wanted
    if finding.subject is not None:
        m = re.search(r"(?:^|,)\s*cn=(?P<cn>(?:[^,\\]|\\.)*)", finding.subject, re.IGNORECASE)
        return m is None or m["cn"].strip().casefold() in wanted
    return True  # nobody named: cannot be told apart


def analyze_traces(
    paths: Iterable[Path],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    environment: str | None = None,
    profile: str | None = None,
    users: Iterable[str] = (),
) -> TraceAnalysis:
    """Read the trace files and return the authentication and authorization errors in the window.

    `users` (a profile's mapped user and '<CN>@<issuer CN>') drop findings that name somebody
    else; findings that name nobody are kept.
    """
    wanted = tuple(users)
    findings: list[TraceFinding] = []
    summaries: list[TraceFileSummary] = []
    for path in paths:
        records, summary = _scan(Path(path), _may_matter)
        summaries.append(summary)
        for record in records:
            if since is not None and record.time < since:
                continue
            if until is not None and record.time > until:
                continue
            finding = explain_record(record, environment=environment, profile=profile)
            if finding is not None and _belongs(finding, wanted):
                findings.append(finding)
    findings.sort(key=lambda f: (f.record.time, f.record.node, f.record.line_no))
    return TraceAnalysis(
        findings=tuple(findings),
        files=tuple(summaries),
        since=since,
        until=until,
        records=sum(s.records for s in summaries),
        malformed=sum(s.malformed for s in summaries),
    )

"""The systems file of `batch csr --from systems.csv`: one sender system a row, validated.

Read with the csv module: encoding and delimiter recognised, a specific message for every bad row
(which line, which column, what to do), nothing half-read. core/batch.py runs the rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from wizard.core import keys
from wizard.core.csr import SubjectFields
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.profiles import validate_profile_name
from wizard.core.storage import read_input_file

# (column, what it fills); `profile` and `cn` are required, the others may be missing or empty.
COLUMNS: dict[str, str] = {
    "profile": "the profile name (letters, digits, '.', '_', '-')",
    "cn": "common name (CN) of the certificate",
    "o": "organization (O)",
    "ou": "organizational unit (OU)",
    "l": "locality (L)",
    "st": "state or province (ST)",
    "c": "two-letter country code (C)",
    "env": "the tenant's environment: neo or cf",
    "url": "the endpoint (or runtime host) the sender calls",
    "user": "Neo: the user the certificate maps to",
    "role": "role(s) the sender channel checks, separated by spaces or '|'",
    "key_type": "key type for this system (default: --key-type)",
}
REQUIRED_COLUMNS = ("profile", "cn")
MAX_CSV_BYTES = 2 * 1024 * 1024
_SUBJECT_COLUMNS = {
    "cn": "cn",
    "o": "org",
    "ou": "org_unit",
    "l": "locality",
    "st": "state",
    "c": "country",
}


@dataclass(frozen=True)
class SystemRow:
    """One sender system from the CSV, validated."""

    line: int
    profile: str
    subject: SubjectFields
    environment: str | None = None
    url: str | None = None
    user: str | None = None
    roles: tuple[str, ...] = ()
    key_type: keys.KeyType | None = None


@dataclass(frozen=True)
class RowProblem:
    line: int
    profile: str | None
    message: str


@dataclass(frozen=True)
class SystemsFile:
    source: str
    delimiter: str
    rows: tuple[SystemRow, ...]
    problems: tuple[RowProblem, ...]


def read_systems_csv(path: Path) -> SystemsFile:
    data = read_input_file(
        Path(path), what=translate("batch", "a CSV of sender systems"), limit=MAX_CSV_BYTES
    )
    return parse_systems_csv(data, source=str(path))


def _csv_error(source: str, line: int, what: str) -> WizardError:
    return WizardError(
        "batch.csv",
        translate("batch", "{file}, line {line}: {problem}").format(
            file=source, line=line, problem=what
        ),
    )


def _decode(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _csv_error(
            source,
            1,
            translate(
                "batch",
                "the file is UTF-16 ('Unicode text'). Save it as 'CSV UTF-8' (Excel) or as UTF-8 "
                "text.",
            ),
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _csv_error(
            source,
            line,
            translate(
                "batch",
                "byte {byte} is not UTF-8 (the file is probably in a Windows code page). Save it "
                "as 'CSV UTF-8' (Excel) or as UTF-8 text.",
            ).format(byte=f"0x{data[exc.start]:02x}"),
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _csv_error(
            source, line, translate("batch", "contains a NUL byte: this is not a text CSV file.")
        )
    return text


def _delimiter(header: str) -> str:
    return ";" if header.count(";") >= header.count(",") and ";" in header else ","


def _header(cells: list[str], source: str, line: int) -> list[str]:
    names = [c.strip().lower().lstrip("\ufeff") for c in cells]
    known = ", ".join(COLUMNS)
    seen: set[str] = set()
    for name in names:
        if name not in COLUMNS:
            shown = repr(name) if name else translate("batch", "an empty name")
            raise _csv_error(
                source,
                line,
                translate(
                    "batch",
                    "the header names column {column}, which is not one of: {known}. The first "
                    "line must name the columns (profile and cn are required).",
                ).format(column=shown, known=known),
            )
        if name in seen:
            raise _csv_error(
                source,
                line,
                translate("batch", "the header names column {column!r} twice.").format(column=name),
            )
        seen.add(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise _csv_error(
            source,
            line,
            translate(
                "batch",
                "the header has no column {columns}; the first line must name the columns, for "
                "example: profile;cn;o;c;env;url (known: {known}).",
            ).format(columns=", ".join(missing), known=known),
        )
    return names


def _split_roles(value: str) -> list[str]:
    return [r for r in value.replace("|", " ").split() if r]


def _row(values: dict[str, str], line: int) -> SystemRow:
    """Validate one row; raise WizardError with every problem of the row in one message."""
    from wizard.core.mapping import validate_roles, validate_user
    from wizard.core.tlsprobe import parse_target

    problems: list[str] = []
    profile = values.get("profile", "")
    try:
        validate_profile_name(profile)
    except WizardError as exc:
        problems.append(exc.message)
    fields = {_SUBJECT_COLUMNS[k]: values.get(k, "") for k in _SUBJECT_COLUMNS}
    subject = SubjectFields(**fields)  # type: ignore[arg-type]  # str fields only
    problems += [p.message for p in subject.problems()]
    env = values.get("env", "").lower() or None
    if env is not None and env not in ("neo", "cf"):
        problems.append(
            translate("batch", "env {env!r} is neither neo nor cf.").format(env=values["env"])
        )
    url = values.get("url") or None
    if url is not None:
        try:
            parse_target(url)
        except WizardError as exc:
            problems.append(exc.message)
    user = values.get("user") or None
    roles: tuple[str, ...] = ()
    key_type = None
    try:
        if user is not None:
            validate_user(user)
    except WizardError as exc:
        problems.append(exc.message)
    try:
        if values.get("role"):
            roles = validate_roles(_split_roles(values["role"]))
    except WizardError as exc:
        problems.append(exc.message)
    try:
        if values.get("key_type"):
            key_type = keys.parse_key_type(values["key_type"])
    except WizardError as exc:
        problems.append(exc.message)
    if problems:
        message = " ".join(problems)  # each one translated where it was found
        raise WizardError("batch.row", message)
    return SystemRow(
        line=line,
        profile=profile,
        subject=subject,
        environment=env,
        url=url,
        user=user,
        roles=roles,
        key_type=key_type,
    )


def parse_systems_csv(data: bytes, *, source: str) -> SystemsFile:
    """Rows and per-row problems of a systems CSV (UTF-8 with or without BOM, ';' or ',').

    Problems with the whole file (encoding, header) raise WizardError naming the line.
    """
    text = _decode(data, source)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise _csv_error(
            source,
            1,
            translate(
                "batch", "the file is empty. The first line must name the columns: profile;cn;…"
            ),
        )
    delimiter = _delimiter(lines[first])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    names: list[str] | None = None
    rows: list[SystemRow] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    line = 0
    try:
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if names is None:
                names = _header(cells, source, line)
                continue
            values = {n: c.strip() for n, c in zip(names, cells, strict=False)}
            profile = values.get("profile") or None
            if len(cells) > len(names):
                problems.append(
                    RowProblem(
                        line,
                        profile,
                        translate(
                            "batch",
                            "{fields} fields but the header names {columns}: a value holds the "
                            "separator {separator!r}? Put such a value in double quotes.",
                        ).format(fields=len(cells), columns=len(names), separator=delimiter),
                    )
                )
                continue
            if profile is not None and profile in first_line:
                problems.append(
                    RowProblem(
                        line,
                        profile,
                        translate(
                            "batch",
                            "profile {profile} is on line {line} already; list each system once.",
                        ).format(profile=profile, line=first_line[profile]),
                    )
                )
                continue
            try:
                rows.append(_row(values, line))
            except WizardError as exc:
                problems.append(RowProblem(line, profile, exc.message))
            if profile is not None:
                first_line.setdefault(profile, line)
    except csv.Error as exc:  # cannot resynchronise after this: report it and keep what was read
        problems.append(
            RowProblem(
                line,
                None,
                translate("batch", "unreadable CSV ({problem}); rows after it skipped.").format(
                    problem=exc
                ),
            )
        )
    if names is None:
        raise _csv_error(
            source,
            1,
            translate("batch", "there is no header line naming the columns (profile;cn;…)."),
        )
    return SystemsFile(
        source=source, delimiter=delimiter, rows=tuple(rows), problems=tuple(problems)
    )

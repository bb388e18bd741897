"""The wizard's flow as plain Python: the steps, their order, where a profile resumes.

No Qt here (the GUI only renders what this module decides), so the flow is unit-tested without a
display. A step is *completed* when what it produces exists (a file named by `Artefact`, or a
profile state); a profile resumes at the step after the furthest completed one, so closing the
program at any page, or killing it mid-step, loses nothing that was finished.

Texts a person reads are marked with `QT_TRANSLATE_NOOP(context, text)` (a no-op here) so that
`pyside6-lupdate` extracts them; the GUI translates them with `QCoreApplication.translate`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wizard.core.ca_enroll.pending import pending_note
from wizard.core.expiry import (
    REMINDER_DAYS,
    Expiry,
    Reminder,
    calendar_ics,
    expiry_of,
    reminder_day,
    reminder_uid,
)
from wizard.core.profiles import (
    HAS_CERTIFICATE,
    Artefact,
    BrokenProfile,
    Profile,
    ProfileStore,
    State,
)
from wizard.core.steps import (  # noqa: F401 -- the steps are flow's vocabulary too
    COMMIT_STEPS,
    CONTEXT,
    ORDER,
    QT_TRANSLATE_NOOP,
    TITLES,
    Step,
    next_step,
    step_number,
)


@dataclass(frozen=True)
class Progress:
    """What a profile has so far, read from its state and the artefacts on disk."""

    has_tenant: bool = False
    has_root: bool = False
    has_key: bool = False
    has_request: bool = False
    has_certificate: bool = False
    has_p12: bool = False
    mapped: bool = False
    tested_ok: bool = False


def progress_of(profile: Profile, present: Iterable[Artefact]) -> Progress:
    """The progress of `profile` given the artefact files that exist in its folder."""
    files = set(present)
    has_certificate = profile.state in HAS_CERTIFICATE and Artefact.CHAIN in files
    return Progress(
        has_tenant=bool(profile.tenant_url or profile.tenant_host),
        has_root=Artefact.TENANT_ROOT_PEM in files or Artefact.TENANT_ROOT_CER in files,
        has_key=Artefact.KEY in files,
        has_request=Artefact.CSR in files,
        has_certificate=has_certificate,
        has_p12=has_certificate and Artefact.P12 in files,
        mapped=has_certificate and profile.state in (State.MAPPED, State.TESTED),
        tested_ok=profile.state is State.TESTED and profile.last_test_verdict == "OK",
    )


_ARTEFACT_FILES = frozenset(a.value for a in Artefact)


def present_artefacts(folder: Path) -> list[Artefact]:
    """The artefacts that exist in `folder` (as Path.exists sees them: a dangling link does not).

    One directory listing, not a stat per artefact: a thousand profiles are listed in a blink.
    """
    try:
        with os.scandir(folder) as entries:
            found = {
                entry.name
                for entry in entries
                if entry.name in _ARTEFACT_FILES
                and (not entry.is_symlink() or os.path.exists(entry.path))
            }
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [a for a in Artefact if a.value in found]


def read_progress(store: ProfileStore, profile: Profile) -> Progress:
    """`progress_of` with the artefacts looked up on disk (I/O: call it off the GUI thread)."""
    return progress_of(profile, present_artefacts(store.folder(profile.name)))


def completed(step: Step, progress: Progress) -> bool:
    """Whether what `step` produces exists already."""
    return {
        Step.START: True,
        Step.TENANT: progress.has_tenant,
        Step.TRUST: progress.has_root,
        Step.KEY: (progress.has_key and progress.has_request) or progress.has_certificate,
        Step.WAITING: progress.has_certificate,
        Step.CERTIFICATE: progress.has_certificate,
        Step.EXPORT: progress.has_p12,
        Step.TENANT_ENTRY: progress.mapped,
        Step.TEST_CALL: progress.tested_ok,
        Step.SUMMARY: False,
    }[step]


def resume_step(progress: Progress) -> Step:
    """Where a profile reopens: the step after the furthest one completed."""
    furthest = -1
    for index, step in enumerate(ORDER):
        if completed(step, progress):
            furthest = index
    return ORDER[min(furthest + 1, len(ORDER) - 1)]


# --- step 1: the tenant's URL -----------------------------------------------------------------


@dataclass(frozen=True)
class UrlCheck:
    """What step 1 says about a typed endpoint URL or host (texts untranslated, context "flow";
    `{host}` is filled in by the caller after translating)."""

    problem: str | None = None  # refused: the text is not a URL or host the wizard can call
    warning: str | None = None  # accepted, but probably not what the sender calls
    host: str | None = None


_HOST = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
_CF_DESIGN_TIME = re.compile(r"\.it-cpi\d+\.cfapps\.", re.IGNORECASE)
_CF_RUNTIME = re.compile(r"-rt\.cfapps\.", re.IGNORECASE)
_NEO_MANAGEMENT = re.compile(r"-tmn\.hci\.", re.IGNORECASE)


def check_tenant_url(text: str) -> UrlCheck:
    """Refuse what is not an https URL or a host name (`htp:/not a url`); warn when the host is
    a management host (Cloud Foundry design-time `…it-cpiNNN.cfapps…` without `-rt`, Neo `-tmn`)
    rather than the runtime endpoint a sender calls."""
    text = text.strip()
    if not text:
        return UrlCheck()
    bad = QT_TRANSLATE_NOOP(
        "flow",
        "This is not a URL or host name: paste the endpoint as https://host/path, or the "
        "runtime host alone.",
    )
    if any(c.isspace() for c in text):
        return UrlCheck(problem=bad)
    from urllib.parse import urlsplit

    if "://" in text:
        try:
            parts = urlsplit(text)
        except ValueError:  # "https://[host": an unclosed IPv6 bracket
            return UrlCheck(problem=bad)
        if parts.scheme.lower() != "https":
            return UrlCheck(
                problem=QT_TRANSLATE_NOOP(
                    "flow", "The tenant is called over HTTPS: the URL starts with https://."
                )
            )
        host = parts.hostname or ""
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number)
        except ValueError:
            return UrlCheck(problem=bad)
    elif ":" in text.split("/", 1)[0] and not text.split("/", 1)[0].rsplit(":", 1)[1].isdigit():
        return UrlCheck(problem=bad)  # htp:/… — a scheme with a typo
    else:
        host = text.split("/", 1)[0].rsplit(":", 1)[0]
    if not host or not _HOST.fullmatch(host):
        return UrlCheck(problem=bad)
    if not ("." in host or host.lower() == "localhost"):
        return UrlCheck(problem=bad)
    warning = None
    if _CF_DESIGN_TIME.search(host) and not _CF_RUNTIME.search(host):
        warning = QT_TRANSLATE_NOOP(
            "flow",
            "{host} is the Cloud Foundry design-time (management) host, not the runtime "
            "endpoint a sender calls: the runtime host has -rt after it-cpiNNN (the url of the "
            "integration-flow service key).",
        )
    elif _NEO_MANAGEMENT.search(host):
        warning = QT_TRANSLATE_NOOP(
            "flow",
            "{host} is the Neo management (tmn) host, not the runtime endpoint a sender calls: "
            "the runtime host ends in -iflmap.",
        )
    return UrlCheck(warning=warning, host=host)


# --- step 3: the country of the subject ---------------------------------------------------------

# ISO 3166-1 alpha-2, officially assigned.
ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW""".split()
)


def normalize_country(text: str) -> str:
    """`de` → `DE`: what a person types, as the subject needs it."""
    return text.strip().upper()


def country_problem(code: str) -> str | None:
    """None for an assigned ISO 3166 code (or none given); else why not (context "flow")."""
    if code and code not in ISO_COUNTRIES:
        return QT_TRANSLATE_NOOP(
            "flow", "{code} is not an ISO 3166 country code; use the two letters, e.g. DE."
        )
    return None


# The step where what a failed test call points at is put right (verdict codes of
# wizard.core.verdicts); a code not listed is retried on the test-call step itself.
FIX_STEPS: dict[str, Step] = {
    "SERVER_UNTRUSTED": Step.TRUST,
    "CLIENT_CERT_REJECTED": Step.CERTIFICATE,
    "NO_CERT_FORWARDED": Step.CERTIFICATE,
    "NO_CERT_REQUESTED": Step.TENANT,
    "NOT_MAPPED": Step.TENANT_ENTRY,
    "NOT_AUTHORIZED": Step.TENANT_ENTRY,
    "NO_ENDPOINT": Step.TENANT,
    "UNREACHABLE": Step.TENANT,
    "TIMEOUT": Step.TENANT,
    "PROXY_ERROR": Step.TENANT,
    "NOT_TLS": Step.TENANT,
}


def fix_step(verdict: str | None) -> Step | None:
    """Where to go back to after a test call with `verdict` (None when it went through)."""
    if not verdict or verdict == "OK":
        return None
    return FIX_STEPS.get(verdict, Step.TEST_CALL)


# --- the start page's list --------------------------------------------------------------------


# Expiry and expiry_of live in wizard.core.expiry (the expiry command uses the same rule).


@dataclass(frozen=True)
class ProfileRow:
    """One line of the start page."""

    name: str
    environment: str | None
    tenant_host: str | None
    subject_cn: str | None
    state: State
    not_after: datetime | None
    days_left: int | None
    expiry: Expiry
    resume: Step
    problem: str | None = None  # profile.json cannot be read: what is wrong, how to restore it
    sap_signed: bool = False  # the current certificate is SAP's (Destination service)
    sap_auto_renew: bool | None = None  # SAP renews it by itself (None: not known)
    ca_pending: str | None = None  # "pending at the CA since …" (a request at the company CA)


def subject_cn(rfc4514: str | None) -> str | None:
    """The CN of a stored subject, read with cryptography (imported here: it is slow to load)."""
    if not rfc4514:
        return None
    from wizard.core.certs import common_name

    return common_name(rfc4514)


def profile_row(store: ProfileStore, profile: Profile, at: datetime | None = None) -> ProfileRow:
    return ProfileRow(
        name=profile.name,
        environment=profile.environment,
        tenant_host=profile.tenant_host,
        subject_cn=subject_cn(profile.leaf_subject or profile.subject),
        state=profile.state,
        not_after=profile.not_after_dt,
        days_left=profile.days_left(at),
        expiry=expiry_of(profile, at),
        resume=resume_step(read_progress(store, profile)),
        sap_signed=profile.sap_signed,
        sap_auto_renew=profile.sap_auto_renew if profile.sap_signed else None,
        ca_pending=pending_note(profile),
    )


def broken_row(broken: BrokenProfile) -> ProfileRow:
    """A profile whose profile.json cannot be read: listed with the reason, never resumed."""
    return ProfileRow(
        name=broken.name,
        environment=None,
        tenant_host=None,
        subject_cn=None,
        state=State.NEW,
        not_after=None,
        days_left=None,
        expiry=Expiry.NONE,
        resume=Step.START,
        problem=broken.message,
    )


def profile_rows(
    store: ProfileStore, at: datetime | None = None, *, names: Iterable[str] | None = None
) -> list[ProfileRow]:
    """Every profile of `store` (or those in `names`) as the start page lists it (reads the disk)."""
    return [
        broken_row(p) if isinstance(p, BrokenProfile) else profile_row(store, p, at)
        for p in store.all(names)
    ]


# --- the summary: which file goes where --------------------------------------------------------


@dataclass(frozen=True)
class FileUse:
    """A file the wizard made, what it holds and where it goes (texts untranslated)."""

    artefact: Artefact
    contains: str
    goes_to: str


FILE_USES: tuple[FileUse, ...] = (
    FileUse(
        Artefact.TENANT_ROOT_CER,
        QT_TRANSLATE_NOOP("flow", "the tenant's load-balancer root (DER)"),
        QT_TRANSLATE_NOOP(
            "flow",
            "the sender's trust store: STRUST SSL client PSE, Java truststore, Postman CA "
            "certificates",
        ),
    ),
    FileUse(
        Artefact.TENANT_ROOT_PEM,
        QT_TRANSLATE_NOOP("flow", "the same root as PEM text"),
        QT_TRANSLATE_NOOP("flow", "trust stores that want PEM (curl --cacert, OpenSSL)"),
    ),
    FileUse(
        Artefact.CSR,
        QT_TRANSLATE_NOOP("flow", "the certificate request: public key and subject"),
        QT_TRANSLATE_NOOP("flow", "the CA, asking for a client authentication certificate"),
    ),
    FileUse(
        Artefact.P12,
        QT_TRANSLATE_NOOP(
            "flow", "private key, certificate and intermediates, protected by a password"
        ),
        QT_TRANSLATE_NOOP(
            "flow",
            "the sender's keystore: STRUST (sapgenpse import_p12), keytool -importkeystore, "
            "Postman PFX, Windows",
        ),
    ),
    FileUse(
        Artefact.LEAF_CER,
        QT_TRANSLATE_NOOP("flow", "the client certificate only, public (DER)"),
        QT_TRANSLATE_NOOP("flow", "the tenant: Neo Certificate-to-User Mapping upload"),
    ),
    FileUse(
        Artefact.LEAF_PEM,
        QT_TRANSLATE_NOOP("flow", "the client certificate only, public (PEM)"),
        QT_TRANSLATE_NOOP("flow", "the tenant: Cloud Foundry External Certificate service key"),
    ),
    FileUse(
        Artefact.CLIENT_CHAIN_PEM,
        QT_TRANSLATE_NOOP("flow", "the certificate and its intermediates (PEM)"),
        QT_TRANSLATE_NOOP("flow", "curl --cert, or senders that take the chain separately"),
    ),
    FileUse(
        Artefact.NEO_MAPPING_JSON,
        QT_TRANSLATE_NOOP("flow", "the body of the mapping API call"),
        QT_TRANSLATE_NOOP("flow", "POST /api/v1/CertificateUserMappings on the Neo tenant"),
    ),
    FileUse(
        Artefact.CF_SERVICE_INSTANCE_JSON,
        QT_TRANSLATE_NOOP("flow", "the service instance's parameters (roles)"),
        QT_TRANSLATE_NOOP("flow", "cf create-service … -c, or the cockpit's JSON field"),
    ),
    FileUse(
        Artefact.CF_SERVICE_KEY_JSON,
        QT_TRANSLATE_NOOP("flow", "the External Certificate service key's parameters"),
        QT_TRANSLATE_NOOP("flow", "cf create-service-key … -c, or the cockpit's JSON field"),
    ),
)


@dataclass(frozen=True)
class MadeFile:
    path: Path
    use: FileUse


def made_files(store: ProfileStore, name: str) -> list[MadeFile]:
    """The files of profile `name` that exist, in the order a user needs them (reads the disk)."""
    out = []
    for use in FILE_USES:
        path = store.path(name, use.artefact)
        if path.is_file():
            out.append(MadeFile(path=path, use=use))
    return out


# --- the calendar reminder ----------------------------------------------------------------------
# REMINDER_DAYS and the RFC 5545 writer live in wizard.core.expiry (shared with `expiry --ics`).


def reminder_ics(
    profile: Profile,
    *,
    summary: str,
    description: str,
    days_before: int = REMINDER_DAYS,
    now: datetime | None = None,
) -> str:
    """An iCalendar file with one all-day event `days_before` the certificate's expiry.

    `summary` and `description` come from the caller already translated.
    """
    end = profile.not_after_dt
    if end is None:
        raise ValueError(f"profile {profile.name!r} has no certificate, so no expiry date")
    now = now or datetime.now(UTC)
    event = Reminder(
        uid=reminder_uid(profile.name, profile.leaf_sha256),
        day=reminder_day(end, days_before=days_before, today=now.date()),
        summary=summary,
        description=description,
    )
    return calendar_ics([event], now=now)


# --- logging: a whitelist, so a secret can never reach a log -----------------------------------

LOGGABLE_FIELDS: frozenset[str] = frozenset(
    {
        "profile",
        "step",
        "environment",
        "tenant_url",
        "key_type",
        "legacy",
        "include_root",
        "alias",
        "user",
        "roles",
        "verdict",
        "state",
        "files",
    }
)


def loggable(fields: Mapping[str, object]) -> dict[str, object]:
    """`fields` with every value not on the whitelist replaced by "<redacted>"."""
    return {k: (v if k in LOGGABLE_FIELDS else "<redacted>") for k, v in fields.items()}

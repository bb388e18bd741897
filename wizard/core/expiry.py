"""Certificate expiry across all profiles: days left, renewal advice and calendar reminders.

A certificate is due for renewal past 2/3 of its lifetime or when fewer than N days are left
(smallstep's rule; N = 30 by default). The reminders are an RFC 5545 calendar (.ics): one all-day
event per certificate 30 days before it expires, with an alarm, and a UID that stays the same for
the same certificate, so importing a newer file updates the events instead of doubling them.

Everything here reads only profile.json (the dates import-reply recorded), never the certificate
files, so a thousand profiles are judged in a few milliseconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from wizard.core import renewal
from wizard.core.i18n import QT_TRANSLATE_NOOP, tr
from wizard.core.profiles import BrokenProfile, Profile, ProfileStore, now_utc
from wizard.core.renewal import RENEW_WITHIN_DAYS

REMINDER_DAYS = 30
CONTEXT = "expiry"  # tr() context of this module's texts
PRODID = "-//cpi-cert-wizard//certificate reminder//EN"


class Expiry(StrEnum):
    NONE = "none"  # no certificate yet
    OK = "ok"
    DUE = "due"  # past 2/3 of the lifetime or fewer than N days left: amber
    EXPIRED = "expired"  # red


# Every text a person reads, in one place (English; read through advice_text() in the user's language).
ADVICE: dict[str, str] = {
    "none": QT_TRANSLATE_NOOP("expiry", "No certificate yet (state {state}); nothing expires."),
    "ok": QT_TRANSLATE_NOOP(
        "expiry", "Valid for {days} more days; plan the renewal from {renew_by}."
    ),
    "due_days": QT_TRANSLATE_NOOP(
        "expiry", "Renew now: only {days} days left (expires {date}). {how}"
    ),
    "due_lifetime": QT_TRANSLATE_NOOP(
        "expiry",
        "Renew now: {used}% of its {lifetime}-day lifetime is used (expires {date}, {days} days "
        "left). {how}",
    ),
    "expired": QT_TRANSLATE_NOOP(
        "expiry", "Expired on {date} ({days} days ago): the tenant refuses it. {how}"
    ),
    "chain_ends_first": QT_TRANSLATE_NOOP(
        "expiry",
        "The CA certificate {subject} in its chain ends on {date}, before the certificate itself: "
        "from then on the chain no longer validates. ",
    ),
    "broken": QT_TRANSLATE_NOOP("expiry", "{message}"),
    "how": QT_TRANSLATE_NOOP(
        "expiry",
        "Make a new key and request (cpi-cert-wizard csr --profile {profile} --new-key …), "
        "import the CA's reply, export the new .p12; then {tenant}",
    ),
    "tenant_neo": QT_TRANSLATE_NOOP(
        "expiry", "add a new Certificate-to-User Mapping on Neo (it matches the whole certificate)."
    ),
    "tenant_cf": QT_TRANSLATE_NOOP(
        "expiry", "create a new service key on Cloud Foundry (pinning accepts only the exact one)."
    ),
    "tenant_unknown": QT_TRANSLATE_NOOP(
        "expiry", "update the tenant entry (a new Neo mapping or Cloud Foundry service key)."
    ),
    "summary": QT_TRANSLATE_NOOP("expiry", "Renew the client certificate of {profile}"),
    "description": QT_TRANSLATE_NOOP(
        "expiry",
        "The client certificate of sender system {profile} ({subject}) expires on {date}. "
        "{how}\nCertificate SHA-256: {sha256}",
    ),
    "late": QT_TRANSLATE_NOOP(
        "expiry", " (This reminder was made less than {days_before} days before the expiry.)"
    ),
}


def advice_text(key: str) -> str:
    """One text of ADVICE in the user's language."""
    return tr(CONTEXT, ADVICE[key])


def expiry_of(
    profile: Profile, at: datetime | None = None, *, within: int = RENEW_WITHIN_DAYS
) -> Expiry:
    end = profile.not_after_dt
    if end is None:
        return Expiry.NONE
    at = at or now_utc()
    if end <= at:
        return Expiry.EXPIRED
    return Expiry.DUE if profile.renewal_due(at, days=within) else Expiry.OK


def renew_by(profile: Profile, *, within: int = RENEW_WITHIN_DAYS) -> datetime | None:
    """When the certificate becomes due: 2/3 of its lifetime, or `within` days before the end."""
    start, end = profile.not_before_dt, profile.not_after_dt
    if start is None or end is None:
        return None
    return renewal.renew_by(start, end, within=within)


@dataclass(frozen=True)
class CertificateExpiry:
    """One profile's certificate as the expiry report shows it."""

    profile: str
    status: Expiry
    advice: str
    environment: str | None = None
    subject: str | None = None
    issuer: str | None = None
    leaf_sha256: str | None = None
    not_before: datetime | None = None
    not_after: datetime | None = None
    days_left: int | None = None
    lifetime_days: int | None = None
    renew_by: datetime | None = None
    broken: bool = False  # profile.json cannot be read; `advice` says why


def _how(profile: str, environment: str | None) -> str:
    tenant = {"neo": "tenant_neo", "cf": "tenant_cf"}.get(environment or "", "tenant_unknown")
    return advice_text("how").format(profile=profile, tenant=advice_text(tenant))


def _chain_end(profile: Profile) -> datetime | None:
    """When an issuing CA of the chain ends before the leaf: that end (the chain breaks then)."""
    end = profile.not_after_dt
    if not profile.chain_not_after or end is None:
        return None
    chain_end = datetime.fromisoformat(profile.chain_not_after)
    return chain_end if chain_end < end else None


def check_expiry(
    profile: Profile, at: datetime | None = None, *, within: int = RENEW_WITHIN_DAYS
) -> CertificateExpiry:
    at = at or now_utc()
    chain_end = _chain_end(profile)
    if chain_end is not None:  # judge the chain's end, as if the certificate ended then
        from dataclasses import replace

        row = check_expiry(replace(profile, not_after=chain_end.isoformat()), at, within=within)
        note = advice_text("chain_ends_first").format(
            subject=profile.chain_not_after_subject or "?", date=chain_end.date().isoformat()
        )
        return replace(row, advice=note + row.advice)
    status = expiry_of(profile, at, within=within)
    start, end = profile.not_before_dt, profile.not_after_dt
    if status is Expiry.NONE or end is None:
        return CertificateExpiry(
            profile=profile.name,
            status=Expiry.NONE,
            advice=advice_text("none").format(state=profile.state.value),
            environment=profile.environment,
            subject=profile.subject,
        )
    days = (end - at).days
    lifetime = (end - start).days if start else None
    due = renew_by(profile, within=within)
    day = end.date().isoformat()
    if status is Expiry.EXPIRED:
        advice = advice_text("expired").format(
            date=day, days=(at - end).days, how=_how(profile.name, profile.environment)
        )
    elif status is Expiry.DUE and (days < within or not start or not lifetime):
        advice = advice_text("due_days").format(
            days=days, date=day, how=_how(profile.name, profile.environment)
        )
    elif status is Expiry.DUE:
        assert start is not None  # the branch above took a certificate without a start
        used = int((at - start) / (end - start) * 100)
        advice = advice_text("due_lifetime").format(
            used=used,
            lifetime=lifetime,
            date=day,
            days=days,
            how=_how(profile.name, profile.environment),
        )
    else:
        shown = due.date().isoformat() if due else day
        advice = advice_text("ok").format(days=days, renew_by=shown)
    return CertificateExpiry(
        profile=profile.name,
        status=status,
        advice=advice,
        environment=profile.environment,
        subject=profile.leaf_subject or profile.subject,
        issuer=profile.leaf_issuer,
        leaf_sha256=profile.leaf_sha256,
        not_before=start,
        not_after=end,
        days_left=days,
        lifetime_days=lifetime,
        renew_by=due,
    )


def _order(row: CertificateExpiry) -> tuple:
    """Most urgent first; profiles without a certificate and broken ones last, by name."""
    if row.not_after is None:
        return (1, 0.0, row.profile)
    return (0, row.not_after.timestamp(), row.profile)


def fleet_expiry(
    profiles: Iterable[Profile | BrokenProfile],
    at: datetime | None = None,
    *,
    within: int = RENEW_WITHIN_DAYS,
) -> list[CertificateExpiry]:
    """Every profile's certificate, soonest expiry first (broken profiles listed, not fatal)."""
    at = at or now_utc()
    rows = []
    for profile in profiles:
        if isinstance(profile, BrokenProfile):
            rows.append(
                CertificateExpiry(
                    profile=profile.name,
                    status=Expiry.NONE,
                    advice=advice_text("broken").format(message=profile.message),
                    broken=True,
                )
            )
        else:
            rows.append(check_expiry(profile, at, within=within))
    return sorted(rows, key=_order)


def store_expiry(
    store: ProfileStore, at: datetime | None = None, *, within: int = RENEW_WITHIN_DAYS
) -> list[CertificateExpiry]:
    return fleet_expiry(store.all(), at, within=within)


# --- the calendar (RFC 5545) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One all-day calendar event."""

    uid: str
    day: date
    summary: str
    description: str


def reminder_uid(profile: str, leaf_sha256: str | None) -> str:
    """The same for the same certificate of the same profile, whoever writes the file."""
    digest = hashlib.sha256(f"{profile}/{leaf_sha256}".encode()).hexdigest()[:32]
    return f"{digest}@cpi-cert-wizard"


def reminder_day(
    not_after: datetime, *, days_before: int = REMINDER_DAYS, today: date | None = None
) -> date:
    """`days_before` the expiry, but never in the past (then today)."""
    today = today or datetime.now(UTC).date()
    return max((not_after - timedelta(days=days_before)).date(), today)


def reminders(
    rows: Iterable[CertificateExpiry],
    *,
    days_before: int = REMINDER_DAYS,
    today: date | None = None,
) -> list[Reminder]:
    """A reminder for every certificate that has not expired yet."""
    today = today or datetime.now(UTC).date()
    out = []
    for row in rows:
        if row.not_after is None or row.status is Expiry.EXPIRED or row.broken:
            continue
        day = reminder_day(row.not_after, days_before=days_before, today=today)
        how = _how(row.profile, row.environment)
        description = advice_text("description").format(
            profile=row.profile,
            subject=row.subject or "-",
            date=row.not_after.date().isoformat(),
            how=how,
            sha256=row.leaf_sha256 or "-",
        )
        if day > (row.not_after - timedelta(days=days_before)).date():
            description += advice_text("late").format(days_before=days_before)
        out.append(
            Reminder(
                uid=reminder_uid(row.profile, row.leaf_sha256),
                day=day,
                summary=advice_text("summary").format(profile=row.profile),
                description=description,
            )
        )
    return out


def ics_escape(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and line breaks escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics_fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    if len(line.encode("utf-8")) <= 75:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):  # continuation lines start with a space
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def calendar_ics(events: Sequence[Reminder], *, now: datetime | None = None) -> str:
    """An iCalendar file (CRLF line ends, folded) with one all-day event and alarm per reminder."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{ics_escape(event.summary)}",
            f"DESCRIPTION:{ics_escape(event.description)}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER:PT9H",  # 09:00 on the day of the all-day event
            f"DESCRIPTION:{ics_escape(event.summary)}",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(ics_fold(line) for line in lines) + "\r\n"

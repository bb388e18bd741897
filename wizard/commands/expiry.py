"""`cpi-cert-wizard expiry`: every profile's certificate, days left and renewal advice.

Soonest expiry first. `--within DAYS` lists only certificates that expire within DAYS (and the
expired ones) and renews from DAYS before the end instead of 30; `--ics FILE` writes a calendar
reminder for every certificate that has not expired. Exit status 0 (a due certificate is advice,
not an error); --json has the counts for monitoring.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard.commands.common import Context, Outcome
from wizard.core.errors import WizardError
from wizard.core.expiry import (
    RENEW_WITHIN_DAYS,
    CertificateExpiry,
    Expiry,
    calendar_ics,
    reminders,
    store_expiry,
)
from wizard.core.i18n import translate
from wizard.core.profiles import now_utc
from wizard.core.storage import atomic_write


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--within",
        type=int,
        metavar="DAYS",
        help="only certificates expiring within DAYS (and expired ones); renewal is due from "
        f"DAYS before the end (default: all listed, due from {RENEW_WITHIN_DAYS} days or past "
        "2/3 of the lifetime)",
    )
    parser.add_argument(
        "--ics", type=Path, metavar="FILE", help="write calendar reminders (30 days before each)"
    )


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    if args.within is not None and args.within < 0:
        raise WizardError(
            "expiry.within", translate("expiry", "--within needs a number of days, 0 or more.")
        )
    within = RENEW_WITHIN_DAYS if args.within is None else args.within
    at = now_utc()
    every = store_expiry(ctx.store, at, within=within)
    rows = every
    if args.within is not None:
        rows = [r for r in every if r.days_left is not None and r.days_left < args.within]
        rows += [r for r in every if r.broken]
    files = {}
    events = reminders(every, today=at.date()) if args.ics is not None else None
    if events is not None:
        files["ics"] = atomic_write(args.ics, calendar_ics(events, now=at), private=False)
    counts = {status.value: sum(1 for r in every if r.status is status) for status in Expiry}
    counts["broken"] = sum(1 for r in every if r.broken)
    return Outcome(
        text=_text(rows, every, args, files),
        data={
            "within": within,
            "counts": counts,
            "certificates": [_json(r) for r in rows],
            "reminders": None if events is None else len(events),
        },
        files=files,
    )


def _json(row: CertificateExpiry) -> dict:
    return {
        "profile": row.profile,
        "status": "broken" if row.broken else row.status.value,
        "days_left": row.days_left,
        "not_before": row.not_before.isoformat() if row.not_before else None,
        "not_after": row.not_after.isoformat() if row.not_after else None,
        "lifetime_days": row.lifetime_days,
        "renew_by": row.renew_by.isoformat() if row.renew_by else None,
        "environment": row.environment,
        "subject": row.subject,
        "issuer": row.issuer,
        "sha256": row.leaf_sha256,
        "advice": row.advice,
    }


def _text(rows: list[CertificateExpiry], every: list[CertificateExpiry], args, files) -> str:
    if not every:
        return translate(
            "expiry",
            "No profiles yet. Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME",
        )
    lines = []
    if rows:
        width = max(len(r.profile) for r in [*rows, CertificateExpiry("PROFILE", Expiry.OK, "")])
        lines.append(f"{'PROFILE':<{width}}  {'STATUS':<8}  {'EXPIRES':<10}  {'DAYS':>5}  ADVICE")
        for r in rows:
            status = "broken" if r.broken else r.status.value
            expires = r.not_after.date().isoformat() if r.not_after else "-"
            days = "-" if r.days_left is None else str(r.days_left)
            lines.append(f"{r.profile:<{width}}  {status:<8}  {expires:<10}  {days:>5}  {r.advice}")
    else:
        lines.append(
            translate("expiry", "No certificate expires within {days} days.").format(
                days=args.within
            )
        )
    due = sum(1 for r in every if r.status in (Expiry.DUE, Expiry.EXPIRED))
    lines += [
        "",
        translate("expiry", "{profiles} profiles; {due} to renew now.").format(
            profiles=len(every), due=due
        ),
    ]
    if "ics" in files:
        lines.append(
            translate(
                "expiry", "Calendar reminders: {file} (import it into your calendar)."
            ).format(file=files["ics"])
        )
    return "\n".join(lines)

"""`cpi-cert-wizard profiles`: every sender system with state and expiry."""

from __future__ import annotations

import argparse

from wizard.commands.common import Context, Outcome
from wizard.core.ca_enroll.pending import pending_note
from wizard.core.i18n import translate
from wizard.core.profiles import BrokenProfile


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--remove", metavar="NAME", help="remove a profile and its keyring entries")
    parser.add_argument("--yes", action="store_true", help="with --remove: do not ask")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    if args.remove:
        return _remove(args, ctx)
    profiles = ctx.store.all()
    rows = []
    broken = [p for p in profiles if isinstance(p, BrokenProfile)]
    for p in profiles:
        if isinstance(p, BrokenProfile):
            continue
        rows.append(
            {
                "name": p.name,
                "state": p.state.value,
                "subject": p.leaf_subject or p.subject,
                "environment": p.environment,
                "tenant_host": p.tenant_host,
                "not_after": p.not_after,
                "days_left": p.days_left(),
                "renewal_due": p.renewal_due(),
                "last_test": p.last_test_verdict,
                "pending_at_ca": pending_note(p),
            }
        )
    # an empty home's listing does not name a keyring: no need to look for one (keyring, D-Bus)
    backend = ctx.secrets.backend_name if profiles or ctx.json else ""
    if not rows and not broken:
        text = translate(
            "profiles",
            "No profiles yet in {folder}.\n"
            "Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME",
        ).format(folder=ctx.store.root)
    else:
        width = max(
            [len("PROFILE"), *(len(p.name) for p in profiles), *(len(b.name) for b in broken)]
        )
        lines = [f"{'PROFILE':<{width}}  {'STATE':<20}  {'EXPIRES':<10}  {'DAYS':>5}  SUBJECT"]
        for r in rows:
            expires = (r["not_after"] or "")[:10] or "-"
            days = "-" if r["days_left"] is None else str(r["days_left"])
            flag = translate("profiles", " (renew)") if r["renewal_due"] else ""
            if r["pending_at_ca"]:
                flag += f" ({r['pending_at_ca']})"
            lines.append(
                f"{r['name']:<{width}}  {r['state']:<20}  {expires:<10}  {days:>5}  "
                f"{r['subject'] or '-'}{flag}"
            )
        for b in broken:
            lines.append(f"{b.name:<{width}}  {'BROKEN':<20}  {'-':<10}  {'-':>5}  {b.message}")
        lines.append(
            "\n" + translate("profiles", "Secrets are kept in: {where}").format(where=backend)
        )
        text = "\n".join(lines)
    return Outcome(
        text=text,
        data={
            "profiles": rows,
            "broken": [
                {"name": b.name, "file": str(b.path), "code": b.code, "message": b.message}
                for b in broken
            ],
            "home": str(ctx.home),
            "secrets_backend": backend,
        },
    )


def _remove(args: argparse.Namespace, ctx: Context) -> Outcome:
    name = args.remove
    if not ctx.store.folder(name).is_dir():
        ctx.store.load(name)  # the usual "no profile named …" message
    if not args.yes:
        answer = input(
            translate(
                "profiles", "Remove profile {name!r}, its key and its keyring entries? [y/N] "
            ).format(name=name)
        )
        if answer.strip().lower() not in ("y", "yes", translate("profiles", "y")):
            return Outcome(text=translate("profiles", "Nothing removed."), data={"removed": False})
    ctx.secrets.delete_profile(name)
    ctx.store.remove(name)
    return Outcome(
        text=translate("profiles", "Removed profile {name}.").format(name=name),
        data={"removed": True, "profile": name},
    )

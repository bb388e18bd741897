"""Plain-text and JSON renderings of core results shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.i18n import translate

if TYPE_CHECKING:
    from wizard.core.batch import BatchReport, ProfileResult
    from wizard.core.chain import ChainReport


def chain_table(report: ChainReport) -> str:
    rows = []
    for index, link in enumerate(report.links):
        if index == 0:
            role = translate("render", "leaf")
        elif link.is_self_signed:
            role = translate("render", "root")
        else:
            role = translate("render", "intermediate")
        issued = translate("render", "issued by {issuer}; valid until {date}").format(
            issuer=link.issuer, date=f"{link.not_after:%Y-%m-%d}"
        )
        rows.append(
            f"  {role:<12} {link.subject}\n"
            f"  {'':<12} {issued}\n"
            f"  {'':<12} SHA-256 {link.sha256}  ({link.source})"
        )
    return "\n".join(rows)


def findings_text(report: ChainReport) -> str:
    lines = []
    for finding in report.findings:
        severity = (
            translate("render", "error")
            if finding.severity.value == "error"
            else translate("render", "warning")
        )
        lines.append(f"{severity}: {finding.message}")
    return "\n".join(lines)


def chain_json(report: ChainReport) -> dict[str, Any]:
    return {
        "chain": [
            {
                "subject": link.subject,
                "issuer": link.issuer,
                "not_after": link.not_after.isoformat(),
                "sha256": link.sha256,
                "source": link.source,
            }
            for link in report.links
        ],
        "complete": report.complete,
        "findings": [
            {
                "severity": f.severity.value,
                "code": f.code,
                "message": f.message,
                "certificate": f.certificate,
            }
            for f in report.findings
        ],
        "sap_status": report.sap_status.value if report.sap_status else None,
        "sap_list_version": report.sap_list_version,
    }


def import_outcome(result, *, next_hint: str) -> tuple[str, dict[str, Any]]:
    """Text and JSON for a successful import (reply, PKCS#12 or service key)."""
    report = result.report
    profile = result.profile
    lines = [
        translate("render", "Imported the certificate into profile {profile}:").format(
            profile=profile.name
        ),
        chain_table(report),
    ]
    if report.sap_list_version:
        lines.append(
            translate("render", "Judged against {version}.").format(version=report.sap_list_version)
        )
    if report.findings:
        lines += ["", findings_text(report)]
    lines += ["", next_hint]
    data = {
        "profile": profile.name,
        "state": profile.state.value,
        "not_after": profile.not_after,
        **chain_json(report),
    }
    return "\n".join(lines), data


def _batch_label(result: ProfileResult) -> str:
    if result.profile:
        return result.profile
    return Path(result.source).name if result.source else "-"


def batch_table(report: BatchReport, hint: str = "") -> str:
    """The combined table: one line per profile (or row, or reply file), then the summary."""
    from wizard.core.batch import Status

    rows = report.results
    width = max([len(_batch_label(r)) for r in rows] + [7])
    extra = {"csr": "LINE", "test-call": "VERDICT"}.get(report.step)
    extra_width = max([len(r.verdict or "") for r in rows] + [7]) if extra == "VERDICT" else 5
    head = f"{'PROFILE':<{width}}  {'STATUS':<7}  "
    if extra:
        head += f"{extra:<{extra_width}}  "
    lines = [head + ("MESSAGE" if report.step != "import" else "FROM / MESSAGE")]
    for r in rows:
        line = f"{_batch_label(r):<{width}}  {r.status.value:<7}  "
        if extra == "LINE":
            line += f"{r.line if r.line is not None else '-':<{extra_width}}  "
        elif extra:
            line += f"{r.verdict or '-':<{extra_width}}  "
        if report.step == "import" and r.source and r.profile:
            line += f"{r.source}: "
        lines.append(line + r.message)
    if not rows:
        lines.append(translate("batch", "(nothing to do)"))
    lines += ["", report.summary]
    lines += list(report.notes)
    for label, path in report.files:
        lines.append(f"{label}: {path}")
    failed = report.count(Status.FAILED)
    if failed:
        lines.append(
            translate(
                "batch", "{count} failed: see their lines above; the others are done."
            ).format(count=failed)
        )
    elif hint and report.count(Status.DONE):
        lines.append(hint)
    return "\n".join(lines)


def batch_json(report: BatchReport) -> dict:
    from wizard.core.batch import Status

    return {
        "step": report.step,
        "summary": {s.value: report.count(s) for s in Status},
        "results": [
            {
                "profile": r.profile or None,
                "status": r.status.value,
                "message": r.message,
                "line": r.line,
                "source": r.source,
                "subject": r.subject,
                "not_after": r.not_after,
                "verdict": r.verdict,
                "files": [str(f) for f in r.files],
            }
            for r in report.results
        ],
        "notes": list(report.notes),
    }

"""Plain-text and JSON renderings of core results shared by several commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.core.chain import ChainReport


def chain_table(report: ChainReport) -> str:
    rows = []
    for index, link in enumerate(report.links):
        role = "leaf" if index == 0 else ("root" if link.is_self_signed else "intermediate")
        rows.append(
            f"  {role:<12} {link.subject}\n"
            f"  {'':<12} issued by {link.issuer}; valid until {link.not_after:%Y-%m-%d}\n"
            f"  {'':<12} SHA-256 {link.sha256}  ({link.source})"
        )
    return "\n".join(rows)


def findings_text(report: ChainReport) -> str:
    lines = []
    for finding in report.findings:
        lines.append(f"{finding.severity.value}: {finding.message}")
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
    lines = [f"Imported the certificate into profile {profile.name}:", chain_table(report)]
    if report.sap_list_version:
        lines.append(f"Judged against {report.sap_list_version}.")
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

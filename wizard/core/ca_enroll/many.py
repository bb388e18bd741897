"""Many sender systems to the company CA at once (`batch csr --enroll`): one result per profile.

Each profile goes through `enroll.send_to_ca` (or, when its request already waits at the CA,
`enroll.check_pending`); one failure is reported and the others go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from wizard.core.batch import BatchReport, ProfileResult, Progress, Status
from wizard.core.ca_enroll.enroll import CaOutcome, CaSettings, check_pending, send_to_ca
from wizard.core.ca_enroll.pending import pending_note
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.profiles import ProfileStore, State
from wizard.core.secrets import Secrets


def enroll_all(
    store: ProfileStore,
    secrets: Secrets,
    names: Sequence[str],
    settings: CaSettings,
    *,
    password: str | None = None,
    sap_roots: Path | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    """Send every named profile's CSR to the CA; collect those already pending."""
    results: list[ProfileResult] = []
    for name in names:
        result = _one(store, secrets, name, settings, password, sap_roots)
        results.append(result)
        if progress is not None:
            progress(result)
    return BatchReport(step="enroll", results=tuple(results))


def _one(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    settings: CaSettings,
    password: str | None,
    sap_roots: Path | None,
) -> ProfileResult:
    try:
        profile = store.load(name)
        if profile.state is not State.KEY_GENERATED:
            return ProfileResult(
                name,
                Status.SKIPPED,
                translate("ca_enroll", "has a certificate already; nothing sent."),
            )
        if profile.ca_pending_id:
            outcome = check_pending(store, secrets, name, password=password, sap_roots=sap_roots)
        else:
            outcome = send_to_ca(
                store, secrets, name, settings, password=password, sap_roots=sap_roots
            )
    except WizardError as exc:
        return ProfileResult(name, Status.FAILED, exc.message)
    profile = outcome.profile
    if outcome.outcome is CaOutcome.PENDING:
        note = pending_note(profile)
        if outcome.still_pending:
            message = translate("ca_enroll", "still {note}.").format(note=note)
        else:
            message = translate("ca_enroll", "sent; {note}.").format(note=note)
        status = Status.SKIPPED if outcome.still_pending else Status.DONE
        return ProfileResult(name, status, message, subject=profile.subject)
    return ProfileResult(
        name,
        Status.DONE,
        translate("ca_enroll", "issued by the CA and imported."),
        subject=profile.leaf_subject,
        not_after=profile.not_after,
        files=tuple(outcome.imported.files.values()) if outcome.imported else (),
    )

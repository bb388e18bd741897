"""The wizard's steps, their order and titles, and which step follows which.

Apart from wizard.core.flow (which knows where a profile resumes) so that the window's first paint
needs nothing more than this (issue 19: the start page's heading is painted before the rest of
the flow, the profiles and the certificates are loaded). No Qt here.
"""

from __future__ import annotations

from enum import IntEnum


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """Marks `text` for extraction; translated later by the GUI with the same context."""
    return text


CONTEXT = "flow"


class Step(IntEnum):
    """The wizard's pages; the value is the QWizard page id."""

    START = 0
    TENANT = 1
    TRUST = 2
    KEY = 3
    WAITING = 4
    CERTIFICATE = 5
    EXPORT = 6
    TENANT_ENTRY = 7
    TEST_CALL = 8
    SUMMARY = 9


ORDER: tuple[Step, ...] = (
    Step.TENANT,
    Step.TRUST,
    Step.KEY,
    Step.WAITING,
    Step.CERTIFICATE,
    Step.EXPORT,
    Step.TENANT_ENTRY,
    Step.TEST_CALL,
    Step.SUMMARY,
)

# Steps whose work cannot be undone by going back: a key is never silently made twice, and an
# exported PKCS#12's password is not replaced by pressing Back and Next.
COMMIT_STEPS: frozenset[Step] = frozenset({Step.KEY, Step.EXPORT})

TITLES: dict[Step, str] = {
    Step.START: QT_TRANSLATE_NOOP("flow", "Sender systems"),
    Step.TENANT: QT_TRANSLATE_NOOP("flow", "Sender system and tenant"),
    Step.TRUST: QT_TRANSLATE_NOOP("flow", "Trust the tenant"),
    Step.KEY: QT_TRANSLATE_NOOP("flow", "Key and certificate request"),
    Step.WAITING: QT_TRANSLATE_NOOP("flow", "Waiting for the CA"),
    Step.CERTIFICATE: QT_TRANSLATE_NOOP("flow", "Signed certificate"),
    Step.EXPORT: QT_TRANSLATE_NOOP("flow", "Export for the sender system"),
    Step.TENANT_ENTRY: QT_TRANSLATE_NOOP("flow", "Tenant entry"),
    Step.TEST_CALL: QT_TRANSLATE_NOOP("flow", "Test call"),
    Step.SUMMARY: QT_TRANSLATE_NOOP("flow", "Summary"),
}


def next_step(step: Step, chosen: Step | None = None) -> Step | None:
    """The page after `step` (None after the summary: the wizard goes back to its list).

    The start page leads where the user chose (`chosen`: a new profile's first step, a resumed
    profile's `resume_step`, the key step for a renewal), by default to the tenant. The GUI asks
    this for every Next (as Electrum's `resolve_next`); it keeps no order of its own.
    """
    if step is Step.START:
        return chosen if chosen is not None and chosen is not Step.START else Step.TENANT
    index = ORDER.index(step)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


def step_number(step: Step) -> int:
    """1 to 9 as shown to the user ("Step 3 of 9"); 0 for the start page."""
    return 0 if step is Step.START else ORDER.index(step) + 1

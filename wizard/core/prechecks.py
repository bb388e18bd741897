"""The local pre-checks of a test call: is the client chain complete, valid now, for clientAuth,
and does it reach a root the load balancer accepts. A 401 alone cannot tell "the load balancer
dropped the certificate" from "the tenant does not know it": the chain can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509

from wizard.core import chain as chainmod
from wizard.core.certs import cn_or_dn, is_self_signed
from wizard.core.client_identity import AcceptedRoots, ClientIdentity
from wizard.core.i18n import QT_TRANSLATE_NOOP, for_face, tr, translate
from wizard.core.trust import (
    SapStatus,
    SapTrustList,
    TrustSource,
    certifi_source,
    system_source,
)


@dataclass(frozen=True)
class PreCheck:
    """One local check of the client chain before (and after) the call."""

    name: str  # "chain complete", "valid now", "clientAuth", "chain valid", "root accepted"
    passed: bool | None  # None: could not tell
    detail: str

    @property
    def line(self) -> str:
        """The evidence line, in the user's language (the check's name and mark included)."""
        return translate("prechecks", "pre-check {name}: {mark}: {detail}").format(
            name=tr(_CONTEXT, _NAMES.get(self.name, self.name)),
            mark=tr(_CONTEXT, _MARKS[self.passed]),
            detail=self.detail,
        )


_CONTEXT = "prechecks"  # a variable: lupdate reads tr() with two literals as Qt's tr(text, comment)
_NAMES = {  # the checks' names as the evidence shows them (the name itself is an identifier)
    "chain complete": QT_TRANSLATE_NOOP("prechecks", "chain complete"),
    "valid now": QT_TRANSLATE_NOOP("prechecks", "valid now"),
    "clientAuth": QT_TRANSLATE_NOOP("prechecks", "clientAuth"),
    "chain valid": QT_TRANSLATE_NOOP("prechecks", "chain valid"),
    "root accepted": QT_TRANSLATE_NOOP("prechecks", "root accepted"),
}
_MARKS = {
    True: QT_TRANSLATE_NOOP("prechecks", "ok"),
    False: QT_TRANSLATE_NOOP("prechecks", "PROBLEM"),
    None: QT_TRANSLATE_NOOP("prechecks", "unknown"),
}


# --- the pre-checks -----------------------------------------------------------------------------

# chain.py errors that make a TLS verifier (the load balancer) refuse the chain, besides
# "incomplete" and "self_signed" which have a pre-check of their own.
_REFUSED_BY_VERIFIER = {
    "invalid",
    "weak_rsa",
    "sha1_signature",
    "leaf_is_ca",
    "no_digital_signature",
}


def _short(name: x509.Name) -> str:
    return name.rfc4514_string()


def _root_sources(
    identity: ClientIdentity, accepted_certs: Sequence[x509.Certificate] = ()
) -> list[TrustSource]:
    """Roots only: the chain must reach one of them with what we *send*, not with what we know."""
    roots = [c for c in (*identity.known_chain, *accepted_certs) if is_self_signed(c)]
    own = TrustSource("the profile's chain.pem", tuple(roots))
    if any(is_self_signed(c) for c in identity.known_chain):
        return [own]  # the usual case: import-reply stored the root; no need to read the stores
    return [own, certifi_source(), system_source()]


def client_chain_report(
    identity: ClientIdentity,
    *,
    sap_list: SapTrustList | None = None,
    accepted_certs: Sequence[x509.Certificate] = (),
    at: datetime | None = None,
) -> chainmod.ChainReport:
    """chain.py's judgement of the chain exactly as the call sends it."""
    return chainmod.check_client_certificate(
        list(identity.sent),
        public_key=identity.key.public_key(),
        sources=_root_sources(identity, accepted_certs),
        sap_list=sap_list,
        at=at,
        fetch_aia=False,
    )


def run_prechecks(
    identity: ClientIdentity,
    accepted: AcceptedRoots,
    *,
    at: datetime | None = None,
    report: chainmod.ChainReport | None = None,
) -> tuple[PreCheck, ...]:
    """The chain as we send it: complete, valid now, clientAuth, root accepted by the LB."""
    at = at or datetime.now(UTC)
    if report is None:
        report = client_chain_report(
            identity, sap_list=accepted.sap_list, accepted_certs=accepted.certificates, at=at
        )
    codes = {f.code: f for f in report.errors}
    leaf = identity.leaf
    sent_names = " ← ".join(cn_or_dn(c.subject) for c in identity.sent)
    checks: list[PreCheck] = []
    if "self_signed" in codes:
        checks.append(
            PreCheck(
                "chain complete",
                False,
                translate(
                    "prechecks",
                    "the certificate {subject} is self-signed; load balancers never accept a "
                    "self-signed client certificate",
                ).format(subject=_short(leaf.subject)),
            )
        )
    elif report.complete and report.root is not None:
        root = report.root
        checks.append(
            PreCheck(
                "chain complete",
                True,
                translate("prechecks", "we send {sent}, which reaches the root {root}").format(
                    sent=sent_names, root=cn_or_dn(root.subject)
                ),
            )
        )
    else:
        missing = _short(identity.sent[-1].issuer)
        checks.append(
            PreCheck(
                "chain complete",
                False,
                translate(
                    "prechecks",
                    "we send {sent}, but not the certificate of its issuer {missing}: the load "
                    "balancer, which knows only roots, cannot build the chain",
                ).format(sent=sent_names, missing=missing),
            )
        )
    expired = [c for c in identity.sent if not _valid_at(c, at)]
    if expired:
        text = "; ".join(
            translate("prechecks", "{subject} is valid from {start} to {end}").format(
                subject=cn_or_dn(c.subject),
                start=f"{c.not_valid_before_utc:%Y-%m-%d}",
                end=f"{c.not_valid_after_utc:%Y-%m-%d}",
            )
            for c in expired
        )
        checks.append(PreCheck("valid now", False, text))
    else:
        checks.append(
            PreCheck(
                "valid now",
                True,
                translate("prechecks", "the leaf is valid until {end}").format(
                    end=f"{leaf.not_valid_after_utc:%Y-%m-%d}"
                ),
            )
        )
    eku_problem = next((f for f in report.findings if f.code in chainmod.CLIENT_AUTH_CODES), None)
    if eku_problem is not None:  # SAP rejects it in the TLS handshake, override or not
        checks.append(PreCheck("clientAuth", False, eku_problem.message))
    else:
        checks.append(
            PreCheck(
                "clientAuth", True, translate("prechecks", "clientAuth is in Extended Key Usage")
            )
        )
    refused = [f for f in report.errors if f.code in _REFUSED_BY_VERIFIER]
    # the validity findings were said above ("valid now"); matched in the user's language
    expired_texts = {
        text
        for c in expired
        for text in (
            translate("lints", "expired on {date}").format(
                date=f"{c.not_valid_after_utc:%Y-%m-%d}"
            ),
            translate("lints", "not valid before {date}").format(
                date=f"{c.not_valid_before_utc:%Y-%m-%d}"
            ),
        )
    }
    refused = [f for f in refused if not any(t in f.message for t in expired_texts)]
    if refused:
        checks.append(PreCheck("chain valid", False, " ".join(f.message for f in refused)))
    checks.append(_root_check(identity, report, accepted))
    return tuple(checks)


def _valid_at(cert: x509.Certificate, at: datetime) -> bool:
    return cert.not_valid_before_utc <= at <= cert.not_valid_after_utc


def _root_check(
    identity: ClientIdentity, report: chainmod.ChainReport, accepted: AcceptedRoots
) -> PreCheck:
    root = report.root
    if accepted.names:
        match = _accepted_name(identity, root, accepted.names)
        if match is not None:
            return PreCheck(
                "root accepted",
                True,
                translate("prechecks", "{name} is among {accepted}").format(
                    name=_short(match), accepted=accepted.described
                ),
            )
        top = root.subject if root is not None else identity.sent[-1].issuer
        listed = "; ".join(_short(n) for n in accepted.names)
        return PreCheck(
            "root accepted",
            False,
            translate(
                "prechecks", "the chain ends at {top}, which is not among {accepted} ({listed})"
            ).format(top=_short(top), accepted=accepted.described, listed=listed),
        )
    if root is None or report.sap_status is None:
        return PreCheck(
            "root accepted",
            None,
            translate("prechecks", "the chain's root is not known, so it cannot be judged"),
        )
    version = report.sap_list_version
    name = _short(root.subject)
    if report.sap_status in (SapStatus.REQUIRED, SapStatus.APPROVED):
        return PreCheck(
            "root accepted",
            True,
            translate("prechecks", "{name} is on {version}").format(name=name, version=version),
        )
    if report.sap_status is SapStatus.EXPIRED:
        return PreCheck(
            "root accepted",
            False,
            translate("prechecks", "{name} has expired and is no longer on {version}").format(
                name=name, version=version
            ),
        )
    if accepted.sap_list is not None and accepted.sap_list.custom_domain:
        return PreCheck(
            "root accepted",
            False,
            translate("prechecks", "{name} is not among {version}").format(
                name=name, version=version
            ),
        )
    if report.sap_status is SapStatus.REMOVED:
        return PreCheck(
            "root accepted",
            None,
            translate(
                "prechecks",
                "not confirmed: {name} was removed from {version}; SAP's Neo page of trusted root "
                "CAs (April 2026) still lists some removed roots, and SAP Note 2801396 is the "
                "authoritative list",
            ).format(name=name, version=version),
        )
    return PreCheck(
        "root accepted",
        None,
        for_face(
            translate(
                "prechecks",
                "not confirmed: {name} is not on {version}, the list this judgement used (one "
                "source; SAP Note 2801396 is the authoritative list; add roots with --sap-roots)",
            ),
            translate(
                "prechecks",
                "not confirmed: {name} is not on {version}, the list this judgement used (one "
                "source; SAP Note 2801396 is the authoritative list)",
            ),
        ).format(name=name, version=version),
    )


def _accepted_name(
    identity: ClientIdentity, root: x509.Certificate | None, names: Sequence[x509.Name]
) -> x509.Name | None:
    wanted = set(names)
    candidates = [c.subject for c in identity.known_chain[1:]]
    candidates += [c.subject for c in identity.intermediates]
    if root is not None:
        candidates.append(root.subject)
    candidates.append(identity.sent[-1].issuer)
    for name in candidates:
        if name in wanted:
            return name
    return None

"""What the load balancer forwards: the client certificate if its chain reaches a trusted root.

SAP's load balancer trusts root certificates only and validates the chain the sender presents
(leaf + intermediates). Anything else (another root, a self-signed certificate, intermediates
missing, expired, no clientAuth) is dropped silently: the request reaches the tenant without a
certificate. Validation is cryptography's path builder with only roots as anchors; the
extension policy is relaxed so that CN-only client certificates (no SAN, no AKI) pass, as they
do at SAP and in nginx.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from wizard.sandbox.state import common_name, sha256_hex


@dataclass(frozen=True)
class ForwardedCertificate:
    """The client certificate as the tenant receives it from the load balancer."""

    certificate: x509.Certificate
    sha256: str  # of the DER bytes: the whole certificate is the mapping key
    subject_cn: str
    issuer_cn: str

    @property
    def unmapped_user(self) -> str:
        """How the access log names a forwarded certificate nobody is mapped to."""
        return f"{self.subject_cn}@{self.issuer_cn}"


@dataclass(frozen=True)
class ChainCheck:
    presented: bool  # the client sent a certificate at all
    forwarded: ForwardedCertificate | None  # None: dropped (or none presented)
    reason: str  # for the server's debug log and for tests


def _policy_builder(roots: Sequence[x509.Certificate], at: dt.datetime) -> PolicyBuilder:
    ee = (
        ExtensionPolicy.webpki_defaults_ee()
        .may_be_present(x509.SubjectAlternativeName, Criticality.AGNOSTIC, None)
        .may_be_present(x509.AuthorityKeyIdentifier, Criticality.AGNOSTIC, None)
    )
    ca = ExtensionPolicy.webpki_defaults_ca().may_be_present(
        x509.AuthorityKeyIdentifier, Criticality.AGNOSTIC, None
    )
    return (
        PolicyBuilder()
        .store(Store(list(roots)))
        .time(at)
        .extension_policies(ca_policy=ca, ee_policy=ee)
    )


def check_client_chain(
    leaf: x509.Certificate | None,
    presented: Sequence[x509.Certificate],
    roots: Sequence[x509.Certificate],
    *,
    at: dt.datetime | None = None,
) -> ChainCheck:
    """Validate what the client sent (leaf + the rest of its chain) against self-signed `roots`."""
    if leaf is None:
        return ChainCheck(False, None, "no client certificate presented")
    anchors = [r for r in roots if r.subject == r.issuer]  # an intermediate is never an anchor
    if not anchors:
        return ChainCheck(True, None, "the load balancer trusts no client root")
    intermediates = [c for c in presented if c != leaf]
    verifier = _policy_builder(anchors, at or dt.datetime.now(dt.UTC)).build_client_verifier()
    try:
        verifier.verify(leaf, intermediates)
    except VerificationError as exc:
        return ChainCheck(True, None, f"chain dropped: {exc}")
    forwarded = ForwardedCertificate(
        certificate=leaf,
        sha256=sha256_hex(leaf),
        subject_cn=common_name(leaf.subject),
        issuer_cn=common_name(leaf.issuer),
    )
    return ChainCheck(True, forwarded, "chain reaches a trusted root")

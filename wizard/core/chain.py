"""Ordering, completing and validating a certificate chain, and judging it for SAP's load balancer.

A chain is built upward from the leaf: the issuer of each certificate is looked for among the
other certificates given, then in the trust sources (in order), then at the certificate's AIA
caIssuers address. Only a self-signed certificate ends a chain and becomes the trust anchor, so a
CA's whole bundle never makes an intermediate trusted. Path validation is cryptography's
`x509.verification`; the lints add what SAP needs on top. Their catalogue (codes, severities,
messages) is lints.py; fetching at an AIA address is aia.py; facts about one certificate, certs.py.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import (
    Criticality,
    DNSName,
    ExtensionPolicy,
    IPAddress,
    PolicyBuilder,
    Store,
    VerificationError,
)

from wizard.core.certs import (  # fingerprint & co. stay importable from here
    KEY_USAGES,
    WEAK_HASHES,
    eku_name,
    extension,
    fingerprint,
    is_issued_by,
    is_self_signed,
    spki_der,
    subject_of,
)
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.lints import (  # noqa: F401 -- importable from here
    _EXPLAINING_ERRORS,
    CLIENT_AUTH_CODES,
    LINTS,
    LINTS_CONTEXT,
    OVERRIDE_FLAG,
    Finding,
    Lint,
    Severity,
    finding,
)
from wizard.core.renewal import RENEW_WITHIN_DAYS, renewal_due
from wizard.core.trust import SapStatus, SapTrustList, TrustSource, load_sap_list

_FROM_AIA = ("AIA_MAX_BYTES", "aia_urls", "fetch_issuers")  # importable from here, as before


def __getattr__(name: str):
    # aia.py loads urllib/http.client: imported when a chain needs an AIA fetch, not at start-up
    if name in _FROM_AIA:
        from wizard.core import aia

        return getattr(aia, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MAX_CHAIN_LENGTH = 10
BALTIMORE_SHA1 = "d4de20d05e66fc53fe1a50882c78db2852cae474"
_RECOMMENDED_CURVES = (ec.SECP256R1, ec.SECP384R1)


@dataclass(frozen=True)
class ChainLink:
    certificate: x509.Certificate
    source: (
        str  # "reply", "server", "--ca-file /abs/x.pem", "certifi", "system store", "AIA http://…"
    )

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def issuer(self) -> str:
        return self.certificate.issuer.rfc4514_string()

    @property
    def not_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc

    @property
    def sha256(self) -> str:
        return fingerprint(self.certificate)

    @property
    def is_self_signed(self) -> bool:
        return is_self_signed(self.certificate)


@dataclass(frozen=True)
class ChainReport:
    links: tuple[ChainLink, ...]  # leaf first; root last when resolved
    complete: bool  # ends in a self-signed certificate that is a trust anchor
    findings: tuple[Finding, ...]
    sap_status: SapStatus | None
    sap_list_version: str

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def leaf(self) -> x509.Certificate:
        return self.links[0].certificate

    @property
    def root(self) -> x509.Certificate | None:
        return self.links[-1].certificate if self.complete else None

    @property
    def intermediates(self) -> tuple[x509.Certificate, ...]:
        between = self.links[1:-1] if self.complete else self.links[1:]
        return tuple(link.certificate for link in between)

    @property
    def certificates(self) -> tuple[x509.Certificate, ...]:
        """Leaf, intermediates and (when resolved) root, in that order."""
        return tuple(link.certificate for link in self.links)


@dataclass(frozen=True)
class ServerChainReport:
    host: str
    links: tuple[ChainLink, ...]  # as presented (source "server") plus what was resolved
    root: x509.Certificate | None  # the self-signed certificate the chain ends in, if found
    valid_for_host: bool  # validated to a trusted root and the name matches `host`
    problems: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------------------------
# Basic facts about certificates (fingerprint, issuer, self-signed: wizard/core/certs.py)


def _unique(certificates: Iterable[x509.Certificate]) -> list[x509.Certificate]:
    seen: set[str] = set()
    out = []
    for cert in certificates:
        fp = fingerprint(cert)
        if fp not in seen:
            seen.add(fp)
            out.append(cert)
    return out


def _date(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _now(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return dt.datetime.now(dt.UTC)
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


# ---------------------------------------------------------------------------------------------
# Completing a chain


@dataclass
class _Build:
    """The chain so far, and for its top certificate why no issuer was found."""

    links: list[ChainLink]
    notes: list[str] = field(default_factory=list)  # AIA attempts that failed
    impostors: list[tuple[x509.Certificate, str]] = field(default_factory=list)  # name, not key


def complete_chain(
    start: x509.Certificate,
    candidates: Sequence[x509.Certificate],
    sources: Sequence[TrustSource],
    *,
    candidate_source: str = "reply",
    fetch_aia: bool = True,
    aia_timeout: float = 5.0,
) -> list[ChainLink]:
    """The chain from `start` upward, as far as issuers can be found; root last when found.

    Issuers come from `candidates` first, then `sources` in order, then the AIA caIssuers URL
    (http only, short timeout). A self-signed issuer from a trust source is preferred, so a chain
    ends at the store's root even when the sender included a cross-signed copy.
    """
    return _complete(
        start,
        candidates,
        sources,
        candidate_source=candidate_source,
        fetch_aia=fetch_aia,
        aia_timeout=aia_timeout,
    ).links


def _complete(
    start: x509.Certificate,
    candidates: Sequence[x509.Certificate],
    sources: Sequence[TrustSource],
    *,
    candidate_source: str,
    fetch_aia: bool,
    aia_timeout: float,
) -> _Build:
    build = _Build(links=[ChainLink(start, candidate_source)])
    used = {fingerprint(start)}
    while len(build.links) < MAX_CHAIN_LENGTH:
        current = build.links[-1].certificate
        if is_self_signed(current):
            break
        build.impostors, build.notes = [], []
        issuer = _find_issuer(current, candidates, candidate_source, sources, used, build)
        if issuer is None and fetch_aia:
            issuer = _issuer_from_aia(current, aia_timeout, used, build)
        if issuer is None:
            break
        build.links.append(issuer)
        used.add(fingerprint(issuer.certificate))
    return build


def _find_issuer(
    cert: x509.Certificate,
    candidates: Sequence[x509.Certificate],
    candidate_source: str,
    sources: Sequence[TrustSource],
    used: set[str],
    build: _Build,
) -> ChainLink | None:
    named: list[tuple[x509.Certificate, str]] = [
        (c, candidate_source) for c in candidates if c.subject == cert.issuer
    ]
    for source in sources:
        named.extend((c, source.name) for c in source.by_subject.get(cert.issuer, ()))
    issuers = []
    for candidate, origin in named:
        if fingerprint(candidate) in used:
            continue
        if is_issued_by(cert, candidate):
            issuers.append((candidate, origin))
        else:
            build.impostors.append((candidate, origin))
    if not issuers:
        return None

    # Prefer a root (self-signed) from a trust source, then any root, then the first in order.
    def rank(item: tuple[x509.Certificate, str]) -> int:
        candidate, origin = item
        if is_self_signed(candidate):
            return 0 if origin != candidate_source else 1
        return 2

    best = min(issuers, key=rank)
    return ChainLink(*best)


def _issuer_from_aia(
    cert: x509.Certificate, timeout: float, used: set[str], build: _Build
) -> ChainLink | None:
    from wizard.core.aia import aia_urls, fetch_issuers  # http and proxies only when needed

    for url in aia_urls(cert):
        if not url.lower().startswith("http://"):
            build.notes.append(f"its AIA address {url} is not plain http, so it was not fetched")
            continue
        try:
            fetched = fetch_issuers(url, timeout)
        except WizardError as exc:
            build.notes.append(exc.message)
            continue
        for candidate in fetched:
            if fingerprint(candidate) not in used and is_issued_by(cert, candidate):
                return ChainLink(candidate, f"AIA {url}")
        build.notes.append(f"the certificate at its AIA address {url} did not sign it")
    return None


# ---------------------------------------------------------------------------------------------
# Client certificate check


def _client_policies() -> tuple[ExtensionPolicy, ExtensionPolicy]:
    """WebPKI rules, relaxed for CN-only client certificates and enterprise CAs without AKI.

    EKU and key usage are left to the lints, which explain them in SAP's terms.
    """
    ee = (
        ExtensionPolicy.webpki_defaults_ee()
        .may_be_present(x509.SubjectAlternativeName, Criticality.AGNOSTIC, None)
        .may_be_present(x509.AuthorityKeyIdentifier, Criticality.AGNOSTIC, None)
        .may_be_present(x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None)
        .may_be_present(x509.KeyUsage, Criticality.AGNOSTIC, None)
    )
    ca = (
        ExtensionPolicy.webpki_defaults_ca()
        .may_be_present(x509.AuthorityKeyIdentifier, Criticality.AGNOSTIC, None)
        .require_present(x509.BasicConstraints, Criticality.AGNOSTIC, None)
    )
    return ee, ca


def _pick_leaf(certificates: list[x509.Certificate], public_key) -> tuple[x509.Certificate, bool]:
    """The certificate for `public_key` if any, else the one that issues none of the others."""
    if public_key is not None:
        wanted = spki_der(public_key)
        matching = [c for c in certificates if spki_der(c.public_key()) == wanted]
        if matching:
            # Several certificates for the same key (a renewal): take the most recent one.
            return max(matching, key=lambda c: c.not_valid_before_utc), True
    issuers_of_none = [
        c
        for c in certificates
        if not any(other is not c and is_issued_by(other, c) for other in certificates)
    ]
    pool = issuers_of_none or certificates
    end_entities = [c for c in pool if not is_ca(c)]
    return (end_entities or pool)[0], False


def is_ca(cert: x509.Certificate) -> bool:
    """A CA certificate (basicConstraints cA=TRUE)."""
    constraints = extension(cert, x509.BasicConstraints)
    return bool(constraints and constraints.ca)


def check_client_certificate(
    certificates: Sequence[x509.Certificate],
    *,
    public_key=None,
    sources: Sequence[TrustSource] = (),
    sap_list: SapTrustList | None = None,
    at: dt.datetime | None = None,
    fetch_aia: bool = True,
    aia_timeout: float = 5.0,
    profile: str | None = None,
    candidate_source: str = "reply",
    accept_without_client_auth: bool = False,
) -> ChainReport:
    """Pick the leaf, complete and validate its chain, lint it, judge its root against SAP's list.

    `public_key` is the profile's key (public or private): the leaf must carry it. `profile`
    names the profile in the wrong-key message. `accept_without_client_auth` (the explicit
    override) reports a leaf without clientAuth as a warning instead of refusing it.
    """
    given = _unique(certificates)
    if not given:
        raise WizardError(
            "chain.empty",
            translate("lints", "No certificate was given. Import the file the CA sent back."),
        )
    when = _now(at)
    sap_list = sap_list if sap_list is not None else load_sap_list()
    leaf, matches_key = _pick_leaf(given, public_key)
    findings: list[Finding] = []
    if public_key is not None and not matches_key:
        who = f"profile '{profile}'" if profile else "this profile"
        findings.append(finding("wrong_key", subject_of(leaf), profile=who))

    build = _complete(
        leaf,
        [c for c in given if c is not leaf],
        sources,
        candidate_source=candidate_source,
        fetch_aia=fetch_aia,
        aia_timeout=aia_timeout,
    )
    links = build.links
    leaf_self_signed = is_self_signed(leaf)
    complete = len(links) > 1 and links[-1].is_self_signed
    if leaf_self_signed:
        findings.append(finding("self_signed", subject_of(leaf)))
    elif not complete:
        findings.extend(_incomplete_findings(links[-1], build))

    findings.extend(_validity_findings(links, when))
    findings.extend(_leaf_findings(leaf, when))
    findings.extend(_outlives_findings(links, when))
    findings.extend(_key_and_signature_findings(links, complete))

    sap_status = None
    if complete:
        root = links[-1]
        sap_status = sap_list.status(root.certificate)
        findings.extend(_sap_findings(root, sap_status, sap_list))
        if not any(f.code in _EXPLAINING_ERRORS for f in findings):
            findings.extend(_path_validation(links, when))
    if accept_without_client_auth:
        findings = [_overridden(f) if f.code in CLIENT_AUTH_CODES else f for f in findings]

    ordered = sorted(findings, key=lambda f: f.severity is not Severity.ERROR)
    return ChainReport(
        links=tuple(links),
        complete=complete,
        findings=tuple(ordered),
        sap_status=sap_status,
        sap_list_version=sap_list.version,
    )


def _overridden(found: Finding) -> Finding:
    """A clientAuth error the user chose to accept: kept, as a warning that says what follows."""
    note = translate(
        "lints",
        " Accepted anyway because {flag} was given: SAP's load balancer will drop this "
        "certificate in the TLS handshake, so it cannot authenticate a sender to Cloud Integration.",
    ).format(flag=OVERRIDE_FLAG)
    return Finding(Severity.WARNING, found.code, found.message + note, found.certificate)


def _outlives_findings(links: Sequence[ChainLink], when: dt.datetime) -> list[Finding]:
    """The leaf is valid beyond an issuer's end: name the issuer and the date the chain breaks."""
    leaf = links[0]
    out = []
    for link in links[1:]:
        issuer_end = link.certificate.not_valid_after_utc
        if when <= issuer_end < leaf.not_after:
            out.append(
                finding(
                    "outlives_issuer",
                    leaf.subject,
                    date=_date(leaf.not_after),
                    issuer=link.subject,
                    issuer_date=_date(issuer_end),
                )
            )
            break
    return out


def _incomplete_findings(last: ChainLink, build: _Build) -> list[Finding]:
    out = []
    detail = ""
    if build.notes:
        detail = translate("lints", " Also tried: {sources}.").format(
            sources="; ".join(build.notes)
        )
    out.append(finding("incomplete", last.subject, issuer=last.issuer, detail=detail))
    for impostor, origin in build.impostors:
        out.append(
            finding(
                "invalid",
                last.subject,
                reason=translate(
                    "lints",
                    "its signature does not verify with the key of '{issuer}' from {origin}, a "
                    "different CA certificate with the same name",
                ).format(issuer=subject_of(impostor), origin=origin),
                fix=translate(
                    "lints",
                    "Get the issuer certificate that belongs to this certificate from the CA "
                    "(a renewed CA certificate has a new key).",
                ),
            )
        )
    return out


def _validity_findings(links: Sequence[ChainLink], when: dt.datetime) -> list[Finding]:
    out = []
    for position, link in enumerate(links):
        cert = link.certificate
        fix = (
            translate("lints", "Ask the CA for a new certificate.")
            if position == 0
            else translate("lints", "Get the current CA certificate from the CA (or its bundle).")
        )
        if when > cert.not_valid_after_utc:
            reason = translate("lints", "expired on {date}").format(
                date=_date(cert.not_valid_after_utc)
            )
        elif when < cert.not_valid_before_utc:
            reason = translate("lints", "not valid before {date}").format(
                date=_date(cert.not_valid_before_utc)
            )
            fix = translate("lints", "Check the computer's clock, or wait until that date.")
        else:
            continue
        out.append(finding("invalid", link.subject, reason=reason, fix=fix))
    return out


def _leaf_findings(leaf: x509.Certificate, when: dt.datetime) -> list[Finding]:
    subject = subject_of(leaf)
    out = []
    if is_ca(leaf):
        out.append(finding("leaf_is_ca", subject))
    eku = extension(leaf, x509.ExtendedKeyUsage)
    if eku is None:
        out.append(finding("no_eku", subject))
    elif ExtendedKeyUsageOID.CLIENT_AUTH not in set(eku):  # anyExtendedKeyUsage alone is refused
        usages = ", ".join(eku_name(oid) for oid in eku)
        out.append(finding("no_client_auth", subject, usages=usages))
    key_usage = extension(leaf, x509.KeyUsage)
    if key_usage is not None and not key_usage.digital_signature:
        out.append(finding("no_digital_signature", subject, usages=_key_usages(key_usage)))
    names = [a.value for a in leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    text_names = [n if isinstance(n, str) else n.decode("utf-8", "replace") for n in names]
    if not any(n.strip() for n in text_names):
        out.append(finding("cn_empty", subject))
    for name in text_names:
        if name.strip() and name != name.strip():
            out.append(finding("cn_spaces", subject, cn=name))
    start, end = leaf.not_valid_before_utc, leaf.not_valid_after_utc
    if start <= when <= end:
        left = end - when
        lifetime = end - start
        if left.days < RENEW_WITHIN_DAYS:
            out.append(finding("expires_soon", subject, date=_date(end), days=left.days))
        elif renewal_due(start, end, when):
            out.append(
                finding(
                    "renewal_due", subject, date=_date(end), days=left.days, total=lifetime.days
                )
            )
    return out


def _key_usages(key_usage: x509.KeyUsage) -> str:
    names = []
    for name in KEY_USAGES:
        if getattr(key_usage, name):
            names.append(name.replace("_", " "))
    return ", ".join(names) or "none"


def _key_and_signature_findings(links: Sequence[ChainLink], complete: bool) -> list[Finding]:
    out = []
    for position, link in enumerate(links):
        cert = link.certificate
        is_leaf = position == 0
        key = cert.public_key()
        if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
            fix = (
                translate(
                    "lints",
                    "Create a new CSR with --key-type rsa-3072 (or ec-p256) and have it signed "
                    "again.",
                )
                if is_leaf
                else translate(
                    "lints", "This CA is too weak for SAP; get the certificate from a different CA."
                )
            )
            out.append(finding("weak_rsa", link.subject, bits=key.key_size, fix=fix))
        elif is_leaf and not (
            isinstance(key, rsa.RSAPublicKey)
            or (
                isinstance(key, ec.EllipticCurvePublicKey)
                and isinstance(key.curve, _RECOMMENDED_CURVES)
            )
        ):
            out.append(finding("unusual_key", link.subject, key=_key_kind(key)))
        is_root = complete and position == len(links) - 1
        if is_root:
            continue  # a trust anchor's own signature is never checked
        try:
            algorithm = cert.signature_hash_algorithm
        except UnsupportedAlgorithm:
            continue
        if algorithm is not None and algorithm.name in WEAK_HASHES:
            fix = (
                translate("lints", "Ask the CA to issue it again with SHA-256.")
                if is_leaf
                else translate(
                    "lints",
                    "The CA must give you a CA certificate signed with SHA-256, or use another CA.",
                )
            )
            out.append(
                finding("sha1_signature", link.subject, algorithm=algorithm.name.upper(), fix=fix)
            )
    return out


def _key_kind(key) -> str:
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    return type(key).__name__.removeprefix("_").replace("PublicKey", "") or "unknown"


def _sap_findings(root: ChainLink, status: SapStatus, sap_list: SapTrustList) -> list[Finding]:
    out = []
    cert = root.certificate
    baltimore = cert.fingerprint(hashes.SHA1()).hex() == BALTIMORE_SHA1  # noqa: S303
    if status is SapStatus.EXPIRED or baltimore:
        out.append(
            finding(
                "baltimore_root",
                root.subject,
                date=_date(cert.not_valid_after_utc),
                version=sap_list.version,
            )
        )
    if status is SapStatus.NOT_LISTED and sap_list.custom_domain:
        out.append(
            finding("root_not_trusted_by_custom_domain", root.subject, version=sap_list.version)
        )
    elif status is SapStatus.NOT_LISTED:
        out.append(finding("root_not_on_sap_list", root.subject, version=sap_list.version))
    elif status is SapStatus.REMOVED:
        out.append(finding("root_removed_from_sap_list", root.subject, version=sap_list.version))
    return out


def _path_validation(links: Sequence[ChainLink], when: dt.datetime) -> list[Finding]:
    ee, ca = _client_policies()
    leaf, root = links[0], links[-1]
    try:
        verifier = (
            PolicyBuilder()
            .store(Store([root.certificate]))
            .time(when)
            .extension_policies(ee_policy=ee, ca_policy=ca)
            .build_client_verifier()
        )
        verifier.verify(leaf.certificate, [link.certificate for link in links[1:-1]])
    except (VerificationError, ValueError) as exc:
        if _UTC_TIME_RULE in str(exc) and _valid_but_for_time_encoding(links, when):
            return [finding("generalized_time", leaf.subject)]
        return [
            finding(
                "invalid",
                leaf.subject,
                reason=translate(
                    "lints", "its chain to '{root}' failed validation ({reason})"
                ).format(root=root.subject, reason=_verifier_reason(exc)),
                fix=translate(
                    "lints", "Ask the CA for the correct chain, or for a new certificate."
                ),
            )
        ]
    return []


# cryptography's verifier is stricter than RFC 5280 validators here (NIST PKITS 4.2.4): a leaf
# whose validity date before 2050 is encoded as GeneralizedTime is refused.
_UTC_TIME_RULE = "must be UtcTime"


def _valid_but_for_time_encoding(links: Sequence[ChainLink], when: dt.datetime) -> bool:
    """The chain validates when the leaf's date encoding is set aside: the issuers' chain by the
    verifier (the first issuer as its end), the leaf's signature and dates by cryptography."""
    leaf, issuer, root = links[0].certificate, links[1].certificate, links[-1].certificate
    if not leaf.not_valid_before_utc <= when <= leaf.not_valid_after_utc:
        return False
    try:
        leaf.verify_directly_issued_by(issuer)
        if len(links) > 2:
            _ee, ca = _client_policies()
            (
                PolicyBuilder()
                .store(Store([root]))
                .time(when)
                .extension_policies(ee_policy=ExtensionPolicy.permit_all(), ca_policy=ca)
                .build_client_verifier()
                .verify(issuer, [link.certificate for link in links[2:-1]])
            )
    except (VerificationError, ValueError, TypeError, UnsupportedAlgorithm, InvalidSignature):
        return False
    return True


def _verifier_phrases() -> tuple[tuple[str, str], ...]:
    """cryptography's verifier speaks English: its usual phrases in the user's language."""
    return (
        ("candidates exhausted: ", translate("lints", "no issuer led to a trusted root: ")),
        (
            "cert is not valid at validation time",
            translate("lints", "the certificate is not valid at this time"),
        ),
        ("Forbidden signature algorithm", translate("lints", "signature algorithm not allowed")),
        ("Forbidden public key algorithm", translate("lints", "public key algorithm not allowed")),
        (
            "required EKU not found",
            translate("lints", "the required Extended Key Usage is missing"),
        ),
        ("signature does not match", translate("lints", "the signature does not match")),
    )


def _verifier_reason(exc: Exception) -> str:
    text = str(exc).removeprefix("validation failed: ")
    text = text.split(" (encountered processing")[0]
    for english, said in _verifier_phrases():
        text = text.replace(english, said)
    return text


# ---------------------------------------------------------------------------------------------
# Server chain (fetch-root)


def check_server_chain(
    presented: Sequence[x509.Certificate],
    host: str,
    sources: Sequence[TrustSource],
    *,
    at: dt.datetime | None = None,
    fetch_aia: bool = True,
    aia_timeout: float = 5.0,
) -> ServerChainReport:
    """Complete what a server sent to its root and say whether it is valid for `host`."""
    if not presented:
        raise WizardError(
            "chain.empty", translate("lints", "{host} sent no certificate.").format(host=host)
        )
    when = _now(at)
    leaf, rest = presented[0], list(presented[1:])
    build = _complete(
        leaf,
        rest,
        sources,
        candidate_source="server",
        fetch_aia=fetch_aia,
        aia_timeout=aia_timeout,
    )
    links = build.links
    problems: list[str] = []
    root = links[-1] if links[-1].is_self_signed else None
    if len(links) == 1 and root is not None:
        problems.append(
            "self-signed: "
            + translate(
                "lints",
                "the server's certificate '{subject}' is self-signed; "
                "trust it only if you know this server",
            ).format(subject=root.subject)
        )
    if root is None:
        last = links[-1]
        note = (
            translate("lints", " Also tried: {sources}.").format(sources="; ".join(build.notes))
            if build.notes
            else ""
        )
        problems.append(
            "incomplete: "
            + translate(
                "lints",
                "issuer '{issuer}' of '{subject}' was not found in the "
                "server's chain, {sources} or via AIA.",
            ).format(issuer=last.issuer, subject=last.subject, sources=_source_names(sources))
            + note
        )
    for link in links:
        cert = link.certificate
        if when > cert.not_valid_after_utc:
            problems.append(
                "expired: "
                + translate("lints", "'{subject}' expired on {date}").format(
                    subject=link.subject, date=_date(cert.not_valid_after_utc)
                )
            )
        elif when < cert.not_valid_before_utc:
            problems.append(
                "not yet valid: "
                + translate("lints", "'{subject}' is valid from {date}").format(
                    subject=link.subject, date=_date(cert.not_valid_before_utc)
                )
            )
    trusted_fingerprints = frozenset().union(*(s.fingerprints for s in sources))
    if root is not None and root.sha256 not in trusted_fingerprints:
        problems.append(
            "untrusted: "
            + translate(
                "lints",
                "the root '{subject}' came from the server itself and is in none of {sources}",
            ).format(subject=root.subject, sources=_source_names(sources))
        )
    valid = False
    if root is not None and len(links) > 1:
        valid, reason = _server_validation(links, host, when)
        if not valid and reason:
            problems.append(reason)
    return ServerChainReport(
        host=host,
        links=tuple(links),
        root=root.certificate if root is not None else None,
        valid_for_host=valid and root is not None and root.sha256 in trusted_fingerprints,
        problems=tuple(dict.fromkeys(problems)),
    )


def _source_names(sources: Sequence[TrustSource]) -> str:
    return ", ".join(s.name for s in sources) or translate("lints", "no trust store")


def _subject_for(host: str):
    try:
        return IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return DNSName(host)


def _server_validation(
    links: Sequence[ChainLink], host: str, when: dt.datetime
) -> tuple[bool, str]:
    leaf, root = links[0].certificate, links[-1].certificate
    intermediates = [link.certificate for link in links[1:-1]]

    def verify(subject) -> None:
        verifier = PolicyBuilder().store(Store([root])).time(when).build_server_verifier(subject)
        verifier.verify(leaf, intermediates)

    try:
        verify(_subject_for(host))
        return True, ""
    except ValueError:
        return False, translate("lints", "invalid host name '{host}'").format(host=host)
    except VerificationError as exc:
        failure = _verifier_reason(exc)
    names = _leaf_names(leaf)
    if names:
        try:
            verify(_subject_for(names[0].replace("*.", "wildcard.", 1)))
            return False, "name mismatch: " + translate(
                "lints", "the certificate is for {names}, not {host}"
            ).format(names=", ".join(names), host=host)
        except (VerificationError, ValueError):
            pass
    if any(p in failure for p in ("not valid at validation time",)):
        return False, ""  # already reported as expired / not yet valid
    return False, f"invalid: {failure}"


def _leaf_names(leaf: x509.Certificate) -> list[str]:
    san = extension(leaf, x509.SubjectAlternativeName)
    if san is None:
        return []
    names = [str(n) for n in san.get_values_for_type(x509.DNSName)]
    names += [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    return names

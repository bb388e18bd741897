"""The lint catalogue: every check of a certificate chain, its severity and its message.

The one place for these codes and texts: chain.py raises them, the CLI and the GUI show them, the
docs and the tests read them from here (`LINTS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wizard.core.i18n import QT_TRANSLATE_NOOP, tr

LINTS_CONTEXT = "lints"  # tr() context of this module's texts


class Severity(StrEnum):
    ERROR = "error"  # stops the import
    WARNING = "warning"  # informs


@dataclass(frozen=True)
class Lint:
    code: str
    severity: Severity
    title: str
    template: str  # str.format fields: {subject} (the certificate concerned) and per-lint values


_E, _W = Severity.ERROR, Severity.WARNING

# The lint catalogue: every check, its severity and its message, in the order they are reported.
LINTS: dict[str, Lint] = {
    lint.code: lint
    for lint in (
        Lint(
            "wrong_key",
            _E,
            QT_TRANSLATE_NOOP("lints", "certificate for another key"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}': this certificate belongs to another key; it was not issued for the CSR "
                "of {profile}. Import the certificate the CA issued for this CSR (compare subject and "
                "order number), or send this profile's CSR to the CA.",
            ),
        ),
        Lint(
            "self_signed",
            _E,
            QT_TRANSLATE_NOOP("lints", "self-signed certificate"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' is self-signed: self-signed certificates never pass SAP's load "
                "balancer, which only forwards certificates that chain to a root on SAP's list. Send "
                "the CSR to a CA whose root is on SAP's list and import the certificate it returns.",
            ),
        ),
        Lint(
            "incomplete",
            _E,
            QT_TRANSLATE_NOOP("lints", "chain cannot be completed"),
            QT_TRANSLATE_NOOP(
                "lints",
                "the chain cannot be completed: issuer '{issuer}' of '{subject}' was not found; add "
                "it with --ca-file or get the CA's bundle (intermediate and root certificates, "
                "usually on the CA's download page).{detail}",
            ),
        ),
        Lint(
            "invalid",
            _E,
            QT_TRANSLATE_NOOP("lints", "certificate not valid"),
            QT_TRANSLATE_NOOP("lints", "'{subject}' is not valid: {reason}. {fix}"),
        ),
        Lint(
            "generalized_time",
            _W,
            QT_TRANSLATE_NOOP("lints", "validity date encoded as GeneralizedTime"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' encodes a validity date before 2050 as GeneralizedTime. RFC 5280 "
                "asks CAs for UTCTime there, but validators such as OpenSSL accept it (NIST PKITS "
                "4.2.4), and so does this program: signatures and dates were checked. If a "
                "sender's TLS library refuses the certificate, ask the CA to issue it again.",
            ),
        ),
        Lint(
            "leaf_is_ca",
            _E,
            QT_TRANSLATE_NOOP("lints", "CA certificate instead of a client certificate"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' is a CA certificate (basicConstraints CA:TRUE), not a client "
                "certificate. Pick the certificate the CA issued for your CSR, not the CA's own.",
            ),
        ),
        Lint(
            "no_client_auth",
            _E,
            QT_TRANSLATE_NOOP("lints", "not for client authentication"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' has an Extended Key Usage without clientAuth ({usages}). SAP: \"The "
                "certificate must include the Client Authentication Extended Key Usage (EKU) with "
                "OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS "
                'handshake." Public TLS CAs stopped issuing clientAuth in their TLS/SSL server '
                "certificates in 2026, and SAP Integration Suite rejects client certificates without "
                "it. Ask the CA for a client-authentication certificate (Extended Key Usage "
                "clientAuth).",
            ),
        ),
        Lint(
            "no_eku",
            _E,
            QT_TRANSLATE_NOOP("lints", "no Extended Key Usage"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' has no Extended Key Usage, so it does not include clientAuth. RFC 5280 "
                'treats that as unrestricted, but SAP does not: "The certificate must include the '
                "Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. "
                'Certificates without this EKU are rejected during the TLS handshake." Ask the CA '
                "for a client-authentication certificate (Extended Key Usage clientAuth).",
            ),
        ),
        Lint(
            "no_digital_signature",
            _E,
            QT_TRANSLATE_NOOP("lints", "key usage forbids signing"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' has a Key Usage without digitalSignature ({usages}), so it cannot sign "
                "the TLS handshake as a client. Ask the CA for a client-authentication certificate "
                "with Key Usage digitalSignature.",
            ),
        ),
        Lint(
            "weak_rsa",
            _E,
            QT_TRANSLATE_NOOP("lints", "RSA key too short"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' has an RSA key of {bits} bits; at least 2048 are required. {fix}",
            ),
        ),
        Lint(
            "sha1_signature",
            _E,
            QT_TRANSLATE_NOOP("lints", "SHA-1 signature"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' is signed with {algorithm}, which SAP's load balancer and current TLS "
                "libraries reject. {fix}",
            ),
        ),
        Lint(
            "cn_empty",
            _E,
            QT_TRANSLATE_NOOP("lints", "empty common name"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' has no common name (CN). SAP shows and maps client certificates by "
                "their CN: create a new CSR with --cn and have it signed again.",
            ),
        ),
        Lint(
            "cn_spaces",
            _E,
            QT_TRANSLATE_NOOP("lints", "common name with spaces at the ends"),
            QT_TRANSLATE_NOOP(
                "lints",
                "the common name '{cn}' of '{subject}' has leading or trailing spaces, which make "
                "the mapping to a user fail. Create a new CSR with the CN trimmed and have it signed "
                "again.",
            ),
        ),
        Lint(
            "unusual_key",
            _W,
            QT_TRANSLATE_NOOP("lints", "unusual key type"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' has a {key} key; SAP documents RSA (2048 bits or more) and EC P-256 or "
                "P-384 for client certificates. If the load balancer refuses it, create a new CSR "
                "with --key-type rsa-3072 or ec-p256.",
            ),
        ),
        Lint(
            "root_not_on_sap_list",
            _W,
            QT_TRANSLATE_NOOP("lints", "root not confirmed by SAP's list"),
            QT_TRANSLATE_NOOP(
                "lints",
                "the root '{subject}' is not on {version}, so this tool cannot confirm that SAP's "
                "load balancer accepts it (not confirmed, not refused). That list is one source: "
                "the authoritative list is SAP Note 2801396 (needs an SAP login), and SAP's help "
                "pages name roots it lacks. Check the note or the acceptable-CA names the load "
                "balancer sends (fetch-root), and add roots with --sap-roots FILE.",
            ),
        ),
        Lint(
            "root_removed_from_sap_list",
            _W,
            QT_TRANSLATE_NOOP("lints", "root not in SAP's current list"),
            QT_TRANSLATE_NOOP(
                "lints",
                "the root '{subject}' was in earlier versions of SAP's BTP trust store but is not "
                "in {version}. SAP's Neo page of trusted root CAs (April 2026) still lists some of "
                "these roots, so whether the load balancer accepts it is not confirmed. Check SAP "
                "Note 2801396; a CA whose root is on the list avoids the question.",
            ),
        ),
        Lint(
            "root_not_trusted_by_custom_domain",
            _W,
            QT_TRANSLATE_NOOP("lints", "root not among the custom domain's trusted CAs"),
            QT_TRANSLATE_NOOP(
                "lints",
                "the root '{subject}' is not among {version}. With a custom domain and a "
                "customer-managed trust model the load balancer accepts the CAs configured for that "
                "domain: add this root there (and to the file you gave), or use a certificate from "
                "a CA that is configured.",
            ),
        ),
        Lint(
            "expires_soon",
            _W,
            QT_TRANSLATE_NOOP("lints", "expires soon"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' expires on {date} ({days} days left). Renew it now: new CSR, new "
                "certificate, then a new mapping entry (Neo) or service key (Cloud Foundry).",
            ),
        ),
        Lint(
            "renewal_due",
            _W,
            QT_TRANSLATE_NOOP("lints", "renewal due"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' is past two thirds of its lifetime ({days} of {total} days left, "
                "expires on {date}). Plan the renewal: new CSR, new certificate, new mapping entry "
                "(Neo) or service key (Cloud Foundry).",
            ),
        ),
        Lint(
            "outlives_issuer",
            _W,
            QT_TRANSLATE_NOOP("lints", "certificate outlives its issuer"),
            QT_TRANSLATE_NOOP(
                "lints",
                "'{subject}' is valid until {date}, but its issuer '{issuer}' expires on "
                "{issuer_date}: from then on the chain no longer validates and the load balancer "
                "drops it. Get the CA's renewed intermediate before that date, or renew the "
                "certificate earlier.",
            ),
        ),
        Lint(
            "baltimore_root",
            _W,
            QT_TRANSLATE_NOOP("lints", "chain ends in Baltimore CyberTrust Root"),
            QT_TRANSLATE_NOOP(
                "lints",
                "the chain ends in '{subject}', which expired on {date}. It was the historic root "
                "of SAP's Neo load balancer and certificates depending on it no longer work. Get a "
                "new certificate from a CA whose root is on {version}.",
            ),
        ),
    )
}

# SAP refuses a leaf without clientAuth in the TLS handshake; an explicit override (whose name
# says the load balancer will drop it) turns these errors into warnings for other uses.
CLIENT_AUTH_CODES = frozenset({"no_eku", "no_client_auth"})
OVERRIDE_FLAG = "--accept-without-client-auth"

# Errors that already explain why cryptography's path validation fails; no second, vaguer one.
_EXPLAINING_ERRORS = frozenset(
    {
        "invalid",
        "no_eku",
        "leaf_is_ca",
        "no_client_auth",
        "no_digital_signature",
        "weak_rsa",
        "sha1_signature",
    }
)


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str
    certificate: str | None  # RFC 4514 subject of the certificate it is about


def finding(code: str, certificate: str | None, **values: object) -> Finding:
    """A finding from the catalogue, its message filled in."""
    lint = LINTS[code]
    return Finding(
        lint.severity,
        code,
        tr(LINTS_CONTEXT, lint.template).format(subject=certificate, **values),
        certificate,
    )

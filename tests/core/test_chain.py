"""Completing, validating and linting the chain of a client certificate, and judging server chains.

Every lint of the catalogue is fed a certificate that has the problem; the message must name the
certificate and say what to do. Certificates come from the real test PKI, openssl and real public
chains in tests/data; AIA is fetched from a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests import pki
from tests.core.conftest import DATA
from wizard.core import chain, trust
from wizard.core.errors import WizardError
from wizard.core.lints import LINTS, Severity
from wizard.core.reply import parse_certificates
from wizard.core.trust import SapStatus, TrustSource

G2_SHA256 = "cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f"
SAP_V3 = "SAP BTP trust store v3.0.0 (2026-06-03)"


def codes(report) -> list[str]:
    return [f.code for f in report.findings]


def the(report, code: str):
    found = [f for f in report.findings if f.code == code]
    assert found, f"expected {code}, got {codes(report)}"
    return found[0]


def dn(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def check(h, certificates, **kw):
    """Check a reply for the hierarchy's key, with its root offered as a --ca-file source."""
    kw.setdefault("public_key", h.key.public_key())
    kw.setdefault("sources", [TrustSource("--ca-file /tmp/root.pem", (h.root.cert,))])
    kw.setdefault("fetch_aia", False)
    return chain.check_client_certificate(certificates, **kw)


def real_chain(name: str) -> list[x509.Certificate]:
    return parse_certificates((DATA / name).read_bytes(), source=name)


def leaf_with_key_usage(issuing: pki.Authority, public_key, key_usage: x509.KeyUsage):
    return (
        x509.CertificateBuilder()
        .subject_name(pki.name("sender-keyenc"))
        .issuer_name(issuing.cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.NOW - dt.timedelta(days=1))
        .not_valid_after(pki.NOW + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(key_usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(issuing.key, hashes.SHA256())
    )


def key_usage(**set_bits: bool) -> x509.KeyUsage:
    bits = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    bits.update(set_bits)
    return x509.KeyUsage(**bits)


# --- the lint catalogue -------------------------------------------------------------------------


def test_the_catalogue_holds_every_lint_with_its_severity_in_one_table():
    errors = {
        "wrong_key",
        "self_signed",
        "incomplete",
        "invalid",
        "leaf_is_ca",
        "no_client_auth",
        "weak_rsa",
        "sha1_signature",
        "cn_empty",
        "cn_spaces",
        "no_eku",
    }
    warnings = {
        "root_not_on_sap_list",
        "root_not_trusted_by_custom_domain",
        "outlives_issuer",
        "root_removed_from_sap_list",
        "expires_soon",
        "renewal_due",
        "baltimore_root",
    }
    assert {c for c, lint in LINTS.items() if lint.severity is Severity.ERROR} >= errors
    assert {c for c, lint in LINTS.items() if lint.severity is Severity.WARNING} >= warnings
    assert all(lint.code == code and lint.title and lint.template for code, lint in LINTS.items())


# --- a good reply -------------------------------------------------------------------------------


def test_a_reply_in_any_order_is_ordered_leaf_first_and_completed_to_its_root(hierarchy):
    h = hierarchy
    shuffled = [h.root.cert, h.leaf, h.issuing.cert]
    random.Random(4).shuffle(shuffled)

    report = check(h, shuffled, sources=[])

    assert report.complete and report.ok
    assert report.leaf == h.leaf
    assert report.intermediates == (h.issuing.cert,)
    assert report.root == h.root.cert
    assert report.certificates == (h.leaf, h.issuing.cert, h.root.cert)
    assert [link.source for link in report.links] == ["reply", "reply", "reply"]
    assert report.links[-1].is_self_signed and not report.links[0].is_self_signed
    assert report.links[0].sha256 == chain.fingerprint(h.leaf)
    assert report.links[0].not_after == h.leaf.not_valid_after_utc
    assert report.sap_status is SapStatus.NOT_LISTED and report.sap_list_version == SAP_V3


def test_the_root_is_taken_from_a_ca_file_and_the_link_says_so(hierarchy):
    h = hierarchy
    report = check(h, [h.leaf, h.issuing.cert])
    assert report.complete
    assert [link.source for link in report.links] == ["reply", "reply", "--ca-file /tmp/root.pem"]


def test_the_leaf_is_the_certificate_for_the_profile_key_among_several_leaves(hierarchy):
    h = hierarchy
    other = h.issuing.issue(pki.make_key().public_key(), "another sender")
    report = check(h, [other, h.issuing.cert, h.leaf])
    assert report.leaf == h.leaf and report.ok


def test_without_a_key_the_leaf_is_the_certificate_that_issues_no_other(hierarchy):
    h = hierarchy
    report = check(h, [h.issuing.cert, h.leaf], public_key=None)
    assert report.leaf == h.leaf and report.ok


def test_a_cas_whole_bundle_never_makes_its_intermediate_a_trust_anchor(hierarchy):
    h = hierarchy
    bundle = TrustSource("--ca-file /tmp/ca-bundle.pem", (h.issuing.cert, h.root.cert))
    report = check(h, [h.leaf], sources=[bundle])
    assert report.complete
    assert report.intermediates == (h.issuing.cert,)
    assert report.root == h.root.cert

    only_intermediate = TrustSource("--ca-file /tmp/issuing.pem", (h.issuing.cert,))
    report = check(h, [h.leaf], sources=[only_intermediate])
    assert not report.complete and report.root is None
    assert "incomplete" in codes(report)


def test_a_cross_signed_copy_in_the_reply_gives_way_to_the_stores_self_signed_root(hierarchy):
    h = hierarchy
    old_root = pki.root("Legacy Root CA")
    cross = old_root.issue(
        h.root.key.public_key(), h.root.cert.subject, eku=None, key_usage=False, ca=True
    )
    report = check(h, [h.leaf, h.issuing.cert, cross])
    assert report.root == h.root.cert
    assert report.links[-1].source == "--ca-file /tmp/root.pem"


# --- errors -------------------------------------------------------------------------------------


def test_a_reply_for_another_key_is_refused_naming_the_profile(hierarchy):
    h = hierarchy
    stranger = h.issuing.issue(pki.make_key().public_key(), "someone else")

    report = check(h, [stranger, h.issuing.cert])
    wrong = the(report, "wrong_key")
    assert "this certificate belongs to another key" in wrong.message
    assert "it was not issued for the CSR of this profile" in wrong.message
    assert wrong.certificate == dn(stranger) and not report.ok

    named = check(h, [stranger, h.issuing.cert], profile="S4H-100")
    assert "the CSR of profile 'S4H-100'" in the(named, "wrong_key").message


def test_a_self_signed_leaf_is_refused(hierarchy):
    self_signed = pki.root("sender-s4h-100").cert
    report = check(hierarchy, [self_signed], public_key=None)
    finding = the(report, "self_signed")
    assert finding.certificate == dn(self_signed)
    assert "self-signed certificates never pass SAP's load balancer" in finding.message
    assert "incomplete" not in codes(report) and not report.complete and not report.ok


def test_a_missing_intermediate_is_named_with_the_certificate_that_needs_it(hierarchy):
    h = hierarchy
    report = check(h, [h.leaf])
    finding = the(report, "incomplete")
    assert finding.severity is Severity.ERROR
    assert (
        f"the chain cannot be completed: issuer '{dn(h.issuing.cert)}' of '{dn(h.leaf)}' "
        "was not found; add it with --ca-file or get the CA's bundle" in finding.message
    )
    assert finding.certificate == dn(h.leaf)
    assert report.root is None and report.intermediates == ()


def test_a_ca_certificate_with_the_right_name_but_another_key_is_called_out(hierarchy):
    h = hierarchy
    renewed = h.root.intermediate("Chain Test Issuing CA")  # same name, new key
    report = check(h, [h.leaf, renewed.cert])
    assert "incomplete" in codes(report)
    invalid = the(report, "invalid")
    assert "does not verify" in invalid.message and "same name" in invalid.message


def test_an_expired_leaf_is_invalid_with_the_date(hierarchy):
    h = hierarchy
    old = h.issuing.issue(
        h.key.public_key(),
        "sender-s4h-100",
        not_before=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2025, 1, 31, 12, tzinfo=dt.UTC),
    )
    report = check(h, [old, h.issuing.cert])
    finding = the(report, "invalid")
    assert finding.certificate == dn(old)
    assert "expired on 2025-01-31" in finding.message and "new certificate" in finding.message
    assert codes(report).count("invalid") == 1  # no second, vaguer validation error


def test_a_leaf_not_yet_valid_is_invalid_with_the_date(hierarchy):
    h = hierarchy
    future = h.issuing.issue(
        h.key.public_key(), "sender-s4h-100", not_before=pki.NOW + dt.timedelta(days=3)
    )
    finding = the(check(h, [future, h.issuing.cert]), "invalid")
    assert f"not valid before {(pki.NOW + dt.timedelta(days=3)):%Y-%m-%d}" in finding.message


def test_an_expired_intermediate_is_named(hierarchy):
    h = hierarchy
    old_ca = h.root.intermediate(
        "Old Issuing CA", not_before=pki.NOW - dt.timedelta(days=400), days=365
    )
    leaf = old_ca.issue(
        h.key.public_key(), "sender-s4h-100", not_before=pki.NOW - dt.timedelta(days=100)
    )
    report = check(h, [leaf, old_ca.cert])
    assert [f.certificate for f in report.findings if f.code == "invalid"] == [dn(old_ca.cert)]


def test_a_chain_cryptography_rejects_is_invalid_with_its_reason(hierarchy):
    h = hierarchy
    # An intermediate that is not allowed to issue: pathLen 0 above another CA.
    constrained = pki.root("Constrained Root")
    top = constrained.intermediate("Level 1 CA")
    top_cert = (
        x509.CertificateBuilder()
        .subject_name(top.cert.subject)
        .issuer_name(constrained.cert.subject)
        .public_key(top.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.NOW - dt.timedelta(days=1))
        .not_valid_after(pki.NOW + dt.timedelta(days=900))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(top.key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(constrained.key.public_key()), False
        )
        .sign(constrained.key, hashes.SHA256())
    )
    top = pki.Authority(cert=top_cert, key=top.key, parent=constrained)
    lower = top.intermediate("Level 2 CA")
    leaf = lower.issue(h.key.public_key(), "sender-s4h-100")
    report = check(
        h, [leaf, lower.cert, top.cert], sources=[TrustSource("certifi", (constrained.cert,))]
    )
    assert report.complete
    finding = the(report, "invalid")
    assert "failed validation" in finding.message and dn(leaf) == finding.certificate


def test_the_ca_certificate_instead_of_the_client_certificate_is_refused(hierarchy):
    h = hierarchy
    report = check(h, [h.issuing.cert, h.root.cert], public_key=None)
    finding = the(report, "leaf_is_ca")
    assert finding.certificate == dn(h.issuing.cert)
    assert "CA certificate" in finding.message and "not the CA's own" in finding.message


def test_a_tls_server_certificate_without_client_auth_is_refused_and_explained(hierarchy):
    h = hierarchy
    server_only = h.issuing.issue(h.key.public_key(), "sender-s4h-100", eku="server")
    report = check(h, [server_only, h.issuing.cert])
    finding = the(report, "no_client_auth")
    assert finding.severity is Severity.ERROR and not report.ok
    for words in (
        "serverAuth",
        "Public TLS CAs stopped issuing clientAuth",
        "2026",
        "SAP Integration Suite rejects",
        "client-authentication certificate",
    ):
        assert words in finding.message
    assert "invalid" not in codes(report)


SAP_EKU_SENTENCE = (
    "The certificate must include the Client Authentication Extended Key Usage (EKU) with OID "
    "1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake."
)


def test_only_any_extended_key_usage_is_refused_as_sap_requires_client_auth(hierarchy):
    h = hierarchy
    anything = h.issuing.issue(
        h.key.public_key(), "sender-s4h-100", eku=[ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE]
    )
    report = check(h, [anything, h.issuing.cert])
    finding = the(report, "no_client_auth")
    assert finding.severity is Severity.ERROR and not report.ok
    assert "anyExtendedKeyUsage" in finding.message and SAP_EKU_SENTENCE in finding.message


def test_no_extended_key_usage_is_refused_with_sap_sentence(hierarchy):
    h = hierarchy
    leaf = h.issuing.issue(h.key.public_key(), "sender-s4h-100", eku=None)
    report = check(h, [leaf, h.issuing.cert])
    finding = the(report, "no_eku")
    assert finding.severity is Severity.ERROR and not report.ok
    assert SAP_EKU_SENTENCE in finding.message


def test_the_explicit_override_keeps_the_finding_as_a_warning_that_says_the_lb_drops_it(hierarchy):
    h = hierarchy
    leaf = h.issuing.issue(h.key.public_key(), "sender-s4h-100", eku=None)
    report = check(h, [leaf, h.issuing.cert], accept_without_client_auth=True)
    finding = the(report, "no_eku")
    assert finding.severity is Severity.WARNING and report.ok
    assert "--accept-without-client-auth" in finding.message
    assert "load balancer will drop this certificate" in finding.message


def test_a_key_usage_without_digital_signature_is_refused(hierarchy):
    h = hierarchy
    leaf = leaf_with_key_usage(h.issuing, h.key.public_key(), key_usage(key_encipherment=True))
    finding = the(check(h, [leaf, h.issuing.cert]), "no_digital_signature")
    assert "key encipherment" in finding.message and "digitalSignature" in finding.message


def test_an_rsa_1024_client_key_is_refused_with_the_fix(hierarchy):
    h = hierarchy
    weak_key = pki.make_key("rsa-1024")
    leaf = h.issuing.issue(weak_key.public_key(), "sender-s4h-100")
    report = check(h, [leaf, h.issuing.cert], public_key=weak_key.public_key())
    finding = the(report, "weak_rsa")
    assert "1024 bits" in finding.message and "--key-type rsa-3072" in finding.message
    assert finding.certificate == dn(leaf)


def test_an_rsa_1024_intermediate_is_refused_and_named(hierarchy):
    h = hierarchy
    weak_ca = h.root.intermediate("Weak Issuing CA", key_kind="rsa-1024")
    leaf = weak_ca.issue(h.key.public_key(), "sender-s4h-100")
    finding = the(check(h, [leaf, weak_ca.cert]), "weak_rsa")
    assert finding.certificate == dn(weak_ca.cert) and "different CA" in finding.message


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_a_sha1_signed_leaf_is_refused_but_its_chain_is_still_built(hierarchy, openssl_sha1_sign):
    h = hierarchy
    legacy = openssl_sha1_sign(h.issuing, h.key)
    report = check(h, [legacy, h.issuing.cert])
    assert report.complete  # recognised as issued by the CA despite SHA-1
    finding = the(report, "sha1_signature")
    assert finding.certificate == dn(legacy)
    assert "SHA1" in finding.message and "SHA-256" in finding.message
    assert "incomplete" not in codes(report)


def test_the_sha1_self_signature_of_a_root_is_not_held_against_the_chain():
    certs = real_chain("microsoft-www-chain-baltimore.pem")
    root = real_chain("baltimore-cybertrust-root.pem")[0]
    assert root.signature_hash_algorithm.name == "sha1"
    report = chain.check_client_certificate(
        certs,
        sources=[TrustSource("system store", (root,))],
        at=dt.datetime(2022, 1, 15, tzinfo=dt.UTC),
        fetch_aia=False,
    )
    assert report.complete and report.root == root
    assert "sha1_signature" not in codes(report)


def test_a_certificate_without_common_name_is_refused(hierarchy):
    h = hierarchy
    no_cn = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sender GmbH")])
    leaf = h.issuing.issue(h.key.public_key(), no_cn)
    finding = the(check(h, [leaf, h.issuing.cert]), "cn_empty")
    assert "no common name" in finding.message and "--cn" in finding.message


def test_a_common_name_with_trailing_space_is_refused(hierarchy):
    h = hierarchy
    leaf = h.issuing.issue(h.key.public_key(), "sender-s4h-100 ")
    finding = the(check(h, [leaf, h.issuing.cert]), "cn_spaces")
    assert "'sender-s4h-100 '" in finding.message and "trimmed" in finding.message


# --- warnings -----------------------------------------------------------------------------------


def test_a_leaf_that_outlives_its_intermediate_is_named_with_the_date_the_chain_breaks(hierarchy):
    h = hierarchy
    short_ca = h.root.intermediate("Short-lived Issuing CA", days=60)
    leaf = short_ca.issue(h.key.public_key(), "sender-s4h-100", days=365)
    report = check(h, [leaf, short_ca.cert])
    finding = the(report, "outlives_issuer")
    assert finding.severity is Severity.WARNING and report.ok
    assert "Short-lived Issuing CA" in finding.message
    assert f"{short_ca.cert.not_valid_after_utc:%Y-%m-%d}" in finding.message


def test_a_private_root_is_not_on_sap_list_and_the_warning_names_the_version(hierarchy):
    h = hierarchy
    report = check(h, [h.leaf, h.issuing.cert])
    finding = the(report, "root_not_on_sap_list")
    assert finding.severity is Severity.WARNING and report.ok
    assert finding.certificate == dn(h.root.cert)
    assert SAP_V3 in finding.message and "2801396" in finding.message


def test_a_root_removed_from_the_list_is_a_warning_naming_the_list(hierarchy, tmp_path):
    h = hierarchy
    sha1 = h.root.cert.fingerprint(hashes.SHA1()).hex()  # noqa: S303
    doc = (
        '{"version": "SAP trust list test edition", "roots": [], "removed_in_v3": '
        f'[{{"subject": "CN=Chain Test Root CA", "sha1": "{sha1}", "not_after": "x"}}]}}'
    )
    (tmp_path / "list.json").write_text(doc)
    sap = trust.load_sap_list(tmp_path / "list.json")
    report = check(h, [h.leaf, h.issuing.cert], sap_list=sap)
    assert report.sap_status is SapStatus.REMOVED
    finding = the(report, "root_removed_from_sap_list")
    assert "SAP trust list test edition" in finding.message and report.ok
    assert "not confirmed" in finding.message and "will stop accepting" not in finding.message


def test_a_root_off_the_list_is_not_confirmed_rather_than_refused(hierarchy):
    h = hierarchy
    report = check(h, [h.leaf, h.issuing.cert])
    finding = the(report, "root_not_on_sap_list")
    assert finding.severity is Severity.WARNING and report.ok
    assert "not confirmed" in finding.message and SAP_V3 in finding.message


def test_a_custom_domain_judges_the_root_against_the_customer_cas_not_sap_list(hierarchy, tmp_path):
    h = hierarchy
    cas = tmp_path / "custom-domain-cas.pem"
    cas.write_bytes(pki.pem(h.root.cert))
    domain = trust.custom_domain_list(cas, "cpi.example.com")
    report = check(h, [h.leaf, h.issuing.cert], sap_list=domain)
    assert report.sap_status is SapStatus.APPROVED and report.ok
    assert "root_not_on_sap_list" not in codes(report)
    assert "cpi.example.com" in report.sap_list_version
    other = pki.root("Other Root").intermediate("Other Issuing CA")
    cas.write_bytes(pki.pem(other.parent.cert))
    refused = check(
        h, [h.leaf, h.issuing.cert], sap_list=trust.custom_domain_list(cas, "x.example")
    )
    finding = the(refused, "root_not_trusted_by_custom_domain")
    assert "custom domain x.example" in finding.message


def test_a_leaf_expiring_within_30_days_warns_with_the_days_left(hierarchy):
    h = hierarchy
    start = pki.NOW
    leaf = h.issuing.issue(h.key.public_key(), "sender-s4h-100", not_before=start, days=90)
    report = check(h, [leaf, h.issuing.cert], at=start + dt.timedelta(days=70))
    finding = the(report, "expires_soon")
    end = start + dt.timedelta(days=90)
    assert f"expires on {end:%Y-%m-%d} (20 days left)" in finding.message and report.ok
    assert "renewal_due" not in codes(report)


def test_a_leaf_past_two_thirds_of_its_lifetime_is_due_for_renewal(hierarchy):
    h = hierarchy
    start = pki.NOW
    leaf = h.issuing.issue(h.key.public_key(), "sender-s4h-100", not_before=start, days=365)
    report = check(h, [leaf, h.issuing.cert], at=start + dt.timedelta(days=300))
    finding = the(report, "renewal_due")
    assert "65 of 365 days left" in finding.message and report.ok
    assert "expires_soon" not in codes(report)
    fresh = check(h, [leaf, h.issuing.cert], at=start + dt.timedelta(days=200))
    assert "renewal_due" not in codes(fresh)


def test_a_chain_to_the_baltimore_root_warns_even_while_it_was_valid():
    certs = real_chain("microsoft-www-chain-baltimore.pem")
    root = real_chain("baltimore-cybertrust-root.pem")[0]
    report = chain.check_client_certificate(
        certs,
        sources=[TrustSource("system store", (root,))],
        at=dt.datetime(2022, 1, 15, tzinfo=dt.UTC),
        fetch_aia=False,
    )
    assert report.sap_status is SapStatus.EXPIRED and report.ok
    finding = the(report, "baltimore_root")
    assert "Baltimore CyberTrust Root" in finding.message and "2025-05-12" in finding.message
    assert "Neo load balancer" in finding.message

    today = chain.check_client_certificate(
        certs, sources=[TrustSource("system store", (root,))], fetch_aia=False
    )
    assert "baltimore_root" in codes(today) and not today.ok
    assert any("expired on 2025-05-12" in f.message for f in today.errors)


# --- a real public chain ------------------------------------------------------------------------


def test_a_real_digicert_client_chain_resolves_against_certifi_and_sap_requires_its_root():
    certs = real_chain("adobe-ajo-mtls-client-chain.pem")
    report = chain.check_client_certificate(
        certs,
        sources=[trust.certifi_source()],
        at=dt.datetime(2024, 12, 1, tzinfo=dt.UTC),
        fetch_aia=False,
    )
    assert report.complete and report.ok, report.findings
    assert report.links[-1].source == "certifi"
    assert chain.fingerprint(report.root) == G2_SHA256
    assert report.sap_status is SapStatus.REQUIRED
    assert "DigiCert Global G2 TLS RSA SHA256 2020 CA1" in report.links[1].subject


def test_the_same_real_chain_today_is_refused_as_expired():
    report = chain.check_client_certificate(
        real_chain("adobe-ajo-mtls-client-chain.pem"),
        sources=[trust.certifi_source()],
        fetch_aia=False,
    )
    assert "expired on 2025-06-09" in the(report, "invalid").message


# --- AIA ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["der", "pkcs7", "pem"])
def test_a_missing_intermediate_is_fetched_from_the_aia_address(hierarchy, aia_server, shape):
    h = hierarchy
    body = {
        "der": pki.der(h.issuing.cert),
        "pkcs7": pki.p7b(h.issuing.cert),
        "pem": pki.pem(h.issuing.cert),
    }[shape]
    aia_server.files["/issuing.crt"] = body
    url = aia_server.url("/issuing.crt")
    leaf = h.issuing.issue(h.key.public_key(), "sender-s4h-100", aia_url=url)

    report = check(h, [leaf], fetch_aia=True)

    assert report.complete and report.ok
    assert report.intermediates == (h.issuing.cert,)
    assert report.links[1].source == f"AIA {url}"
    assert aia_server.requests == ["/issuing.crt"]


def test_aia_is_not_asked_when_fetching_is_off(hierarchy, aia_server):
    h = hierarchy
    aia_server.files["/issuing.crt"] = pki.der(h.issuing.cert)
    leaf = h.issuing.issue(
        h.key.public_key(), "sender-s4h-100", aia_url=aia_server.url("/issuing.crt")
    )
    report = check(h, [leaf], fetch_aia=False)
    assert "incomplete" in codes(report) and aia_server.requests == []


def test_an_aia_address_that_never_answers_ends_in_a_clear_incomplete(hierarchy, silent_listener):
    h = hierarchy
    leaf = h.issuing.issue(h.key.public_key(), "sender-s4h-100", aia_url=silent_listener)
    report = check(h, [leaf], fetch_aia=True, aia_timeout=0.5)
    finding = the(report, "incomplete")
    assert f"the AIA address {silent_listener} did not answer within 0.5 s" in finding.message
    assert "--ca-file" in finding.message


def test_an_aia_address_answering_404_is_reported(hierarchy, aia_server):
    h = hierarchy
    url = aia_server.url("/gone.crt")
    leaf = h.issuing.issue(h.key.public_key(), "sender-s4h-100", aia_url=url)
    finding = the(check(h, [leaf], fetch_aia=True), "incomplete")
    assert f"the AIA address {url} answered HTTP 404" in finding.message


def test_an_aia_answer_that_is_not_the_issuer_is_reported(hierarchy, aia_server):
    h = hierarchy
    aia_server.files["/wrong.crt"] = pki.der(pki.root("Unrelated Root").cert)
    url = aia_server.url("/wrong.crt")
    leaf = h.issuing.issue(h.key.public_key(), "sender-s4h-100", aia_url=url)
    finding = the(check(h, [leaf], fetch_aia=True), "incomplete")
    assert f"the certificate at its AIA address {url} did not sign it" in finding.message


def test_an_oversized_aia_answer_is_refused(hierarchy, aia_server):
    h = hierarchy
    aia_server.files["/huge.crt"] = b"\x30" * (2 * 1024 * 1024)
    url = aia_server.url("/huge.crt")
    leaf = h.issuing.issue(h.key.public_key(), "sender-s4h-100", aia_url=url)
    finding = the(check(h, [leaf], fetch_aia=True), "incomplete")
    assert "sent more than 1024 KB" in finding.message


def test_an_https_aia_address_is_not_fetched(hierarchy):
    h = hierarchy
    leaf = h.issuing.issue(
        h.key.public_key(), "sender-s4h-100", aia_url="https://127.0.0.1:1/ca.crt"
    )
    finding = the(check(h, [leaf], fetch_aia=True), "incomplete")
    assert "is not plain http" in finding.message


def test_complete_chain_walks_server_certificates_then_sources(hierarchy):
    h = hierarchy
    server_cert, _ = pki.server_leaf(h.issuing)
    links = chain.complete_chain(
        server_cert,
        [h.issuing.cert],
        [TrustSource("certifi", (h.root.cert,))],
        candidate_source="server",
        fetch_aia=False,
    )
    assert [(link.certificate, link.source) for link in links] == [
        (server_cert, "server"),
        (h.issuing.cert, "server"),
        (h.root.cert, "certifi"),
    ]


# --- basic facts --------------------------------------------------------------------------------


def test_is_issued_by_needs_name_key_identifier_and_signature(hierarchy):
    h = hierarchy
    assert chain.is_issued_by(h.leaf, h.issuing.cert)
    assert not chain.is_issued_by(h.leaf, h.root.cert)  # wrong name
    same_name = h.root.intermediate("Chain Test Issuing CA")
    assert not chain.is_issued_by(h.leaf, same_name.cert)  # right name, other key
    assert chain.is_self_signed(h.root.cert) and not chain.is_self_signed(h.issuing.cert)
    assert chain.fingerprint(h.leaf) == h.leaf.fingerprint(hashes.SHA256()).hex()


def test_an_empty_certificate_list_is_an_input_error():
    with pytest.raises(WizardError) as caught:
        chain.check_client_certificate([])
    assert caught.value.code == "chain.empty"


# --- server chains (fetch-root) -----------------------------------------------------------------


def server_setup(h):
    cert, _ = pki.server_leaf(h.issuing, hostnames=("tenant.example.test",), ips=("127.0.0.1",))
    store = TrustSource("certifi", (h.root.cert,))
    return cert, store


def test_a_server_chain_resolves_to_the_trusted_root_and_is_valid_for_its_host(hierarchy):
    h = hierarchy
    cert, store = server_setup(h)
    report = chain.check_server_chain(
        [cert, h.issuing.cert], "tenant.example.test", [store], fetch_aia=False
    )
    assert report.valid_for_host and report.problems == ()
    assert report.root == h.root.cert
    assert [link.source for link in report.links] == ["server", "server", "certifi"]
    by_ip = chain.check_server_chain([cert, h.issuing.cert], "127.0.0.1", [store], fetch_aia=False)
    assert by_ip.valid_for_host


def test_a_server_chain_for_another_name_is_a_name_mismatch(hierarchy):
    h = hierarchy
    cert, store = server_setup(h)
    report = chain.check_server_chain(
        [cert, h.issuing.cert], "other.example.test", [store], fetch_aia=False
    )
    assert not report.valid_for_host and report.root == h.root.cert
    assert any(
        p.startswith("name mismatch") and "tenant.example.test" in p for p in report.problems
    )


def test_a_server_without_its_intermediate_names_the_missing_issuer(hierarchy):
    h = hierarchy
    cert, store = server_setup(h)
    report = chain.check_server_chain([cert], "tenant.example.test", [store], fetch_aia=False)
    assert report.root is None and not report.valid_for_host
    assert any(p.startswith("incomplete") and dn(h.issuing.cert) in p for p in report.problems)


def test_a_root_only_the_server_vouches_for_is_untrusted(hierarchy):
    h = hierarchy
    cert, _ = server_setup(h)
    report = chain.check_server_chain(
        [cert, h.issuing.cert, h.root.cert],
        "tenant.example.test",
        [trust.certifi_source()],
        fetch_aia=False,
    )
    assert report.root == h.root.cert and not report.valid_for_host
    assert any(p.startswith("untrusted") for p in report.problems)


def test_an_expired_server_certificate_is_reported(hierarchy):
    h = hierarchy
    cert, _ = pki.server_leaf(
        h.issuing,
        hostnames=("tenant.example.test",),
        not_before=pki.NOW - dt.timedelta(days=100),
        days=30,
    )
    report = chain.check_server_chain(
        [cert, h.issuing.cert],
        "tenant.example.test",
        [TrustSource("certifi", (h.root.cert,))],
        fetch_aia=False,
    )
    assert not report.valid_for_host
    assert any(p.startswith("expired") and "tenant.example.test" in p for p in report.problems)

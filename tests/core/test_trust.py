"""Trust sources (certifi, OS store, --ca-file) and SAP's root list: which roots SAP accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes

from tests import pki
from tests.core.conftest import DATA
from wizard.core import trust
from wizard.core.errors import WizardError
from wizard.core.reply import parse_certificates
from wizard.core.trust import SapStatus

G2_SHA256 = "cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f"
DIGICERT_G1_SHA1 = "a8985d3a65e5e5c4b2d7d66d40c6dd2fb19c5436"  # removed from SAP's list in v3


def from_certifi(*, sha256: str | None = None, sha1: str | None = None):
    for cert in trust.certifi_source().certificates:
        if sha256 and cert.fingerprint(hashes.SHA256()).hex() == sha256:
            return cert
        if sha1 and cert.fingerprint(hashes.SHA1()).hex() == sha1:  # noqa: S303
            return cert
    raise AssertionError("root not in certifi's bundle")


def baltimore():
    return parse_certificates((DATA / "baltimore-cybertrust-root.pem").read_bytes(), source="x")[0]


# --- SAP's list ---------------------------------------------------------------------------------


def test_the_shipped_list_says_which_version_it_is():
    sap = trust.load_sap_list()
    assert sap.version == "SAP BTP trust store v3.0.0 (2026-06-03)"
    assert len(sap.roots) == 57
    assert sum("required" in r.stores for r in sap.roots) == 10


def test_digicert_global_root_g2_from_certifi_is_required():
    sap = trust.load_sap_list()
    g2 = from_certifi(sha256=G2_SHA256)
    assert sap.status(g2) is SapStatus.REQUIRED
    entry = sap.entry(g2)
    assert entry is not None and "DigiCert Global Root G2" in entry.subject
    assert entry.sha256 == G2_SHA256 and entry.stores == frozenset({"required", "optional"})


def test_a_root_approved_only_for_client_certificates_is_approved():
    sap = trust.load_sap_list()
    optional_only = {r.sha256 for r in sap.roots if r.stores == frozenset({"optional"})}
    approved = [
        c
        for c in trust.certifi_source().certificates
        if c.fingerprint(hashes.SHA256()).hex() in optional_only
    ]
    assert approved, "certifi holds some of SAP's optional roots"
    assert {sap.status(c) for c in approved} == {SapStatus.APPROVED}


def test_digicert_global_root_ca_g1_is_judged_removed_by_its_sha1():
    g1 = parse_certificates((DATA / "digicert-global-root-ca-g1.pem").read_bytes(), source="x")[0]
    assert g1.fingerprint(hashes.SHA1()).hex() == DIGICERT_G1_SHA1  # noqa: S303
    assert trust.load_sap_list().status(g1) is SapStatus.REMOVED


def test_the_expired_baltimore_root_is_judged_expired():
    sap = trust.load_sap_list()
    assert sap.status(baltimore()) is SapStatus.EXPIRED
    assert "Neo load balancer" in sap.entry(baltimore()).note


def test_a_private_test_root_is_not_listed():
    assert trust.load_sap_list().status(pki.root("Private Root").cert) is SapStatus.NOT_LISTED


def test_a_pem_bundle_adds_its_roots_to_sap_list_and_the_version_says_so(tmp_path):
    ours, other = pki.root("Our Corporate Root"), pki.root("Partner Root")
    bundle = tmp_path / "roots-2027.pem"
    bundle.write_bytes(b"SAP roots as of 2027\n" + pki.pem(ours.cert, other.cert))

    sap = trust.load_sap_list(bundle)

    assert (
        sap.version == "SAP BTP trust store v3.0.0 (2026-06-03) plus 2 root(s) from roots-2027.pem"
    )
    assert sap.status(ours.cert) is SapStatus.APPROVED
    # added to SAP's list, not instead of it: DigiCert Global Root G2 stays required
    assert sap.status(from_certifi(sha256=G2_SHA256)) is SapStatus.REQUIRED
    source = trust.sap_list_source(sap)
    assert source is not None and source.name == "SAP list" and len(source.certificates) == 2


def test_the_wizard_setting_remembers_a_roots_file(tmp_path):
    ours = pki.root("Setting Root")
    bundle = tmp_path / "extra.pem"
    bundle.write_bytes(pki.pem(ours.cert))
    home = tmp_path / "home"
    home.mkdir()
    assert trust.saved_sap_roots(home) is None
    trust.save_sap_roots(home, bundle)
    assert trust.saved_sap_roots(home) == bundle.resolve()
    assert trust.load_sap_list(trust.saved_sap_roots(home)).status(ours.cert) is SapStatus.APPROVED
    trust.save_sap_roots(home, None)
    assert trust.saved_sap_roots(home) is None


def test_a_newer_list_in_the_shipped_json_shape_is_read_with_its_version(tmp_path):
    root = pki.root("Future Root")
    sha256 = root.cert.fingerprint(hashes.SHA256()).hex().upper()
    doc = {
        "source": "SAP BTP Trust Store, version v4.1.0, released 2027-02-01",
        "roots": [
            {
                "subject": "CN=Future Root",
                "sha256": ":".join(sha256[i : i + 2] for i in range(0, 64, 2)),
                "sha1": "",
                "not_after": "Jan  1 00:00:00 2040 GMT",
                "stores": ["optional", "required"],
            }
        ],
        "removed_in_v4": [],
    }
    path = tmp_path / "btp-trust-store.json"
    path.write_text(json.dumps(doc))

    sap = trust.load_sap_list(path)

    assert sap.version == "SAP BTP trust store v4.1.0 (2027-02-01)"
    assert sap.status(root.cert) is SapStatus.REQUIRED


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"roots": [ {"subject": ', "sap_list.unreadable"),
        (b'{"version": "x"}', "sap_list.unreadable"),
        (b"\x00\x13\x37" * 100, "reply.binary"),
        (b"", "reply.empty"),
    ],
    ids=["broken-json", "json-without-roots", "binary", "empty"],
)
def test_an_unreadable_list_gives_a_clear_error_naming_the_file(tmp_path, content, code):
    path = tmp_path / "sap-roots.json"
    path.write_bytes(content)
    with pytest.raises(WizardError) as caught:
        trust.load_sap_list(path)
    assert caught.value.code == code
    assert "sap-roots.json" in caught.value.message


def test_a_missing_list_file_is_named(tmp_path):
    with pytest.raises(WizardError) as caught:
        trust.load_sap_list(tmp_path / "nowhere.pem")
    assert caught.value.code == "file.not_found" and "nowhere.pem" in caught.value.message


# --- trust sources ------------------------------------------------------------------------------


def test_certifi_source_holds_mozillas_roots_and_is_read_once():
    source = trust.certifi_source()
    assert source.name == "certifi"
    assert from_certifi(sha256=G2_SHA256) in source.certificates
    assert trust.certifi_source() is source


def test_the_system_store_of_this_debian_machine_is_read():
    # The test machine has Debian's ca-certificates (/etc/ssl/certs/ca-certificates.crt).
    source = trust.system_source()
    assert source.name == "system store"
    assert G2_SHA256 in {c.fingerprint(hashes.SHA256()).hex() for c in source.certificates}


def test_a_ca_file_in_any_format_is_a_source_named_after_its_absolute_path(tmp_path, monkeypatch):
    root = pki.root("Corporate Root")
    issuing = root.intermediate("Corporate Issuing CA")
    monkeypatch.chdir(tmp_path)
    for name, data in [
        ("bundle.pem", pki.pem(issuing.cert, root.cert)),
        ("bundle.p7b", pki.p7b(issuing.cert, root.cert)),
        ("root.cer", pki.der(root.cert)),
    ]:
        Path(name).write_bytes(data)
        source = trust.ca_file_source(Path(name))
        assert source.name == f"--ca-file {tmp_path / name}"
        assert root.cert in source.certificates


def test_a_ca_file_that_holds_a_key_is_refused(tmp_path):
    path = tmp_path / "ca.pem"
    path.write_bytes(pki.key_pem(pki.make_key()))
    with pytest.raises(WizardError) as caught:
        trust.ca_file_source(path)
    assert caught.value.code == "reply.private_key" and "ca.pem" in caught.value.message


def test_default_sources_put_ca_files_first_then_certifi_then_the_system_store(tmp_path):
    first, second = tmp_path / "a.pem", tmp_path / "b.pem"
    first.write_bytes(pki.pem(pki.root("A").cert))
    second.write_bytes(pki.pem(pki.root("B").cert))

    names = [s.name for s in trust.default_sources([first, second])]

    assert names == [f"--ca-file {first}", f"--ca-file {second}", "certifi", "system store"]


def test_default_sources_add_the_roots_of_a_pem_bundle_sap_list_last(tmp_path):
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(pki.pem(pki.root("Listed Root").cert))
    names = [s.name for s in trust.default_sources(sap_list=trust.load_sap_list(bundle))]
    assert names[-1] == "SAP list"
    assert trust.sap_list_source(trust.load_sap_list()) is None  # the JSON list has no certificates

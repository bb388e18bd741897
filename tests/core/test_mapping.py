"""The tenant entry built from a profile's leaf: Neo mapping and Cloud Foundry service key."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from tests import pki
from wizard.core.errors import WizardError
from wizard.core.mapping import (
    DEFAULT_ROLE,
    Environment,
    LeafCertificate,
    build_flow_certificate,
    build_tenant_entry,
    channel_dn,
    colon_hex,
    leaf_of_profile,
    parse_environment,
    validate_roles,
    validate_user,
)
from wizard.core.profiles import Profile, State


@pytest.fixture(scope="module")
def ca():
    root = pki.root("Mapping Test Root")
    return root, root.intermediate("Mapping Issuing CA")


@pytest.fixture(scope="module")
def chain(ca):
    root, issuing = ca
    leaf = issuing.issue(pki.make_key().public_key(), "ERP-PRD sender")
    return leaf, issuing.cert, root.cert


@pytest.fixture
def profile() -> Profile:
    return Profile(name="ERP-PRD", state=State.CERTIFICATE_IMPORTED)


def leaf_of(chain) -> LeafCertificate:
    return LeafCertificate.from_certificate(chain[0])


def neo_entry(profile, chain, **kw):
    return build_tenant_entry(profile, leaf_of(chain), environment=Environment.NEO, **kw)


def cf_entry(profile, chain, **kw):
    return build_tenant_entry(profile, leaf_of(chain), environment=Environment.CF, **kw)


# --- Neo ------------------------------------------------------------------------------------


def test_neo_body_decodes_back_to_the_exact_leaf_pem(profile, chain):
    entry = neo_entry(profile, chain, user="ERP_SENDER")
    body = json.loads(entry.neo.body_json)
    assert list(body) == ["User", "Certificate"]
    assert body["User"] == "ERP_SENDER"
    assert body["Certificate"].startswith("LS0tLS1CRUdJTi")  # SAP's example: base64 of "-----BEGIN"
    assert base64.b64decode(body["Certificate"]) == pki.pem(chain[0])


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_neo_id_is_the_md5_of_the_der_that_openssl_computes(profile, chain, tmp_path: Path):
    chain_file = tmp_path / "chain.pem"
    chain_file.write_bytes(pki.pem(*chain))  # openssl x509 reads the first block: the leaf
    # `openssl x509 -outform DER | md5sum`, the pipe done by hand
    der = subprocess.run(
        ["openssl", "x509", "-in", str(chain_file), "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    md5 = subprocess.run(["md5sum"], input=der, check=True, capture_output=True).stdout.split()[0]
    md5 = md5.decode()
    entry = neo_entry(profile, chain)
    assert entry.neo.entity_id == md5
    assert entry.neo.cer == pki.der(chain[0])


def test_neo_valid_until_is_not_after_in_epoch_milliseconds(profile, chain):
    entry = neo_entry(profile, chain)
    assert entry.neo.valid_until_ms == int(chain[0].not_valid_after_utc.timestamp()) * 1000


def test_neo_user_defaults_to_the_earlier_user_then_to_the_profile_name(profile, chain):
    assert neo_entry(profile, chain).neo.user == "ERP-PRD"
    profile.mapping_user = "ERP_TECH_USER"
    assert neo_entry(profile, chain).neo.user == "ERP_TECH_USER"
    assert neo_entry(profile, chain, user="OTHER").neo.user == "OTHER"


def test_neo_checklist_uploads_then_assigns_every_role_on_the_iflmap_application(profile, chain):
    entry = neo_entry(profile, chain, user="ERP_SENDER", roles=["ESBMessaging.send", "Z.orders"])
    ids = [s.id for s in entry.checklist]
    assert ids[0] == "neo.upload"
    assert "client.cer" in entry.checklist[0].text
    assert entry.neo.entity_id in entry.checklist[0].text
    assert "neo.role.ESBMessaging.send" in ids and "neo.role.Z.orders" in ids
    # only the custom role has to be created first
    assert "neo.custom_role.Z.orders" in ids
    assert "neo.custom_role.ESBMessaging.send" not in ids
    role_step = next(s for s in entry.checklist if s.id == "neo.role.Z.orders")
    assert "iflmap" in role_step.text and "ERP_SENDER" in role_step.text
    assert ids[-2:] == ["channel.role", "test"]


def test_neo_access_log_shows_cn_at_issuer_cn_before_and_the_user_after(profile, chain):
    entry = neo_entry(profile, chain, user="ERP_SENDER")
    assert entry.access_log_before == "ERP-PRD sender@Mapping Issuing CA"
    assert entry.access_log_after == "ERP_SENDER"
    test_step = entry.checklist[-1]
    assert "'ERP-PRD sender@Mapping Issuing CA'" in test_step.text
    assert "'ERP_SENDER'" in test_step.text


def test_neo_warns_that_a_reissued_certificate_needs_a_new_entry(profile, chain):
    warnings = neo_entry(profile, chain).warnings
    assert any("whole certificate" in w and "new mapping entry" in w for w in warnings)


# --- Cloud Foundry --------------------------------------------------------------------------


def test_cf_service_key_holds_the_leaf_only_never_the_chain(profile, chain):
    entry = cf_entry(profile, chain)
    key = json.loads(entry.cf.service_key_json)
    # SAP: "Validity in days (only applicable if for Key Type the option Certificate has been
    # chosen)": an External Certificate key has none.
    assert list(key) == ["key-type", "X.509"]
    assert key["key-type"] == "certificate_external"
    assert key["X.509"].count("-----BEGIN CERTIFICATE-----") == 1  # the leaf, never the chain
    leaf_pem = chain[0].public_bytes(serialization.Encoding.PEM).decode()
    assert key["X.509"] == leaf_pem.replace("\n", "")


def test_cf_x509_field_is_one_line_like_sap_documented_example(profile, chain):
    # SAP's example: -----BEGIN CERTIFICATE-----MIIHyDCCBrCgAwIB[...]==-----END CERTIFICATE-----
    value = json.loads(cf_entry(profile, chain).cf.service_key_json)["X.509"]
    assert "\n" not in value
    assert value.startswith("-----BEGIN CERTIFICATE-----MII")
    assert value.endswith("-----END CERTIFICATE-----")
    der = base64.b64decode(value.removeprefix("-----BEGIN CERTIFICATE-----").removesuffix(
        "-----END CERTIFICATE-----"))  # fmt: skip
    assert x509.load_der_x509_certificate(der) == chain[0]


@pytest.mark.parametrize("role", ["AuthGroup.Administrator", "AuthGroup.IntegrationDeveloper",
                                  "Provisioning.Admin"])  # fmt: skip
def test_a_tenant_administration_role_given_as_sender_role_is_warned_about(profile, chain, role):
    for entry in (neo_entry(profile, chain, roles=[role]), cf_entry(profile, chain, roles=[role])):
        warning = next(w for w in entry.warnings if role in w)
        assert "not a role for sending messages" in warning and "ESBMessaging.send" in warning
    assert not any("sending messages" in w for w in neo_entry(profile, chain).warnings)


def test_custom_domain_profile_puts_sap_custom_domain_steps_first(profile, chain):
    profile.custom_domain = "cpi.example.com"
    entry = cf_entry(profile, chain)
    first = entry.checklist[0]
    assert first.id == "custom_domain"
    assert "https://cpi.example.com/http/<address>" in first.text
    assert "client authentication" in first.text and "Mapping Issuing CA" in first.text


def test_cf_service_instance_grants_client_credentials_with_the_roles(profile, chain):
    entry = cf_entry(profile, chain, roles=["ESBMessaging.send", "Z.orders"])
    assert json.loads(entry.cf.service_instance_json) == {
        "grant-types": ["client_credentials"],
        "redirect-uris": [],
        "roles": ["ESBMessaging.send", "Z.orders"],
    }


def test_cf_commands_are_the_exact_cf_cli_lines(profile, chain):
    entry = cf_entry(profile, chain, instance="erp-inbound", key_name="erp-2026")
    assert entry.cf.create_service_command == (
        "cf create-service it-rt integration-flow erp-inbound -c service-instance.json"
    )
    assert entry.cf.create_service_key_command == (
        "cf create-service-key erp-inbound erp-2026 -c service-key.json"
    )
    commands = [s.command for s in entry.checklist if s.command]
    assert entry.cf.create_service_command in commands
    assert entry.cf.create_service_key_command in commands


def test_cf_default_key_name_carries_the_fingerprint_so_a_renewal_gets_a_new_key(profile, chain):
    entry = cf_entry(profile, chain)
    assert entry.cf.instance == "ERP-PRD-inbound"
    assert entry.cf.key_name == f"ERP-PRD-{entry.leaf.sha256[:8]}"


def test_cf_warnings_cover_what_breaks_certificate_login(profile, chain):
    text = "\n".join(cf_entry(profile, chain).warnings)
    assert "exactly one service key" in text
    assert "Pin Certificate is on by default" in text and "new service key" in text
    assert "up to an hour" in text
    assert "Trial tenants" in text
    assert "client_x509" in text


@pytest.mark.parametrize("name", ["erp inbound", "erp;rm", "-leading", "ä"])
def test_cf_names_that_would_need_shell_quoting_are_refused(profile, chain, name):
    with pytest.raises(WizardError) as err:
        cf_entry(profile, chain, instance=name)
    assert err.value.code == "mapping.cf_name"
    assert repr(name) in err.value.message


def test_cf_validity_below_one_day_is_refused(profile, chain):
    with pytest.raises(WizardError, match="above 0"):
        cf_entry(profile, chain, validity_days=0)


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (" ERP", "leading or trailing spaces"),
        ("ERP ", "leading or trailing spaces"),
        ("E" * 151, "151 characters long; the tenant allows at most 150"),
        ("ERP\nX", "control character"),
        ("ERP\u2028X", "control character"),
        ("ERP PRD", "contains a space"),
        ("ERP\u3000PRD", "contains a space"),
    ],
)
def test_bad_user_names_are_refused_with_the_reason(user, expected):
    with pytest.raises(WizardError) as err:
        validate_user(user)
    assert err.value.code == "mapping.user"
    assert expected in err.value.message


def test_a_user_name_of_150_characters_and_any_other_character_is_accepted():
    assert validate_user("E" * 150) == "E" * 150
    assert validate_user("sender@erp.example(PRD)") == "sender@erp.example(PRD)"
    assert validate_user("Müller-ERP_送信") == "Müller-ERP_送信"


@pytest.mark.parametrize(
    ("role", "bad"),
    [("ESB Messaging", "' '"), ("z-orders", "'-'"), ("Zähler", "'ä'"), ("", "nothing")],
)
def test_role_names_outside_letters_digits_underscore_dot_are_refused(role, bad):
    with pytest.raises(WizardError) as err:
        validate_roles([role])
    assert err.value.code == "mapping.role"
    assert bad in err.value.message
    assert "letters, digits, '_' and '.'" in err.value.message


def test_roles_default_to_esbmessaging_send_and_duplicates_are_dropped():
    assert validate_roles([]) == (DEFAULT_ROLE,)
    assert validate_roles(["Z.a", "Z_b", "Z.a"]) == ("Z.a", "Z_b")


def test_environment_comes_from_the_profile_unless_given(profile):
    with pytest.raises(WizardError) as err:
        parse_environment(None, profile)
    assert "--env neo or --env cf" in err.value.message
    profile.environment = "cf"
    assert parse_environment(None, profile) is Environment.CF
    assert parse_environment("neo", profile) is Environment.NEO


# --- the profile's certificate --------------------------------------------------------------


def test_profile_without_a_certificate_is_told_to_import_the_reply_first(chain):
    profile = Profile(name="ERP-PRD", state=State.KEY_GENERATED)
    with pytest.raises(WizardError) as err:
        leaf_of_profile(profile, pki.pem(*chain))
    assert err.value.code == "mapping.no_certificate"
    assert "import-reply --profile ERP-PRD" in err.value.message


def test_profile_marked_imported_but_without_chain_file_says_so(profile):
    with pytest.raises(WizardError) as err:
        leaf_of_profile(profile, None, source="/x/chain.pem")
    assert "/x/chain.pem" in err.value.message and "import-reply" in err.value.message


def test_the_leaf_is_the_first_certificate_of_chain_pem(profile, chain):
    leaf = leaf_of_profile(profile, pki.pem(*chain))
    assert leaf.pem.encode() == pki.pem(chain[0])
    assert leaf.subject_cn == "ERP-PRD sender"


def test_expired_certificate_is_refused_with_its_date(ca, profile):
    _root, issuing = ca
    old = issuing.issue(
        pki.make_key().public_key(),
        "ERP-PRD sender",
        not_before=pki.NOW - dt.timedelta(days=400),
        days=30,
    )
    with pytest.raises(WizardError) as err:
        leaf_of_profile(profile, pki.pem(old, issuing.cert))
    assert err.value.code == "mapping.expired"
    assert old.not_valid_after_utc.isoformat() in err.value.message
    assert "csr --profile ERP-PRD --new-key" in err.value.message


def test_chain_file_whose_leaf_is_not_the_recorded_one_is_refused(profile, chain):
    profile.leaf_sha256 = "00" * 32
    with pytest.raises(WizardError) as err:
        leaf_of_profile(profile, pki.pem(*chain))
    assert "00:00:00" in err.value.message and "import-reply" in err.value.message


def test_unreadable_chain_file_is_reported(profile):
    with pytest.raises(WizardError) as err:
        leaf_of_profile(profile, b"not a certificate", source="chain.pem")
    assert err.value.code == "mapping.certificate"


# --- renewal --------------------------------------------------------------------------------


def test_no_renewal_notice_for_a_first_mapping_or_the_same_certificate(profile, chain):
    assert neo_entry(profile, chain).renewal is None
    profile.mapped_leaf_sha256 = leaf_of(chain).sha256
    assert neo_entry(profile, chain).renewal is None


@pytest.mark.parametrize("field", ["mapped_leaf_sha256", "previous_leaf_sha256"])
@pytest.mark.parametrize("environment", [Environment.NEO, Environment.CF])
def test_renewed_certificate_says_the_old_entry_must_be_replaced_with_both_fingerprints(
    profile, chain, field, environment
):
    old = "ab" * 32
    setattr(profile, field, old)
    entry = build_tenant_entry(profile, leaf_of(chain), environment=environment)
    assert entry.renewal is not None
    assert entry.renewal.old_sha256 == old
    assert entry.renewal.new_sha256 == entry.leaf.sha256
    assert colon_hex(old) in entry.renewal.text
    assert colon_hex(entry.leaf.sha256) in entry.renewal.text
    expected = "old mapping entry" if environment is Environment.NEO else "old service key"
    assert expected in entry.renewal.text


def test_a_certificate_past_two_thirds_of_its_life_gets_a_renewal_warning(ca, profile):
    _root, issuing = ca
    aging = issuing.issue(
        pki.make_key().public_key(),
        "ERP-PRD sender",
        not_before=pki.NOW - dt.timedelta(days=80),
        days=100,
    )
    entry = build_tenant_entry(
        profile, LeafCertificate.from_certificate(aging), environment=Environment.CF
    )
    assert any("plan its renewal" in w and "new service key" in w for w in entry.warnings)


# --- the certificate in the integration flow (second option, not recommended) ------------------


def _rdn(*pairs) -> x509.RelativeDistinguishedName:
    return x509.RelativeDistinguishedName([x509.NameAttribute(oid, value) for oid, value in pairs])


def _name(*rdns) -> x509.Name:
    return x509.Name(list(rdns))


@pytest.fixture(scope="module")
def rich_chain():
    """A leaf and an issuing CA whose names use every usual attribute, a multi-valued RDN and
    values that need RFC 2253 escaping."""
    root = pki.root("Flow Test Root")
    ca_key = pki.make_key()
    ca_name = _name(
        _rdn((NameOID.DOMAIN_COMPONENT, "com")),
        _rdn((NameOID.DOMAIN_COMPONENT, "acme")),
        _rdn((NameOID.COUNTRY_NAME, "DE")),
        _rdn((NameOID.ORGANIZATION_NAME, "ACME, Inc.")),
        _rdn((NameOID.COMMON_NAME, "ACME Issuing CA 2")),
    )
    ca_cert = root.issue(ca_key.public_key(), ca_name, ca=True, eku=None)
    issuing = pki.Authority(cert=ca_cert, key=ca_key, parent=root)
    leaf_name = _name(
        _rdn((NameOID.COUNTRY_NAME, "DE")),
        _rdn((NameOID.STATE_OR_PROVINCE_NAME, "Baden-Wuerttemberg")),
        _rdn((NameOID.LOCALITY_NAME, "Walldorf")),
        _rdn((NameOID.ORGANIZATION_NAME, "ACME, Inc.")),
        _rdn(
            (NameOID.ORGANIZATIONAL_UNIT_NAME, "IT+Ops"), (NameOID.ORGANIZATIONAL_UNIT_NAME, "B2B")
        ),
        _rdn((NameOID.STREET_ADDRESS, "Main Street 1")),
        _rdn((NameOID.USER_ID, "erp-prd")),
        _rdn((NameOID.SERIAL_NUMBER, "0042")),
        _rdn((NameOID.EMAIL_ADDRESS, "it@acme.example")),
        _rdn((NameOID.COMMON_NAME, '#ERP <PRD>; "sender" \\ 01')),
    )
    leaf = issuing.issue(pki.make_key().public_key(), leaf_name)
    return leaf, issuing.cert, root.cert


def openssl_dns(cert: x509.Certificate, tmp_path: Path, nameopt: str = "RFC2253") -> list[str]:
    path = tmp_path / "leaf.pem"
    path.write_bytes(pki.pem(cert))
    out = subprocess.run(
        ["openssl", "x509", "-in", str(path), "-noout", "-subject", "-issuer", "-nameopt", nameopt],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line.split("=", 1)[1] for line in out.splitlines()]


def flow_entry(profile, chain, environment=Environment.NEO, **kw):
    return build_flow_certificate(profile, leaf_of(chain), environment=environment, **kw)


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_flow_certificate_dns_are_what_openssl_prints_with_rfc2253(profile, rich_chain, tmp_path):
    entry = flow_entry(profile, rich_chain)
    assert [entry.subject_dn, entry.issuer_dn] == openssl_dns(rich_chain[0], tmp_path)
    assert entry.subject_dn.startswith('CN=\\#ERP \\<PRD\\>\\; \\"sender\\" \\\\ 01,')
    assert entry.subject_dn.endswith(",O=ACME\\, Inc.,L=Walldorf,ST=Baden-Wuerttemberg,C=DE")
    assert entry.issuer_dn == "CN=ACME Issuing CA 2,O=ACME\\, Inc.,C=DE,DC=acme,DC=com"


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_flow_certificate_dns_of_the_plain_test_chain_match_openssl(profile, chain, tmp_path):
    entry = flow_entry(profile, chain)
    assert [entry.subject_dn, entry.issuer_dn] == openssl_dns(chain[0], tmp_path)
    assert entry.subject_dn == "CN=ERP-PRD sender,O=Test PKI,C=DE"


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_non_ascii_names_stay_readable_and_mean_what_openssl_means(ca, profile, tmp_path):
    _root, issuing = ca
    name = _name(
        _rdn((NameOID.COUNTRY_NAME, "DE")),
        _rdn((NameOID.LOCALITY_NAME, "Müllheim")),
        _rdn((NameOID.COMMON_NAME, "Zürich Sender ✓")),
    )
    leaf = issuing.issue(pki.make_key().public_key(), name)
    entry = flow_entry(profile, (leaf,))
    assert entry.subject_dn == "CN=Zürich Sender ✓,L=Müllheim,C=DE"
    assert [entry.subject_dn, entry.issuer_dn] == openssl_dns(leaf, tmp_path, "RFC2253,-esc_msb")
    escaped = openssl_dns(leaf, tmp_path)[0]  # plain RFC2253 escapes each UTF-8 byte as \XX
    assert escaped == "CN=Z\\C3\\BCrich Sender \\E2\\9C\\93,L=M\\C3\\BCllheim,C=DE"


def test_flow_certificate_crt_is_the_leaf_only_as_pem(profile, chain):
    entry = flow_entry(profile, chain)
    certs = x509.load_pem_x509_certificates(entry.crt)
    assert certs == [chain[0]]


@pytest.mark.parametrize(
    ("environment", "recommended"),
    [(Environment.NEO, "Certificate-to-User Mapping"), (Environment.CF, "service key")],
)
def test_flow_certificate_warns_that_every_renewal_needs_a_redeploy(
    profile, chain, environment, recommended
):
    entry = flow_entry(profile, chain, environment)
    first = entry.warnings[0]
    assert "not recommended" in first and "redeploy" in first and "downtime" in first
    assert recommended in first
    assert "cpi-cert-wizard mapping --profile ERP-PRD" in first
    assert any("next to the old one" in w for w in entry.warnings)
    assert [s.id for s in entry.checklist] == ["flow.channel", "flow.deploy", "test"]
    assert "Authorization = Client Certificate" in entry.checklist[0].text
    assert "client.crt" in entry.checklist[0].text


def test_flow_certificate_on_cloud_foundry_says_a_service_key_may_still_be_needed(profile, chain):
    cf = flow_entry(profile, chain, Environment.CF)
    assert any("not confirmed" in w and "--env cf" in w for w in cf.warnings)
    neo = flow_entry(profile, chain, Environment.NEO)
    assert not any("not confirmed" in w for w in neo.warnings)


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_uncommon_attribute_types_advise_uploading_the_crt(ca, profile, tmp_path):
    _root, issuing = ca
    name = _name(
        _rdn((NameOID.COUNTRY_NAME, "DE")),
        _rdn((NameOID.SURNAME, "Doe")),
        _rdn((NameOID.GIVEN_NAME, "Jo")),
        _rdn((NameOID.COMMON_NAME, "Jo Doe")),
    )
    leaf = issuing.issue(pki.make_key().public_key(), name)
    entry = flow_entry(profile, (leaf,))
    assert entry.subject_dn == openssl_dns(leaf, tmp_path)[0] == "CN=Jo Doe,GN=Jo,SN=Doe,C=DE"
    assert any("Subject DN holds attribute types (GN, SN)" in w for w in entry.warnings)
    assert not any("Issuer DN holds" in w for w in entry.warnings)


def test_channel_dn_reads_any_name_without_a_certificate():
    name = x509.Name.from_rfc4514_string("CN=a,OU=b+OU=c,O=d")
    assert channel_dn(name) == "CN=a,OU=c+OU=b,O=d"  # openssl's order within the RDN, too


def test_renewed_certificate_in_the_flow_is_added_next_to_the_old_one(profile, chain):
    profile.mapped_leaf_sha256 = "ab" * 32
    entry = flow_entry(profile, chain)
    assert entry.renewal is not None
    assert "next to the old one" in entry.renewal.text
    assert colon_hex("ab" * 32) in entry.renewal.text
    assert flow_entry(Profile(name="new", state=State.CERTIFICATE_IMPORTED), chain).renewal is None


def test_flow_certificate_near_its_end_says_the_renewal_means_a_redeploy(ca, profile):
    _root, issuing = ca
    aging = issuing.issue(
        pki.make_key().public_key(),
        "ERP-PRD sender",
        not_before=pki.NOW - dt.timedelta(days=80),
        days=100,
    )
    entry = flow_entry(profile, (aging,))
    assert any("plan its renewal" in w and "redeploy" in w for w in entry.warnings)


def test_flow_certificate_names_sap_second_reason_only_the_dns_are_checked(profile, chain):
    entry = build_flow_certificate(profile, leaf_of(chain), environment=Environment.NEO)
    warning = next(w for w in entry.warnings if "subject and issuer DN" in w)
    assert "evaluating the certificate's subject/issuer distinguished name" in warning


@pytest.mark.parametrize(
    "pasted",
    [
        "https://acc-tmn.hci.eu1.hana.ondemand.com/itspaces/shell/design",
        "https://acc-tmn.hci.eu1.hana.ondemand.com/itspaces/shell/monitoring/Messages/",
        "https://acc-tmn.hci.eu1.hana.ondemand.com/api/v1/CertificateUserMappings",
    ],
)
def test_a_pasted_neo_web_ui_address_becomes_api_v1_on_the_same_host(pasted):
    from wizard.core.neo_api import api_root

    assert api_root(pasted) == "https://acc-tmn.hci.eu1.hana.ondemand.com/api/v1"

"""`cpi-cert-wizard mapping`: the files and checklist a tenant administrator gets, and publish."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from tests import pki
from tests.tenant_double import RunningTenant, TenantState, neo_tenant
from wizard.cli import Context
from wizard.core.errors import WizardError
from wizard.core.mapping import colon_hex
from wizard.core.profiles import Artefact, ProfileStore, State
from wizard.core.secrets import SERVICE

SECRET_ENV = "CPI_CERT_WIZARD_TENANT_SECRET"


@pytest.fixture(scope="module")
def ca():
    root = pki.root("CLI Mapping Root")
    return root, root.intermediate("CLI Issuing CA")


def certified(
    home: Path,
    ca,
    name: str = "ERP",
    *,
    environment: str | None = None,
    state: State = State.CERTIFICATE_IMPORTED,
    **cert_kw,
):
    """A profile as import-reply leaves it: chain.pem, client.pem/.cer and the leaf's fields."""
    root, issuing = ca
    leaf = issuing.issue(pki.make_key().public_key(), f"{name} sender", **cert_kw)
    store = ProfileStore(home)
    profile = store.create(name)
    store.write_artefact(name, Artefact.CHAIN, pki.pem(leaf, issuing.cert, root.cert))
    store.write_artefact(name, Artefact.LEAF_PEM, pki.pem(leaf))
    store.write_artefact(name, Artefact.LEAF_CER, pki.der(leaf))
    profile.state = state
    profile.environment = environment
    profile.leaf_sha256 = leaf.fingerprint(hashes.SHA256()).hex()
    profile.leaf_subject = leaf.subject.rfc4514_string()
    profile.leaf_issuer = leaf.issuer.rfc4514_string()
    profile.not_before = leaf.not_valid_before_utc.isoformat()
    profile.not_after = leaf.not_valid_after_utc.isoformat()
    store.save(profile)
    return leaf, store


def folder_state(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())} if path.is_dir() else {}


@pytest.fixture(autouse=True)
def no_tenant_secret_in_environment(monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)


# --- Neo ------------------------------------------------------------------------------------


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_neo_mapping_writes_the_cer_and_the_api_body_and_marks_the_profile_mapped(
    cli, home, ca, tmp_path
):
    leaf, store = certified(home, ca, environment="neo")
    out = tmp_path / "for-the-admin"
    result = cli("mapping", "--profile", "ERP", "--user", "ERP_SENDER", "--out", out)
    assert result.code == 0, result.err
    for folder in (out, store.folder("ERP")):
        assert (folder / "client.cer").read_bytes() == pki.der(leaf)
        body = json.loads((folder / "neo-mapping.json").read_text())
        assert body["User"] == "ERP_SENDER"
        assert base64.b64decode(body["Certificate"]) == pki.pem(leaf)
    # the Id printed is what openssl computes for the .cer written
    der = subprocess.run(
        ["openssl", "x509", "-inform", "DER", "-in", str(out / "client.cer"), "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    md5 = subprocess.run(["md5sum"], input=der, check=True, capture_output=True).stdout.split()[0]
    assert f"Mapping Id the tenant assigns: {md5.decode()}" in result.out
    assert "Certificate-to-User Mappings" in result.out
    assert "'ERP sender@CLI Issuing CA'" in result.out  # the access-log line before mapping
    profile = store.load("ERP")
    assert profile.state is State.MAPPED
    assert profile.mapping_user == "ERP_SENDER"
    assert profile.mapping_roles == ["ESBMessaging.send"]
    assert profile.mapped_leaf_sha256 == leaf.fingerprint(hashes.SHA256()).hex()


def test_second_run_keeps_the_user_and_roles_of_the_first(cli, home, ca):
    certified(home, ca, environment="neo")
    assert (
        cli("mapping", "--profile", "ERP", "--user", "ERP_SENDER", "--role", "Z.orders").code == 0
    )
    result = cli("mapping", "--profile", "ERP", "--json")
    assert result.json["neo"]["user"] == "ERP_SENDER"
    assert result.json["neo"]["roles"] == ["Z.orders"]
    assert result.json["renewal"] is None


def test_json_output_describes_the_entry_and_the_files(cli, home, ca, tmp_path):
    leaf, _ = certified(home, ca, environment="neo")
    result = cli("mapping", "--profile", "ERP", "--role", "ESBMessaging.send", "Z.a", "--json")
    assert result.code == 0
    data = result.json
    assert data["ok"] is True and data["environment"] == "neo" and data["state"] == "mapped"
    assert data["neo"]["roles"] == ["ESBMessaging.send", "Z.a"]
    assert data["neo"]["valid_until_ms"] == int(leaf.not_valid_after_utc.timestamp()) * 1000
    assert data["access_log"] == {"before": "ERP sender@CLI Issuing CA", "after": "ERP"}
    assert {s["id"] for s in data["checklist"]} >= {"neo.upload", "neo.role.Z.a", "test"}
    assert Path(data["files"]["neo_mapping"]).is_file()
    assert Path(data["files"]["leaf_cer"]).read_bytes() == pki.der(leaf)


# --- Cloud Foundry --------------------------------------------------------------------------


def test_cf_files_parse_and_the_printed_commands_run_on_the_files_written(cli, home, ca, tmp_path):
    leaf, store = certified(home, ca, environment="cf")
    out = tmp_path / "cf files"  # a space: the printed cd must quote it
    result = cli("mapping", "--profile", "ERP", "--out", out, "--instance", "erp-in")
    assert result.code == 0, result.err
    key = json.loads((out / "service-key.json").read_text())
    assert key["key-type"] == "certificate_external"
    assert x509.load_pem_x509_certificates(key["X.509"].encode()) == [leaf]  # the leaf only
    instance = json.loads((out / "service-instance.json").read_text())
    assert instance == {
        "grant-types": ["client_credentials"],
        "redirect-uris": [],
        "roles": ["ESBMessaging.send"],
    }
    assert (store.folder("ERP") / "service-key.json").read_text() == (
        out / "service-key.json"
    ).read_text()
    cd = re.search(r"cd (.+)\)$", result.out, re.MULTILINE).group(1)
    assert cd == f"'{out.resolve()}'"
    commands = re.findall(r"^\s+\$ (cf .+)$", result.out, re.MULTILINE)
    sha = leaf.fingerprint(hashes.SHA256()).hex()
    assert commands == [
        "cf create-service it-rt integration-flow erp-in -c service-instance.json",
        f"cf create-service-key erp-in ERP-{sha[:8]} -c service-key.json",
    ]
    for command in commands:
        assert (out / command.split(" -c ")[1]).is_file()
    for warning in ("exactly one service key", "Pin Certificate", "up to an hour", "Trial"):
        assert warning in result.out
    assert store.load("ERP").mapping_user is None


def test_environment_comes_from_fetch_root_and_is_required_when_unknown(cli, home, ca):
    _leaf, store = certified(home, ca)
    before = folder_state(store.folder("ERP"))
    result = cli("mapping", "--profile", "ERP")
    assert result.code == 2
    assert "Give --env neo or --env cf" in result.err
    assert folder_state(store.folder("ERP")) == before
    assert cli("mapping", "--profile", "ERP", "--env", "cf").code == 0
    assert store.load("ERP").environment == "cf"  # remembered when nothing was recorded


# --- errors: clear message, nothing written -------------------------------------------------


def assert_refused(cli, store: ProfileStore, out: Path, *args: str, expect: str) -> None:
    before = folder_state(store.folder("ERP"))
    result = cli("mapping", "--profile", "ERP", "--out", out, *args)
    assert result.code == 2, result.out
    assert expect in result.err
    assert "Traceback" not in result.err
    assert folder_state(store.folder("ERP")) == before
    assert not out.exists()


def test_profile_without_certificate_is_told_to_import_the_reply_first(cli, home, tmp_path):
    store = ProfileStore(home)
    profile = store.create("ERP")
    profile.state, profile.environment = State.KEY_GENERATED, "neo"
    store.save(profile)
    assert_refused(
        cli,
        store,
        tmp_path / "out",
        expect="Import the CA's reply first: cpi-cert-wizard import-reply --profile ERP",
    )


def test_expired_certificate_is_refused(cli, home, ca, tmp_path):
    leaf, store = certified(
        home, ca, environment="neo", not_before=pki.NOW - dt.timedelta(days=100), days=30
    )
    assert_refused(
        cli, store, tmp_path / "out", expect=f"expired on {leaf.not_valid_after_utc.isoformat()}"
    )


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (("--user", " ERP"), "leading or trailing spaces"),
        (("--user", "x" * 151), "at most 150"),
        (("--role", "ESB Messaging.send"), "is not a valid role name"),
        (("--role", "ok.role", "bad-role"), "'bad-role' is not a valid role name"),
    ],
)
def test_bad_user_names_and_roles_are_refused(cli, home, ca, tmp_path, args, expect):
    _leaf, store = certified(home, ca, environment="neo")
    assert_refused(cli, store, tmp_path / "out", *args, expect=expect)


@pytest.fixture(scope="module")
def sandbox_tenant(tmp_path_factory):
    from wizard.sandbox import Sandbox

    return Sandbox(tmp_path_factory.mktemp("mapping-users") / "sandbox")


@pytest.mark.parametrize(
    ("user", "accepted"),
    [
        ("ERP PRD", False),  # a space inside: the sandbox tenant refused it, mapping wrote it
        ("ERP\u00a0PRD", False),  # a no-break space
        ("ERP\u2028PRD", False),  # a line separator
        ("ERP\x85PRD", False),  # a C1 control character
        ("sender@erp.example(PRD)", True),
        ("E" * 150, True),
    ],
)
def test_mapping_and_the_sandbox_tenant_accept_the_same_user_names(
    cli, home, ca, tmp_path, sandbox_tenant, user, accepted
):
    _leaf, store = certified(home, ca, environment="neo")
    if accepted:
        result = cli("mapping", "--profile", "ERP", "--out", tmp_path / "out", "--user", user)
        assert result.code == 0, result.err
        assert sandbox_tenant.grant(user, "ESBMessaging.send") == ("ESBMessaging.send",)
        return
    assert_refused(cli, store, tmp_path / "out", "--user", user, expect="The user name")
    with pytest.raises(WizardError) as refused:
        sandbox_tenant.grant(user, "ESBMessaging.send")
    assert refused.value.code == "sandbox.user"
    assert refused.value.message in cli("mapping", "--profile", "ERP", "--user", user).err


def test_cf_flags_on_neo_and_publish_on_cf_are_refused(cli, home, ca, tmp_path):
    _leaf, store = certified(home, ca, environment="neo")
    assert_refused(cli, store, tmp_path / "o1", "--instance", "x", expect="for Cloud Foundry")
    assert_refused(
        cli,
        store,
        tmp_path / "o2",
        "--env",
        "cf",
        "--publish",
        "--tmn",
        "https://x",
        "--tmn-user",
        "u",
        expect="--publish is for Neo",
    )
    assert_refused(
        cli, store, tmp_path / "o3", "--tmn-user", "u", expect="only work with --publish"
    )


# --- renewal --------------------------------------------------------------------------------


def test_renewed_certificate_shows_old_and_new_fingerprints(cli, home, ca):
    leaf, store = certified(home, ca, environment="neo", state=State.TESTED)
    profile = store.load("ERP")
    profile.mapped_leaf_sha256 = "cd" * 32  # what the tenant holds from the last run
    profile.mapping_user = "ERP_SENDER"
    store.save(profile)
    result = cli("mapping", "--profile", "ERP")
    assert result.code == 0
    assert "old mapping entry does not cover it" in result.out
    assert f"old SHA-256: {colon_hex('cd' * 32)}" in result.out
    assert f"new SHA-256: {colon_hex(leaf.fingerprint(hashes.SHA256()).hex())}" in result.out
    assert "for user ERP_SENDER" in result.out
    assert store.load("ERP").state is State.MAPPED  # the old test no longer counts


def test_a_tested_profile_stays_tested_when_the_same_certificate_is_mapped_again(cli, home, ca):
    leaf, store = certified(home, ca, environment="neo", state=State.TESTED)
    profile = store.load("ERP")
    profile.mapped_leaf_sha256 = leaf.fingerprint(hashes.SHA256()).hex()
    store.save(profile)
    assert cli("mapping", "--profile", "ERP").code == 0
    assert store.load("ERP").state is State.TESTED


# --- publish --------------------------------------------------------------------------------


@pytest.fixture
def tenant(tmp_path: Path) -> Iterator[RunningTenant]:
    with neo_tenant(tmp_path / "tenant") as running:
        yield running


def publish_args(tenant: RunningTenant, *extra: str) -> list:
    return [
        "mapping",
        "--profile",
        "ERP",
        "--user",
        "ERP_SENDER",
        "--publish",
        "--tmn",
        tenant.url,
        "--ca-file",
        tenant.ca_file,
        *extra,
    ]


def test_publish_reports_the_tenants_id_and_valid_until(cli, home, ca, tenant, monkeypatch):
    leaf, store = certified(home, ca, environment="neo")
    monkeypatch.setenv(SECRET_ENV, "api-secret")
    result = cli(*publish_args(tenant, "--tmn-user", "api-user"))
    assert result.code == 0, result.err
    entry = next(iter(tenant.state.entries.values()))
    assert entry["User"] == "ERP_SENDER"
    assert f"Published: Id {entry['Id']}, user ERP_SENDER" in result.out
    assert f"valid until {leaf.not_valid_after_utc:%Y-%m-%d %H:%M} UTC" in result.out
    assert "[x] 1." in result.out  # the upload step is done
    assert "api-secret" not in result.out + result.err
    assert store.load("ERP").state is State.MAPPED


def test_publish_asks_for_the_secret_once_and_then_takes_it_from_the_keyring(
    cli, home, ca, tenant, monkeypatch, memory_keyring
):
    certified(home, ca, environment="neo")
    asked: list[str] = []

    def person(self, prompt: str) -> str:
        asked.append(prompt)
        return "client-secret"

    monkeypatch.setattr(Context, "ask_secret", person)
    args = publish_args(
        tenant, "--tmn-client-id", "api-client", "--tmn-token-url", tenant.token_url, "--json"
    )
    first = cli(*args)
    assert first.code == 0, first.err
    assert first.json["published"]["id"] == first.json["neo"]["id"]
    assert memory_keyring.entries[(SERVICE, "ERP/tenant-api")] == "client-secret"
    second = cli(*args)
    assert second.code == 0
    assert len(asked) == 1
    assert "client-secret" not in first.out + second.out


def test_publish_with_a_rejected_stored_secret_removes_it_and_writes_nothing(
    cli, home, ca, tenant, memory_keyring
):
    _leaf, store = certified(home, ca, environment="neo")
    memory_keyring.entries[(SERVICE, "ERP/tenant-api")] = "old-password"
    before = folder_state(store.folder("ERP"))
    result = cli(*publish_args(tenant, "--tmn-user", "api-user"))
    assert result.code == 2
    assert "refused the credentials of user 'api-user' (HTTP 401)" in result.err
    assert "removed from the keyring" in result.err
    assert (SERVICE, "ERP/tenant-api") not in memory_keyring.entries
    assert "old-password" not in result.err
    assert folder_state(store.folder("ERP")) == before


def test_publish_without_csrf_token_fails_with_its_message(cli, home, ca, tmp_path, monkeypatch):
    _leaf, store = certified(home, ca, environment="neo")
    monkeypatch.setenv(SECRET_ENV, "api-secret")
    with neo_tenant(tmp_path / "t", TenantState(hand_out_csrf=False)) as tenant:
        result = cli(*publish_args(tenant, "--tmn-user", "api-user", "--json"))
    assert result.code == 2
    assert result.json["error"]["code"] == "tenant_api.csrf"
    assert "did not hand out a CSRF token" in result.json["error"]["message"]
    assert store.load("ERP").state is State.CERTIFICATE_IMPORTED


def test_publish_to_a_closed_port_fails_with_a_network_message(cli, home, ca, tenant, monkeypatch):
    certified(home, ca, environment="neo")
    monkeypatch.setenv(SECRET_ENV, "api-secret")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = publish_args(tenant, "--tmn-user", "api-user")
    args[args.index(tenant.url)] = f"https://127.0.0.1:{port}"
    result = cli(*args)
    assert result.code == 2
    assert f"Cannot reach 127.0.0.1:{port}: connection refused" in result.err


def test_publish_needs_exactly_one_way_to_log_in(cli, home, ca, tenant):
    certified(home, ca, environment="neo")
    result = cli(*publish_args(tenant))
    assert result.code == 2
    assert "exactly one of --tmn-user" in result.err
    result = cli(*publish_args(tenant, "--tmn-client-id", "api-client"))
    assert "--tmn-client-id needs --tmn-token-url" in result.err


# --- the certificate in the integration flow --------------------------------------------------


def openssl_subject_issuer(crt: Path) -> list[str]:
    out = subprocess.run(
        [
            "openssl",
            "x509",
            "-in",
            str(crt),
            "-noout",
            "-subject",
            "-issuer",
            "-nameopt",
            "RFC2253",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line.split("=", 1)[1] for line in out.splitlines()]


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_flow_certificate_writes_client_crt_and_prints_the_dns_openssl_reads_from_it(
    cli, home, ca, tmp_path
):
    leaf, store = certified(home, ca, environment="neo")
    profile = store.load("ERP")
    profile.mapping_user = "ERP_SENDER"  # an earlier mapping stays as it was
    store.save(profile)
    out = tmp_path / "for-the-developer"
    result = cli("mapping", "--profile", "ERP", "--flow-certificate", "--out", out)
    assert result.code == 0, result.err
    crt = out / "client.crt"
    assert x509.load_pem_x509_certificates(crt.read_bytes()) == [leaf]
    assert (store.folder("ERP") / "client.crt").read_bytes() == crt.read_bytes()
    subject_dn, issuer_dn = openssl_subject_issuer(crt)
    assert f"  Subject DN: {subject_dn}\n" in result.out
    assert f"  Issuer DN:  {issuer_dn}\n" in result.out
    assert "the second option, not recommended" in result.out
    assert "redeploy" in result.out and "downtime" in result.out
    assert "Authorization = Client Certificate → Add → Select client.crt" in result.out
    assert "$ cpi-cert-wizard test-call --profile ERP" in result.out
    saved = store.load("ERP")
    assert saved.state is State.MAPPED
    assert saved.mapped_leaf_sha256 == leaf.fingerprint(hashes.SHA256()).hex()
    assert saved.mapping_user == "ERP_SENDER"
    assert not (out / "neo-mapping.json").exists()


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_flow_certificate_json_names_the_file_the_dns_and_the_warning(cli, home, ca, tmp_path):
    _leaf, store = certified(home, ca, environment="cf")
    result = cli("mapping", "--profile", "ERP", "--flow-certificate", "--json")
    assert result.code == 0, result.err
    results = data = result.json
    assert data["ok"] is True and data["state"] == "mapped"
    crt = Path(data["files"]["flow_crt"])
    assert crt == store.folder("ERP") / "client.crt"
    assert results["option"] == "flow-certificate" and results["recommended"] is False
    assert results["environment"] == "cf"
    channel = results["channel"]
    assert [channel["subject_dn"], channel["issuer_dn"]] == openssl_subject_issuer(crt)
    assert channel["authorization"] == "Client Certificate"
    assert "downtime" in results["warnings"][0]
    assert any("not confirmed" in w for w in results["warnings"])  # CF: service key?
    assert [s["id"] for s in results["checklist"]] == ["flow.channel", "flow.deploy", "test"]


@pytest.mark.parametrize(
    "extra",
    [
        ["--user", "ERP_SENDER"],
        ["--role", "Custom.send"],
        ["--publish", "--tmn", "https://x-tmn.example", "--tmn-user", "u"],
        ["--instance", "erp-inbound"],
    ],
)
def test_flow_certificate_refuses_the_mapping_flags_and_writes_nothing(
    cli, home, ca, tmp_path, extra
):
    _leaf, store = certified(home, ca, environment="neo")
    before = folder_state(store.folder("ERP"))
    result = cli("mapping", "--profile", "ERP", "--flow-certificate", *extra)
    assert result.code == 2
    assert extra[0] in result.err and "--flow-certificate" in result.err
    assert folder_state(store.folder("ERP")) == before


def test_flow_certificate_needs_to_know_the_environment(cli, home, ca):
    certified(home, ca)
    result = cli("mapping", "--profile", "ERP", "--flow-certificate")
    assert result.code == 2
    assert "--env neo or --env cf" in result.err
    assert cli("mapping", "--profile", "ERP", "--flow-certificate", "--env", "neo").code == 0


# --- what SAP documents (issue 16) ------------------------------------------------------------


def test_validity_is_not_offered_for_an_external_certificate_key(cli, home, ca):
    certified(home, ca, environment="cf")
    shown = subprocess.run(
        [sys.executable, "-m", "wizard", "mapping", "--help"], capture_output=True, text=True
    )
    assert shown.returncode == 0 and "--custom-domain" in shown.stdout
    assert "--validity" not in shown.stdout
    result = cli("mapping", "--profile", "ERP", "--validity", "90", "--json")
    assert result.code == 2
    assert "only for keys of type Certificate" in result.json["error"]["message"]
    written = cli("mapping", "--profile", "ERP", "--json").json
    assert "validity" not in written["cf"]["service_key"]


def test_custom_domain_is_recorded_and_its_steps_and_trust_are_named(cli, home, ca, tmp_path):
    root, _issuing = ca
    _leaf, store = certified(home, ca, environment="cf")
    cas = tmp_path / "domain-cas.pem"
    cas.write_bytes(pki.pem(root.cert))
    result = cli("mapping", "--profile", "ERP", "--custom-domain", "CPI.Example.com",
                 "--custom-domain-cas", cas, "--json")  # fmt: skip
    assert result.code == 0, result.out
    profile = store.load("ERP")
    assert profile.custom_domain == "cpi.example.com"
    assert store.read_artefact("ERP", Artefact.CUSTOM_DOMAIN_CAS) == pki.pem(root.cert)
    data = result.json
    assert data["checklist"][0]["id"] == "custom_domain"
    assert "https://cpi.example.com/http/<address>" in data["checklist"][0]["text"]
    assert any("customer-managed trust" in w and "SAP's root list does not judge" in w
               for w in data["warnings"])  # fmt: skip


def test_custom_domain_cas_without_a_domain_is_refused(cli, home, ca, tmp_path):
    root, _issuing = ca
    certified(home, ca, environment="cf")
    cas = tmp_path / "domain-cas.pem"
    cas.write_bytes(pki.pem(root.cert))
    result = cli("mapping", "--profile", "ERP", "--custom-domain-cas", cas)
    assert result.code == 2 and "--custom-domain HOST" in result.err


def test_a_tenant_administration_role_is_warned_about_in_the_command(cli, home, ca):
    certified(home, ca, environment="neo")
    result = cli("mapping", "--profile", "ERP", "--role", "AuthGroup.Administrator")
    assert result.code == 0
    assert "AuthGroup.Administrator is not a role for sending messages" in result.out

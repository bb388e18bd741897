"""Onboarding many sender systems from the command line: one CSV, one folder of CA replies, then
export, tenant entries and test calls for all; one bad row or profile never stops the others."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from tests import pki
from tests.fleet.conftest import sign_folder, systems, write_csv
from wizard.core.profiles import Artefact, ProfileStore, State

BAD_ROWS = [
    "erp-bad;;ACME AG;Germany;neo;;;",  # no CN, country not a code
    "erp-000;erp-000-again.acme.example;ACME AG;DE;neo;;;",  # the same profile twice
    "erp-env;erp-env.acme.example;ACME AG;DE;abap;;;",  # unknown environment
]


def batch_csr(cli, tmp_path: Path, rows: list[str], **kw) -> tuple:
    csv_file = write_csv(tmp_path / "systems.csv", rows, **kw)
    out = tmp_path / "requests"
    result = cli("batch", "csr", "--from", csv_file, "--out", out, "--key-type", "ec-p256",
                 "--json")  # fmt: skip
    return result, out


def test_batch_csr_makes_every_request_reports_bad_rows_by_line_and_a_rerun_skips(
    cli, home, tmp_path
):
    rows = systems(4)[:3] + BAD_ROWS + systems(4)[3:]
    result, out = batch_csr(cli, tmp_path, rows, bom=True, newline="\r\n")

    assert result.code == 2  # some rows failed …
    data = result.json
    assert data["ok"] is False
    assert data["summary"] == {"done": 4, "skipped": 0, "failed": 3}
    failed = {r["line"]: r for r in data["results"] if r["status"] == "failed"}
    assert set(failed) == {4, 5, 6}  # the header is line 1
    assert "common name (CN) is required" in failed[4]["message"]
    assert "two-letter" in failed[4]["message"]
    assert "line 2" in failed[5]["message"]
    assert "neither neo nor cf" in failed[6]["message"]
    # … and the others are done: a CSR each in the folder and in the zip, read by openssl
    made = sorted(p.name for p in out.glob("*.csr"))
    assert made == ["erp-000.csr", "erp-001.csr", "erp-002.csr", "erp-003.csr"]
    with zipfile.ZipFile(out / "requests.zip") as archive:
        assert sorted(archive.namelist()) == made
        assert archive.read("erp-001.csr") == (out / "erp-001.csr").read_bytes()
    for csr in out.glob("*.csr"):
        if sys.platform == "win32":  # no openssl for a Windows process: cryptography checks
            assert x509.load_pem_x509_csr(csr.read_bytes()).is_signature_valid
            continue
        subprocess.run(["openssl", "req", "-in", csr, "-verify", "-noout"], check=True,
                       capture_output=True)  # fmt: skip
    store = ProfileStore(home)
    profile = store.load("erp-002")
    assert profile.state is State.KEY_GENERATED
    assert profile.subject == "CN=erp-002.acme.example,O=ACME AG,C=DE"
    assert profile.environment == "neo"
    assert profile.tenant_host == "acme-iflmap.hcisbp.eu1.hana.ondemand.com"
    assert profile.mapping_user == "SENDER_002" and profile.mapping_roles == ["ESBMessaging.send"]
    assert not store.exists("erp-bad") and not store.exists("erp-env")

    keys_before = {n: store.read_artefact(n, Artefact.KEY) for n in store.names()}
    again, _ = batch_csr(cli, tmp_path, rows, bom=True, newline="\r\n")
    statuses = {r["line"]: r["status"] for r in again.json["results"]}
    assert statuses == {2: "skipped", 3: "skipped", 4: "failed", 5: "failed", 6: "failed",
                        7: "skipped", 8: "skipped"}  # fmt: skip
    assert {n: store.read_artefact(n, Artefact.KEY) for n in store.names()} == keys_before
    assert sorted(p.name for p in out.glob("*.csr")) == made  # still all there for the CA


def test_a_comma_separated_file_without_bom_works_too(cli, home, tmp_path):
    result, _out = batch_csr(cli, tmp_path, systems(2, sep=","))
    assert result.code == 0, result.out
    assert result.json["summary"]["done"] == 2
    assert ProfileStore(home).names() == ["erp-000", "erp-001"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "line 1: the file is empty"),
        (b"cn;o\nx;y\n", "line 1: the header has no column profile"),
        (b"profile;cn;orgunit\nx;y;z\n", "line 1: the header names column 'orgunit'"),
        (b"profile;cn;o\nerp;erp;ACME\nsap;sap;M\xfcller GmbH\n", "line 3: byte 0xfc is not UTF-8"),
        ("profile;cn\n".encode("utf-16"), "line 1: the file is UTF-16"),
    ],
)
def test_a_file_that_is_not_a_usable_systems_csv_says_which_line(
    cli, home, tmp_path, data, expected
):
    path = tmp_path / "systems.csv"
    path.write_bytes(data)
    result = cli("batch", "csr", "--from", path, "--out", tmp_path / "out", "--json")
    assert result.code == 2
    assert expected in result.json["error"]["message"]
    assert str(path) in result.json["error"]["message"]
    assert ProfileStore(home).names() == []


def test_replies_are_matched_by_public_key_whatever_their_names_and_shapes(
    cli, home, tmp_path, ca, root_file
):
    result, out = batch_csr(cli, tmp_path, systems(5))
    assert result.code == 0
    leaves = sign_folder(ca, out, tmp_path / "unused")
    replies = tmp_path / "from-the-ca"
    replies.mkdir()
    names = list(leaves)
    random.Random(7).shuffle(names)  # the CA numbers its files its own way
    (replies / "order-1.p7b").write_bytes(pki.p7b(leaves[names[0]], ca.cert))
    (replies / "order-2.cer").write_bytes(pki.der(leaves[names[1]]))
    (replies / "intermediate.crt").write_bytes(pki.pem(ca.cert))  # once, for all
    (replies / "bundle.pem").write_bytes(pki.pem(leaves[names[2]], ca.cert, leaves[names[3]]))
    (replies / "README.html").write_text("<p>your certificates</p>")  # not a certificate file
    stranger = ca.issue(pki.make_key().public_key(), "somebody else")
    (replies / "stray.cer").write_bytes(pki.der(stranger))
    # the fifth reply comes as a separate file, and is a server-only certificate
    csr = x509.load_pem_x509_csr((out / f"{names[4]}.csr").read_bytes())
    (tmp_path / "late.pem").write_bytes(pki.pem(ca.sign_csr(csr, eku="server"), ca.cert))

    imported = cli("batch", "import", replies, tmp_path / "late.pem", "--ca-file", root_file,
                   "--no-aia", "--json")  # fmt: skip

    assert imported.code == 2
    by_profile = {r["profile"]: r for r in imported.json["results"]}
    for name in names[:4]:
        assert by_profile[name]["status"] == "done", by_profile[name]
        assert ProfileStore(home).load(name).state is State.CERTIFICATE_IMPORTED
    assert by_profile[names[0]]["source"].endswith("order-1.p7b")
    assert by_profile[names[4]]["status"] == "failed"
    assert "clientAuth" in by_profile[names[4]]["message"]
    assert ProfileStore(home).load(names[4]).state is State.KEY_GENERATED  # refused: unchanged
    stray = by_profile[None]
    assert stray["status"] == "failed" and stray["source"].endswith("stray.cer")
    assert "matches no profile's request" in stray["message"]
    chain = ProfileStore(home).read_artefact(names[3], Artefact.CHAIN)
    assert x509.load_pem_x509_certificates(chain)[0] == leaves[names[3]]

    again = cli("batch", "import", replies, "--ca-file", root_file, "--no-aia", "--json")
    statuses = {r["profile"]: r["status"] for r in again.json["results"]}
    assert all(statuses[n] == "skipped" for n in names[:4])
    assert f"1 profiles still wait for a reply: {names[4]}" in again.json["notes"]


def onboard(cli, home, tmp_path, ca, root_file, count=3, **kw):
    result, out = batch_csr(cli, tmp_path, systems(count, **kw))
    assert result.code == 0, result.out
    leaves = sign_folder(ca, out, tmp_path / "signed")
    replies = tmp_path / "replies"
    replies.mkdir(exist_ok=True)
    for name, leaf in leaves.items():
        (replies / f"{name}.p7b").write_bytes(pki.p7b(leaf, ca.cert))
    imported = cli("batch", "import", replies, "--ca-file", root_file, "--no-aia", "--json")
    assert imported.code == 0, imported.out
    return leaves


def test_batch_export_writes_a_p12_per_profile_with_its_password_in_the_keyring(
    cli, home, tmp_path, ca, root_file, memory_keyring
):
    leaves = onboard(cli, home, tmp_path, ca, root_file)
    # one more profile that still waits for its certificate
    assert cli("csr", "--profile", "waiting", "--cn", "w", "--key-type", "ec-p256").code == 0
    items_before = set(memory_keyring.entries)
    out = tmp_path / "keystores"
    result = cli("batch", "export", "--out", out, "--json")
    assert result.code == 0, result.out
    statuses = {r["profile"]: r["status"] for r in result.json["results"]}
    assert statuses == {"erp-000": "done", "erp-001": "done", "erp-002": "done",
                        "waiting": "skipped"}  # fmt: skip
    # one keyring item for the batch's passwords, not one per profile
    new_items = set(memory_keyring.entries) - items_before
    assert len(new_items) == 1 and next(iter(new_items))[1].startswith("batch:")
    for name, leaf in leaves.items():
        shown = cli("secret", "show", "--profile", name, "p12", "--json")
        assert shown.code == 0, shown.out
        password = shown.json["secret"]
        assert shown.json["source"] == "batch"
        assert password not in result.out
        _key, cert, extra = pkcs12.load_key_and_certificates(
            (out / f"{name}.p12").read_bytes(), password.encode()
        )
        assert cert == leaf and extra == [ca.cert]
    again = cli("batch", "export", "--out", out, "--profiles", "erp-00[01]", "--json")
    assert [r["status"] for r in again.json["results"]] == ["skipped", "skipped"]


def test_batch_mapping_writes_each_entry_and_one_combined_file(cli, home, tmp_path, ca, root_file):
    leaves = onboard(cli, home, tmp_path, ca, root_file)
    store = ProfileStore(home)
    cf = store.load("erp-002")
    cf.environment = "cf"
    store.save(cf)
    out = tmp_path / "entries"
    result = cli("batch", "mapping", "--out", out, "--json")
    assert result.code == 0, result.out
    assert result.json["summary"] == {"done": 3, "skipped": 0, "failed": 0}
    combined = json.loads((out / "tenant-entries.json").read_text())
    assert [e["user"] for e in combined["neo"]] == ["SENDER_000", "SENDER_001"]
    assert combined["cf"][0]["service_key"]["key-type"] == "certificate_external"
    bodies = json.loads((out / "neo-mappings.json").read_text())
    assert bodies[0] == json.loads((out / "erp-000" / "neo-mapping.json").read_text())
    assert (out / "erp-001" / "client.cer").read_bytes() == pki.der(leaves["erp-001"])
    assert (out / "erp-002" / "service-key.json").exists()
    assert store.load("erp-000").state is State.MAPPED
    again = cli("batch", "mapping", "--out", out, "--json")
    assert again.json["summary"]["skipped"] == 3
    assert json.loads((out / "tenant-entries.json").read_text()) == combined


def test_batch_steps_on_no_matching_profile_say_so(cli, home):
    result = cli("batch", "export", "--profiles", "nothing-*", "--json")
    assert result.code == 2
    assert "No profile matches 'nothing-*'" in result.json["error"]["message"]


def test_the_text_table_has_one_line_per_row_and_the_summary(cli, home, tmp_path):
    csv_file = write_csv(tmp_path / "s.csv", systems(2) + BAD_ROWS[:1])
    result = cli("batch", "csr", "--from", csv_file, "--out", tmp_path / "o", "--key-type",
                 "ec-p256")  # fmt: skip
    assert result.code == 2
    lines = result.out.splitlines()
    assert lines[0].split() == ["PROFILE", "STATUS", "LINE", "MESSAGE"]
    assert lines[1].split()[:3] == ["erp-000", "done", "2"]
    assert lines[3].split()[:3] == ["erp-bad", "failed", "4"]
    assert "csr: 3 profiles: 2 done, 0 skipped, 1 failed" in result.out

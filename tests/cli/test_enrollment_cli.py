"""The whole key → CSR → CA reply → PKCS#12 story through the command line, with a real CA."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from tests import pki
from wizard.core.profiles import Artefact, ProfileStore


@pytest.fixture(scope="module")
def ca():
    root = pki.root("Enrollment Test Root")
    return root.intermediate("Enrollment Issuing CA")


def make_request(cli, profile="erp", *extra):
    result = cli("csr", "--profile", profile, "--cn", "erp-prd", "--org", "ACME AG",
                 "--country", "DE", "--key-type", "ec-p256", *extra, "--json")  # fmt: skip
    assert result.code == 0, result.err
    return x509.load_pem_x509_csr(result.json["csr"].encode())


def snapshot(home: Path, profile: str) -> dict[str, bytes]:
    folder = ProfileStore(home).folder(profile)
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


REPLY_SHAPES = {
    "pem-bundle-root-first-with-bag-attributes": lambda leaf, ca: [
        (
            "reply.pem",
            b"Bag Attributes\n    friendlyName: root\nsubject=/CN=whatever\n"
            + pki.pem(ca.parent.cert, ca.cert)
            + b"Bag Attributes\n    localKeyID: 01\n"
            + pki.pem(leaf),
        )
    ],
    "der-leaf-plus-intermediate-file": lambda leaf, ca: [
        ("leaf.cer", pki.der(leaf)),
        ("issuing.crt", pki.der(ca.cert)),
    ],
    "pkcs7-der": lambda leaf, ca: [("reply.p7b", pki.p7b(leaf, ca.cert))],
    "pkcs7-pem": lambda leaf, ca: [
        ("reply.p7c", pki.p7b(ca.cert, leaf, encoding=pki.serialization.Encoding.PEM))
    ],
    "pem-crlf": lambda leaf, ca: [("reply.crt", pki.pem(leaf, ca.cert).replace(b"\n", b"\r\n"))],
}


@pytest.mark.parametrize("shape", list(REPLY_SHAPES))
def test_ca_reply_in_any_shape_becomes_a_p12_that_openssl_and_keytool_read(
    cli, home, tmp_path, ca, shape
):
    csr = make_request(cli)
    leaf = ca.sign_csr(csr)
    files = [write(tmp_path / n, d) for n, d in REPLY_SHAPES[shape](leaf, ca)]
    root_file = write(tmp_path / "root.pem", pki.pem(ca.parent.cert))

    imported = cli("import-reply", "--profile", "erp", *files, "--ca-file", root_file, "--json")
    assert imported.code == 0, imported.err + imported.out
    data = imported.json
    assert data["state"] == "certificate-imported"
    assert [c["subject"] for c in data["chain"]] == [
        leaf.subject.rfc4514_string(),
        ca.cert.subject.rfc4514_string(),
        ca.parent.cert.subject.rfc4514_string(),
    ]

    for legacy in (False, True):
        out = tmp_path / ("legacy.p12" if legacy else "modern.p12")
        exported = cli("export-p12", "--profile", "erp", "--out", out,
                       *(["--legacy"] if legacy else []), "--json")  # fmt: skip
        assert exported.code == 0, exported.err
        password = cli("secret", "show", "--profile", "erp", "p12").out.strip()
        assert x509.load_der_x509_certificate(out.with_suffix(".cer").read_bytes()) == leaf
        if sys.platform == "win32":  # no openssl/keytool for a Windows process: cryptography reads
            store = pkcs12.load_pkcs12(out.read_bytes(), password.encode())
            assert store.key is not None and store.cert is not None
            assert store.cert.certificate == leaf and store.cert.friendly_name == b"erp"
            assert [c.certificate for c in store.additional_certs] == [ca.cert]  # no root
            continue
        info = subprocess.run(
            ["openssl", "pkcs12", "-info", "-in", out, "-passin", f"pass:{password}",
             "-nodes"],
            capture_output=True, text=True,
        )  # fmt: skip
        assert info.returncode == 0, info.stderr
        assert ("AES-256-CBC" in info.stderr) != legacy
        assert ("pbeWithSHA1And3-KeyTripleDES-CBC" in info.stderr) == legacy
        assert info.stdout.count("BEGIN CERTIFICATE") == 2  # leaf + intermediate, no root
        assert "PRIVATE KEY" in info.stdout
        listing = subprocess.run(
            ["keytool", "-list", "-v", "-storetype", "PKCS12", "-keystore", out,
             "-storepass", password],
            capture_output=True, text=True,
        )  # fmt: skip
        assert listing.returncode == 0, listing.stdout + listing.stderr
        assert "PrivateKeyEntry" in listing.stdout
        assert "Certificate chain length: 2" in listing.stdout
        assert "Alias name: erp" in listing.stdout
        cer = out.with_suffix(".cer").read_bytes()
        assert x509.load_der_x509_certificate(cer) == leaf


def test_reply_for_another_key_is_refused_and_profile_unchanged(cli, home, tmp_path, ca):
    make_request(cli)
    before = snapshot(home, "erp")
    stranger = ca.issue(pki.make_key().public_key(), "erp-prd")
    reply = write(tmp_path / "reply.pem", pki.pem(stranger, ca.cert))
    root_file = write(tmp_path / "root.pem", pki.pem(ca.parent.cert))
    result = cli("import-reply", "--profile", "erp", reply, "--ca-file", root_file)
    assert result.code == 2
    assert "belongs to another key" in result.err
    assert "Traceback" not in result.err
    assert snapshot(home, "erp") == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\xff" * 100, "reply.bin"),
        (b"-----BEGIN CERTIFICATE-----\nMIIB\n", "reply.bin"),
        (b"hello, this is not a certificate\n", "reply.bin"),
    ],
)
def test_unreadable_reply_gives_a_clean_error_and_changes_nothing(
    cli, home, tmp_path, content, words
):
    make_request(cli)
    before = snapshot(home, "erp")
    reply = write(tmp_path / "reply.bin", content)
    result = cli("import-reply", "--profile", "erp", reply, "--json")
    assert result.code == 2
    assert result.json["ok"] is False
    assert words in result.json["error"]["message"]
    assert snapshot(home, "erp") == before


def test_a_50_mb_file_is_refused_without_reading_it_all(cli, home, tmp_path):
    make_request(cli)
    big = tmp_path / "huge.p7b"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = cli("import-reply", "--profile", "erp", big)
    assert result.code == 2
    assert "huge.p7b is 50 MB" in result.err


def test_second_csr_needs_new_key_and_keeps_the_old_one_in_the_archive(cli, home):
    first = make_request(cli)
    again = cli("csr", "--profile", "erp", "--cn", "erp-prd")
    assert again.code == 2 and "--new-key" in again.err
    second = make_request(cli, "erp", "--new-key")
    assert second.public_key() != first.public_key()
    archived = list((ProfileStore(home).folder("erp") / "archive").rglob("request.csr"))
    assert len(archived) == 1
    assert x509.load_pem_x509_csr(archived[0].read_bytes()).public_key() == first.public_key()


def test_key_on_disk_is_encrypted_and_private(cli, home):
    make_request(cli)
    path = ProfileStore(home).path("erp", Artefact.KEY)
    assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    if os.name == "posix":  # on Windows the per-user data folder's ACL keeps others out
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert oct(path.parent.stat().st_mode & 0o777) == "0o700"


def test_profiles_lists_state_subject_and_days_left(cli, tmp_path, ca):
    csr = make_request(cli)
    leaf = ca.sign_csr(csr, days=100)
    reply = write(tmp_path / "r.pem", pki.pem(leaf, ca.cert, ca.parent.cert))
    assert cli("import-reply", "--profile", "erp", reply).code == 0
    listing = cli("profiles", "--json").json
    (row,) = listing["profiles"]
    assert row["state"] == "certificate-imported"
    assert row["subject"] == "CN=erp-prd,O=ACME AG,C=DE"
    assert row["days_left"] in (98, 99)
    assert listing["secrets_backend"] == "test memory keyring"
    assert "erp" in cli("profiles").out


def test_bring_your_own_p12_becomes_a_profile(cli, home, tmp_path, ca, monkeypatch):
    from wizard.core.p12 import export_p12

    key = pki.make_key("rsa-2048")
    leaf = ca.issue(key.public_key(), "sender-own")
    p12 = write(tmp_path / "own.pfx", export_p12(key, leaf, [ca.cert], "portal-pw"))
    root_file = write(tmp_path / "root.pem", pki.pem(ca.parent.cert))
    monkeypatch.setenv("CPI_CERT_WIZARD_P12_PASSWORD", "wrong")
    refused = cli("import-p12", "--profile", "own", p12, "--ca-file", root_file)
    assert refused.code == 2 and "password is wrong" in refused.err
    monkeypatch.setenv("CPI_CERT_WIZARD_P12_PASSWORD", "portal-pw")
    result = cli("import-p12", "--profile", "own", p12, "--ca-file", root_file, "--json")
    assert result.code == 0, result.err
    assert result.json["chain"][0]["subject"].startswith("CN=sender-own")
    assert cli("export-p12", "--profile", "own").code == 0


def test_sap_generated_service_key_becomes_a_profile(cli, home, tmp_path, ca):
    import json

    key = pki.make_key("rsa-2048")
    leaf = ca.issue(key.public_key(), "sb-abc!b1|it-rt-xyz!b2")
    service_key = {
        "oauth": {
            "clientid": "sb-abc!b1|it-rt-xyz!b2",
            "certificate": pki.pem(leaf, ca.cert).decode(),
            "key": pki.key_pem(key).decode(),
            "url": "https://xyz.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com",
            "tokenurl": "https://xyz.authentication.cert.eu10.hana.ondemand.com/oauth/token",
        }
    }
    path = write(tmp_path / "key.json", json.dumps(service_key, indent=2).encode())
    root_file = write(tmp_path / "root.pem", pki.pem(ca.parent.cert))
    result = cli("import-service-key", "--profile", "cfsk", path, "--ca-file", root_file, "--json")
    assert result.code == 0, result.err
    profile = ProfileStore(home).load("cfsk")
    assert profile.environment == "cf"
    assert profile.tenant_url.startswith("https://xyz.it-cpi018-rt")
    assert b"ENCRYPTED" in ProfileStore(home).path("cfsk", Artefact.KEY).read_bytes()
    not_a_key = write(tmp_path / "secret.json", b'{"clientid": "a", "clientsecret": "b"}')
    refused = cli("import-service-key", "--profile", "cf2", not_a_key)
    assert refused.code == 2 and "clientsecret" in refused.err


def test_without_keyring_the_passphrase_comes_from_the_environment(home, tmp_path, monkeypatch, ca,
                                                                   capsys):  # fmt: skip
    import keyring
    from keyring.backends import fail

    from wizard.cli import main

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        monkeypatch.setenv("CPI_CERT_WIZARD_KEY_PASSPHRASE", "env-passphrase-1")
        monkeypatch.setenv("CPI_CERT_WIZARD_P12_PASSWORD", "env-p12-password")
        assert main(["csr", "--profile", "nokr", "--cn", "x", "--key-type", "ec-p256"]) == 0
        assert "No usable OS keyring" in capsys.readouterr().err
        csr = x509.load_pem_x509_csr(ProfileStore(home).path("nokr", Artefact.CSR).read_bytes())
        reply = write(tmp_path / "r.pem", pki.pem(ca.sign_csr(csr), ca.cert, ca.parent.cert))
        assert main(["import-reply", "--profile", "nokr", str(reply)]) == 0
        assert main(["export-p12", "--profile", "nokr", "--json"]) == 0
        p12 = ProfileStore(home).path("nokr", Artefact.P12)
        if sys.platform == "win32":  # no openssl for a Windows process: cryptography reads it
            pkcs12.load_pkcs12(p12.read_bytes(), b"env-p12-password")
        else:
            check = subprocess.run(
                ["openssl", "pkcs12", "-in", p12, "-noout", "-passin", "pass:env-p12-password"],
                capture_output=True,
            )
            assert check.returncode == 0
        assert "env-p12-password" not in capsys.readouterr().out
    finally:
        keyring.set_keyring(previous)


@pytest.mark.keyring
def test_no_secret_reaches_a_file_or_log_in_a_whole_cycle(home, tmp_path, ca, capsys, caplog):
    if not os.environ.get("CPI_TEST_REAL_KEYRING"):
        pytest.fail("needs the real gnome-keyring session: run the suite with 'make test'")
    import logging

    import keyring
    from keyring.backends import SecretService

    from wizard.cli import main
    from wizard.core.secrets import SERVICE

    caplog.set_level(logging.DEBUG)
    previous = keyring.get_keyring()
    backend = SecretService.Keyring()
    keyring.set_keyring(backend)
    try:
        assert (
            main(["csr", "--profile", "leak", "--cn", "leak-test", "--key-type", "rsa-2048"]) == 0
        )
        csr = x509.load_pem_x509_csr(ProfileStore(home).path("leak", Artefact.CSR).read_bytes())
        reply = write(tmp_path / "r.p7b", pki.p7b(ca.sign_csr(csr), ca.cert, ca.parent.cert))
        assert main(["import-reply", "--profile", "leak", str(reply)]) == 0
        assert main(["export-p12", "--profile", "leak", "--legacy"]) == 0
        printed = capsys.readouterr()
        secrets = [backend.get_password(SERVICE, f"leak/{k}") for k in ("key", "p12")]
        assert all(secrets)
        haystack = [p.read_bytes() for p in home.rglob("*") if p.is_file()]
        assert haystack
        for secret in secrets:
            assert not any(secret.encode() in blob for blob in haystack)
            assert secret not in caplog.text
            assert secret not in printed.err
        # the p12 password is shown once on purpose; the key passphrase never
        assert secrets[0] not in printed.out
        assert "SecretService" in printed.out
    finally:
        from wizard.core.secrets import Secrets

        Secrets(backend=backend).delete_profile("leak")
        keyring.set_keyring(previous)


def test_new_key_retires_every_file_made_from_the_old_certificate(cli, home, tmp_path, ca):
    csr = make_request(cli)
    reply = write(tmp_path / "r.pem", pki.pem(ca.sign_csr(csr), ca.cert, ca.parent.cert))
    assert cli("import-reply", "--profile", "erp", reply).code == 0
    assert cli("export-p12", "--profile", "erp").code == 0
    assert cli("mapping", "--profile", "erp", "--env", "neo", "--user", "ERP_PRD").code == 0
    assert cli("mapping", "--profile", "erp", "--env", "neo", "--flow-certificate").code == 0
    folder = ProfileStore(home).folder("erp")
    made = ["client.p12", "client.cer", "neo-mapping.json", "client.crt", "chain.pem"]
    assert all((folder / f).exists() for f in made)

    make_request(cli, "erp", "--new-key")
    assert not any((folder / f).exists() for f in made)
    (archive,) = (folder / "archive").iterdir()
    assert all((archive / f).exists() for f in made)
    again = cli("mapping", "--profile", "erp", "--env", "neo")
    assert again.code == 2 and "import-reply" in again.err

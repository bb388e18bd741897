"""export-p12 never destroys a file and never prints the password unasked (issue 17, items 1, 7
and 8); batch export decides "up to date" by content and options."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from tests import pki
from wizard.core.secrets import SecretKind


@pytest.fixture(scope="module")
def ca():
    return pki.root("Export Test Root").intermediate("Export Issuing CA")


@pytest.fixture
def issued(cli, home, tmp_path, ca) -> str:
    made = cli("csr", "--profile", "erp", "--cn", "erp-prd", "--key-type", "ec-p256", "--json")
    assert made.code == 0, made.err
    from cryptography import x509

    leaf = ca.sign_csr(x509.load_pem_x509_csr(made.json["csr"].encode()))
    reply = tmp_path / "reply.pem"
    reply.write_bytes(pki.pem(leaf, ca.cert))
    root = tmp_path / "root.pem"
    root.write_bytes(pki.pem(ca.parent.cert))
    imported = cli("import-reply", "--profile", "erp", reply, "--ca-file", root, "--no-aia")
    assert imported.code == 0, imported.err + imported.out
    return "erp"


@pytest.mark.parametrize("name", ["keystore.pem", "keystore.cer", "KEYSTORE.CRT"])
def test_a_keystore_named_like_a_public_file_is_refused_and_nothing_written(
    cli, issued, tmp_path, name
):
    out = tmp_path / "out"
    out.mkdir()
    result = cli("export-p12", "--profile", issued, "--out", out / name)
    assert result.code == 2
    assert ".p12" in result.err and name in result.err
    assert list(out.iterdir()) == []


def test_companion_files_never_take_the_keystores_name(cli, issued, tmp_path):
    out = tmp_path / "sender.client.p12"
    result = cli("export-p12", "--profile", issued, "--out", out, "--json")
    assert result.code == 0, result.err
    files = {k: Path(v) for k, v in result.json["files"].items()}
    assert files["p12"] == out.resolve()
    assert files["cer"].name == "sender.client.cer"
    assert len({p.name for p in files.values()}) == 4
    assert pkcs12.load_pkcs12(out.read_bytes(), _password(issued)).key is not None


def test_an_existing_file_is_kept_unless_forced(cli, issued, tmp_path):
    precious = tmp_path / "own.p12"
    precious.write_bytes(b"the user's own keystore")
    refused = cli("export-p12", "--profile", issued, "--out", precious)
    assert refused.code == 2
    assert "exists already" in refused.err and "--force" in refused.err
    assert precious.read_bytes() == b"the user's own keystore"
    assert not (tmp_path / "own.cer").exists()

    forced = cli("export-p12", "--profile", issued, "--out", precious, "--force")
    assert forced.code == 0, forced.err
    assert pkcs12.load_pkcs12(precious.read_bytes(), _password(issued)).key is not None


def test_the_password_is_printed_only_when_asked(cli, issued, tmp_path):
    password = None
    for argv in (
        ("export-p12", "--profile", issued),
        ("--json", "export-p12", "--profile", issued),
        ("export-p12", "--profile", issued, "--json"),
    ):
        result = cli(*argv)
        assert result.code == 0, result.err
        password = _password(issued).decode()
        assert password not in result.out + result.err, argv
    shown = cli("export-p12", "--profile", issued, "--show-password")
    assert password in shown.out


def test_batch_export_redoes_a_legacy_run_and_skips_only_the_same_options(cli, issued, tmp_path):
    out = tmp_path / "fleet"
    first = cli("batch", "export", "--out", out, "--json")
    assert [r["status"] for r in first.json["results"]] == ["done"]
    again = cli("batch", "export", "--out", out, "--json")
    assert [r["status"] for r in again.json["results"]] == ["skipped"]
    legacy = cli("batch", "export", "--out", out, "--legacy", "--json")
    assert [r["status"] for r in legacy.json["results"]] == ["done"]


def _password(profile: str) -> bytes:
    from wizard.core.secrets import Secrets

    found = Secrets().lookup(profile, SecretKind.P12_PASSWORD)
    assert found
    return found.encode()

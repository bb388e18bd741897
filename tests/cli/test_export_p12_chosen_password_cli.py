"""export-p12 with the person's own PKCS#12 password: from a file or the environment, never from
argv; kept in the keyring like a generated one; a short one is refused and nothing is written."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from tests import pki
from wizard.core.secrets import SecretKind, Secrets


@pytest.fixture(scope="module")
def ca():
    return pki.root("Chosen Password Root").intermediate("Chosen Password Issuing CA")


@pytest.fixture
def issued(cli, tmp_path, ca) -> str:
    made = cli("csr", "--profile", "erp", "--cn", "erp-prd", "--key-type", "ec-p256", "--json")
    assert made.code == 0, made.err
    leaf = ca.sign_csr(x509.load_pem_x509_csr(made.json["csr"].encode()))
    reply = tmp_path / "reply.pem"
    reply.write_bytes(pki.pem(leaf, ca.cert))
    root = tmp_path / "root.pem"
    root.write_bytes(pki.pem(ca.parent.cert))
    imported = cli("import-reply", "--profile", "erp", reply, "--ca-file", root, "--no-aia")
    assert imported.code == 0, imported.err + imported.out
    return "erp"


def test_a_password_file_sets_the_keystores_password_and_the_keyring_keeps_it(
    cli, issued, tmp_path
):
    secret = tmp_path / "p12.txt"
    secret.write_text("Sommer-2026-Keystore\n", encoding="utf-8")
    result = cli("export-p12", "--profile", issued, "--password-file", secret, "--json")
    assert result.code == 0, result.err
    with open(result.json["files"]["p12"], "rb") as handle:
        assert pkcs12.load_pkcs12(handle.read(), b"Sommer-2026-Keystore").key is not None
    assert "Sommer-2026-Keystore" not in result.out + result.err
    assert Secrets().lookup(issued, SecretKind.P12_PASSWORD) == "Sommer-2026-Keystore"


def test_a_short_chosen_password_is_refused_and_nothing_is_written(cli, issued, tmp_path):
    secret = tmp_path / "p12.txt"
    secret.write_text("short\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = cli("export-p12", "--profile", issued, "--password-file", secret, "--out", out)
    assert result.code != 0
    assert "8" in result.err and "PKCS#12" in result.err
    assert list(out.iterdir()) == []


def test_the_environment_gives_the_chosen_password(cli, issued, tmp_path, monkeypatch):
    monkeypatch.setenv("CPI_CERT_WIZARD_P12_PASSWORD", "Winter-2026-Keystore")
    result = cli("export-p12", "--profile", issued, "--choose-password", "--json")
    assert result.code == 0, result.err
    with open(result.json["files"]["p12"], "rb") as handle:
        assert pkcs12.load_pkcs12(handle.read(), b"Winter-2026-Keystore").key is not None

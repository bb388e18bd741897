"""export-p12 says, per kind of sender, where the tenant root and the key pair go."""

from __future__ import annotations

import pytest

from tests import pki
from tests.cli.test_enrollment_cli import make_request, write
from wizard.core.senders import GUIDES, Sender, guide_lines


@pytest.fixture(scope="module")
def ca():
    return pki.root("Sender Guide Root").intermediate("Sender Guide Issuing CA")


@pytest.fixture
def exported_profile(cli, tmp_path, ca):
    csr = make_request(cli)
    reply = write(tmp_path / "reply.pem", pki.pem(ca.sign_csr(csr), ca.cert))
    root_file = write(tmp_path / "root.pem", pki.pem(ca.parent.cert))
    assert cli("import-reply", "--profile", "erp", reply, "--ca-file", root_file).code == 0
    return "erp"


def test_every_sender_the_readme_names_has_a_guide_for_trust_store_key_pair_and_call():
    assert set(GUIDES) == set(Sender)
    for sender in Sender:
        lines = guide_lines(sender)
        text = "\n".join(lines)
        assert "tenant-root" in text and "client" in text, sender
        assert len(lines) >= 4


@pytest.mark.parametrize(
    ("sender", "words"),
    [
        ("pi-po", ["NetWeaver Administrator", "Key Storage", "TrustedCAs", "keystore view"]),
        ("abap", ["STRUST", "SSL client PSE", "SM59", "without a logon user", "2681175"]),
        ("java", ["keytool -importcert", "PKCS12"]),
        ("dotnet", ["ClientCertificates", "Could not create SSL/TLS secure channel", "TLS 1.2"]),
        ("postman", ["PFX", "CA certificates"]),
        ("curl", ["--cacert", "--cert"]),
    ],
)
def test_export_p12_says_where_each_file_goes_on_the_chosen_sender(
    cli, exported_profile, sender, words
):
    result = cli("export-p12", "--profile", exported_profile, "--sender", sender)
    assert result.code == 0, result.err
    for word in words:
        assert word in result.out, (sender, word)
    assert "client.p12" in result.out
    data = cli("export-p12", "--profile", exported_profile, "--sender", sender, "--json").json
    assert any("client.p12" in line for line in data["sender_guide"])


def test_without_a_sender_export_p12_names_the_choices(cli, exported_profile):
    result = cli("export-p12", "--profile", exported_profile)
    assert result.code == 0
    assert "--sender pi-po|abap|java|dotnet|postman|curl" in result.out

"""wizard.core.keys: every key type, encrypted on disk, read back only with its passphrase."""

from __future__ import annotations

import subprocess
import sys

import pytest

from wizard.core import keys
from wizard.core.certs import same_public_key
from wizard.core.errors import WizardError


@pytest.mark.parametrize("key_type", list(keys.KeyType))
def test_each_key_type_is_written_encrypted_and_read_back(key_type, tmp_path):
    key = keys.generate_key(key_type)
    assert keys.key_type_of(key) == key_type.value
    pem = keys.encrypt_key(key, "correct horse battery")
    assert b"ENCRYPTED PRIVATE KEY" in pem
    assert same_public_key(keys.load_key(pem, "correct horse battery"), key)
    if sys.platform == "win32":
        return  # no openssl for a Windows process under Wine; read back above with cryptography
    path = tmp_path / "key.pem"
    path.write_bytes(pem)
    read = subprocess.run(
        ["openssl", "pkey", "-in", str(path), "-passin", "pass:correct horse battery", "-noout"],
        capture_output=True,
    )
    assert read.returncode == 0, read.stderr


def test_a_wrong_passphrase_is_a_message_naming_the_file():
    pem = keys.encrypt_key(keys.generate_key(keys.KeyType.EC_P256), "right passphrase")
    with pytest.raises(WizardError) as refused:
        keys.load_key(pem, "wrong passphrase", source="key.pem of ERP-PRD")
    assert refused.value.code == "key.passphrase"
    assert "key.pem of ERP-PRD" in refused.value.message
    assert "right passphrase" not in refused.value.message


def test_an_unknown_key_type_lists_the_choices():
    with pytest.raises(WizardError) as refused:
        keys.parse_key_type("dsa-1024")
    assert "rsa-3072" in refused.value.message and "ec-p256" in refused.value.message

"""PKCS#12 files as sender systems read them."""

from __future__ import annotations

import pytest

from tests import pki
from wizard.core.errors import WizardError
from wizard.core.p12 import export_p12, read_p12


def test_wrong_password_and_non_p12_give_one_clear_message():
    root = pki.root()
    key = pki.make_key()
    leaf = root.issue(key.public_key(), "leaf")
    data = export_p12(key, leaf, [root.cert], "right-password")
    with pytest.raises(WizardError, match="password is wrong, or it is not a PKCS#12"):
        read_p12(data, "wrong", source="x.p12")
    with pytest.raises(WizardError, match="x.p12 could not be opened"):
        read_p12(b"garbage", "right-password", source="x.p12")
    contents = read_p12(data, "right-password", source="x.p12")
    assert contents.certificate == leaf and contents.additional == (root.cert,)


def test_certificates_only_p12_is_refused_with_what_to_do():
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    root = pki.root()
    data = pkcs12.serialize_key_and_certificates(
        None, None, None, [root.cert], BestAvailableEncryption(b"pw")
    )
    with pytest.raises(WizardError, match="holds no private key"):
        read_p12(data, "pw", source="certs.p12")

"""wizard.core.aia: an issuer fetched from its AIA address, bounded in size and time."""

from __future__ import annotations

import pytest

from tests import pki
from wizard.core import aia
from wizard.core.errors import WizardError


def test_the_issuer_at_the_aia_address_is_fetched(hierarchy, aia_server):
    aia_server.files["/issuing.cer"] = pki.der(hierarchy.issuing.cert)
    url = aia_server.url("/issuing.cer")
    leaf = hierarchy.issuing.issue(hierarchy.key.public_key(), "sender", aia_url=url)
    assert aia.aia_urls(leaf) == [url]
    (fetched,) = aia.fetch_issuers(url, timeout=5)
    assert fetched == hierarchy.issuing.cert
    assert aia_server.requests == ["/issuing.cer"]


def test_a_certificate_without_aia_has_no_address(hierarchy):
    assert aia.aia_urls(hierarchy.leaf) == []


def test_a_missing_file_says_which_address_answered_what(aia_server):
    url = aia_server.url("/gone.cer")
    with pytest.raises(WizardError) as failed:
        aia.fetch_issuers(url, timeout=5)
    assert failed.value.code == "aia.fetch"
    assert url in failed.value.message and "HTTP 404" in failed.value.message


def test_more_than_an_issuer_certificate_is_not_read(aia_server):
    aia_server.files["/huge.cer"] = b"0" * (aia.AIA_MAX_BYTES + 1)
    with pytest.raises(WizardError) as failed:
        aia.fetch_issuers(aia_server.url("/huge.cer"), timeout=5)
    assert failed.value.code == "aia.too_large"


def test_an_address_that_never_answers_times_out(silent_listener):
    with pytest.raises(WizardError) as failed:
        aia.fetch_issuers(silent_listener, timeout=0.3)
    assert failed.value.code == "aia.fetch"
    assert "did not answer within 0.3 s" in failed.value.message

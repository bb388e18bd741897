"""wizard.core.renewal: one rule for 'due for renewal', and every place that shows it agrees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests import pki
from wizard.core import chain, expiry, renewal
from wizard.core.mapping import Environment, LeafCertificate, _lifetime_warnings
from wizard.core.profiles import Profile

START = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_one_year_certificate_is_due_after_two_thirds_of_its_year():
    end = START + timedelta(days=360)
    assert not renewal.renewal_due(START, end, START + timedelta(days=239))
    assert renewal.renewal_due(START, end, START + timedelta(days=240))
    assert renewal.renew_by(START, end) == START + timedelta(days=240)


def test_a_short_certificate_is_due_thirty_days_before_its_end():
    end = START + timedelta(days=60)  # two thirds would be day 40: 30 days before comes first
    assert renewal.renew_by(START, end) == START + timedelta(days=30)
    assert not renewal.renewal_due(START, end, START + timedelta(days=29))
    assert renewal.renewal_due(START, end, START + timedelta(days=31))


def _profile(end: datetime) -> Profile:
    profile = Profile(name="s4h")
    profile.not_before = START.isoformat()
    profile.not_after = end.isoformat()
    return profile


@pytest.mark.parametrize("day, due", [(200, False), (250, True), (345, True)])
def test_profile_list_expiry_report_lints_and_mapping_agree(day, due):
    end = START + timedelta(days=360)
    at = START + timedelta(days=day)
    assert _profile(end).renewal_due(at) is due
    assert (expiry.expiry_of(_profile(end), at) is expiry.Expiry.DUE) is due

    ca = pki.root("Renewal Test CA")
    key = pki.make_key()
    leaf = ca.issue(key.public_key(), "s4h", not_before=START, not_after=end)
    codes = {f.code for f in chain._leaf_findings(leaf, at)}
    assert bool(codes & {"renewal_due", "expires_soon"}) is due
    warnings = _lifetime_warnings(LeafCertificate.from_certificate(leaf), Environment.NEO, at)
    assert (len(warnings) == 1) is due

"""When a certificate is due for renewal: the one rule the lints, the profile list, the mapping
warnings, the expiry report and its calendar reminders all apply.

Due past two thirds of the lifetime (smallstep's `needs-renewal`) or when fewer than
RENEW_WITHIN_DAYS days are left, whichever comes first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

RENEWAL_FRACTION = 2 / 3
RENEW_WITHIN_DAYS = 30


def renewal_due(
    not_before: datetime, not_after: datetime, at: datetime, *, within: int = RENEW_WITHIN_DAYS
) -> bool:
    """Past 2/3 of the lifetime, or fewer than `within` whole days left at `at`."""
    past_fraction = at >= not_before + (not_after - not_before) * RENEWAL_FRACTION
    return past_fraction or (not_after - at).days < within


def renew_by(
    not_before: datetime, not_after: datetime, *, within: int = RENEW_WITHIN_DAYS
) -> datetime:
    """The moment the certificate becomes due (see renewal_due)."""
    return min(
        not_before + (not_after - not_before) * RENEWAL_FRACTION,
        not_after - timedelta(days=within),
    )

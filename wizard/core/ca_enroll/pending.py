"""The one sentence for a request waiting at the CA, for `profiles`, the start page and the wizard.

Kept apart from the enrollment code so that listing profiles imports nothing of the network side.
"""

from __future__ import annotations

import datetime as dt

from wizard.core.i18n import translate
from wizard.core.profiles import Profile


def pending_note(profile: Profile) -> str | None:
    """ "pending at the CA since … (request n)", or None when nothing is waiting."""
    if not profile.ca_pending_id or not profile.ca_pending_since:
        return None
    since = dt.datetime.fromisoformat(profile.ca_pending_since)
    when = f"{since:%Y-%m-%d %H:%M} UTC"
    if profile.ca_pending_id.isdigit():
        return translate("ca_enroll", "pending at the CA since {when} (request {id})").format(
            when=when, id=profile.ca_pending_id
        )
    return translate("ca_enroll", "pending at the CA since {when}").format(when=when)

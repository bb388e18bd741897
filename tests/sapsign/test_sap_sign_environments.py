"""Where the Destination service runs, as SAP documents it (issue 16, point 8)."""

from __future__ import annotations

from wizard.core.sap_sign import DEFAULT_VALIDITY, notices_before_sending


def test_notices_name_other_environment_subaccounts_not_only_cloud_foundry():
    text = " ".join(notices_before_sending("erp", DEFAULT_VALIDITY, False))
    assert "Cloud Foundry or an 'Other Environment' subaccount" in text
    assert "not in Neo" in text

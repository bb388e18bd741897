"""Issue 18: what the window shows from core is translated, including the window's own variants
of advice (mapping.TEXT_GUI) and the parts filled into pre-check details ({accepted},
{version}): a German user reads no English source text there."""

from __future__ import annotations

import pytest

from wizard.core import client_identity, mapping
from wizard.core.client_identity import AcceptedRoots
from wizard.core.trust import load_sap_list
from wizard.language import install_for_command_line, load_catalogue


def test_every_window_variant_of_the_mapping_texts_is_in_the_german_catalogue(catalogues):
    translator = load_catalogue("de")
    assert translator is not None, "translations/cpi_cert_wizard_de.qm was not built"
    missing = [
        key
        for key, text in mapping.TEXT_GUI.items()
        if not translator.translate(mapping.CONTEXT, text)
    ]
    assert missing == []


@pytest.mark.parametrize(
    "source",
    [
        client_identity.ROOTS_IN_FILE,
        client_identity.RECORDED_NAMES,
        client_identity.LIVE_NAMES,
        client_identity.CUSTOM_DOMAIN_CAS,
        client_identity.SAP_CLIENT_ROOTS,
    ],
)
def test_where_the_accepted_roots_come_from_is_said_in_german(catalogues, source):
    english = AcceptedRoots(source=source, file="roots.pem", sap_list=load_sap_list()).described
    assert install_for_command_line("de") == "de"
    german = AcceptedRoots(source=source, file="roots.pem", sap_list=load_sap_list()).described
    assert german != english
    assert "SAP BTP Trust Store" in german or "SAP" not in english  # the list's name too
    assert source.format(file="roots.pem") not in german

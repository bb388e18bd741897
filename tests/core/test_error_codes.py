"""The error codes that reach --json users are a catalogue: each one listed, meant and documented."""

from __future__ import annotations

from pathlib import Path

from tests.error_code_scan import raised_codes
from wizard.core import error_codes

DOC = Path(__file__).resolve().parents[2] / "docs" / "error-codes.md"
NOT_RAISED = {"usage", "bug"}  # written by cli.py itself, not raised as WizardError


def test_every_code_the_program_raises_is_in_the_catalogue():
    missing = {
        code: where[0]
        for code, where in raised_codes().items()
        if code not in error_codes.catalogue()
    }
    assert missing == {}, "add these to wizard/core/error_codes.py (then regenerate the doc)"


def test_the_catalogue_lists_no_code_that_is_never_raised():
    raised = set(raised_codes())
    stale = set(error_codes.CODES) - raised - NOT_RAISED
    assert stale == set()


def test_every_code_has_a_meaning_and_a_well_formed_name():
    for code, meaning in error_codes.catalogue().items():
        assert meaning.strip(), code
        assert code == code.lower() and " " not in code, code


def test_the_documentation_is_generated_from_the_catalogue():
    assert DOC.read_text(encoding="utf-8") == error_codes.markdown(), (
        "run: python -m wizard.core.error_codes > docs/error-codes.md"
    )


def test_area_membership_knows_only_catalogued_codes():
    assert error_codes.in_area("profile.name", "profile")
    assert error_codes.in_area("proxy.timeout", "tls", "proxy")
    assert not error_codes.in_area("profile.name", "proxy")
    assert not error_codes.in_area("profile.made_up", "profile")  # a prefix alone is not enough
    assert not error_codes.in_area("profiles.name", "profile")

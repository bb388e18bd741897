"""The user guide names every verdict as the wizard shows it, and every picture it shows is one
that `gui --screenshots` makes."""

from __future__ import annotations

import re
from pathlib import Path

from wizard.core.verdicts import VERDICTS
from wizard.ui.screenshots import FILE_NAMES

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"


def test_every_verdict_title_is_explained_in_the_guide():
    text = GUIDE.read_text()
    missing = [info.title for info in VERDICTS.values() if f"| {info.title} |" not in text]
    assert missing == []


def test_the_guide_shows_exactly_the_pictures_the_screenshot_tour_makes():
    shown = re.findall(r"\]\(screenshots/([^)]+)\)", GUIDE.read_text())
    assert shown == list(FILE_NAMES.values())

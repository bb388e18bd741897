"""Fixtures for the translation tests: the catalogues built from the .ts files (as `make` does)
and core's texts back in English after every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.i18n.tools import TRANSLATIONS, lrelease, ts_file
from wizard.core import i18n
from wizard.language import TRANSLATED


@pytest.fixture(scope="session")
def catalogues() -> Path:
    """translations/*.qm built from the .ts files when missing or older (never committed)."""
    for language in TRANSLATED:
        ts = ts_file(language)
        qm = ts.with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            lrelease(ts, qm)
    return TRANSLATIONS


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """A test that switches core's texts to another language leaves them English."""
    yield
    i18n.set_translator(None)


@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system locale says nothing about the language (C), whatever the machine runs."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")

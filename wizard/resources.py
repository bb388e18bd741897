"""Where the shipped data files (SAP root list, icons, translations) are found."""

from __future__ import annotations

import sys
from pathlib import Path

# The languages the wizard is translated into; Qt's own catalogue (qtbase_<lang>.qm, the stock
# buttons) is shipped for exactly these (packaging/cpi-cert-wizard.spec, --self-check).
LANGUAGES = ("de", "fr", "es", "ja")


def resource_dir() -> Path:
    """The `resources/` folder: inside a frozen bundle, else beside the package in the checkout."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(name: str) -> Path:
    return resource_dir() / name


def translations_dir() -> Path:
    """Our compiled catalogues (`*.qm`): `translations/` beside `resources/`, frozen or not."""
    return resource_dir().parent / "translations"

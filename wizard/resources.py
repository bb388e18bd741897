"""Where the shipped data files (SAP root list, icons, translations) are found."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    """The `resources/` folder: inside a frozen bundle, else beside the package in the checkout."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(name: str) -> Path:
    return resource_dir() / name

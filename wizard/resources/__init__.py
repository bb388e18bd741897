"""The shipped data files (SAP root list, icons), inside the package: read with importlib.resources.

They live in `wizard/resources/`, so a plain wheel has them as well as the checkout and the frozen
bundle (which keeps them at `wizard/resources/` under its root). Our translations (`.qm`, built
from `translations/*.ts`) are found by `wizard.language.catalogue_dirs`.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path


def resource_dir() -> Path:
    """The folder of the shipped data files."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:  # PyInstaller: the package's data files under the bundle's root
        return Path(frozen) / "wizard" / "resources"
    return Path(str(files(__name__)))


def resource(name: str) -> Path:
    return resource_dir() / name

"""The shipped data files (SAP root list, icons), inside the package: read with importlib.resources.

They live in `wizard/resources/`, so a plain wheel has them as well as the checkout and the frozen
bundle (which keeps them at `wizard/resources/` under its root). Our translations (`.qm`, built
from `translations/*.ts`) are found by `wizard.language.catalogue_dirs`.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    """The folder of the shipped data files."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:  # PyInstaller: the package's data files under the bundle's root
        return Path(frozen) / "wizard" / "resources"
    here = Path(__file__).parent
    if here.is_dir():  # a checkout or an installed wheel: the package's own folder (issue 19:
        return here  # importlib.resources' readers cost 3 ms at start-up to say the same)
    from importlib.resources import files

    return Path(str(files(__name__)))


def resource(name: str) -> Path:
    return resource_dir() / name

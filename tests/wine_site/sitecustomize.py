"""Test-only (never shipped): work round a gap of Wine 8 in every Python the tests start.

Python 3.12's shutil.copy2 on Windows calls KERNEL32.CopyFile2, which Wine 8 lacks: the process
aborts. Without `_winapi.CopyFile2`, shutil copies with its portable code instead. On real Windows
and on other systems nothing changes. tests/conftest.py puts this folder on PYTHONPATH.
"""

from __future__ import annotations

import sys


def under_wine() -> bool:
    if sys.platform != "win32":
        return False
    try:
        import ctypes

        return hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")
    except (OSError, AttributeError):
        return False


def work_round_wine() -> None:
    if under_wine():
        import _winapi

        if hasattr(_winapi, "CopyFile2"):
            delattr(_winapi, "CopyFile2")


work_round_wine()

"""Atomic, private file writes: a write either happens whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from wizard.core.errors import WizardError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    with contextlib.suppress(OSError):  # not ours to change (e.g. a shared --out folder)
        if path.stat().st_uid == os.getuid():
            os.chmod(path, PRIVATE_DIR)
    return path


def atomic_write(path: Path, data: bytes | str, *, private: bool = True) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and a rename.

    Private files are created 0600 from the start, so the content is never readable by others,
    not even for a moment.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise WizardError(
            "file.write",
            f"Cannot write {path}: {exc.strerror}. Check that the folder exists and is writable.",
        ) from None
    try:
        os.fchmod(fd, PRIVATE_FILE if private else 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WizardError(
            "file.write", f"Cannot write {path}: {exc.strerror}. Nothing was changed."
        ) from None
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path


MAX_INPUT_BYTES = 10 * 1024 * 1024


def read_input_file(path: Path, *, what: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a file the user gave us, with a clear error for missing, unreadable or huge files."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise WizardError(
                "file.is_dir", f"{path} is a folder, not {what}. Give the file itself."
            )
        if size > limit:
            raise WizardError(
                "file.too_large",
                f"{path} is {size // (1024 * 1024)} MB; {what} is never that large "
                f"(limit {limit // (1024 * 1024)} MB). Check that you picked the right file.",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise WizardError("file.not_found", f"{path} does not exist. Check the path.") from None
    except PermissionError:
        raise WizardError(
            "file.unreadable", f"{path} cannot be read (permission denied)."
        ) from None
    except OSError as exc:
        raise WizardError("file.unreadable", f"{path} cannot be read: {exc.strerror}.") from None

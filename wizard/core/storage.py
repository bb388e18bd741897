"""Atomic, private file writes: a write either happens whole or not at all.

Also: several files of one folder changed together (`StagedChange`, all or none even across a
crash) and an advisory lock so two processes never change the same folder at once.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TextIO

from wizard.core.errors import WizardError
from wizard.core.i18n import translate

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    with contextlib.suppress(OSError):  # not ours to change (e.g. a shared --out folder)
        if path.stat().st_uid == os.getuid():
            os.chmod(path, PRIVATE_DIR)
    return path


def atomic_write(
    path: Path, data: bytes | str, *, private: bool = True, sync_dir: bool = True
) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and a rename.

    Private files are created 0600 from the start, so the content is never readable by others,
    not even for a moment. `sync_dir=False` leaves the folder's fsync to the caller (who writes
    several files into it and syncs it once).
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
            translate(
                "storage",
                "Cannot write {file}: {reason}. Check that the folder exists and is writable.",
            ).format(file=path, reason=exc.strerror),
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
            "file.write",
            translate("storage", "Cannot write {file}: {reason}. Nothing was changed.").format(
                file=path, reason=exc.strerror
            ),
        ) from None
    if sync_dir:
        _fsync_dir(path.parent)
    return path


MAX_INPUT_BYTES = 10 * 1024 * 1024


def read_input_file(path: Path, *, what: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a file the user gave us, with a clear error for missing, unreadable or huge files."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise WizardError(
                "file.is_dir",
                translate(
                    "storage", "{file} is a folder, not {what}. Give the file itself."
                ).format(file=path, what=what),
            )
        if size > limit:
            raise WizardError(
                "file.too_large",
                translate(
                    "storage",
                    "{file} is {size} MB; {what} is never that large "
                    "(limit {limit} MB). Check that you picked the right file.",
                ).format(
                    file=path, size=size // (1024 * 1024), what=what, limit=limit // (1024 * 1024)
                ),
            )
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: OSError) -> WizardError:
    if isinstance(exc, FileNotFoundError):
        return WizardError(
            "file.not_found",
            translate("storage", "{file} does not exist. Check the path.").format(file=path),
        )
    if isinstance(exc, PermissionError):
        return WizardError(
            "file.unreadable",
            translate("storage", "{file} cannot be read (permission denied).").format(file=path),
        )
    return WizardError(
        "file.unreadable",
        translate("storage", "{file} cannot be read: {reason}.").format(
            file=path, reason=exc.strerror
        ),
    )


def open_log_text(path: Path, *, what: str) -> TextIO:
    """A log file as text, gzip-compressed or not whatever its name says; errors in words."""
    path = Path(path)
    try:
        with path.open("rb") as probe:
            magic = probe.read(2)
    except IsADirectoryError:
        raise WizardError(
            "file.is_dir",
            translate("storage", "{file} is a folder, not {what}. Give the file itself.").format(
                file=path, what=what
            ),
        ) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    return path.open("rt", encoding="utf-8", errors="replace", newline="")


# --- several files at once, and one writer at a time ---------------------------------------------

_JOURNAL = "journal.json"
_STAGED = "files"
_held = threading.local()  # this thread's locks: path -> depth (a step may call another step)


def _lock_file(fd: int) -> bool:
    """Try to take the exclusive lock once; False when another process (or thread) holds it."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock_file(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(path.read_text(encoding="ascii").strip())
        return f"process {pid}"
    return "another process"


@contextlib.contextmanager
def exclusive_lock(path: Path, *, what: str, timeout: float) -> Iterator[bool]:
    """An advisory lock on `path` (fcntl.flock / msvcrt.locking), held for the `with` block.

    Blocks up to `timeout` seconds while another process or thread holds it, then raises a
    `WizardError` saying who holds `what`. Re-entrant within a thread; yields True for the
    outermost holder. The operating system releases the lock when a process dies, even by SIGKILL,
    so a crash never leaves a stale lock behind.
    """
    key = str(Path(path).absolute())
    depths: dict[str, int] = _held.__dict__.setdefault("depths", {})
    if key in depths:
        depths[key] += 1
        try:
            yield False
        finally:
            depths[key] -= 1
        return
    try:
        ensure_private_dir(Path(path).parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    except OSError as exc:
        raise WizardError(
            "file.write",
            translate("storage", "Cannot create the lock file {file}: {reason}.").format(
                file=path, reason=exc.strerror
            ),
        ) from None
    try:
        deadline = time.monotonic() + timeout
        pause = 0.01
        while not _lock_file(fd):
            if time.monotonic() >= deadline:
                raise WizardError(
                    "profile.locked",
                    translate(
                        "storage",
                        "{what} is being changed by {holder}, which did not finish within "
                        "{seconds} s. Wait for it to finish (or close the other cpi-cert-wizard) "
                        "and try again.",
                    ).format(what=what, holder=_holder(Path(path)), seconds=f"{timeout:g}"),
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.2)
        with contextlib.suppress(OSError):  # who holds it, for the message above (fixed width:
            os.pwrite(fd, f"{os.getpid():>10}\n".encode("ascii"), 0)  # no truncate needed)
        depths[key] = 1
        try:
            yield True
        finally:
            del depths[key]
            _unlock_file(fd)
    finally:
        os.close(fd)


def _relative(name: str) -> PurePosixPath:
    rel = PurePosixPath(name)
    if rel.is_absolute() or not rel.parts or ".." in rel.parts:
        raise ValueError(f"{name!r} is not a path inside the folder")
    return rel


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class StagedChange:
    """Files of one folder written and removed together: after a crash, all of them or none.

    Writes go to `staging` first; `commit` then writes a journal (the commit point) and moves the
    files into `target`. `recover_change` finishes a committed change or throws an uncommitted
    one away, so whoever opens the folder next sees it exactly as before or exactly as after.
    The caller holds the folder's lock for the whole change.
    """

    def __init__(self, target: Path, staging: Path) -> None:
        self.target = Path(target)
        self.staging = Path(staging)
        self._writes: dict[str, bool] = {}  # relative path -> private
        self._removes: set[str] = set()

    def write(self, name: str, data: bytes | str, *, private: bool = True) -> Path:
        """Stage `data` for `target/name`; returns that final path."""
        rel = _relative(name)
        if not self._writes and not self._removes:
            ensure_private_dir(self.staging)
        atomic_write(self.staging / _STAGED / rel, data, private=private, sync_dir=False)
        self._writes[rel.as_posix()] = private
        self._removes.discard(rel.as_posix())
        return self.target / rel

    def remove(self, name: str) -> None:
        rel = _relative(name).as_posix()
        staged = self.staging / _STAGED / rel
        if rel in self._writes:
            del self._writes[rel]
            staged.unlink(missing_ok=True)
        if (self.target / rel).exists():
            self._removes.add(rel)

    def staged(self, name: str) -> bool:
        return _relative(name).as_posix() in self._writes

    def commit(self) -> None:
        if not self._writes and not self._removes:
            self.discard()
            return
        journal = {"writes": sorted(self._writes), "removes": sorted(self._removes)}
        for folder in {(self.staging / _STAGED / name).parent for name in self._writes}:
            _fsync_dir(folder)  # the staged files' names are durable before the commit point
        atomic_write(self.staging / _JOURNAL, json.dumps(journal))  # the commit point
        _apply(self.target, self.staging, journal)

    def discard(self) -> None:
        self._writes.clear()
        self._removes.clear()
        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)


def _apply(target: Path, staging: Path, journal: dict) -> None:
    touched = {target}
    for name in journal.get("writes", []):
        rel = _relative(name)
        source, final = staging / _STAGED / rel, target / rel
        if source.exists():  # else moved already by the run that was interrupted
            ensure_private_dir(target)
            for parent in reversed(rel.parents[:-1]):
                ensure_private_dir(target / parent)
            os.replace(source, final)
            touched.add(final.parent)
    for name in journal.get("removes", []):
        (target / _relative(name)).unlink(missing_ok=True)
    for folder in touched:
        _fsync_dir(folder)
    (staging / _JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def recover_change(target: Path, staging: Path) -> bool:
    """Finish or forget a change interrupted by a crash. True if there was one.

    Call with the folder's lock held.
    """
    if not staging.exists():
        return False
    try:
        journal = json.loads((staging / _JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        journal = None  # never committed (or unreadable): as if it never started
    if isinstance(journal, dict):
        try:
            _apply(target, staging, journal)
            return True
        except (ValueError, TypeError):
            pass
    shutil.rmtree(staging, ignore_errors=True)
    return True

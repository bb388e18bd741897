"""Atomic, private file writes: a write either happens whole or not at all.

Also: several files changed together (`StagedChange`, all or none even across a crash), reading
a file the user names with a hard byte bound, and an advisory lock so two processes never change
the same folder at once.

Portable: on POSIX private files are 0600 and folders 0700 whatever the umask; on Windows there
are no such mode bits (`os.chmod` only sets the read-only flag), so privacy comes from the per-user
data folder's ACL, and this module never pretends otherwise. No Unix-only call runs on Windows.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import json
import os
import shutil
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO, TextIO

from wizard.core.errors import WizardError
from wizard.core.i18n import translate

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PUBLIC_FILE = 0o644
POSIX = os.name == "posix"
WINDOWS = sys.platform == "win32"
# os.open flags: never follow a planted symlink where the system can refuse it; binary on Windows
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
REPLACE_RETRY_SECONDS = 3.0  # how long a replace waits for another program to let go of the target


def _my_uid() -> int | None:
    if POSIX and hasattr(os, "getuid"):
        return os.getuid()
    return None


def _set_mode(path: Path | str, mode: int) -> None:
    """Set POSIX permission bits; on Windows there are none to set (the folder's ACL applies)."""
    if POSIX:
        os.chmod(path, mode)


def make_dirs(path: Path) -> Path:
    """Create `path` and any missing parent, each 0700 on POSIX whatever the umask. Folders that
    exist already (a user's --out folder) keep their permissions."""
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # made by another process meanwhile
        with contextlib.suppress(OSError):
            _set_mode(folder, PRIVATE_DIR)  # mkdir's mode is masked by the umask
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR)  # raises FileExistsError / NotADirectoryError in words
    return path


def ensure_private_dir(path: Path) -> Path:
    """One of the tool's own folders: created as `make_dirs` does, and made 0700 (POSIX) if it
    exists already and is ours; one owned by someone else is left alone."""
    path = make_dirs(path)
    uid = _my_uid()
    if uid is not None:
        with contextlib.suppress(OSError):
            status = path.stat()
            # a chmod that changes nothing still rewrites the inode: only when it is needed
            if status.st_uid == uid and stat.S_IMODE(status.st_mode) != PRIVATE_DIR:
                _set_mode(path, PRIVATE_DIR)
    return path


def full_path(path: Path | str) -> Path:
    """`path` made absolute (links resolved where the system can), for showing to the user.

    Never fails: on Windows resolving a path longer than 260 characters can raise (Wine), and a
    path on a drive that went away cannot be resolved; the absolute path is shown then.
    """
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


def _is_transient_sharing_error(exc: OSError) -> bool:
    """Windows: the target is open in another program (sharing violation / access denied)."""
    return (
        WINDOWS and isinstance(exc, PermissionError) and getattr(exc, "winerror", 5) in (5, 32, 33)
    )


def replace_file(source: Path | str, target: Path | str, *, wait: float | None = None) -> None:
    """`os.replace`, which on Windows waits briefly while another program holds `target` open.

    Raises `WizardError` naming `target` when it stays busy; `source` is then left for the caller
    to remove, `target` is unchanged.
    """
    deadline = time.monotonic() + (REPLACE_RETRY_SECONDS if wait is None else wait)
    pause = 0.02
    while True:
        try:
            os.replace(source, target)
            return
        except OSError as exc:
            if not _is_transient_sharing_error(exc) or time.monotonic() >= deadline:
                if _is_transient_sharing_error(exc):
                    raise WizardError(
                        "file.busy",
                        translate(
                            "storage",
                            "Cannot replace {file}: another program has it open. Close it (an "
                            "editor, a viewer, a virus scanner still reading it) and try again; "
                            "nothing was changed.",
                        ).format(file=target),
                    ) from None
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


def _write_error(path: Path, exc: OSError, *, changed: bool) -> WizardError:
    if changed:
        text = translate(
            "storage",
            "Cannot write {file}: {reason}. Check that the folder exists and is writable.",
        )
    else:
        text = translate("storage", "Cannot write {file}: {reason}. Nothing was changed.")
    return WizardError("file.write", text.format(file=path, reason=exc.strerror or exc))


def atomic_write(
    path: Path, data: bytes | str, *, private: bool = True, sync_dir: bool = True
) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and a rename.

    Private files are created 0600 from the start (mkstemp), so the content is never readable by
    others, not even for a moment. `sync_dir=False` leaves the folder's fsync to the caller (who
    writes several files into it and syncs it once). Folders it creates are 0700.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    try:
        make_dirs(path.parent)  # new folders 0700; an existing one keeps its permissions
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _write_error(path, exc, changed=True) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if not private:
                _set_mode(tmp, PUBLIC_FILE)  # mkstemp made it 0600
            handle.write(data)
            handle.flush()
            _fsync_file(handle.fileno(), path)
        replace_file(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_error(path, exc, changed=False) from None
        raise
    if sync_dir:
        _fsync_dir(path.parent)
    return path


# --- reading what the user names -------------------------------------------------------------------

MAX_INPUT_BYTES = 10 * 1024 * 1024


def _not_a_file(path: Path, mode: int, what: str) -> WizardError:
    """The specific message for a folder, device, pipe or socket given where a file belongs."""
    where = path
    with contextlib.suppress(OSError):
        if path.is_symlink():
            where = Path(f"{path} → {os.path.realpath(path)}")
    if stat.S_ISDIR(mode):
        return WizardError(
            "file.is_dir",
            translate("storage", "{file} is a folder, not {what}. Give the file itself.").format(
                file=where, what=what
            ),
        )
    if stat.S_ISFIFO(mode):
        text = translate(
            "storage",
            "{file} is a named pipe (FIFO), not {what}: reading it could wait forever. "
            "Save what you want to give into a regular file and give that file.",
        )
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        text = translate(
            "storage",
            "{file} is a device, not {what}: reading it may never end. Give a regular file.",
        )
    else:
        text = translate(
            "storage", "{file} is not a regular file (a socket or similar), not {what}."
        )
    return WizardError("file.not_regular", text.format(file=where, what=what))


def _too_large(path: Path, size: int, what: str, limit: int) -> WizardError:
    return WizardError(
        "file.too_large",
        translate(
            "storage",
            "{file} is {size} MB; {what} is never that large "
            "(limit {limit} MB). Check that you picked the right file.",
        ).format(file=path, size=size // (1024 * 1024), what=what, limit=limit // (1024 * 1024)),
    )


def open_input_file(path: Path, *, what: str) -> BinaryIO:
    """Open a file the user named for reading: a regular file, or a `WizardError` in words.

    Checked before opening (a FIFO would block in open) and again on the open handle (the name
    could have been swapped meanwhile).
    """
    path = Path(path)
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise _not_a_file(path, before.st_mode, what)
        fd = os.open(path, os.O_RDONLY | _BINARY | _NONBLOCK)
    except IsADirectoryError:
        raise _not_a_file(path, stat.S_IFDIR, what) from None
    except PermissionError as exc:
        if path.is_dir():  # Windows: opening a folder is "permission denied"
            raise _not_a_file(path, stat.S_IFDIR, what) from None
        raise _unreadable(path, exc) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode):
            raise _not_a_file(path, now.st_mode, what)
        if _NONBLOCK and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_input_file(path: Path, *, what: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a file the user gave us, at most `limit` bytes whatever its size claims; a clear error
    for a missing, unreadable, huge or non-regular file (folder, device, FIFO)."""
    path = Path(path)
    with open_input_file(path, what=what) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise _too_large(path, size, what, limit)
            data = handle.read(limit + 1)  # a hard bound: the file may grow while we read
        except OSError as exc:
            raise _unreadable(path, exc) from None
    if len(data) > limit:
        raise _too_large(path, len(data), what, limit)
    return data


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
            file=path, reason=exc.strerror or exc
        ),
    )


def open_log_text(path: Path, *, what: str) -> TextIO:
    """A log file as text, gzip-compressed or not whatever its name says; errors in words."""
    path = Path(path)
    handle = open_input_file(path, what=what)
    try:
        magic = handle.read(2)
        handle.seek(0)
    except OSError as exc:
        handle.close()
        raise _unreadable(path, exc) from None
    binary: BinaryIO = handle
    if magic == b"\x1f\x8b":
        binary = gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[assignment]
    text = io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="")
    if binary is not handle:
        # closing the text wrapper closes the GzipFile, which does not close a given fileobj
        close = text.close

        def close_both() -> None:
            try:
                close()
            finally:
                handle.close()

        text.close = close_both  # type: ignore[method-assign]
    return text


# --- several files at once, and one writer at a time ---------------------------------------------

_JOURNAL = "journal.json"
_PENDING = "outside.json"  # folders outside `target` this change stages files in (for clean-up)
_STAGED = "files"
OUTSIDE_PREFIX = ".cpi-cert-wizard-staging-"  # a hidden folder beside files written elsewhere
_LOCK_BYTE = 1 << 20  # Windows locks are mandatory: lock a byte past the holder's pid text
_held = threading.local()  # this thread's locks: path -> depth (a step may call another step)


def _lock_file(fd: int) -> bool:
    """Try to take the exclusive lock once; False when another process (or thread) holds it."""
    if sys.platform == "win32":  # spelled out (not WINDOWS) so type checkers know msvcrt's API
        import msvcrt

        os.lseek(fd, _LOCK_BYTE, os.SEEK_SET)
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

        os.lseek(fd, _LOCK_BYTE, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, ValueError):
        with open(path, "rb") as handle:
            pid = int(handle.read(32).decode("ascii").strip())
        return translate("storage", "process {pid}").format(pid=pid)
    return translate("storage", "another process")


def _open_lock_file(path: Path) -> int:
    try:
        make_dirs(Path(path).parent)
        return os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _BINARY, PRIVATE_FILE)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) or (_NOFOLLOW and Path(path).is_symlink()):
            reason = translate(
                "storage", "it is a symbolic link, which is never followed; remove it"
            )
        elif isinstance(exc, IsADirectoryError) or Path(path).is_dir():
            reason = translate("storage", "it is a folder; remove it")
        else:
            reason = exc.strerror or str(exc)
        raise WizardError(
            "file.write",
            translate("storage", "Cannot create the lock file {file}: {reason}.").format(
                file=path, reason=reason
            ),
        ) from None


@contextlib.contextmanager
def exclusive_lock(path: Path, *, what: str, timeout: float) -> Iterator[bool]:
    """An advisory lock on `path` (fcntl.flock / msvcrt.locking), held for the `with` block.

    Blocks up to `timeout` seconds while another process or thread holds it, then raises a
    `WizardError` saying who holds `what`. Re-entrant within a thread; yields True for the
    outermost holder. The operating system releases the lock when a process dies, even by SIGKILL,
    so a crash never leaves a stale lock behind. The lock file is never a followed symlink.
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
    fd = _open_lock_file(Path(path))
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
            os.lseek(fd, 0, os.SEEK_SET)  # no truncate needed)
            os.write(fd, f"{os.getpid():>10}\n".encode("ascii"))
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
    if rel.is_absolute() or not rel.parts or ".." in rel.parts or "\\" in name:
        raise ValueError(f"{name!r} is not a path inside the folder")
    return rel


# --- durability grouped: one sync for many atomic writes (batch steps) --------------------------

_group_lock = threading.Lock()
_group: dict[str, object] = {"depth": 0, "paths": set()}


@contextlib.contextmanager
def grouped_durability() -> Iterator[None]:
    """Inside the block every write stays atomic (a temporary file, then a rename: a crash, even
    SIGKILL, shows each file whole or not at all, and `StagedChange` keeps its all-or-none), but
    no write waits for the disk on its own; leaving the block makes all of them durable with one
    sync (Linux: syncfs of each filesystem written to; elsewhere an fsync per file written).
    Nested blocks sync when the outermost one ends. For batch steps: hundreds of fsyncs become one.
    """
    with _group_lock:
        _group["depth"] += 1  # type: ignore[operator]
    try:
        yield
    finally:
        with _group_lock:
            _group["depth"] -= 1  # type: ignore[operator]
            outermost = not _group["depth"]
            paths: set[str] = _group["paths"] if outermost else set()  # type: ignore[assignment]
            if outermost:
                _group["paths"] = set()
        if outermost:
            _remove_spares()
        if paths:
            _sync_paths(paths)


# Inside a group, a change's emptied staging folder is kept (renamed aside) for the next change
# instead of being removed and made again: on ext4 removing a folder costs milliseconds.
_spare_lock = threading.Lock()
_spares: list[str] = []
_spare_count = [0]
SPARE_PREFIX = ".spare-"  # never a profile name (leading dot): listings pass over it


def _take_spare(staging: Path) -> bool:
    """Make `staging` from a kept empty folder beside it (a rename); False when there is none."""
    parent = str(staging.parent)
    while True:
        with _spare_lock:
            spare = next((s for s in _spares if os.path.dirname(s) == parent), None)
            if spare is None:
                return False
            _spares.remove(spare)
        try:
            os.rename(spare, staging)
            return True
        except OSError:
            continue  # gone, or staging is there: try the next, then make it


def _keep_spare(staging: Path) -> bool:
    """Keep the emptied `staging` for the next change of this group (False: remove it)."""
    with _group_lock:
        if not _group["depth"]:
            return False
    with _spare_lock:
        _spare_count[0] += 1
        spare = staging.parent / f"{SPARE_PREFIX}{os.getpid()}-{_spare_count[0]}"
    try:
        if os.listdir(staging):
            return False
        os.rename(staging, spare)
    except OSError:
        return False
    with _spare_lock:
        _spares.append(str(spare))
    return True


def _remove_spares() -> None:
    with _spare_lock:
        spares, _spares[:] = list(_spares), []
    for spare in spares:
        with contextlib.suppress(OSError):
            os.rmdir(spare)


def _deferred(path: Path | str) -> bool:
    """Inside `grouped_durability`: note `path` for the sync at its end instead of syncing now."""
    with _group_lock:
        if not _group["depth"]:
            return False
        _group["paths"].add(str(path))  # type: ignore[attr-defined]
        return True


def _sync_paths(paths: set[str]) -> None:
    syncfs = _syncfs()
    if syncfs is not None:
        devices: dict[int, str] = {}
        for name in paths:
            with contextlib.suppress(OSError):
                devices.setdefault(os.stat(name).st_dev, name)
        for name in devices.values():
            with contextlib.suppress(OSError):
                fd = os.open(name, os.O_RDONLY)
                try:
                    syncfs(fd)
                finally:
                    os.close(fd)
        return
    for name in sorted(paths):
        with contextlib.suppress(OSError):
            if os.path.isdir(name):
                _fsync_dir(Path(name))
                continue
            fd = os.open(name, os.O_RDONLY | _BINARY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _syncfs():
    """Linux's syncfs(2) (one filesystem's dirty data and metadata), or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.syncfs
    except (OSError, AttributeError):
        return None

    def syncfs(fd: int) -> None:
        if call(fd) != 0:
            raise OSError(ctypes.get_errno(), "syncfs failed")

    return syncfs


def _fsync_file(fd: int, path: Path) -> None:
    if not _deferred(path):
        os.fsync(fd)


def _fsync_dir(path: Path) -> None:
    if not POSIX:  # Windows cannot open a folder as a file; NTFS metadata is journaled
        return
    if _deferred(path):
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_RESERVED = frozenset({_JOURNAL, _PENDING, _STAGED})  # staging's own names: never a staged file's
_OUTSIDE_STAGED = ".outside-"  # a file for outside `target`, staged in staging (same volume)
_volumes: dict[str, int] = {}  # folder -> st_dev, asked once per process


def _volume(folder: Path) -> int | None:
    key = str(folder)
    if key not in _volumes:
        try:
            _volumes[key] = os.stat(folder).st_dev
        except OSError:
            return None
    return _volumes[key]


def _same_volume(a: Path, b: Path) -> bool:
    """`a` and `b` are on one filesystem (a rename moves a file from one to the other)."""
    first, second = _volume(a), _volume(b.parent)
    return first is not None and first == second


def _write_staged(path: Path, data: bytes | str, *, private: bool, new: bool = False) -> None:
    """A staged file: written in place (no temporary file and rename), since nobody reads it
    before the change's commit point and an interrupted change is thrown away. `new`: the file
    must not exist yet (one beside the user's own files)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | _BINARY | (os.O_EXCL if new else os.O_TRUNC)
    try:
        fd = os.open(path, flags, PRIVATE_FILE)
    except FileNotFoundError:
        make_dirs(path.parent)
        fd = os.open(path, flags, PRIVATE_FILE)
    except OSError as exc:
        raise _write_error(path, exc, changed=False) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if not private:
                _set_mode(path, PUBLIC_FILE)
            handle.write(data)
            handle.flush()
            _fsync_file(handle.fileno(), path)
    except OSError as exc:
        raise _write_error(path, exc, changed=False) from None


class StagedChange:
    """Files of one folder (and optionally files elsewhere) written and removed together: after a
    crash, all of them or none.

    Writes go to `staging` first (files outside `target` to hidden files beside them, on their
    own volume); `commit` then writes a journal (the commit point) and moves the files into place.
    A change that makes a new folder (`target` did not exist, nothing outside it) is committed by
    renaming `staging` to `target` instead: the folder appears whole, with no journal and no file
    moved one by one. `recover_change` finishes a committed change or throws an uncommitted one
    away, so whoever opens the folder next sees it exactly as before or exactly as after. The
    caller holds the folder's lock for the whole change.
    """

    def __init__(self, target: Path, staging: Path) -> None:
        self.target = Path(target)
        self.staging = Path(staging)
        self._writes: dict[str, bool] = {}  # relative path -> private
        self._removes: set[str] = set()
        self._outside: dict[str, str] = {}  # final absolute path -> staged absolute path
        self._outside_dirs: list[str] = []
        self._files = self.staging  # where staged files are (staging/files/ for reserved names)
        self._begun = False
        self._new_folder = False  # target did not exist when the change began
        self.on_discard: list = []  # callables run when the change is thrown away

    def _begin(self) -> None:
        if not self._begun:
            self._new_folder = not os.path.lexists(self.target)
            if not _take_spare(self.staging):
                ensure_private_dir(self.staging)
            self._begun = True

    def _nest(self) -> None:
        """Staged files move into staging/files/, so a staged name may be a staging name."""
        if self._files != self.staging:
            return
        nested = self.staging / _STAGED
        for name in self._writes:
            source = self.staging / _relative(name)
            make_dirs((nested / _relative(name)).parent)
            os.replace(source, nested / _relative(name))
        self._files = nested

    def write(self, name: str, data: bytes | str, *, private: bool = True) -> Path:
        """Stage `data` for `target/name`; returns that final path."""
        rel = _relative(name)
        self._begin()
        if rel.parts[0] in _RESERVED:
            self._nest()
        _write_staged(self._files / rel, data, private=private)
        self._writes[rel.as_posix()] = private
        self._removes.discard(rel.as_posix())
        return self.target / rel

    def write_outside(self, path: Path, data: bytes | str, *, private: bool = True) -> Path:
        """Stage `data` for `path`, a file outside `target` (e.g. `--out`), in this same change."""
        final = Path(os.path.abspath(path))
        self._begin()
        if not final.parent.is_dir():
            make_dirs(final.parent)
        if _same_volume(final.parent, self.staging):  # staged with the rest: one rename away
            staged = self.staging / f"{_OUTSIDE_STAGED}{len(self._outside)}-{final.name}"
            _write_staged(staged, data, private=private)
            self._outside[str(final)] = str(staged)
            return final
        # another volume: a hidden file beside the final one (no folder to make and remove)
        prefix = final.parent / f"{OUTSIDE_PREFIX}{self.staging.name}-"
        if str(prefix) not in self._outside_dirs:
            self._outside_dirs.append(str(prefix))
            # recorded before any such file exists, so an interrupted change can remove them
            atomic_write(self.staging / _PENDING, json.dumps(self._outside_dirs), sync_dir=False)
        staged = Path(f"{prefix}{len(self._outside)}-{final.name}")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(staged)  # left by a crash whose clean-up could not remove it
        _write_staged(staged, data, private=private, new=True)
        self._outside[str(final)] = str(staged)
        return final

    @property
    def empty(self) -> bool:
        return not self._writes and not self._removes and not self._outside

    def remove(self, name: str) -> None:
        rel = _relative(name).as_posix()
        staged = self._files / rel
        if rel in self._writes:
            del self._writes[rel]
            staged.unlink(missing_ok=True)
        if (self.target / rel).exists():
            self._removes.add(rel)

    def staged(self, name: str) -> bool:
        return _relative(name).as_posix() in self._writes

    def staged_path(self, name: str) -> Path | None:
        """Where the staged content of `name` is, if this change writes it."""
        rel = _relative(name)
        return self._files / rel if rel.as_posix() in self._writes else None

    def removes(self, name: str) -> bool:
        return _relative(name).as_posix() in self._removes

    def writes_under(self, folder: str) -> bool:
        prefix = _relative(folder).as_posix() + "/"
        return any(name.startswith(prefix) for name in self._writes)

    def commit(self) -> None:
        if self.empty:
            self.discard()
            return
        for folder in {(self._files / name).parent for name in self._writes} | {
            Path(s).parent for s in self._outside.values()
        }:
            _fsync_dir(Path(folder))  # the staged files' names are durable before the commit point
        if self._commit_new_folder():
            return
        journal = {
            "writes": sorted(self._writes),
            "removes": sorted(self._removes),
            "outside": sorted(self._outside.items()),
            "outside_dirs": self._outside_dirs,
            "nested": self._files != self.staging,
        }
        _write_staged(self.staging / _JOURNAL, json.dumps(journal), private=True)
        _fsync_dir(self.staging)  # the commit point: the journal's name is durable
        _apply(self.target, self.staging, journal)

    def _commit_new_folder(self) -> bool:
        """A new folder with only its own files: staging becomes it, in one rename."""
        if not self._new_folder or self._outside or self._files != self.staging:
            return False
        if (self.staging / _PENDING).exists() or os.path.lexists(self.target):
            return False
        try:
            replace_file(self.staging, self.target)  # the commit point
        except (OSError, WizardError):
            return False  # committed by the journal instead
        _fsync_dir(self.target.parent)
        return True

    def discard(self) -> None:
        undo, self.on_discard = self.on_discard, []
        for action in reversed(undo):
            action()
        self._writes.clear()
        self._removes.clear()
        self._outside.clear()
        _remove_outside_dirs(self._outside_dirs)
        self._outside_dirs = []
        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)


def _remove_outside_dirs(folders: object) -> None:
    """Staged copies beside files outside the folder: hidden files `<prefix><n>-<name>` (or a
    hidden folder, as earlier versions staged them)."""
    if not isinstance(folders, list):
        return
    for folder in folders:
        # only our own hidden staging files and folders, whatever a damaged journal says
        if not isinstance(folder, str) or not Path(folder).name.startswith(OUTSIDE_PREFIX):
            continue
        if folder.endswith("-"):
            parent, prefix = Path(folder).parent, Path(folder).name
            with contextlib.suppress(OSError):
                for entry in os.scandir(parent):
                    if entry.name.startswith(prefix) and entry.is_file(follow_symlinks=False):
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _apply(target: Path, staging: Path, journal: dict) -> None:
    touched = {target}
    nested = journal.get("nested")
    if not isinstance(nested, bool):  # a journal of an earlier version: staging/files/
        nested = (staging / _STAGED).is_dir()
    files = staging / _STAGED if nested else staging
    for name in journal.get("writes", []):
        rel = _relative(name)
        source, final = files / rel, target / rel
        if source.exists():  # else moved already by the run that was interrupted
            make_dirs(target)
            for parent in reversed(rel.parents[:-1]):
                make_dirs(target / parent)
            replace_file(source, final)
            touched.add(final.parent)
    for final_name, staged_name in journal.get("outside", []):
        final, source = Path(final_name), Path(staged_name)
        beside = (
            source.parent == final.parent
            and source.name.startswith(OUTSIDE_PREFIX)
            and source.name.endswith(f"-{final.name}")
        )
        inside = (
            source.parent == staging
            and source.name.startswith(_OUTSIDE_STAGED)
            and source.name.endswith(f"-{final.name}")
        )
        in_folder = source.name.split("-", 1)[-1] == final.name and source.parent.name.startswith(
            OUTSIDE_PREFIX
        )  # as earlier versions staged them
        if not (beside or inside or in_folder):
            raise ValueError(f"{staged_name!r} is not a staged copy of {final_name!r}")
        if source.exists():
            replace_file(source, final)
            touched.add(final.parent)
    for name in journal.get("removes", []):
        (target / _relative(name)).unlink(missing_ok=True)
    for folder in touched:
        _fsync_dir(folder)
    # the staged copies were moved: only an earlier version's folders are left to remove
    _remove_outside_dirs([d for d in journal.get("outside_dirs", []) if not str(d).endswith("-")])
    (staging / _JOURNAL).unlink(missing_ok=True)
    (staging / _PENDING).unlink(missing_ok=True)
    if not _keep_spare(staging):
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
    with contextlib.suppress(OSError, ValueError):
        _remove_outside_dirs(json.loads((staging / _PENDING).read_text(encoding="utf-8")))
    shutil.rmtree(staging, ignore_errors=True)
    return True


def write_file_set(files: dict[Path, tuple[bytes, bool]], *, timeout: float = 60.0) -> list[Path]:
    """Write several files (path -> (data, private)) of one folder so that they appear together.

    For files that belong to no profile (e.g. `fetch-root --out` without `--profile`): staged in
    a hidden folder beside them under a lock in that folder; a set a crash interrupted is finished
    or forgotten by the next call for the same folder.
    """
    if not files:
        return []
    folders = {Path(os.path.abspath(p)).parent for p in files}
    if len(folders) != 1:
        raise ValueError("write_file_set writes into one folder")
    folder = folders.pop()
    staging = folder / ".cpi-cert-wizard-files"
    make_dirs(folder)
    with exclusive_lock(folder / ".cpi-cert-wizard.lock", what=str(folder), timeout=timeout):
        recover_change(folder, staging)
        change = StagedChange(folder, staging)
        try:
            out = [
                change.write(Path(p).name, data, private=private)
                for p, (data, private) in files.items()
            ]
        except BaseException:
            change.discard()
            raise
        change.commit()
    return out

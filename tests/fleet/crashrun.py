"""Run the CLI in forked children and SIGKILL them mid-step (driven by tests/fleet/test_sigkill.py).

    python -m tests.fleet.crashrun        (one JSON request per stdin line, one answer per line)

The program and its libraries are imported once; each request forks a child that runs
`wizard.cli.main(argv)`, so a kill point costs milliseconds instead of an interpreter start.
A request kills the child either

- at the k-th change it is about to make to the files under `watch` (an audit hook sees every
  open-for-writing, rename, remove, mkdir, rmdir and chmod before it happens), or
- after `ms` milliseconds, from the parent.

The answer says whether the child was killed, its exit status, and how many changes it made.
No keyring: the secrets come from CPI_CERT_WIZARD_KEY_PASSPHRASE / _P12_PASSWORD.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

import keyring
from keyring.backends import fail

import wizard.cli
import wizard.core.enrollment  # imported once here, not in every child
from wizard.cli import build_parser

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_CHANGES = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.truncate"}


def _path_of(value) -> str | None:
    if isinstance(value, bytes):
        return os.fsdecode(value)
    if isinstance(value, str | os.PathLike):
        return os.fspath(value)
    return None  # a file descriptor: fchmod etc. on a file opened (and counted) before


def _is_change(event: str, args: tuple, watch: str) -> bool:
    if event == "open":
        path, mode, flags = (*args, None, None, None)[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        target = _path_of(path)
        return bool(writing) and target is not None and target.startswith(watch)
    if event in _CHANGES:
        target = _path_of(args[0]) if args else None
        return target is not None and target.startswith(watch)
    return False


def _child(request: dict, report_fd: int) -> None:
    watch = os.path.abspath(request["watch"])
    kill_at = request.get("kill_at")
    seen = 0

    def hook(event: str, args: tuple) -> None:
        nonlocal seen
        if _is_change(event, args, watch):
            seen += 1
            if kill_at is not None and seen >= kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(hook)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        code = wizard.cli.main(request["argv"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        code = 1
    os.write(report_fd, str(seen).encode())
    os._exit(code)


def run(request: dict) -> dict:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(request, write_fd)
    os.close(write_fd)
    if request.get("ms") is not None:
        time.sleep(request["ms"] / 1000)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _pid, status = os.waitpid(pid, 0)
    with os.fdopen(read_fd, "rb") as reader:
        changes = reader.read().decode() or None
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return {
        "killed": killed,
        "exit": None if killed else os.WEXITSTATUS(status),
        "changes": int(changes) if changes else None,
    }


def main() -> None:
    keyring.set_keyring(fail.Keyring())
    build_parser()  # import every command module now, not in each child
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(run(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()

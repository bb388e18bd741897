"""Hostile input: each shape runs in a forked child with a hang guard and a memory bound, so a
regression shows up as a failed test, never as a stuck or swapping test run."""

from __future__ import annotations

import multiprocessing
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import pytest

HANG_GUARD = 60.0  # seconds; the fixed code answers every shape here in a few at most
MEMORY_BOUND = 256 * 1024**2  # address space the child may add: a runaway read is a MemoryError


@dataclass(frozen=True)
class Answer:
    kind: str  # "read", "refused", "traceback", "hang"
    code: str = ""
    message: str = ""


def _child(conn, call, args, kwargs) -> None:
    import resource

    from wizard.core.errors import WizardError

    with open("/proc/self/status", encoding="ascii") as status:  # what the child starts with
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
    resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_BOUND, size + MEMORY_BOUND))
    try:
        call(*args, **kwargs)
    except WizardError as exc:
        conn.send(Answer("refused", exc.code, exc.message))
    except BaseException:  # what the CLI would show as a bug
        conn.send(Answer("traceback", message=traceback.format_exc()[-1500:]))
    else:
        conn.send(Answer("read"))


@pytest.fixture
def bounded() -> Callable[..., Answer]:
    if sys.platform == "win32":
        pytest.skip("the hang guard forks a child process, which Windows cannot do")
    context = multiprocessing.get_context("fork")

    def run(call, *args, **kwargs) -> Answer:
        parent, child = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(child, call, args, kwargs))
        process.start()
        child.close()
        if not parent.poll(HANG_GUARD):
            process.kill()
            process.join()
            return Answer("hang")
        answer = parent.recv()
        process.join()
        return answer

    return run

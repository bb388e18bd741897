"""The program runs on Windows: a Unix-only call in wizard/ without a platform guard fails here,
on the Linux leg too (the Windows leg would only see it when that line runs).

Guarded means: inside an `if` (or the code after an `if … return/raise` or in its `else`) whose
test looks at the platform (`os.name`, `sys.platform`, `POSIX`/`WINDOWS`, `hasattr(os, …)`), or in
a `try` that catches ImportError/AttributeError.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WIZARD = Path(__file__).resolve().parents[2] / "wizard"

UNIX_ONLY_MODULES = {"fcntl", "pwd", "grp", "termios", "tty", "resource", "crypt", "posix"}
UNIX_ONLY_ATTRIBUTES = {
    "os": {
        "getuid", "geteuid", "getgid", "getegid", "getgroups", "fchmod", "fchown", "chown",
        "lchown", "pwrite", "pread", "fork", "forkpty", "setsid", "killpg", "getpgid", "setpgrp",
        "mkfifo", "mknod", "getloadavg", "sync", "O_NOFOLLOW", "O_NONBLOCK", "WNOHANG",
        "sched_getaffinity", "statvfs", "uname", "ttyname", "openpty",
    },
    "signal": {
        "SIGKILL", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGQUIT", "SIGPIPE",
        "SIGSTOP", "SIGCONT", "alarm", "setitimer", "pause", "pthread_kill", "siginterrupt",
    },
}  # fmt: skip
PLATFORM_WORDS = ("os.name", "sys.platform", "POSIX", "WINDOWS", "hasattr(", "platform.system")


def _is_platform_test(node: ast.expr) -> bool:
    text = ast.unparse(node)
    return any(word in text for word in PLATFORM_WORDS)


def _ends_block(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], ast.Return | ast.Raise | ast.Continue | ast.Break)


def _catches_missing(handlers: list[ast.ExceptHandler]) -> bool:
    for handler in handlers:
        text = ast.unparse(handler.type) if handler.type is not None else "BaseException"
        if any(name in text for name in ("ImportError", "AttributeError", "Exception")):
            return True
    return False


def unguarded_calls(source: str, filename: str) -> list[str]:
    """`file:line: what` for every Unix-only module or attribute used outside a guard."""
    tree = ast.parse(source, filename)
    found: list[str] = []

    def check(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in UNIX_ONLY_MODULES:
                    found.append(f"{filename}:{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".")[0]
            if module in UNIX_ONLY_MODULES:
                found.append(f"{filename}:{node.lineno}: from {node.module} import …")
            for alias in node.names:
                if alias.name in UNIX_ONLY_ATTRIBUTES.get(module, ()):
                    found.append(f"{filename}:{node.lineno}: from {module} import {alias.name}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr in UNIX_ONLY_ATTRIBUTES.get(node.value.id, ()):
                found.append(f"{filename}:{node.lineno}: {node.value.id}.{node.attr}")

    def visit_block(body: list[ast.stmt], guarded: bool) -> None:
        for stmt in body:
            visit(stmt, guarded)
            if isinstance(stmt, ast.If) and _is_platform_test(stmt.test) and _ends_block(stmt.body):
                guarded = True  # the rest of the block is the other platform's branch

    def visit(node: ast.AST, guarded: bool) -> None:
        if isinstance(node, ast.If):
            inner = guarded or _is_platform_test(node.test)
            visit_expr(node.test, guarded)
            visit_block(node.body, inner)
            visit_block(node.orelse, inner)
            return
        if isinstance(node, ast.IfExp):
            inner = guarded or _is_platform_test(node.test)
            for child in (node.body, node.orelse):
                visit(child, inner)
            return
        if isinstance(node, ast.BoolOp) and _is_platform_test(node.values[0]):
            for child in node.values[1:]:  # `hasattr(os, "x") and os.x(...)`
                visit(child, True)
            return
        if isinstance(node, ast.Try):
            inner = guarded or _catches_missing(node.handlers)
            visit_block(node.body, inner)
            for handler in node.handlers:
                visit_block(handler.body, guarded)
            visit_block(node.orelse, inner)
            visit_block(node.finalbody, guarded)
            return
        if not guarded:
            check(node)
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                visit_block(block, guarded)
        for name, value in ast.iter_fields(node):
            if name in ("body", "orelse", "finalbody") and isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    continue
            if isinstance(value, ast.AST):
                visit(value, guarded)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        visit(item, guarded)

    def visit_expr(node: ast.expr, guarded: bool) -> None:
        visit(node, guarded)

    visit_block(tree.body, False)
    return found


def test_no_unix_only_call_in_the_program_without_a_platform_guard():
    found: list[str] = []
    for path in sorted(WIZARD.rglob("*.py")):
        found += unguarded_calls(path.read_text(encoding="utf-8"), str(path.relative_to(WIZARD)))
    assert not found, (
        "Unix-only calls without a platform guard (they raise on Windows):\n  " + "\n  ".join(found)
    )


@pytest.mark.parametrize(
    "code",
    [
        "import os\nos.getuid()\n",
        "import fcntl\n",
        "import os\ndef f(fd):\n    os.fchmod(fd, 0o600)\n",
        "import os\ndef f(fd):\n    with open('x') as h:\n        os.pwrite(fd, b'', 0)\n",
        "import signal, os\nos.kill(1, signal.SIGKILL)\n",
        "from os import getuid\n",
        "import os\ntry:\n    pass\nfinally:\n    os.getuid()\n",
    ],
)
def test_the_guard_check_finds_an_unguarded_unix_call(code):
    assert unguarded_calls(code, "added.py"), code


@pytest.mark.parametrize(
    "code",
    [
        "import os\nif os.name == 'posix':\n    os.getuid()\n",
        "import sys\nif sys.platform == 'win32':\n    import msvcrt\nelse:\n    import fcntl\n",
        "import sys\ndef f():\n    if sys.platform == 'win32':\n        return 1\n    import fcntl\n",
        "import os\nuid = os.getuid() if hasattr(os, 'getuid') else None\n",
        "import os\nok = hasattr(os, 'getuid') and os.getuid() == 0\n",
        "try:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n",
        "import os\nflag = getattr(os, 'O_NOFOLLOW', 0)\n",
    ],
)
def test_the_guard_check_accepts_a_guarded_call(code):
    assert unguarded_calls(code, "guarded.py") == [], code

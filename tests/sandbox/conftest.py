"""Sandbox fixtures: a fresh sandbox folder (own copy per test) and a running sandbox."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard.sandbox import RunningSandbox, Sandbox


@pytest.fixture(scope="session")
def _sandbox_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One set of sandbox keys per test session; each test gets its own copy of the folder."""
    folder = tmp_path_factory.mktemp("sandbox-template") / "sandbox"
    Sandbox(folder)
    return folder


@pytest.fixture
def sandbox(_sandbox_template: Path, tmp_path: Path) -> Sandbox:
    folder = tmp_path / "sandbox"
    shutil.copytree(_sandbox_template, folder)
    return Sandbox(folder)


@pytest.fixture
def running(sandbox: Sandbox) -> Iterator[RunningSandbox]:
    with sandbox.start(port=0) as started:
        yield started

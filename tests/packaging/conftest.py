"""The Linux build, made once per test session: `packaging/build-linux`, then the .deb unpacked."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = "cpi-cert-wizard"


@dataclass(frozen=True)
class LinuxBuild:
    deb: Path
    tarball: Path
    bundle: Path  # the PyInstaller folder the .deb and the tarball were made from
    output: str  # what build-linux printed
    seconds: float
    source_date_epoch: int  # the time stamp of every file (the last commit's, when it built)


@dataclass(frozen=True)
class Installed:
    """The .deb unpacked into a temporary root (`dpkg -x`), as it would land in /."""

    root: Path

    @property
    def program(self) -> Path:
        return self.root / "opt" / NAME / NAME

    @property
    def internal(self) -> Path:
        return self.root / "opt" / NAME / "_internal"


@pytest.fixture(scope="session")
def linux_build(tmp_path_factory: pytest.TempPathFactory) -> LinuxBuild:
    base = tmp_path_factory.mktemp("linux-build")
    started = time.monotonic()
    # This interpreter has PyInstaller and the project (test extras): no virtualenv, no network.
    done = subprocess.run(
        [str(ROOT / "packaging" / "build-linux"), "--python", sys.executable,
         "--out", str(base / "out"), "--work", str(base / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    if done.returncode != 0:
        pytest.fail(f"packaging/build-linux failed ({done.returncode}):\n{output[-6000:]}")
    debs = sorted((base / "out").glob("*.deb"))
    tarballs = sorted((base / "out").glob("*.tar.gz"))
    assert len(debs) == 1 and len(tarballs) == 1, output
    stamp = re.search(r"SOURCE_DATE_EPOCH=(\d+)", output)
    assert stamp, output
    return LinuxBuild(
        deb=debs[0],
        tarball=tarballs[0],
        bundle=base / "work" / "dist" / NAME,
        output=output,
        seconds=time.monotonic() - started,
        source_date_epoch=int(stamp.group(1)),
    )


@pytest.fixture(scope="session")
def installed(linux_build: LinuxBuild, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg", "-x", str(linux_build.deb), str(root)], check=True)
    return Installed(root)

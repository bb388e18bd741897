"""The SAP root list and the icons are package data: what setuptools puts in a wheel has them, and
the program finds them there through importlib.resources (issue 15 #10)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_built_package_carries_the_sap_list_and_icons_and_reads_them(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", "tests", "docs", "translations"
        ),
    )
    built = tmp_path / "site"
    # build_py is what bdist_wheel copies into a wheel: the modules and the declared package data
    subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "build_py", "-d", built],
        cwd=source,
        check=True,
        capture_output=True,
    )
    assert (built / "wizard" / "resources" / "sap-btp-trust-store-v3.0.0.json").is_file()
    assert (built / "wizard" / "resources" / "icons" / "app.svg").is_file()
    probe = (
        "from wizard.resources import resource_dir; from wizard.core import trust; "
        "print(resource_dir()); print(len(trust.load_sap_list().roots))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(built), "PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"},
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0, found.stderr
    folder, count = found.stdout.split()
    assert Path(folder) == built / "wizard" / "resources"
    assert int(count) > 10

"""The frozen Linux bundle against the program run from source: size and start-up.

    packaging/build-linux --python python3           # once; then:
    python3 bench/bench_bundle.py [--bundle DIR] [--deb FILE] [--runs N] [--drop-caches]

Prints the bundle's size (and the .deb's, with its Installed-Size), then the medians of
1. `--self-check` (no window; imports Qt, cryptography, keyring, the SAP list): spawn to exit;
2. time to the first window offscreen (`gui` with CPI_CERT_WIZARD_EXIT_AFTER_PAINT=1): spawn to
   the line the wizard prints at its first paint;
for the frozen program and for `python -m wizard`, and the ratio frozen/source. Warm runs start
with the page cache warm (the first run is not counted); with --drop-caches (root only; slows the
whole machine for a moment) every "cold" run starts after `echo 3 > /proc/sys/vm/drop_caches`.
Byte-code of the source run is cached in the checkout's __pycache__, as an installed package has it
(PYTHONPYCACHEPREFIX is not used: it made every source run ~0.6 s slower here).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "cpi-cert-wizard"


def size_mib(path: Path) -> float:
    files = [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 2**20


def drop_caches() -> None:
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def spawn_until(command: list[str], env: dict[str, str], marker: str | None) -> float:
    """Seconds from spawn to `marker` on stdout (or to exit when None)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    if marker is not None:
        for line in proc.stdout:
            if line.decode().startswith(marker):
                break
    elapsed = time.perf_counter() - started
    proc.stdout.read()
    if proc.wait() != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode})")
    return elapsed if marker is not None else time.perf_counter() - started


def measure(command: list[str], env: dict[str, str], marker: str | None, runs: int, cold: bool):
    spawn_until(command, env, marker)  # warm-up, not counted
    warm = [spawn_until(command, env, marker) for _ in range(runs)]
    colds = []
    if cold:
        for _ in range(runs):
            drop_caches()
            colds.append(spawn_until(command, env, marker))
    return statistics.median(warm), (statistics.median(colds) if colds else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "build" / "linux" / "dist" / NAME)
    parser.add_argument("--deb", type=Path, help="the .deb, for its size and Installed-Size")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--drop-caches", action="store_true", help="also measure cold starts")
    args = parser.parse_args()
    frozen = args.bundle / NAME
    if not frozen.exists():
        raise SystemExit(f"{frozen} not found: run packaging/build-linux first")

    print(f"bundle      {size_mib(args.bundle):7.1f} MiB  {args.bundle}")
    if args.deb:
        installed = subprocess.run(
            ["dpkg-deb", "-f", str(args.deb), "Installed-Size"], capture_output=True, text=True
        ).stdout.strip()
        print(
            f".deb        {args.deb.stat().st_size / 2**20:7.1f} MiB  "
            f"(installed {int(installed) / 1024:.1f} MiB)  {args.deb}"
        )

    home = tempfile.mkdtemp(prefix="bench-bundle-")
    base = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env = {**base, "QT_QPA_PLATFORM": "offscreen"}
    gui_env = {**env, "CPI_CERT_WIZARD_EXIT_AFTER_PAINT": "1"}
    source = [sys.executable, "-m", "wizard"]
    cases = [
        ("--self-check", ["--self-check"], env, None),
        ("first window", ["--home", home, "gui"], gui_env, "first-paint"),
    ]
    print(
        f"\nmedians of {args.runs} runs; warm page cache"
        + (", and cold" if args.drop_caches else "")
    )
    for label, extra, case_env, marker in cases:
        rows = {}
        for who, command in (("frozen", [str(frozen)]), ("source", source)):
            cwd_env = {**case_env, "PYTHONPATH": str(ROOT)} if who == "source" else case_env
            rows[who] = measure(command + extra, cwd_env, marker, args.runs, args.drop_caches)
        (fw, fc), (sw, sc) = rows["frozen"], rows["source"]
        line = f"{label:13} warm: frozen {fw * 1000:6.0f} ms, source {sw * 1000:6.0f} ms, "
        line += f"frozen/source {fw / sw:4.2f}"
        if fc is not None and sc is not None:
            line += f" | cold: frozen {fc * 1000:6.0f} ms, source {sc * 1000:6.0f} ms, "
            line += f"frozen/source {fc / sc:4.2f}"
        print(line)


if __name__ == "__main__":
    main()

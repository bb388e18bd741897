"""Every CLI command against the floor of Python: `python -c "import cryptography.x509, keyring"`.

    python3 bench/bench_cli.py [--runs N] [--only csr,mapping,...]

Runs itself inside a private D-Bus session with an unlocked gnome-keyring (as `make test` does),
so the commands that keep secrets talk to the real Secret Service. Each command is a new process
(start-up included), median of N; the floor and `python -c pass` are measured in the same run.
Commands that need neither cryptography nor keyring should be plainly below the floor; those
that need both at most 1.2x it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
FLOOR = [PY, "-c", "import cryptography.x509, keyring"]


def inside_keyring_session() -> bool:
    return bool(os.environ.get("CPI_TEST_REAL_KEYRING"))


def reexec_in_keyring_session() -> int:
    argv = ["dbus-run-session", "--", "sh", str(ROOT / "tests" / "keyring-session.sh")]
    return subprocess.call([*argv, PY, *sys.argv], cwd=ROOT)


# Byte-code cached as an installed package has it (pip compiles on install), outside the
# checkout; the first, uncounted run of each command writes it. With PYTHONDONTWRITEBYTECODE (set
# in this machine's sessions) every module edited since its .pyc was written is compiled again on
# every start: 11-14 modules, 70-80 ms of `compile` per command, measuring the compiler.
PYCACHE = Path(tempfile.gettempdir()) / "cpi-cert-wizard-bench-pycache"


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("CPI_CERT_WIZARD_")}
    out.pop("PYTHON_KEYRING_BACKEND", None)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    out.update(PYTHONPATH=str(ROOT), LANG="C.UTF-8", PYTHONPYCACHEPREFIX=str(PYCACHE))
    return out


def run_once(argv: list[str], stdin: bytes | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env(), input=stdin, capture_output=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def median_of(argv: list[str], runs: int, prepare=None) -> float:
    samples = []
    for i in range(runs + 1):  # the first run warms the caches: not counted
        if prepare is not None:
            prepare(i)
        took = run_once(argv)
        if i:
            samples.append(took)
    return statistics.median(samples)


PROGRAM = [PY, "-m", "wizard"]  # --frozen EXE: the frozen program instead


def wizard(home: Path, *args: object) -> list[str]:
    return [*PROGRAM, "--home", str(home), *map(str, args)]


def setup_profiles(home: Path, tmp: Path) -> str:
    """Three profiles with a certificate (made by the CLI itself), one waiting for the CA."""
    from cryptography import x509

    from tests import pki

    ca = pki.root("Bench Root").intermediate("Bench Issuing")
    for name in ("p1", "p2", "p3", "waiting"):
        run_once(
            wizard(
                home, "csr", "--profile", name, "--cn", f"{name}.example", "--key-type", "ec-p256"
            )
        )
        if name == "waiting":
            continue
        csr = x509.load_pem_x509_csr((home / "profiles" / name / "request.csr").read_bytes())
        reply = tmp / f"{name}.pem"
        reply.write_bytes(pki.pem(ca.sign_csr(csr), ca.cert))
        (tmp / "root.pem").write_bytes(pki.pem(ca.parent.cert))
        run_once(
            wizard(
                home,
                "import-reply",
                "--profile",
                name,
                reply,
                "--ca-file",
                tmp / "root.pem",
                "--no-aia",
            )
        )
    return str(tmp / "p1.pem")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--only", default="", help="comma-separated label prefixes (e.g. csr,mapping)"
    )
    parser.add_argument(
        "--frozen",
        type=Path,
        metavar="EXE",
        help="time the frozen program (packaging/build-linux's bundle) against the same floor",
    )
    args = parser.parse_args()
    if args.frozen:
        PROGRAM[:] = [str(args.frozen.resolve())]
    if not inside_keyring_session():
        if shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"):
            raise SystemExit(reexec_in_keyring_session())
        print("no dbus-run-session/gnome-keyring-daemon: measuring without a keyring")

    tmp = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    try:
        empty, home = tmp / "empty", tmp / "home"
        reply = setup_profiles(home, tmp)
        counter = iter(range(10_000))
        bare = median_of([PY, "-c", "pass"], args.runs)
        neither = [
            ("--help", wizard(empty, "--help")),
            ("--version", wizard(empty, "--version")),
            ("profiles (empty home)", wizard(empty, "profiles")),
            ("profiles --json (empty home)", wizard(empty, "profiles", "--json")),
            ("analyze-log --help", wizard(empty, "analyze-log", "--help")),
        ]
        both = [
            ("profiles (4 profiles)", wizard(home, "profiles")),
            ("profiles --json (4 profiles)", wizard(home, "profiles", "--json")),
            ("expiry", wizard(home, "expiry")),
            ("secret show key", wizard(home, "secret", "show", "--profile", "p1", "key")),
            ("csr (new profile, ec-p256)", None),
            (
                "import-reply",
                wizard(
                    home,
                    "import-reply",
                    "--profile",
                    "p1",
                    reply,
                    "--ca-file",
                    tmp / "root.pem",
                    "--no-aia",
                ),
            ),
            (
                "export-p12",
                wizard(home, "export-p12", "--profile", "p2"),
            ),
            ("mapping --env cf", wizard(home, "mapping", "--profile", "p3", "--env", "cf")),
        ]
        rows: list[tuple[str, str, float, float]] = []
        for group, commands in (("neither", neither), ("both", both)):
            for label, argv in commands:
                wanted = [w.strip() for w in args.only.split(",") if w.strip()]
                if wanted and not any(label.startswith(w) for w in wanted):
                    continue
                # paired with the floor, run by run: a busy moment of the machine hits both
                ours, floors = [], []
                try:
                    for i in range(args.runs + 1):  # the first pair warms the caches
                        command = argv
                        if command is None:  # a new profile each run
                            name = f"n{next(counter)}"
                            command = wizard(
                                home,
                                "csr",
                                "--profile",
                                name,
                                "--cn",
                                "n.example",
                                "--key-type",
                                "ec-p256",
                            )
                        f, took = run_once(FLOOR), run_once(command)
                        if i:
                            floors.append(f)
                            ours.append(took)
                except SystemExit as exc:
                    print(f"  {label}: not measured ({str(exc).splitlines()[0]})")
                    continue
                rows.append((group, label, statistics.median(ours), statistics.median(floors)))
        print(
            f"CLI commands ({'the frozen program ' + str(args.frozen) if args.frozen else 'source'})"
            f", median of {args.runs} runs each (new process each time), each run"
        )
        print("paired with a run of the floor: python -c 'import cryptography.x509, keyring'")
        print(f"  python -c pass: {bare * 1000:.0f} ms")
        print(f"  {'command':<32} {'ms':>6} {'floor ms':>9} {'ratio':>6}  goal")
        for group, label, took, floor in rows:
            ratio = took / floor
            goal = "< 1.0 (needs neither)" if group == "neither" else "<= 1.2"
            ok = ratio < 1.0 if group == "neither" else ratio <= 1.2
            print(
                f"  {label:<32} {took * 1000:6.0f} {floor * 1000:9.0f} {ratio:6.2f}  {goal} "
                f"{'ok' if ok else 'MISSED'}"
            )
        print(
            json.dumps(
                {
                    "rows": [
                        {
                            "command": label,
                            "ms": round(t * 1000),
                            "floor_ms": round(f * 1000),
                            "ratio": round(t / f, 2),
                        }
                        for _g, label, t, f in rows
                    ]
                }
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

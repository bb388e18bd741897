"""Batch onboarding: `batch csr` for 100 profiles (ec-p256 and rsa-3072) and `batch import` of
their replies, as a user runs them (one `cpi-cert-wizard` process each), side by side with openssl.

    python3 bench/bench_batch.py [--profiles N] [--runs R]

For each key type and step: total wall time (median of R runs, process start included),
time per profile, and the process's peak memory (wait4's ru_maxrss). Baselines, per profile:
`openssl req -newkey … -nodes` (a key and CSR, one process each) for batch csr, and
`openssl verify -untrusted … ` (one chain check, one process each) for batch import; the
ratio says how the wizard's per-profile cost compares with doing it by hand with openssl.
Also the core listing a start page needs: store.all(), flow.profile_rows and expiry for 1,000
profiles (in-process, median of R).

No keyring: the passphrase comes from CPI_CERT_WIZARD_KEY_PASSPHRASE, so the figures do not
include a SecretService round trip (about 1-5 ms per profile on a desktop).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography import x509

from tests import pki
from wizard.core.profiles import Artefact, Profile, ProfileStore, State, now_utc

ROOT = Path(__file__).resolve().parent.parent
OPENSSL_NEWKEY = {
    "ec-p256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "rsa-3072": ["-newkey", "rsa:3072"],
}


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if "PROXY" not in k.upper()}
    out.update(
        PYTHONPATH=str(ROOT),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        CPI_CERT_WIZARD_KEY_PASSPHRASE="bench-passphrase-123",
    )
    return out


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def wizard(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "wizard", "--home", str(home), *args]


def systems_csv(path: Path, count: int) -> Path:
    lines = ["profile;cn;o;c;env"] + [
        f"bench-{i:04d};bench-{i:04d}.acme.example;ACME AG;DE;neo" for i in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def median_of(samples: list[float]) -> float:
    return statistics.median(samples)


def openssl_csr(tmp: Path, key_type: str, samples: int) -> float:
    times = []
    for i in range(samples):
        start = time.perf_counter()
        subprocess.run(
            [
                "openssl",
                "req",
                "-new",
                *OPENSSL_NEWKEY[key_type],
                "-nodes",
                "-keyout",
                str(tmp / f"o{i}.key"),
                "-out",
                str(tmp / f"o{i}.csr"),
                "-subj",
                f"/CN=o{i}/O=ACME",
            ],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return median_of(times)


def openssl_verify(tmp: Path, ca: pki.Authority, leaf: x509.Certificate, samples: int) -> float:
    (tmp / "root.pem").write_bytes(pki.pem(ca.parent.cert))
    (tmp / "int.pem").write_bytes(pki.pem(ca.cert))
    (tmp / "leaf.pem").write_bytes(pki.pem(leaf))
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        subprocess.run(
            [
                "openssl",
                "verify",
                "-CAfile",
                str(tmp / "root.pem"),
                "-untrusted",
                str(tmp / "int.pem"),
                "-purpose",
                "sslclient",
                str(tmp / "leaf.pem"),
            ],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return median_of(times)


def bench_batch(count: int, runs: int) -> None:
    ca = pki.root("Bench Root CA").intermediate("Bench Issuing CA")
    print(f"batch csr and batch import of {count} profiles; median of {runs} runs each")
    header = (
        f"{'step':<20} {'total s':>8} {'per profile ms':>15} {'peak MiB':>9} "
        f"{'openssl/profile ms':>19} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for key_type in OPENSSL_NEWKEY:
        csr_runs, import_runs = [], []
        for _run in range(runs):
            with tempfile.TemporaryDirectory() as tmp_name:
                tmp = Path(tmp_name)
                home, out, replies = tmp / "home", tmp / "requests", tmp / "replies"
                csv_file = systems_csv(tmp / "systems.csv", count)
                csr_runs.append(
                    timed(
                        wizard(
                            home,
                            "batch",
                            "csr",
                            "--from",
                            str(csv_file),
                            "--out",
                            str(out),
                            "--key-type",
                            key_type,
                        )
                    )
                )
                replies.mkdir()
                for request in out.glob("*.csr"):  # the CA's work: not timed
                    leaf = ca.sign_csr(x509.load_pem_x509_csr(request.read_bytes()))
                    (replies / f"reply-{request.stem[::-1]}.p7b").write_bytes(
                        pki.p7b(leaf, ca.cert)
                    )
                (tmp / "root.pem").write_bytes(pki.pem(ca.parent.cert))
                import_runs.append(
                    timed(
                        wizard(
                            home,
                            "batch",
                            "import",
                            str(replies),
                            "--ca-file",
                            str(tmp / "root.pem"),
                            "--no-aia",
                        )
                    )
                )
                if len(ProfileStore(home).names()) != count:
                    raise SystemExit("not every profile was made")
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            base_csr = openssl_csr(tmp, key_type, 15 if key_type.startswith("rsa") else 30)
            leaf = ca.issue(pki.make_key().public_key(), "verify")
            base_verify = openssl_verify(tmp, ca, leaf, 30)
        for step, samples, base in (
            (f"csr {key_type}", csr_runs, base_csr),
            (f"import {key_type}", import_runs, base_verify),
        ):
            total = median_of([s[0] for s in samples])
            peak = max(s[1] for s in samples)
            per = total / count * 1000
            print(
                f"{step:<20} {total:>8.2f} {per:>15.1f} {peak:>9.0f} {base * 1000:>19.1f} "
                f"{per / (base * 1000):>6.2f}"
            )


def bench_listing(count: int, runs: int) -> None:
    from wizard.core import expiry, flow

    with tempfile.TemporaryDirectory() as tmp_name:
        home = Path(tmp_name)
        store = ProfileStore(home)
        now = now_utc()
        for i in range(count):  # profile.json and a chain file, written directly: fast set-up
            folder = store.folder(f"p{i:04d}")
            folder.mkdir(parents=True)
            profile = Profile(
                name=folder.name,
                state=State.CERTIFICATE_IMPORTED,
                subject=f"CN={folder.name}.acme.example,O=ACME AG,C=DE",
                not_before=(now - timedelta(days=i % 300)).isoformat(),
                not_after=(now + timedelta(days=365 - i % 300)).isoformat(),
            )
            (folder / Artefact.PROFILE.value).write_text(profile.to_json())
            (folder / Artefact.CHAIN.value).write_bytes(b"-")
        print(f"\nlisting {count} profiles (in-process, warm cache, median of {runs})")
        for label, func in (
            ("store.names()", lambda: ProfileStore(home).names()),
            ("store.all()", lambda: ProfileStore(home).all()),
            ("expiry.store_expiry()", lambda: expiry.store_expiry(ProfileStore(home))),
            ("flow.profile_rows()", lambda: flow.profile_rows(ProfileStore(home))),
        ):
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                func()
                samples.append(time.perf_counter() - start)
            print(f"  {label:<24} {median_of(samples) * 1000:8.1f} ms")
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--listing", type=int, default=1000, help="profiles for the listing part")
    args = parser.parse_args()
    bench_batch(args.profiles, args.runs)
    bench_listing(args.listing, max(args.runs, 5))


if __name__ == "__main__":
    main()

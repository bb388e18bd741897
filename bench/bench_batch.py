"""Batch onboarding against openssl, with the real Secret Service (as a user has it).

    python3 bench/bench_batch.py [--profiles N] [--runs R] [--listing M]

Runs itself inside a private D-Bus session with an unlocked gnome-keyring (dbus-run-session +
tests/keyring-session.sh, as `make test` does): every key passphrase goes to the real keyring,
every key file is encrypted. One `cpi-cert-wizard` process per step, as a user runs it; the
anchors are shell loops of the openssl commands a person would run for the same work, timed in
the same run (one `sh -c` loop, so process start-up counts on both sides):

- batch csr of N EC P-256 systems   vs  N x `openssl req -new -newkey ec ...` (-nodes: no
  passphrase, nothing stored; the wizard encrypts every key and keeps every passphrase in the
  keyring: one batch secret per step, each profile's derived from it; checked after each run)
- batch import of their replies    vs  N x `openssl verify -untrusted ... -purpose sslclient`
- batch export (.p12 and .cer/.pem) vs  N x `openssl pkcs12 -export` (AES-256, as ours)
- expiry over N profiles            vs  N x `openssl x509 -noout -enddate`
- expiry over M profiles (start-page scale) vs M x `openssl x509 -noout -enddate` (100 timed,
  scaled to M)

Also what the daemon alone costs: N `secret-tool store` calls (the Secret Service's floor for N
secrets, when secret-tool is installed). Ratios are medians of R runs each; < 1.0 means faster.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable


def reexec_in_keyring_session() -> int:
    argv = ["dbus-run-session", "--", "sh", str(ROOT / "tests" / "keyring-session.sh")]
    return subprocess.call([*argv, PY, *sys.argv], cwd=ROOT)


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if "PROXY" not in k.upper()}
    for name in list(out):
        if name.startswith("CPI_CERT_WIZARD_") or name == "PYTHON_KEYRING_BACKEND":
            del out[name]
    # byte-code cached as an installed program has it, outside the checkout (as bench_cli.py):
    # with PYTHONDONTWRITEBYTECODE every module edited since its .pyc was written is compiled
    # again by every command (~20 modules, 0.1 s per command)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    out.update(
        PYTHONPATH=str(ROOT),
        LANG="C.UTF-8",
        PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "cpi-cert-wizard-bench-pycache"),
    )
    return out


_last_cpu = [0.0]  # CPU seconds (user + system) of the last timed command and its children


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], **kwargs) -> float:
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, env=env(), capture_output=True, cwd=ROOT, **kwargs)
    elapsed = time.perf_counter() - started
    _last_cpu[0] = _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed:\n{done.stderr.decode()[-3000:]}")
    return elapsed


def _in(cwd: Path, script: str) -> float:
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run(["sh", "-c", script], cwd=cwd, check=True, capture_output=True, env=env())
    _last_cpu[0] = _children_cpu() - cpu  # the loop's openssl processes, waited for by sh
    return time.perf_counter() - started


def wizard(home: Path, *args: object) -> list[str]:
    return [PY, "-m", "wizard", "--home", str(home), *map(str, args)]


def systems_csv(path: Path, count: int, run: int) -> Path:
    lines = ["profile;cn;o;c;env"] + [
        f"b{run}-{i:04d};b{run}-{i:04d}.acme.example;ACME AG;DE;neo" for i in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def keyring_accounts() -> set[str]:
    """The accounts of every item of ours the Secret Service holds (read back over D-Bus)."""
    import secretstorage

    from wizard.core.secrets import SERVICE

    connection = secretstorage.dbus_init()
    try:
        found = secretstorage.search_items(connection, {"service": SERVICE})
        return {item.get_attributes()["username"] for item in found}
    finally:
        connection.close()


def check_one_item_per_step(before: set[str], step: str) -> set[str]:
    """A batch step keeps one keyring item (its batch secret), not one per profile."""
    after = keyring_accounts()
    new = after - before
    if len(new) != 1 or not next(iter(new)).startswith("batch:"):
        raise SystemExit(f"batch {step} left {len(new)} new keyring items, not one batch secret")
    return after


def check_secrets_open_files(home: Path, export: Path | None = None) -> None:
    """Every key opens with its passphrase from the keyring (and every .p12 with its password),
    as `secret show` gives them."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12

    from wizard.core.profiles import Artefact, ProfileStore
    from wizard.core.secrets import SecretKind, Secrets

    store = ProfileStore(home)
    secrets = Secrets(home=home, references=store)
    for name in store.names():
        passphrase = secrets.lookup(name, SecretKind.KEY_PASSPHRASE)
        key = store.read_artefact(name, Artefact.KEY)
        if not passphrase or not key or b"ENCRYPTED" not in key:
            raise SystemExit(f"{name}: no encrypted key or no passphrase in the keyring")
        load_pem_private_key(key, passphrase.encode())
        if export is not None:
            password = secrets.lookup(name, SecretKind.P12_PASSWORD)
            if not password:
                raise SystemExit(f"{name}: no PKCS#12 password in the keyring")
            pkcs12.load_key_and_certificates(
                (export / f"{name}.p12").read_bytes(), password.encode()
            )


def one_run(tmp: Path, count: int, run: int, ca, root_pem: Path) -> dict[str, float]:
    from cryptography import x509

    from tests import pki

    out: dict[str, float] = {}
    home, requests, replies = tmp / "home", tmp / "requests", tmp / "replies"
    csv_file = systems_csv(tmp / "systems.csv", count, run)
    items = keyring_accounts()
    out["csr"] = timed(
        wizard(home, "batch", "csr", "--from", csv_file, "--out", requests, "--key-type", "ec-p256")
    )
    out["csr_cpu"] = _last_cpu[0]
    keys = list((home / "profiles").glob("*/key.pem"))
    if len(keys) != count:
        raise SystemExit("not every key was made")
    items = check_one_item_per_step(items, "csr")
    check_secrets_open_files(home)  # untimed: every key encrypted, its passphrase in the keyring
    replies.mkdir()
    for request in requests.glob("*.csr"):  # the CA's work: not timed
        leaf = ca.sign_csr(x509.load_pem_x509_csr(request.read_bytes()))
        (replies / f"reply-{request.stem}.p7b").write_bytes(pki.p7b(leaf, ca.cert))
    out["import"] = timed(
        wizard(home, "batch", "import", replies, "--ca-file", root_pem, "--no-aia")
    )
    out["import_cpu"] = _last_cpu[0]
    out["export"] = timed(wizard(home, "batch", "export", "--out", tmp / "export"))
    out["export_cpu"] = _last_cpu[0]
    check_one_item_per_step(items, "export")
    check_secrets_open_files(home, tmp / "export")
    out["expiry"] = timed(wizard(home, "expiry"))
    out["expiry_cpu"] = _last_cpu[0]
    return out


def openssl_run(tmp: Path, count: int, ca) -> dict[str, float]:
    from tests import pki

    out: dict[str, float] = {}
    n = count
    out["csr"] = _in(
        tmp,
        f"for i in $(seq {n}); do openssl req -new -newkey ec -pkeyopt "
        "ec_paramgen_curve:P-256 -nodes -keyout o$i.key -out o$i.csr "
        "-subj /CN=o$i/O=ACME 2>/dev/null || exit 1; done",
    )
    out["csr_cpu"] = _last_cpu[0]
    (tmp / "root.pem").write_bytes(pki.pem(ca.parent.cert))
    (tmp / "int.pem").write_bytes(pki.pem(ca.cert))
    key = pki.make_key()
    (tmp / "leaf.pem").write_bytes(pki.pem(ca.issue(key.public_key(), "verify")))
    (tmp / "leaf.key").write_bytes(pki.key_pem(key))
    out["import"] = _in(
        tmp,
        f"for i in $(seq {n}); do openssl verify -CAfile root.pem "
        "-untrusted int.pem -purpose sslclient leaf.pem >/dev/null || exit 1; done",
    )
    out["import_cpu"] = _last_cpu[0]
    out["export"] = _in(
        tmp,
        f"for i in $(seq {n}); do openssl pkcs12 -export -inkey leaf.key "
        "-in leaf.pem -certfile int.pem -passout pass:bench-pw -keypbe "
        "AES-256-CBC -certpbe AES-256-CBC -macalg sha256 -out o$i.p12 || exit 1; "
        "done",
    )
    out["export_cpu"] = _last_cpu[0]
    out["expiry"] = _in(
        tmp,
        f"for i in $(seq {n}); do openssl x509 -noout -enddate -in leaf.pem "
        ">/dev/null || exit 1; done",
    )
    out["expiry_cpu"] = _last_cpu[0]
    return out


def secret_tool_floor(tmp: Path, count: int) -> float | None:
    if not shutil.which("secret-tool"):
        return None
    script = (
        f"for i in $(seq {count}); do printf 'bench-secret-%s' $i | secret-tool store "
        "--label=bench service bench-floor username u$i || exit 1; done"
    )
    return _in(tmp, script)


def listing(count: int, runs: int) -> tuple[float, float]:
    """`expiry` over `count` profiles (a fleet written directly) vs the openssl loop."""
    from tests.ui.fleet import make_fleet
    from wizard.core.profiles import Artefact

    with tempfile.TemporaryDirectory() as name:
        home = Path(name) / "home"
        make_fleet(home, count)
        leaf = next((home / "profiles").glob(f"*/{Artefact.CHAIN.value}"))
        ours, theirs = [], []
        for i in range(runs + 1):
            a = timed(wizard(home, "expiry"))
            sample = min(count, 100)  # the loop is linear: time 100, scale to `count`
            loop = (
                f"for i in $(seq {sample}); do openssl x509 -noout -enddate -in {leaf} >/dev/null"
            )
            b = _in(Path(name), loop + " || exit 1; done") * count / sample
            if i:
                ours.append(a)
                theirs.append(b)
        return statistics.median(ours), statistics.median(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--listing", type=int, default=1000)
    args = parser.parse_args()
    if not os.environ.get("CPI_TEST_REAL_KEYRING"):
        if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
            raise SystemExit(
                "needs dbus-run-session and gnome-keyring-daemon (make test installs them)"
            )
        raise SystemExit(reexec_in_keyring_session())

    from tests import pki

    # byte code as an installed program has it (the shared tree's edits would be compiled on
    # every run where PYTHONDONTWRITEBYTECODE is set)
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "wizard")], check=False)
    ca = pki.root("Bench Root CA").intermediate("Bench Issuing CA")
    ours: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    floors: list[float] = []
    for run in range(args.runs):  # interleaved, so a busy moment hits both sides
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            (tmp / "root.pem").write_bytes(pki.pem(ca.parent.cert))
            ours.append(one_run(tmp, args.profiles, run, ca, tmp / "root.pem"))
        with tempfile.TemporaryDirectory() as name:
            theirs.append(openssl_run(Path(name), args.profiles, ca))
            floor = secret_tool_floor(Path(name), args.profiles)
            if floor is not None:
                floors.append(floor)
    n = args.profiles
    print(
        f"{n} EC P-256 sender systems, real Secret Service (gnome-keyring); median of {args.runs}"
    )
    header = (
        f"{'step':<14} {'wizard s':>9} {'openssl loop s':>15} {'ratio':>6}"
        f" {'CPU s wizard':>13} {'CPU s openssl':>14} {'CPU ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    for step in ("csr", "import", "export", "expiry"):
        a = statistics.median(r[step] for r in ours)
        b = statistics.median(r[step] for r in theirs)
        ca = statistics.median(r[f"{step}_cpu"] for r in ours)
        cb = statistics.median(r[f"{step}_cpu"] for r in theirs)
        label = f"batch {step}" if step != "expiry" else step
        print(
            f"{label:<14} {a:>9.2f} {b:>15.2f} {a / b:>6.2f}"
            f" {ca:>13.2f} {cb:>14.2f} {ca / cb:>9.2f}"
        )
    print(
        "(CPU: user + system seconds of the processes each side started, from getrusage; the "
        "keyring daemon's own work is not in it)"
    )
    if floors:
        floor = statistics.median(floors)
        print(
            f"the Secret Service alone: {n} x secret-tool store = {floor:.2f} s; the same work "
            "by hand (the openssl loop + secret-tool store per secret):"
        )
        for step in ("csr", "export"):  # the steps that store one secret per profile
            a = statistics.median(r[step] for r in ours)
            b = statistics.median(r[step] for r in theirs) + floor
            print(f"batch {step:<8} {a:>9.2f} {b:>15.2f} {a / b:>6.2f}")
    a, b = listing(args.listing, args.runs)
    print(
        f"expiry over {args.listing} profiles: wizard {a:.2f} s, openssl x509 loop {b:.2f} s, "
        f"ratio {a / b:.2f}"
    )


if __name__ == "__main__":
    main()

"""A process killed with SIGKILL at any point of a step leaves the profile exactly as before or
completely after, and the next run works.

The CLI runs in a child process (forked by tests/fleet/crashrun.py) that is killed just before its
1st, 2nd, … k-th change to the home folder, for every k up to the number of changes the step
makes, and also after N milliseconds for a range of N. After each kill the profile is opened the
way the next run would open it, and its folder is compared with snapshots taken before the step
and after an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from tests import pki
from wizard.core.errors import WizardError
from wizard.core.profiles import Artefact, ProfileStore

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "kill-test-key-passphrase"
P12_PASSWORD = "kill-test-p12-password"
NAME = "erp"
FORKS = (  # why the Windows leg skips these (tests/core/test_storage.py kills a CLI portably)
    "forks the test process (os.fork) at every kill point and kills it with SIGKILL"
)
TIME_POINTS = 8  # kill after N ms for N spread over one uninterrupted run


class Crasher:
    def __init__(self, home_env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fleet.crashrun"],
            cwd=ROOT,
            env=home_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, home: Path, argv: list[str], **kill) -> dict:
        request = {"argv": ["--home", str(home), *argv], "watch": str(home), **kill}
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(30)


@pytest.fixture(scope="module")
def crasher() -> Iterator[Crasher]:
    env = {k: v for k, v in os.environ.items() if "PROXY" not in k.upper()}
    env.update(
        PYTHONPATH=str(ROOT),
        CPI_CERT_WIZARD_KEY_PASSPHRASE=PASSPHRASE,
        CPI_CERT_WIZARD_P12_PASSWORD=P12_PASSWORD,
    )
    env.pop("CPI_CERT_WIZARD_HOME", None)
    runner = Crasher(env)
    yield runner
    runner.close()


Snapshot = dict[str, bytes]


def snapshot(home: Path) -> Snapshot:
    """The profile's folder as the next run sees it (after it finished or forgot a change)."""
    store = ProfileStore(home)
    store.names()
    try:
        store.load(NAME)
    except WizardError as exc:
        assert exc.code == "profile.not_found", exc.message
    assert not (store.root / ".changes" / NAME).exists(), "an interrupted change was left over"
    folder = store.folder(NAME)
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def normalised(snap: Snapshot) -> dict[str, object]:
    """What must be equal between two complete runs (keys, requests and .p12 salts are random)."""
    out: dict[str, object] = {}
    for name, data in snap.items():
        parts = name.split("/")
        if parts[0] == "archive":
            parts[1] = "<when>"
        key = "/".join(parts)
        if parts[-1] in (Artefact.PROFILE.value, Artefact.PROFILE_BACKUP.value):
            value = json.loads(data)
            for stamp in ("created", "updated"):
                value.pop(stamp, None)
            out[key] = value
        elif parts[-1] in (Artefact.KEY.value, Artefact.CSR.value, Artefact.P12.value):
            out[key] = f"<{parts[-1]}>"
        else:
            out[key] = data
    return out


def check_consistent(snap: Snapshot) -> None:
    """The files of a complete state belong together: key, request, certificate, .p12."""
    key = serialization.load_pem_private_key(snap[Artefact.KEY.value], PASSPHRASE.encode())
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def same(public_key) -> bool:
        return (
            public_key.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            == spki
        )

    if Artefact.CSR.value in snap:
        assert same(x509.load_pem_x509_csr(snap[Artefact.CSR.value]).public_key())
    if Artefact.CHAIN.value in snap:
        leaf = x509.load_pem_x509_certificates(snap[Artefact.CHAIN.value])[0]
        assert same(leaf.public_key())
        assert json.loads(snap[Artefact.PROFILE.value])["state"] == "certificate-imported"
        if Artefact.P12.value in snap:
            _key, cert, _extra = pkcs12.load_key_and_certificates(
                snap[Artefact.P12.value], P12_PASSWORD.encode()
            )
            assert cert == leaf


class Step:
    """One CLI step: its command, the home before it, and the result of an uninterrupted run."""

    def __init__(self, crasher: Crasher, tmp: Path, label: str, before: Path, argv: list[str]):
        self.crasher, self.tmp, self.label, self.argv = crasher, tmp, label, argv
        self.before_home = before
        self.before = snapshot(before)
        self.others = self._others(before)
        reference = self.fresh_copy("reference")
        started = time.perf_counter()
        answer = crasher.run(reference, argv)
        self.duration_ms = (time.perf_counter() - started) * 1000
        assert answer["exit"] == 0, (label, answer)
        self.changes = answer["changes"]
        self.after_home = reference
        self.after_snapshot = snapshot(reference)
        self.after = normalised(self.after_snapshot)
        check_consistent(self.after_snapshot)

    @staticmethod
    def _others(home: Path) -> Snapshot:
        other = ProfileStore(home).folder("other")
        return {p.name: p.read_bytes() for p in other.iterdir() if p.is_file()}

    def fresh_copy(self, name: str) -> Path:
        target = self.tmp / f"{self.label}-{name}"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(self.before_home, target)
        return target

    def judge(self, home: Path, point: str, *, rerun: bool = True) -> str:
        """'before' or 'after', or fail saying what is half-written; then the next run works.

        A profile found exactly as before is run again (the same bytes give the same run, so
        the caller may ask for that once per kind of leftover, not for every kill point).
        """
        snap = snapshot(home)
        assert self._others(home) == self.others, f"{self.label} {point}: another profile changed"
        if snap == self.before:
            if not rerun:
                return "before"
            rerun = self.crasher.run(home, self.argv)
            assert rerun["exit"] == 0, f"{self.label} {point}: the next run failed: {rerun}"
            after_rerun = snapshot(home)
            assert normalised(after_rerun) == self.after
            check_consistent(after_rerun)
            return "before"
        assert normalised(snap) == self.after, (
            f"{self.label}, killed {point}: the profile is neither as before nor as after:\n"
            f"files {sorted(snap)}; before {sorted(self.before)}; after {sorted(self.after)}"
        )
        check_consistent(snap)
        return "after"


@pytest.fixture(scope="module")
def steps(crasher: Crasher, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Step]:
    tmp = tmp_path_factory.mktemp("sigkill")
    ca = pki.root("Kill Test Root").intermediate("Kill Test Issuing CA")
    (tmp / "root.pem").write_bytes(pki.pem(ca.parent.cert))
    start = tmp / "start"
    answer = crasher.run(start, ["csr", "--profile", "other", "--cn", "other", "--key-type",
                                 "ec-p256"])  # fmt: skip
    assert answer["exit"] == 0
    out: dict[str, Step] = {}
    out["csr"] = Step(crasher, tmp, "csr", start,
                      ["csr", "--profile", NAME, "--cn", "erp-prd", "--key-type", "ec-p256"])  # fmt: skip
    csr = x509.load_pem_x509_csr(out["csr"].after_snapshot[Artefact.CSR.value])
    reply = tmp / "reply.p7b"
    reply.write_bytes(pki.p7b(ca.sign_csr(csr), ca.cert))
    out["import"] = Step(crasher, tmp, "import", out["csr"].after_home,
                         ["import-reply", "--profile", NAME, str(reply), "--ca-file",
                          str(tmp / "root.pem"), "--no-aia"])  # fmt: skip
    out["export"] = Step(crasher, tmp, "export", out["import"].after_home,
                         ["export-p12", "--profile", NAME])  # fmt: skip
    out["renewal"] = Step(crasher, tmp, "renewal", out["export"].after_home,
                          ["csr", "--profile", NAME, "--cn", "erp-prd", "--key-type", "ec-p256",
                           "--new-key"])  # fmt: skip
    return out


@pytest.mark.slow
@pytest.mark.parametrize("label", ["csr", "import", "export", "renewal"])
@pytest.mark.linux_only(FORKS)
def test_killed_before_any_change_of_a_step_the_profile_is_before_or_after(steps, label):
    step = steps[label]
    assert step.changes and step.changes > 5, step.changes
    seen = {"before": 0, "after": 0}
    for k in range(1, step.changes + 1):
        home = step.fresh_copy(f"k{k}")
        answer = step.crasher.run(home, step.argv, kill_at=k)
        assert answer["killed"], f"{label}: not killed at change {k} of {step.changes}"
        # the next run from a "before" state: tried at the first point and every 8th
        point = f"before change {k}/{step.changes}"
        seen[step.judge(home, point, rerun=seen["before"] % 8 == 0)] += 1
        shutil.rmtree(home)
    if label == "csr":  # a new profile's folder appears whole by one rename, the step's last
        assert seen == {"before": step.changes, "after": 0}, seen
        return
    # the commit point lies inside the step: kills before it are "before", after it "after"
    assert seen["before"] and seen["after"], seen


@pytest.mark.slow
@pytest.mark.parametrize("label", ["csr", "import", "export", "renewal"])
@pytest.mark.linux_only(FORKS)
def test_killed_after_n_milliseconds_the_profile_is_before_or_after(steps, label):
    step = steps[label]
    for i in range(TIME_POINTS + 1):
        ms = step.duration_ms * i / TIME_POINTS
        home = step.fresh_copy(f"ms{i}")
        answer = step.crasher.run(home, step.argv, ms=ms)
        step.judge(home, f"after {ms:.1f} ms (killed: {answer['killed']})")
        shutil.rmtree(home)

"""Test calls for many profiles at once against the local sandbox tenant over real TLS."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509

from tests.fleet.conftest import write_csv
from wizard.core.profiles import Artefact, ProfileStore, State
from wizard.sandbox import RunningSandbox, Sandbox

ROLE = "ESBMessaging.send"


@pytest.fixture(scope="module")
def _sandbox_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fleet-sandbox") / "sandbox"
    Sandbox(folder)
    return folder


@pytest.fixture
def sandbox(_sandbox_template: Path, tmp_path: Path) -> Iterator[tuple[Sandbox, RunningSandbox]]:
    folder = tmp_path / "sandbox"
    shutil.copytree(_sandbox_template, folder)
    box = Sandbox(folder)
    with box.start(port=0) as running:
        yield box, running


def test_batch_test_call_gives_each_profile_its_verdict_and_records_it(
    cli, home, tmp_path, sandbox
):
    box, running = sandbox
    url = running.endpoint_url("/http/demo")
    rows = ["profile;cn;env;url"] + [f"erp-{i};erp-{i} sender;neo;{url}" for i in range(3)]
    rows.append("no-url;nowhere;neo;")
    out = tmp_path / "requests"
    made = cli("batch", "csr", "--from", write_csv(tmp_path / "s.csv", rows), "--out", out,
               "--key-type", "ec-p256")  # fmt: skip
    assert made.code == 0, made.out
    replies = tmp_path / "replies"
    replies.mkdir()
    for csr in out.glob("*.csr"):
        (replies / f"{csr.stem}.p7b").write_bytes(box.sign_csr(csr.read_bytes()))
    imported = cli("batch", "import", replies, "--ca-file", box.ca_root_pem_path, "--no-aia")
    assert imported.code == 0, imported.out
    store = ProfileStore(home)
    for name, user in (("erp-0", "ERP0"), ("erp-1", "ERP1")):  # erp-2 is never mapped
        leaf = x509.load_pem_x509_certificates(store.read_artefact(name, Artefact.CHAIN))[0]
        box.map_certificate(leaf, user)
        box.grant(user, ROLE)

    result = cli("batch", "test-call", "--trust", box.lb_root_pem_path, "--concurrency", "2",
                 "--timeout", "10", "--json")  # fmt: skip

    assert result.code == 3  # one call was not OK: a verdict, the same exit status as test-call
    verdicts = {r["profile"]: (r["status"], r["verdict"]) for r in result.json["results"]}
    assert verdicts == {
        "erp-0": ("done", "OK"),
        "erp-1": ("done", "OK"),
        "erp-2": ("failed", "NOT_MAPPED"),
        "no-url": ("skipped", None),
    }
    assert store.load("erp-0").state is State.TESTED
    assert store.load("erp-2").last_test_verdict == "NOT_MAPPED"
    assert store.load("erp-2").state is State.CERTIFICATE_IMPORTED

    table = cli("batch", "test-call", "--profiles", "erp-*", "--trust", box.lb_root_pem_path,
                "--timeout", "10")  # fmt: skip
    header = table.out.splitlines()[0].split()
    assert header == ["PROFILE", "STATUS", "VERDICT", "MESSAGE"]
    assert "test-call: 3 profiles: 2 done, 0 skipped, 1 failed" in table.out


def test_concurrency_out_of_bounds_is_refused(cli, home):
    assert cli("csr", "--profile", "a", "--cn", "a", "--key-type", "ec-p256").code == 0
    result = cli("batch", "test-call", "--concurrency", "0", "--json")
    assert result.code == 2
    assert "--concurrency must be between 1 and 32" in result.json["error"]["message"]

"""`batch csr --enroll`: many sender systems to the company CA; pending ones collected on rerun."""

from __future__ import annotations

from pathlib import Path

from tests.enroll.conftest import PASSWORD, USER, trust


def systems_csv(tmp_path: Path) -> Path:
    path = tmp_path / "systems.csv"
    path.write_text("profile,cn,o,c\nERP,erp-sender,ACME,DE\nCRM,crm-sender,ACME,DE\n")
    return path


def batch(cli, tmp_path, adcs, company_ca, *extra):
    return cli(
        "batch", "csr", "--from", systems_csv(tmp_path), "--out", tmp_path / "requests",
        "--enroll", "--adcs", adcs.url, "--template", "SAPClientAuth", "--auth", "basic",
        "--user", USER, *trust(company_ca), *extra,
    )  # fmt: skip


def test_every_system_is_issued_and_imported(cli, home, tmp_path, adcs, company_ca, memory_keyring,
                                             monkeypatch):  # fmt: skip
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    result = batch(cli, tmp_path, adcs, company_ca, "--json")
    assert result.code == 0, result.err
    enrolled = result.json["enroll"]
    assert enrolled["summary"]["done"] == 2
    assert {r["profile"] for r in enrolled["results"]} == {"ERP", "CRM"}
    for name in ("ERP", "CRM"):
        assert (home / "profiles" / name / "chain.pem").is_file()
    assert {r.template for r in adcs.requests.values()} == {"SAPClientAuth"}


def test_pending_systems_are_collected_when_the_batch_runs_again(
    cli, home, tmp_path, adcs, company_ca, monkeypatch
):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    adcs.policy = "pending"
    first = batch(cli, tmp_path, adcs, company_ca)
    assert first.code == 0, first.err
    assert first.out.count("pending at the CA since") == 2
    adcs.approve(17)
    again = batch(cli, tmp_path, adcs, company_ca, "--json")
    assert again.code == 0, again.err
    by_profile = {r["profile"]: r for r in again.json["enroll"]["results"]}
    issued = next(n for n, r in by_profile.items() if r["status"] == "done")
    waiting = next(n for n, r in by_profile.items() if r["status"] == "skipped")
    assert (home / "profiles" / issued / "chain.pem").is_file()
    assert "still pending" in by_profile[waiting]["message"]
    assert len(adcs.requests) == 2  # nothing was sent twice


def test_one_failure_does_not_stop_the_others(cli, home, tmp_path, adcs, company_ca, monkeypatch):
    monkeypatch.setenv("CPI_CERT_WIZARD_CA_PASSWORD", PASSWORD)
    result = cli(
        "batch", "csr", "--from", systems_csv(tmp_path), "--out", tmp_path / "requests",
        "--enroll", "--adcs", adcs.url, "--template", "NoSuchTemplate", "--auth", "basic",
        "--user", USER, *trust(company_ca), "--json",
    )  # fmt: skip
    assert result.code == 2
    failed = [r for r in result.json["enroll"]["results"] if r["status"] == "failed"]
    assert len(failed) == 2 and all("0x80094800" in r["message"] for r in failed)

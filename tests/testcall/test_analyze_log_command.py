"""`cpi-cert-wizard analyze-log`: the tenant's log read back, on sample files and on nginx's log."""

from __future__ import annotations

import gzip

import pytest

from tests.testcall.harness import NODE
from wizard.core.profiles import ProfileStore

HOST = "acme-iflmap.hcisbp.eu1.hana.ondemand.com:443"


def line(user: str, status: int, when: str, path: str = "/http/orders") -> str:
    return f"10.1.2.3 (10.4.5.6) - {user} [12/Apr/2021:{when} +0000] POST {path} HTTP/1.1 {status} 10 20 {HOST} -"


@pytest.fixture
def logs(tmp_path):
    a = tmp_path / "http_access_node1_2021-04-12.log"
    a.write_text(
        "\n".join(
            [
                line("-", 401, "09:00:00"),
                line("alice sender@Sender Issuing CA", 401, "09:05:00"),
                "### garbage ###",
                line("ALICE", 403, "09:30:00"),
            ]
        )
        + "\n"
    )
    b = tmp_path / "http_access_node2_2021-04-12.log.gz"
    with gzip.open(b, "wt") as handle:
        handle.write(line("ALICE", 200, "10:00:00") + "\n" + line("OTHER", 200, "10:01:00") + "\n")
    return [a, b]


def test_calls_of_a_profile_are_found_by_certificate_and_mapped_user(
    cli, make_profile, world, logs, home
):
    make_profile("erp", world["alice"], url="https://127.0.0.1:1/http/orders", environment="neo")
    store = ProfileStore(home)
    profile = store.load("erp")
    profile.mapping_user = "ALICE"
    store.save(profile)
    result = cli("analyze-log", *logs, "--profile", "erp", "--json")
    assert result.code == 0, result.err
    data = result.json
    assert [c["verdict"] for c in data["calls"]] == ["NOT_MAPPED", "NOT_AUTHORIZED", "OK"]
    assert [c["node"] for c in data["calls"]] == ["node1", "node1", "node2"]
    assert data["calls"][0]["certificate_cn"] == "alice sender"
    assert "Certificate-to-User Mapping" in data["calls"][0]["next_step"]
    assert data["unattributed_no_credentials"] == 1
    assert data["malformed"] == 1
    assert [entry["node"] for entry in data["logs"]] == ["node1", "node2"]


def test_text_output_lists_calls_and_summarises_what_to_do(cli, logs):
    result = cli("analyze-log", *logs, "--since", "12/Apr/2021:09:01:00 +0000")
    assert result.code == 0, result.err
    out = result.out
    assert "Read 2 files (2 nodes): 5 calls, 1 malformed line skipped." in out
    assert "Matching (since 2021-04-12T09:01:00+00:00): 4" in out
    assert "NOT_MAPPED: A certificate with CN 'alice sender'" in out
    assert "Summary:" in out and "NOT_AUTHORIZED × 1" in out
    assert "09:00:00" not in out


def test_path_filter(cli, logs):
    data = cli("analyze-log", *logs, "--path", "/http/other", "--json").json
    assert data["calls"] == []
    assert data["parsed"] == 5


def test_profile_without_a_certificate_is_wrong_input(cli, logs, home):
    ProfileStore(home).create("fresh")
    result = cli("analyze-log", *logs, "--profile", "fresh")
    assert result.code == 2
    assert "--path" in result.err


def test_since_that_is_not_a_time_is_wrong_input(cli, logs):
    result = cli("analyze-log", *logs, "--since", "yesterday-ish")
    assert result.code == 2


def test_missing_file_is_wrong_input(cli, tmp_path):
    result = cli("analyze-log", tmp_path / "nope.log", "--json")
    assert result.code == 2
    assert result.json["error"]["code"] == "file.not_found"


@pytest.mark.nginx
def test_the_tenants_log_says_the_same_as_the_test_call(cli, make_profile, nginx, world):
    make_profile("unmapped", world["carol"], url=nginx.url("/http/orders?log-check"))
    call = cli("test-call", "--profile", "unmapped", "--json").json
    assert call["verdict"] == "NOT_MAPPED"
    data = cli("analyze-log", nginx.access_log, "--profile", "unmapped", "--json").json
    mine = [c for c in data["calls"] if c["path"] == "/http/orders" and c["node"] == NODE]
    assert mine and {c["verdict"] for c in mine} == {"NOT_MAPPED"}
    assert mine[-1]["user"] == "carol sender@Sender Issuing CA"

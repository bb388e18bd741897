"""`cpi-cert-wizard analyze-log` with default traces: each refused call with the trace record of
the node that answered it, the fix named; traces alone; the window around a test call."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.testcall.harness import NODE, Nginx, World
from tests.tracelog.conftest import (
    CSRF_FAILED,
    NOT_IN_FLOW_LIST,
    ROLE_MISSING,
    record,
    write_trace,
)
from wizard.core import accesslog
from wizard.core.profiles import ProfileStore
from wizard.core.testcall import call_endpoint
from wizard.core.verdicts import Verdict

HOST = "acme-iflmap.hcisbp.eu1.hana.ondemand.com:443"


def line(user: str, status: int, when: str, path: str = "/http/orders") -> str:
    return (
        f"10.1.2.3 (10.4.5.6) - {user} [12/Apr/2021:{when} +0000] POST {path} HTTP/1.1 "
        f"{status} 10 20 {HOST} -"
    )


def access_log(folder: Path, node: str, lines: list[str]) -> Path:
    path = folder / f"http_access_{node}_2021-04-12.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def two_nodes(tmp_path: Path) -> list[Path]:
    """Node 1 refused BOB for a missing role and CAROL for CSRF; node 2 refused BOB's certificate
    for the flow's list at the same second. Node 3 refused a call but its trace is missing."""
    return [
        access_log(
            tmp_path,
            "node1",
            [
                line("BOB", 403, "09:30:00"),
                line("CAROL", 403, "09:31:00"),
                line("BOB", 200, "09:40:00"),
            ],
        ),
        access_log(tmp_path, "node2", [line("ERP sender@ACME Issuing CA", 403, "09:30:00")]),
        access_log(tmp_path, "node3", [line("DAVE", 403, "09:30:30")]),
        write_trace(
            tmp_path,
            "ljs_trace_node1_2021-04-12.log",
            [
                record("2021 04 12 09:30:01", ROLE_MISSING, user="BOB"),
                record("2021 04 12 09:31:00", CSRF_FAILED, user="CAROL"),
                record("2021 04 12 11:00:00", ROLE_MISSING, user="BOB"),  # a later call
            ],
        ),
        write_trace(
            tmp_path,
            "ljs_trace_node2_2021-04-12.log.gz",
            [record("2021 04 12 09:30:00", NOT_IN_FLOW_LIST)],
            gz=True,
        ),
    ]


def test_each_refused_call_gets_the_trace_record_of_its_own_node(cli, two_nodes):
    result = cli("analyze-log", *two_nodes, "--json")
    assert result.code == 0, result.err
    data = result.json
    calls = {(c["node"], c["user"], c["status"]): c for c in data["calls"]}
    bob = calls[("node1", "BOB", 403)]
    assert [t["problem"] for t in bob["trace"]] == ["ROLE_MISSING"]
    assert bob["trace"][0]["role"] == "ESBMessaging.send"
    assert bob["trace"][0]["node"] == "node1"
    assert [t["problem"] for t in calls[("node1", "CAROL", 403)]["trace"]] == ["CSRF_CHECK_FAILED"]
    erp = calls[("node2", "ERP sender@ACME Issuing CA", 403)]
    assert [t["problem"] for t in erp["trace"]] == ["NOT_IN_FLOW_LIST"]
    assert calls[("node1", "BOB", 200)]["trace"] == []
    assert calls[("node3", "DAVE", 403)]["trace"] == []
    traces = data["traces"]
    assert [f["time"] for f in traces["unmatched"]] == ["2021-04-12T11:00:00+00:00"]
    assert traces["nodes_without_trace"] == ["node3"]
    assert [entry["node"] for entry in traces["logs"]] == ["node1", "node2"]
    assert traces["summary"] == {"ROLE_MISSING": 2, "CSRF_CHECK_FAILED": 1, "NOT_IN_FLOW_LIST": 1}
    # No access-log line was a trace line: the files were told apart.
    assert data["malformed"] == 0 and data["parsed"] == 5


def test_text_shows_the_fix_under_the_call_and_names_the_missing_trace_file(cli, two_nodes):
    result = cli("analyze-log", *two_nodes)
    assert result.code == 0, result.err
    out = result.out
    bob_at = out.index("09:30:00 +0000  node1")
    assert out.index("trace ljs_trace_node1_2021-04-12.log line 11: ROLE_MISSING", bob_at) > bob_at
    assert "Fix: Neo: Give BOB the role ESBMessaging.send" in out
    assert "Default trace: 2 files (2 nodes): 4 records" in out
    assert "(3 shown with their calls above)" in out
    assert "Refused calls answered by nodes without a trace file here:" in out
    assert "ljs_trace_node3_<date>.log" in out


def test_the_profiles_environment_chooses_the_fix(cli, home, two_nodes):
    store = ProfileStore(home)
    profile = store.create("erp")
    profile.environment = "cf"
    profile.leaf_subject = "CN=ERP sender,O=ACME,C=DE"
    profile.leaf_issuer = "CN=ACME Issuing CA,O=ACME,C=DE"
    profile.mapping_user = "BOB"
    store.save(profile)
    result = cli("analyze-log", *two_nodes, "--profile", "erp", "--json")
    assert result.code == 0, result.err
    calls = result.json["calls"]
    assert {(c["node"], c["user"]) for c in calls} == {
        ("node1", "BOB"),
        ("node2", "ERP sender@ACME Issuing CA"),
    }
    bob = next(c for c in calls if c["user"] == "BOB" and c["status"] == 403)
    assert '"roles" parameter' in bob["trace"][0]["fix"]
    erp = next(c for c in calls if c["node"] == "node2")
    assert "mapping --profile erp --flow-certificate" in erp["trace"][0]["fix"]
    # CAROL's CSRF record names somebody else: not this profile's.
    problems = [f["problem"] for f in result.json["traces"]["findings"]]
    assert "CSRF_CHECK_FAILED" not in problems


def test_traces_alone_list_the_errors_with_their_fixes(cli, tmp_path: Path):
    trace = write_trace(
        tmp_path,
        "ljs_trace_a40a97f_2021-04-12.log",
        ["### garbage ###", record("2021 04 12 09:30:00", ROLE_MISSING, user="BOB")],
    )
    result = cli("analyze-log", trace)
    assert result.code == 0, result.err
    assert result.out.startswith("Default trace: 1 file (1 node): 1 records, 1 unreadable line")
    assert "ROLE_MISSING: The user lacks the channel's role (ljs_trace_a40a97f_2021-04-12.log" in (
        result.out
    )
    assert "Fix: Neo: Give BOB the role ESBMessaging.send" in result.out
    data = cli("analyze-log", trace, "--json").json
    assert data["calls"] == [] and data["logs"] == []
    assert data["traces"]["findings"][0]["user"] == "BOB"


def test_a_renamed_download_is_recognised_as_a_trace_by_its_content(cli, tmp_path: Path):
    trace = write_trace(
        tmp_path, "download (3).log", [record("2021 04 12 09:30:00", CSRF_FAILED)], gz=True
    )
    data = cli("analyze-log", trace, "--json").json
    assert [f["problem"] for f in data["traces"]["findings"]] == ["CSRF_CHECK_FAILED"]
    assert data["traces"]["findings"][0]["node"] == "download (3).log"


def test_around_a_time_only_that_window_counts(cli, two_nodes):
    data = cli(
        "analyze-log", *two_nodes, "--around", "2021-04-12T09:31:00", "--window", "30s", "--json"
    ).json
    assert [(c["user"], c["status"]) for c in data["calls"]] == [("DAVE", 403), ("CAROL", 403)]
    assert data["filter"]["since"] == "2021-04-12T09:30:30+00:00"
    assert data["filter"]["until"] == "2021-04-12T09:31:30+00:00"
    # Trace records up to a minute outside the window still count (they may explain its calls).
    assert [f["problem"] for f in data["traces"]["findings"]] == [
        "NOT_IN_FLOW_LIST",
        "ROLE_MISSING",
        "CSRF_CHECK_FAILED",
    ]
    assert data["traces"]["since"] == "2021-04-12T09:29:30+00:00"


def test_around_last_test_uses_the_profiles_last_call_and_says_when_there_is_none(
    cli, home, two_nodes
):
    store = ProfileStore(home)
    profile = store.create("erp")
    profile.leaf_subject = "CN=ERP sender,O=ACME,C=DE"
    profile.leaf_issuer = "CN=ACME Issuing CA,O=ACME,C=DE"
    profile.mapping_user = "BOB"
    store.save(profile)
    refused = cli("analyze-log", *two_nodes, "--around", "last-test", "--profile", "erp")
    assert refused.code == 2
    assert "has no test call yet" in refused.err
    profile = store.load("erp")
    profile.last_test_at = "2021-04-12T09:40:00+00:00"
    store.save(profile)
    data = cli("analyze-log", *two_nodes, "--around", "last-test", "--profile", "erp", "--json")
    assert [(c["user"], c["status"]) for c in data.json["calls"]] == [("BOB", 200)]
    assert data.json["filter"]["since"] == "2021-04-12T09:38:00+00:00"
    without = cli("analyze-log", *two_nodes, "--around", "last-test", "--json").json
    assert without["ok"] is False and "needs --profile" in without["error"]["message"]


def test_a_bad_window_is_refused_with_the_forms_it_takes(cli, two_nodes):
    result = cli("analyze-log", *two_nodes, "--around", "2021-04-12T09:31", "--window", "soon")
    assert result.code == 2
    assert "90s, 5m or 1h" in result.err


# --- the whole story: a real 403 from the nginx tenant, then its trace -------------------------


@pytest.mark.nginx
def test_a_refused_test_call_points_to_the_trace_and_analyze_log_finds_its_cause(
    cli, make_profile, nginx: Nginx, world: World, tmp_path: Path
):
    marker = f"call={time.monotonic_ns()}"
    profile = make_profile("bob", world["bob"], url=nginx.url("/http/orders") + "?" + marker)
    profile.environment = "neo"
    make_profile.store.save(profile)
    result = call_endpoint(
        profile, store=make_profile.store, secrets=make_profile.secrets, timeout=10
    )
    assert (result.verdict, result.status) == (Verdict.NOT_AUTHORIZED, 403)
    assert "default trace of the node that answered" in result.next_step
    assert "ljs_trace_<node>_<date>.log" in result.next_step

    deadline = time.monotonic() + 5
    while True:  # nginx writes the line just after the answer
        calls = accesslog.analyze([nginx.access_log]).calls
        ours = [c for c in calls if c.entry.target.endswith(marker)]
        if ours or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    (call,) = ours
    when = call.entry.time
    assert f"ljs_trace_{NODE}_{when.date().isoformat()}.log" in call.next_step

    # The tenant's trace of that node, and a decoy on another node at the same second.
    stamp = when.strftime("%Y %m %d %H:%M:%S")
    day = when.date().isoformat()
    own = write_trace(
        tmp_path, f"ljs_trace_{NODE}_{day}.log", [record(stamp, ROLE_MISSING, user="BOB")]
    )
    other = write_trace(
        tmp_path, f"ljs_trace_othernode_{day}.log", [record(stamp, CSRF_FAILED, user="BOB")]
    )
    around = datetime.fromisoformat(result.at).isoformat()
    data = cli("analyze-log", nginx.access_log, own, other, "--around", around, "--json").json
    (joined,) = [c for c in data["calls"] if c["line"] == call.entry.line_no]
    assert [(t["problem"], t["node"]) for t in joined["trace"]] == [("ROLE_MISSING", NODE)]
    assert "BOB" in joined["trace"][0]["fix"] and "iflmap" in joined["trace"][0]["fix"]
    assert [f["node"] for f in data["traces"]["unmatched"]] == ["othernode"]


def test_trace_lines_never_count_as_malformed_access_log_lines(cli, tmp_path: Path):
    trace = write_trace(
        tmp_path, "ljs_trace_n1_2021-04-12.log", [record("2021 04 12 09:00:00", CSRF_FAILED)]
    )
    log = access_log(tmp_path, "n1", [line("BOB", 403, "09:00:00")])
    data = cli("analyze-log", log, trace, "--json").json
    assert (data["malformed"], data["traces"]["malformed"]) == (0, 0)

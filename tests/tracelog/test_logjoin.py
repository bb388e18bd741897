"""Joining access-log calls and default-trace findings: node, status, time and user must fit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.tracelog.conftest import (
    NOT_IN_FLOW_LIST,
    NOT_IN_ONE_KEY,
    ROLE_MISSING,
    record,
    write_trace,
)
from wizard.core.accesslog import analyze
from wizard.core.logjoin import join_logs
from wizard.core.tracelog import analyze_traces
from wizard.core.verdicts import Verdict

HOST = "acme-iflmap.hcisbp.eu1.hana.ondemand.com:443"


def line(user: str, status: int, when: str) -> str:
    return (
        f"10.1.2.3 (10.4.5.6) - {user} [12/Apr/2021:{when} +0000] POST /http/orders HTTP/1.1 "
        f"{status} 10 20 {HOST} -"
    )


def joined(tmp_path: Path, node: str, lines: list[str], records: list[str], trace_node=None):
    log = tmp_path / f"http_access_{node}_2021-04-12.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    trace = write_trace(tmp_path, f"ljs_trace_{trace_node or node}_2021-04-12.log", records)
    return join_logs(analyze([log]), analyze_traces([trace]))


def problems(result) -> list[list[str]]:
    return [[f.problem.value for f in c.findings] for c in result.calls]


def test_the_closest_refused_call_of_the_same_user_gets_the_finding(tmp_path: Path):
    result = joined(
        tmp_path,
        "n1",
        [
            line("BOB", 403, "09:00:00"),
            line("BOB", 403, "09:00:40"),
            line("ALICE", 403, "09:00:41"),
        ],
        [record("2021 04 12 09:00:38", ROLE_MISSING, user="BOB")],
    )
    assert problems(result) == [[], ["ROLE_MISSING"], []]
    assert result.unmatched == ()


def test_an_authentication_problem_does_not_explain_a_403(tmp_path: Path):
    result = joined(
        tmp_path,
        "n1",
        [line("BOB", 403, "09:00:00"), line("-", 401, "09:00:00")],
        [record("2021 04 12 09:00:00", NOT_IN_ONE_KEY)],
    )
    # The 401 at the same second on that node is the call the tenant could not authenticate.
    assert problems(result) == [[], ["NOT_IN_ONE_SERVICE_KEY"]]
    assert result.calls[1].findings[0].verdict is Verdict.NOT_MAPPED


def test_an_unmapped_certificate_401_gets_the_service_key_finding(tmp_path: Path):
    result = joined(
        tmp_path,
        "n1",
        [line("ERP sender@ACME Issuing CA", 401, "09:00:00")],
        [record("2021 04 12 09:00:01", NOT_IN_ONE_KEY)],
    )
    assert problems(result) == [["NOT_IN_ONE_SERVICE_KEY"]]


def test_the_flow_list_finding_joins_the_call_of_the_same_certificate_only(tmp_path: Path):
    log = tmp_path / "http_access_n1_2021-04-12.log"
    log.write_text(
        line("ERP sender@ACME Issuing CA", 401, "09:00:00")
        + "\n"
        + line("OTHER@ACME Issuing CA", 401, "09:00:00")
        + "\n",
        encoding="utf-8",
    )
    # With the profile's certificate known, its 403 counts as an unmapped-certificate call.
    calls = analyze([log], certificate_users=["ERP sender@ACME Issuing CA"])
    assert calls.calls[0].certificate_cn == "ERP sender"
    trace = write_trace(
        tmp_path, "ljs_trace_n1_2021-04-12.log", [record("2021 04 12 09:00:00", NOT_IN_FLOW_LIST)]
    )
    result = join_logs(calls, analyze_traces([trace]))
    assert result.unmatched[0].subject == "cn=erp sender,o=acme,c=de"  # 401s: a 403 finding
    log.write_text(
        line("OTHER@ACME Issuing CA", 403, "09:00:00")
        + "\n"
        + line("ERP sender@ACME Issuing CA", 403, "09:00:00")
        + "\n",
        encoding="utf-8",
    )
    calls = analyze(
        [log], certificate_users=["ERP sender@ACME Issuing CA", "OTHER@ACME Issuing CA"]
    )
    result = join_logs(calls, analyze_traces([trace]))
    assert [(c.call.entry.user, [f.problem.value for f in c.findings]) for c in result.calls] == [
        ("OTHER@ACME Issuing CA", []),
        ("ERP sender@ACME Issuing CA", ["NOT_IN_FLOW_LIST"]),
    ]


def test_a_finding_of_another_node_or_minutes_away_explains_nothing(tmp_path: Path):
    other_node = joined(
        tmp_path,
        "n1",
        [line("BOB", 403, "09:00:00")],
        [record("2021 04 12 09:00:00", ROLE_MISSING, user="BOB")],
        trace_node="n2",
    )
    assert problems(other_node) == [[]]
    assert other_node.refused_nodes_without_trace == ("n1",)
    later = joined(
        tmp_path,
        "n1",
        [line("BOB", 403, "09:00:00")],
        [record("2021 04 12 09:05:00", ROLE_MISSING, user="BOB")],
    )
    assert problems(later) == [[]] and len(later.unmatched) == 1


def test_not_authorized_advice_names_the_nodes_trace_file_when_the_node_is_known():
    step = Verdict.NOT_AUTHORIZED.next_step("neo", node="a40a97f", day=date(2021, 4, 12))
    assert "iflmap" in step
    assert "ljs_trace_a40a97f_2021-04-12.log" in step and "node a40a97f" in step
    general = Verdict.NOT_AUTHORIZED.next_step("cf")
    assert "ljs_trace_<node>_<date>.log" in general and "node that answered" in general
    for verdict in Verdict:
        if verdict is not Verdict.NOT_AUTHORIZED:
            assert "ljs_trace" not in verdict.next_step(node="a40a97f")

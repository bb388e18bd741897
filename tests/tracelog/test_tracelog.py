"""Reading SAP default traces: the documented format, every error kind, gzip, nodes, garbage."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.tracelog.conftest import (
    AUTHENTICATION_FAILED,
    AUTHORIZATION_FAILED,
    CSRF_FAILED,
    NOT_IN_FLOW_LIST,
    NOT_IN_ONE_KEY,
    NOT_MAPPED,
    ROLE_MISSING,
    SAP_EXAMPLE,
    at,
    record,
    write_trace,
)
from wizard.core import tracelog
from wizard.core.errors import WizardError
from wizard.core.tracelog import TraceProblem, analyze_traces, read_trace
from wizard.core.verdicts import Verdict

NAME = "ljs_trace_a40a97f_2021-04-12.log"


# --- the documented format ----------------------------------------------------------------------


def test_sap_documented_example_is_read_column_by_column(tmp_path: Path):
    path = write_trace(tmp_path, NAME, [SAP_EXAMPLE])
    records, summary = read_trace(path)
    assert len(records) == 1
    r = records[0]
    assert r.time == datetime(2014, 1, 31, 12, 7, 9, tzinfo=UTC)
    assert (r.severity, r.logger, r.thread) == (
        "INFO",
        "com.sap.demo.tenant.context.TenantContextServlet",
        "http-bio-8041-exec-1",
    )
    assert r.user is None  # 'anonymous' names nobody
    assert r.text == (
        "The app was accessed on behalf of tenant with ID: '42e00744-bf57-40b1-b3b7-04d1ca585ee3'"
    )
    assert len(r.columns) == 15
    assert r.line_no == 11  # after the nine header lines and the blank line
    assert (summary.node, summary.date, summary.records, summary.malformed) == (
        "a40a97f",
        "2021-04-12",
        1,
        0,
    )


def test_escaped_separators_and_a_multi_line_stack_trace_stay_in_one_record(tmp_path: Path):
    text = (
        "Login failed # for user 'A|B' in C:\\temp\njava.lang.SecurityException: denied\n\tat x.y"
    )
    path = write_trace(tmp_path, NAME, [record(at("09:00:00"), text), record(at("09:00:01"), "x")])
    records, summary = read_trace(path)
    assert [r.text for r in records] == [text, "x"]
    assert [r.line_no for r in records] == [11, 14]
    assert summary.malformed == 0


def test_file_without_header_and_with_a_header_declaring_other_separators(tmp_path: Path):
    plain = write_trace(tmp_path, NAME, [SAP_EXAMPLE], header=False)
    assert [r.line_no for r in read_trace(plain)[0]] == [1]
    semicolons = tmp_path / "ljs_trace_b1_2021-04-12.log"
    semicolons.write_text(
        "FILE_TYPE:x\nRECORD_SEPARATOR:33\nCOLUMN_SEPARATOR:59\nESC_CHARACTER:94\nHEADER_END\n"
        "2021 04 12 09:00:00;+00;ERROR;l;;BOB;t;;;;;;;;CSRF token check failed ^; really!\n",
        encoding="utf-8",
    )
    records, _ = read_trace(semicolons)
    assert [(r.user, r.text) for r in records] == [("BOB", "CSRF token check failed ; really")]


@pytest.mark.parametrize(
    ("stamp", "zone", "expected"),
    [
        ("2021 04 12 11:00:00", "+02", datetime(2021, 4, 12, 9, 0, tzinfo=UTC)),
        ("2021 04 12 03:30:00", "-0530", datetime(2021, 4, 12, 9, 0, tzinfo=UTC)),
        ("2021 04 12 14:30:00", "+05:30", datetime(2021, 4, 12, 9, 0, tzinfo=UTC)),
        ("2021 04 12 09:00:00:250", "+00", datetime(2021, 4, 12, 9, 0, 0, 250000, tzinfo=UTC)),
    ],
)
def test_time_zone_column_and_milliseconds_give_the_right_instant(
    tmp_path: Path, stamp, zone, expected
):
    path = write_trace(tmp_path, NAME, [record(stamp, "x", zone=zone)])
    (r,), _ = read_trace(path)
    assert r.time == expected
    assert r.time.utcoffset() is not None


def test_garbage_lines_are_counted_and_the_records_around_them_kept(tmp_path: Path):
    path = write_trace(
        tmp_path,
        NAME,
        [
            "### a line somebody pasted ###",
            record(at("09:00:00"), ROLE_MISSING),
            "",
            "not a record|",
            "2021 13 45 99:00:00#+00#ERROR#l##u#t##a#b#c#d#e#f#impossible date|",
            "2021 04 12 09:00:01#+00#too few columns|",
            record(at("09:00:02"), CSRF_FAILED),
        ],
    )
    records, summary = read_trace(path)
    assert [r.time for r in records] == [at("09:00:00"), at("09:00:02")]
    assert summary.malformed == 4


def test_gzip_is_read_whatever_the_name_says_and_a_cut_off_gzip_keeps_what_came_before(
    tmp_path: Path,
):
    records = [record(at(f"09:00:{s:02d}"), f"record {s}") for s in range(40)]
    zipped = write_trace(tmp_path, NAME + ".gz", records, gz=True)
    as_log = tmp_path / NAME
    as_log.write_bytes(zipped.read_bytes())  # the API's download: gzip named .log
    assert [len(read_trace(p)[0]) for p in (zipped, as_log)] == [40, 40]
    cut = tmp_path / "ljs_trace_cut_2021-04-12.log.gz"
    many = "\n".join(records * 50) + "\n"
    cut.write_bytes(gzip.compress(many.encode())[:-40])  # the download broke off
    kept, summary = read_trace(cut)
    assert summary.error is not None and "reading stopped" in summary.error
    assert len(kept) > 100


def test_node_and_date_come_from_the_file_name():
    assert tracelog.node_and_date(Path("ljs_trace_a40a97f_2017-12-15.log")) == (
        "a40a97f",
        "2017-12-15",
    )
    assert tracelog.node_and_date(Path("ljs_trace_node_1_20210412.log.gz")) == (
        "node_1",
        "20210412",
    )
    assert tracelog.node_and_date(Path("download.log")) == ("download.log", None)


def test_missing_file_and_folder_are_reported_by_name(tmp_path: Path):
    with pytest.raises(WizardError) as missing:
        read_trace(tmp_path / NAME)
    assert missing.value.code == "file.not_found" and NAME in missing.value.message
    with pytest.raises(WizardError) as folder:
        read_trace(tmp_path)
    assert folder.value.code == "file.is_dir"


# --- what each error means ----------------------------------------------------------------------


def one_finding(tmp_path: Path, text: str, environment=None, **kw):
    path = write_trace(tmp_path, NAME, [record(at("09:30:00"), text, **kw)])
    analysis = analyze_traces([path], environment=environment, profile="erp")
    assert len(analysis.findings) == 1, [f.problem for f in analysis.findings]
    return analysis.findings[0]


def test_missing_role_names_user_and_role_and_where_to_assign_it(tmp_path: Path):
    neo = one_finding(tmp_path, ROLE_MISSING, "neo", user="BOB")
    assert neo.problem is TraceProblem.ROLE_MISSING
    assert (neo.user, neo.role) == ("BOB", "ESBMessaging.send")
    assert neo.verdict is Verdict.NOT_AUTHORIZED
    assert "BOB" in neo.explanation and "ESBMessaging.send" in neo.explanation
    assert "iflmap" in neo.fix and "BOB" in neo.fix
    cf = one_finding(tmp_path, ROLE_MISSING, "cf")
    assert '"roles" parameter' in cf.fix and "iflmap" not in cf.fix
    both = one_finding(tmp_path, ROLE_MISSING)
    assert "Neo:" in both.fix and "Cloud Foundry:" in both.fix


def test_role_missing_without_names_still_reads_as_a_sentence(tmp_path: Path):
    finding = one_finding(tmp_path, "Access denied: required role is not assigned", "neo")
    assert finding.problem is TraceProblem.ROLE_MISSING
    assert (finding.user, finding.role) == (None, None)
    assert "the mapped user" in finding.explanation
    assert "the channel's role" in finding.explanation


def test_subject_and_issuer_not_in_the_flow_list_points_to_the_flow_certificate(tmp_path: Path):
    finding = one_finding(tmp_path, NOT_IN_FLOW_LIST, "neo")
    assert finding.problem is TraceProblem.NOT_IN_FLOW_LIST
    assert finding.subject == "cn=erp sender,o=acme,c=de"
    assert finding.issuer == "cn=acme issuing ca,o=acme,c=de"
    assert "cn=erp sender,o=acme,c=de" in finding.explanation
    assert "cpi-cert-wizard mapping --profile erp --flow-certificate" in finding.fix
    assert "redeploy" in finding.fix


def test_csrf_check_failure_says_the_certificate_is_fine(tmp_path: Path):
    finding = one_finding(tmp_path, CSRF_FAILED, user="BOB")
    assert finding.problem is TraceProblem.CSRF_CHECK_FAILED
    assert "X-CSRF-Token: Fetch" in finding.fix
    assert "CSRF Protected" in finding.fix
    assert finding.verdict is Verdict.NOT_AUTHORIZED


def test_certificate_in_no_or_two_service_keys_is_an_authentication_problem(tmp_path: Path):
    finding = one_finding(tmp_path, NOT_IN_ONE_KEY, "cf")
    assert finding.problem is TraceProblem.NOT_IN_ONE_SERVICE_KEY
    assert finding.verdict is Verdict.NOT_MAPPED
    assert "exactly one service key" in finding.fix
    assert "--profile erp --env cf" in finding.fix


def test_unmapped_certificate_names_the_mapping_of_the_environment(tmp_path: Path):
    neo = one_finding(tmp_path, NOT_MAPPED, "neo")
    assert neo.problem is TraceProblem.CERTIFICATE_NOT_MAPPED
    assert "Certificate-to-User Mappings" in neo.fix
    assert "External Certificate" in one_finding(tmp_path, NOT_MAPPED, "cf").fix


@pytest.mark.parametrize(
    ("text", "problem", "verdict"),
    [
        (AUTHENTICATION_FAILED, TraceProblem.AUTHENTICATION_FAILED, Verdict.NOT_MAPPED),
        (AUTHORIZATION_FAILED, TraceProblem.AUTHORIZATION_FAILED, Verdict.NOT_AUTHORIZED),
    ],
)
def test_generic_failures_are_reported_when_logged_as_errors(
    tmp_path: Path, text, problem, verdict
):
    finding = one_finding(tmp_path, text, severity="ERROR")
    assert (finding.problem, finding.verdict) == (problem, verdict)
    assert finding.fix


@pytest.mark.parametrize("text", [AUTHENTICATION_FAILED, AUTHORIZATION_FAILED])
def test_generic_words_in_information_records_are_not_findings(tmp_path: Path, text):
    path = write_trace(tmp_path, NAME, [record(at("09:30:00"), text, severity="INFO")])
    assert analyze_traces([path]).findings == ()


def test_ordinary_traffic_and_other_errors_are_no_findings(tmp_path: Path):
    path = write_trace(
        tmp_path,
        NAME,
        [
            SAP_EXAMPLE,
            record(at("09:00:00"), "Message processing failed: NullPointerException at step 3"),
            record(at("09:00:01"), "Deployed integration flow orders", severity="INFO"),
        ],
    )
    analysis = analyze_traces([path])
    assert (analysis.records, analysis.findings) == (3, ())


# --- several files, several nodes, a window ------------------------------------------------------


def test_mixed_nodes_plain_and_gzip_in_time_order_each_with_its_node(tmp_path: Path):
    node1 = write_trace(
        tmp_path,
        "ljs_trace_node1_2021-04-12.log",
        [record(at("09:00:00"), ROLE_MISSING), record(at("09:10:00"), CSRF_FAILED)],
    )
    node2 = write_trace(
        tmp_path,
        "ljs_trace_node2_2021-04-12.log.gz",
        ["### garbage ###", record(at("09:05:00"), NOT_IN_FLOW_LIST)],
        gz=True,
    )
    analysis = analyze_traces([node1, node2])
    assert [(f.record.node, f.problem) for f in analysis.findings] == [
        ("node1", TraceProblem.ROLE_MISSING),
        ("node2", TraceProblem.NOT_IN_FLOW_LIST),
        ("node1", TraceProblem.CSRF_CHECK_FAILED),
    ]
    assert [f.node for f in analysis.files] == ["node1", "node2"]
    assert (analysis.records, analysis.malformed) == (3, 1)


def test_only_the_window_around_the_call_is_looked_at(tmp_path: Path):
    path = write_trace(
        tmp_path,
        NAME,
        [record(at(f"09:{m:02d}:00"), ROLE_MISSING) for m in range(0, 60, 10)],
    )
    call = at("09:30:00")
    analysis = analyze_traces(
        [path], since=call - timedelta(minutes=10), until=call + timedelta(minutes=10)
    )
    assert [f.record.time for f in analysis.findings] == [
        at("09:20:00"),
        at("09:30:00"),
        at("09:40:00"),
    ]
    local = call.astimezone(timezone(timedelta(hours=2)))  # the same instant in another zone
    assert len(analyze_traces([path], since=local, until=local).findings) == 1


def test_a_profile_sees_its_own_findings_and_those_that_name_nobody(tmp_path: Path):
    path = write_trace(
        tmp_path,
        NAME,
        [
            record(at("09:00:00"), ROLE_MISSING.replace("BOB", "ALICE")),
            record(at("09:00:01"), ROLE_MISSING),
            record(at("09:00:02"), NOT_IN_FLOW_LIST),
            record(at("09:00:03"), NOT_IN_FLOW_LIST.replace("erp sender", "other sender")),
            record(at("09:00:04"), AUTHORIZATION_FAILED),
        ],
    )
    analysis = analyze_traces([path], users=["BOB", "ERP sender@ACME Issuing CA"])
    assert [f.record.time.second for f in analysis.findings] == [1, 2, 4]


def test_two_days_put_together_into_one_file_are_read_header_and_all(tmp_path: Path):
    first = write_trace(tmp_path, "a.log", [record(at("23:59:59", "2021-04-11"), ROLE_MISSING)])
    second = write_trace(tmp_path, "b.log", [record(at("00:00:01"), CSRF_FAILED)])
    both = tmp_path / NAME
    both.write_text(first.read_text() + second.read_text(), encoding="utf-8")
    records, summary = read_trace(both)
    assert [r.time for r in records] == [at("23:59:59", "2021-04-11"), at("00:00:01")]
    assert summary.malformed == 0


# --- messages SAP's knowledge base names ------------------------------------------------------


def test_xsuaa_could_not_authenticate_oauth_client_is_recognised_with_kba_3364579(tmp_path: Path):
    text = (
        "XSUAA could not authenticate OAuth client with client ID "
        "sb-3a1b2c3d-0000-4000-8000-000000000000!b1234|it-rt-mytenant!b56"
    )
    path = write_trace(
        tmp_path,
        NAME,
        [
            record(
                "2021 04 12 10:00:00",
                text,
                severity="WARNING",
                logger="com.sap.it.security.multicloud.authentication.UaaTokenBroker",
            )
        ],
    )
    (finding,) = analyze_traces([path], environment="cf").findings
    assert finding.problem is TraceProblem.OAUTH_CLIENT_NOT_AUTHENTICATED
    assert finding.verdict is Verdict.NOT_MAPPED
    assert "3364579" in finding.explanation and "Multiple clones found" in finding.fix


def test_no_authentication_object_in_the_security_context_means_no_credentials(tmp_path: Path):
    text = (
        "org.springframework.security.authentication.AuthenticationCredentialsNotFoundException: "
        "An Authentication object was not found in the SecurityContext"
    )
    path = write_trace(tmp_path, NAME, [record("2021 04 12 10:00:01", text)])
    (finding,) = analyze_traces([path], profile="erp").findings
    assert finding.problem is TraceProblem.NO_CREDENTIALS
    assert finding.verdict is Verdict.NO_CERT_FORWARDED
    assert "test-call --profile erp" in finding.fix

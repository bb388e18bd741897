"""Reading SAP HTTP access logs: every user-field form, gzip, several nodes, garbage."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from wizard.core import accesslog
from wizard.core.accesslog import UserKind, analyze, certificate_user, parse_line, parse_since
from wizard.core.errors import WizardError
from wizard.core.verdicts import Verdict

HOST = "acme-iflmap.hcisbp.eu1.hana.ondemand.com:443"


def line(user: str, status: int, path: str = "/http/orders", when: str = "12/Apr/2021:00:00:05"):
    return f"10.1.2.3 (198.51.100.7) - {user} [{when} +0000] POST {path} HTTP/1.1 {status} 6824 1762 {HOST} -"


def write(folder: Path, name: str, lines: list[str], *, gz: bool = False) -> Path:
    path = folder / name
    text = "\n".join(lines) + "\n"
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- one line -----------------------------------------------------------------------------------


def test_sap_sample_line_is_read_field_by_field():
    entry = parse_line(
        "10.1.2.3 (10.4.5.6) - S0012345678 [12/Apr/2021:00:00:05 +0000] POST /cxf/x HTTP/1.1 "
        f"200 6824 1762 {HOST} -"
    )
    assert entry is not None
    assert entry.client_ip == "10.1.2.3"
    assert entry.forwarded_ip == "10.4.5.6"
    assert entry.user == "S0012345678"
    assert entry.time == datetime(2021, 4, 12, 0, 0, 5, tzinfo=UTC)
    assert (entry.method, entry.path, entry.protocol) == ("POST", "/cxf/x", "HTTP/1.1")
    assert (entry.status, entry.bytes_sent, entry.number) == (200, 6824, 1762)
    assert entry.host == HOST


def test_certificate_user_with_spaces_in_both_common_names_is_kept_whole():
    entry = parse_line(line("ERP Sender 01@DigiCert Global G2 TLS RSA SHA256 2020 CA1", 401))
    assert entry is not None
    assert entry.user == "ERP Sender 01@DigiCert Global G2 TLS RSA SHA256 2020 CA1"
    explained = accesslog.explain(entry)
    assert explained.user_kind is UserKind.UNMAPPED_CERTIFICATE
    assert explained.verdict is Verdict.NOT_MAPPED
    assert explained.certificate_cn == "ERP Sender 01"
    assert explained.issuer_cn == "DigiCert Global G2 TLS RSA SHA256 2020 CA1"


def test_timestamp_offsets_and_month_names_are_read_whatever_the_locale():
    entry = parse_line(line("-", 401, when="03/Dec/2024:23:59:59").replace("+0000", "+0130"))
    assert entry is not None
    assert entry.time == datetime(2024, 12, 3, 23, 59, 59, tzinfo=timezone(timedelta(minutes=90)))


def test_common_log_format_with_quoted_request_and_query_is_accepted():
    entry = parse_line(
        '10.0.0.1 - - [12/Apr/2021:00:00:05 +0000] "GET /http/x?id=1 HTTP/1.0" 404 0'
    )
    assert entry is not None
    assert (entry.path, entry.target, entry.status) == ("/http/x", "/http/x?id=1", 404)
    assert entry.host is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "10.1.2.3 (10.4.5.6) - - [yesterday] POST /x HTTP/1.1 200 1 2 h:443 -",
        "10.1.2.3 (10.4.5.6) - - [31/Feb/2021:00:00:05 +0000] POST /x HTTP/1.1 200 1 2 h:443 -",
        "10.1.2.3 (10.4.5.6) - - [12/Foo/2021:00:00:05 +0000] POST /x HTTP/1.1 200 1 2 h:443 -",
        "10.1.2.3 (10.4.5.6) - - [12/Apr/2021:00:00:05 +0000] POST /x HTTP/1.1 2000 1 2 h:443 -",
        "#Fields: date time cs-method",
    ],
)
def test_lines_that_are_not_access_log_lines_are_refused(text):
    assert parse_line(text) is None


# --- what each user-field form means ------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "status", "kind", "verdict", "says"),
    [
        ("-", 401, UserKind.NONE, Verdict.NO_CERT_FORWARDED, "No credentials reached the tenant"),
        ("erp@Sender CA", 401, UserKind.UNMAPPED_CERTIFICATE, Verdict.NOT_MAPPED, "not mapped"),
        ("ERP_SENDER", 403, UserKind.USER, Verdict.NOT_AUTHORIZED, "lacks the role"),
        ("S0012345678", 403, UserKind.USER, Verdict.NOT_AUTHORIZED, "SAP user S0012345678"),
        (
            "oauth_client_0a1b2c",
            403,
            UserKind.SERVICE_KEY_CLIENT,
            Verdict.NOT_AUTHORIZED,
            "service key client",
        ),
        ("sb-7f3c!b1|it-rt-acme!b2", 200, UserKind.SERVICE_KEY_CLIENT, Verdict.OK, "succeeded"),
        ("ERP_SENDER", 200, UserKind.USER, Verdict.OK, "succeeded"),
        ("ERP_SENDER", 404, UserKind.USER, Verdict.NO_ENDPOINT, "answered 404"),
        ("ERP_SENDER", 500, UserKind.USER, Verdict.FLOW_FAILED, "answered 500"),
        ("ERP_SENDER", 503, UserKind.USER, Verdict.UNAVAILABLE, "answered 503"),
        ("ERP_SENDER", 413, UserKind.USER, Verdict.TOO_LARGE, "answered 413"),
        ("sender@example.com", 200, UserKind.USER, Verdict.OK, "sender@example.com"),
    ],
)
def test_each_user_field_form_is_explained(user, status, kind, verdict, says):
    entry = parse_line(line(user, status))
    assert entry is not None
    explained = accesslog.explain(entry)
    assert explained.user_kind is kind
    assert explained.verdict is verdict
    assert says in explained.explanation
    assert explained.next_step == verdict.next_step()


def test_no_role_names_the_trace_file_that_names_the_role():
    explained = accesslog.explain(parse_line(line("ERP_SENDER", 403)))
    assert "ljs_trace_" in explained.explanation


def test_environment_chooses_the_advice_for_an_unmapped_certificate():
    entry = parse_line(line("erp@Sender CA", 401))
    assert "Certificate-to-User Mapping" in accesslog.explain(entry, environment="neo").next_step
    assert "service key" in accesslog.explain(entry, environment="cf").next_step


def test_certificate_user_is_built_from_the_profile_names():
    assert certificate_user("CN=ERP Sender,O=ACME,C=DE", "CN=Issuing CA 1,O=CA Inc") == (
        "ERP Sender@Issuing CA 1"
    )
    assert certificate_user("O=No CN", "CN=CA") is None
    assert certificate_user(None, "CN=CA") is None


# --- files --------------------------------------------------------------------------------------


def test_several_nodes_plain_and_gzip_are_read_together_in_time_order(tmp_path):
    node_a = write(
        tmp_path,
        "http_access_a1b2c3_2021-04-12.log",
        [
            line("-", 401, when="12/Apr/2021:00:00:09"),
            line("ERP", 200, when="12/Apr/2021:00:00:01"),
        ],
    )
    node_b = write(
        tmp_path,
        "http_access_d4e5f6_2021-04-12.log.gz",
        [line("erp@CA", 401, when="12/Apr/2021:00:00:05")],
        gz=True,
    )
    analysis = analyze([node_a, node_b])
    assert [c.entry.user for c in analysis.calls] == ["ERP", "erp@CA", "-"]
    assert [c.entry.node for c in analysis.calls] == ["a1b2c3", "d4e5f6", "a1b2c3"]
    assert [f.date for f in analysis.files] == ["2021-04-12", "2021-04-12"]
    assert analysis.count(Verdict.NOT_MAPPED) == 1


def test_gzip_is_recognised_by_its_content_not_its_name(tmp_path):
    path = write(tmp_path, "downloaded.log", [line("-", 401)], gz=True)
    analysis = analyze([path])
    assert analysis.parsed == 1
    assert analysis.files[0].node == "downloaded.log"


def test_garbage_lines_are_counted_and_skipped_never_fatal(tmp_path):
    path = write(
        tmp_path,
        "http_access_n1_20210412.log",
        [
            "garbage",
            line("-", 401),
            "\x00\x01binary\xff",
            "",
            line("ERP", 200),
            "10.1.2.3 (10.4.5.6) - - [12/Apr/2021",
        ],
    )
    path.write_bytes(path.read_bytes() + b"\xff\xfe not utf-8\n")
    analysis = analyze([path])
    assert analysis.parsed == 2
    assert analysis.malformed == 4
    assert analysis.files[0].malformed == 4
    assert analysis.files[0].date == "20210412"


def test_truncated_gzip_keeps_what_was_read_and_says_where_it_stopped(tmp_path):
    path = write(tmp_path, "http_access_n1_2021-04-12.log.gz", [line("-", 401)] * 2000, gz=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    analysis = analyze([path])
    assert analysis.files[0].error and "reading stopped" in analysis.files[0].error
    assert analysis.parsed > 0


def test_binary_file_is_all_malformed_not_an_error(tmp_path):
    path = tmp_path / "picture.png"
    path.write_bytes(bytes(range(256)) * 64)
    analysis = analyze([path])
    assert analysis.parsed == 0
    assert analysis.malformed > 0


def test_missing_file_is_a_clear_input_error(tmp_path):
    with pytest.raises(WizardError) as caught:
        analyze([tmp_path / "http_access_n1_2021-04-12.log"])
    assert caught.value.code == "file.not_found"


def test_folder_instead_of_file_is_a_clear_input_error(tmp_path):
    with pytest.raises(WizardError) as caught:
        analyze([tmp_path])
    assert "folder" in caught.value.message


# --- filters ------------------------------------------------------------------------------------


def test_filters_by_path_time_and_user(tmp_path):
    path = write(
        tmp_path,
        "http_access_n1_2021-04-12.log",
        [
            line("-", 401, "/http/orders", "12/Apr/2021:08:00:00"),
            line("erp@CA", 401, "/http/orders", "12/Apr/2021:10:00:00"),
            line("-", 401, "/http/orders", "12/Apr/2021:10:30:00"),
            line("erp@CA", 401, "/http/orders/v2", "12/Apr/2021:11:00:00"),
            line("erp@CA", 401, "/http/ordersx", "12/Apr/2021:11:00:00"),
            line("ERP", 200, "/cxf/invoices", "12/Apr/2021:12:00:00"),
        ],
    )
    since = parse_since("2021-04-12T09:00")
    by_path = analyze([path], path="/http/orders", since=since)
    assert [c.entry.path for c in by_path.calls] == [
        "/http/orders",
        "/http/orders",
        "/http/orders/v2",
    ]
    by_user = analyze([path], since=since, users=["erp@CA"], certificate_users=["erp@CA"])
    assert len(by_user.calls) == 3
    assert all(c.user_kind is UserKind.UNMAPPED_CERTIFICATE for c in by_user.calls)
    assert by_user.unattributed_no_credentials == 1  # the 10:30 call without credentials
    url = analyze([path], path="https://acme-iflmap.example/cxf/invoices/")
    assert [c.entry.user for c in url.calls] == ["ERP"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-04-12", datetime(2021, 4, 12, tzinfo=UTC)),
        ("2021-04-12T10:30", datetime(2021, 4, 12, 10, 30, tzinfo=UTC)),
        ("2021-04-12T10:30:00Z", datetime(2021, 4, 12, 10, 30, tzinfo=UTC)),
        ("2021-04-12T12:30+02:00", datetime(2021, 4, 12, 10, 30, tzinfo=UTC)),
        ("12/Apr/2021:10:30:00 +0000", datetime(2021, 4, 12, 10, 30, tzinfo=UTC)),
    ],
)
def test_since_understands_iso_and_log_timestamps(text, expected):
    assert parse_since(text) == expected


def test_since_understands_spans_back_from_now():
    now = datetime(2021, 4, 12, 12, 0, tzinfo=UTC)
    assert parse_since("30m", now=now) == now - timedelta(minutes=30)
    assert parse_since("2h", now=now) == now - timedelta(hours=2)
    assert parse_since("7d", now=now) == now - timedelta(days=7)


def test_since_that_is_not_a_time_says_what_is_understood():
    with pytest.raises(WizardError) as caught:
        parse_since("last tuesday")
    assert "30m" in caught.value.message and "2021-04-12" in caught.value.message


# --- the trace file of the node that answered (issue 11) -------------------------------------


def test_refused_call_names_the_trace_file_of_its_node_and_day(tmp_path):
    log = write(
        tmp_path,
        "http_access_a40a97f_2021-04-12.log",
        [line("BOB", 403, when="12/Apr/2021:23:59:59"), line("BOB", 200)],
    )
    refused, ok = sorted(analyze([log]).calls, key=lambda c: c.entry.status, reverse=True)
    assert refused.verdict is Verdict.NOT_AUTHORIZED
    assert "ljs_trace_a40a97f_2021-04-12.log" in refused.next_step
    assert "node a40a97f" in refused.next_step
    assert "ljs_trace" not in ok.next_step


def test_a_file_without_a_node_in_its_name_gives_the_general_trace_advice(tmp_path):
    log = write(tmp_path, "downloaded.log", [line("BOB", 403)])
    (call,) = analyze([log]).calls
    assert "ljs_trace_<node>_<date>.log" in call.next_step
    assert "http_access_<node>_<date>.log" in call.next_step


def test_until_ends_the_window(tmp_path):
    log = write(
        tmp_path,
        "http_access_n1_2021-04-12.log",
        [line("BOB", 403, when=f"12/Apr/2021:09:{m:02d}:00") for m in (0, 10, 20)],
    )
    analysis = analyze(
        [log],
        since=datetime(2021, 4, 12, 9, 5, tzinfo=UTC),
        until=datetime(2021, 4, 12, 9, 15, tzinfo=UTC),
    )
    assert [c.entry.time.minute for c in analysis.calls] == [10]
    assert analysis.filter.until == datetime(2021, 4, 12, 9, 15, tzinfo=UTC)

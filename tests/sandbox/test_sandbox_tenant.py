"""The tenant's decision and its access-log line, without the network."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests import pki
from wizard.sandbox.accesslog import AccessLog, AccessRecord, format_line
from wizard.sandbox.clientchain import check_client_chain
from wizard.sandbox.state import Endpoint, initial_state, mapping_row
from wizard.sandbox.tenant import decide

WHEN = dt.datetime(2021, 4, 12, 0, 0, 5, tzinfo=dt.UTC)


def _record(**changes) -> AccessRecord:
    values = {
        "client_ip": "10.1.2.3",
        "user": "ERP_SENDER",
        "time": WHEN,
        "method": "POST",
        "path": "/cxf/x",
        "protocol": "HTTP/1.1",
        "status": 200,
        "response_bytes": 6824,
        "duration_ms": 1762,
        "host": "tenant.example:443",
    }
    return AccessRecord(**(values | changes))


def test_log_line_has_sap_s_shape() -> None:
    assert format_line(_record()) == (
        "10.1.2.3 (10.1.2.3) - ERP_SENDER [12/Apr/2021:00:00:05 +0000] POST /cxf/x HTTP/1.1 "
        "200 6824 1762 tenant.example:443 -"
    )


def test_log_time_is_utc_whatever_the_caller_s_zone() -> None:
    cet = dt.timezone(dt.timedelta(hours=2))
    line = format_line(_record(time=dt.datetime(2021, 4, 12, 2, 0, 5, tzinfo=cet)))

    assert "[12/Apr/2021:00:00:05 +0000]" in line


def test_certificate_name_with_a_line_break_cannot_forge_a_log_line(tmp_path: Path) -> None:
    log = AccessLog(tmp_path, "sandbox0")
    forged = (
        "x@y [12/Apr/2021:00:00:05 +0000] GET / HTTP/1.1 200 0 0 h:1 -\n10.0.0.1 (10.0.0.1) - admin"
    )

    path = log.write(_record(user=forged))

    assert path.name == "http_access_sandbox0_20210412.log"
    assert len(path.read_text().splitlines()) == 1


@pytest.fixture
def demo():
    root = pki.root("Demo Root")
    issuing = root.intermediate("Demo Issuing")
    mapped = issuing.issue(pki.make_key().public_key(), "mapped one")
    unmapped = issuing.issue(pki.make_key().public_key(), "stranger")
    state = (
        initial_state()
        .with_mapping(mapping_row(mapped, "ERP_SENDER"))
        .with_endpoint(Endpoint("/http/orders", role="Orders.send", max_bytes=10))
        .with_endpoint(Endpoint("/http/down", unavailable=True))
        .with_endpoint(Endpoint("/http/fail", fail=True))
        .with_role("ERP_SENDER", "ESBMessaging.send")
    )

    def forwarded(cert):
        check = check_client_chain(cert, [issuing.cert], [root.cert])
        assert check.forwarded is not None, check.reason
        return check.forwarded

    return state, forwarded(mapped), forwarded(unmapped)


@pytest.mark.parametrize(
    ("who", "path", "size", "status", "log_user"),
    [
        ("mapped", "/http/demo", 5, 200, "ERP_SENDER"),
        ("nobody", "/http/demo", 5, 401, "-"),
        ("stranger", "/http/demo", 5, 401, "stranger@Demo Issuing"),
        ("nobody", "/http/typo", 5, 401, "-"),  # authentication comes before routing
        ("mapped", "/http/typo", 5, 404, "ERP_SENDER"),
        ("nobody", "/index.html", 5, 404, "-"),  # outside /http and /cxf: not the runtime
        ("mapped", "/http/orders", 5, 403, "ERP_SENDER"),
        ("mapped", "/http/orders", 50, 403, "ERP_SENDER"),  # role before size
        ("nobody", "/http/down", 5, 503, "-"),  # a node that is down authenticates nobody
        ("mapped", "/http/fail", 5, 500, "ERP_SENDER"),
        ("mapped", "/http/demo", 40 * 1024 * 1024 + 1, 413, "ERP_SENDER"),
    ],
)
def test_tenant_answers_in_the_order_a_tenant_checks(
    demo, who: str, path: str, size: int, status: int, log_user: str
) -> None:
    state, mapped, stranger = demo
    forwarded = {"mapped": mapped, "stranger": stranger, "nobody": None}[who]

    answer = decide(state, path=path, forwarded=forwarded, body_length=size)

    assert (answer.status, answer.log_user) == (status, log_user)


def test_chain_checks_name_why_a_certificate_was_dropped() -> None:
    root = pki.root("Demo Root")
    issuing = root.intermediate("Demo Issuing")
    leaf = issuing.issue(pki.make_key().public_key(), "sender")
    expired = issuing.issue(
        pki.make_key().public_key(),
        "old",
        not_before=WHEN,
        not_after=WHEN + dt.timedelta(days=1),
    )

    assert check_client_chain(None, [], [root.cert]).presented is False
    assert check_client_chain(leaf, [], [root.cert]).forwarded is None  # no intermediate
    assert check_client_chain(leaf, [issuing.cert], [root.cert]).forwarded is not None
    assert check_client_chain(expired, [issuing.cert], [root.cert]).forwarded is None
    # an intermediate is no anchor: only roots are trusted
    assert check_client_chain(leaf, [issuing.cert], [issuing.cert]).forwarded is None

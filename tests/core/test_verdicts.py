"""The verdict vocabulary: complete, worded for people, one answer per HTTP status."""

from __future__ import annotations

import pytest

from wizard.core.verdicts import VERDICTS, Verdict, verdict_for_status

EXPECTED = {
    "OK",
    "SERVER_UNTRUSTED",
    "CLIENT_CERT_REJECTED",
    "NO_CERT_FORWARDED",
    "NO_CERT_REQUESTED",
    "NOT_MAPPED",
    "NOT_AUTHORIZED",
    "NO_ENDPOINT",
    "TOO_LARGE",
    "FLOW_FAILED",
    "UNAVAILABLE",
    "UNREACHABLE",
    "TIMEOUT",
    "PROXY_ERROR",
    "NOT_TLS",
}


def test_the_vocabulary_is_exactly_the_documented_one_and_every_verdict_is_described():
    assert {v.value for v in Verdict} == EXPECTED
    assert set(VERDICTS) == set(Verdict)
    for verdict in Verdict:
        info = verdict.info
        assert info.title and info.title[0].isupper() and not info.title.endswith(".")
        assert info.meaning.endswith(".")
        assert verdict.next_step().endswith(".")


@pytest.mark.parametrize("verdict", list(Verdict))
@pytest.mark.parametrize("environment", ["neo", "cf", None, "unknown"])
def test_advice_exists_for_both_environments_and_when_unknown(verdict, environment):
    assert verdict.next_step(environment)


def test_neo_and_cloud_foundry_get_their_own_words_where_they_differ():
    assert "Certificate-to-User Mapping" in Verdict.NOT_MAPPED.next_step("neo")
    assert "service key" not in Verdict.NOT_MAPPED.next_step("neo")
    assert "service key" in Verdict.NOT_MAPPED.next_step("cf")
    assert "exactly one" in Verdict.NOT_MAPPED.next_step("CF")
    assert "iflmap" in Verdict.NOT_AUTHORIZED.next_step("neo")
    assert "service instance" in Verdict.NOT_AUTHORIZED.next_step("cf")
    both = Verdict.NOT_MAPPED.next_step(None)
    assert "Neo:" in both and "Cloud Foundry:" in both


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, Verdict.OK),
        (202, Verdict.OK),
        (204, Verdict.OK),
        (302, Verdict.NO_ENDPOINT),
        (401, Verdict.NOT_MAPPED),
        (403, Verdict.NOT_AUTHORIZED),
        (404, Verdict.NO_ENDPOINT),
        (405, Verdict.NO_ENDPOINT),
        (407, Verdict.PROXY_ERROR),
        (408, Verdict.TIMEOUT),
        (413, Verdict.TOO_LARGE),
        (429, Verdict.UNAVAILABLE),
        (500, Verdict.FLOW_FAILED),
        (502, Verdict.UNAVAILABLE),
        (503, Verdict.UNAVAILABLE),
        (504, Verdict.UNAVAILABLE),
        (418, Verdict.FLOW_FAILED),
        (599, Verdict.FLOW_FAILED),
    ],
)
def test_each_http_status_leads_to_one_verdict(status, verdict):
    assert verdict_for_status(status) is verdict


def test_no_status_is_claimed_by_two_verdicts():
    seen: dict[int, Verdict] = {}
    for info in VERDICTS.values():
        for status in info.http_statuses:
            if status == 401:
                continue  # NOT_MAPPED or NO_CERT_FORWARDED: the chain decides
            assert status not in seen, f"{status}: {seen.get(status)} and {info.verdict}"
            seen[status] = info.verdict


@pytest.mark.parametrize("environment", ["neo", "cf", None])
def test_403_advice_names_the_abap_cookie_parameter_sap_documents(environment):
    step = Verdict.NOT_AUTHORIZED.next_step(environment)
    assert "ict/disable_cookie_urlencoding" in step and "2681175" in step


@pytest.mark.parametrize("environment", ["neo", "cf"])
def test_not_mapped_advice_names_tls_session_reuse_with_basic_authentication(environment):
    assert "3584034" in Verdict.NOT_MAPPED.next_step(environment)


def test_a_failed_tls_channel_names_the_dotnet_message_and_tls_versions():
    step = Verdict.NOT_TLS.next_step()
    assert "Could not create SSL/TLS secure channel" in step and "TLS 1.2" in step


def test_inferred_verdicts_are_worded_as_inference():
    for verdict in (Verdict.NO_CERT_FORWARDED, Verdict.NOT_MAPPED):
        assert "inference" in verdict.title_for(inferred=True)
        assert "believes" in verdict.meaning_for(inferred=True)
        assert verdict.title_for() == verdict.title

"""The wizard's flow without a GUI: where a profile resumes, the order of steps, the start list,
the calendar reminder and the log whitelist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wizard.core import flow
from wizard.core.flow import Expiry, Progress, Step
from wizard.core.profiles import Artefact, Profile, ProfileStore, State

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def profile(**values) -> Profile:
    return Profile(name="ERP-PRD", **values)


@pytest.mark.parametrize(
    ("progress", "step"),
    [
        (Progress(), Step.TENANT),
        (Progress(has_tenant=True), Step.TRUST),
        (Progress(has_tenant=True, has_root=True), Step.KEY),
        (Progress(has_tenant=True, has_root=True, has_key=True, has_request=True), Step.WAITING),
        (Progress(has_tenant=True, has_key=True, has_request=True), Step.WAITING),
        (Progress(has_tenant=True, has_key=True, has_certificate=True), Step.EXPORT),
        (Progress(has_key=True, has_certificate=True, has_p12=True), Step.TENANT_ENTRY),
        (Progress(has_certificate=True, has_p12=True, mapped=True), Step.TEST_CALL),
        (Progress(has_certificate=True, has_p12=True, mapped=True, tested_ok=True), Step.SUMMARY),
    ],
)
def test_a_profile_resumes_after_the_furthest_step_it_completed(progress, step):
    assert flow.resume_step(progress) is step


def test_a_key_without_its_request_is_not_a_finished_key_step():
    progress = Progress(has_tenant=True, has_root=True, has_key=True)
    assert flow.resume_step(progress) is Step.KEY


def test_progress_is_read_from_state_and_files_on_disk():
    files = [Artefact.KEY, Artefact.CSR, Artefact.TENANT_ROOT_PEM]
    waiting = flow.progress_of(
        profile(state=State.KEY_GENERATED, tenant_url="https://t.example/http/x"), files
    )
    assert flow.resume_step(waiting) is Step.WAITING
    # A state that claims a certificate whose chain file is gone does not skip the import.
    claims = flow.progress_of(profile(state=State.CERTIFICATE_IMPORTED, tenant_host="t"), files)
    assert flow.resume_step(claims) is Step.WAITING


def test_a_failed_test_call_resumes_at_the_test_call_and_a_passed_one_at_the_summary():
    files = [Artefact.KEY, Artefact.CSR, Artefact.CHAIN, Artefact.P12]
    failed = profile(state=State.MAPPED, tenant_host="t", last_test_verdict="NOT_MAPPED")
    passed = profile(state=State.TESTED, tenant_host="t", last_test_verdict="OK")
    assert flow.resume_step(flow.progress_of(failed, files)) is Step.TEST_CALL
    assert flow.resume_step(flow.progress_of(passed, files)) is Step.SUMMARY


def test_steps_follow_each_other_and_key_and_export_are_commit_steps():
    seen = [Step.START]
    while (following := flow.next_step(seen[-1])) is not None:
        seen.append(following)
    assert seen == [Step.START, *flow.ORDER]
    assert flow.COMMIT_STEPS == {Step.KEY, Step.EXPORT}
    assert [flow.step_number(s) for s in flow.ORDER] == list(range(1, 10))
    assert set(flow.TITLES) == set(Step)


def test_expiry_is_red_when_expired_and_amber_when_due():
    start = NOW - timedelta(days=300)
    assert flow.expiry_of(profile(), NOW) is Expiry.NONE
    ok = profile(not_before=start.isoformat(), not_after=(NOW + timedelta(days=400)).isoformat())
    due = profile(not_before=start.isoformat(), not_after=(NOW + timedelta(days=20)).isoformat())
    late = profile(not_before=start.isoformat(), not_after=(NOW + timedelta(days=100)).isoformat())
    gone = profile(not_before=start.isoformat(), not_after=(NOW - timedelta(days=1)).isoformat())
    assert flow.expiry_of(ok, NOW) is Expiry.OK
    assert flow.expiry_of(due, NOW) is Expiry.DUE  # fewer than 30 days left
    assert flow.expiry_of(late, NOW) is Expiry.DUE  # past 2/3 of the lifetime
    assert flow.expiry_of(gone, NOW) is Expiry.EXPIRED


def test_the_start_list_reads_every_profile_with_its_resume_step(tmp_path):
    store = ProfileStore(tmp_path)
    first = store.create("ERP-PRD")
    first.tenant_url, first.tenant_host = "https://t.example/http/x", "t.example"
    first.subject = "CN=erp-prd.example.com,O=ACME AG,C=DE"
    first.state = State.KEY_GENERATED
    store.save(first)
    store.write_artefact("ERP-PRD", Artefact.KEY, b"key")
    store.write_artefact("ERP-PRD", Artefact.CSR, b"csr")
    store.create("s4_qas")
    rows = flow.profile_rows(store)
    assert [r.name for r in rows] == ["ERP-PRD", "s4_qas"]
    assert rows[0].subject_cn == "erp-prd.example.com"
    assert rows[0].resume is Step.WAITING
    assert rows[1].resume is Step.TENANT
    assert rows[1].subject_cn is None


def test_the_summary_lists_only_files_that_exist_with_where_they_go(tmp_path):
    store = ProfileStore(tmp_path)
    store.create("ERP-PRD")
    store.write_artefact("ERP-PRD", Artefact.P12, b"p12")
    store.write_artefact("ERP-PRD", Artefact.LEAF_CER, b"cer")
    made = flow.made_files(store, "ERP-PRD")
    assert [m.use.artefact for m in made] == [Artefact.P12, Artefact.LEAF_CER]
    assert "keystore" in made[0].use.goes_to
    assert "Mapping" in made[1].use.goes_to


def test_the_calendar_reminder_is_an_all_day_event_thirty_days_before_expiry():
    p = profile(
        not_after=datetime(2027, 3, 15, 12, 0, tzinfo=UTC).isoformat(),
        leaf_sha256="ab" * 32,
    )
    text = flow.reminder_ics(
        p,
        summary="Renew the client certificate of ERP-PRD",
        description="Expires on 2027-03-15; open cpi-cert-wizard, choose ERP-PRD, Renew. " * 3,
        now=NOW,
    )
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20270213\r\n" in text
    assert "DTEND;VALUE=DATE:20270214\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded
    unfolded = text.replace("\r\n ", "")
    assert "choose ERP-PRD\\, Renew." in unfolded  # commas escaped
    with pytest.raises(ValueError):
        flow.reminder_ics(profile(), summary="x", description="y")


def test_the_log_whitelist_redacts_everything_not_on_it():
    fields = {"profile": "ERP-PRD", "step": "KEY", "passphrase": "hunter2", "api_secret": "s"}
    assert flow.loggable(fields) == {
        "profile": "ERP-PRD",
        "step": "KEY",
        "passphrase": "<redacted>",
        "api_secret": "<redacted>",
    }

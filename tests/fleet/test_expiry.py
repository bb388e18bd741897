"""Which certificates need renewing, and a calendar that reminds the team in time."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from wizard.core.expiry import Expiry, check_expiry, ics_fold
from wizard.core.profiles import Artefact, Profile, ProfileStore, State, now_utc

NOW = now_utc()


def certificate(store: ProfileStore, name: str, *, used: int, left: int, env="neo", cn=None):
    profile = store.create(name)
    profile.state = State.CERTIFICATE_IMPORTED
    profile.environment = env
    profile.leaf_subject = f"CN={cn or name},O=ACME AG,C=DE"
    profile.leaf_issuer = "CN=Fleet Issuing CA"
    profile.leaf_sha256 = f"{abs(hash(name)):064x}"[:64]
    profile.not_before = (NOW - timedelta(days=used)).isoformat()
    profile.not_after = (NOW + timedelta(days=left)).isoformat()
    store.save(profile)


def fleet(home: Path) -> ProfileStore:
    store = ProfileStore(home)
    certificate(store, "fresh", used=10, left=355)
    certificate(store, "late", used=70, left=20, env="cf")  # fewer than 30 days left
    certificate(store, "two-thirds", used=250, left=115)  # past 2/3 of its lifetime
    certificate(store, "gone", used=400, left=-3)
    waiting = store.create("waiting")
    waiting.state = State.KEY_GENERATED
    store.save(waiting)
    store.create("broken")
    store.path("broken", Artefact.PROFILE).write_text("{")
    return store


def test_expiry_lists_the_most_urgent_first_with_days_left_and_what_to_do(cli, home):
    fleet(home)
    result = cli("expiry", "--json")
    assert result.code == 0
    rows = result.json["certificates"]
    assert [r["profile"] for r in rows] == [
        "gone", "late", "two-thirds", "fresh", "broken", "waiting"
    ]  # fmt: skip
    status = {r["profile"]: (r["status"], r["days_left"]) for r in rows}
    assert status["gone"][0] == "expired" and status["gone"][1] in (-4, -3)
    assert status["late"][0] == "due" and status["late"][1] in (19, 20)
    assert status["two-thirds"][0] == "due"
    assert status["fresh"][0] == "ok"
    assert status["waiting"] == ("none", None)
    assert status["broken"][0] == "broken"
    advice = {r["profile"]: r["advice"] for r in rows}
    assert "3 days ago" in advice["gone"]
    assert "csr --profile late --new-key" in advice["late"]
    assert "service key" in advice["late"]  # Cloud Foundry
    assert "Certificate-to-User Mapping" in advice["two-thirds"]  # Neo
    assert "% of its 365-day lifetime" in advice["two-thirds"]
    assert "profile.json" in advice["broken"]
    assert result.json["counts"] == {"none": 2, "ok": 1, "due": 2, "expired": 1, "broken": 1}
    text = cli("expiry").out
    assert text.splitlines()[0].split() == ["PROFILE", "STATUS", "EXPIRES", "DAYS", "ADVICE"]
    assert "6 profiles; 3 to renew now." in text


def test_within_lists_only_what_expires_in_that_many_days(cli, home):
    fleet(home)
    rows = cli("expiry", "--within", "30", "--json").json["certificates"]
    assert [r["profile"] for r in rows] == ["gone", "late", "broken"]
    rows = cli("expiry", "--within", "200", "--json").json["certificates"]
    assert [r["profile"] for r in rows] == ["gone", "late", "two-thirds", "broken"]
    assert cli("expiry", "--within", "-1", "--json").code == 2


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def events(text: str) -> list[dict[str, str]]:
    found, current, depth = [], None, []
    for line in unfold(text):
        name, _, value = line.partition(":")
        if name == "BEGIN":
            depth.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert depth.pop() == value, f"END:{value} closes another component"
            if value == "VEVENT":
                found.append(current)
        elif current is not None:
            key = f"VALARM.{name}" if depth[-1] == "VALARM" else name
            current[key] = value
    assert depth == []
    return found


def test_the_calendar_file_is_rfc_5545_with_a_reminder_30_days_before_each_expiry(
    cli, home, tmp_path
):
    store = fleet(home)
    certificate(store, "umlaut", used=5, left=300, cn="Überweisungsschnittstelle-Großhändler " * 3)
    ics = tmp_path / "renewals.ics"
    result = cli("expiry", "--ics", ics, "--json")
    assert result.code == 0 and result.json["reminders"] == 4  # not the expired one
    data = ics.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    physical = data.split(b"\r\n")
    assert physical[-1] == b""
    assert all(len(line) <= 75 for line in physical)  # folded at 75 octets …
    for line in physical:
        line.decode("utf-8")  # … never inside a UTF-8 character
    text = data.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    found = {e["SUMMARY"].rsplit(" ", 1)[1]: e for e in events(text)}
    assert set(found) == {"fresh", "late", "two-thirds", "umlaut"}
    for name, event in found.items():
        assert re.fullmatch(r"[0-9a-f]{32}@cpi-cert-wizard", event["UID"])
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
        assert event["VALARM.ACTION"] == "DISPLAY" and event["VALARM.TRIGGER"] == "PT9H"
        assert event["VALARM.DESCRIPTION"]
        expires = store.load(name).not_after_dt
        expected = max(expires - timedelta(days=30), NOW).date()
        assert event["DTSTART;VALUE=DATE"] == f"{expected:%Y%m%d}"
    assert "less than 30 days before" in found["late"]["DESCRIPTION"]
    assert "Überweisungsschnittstelle" in found["umlaut"]["DESCRIPTION"]
    assert "\\," in found["fresh"]["DESCRIPTION"]  # the subject's commas escaped
    # the same certificates give the same UIDs: importing a newer file updates the events
    cli("expiry", "--ics", tmp_path / "again.ics")
    again = {e["UID"] for e in events((tmp_path / "again.ics").read_bytes().decode())}
    assert again == {e["UID"] for e in found.values()}


def test_a_long_line_folds_into_75_octet_pieces_that_unfold_to_the_original():
    line = "DESCRIPTION:" + "ü€x" * 50
    folded = ics_fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_past_two_thirds_is_due_even_with_many_days_left():
    p = Profile(
        name="x",
        state=State.CERTIFICATE_IMPORTED,
        not_before=(NOW - timedelta(days=700)).isoformat(),
        not_after=(NOW + timedelta(days=300)).isoformat(),
    )
    row = check_expiry(p, NOW)
    assert row.status is Expiry.DUE and row.days_left == 300
    assert row.renew_by is not None and row.renew_by < NOW

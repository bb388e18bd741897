"""A fleet of sender systems on disk, for the start-page tests and bench/bench_start_page.py.

1,000 profiles in a fraction of a second: each profile.json is written where ProfileStore keeps
it, as `Profile.to_json` writes it (without the store's per-save lock and fsyncs, which make a
thousand saves take seconds), and the certificates are real ones from the test PKI, twenty of
them (four kinds, five dates each) shared by the profiles: one key for all, not one per profile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests import pki
from wizard.core.profiles import Artefact, Profile, ProfileStore, State, now_utc

# Profile i is of kind KINDS[i % 5]: no certificate yet, fine, due (fewer than 30 days left),
# due (past 2/3 of its lifetime, 100+ days left), expired.
KINDS = ("new", "ok", "due_days", "due_lifetime", "expired")
VARIANTS = 5  # dates per kind, so that sorting by expiry has something to sort
DOMAINS = {"neo": "hana.ondemand.com", "cf": "cfapps.eu10.hana.ondemand.com"}
SAP_EVERY = 50  # every 50th profile with a certificate is SAP-signed (auto-renew on, off, …)


def _dates(kind: str, variant: int, now: datetime) -> tuple[datetime, datetime]:
    half_day = timedelta(hours=12)  # mid-day: a stable day count
    if kind == "ok":
        return now - timedelta(days=10), now + timedelta(days=200 + 30 * variant) + half_day
    if kind == "due_days":
        return now - timedelta(days=340), now + timedelta(days=5 + 5 * variant) + half_day
    if kind == "due_lifetime":
        start = now - timedelta(days=250 + 10 * variant)
        return start, now + timedelta(days=100 + 5 * variant) + half_day
    end = now - timedelta(days=5 + 60 * variant) + half_day
    return end - timedelta(days=365), end


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    chain_pem: bytes
    sha256: str


@dataclass
class Fleet:
    home: Path
    now: datetime
    names: list[str] = field(default_factory=list)
    kind: dict[str, str] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)  # those with a tenant
    not_after: dict[str, datetime] = field(default_factory=dict)
    sap_auto_renew: dict[str, bool] = field(default_factory=dict)  # the SAP-signed ones
    broken: str | None = None

    def named(self, kind: str) -> list[str]:
        return [name for name in self.names if self.kind[name] == kind]


def certificates(now: datetime) -> dict[tuple[str, int], Issued]:
    ca = pki.root("Fleet Test Root CA")
    key = pki.make_key()
    issued = {}
    for kind in KINDS[1:]:
        for variant in range(VARIANTS):
            start, end = _dates(kind, variant, now)
            cert = ca.issue(
                key.public_key(),
                f"fleet-{kind}-{variant}.example.com",
                not_before=start,
                not_after=end,
            )
            der = cert.public_bytes(serialization.Encoding.DER)
            issued[(kind, variant)] = Issued(
                certificate=cert,
                chain_pem=pki.pem(cert, ca.cert),
                sha256=hashlib.sha256(der).hexdigest(),
            )
    return issued


def make_fleet(home: Path, count: int = 1000, *, broken: int | None = None) -> Fleet:
    """`count` profiles named sys-0000…; profile number `broken` gets a damaged profile.json."""
    store = ProfileStore(home)
    now = now_utc()
    issued = certificates(now)
    fleet = Fleet(home=home, now=now)
    stamp = now.isoformat()
    for number in range(count):
        name = f"sys-{number:04d}"
        kind = KINDS[number % len(KINDS)]
        profile = Profile(name=name, created=stamp, updated=stamp)
        folder = store.folder(name)
        folder.mkdir(parents=True)
        if kind != "new":  # a new one has only its name: it resumes at the tenant page
            profile.environment = "neo" if number % 2 else "cf"
            profile.tenant_host = f"tenant{number % 7}.{DOMAINS[profile.environment]}"
            profile.tenant_url = f"https://{profile.tenant_host}/http/{name}"
            profile.subject = f"CN={name}.example.com,O=ACME AG,C=DE"
            profile.key_type = "ec-p256"
            fleet.environment[name] = profile.environment
            cert = issued[(kind, (number // len(KINDS)) % VARIANTS)]
            profile.state = State.TESTED if kind == "ok" else State.MAPPED
            profile.last_test_verdict = "OK" if kind == "ok" else None
            profile.leaf_sha256 = cert.sha256
            profile.leaf_subject = cert.certificate.subject.rfc4514_string()
            profile.leaf_issuer = cert.certificate.issuer.rfc4514_string()
            profile.not_before = cert.certificate.not_valid_before_utc.isoformat()
            profile.not_after = cert.certificate.not_valid_after_utc.isoformat()
            fleet.not_after[name] = cert.certificate.not_valid_after_utc
            if number % SAP_EVERY == 1:
                profile.sap_leaf_sha256 = cert.sha256
                profile.sap_auto_renew = (number // SAP_EVERY) % 2 == 0
                fleet.sap_auto_renew[name] = profile.sap_auto_renew
            (folder / Artefact.CHAIN.value).write_bytes(cert.chain_pem)
        (folder / Artefact.PROFILE.value).write_text(profile.to_json(), encoding="utf-8")
        fleet.names.append(name)
        fleet.kind[name] = kind
    if broken is not None:
        fleet.broken = fleet.names[broken]
        (store.path(fleet.broken, Artefact.PROFILE)).write_text("{ not json", encoding="utf-8")
        fleet.kind[fleet.broken] = "broken"
        fleet.not_after.pop(fleet.broken, None)
        fleet.sap_auto_renew.pop(fleet.broken, None)
        fleet.environment.pop(fleet.broken, None)
    return fleet

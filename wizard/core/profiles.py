"""Sender-system profiles: one folder per sender system, a JSON file without secrets, artefacts beside it.

Layout under the home directory::

    profiles/<name>/profile.json     this module's data (schema-versioned, no secrets)
    profiles/<name>/<artefact>       files named by `Artefact` (the one place for file names)

Every write is atomic; profile folders are 0700 and private files 0600.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from wizard.core.errors import WizardError
from wizard.core.storage import atomic_write, ensure_private_dir

SCHEMA_VERSION = 1
HOME_ENV = "CPI_CERT_WIZARD_HOME"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class State(StrEnum):
    NEW = "new"
    KEY_GENERATED = "key-generated"
    CERTIFICATE_IMPORTED = "certificate-imported"
    MAPPED = "mapped"
    TESTED = "tested"


class Artefact(StrEnum):
    """File names of a profile's artefacts (relative to the profile folder)."""

    PROFILE = "profile.json"
    KEY = "key.pem"  # encrypted PKCS#8; passphrase in the keyring
    CSR = "request.csr"
    CHAIN = "chain.pem"  # validated chain: leaf, intermediates, root (when known)
    LEAF_CER = "client.cer"  # DER, for the tenant (Neo mapping upload)
    LEAF_PEM = "client.pem"  # PEM, for the CF service key
    CLIENT_CHAIN_PEM = "client-chain.pem"  # leaf + intermediates, for curl/Postman
    P12 = "client.p12"
    TENANT_ROOT_CER = "tenant-root.cer"
    TENANT_ROOT_PEM = "tenant-root.pem"
    TENANT_CHAIN_PEM = "tenant-chain.pem"
    NEO_MAPPING_JSON = "neo-mapping.json"  # body for POST /api/v1/CertificateUserMappings
    CF_SERVICE_INSTANCE_JSON = "service-instance.json"  # cf create-service -c
    CF_SERVICE_KEY_JSON = "service-key.json"  # cf create-service-key -c (leaf only)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def default_home() -> Path:
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("cpi-cert-wizard", appauthor=False))


@dataclass
class Profile:
    """Everything known about one sender system. Never holds a secret."""

    name: str
    state: State = State.NEW
    schema_version: int = SCHEMA_VERSION
    created: str = ""
    updated: str = ""
    # key and request
    key_type: str | None = None
    subject: str | None = None  # RFC 4514, as requested in the CSR
    sans: list[str] = field(default_factory=list)
    # tenant
    environment: str | None = None  # "neo" | "cf"
    tenant_url: str | None = None
    tenant_host: str | None = None
    tenant_port: int | None = None
    tenant_root_sha256: str | None = None
    tenant_root_subject: str | None = None
    client_cert_requested: bool | None = None
    client_ca_names: list[str] = field(default_factory=list)  # RFC 4514, from the server's request
    # certificate (from the CA)
    leaf_sha256: str | None = None
    leaf_subject: str | None = None
    leaf_issuer: str | None = None
    not_before: str | None = None  # ISO 8601 UTC
    not_after: str | None = None
    root_subject: str | None = None
    previous_leaf_sha256: str | None = None  # the certificate this one replaces (renewal)
    # tenant entry
    mapping_user: str | None = None
    mapping_roles: list[str] = field(default_factory=list)
    mapped_leaf_sha256: str | None = None
    # test call
    last_test_verdict: str | None = None
    last_test_at: str | None = None
    last_test_url: str | None = None
    # where this profile's secrets are kept (keyring backend name), for the user's information
    secrets_backend: str | None = None
    # certificate signed by SAP Cloud Root CA through the BTP Destination service (sap_sign.py);
    # the client secret is in the keyring, never here
    sap_certificate_name: str | None = None  # its name among the subaccount's certificates
    sap_leaf_sha256: str | None = None  # the certificate SAP last issued, as imported
    sap_auto_renew: bool | None = None
    sap_validity: str | None = None  # as requested, e.g. "1 YEARS", "90 DAYS"
    sap_destination_client_id: str | None = None
    sap_destination_token_url: str | None = None  # the service key's `url` (token base URL)
    sap_destination_uri: str | None = None  # the service key's `uri` (service base URL)

    @property
    def sap_signed(self) -> bool:
        """The current certificate is SAP's (a new key or another CA's reply ends that)."""
        return self.sap_leaf_sha256 is not None and self.sap_leaf_sha256 == self.leaf_sha256

    def to_json(self) -> str:
        data = asdict(self)
        data["state"] = str(self.state)
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: dict, *, source: Path) -> Profile:
        version = data.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise WizardError(
                "profile.schema",
                f"{source} was written by a newer cpi-cert-wizard (schema {version}); "
                "update the program to open it.",
            )
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        try:
            values["state"] = State(values.get("state", State.NEW))
            profile = cls(**values)
        except (TypeError, ValueError) as exc:
            raise WizardError(
                "profile.corrupt",
                f"{source} is not a valid profile ({exc}). Restore it or remove it.",
            ) from None
        if profile.name != source.parent.name:
            raise WizardError(
                "profile.corrupt",
                f"{source} names profile {profile.name!r} but lives in folder "
                f"{source.parent.name!r}; rename the folder back.",
            )
        return profile

    @property
    def not_after_dt(self) -> datetime | None:
        return datetime.fromisoformat(self.not_after) if self.not_after else None

    @property
    def not_before_dt(self) -> datetime | None:
        return datetime.fromisoformat(self.not_before) if self.not_before else None

    def days_left(self, at: datetime | None = None) -> int | None:
        end = self.not_after_dt
        if end is None:
            return None
        return (end - (at or now_utc())).days

    def renewal_due(self, at: datetime | None = None, *, days: int = 30) -> bool:
        """Past 2/3 of the lifetime or fewer than `days` days left."""
        start, end = self.not_before_dt, self.not_after_dt
        if start is None or end is None:
            return False
        at = at or now_utc()
        return at >= start + (end - start) * 2 / 3 or (end - at).days < days


def validate_profile_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise WizardError(
            "profile.name",
            f"{name!r} is not a usable profile name: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (for example ERP-PRD or s4_qas).",
        )
    return name


class ProfileStore:
    """The profiles under one home directory."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = Path(home) if home is not None else default_home()
        self.root = self.home / "profiles"

    def folder(self, name: str) -> Path:
        return self.root / validate_profile_name(name)

    def path(self, name: str, artefact: Artefact) -> Path:
        return self.folder(name) / artefact.value

    def exists(self, name: str) -> bool:
        return self.path(name, Artefact.PROFILE).is_file()

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / Artefact.PROFILE.value).is_file())

    def create(self, name: str) -> Profile:
        if self.exists(name):
            raise WizardError(
                "profile.exists", f"A profile named {name!r} exists already; pick another name."
            )
        ensure_private_dir(self.home)
        ensure_private_dir(self.root)
        ensure_private_dir(self.folder(name))
        stamp = now_utc().isoformat()
        profile = Profile(name=name, created=stamp, updated=stamp)
        self.save(profile)
        return profile

    def load(self, name: str) -> Profile:
        path = self.path(name, Artefact.PROFILE)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            known = ", ".join(self.names()) or "none yet"
            raise WizardError(
                "profile.not_found",
                f"There is no profile named {name!r} in {self.root} (profiles: {known}). "
                "Create it with 'cpi-cert-wizard csr --profile NAME …'.",
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WizardError(
                "profile.corrupt",
                f"{path} cannot be read ({exc}). Restore it or remove the profile.",
            ) from None
        if not isinstance(data, dict):
            raise WizardError(
                "profile.corrupt", f"{path} is not a profile. Restore it or remove it."
            )
        return Profile.from_dict(data, source=path)

    def load_or_create(self, name: str) -> Profile:
        return self.load(name) if self.exists(name) else self.create(name)

    def all(self) -> list[Profile]:
        return [self.load(n) for n in self.names()]

    def save(self, profile: Profile) -> Profile:
        validate_profile_name(profile.name)
        ensure_private_dir(self.folder(profile.name))
        profile.updated = now_utc().isoformat()
        atomic_write(self.path(profile.name, Artefact.PROFILE), profile.to_json())
        return profile

    def write_artefact(self, name: str, artefact: Artefact, data: bytes | str) -> Path:
        ensure_private_dir(self.folder(name))
        return atomic_write(self.path(name, artefact), data)

    def read_artefact(self, name: str, artefact: Artefact) -> bytes | None:
        try:
            return self.path(name, artefact).read_bytes()
        except FileNotFoundError:
            return None

    def remove(self, name: str) -> None:
        folder = self.folder(name)
        if not folder.is_dir():
            raise WizardError("profile.not_found", f"There is no profile named {name!r}.")
        shutil.rmtree(folder)

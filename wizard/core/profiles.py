"""Sender-system profiles: one folder per sender system, a JSON file without secrets, artefacts beside it.

Layout under the home directory::

    profiles/<name>/profile.json     this module's data (schema-versioned, no secrets)
    profiles/<name>/profile.json.bak the profile as it was before the last change
    profiles/<name>/<artefact>       files named by `Artefact` (the one place for file names)
    profiles/.locks/<name>.lock      held by whoever changes the profile (one process at a time)
    profiles/.changes/<name>/        a change being written (see storage.StagedChange)

Every write is atomic; profile folders are 0700 and private files 0600. A step that writes several
files does so in one `ProfileStore.change`, so a crash leaves the profile as before or as after.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal, overload

from wizard.core import jsontext, renewal
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.renewal import RENEW_WITHIN_DAYS
from wizard.core.storage import (
    StagedChange,
    ensure_private_dir,
    exclusive_lock,
    recover_change,
)

SCHEMA_VERSION = 1
HOME_ENV = "CPI_CERT_WIZARD_HOME"
LOCK_TIMEOUT = 60.0  # seconds a step waits for another process working on the same profile
_LOCKS, _CHANGES = ".locks", ".changes"  # under profiles/; never a profile name (leading dot)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class State(StrEnum):
    NEW = "new"
    KEY_GENERATED = "key-generated"
    CERTIFICATE_IMPORTED = "certificate-imported"
    MAPPED = "mapped"
    TESTED = "tested"


HAS_CERTIFICATE = frozenset({State.CERTIFICATE_IMPORTED, State.MAPPED, State.TESTED})


class Artefact(StrEnum):
    """File names of a profile's artefacts (relative to the profile folder)."""

    PROFILE = "profile.json"
    PROFILE_BACKUP = "profile.json.bak"  # the profile before the last change
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
    FLOW_CRT = "client.crt"  # PEM leaf for a sender channel with Authorization = Client Certificate
    CUSTOM_DOMAIN_CAS = "custom-domain-cas.pem"  # CAs trusted by the tenant's custom domain


# Files made from the current certificate: archived with the key, and removed, when a new key
# replaces it (an old .p12, mapping body or flow certificate must not look current).
CERTIFICATE_FILES: tuple[Artefact, ...] = (
    Artefact.CHAIN,
    Artefact.LEAF_CER,
    Artefact.LEAF_PEM,
    Artefact.CLIENT_CHAIN_PEM,
    Artefact.P12,
    Artefact.NEO_MAPPING_JSON,
    Artefact.CF_SERVICE_KEY_JSON,
    Artefact.FLOW_CRT,
)


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
    custom_domain: str | None = None  # host of a custom domain with customer-managed trust
    # certificate (from the CA)
    leaf_sha256: str | None = None
    leaf_subject: str | None = None
    leaf_issuer: str | None = None
    not_before: str | None = None  # ISO 8601 UTC
    not_after: str | None = None
    root_subject: str | None = None
    # the earliest end among the issuing CAs (expiry watches the whole chain, not only the leaf)
    chain_not_after: str | None = None  # ISO 8601 UTC; None when no CA ends before the leaf
    chain_not_after_subject: str | None = None  # the CA certificate that ends then
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
    # secrets derived from a batch secret instead of a keyring item of their own: kind ("key",
    # "p12") -> "<batch id>/<label>" (wizard.core.secrets.SecretReference); never a value
    secret_sources: dict[str, str] = field(default_factory=dict)
    # certificate signed by SAP Cloud Root CA through the BTP Destination service (sap_sign.py);
    # the client secret is in the keyring, never here
    sap_certificate_name: str | None = None  # its name among the subaccount's certificates
    sap_leaf_sha256: str | None = None  # the certificate SAP last issued, as imported
    sap_auto_renew: bool | None = None
    sap_validity: str | None = None  # as requested, e.g. "1 YEARS", "90 DAYS"
    sap_destination_client_id: str | None = None
    sap_destination_token_url: str | None = None  # the service key's `url` (token base URL)
    sap_destination_uri: str | None = None  # the service key's `uri` (service base URL)
    # the company CA the CSR is sent to (ca_enroll): AD CS web enrollment or EST; the password
    # is in the keyring (SecretKind.CA_ENROLL), never here
    ca_kind: str | None = None  # "adcs" | "est"
    ca_url: str | None = None
    ca_template: str | None = None  # AD CS certificate template
    ca_est_label: str | None = None
    ca_auth: str | None = None  # negotiate | ntlm | basic | certificate
    ca_user: str | None = None
    ca_proxy: str | None = None
    ca_tls_files: list[str] = field(default_factory=list)  # --ca-file for the CA's own TLS
    ca_pending_id: str | None = None  # AD CS request id, "est" for an EST 202
    ca_pending_since: str | None = None  # ISO 8601 UTC
    ca_pending_csr_sha256: str | None = None  # the CSR that is pending (a new key ends it)
    ca_retry_after: str | None = None  # EST: not before (ISO 8601 UTC)

    @property
    def sap_signed(self) -> bool:
        """The current certificate is SAP's (a new key or another CA's reply ends that)."""
        return self.sap_leaf_sha256 is not None and self.sap_leaf_sha256 == self.leaf_sha256

    def to_json(self) -> str:
        # the fields as they are (json copies nothing): asdict's deep copy cost more than the dump
        data = {name: getattr(self, name) for name in _field_names()}
        data["state"] = str(self.state)
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: dict, *, source: Path) -> Profile:
        version = data.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise WizardError(
                "profile.schema",
                translate(
                    "profiles",
                    "{file} was written by a newer cpi-cert-wizard (schema {version}); update the "
                    "program to open it.",
                ).format(file=source, version=version),
            )
        known = {f.name: f.type for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        try:
            for key, value in values.items():
                _check_value(key, str(known[key]), value)
            values["state"] = State(values.get("state", State.NEW))
            profile = cls(**values)
        except (TypeError, ValueError) as exc:
            raise WizardError(
                "profile.corrupt",
                translate("profiles", "{file} is not a valid profile ({problem}). {hint}").format(
                    file=source, problem=exc, hint=restore_hint(source)
                ),
            ) from None
        if profile.name != source.parent.name:
            raise WizardError(
                "profile.corrupt",
                translate(
                    "profiles",
                    "{file} names profile {name!r} but lives in folder {folder!r}; rename the "
                    "folder back.",
                ).format(file=source, name=profile.name, folder=source.parent.name),
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

    def renewal_due(self, at: datetime | None = None, *, days: int = RENEW_WITHIN_DAYS) -> bool:
        """Past 2/3 of the lifetime or fewer than `days` days left (wizard.core.renewal)."""
        start, end = self.not_before_dt, self.not_after_dt
        if start is None or end is None:
            return False
        return renewal.renewal_due(start, end, at or now_utc(), within=days)


@functools.cache
def _field_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Profile))


_DATES = ("not_before", "not_after")  # compared with the clock: must carry a time zone


def _check_value(key: str, annotation: str, value: object) -> None:
    """Raise ValueError when a hand-edited `value` does not fit the field's annotation."""
    if not _fits(annotation, value):
        raise ValueError(f"{key!r} is {json.dumps(value)[:60]}, which is not a {annotation}")
    if key in _DATES and value is not None:
        moment = datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            raise ValueError(f"{key!r} is {value!r}, a time without a time zone")


@functools.cache
def _options(annotation: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in annotation.split("|"))


def _fits(annotation: str, value: object) -> bool:
    for option in _options(annotation):
        if option == "None":
            if value is None:
                return True
        elif option in ("str", "State"):
            if isinstance(value, str):
                return True
        elif option == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                return True
        elif option == "bool":
            if isinstance(value, bool):
                return True
        elif option.startswith("list[") and option.endswith("]"):
            if isinstance(value, list) and all(_fits(option[5:-1], v) for v in value):
                return True
        elif option == "dict[str, str]":
            if isinstance(value, dict) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                return True
        else:
            return True  # a type this check does not know: left to the dataclass
    return False


def restore_hint(path: Path) -> str:
    """How to get a damaged profile.json back: from its backup if there is one."""
    backup = path.with_name(Artefact.PROFILE_BACKUP.value)
    if backup.is_file():
        return translate(
            "profiles",
            "The profile as it was before its last change is kept in {backup}: copy it over "
            "{file} to restore it, or remove the profile.",
        ).format(backup=backup, file=path.name)
    return translate(
        "profiles",
        "Restore it from a backup, or remove the profile (its folder) and create it again.",
    )


@dataclass(frozen=True)
class BrokenProfile:
    """A profile whose profile.json cannot be used; listed so the others keep working."""

    name: str
    path: Path
    code: str
    message: str  # names the file, says what is wrong and how to restore it


_changes = threading.local()  # this thread's open changes: profile folder -> StagedChange
_UNKNOWN = object()  # a Profile not read through the store: its save is not checked for staleness
_READ_AS = "_read_as"  # attribute of a loaded Profile: digest of the profile.json it was read from


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _open_changes() -> dict[str, StagedChange]:
    return _changes.__dict__.setdefault("open", {})


# Names Windows reserves for devices, with any extension and in any case ("nul.txt" is NUL)
_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")]
)


def validate_profile_name(name: str) -> str:
    """The name itself, or a `WizardError` saying why it cannot name a folder on every system.

    The rules are the same on every platform, so a profile folder copied from Linux to Windows or
    macOS still works: no Windows device name (CON, NUL, COM1, AUX.txt …), no trailing dot.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise WizardError(
            "profile.name",
            translate(
                "profiles",
                "{name} is not a usable profile name: use 1 to 64 letters, digits, '.', '_' or "
                "'-', starting with a letter or digit (for example ERP-PRD or s4_qas).",
            ).format(name=repr(name)),
        )
    if name.endswith("."):
        raise WizardError(
            "profile.name",
            translate(
                "profiles",
                "{name} is not a usable profile name: Windows drops a dot at the end of a folder "
                "name, so the profile could not be found there. Leave out the final dot.",
            ).format(name=repr(name)),
        )
    if name.split(".", 1)[0].upper() in _DEVICE_NAMES:
        raise WizardError(
            "profile.name",
            translate(
                "profiles",
                "{name} is not a usable profile name: Windows reserves {device} for a device, "
                "with any extension, so no folder can have that name there. Pick another name "
                "(for example {device}-1 or {device}_PRD).",
            ).format(name=repr(name), device=name.split(".", 1)[0].upper()),
        )
    return name


class ProfileStore:
    """The profiles under one home directory."""

    def __init__(self, home: Path | None = None, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.home = Path(home) if home is not None else default_home()
        self.root = self.home / "profiles"
        self.lock_timeout = lock_timeout
        self._paths: dict[tuple[str, str], Path] = {}  # (name, artefact) -> path, names checked

    def folder(self, name: str) -> Path:
        return self._cached(name, "")

    def path(self, name: str, artefact: Artefact) -> Path:
        return self._cached(name, artefact.value)

    def _cached(self, name: str, file: str) -> Path:
        """Asked dozens of times per profile and step: the name checked, the path built once."""
        found = self._paths.get((name, file))
        if found is None:
            folder = self.root / validate_profile_name(name)
            found = folder / file if file else folder
            if len(self._paths) > 4096:
                self._paths.clear()
            self._paths[(name, file)] = found
        return found

    def exists(self, name: str) -> bool:
        return self.path(name, Artefact.PROFILE).is_file()

    def _case_twin(self, name: str) -> str | None:
        """Another profile whose name differs from `name` only in case (one folder on Windows and
        macOS), unless `name` itself exists exactly so."""
        try:
            entries = os.listdir(self.root)
        except OSError:
            return None
        if name in entries:
            return None
        folded = name.casefold()
        return next((e for e in sorted(entries) if e.casefold() == folded), None)

    def _refuse_case_twin(self, name: str) -> None:
        twin = self._case_twin(name)
        if twin is not None:
            raise WizardError(
                "profile.name",
                translate(
                    "profiles",
                    "{name} differs from the existing profile {other} only in upper and lower "
                    "case; Windows and macOS would see one folder. Use {other}, or pick a name "
                    "that differs in more than case.",
                ).format(name=repr(name), other=repr(twin)),
            )

    def new_archive_folder(self, name: str) -> str:
        """A folder name under the profile (`archive/<UTC time>[-n]`) that no earlier archive and
        no file of the open change uses: every replaced key is kept. Call with the lock held."""
        folder = self.folder(name)
        change = _open_changes().get(str(folder.absolute()))
        stamp = now_utc().strftime("%Y%m%dT%H%M%SZ")
        candidate, counter = f"archive/{stamp}", 1
        while (folder / candidate).exists() or (
            change is not None and change.writes_under(candidate)
        ):
            counter += 1
            candidate = f"archive/{stamp}-{counter}"
        return candidate

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        pending = self.root / _CHANGES
        if pending.is_dir():
            for entry in pending.iterdir():
                self._settle(entry.name)
        return sorted(p.name for p in self.root.iterdir() if (p / Artefact.PROFILE.value).is_file())

    # --- one writer at a time, all or nothing --------------------------------------------------

    def _lock_path(self, name: str) -> Path:
        return self.root / _LOCKS / f"{validate_profile_name(name)}.lock"

    def _staging(self, name: str) -> Path:
        return self.root / _CHANGES / validate_profile_name(name)

    @contextlib.contextmanager
    def lock(self, name: str, *, timeout: float | None = None) -> Iterator[None]:
        """Hold profile `name` against other processes and threads (re-entrant in a thread)."""
        ensure_private_dir(self.home)
        ensure_private_dir(self.root)
        with exclusive_lock(
            self._lock_path(name),
            what=translate("profiles", "Profile {name!r}").format(name=name),
            timeout=self.lock_timeout if timeout is None else timeout,
        ) as outermost:
            if outermost:
                recover_change(self.folder(name), self._staging(name))
            yield

    @contextlib.contextmanager
    def change(self, name: str) -> Iterator[StagedChange]:
        """One step's writes to profile `name`: committed together when the block ends normally,
        thrown away on any exception (or a crash), with the profile locked throughout.

        `save`, `write_artefact` and `remove_artefact` inside the block join it.
        """
        key = str(self.folder(name).absolute())
        open_changes = _open_changes()
        if key in open_changes:
            yield open_changes[key]
            return
        with self.lock(name):
            self._refuse_case_twin(name)
            change = StagedChange(self.folder(name), self._staging(name))
            open_changes[key] = change
            try:
                yield change
            except BaseException:
                change.discard()
                raise
            else:
                change.commit()
            finally:
                del open_changes[key]

    def _settle(self, name: str) -> None:
        """Finish or forget a change a crashed process left, unless someone is working on it."""
        try:
            folder = self.folder(name)
        except WizardError:
            return
        if not self._staging(name).exists() or str(folder.absolute()) in _open_changes():
            return
        with contextlib.suppress(WizardError):  # busy: its owner finishes it
            with self.lock(name, timeout=0):
                pass

    # --- reading and writing ---------------------------------------------------------------------

    def create(self, name: str) -> Profile:
        """A new profile, saved now."""
        profile = self.new(name)
        ensure_private_dir(self.home)
        ensure_private_dir(self.root)
        self.save(profile)
        return profile

    def new(self, name: str) -> Profile:
        """A new profile, not saved yet: a step that makes one saves it once, with its work, in
        its change (one write of profile.json instead of one to create it and one at the end)."""
        validate_profile_name(name)
        self._refuse_case_twin(name)
        if self.exists(name):
            raise WizardError(
                "profile.exists",
                translate(
                    "profiles", "A profile named {name!r} exists already; pick another name."
                ).format(name=name),
            )
        stamp = now_utc().isoformat()
        profile = Profile(name=name, created=stamp, updated=stamp)
        setattr(profile, _READ_AS, None)  # a new profile: saved only where none exists yet
        return profile

    # --- what wizard.core.secrets asks (SecretReferences) ------------------------------------

    def secret_reference(self, name: str, kind: str) -> str | None:
        """The batch secret profile `name`'s secret of `kind` is derived from ("<batch>/<label>"),
        as its profile.json says (inside a change: as that change left it)."""
        try:
            raw = self._read(name, Artefact.PROFILE)
        except (OSError, WizardError):
            return None
        if raw is None or b'"secret_sources"' not in raw:
            return None
        try:
            sources = jsontext.loads(raw.decode("utf-8")).get("secret_sources")
        except (UnicodeDecodeError, ValueError, AttributeError):
            return None
        value = sources.get(kind) if isinstance(sources, dict) else None
        return value if isinstance(value, str) else None

    def batch_in_use(self, batch: str, *, besides: str) -> bool:
        """Whether a profile other than `besides` has a secret derived from batch secret `batch`."""
        needle = f'"{batch}/'.encode()
        for name in self.names():
            if name == besides:
                continue
            try:
                raw = self._read(name, Artefact.PROFILE)
            except OSError:
                continue
            if raw is not None and needle in raw:
                return True
        return False

    def load(self, name: str) -> Profile:
        """The profile as it is now (inside a change: with that change's own writes)."""
        path = self.path(name, Artefact.PROFILE)
        self._settle(name)
        twin = self._case_twin(name)
        try:
            if twin is not None:
                raise FileNotFoundError(path)
            raw = self._read(name, Artefact.PROFILE, missing_ok=False)
            data = jsontext.loads(raw.decode("utf-8"))
        except FileNotFoundError:
            if twin is not None:
                raise WizardError(
                    "profile.not_found",
                    translate(
                        "profiles",
                        "There is no profile named {name!r}; there is {other!r}, which differs "
                        "only in upper and lower case. Use --profile {other}.",
                    ).format(name=name, other=twin),
                ) from None
            known = ", ".join(self.names()) or translate("profiles", "none yet")
            raise WizardError(
                "profile.not_found",
                translate(
                    "profiles",
                    "There is no profile named {name!r} in {folder} (profiles: {known}). "
                    "Create it with 'cpi-cert-wizard csr --profile NAME …'.",
                ).format(name=name, folder=self.root, known=known),
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WizardError(
                "profile.corrupt",
                translate("profiles", "{file} cannot be read ({reason}). {restore}").format(
                    file=path, reason=exc, restore=restore_hint(path)
                ),
            ) from None
        if not isinstance(data, dict):
            raise WizardError(
                "profile.corrupt",
                translate("profiles", "{file} is not a profile. {restore}").format(
                    file=path, restore=restore_hint(path)
                ),
            )
        profile = Profile.from_dict(data, source=path)
        setattr(profile, _READ_AS, _digest(raw))
        return profile

    @contextlib.contextmanager
    def update(self, name: str) -> Iterator[Profile]:
        """Read, change and save profile `name` under its lock: `with store.update(n) as p: ...`."""
        with self.change(name):
            profile = self.load(name)
            yield profile
            self.save(profile)

    def load_or_create(self, name: str) -> Profile:
        return self.load(name) if self.exists(name) else self.create(name)

    def all(self, names: Iterable[str] | None = None) -> list[Profile | BrokenProfile]:
        """Every profile (or those in `names`); one that cannot be read is a `BrokenProfile` and
        the rest still load."""
        out: list[Profile | BrokenProfile] = []
        for name in self.names() if names is None else names:
            try:
                out.append(self.load(name))
            except WizardError as exc:
                out.append(
                    BrokenProfile(
                        name=name,
                        path=self.path(name, Artefact.PROFILE),
                        code=exc.code,
                        message=exc.message,
                    )
                )
        return out

    def _last_good(self, name: str) -> bytes | None:
        """The current profile.json if it is a JSON object (never back up a damaged file)."""
        data = self.read_artefact(name, Artefact.PROFILE)
        try:
            return data if data is not None and isinstance(jsontext.loads(data), dict) else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None

    def save(self, profile: Profile) -> Profile:
        """Write `profile` (locked, atomic, the previous one kept as backup).

        A profile read through this store is saved only if nobody changed profile.json since it
        was read: a stale copy (read without the lock) never overwrites another step's work.
        """
        validate_profile_name(profile.name)
        with self.change(profile.name) as change:
            read_as = getattr(profile, _READ_AS, _UNKNOWN)
            if read_as is not _UNKNOWN:
                current = _digest(self._read(profile.name, Artefact.PROFILE))
                if current != read_as:
                    raise self._stale(profile.name, created=read_as is None)
            profile.updated = now_utc().isoformat()
            if not change.staged(Artefact.PROFILE_BACKUP.value):
                previous = self._last_good(profile.name)
                if previous is not None:
                    change.write(Artefact.PROFILE_BACKUP.value, previous)
            text = profile.to_json()
            change.write(Artefact.PROFILE.value, text)
            setattr(profile, _READ_AS, _digest(text.encode("utf-8")))

            def forget() -> None:  # the change was thrown away: the object is as read again
                if read_as is _UNKNOWN:
                    with contextlib.suppress(AttributeError):
                        delattr(profile, _READ_AS)
                else:
                    setattr(profile, _READ_AS, read_as)

            change.on_discard.append(forget)
        return profile

    def _stale(self, name: str, *, created: bool) -> WizardError:
        if created:
            return WizardError(
                "profile.exists",
                translate(
                    "profiles",
                    "A profile named {name!r} was created by another process meanwhile; nothing "
                    "was saved. Run the step again to work on it.",
                ).format(name=name),
            )
        return WizardError(
            "profile.changed",
            translate(
                "profiles",
                "Profile {name!r} was changed by another step (another window or command) since "
                "it was read here; nothing was saved, so that step's work is kept. Run this step "
                "again.",
            ).format(name=name),
        )

    def write_artefact(self, name: str, artefact: Artefact, data: bytes | str) -> Path:
        with self.change(name) as change:
            return change.write(artefact.value, data)

    def remove_artefact(self, name: str, artefact: Artefact) -> None:
        with self.change(name) as change:
            change.remove(artefact.value)

    def read_artefact(self, name: str, artefact: Artefact) -> bytes | None:
        """The artefact's bytes (inside a change: as that change left them), None if absent."""
        return self._read(name, artefact)

    @overload
    def _read(self, name: str, artefact: Artefact, *, missing_ok: Literal[False]) -> bytes: ...
    @overload
    def _read(self, name: str, artefact: Artefact, *, missing_ok: bool = True) -> bytes | None: ...
    def _read(self, name: str, artefact: Artefact, *, missing_ok: bool = True) -> bytes | None:
        path: Path | None = self.path(name, artefact)
        change = _open_changes().get(str(self.folder(name).absolute()))
        if change is not None:
            if change.removes(artefact.value):
                path = None
            else:
                path = change.staged_path(artefact.value) or path
        try:
            if path is None:
                raise FileNotFoundError(artefact.value)
            return path.read_bytes()
        except FileNotFoundError:
            if missing_ok:
                return None
            raise

    def remove(self, name: str) -> None:
        folder = self.folder(name)
        with self.lock(name):
            if not folder.is_dir():
                raise WizardError(
                    "profile.not_found",
                    translate("profiles", "There is no profile named {name!r}.").format(name=name),
                )
            shutil.rmtree(folder)

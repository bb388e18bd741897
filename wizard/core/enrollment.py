"""The steps that give a profile its key and certificate: request, import, export.

Each step validates everything in memory first and writes last, all of its files in one
`ProfileStore.change` (locked, committed together), so a refused, failed or killed step leaves the
profile exactly as it was, or finished, and can simply be run again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

from wizard.core import certs, jsontext, keys, p12, reply
from wizard.core.csr import SubjectFields, build_csr, csr_pem
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.profiles import (
    CERTIFICATE_FILES,
    Artefact,
    Profile,
    ProfileStore,
    State,
)
from wizard.core.secrets import SecretKind, Secrets
from wizard.core.storage import read_input_file

# chain and trust (certifi, ssl, the lint catalogue) are imported by the steps that validate, so
# `csr` does not load them (issue 19).
if TYPE_CHECKING:
    from wizard.core import chain as chains
    from wizard.core import trust

PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER


class ChainRejected(WizardError):
    """The CA reply (or PKCS#12) failed validation; `report` has every finding."""

    def __init__(self, report: chains.ChainReport, source: str) -> None:
        lines = [f"{source} was not imported:"] + [f"- {f.message}" for f in report.errors]
        super().__init__(
            report.errors[0].code if report.errors else "chain.invalid", "\n".join(lines)
        )
        self.report = report


@dataclass(frozen=True)
class RequestResult:
    profile: Profile
    csr_pem: str
    csr_path: Path
    key_path: Path
    passphrase_kept_in: str
    archived: Path | None = None


@dataclass(frozen=True)
class ImportResult:
    profile: Profile
    report: chains.ChainReport
    files: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportResult:
    profile: Profile
    password: str
    password_kept_in: str
    legacy: bool
    files: dict[str, Path] = field(default_factory=dict)


def _archive_current(store: ProfileStore, name: str) -> Path | None:
    """Copy the current key and certificate files aside before a new key replaces them."""
    movable = (Artefact.KEY, Artefact.CSR, *CERTIFICATE_FILES)
    present = [a for a in movable if store.path(name, a).exists()]
    if not present:
        return None
    with store.change(name) as change:  # part of the step's change: archived only if it commits
        folder = store.new_archive_folder(name)  # never an earlier archive's name: every key kept
        for artefact in present:
            change.write(f"{folder}/{artefact.value}", store.path(name, artefact).read_bytes())
    return store.folder(name) / folder


def create_request(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    subject: SubjectFields,
    key_type: keys.KeyType = keys.DEFAULT_KEY_TYPE,
    *,
    new_key: bool = False,
    amend: Callable[[Profile], None] | None = None,
) -> RequestResult:
    """Generate the key and the CSR for profile `name` (created if new); `amend` changes the
    profile further before its one save (batch csr: the CSV's tenant columns)."""
    subject.to_name()  # validate before anything happens
    _existing_profile(store, name, new_key=new_key)  # refuse before the (slow) key generation
    key = keys.generate_key(key_type)
    request = build_csr(key, subject)
    pem = csr_pem(request)
    with store.change(name):
        profile = _existing_profile(store, name, new_key=new_key)  # again, now locked
        return _write_request(
            store, secrets, name, profile, key, request, pem, subject, key_type, amend
        )


def _existing_profile(store: ProfileStore, name: str, *, new_key: bool) -> Profile | None:
    profile = store.load(name) if store.exists(name) else None
    key_path = store.path(name, Artefact.KEY)
    if profile is not None and key_path.exists() and not new_key:
        raise WizardError(
            "key.exists",
            translate(
                "enrollment",
                "Profile {name!r} already has a key ({key}); its CSR is {csr}. To replace it "
                "(renewal, or a lost CSR), run again with --new-key; the current certificate "
                "keeps working until you deploy the new one.",
            ).format(name=name, key=key_path, csr=store.path(name, Artefact.CSR)),
        )
    return profile


def _write_request(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    profile: Profile | None,
    key: keys.PrivateKey,
    request: x509.CertificateSigningRequest,
    pem: bytes,
    subject: SubjectFields,
    key_type: keys.KeyType,
    amend: Callable[[Profile], None] | None = None,
) -> RequestResult:
    key_path = store.path(name, Artefact.KEY)
    new_profile = profile is None
    if profile is None:
        profile = store.new(name)  # saved once, below, with the key (one change)
    # One passphrase per profile, kept across re-keys, so a crash between writes never leaves a
    # key whose passphrase is gone.
    passphrase = secrets.lookup(name, SecretKind.KEY_PASSPHRASE)
    where = secrets.backend_name
    if not passphrase:
        passphrase, where = new_secret(secrets, profile, SecretKind.KEY_PASSPHRASE)
    encrypted = keys.encrypt_key(key, passphrase)
    archived = _archive_current(store, name) if key_path.exists() else None
    store.write_artefact(name, Artefact.CSR, pem)
    store.write_artefact(name, Artefact.KEY, encrypted)
    if profile.leaf_sha256:
        profile.previous_leaf_sha256 = profile.leaf_sha256
    for stale in () if new_profile else CERTIFICATE_FILES:  # a new profile has none
        store.remove_artefact(name, stale)
    profile.leaf_sha256 = profile.leaf_subject = profile.leaf_issuer = None
    profile.not_before = profile.not_after = profile.root_subject = None
    profile.key_type = key_type.value
    profile.subject = request.subject.rfc4514_string()
    profile.sans = list(subject.sans)
    profile.state = State.KEY_GENERATED
    # a request waiting at the company CA belongs to the old key: it will not be collected
    profile.ca_pending_id = profile.ca_pending_since = profile.ca_retry_after = None
    profile.ca_pending_csr_sha256 = None
    profile.secrets_backend = secrets.backend_name
    if amend is not None:
        amend(profile)
    store.save(profile)
    return RequestResult(
        profile=profile,
        csr_pem=pem.decode("ascii"),
        csr_path=store.path(name, Artefact.CSR),
        key_path=key_path,
        passphrase_kept_in=where,
        archived=archived,
    )


def new_secret(secrets: Secrets, profile: Profile, kind: SecretKind) -> tuple[str, str]:
    """A new secret for `profile` (`Secrets.create`); when it is derived from a batch secret,
    the profile records which (saved by the caller, in the same change as what it protects)."""
    value, where = secrets.create(profile.name, kind)
    reference = secrets.made_reference(profile.name, kind)
    if reference is not None:
        profile.secret_sources = {**profile.secret_sources, kind.value: reference.text()}
    elif kind.value in profile.secret_sources:
        profile.secret_sources = {k: v for k, v in profile.secret_sources.items() if k != kind}
    return value, where


def load_private_key(store: ProfileStore, secrets: Secrets, name: str) -> keys.PrivateKey:
    """The profile's private key, decrypted in memory with the passphrase from the keyring."""
    data = store.read_artefact(name, Artefact.KEY)
    if data is None:
        raise WizardError(
            "key.missing",
            translate(
                "enrollment",
                "Profile {name!r} has no key yet. Generate one: cpi-cert-wizard csr --profile "
                "{name} --cn …",
            ).format(name=name),
        )
    passphrase = secrets.fetch(name, SecretKind.KEY_PASSPHRASE)
    return keys.load_key(data, passphrase, source=str(store.path(name, Artefact.KEY)))


def load_chain(store: ProfileStore, name: str) -> list[x509.Certificate]:
    """The stored validated chain: leaf first, intermediates, root when known."""
    data = store.read_artefact(name, Artefact.CHAIN)
    if data is None:
        raise WizardError(
            "certificate.missing",
            translate(
                "enrollment",
                "Profile {name!r} has no certificate yet. Import the CA's reply first: "
                "cpi-cert-wizard import-reply --profile {name} FILE",
            ).format(name=name),
        )
    return x509.load_pem_x509_certificates(data)


# Made from a certificate by later steps (export, mapping): stale once another certificate comes.
_DERIVED_FILES = tuple(
    a
    for a in CERTIFICATE_FILES
    if a not in (Artefact.CHAIN, Artefact.CLIENT_CHAIN_PEM, Artefact.LEAF_CER, Artefact.LEAF_PEM)
)


def _retire_certificate_files(store: ProfileStore, name: str, *, archive: bool) -> None:
    """Another certificate replaces the current one (re-issued for the same key, or a new key):
    archive what was made from the old one and remove what later steps derive from it (the
    .p12, the mapping files), so no file in the folder still carries the old certificate."""
    present = [a for a in CERTIFICATE_FILES if store.path(name, a).exists()]
    if archive and present:
        with store.change(name) as change:
            folder = store.new_archive_folder(name)
            for artefact in present:
                change.write(f"{folder}/{artefact.value}", store.path(name, artefact).read_bytes())
    for artefact in _DERIVED_FILES:
        store.remove_artefact(name, artefact)


def _store_certificate(
    store: ProfileStore,
    profile: Profile,
    report: chains.ChainReport,
    *,
    archived: bool = False,
) -> dict[str, Path]:
    name = profile.name
    leaf = report.leaf
    if profile.leaf_sha256 and profile.leaf_sha256 != certs.fingerprint(leaf):
        _retire_certificate_files(store, name, archive=not archived)
    client_chain = [leaf, *report.intermediates]
    full = [link.certificate for link in report.links]
    files = {
        "chain": store.write_artefact(
            name, Artefact.CHAIN, b"".join(c.public_bytes(PEM) for c in full)
        ),
        "client_chain": store.write_artefact(
            name, Artefact.CLIENT_CHAIN_PEM, b"".join(c.public_bytes(PEM) for c in client_chain)
        ),
        "leaf_cer": store.write_artefact(name, Artefact.LEAF_CER, leaf.public_bytes(DER)),
        "leaf_pem": store.write_artefact(name, Artefact.LEAF_PEM, leaf.public_bytes(PEM)),
    }
    fingerprint = certs.fingerprint(leaf)
    if profile.leaf_sha256 and profile.leaf_sha256 != fingerprint:
        profile.previous_leaf_sha256 = profile.leaf_sha256
    profile.leaf_sha256 = fingerprint
    profile.leaf_subject = leaf.subject.rfc4514_string()
    profile.leaf_issuer = leaf.issuer.rfc4514_string()
    profile.not_before = leaf.not_valid_before_utc.astimezone(UTC).isoformat()
    profile.not_after = leaf.not_valid_after_utc.astimezone(UTC).isoformat()
    profile.root_subject = report.root.subject.rfc4514_string() if report.root else None
    ends = [c for c in full[1:] if c.not_valid_after_utc < leaf.not_valid_after_utc]
    first = min(ends, key=lambda c: c.not_valid_after_utc) if ends else None
    profile.chain_not_after = first.not_valid_after_utc.isoformat() if first else None
    profile.chain_not_after_subject = first.subject.rfc4514_string() if first else None
    if (
        profile.state in (State.NEW, State.KEY_GENERATED)
        or profile.mapped_leaf_sha256 != fingerprint
    ):
        profile.state = State.CERTIFICATE_IMPORTED
    store.save(profile)
    return files


def _check(
    certificates: Sequence[x509.Certificate],
    public_key: PublicKeyTypes,
    ca_files: Sequence[Path],
    sap_roots: Path | None,
    source: str,
    fetch_aia: bool,
    accept_without_client_auth: bool = False,
    sap_list: trust.SapTrustList | None = None,
) -> chains.ChainReport:
    from wizard.core import chain as chains
    from wizard.core import trust

    report = chains.check_client_certificate(
        certificates,
        public_key=public_key,
        sources=trust.default_sources(ca_files),
        sap_list=sap_list or trust.load_sap_list(sap_roots),
        fetch_aia=fetch_aia,
        accept_without_client_auth=accept_without_client_auth,
    )
    if not report.ok:
        raise ChainRejected(report, source)
    return report


def import_reply(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    files: Sequence[Path],
    *,
    ca_files: Sequence[Path] = (),
    sap_roots: Path | None = None,
    fetch_aia: bool = True,
    accept_without_client_auth: bool = False,
) -> ImportResult:
    """Read the CA's reply, check it belongs to this profile's key, validate, store."""
    store.load(name)  # a missing profile is reported before the files are read
    certificates = reply.read_certificate_files(files)
    source = ", ".join(str(f) for f in files)
    return import_certificates(
        store, name, certificates, source=source, ca_files=ca_files, sap_roots=sap_roots,
        fetch_aia=fetch_aia, accept_without_client_auth=accept_without_client_auth,
    )  # fmt: skip


def import_certificates(
    store: ProfileStore,
    name: str,
    certificates: Sequence[x509.Certificate],
    *,
    source: str,
    ca_files: Sequence[Path] = (),
    sap_roots: Path | None = None,
    fetch_aia: bool = True,
    accept_without_client_auth: bool = False,
) -> ImportResult:
    """Certificates already read (pasted PEM, a sandbox CA's answer) into profile `name`."""
    from wizard.core import trust

    profile = store.load(name)
    request = store.read_artefact(name, Artefact.CSR)
    if request is None:
        raise WizardError(
            "csr.missing",
            translate(
                "enrollment",
                "Profile {name!r} has no certificate request, so no CA reply can belong to it. "
                "Create one first: cpi-cert-wizard csr --profile {name} --cn …",
            ).format(name=name),
        )
    # The CSR carries the public key, so the check needs no passphrase.
    public_key = x509.load_pem_x509_csr(request).public_key()
    report = _check(
        certificates, public_key, ca_files, sap_roots, source, fetch_aia,
        accept_without_client_auth, trust.list_for_profile(profile, store, sap_roots),
    )  # fmt: skip
    with store.change(name):
        profile = store.load(name)  # again, locked: another process may have changed it
        if store.read_artefact(name, Artefact.CSR) != request:
            raise WizardError(
                "csr.changed",
                translate(
                    "enrollment",
                    "The key of profile {name!r} was replaced while the reply was being checked; "
                    "this reply belongs to the old key. Import the reply for the new request.",
                ).format(name=name),
            )
        written = _store_certificate(store, profile, report)
    return ImportResult(profile=profile, report=report, files=written)


def import_p12(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    p12_file: Path,
    password: str,
    *,
    chain_files: Sequence[Path] = (),
    ca_files: Sequence[Path] = (),
    sap_roots: Path | None = None,
    fetch_aia: bool = True,
    accept_without_client_auth: bool = False,
    replace_key: bool = False,
) -> ImportResult:
    """Bring your own key pair: a PKCS#12 from elsewhere becomes this profile's key and certificate.

    Over a profile whose CSR (for another key) still waits for the CA's answer only with
    `replace_key`: the CA's reply would no longer fit the profile's key."""
    data = read_input_file(p12_file, what=translate("enrollment", "a PKCS#12 file"))
    contents = p12.read_p12(data, password, source=str(p12_file))
    _refuse_pending_request(store, name, contents.key, replace_key=replace_key)
    if contents.certificate is None:
        raise WizardError(
            "p12.no_certificate",
            translate("enrollment", "{file} holds a key but no certificate.").format(file=p12_file),
        )
    certificates = [contents.certificate, *contents.additional]
    if chain_files:
        certificates += reply.read_certificate_files(chain_files)
    return _adopt_key_and_chain(
        store, secrets, name, contents.key, certificates, str(p12_file), ca_files, sap_roots,
        fetch_aia, accept_without_client_auth, replace_key,
    )  # fmt: skip


def _refuse_pending_request(
    store: ProfileStore, name: str, key: PrivateKeyTypes, *, replace_key: bool
) -> None:
    if replace_key or not store.exists(name):
        return
    csr = store.path(name, Artefact.CSR)
    request = store.read_artefact(name, Artefact.CSR)
    if request is None or store.load(name).leaf_sha256:
        return
    try:
        waiting = x509.load_pem_x509_csr(request).public_key()
    except ValueError:
        waiting = None
    if waiting is None or not keys.same_public_key(waiting, key.public_key()):
        raise WizardError(
            "key.pending",
            translate(
                "enrollment",
                "Profile {name!r} has a certificate request waiting at the CA ({csr}); importing "
                "this keystore would replace its key, and the CA's answer would then fit no key. "
                "To replace it anyway, run again with --new-key (the current key is kept in the "
                "profile's archive); or import into another --profile.",
            ).format(name=name, csr=csr),
        )


def _adopt_key_and_chain(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    key: PrivateKeyTypes,  # a PKCS#12's or a service key's, of whatever type it is
    certificates: Sequence[x509.Certificate],
    source: str,
    ca_files: Sequence[Path],
    sap_roots: Path | None,
    fetch_aia: bool,
    accept_without_client_auth: bool = False,
    replace_key: bool = False,
) -> ImportResult:
    report = _check(
        certificates, key.public_key(), ca_files, sap_roots, source, fetch_aia,
        accept_without_client_auth,
    )  # fmt: skip
    passphrase = secrets.lookup(name, SecretKind.KEY_PASSPHRASE)
    if not passphrase:
        passphrase, _where = secrets.create(name, SecretKind.KEY_PASSPHRASE)
    with store.change(name):
        profile = store.load_or_create(name)
        _refuse_pending_request(store, name, key, replace_key=replace_key)  # again, locked
        archived = store.path(name, Artefact.KEY).exists()
        if archived:
            _archive_current(store, name)
        store.remove_artefact(name, Artefact.CSR)
        store.write_artefact(name, Artefact.KEY, keys.encrypt_key(key, passphrase))
        profile.key_type = keys.key_type_of(key)
        profile.subject = report.leaf.subject.rfc4514_string()
        profile.secrets_backend = secrets.backend_name
        files = _store_certificate(store, profile, report, archived=archived)
        files["key"] = store.path(name, Artefact.KEY)
    return ImportResult(profile=profile, report=report, files=files)


def _find_service_key_parts(data: object) -> tuple[str, str, str | None] | None:
    """(certificate PEM, key PEM, runtime url) from a service key, wherever they are nested."""
    if isinstance(data, dict):
        cert, key = data.get("certificate"), data.get("key")
        if isinstance(cert, str) and isinstance(key, str):
            url = data.get("url")
            return cert, key, url if isinstance(url, str) else None
        for value in data.values():
            found = _find_service_key_parts(value)
            if found:
                return found
    return None


def import_service_key(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    key_file: Path,
    *,
    ca_files: Sequence[Path] = (),
    sap_roots: Path | None = None,
    fetch_aia: bool = True,
) -> ImportResult:
    """A Cloud Foundry service key of key-type `certificate` (SAP generated the key pair)."""
    raw = read_input_file(
        key_file, what=translate("enrollment", "a service key (JSON)"), limit=1024 * 1024
    )
    try:
        data = jsontext.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WizardError(
            "service_key.json",
            translate(
                "enrollment",
                "{file} is not JSON ({reason}). Copy the service key as shown in the BTP cockpit "
                "(Instances and Subscriptions → the instance → Service Keys → View).",
            ).format(file=key_file, reason=exc),
        ) from None
    parts = _find_service_key_parts(data)
    if parts is None:
        raise WizardError(
            "service_key.no_certificate",
            translate(
                "enrollment",
                "{file} has no 'certificate' and 'key' fields: it is not a service key of "
                "key-type 'certificate' (a client-secret key has 'clientsecret' instead). Create "
                "the key with {parameters} or use the External Certificate path.",
            ).format(file=key_file, parameters='{"key-type":"certificate"}'),
        )
    cert_text, key_text, url = parts
    # Some copies keep the JSON escapes as literal backslash-n.
    cert_pem = cert_text.replace("\\n", "\n").encode("ascii", "replace")
    key_pem = key_text.replace("\\n", "\n").encode("ascii", "replace")
    certificates = reply.parse_certificates(cert_pem, source=f"{key_file} (certificate)")
    try:
        key = serialization.load_pem_private_key(key_pem, None)
    except (ValueError, TypeError):
        raise WizardError(
            "service_key.key",
            translate(
                "enrollment", "The 'key' field of {file} is not a readable PEM private key."
            ).format(file=key_file),
        ) from None
    with store.change(name):
        result = _adopt_key_and_chain(
            store,
            secrets,
            name,
            key,
            certificates,
            str(key_file),
            ca_files,
            sap_roots,
            fetch_aia,
            replace_key=True,  # as before: a service key is SAP's key pair for this profile
        )
        profile = result.profile
        profile.environment = "cf"
        if url and not profile.tenant_url:
            profile.tenant_url = url
        store.save(profile)
    return result


def export_p12(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    *,
    out: Path | None = None,
    legacy: bool = False,
    include_root: bool = False,
    alias: str | None = None,
    replace: bool = False,
    password: str | None = None,
) -> ExportResult:
    """The PKCS#12 (key + leaf + intermediates) and the public files.

    The password is the profile's stored one if there is one (a new random one otherwise), so an
    export interrupted at any point never leaves a .p12 whose password the keyring lost.
    `password` is the person's own choice instead (P12_PASSWORD_MIN characters or more): kept in
    the keyring like a generated one; the old one is put back if the export fails.
    Files outside the profile's folder that exist already are kept (`export.exists`) unless
    `replace`; the companion files (.cer, .pem, -chain.pem) never take the keystore's name.
    """
    if password is not None:
        check_p12_password(password)
    targets = export_targets(store, name, out)
    if not replace:
        folder = store.folder(name).absolute()
        taken = [p for p in targets.values() if p.absolute().parent != folder and p.exists()]
        if taken:
            raise WizardError(
                "export.exists",
                translate(
                    "enrollment",
                    "{file} exists already and was kept. Confirm to replace it (--force on the "
                    "command line), or choose another --out.",
                ).format(file=taken[0]),
            )
    with store.lock(name):
        return _export_p12(store, secrets, name, targets, legacy, include_root, alias, password)


P12_PASSWORD_MIN = 8  # as every secret the person chooses (wizard.core.secrets)


def check_p12_password(password: str) -> None:
    """A chosen PKCS#12 password: 8 characters or more, no line breaks."""
    if len(password) < P12_PASSWORD_MIN or any(c in password for c in "\r\n\x00"):
        raise WizardError(
            "secret.weak",
            translate(
                "enrollment",
                "The PKCS#12 password needs {count} characters or more, on one line.",
            ).format(count=P12_PASSWORD_MIN),
        )


_PUBLIC_SUFFIXES = (".cer", ".crt", ".der", ".pem", ".key", ".csr", ".p7b", ".p7c")


def export_targets(store: ProfileStore, name: str, out: Path | None) -> dict[str, Path]:
    """Where export_p12 writes: the keystore and its companions, never one name twice."""
    target = Path(out) if out else store.path(name, Artefact.P12)
    if target.is_dir():
        target = target / f"{name}.p12"
    if target.suffix.lower() in _PUBLIC_SUFFIXES:
        raise WizardError(
            "export.name",
            translate(
                "enrollment",
                "--out {file}: the keystore is a .p12 (or .pfx) file, and {suffix} is the name "
                "of one of the public files written next to it. Give --out NAME.p12 or a folder.",
            ).format(file=target, suffix=target.suffix),
        )
    stem = target.with_suffix("") if target.suffix.lower() in (".p12", ".pfx") else target
    targets = {
        "p12": target,
        "cer": stem.with_name(stem.name + ".cer"),
        "pem": stem.with_name(stem.name + ".pem"),
        "chain": stem.with_name(stem.name + "-chain.pem"),
    }
    names = [str(p.absolute()).casefold() for p in targets.values()]
    if len(set(names)) != len(names):  # e.g. --out client (no suffix) next to client.pem
        raise WizardError(
            "export.name",
            translate(
                "enrollment", "--out {file}: give the keystore a name ending in .p12 or .pfx."
            ).format(file=target),
        )
    return targets


def _export_p12(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    targets: dict[str, Path],
    legacy: bool,
    include_root: bool,
    alias: str | None,
    chosen: str | None = None,
) -> ExportResult:
    profile = store.load(name)
    full = load_chain(store, name)
    key = load_private_key(store, secrets, name)
    leaf = full[0]
    if not keys.same_public_key(key.public_key(), leaf.public_key()):
        raise WizardError(
            "key.mismatch",
            translate(
                "enrollment",
                "The key of profile {name!r} does not belong to its stored certificate (the key "
                "was replaced after the import). Import the certificate for the new key, or export "
                "the old .p12 from the profile's archive folder.",
            ).format(name=name),
        )
    rest = full[1:]
    has_root = bool(rest) and rest[-1].subject == rest[-1].issuer
    intermediates = rest[:-1] if has_root else rest
    bundle = intermediates + ([rest[-1]] if include_root and has_root else [])
    password = secrets.lookup(name, SecretKind.P12_PASSWORD)
    where = secrets.backend_name
    previous = password
    record = False
    generated = chosen is None and bool(password) and secrets.derived(name, SecretKind.P12_PASSWORD)
    if chosen is not None:
        password = chosen
        if secrets.available:
            where = secrets.store(name, SecretKind.P12_PASSWORD, chosen)
        else:
            where = translate("enrollment", "not stored: no keyring, the password you chose")
    elif not password:
        sources = profile.secret_sources
        password, where = new_secret(secrets, profile, SecretKind.P12_PASSWORD)
        record = profile.secret_sources != sources  # saved with the .p12 it opens
        generated = record  # derived from a batch secret: random, never a person's choice
    try:
        return _write_export(
            store,
            profile,
            targets,
            key,
            leaf,
            bundle,
            intermediates,
            password,
            where,
            legacy,
            alias,
            save_profile=record,
            generated=generated,
        )
    except BaseException:
        if chosen is not None and secrets.available and previous != chosen:
            if previous:
                secrets.store(name, SecretKind.P12_PASSWORD, previous)
            else:
                secrets.delete(name, SecretKind.P12_PASSWORD)
        raise


def _write_export(
    store: ProfileStore,
    profile: Profile,
    targets: dict[str, Path],
    key,
    leaf: x509.Certificate,
    bundle: list[x509.Certificate],
    intermediates: list[x509.Certificate],
    password: str,
    where: str,
    legacy: bool,
    alias: str | None,
    *,
    save_profile: bool = False,
    generated: bool = False,
) -> ExportResult:
    name = profile.name
    data = p12.export_p12(
        key, leaf, bundle, password, legacy=legacy, alias=alias or name, generated=generated
    )
    contents = {
        "p12": (targets["p12"], data, True),
        "cer": (targets["cer"], leaf.public_bytes(DER), False),
        "pem": (targets["pem"], leaf.public_bytes(PEM), False),
        "chain": (
            targets["chain"],
            b"".join(c.public_bytes(PEM) for c in [leaf, *intermediates]),
            False,
        ),
    }
    files: dict[str, Path] = {}
    folder = store.folder(name).absolute()
    with store.change(name) as change:  # the profile's own files: all of them or none
        for label, (path, content, private) in contents.items():
            if path.absolute().parent == folder:
                files[label] = change.write(path.name, content, private=private)
            else:
                files[label] = change.write_outside(path, content, private=private)
        if save_profile:  # the batch secret its password comes from
            store.save(profile)
    return ExportResult(
        profile=profile, password=password, password_kept_in=where, legacy=legacy, files=files
    )

"""Many sender systems at once: a CSV of systems, the requests for all, the CA's replies matched
to their profiles by public key, and export, tenant entries and test calls for many profiles.

Every step runs profile by profile: one bad row or profile is reported (with its CSV line or its
profile name) and the others go on. Each profile's work is one locked `ProfileStore.change`, so an
interrupted batch leaves every profile as before or as after, and running it again skips what is
done. Results are small frozen dataclasses; the CLI and the GUI render them.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from wizard.core import keys
from wizard.core.certs import spki_der
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.profiles import (
    HAS_CERTIFICATE,
    Artefact,
    BrokenProfile,
    Profile,
    ProfileStore,
    State,
)
from wizard.core.secrets import SecretKind, Secrets
from wizard.core.storage import atomic_write, ensure_private_dir, read_input_file
from wizard.core.systems_csv import (  # noqa: F401 -- the systems file, importable from here too
    COLUMNS,
    REQUIRED_COLUMNS,
    RowProblem,
    SystemRow,
    SystemsFile,
    parse_systems_csv,
    read_systems_csv,
)

_REPLY_SUFFIXES = {".cer", ".crt", ".pem", ".der", ".p7b", ".p7c", ".cert", ".txt"}
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 32


# --- results ---------------------------------------------------------------------------------------


class Status(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"  # done before, or nothing to do yet
    FAILED = "failed"


@dataclass(frozen=True)
class ProfileResult:
    """What happened to one profile (or one CSV row, or one reply file) in a batch step."""

    profile: str  # "" for a reply file or certificate that matches no profile
    status: Status
    message: str
    line: int | None = None  # in the CSV
    source: str | None = None  # reply file(s)
    subject: str | None = None
    not_after: str | None = None
    verdict: str | None = None  # test-call
    files: tuple[Path, ...] = ()


@dataclass(frozen=True)
class BatchReport:
    step: str
    results: tuple[ProfileResult, ...]
    files: tuple[tuple[str, Path], ...] = ()  # combined outputs: (label, path)
    notes: tuple[str, ...] = ()

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)

    @property
    def ok(self) -> bool:
        return self.count(Status.FAILED) == 0

    @property
    def summary(self) -> str:
        parts = [f"{self.count(s)} {s.value}" for s in Status]
        return f"{self.step}: {len(self.results)} profiles: " + ", ".join(parts)


Progress = Callable[[ProfileResult], None]


def _failed(profile: str, exc: WizardError, **extra) -> ProfileResult:
    return ProfileResult(profile=profile, status=Status.FAILED, message=exc.message, **extra)


def _each(results: list[ProfileResult], result: ProfileResult, progress: Progress | None) -> None:
    results.append(result)
    if progress is not None:
        progress(result)


# --- batch csr -------------------------------------------------------------------------------------


def _apply_row(profile: Profile, row: SystemRow) -> None:
    """The CSV's tenant columns into the profile; empty cells keep what the profile has."""
    from wizard.core.tlsprobe import parse_target

    if row.environment:
        profile.environment = row.environment
    if row.url:
        target = parse_target(row.url)
        profile.tenant_url = target.url or f"https://{target.address}"
        profile.tenant_host = target.host
        profile.tenant_port = target.port
    if row.user:
        profile.mapping_user = row.user
    if row.roles:
        profile.mapping_roles = list(row.roles)


def _request_one(
    store: ProfileStore, secrets: Secrets, row: SystemRow, key_type: keys.KeyType
) -> tuple[ProfileResult, bytes | None]:
    """Under the profile's lock, so two batches started at once make one key per system."""
    with store.change(row.profile):
        done = _requested_before(store, row)
        if done is not None:
            return done
        from wizard.core.enrollment import create_request

        result = create_request(
            store,
            secrets,
            row.profile,
            row.subject,
            row.key_type or key_type,
            amend=lambda profile: _apply_row(profile, row),  # saved once, with the key
        )
        profile = result.profile
    return ProfileResult(
        row.profile,
        Status.DONE,
        f"key ({profile.key_type}) and request made (passphrase: {result.passphrase_kept_in}).",
        line=row.line,
        subject=profile.subject,
    ), result.csr_pem.encode("ascii")


def _requested_before(
    store: ProfileStore, row: SystemRow
) -> tuple[ProfileResult, bytes | None] | None:
    """The result for a profile that has its key already (None when it has none)."""
    name = row.profile
    if not (store.exists(name) and store.path(name, Artefact.KEY).exists()):
        return None
    profile = store.load(name)
    wanted = row.subject.to_name().rfc4514_string()
    differs = (
        f" The CSV asks for {wanted}; the profile keeps {profile.subject} (csr --new-key "
        "to change it)."
        if profile.subject and profile.subject != wanted
        else ""
    )
    request = store.read_artefact(name, Artefact.CSR)
    if profile.state is State.KEY_GENERATED and request is not None:
        message = "has its key and request already; waiting for the CA."
    else:
        message = f"has a key and certificate already (state {profile.state.value}); nothing to do."
        request = None
    return ProfileResult(
        name, Status.SKIPPED, message + differs, line=row.line, subject=profile.subject
    ), request


def request_all(
    store: ProfileStore,
    secrets: Secrets,
    systems: SystemsFile,
    *,
    out: Path,
    key_type: keys.KeyType = keys.DEFAULT_KEY_TYPE,
    progress: Progress | None = None,
) -> BatchReport:
    """A key and CSR for every system of the CSV; all pending CSRs into `out` and out/requests.zip."""
    if out.exists() and not out.is_dir():
        raise WizardError(
            "file.write",
            translate("batch", "--out {out} is a file; give a folder for the requests.").format(
                out=out
            ),
        )
    results: list[ProfileResult] = []
    requests: dict[str, bytes] = {}
    for problem in systems.problems:
        _each(
            results,
            ProfileResult(problem.profile or "", Status.FAILED, problem.message, line=problem.line),
            progress,
        )
    what = _batch_what(
        translate("batch", "key passphrases of {count} sender systems (batch csr, {day})"),
        len(systems.rows),
    )
    with secrets.batch(SecretKind.KEY_PASSPHRASE, what, len(systems.rows)):  # one keyring item
        for row in systems.rows:
            try:
                result, request = _request_one(store, secrets, row, key_type)
            except WizardError as exc:
                result, request = _failed(row.profile, exc, line=row.line), None
            if request is not None:
                path = atomic_write(out / f"{row.profile}.csr", request, private=False)
                requests[row.profile] = request
                result = _with_files(result, path)
            _each(results, result, progress)
    results.sort(key=lambda r: r.line or 0)
    files: list[tuple[str, Path]] = []
    if requests:
        files.append(("zip", atomic_write(out / "requests.zip", _zip(requests), private=False)))
        files.insert(0, ("folder", out))
    return BatchReport(step="csr", results=tuple(results), files=tuple(files))


def _batch_what(text: str, count: int) -> str:
    """What a batch secret is for, as its keyring item's label says it (Seahorse, Windows
    Credential Manager)."""
    return text.format(count=count, day=datetime.now(UTC).date().isoformat())


def _with_files(result: ProfileResult, *paths: Path) -> ProfileResult:
    from dataclasses import replace

    return replace(result, files=(*result.files, *paths))


def _zip(requests: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    stamp = datetime.now(UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(requests):
            info = zipfile.ZipInfo(f"{name}.csr", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, requests[name])
    return buffer.getvalue()


# --- batch import ----------------------------------------------------------------------------------


def reply_files(paths: Iterable[Path]) -> tuple[list[Path], list[ProfileResult]]:
    """The files to read: given files as they are, folders' certificate files (by extension)."""
    files: list[Path] = []
    problems: list[ProfileResult] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in _REPLY_SUFFIXES
                and not p.name.startswith(".")
            )
            if not found:
                problems.append(
                    ProfileResult(
                        "",
                        Status.FAILED,
                        f"{path} holds no certificate files ({', '.join(sorted(_REPLY_SUFFIXES))}).",
                        source=str(path),
                    )
                )
            files += found
        elif path.exists():
            files.append(path)
        else:
            problems.append(
                ProfileResult(
                    "", Status.FAILED, f"{path} does not exist. Check the path.", source=str(path)
                )
            )
    return files, problems


@dataclass
class _Pool:
    """Every certificate read, once, with the files it came from."""

    certificates: dict[bytes, x509.Certificate] = field(default_factory=dict)
    sources: dict[bytes, list[str]] = field(default_factory=dict)

    def add(self, cert: x509.Certificate, source: str) -> None:
        der = cert.public_bytes(serialization.Encoding.DER)
        self.certificates.setdefault(der, cert)
        self.sources.setdefault(der, [])
        if source not in self.sources[der]:
            self.sources[der].append(source)

    def source_of(self, cert: x509.Certificate) -> str:
        return ", ".join(self.sources[cert.public_bytes(serialization.Encoding.DER)])


def _waiting_requests(store: ProfileStore) -> dict[bytes, str]:
    """Public key (SPKI DER) of every profile's request -> profile name."""
    out: dict[bytes, str] = {}
    for name in store.names():
        request = store.read_artefact(name, Artefact.CSR)
        if request is None:
            continue
        try:
            out[spki_der(x509.load_pem_x509_csr(request).public_key())] = name
        except ValueError:
            continue  # a damaged request: import-reply for that profile explains it
    return out


def import_replies(
    store: ProfileStore,
    paths: Sequence[Path],
    *,
    ca_files: Sequence[Path] = (),
    sap_roots: Path | None = None,
    fetch_aia: bool = True,
    progress: Progress | None = None,
) -> BatchReport:
    """Read every reply, match each certificate to the profile whose request has its public key
    (file names do not matter), and import and validate it there."""
    from wizard.core import chain as chains  # (imported here: batch csr and export need none)
    from wizard.core.enrollment import import_certificates
    from wizard.core.reply import parse_certificates

    files, results = reply_files(paths)
    for problem in results:
        if progress:
            progress(problem)
    pool = _Pool()
    for path in files:
        try:
            data = read_input_file(path, what=translate("batch", "a certificate file"))
            for cert in parse_certificates(data, source=str(path)):
                pool.add(cert, str(path))
        except WizardError as exc:
            _each(results, _failed("", exc, source=str(path)), progress)
    wanted = _waiting_requests(store)
    certificates = list(pool.certificates.values())
    issuers = [c for c in certificates if chains.is_ca(c)]
    by_profile: dict[str, list[x509.Certificate]] = {}
    for cert in certificates:
        if chains.is_ca(cert):
            continue
        name = wanted.get(spki_der(cert.public_key()))
        if name is None:
            _each(
                results,
                ProfileResult(
                    "",
                    Status.FAILED,
                    f"{chains.subject_of(cert)} (SHA-256 {chains.fingerprint(cert)[:16]}…) matches "
                    "no profile's request: its public key belongs to none of them (a reply for a "
                    "key that was replaced, or for another home folder). Nothing imported.",
                    source=pool.source_of(cert),
                    subject=cert.subject.rfc4514_string(),
                ),
                progress,
            )
            continue
        by_profile.setdefault(name, []).append(cert)
    for name in sorted(by_profile):
        leaves = by_profile[name]
        newest = max(leaves, key=lambda c: c.not_valid_before_utc)
        source = ", ".join(dict.fromkeys(pool.source_of(c) for c in leaves))
        try:
            profile = store.load(name)
            if profile.leaf_sha256 == chains.fingerprint(newest):
                result = ProfileResult(
                    name,
                    Status.SKIPPED,
                    "this certificate is imported already.",
                    source=source,
                    subject=profile.leaf_subject,
                    not_after=profile.not_after,
                )
            else:
                imported = import_certificates(
                    store,
                    name,
                    [*leaves, *issuers],
                    source=source,
                    ca_files=ca_files,
                    sap_roots=sap_roots,
                    fetch_aia=fetch_aia,
                )
                warnings = [f.message for f in imported.report.warnings]
                result = ProfileResult(
                    name,
                    Status.DONE,
                    "imported and validated"
                    + (f" ({_notes(len(warnings))}: {warnings[0]})" if warnings else "."),
                    source=source,
                    subject=imported.profile.leaf_subject,
                    not_after=imported.profile.not_after,
                    files=tuple(imported.files.values()),
                )
        except WizardError as exc:
            result = _failed(name, exc, source=source)
        _each(results, result, progress)
    still = sorted(
        n for n in set(wanted.values()) - set(by_profile) if _state(store, n) is State.KEY_GENERATED
    )
    notes = (f"{len(still)} profiles still wait for a reply: {', '.join(still)}",) if still else ()
    return BatchReport(step="import", results=tuple(results), notes=notes)


def _notes(count: int) -> str:
    return "1 note" if count == 1 else f"{count} notes, the first"


def _state(store: ProfileStore, name: str) -> State | None:
    try:
        return store.load(name).state
    except WizardError:
        return None


# --- selecting profiles ----------------------------------------------------------------------------


def select_profiles(
    store: ProfileStore, pattern: str | None = None
) -> list[Profile | BrokenProfile]:
    """The profiles whose name matches the shell pattern (all without one); broken ones included."""
    names = store.names()
    chosen = [n for n in names if pattern is None or fnmatch.fnmatchcase(n, pattern)]
    if not chosen:
        known = ", ".join(names) or translate("batch", "none yet")
        raise WizardError(
            "batch.no_profiles",
            translate(
                "batch",
                "No profile matches {pattern!r} (profiles: {known}). Patterns use * and ?, for "
                "example --profiles 'ERP-*'.",
            ).format(pattern=pattern, known=known)
            if pattern
            else translate(
                "batch",
                "There are no profiles in {folder} yet. Start with: cpi-cert-wizard batch csr "
                "--from systems.csv",
            ).format(folder=store.root),
        )
    out: list[Profile | BrokenProfile] = []
    for name in chosen:
        try:
            out.append(store.load(name))
        except WizardError as exc:
            out.append(
                BrokenProfile(name, store.path(name, Artefact.PROFILE), exc.code, exc.message)
            )
    return out


def _not_ready(profile: Profile | BrokenProfile, store: ProfileStore) -> ProfileResult | None:
    if isinstance(profile, BrokenProfile):
        return ProfileResult(profile.name, Status.FAILED, profile.message)
    if (
        profile.state not in HAS_CERTIFICATE
        or not store.path(profile.name, Artefact.CHAIN).exists()
    ):
        return ProfileResult(
            profile.name,
            Status.SKIPPED,
            f"no certificate yet (state {profile.state.value}); import the CA's reply first.",
        )
    return None


# --- batch export ----------------------------------------------------------------------------------


def _export_stamp(store: ProfileStore, name: str, *, legacy: bool, include_root: bool) -> dict:
    """What an exported .p12 was made from: the chain's content and the options."""
    chain = store.read_artefact(name, Artefact.CHAIN) or b""
    return {
        "chain_sha256": hashlib.sha256(chain).hexdigest(),
        "legacy": legacy,
        "include_root": include_root,
    }


def _stamp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.export.json")


def _read_stamp(target: Path) -> dict | None:
    try:
        return json.loads(_stamp_path(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_stamp(target: Path, stamp: dict) -> None:
    atomic_write(_stamp_path(target), json.dumps(stamp, sort_keys=True) + "\n")


def export_all(
    store: ProfileStore,
    secrets: Secrets,
    pattern: str | None = None,
    *,
    out: Path | None = None,
    legacy: bool = False,
    include_root: bool = False,
    again: bool = False,
    progress: Progress | None = None,
) -> BatchReport:
    """The PKCS#12 and public files of every selected profile that has a certificate.

    Skipped when the .p12 holds the current certificate and was written with the same options
    (a record beside it says so), unless `again`.
    """
    if out is not None:
        if out.exists() and not out.is_dir():
            raise WizardError(
                "file.write",
                translate("batch", "--out {out} is a file; give a folder.").format(out=out),
            )
        ensure_private_dir(out)
    results: list[ProfileResult] = []
    selected = select_profiles(store, pattern)
    what = _batch_what(
        translate("batch", "PKCS#12 passwords of {count} sender systems (batch export, {day})"),
        len(selected),
    )
    with secrets.batch(SecretKind.P12_PASSWORD, what, len(selected)):  # one keyring item
        for profile in selected:
            result = _export_one(store, secrets, profile, out, legacy, include_root, again)
            _each(results, result, progress)
    return BatchReport(step="export", results=tuple(results))


def _export_one(
    store: ProfileStore,
    secrets: Secrets,
    profile: Profile | BrokenProfile,
    out: Path | None,
    legacy: bool,
    include_root: bool,
    again: bool,
) -> ProfileResult:
    from wizard.core.enrollment import export_p12

    not_ready = _not_ready(profile, store)
    if not_ready is not None:
        return not_ready
    assert isinstance(profile, Profile)
    name = profile.name
    target = out / f"{name}.p12" if out else store.path(name, Artefact.P12)
    wanted = _export_stamp(store, name, legacy=legacy, include_root=include_root)
    if not again and target.exists() and _read_stamp(target) == wanted:
        return ProfileResult(
            name,
            Status.SKIPPED,
            translate(
                "batch", "{file} holds this certificate already, written with the same options."
            ).format(file=target),
            subject=profile.leaf_subject,
            not_after=profile.not_after,
            files=(target,),
        )
    try:
        exported = export_p12(
            store,
            secrets,
            name,
            out=target,
            legacy=legacy,
            include_root=include_root,
            replace=True,  # the batch's own output folder
        )
        _write_stamp(target, wanted)
    except WizardError as exc:
        return _failed(name, exc)
    return ProfileResult(
        name,
        Status.DONE,
        f"written (password: {exported.password_kept_in}).",
        subject=profile.leaf_subject,
        not_after=profile.not_after,
        files=tuple(exported.files.values()),
    )


# --- batch mapping ---------------------------------------------------------------------------------


def _entry_json(entry) -> dict:
    if entry.neo is not None:
        return {
            "profile": entry.profile,
            "user": entry.neo.user,
            "roles": list(entry.neo.roles),
            "id": entry.neo.entity_id,
            "valid_until_ms": entry.neo.valid_until_ms,
            "body": json.loads(entry.neo.body_json),
        }
    return {
        "profile": entry.profile,
        "instance": entry.cf.instance,
        "key_name": entry.cf.key_name,
        "roles": list(entry.cf.roles),
        "service_instance": json.loads(entry.cf.service_instance_json),
        "service_key": json.loads(entry.cf.service_key_json),
        "commands": [entry.cf.create_service_command, entry.cf.create_service_key_command],
    }


def map_all(
    store: ProfileStore,
    pattern: str | None = None,
    *,
    out: Path,
    environment: str | None = None,
    roles: Sequence[str] = (),
    progress: Progress | None = None,
) -> BatchReport:
    """Every selected profile's tenant entry: its files (in the profile and out/<profile>/) and one
    combined out/tenant-entries.json (Neo mapping bodies, Cloud Foundry service keys)."""
    from wizard.core import mapping

    if out.exists() and not out.is_dir():
        raise WizardError(
            "file.write",
            translate("batch", "--out {out} is a file; give a folder.").format(out=out),
        )
    results: list[ProfileResult] = []
    combined: dict[str, list[dict]] = {"neo": [], "cf": []}
    for profile in select_profiles(store, pattern):
        result = _not_ready(profile, store)
        if result is None:
            assert isinstance(profile, Profile)
            name = profile.name
            try:
                env = mapping.parse_environment(environment, profile)
                chain_path = store.path(name, Artefact.CHAIN)
                leaf = mapping.leaf_of_profile(
                    profile, store.read_artefact(name, Artefact.CHAIN), source=str(chain_path)
                )
                entry = mapping.build_tenant_entry(
                    profile, leaf, environment=env, roles=tuple(roles)
                )
                combined[env.value].append(_entry_json(entry))
                done_before = (
                    profile.mapped_leaf_sha256 == leaf.sha256
                    and profile.state in (State.MAPPED, State.TESTED)
                    and (out / name).is_dir()
                )
                if done_before:
                    result = ProfileResult(
                        name,
                        Status.SKIPPED,
                        "mapped already for this certificate; its entry is in the combined file.",
                        subject=leaf.subject,
                        not_after=leaf.not_after.isoformat(),
                    )
                else:
                    stored = mapping.store_tenant_entry(store, profile, entry, out=out / name)
                    if entry.neo:
                        who = f"user {entry.neo.user}"
                    else:
                        assert entry.cf is not None  # an entry is a Neo mapping or a CF key
                        who = f"service key {entry.cf.key_name}"
                    result = ProfileResult(
                        name,
                        Status.DONE,
                        f"{mapping.ENVIRONMENT_LABEL[env]} entry for {who}, roles "
                        f"{', '.join(entry.roles)}.",
                        subject=leaf.subject,
                        not_after=leaf.not_after.isoformat(),
                        files=tuple(stored.out_files.values()),
                    )
            except WizardError as exc:
                result = _failed(name, exc)
        _each(results, result, progress)
    files: list[tuple[str, Path]] = []
    if combined["neo"] or combined["cf"]:
        text = json.dumps(combined, indent=2) + "\n"
        files.append(("combined", atomic_write(out / "tenant-entries.json", text, private=False)))
    if combined["neo"]:  # the bodies alone, for a script that POSTs each to the OData API
        bodies = json.dumps([e["body"] for e in combined["neo"]], indent=2) + "\n"
        files.append(("neo_bodies", atomic_write(out / "neo-mappings.json", bodies, private=False)))
    return BatchReport(step="mapping", results=tuple(results), files=tuple(files))


# --- batch test-call -------------------------------------------------------------------------------


def test_all(
    store: ProfileStore,
    secrets: Secrets,
    pattern: str | None = None,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float | None = None,
    proxy: str | None = None,
    trust: str | None = None,
    sap_roots: Path | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    """A test call for every selected profile with a certificate and a URL, at most
    `concurrency` at a time; each verdict recorded in its profile."""
    from wizard.core import testcall
    from wizard.core.trust import load_sap_list

    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise WizardError(
            "batch.concurrency",
            translate("batch", "--concurrency must be between 1 and {most}, not {given}.").format(
                most=MAX_CONCURRENCY, given=concurrency
            ),
        )
    sap_list = load_sap_list(sap_roots) if sap_roots else None
    results: list[ProfileResult] = []
    todo: list[Profile] = []
    for profile in select_profiles(store, pattern):
        result = _not_ready(profile, store)
        if result is None and not profile.tenant_url:  # type: ignore[union-attr]
            result = ProfileResult(
                profile.name,
                Status.SKIPPED,
                "no tenant URL; set it (fetch-root, or the url column of batch csr) first.",
            )
        if result is None:
            todo.append(profile)  # type: ignore[arg-type]
        else:
            _each(results, result, progress)

    def call(profile: Profile) -> ProfileResult:
        try:
            outcome = testcall.call_endpoint(
                profile,
                store=store,
                secrets=secrets,
                timeout=timeout or testcall.DEFAULT_TIMEOUT,
                proxy=proxy,
                trust=trust,
                sap_list=sap_list,
            )
            with store.change(profile.name):  # fresh: the call may have taken a while
                store.save(testcall.record_result(store.load(profile.name), outcome))
        except WizardError as exc:
            return _failed(profile.name, exc)
        return ProfileResult(
            profile.name,
            Status.DONE if outcome.ok else Status.FAILED,
            f"{outcome.title}. {outcome.next_step}" if not outcome.ok else outcome.title + ".",
            verdict=outcome.verdict.value,
            subject=profile.leaf_subject,
            source=outcome.url,
        )

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="test-call") as pool:
        for result in pool.map(call, todo):
            _each(results, result, progress)
    results.sort(key=lambda r: r.profile)
    return BatchReport(step="test-call", results=tuple(results))

"""The profile's side of sending the CSR to the company CA: send, keep a pending request, collect.

- issued: the certificate and chain come back as PKCS#7 and go through the normal import
  (`enrollment.import_certificates`: key match, chain, lints, SAP's list), as `import-reply`;
- pending: the request id, the CA's settings and the time are kept in the profile, so
  `ca-enroll --check` (or the wizard) collects it days later, after a restart;
- denied: the CA's reason in words (`ca_enroll.denied`); the profile stays as it was.
Any bad answer (a sign-in page, a 401, an expired CA chain, a certificate for another key) raises a
`WizardError` before anything is written. The password is only ever in the keyring
(`SecretKind.CA_ENROLL`), the environment (CPI_CERT_WIZARD_CA_PASSWORD) or asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from cryptography import x509

from wizard.core import https
from wizard.core.ca_enroll import adcs, est
from wizard.core.ca_enroll.pending import pending_note
from wizard.core.ca_enroll.transport import AREA, Auth, Connection, Credentials
from wizard.core.enrollment import ChainRejected, ImportResult, import_certificates
from wizard.core.errors import SecretsUnavailable, WizardError
from wizard.core.i18n import translate
from wizard.core.profiles import Artefact, Profile, ProfileStore, now_utc
from wizard.core.secrets import SecretKind, Secrets

Progress = Callable[[str], None]
ShowCaChain = Callable[[tuple[est.CaChainLine, ...]], None]


class CaKind(StrEnum):
    ADCS = "adcs"
    EST = "est"


class CaOutcome(StrEnum):
    ISSUED = "issued"  # imported into the profile
    PENDING = "pending"  # the CA keeps the request; collect it later (--check)


@dataclass(frozen=True)
class CaSettings:
    """Which CA, how to sign in: kept in the profile (without the password) for --check and Renew."""

    kind: CaKind
    url: str
    template: str | None = None  # AD CS
    auth: Auth = Auth.NEGOTIATE
    user: str | None = None
    est_label: str | None = None
    proxy: str | None = None
    ca_files: tuple[Path, ...] = ()  # trusted for the CA's own TLS certificate (only these)
    client_profile: str | None = None  # EST: sign in with that profile's certificate

    @property
    def base(self) -> str:
        if self.kind is CaKind.ADCS:
            return adcs.base_url(self.url)
        return est.base_url(self.url, self.est_label)

    @property
    def needs_password(self) -> bool:
        if self.auth in (Auth.BASIC, Auth.NTLM):
            return True
        return self.auth is Auth.NEGOTIATE and bool(self.user)

    @classmethod
    def of(cls, profile: Profile) -> CaSettings | None:
        if not profile.ca_kind or not profile.ca_url:
            return None
        return cls(
            kind=CaKind(profile.ca_kind),
            url=profile.ca_url,
            template=profile.ca_template,
            auth=Auth(profile.ca_auth or Auth.NEGOTIATE.value),
            user=profile.ca_user,
            est_label=profile.ca_est_label,
            proxy=profile.ca_proxy,
            ca_files=tuple(Path(p) for p in profile.ca_tls_files),
        )

    def keep_in(self, profile: Profile) -> None:
        profile.ca_kind = self.kind.value
        profile.ca_url = self.url
        profile.ca_template = self.template
        profile.ca_auth = self.auth.value
        profile.ca_user = self.user
        profile.ca_est_label = self.est_label
        profile.ca_proxy = self.proxy
        profile.ca_tls_files = [str(Path(p).absolute()) for p in self.ca_files]


@dataclass(frozen=True)
class CaEnrollResult:
    """What happened, for the CLI text, --json and the wizard page."""

    outcome: CaOutcome
    profile: Profile
    settings: CaSettings
    request_id: str | None  # AD CS request id
    pending_since: str | None = None
    retry_after: str | None = None  # EST: the CA asked to wait until then
    ca_chain: tuple[est.CaChainLine, ...] = ()  # EST cacerts, as checked before sending
    imported: ImportResult | None = None
    password_kept_in: str | None = None
    still_pending: bool = False  # --check found the request still waiting


def validate_settings(settings: CaSettings) -> CaSettings:
    """Refuse incomplete settings before anything is sent."""
    if settings.kind is CaKind.ADCS and not (settings.template or "").strip():
        raise WizardError(
            f"{AREA}.template_missing",
            translate(
                "ca_enroll",
                "AD CS needs the certificate template: --template NAME (its short name, as the "
                "CA administrators publish it for client certificates; 'ca-enroll --adcs URL "
                "--list-templates' shows the ones the CA offers you).",
            ),
        )
    if settings.kind is CaKind.EST and settings.auth in (Auth.NEGOTIATE, Auth.NTLM):
        raise WizardError(
            f"{AREA}.est_auth",
            translate(
                "ca_enroll",
                "EST signs in with a user name and password (--auth basic --user NAME) or a "
                "client certificate (--client-profile P); not with {auth}.",
            ).format(auth=settings.auth.value),
        )
    https_only = settings.url.strip().lower().startswith("https://")
    if not https_only:
        raise WizardError(
            f"{AREA}.url",
            translate(
                "ca_enroll",
                "{url!r} is not an https URL. The CA's address starts with https:// (for AD "
                "CS for example https://ca.example.com/certsrv); credentials and requests "
                "only travel over TLS.",
            ).format(url=settings.url),
        )
    return replace(settings, template=(settings.template or "").strip() or None)


def waiting_request(store: ProfileStore, profile: Profile) -> str | None:
    """ "pending at the CA since …" when the profile's *current* CSR waits at the CA, else None.

    After a new key (renewal) the old request is stale: it is not shown and not collected.
    """
    note = pending_note(profile)
    if note is None:
        return None
    request = store.read_artefact(profile.name, Artefact.CSR)
    if request is None or _fingerprint(request) != profile.ca_pending_csr_sha256:
        return None
    return note


def describe_ca_chain(lines: Sequence[est.CaChainLine]) -> str:
    """The EST server's CA certificates, as shown before the CSR is sent."""
    rows = [translate("ca_enroll", "The EST server's CA certificates (checked before sending):")]
    for line in lines:
        rows.append(
            translate("ca_enroll", "  {subject}, valid until {date}, SHA-256 {sha256}").format(
                subject=line.subject, date=f"{line.not_after:%Y-%m-%d}", sha256=line.sha256
            )
        )
    return "\n".join(rows)


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _csr(store: ProfileStore, name: str) -> tuple[bytes, x509.CertificateSigningRequest]:
    data = store.read_artefact(name, Artefact.CSR)
    if data is None:
        raise WizardError(
            "csr.missing",
            translate(
                "ca_enroll",
                "Profile {name!r} has no certificate request to send to the CA. Create one "
                "first: cpi-cert-wizard csr --profile {name} --cn …",
            ).format(name=name),
        )
    return data, x509.load_pem_x509_csr(data)


def _password(
    secrets: Secrets, name: str, settings: CaSettings, password: str | None
) -> tuple[str | None, bool]:
    """(password, whether it came from the caller and should be kept in the keyring)."""
    if not settings.needs_password:
        return None, False
    if password is not None:
        return password, True
    return secrets.fetch(name, SecretKind.CA_ENROLL), False


def _keep_password(secrets: Secrets, name: str, password: str | None, given: bool) -> str | None:
    if password is None:
        return None
    if not given:
        return translate("ca_enroll", "the keyring ({keyring})").format(
            keyring=secrets.backend_name
        ) if secrets.available else None  # fmt: skip
    if not secrets.available:
        return translate("ca_enroll", "not stored (no keyring): you will be asked again")
    try:
        secrets.store(name, SecretKind.CA_ENROLL, password)
    except SecretsUnavailable as exc:
        return translate("ca_enroll", "not stored ({reason})").format(reason=exc.message)
    return translate("ca_enroll", "the keyring ({keyring})").format(keyring=secrets.backend_name)


def _client_certificate(
    store: ProfileStore, secrets: Secrets, profile_name: str
) -> tuple[Path, Path, str]:
    """(chain PEM, encrypted key PEM, passphrase) of a profile's certificate, for TLS sign-in.

    The current certificate; after a new key (`csr --new-key`) the one in the newest archive
    folder that has both (the passphrase is kept across re-keys).
    """
    store.load(profile_name)
    candidates = [store.folder(profile_name)]
    archive = store.folder(profile_name) / "archive"
    if archive.is_dir():
        candidates += sorted((p for p in archive.iterdir() if p.is_dir()), reverse=True)
    for folder in candidates:
        chain = folder / Artefact.CLIENT_CHAIN_PEM.value
        if not chain.is_file():
            chain = folder / Artefact.CHAIN.value
        key = folder / Artefact.KEY.value
        if (
            chain.is_file()
            and key.is_file()
            and _key_matches(chain, key, folder, store, profile_name)
        ):
            passphrase = secrets.fetch(profile_name, SecretKind.KEY_PASSPHRASE)
            return chain, key, passphrase
    raise WizardError(
        f"{AREA}.no_client_certificate",
        translate(
            "ca_enroll",
            "Profile {name!r} has no certificate to sign in to the EST server with. Enroll "
            "first (ca-enroll --est URL with --auth basic), or import its certificate.",
        ).format(name=profile_name),
    )


def _key_matches(chain: Path, key: Path, folder: Path, store: ProfileStore, name: str) -> bool:
    """The chain's leaf belongs to the key beside it (the current folder can hold a new key)."""
    if folder != store.folder(name):
        return True  # archived together, they belong together
    request = store.read_artefact(name, Artefact.CSR)
    if request is None:
        return True
    leaf = x509.load_pem_x509_certificates(chain.read_bytes())[0]
    return x509.load_pem_x509_csr(request).public_key() == leaf.public_key()


def _credentials(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    settings: CaSettings,
    password: str | None,
    *,
    renewal: bool,
) -> tuple[Credentials, str | None, bool]:
    if settings.kind is CaKind.EST and (renewal or settings.auth is Auth.CERTIFICATE):
        chain, key, passphrase = _client_certificate(
            store, secrets, settings.client_profile or name
        )
        return (
            Credentials(Auth.CERTIFICATE, client_chain=chain, client_key=key,
                        key_password=passphrase),
            None,
            False,
        )  # fmt: skip
    secret, given = _password(secrets, name, settings, password)
    return Credentials(settings.auth, settings.user, secret), secret, given


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _import(
    store: ProfileStore,
    name: str,
    certificates: Sequence[x509.Certificate],
    settings: CaSettings,
    request_id: str | None,
    sap_roots: Path | None,
    fetch_aia: bool,
) -> ImportResult:
    host = settings.base
    source = (
        translate("ca_enroll", "The certificate the CA at {url} issued (request {id})").format(
            url=host, id=request_id
        )
        if request_id
        else translate("ca_enroll", "The certificate the CA at {url} issued").format(url=host)
    )
    try:
        return import_certificates(
            store, name, certificates, source=source, sap_roots=sap_roots, fetch_aia=fetch_aia
        )
    except ChainRejected as exc:
        exc.message += "\n" + _after_refusal(store, name, settings, request_id)
        exc.args = (exc.message,)
        raise


def _after_refusal(
    store: ProfileStore, name: str, settings: CaSettings, request_id: str | None
) -> str:
    """What to do once the cause of a refused import is fixed (the profile is unchanged)."""
    if request_id and store.load(name).ca_pending_id == request_id:
        return translate(
            "ca_enroll",
            "Nothing was imported; the profile is unchanged. Once the cause is fixed, fetch it "
            "again with: cpi-cert-wizard ca-enroll --profile {name} --check",
        ).format(name=name)
    if request_id:
        return translate(
            "ca_enroll",
            "Nothing was imported; the profile is unchanged. The CA keeps the certificate as "
            "request {id}: once the cause is fixed, download {url} and import it with "
            "cpi-cert-wizard import-reply --profile {name} FILE",
        ).format(
            id=request_id, name=name, url=f"{settings.base}certnew.p7b?ReqID={request_id}&Enc=bin"
        )
    return translate(
        "ca_enroll",
        "Nothing was imported; the profile is unchanged. Once the cause is fixed, send the "
        "request again: cpi-cert-wizard ca-enroll --profile {name}",
    ).format(name=name)


def _save(
    store: ProfileStore,
    name: str,
    csr_pem: bytes,
    settings: CaSettings,
    *,
    pending_id: str | None,
    retry_after: dt.datetime | None = None,
    keep_since: bool = False,
) -> Profile:
    with store.change(name):
        profile = store.load(name)  # again, locked
        if store.read_artefact(name, Artefact.CSR) != csr_pem:
            raise WizardError(
                "csr.changed",
                translate(
                    "ca_enroll",
                    "The key of profile {name!r} was replaced while the CA was being asked; "
                    "the CA's answer belongs to the old request. Send the new one.",
                ).format(name=name),
            )
        settings.keep_in(profile)
        if pending_id is None:
            profile.ca_pending_id = profile.ca_pending_since = None
            profile.ca_pending_csr_sha256 = profile.ca_retry_after = None
        else:
            if not (keep_since and profile.ca_pending_since):
                profile.ca_pending_since = now_utc().isoformat()
            profile.ca_pending_id = pending_id
            profile.ca_pending_csr_sha256 = _fingerprint(csr_pem)
            profile.ca_retry_after = retry_after.isoformat() if retry_after else None
        return store.save(profile)


def _denied(settings: CaSettings, request_id: str | None, reason: str) -> WizardError:
    advice = adcs.denial_advice(reason)
    reason = reason or translate("ca_enroll", "it gave no reason")
    if request_id:
        text = translate("ca_enroll", "The CA at {url} denied request {id}: {reason}").format(
            url=settings.base, id=request_id, reason=reason
        )
    else:
        text = translate("ca_enroll", "The CA at {url} denied the request: {reason}").format(
            url=settings.base, reason=reason
        )
    message = f"{text}\n{advice}" if advice else text  # both translated above
    return WizardError(f"{AREA}.denied", message)


def send_to_ca(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    settings: CaSettings,
    *,
    password: str | None = None,
    renewal: bool = False,
    sap_roots: Path | None = None,
    fetch_aia: bool = True,
    timeout: float = https.DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    show_ca_chain: ShowCaChain | None = None,
) -> CaEnrollResult:
    """Send profile `name`'s CSR to the CA; import the certificate or keep the pending request.

    `renewal` uses EST's simplereenroll, signed in with the profile's current certificate.
    Raises `WizardError` (`ca_enroll.denied`, `ca_enroll.credentials`, `ca_enroll.login_page`,
    `ca_enroll.ca_expired`, a `ChainRejected` from the import, …) and then leaves the profile as
    it was.
    """
    settings = validate_settings(settings)
    profile = store.load(name)
    csr_pem, request = _csr(store, name)
    if profile.ca_pending_id and profile.ca_pending_csr_sha256 == _fingerprint(csr_pem):
        raise WizardError(
            f"{AREA}.already_pending",
            translate(
                "ca_enroll",
                "This request of profile {name!r} is already {note}. Collect it with: "
                "cpi-cert-wizard ca-enroll --profile {name} --check",
            ).format(name=name, note=pending_note(profile)),
        )
    credentials, secret, given = _credentials(
        store, secrets, name, settings, password, renewal=renewal
    )
    with Connection(
        settings.base, credentials, ca_files=settings.ca_files, proxy=settings.proxy,
        timeout=timeout,
    ) as conn:  # fmt: skip
        if settings.kind is CaKind.ADCS:
            result = _send_adcs(
                store, name, settings, conn, csr_pem, progress, sap_roots, fetch_aia
            )
        else:
            result = _send_est(
                store, name, settings, conn, csr_pem, request, renewal, progress, show_ca_chain,
                sap_roots, fetch_aia,
            )  # fmt: skip
    return replace(result, password_kept_in=_keep_password(secrets, name, secret, given))


def _send_adcs(
    store: ProfileStore,
    name: str,
    settings: CaSettings,
    conn: Connection,
    csr_pem: bytes,
    progress: Progress | None,
    sap_roots: Path | None,
    fetch_aia: bool,
) -> CaEnrollResult:
    _say(
        progress,
        translate("ca_enroll", "Sending the CSR to {url} (template {template}) …").format(
            url=settings.base, template=settings.template
        ),
    )
    page = adcs.submit(conn, settings.base, csr_pem.decode("ascii"), settings.template or "")
    if page.outcome is adcs.Outcome.DENIED:
        raise _denied(settings, page.request_id, page.reason)
    if page.outcome is adcs.Outcome.PENDING:
        if not page.request_id:
            raise WizardError(
                f"{AREA}.no_request_id",
                translate(
                    "ca_enroll",
                    "The CA at {url} keeps the request pending but its page shows no request "
                    "id, so it cannot be collected later. Ask the CA administrators for it.",
                ).format(url=settings.base),
            )
        profile = _save(store, name, csr_pem, settings, pending_id=page.request_id)
        return CaEnrollResult(
            CaOutcome.PENDING, profile, settings, page.request_id, profile.ca_pending_since
        )
    return _collect_adcs(store, name, settings, conn, csr_pem, page.request_id or "", progress,
                         sap_roots, fetch_aia)  # fmt: skip


def _collect_adcs(
    store: ProfileStore,
    name: str,
    settings: CaSettings,
    conn: Connection,
    csr_pem: bytes,
    request_id: str,
    progress: Progress | None,
    sap_roots: Path | None,
    fetch_aia: bool,
) -> CaEnrollResult:
    _say(
        progress,
        translate("ca_enroll", "Fetching the certificate of request {id} …").format(id=request_id),
    )
    certificates = adcs.fetch_chain(conn, settings.base, request_id)
    _say(progress, translate("ca_enroll", "Checking the chain …"))
    imported = _import(store, name, certificates, settings, request_id, sap_roots, fetch_aia)
    profile = _save(store, name, csr_pem, settings, pending_id=None)
    return CaEnrollResult(CaOutcome.ISSUED, profile, settings, request_id, imported=imported)


def _send_est(
    store: ProfileStore,
    name: str,
    settings: CaSettings,
    conn: Connection,
    csr_pem: bytes,
    request: x509.CertificateSigningRequest,
    renewal: bool,
    progress: Progress | None,
    show_ca_chain: ShowCaChain | None,
    sap_roots: Path | None,
    fetch_aia: bool,
    *,
    keep_since: bool = False,
) -> CaEnrollResult:
    _say(
        progress,
        translate("ca_enroll", "Reading the CA certificates from {url} …").format(
            url=settings.base
        ),
    )
    ca_certificates = est.cacerts(conn, settings.base)
    lines = est.check_ca_chain(ca_certificates, settings.base + "cacerts")
    if show_ca_chain is not None:
        show_ca_chain(lines)
    _say(
        progress,
        translate("ca_enroll", "Sending the CSR to {url} ({operation}) …").format(
            url=settings.base, operation="simplereenroll" if renewal else "simpleenroll"
        ),
    )
    answer = est.enroll(conn, settings.base, request, renewal=renewal)
    if not answer.certificates:
        profile = _save(
            store, name, csr_pem, settings, pending_id="est", retry_after=answer.retry_after,
            keep_since=keep_since,
        )  # fmt: skip
        return CaEnrollResult(
            CaOutcome.PENDING, profile, settings, None, profile.ca_pending_since,
            profile.ca_retry_after, lines, still_pending=keep_since,
        )  # fmt: skip
    _say(progress, translate("ca_enroll", "Checking the chain …"))
    certificates = [*answer.certificates, *ca_certificates]
    imported = _import(store, name, certificates, settings, None, sap_roots, fetch_aia)
    profile = _save(store, name, csr_pem, settings, pending_id=None)
    return CaEnrollResult(CaOutcome.ISSUED, profile, settings, None, ca_chain=lines,
                          imported=imported)  # fmt: skip


def check_pending(
    store: ProfileStore,
    secrets: Secrets,
    name: str,
    *,
    password: str | None = None,
    sap_roots: Path | None = None,
    fetch_aia: bool = True,
    timeout: float = https.DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    show_ca_chain: ShowCaChain | None = None,
) -> CaEnrollResult:
    """Ask the CA again about the profile's pending request; import it once issued.

    Still pending: the profile is unchanged. Denied: the pending request is forgotten (the CA
    will never issue it) and `ca_enroll.denied` says why.
    """
    profile = store.load(name)
    settings = CaSettings.of(profile)
    if settings is None or not profile.ca_pending_id:
        raise WizardError(
            f"{AREA}.nothing_pending",
            translate(
                "ca_enroll",
                "Profile {name!r} has no request waiting at a CA. Send its CSR with: "
                "cpi-cert-wizard ca-enroll --profile {name} --adcs URL --template NAME (or "
                "--est URL)",
            ).format(name=name),
        )
    csr_pem, request = _csr(store, name)
    if profile.ca_pending_csr_sha256 != _fingerprint(csr_pem):
        raise WizardError(
            f"{AREA}.pending_for_old_key",
            translate(
                "ca_enroll",
                "The request waiting at the CA belongs to an earlier key of profile {name!r}; "
                "the profile now has a new CSR. Send the new one (without --check).",
            ).format(name=name),
        )
    credentials, secret, given = _credentials(
        store, secrets, name, settings, password, renewal=False
    )
    with Connection(
        settings.base, credentials, ca_files=settings.ca_files, proxy=settings.proxy,
        timeout=timeout,
    ) as conn:  # fmt: skip
        if settings.kind is CaKind.EST:
            result = _send_est(
                store, name, settings, conn, csr_pem, request, False, progress, show_ca_chain,
                sap_roots, fetch_aia, keep_since=True,
            )  # fmt: skip
        else:
            result = _check_adcs(
                store, name, settings, conn, csr_pem, profile, progress, sap_roots, fetch_aia
            )
    return replace(result, password_kept_in=_keep_password(secrets, name, secret, given))


def _check_adcs(
    store: ProfileStore,
    name: str,
    settings: CaSettings,
    conn: Connection,
    csr_pem: bytes,
    profile: Profile,
    progress: Progress | None,
    sap_roots: Path | None,
    fetch_aia: bool,
) -> CaEnrollResult:
    request_id = profile.ca_pending_id or ""
    _say(
        progress,
        translate("ca_enroll", "Asking {url} about request {id} …").format(
            url=settings.base, id=request_id
        ),
    )
    page = adcs.retrieve(conn, settings.base, request_id)
    if page.outcome is adcs.Outcome.PENDING:
        return CaEnrollResult(
            CaOutcome.PENDING, profile, settings, request_id, profile.ca_pending_since,
            still_pending=True,
        )  # fmt: skip
    if page.outcome is adcs.Outcome.DENIED:
        _save(store, name, csr_pem, settings, pending_id=None)  # it will never be issued
        raise _denied(settings, request_id, page.reason)
    return _collect_adcs(store, name, settings, conn, csr_pem, request_id, progress, sap_roots,
                         fetch_aia)  # fmt: skip


def templates(
    settings: CaSettings,
    secrets: Secrets,
    name: str,
    *,
    password: str | None = None,
    timeout: float = https.DEFAULT_TIMEOUT,
) -> list[adcs.Template]:
    """The templates the AD CS web enrollment offers this user (empty when the page has none)."""
    secret, _given = _password(secrets, name, settings, password)
    credentials = Credentials(settings.auth, settings.user, secret)
    with Connection(
        settings.base, credentials, ca_files=settings.ca_files, proxy=settings.proxy,
        timeout=timeout,
    ) as conn:  # fmt: skip
        return adcs.list_templates(conn, settings.base)

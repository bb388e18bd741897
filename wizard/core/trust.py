"""Where trust comes from: certifi's Mozilla bundle, the OS store, --ca-file, and SAP's root list.

A `TrustSource` is a named bag of certificates that may complete a chain; only self-signed ones
among them ever become trust anchors (chain.py decides that). The SAP list is different: it holds
fingerprints, not certificates, and judges the root a chain ends in.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from wizard.core import jsontext
from wizard.core.certs import fingerprint
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.reply import (
    NEED_CA_CERTIFICATES,
    NEED_SAP_ROOTS,
    parse_certificates,
    parse_certificates_lenient,
)
from wizard.core.storage import read_input_file
from wizard.resources import resource

DEFAULT_SAP_LIST = "sap-btp-trust-store-v3.0.0.json"

# Linux distributions keep the OS bundle in different places; ssl's default path covers only one.
_SYSTEM_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Alpine
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # macOS, BSDs
)


class SapStatus(StrEnum):
    REQUIRED = "required"  # on the list and in the store every BTP client must trust
    APPROVED = "approved"  # on the list of roots approved for client certificates
    REMOVED = "removed"  # was on the list, removed in this version
    EXPIRED = "expired"  # a historic root that has expired (Baltimore CyberTrust Root)
    NOT_LISTED = "not-listed"


@dataclass(frozen=True)
class SapRoot:
    subject: str
    sha256: str  # lowercase hex without colons; "" when SAP only published SHA-1
    stores: frozenset[str]  # {"required", "optional"}; empty for removed/expired entries
    not_after: str
    sha1: str = ""
    note: str = ""


@dataclass(frozen=True)
class SapTrustList:
    """SAP's list of roots for client certificates, and which version of it we judge against."""

    version: str  # which list (and version) a judgement used: said with every judgement
    roots: tuple[SapRoot, ...] = ()
    removed: tuple[SapRoot, ...] = ()
    expired: tuple[SapRoot, ...] = ()
    certificates: tuple[x509.Certificate, ...] = field(default=(), compare=False)
    custom_domain: bool = False  # the customer's trusted CAs of a custom domain, not SAP's list

    def status(self, cert: x509.Certificate) -> SapStatus:
        sha256, sha1 = _fingerprints(cert)
        for root in self.roots:
            if root.sha256 == sha256 or (not root.sha256 and root.sha1 == sha1):
                return SapStatus.REQUIRED if "required" in root.stores else SapStatus.APPROVED
        if any(_matches(r, sha256, sha1) for r in self.removed):
            return SapStatus.REMOVED
        if any(_matches(r, sha256, sha1) for r in self.expired):
            return SapStatus.EXPIRED
        return SapStatus.NOT_LISTED

    def entry(self, cert: x509.Certificate) -> SapRoot | None:
        sha256, sha1 = _fingerprints(cert)
        for root in (*self.roots, *self.removed, *self.expired):
            if _matches(root, sha256, sha1):
                return root
        return None


def load_sap_list(path: Path | None = None) -> SapTrustList:
    """SAP's list: the shipped JSON by default; a user's newer JSON replaces it, a PEM bundle of
    roots adds to it (SAP's pages name roots the bundled list lacks, so a user may add them)."""
    if path is None:
        return _shipped_list()
    path = Path(path)
    data = read_input_file(path, what=translate("trust", "an SAP trust list"))
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _list_from_json(data, source=str(path), fallback_version=path.name)
    certificates = parse_certificates(data, source=str(path), need=NEED_SAP_ROOTS)
    roots = _roots_of(certificates)
    base = _shipped_list()
    added = tuple(r for r in roots if not any(_matches(r, b.sha256, b.sha1) for b in base.roots))
    return SapTrustList(
        version=translate("trust", "{base} plus {count} root(s) from {file}").format(
            base=base.version, count=len(added), file=path.name
        ),
        roots=base.roots + added,
        removed=base.removed,
        expired=base.expired,
        certificates=tuple(certificates),
    )


def custom_domain_list(path: Path, domain: str) -> SapTrustList:
    """The CAs a customer configured for a custom domain (customer-managed trust model): the
    roots a client chain is judged against instead of SAP's list."""
    path = Path(path)
    data = read_input_file(path, what=translate("trust", "the trusted CAs of the custom domain"))
    certificates = parse_certificates(data, source=str(path), need=NEED_CA_CERTIFICATES)
    return SapTrustList(
        version=translate(
            "trust", "the trusted CAs configured for the custom domain {domain} ({file})"
        ).format(domain=domain, file=path.name),
        roots=_roots_of(certificates),
        certificates=tuple(certificates),
        custom_domain=True,
    )


def _roots_of(certificates: Sequence[x509.Certificate]) -> tuple[SapRoot, ...]:
    return tuple(
        SapRoot(
            subject=cert.subject.rfc4514_string(),
            sha256=_fingerprints(cert)[0],
            stores=frozenset({"optional"}),
            not_after=cert.not_valid_after_utc.strftime("%Y-%m-%d"),
            sha1=_fingerprints(cert)[1],
        )
        for cert in certificates
    )


SETTINGS_SAP_ROOTS = "sap_roots"  # settings.json key: a file of roots the user adds (GUI setting)


def saved_sap_roots(home: Path) -> Path | None:
    """The roots file the user chose in the wizard's settings (settings.json), if any."""
    from wizard.language import read_settings

    value = read_settings(Path(home)).get(SETTINGS_SAP_ROOTS)
    return Path(value).expanduser() if isinstance(value, str) and value.strip() else None


def save_sap_roots(home: Path, path: Path | None) -> Path:
    """Remember (or forget, with None) the roots file the wizard adds to SAP's list."""
    from wizard.core.storage import atomic_write
    from wizard.language import read_settings, settings_path

    settings = read_settings(Path(home))
    if path is None:
        settings.pop(SETTINGS_SAP_ROOTS, None)
    else:
        load_sap_list(Path(path))  # refuse a file that is not a list of roots, before saving it
        settings[SETTINGS_SAP_ROOTS] = str(Path(path).expanduser().resolve())
    return atomic_write(
        settings_path(Path(home)), json.dumps(settings, indent=2) + "\n", private=False
    )


@functools.cache
def _shipped_list_read() -> SapTrustList:
    path = resource(DEFAULT_SAP_LIST)
    data = read_input_file(
        path, what=translate("trust", "the SAP trust list shipped with the wizard")
    )
    # our own file: json.loads as it is (jsontext's scan for hostile nesting costs ~2 ms here)
    return _list_from_json(data, source=str(path), fallback_version=path.name, shipped=True)


def _shipped_list() -> SapTrustList:
    """The shipped list, read once; its name in the language in use now."""
    shipped = _shipped_list_read()
    version = _named_version(shipped.version)
    return shipped if version == shipped.version else replace(shipped, version=version)


_shipped_list.cache_clear = _shipped_list_read.cache_clear  # type: ignore[attr-defined]


def _list_from_json(
    data: bytes, *, source: str, fallback_version: str, shipped: bool = False
) -> SapTrustList:
    try:
        text = data.decode("utf-8-sig")
        doc = json.loads(text) if shipped else jsontext.loads(text)
        roots = tuple(_sap_root(item) for item in doc["roots"])
        removed = tuple(
            _sap_root(item)
            for key, items in doc.items()
            if key.startswith("removed")
            for item in items
        )
        expired = tuple(_sap_root(item) for item in doc.get("expired_notable", ()))
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise WizardError(
            "sap_list.unreadable",
            translate(
                "trust",
                "{file} is not an SAP trust list the wizard can read ({problem}). Give the JSON "
                "shipped in resources/ (same shape) or a PEM bundle of roots.",
            ).format(file=source, problem=f"{type(exc).__name__}: {exc}"),
        ) from None
    return SapTrustList(
        version=_version_of(doc, fallback_version), roots=roots, removed=removed, expired=expired
    )


def _sap_root(item: dict) -> SapRoot:
    stores = item.get("stores") or ()
    if isinstance(stores, str):
        stores = [stores]
    return SapRoot(
        subject=str(item["subject"]),
        sha256=_hex(item.get("sha256", "")),
        stores=frozenset(str(s) for s in stores),
        not_after=str(item.get("not_after", "")),
        sha1=_hex(item.get("sha1", "")),
        note=str(item.get("note", "")),
    )


_STORE_NAME = "SAP BTP trust store"  # SAP's words; said in the user's language by _named_version


def _named_version(version: str) -> str:
    if not version.startswith(_STORE_NAME + " "):
        return version
    return translate("trust", "SAP BTP trust store {version}").format(
        version=version.removeprefix(_STORE_NAME + " ")
    )


def _version_of(doc: dict, fallback: str) -> str:
    if isinstance(doc.get("version"), str):
        return doc["version"]
    source = str(doc.get("source", ""))
    version = re.search(r"version\s+(v?[\d.]+)", source)
    released = re.search(r"released\s+(\d{4}-\d{2}-\d{2})", source)
    if version:
        text = f"{_STORE_NAME} {version.group(1)}"
        return f"{text} ({released.group(1)})" if released else text
    return fallback


def _hex(text: str) -> str:
    return str(text).replace(":", "").replace(" ", "").lower()


def _fingerprints(cert: x509.Certificate) -> tuple[str, str]:
    return fingerprint(cert), cert.fingerprint(hashes.SHA1()).hex()  # noqa: S303


def _matches(root: SapRoot, sha256: str, sha1: str) -> bool:
    return (bool(root.sha256) and root.sha256 == sha256) or (bool(root.sha1) and root.sha1 == sha1)


@dataclass(frozen=True)
class TrustSource:
    """A named set of certificates that may complete a chain ("certifi", "system store", …)."""

    name: str
    certificates: tuple[x509.Certificate, ...]

    @functools.cached_property
    def by_subject(self) -> dict[x509.Name, tuple[x509.Certificate, ...]]:
        index: dict[x509.Name, list[x509.Certificate]] = {}
        for cert in self.certificates:
            index.setdefault(cert.subject, []).append(cert)
        return {name: tuple(certs) for name, certs in index.items()}

    @functools.cached_property
    def fingerprints(self) -> frozenset[str]:
        """SHA-256 (lowercase hex) of every certificate, computed once per source."""
        return frozenset(fingerprint(c) for c in self.certificates)


def _quietly(load, *args):
    # Legacy roots (e.g. a negative serial) trigger deprecation warnings that mean nothing to users.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(*args)


def _certifi_bundle() -> Path:
    """certifi's bundle: beside its module (a plain or frozen install), else where it says.

    certifi.where() goes through importlib.resources (2-3 ms at start-up) to find the same file.
    """
    beside = Path(certifi.__file__).with_name("cacert.pem")
    return beside if beside.is_file() else Path(certifi.where())


@functools.cache
def certifi_source() -> TrustSource:
    data = _certifi_bundle().read_bytes()
    return TrustSource("certifi", tuple(_quietly(parse_certificates_lenient, data)))


@functools.cache
def system_source() -> TrustSource:
    """The OS trust store where Python can read it; empty (never an error) where it cannot."""
    found: list[x509.Certificate] = []
    paths = _default_verify_paths()
    bundles = [paths.cafile, paths.openssl_cafile, *_SYSTEM_BUNDLES]
    # by real path: /usr/lib/ssl/cert.pem is often a link to the same bundle (read once)
    for bundle in dict.fromkeys(os.path.realpath(b) for b in bundles if b):
        try:
            found.extend(_quietly(parse_certificates_lenient, Path(bundle).read_bytes()))
        except OSError:
            continue
    if not found:  # no bundle file: read the hashed folder OpenSSL uses instead
        for folder in dict.fromkeys(d for d in (paths.capath, paths.openssl_capath) if d):
            found.extend(_from_hashed_dir(Path(folder)))
    if found and sys.platform != "win32":
        # load_default_certs would read the same bundle file again (55 ms; issue 19): only
        # Windows has a store behind it that the files above do not hold.
        # the first of each certificate (a certificate hashes and compares by its DER)
        return TrustSource("system store", tuple(dict.fromkeys(found)))
    import ssl  # here, not at start-up: Windows' store is read through it

    try:  # Windows (and a system without a bundle file): the store behind load_default_certs
        context = ssl.create_default_context()
        for der in context.get_ca_certs(binary_form=True):
            try:
                found.append(_quietly(x509.load_der_x509_certificate, der))
            except ValueError:
                continue
    except (ssl.SSLError, OSError):
        pass
    return TrustSource("system store", tuple(dict.fromkeys(found)))


class _VerifyPaths(NamedTuple):
    cafile: str | None
    capath: str | None
    openssl_cafile: str
    openssl_capath: str


def _default_verify_paths() -> _VerifyPaths:
    """What `ssl.get_default_verify_paths()` says, without importing `ssl` (5-7 ms at start-up):
    the same steps on the `_ssl` module it wraps (SSL_CERT_FILE/SSL_CERT_DIR override OpenSSL's
    built-in places; a place that does not exist is None)."""
    try:
        import _ssl

        env_file, openssl_cafile, env_dir, openssl_capath = _ssl.get_default_verify_paths()
    except (ImportError, AttributeError, ValueError):
        import ssl

        paths = ssl.get_default_verify_paths()
        return _VerifyPaths(
            paths.cafile, paths.capath, paths.openssl_cafile, paths.openssl_capath
        )  # fmt: skip
    cafile = os.environ.get(env_file, openssl_cafile)
    capath = os.environ.get(env_dir, openssl_capath)
    return _VerifyPaths(
        cafile if os.path.isfile(cafile) else None,
        capath if os.path.isdir(capath) else None,
        openssl_cafile,
        openssl_capath,
    )


def _from_hashed_dir(folder: Path) -> list[x509.Certificate]:
    found: list[x509.Certificate] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return found
    for entry in entries:
        if not re.fullmatch(r"[0-9a-f]{8}\.\d+", entry.name):
            continue
        try:
            found.extend(_quietly(parse_certificates_lenient, entry.read_bytes()))
        except OSError:
            continue
    return found


# --ca-file sources read in this process, by the file's identity and version: a batch import
# checks every profile's chain against the same files (read once, not once per profile).
_CA_FILES: dict[tuple, TrustSource] = {}


def ca_file_source(path: Path) -> TrustSource:
    """Certificates a user offers to complete a chain (PEM, DER or PKCS#7)."""
    path = Path(path)
    try:
        seen = os.stat(path)
        key: tuple | None = (
            os.path.abspath(path), seen.st_dev, seen.st_ino, seen.st_size, seen.st_mtime_ns
        )  # fmt: skip
    except OSError:
        key = None  # read_input_file says what is wrong
    if key is not None and (known := _CA_FILES.get(key)) is not None:
        return known
    data = read_input_file(path, what=translate("trust", "a CA certificate file"))
    name = f"--ca-file {path.resolve()}"
    source = TrustSource(
        name, tuple(parse_certificates(data, source=str(path), need=NEED_CA_CERTIFICATES))
    )
    if key is not None:
        if len(_CA_FILES) >= 64:
            _CA_FILES.clear()
        _CA_FILES[key] = source
    return source


def sap_list_source(sap_list: SapTrustList) -> TrustSource | None:
    """The roots of a PEM-bundle SAP list as a source; None for the JSON list (no certificates)."""
    if not sap_list.certificates:
        return None
    return TrustSource("SAP list", sap_list.certificates)


def default_sources(
    ca_files: Sequence[Path] = (), *, sap_list: SapTrustList | None = None
) -> list[TrustSource]:
    """--ca-file sources first (in the order given), then certifi, the OS store, the SAP list."""
    sources = [ca_file_source(Path(p)) for p in ca_files]
    sources.append(certifi_source())
    system = system_source()
    if system.certificates:
        sources.append(system)
    if sap_list is not None and (extra := sap_list_source(sap_list)) is not None:
        sources.append(extra)
    return sources


def list_for_profile(profile, store, sap_roots: Path | None = None) -> SapTrustList:
    """The list a profile's chain is judged against: the custom domain's trusted CAs when the
    profile says its tenant is reached through one (and they were given), else SAP's list."""
    from wizard.core.profiles import Artefact

    if getattr(profile, "custom_domain", None):
        path = store.path(profile.name, Artefact.CUSTOM_DOMAIN_CAS)
        if path.is_file():
            return custom_domain_list(path, profile.custom_domain)
    return load_sap_list(sap_roots)

"""Trust the tenant: read its server chain, resolve the root, judge it, save it for the sender.

probe (tlsprobe) → complete the chain to its root and check it for the host (chain.py) → judge
the root against SAP's list and the host name against the Neo/Cloud Foundry patterns → save the
root (.cer DER, .pem) and the whole chain (.pem) into the profile and/or a folder. The result is a
`FetchRootReport`, which the CLI and the GUI both show. Nothing is written unless a root was found.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from wizard.core import tlsprobe, trust
from wizard.core.chain import ChainLink, check_server_chain, fingerprint
from wizard.core.errors import WizardError
from wizard.core.i18n import Face, current_face, for_face, translate
from wizard.core.profiles import Artefact, ProfileStore, validate_profile_name
from wizard.core.storage import write_file_set
from wizard.core.tlsprobe import DEFAULT_TIMEOUT, ProbeResult, Target
from wizard.core.trust import SapStatus, SapTrustList, TrustSource

SENT_BY_SERVER = "sent by server"
# The files fetch-root writes, in the profile and in --out alike.
ROOT_FILES = (Artefact.TENANT_ROOT_CER, Artefact.TENANT_ROOT_PEM, Artefact.TENANT_CHAIN_PEM)


class Environment(StrEnum):
    NEO = "neo"
    CF = "cf"


_NEO_RUNTIME = re.compile(r"-iflmap\.")
_CF_RUNTIME = re.compile(r"-rt\.cfapps\.")
_NEO_MANAGEMENT = re.compile(r"-tmn\.hci\.")
_CF_MANAGEMENT = re.compile(r"\.it-cpi\d+\.cfapps\.")


def detect_environment(host: str) -> Environment | None:
    """Neo (`-iflmap.`) or Cloud Foundry (`-rt.cfapps.`) from the host name; None if neither."""
    host = host.lower()
    if _NEO_RUNTIME.search(host) or _NEO_MANAGEMENT.search(host):
        return Environment.NEO
    if _CF_RUNTIME.search(host) or _CF_MANAGEMENT.search(host):
        return Environment.CF
    return None


def host_notes(host: str) -> tuple[str, ...]:
    """Hints about the host name a person gave (management instead of runtime host)."""
    host = host.lower()
    if _NEO_MANAGEMENT.search(host):
        return (
            f"{host} is the Neo management (tmn) host; senders call the runtime host, which "
            "ends in -iflmap. (…-iflmap.hcisbp.<region>.hana.ondemand.com). Fetch the root from "
            "that host.",
        )
    if _CF_MANAGEMENT.search(host) and not _CF_RUNTIME.search(host):
        return (
            f"{host} is the Cloud Foundry design-time/API host; senders call the runtime host "
            "(…-rt.cfapps.…, the url of the integration-flow service key). Fetch the root from "
            "that host.",
        )
    return ()


@dataclass(frozen=True)
class ChainEntry(ChainLink):
    """One certificate of the server's chain, its place in it and where it came from."""

    role: str = "intermediate"  # "leaf" | "intermediate" | "root"
    sent_by_server: bool = False

    @property
    def origin(self) -> str:
        return SENT_BY_SERVER if self.sent_by_server else f"resolved from {self.source}"


@dataclass(frozen=True)
class FetchRootReport:
    """What fetch-root learned about a tenant host, and the files it wrote (if any)."""

    target: Target
    servername: str | None
    environment: Environment | None
    protocol: str
    cipher: str
    proxy: str | None
    chain: tuple[ChainEntry, ...]  # leaf first; root last when resolved
    root: x509.Certificate | None
    valid_for_host: bool
    problems: tuple[str, ...]  # why the chain is not valid for the host (chain.py's words)
    sap_status: SapStatus | None  # of the root; None when no root was found
    sap_list_version: str
    client_cert_requested: bool
    client_ca_names: tuple[str, ...]  # RFC 4514
    handshake_error: str | None = None
    notes: tuple[str, ...] = ()
    profile: str | None = None
    files: Mapping[str, Path] = field(default_factory=dict)

    @property
    def checked_name(self) -> str:
        """The name the chain was checked against: --servername, else the host."""
        return self.servername or self.target.host

    @property
    def root_entry(self) -> ChainEntry | None:
        return self.chain[-1] if self.root is not None else None

    @property
    def root_sha256(self) -> str | None:
        return fingerprint(self.root) if self.root is not None else None

    @property
    def root_subject(self) -> str | None:
        return self.root.subject.rfc4514_string() if self.root is not None else None

    @property
    def sap_required(self) -> bool:
        return self.sap_status is SapStatus.REQUIRED

    @property
    def likely_intercepted(self) -> bool:
        """An SAP host whose chain ends in a root no public list knows (not certifi's, not SAP's):
        the signature of a TLS-inspecting proxy, whose own root must not become the tenant's."""
        entry = self.root_entry
        if entry is None:
            return False
        host = self.checked_name.lower()
        sap_host = host.endswith((".hana.ondemand.com", ".cloud.sap", ".sap.hana.ondemand.com"))
        public = entry.source in ("certifi", "SAP list") or self.sap_status not in (
            None,
            SapStatus.NOT_LISTED,
        )
        return sap_host and not public

    @property
    def trustworthy(self) -> bool:
        """Safe to save as the tenant's root without asking: a root was found, the chain is valid
        for the host, and nothing suggests an intercepting proxy."""
        return self.root is not None and self.valid_for_host and not self.likely_intercepted

    def verdict_lines(self) -> tuple[str, ...]:
        """The verdict for people, one statement a line (CLI and GUI show the same text)."""
        lines: list[str] = []
        if self.valid_for_host:
            lines.append(
                translate("fetch_root", "Server chain: valid for {name}.").format(
                    name=self.checked_name
                )
            )
        else:
            lines.append(
                translate("fetch_root", "Server chain: NOT valid for {name}:").format(
                    name=self.checked_name
                )
            )
            lines.extend(f"  - {problem}" for problem in self.problems)
        lines.extend(self._root_lines())
        lines.append(self._environment_line())
        lines.extend(self.notes)
        lines.extend(self._client_certificate_lines())
        if self.handshake_error:
            if self.client_cert_requested:
                ended = translate(
                    "fetch_root",
                    "The server ended the handshake after sending its chain ({error}); it "
                    "requires a client certificate, and none is sent when fetching the root. "
                    "The chain above was read before that.",
                )
            else:
                ended = translate(
                    "fetch_root",
                    "The server ended the handshake after sending its chain ({error}). "
                    "The chain above was read before that.",
                )
            lines.append(ended.format(error=self.handshake_error))
        return tuple(lines)

    def _root_lines(self) -> list[str]:
        entry = self.root_entry
        if entry is None:
            top = self.chain[-1]
            return [
                for_face(
                    translate(
                        "fetch_root",
                        "Root: not found, so nothing was saved. The chain stops at '{subject}', "
                        "issued by '{issuer}': get that CA's root certificate (from the CA's "
                        "website, or SAP's Connectivity Test) and pass it with --ca-file.",
                    ),
                    translate(
                        "fetch_root",
                        "Root: not found, so nothing was saved. The chain stops at '{subject}', "
                        "issued by '{issuer}': get that CA's root certificate (from the CA's "
                        "website, or SAP's Connectivity Test) and tick Skip on this step.",
                    ),
                ).format(subject=top.subject, issuer=top.issuer)
            ]
        if entry.sent_by_server:
            origin = translate("fetch_root", "sent by server")
        else:
            source = entry.source
            if current_face() is Face.GUI:  # the window names the file, not the flag
                source = source.removeprefix("--ca-file ")
            origin = translate("fetch_root", "resolved from {source}").format(source=source)
        lines = [
            translate("fetch_root", "Root: {subject} (SHA-256 {sha256}), {origin}.").format(
                subject=entry.subject, sha256=entry.sha256, origin=origin
            )
        ]
        status_line = {
            SapStatus.REQUIRED: translate(
                "fetch_root",
                "SAP's list, {version}: the root is on the required list "
                "(the roots every BTP client must trust).",
            ),
            SapStatus.APPROVED: translate(
                "fetch_root",
                "SAP's list, {version}: the root is approved, but not on the required list.",
            ),
            SapStatus.REMOVED: translate(
                "fetch_root",
                "SAP's list, {version}: the root is not in this version of the list (it was in "
                "earlier ones); whether SAP still uses it is not confirmed.",
            ),
            SapStatus.EXPIRED: translate(
                "fetch_root", "SAP's list, {version}: the root is an expired historic root."
            ),
            SapStatus.NOT_LISTED: translate(
                "fetch_root",
                "SAP's list, {version}: the root is not on it. That is "
                "unusual for an SAP Cloud Integration host: check that this is the tenant's "
                "runtime host, and whether a proxy or firewall that inspects TLS put its own "
                "root in front.",
            ),
        }
        if self.sap_status is not None:
            lines.append(status_line[self.sap_status].format(version=self.sap_list_version))
        return lines

    def _environment_line(self) -> str:
        if self.environment is Environment.NEO:
            return translate(
                "fetch_root", "Environment: Neo (the host is an -iflmap. runtime host)."
            )
        if self.environment is Environment.CF:
            return translate(
                "fetch_root",
                "Environment: Cloud Foundry (the host is an -rt.cfapps. runtime host).",
            )
        return translate(
            "fetch_root",
            "Environment: not recognised from the host name (neither Neo -iflmap. nor Cloud "
            "Foundry -rt.cfapps.); choose it in the profile.",
        )

    def _client_certificate_lines(self) -> list[str]:
        if not self.client_cert_requested:
            return [
                translate(
                    "fetch_root",
                    "Client certificates: the server did not ask for one during the handshake.",
                )
            ]
        if not self.client_ca_names:
            return [
                translate(
                    "fetch_root",
                    "Client certificates: the server asks for one and lists no CA names "
                    "(it does not say which CAs it accepts).",
                )
            ]
        count = len(self.client_ca_names)  # a plain name, so lupdate sees the plural call
        lines = [
            translate(
                "fetch_root",
                "Client certificates: the server asks for one and lists %n acceptable CA "
                "name(s); your certificate must chain to one of them:",
                None,
                count,
            )
        ]
        lines.extend(f"  - {name}" for name in self.client_ca_names)
        return lines

    def to_json(self) -> dict:
        entry = self.root_entry
        return {
            "target": {
                "host": self.target.host,
                "port": self.target.port,
                "url": self.target.url,
                "servername": self.servername,
            },
            "environment": self.environment.value if self.environment else None,
            "tls": {"protocol": self.protocol, "cipher": self.cipher, "proxy": self.proxy},
            "chain": [
                {
                    "role": e.role,
                    "subject": e.subject,
                    "issuer": e.issuer,
                    "not_after": e.not_after.isoformat(),
                    "sha256": e.sha256,
                    "sent_by_server": e.sent_by_server,
                    "source": e.source,
                    "origin": e.origin,
                }
                for e in self.chain
            ],
            "root": None
            if entry is None
            else {
                "subject": entry.subject,
                "sha256": entry.sha256,
                "sent_by_server": entry.sent_by_server,
                "source": entry.source,
            },
            "valid_for_host": self.valid_for_host,
            "checked_name": self.checked_name,
            "problems": list(self.problems),
            "sap": {
                "status": self.sap_status.value if self.sap_status else None,
                "required": self.sap_required,
                "list_version": self.sap_list_version,
            },
            "client_certificate": {
                "requested": self.client_cert_requested,
                "ca_names": list(self.client_ca_names),
            },
            "handshake_error": self.handshake_error,
            "notes": list(self.notes),
            "verdict": list(self.verdict_lines()),
            "profile": self.profile,
        }


def fetch_root(
    target: str | Target,
    *,
    ca_files: Sequence[Path] = (),
    proxy: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    servername: str | None = None,
    sap_roots: Path | None = None,
    sources: Sequence[TrustSource] | None = None,
    fetch_aia: bool = True,
    at: dt.datetime | None = None,
) -> FetchRootReport:
    """Probe `target` and resolve and judge its root. Writes nothing (see `save_root`).

    `proxy`: a proxy URL, "none" for a direct connection, or None for HTTPS_PROXY/NO_PROXY.
    `sources`: the trust sources; by default --ca-file(s), certifi, the OS store, the SAP list.
    """
    if isinstance(target, str):
        target = tlsprobe.parse_target(target)
    sap_list = trust.load_sap_list(sap_roots)
    if sources is None:  # read the user's files before going on the network: fail fast
        sources = trust.default_sources(ca_files, sap_list=sap_list)
    via = tlsprobe.proxy_for(target, proxy)
    probed = tlsprobe.probe(target, timeout=timeout, proxy=via, servername=servername)
    return assess(probed, sources=sources, sap_list=sap_list, fetch_aia=fetch_aia, at=at)


def assess(
    probed: ProbeResult,
    *,
    sources: Sequence[TrustSource],
    sap_list: SapTrustList,
    fetch_aia: bool = True,
    at: dt.datetime | None = None,
) -> FetchRootReport:
    """Resolve the root of what a server presented and judge it (no network but AIA)."""
    name = probed.servername or probed.target.host
    checked = check_server_chain(probed.presented, name, sources, at=at, fetch_aia=fetch_aia)
    sent = {fingerprint(c) for c in probed.presented}
    chain = tuple(
        _entry(link, index, len(checked.links), checked.root is not None, sent)
        for index, link in enumerate(checked.links)
    )
    return FetchRootReport(
        target=probed.target,
        servername=probed.servername,
        environment=detect_environment(name),
        protocol=probed.protocol,
        cipher=probed.cipher,
        proxy=probed.proxy,
        chain=chain,
        root=checked.root,
        valid_for_host=checked.valid_for_host,
        problems=checked.problems,
        sap_status=sap_list.status(checked.root) if checked.root is not None else None,
        sap_list_version=sap_list.version,
        client_cert_requested=probed.client_cert_requested,
        client_ca_names=probed.client_ca_names,
        handshake_error=probed.handshake_error,
        notes=host_notes(name),
    )


def _entry(link: ChainLink, index: int, count: int, resolved: bool, sent: set[str]) -> ChainEntry:
    if index == 0:
        role = "leaf" if count > 1 or not resolved else "root"
    elif index == count - 1 and resolved:
        role = "root"
    else:
        role = "intermediate"
    return ChainEntry(
        certificate=link.certificate,
        role=role,
        sent_by_server=link.sha256 in sent,
        source=link.source,
    )


def save_root(
    report: FetchRootReport,
    *,
    store: ProfileStore | None = None,
    profile: str | None = None,
    out: Path | None = None,
) -> FetchRootReport:
    """Write the root (.cer DER, .pem) and the chain (.pem) to `out` and/or the profile.

    The profile is created if it does not exist, and records host, port, environment, root and
    the server's client-certificate request. Without a root nothing is written at all. Returns
    the report with `files` and `profile` filled in.
    """
    if report.root is None or (profile is None and out is None):
        return report
    if profile is not None:
        validate_profile_name(profile)
        if store is None:
            store = ProfileStore()
    contents = _file_contents(report)
    written_out: dict[str, Path] = {}
    written: dict[str, Path] = {}
    if profile is not None and store is not None:
        # the three files (in the profile and in --out) and the profile: all of them or none
        with store.change(profile) as change:
            record = store.load_or_create(profile)
            if out is not None:  # public certificates: readable by others is fine
                for artefact in ROOT_FILES:
                    written_out[f"out_{_label(artefact)}"] = change.write_outside(
                        Path(out) / artefact.value, contents[artefact], private=False
                    )
            for artefact in ROOT_FILES:
                written[_label(artefact)] = store.write_artefact(
                    profile, artefact, contents[artefact]
                )
            if report.target.url:
                record.tenant_url = report.target.url
            elif not _same_host(record.tenant_url, report.target):  # keep a recorded endpoint
                record.tenant_url = f"https://{report.target.address}"
            record.tenant_host = report.target.host
            record.tenant_port = report.target.port
            if report.environment is not None:
                record.environment = report.environment.value
            record.tenant_root_sha256 = report.root_sha256
            record.tenant_root_subject = report.root_subject
            record.client_cert_requested = report.client_cert_requested
            record.client_ca_names = list(report.client_ca_names)
            store.save(record)
    elif out is not None:  # public certificates, no profile: the three appear together
        paths = write_file_set({Path(out) / a.value: (contents[a], False) for a in ROOT_FILES})
        written_out = {f"out_{_label(a)}": p for a, p in zip(ROOT_FILES, paths, strict=True)}
    return replace(report, files={**written, **written_out}, profile=profile)


def _same_host(url: str | None, target: Target) -> bool:
    if not url:
        return False
    try:
        recorded = tlsprobe.parse_target(url)
    except WizardError:
        return False
    return (recorded.host, recorded.port) == (target.host, target.port)


def _label(artefact: Artefact) -> str:
    return artefact.name.lower()  # TENANT_ROOT_CER → tenant_root_cer


def _file_contents(report: FetchRootReport) -> dict[Artefact, bytes]:
    assert report.root is not None
    pem = serialization.Encoding.PEM
    return {
        Artefact.TENANT_ROOT_CER: report.root.public_bytes(serialization.Encoding.DER),
        Artefact.TENANT_ROOT_PEM: report.root.public_bytes(pem),
        Artefact.TENANT_CHAIN_PEM: b"".join(e.certificate.public_bytes(pem) for e in report.chain),
    }

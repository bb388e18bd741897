"""What a sender presents in a test call and what it trusts, read from a profile.

The client identity (the key, in memory only, the leaf and the intermediates), the roots the
server's chain must lead to, and the client roots the load balancer accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from wizard.core.certs import is_self_signed, same_public_key
from wizard.core.errors import WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, for_face, tr, translate
from wizard.core.keys import PrivateKey, load_key
from wizard.core.profiles import Artefact, Profile, ProfileStore
from wizard.core.reply import NEED_CA_CERTIFICATES, NEED_SERVER_ROOTS, parse_certificates
from wizard.core.secrets import SecretKind, Secrets
from wizard.core.storage import read_input_file
from wizard.core.trust import (
    SapTrustList,
    load_sap_list,
    system_source,
)

TRUST_ROOT, TRUST_SYSTEM = "root", "system"  # --trust words: the saved tenant root, the OS store


@dataclass(frozen=True)
class ClientIdentity:
    """What the sender presents: the key (in memory only), the leaf and the intermediates."""

    key: PrivateKey = field(repr=False)
    leaf: x509.Certificate
    intermediates: tuple[x509.Certificate, ...]  # as sent, leaf's issuer first
    known_chain: tuple[x509.Certificate, ...]  # chain.pem: leaf, intermediates, root if known
    chain_file: Path  # for the curl line
    key_file: Path

    @property
    def sent(self) -> tuple[x509.Certificate, ...]:
        return (self.leaf, *self.intermediates)


@dataclass(frozen=True)
class ServerTrust:
    """The roots the server's chain must lead to, and how to say so (and tell curl)."""

    label: str
    roots: tuple[x509.Certificate, ...] = field(repr=False)
    cafile: Path | None  # curl --cacert; None = curl's default store


@dataclass(frozen=True)
class AcceptedRoots:
    """Which client roots the load balancer accepts, and where we learnt it."""

    source: str  # an English text of ACCEPTED_SOURCES' catalogue, {file} filled by `file`
    names: tuple[x509.Name, ...] = ()  # acceptable-CA names (from the server's request or a file)
    sap_list: SapTrustList | None = None  # when no names are known: SAP's list judges the root
    certificates: tuple[x509.Certificate, ...] = field(default=(), repr=False)  # --accepted-roots
    file: str = ""  # the file of --accepted-roots, for {file} in `source`

    @property
    def described(self) -> str:
        """Where the accepted roots come from, in the user's language."""
        source = tr(CONTEXT, self.source).format(file=self.file)
        if self.sap_list is not None:
            return f"{source} ({self.sap_list.version})"
        return source


CONTEXT = "client_identity"  # of the texts below (a variable: lupdate must not read tr's)
ROOTS_IN_FILE = QT_TRANSLATE_NOOP("client_identity", "the roots in {file}")
RECORDED_NAMES = QT_TRANSLATE_NOOP(
    "client_identity", "the acceptable-CA names fetch-root recorded from the server"
)
LIVE_NAMES = QT_TRANSLATE_NOOP(
    "client_identity", "the acceptable-CA names the server sent in this call"
)
CUSTOM_DOMAIN_CAS = QT_TRANSLATE_NOOP("client_identity", "the custom domain's trusted CAs")
SAP_CLIENT_ROOTS = QT_TRANSLATE_NOOP("client_identity", "SAP's list of client roots")


def load_client_identity(store: ProfileStore, profile: Profile, secrets: Secrets) -> ClientIdentity:
    """The profile's key (decrypted in memory), leaf and intermediates; WizardError if missing."""
    name = profile.name
    key_pem = store.read_artefact(name, Artefact.KEY)
    if key_pem is None:
        raise WizardError(
            "testcall.no_key",
            for_face(
                translate(
                    "testcall",
                    "Profile {profile!r} has no private key ({file}). Create the "
                    "key and CSR first (csr), or import a PKCS#12 (import-p12).",
                ),
                translate(
                    "testcall",
                    "Profile {profile!r} has no private key ({file}). Create the key and "
                    "request first on the step 'Key and certificate request'.",
                ),
            ).format(profile=name, file=store.path(name, Artefact.KEY)),
        )
    known_pem = store.read_artefact(name, Artefact.CHAIN)
    sent_pem = store.read_artefact(name, Artefact.CLIENT_CHAIN_PEM)
    if sent_pem is None and known_pem is None:
        raise WizardError(
            "testcall.no_certificate",
            for_face(
                translate(
                    "testcall",
                    "Profile {profile!r} has no certificate yet. Import what the CA sent back "
                    "(import-reply) or a PKCS#12 (import-p12) first.",
                ),
                translate(
                    "testcall",
                    "Profile {profile!r} has no certificate yet. Import what the CA sent back "
                    "first, on the step 'Signed certificate'.",
                ),
            ).format(profile=name),
        )
    chain_file = store.path(name, Artefact.CLIENT_CHAIN_PEM)
    known: list[x509.Certificate] = []
    if known_pem is not None:
        known = parse_certificates(known_pem, source=str(store.path(name, Artefact.CHAIN)))
    if sent_pem is not None:
        sent = parse_certificates(sent_pem, source=str(chain_file))
    else:  # older profiles: send chain.pem without its root (servers never need the root)
        chain_file = store.path(name, Artefact.CHAIN)
        sent = [known[0], *(c for c in known[1:] if not is_self_signed(c))]
    passphrase = secrets.fetch(name, SecretKind.KEY_PASSPHRASE)
    key = load_key(key_pem, passphrase, source=str(store.path(name, Artefact.KEY)))
    if not same_public_key(key.public_key(), sent[0].public_key()):  # type: ignore[arg-type]
        raise WizardError(
            "testcall.key_mismatch",
            translate(
                "testcall",
                "The certificate in {file} ({subject}) does not "
                "belong to the private key of profile {profile!r}. Import the certificate issued "
                "for this profile's CSR again.",
            ).format(file=chain_file, subject=sent[0].subject.rfc4514_string(), profile=name),
        )
    return ClientIdentity(
        key=key,
        leaf=sent[0],
        intermediates=tuple(sent[1:]),
        known_chain=tuple(known) if known else tuple(sent),
        chain_file=chain_file,
        key_file=store.path(name, Artefact.KEY),
    )


def server_trust(store: ProfileStore, profile: Profile, trust: str | None) -> ServerTrust:
    """`root` (fetch-root's saved tenant root), `system`, a FILE, or None = root if saved else system."""
    choice = (trust or "").strip()
    saved = store.path(profile.name, Artefact.TENANT_ROOT_PEM)
    if choice.lower() == TRUST_ROOT or (not choice and saved.is_file()):
        data = store.read_artefact(profile.name, Artefact.TENANT_ROOT_PEM)
        if data is None:
            raise WizardError(
                "testcall.no_tenant_root",
                translate(
                    "testcall",
                    "Profile {profile!r} has no saved tenant root ({file}). Read it with "
                    "fetch-root first, or choose --trust system or --trust FILE.",
                ).format(profile=profile.name, file=saved),
            )
        roots = tuple(parse_certificates(data, source=str(saved)))
        subject = roots[0].subject.rfc4514_string()
        return ServerTrust(
            label=translate("testcall", "the tenant root saved by fetch-root ({subject})").format(
                subject=subject
            ),
            roots=roots,
            cafile=saved,
        )
    if not choice or choice.lower() == TRUST_SYSTEM:
        roots = system_source().certificates
        if not roots:
            raise WizardError(
                "testcall.no_system_store",
                translate(
                    "testcall",
                    "No system trust store could be read on this computer. Save the tenant root "
                    "with fetch-root, or give the root file with --trust FILE.",
                ),
            )
        return ServerTrust(
            label=translate("testcall", "the system trust store"), roots=roots, cafile=None
        )
    path = Path(choice).expanduser()
    data = read_input_file(path, what=translate("testcall", "a root certificate for the tenant"))
    return ServerTrust(
        label=translate("testcall", "the certificates in {file}").format(file=path),
        roots=tuple(parse_certificates(data, source=str(path), need=NEED_SERVER_ROOTS)),
        cafile=path,
    )


def _names(values: Sequence[str], *, source: str) -> tuple[x509.Name, ...]:
    names = []
    for value in values:
        try:
            names.append(x509.Name.from_rfc4514_string(value))
        except ValueError:
            raise WizardError(
                "profile.corrupt",
                translate(
                    "testcall",
                    "The acceptable-CA name {value!r} in {source} is not an RFC 4514 name; run "
                    "fetch-root again.",
                ).format(value=value, source=source),
            ) from None
    return tuple(names)


def accepted_roots(
    profile: Profile,
    *,
    accepted_file: Path | None = None,
    sap_list: SapTrustList | None = None,
) -> AcceptedRoots:
    """--accepted-roots FILE, else the names fetch-root recorded, else SAP's list."""
    if accepted_file is not None:
        path = Path(accepted_file).expanduser()
        data = read_input_file(
            path, what=translate("testcall", "a file of accepted client root certificates")
        )
        certs = parse_certificates(data, source=str(path), need=NEED_CA_CERTIFICATES)
        return AcceptedRoots(
            source=ROOTS_IN_FILE,
            file=str(path),
            names=tuple(c.subject for c in certs),
            certificates=tuple(certs),
        )
    if profile.client_ca_names:
        return AcceptedRoots(
            source=RECORDED_NAMES,
            names=_names(profile.client_ca_names, source=f"profile {profile.name}"),
        )
    judged = sap_list or load_sap_list()
    if judged.custom_domain:
        return AcceptedRoots(source=CUSTOM_DOMAIN_CAS, sap_list=judged)
    return AcceptedRoots(source=SAP_CLIENT_ROOTS, sap_list=judged)

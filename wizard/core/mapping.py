"""What the tenant administrator needs to turn a client certificate into a user with a role.

Neo: a Certificate-to-User Mapping (the leaf .cer, or the JSON body for the OData API) plus the role
assignment on the `…iflmap` application. Cloud Foundry: a Process Integration Runtime instance
(plan `integration-flow`) whose parameters carry the roles, and an External Certificate service key
holding the leaf PEM. The builders are pure: certificate and options in, a frozen `TenantEntry`
out. `store_tenant_entry` then writes an entry's files and records it in the profile (one place
for the mapping command, the batch and the GUI). Every text a person reads is in `TEXT`.

The second, not recommended option, the certificate in the integration flow itself (the sender
channel's Authorization = Client Certificate), is the sibling builder `build_flow_certificate` over
the same `LeafCertificate`: the leaf as `client.crt` and its Subject DN and Issuer DN as the channel
takes them typed in (`channel_dn`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from wizard.core.certs import cn_or_dn, fingerprint
from wizard.core.errors import WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, for_face, tr, translate
from wizard.core.profiles import HAS_CERTIFICATE, Artefact, Profile, ProfileStore, State
from wizard.core.renewal import renewal_due
from wizard.core.storage import atomic_write

CONTEXT = "mapping"  # tr() context of this module's texts

DEFAULT_ROLE = "ESBMessaging.send"
MAX_USER_LENGTH = 150  # the OData entity's limit for `User`
DEFAULT_VALIDITY_DAYS = 365
CF_SERVICE = "it-rt"  # Process Integration Runtime
CF_PLAN = "integration-flow"
ROLE_NAME = re.compile(r"[A-Za-z0-9_.]+")  # a role name: letters, digits, _ and . (sandbox too)
# CF names we put into a command line: only characters a shell never needs quoted.
_CF_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Environment(StrEnum):
    NEO = "neo"
    CF = "cf"


ENVIRONMENT_LABEL = {Environment.NEO: "Neo", Environment.CF: "Cloud Foundry"}

# Every text a person reads, in one place (CLI, GUI, docs and tests read from here).
TEXT: dict[str, str] = {
    # errors
    "no_certificate": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Profile {profile!r} has no certificate yet (state {state}). Import the CA's reply first: "
            "cpi-cert-wizard import-reply --profile {profile} FILE [FILE ...]",
        )
    ),
    "chain_missing": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Profile {profile!r} is marked {state} but its certificate file {file} is missing. "
            "Import the CA's reply again: cpi-cert-wizard import-reply --profile {profile} FILE",
        )
    ),
    "chain_unreadable": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "{file} of profile {profile!r} holds no readable PEM certificate ({reason}). "
            "Import the CA's reply again: cpi-cert-wizard import-reply --profile {profile} FILE",
        )
    ),
    "leaf_mismatch": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile "
            "records {recorded}. Import the CA's reply again so both agree: "
            "cpi-cert-wizard import-reply --profile {profile} FILE",
        )
    ),
    "expired": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses "
            "it. Renew it first: cpi-cert-wizard csr --profile {profile} --new-key …, have the CA sign "
            "the request, then import-reply.",
        )
    ),
    "environment_unknown": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry "
            "(cpi-cert-wizard fetch-root records it). Give --env neo or --env cf.",
        )
    ),
    "environment_invalid": QT_TRANSLATE_NOOP(
        "mapping", "{value!r} is not an environment; use neo or cf."
    ),
    "user_empty": QT_TRANSLATE_NOOP(
        "mapping", "The user name is empty; give --user NAME (any name, up to 150 characters)."
    ),
    "user_spaces": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "The user name {user!r} has leading or trailing spaces; the tenant compares it exactly. "
            "Remove them.",
        )
    ),
    "user_too_long": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "The user name is {length} characters long; the tenant allows at most {limit}. "
            "Choose a shorter name.",
        )
    ),
    "user_control": QT_TRANSLATE_NOOP(
        "mapping", "The user name {user!r} contains a control character; remove it."
    ),
    "user_space_inside": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "The user name {user!r} contains a space; the tenant takes a user name without "
            "spaces (for example ERP_PRD_SENDER). Use '_' or '-' instead.",
        )
    ),
    "role_invalid": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "{role!r} is not a valid role name: SAP allows only letters, digits, '_' and '.' "
            "(for example ESBMessaging.send); remove {bad}.",
        )
    ),
    "cf_name_invalid": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "{what} {value!r} may use only letters, digits, '.', '_' and '-', starting with a letter "
            "or digit, so the cf command can be pasted as it is.",
        )
    ),
    "validity_invalid": QT_TRANSLATE_NOOP(
        "mapping", "The service key validity must be a whole number of days above 0, not {value}."
    ),
    # warnings
    "neo_whole_certificate": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "The tenant compares the whole certificate, serial number included: a renewed or "
            "re-issued certificate needs a new mapping entry (keep the same user so its roles stay).",
        )
    ),
    "cf_one_key": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "A certificate may sit in exactly one service key across all service instances; a second "
            "key with the same certificate makes calls fail with 'invalid_client … the client "
            "certificate is not configured exactly once in a service key'.",
        )
    ),
    "cf_pinning": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Pin Certificate is on by default: only this exact certificate is accepted, so a renewed "
            "certificate needs a new service key (then delete the old one).",
        )
    ),
    "cf_role_cache": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Role changes on the service instance can take up to an hour to take effect; a 403 right "
            "after a change may only be that.",
        )
    ),
    "sender_role": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "{role} is not a role for sending messages: roles like AuthGroup.Administrator, and the "
            "roles of the application ending in 'provision', let a user manage the tenant, not "
            "call integration flows. A sender needs ESBMessaging.send (or a custom role) on the "
            "runtime: Neo: the application ending in 'iflmap'; Cloud Foundry: the integration-flow "
            "service instance.",
        )
    ),
    "validity_not_applicable": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "--validity does not apply to an External Certificate service key: SAP documents the "
            "validity only for keys of type Certificate (SAP generates the key pair); an external "
            "certificate is valid as long as the certificate itself.",
        )
    ),
    "custom_domain": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "The tenant is reached through the custom domain {domain}, with a customer-managed "
            "trust model: the load balancer of that domain accepts the CAs configured for it, so "
            "SAP's root list does not judge this chain; {cas}.",
        )
    ),
    "custom_domain_cas": QT_TRANSLATE_NOOP(
        "mapping", "the chain is judged against the CAs in {file}"
    ),
    "custom_domain_no_cas": QT_TRANSLATE_NOOP(
        "mapping",
        "give the CAs configured for the domain with --custom-domain-cas FILE so the chain can be "
        "judged against them",
    ),
    "step_custom_domain": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Custom domain {domain} (SAP Custom Domain service; SAP's documentation of that service "
            "has the exact steps, this tool does not confirm them): map the domain to the "
            "Cloud Integration runtime, configure TLS for it with client authentication and the "
            "trusted CA certificates of your senders (customer-managed trust; include the CA of "
            "this certificate: {issuer}), point DNS at it, then let senders call "
            "https://{domain}/http/<address>.",
        )
    ),
    "cf_trial": QT_TRANSLATE_NOOP(
        "mapping", "Trial tenants do not support certificate login at all; use a paid tenant."
    ),
    "cf_client_x509": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Do not add the deprecated grant type client_x509 to the instance: it blocks creating new "
            "service keys. Keep grant-types at client_credentials.",
        )
    ),
    "not_yet_valid": (
        QT_TRANSLATE_NOOP(
            "mapping", "The certificate is valid only from {date}; calls with it fail until then."
        )
    ),
    "renewal_due": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "The certificate expires on {date} ({days} days left); plan its renewal now: {renewal_how}",
        )
    ),
    "renewal_how_neo": QT_TRANSLATE_NOOP("mapping", "on Neo that means a new mapping entry."),
    "renewal_how_cf": QT_TRANSLATE_NOOP(
        "mapping", "on Cloud Foundry that means a new service key."
    ),
    # renewal notice
    "renewal_neo": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "This certificate replaces an earlier one. The tenant matches the whole certificate, so "
            "the old mapping entry does not cover it: add the new entry (this run's files) for user "
            "{user}, and delete the old entry once the sender uses the new certificate.\n"
            "  old SHA-256: {old}\n  new SHA-256: {new}",
        )
    ),
    "renewal_cf": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "This certificate replaces an earlier one. With pinning on (the default) the old service "
            "key does not accept it: create the new key (this run's service-key.json), switch the "
            "sender, then delete the old key.\n  old SHA-256: {old}\n  new SHA-256: {new}",
        )
    ),
    # checklist
    "step_neo_upload": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: "
            "user {user}, certificate {cer} (or let this tool publish it with --publish). "
            "The tenant will show Id {id}.",
        )
    ),
    "step_neo_custom_role": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Create the custom role {role}: SAP BTP cockpit → your Neo subaccount → Applications → "
            "Subscriptions → the application ending in 'iflmap' → Roles → New Role.",
        )
    ),
    "step_neo_role": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Give user {user} the role {role}: SAP BTP cockpit → your Neo subaccount → Security → "
            "Authorizations → User {user} → Show Assignments → Assign → the application ending in "
            "'iflmap' → role {role}.",
        )
    ),
    "step_cf_login": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Log in to the Cloud Foundry space of the subaccount that holds Cloud Integration: "
            "cf login -a <API endpoint from the subaccount overview>, then cf target -o <org> -s <space>.",
        )
    ),
    "step_cf_instance": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Create the Process Integration Runtime instance {instance} (plan integration-flow) with "
            "the roles {roles} from {file}. Skip this if an instance with these roles exists already; "
            "then pass its name with --instance. In the cockpit: Instances and Subscriptions → Create.",
        )
    ),
    "step_cf_key": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Create the service key {key} with the certificate from {file} (key type External "
            "Certificate; in the cockpit: the instance → Create Service Key → upload {pem}, the leaf "
            "only, never the chain).",
        )
    ),
    "step_channel_role": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "In the integration flow's sender channel: Authorization = User Role, user role {roles}; "
            "deploy the flow.",
        )
    ),
    "step_test": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Call the endpoint: cpi-cert-wizard test-call --profile {profile}. In Monitor → System "
            "Log Files → http_access_<node>_<date>.log the user field shows {before} while the "
            "certificate reaches the tenant but is not yet mapped, {after} once it works, and '-' "
            "when no certificate arrived at all (send the whole chain).",
        )
    ),
    "after_cf": QT_TRANSLATE_NOOP(
        "mapping", "the service key's clientid (see: cf service-key {instance} {key})"
    ),
    # the certificate in the integration flow (second option, not recommended)
    "flow_downtime": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Second option, not recommended by SAP: the certificate is part of the integration flow, "
            "so every certificate change (each renewal, a new issuing CA) means editing the flow and "
            "redeploying it, and calls with the new certificate fail until then (downtime). The "
            "recommended option is {recommended}: cpi-cert-wizard mapping --profile {profile}",
        )
    ),
    "flow_dn_only": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "With this option the tenant checks only the certificate's subject and issuer DN "
            "(SAP: \"Tenant checks the permissions of the sender by evaluating the certificate's "
            'subject/issuer distinguished name (DN)"): any certificate the same CA issues with '
            "the same subject passes, not only this one.",
        )
    ),
    "flow_recommended_neo": QT_TRANSLATE_NOOP("mapping", "a Certificate-to-User Mapping"),
    "flow_recommended_cf": QT_TRANSLATE_NOOP("mapping", "a service key holding the certificate"),
    "flow_no_gap": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "To renew without refusing calls: add the new certificate to the channel next to the old "
            "one and redeploy, switch the sender to the new certificate, then remove the old one and "
            "redeploy again.",
        )
    ),
    "flow_rare_names": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "The {which} DN holds attribute types ({names}) that not every program knows by these "
            "names; if the channel does not take the typed DN, upload {crt} instead.",
        )
    ),
    "flow_cf_service_key": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Cloud Foundry: SAP documents certificate login through a service key of the Process "
            "Integration Runtime; whether a call also needs one when the channel checks the "
            "certificate itself is not confirmed. If the test call gets 401, create the External "
            "Certificate service key as well: cpi-cert-wizard mapping --profile {profile} --env cf",
        )
    ),
    "renewal_how_flow": QT_TRANSLATE_NOOP(
        "mapping", "here that means the new certificate in the flow and a redeploy."
    ),
    "renewal_flow": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "This certificate replaces an earlier one. The channel accepts only the certificates in "
            "its list: add this one ({crt}) next to the old one, redeploy, switch the sender, then "
            "remove the old one and redeploy again.\n  old SHA-256: {old}\n  new SHA-256: {new}",
        )
    ),
    "step_flow_channel": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Open the integration flow (Design), select the sender channel (HTTPS, SOAP, IDoc, AS2 …) "
            "→ Connection → Authorization = Client Certificate → Add → Select {crt}; or, in the same "
            "dialog, type the Subject DN and Issuer DN exactly as printed.",
        )
    ),
    "step_flow_deploy": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Save and deploy the integration flow; the channel knows the certificate only once the "
            "flow runs again.",
        )
    ),
    "step_flow_test": (
        QT_TRANSLATE_NOOP(
            "mapping",
            "Call the endpoint: cpi-cert-wizard test-call --profile {profile}. A 403 whose default "
            "trace (ljs_trace_<node>_<date>.log) says the subject and issuer are not contained in the "
            "accepted subjectAndIssuers list means the channel's list lacks this certificate: compare "
            "the DNs (cpi-cert-wizard analyze-log reads the trace).",
        )
    ),
}


# The window's words for the texts whose command-line words name flags or commands (i18n.Face):
# the same message id, the same {fields}.
TEXT_GUI: dict[str, str] = {
    "step_neo_upload": QT_TRANSLATE_NOOP(
        "mapping",
        "Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: "
        "user {user}, certificate {cer} (or let the wizard publish it on this page). "
        "The tenant will show Id {id}.",
    ),
    "step_cf_instance": QT_TRANSLATE_NOOP(
        "mapping",
        "Create the Process Integration Runtime instance {instance} (plan integration-flow) with "
        "the roles {roles} from {file}. Skip this if an instance with these roles exists already "
        "and give its name on this page. In the cockpit: Instances and Subscriptions → Create.",
    ),
    "step_test": QT_TRANSLATE_NOOP(
        "mapping",
        "Call the endpoint on the next page (Test call). In Monitor → System Log Files → "
        "http_access_<node>_<date>.log the user field shows {before} while the certificate "
        "reaches the tenant but is not yet mapped, {after} once it works, and '-' when no "
        "certificate arrived at all (send the whole chain).",
    ),
    "step_flow_test": QT_TRANSLATE_NOOP(
        "mapping",
        "Call the endpoint on the next page (Test call). A 403 whose default trace "
        "(ljs_trace_<node>_<date>.log) says the subject and issuer are not contained in the "
        "accepted subjectAndIssuers list means the channel's list lacks this certificate: "
        "compare the DNs.",
    ),
    "flow_downtime": QT_TRANSLATE_NOOP(
        "mapping",
        "Second option, not recommended by SAP: the certificate is part of the integration flow, "
        "so every certificate change (each renewal, a new issuing CA) means editing the flow and "
        "redeploying it, and calls with the new certificate fail until then (downtime). The "
        "recommended option is {recommended}, on this page.",
    ),
    "flow_cf_service_key": QT_TRANSLATE_NOOP(
        "mapping",
        "Cloud Foundry: SAP documents certificate login through a service key of the Process "
        "Integration Runtime; whether a call also needs one when the channel checks the "
        "certificate itself is not confirmed. If the test call gets 401, create the External "
        "Certificate service key as well (the Cloud Foundry choice on this page).",
    ),
    "environment_unknown": QT_TRANSLATE_NOOP(
        "mapping",
        "Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry: "
        "choose the environment on the first step.",
    ),
    "no_certificate": QT_TRANSLATE_NOOP(
        "mapping",
        "Profile {profile!r} has no certificate yet (state {state}). Import the CA's reply first "
        "on the step 'Signed certificate'.",
    ),
    "chain_missing": QT_TRANSLATE_NOOP(
        "mapping",
        "Profile {profile!r} is marked {state} but its certificate file {file} is missing. "
        "Import the CA's reply again on the step 'Signed certificate'.",
    ),
    "chain_unreadable": QT_TRANSLATE_NOOP(
        "mapping",
        "{file} of profile {profile!r} holds no readable PEM certificate ({reason}). "
        "Import the CA's reply again on the step 'Signed certificate'.",
    ),
    "leaf_mismatch": QT_TRANSLATE_NOOP(
        "mapping",
        "{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile "
        "records {recorded}. Import the CA's reply again on the step 'Signed certificate' so "
        "both agree.",
    ),
    "expired": QT_TRANSLATE_NOOP(
        "mapping",
        "The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses "
        "it. Renew it first: make a new key and request on the step 'Key and certificate "
        "request', have the CA sign it, then import the reply.",
    ),
    "user_empty": QT_TRANSLATE_NOOP(
        "mapping",
        "The user name is empty; give the user the certificate maps to (any name, up to 150 "
        "characters).",
    ),
}


def text(message_id: str, /, **values: object) -> str:
    """The message in the user's language, in the words of the face that shows it."""
    return tr(CONTEXT, for_face(TEXT[message_id], TEXT_GUI.get(message_id))).format(**values)


def one_line_pem(pem: str) -> str:
    """The PEM as SAP's service-key example writes it: `-----BEGIN CERTIFICATE-----MIIH…==-----END
    CERTIFICATE-----`, one line without line breaks."""
    return "".join(pem.split("\n")).replace("\r", "")


# Roles that administer the tenant rather than send to it (Neo: AuthGroup.* on the tmn/provision
# applications); a sender given one of them gets 403.
_ADMIN_ROLE = re.compile(r"^(AuthGroup\.|.*provision)", re.IGNORECASE)


def sender_role_warnings(roles: tuple[str, ...] | list[str]) -> list[str]:
    """A warning per role that cannot send messages (AuthGroup.Administrator, provision roles)."""
    return [text("sender_role", role=role) for role in roles if _ADMIN_ROLE.match(role)]


def colon_hex(hex_digest: str) -> str:
    """`ab12…` → `AB:12:…`, the way openssl and the cockpit print fingerprints."""
    plain = normalize_fingerprint(hex_digest).upper()
    return ":".join(plain[i : i + 2] for i in range(0, len(plain), 2))


def normalize_fingerprint(value: str) -> str:
    return value.replace(":", "").replace(" ", "").lower()


@dataclass(frozen=True)
class LeafCertificate:
    """The client certificate as the tenant sees it."""

    pem: str  # the leaf only, as cryptography writes it
    der: bytes
    sha256: str  # lowercase hex
    md5: str  # lowercase hex of the DER: the Neo mapping entity's Id
    subject: str  # RFC 4514
    issuer: str
    subject_cn: str
    issuer_cn: str
    not_before: datetime
    not_after: datetime

    @classmethod
    def from_certificate(cls, cert: x509.Certificate) -> LeafCertificate:
        der = cert.public_bytes(serialization.Encoding.DER)
        return cls(
            pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            der=der,
            sha256=fingerprint(cert),
            md5=hashlib.md5(der, usedforsecurity=False).hexdigest(),
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            subject_cn=cn_or_dn(cert.subject),
            issuer_cn=cn_or_dn(cert.issuer),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )

    @property
    def valid_until_ms(self) -> int:
        """`ValidUntil` of the Neo mapping entity: epoch milliseconds of not-after."""
        return int(self.not_after.timestamp()) * 1000

    @property
    def access_log_user(self) -> str:
        """What the access log shows for this certificate before it is mapped to a user."""
        return f"{self.subject_cn}@{self.issuer_cn}"


@dataclass(frozen=True)
class Step:
    """One thing left to do; `id` lets a GUI tick it and the CLI mark what it did itself."""

    id: str
    text: str
    command: str | None = None


@dataclass(frozen=True)
class NeoMapping:
    user: str
    roles: tuple[str, ...]
    cer: bytes  # the leaf, DER: what the Certificate-to-User Mappings page uploads
    certificate_b64: str  # base64 of the PEM text, as the OData API wants it
    entity_id: str  # the Id the tenant assigns: lowercase hex MD5 of the DER
    valid_until_ms: int

    @property
    def body_json(self) -> str:
        """The body for POST /api/v1/CertificateUserMappings."""
        body = {"User": self.user, "Certificate": self.certificate_b64}
        return json.dumps(body, indent=2) + "\n"


@dataclass(frozen=True)
class CfServiceKey:
    instance: str
    key_name: str
    roles: tuple[str, ...]
    validity_days: int
    leaf_pem: str

    @property
    def service_instance_json(self) -> str:
        params = {
            "grant-types": ["client_credentials"],
            "redirect-uris": [],
            "roles": list(self.roles),
        }
        return json.dumps(params, indent=2) + "\n"

    @property
    def service_key_json(self) -> str:
        # SAP's example gives the PEM on one line; validity applies only to SAP-generated keys.
        params = {"key-type": "certificate_external", "X.509": one_line_pem(self.leaf_pem)}
        return json.dumps(params, indent=2) + "\n"

    @property
    def create_service_command(self) -> str:
        return (
            f"cf create-service {CF_SERVICE} {CF_PLAN} {self.instance} "
            f"-c {Artefact.CF_SERVICE_INSTANCE_JSON.value}"
        )

    @property
    def create_service_key_command(self) -> str:
        return (
            f"cf create-service-key {self.instance} {self.key_name} "
            f"-c {Artefact.CF_SERVICE_KEY_JSON.value}"
        )


@dataclass(frozen=True)
class Renewal:
    old_sha256: str
    new_sha256: str
    text: str


@dataclass(frozen=True)
class TenantEntry:
    """Everything the tenant administrator needs for one profile's certificate."""

    environment: Environment
    profile: str
    leaf: LeafCertificate
    neo: NeoMapping | None
    cf: CfServiceKey | None
    warnings: tuple[str, ...]
    checklist: tuple[Step, ...]
    renewal: Renewal | None
    access_log_before: str  # the user field while the certificate is not yet mapped
    access_log_after: str | None  # the mapped user (Neo); on CF the key's clientid, unknown here

    @property
    def roles(self) -> tuple[str, ...]:
        return self.neo.roles if self.neo else self.cf.roles  # type: ignore[union-attr]


# --- validation -------------------------------------------------------------------------------


def parse_environment(value: str | None, profile: Profile) -> Environment:
    """The environment asked for, else the one fetch-root recorded; an error when neither."""
    chosen = value or profile.environment
    if not chosen:
        raise WizardError("mapping.environment", text("environment_unknown", profile=profile.name))
    try:
        return Environment(chosen.strip().lower())
    except ValueError:
        raise WizardError(
            "mapping.environment", text("environment_invalid", value=chosen)
        ) from None


def validate_user(user: str) -> str:
    """The one rule for a user name, used by `mapping`, the wizard, the systems CSV and the
    sandbox tenant: 1 to 150 characters, no space, no control character."""
    if not isinstance(user, str) or not user or not user.strip():
        raise WizardError("mapping.user", text("user_empty"))
    if user != user.strip():
        raise WizardError("mapping.user", text("user_spaces", user=user))
    if len(user) > MAX_USER_LENGTH:
        raise WizardError(
            "mapping.user", text("user_too_long", length=len(user), limit=MAX_USER_LENGTH)
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in user):
        raise WizardError("mapping.user", text("user_control", user=user))
    if any(ch.isspace() or unicodedata.category(ch) == "Zs" for ch in user):
        raise WizardError("mapping.user", text("user_space_inside", user=user))
    return user


def is_user_name(user: object) -> bool:
    """True when `validate_user` accepts `user`."""
    try:
        validate_user(user)  # type: ignore[arg-type]
    except WizardError:
        return False
    return True


def is_role_name(role: object) -> bool:
    return isinstance(role, str) and ROLE_NAME.fullmatch(role) is not None


def validate_roles(roles: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Roles in the order given, duplicates dropped; the default role when none."""
    out: list[str] = []
    for role in roles:
        if not is_role_name(role):
            bad = "".join(sorted({ch for ch in role if not re.match(r"[A-Za-z0-9_.]", ch)}))
            shown = repr(bad) if bad else translate("mapping", "nothing (the name is empty)")
            raise WizardError("mapping.role", text("role_invalid", role=role, bad=shown))
        if role not in out:
            out.append(role)
    return tuple(out) or (DEFAULT_ROLE,)


def _validate_cf_name(value: str, what: str) -> str:
    if not _CF_NAME.match(value):
        raise WizardError("mapping.cf_name", text("cf_name_invalid", what=what, value=value))
    return value


# --- reading the profile's certificate (pure: the caller reads the file) -----------------------


def leaf_of_profile(
    profile: Profile,
    chain_pem: bytes | None,
    *,
    source: str = Artefact.CHAIN.value,
    at: datetime | None = None,
) -> LeafCertificate:
    """The profile's leaf from its chain.pem bytes (leaf first); refuses a missing or expired one."""
    if profile.state not in HAS_CERTIFICATE:
        raise WizardError(
            "mapping.no_certificate",
            text("no_certificate", profile=profile.name, state=profile.state),
        )
    if chain_pem is None:
        raise WizardError(
            "mapping.no_certificate",
            text("chain_missing", profile=profile.name, state=profile.state, file=source),
        )
    try:
        certs = x509.load_pem_x509_certificates(chain_pem)
    except ValueError as exc:
        raise WizardError(
            "mapping.certificate",
            text("chain_unreadable", profile=profile.name, file=source, reason=exc),
        ) from None
    leaf = LeafCertificate.from_certificate(certs[0])
    if profile.leaf_sha256 and normalize_fingerprint(profile.leaf_sha256) != leaf.sha256:
        raise WizardError(
            "mapping.certificate",
            text(
                "leaf_mismatch",
                profile=profile.name,
                file=source,
                found=colon_hex(leaf.sha256),
                recorded=colon_hex(profile.leaf_sha256),
            ),
        )
    now = at or datetime.now(UTC)
    if leaf.not_after <= now:
        raise WizardError(
            "mapping.expired",
            text(
                "expired",
                profile=profile.name,
                subject=leaf.subject,
                date=leaf.not_after.isoformat(),
            ),
        )
    return leaf


# --- the builder ------------------------------------------------------------------------------


def renewal_notice(
    profile: Profile, leaf: LeafCertificate, environment: Environment, user: str | None
) -> Renewal | None:
    """Set when the tenant holds (or held) an entry for a different certificate of this profile."""
    old = _replaced_fingerprint(profile, leaf)
    if old is None:
        return None
    key = "renewal_neo" if environment is Environment.NEO else "renewal_cf"
    notice = text(key, user=user, old=colon_hex(old), new=colon_hex(leaf.sha256))
    return Renewal(old_sha256=old, new_sha256=leaf.sha256, text=notice)


def _replaced_fingerprint(profile: Profile, leaf: LeafCertificate) -> str | None:
    """The SHA-256 of the profile's earlier certificate that the tenant holds (or held), if any."""
    for candidate in (profile.mapped_leaf_sha256, profile.previous_leaf_sha256):
        if candidate and normalize_fingerprint(candidate) != leaf.sha256:
            return normalize_fingerprint(candidate)
    return None


def _lifetime_warnings(
    leaf: LeafCertificate, environment: Environment, at: datetime, *, how: str | None = None
) -> list[str]:
    out = []
    if leaf.not_before > at:
        out.append(text("not_yet_valid", date=leaf.not_before.isoformat()))
    days_left = (leaf.not_after - at).days
    if renewal_due(leaf.not_before, leaf.not_after, at):
        how = how or text("renewal_how_neo" if environment is Environment.NEO else "renewal_how_cf")
        out.append(
            text(
                "renewal_due",
                date=leaf.not_after.date().isoformat(),
                days=days_left,
                renewal_how=how,
            )
        )
    return out


def build_tenant_entry(
    profile: Profile,
    leaf: LeafCertificate,
    *,
    environment: Environment,
    user: str | None = None,
    roles: list[str] | tuple[str, ...] = (),
    instance: str | None = None,
    key_name: str | None = None,
    validity_days: int = DEFAULT_VALIDITY_DAYS,
    at: datetime | None = None,
) -> TenantEntry:
    """The Neo mapping or the CF service key for `leaf`, with warnings and the checklist.

    Defaults come from the profile (the user and roles of an earlier run), so a renewal keeps
    the user name and its role assignments.
    """
    at = at or datetime.now(UTC)
    roles_t = validate_roles(list(roles) or profile.mapping_roles)
    warnings = sender_role_warnings(roles_t) + _lifetime_warnings(leaf, environment, at)
    channel = Step("channel.role", text("step_channel_role", roles=", ".join(roles_t)))

    if environment is Environment.NEO:
        user = validate_user(user if user is not None else profile.mapping_user or profile.name)
        neo = NeoMapping(
            user=user,
            roles=roles_t,
            cer=leaf.der,
            certificate_b64=base64.b64encode(leaf.pem.encode("ascii")).decode("ascii"),
            entity_id=leaf.md5,
            valid_until_ms=leaf.valid_until_ms,
        )
        steps = [
            Step(
                "neo.upload",
                text("step_neo_upload", user=user, cer=Artefact.LEAF_CER.value, id=neo.entity_id),
            )
        ]
        steps += [
            Step(f"neo.custom_role.{r}", text("step_neo_custom_role", role=r))
            for r in roles_t
            if r != DEFAULT_ROLE
        ]
        steps += [Step(f"neo.role.{r}", text("step_neo_role", user=user, role=r)) for r in roles_t]
        after, after_shown = user, repr(user)
        warnings.insert(0, text("neo_whole_certificate"))
        entry_neo, entry_cf = neo, None
    else:
        if validity_days < 1:
            raise WizardError("mapping.validity", text("validity_invalid", value=validity_days))
        inst = _validate_cf_name(
            instance or f"{profile.name}-inbound", translate("mapping", "The instance name")
        )
        key = _validate_cf_name(
            key_name or f"{profile.name}-{leaf.sha256[:8]}", translate("mapping", "The key name")
        )
        cf = CfServiceKey(
            instance=inst,
            key_name=key,
            roles=roles_t,
            validity_days=validity_days,
            leaf_pem=leaf.pem,
        )
        steps = [
            Step("cf.login", text("step_cf_login")),
            Step(
                "cf.instance",
                text(
                    "step_cf_instance",
                    instance=inst,
                    roles=", ".join(roles_t),
                    file=Artefact.CF_SERVICE_INSTANCE_JSON.value,
                ),
                cf.create_service_command,
            ),
            Step(
                "cf.key",
                text(
                    "step_cf_key",
                    key=key,
                    file=Artefact.CF_SERVICE_KEY_JSON.value,
                    pem=Artefact.LEAF_PEM.value,
                ),
                cf.create_service_key_command,
            ),
        ]
        after, after_shown = None, text("after_cf", instance=inst, key=key)
        warnings[:0] = [
            text("cf_one_key"),
            text("cf_pinning"),
            text("cf_role_cache"),
            text("cf_trial"),
            text("cf_client_x509"),
        ]
        entry_neo, entry_cf = None, cf

    before = leaf.access_log_user
    if profile.custom_domain:
        steps.insert(
            0,
            Step(
                "custom_domain",
                text("step_custom_domain", domain=profile.custom_domain, issuer=leaf.issuer),
            ),
        )
    steps.append(channel)
    steps.append(
        Step(
            "test",
            text("step_test", profile=profile.name, before=repr(before), after=after_shown),
            f"cpi-cert-wizard test-call --profile {profile.name}",
        )
    )
    renewal = renewal_notice(profile, leaf, environment, entry_neo.user if entry_neo else None)
    return TenantEntry(
        environment=environment,
        profile=profile.name,
        leaf=leaf,
        neo=entry_neo,
        cf=entry_cf,
        warnings=tuple(warnings),
        checklist=tuple(steps),
        renewal=renewal,
        access_log_before=before,
        access_log_after=after,
    )


# --- the certificate in the integration flow (second option, not recommended) -------------------

# openssl's names (`openssl x509 -nameopt RFC2253`) for attribute types whose RFC 4514 form would be
# a dotted OID; CN, O, OU, L, ST, C, DC and UID print alike anyway.
_CHANNEL_NAMES: dict[x509.ObjectIdentifier, str] = {
    NameOID.STREET_ADDRESS: "street",
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.EMAIL_ADDRESS: "emailAddress",
    NameOID.SURNAME: "SN",
    NameOID.GIVEN_NAME: "GN",
    NameOID.TITLE: "title",
    NameOID.INITIALS: "initials",
    NameOID.GENERATION_QUALIFIER: "generationQualifier",
    NameOID.DN_QUALIFIER: "dnQualifier",
    NameOID.PSEUDONYM: "pseudonym",
    NameOID.BUSINESS_CATEGORY: "businessCategory",
    NameOID.POSTAL_ADDRESS: "postalAddress",
    NameOID.POSTAL_CODE: "postalCode",
    NameOID.JURISDICTION_COUNTRY_NAME: "jurisdictionC",
    NameOID.JURISDICTION_STATE_OR_PROVINCE_NAME: "jurisdictionST",
    NameOID.JURISDICTION_LOCALITY_NAME: "jurisdictionL",
    NameOID.ORGANIZATION_IDENTIFIER: "organizationIdentifier",
    NameOID.UNSTRUCTURED_NAME: "unstructuredName",
    NameOID.INN: "INN",
    NameOID.OGRN: "OGRN",
    NameOID.SNILS: "SNILS",
}
# Attribute names any DN parser reads (RFC 4514's table plus emailAddress and serialNumber).
_COMMON_NAMES = frozenset(
    {"CN", "O", "OU", "L", "ST", "C", "DC", "UID", "street", "emailAddress", "serialNumber"}
)


def channel_dn(name: x509.Name) -> str:
    """`name` as typed into the sender channel's Subject DN / Issuer DN: RFC 2253 (most specific
    first, commas without spaces, RFC 2253 escapes), worded like `openssl x509 -nameopt RFC2253`
    but with UTF-8 left as it is (openssl escapes it as \\XX bytes unless `-nameopt -esc_msb`).

    SAP's help names the fields only; the runtime's own message (KBA 3538749: "subject: cn=…,…;
    issuer: cn=…") suggests it compares DNs in this order, normalised to lowercase (unconfirmed).
    """
    return ",".join(
        "+".join(attribute.rfc4514_string(_CHANNEL_NAMES) for attribute in reversed(list(rdn)))
        for rdn in reversed(name.rdns)
    )


def _uncommon_names(dn_name: x509.Name) -> list[str]:
    names = []
    for attribute in reversed(list(dn_name)):  # in the order the DN is printed
        shown = attribute.rfc4514_string(_CHANNEL_NAMES).split("=", 1)[0]
        if shown not in _COMMON_NAMES and shown not in names:
            names.append(shown)
    return names


@dataclass(frozen=True)
class FlowCertificate:
    """The certificate placed in the integration flow's sender channel (Authorization = Client
    Certificate): secure, but every certificate change needs a redeploy (downtime)."""

    environment: Environment
    profile: str
    leaf: LeafCertificate
    subject_dn: str  # as the channel takes it typed in
    issuer_dn: str
    warnings: tuple[str, ...]
    checklist: tuple[Step, ...]
    renewal: Renewal | None

    @property
    def crt(self) -> bytes:
        """The file the channel's Add → Select uploads: the leaf only, PEM."""
        return self.leaf.pem.encode("ascii")


def build_flow_certificate(
    profile: Profile,
    leaf: LeafCertificate,
    *,
    environment: Environment,
    at: datetime | None = None,
) -> FlowCertificate:
    """The leaf and its DNs for the sender channel, with the downtime warning and a checklist."""
    at = at or datetime.now(UTC)
    cert = x509.load_der_x509_certificate(leaf.der)
    crt = Artefact.FLOW_CRT.value
    recommended = text(
        "flow_recommended_neo" if environment is Environment.NEO else "flow_recommended_cf"
    )
    warnings = [
        text("flow_downtime", recommended=recommended, profile=profile.name),
        text("flow_dn_only"),
        text("flow_no_gap"),
    ]
    for which, dn_name in (
        (translate("mapping", "Subject"), cert.subject),
        (translate("mapping", "Issuer"), cert.issuer),
    ):
        uncommon = _uncommon_names(dn_name)
        if uncommon:
            warnings.append(
                text("flow_rare_names", which=which, names=", ".join(uncommon), crt=crt)
            )
    if environment is Environment.CF:
        warnings.append(text("flow_cf_service_key", profile=profile.name))
    warnings += _lifetime_warnings(leaf, environment, at, how=text("renewal_how_flow"))
    steps = (
        Step("flow.channel", text("step_flow_channel", crt=crt)),
        Step("flow.deploy", text("step_flow_deploy")),
        Step(
            "test",
            text("step_flow_test", profile=profile.name),
            f"cpi-cert-wizard test-call --profile {profile.name}",
        ),
    )
    old = _replaced_fingerprint(profile, leaf)
    renewal = None
    if old is not None:
        notice = text("renewal_flow", crt=crt, old=colon_hex(old), new=colon_hex(leaf.sha256))
        renewal = Renewal(old_sha256=old, new_sha256=leaf.sha256, text=notice)
    return FlowCertificate(
        environment=environment,
        profile=profile.name,
        leaf=leaf,
        subject_dn=channel_dn(cert.subject),
        issuer_dn=channel_dn(cert.issuer),
        warnings=tuple(warnings),
        checklist=steps,
        renewal=renewal,
    )


# --- storing an entry (the mapping command, batch mapping) ---------------------------------------


def tenant_entry_files(entry: TenantEntry) -> dict[Artefact, bytes]:
    """The files the tenant administrator needs for `entry`, by artefact name."""
    if entry.neo is not None:
        return {
            Artefact.LEAF_CER: entry.neo.cer,
            Artefact.NEO_MAPPING_JSON: entry.neo.body_json.encode(),
        }
    assert entry.cf is not None
    return {
        Artefact.CF_SERVICE_INSTANCE_JSON: entry.cf.service_instance_json.encode(),
        Artefact.CF_SERVICE_KEY_JSON: entry.cf.service_key_json.encode(),
        Artefact.LEAF_PEM: entry.leaf.pem.encode(),
    }


@dataclass(frozen=True)
class StoredEntry:
    profile: Profile
    files: dict[Artefact, Path]  # in the profile folder
    out_files: dict[Artefact, Path]  # copies in the --out folder (empty without one)


def store_tenant_entry(
    store: ProfileStore, profile: Profile, entry: TenantEntry, *, out: Path | None = None
) -> StoredEntry:
    """Write `entry`'s files into the profile (and `out`), then record user, roles and certificate.

    The profile's files and profile.json change together (one locked change); the copies in
    `out` are public files written first, each atomically.
    """

    def record_user_and_roles(changed: Profile) -> None:
        changed.mapping_user = entry.neo.user if entry.neo else None
        changed.mapping_roles = list(entry.roles)

    contents = tenant_entry_files(entry)
    return _store(store, profile, contents, entry, out=out, record=record_user_and_roles)


def store_flow_certificate(
    store: ProfileStore, profile: Profile, entry: FlowCertificate, *, out: Path | None = None
) -> StoredEntry:
    """Write `client.crt` into the profile (and `out`) and record the certificate as known to the
    tenant (MAPPED); the user and roles of an earlier mapping stay as they were."""
    return _store(store, profile, {Artefact.FLOW_CRT: entry.crt}, entry, out=out)


def _store(
    store: ProfileStore,
    profile: Profile,
    contents: dict[Artefact, bytes],
    entry: TenantEntry | FlowCertificate,
    *,
    out: Path | None,
    record: Callable[[Profile], None] | None = None,
) -> StoredEntry:
    out_files: dict[Artefact, Path] = {}
    if out is not None:
        if out.exists() and not out.is_dir():
            raise WizardError(
                "file.write",
                translate("mapping", "--out {out} is a file; give a folder.").format(out=out),
            )
        for artefact, data in contents.items():
            out_files[artefact] = atomic_write(out / artefact.value, data, private=False)
    files: dict[Artefact, Path] = {}
    with store.change(profile.name):
        for artefact, data in contents.items():
            if store.read_artefact(profile.name, artefact) == data:  # import-reply wrote it
                files[artefact] = store.path(profile.name, artefact)
            else:
                files[artefact] = store.write_artefact(profile.name, artefact, data)
        same_certificate = profile.mapped_leaf_sha256 == entry.leaf.sha256
        if profile.environment is None:
            profile.environment = entry.environment.value
        if record is not None:
            record(profile)
        profile.mapped_leaf_sha256 = entry.leaf.sha256
        if profile.state is State.CERTIFICATE_IMPORTED or (
            profile.state is State.TESTED and not same_certificate
        ):
            profile.state = State.MAPPED
        store.save(profile)
    return StoredEntry(profile=profile, files=files, out_files=out_files)

"""`cpi-cert-wizard mapping`: what the tenant needs for the profile's certificate.

Neo: the leaf .cer and the OData body for a Certificate-to-User Mapping (optionally published with
--publish). Cloud Foundry: service-instance.json, service-key.json and the cf commands. With
--flow-certificate (either environment; the second, not recommended option): client.crt for the
sender channel's Authorization = Client Certificate, its Subject DN and Issuer DN as typed into the
channel, and the downtime warning. Everything is validated before the first file is written; an
error writes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization

from wizard.commands.common import Outcome, add_proxy_option
from wizard.core.errors import WizardError
from wizard.core.i18n import QT_TRANSLATE_NOOP, tr, translate
from wizard.core.mapping import (
    DEFAULT_ROLE,
    ENVIRONMENT_LABEL,
    Environment,
    FlowCertificate,
    TenantEntry,
    build_flow_certificate,
    build_tenant_entry,
    colon_hex,
    leaf_of_profile,
    parse_environment,
    store_flow_certificate,
    store_tenant_entry,
    tenant_entry_files,
    text,
)
from wizard.core.profiles import Artefact, Profile
from wizard.core.secrets import ENVIRONMENT as SECRET_ENV
from wizard.core.secrets import SecretKind

# The Neo API client (https, cookies, urllib) only when publishing with --tmn (issue 19).
if TYPE_CHECKING:
    from wizard.core.neo_api import PublishedMapping

# What each file is for, shown next to its name (label used in --json "files").
_FILES: dict[Artefact, tuple[str, str]] = {
    Artefact.LEAF_CER: (
        "leaf_cer",
        QT_TRANSLATE_NOOP("mapping", "upload in Certificate-to-User Mappings"),
    ),
    Artefact.NEO_MAPPING_JSON: (
        "neo_mapping",
        QT_TRANSLATE_NOOP("mapping", "body for POST /api/v1/CertificateUserMappings"),
    ),
    Artefact.CF_SERVICE_INSTANCE_JSON: (
        "service_instance",
        QT_TRANSLATE_NOOP("mapping", "parameters of cf create-service"),
    ),
    Artefact.CF_SERVICE_KEY_JSON: (
        "service_key",
        QT_TRANSLATE_NOOP("mapping", "parameters of cf create-service-key"),
    ),
    Artefact.LEAF_PEM: (
        "leaf_pem",
        QT_TRANSLATE_NOOP("mapping", "the leaf certificate, for the cockpit's upload"),
    ),
    Artefact.FLOW_CRT: (
        "flow_crt",
        QT_TRANSLATE_NOOP(
            "mapping",
            "upload in the sender channel: Authorization = Client Certificate → Add → Select",
        ),
    ),
}
CONTEXT = "mapping"  # tr() context of this module's texts (shared with wizard.core.mapping)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True, help="the sender-system profile")
    parser.add_argument(
        "--env",
        choices=[e.value for e in Environment],
        help="the tenant's environment (default: what fetch-root recorded)",
    )
    parser.add_argument(
        "--user",
        help="Neo: the user the certificate maps to (default: the earlier one, else the profile "
        "name; up to 150 characters)",
    )
    parser.add_argument(
        "--role",
        dest="roles",
        action="extend",
        nargs="+",
        metavar="ROLE",
        help=f"role(s) the sender channel checks (default: {DEFAULT_ROLE})",
    )
    parser.add_argument("--out", type=Path, help="also write the files into this folder")
    parser.add_argument(
        "--flow-certificate",
        action="store_true",
        help="the second, not recommended option: client.crt and its Subject/Issuer DN for the "
        "integration flow's sender channel (Authorization = Client Certificate); every renewal "
        "then needs a redeploy",
    )
    cf = parser.add_argument_group("Cloud Foundry")
    cf.add_argument("--instance", help="service instance name (default: <profile>-inbound)")
    cf.add_argument(
        "--key-name", help="service key name (default: <profile>-<first 8 hex of SHA-256>)"
    )
    # Not offered: SAP documents a validity only for SAP-generated keys (key type Certificate).
    cf.add_argument("--validity", type=int, metavar="DAYS", help=argparse.SUPPRESS)
    parser.add_argument(
        "--custom-domain",
        metavar="HOST",
        help="the tenant is reached through this custom domain with customer-managed trust: the "
        "chain is judged against that domain's CAs, not SAP's root list",
    )
    parser.add_argument(
        "--custom-domain-cas",
        type=Path,
        metavar="PEM",
        help="the CA certificates configured as trusted for the custom domain",
    )
    pub = parser.add_argument_group("publish to the Neo tenant's API")
    pub.add_argument(
        "--publish", action="store_true", help="create the mapping through /api/v1 (Neo only)"
    )
    pub.add_argument(
        "--tmn", metavar="URL", help="https://<account>-tmn.hci.<region>.hana.ondemand.com"
    )
    pub.add_argument("--tmn-user", metavar="U", help="API user (basic authentication)")
    pub.add_argument("--tmn-client-id", metavar="ID", help="OAuth client id (client credentials)")
    pub.add_argument("--tmn-token-url", metavar="URL", help="OAuth token endpoint")
    pub.add_argument(
        "--ca-file", type=Path, metavar="PEM", help="trust only this CA (a private test server)"
    )
    add_proxy_option(pub)


def _check_flow_flags(args: argparse.Namespace) -> None:
    given = [
        flag
        for flag, value in (
            ("--user", args.user),
            ("--role", args.roles),
            ("--instance", args.instance),
            ("--key-name", args.key_name),
            ("--validity", args.validity is not None),
            ("--publish", args.publish),
            ("--tmn", args.tmn),
            ("--tmn-user", args.tmn_user),
            ("--tmn-client-id", args.tmn_client_id),
            ("--tmn-token-url", args.tmn_token_url),
            ("--ca-file", args.ca_file),
        )
        if value
    ]
    if given:
        count = len(given)
        raise WizardError(
            "mapping.flags",
            translate(
                "mapping",
                "{flags} is for the mapping or service key; with --flow-certificate the "
                "integration flow itself checks the certificate (no user, no role). Drop it, "
                "or drop --flow-certificate.",
            ).format(flags=", ".join(given))
            if count == 1
            else translate(
                "mapping",
                "{flags} are for the mapping or service key; with --flow-certificate the "
                "integration flow itself checks the certificate (no user, no role). Drop them, "
                "or drop --flow-certificate.",
            ).format(flags=", ".join(given)),
        )


def _check_flags(args: argparse.Namespace, env: Environment) -> None:
    if args.flow_certificate:
        _check_flow_flags(args)
        return
    if env is Environment.NEO:
        cf_only = [
            f for f, v in (("--instance", args.instance), ("--key-name", args.key_name)) if v
        ]
        if args.validity is not None:
            cf_only.append("--validity")
        if cf_only:
            flags = ", ".join(cf_only)
            raise WizardError(
                "mapping.flags",
                translate(
                    "mapping", "{flags} is for Cloud Foundry service keys; drop it for Neo."
                ).format(flags=flags),
            )
    elif args.user is not None:
        raise WizardError(
            "mapping.flags",
            translate(
                "mapping",
                "--user is for Neo mappings; on Cloud Foundry the service key's clientid is the "
                "user.",
            ),
        )
    publish_flags = [
        flag
        for flag, value in (
            ("--tmn", args.tmn),
            ("--tmn-user", args.tmn_user),
            ("--tmn-client-id", args.tmn_client_id),
            ("--tmn-token-url", args.tmn_token_url),
            ("--ca-file", args.ca_file),
        )
        if value
    ]
    if not args.publish:
        if publish_flags:
            raise WizardError(
                "mapping.flags",
                translate("mapping", "{flags} only work with --publish.").format(
                    flags=", ".join(publish_flags)
                ),
            )
        return
    if env is not Environment.NEO:
        raise WizardError(
            "mapping.flags",
            translate(
                "mapping",
                "--publish is for Neo (the CertificateUserMappings API); on Cloud Foundry run the "
                "printed cf commands instead.",
            ),
        )
    if not args.tmn:
        raise WizardError(
            "mapping.flags",
            translate(
                "mapping",
                "--publish needs --tmn https://<account>-tmn.hci.<region>.hana.ondemand.com.",
            ),
        )
    if bool(args.tmn_user) == bool(args.tmn_client_id):
        raise WizardError(
            "mapping.flags",
            translate(
                "mapping",
                "--publish needs exactly one of --tmn-user USER (basic authentication) or "
                "--tmn-client-id ID with --tmn-token-url URL (OAuth client credentials).",
            ),
        )
    if args.tmn_client_id and not args.tmn_token_url:
        raise WizardError(
            "mapping.flags",
            translate(
                "mapping",
                "--tmn-client-id needs --tmn-token-url (the subaccount's OAuth token endpoint, "
                "…/oauth2/api/v1/token).",
            ),
        )
    if args.tmn_token_url and not args.tmn_client_id:
        raise WizardError(
            "mapping.flags",
            translate("mapping", "--tmn-token-url only works with --tmn-client-id."),
        )


def _publish(args: argparse.Namespace, ctx, entry: TenantEntry) -> tuple[PublishedMapping, str]:
    """Publish with the stored secret, else the environment's, else ask once and store it."""
    from wizard.core.neo_api import AuthMethod, TenantApiLogin, publish_mapping

    secrets, name = ctx.secrets, args.profile
    stored = secrets.lookup(name, SecretKind.TENANT_API)
    from_env = os.environ.get(SECRET_ENV[SecretKind.TENANT_API])
    secret = stored or from_env or secrets.fetch(name, SecretKind.TENANT_API)
    if args.tmn_user:
        login = TenantApiLogin(AuthMethod.BASIC, args.tmn_user, secret)
    else:
        login = TenantApiLogin(AuthMethod.OAUTH, args.tmn_client_id, secret, args.tmn_token_url)
    assert entry.neo is not None
    try:
        published = publish_mapping(
            args.tmn, entry.neo, login, ca_file=args.ca_file, proxy=args.proxy
        )
    except WizardError as exc:
        if exc.code == "tenant_api.credentials" and stored:
            secrets.delete(name, SecretKind.TENANT_API)
            raise WizardError(
                exc.code,
                translate(
                    "mapping",
                    "{message} The stored secret was removed from the keyring; run again to "
                    "enter the right one.",
                ).format(message=exc.message),
            ) from None
        raise
    if stored:
        where = translate("mapping", "secret from the keyring ({keyring})").format(
            keyring=secrets.backend_name
        )
    elif from_env:
        where = translate("mapping", "secret from {variable} (not stored)").format(
            variable=SECRET_ENV[SecretKind.TENANT_API]
        )
    elif secrets.available:
        where = translate("mapping", "secret stored in {place}").format(
            place=secrets.store(name, SecretKind.TENANT_API, secret)
        )
    else:
        where = translate("mapping", "secret not stored (no keyring); you will be asked again")
    return published, where


def _write(ctx, profile: Profile, entry: TenantEntry, out: Path | None) -> tuple[Profile, dict]:
    stored = store_tenant_entry(ctx.store, profile, entry, out=out)
    written = {_FILES[a][0]: path for a, path in stored.out_files.items()}
    for artefact, path in stored.files.items():
        written.setdefault(_FILES[artefact][0], path)
    return stored.profile, written


def _record_custom_domain(args: argparse.Namespace, ctx, profile: Profile) -> Profile:
    """--custom-domain [--custom-domain-cas]: the profile says how its tenant is reached."""
    if args.custom_domain_cas is not None and not (args.custom_domain or profile.custom_domain):
        raise WizardError(
            "mapping.flags",
            translate("mapping", "--custom-domain-cas needs --custom-domain HOST."),
        )
    if not args.custom_domain and args.custom_domain_cas is None:
        return profile
    cas = None
    if args.custom_domain_cas is not None:
        from wizard.core.reply import parse_certificates
        from wizard.core.storage import read_input_file

        data = read_input_file(
            args.custom_domain_cas,
            what=translate("mapping", "the trusted CAs of the custom domain"),
        )
        cas = b"".join(
            c.public_bytes(serialization.Encoding.PEM)
            for c in parse_certificates(data, source=str(args.custom_domain_cas))
        )
    with ctx.store.change(profile.name):
        profile = ctx.store.load(profile.name)
        if args.custom_domain:
            profile.custom_domain = args.custom_domain.strip().lower()
        if cas is not None:
            ctx.store.write_artefact(profile.name, Artefact.CUSTOM_DOMAIN_CAS, cas)
        ctx.store.save(profile)
    return profile


def _custom_domain_warning(ctx, profile: Profile) -> list[str]:
    if not profile.custom_domain:
        return []
    path = ctx.store.path(profile.name, Artefact.CUSTOM_DOMAIN_CAS)
    cas = text("custom_domain_cas", file=path) if path.is_file() else text("custom_domain_no_cas")
    return [text("custom_domain", domain=profile.custom_domain, cas=cas)]


def run(args: argparse.Namespace, ctx) -> Outcome:
    with ctx.store.lock(args.profile):  # read, build and save under the lock: never a stale copy
        return _run_locked(args, ctx)


def _run_locked(args: argparse.Namespace, ctx) -> Outcome:
    profile = ctx.store.load(args.profile)
    env = parse_environment(args.env, profile)
    if args.validity is not None and not args.flow_certificate and env is Environment.CF:
        raise WizardError("mapping.validity", text("validity_not_applicable"))
    _check_flags(args, env)
    profile = _record_custom_domain(args, ctx, profile)
    chain = ctx.store.read_artefact(profile.name, Artefact.CHAIN)
    source = ctx.store.path(profile.name, Artefact.CHAIN)
    if chain is None and ctx.store.read_artefact(profile.name, Artefact.LEAF_PEM) is not None:
        chain = ctx.store.read_artefact(profile.name, Artefact.LEAF_PEM)
        source = ctx.store.path(profile.name, Artefact.LEAF_PEM)
    leaf = leaf_of_profile(profile, chain, source=str(source))
    if args.flow_certificate:
        return _run_flow_certificate(args, ctx, profile, env, leaf)
    entry = build_tenant_entry(
        profile,
        leaf,
        environment=env,
        user=args.user,
        roles=args.roles or (),
        instance=args.instance,
        key_name=args.key_name,
    )
    entry = replace(entry, warnings=(*_custom_domain_warning(ctx, profile), *entry.warnings))
    published, secret_note = None, None
    if args.publish:
        ctx.say(
            translate("mapping", "Publishing the mapping for {user!r} to {tmn} …").format(
                user=entry.neo.user, tmn=args.tmn
            )
        )
        published, secret_note = _publish(args, ctx, entry)
    profile, written = _write(ctx, profile, entry, args.out)
    folder = args.out.resolve() if args.out else ctx.store.folder(profile.name)
    done = {"neo.upload"} if published else set()
    return Outcome(
        text=_text(entry, folder, ctx.store.folder(profile.name), published, secret_note, done),
        data=_data(entry, folder, ctx.store.folder(profile.name), published, done, profile),
        files=written,
    )


def _data(
    entry: TenantEntry,
    folder: Path,
    profile_folder: Path,
    published: PublishedMapping | None,
    done: set[str],
    profile: Profile,
) -> dict:
    leaf = entry.leaf
    neo = cf = None
    if entry.neo is not None:
        neo = {
            "user": entry.neo.user,
            "roles": list(entry.neo.roles),
            "id": entry.neo.entity_id,
            "valid_until_ms": entry.neo.valid_until_ms,
            "body": json.loads(entry.neo.body_json),
        }
    if entry.cf is not None:
        cf = {
            "instance": entry.cf.instance,
            "key_name": entry.cf.key_name,
            "roles": list(entry.cf.roles),
            "service_instance": json.loads(entry.cf.service_instance_json),
            "service_key": json.loads(entry.cf.service_key_json),
            "commands": [entry.cf.create_service_command, entry.cf.create_service_key_command],
        }
    return {
        "profile": entry.profile,
        "environment": entry.environment.value,
        "state": profile.state.value,
        "certificate": {
            "subject": leaf.subject,
            "issuer": leaf.issuer,
            "sha256": leaf.sha256,
            "not_after": leaf.not_after.isoformat(),
        },
        "neo": neo,
        "cf": cf,
        "access_log": {"before": entry.access_log_before, "after": entry.access_log_after},
        "warnings": list(entry.warnings),
        "renewal": (
            {
                "old_sha256": entry.renewal.old_sha256,
                "new_sha256": entry.renewal.new_sha256,
                "text": entry.renewal.text,
            }
            if entry.renewal
            else None
        ),
        "checklist": [
            {"id": s.id, "text": s.text, "command": s.command, "done": s.id in done}
            for s in entry.checklist
        ],
        "published": (
            {
                "id": published.id,
                "user": published.user,
                "valid_until": published.valid_until.isoformat(),
                "valid_until_ms": published.valid_until_ms,
                "id_matches": published.id_matches,
            }
            if published
            else None
        ),
        "folder": str(folder),
        "profile_folder": str(profile_folder),
    }


def _certificate_lines(leaf) -> list[str]:
    return [
        translate("mapping", "Certificate: {subject}").format(subject=leaf.subject),
        translate("mapping", "  issued by {issuer}, valid until {until} UTC").format(
            issuer=leaf.issuer, until=f"{leaf.not_after:%Y-%m-%d %H:%M}"
        ),
        f"  SHA-256 {colon_hex(leaf.sha256)}",
    ]


def _also_kept(profile_folder: Path) -> str:
    return translate("mapping", "  (also kept in the profile folder {folder})").format(
        folder=profile_folder
    )


def _heading_renewal() -> str:
    return translate("mapping", "Renewal:")


def _heading_mind() -> str:
    return translate("mapping", "Mind:")


def _heading_checklist() -> str:
    return translate("mapping", "Checklist:")


def _text(
    entry: TenantEntry,
    folder: Path,
    profile_folder: Path,
    published: PublishedMapping | None,
    secret_note: str | None,
    done: set[str],
) -> str:
    leaf = entry.leaf
    lines = [
        translate("mapping", "Tenant entry for profile {profile} ({environment})").format(
            profile=entry.profile, environment=ENVIRONMENT_LABEL[entry.environment]
        ),
        *_certificate_lines(leaf),
    ]
    if entry.neo is not None:
        lines += [
            translate("mapping", "User: {user}    Roles: {roles}").format(
                user=entry.neo.user, roles=", ".join(entry.neo.roles)
            ),
            translate("mapping", "Mapping Id the tenant assigns: {id}").format(
                id=entry.neo.entity_id
            ),
        ]
    else:
        assert entry.cf is not None
        lines += [
            translate("mapping", "Service instance: {instance}    Roles: {roles}").format(
                instance=entry.cf.instance, roles=", ".join(entry.cf.roles)
            ),
            translate("mapping", "Service key: {key} (External Certificate)").format(
                key=entry.cf.key_name
            ),
        ]
    lines += ["", translate("mapping", "Files in {folder}:").format(folder=folder)]
    for artefact in tenant_entry_files(entry):
        lines.append(f"  {artefact.value:<22} {tr(CONTEXT, _FILES[artefact][1])}")
    if folder != profile_folder:
        lines.append(_also_kept(profile_folder))
    if published is not None:
        lines += [
            "",
            translate(
                "mapping", "Published: Id {id}, user {user}, valid until {until} UTC ({note})."
            ).format(
                id=published.id,
                user=published.user,
                until=f"{published.valid_until:%Y-%m-%d %H:%M}",
                note=secret_note,
            ),
        ]
        if not published.id_matches:
            lines.append(
                translate(
                    "mapping",
                    "  note: the tenant's Id differs from the MD5 of the certificate "
                    "({id}); check the entry in the tenant.",
                ).format(id=entry.neo.entity_id)
            )
    if entry.renewal is not None:
        lines += [
            "",
            _heading_renewal(),
            *("  " + line for line in entry.renewal.text.splitlines()),
        ]
    if entry.warnings:
        lines += ["", _heading_mind()]
        lines += [f"  ! {w}" for w in entry.warnings]
    lines += ["", _heading_checklist()]
    if entry.cf is not None:
        lines.append(
            translate("mapping", "  (run the cf commands in that folder: cd {folder})").format(
                folder=shlex.quote(str(folder))
            )
        )
    for number, step in enumerate(entry.checklist, 1):
        box = "[x]" if step.id in done else "[ ]"
        lines.append(f"  {box} {number}. {step.text}")
        if step.command:
            lines.append(f"        $ {step.command}")
    return "\n".join(lines)


# --- the certificate in the integration flow ----------------------------------------------------


def _run_flow_certificate(args, ctx, profile: Profile, env: Environment, leaf) -> Outcome:
    entry = build_flow_certificate(profile, leaf, environment=env)
    stored = store_flow_certificate(ctx.store, profile, entry, out=args.out)
    written = {_FILES[a][0]: path for a, path in stored.out_files.items()}
    for artefact, path in stored.files.items():
        written.setdefault(_FILES[artefact][0], path)
    profile_folder = ctx.store.folder(profile.name)
    folder = args.out.resolve() if args.out else profile_folder
    return Outcome(
        text=_flow_text(entry, folder, profile_folder),
        data=_flow_data(entry, folder, profile_folder, stored.profile),
        files=written,
    )


def _flow_data(
    entry: FlowCertificate, folder: Path, profile_folder: Path, profile: Profile
) -> dict:
    leaf = entry.leaf
    return {
        "profile": entry.profile,
        "environment": entry.environment.value,
        "option": "flow-certificate",
        "recommended": False,
        "state": profile.state.value,
        "certificate": {
            "subject": leaf.subject,
            "issuer": leaf.issuer,
            "sha256": leaf.sha256,
            "not_after": leaf.not_after.isoformat(),
        },
        "channel": {
            "authorization": "Client Certificate",
            "crt": Artefact.FLOW_CRT.value,
            "subject_dn": entry.subject_dn,
            "issuer_dn": entry.issuer_dn,
        },
        "warnings": list(entry.warnings),
        "renewal": (
            {
                "old_sha256": entry.renewal.old_sha256,
                "new_sha256": entry.renewal.new_sha256,
                "text": entry.renewal.text,
            }
            if entry.renewal
            else None
        ),
        "checklist": [
            {"id": s.id, "text": s.text, "command": s.command, "done": False}
            for s in entry.checklist
        ],
        "folder": str(folder),
        "profile_folder": str(profile_folder),
    }


def _flow_text(entry: FlowCertificate, folder: Path, profile_folder: Path) -> str:
    leaf = entry.leaf
    lines = [
        translate(
            "mapping",
            "Certificate in the integration flow for profile {profile} ({environment}): the "
            "second option, not recommended",
        ).format(profile=entry.profile, environment=ENVIRONMENT_LABEL[entry.environment]),
        *_certificate_lines(leaf),
        "",
        translate("mapping", "Files in {folder}:").format(folder=folder),
        f"  {Artefact.FLOW_CRT.value:<22} {tr(CONTEXT, _FILES[Artefact.FLOW_CRT][1])}",
    ]
    if folder != profile_folder:
        lines.append(_also_kept(profile_folder))
    lines += [
        "",
        translate(
            "mapping",
            "Or type them into the same dialog (Add → Subject DN and Issuer DN), exactly as here:",
        ),
        translate("mapping", "  Subject DN: {dn}").format(dn=entry.subject_dn),
        translate("mapping", "  Issuer DN:  {dn}").format(dn=entry.issuer_dn),
    ]
    if entry.renewal is not None:
        lines += [
            "",
            _heading_renewal(),
            *("  " + line for line in entry.renewal.text.splitlines()),
        ]
    lines += ["", _heading_mind(), *(f"  ! {w}" for w in entry.warnings)]
    lines += ["", _heading_checklist()]
    for number, step in enumerate(entry.checklist, 1):
        lines.append(f"  [ ] {number}. {step.text}")
        if step.command:
            lines.append(f"        $ {step.command}")
    return "\n".join(lines)

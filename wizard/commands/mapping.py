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
from pathlib import Path

from wizard.cli import Outcome
from wizard.core.errors import WizardError
from wizard.core.mapping import (
    DEFAULT_ROLE,
    DEFAULT_VALIDITY_DAYS,
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
)
from wizard.core.neo_api import AuthMethod, PublishedMapping, TenantApiLogin, publish_mapping
from wizard.core.profiles import Artefact, Profile
from wizard.core.secrets import ENVIRONMENT as SECRET_ENV
from wizard.core.secrets import SecretKind

# What each file is for, shown next to its name (label used in --json "files").
_FILES: dict[Artefact, tuple[str, str]] = {
    Artefact.LEAF_CER: ("leaf_cer", "upload in Certificate-to-User Mappings"),
    Artefact.NEO_MAPPING_JSON: ("neo_mapping", "body for POST /api/v1/CertificateUserMappings"),
    Artefact.CF_SERVICE_INSTANCE_JSON: ("service_instance", "parameters of cf create-service"),
    Artefact.CF_SERVICE_KEY_JSON: ("service_key", "parameters of cf create-service-key"),
    Artefact.LEAF_PEM: ("leaf_pem", "the leaf certificate, for the cockpit's upload"),
    Artefact.FLOW_CRT: (
        "flow_crt",
        "upload in the sender channel: Authorization = Client Certificate → Add → Select",
    ),
}


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
    cf.add_argument(
        "--validity",
        type=int,
        metavar="DAYS",
        help=f"service key validity in days (default: {DEFAULT_VALIDITY_DAYS})",
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
        raise WizardError(
            "mapping.flags",
            f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for the mapping or service "
            "key; with --flow-certificate the integration flow itself checks the certificate "
            "(no user, no role). Drop "
            f"{'it' if len(given) == 1 else 'them'}, or drop --flow-certificate.",
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
                "mapping.flags", f"{flags} is for Cloud Foundry service keys; drop it for Neo."
            )
    elif args.user is not None:
        raise WizardError(
            "mapping.flags",
            "--user is for Neo mappings; on Cloud Foundry the service key's clientid is the user.",
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
                "mapping.flags", f"{', '.join(publish_flags)} only work with --publish."
            )
        return
    if env is not Environment.NEO:
        raise WizardError(
            "mapping.flags",
            "--publish is for Neo (the CertificateUserMappings API); on Cloud Foundry run the "
            "printed cf commands instead.",
        )
    if not args.tmn:
        raise WizardError(
            "mapping.flags",
            "--publish needs --tmn https://<account>-tmn.hci.<region>.hana.ondemand.com.",
        )
    if bool(args.tmn_user) == bool(args.tmn_client_id):
        raise WizardError(
            "mapping.flags",
            "--publish needs exactly one of --tmn-user USER (basic authentication) or "
            "--tmn-client-id ID with --tmn-token-url URL (OAuth client credentials).",
        )
    if args.tmn_client_id and not args.tmn_token_url:
        raise WizardError(
            "mapping.flags",
            "--tmn-client-id needs --tmn-token-url (the subaccount's OAuth token endpoint, "
            "…/oauth2/api/v1/token).",
        )
    if args.tmn_token_url and not args.tmn_client_id:
        raise WizardError("mapping.flags", "--tmn-token-url only works with --tmn-client-id.")


def _publish(args: argparse.Namespace, ctx, entry: TenantEntry) -> tuple[PublishedMapping, str]:
    """Publish with the stored secret, else the environment's, else ask once and store it."""
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
        published = publish_mapping(args.tmn, entry.neo, login, ca_file=args.ca_file)
    except WizardError as exc:
        if exc.code == "tenant_api.credentials" and stored:
            secrets.delete(name, SecretKind.TENANT_API)
            raise WizardError(
                exc.code,
                f"{exc.message} The stored secret was removed from the keyring; run again to "
                "enter the right one.",
            ) from None
        raise
    if stored:
        where = f"secret from the keyring ({secrets.backend_name})"
    elif from_env:
        where = f"secret from {SECRET_ENV[SecretKind.TENANT_API]} (not stored)"
    elif secrets.available:
        where = f"secret stored in {secrets.store(name, SecretKind.TENANT_API, secret)}"
    else:
        where = "secret not stored (no keyring); you will be asked again"
    return published, where


def _write(ctx, profile: Profile, entry: TenantEntry, out: Path | None) -> tuple[Profile, dict]:
    stored = store_tenant_entry(ctx.store, profile, entry, out=out)
    written = {_FILES[a][0]: path for a, path in stored.out_files.items()}
    for artefact, path in stored.files.items():
        written.setdefault(_FILES[artefact][0], path)
    return stored.profile, written


def run(args: argparse.Namespace, ctx) -> Outcome:
    profile = ctx.store.load(args.profile)
    env = parse_environment(args.env, profile)
    _check_flags(args, env)
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
        validity_days=DEFAULT_VALIDITY_DAYS if args.validity is None else args.validity,
    )
    published, secret_note = None, None
    if args.publish:
        ctx.say(f"Publishing the mapping for {entry.neo.user!r} to {args.tmn} …")
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
            "validity": entry.cf.validity_days,
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
        f"Tenant entry for profile {entry.profile} ({ENVIRONMENT_LABEL[entry.environment]})",
        f"Certificate: {leaf.subject}",
        f"  issued by {leaf.issuer}, valid until {leaf.not_after:%Y-%m-%d %H:%M} UTC",
        f"  SHA-256 {colon_hex(leaf.sha256)}",
    ]
    if entry.neo is not None:
        lines += [
            f"User: {entry.neo.user}    Roles: {', '.join(entry.neo.roles)}",
            f"Mapping Id the tenant assigns: {entry.neo.entity_id}",
        ]
    else:
        assert entry.cf is not None
        lines += [
            f"Service instance: {entry.cf.instance}    Roles: {', '.join(entry.cf.roles)}",
            f"Service key: {entry.cf.key_name} (validity {entry.cf.validity_days} days)",
        ]
    lines += ["", f"Files in {folder}:"]
    for artefact in tenant_entry_files(entry):
        lines.append(f"  {artefact.value:<22} {_FILES[artefact][1]}")
    if folder != profile_folder:
        lines.append(f"  (also kept in the profile folder {profile_folder})")
    if published is not None:
        lines += [
            "",
            f"Published: Id {published.id}, user {published.user}, valid until "
            f"{published.valid_until:%Y-%m-%d %H:%M} UTC ({secret_note}).",
        ]
        if not published.id_matches:
            lines.append(
                f"  note: the tenant's Id differs from the MD5 of the certificate "
                f"({entry.neo.entity_id}); check the entry in the tenant."
            )
    if entry.renewal is not None:
        lines += ["", "Renewal:", *("  " + line for line in entry.renewal.text.splitlines())]
    if entry.warnings:
        lines += ["", "Mind:"]
        lines += [f"  ! {w}" for w in entry.warnings]
    lines += ["", "Checklist:"]
    if entry.cf is not None:
        lines.append(f"  (run the cf commands in that folder: cd {shlex.quote(str(folder))})")
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
        f"Certificate in the integration flow for profile {entry.profile} "
        f"({ENVIRONMENT_LABEL[entry.environment]}): the second option, not recommended",
        f"Certificate: {leaf.subject}",
        f"  issued by {leaf.issuer}, valid until {leaf.not_after:%Y-%m-%d %H:%M} UTC",
        f"  SHA-256 {colon_hex(leaf.sha256)}",
        "",
        f"Files in {folder}:",
        f"  {Artefact.FLOW_CRT.value:<22} {_FILES[Artefact.FLOW_CRT][1]}",
    ]
    if folder != profile_folder:
        lines.append(f"  (also kept in the profile folder {profile_folder})")
    lines += [
        "",
        "Or type them into the same dialog (Add → Subject DN and Issuer DN), exactly as here:",
        f"  Subject DN: {entry.subject_dn}",
        f"  Issuer DN:  {entry.issuer_dn}",
    ]
    if entry.renewal is not None:
        lines += ["", "Renewal:", *("  " + line for line in entry.renewal.text.splitlines())]
    lines += ["", "Mind:", *(f"  ! {w}" for w in entry.warnings)]
    lines += ["", "Checklist:"]
    for number, step in enumerate(entry.checklist, 1):
        lines.append(f"  [ ] {number}. {step.text}")
        if step.command:
            lines.append(f"        $ {step.command}")
    return "\n".join(lines)

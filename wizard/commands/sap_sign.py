"""`cpi-cert-wizard sap-sign`: SAP signs the profile's CSR (SAP Cloud Root CA, Destination service).

The CSR goes to the subaccount's Destination service; the chain that comes back is imported like
any CA reply. `--refresh` fetches the certificate again after SAP's automatic renewal.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard.commands.common import Context, Outcome, add_proxy_option
from wizard.commands.render import import_outcome
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.mapping import colon_hex


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True, help="the sender-system profile with a CSR")
    parser.add_argument(
        "--destination-key",
        type=Path,
        metavar="FILE.json",
        help="service key of a Destination service instance (plan lite) in a Cloud Foundry "
        "subaccount; its client secret goes to the keyring",
    )
    parser.add_argument(
        "--validity",
        metavar="TIME",
        help="1y, 6m, 90d or '90 days'; SAP signs for 1 day to 1 year (default 1y)",
    )
    parser.add_argument(
        "--auto-renew",
        action="store_true",
        help="let SAP renew the certificate before it expires (then import it with --refresh)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="the certificate name is taken in the subaccount: have SAP sign again under it",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="fetch SAP's current certificate (after an automatic renewal) and import it if new",
    )
    parser.add_argument(
        "--ca-file",
        action="append",
        type=Path,
        default=[],
        metavar="PEM",
        help="trust only these CAs for the service's TLS (a private test server); also offered "
        "to complete the returned chain",
    )
    add_proxy_option(parser)


def _check_flags(args: argparse.Namespace) -> None:
    if args.refresh:
        extra = [
            flag
            for flag, given in (
                ("--validity", args.validity is not None),
                ("--auto-renew", args.auto_renew),
                ("--replace", args.replace),
            )
            if given
        ]
        if extra:
            raise WizardError(
                "sap_sign.flags",
                translate(
                    "sap_sign",
                    "{flags} only work when SAP signs; --refresh only fetches the "
                    "certificate SAP has (the renewal setting stays as it was).",
                ).format(flags=", ".join(extra)),
            )
    elif args.destination_key is None:
        raise WizardError(
            "sap_sign.flags",
            translate(
                "sap_sign",
                "Give the Destination service key: --destination-key FILE.json (BTP cockpit → "
                "the Cloud Foundry subaccount → Instances and Subscriptions → the Destination "
                "service instance → Service Keys → Download).",
            ),
        )


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    from wizard.core import sap_sign

    _check_flags(args)
    common = {
        "ca_files": args.ca_file,
        "sap_roots": ctx.sap_roots,
        "progress": ctx.say,
        "proxy": args.proxy,
    }
    if args.refresh:
        result = sap_sign.refresh_from_sap(
            ctx.store, ctx.secrets, args.profile, args.destination_key, **common
        )
        notices: tuple[str, ...] = ()
    else:
        validity = (
            sap_sign.parse_validity(args.validity)
            if args.validity is not None
            else sap_sign.DEFAULT_VALIDITY
        )
        # a missing profile, CSR or a wrong key file is reported before the notices
        cn = sap_sign.requested_cn(ctx.store, args.profile)
        key = sap_sign.read_destination_key(args.destination_key)
        notices = sap_sign.notices_before_sending(cn, validity, args.auto_renew)
        ctx.say(
            translate("sap_sign", "Before SAP signs:")
            + "\n"
            + "\n".join(f"  - {n}" for n in notices)
        )
        result = sap_sign.sign_with_sap(
            ctx.store,
            ctx.secrets,
            args.profile,
            key,
            validity=validity,
            auto_renew=args.auto_renew,
            replace=args.replace,
            **common,
        )
    return _outcome(result, notices)


def _outcome(result, notices: tuple[str, ...]) -> Outcome:
    name = result.profile.name
    data = {
        "profile": name,
        "action": result.action.value,
        "changed": result.changed,
        "sap": {
            "certificate_name": result.certificate_name,
            "auto_renew": result.auto_renew,
            "validity": result.validity,
            "requested_subject": result.requested_subject,
            "issued_subject": result.issued_subject,
            "issuer": result.issuer,
            "sha256": result.sha256,
            "previous_sha256": result.previous_sha256,
            "not_after": result.not_after.isoformat(),
            "root_status": result.root_status.value if result.root_status else None,
            "secret_kept_in": result.secret_kept_in,
        },
        "tenant_update_needed": result.tenant_update_needed,
        "notices": list(notices),
        "notes": list(result.notes),
        "state": result.profile.state.value,
    }
    lines = [_headline(result)]
    if result.imported is not None:
        text, import_data = import_outcome(result.imported, next_hint="")
        data.update({k: v for k, v in import_data.items() if k not in data})
        lines += ["", text.rstrip()]
    else:
        lines.append(
            translate("sap_sign", "  SHA-256 {sha256}, valid until {until} UTC").format(
                sha256=colon_hex(result.sha256), until=f"{result.not_after:%Y-%m-%d %H:%M}"
            )
        )
    if result.notes:
        lines += ["", translate("sap_sign", "Mind:"), *(f"  ! {n}" for n in result.notes)]
    if result.tenant_update_needed:
        lines += ["", _tenant_update(result)]
    lines += [
        "",
        translate("sap_sign", "Client secret: {where}.").format(where=result.secret_kept_in),
    ]
    if result.changed:
        lines += ["", _next(result)]
    files = dict(result.imported.files) if result.imported is not None else {}
    return Outcome(text="\n".join(lines), data=data, files=files)


def _headline(result) -> str:
    from wizard.core.sap_sign import SapSignAction

    renew = {
        True: translate("sap_sign", "on"),
        False: translate("sap_sign", "off"),
        None: translate("sap_sign", "unknown"),
    }[result.auto_renew]
    where = translate("sap_sign", "'{name}' in the subaccount's Destination certificates").format(
        name=result.certificate_name
    )
    values = {"where": where, "profile": result.profile.name, "renew": renew}
    if result.action is SapSignAction.UNCHANGED:
        return translate(
            "sap_sign",
            "SAP's certificate {where} is the one profile {profile} already has; "
            "nothing changed (automatic renewal {renew}).",
        ).format(**values)
    if result.action is SapSignAction.IMPORTED:
        return translate(
            "sap_sign",
            "Imported SAP's certificate {where} into profile {profile} (automatic renewal {renew}).",
        ).format(**values)
    if result.action is SapSignAction.RENEWED:
        return translate(
            "sap_sign",
            "SAP renewed the certificate {where}; profile {profile} now has the new "
            "one (automatic renewal {renew}).",
        ).format(**values)
    if result.action is SapSignAction.REPLACED:
        headline = translate(
            "sap_sign",
            "SAP signed the CSR again of profile {profile}: {where}, valid {validity}, "
            "automatic renewal {renew}.",
        )
    else:
        headline = translate(
            "sap_sign",
            "SAP signed the CSR of profile {profile}: {where}, valid {validity}, "
            "automatic renewal {renew}.",
        )
    return headline.format(validity=result.validity, **values)


def _tenant_update(result) -> str:
    profile = result.profile
    lines = [
        translate("sap_sign", "The tenant entry must be updated: it names an earlier certificate."),
        translate("sap_sign", "  new SHA-256 {sha256}").format(sha256=colon_hex(result.sha256)),
    ]
    tenant_has = profile.mapped_leaf_sha256 or result.previous_sha256
    if tenant_has:
        lines.append(
            translate("sap_sign", "  was SHA-256 {sha256}").format(sha256=colon_hex(tenant_has))
        )
    lines += [
        translate(
            "sap_sign",
            "  Neo: a new Certificate-to-User mapping for the new certificate; Cloud Foundry: a "
            "new service key with it (unless pinning is off).",
        ),
        f"  $ cpi-cert-wizard mapping --profile {profile.name}",
        translate(
            "sap_sign",
            "  The sender needs the new certificate too (same key): "
            "cpi-cert-wizard export-p12 --profile {profile}",
        ).format(profile=profile.name),
    ]
    return "\n".join(lines)


def _next(result) -> str:
    name = result.profile.name
    if result.tenant_update_needed:
        return translate(
            "sap_sign",
            "Next: cpi-cert-wizard export-p12 --profile {profile}, then update the tenant entry.",
        ).format(profile=name)
    return translate(
        "sap_sign",
        "Next: cpi-cert-wizard export-p12 --profile {profile} (for the sender), then "
        "cpi-cert-wizard mapping --profile {profile} (for the tenant).",
    ).format(profile=name)

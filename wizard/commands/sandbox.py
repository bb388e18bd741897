"""`cpi-cert-wizard sandbox`: run the local sandbox tenant, or administer its tables and demo CA.

    sandbox [--port N] [--dir DIR]                 run in the foreground until Ctrl-C
    sandbox sign CSR --out FILE [--pem] [--eku server] [--with-root]
    sandbox map --cert X.cer --user U
    sandbox grant U ROLE  /  sandbox revoke U ROLE
    sandbox endpoint /http/orders [--role R] [--max-bytes N] [--fail] [--unavailable]
    sandbox trust-root ROOT.cer
    sandbox status

The subcommands edit the folder's files; a sandbox running in another process picks the change
up with its next request.
"""

from __future__ import annotations

import argparse
import json
import threading
from dataclasses import asdict
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7

from wizard.commands.common import Context, Outcome
from wizard.core.certs import eku_name
from wizard.core.i18n import translate
from wizard.core.storage import atomic_write, read_input_file
from wizard.sandbox import Sandbox
from wizard.sandbox.state import DEFAULT_MAX_BYTES, DEFAULT_ROLE, EXAMPLE_ENDPOINT

_PEM_SUFFIXES = (".pem", ".crt")


def _common(parser: argparse.ArgumentParser) -> None:
    """Options every `sandbox …` subcommand accepts after its own name."""
    parser.add_argument(
        "--dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="the sandbox folder (default: <home>/sandbox)",
    )
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON object"
    )
    parser.add_argument("--home", type=Path, default=argparse.SUPPRESS, help="data directory")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir", type=Path, default=None, help="the sandbox folder (default: <home>/sandbox)"
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port on 127.0.0.1 (default 0: any free port)"
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION")

    p = sub.add_parser("sign", help="sign a CSR with the demo CA (clientAuth, one year)")
    p.add_argument("csr", type=Path, metavar="CSR", help="the certificate signing request")
    p.add_argument("--out", type=Path, required=True, help="where to write the CA reply")
    p.add_argument(
        "--pem",
        action="store_true",
        help="write a PEM bundle instead of PKCS#7 (.p7b); implied by --out *.pem/*.crt",
    )
    p.add_argument(
        "--eku",
        choices=("client", "server"),
        default="client",
        help="'server' issues a TLS-server-only certificate (no clientAuth) to see it rejected",
    )
    p.add_argument("--with-root", action="store_true", help="include the demo root in the reply")
    _common(p)

    p = sub.add_parser("map", help="map a client certificate to a user (Neo style)")
    p.add_argument("--cert", type=Path, required=True, help="the client certificate (.cer/.pem)")
    p.add_argument("--user", required=True, help="the user name the certificate stands for")
    _common(p)

    p = sub.add_parser("grant", help="give a user a role")
    p.add_argument("user")
    p.add_argument("role", nargs="?", default=DEFAULT_ROLE, help=f"default {DEFAULT_ROLE}")
    _common(p)

    p = sub.add_parser("revoke", help="take a role away from a user")
    p.add_argument("user")
    p.add_argument("role", nargs="?", default=DEFAULT_ROLE, help=f"default {DEFAULT_ROLE}")
    _common(p)

    p = sub.add_parser("endpoint", help="add or change an endpoint (/http/… or /cxf/…)")
    p.add_argument("path", help="for example /http/orders")
    p.add_argument("--role", default=DEFAULT_ROLE, help=f"required role (default {DEFAULT_ROLE})")
    p.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        help="larger bodies get 413 (default 40 MB)",
    )
    p.add_argument("--fail", action="store_true", help="the flow fails: answer 500")
    p.add_argument("--unavailable", action="store_true", help="the runtime is down: answer 503")
    _common(p)

    p = sub.add_parser("trust-root", help="also accept client chains ending at this root")
    p.add_argument("root", type=Path, metavar="FILE", help="a self-signed root (.cer/.pem)")
    _common(p)

    p = sub.add_parser("status", help="show the sandbox's files and tables")
    _common(p)


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    folder = args.dir if args.dir is not None else ctx.home / "sandbox"
    sandbox = Sandbox(folder)
    action = getattr(args, "action", None)
    handlers = {
        None: _run_foreground,
        "sign": _sign,
        "map": _map,
        "grant": _grant,
        "revoke": _revoke,
        "endpoint": _endpoint,
        "trust-root": _trust_root,
        "status": _status,
    }
    return handlers[action](sandbox, args, ctx)


def _run_foreground(sandbox: Sandbox, args: argparse.Namespace, ctx: Context) -> Outcome:
    running = sandbox.start(port=args.port)
    example = running.endpoint_url(EXAMPLE_ENDPOINT)
    files = {
        "lb_root": sandbox.lb_root_pem_path,
        "lb_root_cer": sandbox.lb_root_cer_path,
        "demo_ca_root": sandbox.ca_root_pem_path,
        "access_log": running.access_log_path,
    }
    try:
        if ctx.json:
            ready = {
                "ok": True,
                "url": running.url,
                "port": running.port,
                "dir": str(sandbox.directory),
                "example_endpoint": example,
                "files": {k: str(v) for k, v in files.items()},
            }
            print(json.dumps(ready), flush=True)
        else:
            print(
                translate(
                    "sandbox",
                    "Sandbox tenant running at {url} (Ctrl-C to stop)\n"
                    "  trust this load-balancer root: {lb_root} (DER: {lb_root_cer})\n"
                    "  demo CA root (issues client certificates): {ca_root}\n"
                    "  example endpoint: {example} (role {role})\n"
                    "  access log: {access_log}\n"
                    "  try: curl --cacert {lb_root} --cert client-chain.pem "
                    "--key key.pem {example}",
                ).format(
                    url=running.url,
                    lb_root=sandbox.lb_root_pem_path,
                    lb_root_cer=sandbox.lb_root_cer_path.name,
                    ca_root=sandbox.ca_root_pem_path,
                    example=example,
                    role=DEFAULT_ROLE,
                    access_log=running.access_log_path,
                ),
                flush=True,
            )
        forever = threading.Event()
        while not forever.wait(0.5):  # short waits: Ctrl-C is noticed on every platform
            pass
    except KeyboardInterrupt:
        running.stop()
        ctx.say(
            translate(
                "sandbox", "Sandbox stopped; its certificates, tables and logs stay in {folder}."
            ).format(folder=sandbox.directory)
        )
        raise
    finally:
        running.stop()
    return Outcome()  # not reached: only Ctrl-C ends the loop


def _sign(sandbox: Sandbox, args: argparse.Namespace, ctx: Context) -> Outcome:
    csr = read_input_file(
        args.csr, what=translate("sandbox", "a certificate signing request"), limit=1024 * 1024
    )
    pem = args.pem or args.out.suffix.lower() in _PEM_SUFFIXES
    reply = sandbox.sign_csr(
        csr, p7b=not pem, client_auth=args.eku == "client", include_root=args.with_root
    )
    atomic_write(args.out, reply, private=False)
    chain = _leaf_first(_read_reply(reply, pem))  # the summary describes what was written
    leaf = chain[0]
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    usages = [eku_name(u) for u in eku]
    fmt = translate("sandbox", "PEM bundle") if pem else "PKCS#7 (DER)"
    if args.with_root:
        contents = translate("sandbox", "{count} certificates: leaf, intermediate, root")
    else:
        contents = translate("sandbox", "{count} certificates: leaf, intermediate")
    text = translate(
        "sandbox",
        "Signed by the sandbox demo CA: {subject}\n"
        "  valid until {until}, extended key usage: {usages}\n"
        "  reply ({format}, {contents}): {file}",
    ).format(
        subject=leaf.subject.rfc4514_string(),
        until=f"{leaf.not_valid_after_utc:%Y-%m-%d}",
        usages=", ".join(usages),
        format=fmt,
        contents=contents.format(count=len(chain)),
        file=args.out,
    )
    if args.eku == "server":
        text += "\n" + translate(
            "sandbox",
            "  note: no clientAuth, so SAP (and this sandbox) will not accept it as a client.",
        )
    return Outcome(
        text=text,
        data={
            "format": "pem" if pem else "pkcs7-der",
            "subject": leaf.subject.rfc4514_string(),
            "issuer": leaf.issuer.rfc4514_string(),
            "serial": format(leaf.serial_number, "x"),
            "not_after": leaf.not_valid_after_utc.isoformat(),
            "extended_key_usage": usages,
            "chain": [c.subject.rfc4514_string() for c in chain],
        },
        files={"reply": args.out},
    )


def _leaf_first(certs: list[x509.Certificate]) -> list[x509.Certificate]:
    """Leaf, its issuer, that one's issuer… (PKCS#7 is a set: it keeps no order)."""
    issuers = {c.issuer for c in certs if c.issuer != c.subject}
    chain = [next(c for c in certs if c.subject not in issuers)]
    while len(chain) < len(certs):
        parent = next((c for c in certs if c.subject == chain[-1].issuer and c not in chain), None)
        if parent is None:
            break
        chain.append(parent)
    return chain


def _read_reply(reply: bytes, pem: bool) -> list[x509.Certificate]:
    if pem:
        return x509.load_pem_x509_certificates(reply)
    return pkcs7.load_der_pkcs7_certificates(reply)


def _map(sandbox: Sandbox, args: argparse.Namespace, ctx: Context) -> Outcome:
    data = read_input_file(args.cert, what=translate("sandbox", "a certificate"), limit=1024 * 1024)
    row = sandbox.map_certificate(data, args.user)
    roles = sandbox.state().roles_of(row.user)
    text = translate("sandbox", "Mapped {subject} (issued by {issuer}) to user {user}.").format(
        subject=row.subject, issuer=row.issuer, user=row.user
    )
    if not roles:
        text += "\n" + translate(
            "sandbox", "  {user} has no role yet: `sandbox grant {user} {role}`."
        ).format(user=row.user, role=DEFAULT_ROLE)
    mapping = {k: v for k, v in asdict(row).items() if k != "pem"}
    return Outcome(text=text, data={"mapping": mapping, "roles": list(roles)})


def _grant(sandbox: Sandbox, args: argparse.Namespace, ctx: Context) -> Outcome:
    roles = sandbox.grant(args.user, args.role)
    return Outcome(
        text=translate("sandbox", "{user} now has: {roles}.").format(
            user=args.user, roles=", ".join(roles)
        ),
        data={"user": args.user, "roles": list(roles)},
    )


def _revoke(sandbox: Sandbox, args: argparse.Namespace, ctx: Context) -> Outcome:
    roles = sandbox.revoke(args.user, args.role)
    return Outcome(
        text=translate("sandbox", "{user} now has: {roles}.").format(
            user=args.user, roles=", ".join(roles) or translate("sandbox", "no roles")
        ),
        data={"user": args.user, "roles": list(roles)},
    )


def _endpoint(sandbox: Sandbox, args: argparse.Namespace, ctx: Context) -> Outcome:
    endpoint = sandbox.add_endpoint(
        args.path,
        role=args.role,
        max_bytes=args.max_bytes,
        fail=args.fail,
        unavailable=args.unavailable,
    )
    extra = translate("sandbox", " (fails with 500)") if endpoint.fail else ""
    if endpoint.unavailable:
        extra += translate("sandbox", " (answers 503: runtime unavailable)")
    return Outcome(
        text=translate(
            "sandbox", "Endpoint {path}: role {role}, at most {max_bytes} bytes{extra}."
        ).format(path=endpoint.path, role=endpoint.role, max_bytes=endpoint.max_bytes, extra=extra),
        data={"endpoint": asdict(endpoint)},
    )


def _trust_root(sandbox: Sandbox, args: argparse.Namespace, ctx: Context) -> Outcome:
    data = read_input_file(
        args.root, what=translate("sandbox", "a root certificate"), limit=1024 * 1024
    )
    row = sandbox.trust_client_root(data)
    return Outcome(
        text=translate(
            "sandbox", "The load balancer now also accepts client chains ending at {subject}."
        ).format(subject=row.subject),
        data={"trusted_root": {"subject": row.subject, "sha256": row.sha256}},
    )


def _status(sandbox: Sandbox, args: argparse.Namespace, ctx: Context) -> Outcome:
    state = sandbox.state()
    roots = [c.subject.rfc4514_string() for c in sandbox.client_roots()]
    mappings = [{k: v for k, v in asdict(m).items() if k != "pem"} for m in state.mappings]
    lines = [
        translate("sandbox", "Sandbox folder: {folder} (node {node})").format(
            folder=sandbox.directory, node=state.node
        ),
        translate("sandbox", "  load-balancer root (senders trust it): {file}").format(
            file=sandbox.lb_root_pem_path
        ),
        translate("sandbox", "  demo CA root: {file}").format(file=sandbox.ca_root_pem_path),
        translate("sandbox", "  access logs: {folder}").format(folder=sandbox.logs_dir),
        translate("sandbox", "Client roots accepted by the load balancer:"),
        *_listed(roots),
        translate("sandbox", "Certificate-to-user mappings:"),
        *_listed(
            translate("sandbox", "{user} <- {subject} (serial {serial})").format(
                user=m.user, subject=m.subject, serial=m.serial
            )
            for m in state.mappings
        ),
        translate("sandbox", "Roles:"),
        *_listed(f"{user}: {', '.join(roles)}" for user, roles in state.roles),
        translate("sandbox", "Endpoints:"),
        *_listed(
            translate("sandbox", "{path}: role {role}, max {max_bytes} bytes").format(
                path=e.path, role=e.role, max_bytes=e.max_bytes
            )
            + (translate("sandbox", ", fails (500)") if e.fail else "")
            + (translate("sandbox", ", unavailable (503)") if e.unavailable else "")
            for e in state.endpoints
        ),
    ]
    return Outcome(
        text="\n".join(lines),
        data={
            "dir": str(sandbox.directory),
            "node": state.node,
            "client_roots": roots,
            "mappings": mappings,
            "roles": {user: list(r) for user, r in state.roles},
            "endpoints": [asdict(e) for e in state.endpoints],
        },
        files={
            "lb_root": sandbox.lb_root_pem_path,
            "lb_root_cer": sandbox.lb_root_cer_path,
            "demo_ca_root": sandbox.ca_root_pem_path,
            "logs": sandbox.logs_dir,
        },
    )


def _listed(items) -> list[str]:
    rows = [f"  {item}" for item in items]
    return rows or [translate("sandbox", "  (none)")]

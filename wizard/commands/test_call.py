"""`cpi-cert-wizard test-call`: call the endpoint with the profile's certificate and diagnose.

Exit status 0 only for the verdict OK, 3 for any other verdict (the call was made; the answer is
negative), 2 for wrong input (no certificate yet, bad URL, unreadable file).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import asdict
from pathlib import Path

from wizard.commands.common import Context, Outcome, add_proxy_option
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.storage import read_input_file
from wizard.core.testcall import DEFAULT_TIMEOUT, TestCallResult, call_endpoint, record_result
from wizard.core.trust import load_sap_list

EXIT_NEGATIVE = 3
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP header name (RFC 9110 token)
_WIDTH = 72


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True, help="the sender-system profile")
    parser.add_argument("--url", help="the endpoint (default: the profile's tenant URL)")
    parser.add_argument(
        "--method",
        type=str.upper,
        choices=METHODS,
        help="HTTP method (default: POST with --data, else GET)",
    )
    parser.add_argument(
        "--data", metavar="@FILE|TEXT", help="the message body: @file.xml or the text itself"
    )
    parser.add_argument(
        "--header",
        dest="headers",
        action="append",
        default=[],
        metavar="K:V",
        help="an extra request header, e.g. 'SOAPAction: x' (repeatable)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"give up after S seconds (default {DEFAULT_TIMEOUT:g})",
    )
    add_proxy_option(parser)
    parser.add_argument(
        "--trust",
        metavar="root|system|FILE",
        help="what the server's certificate must lead to: root = the tenant root saved by "
        "fetch-root (default when saved), system = the OS store, or a PEM/DER file",
    )
    parser.add_argument(
        "--accepted-roots",
        type=Path,
        metavar="FILE",
        help="the client roots the load balancer accepts (default: the names the server "
        "sends, else SAP's list)",
    )


def _headers(values: list[str]) -> list[tuple[str, str]]:
    out = []
    for value in values:
        name, sep, text = value.partition(":")
        name = name.strip()
        if not sep or not _TOKEN.match(name):
            raise WizardError(
                "testcall.header",
                f"--header {value!r} is not a header: write it as Name: value "
                "(for example --header 'SOAPAction: urn:orders').",
            )
        if "\r" in text or "\n" in text:
            raise WizardError("testcall.header", f"--header {name}: the value has a line break.")
        out.append((name, text.strip()))
    return out


def _body(value: str | None) -> tuple[bytes | None, str | None]:
    """The bytes to send and how curl should be given them."""
    if value is None:
        return None, None
    if value.startswith("@"):
        path = Path(value[1:]).expanduser()
        data = read_input_file(path, what=translate("test_call", "the message body"))
        return data, f"@{path.resolve()}"
    return value.encode("utf-8"), value


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    profile = ctx.store.load(args.profile)
    data, data_arg = _body(args.data)
    method = args.method or ("POST" if data is not None else "GET")
    sap_list = load_sap_list(ctx.sap_roots) if ctx.sap_roots else None
    result = call_endpoint(
        profile,
        store=ctx.store,
        secrets=ctx.secrets,
        url=args.url,
        method=method,
        data=data,
        data_arg=data_arg,
        headers=_headers(args.headers),
        timeout=args.timeout,
        proxy=args.proxy,
        trust=args.trust,
        accepted_roots_file=args.accepted_roots,
        sap_list=sap_list,
    )
    _record(ctx, args.profile, result)
    return Outcome(
        text=render(result),
        data={"profile": profile.name, **result_json(result)},
        exit_code=0 if result.ok else EXIT_NEGATIVE,
    )


def _record(ctx: Context, name: str, result: TestCallResult) -> None:
    with ctx.store.change(name):  # fresh and locked: the call may have taken a while
        ctx.store.save(record_result(ctx.store.load(name), result))


def render(result: TestCallResult) -> str:
    bar = "=" * _WIDTH
    status = (
        f"HTTP {result.status}"
        if result.status is not None
        else translate("test_call", "no HTTP answer")
    )
    lines = [
        bar,
        f"  {result.verdict.value}: {result.title}",
        bar,
        translate("test_call", "{method} {url}: {status} after {seconds} s").format(
            method=result.method, url=result.url, status=status, seconds=f"{result.elapsed:.2f}"
        ),
        "",
        result.meaning,
        "",
        translate("test_call", "Evidence:"),
        *(f"  - {line}" for line in result.evidence),
        "",
        translate("test_call", "Next: {step}").format(step=result.next_step),
        "",
        translate("test_call", "The same call with curl (the passphrase is fetched, not shown):"),
        f"  {result.curl_command}",
    ]
    return "\n".join(lines)


def result_json(result: TestCallResult) -> dict:
    return {
        "verdict": result.verdict.value,
        "inferred": result.inferred,  # the verdict is the tool's inference, not the tenant's word
        "sap_answer": result.sap_answer,
        "title": result.title,
        "meaning": result.meaning,
        "status": result.status,
        "reason": result.reason,
        "evidence": list(result.evidence),
        "next_step": result.next_step,
        "curl": result.curl_command,
        "elapsed": round(result.elapsed, 4),
        "url": result.url,
        "method": result.method,
        "at": result.at,
        "prechecks": [asdict(c) for c in result.prechecks],
        "server_trust": result.server_trust,
        "accepted_roots": result.accepted_roots,
        "client_cert_requested": result.client_cert_requested,
        "client_ca_names": list(result.client_ca_names),
        "server_chain": list(result.server_chain),
        "protocol": result.protocol,
        "proxy": result.proxy,
        "response_excerpt": result.response_excerpt,
    }

"""The same scenarios against the built-in sandbox tenant and against nginx give the same verdicts.

The sandbox is the program's embedded stand-in for a tenant; nginx is a real server configured
like SAP's load balancer (see harness.py). Running one table of scenarios against both checks the
sandbox against a real server, not only against itself; each call's line in that tenant's own
access log, read back by analyze-log's parser, must say the same as the test call.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from tests import pki
from tests.testcall.harness import ROLE, Client, Nginx, World
from wizard.core import accesslog
from wizard.core.profiles import Profile
from wizard.core.testcall import TestCallResult, call_endpoint
from wizard.core.verdicts import Verdict
from wizard.sandbox import Sandbox

MAX_BODY = 1024


@dataclass
class Tenant:
    """A tenant under test, whichever it is: its senders, its root, its URLs and its log."""

    name: str
    clients: dict[str, Client]
    root: x509.Certificate
    url: Callable[[str], str]
    access_log: Callable[[], Path]


def _sandbox_sender(sandbox: Sandbox, cn: str, *, client_auth: bool = True) -> Client:
    key = pki.make_key()
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .sign(key, pki.hashes.SHA256())
    )
    leaf = sandbox.pki.sign_csr(csr, client_auth=client_auth)
    chain = [leaf, sandbox.pki.ca_intermediate.cert, sandbox.pki.ca_root.cert]
    return Client(cn, leaf, key, chain[:2], chain)


# Module scope: the sandbox's threads end with this module (the sandbox's own tests check that
# no sandbox thread is left in the process).
@pytest.fixture(scope="module")
def sandbox_tenant(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tenant]:
    sandbox = Sandbox(tmp_path_factory.mktemp("sandbox"))
    for path in ("/http/orders", "/cxf/orders"):
        sandbox.add_endpoint(path, role=ROLE, max_bytes=MAX_BODY)
    sandbox.add_endpoint("/http/fails", role=ROLE, fail=True)
    sandbox.add_endpoint("/http/down", role=ROLE, unavailable=True)
    mapped = _sandbox_sender(sandbox, "alice sender")
    no_role = _sandbox_sender(sandbox, "bob sender")
    server_only = _sandbox_sender(sandbox, "erin sender", client_auth=False)
    sandbox.map_certificate(mapped.cert, "ALICE")
    sandbox.grant("ALICE", ROLE)
    sandbox.map_certificate(no_role.cert, "BOB")
    sandbox.map_certificate(server_only.cert, "ERIN")
    sandbox.grant("ERIN", ROLE)
    foreign = world["dave"]
    sandbox.map_certificate(foreign.cert, "DAVE")  # mapped, yet its root is not accepted
    sandbox.grant("DAVE", ROLE)
    clients = {
        "mapped": mapped,
        "no-role": no_role,
        "unmapped": _sandbox_sender(sandbox, "carol sender"),
        "leaf-only": Client("leaf-only", mapped.cert, mapped.key, [mapped.cert], [mapped.cert]),
        "foreign": foreign,
        "selfie": world["selfie"],
        "server-only": server_only,
    }
    with sandbox.start(port=0) as running:
        yield Tenant(
            "sandbox",
            clients,
            sandbox.pki.lb_root.cert,
            running.endpoint_url,
            lambda: running.access_log_path,
        )


@pytest.fixture(scope="module")
def nginx_tenant(world: World, nginx: Nginx) -> Tenant:
    clients = {
        "mapped": world["alice"],
        "no-role": world["bob"],
        "unmapped": world["carol"],
        "leaf-only": world["alice-leaf-only"],
        "foreign": world["dave"],
        "selfie": world["selfie"],
        "server-only": world["erin"],
    }
    return Tenant("nginx", clients, world.lb_root.cert, nginx.url, lambda: nginx.access_log)


@pytest.fixture(params=["sandbox", "nginx"])
def tenant(request: pytest.FixtureRequest) -> Tenant:
    return request.getfixturevalue(f"{request.param}_tenant")


@dataclass(frozen=True)
class Scenario:
    story: str
    sender: str
    path: str
    expected: Verdict
    body: int | None = None  # bytes to POST
    wrong_trust: bool = False


SCENARIOS = [
    Scenario("mapped sender with the role", "mapped", "/http/orders", Verdict.OK),
    Scenario("SOAP endpoint", "mapped", "/cxf/orders", Verdict.OK),
    Scenario("small message", "mapped", "/http/orders", Verdict.OK, body=MAX_BODY // 2),
    Scenario("chain without intermediate", "leaf-only", "/http/orders", Verdict.NO_CERT_FORWARDED),
    Scenario("root not accepted", "foreign", "/http/orders", Verdict.NO_CERT_FORWARDED),
    Scenario("self-signed", "selfie", "/http/orders", Verdict.NO_CERT_FORWARDED),
    Scenario("certificate not mapped", "unmapped", "/http/orders", Verdict.NOT_MAPPED),
    Scenario("user without the role", "no-role", "/http/orders", Verdict.NOT_AUTHORIZED),
    Scenario("wrong path", "mapped", "/http/ordres", Verdict.NO_ENDPOINT),
    Scenario("message too large", "mapped", "/http/orders", Verdict.TOO_LARGE, body=MAX_BODY * 2),
    Scenario("20 MB message", "mapped", "/http/orders", Verdict.TOO_LARGE, body=20 * 1024 * 1024),
    Scenario("flow fails", "mapped", "/http/fails", Verdict.FLOW_FAILED),
    Scenario("runtime down", "mapped", "/http/down", Verdict.UNAVAILABLE),
    Scenario(
        "server not trusted", "mapped", "/http/orders", Verdict.SERVER_UNTRUSTED, wrong_trust=True
    ),
]


def _call(make_profile, tenant: Tenant, sender: str, path: str, **kw) -> TestCallResult:
    marker = uuid.uuid4().hex
    profile: Profile = make_profile(
        f"{sender}-{marker[:8]}",
        tenant.clients[sender],
        url=tenant.url(path) + f"?call={marker}",
        tenant_root=tenant.root,
    )
    return call_endpoint(
        profile, store=make_profile.store, secrets=make_profile.secrets, timeout=10, **kw
    )


def _logged(
    tenant: Tenant, result: TestCallResult, *, wait: float = 5.0
) -> accesslog.ExplainedCall | None:
    marker = "?" + result.url.rpartition("?")[2]
    deadline = time.monotonic() + wait
    while True:
        log = tenant.access_log()
        if log.exists():
            calls = accesslog.analyze([log]).calls
            found = [c for c in calls if c.entry.target.endswith(marker)]
            if found:
                assert len(found) == 1
                return found[0]
        if time.monotonic() > deadline:
            return None
        time.sleep(0.02)


@pytest.mark.nginx
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.story)
def test_same_scenario_same_verdict_on_sandbox_and_nginx(
    make_profile, tenant: Tenant, world: World, tmp_path, scenario: Scenario
):
    kw: dict = {}
    if scenario.body is not None:
        kw.update(method="POST", data=b"x" * scenario.body)
    if scenario.wrong_trust:
        wrong = tmp_path / "wrong-root.pem"
        wrong.write_bytes(world.other_root.pem())
        kw["trust"] = str(wrong)
    result = _call(make_profile, tenant, scenario.sender, scenario.path, **kw)
    assert result.verdict is scenario.expected, "\n".join(result.evidence)
    untrusted = scenario.expected is Verdict.SERVER_UNTRUSTED
    logged = _logged(tenant, result, wait=0.3 if untrusted else 5.0)
    if untrusted:
        assert logged is None, "nothing may reach a server we do not trust"
    else:
        assert logged is not None, f"the call is in the {tenant.name}'s access log"
        assert logged.verdict is scenario.expected
        assert logged.entry.status == result.status


@pytest.mark.nginx
def test_both_tenants_name_their_client_roots_as_acceptable_cas(make_profile, tenant: Tenant):
    result = _call(make_profile, tenant, "mapped", "/http/orders")
    assert result.client_cert_requested is True
    root = tenant.clients["mapped"].known[-1]
    assert result.client_ca_names == (root.subject.rfc4514_string(),)


@pytest.mark.nginx
def test_server_only_certificate_is_refused_by_both_though_in_different_ways(
    make_profile, tenant: Tenant
):
    # The sandbox drops it silently like SAP's LB (401); nginx answers 400 "SSL certificate
    # error". Either way the pre-check named the cause before the call.
    result = _call(make_profile, tenant, "server-only", "/http/orders")
    expected = {
        "sandbox": Verdict.NO_CERT_FORWARDED,
        "nginx": Verdict.CLIENT_CERT_REJECTED,
    }[tenant.name]
    assert result.verdict is expected
    assert next(c for c in result.prechecks if c.name == "clientAuth").passed is False


def test_stopped_sandbox_is_unreachable(make_profile, sandbox_tenant: Tenant, tmp_path):
    sandbox = Sandbox(tmp_path / "stopped")
    with sandbox.start(port=0) as running:
        url = running.endpoint_url("/http/demo")
    result = call_endpoint(
        make_profile("stopped", sandbox_tenant.clients["mapped"], url=url),
        store=make_profile.store,
        secrets=make_profile.secrets,
        timeout=5,
    )
    assert result.verdict is Verdict.UNREACHABLE


# --- SAP's own answers (issue 16) ----------------------------------------------------------------


def test_sap_answers_that_name_their_cause_map_to_their_verdict():
    from tests.testcall.harness import CF_401_BODY
    from wizard.core.testcall import recognise_answer

    no_header = {}.get
    cf = recognise_answer(401, CF_401_BODY.encode(), no_header)
    assert cf is not None and cf.verdict is Verdict.NOT_MAPPED and "3224701" in cf.evidence
    csrf = recognise_answer(403, b"", {"X-CSRF-Token": "Required"}.get)
    assert csrf is not None and csrf.verdict is Verdict.NOT_AUTHORIZED
    assert "CSRF" in csrf.evidence
    assert recognise_answer(401, b"401 from the test tenant", no_header) is None
    assert recognise_answer(403, b"Forbidden", no_header) is None

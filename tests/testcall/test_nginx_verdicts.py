"""Every verdict from a real scenario against nginx playing SAP's load balancer and tenant.

Each test makes the call a sender would make and checks what a user sees: the verdict, the
evidence that explains it, and what the tenant's access log says about the same call.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
import uuid

import pytest

from tests.testcall.harness import NODE, Nginx, World, strict_server
from wizard.core import accesslog
from wizard.core.profiles import Artefact
from wizard.core.testcall import TestCallResult, call_endpoint
from wizard.core.verdicts import Verdict

pytestmark = pytest.mark.nginx


def call(make_profile, profile, **kw) -> TestCallResult:
    kw.setdefault("timeout", 10)
    return call_endpoint(profile, store=make_profile.store, secrets=make_profile.secrets, **kw)


def evidence(result: TestCallResult) -> str:
    return "\n".join(result.evidence)


def logged_call(nginx: Nginx, result: TestCallResult) -> accesslog.ExplainedCall:
    """The tenant's access-log line for this call (found by its unique query), as explained."""
    marker = result.url.rpartition("?")[2]
    deadline = time.monotonic() + 5
    while True:  # nginx writes the line just after the answer
        analysis = accesslog.analyze([nginx.access_log])
        assert analysis.malformed == 0
        found = [c for c in analysis.calls if c.entry.target.endswith("?" + marker)]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert len(found) == 1, f"one line for {marker} in the tenant's log"
    assert found[0].entry.node == NODE
    return found[0]


@pytest.fixture
def profile_for(make_profile, nginx: Nginx, world: World):
    numbers = itertools.count(1)

    def make(client: str, path: str = "/http/orders", **kw):
        name = f"{client}-{next(numbers)}"
        kw.setdefault("url", nginx.url(path) + f"?call={uuid.uuid4().hex}")
        return make_profile(name, world[client], **kw)

    return make


# --- the certificate reaches the tenant -------------------------------------------------------


def test_mapped_certificate_with_the_role_gets_through_and_the_log_names_the_user(
    make_profile, profile_for, nginx
):
    result = call(make_profile, profile_for("alice"))
    assert result.verdict is Verdict.OK
    assert result.status == 200
    assert result.client_cert_requested is True
    assert result.client_ca_names == ("CN=Sender Root CA,O=Test PKI,C=DE",)
    assert all(check.passed for check in result.prechecks)
    assert "hello ALICE" in (result.response_excerpt or "")
    logged = logged_call(nginx, result)
    assert logged.entry.user == "ALICE"
    assert logged.verdict is Verdict.OK


def test_host_name_url_is_verified_by_name_and_works(make_profile, profile_for, nginx):
    result = call(make_profile, profile_for("alice", url=nginx.url(host="localhost")))
    assert result.verdict is Verdict.OK


def test_cxf_endpoint_works_like_http(make_profile, profile_for):
    assert call(make_profile, profile_for("alice", "/cxf/orders")).verdict is Verdict.OK


def test_unmapped_certificate_reaches_the_tenant_but_is_not_mapped(
    make_profile, profile_for, nginx
):
    result = call(make_profile, profile_for("carol", environment="neo"))
    assert result.verdict is Verdict.NOT_MAPPED
    assert result.status == 401
    assert "Certificate-to-User Mapping" in result.next_step
    assert "should pass the load balancer" in evidence(result)
    logged = logged_call(nginx, result)
    assert logged.entry.user == "carol sender@Sender Issuing CA"
    assert logged.verdict is Verdict.NOT_MAPPED


def test_not_mapped_on_cloud_foundry_points_to_the_service_key(make_profile, profile_for):
    result = call(make_profile, profile_for("carol", environment="cf"))
    assert result.verdict is Verdict.NOT_MAPPED
    assert "service key" in result.next_step
    assert "Certificate-to-User Mapping" not in result.next_step


def test_mapped_user_without_the_role_is_not_authorized(make_profile, profile_for, nginx):
    result = call(make_profile, profile_for("bob", environment="neo"))
    assert result.verdict is Verdict.NOT_AUTHORIZED
    assert result.status == 403
    assert "ESBMessaging.send" in result.next_step
    assert "iflmap" in result.next_step
    logged = logged_call(nginx, result)
    assert (logged.entry.user, logged.verdict) == ("BOB", Verdict.NOT_AUTHORIZED)


def test_wrong_path_is_no_endpoint(make_profile, profile_for):
    result = call(make_profile, profile_for("alice", "/http/ordres"))
    assert result.verdict is Verdict.NO_ENDPOINT
    assert result.status == 404


def test_message_above_the_channel_limit_is_too_large(make_profile, profile_for, nginx):
    body = b"<order>" + b"x" * (nginx.max_body * 2) + b"</order>"
    result = call(make_profile, profile_for("alice"), method="POST", data=body)
    assert result.verdict is Verdict.TOO_LARGE
    assert result.status == 413
    small = call(make_profile, profile_for("alice"), method="POST", data=b"<order/>")
    assert small.verdict is Verdict.OK


def test_flow_that_fails_is_flow_failed(make_profile, profile_for):
    result = call(make_profile, profile_for("alice", "/http/fails"))
    assert (result.verdict, result.status) == (Verdict.FLOW_FAILED, 500)
    assert "message processing log" in result.next_step


def test_runtime_that_is_down_is_unavailable(make_profile, profile_for):
    result = call(make_profile, profile_for("alice", "/http/down"))
    assert (result.verdict, result.status) == (Verdict.UNAVAILABLE, 503)


# --- the load balancer drops the certificate ----------------------------------------------------


def test_chain_sent_without_its_intermediate_is_not_forwarded(make_profile, profile_for, nginx):
    result = call(make_profile, profile_for("alice-leaf-only"))
    assert result.verdict is Verdict.NO_CERT_FORWARDED
    assert result.status == 401
    complete = next(c for c in result.prechecks if c.name == "chain complete")
    assert complete.passed is False
    assert "Sender Issuing CA" in complete.detail
    assert "whole chain" in result.next_step or "all intermediates" in result.next_step
    logged = logged_call(nginx, result)
    assert (logged.entry.user, logged.verdict) == ("-", Verdict.NO_CERT_FORWARDED)


def test_certificate_from_a_root_the_balancer_does_not_accept_is_not_forwarded(
    make_profile, profile_for, nginx
):
    result = call(make_profile, profile_for("dave"))
    assert result.verdict is Verdict.NO_CERT_FORWARDED
    root = next(c for c in result.prechecks if c.name == "root accepted")
    assert root.passed is False
    assert "Unlisted Root CA" in root.detail and "Sender Root CA" in root.detail
    assert logged_call(nginx, result).entry.user == "-"


def test_self_signed_certificate_is_not_forwarded(make_profile, profile_for):
    result = call(make_profile, profile_for("selfie"))
    assert result.verdict is Verdict.NO_CERT_FORWARDED
    assert "self-signed" in evidence(result)


def test_server_that_never_asks_for_a_certificate_is_about_the_host_not_the_chain(
    make_profile, profile_for, nginx
):
    # A management host or a proxy that ends TLS never asks for a client certificate: the
    # advice is about the host and the proxy, never "send the intermediates / change CA".
    result = call(make_profile, profile_for("alice", url=nginx.url(port=nginx.norequest_port)))
    assert result.verdict is Verdict.NO_CERT_REQUESTED
    assert result.client_cert_requested is False
    assert "never asked for a client certificate" in evidence(result)
    assert "runtime host" in result.next_step and "proxy" in result.next_step
    assert "intermediates" not in result.next_step
    assert "Another chain or CA will not change this" in result.next_step


def test_expired_certificate_is_refused_by_the_front(make_profile, profile_for):
    # nginx answers 400 "The SSL certificate error" for chains it verifies and refuses.
    result = call(make_profile, profile_for("frank"))
    assert result.verdict is Verdict.CLIENT_CERT_REJECTED
    valid = next(c for c in result.prechecks if c.name == "valid now")
    assert valid.passed is False
    assert "problems with the chain: valid now" in evidence(result)


def test_server_only_certificate_without_client_auth_is_refused(make_profile, profile_for):
    result = call(make_profile, profile_for("erin"))
    assert result.verdict is Verdict.CLIENT_CERT_REJECTED
    client_auth = next(c for c in result.prechecks if c.name == "clientAuth")
    assert client_auth.passed is False


# --- which client roots count as accepted -------------------------------------------------------


def test_without_acceptable_ca_names_a_root_off_the_list_is_an_inference_not_a_fact(
    make_profile, profile_for, nginx
):
    result = call(make_profile, profile_for("carol", url=nginx.url(port=nginx.nonames_port)))
    assert result.client_cert_requested is True
    assert result.client_ca_names == ()
    assert "SAP BTP trust store v3.0.0" in result.accepted_roots
    root = next(c for c in result.prechecks if c.name == "root accepted")
    assert root.passed is None  # amber: "not confirmed", not failed
    assert "not confirmed" in root.detail and "SAP BTP trust store v3.0.0" in root.detail
    assert result.verdict is Verdict.NO_CERT_FORWARDED and result.inferred
    assert result.title == "The load balancer would drop this chain (the tool's inference)"
    assert "No certificate reached the tenant" not in result.title
    assert "believes" in result.meaning
    assert "Why the tool believes the load balancer dropped the chain" in evidence(result)
    assert "no acceptable-CA names" in evidence(result) and "Sender Root CA" in evidence(result)


def test_sap_cloud_foundry_401_body_proves_the_certificate_arrived_whatever_the_prechecks_say(
    make_profile, profile_for, nginx
):
    # Same chain and same root pre-check ("not confirmed") as above, but the tenant answers with
    # Cloud Foundry's invalid_client body (SAP KBA 3224701): that is evidence, not inference.
    result = call(make_profile, profile_for("carol", url=nginx.url(port=nginx.cf_port)))
    root = next(c for c in result.prechecks if c.name == "root accepted")
    assert root.passed is None
    assert result.status == 401
    assert result.verdict is Verdict.NOT_MAPPED and not result.inferred
    assert result.title == "The certificate is not mapped to a user"
    assert "3224701" in (result.sap_answer or "")
    assert "not configured exactly once in a service key" in evidence(result)
    assert "service key" in result.next_step


@pytest.mark.parametrize("client", ["gina", "hank"])
def test_leaf_without_client_auth_eku_fails_the_precheck_and_401_is_not_blamed_on_mapping(
    make_profile, profile_for, nginx, client
):
    # gina has no Extended Key Usage, hank only anyExtendedKeyUsage: SAP rejects both in the
    # TLS handshake ("Certificates without this EKU are rejected"); nginx lets them through.
    result = call(make_profile, profile_for(client))
    client_auth = next(c for c in result.prechecks if c.name == "clientAuth")
    assert client_auth.passed is False
    assert "1.3.6.1.5.5.7.3.2" in client_auth.detail
    # nginx's OpenSSL lets gina through (401) and refuses hank (400): never NOT_MAPPED.
    assert result.verdict in (Verdict.NO_CERT_FORWARDED, Verdict.CLIENT_CERT_REJECTED)
    assert "clientAuth" in evidence(result)


def test_accepted_roots_file_tells_an_unmapped_certificate_from_a_dropped_one(
    make_profile, profile_for, nginx, world, tmp_path
):
    roots = tmp_path / "lb-client-roots.pem"
    roots.write_bytes(world.client_root.pem())
    url = nginx.url(port=nginx.nonames_port)
    unmapped = call(make_profile, profile_for("carol", url=url), accepted_roots_file=roots)
    assert unmapped.verdict is Verdict.NOT_MAPPED
    assert str(roots) in unmapped.accepted_roots
    dropped = call(make_profile, profile_for("dave", url=url), accepted_roots_file=roots)
    assert dropped.verdict is Verdict.NO_CERT_FORWARDED


def test_names_recorded_by_fetch_root_count_when_the_server_sends_none(
    make_profile, profile_for, nginx
):
    recorded = ["CN=Sender Root CA,O=Test PKI,C=DE"]
    profile = profile_for("carol", url=nginx.url(port=nginx.nonames_port), client_ca_names=recorded)
    result = call(make_profile, profile)
    assert result.verdict is Verdict.NOT_MAPPED
    assert "fetch-root recorded" in result.accepted_roots


# --- the server, the network and the proxy ------------------------------------------------------


def test_server_checked_against_the_wrong_root_is_untrusted_and_nothing_is_sent(
    make_profile, profile_for, nginx, world, tmp_path
):
    wrong = tmp_path / "wrong-root.pem"
    wrong.write_bytes(world.other_root.pem())
    result = call(make_profile, profile_for("alice"), trust=str(wrong))
    assert result.verdict is Verdict.SERVER_UNTRUSTED
    assert result.status is None
    assert "Tenant LB Issuing CA" in evidence(result)
    said = evidence(result)
    assert "Nothing was sent" not in said  # the client certificate may have been, in the handshake
    assert "your client certificate" in said and "No request, no data and no secret" in said
    assert "fetch-root" in result.next_step
    marker = result.url.rpartition("?")[2]
    # a trusted call after it: once its line is in the log, a line of the first would be too
    logged_call(nginx, call(make_profile, profile_for("alice")))
    assert marker not in nginx.access_log.read_text(), "no request reached the tenant"


def test_server_checked_against_the_system_store_is_untrusted(make_profile, profile_for):
    result = call(make_profile, profile_for("alice"), trust="system")
    assert result.verdict is Verdict.SERVER_UNTRUSTED
    assert result.server_trust == "the system trust store"


def test_refused_port_is_unreachable(make_profile, profile_for, closed_port):
    profile = profile_for("alice", url=f"https://127.0.0.1:{closed_port}/http/orders")
    result = call(make_profile, profile)
    assert result.verdict is Verdict.UNREACHABLE
    assert "refused" in evidence(result)


def test_silent_listener_times_out(make_profile, profile_for, silent_port):
    profile = profile_for("alice", url=f"https://127.0.0.1:{silent_port}/http/orders")
    result = call(make_profile, profile, timeout=0.5)
    assert result.verdict is Verdict.TIMEOUT
    assert "sent no TLS answer" in evidence(result)


def test_listener_that_hangs_up_at_once_is_not_tls(make_profile, profile_for):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        def hang_up() -> None:
            conn, _ = listener.accept()
            conn.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        result = call(make_profile, profile_for("alice", url=f"https://127.0.0.1:{port}/http/x"))
        thread.join(5)
    assert result.verdict is Verdict.NOT_TLS
    assert "without answering the TLS handshake" in evidence(result)


def test_plain_http_port_is_not_tls(make_profile, profile_for, nginx):
    result = call(make_profile, profile_for("alice", url=nginx.url(port=nginx.plain_port)))
    assert result.verdict is Verdict.NOT_TLS
    assert "plain HTTP" in evidence(result)


def test_call_through_the_proxy_in_https_proxy_works(
    make_profile, profile_for, tinyproxy, monkeypatch
):
    monkeypatch.setenv("HTTPS_PROXY", tinyproxy)
    result = call(make_profile, profile_for("alice"))
    assert result.verdict is Verdict.OK
    assert result.proxy == tinyproxy
    assert f"--proxy {tinyproxy}" in result.curl_command


def test_no_proxy_sends_the_call_direct(make_profile, profile_for, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    result = call(make_profile, profile_for("alice"))
    assert result.verdict is Verdict.OK
    assert result.proxy is None


def test_proxy_that_refuses_the_tunnel_is_a_proxy_error(
    make_profile, profile_for, nginx, tinyproxy
):
    # The proxy allows CONNECT to the tenant's main port only.
    profile = profile_for("alice", url=nginx.url(port=nginx.norequest_port))
    result = call(make_profile, profile, proxy=tinyproxy)
    assert result.verdict is Verdict.PROXY_ERROR
    assert "403" in evidence(result)


def test_proxy_that_is_not_running_is_a_proxy_error(make_profile, profile_for, closed_port):
    result = call(make_profile, profile_for("alice"), proxy=f"http://127.0.0.1:{closed_port}")
    assert result.verdict is Verdict.PROXY_ERROR


# --- a front that verifies the client certificate itself (TLS alerts) ---------------------------


@pytest.mark.parametrize("tls12", [False, True], ids=["TLS 1.3", "TLS 1.2"])
def test_front_that_requires_a_certificate_alerts_on_an_unaccepted_root(
    make_profile, profile_for, world, tmp_path, tls12
):
    with strict_server(world, tmp_path, tls12=tls12) as server:
        url = f"https://127.0.0.1:{server.port}/http/orders"
        result = call(make_profile, profile_for("dave", url=url))
        assert result.verdict is Verdict.CLIENT_CERT_REJECTED
        assert "unknown ca" in evidence(result).lower()
        good = call(make_profile, profile_for("alice", url=url))
        assert good.verdict is Verdict.OK


def test_custom_domain_profile_judges_the_root_against_the_domain_cas_not_sap_list(
    make_profile, profile_for, nginx, world
):
    # Same chain, same server (no acceptable-CA names): off SAP's list the root is "not
    # confirmed"; with a custom domain whose trusted CAs hold it, it is accepted.
    url = nginx.url(port=nginx.nonames_port)
    profile = profile_for("carol", url=url)
    profile.custom_domain = "cpi.example.com"
    make_profile.store.save(profile)
    make_profile.store.write_artefact(
        profile.name, Artefact.CUSTOM_DOMAIN_CAS, world.client_root.pem()
    )
    result = call(make_profile, profile)
    root = next(c for c in result.prechecks if c.name == "root accepted")
    assert root.passed is True
    assert "custom domain cpi.example.com" in root.detail
    assert "custom domain's trusted CAs" in result.accepted_roots
    assert result.verdict is Verdict.NOT_MAPPED  # the chain passes: inferred, not dropped


def test_expired_certificate_is_said_once_in_german_too(make_profile, profile_for):
    # The "chain valid" pre-check leaves out what "valid now" already said, in any language.
    from wizard.language import install_for_command_line

    assert install_for_command_line("de") == "de"
    try:
        result = call(make_profile, profile_for("frank"))
    finally:
        install_for_command_line("en")
    names = [c.name for c in result.prechecks if not c.passed]
    assert "valid now" in names
    assert "chain valid" not in names  # before: the expiry again, because "expired on" is English
    valid = next(c for c in result.prechecks if c.name == "valid now")
    assert "gültig" in valid.detail  # German words, not the English template

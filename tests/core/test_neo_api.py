"""Publishing a Neo mapping against a local HTTPS contract double of /api/v1."""

from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pki
from tests.tenant_double import ENTITY, RunningTenant, TenantState, neo_tenant
from wizard.core.errors import WizardError
from wizard.core.mapping import Environment, LeafCertificate, build_tenant_entry
from wizard.core.neo_api import AuthMethod, TenantApiLogin, api_root, publish_mapping
from wizard.core.profiles import Profile, State

BASIC = TenantApiLogin(AuthMethod.BASIC, "api-user", "api-secret")


@pytest.fixture(scope="module")
def leaf():
    root = pki.root("Publish Test Root")
    issuing = root.intermediate("Publish Issuing CA")
    return issuing.issue(pki.make_key().public_key(), "ERP-PRD sender")


@pytest.fixture
def mapping(leaf):
    profile = Profile(name="ERP-PRD", state=State.CERTIFICATE_IMPORTED)
    entry = build_tenant_entry(
        profile,
        LeafCertificate.from_certificate(leaf),
        environment=Environment.NEO,
        user="ERP_SENDER",
    )
    return entry.neo


@pytest.fixture
def tenant(tmp_path: Path) -> Iterator[RunningTenant]:
    with neo_tenant(tmp_path / "tenant") as running:
        yield running


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_publish_creates_the_mapping_and_reports_the_tenants_id_and_valid_until(
    tenant, mapping, leaf
):
    published = publish_mapping(tenant.url, mapping, BASIC, ca_file=tenant.ca_file)
    assert published.id == mapping.entity_id
    assert published.id_matches
    assert published.user == "ERP_SENDER"
    assert published.valid_until_ms == int(leaf.not_valid_after_utc.timestamp()) * 1000
    assert published.valid_until == leaf.not_valid_after_utc
    assert list(tenant.state.entries) == [mapping.entity_id]
    methods = [(m, p.split("?")[0], s) for m, p, s in tenant.state.log]
    assert methods == [("GET", "/api/v1/", 200), ("POST", ENTITY, 201), ("GET", ENTITY, 200)]


def test_publishing_twice_updates_the_same_entry(tenant, mapping):
    publish_mapping(tenant.url, mapping, BASIC, ca_file=tenant.ca_file)
    publish_mapping(tenant.url + "/api/v1/", mapping, BASIC, ca_file=tenant.ca_file)
    assert len(tenant.state.entries) == 1
    assert ("POST", ENTITY, 200) in tenant.state.log


def test_publish_with_an_oauth_client_gets_a_token_first(tenant, mapping):
    login = TenantApiLogin(AuthMethod.OAUTH, "api-client", "client-secret", tenant.token_url)
    published = publish_mapping(tenant.url, mapping, login, ca_file=tenant.ca_file)
    assert published.id == mapping.entity_id
    assert tenant.state.log[0][:2] == ("POST", "/oauth2/api/v1/token")


def test_missing_csrf_token_is_reported_and_nothing_is_posted(tmp_path, mapping):
    with neo_tenant(tmp_path / "t", TenantState(hand_out_csrf=False)) as tenant:
        with pytest.raises(WizardError) as err:
            publish_mapping(tenant.url, mapping, BASIC, ca_file=tenant.ca_file)
        assert not tenant.state.entries
        assert not any(m == "POST" for m, _p, _s in tenant.state.log)
    assert err.value.code == "tenant_api.csrf"
    assert "did not hand out a CSRF token" in err.value.message
    assert "127.0.0.1" in err.value.message


def test_bad_credentials_name_the_user_and_never_the_secret(tenant, mapping):
    login = TenantApiLogin(AuthMethod.BASIC, "api-user", "wrong-password")
    with pytest.raises(WizardError) as err:
        publish_mapping(tenant.url, mapping, login, ca_file=tenant.ca_file)
    assert err.value.code == "tenant_api.credentials"
    assert "'api-user'" in err.value.message and "HTTP 401" in err.value.message
    assert "wrong-password" not in err.value.message
    assert "wrong-password" not in repr(login)
    assert not tenant.state.entries


def test_bad_oauth_client_secret_is_reported_by_the_token_endpoint(tenant, mapping):
    login = TenantApiLogin(AuthMethod.OAUTH, "api-client", "nope", tenant.token_url)
    with pytest.raises(WizardError) as err:
        publish_mapping(tenant.url, mapping, login, ca_file=tenant.ca_file)
    assert err.value.code == "tenant_api.credentials"
    assert "'api-client'" in err.value.message and "token endpoint" in err.value.message


def test_network_failure_names_the_host_and_what_to_check(mapping, tenant):
    port = free_port()
    with pytest.raises(WizardError) as err:
        publish_mapping(f"https://127.0.0.1:{port}", mapping, BASIC, ca_file=tenant.ca_file)
    assert err.value.code == "tenant_api.network"
    assert f"Cannot reach 127.0.0.1:{port}: connection refused" in err.value.message
    assert "--tmn" in err.value.message


def test_server_not_trusted_without_its_ca_is_refused(tenant, mapping):
    with pytest.raises(WizardError) as err:
        publish_mapping(tenant.url, mapping, BASIC)  # system + certifi store only
    assert err.value.code == "tenant_api.tls"
    assert "not trusted" in err.value.message and "--ca-file" in err.value.message
    assert not tenant.state.log  # the request never left the client


def test_login_page_instead_of_json_is_reported(tmp_path, mapping):
    with neo_tenant(tmp_path / "t", TenantState(login_page=True)) as tenant:
        with pytest.raises(WizardError) as err:
            publish_mapping(tenant.url, mapping, BASIC, ca_file=tenant.ca_file)
    # the Fetch answer is HTML without a token, so that is what we say first
    assert err.value.code == "tenant_api.csrf"
    assert "probably a login page" in err.value.message


def test_non_json_answer_to_the_token_request_is_reported(tmp_path, mapping):
    with neo_tenant(tmp_path / "t", TenantState(login_page=True)) as tenant:
        login = TenantApiLogin(AuthMethod.OAUTH, "api-client", "client-secret", tenant.url + "/x")
        with pytest.raises(WizardError) as err:
            publish_mapping(tenant.url, mapping, login, ca_file=tenant.ca_file)
    assert err.value.code == "tenant_api.not_json"
    assert "text/html" in err.value.message and "login page" in err.value.message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://acc-tmn.hci.eu1.hana.ondemand.com",
            "https://acc-tmn.hci.eu1.hana.ondemand.com/api/v1",
        ),
        (
            "https://acc-tmn.hci.eu1.hana.ondemand.com/api/v1/",
            "https://acc-tmn.hci.eu1.hana.ondemand.com/api/v1",
        ),
    ],
)
def test_tmn_url_with_or_without_the_api_path_is_accepted(url, expected):
    assert api_root(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://acc-tmn.hci.eu1.hana.ondemand.com", "not an https URL"),
        ("acc-tmn.hci.eu1.hana.ondemand.com", "not an https URL"),
        ("https://acc-iflmap.hcisbp.eu1.hana.ondemand.com", "runtime (iflmap) host"),
    ],
)
def test_wrong_tmn_urls_are_refused_before_any_call(url, expected):
    with pytest.raises(WizardError) as err:
        api_root(url)
    assert expected in err.value.message


# --- the double enforces the documented contract (so a passing client proves something) ----


def _raw(tenant: RunningTenant, method: str, path: str, headers: dict, body: bytes | None = None):
    context = ssl.create_default_context(cafile=str(tenant.ca_file))
    url = tenant.url + path  # always https://127.0.0.1:<port>
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, context=context) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


AUTH = {"Authorization": "Basic YXBpLXVzZXI6YXBpLXNlY3JldA=="}  # api-user:api-secret


def test_double_refuses_a_post_with_token_but_without_the_session_cookie(tenant, mapping):
    status, headers, _ = _raw(tenant, "GET", "/api/v1/", {**AUTH, "X-CSRF-Token": "Fetch"})
    token = headers["X-CSRF-Token"]
    assert status == 200 and token and "JSESSIONID=" in headers["Set-Cookie"]
    body = mapping.body_json.encode()
    post_headers = {**AUTH, "X-CSRF-Token": token, "Content-Type": "application/json"}
    status, headers, _ = _raw(tenant, "POST", ENTITY, post_headers, body)
    assert (status, headers["X-CSRF-Token"]) == (403, "Required")
    status, _, _ = _raw(tenant, "POST", ENTITY, {**AUTH, "Content-Type": "application/json"}, body)
    assert status == 403
    assert not tenant.state.entries


def test_double_answers_401_without_credentials_and_xml_without_format_json(tenant):
    assert _raw(tenant, "GET", ENTITY, {})[0] == 401
    status, headers, _ = _raw(tenant, "GET", ENTITY + "?$filter=User%20eq%20'x'", AUTH)
    assert status == 200 and headers["Content-Type"] == "application/atom+xml"
    status, _, body = _raw(tenant, "GET", ENTITY + "?$format=json", AUTH)
    assert json.loads(body) == {"d": {"results": []}}


def test_a_missing_ca_file_is_reported_before_any_call(tenant, mapping, tmp_path):
    missing = tmp_path / "nope.pem"
    with pytest.raises(WizardError) as err:
        publish_mapping(tenant.url, mapping, BASIC, ca_file=missing)
    assert err.value.code == "tenant_api.ca_file"
    assert str(missing) in err.value.message
    assert not tenant.state.log

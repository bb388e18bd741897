"""wizard.core.proxies: one answer to 'which proxy?' for every call that goes out."""

from __future__ import annotations

import pytest

from tests import pki
from wizard.core import aia, https, proxies

_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy",
              "NO_PROXY", "no_proxy")  # fmt: skip


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch):
    for variable in _VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_the_scheme_s_proxy_then_all_proxy_unless_no_proxy_names_the_host(environment):
    environment.setenv("https_proxy", "http://user:secret@corp-proxy:3128")
    environment.setenv("no_proxy", "internal.example,.local")
    chosen = proxies.proxy_for("https://tenant.hana.ondemand.com/http/orders")
    assert chosen is not None and chosen.display == "http://corp-proxy:3128"
    assert chosen.authorization and "secret" not in repr(chosen)
    assert proxies.proxy_for("https://internal.example/api") is None
    assert proxies.proxy_for("https://ca.corp.local/certsrv") is None
    assert proxies.proxy_for("http://aia.example/ca.cer") is None  # no HTTP_PROXY, no ALL_PROXY
    environment.setenv("all_proxy", "http://fallback:8080")
    assert proxies.system_proxy("http://aia.example/ca.cer") == "http://fallback:8080"


def test_an_explicit_proxy_wins_and_none_means_direct(environment):
    environment.setenv("https_proxy", "http://corp-proxy:3128")
    assert proxies.proxy_for("https://t.example", "http://cli:8080").display == "http://cli:8080"
    assert proxies.proxy_for("https://t.example", "none") is None
    assert proxies.proxy_for("https://t.example", "DIRECT") is None


def test_the_tenant_api_names_the_proxy_the_policy_chose(environment):
    environment.setenv("https_proxy", "http://user:secret@corp-proxy:3128")
    assert https.proxy_for("https://tenant.example/api") == "http://user:secret@corp-proxy:3128"
    assert https.proxy_for("https://tenant.example/api", "none") is None
    assert https.proxy_for("https://tenant.example/api", "http://cli:1") == "http://cli:1"


def test_an_issuer_is_fetched_through_the_proxy_the_policy_names(
    hierarchy, aia_server, environment
):
    url = (
        "http://issuer.example/issuing.cer"  # a name that resolves nowhere: only a proxy reaches it
    )
    aia_server.files[url] = pki.der(hierarchy.issuing.cert)  # a proxy is asked for the whole URL
    environment.setenv("http_proxy", aia_server.base)
    (fetched,) = aia.fetch_issuers(url, timeout=5)
    assert fetched == hierarchy.issuing.cert
    assert aia_server.requests == [url]

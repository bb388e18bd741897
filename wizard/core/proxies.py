"""Which proxy an outgoing call goes through: the one policy of fetch-root, the test call, the
tenant API, sap-sign, the company CA and AIA fetching.

An explicit --proxy wins ("none" or "direct": no proxy); else the proxy the system names for the
URL's scheme (HTTPS_PROXY/HTTP_PROXY, then ALL_PROXY; on Windows and macOS the system's proxy
settings when no variable is set), unless NO_PROXY names the host (or host:port).
"""

from __future__ import annotations

import base64
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from wizard.core.errors import WizardError
from wizard.core.i18n import translate

NO_PROXY_WORDS = ("none", "direct")


@dataclass(frozen=True)
class Proxy:
    """An HTTP proxy that tunnels with CONNECT. Credentials never appear in `display`."""

    host: str
    port: int
    authorization: str | None = field(default=None, repr=False)

    @property
    def display(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def parse_proxy(text: str) -> Proxy:
    """`http://[user:password@]host[:port]` (port 80 when left out, as in any http:// URL)."""
    raw = text.strip()
    try:
        parts = urllib.parse.urlsplit(raw if "://" in raw else f"http://{raw}")
    except ValueError:  # a broken IPv6 literal: the same answer as any other unusable host
        parts = urllib.parse.urlsplit("http://")
    if parts.scheme.lower() != "http":
        raise WizardError(
            "proxy.invalid",
            translate(
                "tlsprobe",
                "Proxy scheme {scheme}:// is not supported; give an http:// proxy URL "
                "(the usual kind: it tunnels TLS with CONNECT), for example http://proxy.corp:3128.",
            ).format(scheme=parts.scheme),
        )
    try:
        host, port = parts.hostname, parts.port or 80
    except ValueError:
        host, port = None, 0
    if not host:
        raise WizardError(
            "proxy.invalid",
            translate(
                "tlsprobe",
                "The proxy address has no usable host and port; write it like http://proxy.corp:3128.",
            ),
        )
    authorization = None
    if parts.username is not None:
        user = urllib.parse.unquote(parts.username)
        password = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        authorization = f"Basic {token}"
    return Proxy(host=host, port=port, authorization=authorization)


def system_proxy(url: str) -> str | None:
    """The proxy URL the system names for `url` (credentials included), or None."""
    parts = urllib.parse.urlsplit(url)
    found = urllib.request.getproxies()
    chosen = found.get(parts.scheme.lower()) or found.get("all")
    if not chosen:
        return None
    host = parts.hostname or ""
    address = f"{host}:{parts.port}" if parts.port else host
    if urllib.request.proxy_bypass(host) or urllib.request.proxy_bypass(address):
        return None
    return chosen


def proxy_for(url: str, explicit: str | None = None) -> Proxy | None:
    """The proxy `url` goes through: `explicit` (--proxy; "none" = direct) wins; else the system's."""
    if explicit is not None:
        if explicit.strip().lower() in NO_PROXY_WORDS:
            return None
        return parse_proxy(explicit)
    chosen = system_proxy(url)
    return parse_proxy(chosen) if chosen else None

"""Fetching a missing issuer from a certificate's AIA caIssuers address (plain http, bounded).

Used by chain completion (chain.py); nothing else here goes to the network.
"""

from __future__ import annotations

import time

from cryptography import x509
from cryptography.x509.oid import AuthorityInformationAccessOID

from wizard.core import proxies
from wizard.core.certs import extension
from wizard.core.errors import WizardError
from wizard.core.i18n import translate
from wizard.core.reply import parse_certificates

AIA_MAX_BYTES = 1024 * 1024  # an issuer certificate or a small PKCS#7 bundle; never more


def aia_urls(cert: x509.Certificate) -> list[str]:
    """The caIssuers addresses in the certificate's Authority Information Access."""
    aia = extension(cert, x509.AuthorityInformationAccess)
    if aia is None:
        return []
    return [
        d.access_location.value
        for d in aia
        if d.access_method == AuthorityInformationAccessOID.CA_ISSUERS
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    ]


def fetch_issuers(url: str, timeout: float) -> list[x509.Certificate]:
    """GET the issuer certificate at an AIA address: bounded in time and size."""
    import http.client  # only here: a command that fetches nothing does not load them
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + 2 * timeout
    request = urllib.request.Request(url, headers={"User-Agent": "cpi-cert-wizard"})  # noqa: S310
    chunks: list[bytes] = []
    size = 0
    try:
        chosen = proxies.system_proxy(url)  # the one proxy policy (proxies.py)
        route = urllib.request.ProxyHandler({"http": chosen} if chosen else {})
        opener = urllib.request.build_opener(route)
        with opener.open(request, timeout=timeout) as response:  # http only
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > AIA_MAX_BYTES:
                    raise WizardError(
                        "aia.too_large",
                        translate(
                            "aia",
                            "the AIA address {url} sent more than {size} KB, which is not an "
                            "issuer certificate",
                        ).format(url=url, size=AIA_MAX_BYTES // 1024),
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
    except WizardError:
        raise
    except (TimeoutError, OSError, ValueError) as exc:  # URLError and HTTPError are OSErrors
        reason = getattr(exc, "reason", exc)
        if isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError):
            text = translate("aia", "the AIA address {url} did not answer within {timeout:g} s")
        elif isinstance(exc, urllib.error.HTTPError):
            text = translate("aia", "the AIA address {url} answered HTTP {status}")
        else:
            text = translate("aia", "the AIA address {url} could not be fetched ({reason})")
        message = text.format(
            url=url, timeout=timeout, status=getattr(exc, "code", ""), reason=reason
        )
        raise WizardError("aia.fetch", message) from None
    except http.client.HTTPException as exc:  # not HTTP at all, or cut off
        raise WizardError(
            "aia.fetch",
            translate("aia", "the AIA address {url} sent no valid answer ({reason})").format(
                url=url, reason=exc
            ),
        ) from None
    return parse_certificates(b"".join(chunks), source=f"the AIA address {url}")

"""The tenant behind the load balancer: who is calling, may they, and what the flow answers.

Order of the checks, as on a tenant:
1. a path outside /http/ and /cxf/ is not served at all: 404;
2. an endpoint whose runtime is marked unavailable: 503 (before authentication, as a node that
   is down does not authenticate);
3. no certificate forwarded, or a certificate mapped to nobody: 401;
4. no flow at the address: 404;
5. the mapped user lacks the endpoint's role: 403;
6. the body exceeds the endpoint's maximum: 413;
7. the flow fails: 500; otherwise 200 with a small JSON echo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from wizard.sandbox.clientchain import ForwardedCertificate
from wizard.sandbox.state import TenantState

SERVED_PREFIXES = ("/http/", "/cxf/")
NO_USER = "-"


@dataclass(frozen=True)
class TenantAnswer:
    status: int
    log_user: str  # the access log's user field
    user: str | None  # the mapped user, when there is one
    reason: str  # one line for people (response body of errors)


def identify(state: TenantState, forwarded: ForwardedCertificate | None) -> tuple[str, str | None]:
    """(access-log user field, mapped user)."""
    if forwarded is None:
        return NO_USER, None
    user = state.user_for(forwarded.sha256)
    if user is None:
        return forwarded.unmapped_user, None
    return user, user


def decide(
    state: TenantState,
    *,
    path: str,
    forwarded: ForwardedCertificate | None,
    body_length: int,
) -> TenantAnswer:
    """The status for a call to `path` (without query string) by whoever `forwarded` is."""
    log_user, user = identify(state, forwarded)

    def answer(status: int, reason: str) -> TenantAnswer:
        return TenantAnswer(status, log_user, user, reason)

    if not path.startswith(SERVED_PREFIXES):
        return answer(404, "Not Found")
    endpoint = state.endpoint(path)
    if endpoint is not None and endpoint.unavailable:
        return answer(503, "Service Unavailable")
    if user is None:
        return answer(401, "Unauthorized")
    if endpoint is None:
        return answer(404, "Not Found")
    if endpoint.role not in state.roles_of(user):
        return answer(403, "Forbidden")
    if body_length > endpoint.max_bytes:
        return answer(413, "Request Entity Too Large")
    if endpoint.fail:
        return answer(500, "Internal Server Error: the integration flow failed")
    return answer(200, "OK")


def echo_body(*, method: str, path: str, user: str | None, bytes_received: int) -> bytes:
    """The 200 response: what arrived, so a sender can see its call got through."""
    payload = {"method": method, "path": path, "user": user, "bytes_received": bytes_received}
    return (json.dumps(payload) + "\n").encode("utf-8")

"""Default-trace records written the way SAP documents them ("Default Trace File", SAP BTP Neo):
the header up to HEADER_END, then `#`-separated columns (15 in SAP's example record), each record
ended by `|`, with `\\` escaping `#`, `|` and itself inside a column. The nginx tenant of the
test-call tests is reused for the end-to-end story (a real 403, then its trace).
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from tests.testcall.conftest import make_profile, nginx, world  # noqa: F401 (fixtures)

# SAP's documented header, verbatim.
HEADER = """FILE_TYPE:DAAA96DE-B0FB-4c6e-AF7B-A445F5BF9BE2
FILE_ID:1391169413918
ENCODING:[UTF8|NWCJS:ASCII]
RECORD_SEPARATOR:124
COLUMN_SEPARATOR:35
ESC_CHARACTER:92
COLUMNS:Time|TZone|Severity|Logger|ACH|User|Thread|Bundle name|JPSpace|JPAppliance|JPComponent|Tenant Alias|Text|
SEVERITY_MAP:FINEST|Information|FINER|Information|FINE|Information|CONFIG|Information|DEBUG|Information|PATH|Information|INFO|Information|WARNING|Warning|ERROR|Error|SEVERE|Error|FATAL|Error
HEADER_END
"""

# SAP's documented example record, verbatim.
SAP_EXAMPLE = (
    "2014 01 31 12:07:09#+00#INFO#com.sap.demo.tenant.context.TenantContextServlet##anonymous"
    "#http-bio-8041-exec-1##myaccount#myapplication#web#null#null#myaccount#The app was accessed "
    "on behalf of tenant with ID: '42e00744-bf57-40b1-b3b7-04d1ca585ee3'|"
)

# What the tenant writes for the errors analyze-log explains (the subject/issuer text is SAP KBA
# 3538749's; the others carry the words the parser keys on).
ROLE_MISSING = (
    "Authorization check failed: user 'BOB' does not have the required role 'ESBMessaging.send'"
)
NOT_IN_FLOW_LIST = (
    "Unauthorized. Subject and issuer (subject: cn=erp sender,o=acme,c=de; issuer: cn=acme "
    "issuing ca,o=acme,c=de) of the provided certificate is not contained in the accepted "
    "subjectAndIssuers list of the integration flow."
)
CSRF_FAILED = "CSRF token validation failed for POST /http/orders"
NOT_IN_ONE_KEY = (
    "invalid_client: Either the client certificate is not configured exactly once in a service "
    "key or the service key is not valid"
)
NOT_MAPPED = "No user mapping found for the client certificate CN=ERP sender, O=ACME"
AUTHENTICATION_FAILED = "Authentication failed for the request: login module rejected the caller"
AUTHORIZATION_FAILED = "Access denied: the request to /http/orders is forbidden"


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("#", "\\#").replace("|", "\\|")


def record(
    when: datetime | str,
    text: str,
    *,
    severity: str = "ERROR",
    user: str = "anonymous",
    logger: str = "com.sap.it.rt.security",
    zone: str = "+00",
    node_column: str = "a40a97f",
) -> str:
    """One record in SAP's 15-column layout, text escaped, ended by '|'."""
    stamp = when if isinstance(when, str) else when.strftime("%Y %m %d %H:%M:%S")
    columns = [
        stamp,
        zone,
        severity,
        logger,
        "",
        user,
        "http-nio-8041-exec-7",
        "",
        "acme",
        node_column,
        "web",
        "na",
        "na",
        "acme",
        escape(text),
    ]
    return "#".join(columns) + "|"


def write_trace(
    folder: Path, name: str, records: list[str], *, gz: bool = False, header: bool = True
) -> Path:
    path = folder / name
    content = (HEADER + "\n" if header else "") + "\n".join(records) + "\n"
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def at(hh_mm_ss: str, day: str = "2021-04-12") -> datetime:
    return datetime.fromisoformat(f"{day}T{hh_mm_ss}").replace(tzinfo=UTC)

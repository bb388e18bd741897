"""The catalogue of error codes: what each `error.code` of `--json` output means.

A code is `<area>.<what>` and is a contract: scripts test for it, so a code keeps its meaning and is
not renamed. Every code the program raises is in `CODES` (tests/core/test_error_codes.py reads the
source to make sure), the lint codes of a refused chain come from the lint catalogue, and
docs/error-codes.md is generated from this table (`python -m wizard.core.error_codes`).
Code that dispatches on codes asks `in_area`, a membership test against this table, never a
string prefix.
"""

from __future__ import annotations

import functools

from wizard.core.lints import LINTS, Severity

CODES: dict[str, str] = {
    # the command line itself
    "usage": "the command line is wrong (unknown option, missing value); the message is argparse's",
    "bug": "an unexpected failure inside the program (exit 1): please report it",
    "cancelled": "the step was cancelled before it wrote anything",
    # files
    "file.not_found": "a file named on the command line or in a profile does not exist",
    "file.is_dir": "a folder was given where a file is needed",
    "file.not_regular": "a device, FIFO or other special file was given where a file is needed",
    "file.too_large": "a file is far larger than that kind of file ever is; it was not read",
    "file.unreadable": "a file cannot be read (permissions, or an error from the system)",
    "file.busy": "a file cannot be replaced because another program holds it open (Windows)",
    "file.write": "a file or its lock file cannot be written",
    "settings.language": "the language asked for (--lang, settings) is not one of the program's",
    # profiles
    "profile.name": "not a usable profile name",
    "profile.exists": "a profile of that name exists already",
    "profile.not_found": "no profile of that name",
    "profile.corrupt": "a profile's file cannot be read as a profile",
    "profile.schema": "a profile was written by a newer version of the program",
    "profile.changed": "the profile was changed by another window or command meanwhile; nothing saved",
    "profile.locked": "another process holds the profile's lock and did not let go in time",
    # key, CSR and subject
    "key.exists": "the profile has a key already (--new-key replaces it)",
    "key.missing": "the profile has no key yet",
    "key.passphrase": "the key cannot be decrypted with the stored passphrase",
    "key.type": "a key of a type the program does not use (RSA and EC only)",
    "key.mismatch": "the profile's key does not belong to its certificate",
    "key.pending": "a request waits at the CA; importing a keystore would replace its key",
    "csr.missing": "the profile has no certificate request yet",
    "csr.changed": "the profile's key was replaced while a reply for the old key was checked",
    "subject.missing": "no subject given (--cn or --subject)",
    "subject.twice": "both --subject and --cn were given",
    "subject.syntax": "the --subject is not a distinguished name",
    "subject.invalid": "a subject field is invalid (length, characters, repeated attribute)",
    "san.syntax": "a subject alternative name is not DNS:, email:, URI: or IP:",
    # what the CA sent back
    "reply.empty": "the CA's file is empty",
    "reply.binary": "the file is neither PEM, DER nor PKCS#7",
    "reply.corrupt": "a certificate in the file is damaged",
    "reply.damaged": "a certificate cannot be read (damaged, or an unknown algorithm)",
    "reply.truncated": "a PEM block has no END line: the file was cut off",
    "reply.too_many_blocks": "more PEM blocks than a CA reply ever has",
    "reply.no_certificate": "the file holds no certificate",
    "reply.csr": "the file is the certificate request, not the CA's certificate",
    "reply.private_key": "the file holds a private key, not a certificate",
    "reply.pkcs12": "the file is a PKCS#12 keystore: use import-p12",
    "chain.empty": "no certificate was given to import",
    "chain.invalid": "the chain was refused (no more specific lint code applies)",
    "chain.rejected": "the wizard's certificate page refused the chain (its findings are listed)",
    "certificate.missing": "the profile has no certificate yet",
    "aia.fetch": "an issuer could not be fetched from its AIA address",
    "aia.too_large": "an AIA address sent more than an issuer certificate",
    "sap_list.unreadable": "the SAP trust list (--sap-roots, settings) cannot be read",
    # PKCS#12 and service keys
    "p12.password": "the PKCS#12 password is needed and none was given",
    "p12.unreadable": "the PKCS#12 cannot be opened: wrong password or not a PKCS#12",
    "p12.no_key": "the PKCS#12 holds no private key",
    "p12.no_certificate": "the PKCS#12 holds a key but no certificate",
    "export.exists": "an export file exists already and was kept (--force replaces it)",
    "export.name": "--out names one of the public files written next to the keystore",
    "service_key.json": "the service key file is not JSON",
    "service_key.key": "the service key's 'key' is not a readable private key",
    "service_key.no_certificate": "the service key is not of key-type 'certificate'",
    # secrets
    "keyring.unavailable": "no usable OS keyring; the secret is asked for or read from a variable",
    "secret.missing": "a secret of the profile is not in the keyring",
    "secret.batch_missing": "the batch secret a profile's secret is derived from is not in the keyring",
    "secret.mismatch": "a new secret typed twice differs",
    "secret.weak": "a new secret is too short",
    "secret.no_answer": "no answer was typed for a secret",
    "secret.cancelled": "end of input at a secret's prompt",
    "secret.no_terminal": "a secret is needed and there is neither keyring nor terminal",
    # the tenant: target, TLS and proxies
    "target.invalid": "not a tenant URL, host or host:port",
    "target.timeout": "the timeout is not a positive number",
    "tls.dns": "the host name does not resolve",
    "tls.refused": "the host refused the connection",
    "tls.unreachable": "the host cannot be reached (network, firewall)",
    "tls.timeout": "no (complete) answer within the timeout",
    "tls.closed": "the server closed the connection during the TLS handshake",
    "tls.not_tls": "the port does not speak TLS (plain HTTP or another protocol)",
    "tls.version": "no TLS version in common with the server",
    "tls.cipher": "no cipher suite or key exchange in common with the server",
    "tls.servername": "the server does not serve the name sent (SNI)",
    "tls.handshake": "the TLS handshake failed for another reason (OpenSSL's is quoted)",
    "proxy.invalid": "the proxy address is not an http:// URL with a host",
    "proxy.dns": "the proxy's host name does not resolve",
    "proxy.refused": "the proxy refused the connection or the tunnel",
    "proxy.unreachable": "the proxy cannot be reached",
    "proxy.timeout": "the proxy did not answer within the timeout",
    # mapping and the Neo tenant API
    "mapping.environment": "the environment is not neo or cf",
    "mapping.user": "not a usable user name for the mapping",
    "mapping.role": "not a usable role name",
    "mapping.cf_name": "not a usable Cloud Foundry instance or key name",
    "mapping.flags": "options that do not go together (for example --publish on Cloud Foundry)",
    "mapping.certificate": "the profile's certificate cannot be used for the tenant entry",
    "mapping.no_certificate": "the profile has no certificate to map yet",
    "mapping.expired": "the certificate has expired; the tenant would refuse it",
    "mapping.validity": "the CF key validity is not a number of days, or does not apply",
    "tenant_api.url": "the tenant's management (tmn) URL is not an https URL",
    "tenant_api.credentials": "the tenant API or its token endpoint refused the credentials",
    "tenant_api.forbidden": "the tenant API refused the user (HTTP 403)",
    "tenant_api.csrf": "the tenant API handed out no CSRF token",
    "tenant_api.not_found": "the tenant API address does not exist (HTTP 404)",
    "tenant_api.redirect": "the tenant API answered with a redirect (usually a login page)",
    "tenant_api.http": "the tenant API answered with another HTTP error",
    "tenant_api.not_json": "the tenant API or token endpoint sent no readable JSON",
    "tenant_api.missing": "after the POST the mapping is not listed",
    "tenant_api.network": "the tenant API cannot be reached",
    "tenant_api.tls": "TLS with the tenant API failed",
    "tenant_api.proxy": "the proxy failed on the way to the tenant API",
    # the test call
    "testcall.url": "the test-call URL is not an https:// URL",
    "testcall.no_url": "the profile has no tenant URL and no --url was given",
    "testcall.no_key": "the profile has no private key",
    "testcall.no_certificate": "the profile has no certificate",
    "testcall.key_mismatch": "the stored certificate does not belong to the profile's key",
    "testcall.no_tenant_root": "the profile has no saved tenant root (--trust root)",
    "testcall.no_system_store": "no system trust store could be read (--trust system)",
    "testcall.header": "a --header is not Name: value",
    "testcall.timeout": "the timeout is not a positive number",
    # SAP signing through the Destination service
    "sap_sign.flags": "options that do not go together",
    "sap_sign.service_key": "the Destination service key is incomplete or not https",
    "sap_sign.no_service_key": "the profile knows no Destination service key yet",
    "sap_sign.validity": "the validity is not understood",
    "sap_sign.url": "an address of the service key is not an https URL",
    "sap_sign.credentials": "the token endpoint or the service refused the client",
    "sap_sign.forbidden": "the service key may not manage the subaccount's certificates (HTTP 403)",
    "sap_sign.not_found": "the subaccount has no certificate of that name (HTTP 404)",
    "sap_sign.name_taken": "the subaccount has a certificate of that name already (HTTP 409)",
    "sap_sign.quota": "too large or over quota (HTTP 413)",
    "sap_sign.rate_limited": "too many requests (HTTP 429)",
    "sap_sign.unavailable": "the Destination service failed (HTTP 5xx)",
    "sap_sign.refused": "the Destination service refused the request (another HTTP error)",
    "sap_sign.redirect": "an answer was a redirect (usually a login page)",
    "sap_sign.content": "the service's answer has no readable certificate chain",
    "sap_sign.not_json": "an answer was not the JSON expected",
    "sap_sign.network": "the Destination service cannot be reached",
    "sap_sign.tls": "TLS with the Destination service failed",
    "sap_sign.proxy": "the proxy failed on the way to the Destination service",
    # the company CA (AD CS web enrollment, EST)
    "ca_enroll.flags": "the CA is not named, or options that do not go together",
    "ca_enroll.url": "the CA address is not a usable https URL",
    "ca_enroll.template_missing": "AD CS needs a certificate template (--template)",
    "ca_enroll.user_missing": "the sign-in needs a user name",
    "ca_enroll.est_auth": "a sign-in method EST does not use",
    "ca_enroll.auth_not_offered": "the CA does not offer the sign-in method chosen",
    "ca_enroll.credentials": "the CA refused the sign-in (HTTP 401)",
    "ca_enroll.forbidden": "the CA refused the user (HTTP 403)",
    "ca_enroll.kerberos": "Kerberos sign-in failed (no ticket, or the CA's name is unknown)",
    "ca_enroll.no_kerberos": "Kerberos is not available on this computer",
    "ca_enroll.no_spnego": "the Negotiate/NTLM library is not installed",
    "ca_enroll.ntlm": "NTLM sign-in failed",
    "ca_enroll.client_certificate": "the profile's certificate for EST sign-in cannot be used",
    "ca_enroll.client_certificate_refused": "the CA refused the client certificate",
    "ca_enroll.no_client_certificate": "EST sign-in by certificate needs a profile with one",
    "ca_enroll.login_page": "the CA answered with a login page instead of the enrollment",
    "ca_enroll.unknown_page": "the CA's answer is not a page the program knows",
    "ca_enroll.not_found": "the enrollment address does not exist (HTTP 404)",
    "ca_enroll.redirect": "the CA answered with a redirect",
    "ca_enroll.http": "the CA answered with another HTTP error",
    "ca_enroll.not_json": "an answer was not the JSON expected",
    "ca_enroll.network": "the CA cannot be reached",
    "ca_enroll.tls": "TLS with the CA failed",
    "ca_enroll.proxy": "the proxy failed on the way to the CA",
    "ca_enroll.denied": "the CA denied the request",
    "ca_enroll.not_issued": "the CA did not issue a certificate",
    "ca_enroll.no_request_id": "the CA's answer names no request id to collect later",
    "ca_enroll.already_pending": "a request of this profile waits at the CA already",
    "ca_enroll.nothing_pending": "no request of this profile waits at the CA",
    "ca_enroll.pending_for_old_key": "the request waiting at the CA is for a key that was replaced",
    "ca_enroll.est_refused": "the EST server refused the request",
    "ca_enroll.est_media_type": "the EST answer has an unexpected media type",
    "ca_enroll.est_body": "the EST answer cannot be read",
    "ca_enroll.est_no_ca": "the EST server sent no CA certificates",
    "ca_enroll.ca_expired": "the CA's certificate has expired",
    # many profiles, logs, expiry
    "batch.csv": "the systems file cannot be read (encoding, header, a line)",
    "batch.row": "a row of the systems file is invalid",
    "batch.no_profiles": "no profile matches",
    "batch.concurrency": "--concurrency is out of range",
    "log.not_a_log": "the file is not an SAP HTTP access log or default trace",
    "log.since": "--since is not a time",
    "log.window": "the time window is not a span",
    "log.around": "--around last-test needs --profile",
    "log.profile": "the profile has no certificate whose CN identifies its calls",
    "expiry.within": "--within is not a number of days",
    # the sandbox tenant
    "sandbox.dir": "the sandbox folder cannot be used",
    "sandbox.port": "not a port number",
    "sandbox.state": "the sandbox state file cannot be read",
    "sandbox.schema": "the sandbox state was written by a newer version",
    "sandbox.pki": "the sandbox CA's files are unexpected",
    "sandbox.certificate": "not a certificate",
    "sandbox.certificate_count": "not exactly one certificate",
    "sandbox.csr": "not a certificate signing request",
    "sandbox.csr_key": "the request's key is neither RSA nor EC",
    "sandbox.csr_signature": "the request's signature does not match its key",
    "sandbox.csr_subject": "the request has an empty subject",
    "sandbox.not_root": "a trusted root must be a self-signed CA certificate",
    "sandbox.user": "not a usable user name",
    "sandbox.role": "not a valid role name",
    "sandbox.endpoint": "not an /http/ or /cxf/ endpoint address",
    "sandbox.max_bytes": "not a size in bytes",
    # the wizard's screenshot tour
    "screenshots.timeout": "the screenshot tour got stuck",
    "screenshots.write": "a screenshot cannot be written",
}


def lint_codes() -> dict[str, str]:
    """The lints that refuse a chain: their code is the error code of the refusal."""
    return {code: lint.title for code, lint in LINTS.items() if lint.severity is Severity.ERROR}


@functools.cache
def catalogue() -> dict[str, str]:
    return {**CODES, **lint_codes()}


@functools.cache
def area(name: str) -> frozenset[str]:
    """The catalogued codes of one area (`profile` → profile.name, profile.exists, …)."""
    return frozenset(code for code in catalogue() if code.partition(".")[0] == name)


def in_area(code: str, *names: str) -> bool:
    """`code` is a catalogued code of one of the areas `names` (membership, not a prefix test)."""
    return any(code in area(name) for name in names)


def markdown() -> str:
    """docs/error-codes.md: the table, grouped by area."""
    lines = [
        "# Error codes",
        "",
        'With `--json`, a failure is `{"ok": false, "error": {"code": …, "message": …}}`.',
        "The code is stable (scripts may test it); the message is for people and may change or be",
        "translated. Generated from `wizard/core/error_codes.py`: "
        "`python -m wizard.core.error_codes > docs/error-codes.md`.",
        "",
        "| code | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{code}` | {meaning} |" for code, meaning in CODES.items()]
    lines += [
        "",
        "## A refused chain",
        "",
        "When a certificate chain is refused, the code is that of the first lint that refused it:",
        "",
        "| code | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{code}` | {meaning} |" for code, meaning in lint_codes().items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")

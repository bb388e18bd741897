"""What to do on the sender's side, per kind of sender: where the tenant root and the key pair go.

One place for the sender guidance that `export-p12` prints ("which file goes where") and the
wizard's summary shows. Each guide names the files by their profile names, so a user sees the file
they just wrote. Sources are SAP's help pages where SAP documents the sender side (ABAP: STRUST and
SM59; the ABAP cookie parameter of SAP Note 2681175; KBA 3584034 on mixing Basic authentication
and certificates); the rest is the product's own documentation (keytool, .NET, Postman, curl). For
SAP PI/PO the NetWeaver Administrator path and view names are SAP's (Key Storage, TrustedCAs);
field names in the channel vary by release and adapter and are given as they usually appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wizard.core.i18n import QT_TRANSLATE_NOOP, tr

CONTEXT = "senders"


class Sender(StrEnum):
    PI_PO = "pi-po"
    ABAP = "abap"
    JAVA = "java"
    DOTNET = "dotnet"
    POSTMAN = "postman"
    CURL = "curl"


@dataclass(frozen=True)
class SenderGuide:
    """Where the tenant root and the key pair go on one kind of sender, and what else matters."""

    sender: Sender
    name: str
    trust: str  # where the tenant's load-balancer root goes
    keystore: str  # where the .p12 (key + leaf + intermediates) goes
    connection: str  # the call itself: host, authentication
    notes: tuple[str, ...] = ()


_GUIDES = (
    SenderGuide(
        Sender.PI_PO,
        QT_TRANSLATE_NOOP("senders", "SAP PI/PO (AS Java)"),
        QT_TRANSLATE_NOOP(
            "senders",
            "SAP NetWeaver Administrator → Configuration → Certificates and Keys (Key Storage): "
            "import {root} into the view TrustedCAs.",
        ),
        QT_TRANSLATE_NOOP(
            "senders",
            "In the same place, choose (or create) a keystore view for this sender and import "
            "{p12} there as a key pair entry (PKCS#12 with the whole chain).",
        ),
        QT_TRANSLATE_NOOP(
            "senders",
            "In the receiver channel towards Cloud Integration (SOAP, HTTP_AAE or IDoc_AAE): the "
            "runtime host over HTTPS, authentication by client certificate with that keystore "
            "view and entry, no user and password.",
        ),
    ),
    SenderGuide(
        Sender.ABAP,
        QT_TRANSLATE_NOOP("senders", "SAP ABAP (S/4HANA, ECC)"),
        QT_TRANSLATE_NOOP(
            "senders",
            "STRUST: add {root} to the certificate list of the SSL client PSE you use for this "
            "connection (SSL client Standard or a dedicated SSL client identity).",
        ),
        QT_TRANSLATE_NOOP(
            "senders",
            "STRUST: import {p12} into that SSL client PSE (PSE → Import, or sapgenpse import_p12 "
            "-p <file>.pse {p12} and load the PSE); the PSE must hold the leaf and every "
            "intermediate.",
        ),
        QT_TRANSLATE_NOOP(
            "senders",
            "SM59, connection type G: the runtime host, port 443, SSL active with that SSL client "
            "identity; Logon & Security: SSL client certificate, without a logon user.",
        ),
        (
            QT_TRANSLATE_NOOP(
                "senders",
                "With two or more worker nodes on the tenant side an ABAP sender gets HTTP 403 "
                "unless the profile parameter ict/disable_cookie_urlencoding is 1 or 2, depending "
                "on the kernel (SAP Note 2681175).",
            ),
            QT_TRANSLATE_NOOP(
                "senders",
                "Do not mix Basic authentication and the client certificate towards the tenant: "
                "TLS session reuse then gives intermittent 401s (SAP KBA 3584034).",
            ),
        ),
    ),
    SenderGuide(
        Sender.JAVA,
        QT_TRANSLATE_NOOP("senders", "Java application"),
        QT_TRANSLATE_NOOP(
            "senders",
            "keytool -importcert -alias tenant-root -file {root} -keystore truststore.p12 "
            "-storetype PKCS12 (or rely on the JDK's cacerts if it holds the root).",
        ),
        QT_TRANSLATE_NOOP(
            "senders",
            "Use {p12} as the key store (javax.net.ssl.keyStore={p12}, keyStoreType=PKCS12), or "
            "copy it into yours with keytool -importkeystore -srckeystore {p12} -srcstoretype "
            "PKCS12.",
        ),
        QT_TRANSLATE_NOOP(
            "senders",
            "Call the runtime host over HTTPS with that key store; no Authorization header.",
        ),
        (
            QT_TRANSLATE_NOOP(
                "senders",
                "An old Java that reports 'wrong password' or a MAC error cannot read AES-256 "
                "PKCS#12: export again with --legacy.",
            ),
        ),
    ),
    SenderGuide(
        Sender.DOTNET,
        QT_TRANSLATE_NOOP("senders", ".NET application"),
        QT_TRANSLATE_NOOP(
            "senders",
            "Windows: {root} in Trusted Root Certification Authorities (often there already).",
        ),
        QT_TRANSLATE_NOOP(
            "senders",
            "Load {p12} as an X509Certificate2 and add it to HttpClientHandler.ClientCertificates; "
            "put the intermediates into the Intermediate Certification Authorities store so "
            "Windows sends them.",
        ),
        QT_TRANSLATE_NOOP(
            "senders",
            "Call the runtime host with TLS 1.2 or 1.3; no Authorization header.",
        ),
        (
            QT_TRANSLATE_NOOP(
                "senders",
                "'Could not create SSL/TLS secure channel' usually means the application offers "
                "only TLS 1.0 or 1.1: enable TLS 1.2.",
            ),
        ),
    ),
    SenderGuide(
        Sender.POSTMAN,
        QT_TRANSLATE_NOOP("senders", "Postman"),
        QT_TRANSLATE_NOOP(
            "senders",
            "Settings → Certificates → CA certificates: {root_pem} (needed when SSL certificate "
            "verification is on and the root is not in the system store).",
        ),
        QT_TRANSLATE_NOOP(
            "senders",
            "Settings → Certificates → Add certificate: host = the runtime host, PFX file {p12} "
            "and its password.",
        ),
        QT_TRANSLATE_NOOP(
            "senders",
            "Send the request to https://<runtime host>/http/<address> with Authorization: No Auth.",
        ),
    ),
    SenderGuide(
        Sender.CURL,
        QT_TRANSLATE_NOOP("senders", "curl"),
        QT_TRANSLATE_NOOP("senders", "--cacert {root_pem}"),
        QT_TRANSLATE_NOOP(
            "senders",
            "--cert {chain} with --key and its passphrase, or --cert-type P12 --cert {p12}; "
            "cpi-cert-wizard test-call prints the exact command.",
        ),
        QT_TRANSLATE_NOOP(
            "senders", "curl <options> https://<runtime host>/http/<address>, without -u."
        ),
    ),
)

GUIDES: dict[Sender, SenderGuide] = {guide.sender: guide for guide in _GUIDES}

DEFAULT_FILES = {
    "root": "tenant-root.cer",
    "root_pem": "tenant-root.pem",
    "p12": "client.p12",
    "chain": "client-chain.pem",
}


def guide_lines(sender: Sender | str, files: dict[str, str] | None = None) -> list[str]:
    """The guide for `sender` as lines for people, with the profile's file names filled in."""
    info = GUIDES[Sender(sender)]
    names = {**DEFAULT_FILES, **(files or {})}
    lines = [
        tr(CONTEXT, info.name) + ":",
        "  "
        + tr(CONTEXT, QT_TRANSLATE_NOOP("senders", "trust store: {text}")).format(
            text=tr(CONTEXT, info.trust).format(**names)
        ),
        "  "
        + tr(CONTEXT, QT_TRANSLATE_NOOP("senders", "key pair: {text}")).format(
            text=tr(CONTEXT, info.keystore).format(**names)
        ),
        "  "
        + tr(CONTEXT, QT_TRANSLATE_NOOP("senders", "call: {text}")).format(
            text=tr(CONTEXT, info.connection).format(**names)
        ),
    ]
    lines += ["  " + tr(CONTEXT, note).format(**names) for note in info.notes]
    return lines

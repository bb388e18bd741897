"""The details of one certificate, as KeyStore Explorer and XCA show them: names, validity, key,
extensions, fingerprints and the PEM text with Copy. What is shown is core's reading
(wizard.core.certinfo); this dialog only lays it out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from wizard.ui.text import translate
from wizard.ui.widgets.copyable import CopyableText
from wizard.ui.widgets.wrap_label import WrapLabel


class CertificateDetailsDialog(QDialog):
    def __init__(self, details, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details = details
        self.setWindowTitle(translate("CertificateDetails", "Certificate details"))
        self.resize(640, 560)
        outer = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget(scroll)
        form = QFormLayout(content)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        none = translate("CertificateDetails", "none")
        yes, no = translate("CertificateDetails", "yes"), translate("CertificateDetails", "no")
        self.values: dict[str, QLabel] = {}
        rows = (
            ("subject", translate("CertificateDetails", "Subject:"), details.subject),
            ("issuer", translate("CertificateDetails", "Issuer:"), details.issuer),
            ("serial", translate("CertificateDetails", "Serial number:"), details.serial),
            (
                "not_before",
                translate("CertificateDetails", "Valid from:"),
                f"{details.not_before:%Y-%m-%d %H:%M} UTC",
            ),
            (
                "not_after",
                translate("CertificateDetails", "Valid until:"),
                f"{details.not_after:%Y-%m-%d %H:%M} UTC",
            ),
            ("key", translate("CertificateDetails", "Public key:"), details.key),
            (
                "signature",
                translate("CertificateDetails", "Signature algorithm:"),
                details.signature,
            ),
            (
                "ca",
                translate("CertificateDetails", "Certificate authority:"),
                yes if details.is_ca else no,
            ),
            (
                "self_signed",
                translate("CertificateDetails", "Self-signed:"),
                yes if details.self_signed else no,
            ),
            (
                "key_usage",
                translate("CertificateDetails", "Key usage:"),
                ", ".join(details.key_usage) or none,
            ),
            (
                "eku",
                translate("CertificateDetails", "Extended key usage:"),
                ", ".join(details.extended_key_usage) or none,
            ),
            (
                "san",
                translate("CertificateDetails", "Subject alternative names:"),
                ", ".join(details.subject_alternative_names) or none,
            ),
            (
                "aki",
                translate("CertificateDetails", "Authority key identifier:"),
                details.authority_key_id or none,
            ),
            (
                "ski",
                translate("CertificateDetails", "Subject key identifier:"),
                details.subject_key_id or none,
            ),
            (
                "ca_issuers",
                translate("CertificateDetails", "CA issuers (AIA):"),
                "\n".join(details.ca_issuers) or none,
            ),
            (
                "ocsp",
                translate("CertificateDetails", "OCSP (AIA):"),
                "\n".join(details.ocsp) or none,
            ),
            ("sha256", translate("CertificateDetails", "SHA-256 fingerprint:"), details.sha256),
            ("sha1", translate("CertificateDetails", "SHA-1 fingerprint:"), details.sha1),
        )
        for key, label, value in rows:
            shown = WrapLabel(value, content)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(QLabel(label, content), shown)
            self.values[key] = shown
        self.pem = CopyableText(content, lines=8)
        self.pem.set_text(details.pem)
        pem_label = QLabel(translate("CertificateDetails", "&PEM:"), content)
        pem_label.setBuddy(self.pem.edit)
        form.addRow(pem_label, self.pem)
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)


def show_certificate(pem: str, parent: QWidget | None = None) -> CertificateDetailsDialog | None:
    """Open the details of the certificate in `pem` (non-modal); None when there is none."""
    if not pem:
        return None
    from wizard.core.certinfo import certificate_details

    dialog = CertificateDetailsDialog(certificate_details(pem.encode("ascii")), parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog

"""Page 2: trust the tenant: read its server chain, resolve the root, save it for the sender.

The fetch runs on a worker (network) with a busy bar and Cancel; the chain is shown with where
each certificate came from (sent by the server, or resolved from a trust store), and the root is
saved in the profile as .cer and .pem by core.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton

from wizard.core.flow import Step
from wizard.core.profiles import Artefact
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import arg
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.chain_view import ChainView


def engine_available() -> bool:
    return importlib.util.find_spec("wizard.core.fetch_root") is not None


def copy_file(source: Path, target: Path) -> Path:
    """Worker: Save root as… (a public certificate: readable by others is fine)."""
    from wizard.core.storage import atomic_write, read_input_file

    return atomic_write(target, read_input_file(source, what="the tenant root"), private=False)


class TrustPage(Page):
    step = Step.TRUST

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.report = None
        self.body.addWidget(
            self.paragraph(
                self.tr(
                    "The sender system must trust the tenant's load balancer. The wizard reads "
                    "the certificate chain the tenant presents and finds its root: that root "
                    "goes into the sender's trust store."
                ),
                self,
            )
        )
        self.tips = self.paragraph(
            self.tr(
                "Where the root goes: SAP ABAP (STRUST): SSL client PSE → Import certificate → "
                "Add to Certificate List. Java: keytool -importcert -keystore truststore.jks "
                "-file tenant-root.cer. Postman: Settings → Certificates → CA certificates → "
                "tenant-root.pem."
            ),
            self,
        )
        row = QHBoxLayout()
        self.fetch_button = QPushButton(self.tr("&Fetch the chain again"), self)
        self.fetch_button.setAutoDefault(False)
        self.fetch_button.clicked.connect(self.fetch)
        self.save_cer = QPushButton(self.tr("Save root as .&cer…"), self)
        self.save_pem = QPushButton(self.tr("Save root as .&pem…"), self)
        for button in (self.save_cer, self.save_pem):
            button.setAutoDefault(False)
        self.save_cer.clicked.connect(lambda: self.save_root(Artefact.TENANT_ROOT_CER))
        self.save_pem.clicked.connect(lambda: self.save_root(Artefact.TENANT_ROOT_PEM))
        row.addWidget(self.fetch_button)
        row.addWidget(self.save_cer)
        row.addWidget(self.save_pem)
        row.addStretch(1)
        self.chain_label = QLabel(self.tr("&Chain presented by the tenant:"), self)
        self.chain = ChainView(self)
        self.chain_label.setBuddy(self.chain)
        self.root_text = self.paragraph("", self)
        self.skip = QCheckBox(
            self.tr("&Skip for now: I will get the root another way (SAP's Connectivity Test)"),
            self,
        )
        self.skip.toggled.connect(self.completeChanged)
        self.body.addLayout(row)
        self.body.addWidget(self.chain_label)
        self.body.addWidget(self.chain, 1)
        self.body.addWidget(self.root_text)
        self.body.addWidget(self.tips)
        self.body.addWidget(self.skip)
        self._fetched_for: str | None = None
        self._show(None)

    def initializePage(self) -> None:
        profile = self.session.profile
        key = f"{profile.name}/{profile.tenant_url}" if profile else None
        if not engine_available():
            self.fetch_button.setEnabled(False)
            self.show_message(
                Severity.WARNING,
                self.tr("Fetching the root is not available in this build"),
                self.tr(
                    "The fetch-root engine (wizard.core.fetch_root) is missing. Get the root with "
                    "SAP's Connectivity Test (Monitor → Manage Security → Connectivity Tests → "
                    "TLS, untick Validate Server Certificate, download the root .cer) and tick "
                    "Skip to go on."
                ),
            )
            return
        if key != self._fetched_for:
            self._fetched_for = key
            self.fetch()

    def fetch(self) -> None:  # replaced once wizard.core.fetch_root exists
        pass

    def _show(self, report) -> None:
        has = report is not None
        for widget in (self.chain_label, self.chain, self.root_text, self.save_cer, self.save_pem):
            widget.setVisible(has)

    def save_root(self, artefact: Artefact) -> None:
        source = self.session.store.path(self.session.name, artefact)
        suffix = Path(artefact.value).suffix
        name, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the tenant root"),
            f"{self.session.name}-tenant-root{suffix}",
            arg(self.tr("Certificates (*%1)"), suffix),
        )
        if name:
            self.run(
                copy_file,
                source,
                Path(name),
                busy=self.tr("Saving…"),
                on_done=lambda path: self.show_message(Severity.OK, arg(self.tr("Saved %1"), path)),
            )

    def ready(self) -> bool:
        return self.report is not None or self.skip.isChecked()

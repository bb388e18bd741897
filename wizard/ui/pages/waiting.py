"""Page 4: waiting for the CA. The user may close the program; resuming the profile lands here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import arg
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.copyable import CopyableText


def read_request(store: ProfileStore, name: str) -> str:
    data = store.read_artefact(name, Artefact.CSR)
    return data.decode("ascii", "replace") if data else ""


def sign_with_sandbox(running, store: ProfileStore, name: str) -> Path:
    """Worker: the sandbox's demo CA signs the profile's CSR; its reply (.p7b) goes into the
    sandbox folder, as a CA's e-mail attachment would land in Downloads."""
    from wizard.core.errors import WizardError
    from wizard.core.storage import atomic_write

    csr = store.read_artefact(name, Artefact.CSR)
    if csr is None:
        raise WizardError("csr.missing", f"Profile {name!r} has no certificate request.")
    reply = running.sandbox.sign_csr(csr, p7b=True)
    target = Path(running.sandbox.directory) / "replies" / f"{name}.p7b"
    return atomic_write(target, reply, private=False)


class WaitingPage(Page):
    step = Step.WAITING

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.body.addWidget(
            self.paragraph(
                self.tr(
                    "Send the request to your CA and wait for the signed certificate. This can "
                    "take days: you can close the program now. When you open it again, choose "
                    "this sender system and Resume; you will come back to this page."
                ),
                self,
            )
        )
        self.where = self.paragraph("", self)
        self.body.addWidget(self.where)
        self.csr_label = QLabel(self.tr("Certificate &request (CSR):"), self)
        self.csr = CopyableText(self, lines=6)
        self.csr_label.setBuddy(self.csr.edit)
        self.body.addWidget(self.csr_label)
        self.body.addWidget(self.csr)
        self.body.addWidget(
            self.paragraph(
                self.tr(
                    "Ask for: a client authentication certificate (Extended Key Usage "
                    "clientAuth), with the whole chain (intermediates), from a CA whose root is "
                    "on SAP's list. Any file format the CA sends is fine: .cer, .crt, .pem, "
                    ".p7b."
                ),
                self,
            )
        )
        row = QHBoxLayout()
        self.open_folder = QPushButton(self.tr("&Open the profile folder"), self)
        self.open_folder.setAutoDefault(False)
        self.open_folder.clicked.connect(self._open_folder)
        self.sandbox_sign = QPushButton(self.tr("&Sign with the sandbox CA"), self)
        self.sandbox_sign.setAutoDefault(False)
        self.sandbox_sign.clicked.connect(self.sign_with_sandbox)
        row.addWidget(self.open_folder)
        row.addWidget(self.sandbox_sign)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addStretch(1)
        self.reply: Path | None = None

    def initializePage(self) -> None:
        name = self.session.name
        self.reply = None
        self.where.setText(
            arg(
                self.tr("The request is %1."),
                str(self.session.store.path(name, Artefact.CSR)),
            )
        )
        self.sandbox_sign.setVisible(self.session.is_sandbox_profile)
        self.run(
            read_request,
            self.session.store,
            name,
            busy=self.tr("Reading the request…"),
            on_done=self.csr.set_text,
        )

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(self.session.store.folder(self.session.name)))
        )

    def sign_with_sandbox(self) -> None:
        if self.session.sandbox is None or self.running:
            return
        self.run(
            sign_with_sandbox,
            self.session.sandbox,
            self.session.store,
            self.session.name,
            busy=self.tr("The sandbox CA is signing…"),
            on_done=self._signed,
        )

    def _signed(self, path: Path) -> None:
        self.reply = path
        self.session.prefill["reply"] = str(path)
        self.show_message(
            Severity.OK,
            self.tr("The sandbox CA answered"),
            arg(
                self.tr("Its reply is %1 (leaf and intermediate, PKCS#7). Next imports it."),
                str(path),
            ),
        )

    def work_started(self) -> None:
        self.sandbox_sign.setEnabled(False)

    def work_finished(self) -> None:
        self.sandbox_sign.setEnabled(True)

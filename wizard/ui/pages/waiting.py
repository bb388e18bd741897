"""Page 4: waiting for the CA. The user may close the program; resuming the profile lands here.

Next to "send it to your CA" the page offers **Have SAP sign it**: the BTP Destination service
signs the CSR under SAP Cloud Root CA (wizard.core.sap_sign); the chain is imported into the
profile, so Next goes on to the certificate page as after the sandbox CA.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from wizard.core.errors import WizardError
from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore, State
from wizard.core.sap_sign import SapSignResult, TimeUnit, Validity, notices_before_sending
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import arg, downloads_folder, from_core
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.button_row import ButtonRow, action_button
from wizard.ui.widgets.ca_enroll_panel import CaEnrollPanel
from wizard.ui.widgets.choice import Choice
from wizard.ui.widgets.copyable import CopyableText
from wizard.ui.widgets.findings import FindingsView

# The units of the validity box: SAP signs 1 day to 1 year (at most 365 days, 12 months, 1 year).
UNITS = (TimeUnit.DAYS, TimeUnit.MONTHS, TimeUnit.YEARS)
MAXIMUM = {TimeUnit.DAYS: 365, TimeUnit.MONTHS: 12, TimeUnit.YEARS: 1}


def read_request(store: ProfileStore, name: str) -> str:
    data = store.read_artefact(name, Artefact.CSR)
    return data.decode("ascii", "replace") if data else ""


@dataclass(frozen=True)
class Request:
    """The profile's CSR as text, and the CN it asks for (SAP keeps only the CN)."""

    text: str
    cn: str | None


def read_request_and_cn(store: ProfileStore, name: str) -> Request:
    """Worker: the CSR text for the copy box and its CN for the SAP notices."""
    from wizard.core.sap_sign import requested_cn

    text = read_request(store, name)
    return Request(text, requested_cn(store, name) if text else None)


def sign_with_sap(
    store: ProfileStore,
    secrets,
    name: str,
    key_file: Path,
    *,
    validity: Validity,
    auto_renew: bool,
    replace: bool,
    ca_files: list[Path],
    sap_roots: Path | None,
    progress,
) -> SapSignResult:
    """Worker: the one core call; SAP signs the CSR and the chain is imported into the profile."""
    from wizard.core import sap_sign

    return sap_sign.sign_with_sap(
        store,
        secrets,
        name,
        key_file,
        validity=validity,
        auto_renew=auto_renew,
        replace=replace,
        ca_files=ca_files,
        sap_roots=sap_roots,
        progress=progress,
    )


class ProgressRelay(QObject):
    """Lives on the GUI thread; core's progress callback emits from the worker, queued here."""

    said = Signal(str)

    def __call__(self, message: str) -> None:
        self.said.emit(message)


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
        self.open_folder = action_button(
            self.tr("&Open the profile folder"), self, self._open_folder
        )
        self.sandbox_sign = action_button(
            self.tr("&Sign with the sandbox CA"), self, self.sign_with_sandbox
        )
        self.body.addWidget(ButtonRow(self, [self.open_folder, self.sandbox_sign]))
        self.ca_panel = CaEnrollPanel(self)  # AD CS web enrollment or EST
        self.body.addWidget(self.ca_panel)
        self.body.addWidget(self._sap_group())
        self.body.addStretch(1)
        self.reply: Path | None = None
        self.cn: str | None = None
        self.sap_result: SapSignResult | None = None
        # Extra CA files trusted for the Destination service's TLS (none: the OS store and
        # certifi, as for SAP's real service; a private test server gives its own).
        self.service_ca_files: list[Path] = []
        self.progress = ProgressRelay(self)
        self.progress.said.connect(self._progress)

    def _sap_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("Or have SAP sign it"), self)
        box = QVBoxLayout(group)
        box.addWidget(
            self.paragraph(
                self.tr(
                    "SAP's Destination service (SAP BTP, Cloud Foundry) signs this request under "
                    "SAP Cloud Root CA, with client authentication. You need a service key of a "
                    "Destination service instance (plan lite), downloaded as a .json file from "
                    "the BTP cockpit."
                ),
                group,
            )
        )
        self.key_label = QLabel(self.tr("Destination service &key:"), group)
        self.key_path = QLineEdit(group)
        self.key_path.setPlaceholderText(self.tr("The service key file (.json)"))
        self.key_label.setBuddy(self.key_path)
        self.key_browse = action_button(self.tr("C&hoose…"), group, self._choose_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_path, 1)
        key_row.addWidget(self.key_browse)
        box.addWidget(self.key_label)
        box.addLayout(key_row)
        self.validity_label = QLabel(self.tr("&Validity:"), group)
        self.validity_value = QSpinBox(group)
        self.validity_label.setBuddy(self.validity_value)
        self.validity_unit = Choice(group)
        self.validity_unit.setAccessibleName(self.tr("Validity unit"))
        for unit, text in zip(UNITS, self._unit_names(1), strict=True):
            self.validity_unit.addItem(text, unit.value)
        self.validity_unit.setCurrentIndex(UNITS.index(TimeUnit.YEARS))
        self.validity_value.setRange(1, 1)
        self.validity_value.setValue(1)
        validity_row = QHBoxLayout()
        validity_row.addWidget(self.validity_label)
        validity_row.addWidget(self.validity_value)
        validity_row.addWidget(self.validity_unit)
        self.validity_range = QLabel(self.tr("(1 day to 1 year)"), group)
        self.validity_range.setBuddy(self.validity_unit)
        validity_row.addWidget(self.validity_range)
        validity_row.addStretch(1)
        box.addLayout(validity_row)
        self.auto_renew = QCheckBox(self.tr("Let SAP renew it &automatically"), group)
        box.addWidget(self.auto_renew)
        self.notices_label = QLabel(self.tr("Before anything is sent:"), group)
        self.notices = self.paragraph("", group)
        box.addWidget(self.notices_label)
        box.addWidget(self.notices)
        self.sap_sign = action_button(self.tr("Have SAP si&gn it"), group, self.sign_with_sap)
        self.sap_replace = action_button(
            self.tr("Re&place SAP's certificate of that name"),
            group,
            lambda: self.sign_with_sap(replace=True),
        )
        self.sap_replace.hide()
        box.addWidget(ButtonRow(group, [self.sap_sign, self.sap_replace]))
        self.sap_progress = self.paragraph("", group)
        self.sap_progress.hide()
        self.sap_error = self.field_error(group)
        self.sap_findings = FindingsView(group)
        self.sap_findings.hide()
        self.sap_done = self.paragraph("", group)
        self.sap_done.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sap_done.hide()
        for widget in (self.sap_progress, self.sap_error, self.sap_findings, self.sap_done):
            box.addWidget(widget)
        self.key_path.textChanged.connect(self._sap_inputs_changed)
        self.validity_unit.currentIndexChanged.connect(self._unit_changed)
        self.validity_value.valueChanged.connect(self._sap_inputs_changed)
        self.validity_value.valueChanged.connect(self._name_units)
        self.auto_renew.toggled.connect(self._sap_inputs_changed)
        self._update_sap_button()
        return group

    def enter_action(self):
        """In the sandbox, Enter first has the demo CA sign the request (as a CA's answer)."""
        profile = self.session.profile
        signed = profile is not None and profile.state not in (State.NEW, State.KEY_GENERATED)
        if self.session.is_sandbox_profile and self.reply is None and not signed:
            return self.sign_with_sandbox
        return None

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
        self.sap_result = None
        self.ca_panel.load(self.session.profile)
        self.sap_done.hide()
        self.sap_progress.hide()
        self.sap_replace.hide()
        self.sap_findings.hide()
        self.set_field_error(self.sap_error, None)
        self.run(
            read_request_and_cn,
            self.session.store,
            name,
            busy=self.tr("Reading the request…"),
            on_done=self._request_read,
        )

    def _request_read(self, request: Request) -> None:
        self.csr.set_text(request.text)
        self.cn = request.cn
        self._show_notices()

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
                self.tr(
                    "Its reply is %1 (leaf and intermediate, PKCS#7). On the next step, Import "
                    "and check reads it."
                ),
                str(path),
            ),
        )

    # --- Have SAP sign it ---

    def validity(self) -> Validity:
        return Validity(TimeUnit(self.validity_unit.currentData()), self.validity_value.value())

    def _choose_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Destination service key"),
            self.key_path.text() or downloads_folder(),
            self.tr("Service keys (*.json);;All files (*)"),
        )
        if path:
            self.key_path.setText(path)

    def _unit_names(self, count: int) -> tuple[str, str, str]:
        """The units as the number before them needs them: 1 year, 2 months."""
        return (
            self.tr("day(s)", "validity unit", count),
            self.tr("month(s)", "validity unit", count),
            self.tr("year(s)", "validity unit", count),
        )

    def _name_units(self) -> None:
        for index, text in enumerate(self._unit_names(self.validity_value.value())):
            self.validity_unit.setItemText(index, text)

    def _unit_changed(self) -> None:
        unit = TimeUnit(self.validity_unit.currentData())
        self.validity_value.setRange(1, MAXIMUM[unit])
        self._sap_inputs_changed()

    def _sap_inputs_changed(self) -> None:
        self.set_field_error(self.sap_error, None)
        self.sap_replace.hide()
        self._show_notices()
        self._update_sap_button()

    def _show_notices(self) -> None:
        notices = notices_before_sending(self.cn, self.validity(), self.auto_renew.isChecked())
        self.notices.setText("\n".join("• " + from_core(n) for n in notices))

    def _update_sap_button(self) -> None:
        ready = bool(self.key_path.text().strip()) and not self.running
        self.sap_sign.setEnabled(ready)
        self.sap_replace.setEnabled(ready)

    def sign_with_sap(self, replace: bool = False) -> None:
        key = self.key_path.text().strip()
        if self.running or not key:
            return
        self.set_field_error(self.sap_error, None)
        self.sap_findings.set_findings([])
        self.sap_findings.hide()
        self.sap_done.hide()
        self.sap_progress.setText(self.tr("Connecting to SAP…"))
        self.sap_progress.show()
        self.run(
            sign_with_sap,
            self.session.store,
            self.session.secrets,
            self.session.name,
            Path(key).expanduser(),
            validity=self.validity(),
            auto_renew=self.auto_renew.isChecked(),
            replace=replace,
            ca_files=[*self.session.ca_files, *self.service_ca_files],
            sap_roots=self.session.judge_roots,
            progress=self.progress,
            busy=self.tr("SAP is signing the request…"),
            on_done=self._sap_signed,
            on_error=self._sap_refused,
        )

    def _progress(self, message: str) -> None:
        if self.running:
            self.sap_progress.setText(from_core(message))
            self.busy.say(from_core(message))

    def _sap_signed(self, result: SapSignResult) -> None:
        self.sap_result = result
        self.sap_progress.hide()
        self.sap_replace.hide()
        self.session.set_profile(result.profile)
        renew = self.tr("on") if result.auto_renew else self.tr("off")
        until = result.not_after.strftime("%Y-%m-%d")
        lines = [
            arg(self.tr("Issued to: %1"), result.issued_subject),
            arg(self.tr("Issued by: %1"), result.issuer),
            arg(self.tr("Valid until: %1"), until),
            arg(self.tr("Automatic renewal by SAP: %1"), renew),
            arg(self.tr("SHA-256: %1"), result.sha256),
        ]
        lines += [from_core(note) for note in result.notes]
        self.sap_done.setText("\n".join(lines))
        self.sap_done.show()
        findings = result.imported.report.findings if result.imported else ()
        self.sap_findings.set_findings([(_severity(f), f.message) for f in findings])
        self.sap_findings.setVisible(bool(findings))
        self.show_message(
            Severity.OK,
            self.tr("SAP signed the request"),
            self.tr("The certificate and its chain are stored in the profile. Next shows them."),
        )
        self.reveal(self.sap_done)

    def _sap_refused(self, exc: WizardError) -> None:
        self.sap_progress.hide()
        report = getattr(exc, "report", None)
        if report is not None:
            self.sap_findings.set_findings([(_severity(f), f.message) for f in report.findings])
            self.sap_findings.show()
            self.set_field_error(
                self.sap_error,
                self.tr(
                    "SAP's certificate was not imported; the profile is unchanged. Each problem "
                    "and its fix is listed below."
                ),
            )
        else:
            self.set_field_error(self.sap_error, from_core(exc.message))
        self.sap_replace.setVisible(exc.code == "sap_sign.name_taken")
        self.reveal(self.sap_error)

    def work_started(self) -> None:
        self.sandbox_sign.setEnabled(False)
        self.ca_panel.set_busy(True)
        self._update_sap_button()
        self.key_browse.setEnabled(False)

    def work_finished(self) -> None:
        self.sandbox_sign.setEnabled(True)
        self.ca_panel.set_busy(False)
        self._update_sap_button()
        self.key_browse.setEnabled(True)


def _severity(finding) -> Severity:
    return Severity.ERROR if str(finding.severity) == "error" else Severity.WARNING

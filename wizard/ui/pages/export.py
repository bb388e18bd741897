"""Page 6: the PKCS#12 for the sender's keystore (modern or legacy), and the public files.

A commit page: the password of an exported .p12 is never silently replaced by Back and Next.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from wizard.core.flow import Step
from wizard.core.profiles import Profile, ProfileStore
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import arg, from_core
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.button_row import ButtonRow, action_button


@dataclass(frozen=True)
class Exported:
    profile: Profile
    password: str
    password_kept_in: str
    files: dict[str, Path]


def export(
    store: ProfileStore,
    secrets,
    name: str,
    *,
    legacy: bool,
    include_root: bool,
    alias: str | None,
) -> Exported:
    from wizard.core.enrollment import export_p12

    result = export_p12(store, secrets, name, legacy=legacy, include_root=include_root, alias=alias)
    return Exported(
        profile=result.profile,
        password=result.password,
        password_kept_in=result.password_kept_in,
        files=dict(result.files),
    )


def explanations() -> dict[str, str]:
    from wizard.core.p12 import LEGACY, MODERN, explained

    return {"modern": explained(MODERN), "legacy": explained(LEGACY)}


class ExportPage(Page):
    step = Step.EXPORT

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.result: Exported | None = None
        self.body.addWidget(
            self.paragraph(
                self.tr(
                    "The PKCS#12 file (.p12) holds the private key, the certificate and the "
                    "intermediates: it goes into the sender system's keystore. Its password only "
                    "wraps it for the transport; keep the file itself safe."
                ),
                self,
            )
        )
        group = QGroupBox(self.tr("Encryption"), self)
        box = QVBoxLayout(group)
        self.modern = QRadioButton(self.tr("&Modern (recommended)"), group)
        self.legacy = QRadioButton(self.tr("&Legacy, for old consumers"), group)
        self.modern.setChecked(True)
        self.modern_text = self.paragraph("", group)
        self.legacy_text = self.paragraph("", group)
        self.modern_text.setIndent(24)
        self.legacy_text.setIndent(24)
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.modern)
        self.choice.addButton(self.legacy)
        for widget in (self.modern, self.modern_text, self.legacy, self.legacy_text):
            box.addWidget(widget)
        self.body.addWidget(group)
        form = QFormLayout()
        self.include_root = QCheckBox(self.tr("Include the &root certificate"), self)
        self.include_root.setToolTip(
            self.tr("Servers never need the root; some keystores want it to show a full chain.")
        )
        self.alias = QLineEdit(self)
        alias_label = QLabel(self.tr("&Alias (friendly name):"), self)
        alias_label.setBuddy(self.alias)
        form.addRow("", self.include_root)
        form.addRow(alias_label, self.alias)
        self.body.addLayout(form)
        self.export_button = action_button(self.tr("&Export"), self, self.export)
        self.body.addWidget(ButtonRow(self, [self.export_button]))
        self.outcome = self.paragraph("", self)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.outcome)
        self.password_label = QLabel(self.tr("PKCS#12 pass&word:"), self)
        self.password = QLineEdit(self)
        self.password.setReadOnly(True)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_label.setBuddy(self.password)
        self.show_password = QCheckBox(self.tr("&Show"), self)
        self.show_password.toggled.connect(
            lambda shown: self.password.setEchoMode(
                QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
            )
        )
        password_row = QFormLayout()
        password_row.addRow(self.password_label, self.password)
        password_row.addRow("", self.show_password)
        self.body.addLayout(password_row)
        self.copy_password = action_button(self.tr("&Copy password"), self, self._copy_password)
        self.open_folder = action_button(self.tr("&Open folder"), self, self._open_folder)
        self.body.addWidget(ButtonRow(self, [self.copy_password, self.open_folder]))
        self.body.addStretch(1)
        self._explained = False
        self._show_result()

    def initializePage(self) -> None:
        current = self.session.profile
        if self.result is not None and (
            current is None
            or (self.result.profile.name, self.result.profile.leaf_sha256)
            != (current.name, current.leaf_sha256)
        ):
            self.forget_password()
            self.alias.clear()
        if not self.alias.text():
            self.alias.setText(self.session.name)
        if not self._explained:
            self.run(explanations, busy=self.tr("Preparing…"), on_done=self._set_explanations)

    def _set_explanations(self, texts: dict[str, str]) -> None:
        self._explained = True
        self.modern_text.setText(from_core(texts["modern"]))
        self.legacy_text.setText(from_core(texts["legacy"]))

    def export(self) -> None:
        if self.running or self.session.profile is None:
            return
        self.run(
            export,
            self.session.store,
            self.session.secrets,
            self.session.name,
            legacy=self.legacy.isChecked(),
            include_root=self.include_root.isChecked(),
            alias=self.alias.text().strip() or None,
            busy=self.tr("Writing the PKCS#12 and the certificate files…"),
            on_done=self._exported,
        )

    def _exported(self, result: Exported) -> None:
        self.result = result
        self.session.set_profile(result.profile)
        self._show_result()
        self.show_message(Severity.OK, self.tr("Exported"))
        self.reveal(self.copy_password)

    def _show_result(self) -> None:
        result = self.result
        for widget in (
            self.copy_password,
            self.open_folder,
            self.password_label,
            self.password,
            self.show_password,
        ):
            widget.setVisible(result is not None)
        self.show_password.setChecked(False)
        self.password.setText(result.password if result is not None else "")
        self.outcome.setVisible(result is not None)
        if result is None:
            return
        lines = [
            arg(
                self.tr("The password is kept in: %1.")
                if self.session.keyring_available is not False
                else self.tr("The password is not kept anywhere (%1)."),
                from_core(result.password_kept_in),
            ),
            self.tr("Files:"),
        ]
        labels = {
            "p12": self.tr("key, certificate and intermediates, for the sender's keystore"),
            "cer": self.tr("the certificate (DER), for the tenant (Neo mapping)"),
            "pem": self.tr("the certificate (PEM), for the tenant (Cloud Foundry service key)"),
            "chain": self.tr("certificate and intermediates (PEM), for curl and Postman"),
        }
        for key, path in result.files.items():
            lines.append(arg(self.tr("• %1: %2"), str(path), labels.get(key, key)))
        self.outcome.setText("\n".join(lines))

    def _copy_password(self) -> None:
        if self.result is not None:
            QGuiApplication.clipboard().setText(self.result.password)
            self.show_message(
                Severity.INFO,
                self.tr("Password copied"),
                self.tr("Paste it where the sender system asks for the PKCS#12 password."),
            )

    def _open_folder(self) -> None:
        folder = self.session.store.folder(self.session.name)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def work_started(self) -> None:
        self.export_button.setEnabled(False)

    def work_finished(self) -> None:
        self.export_button.setEnabled(True)

    def ready(self) -> bool:
        return self.result is not None

    def enter_action(self):
        return None if self.ready() else self.export

    def forget_password(self) -> None:
        """Drop the password from memory (the keyring keeps it)."""
        self.result = None
        self._show_result()

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
    QWidget,
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
    password: str | None = None,
) -> Exported:
    from wizard.core.enrollment import export_p12

    result = export_p12(
        store,
        secrets,
        name,
        legacy=legacy,
        include_root=include_root,
        alias=alias,
        password=password,
    )
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
        self.body.addWidget(self._password_choice())
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

    def _password_choice(self) -> QGroupBox:
        """Generated (kept in the keyring) or the person's own, typed twice, the rules shown."""
        group = QGroupBox(self.tr("Password of the .p12"), self)
        box = QVBoxLayout(group)
        self.generated = QRadioButton(self.tr("&Generated by the wizard (recommended)"), group)
        self.own = QRadioButton(self.tr("C&hosen by me"), group)
        self.generated.setChecked(True)
        self.password_kind = QButtonGroup(self)
        self.password_kind.addButton(self.generated)
        self.password_kind.addButton(self.own)
        box.addWidget(self.generated)
        box.addWidget(self.own)
        self.own_fields = QWidget(group)
        fields = QFormLayout(self.own_fields)
        fields.setContentsMargins(24, 0, 0, 0)
        self.own_password = QLineEdit(self.own_fields)
        self.own_again = QLineEdit(self.own_fields)
        for field in (self.own_password, self.own_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.textChanged.connect(self._check_own)
        own_label = QLabel(self.tr("&Password:"), self.own_fields)
        own_label.setBuddy(self.own_password)
        again_label = QLabel(self.tr("Repeat &it:"), self.own_fields)
        again_label.setBuddy(self.own_again)
        self.own_show = QCheckBox(self.tr("Show &typed"), self.own_fields)
        self.own_show.toggled.connect(
            lambda shown: [
                field.setEchoMode(
                    QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
                )
                for field in (self.own_password, self.own_again)
            ]
        )
        self.own_rules = self.paragraph(
            self.tr(
                "8 characters or more, on one line, typed twice. It is kept in the keyring like "
                "a generated one; the sender system's administrator needs it to import the file."
            ),
            self.own_fields,
        )
        self.own_error = self.field_error(self.own_fields, reserve=1)
        fields.addRow(own_label, self.own_password)
        fields.addRow(again_label, self.own_again)
        fields.addRow("", self.own_show)
        fields.addRow("", self.own_rules)
        fields.addRow("", self.own_error.slot)
        box.addWidget(self.own_fields)
        self.own.toggled.connect(self._check_own)
        self._check_own()
        return group

    def chosen_password(self) -> str | None:
        """The person's own password when chosen and valid; None for the generated one."""
        return self.own_password.text() if self.own.isChecked() else None

    def _own_problem(self) -> str | None:
        if not self.own.isChecked():
            return None
        first, second = self.own_password.text(), self.own_again.text()
        if not first:
            return None  # nothing typed yet: the rules above say what is needed
        if len(first) < 8:
            return self.tr("Too short: %n more character(s) needed.", "", 8 - len(first))
        if "\n" in first or "\r" in first:
            return self.tr("The password must be on one line.")
        if second and second != first:
            return self.tr("The two entries differ.")
        return None

    def _own_ok(self) -> bool:
        if not self.own.isChecked():
            return True
        first = self.own_password.text()
        return len(first) >= 8 and first == self.own_again.text() and self._own_problem() is None

    def _check_own(self) -> None:
        self.own_fields.setEnabled(self.own.isChecked())
        self.set_field_error(self.own_error, self._own_problem())
        export_button = getattr(self, "export_button", None)  # built after this group
        if export_button is not None:
            export_button.setEnabled(not self.running and self._own_ok())

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
        if not self._own_ok():
            self.set_field_error(
                self.own_error,
                self._own_problem() or self.tr("Type your password twice (8 characters or more)."),
            )
            self.own_password.setFocus()
            return
        self.run(
            export,
            self.session.store,
            self.session.secrets,
            self.session.name,
            legacy=self.legacy.isChecked(),
            include_root=self.include_root.isChecked(),
            alias=self.alias.text().strip() or None,
            password=self.chosen_password(),
            busy=self.tr("Writing the PKCS#12 and the certificate files…"),
            on_done=self._exported,
        )

    def _exported(self, result: Exported) -> None:
        self.result = result
        self.session.set_profile(result.profile)
        self._show_result()
        self.own_password.clear()  # the keyring keeps it; the result field shows it on request
        self.own_again.clear()
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
        self.export_button.setEnabled(self._own_ok())

    def ready(self) -> bool:
        return self.result is not None

    def enter_action(self):
        return None if self.ready() else self.export

    def forget_password(self) -> None:
        """Drop the password from memory (the keyring keeps it)."""
        self.result = None
        self._show_result()

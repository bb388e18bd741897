"""Choosing a secret without a keyring: one dialog, typed twice, show/hide, the rules shown
before OK (which stays off until they hold)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from wizard.ui.text import translate
from wizard.ui.widgets.wrap_label import WrapLabel

MIN_LENGTH = 8  # core's rule (wizard.core.secrets: 8 characters or more)


class ChooseSecretDialog(QDialog):
    def __init__(self, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("ChooseSecretDialog", "No keyring: choose a passphrase"))
        layout = QVBoxLayout(self)
        layout.addWidget(WrapLabel(prompt.strip().rstrip(":").strip(), self))
        self.rules = WrapLabel(
            translate(
                "ChooseSecretDialog",
                "At least 8 characters, typed twice. It is not stored anywhere: keep it safe, "
                "you will be asked for it once per session.",
            ),
            self,
        )
        layout.addWidget(self.rules)
        form = QFormLayout()
        self.first = QLineEdit(self)
        self.second = QLineEdit(self)
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self._check)
        first_label = QLabel(translate("ChooseSecretDialog", "&Passphrase:"), self)
        first_label.setBuddy(self.first)
        second_label = QLabel(translate("ChooseSecretDialog", "&Repeat:"), self)
        second_label.setBuddy(self.second)
        form.addRow(first_label, self.first)
        form.addRow(second_label, self.second)
        self.show_text = QCheckBox(translate("ChooseSecretDialog", "&Show"), self)
        self.show_text.toggled.connect(self._show_text)
        form.addRow("", self.show_text)
        layout.addLayout(form)
        self.problem = WrapLabel("", self)
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._check()

    def _show_text(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for edit in (self.first, self.second):
            edit.setEchoMode(mode)

    def _check(self) -> None:
        first, second = self.first.text(), self.second.text()
        if first and len(first) < MIN_LENGTH:
            problem = translate("ChooseSecretDialog", "Too short: at least 8 characters.")
        elif second and second != first:
            problem = translate("ChooseSecretDialog", "The two entries differ.")
        else:
            problem = ""
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        ok = len(first) >= MIN_LENGTH and first == second
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def value(self) -> str:
        return self.first.text()

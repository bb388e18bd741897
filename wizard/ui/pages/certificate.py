"""Page 5: the CA's reply (files dropped or chosen, or PEM pasted), validated into the profile.

The validated chain is shown leaf first with where each certificate came from; every error and
warning core found is listed under the input, in words, with its fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QLabel, QPlainTextEdit

from wizard.core.errors import WizardError
from wizard.core.flow import Step
from wizard.core.profiles import Profile, ProfileStore, State
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import arg, from_core
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.button_row import ButtonRow, action_button
from wizard.ui.widgets.chain_view import ChainRow, ChainView, rows_from_links
from wizard.ui.widgets.file_drop import FileDropList
from wizard.ui.widgets.findings import FindingsView


@dataclass(frozen=True)
class Imported:
    profile: Profile
    rows: tuple[ChainRow, ...]
    findings: tuple[tuple[Severity, str], ...]  # warnings of an accepted chain


class Rejected(WizardError):
    """The chain was refused: the rows and every finding, for the page."""

    def __init__(self, message: str, rows, findings) -> None:
        super().__init__("chain.rejected", message)
        self.rows = tuple(rows)
        self.findings = tuple(findings)


def _severity(finding) -> Severity:
    return Severity.ERROR if str(finding.severity) == "error" else Severity.WARNING


def import_reply(
    store: ProfileStore,
    secrets,
    name: str,
    files: list[Path],
    pasted: str,
    *,
    ca_files: list[Path],
    sap_roots: Path | None,
) -> Imported:
    """Worker: files through import_reply, pasted PEM through import_certificates."""
    from wizard.core import enrollment, reply

    try:
        if files:
            result = enrollment.import_reply(
                store, secrets, name, files, ca_files=ca_files, sap_roots=sap_roots
            )
        else:
            certificates = reply.parse_certificates(
                pasted.encode("utf-8"), source="the pasted text"
            )
            result = enrollment.import_certificates(
                store,
                name,
                certificates,
                source="the pasted text",
                ca_files=ca_files,
                sap_roots=sap_roots,
            )
    except enrollment.ChainRejected as exc:
        report = exc.report
        raise Rejected(
            exc.message,
            rows_from_links(report.links, complete=report.complete, findings=report.findings),
            [(_severity(f), f.message) for f in report.findings],
        ) from None
    report = result.report
    return Imported(
        profile=result.profile,
        rows=tuple(
            rows_from_links(report.links, complete=report.complete, findings=report.findings)
        ),
        findings=tuple((_severity(f), f.message) for f in report.findings),
    )


def stored_chain(store: ProfileStore, profile: Profile) -> Imported:
    """Worker: the chain already imported (when coming back to this page)."""
    from wizard.core.chain import ChainLink, is_self_signed
    from wizard.core.enrollment import load_chain

    certificates = load_chain(store, profile.name)
    links = [ChainLink(c, "reply") for c in certificates]
    complete = bool(certificates) and is_self_signed(certificates[-1])
    return Imported(
        profile=profile, rows=tuple(rows_from_links(links, complete=complete)), findings=()
    )


class CertificatePage(Page):
    step = Step.CERTIFICATE

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.imported: Imported | None = None
        self.body.addWidget(
            self.paragraph(
                self.tr(
                    "Give the files your CA sent (drop them here or choose them: .cer, .crt, "
                    ".pem, .p7b, in any order), or paste the PEM text. The wizard checks that the "
                    "certificate belongs to this profile's key, completes and checks the chain, "
                    "and stores it."
                ),
                self,
            )
        )
        self.files_label = QLabel(self.tr("The CA's &files:"), self)
        self.files = FileDropList(self)
        self.files_label.setBuddy(self.files.list)
        self.paste_label = QLabel(self.tr("Or &paste the PEM text:"), self)
        self.paste = QPlainTextEdit(self)
        self.paste.setPlaceholderText("-----BEGIN CERTIFICATE-----\n…")
        self.paste.setTabChangesFocus(True)
        self.paste.setMaximumHeight(90)
        self.paste_label.setBuddy(self.paste)
        self.import_button = action_button(self.tr("&Import and check"), self, self.start_import)
        self.input_error = self.field_error(self)
        self.findings = FindingsView(self)
        self.findings.hide()
        self.chain_label = QLabel(self.tr("C&hain:"), self)
        self.chain = ChainView(self)
        self.chain_label.setBuddy(self.chain)
        for widget in (self.files_label, self.files, self.paste_label, self.paste):
            self.body.addWidget(widget)
        self.body.addWidget(ButtonRow(self, [self.import_button]))
        self.body.addWidget(self.input_error)
        self.body.addWidget(self.findings)
        self.body.addWidget(self.chain_label)
        self.body.addWidget(self.chain)
        self.body.addStretch(1)
        self.files.changed.connect(self._inputs_changed)
        self.paste.textChanged.connect(self._inputs_changed)
        self._show_chain(None)

    def initializePage(self) -> None:
        profile = self.session.profile
        reply = self.session.prefill.get("reply")
        if not reply and self.session.is_sandbox_profile and self.session.name:
            # after a restart: the sandbox CA's answer is where it left it
            made = self.session.home / "sandbox" / "replies" / f"{self.session.name}.p7b"
            reply = str(made) if made.is_file() else None
        if reply and Path(reply) not in self.files.files():
            self.files.add_files([Path(reply)])
        if (
            self.imported is None
            and profile is not None
            and profile.state
            in (
                State.CERTIFICATE_IMPORTED,
                State.MAPPED,
                State.TESTED,
            )
        ):
            self.run(
                stored_chain,
                self.session.store,
                profile,
                busy=self.tr("Reading the stored chain…"),
                on_done=self._imported,
            )
        self._inputs_changed()

    def _inputs_changed(self) -> None:
        self._update_button()
        self.set_field_error(self.input_error, None)

    def _update_button(self) -> None:
        has_input = bool(self.files.files()) or bool(self.paste.toPlainText().strip())
        self.import_button.setEnabled(has_input and not self.running)

    def start_import(self) -> None:
        files = self.files.files()
        pasted = self.paste.toPlainText()
        if self.running or not (files or pasted.strip()):
            return
        if files and pasted.strip():  # never read one and silently drop the other
            self.set_field_error(
                self.input_error,
                self.tr(
                    "There are files in the list and pasted text: which is the CA's reply? "
                    "Remove the files from the list, or clear the pasted text, then import."
                ),
            )
            return
        self.findings.set_findings([])
        self.run(
            import_reply,
            self.session.store,
            self.session.secrets,
            self.session.name,
            files,
            pasted,
            ca_files=self.session.ca_files,
            sap_roots=self.session.judge_roots,
            busy=self.tr("Checking the chain…"),
            on_done=self._imported,
            on_error=self._refused,
        )

    def _imported(self, imported: Imported) -> None:
        self.imported = imported
        self.session.set_profile(imported.profile)
        self._show_chain(imported.rows)
        self.findings.set_findings(list(imported.findings))
        profile = imported.profile
        until = profile.not_after_dt.strftime("%Y-%m-%d") if profile.not_after_dt else "?"
        self.show_message(
            Severity.OK,
            self.tr("The certificate is stored in the profile"),
            arg(self.tr("%1, valid until %2."), profile.leaf_subject or "", until),
        )

    def _refused(self, exc: WizardError) -> None:
        if isinstance(exc, Rejected):
            self._show_chain(exc.rows)
            self.findings.set_findings(list(exc.findings))
            self.set_field_error(
                self.input_error,
                self.tr(
                    "This reply was not imported; the profile is unchanged. Each problem and its "
                    "fix is listed below."
                ),
            )
        else:
            self._show_chain(None)
            self.set_field_error(self.input_error, from_core(exc.message))

    def _show_chain(self, rows) -> None:
        self.chain.set_rows(list(rows or ()))
        self.chain.setVisible(bool(rows))
        self.chain_label.setVisible(bool(rows))

    def work_started(self) -> None:
        self.import_button.setEnabled(False)

    def work_finished(self) -> None:
        self._update_button()

    def enter_action(self):
        return None if self.ready() else self.start_import

    def unsaved(self) -> bool:
        return not self.ready() and bool(self.paste.toPlainText().strip())

    def ready(self) -> bool:
        profile = self.session.profile
        return profile is not None and profile.state in (
            State.CERTIFICATE_IMPORTED,
            State.MAPPED,
            State.TESTED,
        )

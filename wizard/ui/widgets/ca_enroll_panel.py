""" "Send to the company CA" on the Waiting for the CA page: AD CS web enrollment or EST.

The panel collects the CA's address, template and sign-in, and runs one core call on the page's
worker (`wizard.core.ca_enroll.enroll`): issued → the chain is imported into the profile (Next
shows it); pending → the profile keeps the request and the panel says "pending at the CA since …",
also after a restart, with "Ask the CA again". The password goes to the keyring (core), never into
a setting or the profile.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from wizard.core.ca_enroll.enroll import (
    CaEnrollResult,
    CaKind,
    CaOutcome,
    CaSettings,
    describe_ca_chain,
    waiting_request,
)
from wizard.core.ca_enroll.transport import Auth
from wizard.core.errors import WizardError
from wizard.core.profiles import Profile
from wizard.ui.text import arg, from_core
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.button_row import ButtonRow, action_button
from wizard.ui.widgets.choice import Choice
from wizard.ui.widgets.findings import FindingsView


def send_to_company_ca(store, secrets, name: str, settings: CaSettings, password, sap_roots,
                       progress) -> CaEnrollResult:  # fmt: skip
    """Worker: send the CSR; issued → imported, pending → kept in the profile.

    EST with the current certificate is a renewal (simplereenroll)."""
    from wizard.core.ca_enroll import enroll

    renewal = settings.kind is CaKind.EST and settings.auth is Auth.CERTIFICATE
    return enroll.send_to_ca(
        store, secrets, name, settings, password=password, sap_roots=sap_roots, renewal=renewal,
        progress=progress, show_ca_chain=lambda lines: progress(describe_ca_chain(lines)),
    )  # fmt: skip


def ask_company_ca_again(
    store, secrets, name: str, password, sap_roots, progress
) -> CaEnrollResult:
    """Worker: collect the pending request (imported once the CA issued it)."""
    from wizard.core.ca_enroll import enroll

    return enroll.check_pending(
        store, secrets, name, password=password, sap_roots=sap_roots, progress=progress,
        show_ca_chain=lambda lines: progress(describe_ca_chain(lines)),
    )  # fmt: skip


def list_company_ca_templates(settings: CaSettings, secrets, name: str, password):
    """Worker: the templates the AD CS web enrollment offers this user."""
    from wizard.core.ca_enroll import enroll

    return enroll.templates(settings, secrets, name, password=password)


class CaEnrollPanel(QGroupBox):
    """The company CA section of the waiting page; `page` runs its work and shows its banners."""

    def __init__(self, page) -> None:
        super().__init__(page)
        self.page = page
        self.setTitle(self.tr("Send to the company CA"))
        box = QVBoxLayout(self)
        box.addWidget(
            page.paragraph(
                self.tr(
                    "If your company's CA offers Microsoft AD CS web enrollment (…/certsrv) or "
                    "EST, the wizard sends the request and brings the certificate back. A "
                    "request an administrator must approve is kept in the profile: come back "
                    "later and ask again."
                ),
                self,
            )
        )
        form = QFormLayout()
        self.kind = Choice(self)
        self.kind.addItem(self.tr("AD CS web enrollment"), CaKind.ADCS.value)
        self.kind.addItem(self.tr("EST (RFC 7030)"), CaKind.EST.value)
        form.addRow(self.tr("Kind o&f CA:"), self.kind)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://ca.example.com/certsrv")
        form.addRow(self.tr("CA a&ddress:"), self.url)
        self.template = QLineEdit(self)
        self.template.setPlaceholderText(self.tr("the template's short name"))
        self.template_label_text = self.tr("&Template:")
        self.list_templates = action_button(self.tr("&List"), self, self.ask_templates)
        self.list_templates.setToolTip(self.tr("Ask the CA which templates it offers you"))
        self.templates = Choice(self)
        self.templates.setAccessibleName(self.tr("Templates the CA offers"))
        self.templates.hide()
        template_row = QHBoxLayout()
        template_row.addWidget(self.template, 1)
        template_row.addWidget(self.list_templates)
        form.addRow(self.template_label_text, template_row)
        form.labelForField(template_row).setBuddy(self.template)
        self.templates_label = QLabel(self.tr("Templates the CA offers"), self)
        self.templates_label.setBuddy(self.templates)
        self.templates_label.hide()
        form.addRow(self.templates_label, self.templates)
        self.templates.activated.connect(self._template_chosen)
        self.auth = Choice(self)
        form.addRow(self.tr("Sign &in with:"), self.auth)
        self.user = QLineEdit(self)
        self.user.setPlaceholderText(self.tr("DOMAIN\\name"))
        form.addRow(self.tr("&User:"), self.user)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("kept in the keyring after it worked"))
        form.addRow(self.tr("Pass&word:"), self.password)
        self.form = form
        box.addLayout(form)
        self.send = action_button(self.tr("Send to the &company CA"), self, self.send_request)
        self.check = action_button(self.tr("Ask th&e CA again"), self, self.ask_again)
        self.check.hide()
        box.addWidget(ButtonRow(self, [self.send, self.check]))
        self.state = page.paragraph("", self)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state.hide()
        self.error = page.field_error(self)
        self.findings = FindingsView(self)
        self.findings.hide()
        for widget in (self.state, self.error, self.findings):
            box.addWidget(widget)
        self.result: CaEnrollResult | None = None
        # CA files trusted for the CA server's own TLS besides the session's (the GUI has no
        # --ca-file; company roots normally come from the OS store)
        self.extra_ca_files: list[Path] = []
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.auth.currentIndexChanged.connect(self._inputs_changed)
        for edit in (self.url, self.template, self.user):
            edit.textChanged.connect(self._inputs_changed)
        self._kind_changed()

    # --- inputs -------------------------------------------------------------------------------

    def _kind_changed(self) -> None:
        kind = CaKind(self.kind.currentData())
        self.auth.blockSignals(True)
        self.auth.clear()
        if kind is CaKind.ADCS:
            self.auth.addItem(self.tr("Kerberos (the logged-on user)"), Auth.NEGOTIATE.value)
            self.auth.addItem(self.tr("NTLM (user and password)"), Auth.NTLM.value)
            self.auth.addItem(self.tr("Basic (user and password)"), Auth.BASIC.value)
            self.url.setPlaceholderText("https://ca.example.com/certsrv")
        else:
            self.auth.addItem(self.tr("User and password (Basic)"), Auth.BASIC.value)
            self.auth.addItem(self.tr("The current certificate (renewal)"), Auth.CERTIFICATE.value)
            self.url.setPlaceholderText("https://est.example.com")
        self.auth.blockSignals(False)
        self._inputs_changed()

    def _inputs_changed(self) -> None:
        self.page.set_field_error(self.error, None)
        self._refresh_enabled(self.page.running)
        self._update_buttons()

    def settings(self) -> CaSettings:
        kind = CaKind(self.kind.currentData())
        auth = Auth(self.auth.currentData())
        return CaSettings(
            kind=kind,
            url=self.url.text().strip(),
            template=self.template.text().strip() or None if kind is CaKind.ADCS else None,
            auth=auth,
            user=self.user.text().strip() or None if auth in (Auth.NTLM, Auth.BASIC) else None,
            ca_files=tuple(Path(p) for p in [*self.page.session.ca_files, *self.extra_ca_files]),
        )

    def _update_buttons(self) -> None:
        kind = CaKind(self.kind.currentData())
        ready = bool(self.url.text().strip()) and (
            kind is CaKind.EST or bool(self.template.text().strip())
        )
        busy = self.page.running
        self.send.setEnabled(ready and not busy)
        self.check.setEnabled(not busy)

    # --- the profile ----------------------------------------------------------------------------

    def load(self, profile: Profile | None) -> None:
        """Show what the profile remembers: the CA's settings and a pending request."""
        self.result = None
        self.findings.hide()
        self.page.set_field_error(self.error, None)
        settings = CaSettings.of(profile) if profile is not None else None
        if settings is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(settings.kind.value)))
            self.url.setText(settings.url)
            self.template.setText(settings.template or "")
            self.auth.setCurrentIndex(max(0, self.auth.findData(settings.auth.value)))
            self.user.setText(settings.user or "")
        self.password.clear()
        self._show_pending(profile)

    def _show_pending(self, profile: Profile | None) -> None:
        note = waiting_request(self.page.session.store, profile) if profile is not None else None
        if note:
            self.state.setText(arg(self.tr("The request is %1."), from_core(note)))
        self.state.setVisible(bool(note))
        self.check.setVisible(bool(note))
        self.send.setVisible(not note)

    # --- the work -----------------------------------------------------------------------------

    def _password(self) -> str | None:
        return self.password.text() or None

    def send_request(self) -> None:
        if self.page.running:
            return
        self._started()
        session = self.page.session
        self.page.run(
            send_to_company_ca,
            session.store,
            session.secrets,
            session.name,
            self.settings(),
            self._password(),
            session.judge_roots,
            self.page.progress,
            busy=self.tr("Sending the request to the company CA…"),
            on_done=self._answered,
            on_error=self._refused,
        )

    def ask_again(self) -> None:
        if self.page.running:
            return
        self._started()
        session = self.page.session
        self.page.run(
            ask_company_ca_again,
            session.store,
            session.secrets,
            session.name,
            self._password(),
            session.judge_roots,
            self.page.progress,
            busy=self.tr("Asking the company CA…"),
            on_done=self._answered,
            on_error=self._refused,
        )

    def ask_templates(self) -> None:
        if self.page.running or not self.url.text().strip():
            return
        self._started()
        session = self.page.session
        self.page.run(
            list_company_ca_templates,
            self.settings(),
            session.secrets,
            session.name,
            self._password(),
            busy=self.tr("Asking the CA for its templates…"),
            on_done=self._templates_listed,
            on_error=self._refused,
        )

    def _templates_listed(self, found) -> None:
        self.templates.clear()
        for template in found:
            self.templates.addItem(f"{template.label} ({template.name})", template.name)
        self.templates.setVisible(bool(found))
        self.templates_label.setVisible(bool(found))
        if not found:
            self.page.set_field_error(
                self.error,
                self.tr(
                    "The CA's request page lists no templates for you: ask the CA "
                    "administrators for the template name and type it."
                ),
            )
        elif not self.template.text().strip():
            self._template_chosen(0)

    def _template_chosen(self, index: int) -> None:
        name = self.templates.itemData(index)
        if name:
            self.template.setText(name)

    def _started(self) -> None:
        self.page.set_field_error(self.error, None)
        self.findings.set_findings([])
        self.findings.hide()

    def _answered(self, result: CaEnrollResult) -> None:
        self.result = result
        self.page.session.set_profile(result.profile)
        self.password.clear()
        if result.outcome is CaOutcome.PENDING:
            self._show_pending(result.profile)
            title = (
                self.tr("Still waiting for the CA")
                if result.still_pending
                else self.tr("The CA keeps the request pending")
            )
            self.page.show_message(
                Severity.INFO,
                title,
                self.tr(
                    "An administrator must approve it. You can close the program: when you "
                    "resume this sender system, ask the CA again here."
                ),
            )
            self.page.reveal(self.state)
            return
        self._show_pending(result.profile)
        report = result.imported.report if result.imported else None
        leaf = report.leaf if report else None
        lines = []
        if leaf is not None:
            lines += [
                arg(self.tr("Issued to: %1"), leaf.subject.rfc4514_string()),
                arg(self.tr("Issued by: %1"), leaf.issuer.rfc4514_string()),
                arg(self.tr("Valid until: %1"), f"{leaf.not_valid_after_utc:%Y-%m-%d}"),
            ]
        self.state.setText("\n".join(lines))
        self.state.setVisible(bool(lines))
        findings = report.findings if report else ()
        self.findings.set_findings([(_severity(f), f.message) for f in findings])
        self.findings.setVisible(bool(findings))
        self.page.show_message(
            Severity.OK,
            self.tr("The company CA issued the certificate"),
            self.tr("The certificate and its chain are stored in the profile. Next shows them."),
        )
        self.page.reveal(self.state)

    def _refused(self, exc: WizardError) -> None:
        report = getattr(exc, "report", None)
        if report is not None:
            self.findings.set_findings([(_severity(f), f.message) for f in report.findings])
            self.findings.show()
        self.page.set_field_error(self.error, from_core(exc.message))
        profile = self.page.session.profile
        if profile is not None and exc.code == "ca_enroll.denied":
            self.page.session.set_profile(self.page.session.store.load(profile.name))
            self._show_pending(self.page.session.profile)
        self.page.reveal(self.error)

    def set_busy(self, busy: bool) -> None:
        """The page's work_started/work_finished: inputs off while a worker runs."""
        for widget in (self.kind, self.url, self.auth):
            widget.setEnabled(not busy)
        self._refresh_enabled(busy)
        self._update_buttons()

    def _refresh_enabled(self, busy: bool = False) -> None:
        kind = CaKind(self.kind.currentData())
        auth = Auth(self.auth.currentData() or Auth.NEGOTIATE.value)
        self.template.setEnabled(kind is CaKind.ADCS and not busy)
        self.list_templates.setEnabled(kind is CaKind.ADCS and not busy)
        self.templates.setEnabled(kind is CaKind.ADCS and not busy)
        if kind is not CaKind.ADCS:
            self.templates.hide()
            self.templates_label.hide()
        needs_user = auth in (Auth.NTLM, Auth.BASIC)
        self.user.setEnabled(needs_user and not busy)
        self.password.setEnabled(needs_user and not busy)


def _severity(finding) -> Severity:
    return Severity.ERROR if str(finding.severity) == "error" else Severity.WARNING

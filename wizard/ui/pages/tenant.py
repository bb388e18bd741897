"""Page 1: the sender system's profile name and the tenant it calls (URL or host, environment)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit

from wizard.core.error_codes import in_area
from wizard.core.errors import WizardError
from wizard.core.flow import Step, check_tenant_url
from wizard.core.profiles import Profile, ProfileStore, validate_profile_name
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import arg, from_core, translate
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.choice import Choice

ENVIRONMENTS = ("", "neo", "cf")


def detect_environment(host: str) -> str | None:
    """Neo or Cloud Foundry from the host name alone (None when it cannot tell)."""
    from wizard.core.fetch_root import detect_environment as detect

    found = detect(host)
    return found.value if found else None


def save_tenant(
    store: ProfileStore, name: str, url: str, environment: str | None, *, new: bool
) -> Profile:
    """Worker: create the profile (refused if the name is taken) and record the tenant."""
    from wizard.core.fetch_root import ROOT_FILES
    from wizard.core.tlsprobe import parse_target

    target = parse_target(url)
    profile = store.create(name) if new else store.load(name)
    if not new and (profile.tenant_host, profile.tenant_port) != (target.host, target.port):
        # another tenant: the old one's root must not be taken for this one's (nor resumed past)
        for artefact in ROOT_FILES:
            store.remove_artefact(name, artefact)
        profile.tenant_root_sha256 = None
        profile.tenant_root_subject = None
    profile.tenant_url = target.url or f"https://{target.address}"
    profile.tenant_host = target.host
    profile.tenant_port = target.port
    profile.environment = environment or detect_environment(target.host) or profile.environment
    return store.save(profile)


class TenantPage(Page):
    step = Step.TENANT

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.intro = self.paragraph(
            self.tr(
                "Name the sender system (the system that will call the tenant) and paste the "
                "endpoint URL of the integration flow, or just the tenant's runtime host."
            ),
            self,
        )
        self.body.addWidget(self.intro)
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("for example ERP-PRD"))
        self.name.setMaxLength(64)
        self.name_error = self.field_error(self, reserve=2)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText(
            "https://<subdomain>.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders"
        )
        self.url_error = self.field_error(self, reserve=3)
        self.url_warning = self.field_error(
            self, Severity.WARNING, beside=self.url_error
        )  # not the runtime endpoint
        # the room under each input fits its longest error in this language at this width
        self.name_error.slot.samples = self._name_samples
        self.url_error.slot.samples = self._url_samples
        self.environment = Choice(self)
        self.environment.addItems(
            [self.tr("Detect from the host"), self.tr("Neo"), self.tr("Cloud Foundry")]
        )
        self.detected = QLabel(self)
        self.detected.setWordWrap(True)
        self.name_label = QLabel(self.tr("&Profile name:"), self)
        self.name_label.setBuddy(self.name)
        url_label = QLabel(self.tr("&Endpoint URL or host:"), self)
        url_label.setBuddy(self.url)
        env_label = QLabel(self.tr("En&vironment:"), self)
        env_label.setBuddy(self.environment)
        form.addRow(self.name_label, self.name)
        form.addRow("", self.name_error.slot)
        form.addRow(url_label, self.url)
        form.addRow("", self.url_error.slot)
        form.addRow(env_label, self.environment)
        form.addRow("", self.detected)
        self.body.addLayout(form)
        self.sandbox_note = self.paragraph(
            self.tr(
                "This is the sandbox tenant: it runs inside this program on 127.0.0.1 and "
                "behaves like a Neo tenant, with its own demo CA. Nothing leaves this computer."
            ),
            self,
        )
        self.body.addWidget(self.sandbox_note)
        self.body.addStretch(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._check_inputs)
        for edit in (self.name, self.url):
            edit.textChanged.connect(self._timer.start)
            edit.textChanged.connect(self.completeChanged)
        self.environment.currentIndexChanged.connect(self._check_inputs)
        self._touched = False

    def initializePage(self) -> None:
        profile = self.session.profile
        prefill = self.session.prefill
        self._touched = False
        if profile is not None:
            self.name.setText(profile.name)
            self.url.setText(profile.tenant_url or "")
            self.environment.setCurrentIndex(ENVIRONMENTS.index(profile.environment or ""))
        elif prefill:
            self.name.setText(prefill.get("profile", ""))
            self.url.setText(prefill.get("url", ""))
            self.environment.setCurrentIndex(ENVIRONMENTS.index(prefill.get("environment", "")))
        # A profile's name is its folder: fixed once it exists.
        self.name.setReadOnly(profile is not None)
        self.sandbox_note.setVisible(bool(prefill) or self.session.is_sandbox_profile)
        self._check_inputs()
        self.name.setFocus() if profile is None else self.url.setFocus()

    # Typical inputs (a full-length name, a long host) that bring up each error of the input.
    SAMPLE_NAME = ("ERP-PRD-" * 8)[:63]
    SAMPLE_HOST = "my-subdomain.it-cpi018.cfapps.eu10-003.hana.ondemand.com"

    def _name_samples(self) -> list[str]:
        found = [self.tr("Give the profile a name.")]
        for name in (self.SAMPLE_NAME + " ", self.SAMPLE_NAME + ".", "COM1." + self.SAMPLE_NAME):
            try:
                validate_profile_name(name[:64])
            except WizardError as exc:
                found.append(from_core(exc.message))
        return found

    def _url_samples(self) -> list[str]:
        found = [self.tr("Paste the endpoint URL or the host.")]
        host = self.SAMPLE_HOST
        for text in (
            "htp:/not a url",
            f"http://{host}/http/orders",
            f"https://{host}/http/orders",
            f"ftp://{host}",
            f"https://[{host}",
        ):
            problem = self._url_problem(text)
            if problem:
                found.append(problem)
        for text in (f"https://{host}", "https://p0123456789tmn-tmn.hci.eu1.hana.ondemand.com"):
            checked = check_tenant_url(text)
            if checked.warning:
                found.append(translate("flow", checked.warning).format(host=checked.host))
        return found

    def _name_problem(self) -> str | None:
        name = self.name.text()
        if not name:
            return self.tr("Give the profile a name.") if self._touched else None
        if self.session.profile is None:
            try:
                validate_profile_name(name)
            except WizardError as exc:
                return from_core(exc.message)
        return None

    def _url_problem(self, typed: str | None = None) -> str | None:
        from wizard.core.tlsprobe import parse_target

        text = (self.url.text() if typed is None else typed).strip()
        if not text:
            return self.tr("Paste the endpoint URL or the host.") if self._touched else None
        checked = check_tenant_url(text)
        if checked.problem:
            return translate("flow", checked.problem)
        try:
            parse_target(text)
        except WizardError as exc:
            return from_core(exc.message)
        return None

    def _check_inputs(self) -> None:
        self.set_field_error(self.name_error, self._name_problem())
        self.set_field_error(self.url_error, self._url_problem())
        self._show_detected()
        self.completeChanged.emit()

    def _show_detected(self) -> None:
        from wizard.core.tlsprobe import parse_target

        try:
            host = parse_target(self.url.text()).host
        except WizardError:
            self.detected.clear()
            self.set_field_error(self.url_warning, None)
            return
        found = detect_environment(host)
        label = {"neo": self.tr("Neo"), "cf": self.tr("Cloud Foundry")}
        chosen = self.chosen_environment()
        warning = check_tenant_url(self.url.text()).warning
        self.set_field_error(
            self.url_warning, translate("flow", warning).format(host=host) if warning else None
        )
        if chosen and found and chosen != found:
            self.detected.setText(
                arg(self.tr("Note: the host looks like %1, not %2."), label[found], label[chosen])
            )
        elif chosen:
            self.detected.clear()
        elif found:
            self.detected.setText(arg(self.tr("Detected from the host: %1."), label[found]))
        else:
            self.detected.setText(
                self.tr(
                    "The host does not tell; fetching the tenant's root on the next page "
                    "may, or choose it here."
                )
            )

    def chosen_environment(self) -> str | None:
        return ENVIRONMENTS[self.environment.currentIndex()] or None

    def unsaved(self) -> bool:
        profile = self.session.profile
        if profile is None:
            return bool(self.name.isModified() or self.url.isModified())
        return self.url.isModified() and self.url.text().strip() != (profile.tenant_url or "")

    def ready(self) -> bool:
        return (
            bool(self.name.text() and self.url.text().strip())
            and self._name_problem() is None
            and self._url_problem() is None
        )

    def validatePage(self) -> bool:
        self._touched = True
        if not self._advance and not self.ready():
            self._check_inputs()
            return False
        return self.advance_after(
            save_tenant,
            self.session.store,
            self.name.text(),
            self.url.text().strip(),
            self.chosen_environment(),
            new=self.session.profile is None,
            busy=self.tr("Saving the profile…"),
            on_done=self._saved,
            on_error=self._save_failed,
        )

    def _saved(self, profile: Profile) -> None:
        self.session.set_profile(profile)

    def _save_failed(self, exc: WizardError) -> None:
        if in_area(exc.code, "profile"):
            self.set_field_error(self.name_error, from_core(exc.message))
        elif in_area(exc.code, "target"):
            self.set_field_error(self.url_error, from_core(exc.message))
        else:
            self.show_error(exc)

    def work_started(self) -> None:
        for widget in (self.name, self.url, self.environment):
            widget.setEnabled(False)

    def work_finished(self) -> None:
        for widget in (self.name, self.url, self.environment):
            widget.setEnabled(True)

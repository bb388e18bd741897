"""Page 7: what the tenant needs: the Neo mapping or the Cloud Foundry service key, a checklist.

The entry is prepared by core (wizard.core.mapping) on a worker and its files are written into
the profile; Copy buttons hand each text over; the remaining clicks in the tenant are a checklist
the user ticks. Neo mappings can be published through the tenant's API; the sandbox tenant can
be set up with one click. The second, not recommended option puts the certificate into the
integration flow's sender channel instead (client.crt and its DNs; every renewal needs a redeploy).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from wizard.core.errors import WizardError
from wizard.core.flow import Step
from wizard.core.profiles import Artefact, Profile, ProfileStore
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import CLI_SPEAK, arg, from_core
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.button_row import ButtonRow, action_button
from wizard.ui.widgets.choice import Choice
from wizard.ui.widgets.copyable import CopyableText
from wizard.ui.widgets.findings import FindingsView
from wizard.ui.widgets.wrap_label import WrapLabel

ENVIRONMENTS = ("neo", "cf")
OPTIONS = ("entry", "flow")  # recommended: mapping / service key; second: certificate in the flow


@dataclass(frozen=True)
class Prepared:
    profile: Profile
    entry: object  # wizard.core.mapping.TenantEntry
    files: dict[str, Path]


def prepare_entry(
    store: ProfileStore,
    name: str,
    *,
    environment: str,
    user: str | None,
    roles: list[str],
    instance: str | None,
    key_name: str | None,
) -> Prepared:
    """Worker: build the tenant entry, write its files into the profile, record it (MAPPED):
    the same core calls as `cpi-cert-wizard mapping`, validated before the first write."""
    from wizard.core import mapping

    profile, env, leaf = _profile_and_leaf(store, name, environment)
    entry = mapping.build_tenant_entry(
        profile,
        leaf,
        environment=env,
        user=user if env is mapping.Environment.NEO else None,
        roles=roles,
        instance=instance,
        key_name=key_name,
    )
    stored = mapping.store_tenant_entry(store, profile, entry)
    files = {artefact.value: path for artefact, path in stored.files.items()}
    profile = stored.profile
    return Prepared(profile=profile, entry=entry, files=files)


def prepare_flow_certificate(store: ProfileStore, name: str, *, environment: str) -> Prepared:
    """Worker: the second, not recommended option: client.crt and its DNs for the integration
    flow's sender channel, as `cpi-cert-wizard mapping --flow-certificate` writes them."""
    from wizard.core import mapping

    profile, env, leaf = _profile_and_leaf(store, name, environment)
    entry = mapping.build_flow_certificate(profile, leaf, environment=env)
    stored = mapping.store_flow_certificate(store, profile, entry)
    files = {artefact.value: path for artefact, path in stored.files.items()}
    return Prepared(profile=stored.profile, entry=entry, files=files)


def _profile_and_leaf(store: ProfileStore, name: str, environment: str):
    from wizard.core import mapping

    profile = store.load(name)
    env = mapping.parse_environment(environment, profile)
    chain_path = store.path(name, Artefact.CHAIN)
    leaf = mapping.leaf_of_profile(
        profile, store.read_artefact(name, Artefact.CHAIN), source=str(chain_path)
    )
    return profile, env, leaf


def map_in_sandbox(running, entry) -> tuple[str, ...]:
    """Worker: do in the sandbox tenant what an administrator does in a real one."""
    sandbox = running.sandbox
    sandbox.map_certificate(entry.leaf.pem.encode("ascii"), entry.neo.user)
    granted: tuple[str, ...] = ()
    for role in entry.roles:
        granted = sandbox.grant(entry.neo.user, role)
    return granted


def publish(tmn: str, entry, api_user: str, secret: str):
    """Worker: POST the mapping to the Neo tenant's API (CSRF token, read-back)."""
    from wizard.core.neo_api import AuthMethod, TenantApiLogin, publish_mapping

    return publish_mapping(tmn, entry.neo, TenantApiLogin(AuthMethod.BASIC, api_user, secret))


class TenantEntryPage(Page):
    step = Step.TENANT_ENTRY

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.prepared: Prepared | None = None
        self.mapped_in_sandbox = False
        self.ticks: dict[str, QCheckBox] = {}
        self.intro = self.paragraph("", self)
        self.body.addWidget(self.intro)

        form = QFormLayout()
        self.environment = Choice(self)
        self.environment.addItems([self.tr("Neo"), self.tr("Cloud Foundry")])
        env_label = QLabel(self.tr("En&vironment:"), self)
        env_label.setBuddy(self.environment)
        self.option = Choice(self)
        self.option.addItems(
            [
                self.tr("Certificate-to-User Mapping or service key (recommended)"),
                self.tr(
                    "Certificate in the integration flow (not recommended: every renewal needs "
                    "a redeploy)"
                ),
            ]
        )
        option_label = QLabel(self.tr("&How the tenant checks the certificate:"), self)
        option_label.setBuddy(self.option)
        self.user = QLineEdit(self)
        self.user.setMaxLength(150)
        self.user_label = QLabel(self.tr("&User the certificate maps to:"), self)
        self.user_label.setBuddy(self.user)
        self.roles = QLineEdit(self)
        self.roles_label = QLabel(self.tr("&Roles of the sender channel:"), self)
        self.roles_label.setBuddy(self.roles)
        self.instance = QLineEdit(self)
        self.instance_label = QLabel(self.tr("Service &instance:"), self)
        self.instance_label.setBuddy(self.instance)
        self.key_name = QLineEdit(self)
        self.key_label = QLabel(self.tr("Service &key name:"), self)
        self.key_label.setBuddy(self.key_name)
        # The wizard's Cloud Foundry key is always of type External Certificate
        # (certificate_external): SAP documents no validity for it, so none is asked for.
        self.validity_label = QLabel(self.tr("Key validity:"), self)
        self.validity_note = WrapLabel(
            self.tr(
                "Not set for an External Certificate service key: SAP documents a validity only "
                "for keys SAP generates; this key is valid as long as the certificate itself."
            ),
            self,
        )
        self.input_error = self.field_error(self)
        form.addRow(env_label, self.environment)
        form.addRow(option_label, self.option)
        form.addRow(self.user_label, self.user)
        form.addRow(self.roles_label, self.roles)
        form.addRow(self.instance_label, self.instance)
        form.addRow(self.key_label, self.key_name)
        form.addRow(self.validity_label, self.validity_note)
        form.addRow("", self.input_error)
        self.body.addLayout(form)
        self.prepare_button = action_button(self.tr("Up&date"), self, self.prepare)
        self.sandbox_button = action_button(
            self.tr("Do it in the &sandbox tenant"), self, self.do_in_sandbox
        )
        self.body.addWidget(ButtonRow(self, [self.prepare_button, self.sandbox_button]))

        self.text_label = WrapLabel("", self)
        self.text = CopyableText(self, lines=5)
        self.text_label.setBuddy(self.text.edit)
        self.body.addWidget(self.text_label)
        self.body.addWidget(self.text)
        self.second_label = WrapLabel("", self)
        self.second = CopyableText(self, lines=3)
        self.second_label.setBuddy(self.second.edit)
        self.body.addWidget(self.second_label)
        self.body.addWidget(self.second)
        self.warnings = FindingsView(self)
        self.body.addWidget(self.warnings)
        self.checklist_box = QGroupBox(self.tr("Checklist: tick what you have done"), self)
        self.checklist = QGridLayout(self.checklist_box)
        self.body.addWidget(self.checklist_box)

        self.publish_box = QGroupBox(self.tr("Publish through the tenant's API (optional)"), self)
        publish_form = QFormLayout(self.publish_box)
        self.tmn = QLineEdit(self.publish_box)
        self.tmn.setPlaceholderText("https://<account>-tmn.hci.<region>.hana.ondemand.com")
        self.api_user = QLineEdit(self.publish_box)
        self.api_secret = QLineEdit(self.publish_box)
        self.api_secret.setEchoMode(QLineEdit.EchoMode.Password)
        for label_text, widget in (
            (self.tr("&Management host:"), self.tmn),
            (self.tr("API u&ser:"), self.api_user),
            (self.tr("API pass&word:"), self.api_secret),
        ):
            label = QLabel(label_text, self.publish_box)
            label.setBuddy(widget)
            publish_form.addRow(label, widget)
        self.publish_button = action_button(self.tr("&Publish"), self.publish_box, self.publish)
        publish_form.addRow("", self.publish_button)
        self.body.addWidget(self.publish_box)
        self.body.addStretch(1)
        self.environment.currentIndexChanged.connect(self._environment_changed)
        self.option.currentIndexChanged.connect(self._environment_changed)
        self._loaded_for: str | None = None
        self._show(None)

    # --- entering ---

    def initializePage(self) -> None:
        profile = self.session.profile
        if profile is None:
            return
        if self._loaded_for != f"{profile.name}/{profile.leaf_sha256}":
            self._loaded_for = f"{profile.name}/{profile.leaf_sha256}"
            self.prepared = None
            self.mapped_in_sandbox = False
            self.environment.blockSignals(True)
            self.environment.setCurrentIndex(ENVIRONMENTS.index(profile.environment or "neo"))
            self.environment.blockSignals(False)
            self.option.blockSignals(True)
            self.option.setCurrentIndex(OPTIONS.index("entry"))  # the recommended one first
            self.option.blockSignals(False)
            self.user.setText(
                profile.mapping_user or self.session.prefill.get("user") or profile.name
            )
            self.roles.setText(", ".join(profile.mapping_roles) or "ESBMessaging.send")
            self.instance.clear()
            self.key_name.clear()
            self._show(None)
        self.sandbox_button.setVisible(self.session.is_sandbox_profile)
        self._environment_changed(prepare=False)
        self.prepare()

    def env(self) -> str:
        return ENVIRONMENTS[self.environment.currentIndex()]

    def in_flow(self) -> bool:
        """The second option: the certificate goes into the integration flow's sender channel."""
        return OPTIONS[self.option.currentIndex()] == "flow"

    def _environment_changed(self, *_args, prepare: bool = True) -> None:
        neo = self.env() == "neo"
        flow = self.in_flow()
        for widget in (self.user, self.user_label):
            widget.setVisible(neo and not flow)
        for widget in (self.roles, self.roles_label):
            widget.setVisible(not flow)
        for widget in (
            self.instance,
            self.instance_label,
            self.key_name,
            self.key_label,
            self.validity_note,
            self.validity_label,
        ):
            widget.setVisible(not neo and not flow)
        self.publish_box.setVisible(neo and not flow and not self.session.is_sandbox_profile)
        self.sandbox_button.setVisible(self.session.is_sandbox_profile and not flow)
        if flow:
            self.intro.setText(
                self.tr(
                    "Second option, not recommended: the integration flow's sender channel "
                    "checks the certificate itself (Authorization = Client Certificate). Upload "
                    "client.crt there or type its Subject DN and Issuer DN, then deploy the "
                    "flow. Every renewal means editing and redeploying the flow."
                )
            )
        elif neo:
            self.intro.setText(
                self.tr(
                    "Neo: upload the client certificate in Certificate-to-User Mappings with a "
                    "user name (any name), then give that user the sender channel's role."
                )
            )
        else:
            self.intro.setText(
                self.tr(
                    "Cloud Foundry: a Process Integration Runtime instance (plan integration-"
                    "flow) holds the roles; a service key of type External Certificate holds "
                    "the leaf certificate. The key's client id becomes the user."
                )
            )
        if prepare:
            self.prepare()

    # --- preparing ---

    def prepare(self) -> None:
        if self.session.profile is None:
            return
        roles = [r.strip() for r in self.roles.text().replace(";", ",").split(",") if r.strip()]
        self.set_field_error(self.input_error, None)
        if self.in_flow():
            self.run(
                prepare_flow_certificate,
                self.session.store,
                self.session.name,
                environment=self.env(),
                busy=self.tr("Preparing the certificate for the integration flow…"),
                on_done=self._prepared,
                on_error=self._prepare_failed,
            )
            return
        self.run(
            prepare_entry,
            self.session.store,
            self.session.name,
            environment=self.env(),
            user=self.user.text() if self.env() == "neo" else None,
            roles=roles,
            instance=self.instance.text().strip() or None,
            key_name=self.key_name.text().strip() or None,
            busy=self.tr("Preparing the tenant entry…"),
            on_done=self._prepared,
            on_error=self._prepare_failed,
        )

    def _prepared(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.session.set_profile(prepared.profile)
        self._show(prepared)

    def _prepare_failed(self, exc: WizardError) -> None:
        self.set_field_error(self.input_error, from_core(exc.message))

    def _show(self, prepared: Prepared | None) -> None:
        widgets = (self.text_label, self.text, self.second_label, self.second, self.checklist_box)
        for widget in widgets:
            widget.setVisible(prepared is not None)
        self.warnings.set_findings([])
        if prepared is None:
            return
        entry = prepared.entry
        notes = []
        if getattr(entry, "subject_dn", None) is not None:  # the certificate in the flow
            self.text_label.setText(self.tr("Sub&ject DN to type into the sender channel:"))
            self.text.set_text(entry.subject_dn)
            self.second_label.setText(self.tr("&Issuer DN:"))
            self.second.set_text(entry.issuer_dn)
            notes.append(
                (
                    Severity.INFO,
                    arg(
                        self.tr(
                            "Or upload this file in the sender channel (Authorization = Client "
                            "Certificate → Add → Select): %1"
                        ),
                        str(prepared.files[Artefact.FLOW_CRT.value]),
                    ),
                )
            )
        elif entry.neo is not None:
            self.text_label.setText(
                arg(
                    self.tr("B&ody for the mapping API (the tenant will show Id %1):"),
                    entry.neo.entity_id,
                )
            )
            self.text.set_text(entry.neo.body_json)
            self.second_label.setText(self.tr("Certificate &file to upload:"))
            self.second.set_text(str(prepared.files[Artefact.LEAF_CER.value]))
        else:
            self.text_label.setText(self.tr("Service key &parameters (External Certificate):"))
            self.text.set_text(entry.cf.service_key_json)
            self.second_label.setText(self.tr("cf &commands (run them in the profile folder):"))
            self.second.set_text(
                "\n".join(
                    [
                        f"cd {self.session.store.folder(self.session.name)}",
                        entry.cf.create_service_command,
                        entry.cf.create_service_key_command,
                    ]
                )
            )
        notes += [(Severity.WARNING, from_core(w)) for w in entry.warnings]
        if entry.renewal is not None:
            notes.insert(0, (Severity.INFO, from_core(entry.renewal.text)))
        self.warnings.set_findings(notes)
        self._fill_checklist(entry.checklist)

    def _fill_checklist(self, steps) -> None:
        ticked = {key for key, box in self.ticks.items() if box.isChecked()}
        while self.checklist.count():
            item = self.checklist.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.ticks = {}
        for number, step in enumerate(steps, 1):
            box = QCheckBox(str(number), self.checklist_box)
            box.setChecked(step.id in ticked)
            text = from_core(step.text)
            if step.id == "test":  # the window's own words: the next page makes the call
                text = self.tr("Make the test call on the next page (Test call).") + (
                    f" {text}" if text != step.text else ""
                )
            if step.command and not CLI_SPEAK.search(step.command):
                text += f"\n$ {step.command}"
            label = WrapLabel(text, self.checklist_box)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setBuddy(box)
            box.setAccessibleDescription(step.text)
            self.checklist.addWidget(box, number, 0, Qt.AlignmentFlag.AlignTop)
            self.checklist.addWidget(label, number, 1)
            self.ticks[step.id] = box
        self.checklist.setColumnStretch(1, 1)

    def tick(self, prefix: str) -> None:
        for key, box in self.ticks.items():
            if key.startswith(prefix):
                box.setChecked(True)

    # --- the sandbox and the API ---

    def do_in_sandbox(self) -> None:
        if (
            self.prepared is None
            or self.session.sandbox is None
            or getattr(self.prepared.entry, "neo", None) is None
        ):
            return
        self.run(
            map_in_sandbox,
            self.session.sandbox,
            self.prepared.entry,
            busy=self.tr("Mapping the certificate in the sandbox…"),
            on_done=self._mapped_in_sandbox,
        )

    def _mapped_in_sandbox(self, roles: tuple[str, ...]) -> None:
        self.mapped_in_sandbox = True
        self.tick("neo.upload")
        self.tick("neo.role.")
        self.tick("neo.custom_role.")
        self.tick("channel.role")
        self.show_message(
            Severity.OK,
            self.tr("The sandbox tenant knows the certificate"),
            arg(
                self.tr("Mapped to user %1 with the roles %2."),
                self.prepared.entry.neo.user if self.prepared else "",
                ", ".join(roles),
            ),
        )

    def publish(self) -> None:
        if self.prepared is None or getattr(self.prepared.entry, "neo", None) is None:
            return
        if not (self.tmn.text().strip() and self.api_user.text() and self.api_secret.text()):
            self.show_error(
                self.tr("Give the management host, the API user and its password to publish.")
            )
            return
        self.run(
            publish,
            self.tmn.text().strip(),
            self.prepared.entry,
            self.api_user.text(),
            self.api_secret.text(),
            busy=self.tr("Publishing the mapping…"),
            cancellable=True,
            on_done=self._published,
        )

    def _published(self, published) -> None:
        self.api_secret.clear()
        self.tick("neo.upload")
        self.show_message(
            Severity.OK,
            self.tr("Published"),
            arg(
                self.tr("The tenant stored the mapping with Id %1 for user %2."),
                published.id,
                published.user,
            ),
        )

    def work_started(self) -> None:
        for widget in self._inputs():
            widget.setEnabled(False)

    def work_finished(self) -> None:
        for widget in self._inputs():
            widget.setEnabled(True)

    def _inputs(self) -> list[QWidget]:
        return [
            self.environment,
            self.option,
            self.user,
            self.roles,
            self.instance,
            self.key_name,
            self.prepare_button,
            self.sandbox_button,
            self.publish_button,
        ]

    def ready(self) -> bool:
        return self.prepared is not None

    def enter_action(self):
        """In the sandbox, Enter first does there what an administrator does in a tenant."""
        neo = self.prepared is not None and getattr(self.prepared.entry, "neo", None) is not None
        if self.session.is_sandbox_profile and neo and not self.mapped_in_sandbox:
            return self.do_in_sandbox
        return None

    def unsaved(self) -> bool:
        return bool(self.api_secret.text())

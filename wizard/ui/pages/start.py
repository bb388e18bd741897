"""The start page: the sender systems, with New, Resume, Renew, Remove and the sandbox tour."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
)

from wizard.core.errors import WizardError
from wizard.core.flow import Expiry, ProfileRow, Step, profile_rows
from wizard.core.profiles import Profile, ProfileStore, State
from wizard.language import LANGUAGES, NATIVE_NAMES, language_setting, save_language_setting
from wizard.ui.pages.base import Page
from wizard.ui.session import Session, is_sandbox_host
from wizard.ui.text import arg, from_core
from wizard.ui.widgets.banner import Banner, Severity, severity_colour
from wizard.ui.widgets.icons import icon

SANDBOX_PROFILE = "sandbox-demo"


def remove_profile(store: ProfileStore, secrets, name: str) -> str:
    """Worker: the keyring entries first (they are invisible), then the folder."""
    secrets.delete_profile(name)
    store.remove(name)
    return name


def open_profile(session: Session, name: str) -> tuple[Profile, object | None]:
    """Worker: load the profile; a sandbox profile gets its sandbox started again, on the
    port it recorded when that port is free (else on a new one, and the profile follows)."""
    profile = session.store.load(name)
    folder = session.home / "sandbox"
    if session.sandbox is not None or not is_sandbox_host(profile) or not folder.is_dir():
        return profile, None
    from wizard.sandbox import Sandbox

    sandbox = Sandbox(folder)
    try:
        running = sandbox.start(port=profile.tenant_port or 0)
    except WizardError:
        running = sandbox.start(port=0)
    if running.port != profile.tenant_port:
        path = urlsplit(profile.tenant_url or "").path or "/http/demo"
        profile.tenant_url = running.url + path
        profile.tenant_port = running.port
        session.store.save(profile)
    return profile, running


def start_sandbox(session: Session) -> dict[str, str]:
    """Worker: start the sandbox tenant in-process (<home>/sandbox) and say what to pre-fill."""
    from wizard.sandbox import Sandbox

    sandbox = Sandbox(session.home / "sandbox")
    running = sandbox.start(port=0)
    taken = set(session.store.names())
    name, number = SANDBOX_PROFILE, 1
    while name in taken:
        number += 1
        name = f"{SANDBOX_PROFILE}-{number}"
    return {
        "running": running,  # type: ignore[dict-item]
        "profile": name,
        "url": running.endpoint_url(),
        "environment": "neo",
        "cn": f"{name}.example.com",
        "org": "Example Corp",
        "country": "DE",
        "user": "SANDBOX_SENDER",
    }


class StartPage(Page):
    step = Step.START
    rows_loaded = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.setSubTitle(
            self.tr(
                "Each sender system (an SAP system, a Java or .NET application, Postman…) gets a "
                "profile: its key, its certificate, and the tenant it calls."
            )
        )
        self.target: Step = Step.TENANT
        self.rows: list[ProfileRow] = []
        self.rows_loaded_once = False
        self.keyring_banner = Banner(self)
        self.body.addWidget(self.keyring_banner)

        self.list_label = QLabel(self.tr("&Sender systems:"), self)
        self.list = QTreeWidget(self)
        self.list_label.setBuddy(self.list)
        self.list.setHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Environment"),
                self.tr("Tenant host"),
                self.tr("Subject CN"),
                self.tr("State"),
                self.tr("Expires"),
            ]
        )
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setStretchLastSection(True)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.itemActivated.connect(lambda *_: self.resume())
        self.empty = self.paragraph(
            self.tr(
                "No sender systems yet. Start with a new one, or try the whole flow first with "
                "the sandbox tenant: it runs on this computer and needs no SAP account."
            ),
            self,
        )
        self.body.addWidget(self.list_label)
        self.body.addWidget(self.list, 1)
        self.body.addWidget(self.empty)

        self.new_button = QPushButton(self.tr("&New sender system"), self)
        self.resume_button = QPushButton(self.tr("&Resume"), self)
        self.renew_button = QPushButton(self.tr("Re&new"), self)
        self.remove_button = QPushButton(self.tr("Re&move…"), self)
        self.sandbox_button = QPushButton(self.tr("&Try it with the sandbox tenant"), self)
        self.sandbox_button.setIcon(icon("tenant"))
        self.renew_button.setToolTip(
            self.tr("A new key and request with the same subject, for a new certificate")
        )
        self.remove_button.setToolTip(
            self.tr("Deletes the profile's folder and its keyring entries")
        )
        row = QHBoxLayout()
        for button in (
            self.new_button,
            self.resume_button,
            self.renew_button,
            self.remove_button,
        ):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        self.sandbox_button.setAutoDefault(False)
        row.addWidget(self.sandbox_button)
        self.body.addLayout(row)
        self.new_button.clicked.connect(self.new)
        self.resume_button.clicked.connect(self.resume)
        self.renew_button.clicked.connect(self.renew)
        self.remove_button.clicked.connect(self.remove)
        self.sandbox_button.clicked.connect(self.try_sandbox)
        self._add_language_choice()
        session.keyring_checked.connect(self._keyring_checked)
        self._selection_changed()

    # --- the language (a setting; takes effect at the next start) ---

    def _add_language_choice(self) -> None:
        self.language_label = QLabel(self.tr("&Language:"), self)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        self.language_label.setBuddy(self.language)
        self.language.addItem(self.tr("System default"), None)
        for code in LANGUAGES:
            self.language.addItem(NATIVE_NAMES[code], code)
        chosen = language_setting(self.session.home)
        self.language.setCurrentIndex(max(0, self.language.findData(chosen)) if chosen else 0)
        self.language_note = QLabel(self)
        self.language_note.setWordWrap(True)
        self.language_note.hide()
        row = QHBoxLayout()
        row.addWidget(self.language_label)
        row.addWidget(self.language)
        row.addWidget(self.language_note, 1)
        self.body.addLayout(row)
        self.language.currentIndexChanged.connect(self._language_chosen)

    def _language_chosen(self) -> None:
        try:
            save_language_setting(self.session.home, self.language.currentData())
        except WizardError as exc:
            self.show_error(exc)
            return
        self.language_note.setText(
            self.tr("Saved. The new language is used the next time the wizard starts.")
        )
        self.language_note.show()

    # --- the list ---

    def refresh(self) -> None:
        """Reload the list (a worker reads the profiles)."""
        self.run(
            profile_rows,
            self.session.store,
            busy=self.tr("Reading the profiles…"),
            on_done=self._show_rows,
        )

    def _show_rows(self, rows: list[ProfileRow]) -> None:
        selected = self.selected_name()
        self.rows = rows
        self.list.clear()
        for row in rows:
            expires = row.not_after.strftime("%Y-%m-%d") if row.not_after else "—"
            if row.expiry is Expiry.EXPIRED:
                expires = arg(self.tr("%1 (expired)"), expires)
            elif row.days_left is not None and row.expiry is Expiry.DUE:
                expires = arg(self.tr("%1 (%2)"), expires, self._days(row.days_left))
            item = QTreeWidgetItem(
                [
                    row.name,
                    {"neo": self.tr("Neo"), "cf": self.tr("Cloud Foundry")}.get(
                        row.environment or "", "—"
                    ),
                    row.tenant_host or "—",
                    row.subject_cn or "—",
                    self.state_text(row.state),
                    expires,
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.name)
            if row.problem:  # profile.json cannot be read: say why, offer only Remove
                item.setText(4, self.tr("cannot be read"))
                item.setIcon(4, icon("error"))
                for column in range(6):
                    item.setToolTip(column, from_core(row.problem))
            severity = {Expiry.EXPIRED: Severity.ERROR, Expiry.DUE: Severity.WARNING}.get(
                row.expiry
            )
            if severity is not None:
                item.setForeground(5, QBrush(severity_colour(self.palette(), severity)))
                item.setIcon(5, icon(str(severity)))
            item.setIcon(0, icon("certificate" if row.not_after else "key"))
            self.list.addTopLevelItem(item)
            if row.name == selected:
                item.setSelected(True)
        if rows and not self.list.selectedItems():
            self.list.topLevelItem(0).setSelected(True)
        has_rows = bool(rows)
        self.list.setVisible(has_rows)
        self.list_label.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        self._selection_changed()
        self.rows_loaded_once = True
        self.rows_loaded.emit()

    def _days(self, days: int) -> str:
        return self.tr("%n day(s) left", "", days)

    def state_text(self, state: State) -> str:
        return {
            State.NEW: self.tr("new"),
            State.KEY_GENERATED: self.tr("waiting for the CA"),
            State.CERTIFICATE_IMPORTED: self.tr("certificate imported"),
            State.MAPPED: self.tr("entered in the tenant"),
            State.TESTED: self.tr("tested"),
        }[state]

    def selected_name(self) -> str | None:
        items = self.list.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def selected_row(self) -> ProfileRow | None:
        name = self.selected_name()
        return next((r for r in self.rows if r.name == name), None)

    def select(self, name: str) -> None:
        for index in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(index)
            item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) == name)

    def _selection_changed(self) -> None:
        row = self.selected_row()
        busy = self.running or not self.steps_ready()
        usable = row is not None and not row.problem
        self.resume_button.setEnabled(usable and not busy)
        self.renew_button.setEnabled(usable and row.state is not State.NEW and not busy)
        self.remove_button.setEnabled(row is not None and not busy)
        self.new_button.setEnabled(not busy)
        self.sandbox_button.setEnabled(not busy and self.session.sandbox is None)

    def steps_ready(self) -> bool:
        wizard = self.wizard()
        return wizard is not None and getattr(wizard, "ready", False)

    def ready(self) -> bool:
        return self.steps_ready()

    def initializePage(self) -> None:
        wizard = self.wizard()
        if wizard is not None and not wizard.ready:
            wizard.pages_ready.connect(self._steps_added, Qt.ConnectionType.SingleShotConnection)

    def _steps_added(self) -> None:
        self._selection_changed()
        self.completeChanged.emit()

    def work_started(self) -> None:
        self._selection_changed()

    def work_finished(self) -> None:
        self._selection_changed()

    def _keyring_checked(self, available: bool, name: str) -> None:
        if available:
            self.keyring_banner.clear()
            return
        self.keyring_banner.show_message(
            Severity.WARNING,
            self.tr("No keyring: secrets are not stored"),
            self.tr(
                "No usable OS keyring was found (on Linux a SecretService such as GNOME Keyring "
                "or KWallet, unlocked). The wizard will ask you for the key passphrase and the "
                "PKCS#12 password when it needs them; keep them somewhere safe."
            ),
        )

    # --- actions ---

    def nextId(self) -> int:
        return int(self.target)

    def validatePage(self) -> bool:
        # Next on this page: resume the selected profile, or start a new one.
        if self._advance:
            self._advance = False
            return True
        if self.running:
            return False
        row = self.selected_row()
        if row is not None and row.problem:
            self.show_error(from_core(row.problem))
        elif row is not None:
            self.resume()
        else:
            self.new()
        return False

    def _go(self, target: Step) -> None:
        self.target = target
        self._advance = True
        self.wizard().next()
        self._advance = False

    def new(self) -> None:
        self.session.renew = False
        self.session.prefill = {}
        self.session.set_profile(None)
        self._go(Step.TENANT)

    def resume(self) -> None:
        row = self.selected_row()
        if row is None or row.problem or self.running:
            return
        self.session.renew = False
        self.session.prefill = {}
        self._open(row.name, row.resume)

    def renew(self) -> None:
        row = self.selected_row()
        if row is None or row.problem or self.running:
            return
        self.session.renew = True
        self.session.prefill = {}
        self._open(row.name, Step.KEY)

    def _open(self, name: str, target: Step) -> None:
        def opened(answer: tuple[Profile, object | None]) -> None:
            profile, running = answer
            if running is not None:
                self.session.sandbox = running
            self.session.set_profile(profile)
            self._selection_changed()
            self._go(target)

        self.run(
            open_profile,
            self.session,
            name,
            busy=arg(self.tr("Opening %1…"), name),
            on_done=opened,
        )

    def remove(self) -> None:
        name = self.selected_name()
        if name is None or self.running:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remove sender system"),
            arg(
                self.tr(
                    "Remove the profile %1? Its folder (key, certificate, PKCS#12 and the other "
                    "files) and its keyring entries are deleted. Copies you gave to the sender "
                    "system or the tenant are not touched."
                ),
                name,
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.run(
            remove_profile,
            self.session.store,
            self.session.secrets,
            name,
            busy=arg(self.tr("Removing %1…"), name),
            on_done=lambda _name: self.refresh(),
        )

    def try_sandbox(self) -> None:
        if self.running or self.session.sandbox is not None:
            return

        def started(prefill: dict) -> None:
            running = prefill.pop("running")
            self.session.sandbox = running
            self.session.prefill = dict(prefill)
            self.session.renew = False
            self.session.set_profile(None)
            self._selection_changed()
            self._go(Step.TENANT)

        self.run(
            start_sandbox,
            self.session,
            busy=self.tr("Starting the sandbox tenant…"),
            on_done=started,
        )

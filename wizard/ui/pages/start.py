"""The start page: the sender systems, with New, Resume, Renew, Remove and the sandbox tour."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
)

from wizard.core.errors import WizardError
from wizard.core.flow import Expiry, ProfileRow, Step, profile_rows
from wizard.core.profiles import HAS_CERTIFICATE, Profile, ProfileStore, State
from wizard.language import LANGUAGES, NATIVE_NAMES, language_setting, save_language_setting
from wizard.ui import workers
from wizard.ui.pages.base import Page
from wizard.ui.pages.start_shell import start_subtitle
from wizard.ui.session import Session, is_sandbox_host
from wizard.ui.text import arg, downloads_folder, from_core
from wizard.ui.widgets.banner import Banner, Severity
from wizard.ui.widgets.button_row import ButtonRow
from wizard.ui.widgets.choice import Choice
from wizard.ui.widgets.icons import icon
from wizard.ui.widgets.profile_table import (
    NAME_ROLE,
    Column,
    ProfileFilter,
    ProfileListView,
    ProfileTableModel,
    RowTexts,
)
from wizard.ui.widgets.wrap_label import WrapLabel

SANDBOX_PROFILE = "sandbox-demo"
CHUNK = 100  # profiles per worker job: each answer is one short turn of the GUI thread
PAINT_WAIT_MS = 100  # the next chunk at the latest this long after the last, painted or not


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
    if session.sandbox is not None or not folder.is_dir() or not made_by_sandbox(folder, profile):
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


def leaf_details(store: ProfileStore, name: str):
    """Worker: the details of the profile's certificate (the leaf of its stored chain)."""
    from wizard.core.certinfo import certificate_details
    from wizard.core.enrollment import load_chain

    return certificate_details(load_chain(store, name)[0])


def made_by_sandbox(folder, profile: Profile) -> bool:
    """A profile of the sandbox tour, not a real tenant that happens to listen on 127.0.0.1: its
    recorded root is the sandbox's (or, without one, it has the tour's name)."""
    if not is_sandbox_host(profile):
        return False
    lb_root = folder / "pki" / "lb-root.pem"
    if profile.tenant_root_sha256 and lb_root.is_file():
        from wizard.core.certinfo import certificate_details

        sha256 = certificate_details(lb_root.read_bytes()).sha256.replace(":", "").lower()
        return sha256 == profile.tenant_root_sha256.lower()
    return profile.name.startswith(SANDBOX_PROFILE)


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
        self.setSubTitle(start_subtitle())  # the same heading as the first paint's
        self.target: Step = Step.TENANT
        self.rows_loaded_once = False  # every row has been read once
        self.loading = False  # rows are being read (the list is usable meanwhile)
        self._generation = 0  # answers for an earlier refresh are dropped
        self._unread: list[str] = []
        self._paint_awaited: int | None = None  # the refresh whose next chunk waits for a paint
        self._paint_ticket = 0  # the latest wait (an older wait's timeout does not count)
        self._fitted = False
        self.keyring_banner = Banner(self)
        self.body.addWidget(self.keyring_banner)

        self.list_label = QLabel(self.tr("&Sender systems:"), self)
        self.filter_label = QLabel(self.tr("&Filter:"), self)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("filter")
        self.filter.setPlaceholderText(self.tr("name, host, subject, state…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(self.filter.fontMetrics().averageCharWidth() * 24)
        self.filter_label.setBuddy(self.filter)
        self.count = QLabel(self)
        self.model = ProfileTableModel(
            [
                self.tr("Name"),
                self.tr("Environment"),
                self.tr("Tenant host"),
                self.tr("Subject CN"),
                self.tr("State"),
                self.tr("Expires"),
                self.tr("SAP-signed"),
            ],
            self._describe,
            self.palette(),
            self,
        )
        self.proxy = ProfileFilter(self.model, self)
        self.list = ProfileListView(self)
        self.list.setModel(self.proxy)
        self.list_label.setBuddy(self.list)
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.list.activated.connect(lambda *_: self.resume())
        self.list.painted.connect(self._list_painted)
        self.filter.textChanged.connect(self._filter_changed)
        QShortcut(QKeySequence.StandardKey.Find, self, self.filter.setFocus)
        self.problem = self.field_error(self)  # why the selected profile cannot be read
        self.empty = self.paragraph(
            self.tr(
                "No sender systems yet. Start with a new one, or try the whole flow first with "
                "the sandbox tenant: it runs on this computer and needs no SAP account."
            ),
            self,
        )
        heading = QHBoxLayout()
        heading.addWidget(self.list_label)
        heading.addStretch(1)
        heading.addWidget(self.count)
        heading.addWidget(self.filter_label)
        heading.addWidget(self.filter)
        self.body.addLayout(heading)
        self.body.addWidget(self.list, 1)
        self.body.addWidget(self.problem)
        self.body.addWidget(self.empty)

        self.new_button = QPushButton(self.tr("Ne&w sender system"), self)
        self.resume_button = QPushButton(self.tr("&Resume"), self)
        self.renew_button = QPushButton(self.tr("Ren&ew"), self)
        self.remove_button = QPushButton(self.tr("Re&move…"), self)
        self.details_button = QPushButton(self.tr("Certificate &details…"), self)
        self.details_button.setToolTip(
            self.tr("Subject, issuer, validity, key, extensions and fingerprints")
        )
        self.sandbox_button = QPushButton(self.tr("&Try it with the sandbox tenant"), self)
        self.sandbox_button.setIcon(icon("tenant"))
        self.renew_button.setToolTip(
            self.tr("A new key and request with the same subject, for a new certificate")
        )
        self.remove_button.setToolTip(
            self.tr("Deletes the profile's folder and its keyring entries")
        )
        self.body.addWidget(
            ButtonRow(
                self,
                [
                    self.new_button,
                    self.resume_button,
                    self.renew_button,
                    self.details_button,
                    self.remove_button,
                ],
                end=[self.sandbox_button],
            )
        )
        self.new_button.clicked.connect(self.new)
        self.resume_button.clicked.connect(self.resume)
        self.renew_button.clicked.connect(self.renew)
        self.remove_button.clicked.connect(self.remove)
        self.details_button.clicked.connect(self.show_details)
        self.sandbox_button.clicked.connect(self.try_sandbox)
        self._add_language_choice()
        session.keyring_checked.connect(self._keyring_checked)
        self._selection_changed()

    # --- the language (a setting; takes effect at the next start) ---

    def _add_language_choice(self) -> None:
        self.language_label = QLabel(self.tr("&Language:"), self)
        self.language = Choice(self)
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
        # the settings sit at the bottom; this only takes space while the list is hidden (stretch 0)
        self.body.addStretch(0)
        row = QHBoxLayout()
        row.addWidget(self.language_label)
        row.addWidget(self.language)
        row.addWidget(self.language_note, 1)
        self.body.addLayout(row)
        self.language.currentIndexChanged.connect(self._language_chosen)
        self._add_sap_roots_choice()

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

    # --- roots added to SAP's list (a setting, issue 16: the bundled list is one source) ---

    def _add_sap_roots_choice(self) -> None:
        from wizard.language import read_settings  # settings only: trust loads too much here

        self.sap_roots_label = QLabel(self.tr("Client roots judged against:"), self)
        self.sap_roots_text = WrapLabel("", self)
        self.sap_roots_button = QPushButton(self.tr("Add r&oots file…"), self)
        self.sap_roots_clear = QPushButton(self.tr("Use SAP's l&ist only"), self)
        self.sap_roots_button.setToolTip(
            self.tr(
                "A PEM file of root certificates that SAP's pages name but the bundled list "
                "lacks: they count as accepted from now on"
            )
        )
        row = QHBoxLayout()
        row.addWidget(self.sap_roots_label)
        row.addWidget(self.sap_roots_text, 1)
        self.body.addLayout(row)
        self.body.addWidget(ButtonRow(self, [self.sap_roots_button, self.sap_roots_clear]))
        self.sap_roots_button.clicked.connect(self._choose_sap_roots)
        self.sap_roots_clear.clicked.connect(lambda: self.set_sap_roots(None))
        saved = read_settings(self.session.home).get("sap_roots")
        self._show_sap_roots(saved if isinstance(saved, str) and saved.strip() else None)

    def _show_sap_roots(self, added: str | None, version: str | None = None) -> None:
        if version:
            self.sap_roots_text.setText(version)
        elif added:
            self.sap_roots_text.setText(arg(self.tr("SAP's bundled list plus %1"), added))
        else:
            self.sap_roots_text.setText(self.tr("SAP's bundled list (BTP trust store)"))
        self.sap_roots_clear.setEnabled(added is not None)

    def _choose_sap_roots(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Roots to add to SAP's list"),
            downloads_folder(),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.set_sap_roots(Path(path))

    def set_sap_roots(self, path: Path | None) -> None:
        """Save (or clear) the roots file; every later judgement uses it and names it."""
        from wizard.core.trust import load_sap_list, save_sap_roots

        try:
            save_sap_roots(self.session.home, path)
            version = load_sap_list(path).version
        except WizardError as exc:
            self.show_error(exc)
            return
        self.session.set_sap_roots(path)
        self._show_sap_roots(str(path) if path else None, version)

    # --- the list: the names at once, then the rows, a chunk per worker job ---

    @property
    def rows(self) -> list[ProfileRow]:
        """The rows read so far, in the order the list shows them."""
        return self.model.rows()

    def refresh(self) -> None:
        """Reload the list. The page stays usable: nothing waits for the rows."""
        self._generation += 1
        generation = self._generation
        self.loading = True
        workers.start(
            self.session.store.names,
            on_done=lambda names: self._names_read(generation, names),
            on_error=lambda exc: self._read_failed(generation, exc),
        )

    def _names_read(self, generation: int, names: list[str]) -> None:
        if generation != self._generation:
            return
        selected = self.selected_name()
        if self.model.set_names(names) or selected is None:
            self._select_again(selected)
        has_rows = bool(names)
        for widget in (self.list, self.list_label, self.filter, self.filter_label):
            widget.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        self._unread = self.model.names()  # in the order shown: the first screenful fills first
        self._show_count()
        self._read_after_paint(generation)

    def _read_next(self, generation: int) -> None:
        if not self._unread:
            self.loading = False
            self._show_count()
            self._selection_changed()
            self.rows_loaded_once = True
            self.rows_loaded.emit()
            return
        chunk, self._unread = self._unread[:CHUNK], self._unread[CHUNK:]
        self._show_count()
        workers.start(
            profile_rows,
            self.session.store,
            names=chunk,
            on_done=lambda rows: self._rows_read(generation, rows),
            on_error=lambda exc: self._read_failed(generation, exc),
        )

    def _rows_read(self, generation: int, rows: list[ProfileRow]) -> None:
        if generation != self._generation:
            return
        self.model.fill(rows)
        if not self._fitted:
            self._fitted = True
            self.list.fit_columns()
        self._selection_changed()
        self._read_after_paint(generation)

    def _read_after_paint(self, generation: int) -> None:
        """Read on once the list has painted what came in. A paint calls the Python model
        hundreds of times; beside a worker running Python each call waits for the GIL (measured:
        a 9 ms paint took 250 ms), so paint and read take turns."""
        self._paint_awaited = generation
        self._paint_ticket += 1
        ticket = self._paint_ticket
        self.list.viewport().update()
        QTimer.singleShot(  # a hidden window does not paint
            PAINT_WAIT_MS, self, lambda: ticket == self._paint_ticket and self._list_painted()
        )

    def _list_painted(self) -> None:
        generation, self._paint_awaited = self._paint_awaited, None
        if generation is not None and generation == self._generation:
            QTimer.singleShot(0, self, lambda: self._read_next(generation))

    def _read_failed(self, generation: int, exc: WizardError) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self._show_count()
        self.show_error(exc)

    def stop_reading(self) -> None:
        """Drop the answers still to come (the window closes)."""
        self._generation += 1
        self.loading = False

    def cancel_job(self) -> None:
        self.stop_reading()
        super().cancel_job()

    def _select_again(self, name: str | None) -> None:
        index = self.model.index_of(name) if name is not None else QModelIndex()
        if index.isValid():
            self.select(name)
        elif self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_count()
        if not self.list.selectionModel().hasSelection() and self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self._selection_changed()

    def _show_count(self) -> None:
        total = self.model.rowCount()
        if self.loading and total:
            text = arg(self.tr("Reading the profiles… %1 of %2"), self.model.loaded(), total)
        elif self.proxy.filtering:
            text = arg(self.tr("%1 of %2 shown"), self.proxy.rowCount(), total)
        else:
            text = ""
        self.count.setText(text)
        self.count.setVisible(bool(text))

    def _describe(self, row: ProfileRow) -> RowTexts:
        """A row in words (the model calls this once per row read)."""
        expires = row.not_after.strftime("%Y-%m-%d") if row.not_after else "—"
        if row.expiry is Expiry.EXPIRED:
            expires = arg(self.tr("%1 (expired)"), expires)
        elif row.days_left is not None and row.expiry is Expiry.DUE:
            expires = arg(self.tr("%1 (%2)"), expires, self._days(row.days_left))
        if row.problem:  # profile.json cannot be read: say why, offer only Remove
            cells = (row.name, "—", "—", "—", self.tr("cannot be read"), expires, "")
            return RowTexts(cells, (from_core(row.problem),) * len(cells))
        if not row.sap_signed:
            sap = sap_tip = ""
        else:
            sap = {
                True: self.tr("yes, SAP renews it"),
                False: self.tr("yes, renewed by hand"),
                None: self.tr("yes", "signed by SAP"),
            }[row.sap_auto_renew]
            sap_tip = self.tr("Signed by SAP through the subaccount's Destination service")
        cells = (
            row.name,
            {"neo": self.tr("Neo"), "cf": self.tr("Cloud Foundry")}.get(row.environment or "", "—"),
            row.tenant_host or "—",
            row.subject_cn or "—",
            from_core(row.ca_pending) if row.ca_pending else self.state_text(row.state),
            expires,
            sap,
        )
        tooltips = [""] * len(cells)
        tooltips[Column.TENANT_HOST] = row.tenant_host or ""  # in full where it is elided
        tooltips[Column.SUBJECT_CN] = row.subject_cn or ""
        tooltips[Column.SAP] = sap_tip
        return RowTexts(cells, tuple(tooltips))

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

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # light/dark switched: expiry colours follow
            self.model.set_palette(self.palette())
        super().changeEvent(event)

    def selected_name(self) -> str | None:
        rows = self.list.selectionModel().selectedRows()
        return rows[0].data(NAME_ROLE) if rows else None

    def selected_row(self) -> ProfileRow | None:
        """The selected profile's row; None also while it is still being read."""
        name = self.selected_name()
        return self.model.profile_row(name) if name is not None else None

    def select(self, name: str) -> None:
        index = self.proxy.mapFromSource(self.model.index_of(name))
        if index.isValid():
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index)
        else:
            self.list.clearSelection()

    def _selection_changed(self) -> None:
        name = self.selected_name()
        row = self.selected_row()
        busy = self.running or not self.steps_ready()
        usable = row is not None and not row.problem
        self.resume_button.setEnabled(usable and not busy)
        self.renew_button.setEnabled(usable and row.state is not State.NEW and not busy)
        self.remove_button.setEnabled(name is not None and not busy)
        self.details_button.setEnabled(usable and row.state in HAS_CERTIFICATE and not self.running)
        self.new_button.setEnabled(not busy)
        self.sandbox_button.setEnabled(not busy and self.session.sandbox is None)
        self.sandbox_button.setToolTip(
            self.tr(
                "The sandbox tenant is already running in this window: resume its profile from "
                "the list (its name starts with sandbox-demo)."
            )
            if self.session.sandbox is not None
            else self.tr("Walk the whole flow with a tenant that runs on this computer")
        )
        self.set_field_error(self.problem, from_core(row.problem) if row and row.problem else None)

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
        elif self.selected_name() is None:
            self.new()
        return False  # a selected profile not read yet: nothing to resume for a moment

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

    def show_details(self) -> None:
        """The certificate details dialog for the selected profile's certificate."""
        from wizard.ui.widgets.cert_details import CertificateDetailsDialog

        name = self.selected_name()
        if name is None or self.running:
            return

        def show(details) -> None:
            self.details_dialog = CertificateDetailsDialog(details, self)
            self.details_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.details_dialog.show()

        self.run(
            leaf_details,
            self.session.store,
            name,
            busy=arg(self.tr("Reading the certificate of %1…"), name),
            on_done=show,
        )

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

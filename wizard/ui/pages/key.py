"""Page 3: the subject (validated as you type), the key type, Generate; then the CSR to send.

A commit page: once the key exists, Back never leads to a second one. Generating runs on a worker
with Cancel; the job's first write is its point of no return, so a cancelled generation leaves
neither key nor request behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
)

from wizard.core.error_codes import in_area
from wizard.core.errors import WizardError
from wizard.core.flow import Step, country_problem, normalize_country
from wizard.core.profiles import Artefact, Profile, ProfileStore, State
from wizard.ui import workers
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import arg, downloads_folder, from_core, translate
from wizard.ui.widgets.banner import Banner, Severity
from wizard.ui.widgets.button_row import ButtonRow, action_button
from wizard.ui.widgets.choice import Choice
from wizard.ui.widgets.copyable import CopyableText

# (field, label) in the order of wizard.core.csr.SUBJECT_FIELDS; labels translated here.
FIELD_NAMES = ("cn", "org_unit", "org", "locality", "state", "country", "email")
KEY_TYPES = ("rsa-2048", "rsa-3072", "rsa-4096", "ec-p256", "ec-p384")
DEFAULT_KEY_TYPE = "rsa-3072"


@dataclass(frozen=True)
class KeyAndRequest:
    """What the page shows after generating (or finding) the key: the request and where it is."""

    profile: Profile
    csr_pem: str
    csr_path: str
    key_path: str
    passphrase_kept_in: str
    generated: bool


def generate(
    store: ProfileStore,
    secrets,
    name: str,
    values: dict[str, str],
    sans: tuple[str, ...],
    key_type: str,
    *,
    new_key: bool,
    cancel: workers.CancelToken,
) -> KeyAndRequest:
    """Worker: create_request through a store whose first write is the point of no return."""
    from wizard.core.csr import SubjectFields
    from wizard.core.enrollment import create_request
    from wizard.core.keys import KeyType

    result = create_request(
        workers.GuardedStore(store, cancel),
        secrets,
        name,
        SubjectFields(**values, sans=sans),
        KeyType(key_type),
        new_key=new_key,
    )
    return KeyAndRequest(
        profile=result.profile,
        csr_pem=result.csr_pem,
        csr_path=str(result.csr_path),
        key_path=str(result.key_path),
        passphrase_kept_in=result.passphrase_kept_in,
        generated=True,
    )


def existing_request(store: ProfileStore, profile: Profile) -> KeyAndRequest | None:
    """Worker: the request already made for this profile, if key and CSR are there."""
    csr = store.read_artefact(profile.name, Artefact.CSR)
    if csr is None or not store.path(profile.name, Artefact.KEY).exists():
        return None
    return KeyAndRequest(
        profile=profile,
        csr_pem=csr.decode("ascii", "replace"),
        csr_path=str(store.path(profile.name, Artefact.CSR)),
        key_path=str(store.path(profile.name, Artefact.KEY)),
        passphrase_kept_in=profile.secrets_backend or "",
        generated=False,
    )


def subject_values(rfc4514: str | None) -> dict[str, str]:
    """The fields of a stored subject (for Renew: same subject)."""
    if not rfc4514:
        return {}
    from wizard.core.csr import SubjectFields

    try:
        fields = SubjectFields.from_rfc4514(rfc4514)
    except WizardError:
        return {}
    return {name: getattr(fields, name) for name in FIELD_NAMES}


def key_page_state(
    store: ProfileStore, profile: Profile, renew: bool
) -> tuple[dict[str, str], KeyAndRequest | None]:
    """Worker: the subject to show, and the request already made (unless renewing)."""
    existing = None if renew else existing_request(store, profile)
    return subject_values(profile.subject), existing


def save_copy(path: str, data: str) -> str:
    """Worker: a copy of a text the user wants elsewhere (not private: it is public data)."""
    from wizard.core.storage import atomic_write

    return str(atomic_write(Path(path), data, private=False))


class KeyPage(Page):
    step = Step.KEY

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.result: KeyAndRequest | None = None
        self._entered = False
        self._tried = False
        self._loaded_for: str | None = None
        self.intro = self.paragraph(
            self.tr(
                "The key pair is made on this computer and never leaves it; the CA only sees the "
                "request (CSR). Only the common name is required: it may be any name the tenant "
                "administrators recognise, without leading or trailing spaces."
            ),
            self,
        )
        self.body.addWidget(self.intro)
        self.notice = Banner(self)
        self.body.addWidget(self.notice)
        labels = {
            "cn": self.tr("&Common name (CN):"),
            "org_unit": self.tr("Organizational &unit (OU):"),
            "org": self.tr("&Organization (O):"),
            "locality": self.tr("&Locality (L):"),
            "state": self.tr("&State or province (ST):"),
            "country": self.tr("Countr&y (C):"),
            "email": self.tr("E-&mail address:"),
        }
        group = QGroupBox(self.tr("Subject"), self)
        form = QFormLayout(group)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for name in FIELD_NAMES:
            edit = QLineEdit(group)
            edit.setObjectName(name)
            error = self.field_error(group)
            label = QLabel(labels[name], group)
            label.setBuddy(edit)
            form.addRow(label, edit)
            form.addRow("", error)
            edit.textChanged.connect(self._validate)
            self.edits[name] = edit
            self.errors[name] = error
        self.edits["country"].setMaxLength(2)
        self.edits["country"].setPlaceholderText("DE")
        self.edits["country"].textEdited.connect(self._country_typed)
        self.sans = QLineEdit(group)
        self.sans.setPlaceholderText(self.tr("optional, e.g. DNS:erp.example.com, email:it@x.com"))
        self.sans.textChanged.connect(self._validate)
        self.errors["san"] = self.field_error(group)
        sans_label = QLabel(self.tr("Subject &alternative names:"), group)
        sans_label.setBuddy(self.sans)
        form.addRow(sans_label, self.sans)
        form.addRow("", self.errors["san"])
        self.key_type = Choice(group)
        for value, text in (
            ("rsa-2048", self.tr("RSA 2048 bits (oldest senders)")),
            ("rsa-3072", self.tr("RSA 3072 bits (recommended)")),
            ("rsa-4096", self.tr("RSA 4096 bits")),
            ("ec-p256", self.tr("EC P-256")),
            ("ec-p384", self.tr("EC P-384")),
        ):
            self.key_type.addItem(text, value)
        self.key_type.setCurrentIndex(KEY_TYPES.index(DEFAULT_KEY_TYPE))
        key_label = QLabel(self.tr("&Key type:"), group)
        key_label.setBuddy(self.key_type)
        form.addRow(key_label, self.key_type)
        self.body.addWidget(group)
        self.subject_group = group
        self.subject_summary = self.paragraph("", self)
        self.body.addWidget(self.subject_summary)

        self.generate_button = action_button(
            self.tr("&Generate key and request"), self, self.generate
        )
        self.body.addWidget(ButtonRow(self, [self.generate_button]))

        self.csr_label = QLabel(self.tr("Certificate &request (CSR):"), self)
        self.csr = CopyableText(self, save=True, lines=6)
        self.csr_label.setBuddy(self.csr.edit)
        self.csr.save_requested.connect(self._save_csr)
        self.ask_ca = self.paragraph(
            self.tr(
                "Send this request to your CA and ask for a client authentication certificate "
                "(Extended Key Usage clientAuth), delivered with the whole chain, from a CA whose "
                "root is on SAP's list of trusted client roots. A certificate sold as a TLS/SSL "
                "server certificate may lack clientAuth: SAP then rejects it."
            ),
            self,
        )
        self.where = self.paragraph("", self)
        for widget in (self.csr_label, self.csr, self.ask_ca, self.where):
            self.body.addWidget(widget)
        self.body.addStretch(1)
        self._show_result(None)

    # --- entering ---

    def initializePage(self) -> None:
        self._entered = True
        profile = self.session.profile
        if profile is None:
            return
        if self._loaded_for != profile.name or self.session.renew:
            self._loaded_for = profile.name
            self.result = None
            self._tried = False
            for edit in self.edits.values():
                edit.clear()
            self.sans.clear()
            self._fill_defaults()
            self._show_result(None)
        renewing = self.session.renew
        self.intro_renew(renewing)
        if self.result is None and (profile.subject or profile.state is not State.NEW):
            self.run(
                key_page_state,
                self.session.store,
                profile,
                renewing,
                busy=self.tr("Reading the profile…"),
                on_done=self._show_state,
            )
        self._validate()

    def intro_renew(self, renewing: bool) -> None:
        if not renewing:
            self.notice.clear()
        else:
            self.notice.show_message(
                Severity.INFO,
                self.tr("Renewal: a new key with the same subject"),
                self.tr(
                    "The current key, request and certificate are moved to the profile's archive "
                    "folder; the current certificate keeps working until the sender uses the new "
                    "one."
                ),
            )

    def _fill_defaults(self) -> None:
        prefill = self.session.prefill
        for name in ("cn", "org", "country"):
            if prefill.get(name) and not self.edits[name].text():
                self.edits[name].setText(prefill[name])
        if self.session.profile and self.session.profile.key_type in KEY_TYPES:
            self.key_type.setCurrentIndex(KEY_TYPES.index(self.session.profile.key_type))

    def _show_state(self, state: tuple[dict[str, str], KeyAndRequest | None]) -> None:
        values, existing = state
        for name, value in values.items():
            if value:
                self.edits[name].setText(value)
        if self.session.profile and self.session.profile.sans:
            self.sans.setText(", ".join(self.session.profile.sans))
        if existing is not None and not self.session.renew:
            self._show_result(existing)

    # --- validation ---

    def subject(self):
        from wizard.core.csr import SubjectFields

        return SubjectFields(**self.values(), sans=self.san_list())

    def _key_type_words(self, key_type: str | None) -> str:
        """`rsa-4096` as the key type list names it ("RSA 4096 bits")."""
        index = self.key_type.findData(key_type)
        return self.key_type.itemText(index) if index >= 0 else (key_type or "")

    def _country_typed(self, text: str) -> None:
        """`de` becomes `DE` as it is typed (the subject needs capitals)."""
        upper = normalize_country(text)
        if upper != text:
            edit = self.edits["country"]
            position = edit.cursorPosition()
            edit.setText(upper)
            edit.setCursorPosition(min(position, len(upper)))
            edit.setModified(True)

    def values(self) -> dict[str, str]:
        return {name: self.edits[name].text() for name in FIELD_NAMES}

    def san_list(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.sans.text().split(",") if s.strip())

    def problems(self) -> dict[str, str]:
        if not self._entered:  # before the page is first shown: csr.py is not loaded yet
            return {}
        out: dict[str, str] = {}
        for problem in self.subject().problems():
            out.setdefault(problem.field, from_core(problem.message))
        country = self.edits["country"].text()
        unknown = country_problem(country)
        if unknown and "country" not in out:
            out["country"] = translate("flow", unknown).format(code=country)
        return out

    def _validate(self) -> None:
        problems = self.problems()
        for name, label in self.errors.items():
            message = problems.get(name)
            touched = name != "cn" or self._tried or bool(self.edits["cn"].text())
            self.set_field_error(label, message if touched else None)
        self.generate_button.setEnabled(
            not problems and not self.running and (self.result is None or self.session.renew)
        )
        self.completeChanged.emit()

    # --- generating ---

    def generate(self) -> None:
        self._tried = True
        if self.problems() or self.running or self.session.profile is None:
            self._validate()
            return
        self.run(
            generate,
            self.session.store,
            self.session.secrets,
            self.session.name,
            self.values(),
            self.san_list(),
            self.key_type.currentData(),
            new_key=self.session.renew or self._has_key(),
            cancel=(token := workers.CancelToken()),
            token=token,
            busy=self.tr("Generating the key pair…"),
            cancellable=True,
            on_done=self._generated,
            on_error=self._failed,
        )

    def _has_key(self) -> bool:
        profile = self.session.profile
        return profile is not None and profile.state is not State.NEW

    def _generated(self, result: KeyAndRequest) -> None:
        self.session.renew = False
        self.notice.clear()
        self.session.set_profile(result.profile)
        self._show_result(result)
        self.reveal(self.where)

    def _failed(self, exc: WizardError) -> None:
        if in_area(exc.code, "subject", "san"):
            self.set_field_error(self.errors["cn"], from_core(exc.message))
        else:
            self.show_error(exc)

    def _show_result(self, result: KeyAndRequest | None) -> None:
        self.result = result
        done = result is not None
        for widget in (self.csr_label, self.csr, self.ask_ca, self.where):
            widget.setVisible(done)
        for edit in [*self.edits.values(), self.sans]:
            edit.setReadOnly(done)
        self.key_type.setEnabled(not done)
        # Once made, the key is what it is: the form gives way to one line about it.
        self.subject_group.setVisible(not done)
        self.generate_button.setVisible(not done)
        self.subject_summary.setVisible(done)
        if result is not None:
            self.subject_summary.setText(
                arg(
                    self.tr("Subject: %1. Key: %2."),
                    result.profile.subject or "",
                    self._key_type_words(result.profile.key_type),
                )
            )
            self.csr.set_text(result.csr_pem)
            kept = result.passphrase_kept_in or self.tr("the keyring")
            if self.session.keyring_available is False:  # core's words name no place then
                kept = arg(self.tr("nowhere (no keyring: %1)"), kept)
            self.where.setText(
                arg(
                    self.tr(
                        "Saved: the request in %1, the encrypted key in %2; its passphrase is "
                        "kept in %3. Once you go on, this key stays; for another one later, "
                        "use Renew on the start page."
                    ),
                    result.csr_path,
                    result.key_path,
                    kept,
                )
            )
            self.clear_error()
        self._validate()

    def _save_csr(self) -> None:
        if self.result is None:
            return
        name, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the certificate request"),
            str(Path(downloads_folder()) / f"{self.session.name}.csr"),
            self.tr("Certificate requests (*.csr *.pem)"),
        )
        if name:
            self.run(
                save_copy,
                name,
                self.result.csr_pem,
                busy=self.tr("Saving…"),
                on_done=lambda path: self.show_message(Severity.OK, arg(self.tr("Saved %1"), path)),
            )

    def work_started(self) -> None:
        self.generate_button.setEnabled(False)
        self.key_type.setEnabled(False)

    def work_finished(self) -> None:
        self.key_type.setEnabled(self.result is None)
        self._validate()

    def ready(self) -> bool:
        return self.result is not None and not self.session.renew

    def enter_action(self):
        return None if self.ready() else self.generate

    def unsaved(self) -> bool:
        typed = any(edit.isModified() for edit in self.edits.values()) or self.sans.isModified()
        return not self.ready() and typed

    def on_cancelled(self) -> None:
        self.show_message(
            Severity.INFO,
            self.tr("Key generation cancelled"),
            self.tr("No key and no request were written. Change what you like and generate again."),
        )

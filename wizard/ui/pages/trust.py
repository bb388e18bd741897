"""Page 2: trust the tenant: read its server chain, resolve the root, save it for the sender.

The fetch runs on a worker (network) with a busy bar and Cancel; the chain is shown with where
each certificate came from (sent by the server, or resolved from a trust store), and the root is
saved in the profile as .cer and .pem by core.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QFileDialog, QLabel, QMessageBox

from wizard.core.flow import Step
from wizard.core.profiles import Artefact, Profile, ProfileStore
from wizard.ui import workers
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import arg, downloads_folder, from_core, translate
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.button_row import ButtonRow, action_button
from wizard.ui.widgets.chain_view import ChainRow, ChainView, source_text
from wizard.ui.widgets.findings import FindingsView


@dataclass(frozen=True)
class Fetched:
    profile: Profile
    rows: tuple[ChainRow, ...]
    verdict: tuple[tuple[Severity, str], ...]
    root_subject: str | None
    saved: bool = True  # False: not trustworthy, kept back until the user confirms
    intercepted: bool = False  # the root looks like a TLS-inspecting proxy's
    report: object | None = None  # wizard.core.fetch_root.FetchRootReport, for saving later


def fetch(
    store: ProfileStore,
    name: str,
    url: str,
    *,
    ca_files: list[Path],
    sap_roots: Path | None,
    cancel: workers.CancelToken,
) -> Fetched:
    """Worker: read the tenant's chain, resolve its root, save it into the profile."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from wizard.core.fetch_root import fetch_root, save_root

    report = fetch_root(url, ca_files=ca_files, sap_roots=sap_roots)
    cancel.check()
    if report.trustworthy:
        report = save_root(report, store=workers.GuardedStore(store, cancel), profile=name)
    rows = tuple(
        ChainRow(
            role={
                "leaf": translate("ChainView", "leaf"),
                "intermediate": translate("ChainView", "intermediate"),
                "root": translate("ChainView", "root"),
            }.get(entry.role, entry.role),
            subject=entry.subject,
            issuer=entry.issuer,
            not_after=entry.not_after,
            sha256=entry.sha256,
            source=(
                translate("ChainView", "sent by server")
                if entry.sent_by_server
                else source_text(entry.source)
            ),
            pem=entry.certificate.public_bytes(Encoding.PEM).decode("ascii"),
        )
        for entry in report.chain
    )
    lines = report.verdict_lines()
    first = Severity.OK if report.trustworthy else Severity.ERROR
    problems = len(report.problems) if not report.valid_for_host else 0
    verdict = tuple(
        (first if index <= problems else Severity.INFO, line.strip())
        for index, line in enumerate(lines)
        if line.strip()
    )
    return Fetched(
        profile=store.load(name),
        rows=rows,
        verdict=verdict,
        root_subject=report.root_subject,
        saved=report.trustworthy,
        intercepted=report.likely_intercepted,
        report=None if report.trustworthy else report,
    )


def save_anyway(store: ProfileStore, name: str, fetched: Fetched) -> Fetched:
    """Worker: the user confirmed: save the root that did not check out."""
    from dataclasses import replace

    from wizard.core.fetch_root import save_root

    save_root(fetched.report, store=store, profile=name)
    return replace(fetched, profile=store.load(name), saved=True, report=None)


def copy_file(source: Path, target: Path) -> Path:
    """Worker: Save root as… (a public certificate: readable by others is fine)."""
    from wizard.core.storage import atomic_write, read_input_file

    what = translate("TrustPage", "the tenant root")
    return atomic_write(target, read_input_file(source, what=what), private=False)


class TrustPage(Page):
    step = Step.TRUST

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.report = None
        self.body.addWidget(
            self.paragraph(
                self.tr(
                    "The sender system must trust the tenant's load balancer. The wizard reads "
                    "the certificate chain the tenant presents and finds its root: that root "
                    "goes into the sender's trust store."
                ),
                self,
            )
        )
        self.tips = self.paragraph(
            self.tr(
                "Where the root goes: SAP ABAP (STRUST): SSL client PSE → Import certificate → "
                "Add to Certificate List. Java: keytool -importcert -keystore truststore.jks "
                "-file tenant-root.cer. Postman: Settings → Certificates → CA certificates → "
                "tenant-root.pem."
            ),
            self,
        )
        self.fetch_button = action_button(self.tr("&Fetch the chain again"), self, self.fetch)
        self.save_cer = action_button(
            self.tr("Save root as .c&er…"), self, lambda: self.save_root(Artefact.TENANT_ROOT_CER)
        )
        self.save_pem = action_button(
            self.tr("Save root as .&pem…"), self, lambda: self.save_root(Artefact.TENANT_ROOT_PEM)
        )
        row = ButtonRow(self, [self.fetch_button, self.save_cer, self.save_pem])
        self.chain_label = QLabel(self.tr("&Chain presented by the tenant:"), self)
        self.chain = ChainView(self)
        self.chain_label.setBuddy(self.chain)
        self.root_text = self.paragraph("", self)
        self.verdict = FindingsView(self)
        self.untrusted = self.field_error(self)
        self.save_anyway = action_button(
            self.tr("Save this root &anyway…"), self, self.confirm_save_anyway
        )
        self.skip = QCheckBox(
            self.tr("&Skip for now: I will get the root another way (SAP's Connectivity Test)"),
            self,
        )
        self.skip.toggled.connect(self.completeChanged)
        self.body.addWidget(row)
        self.body.addWidget(self.chain_label)
        self.body.addWidget(self.chain)
        self.body.addWidget(self.verdict)
        self.body.addWidget(self.untrusted)
        self.body.addWidget(ButtonRow(self, [self.save_anyway]))
        self.body.addWidget(self.root_text)
        self.body.addWidget(self.tips)
        self.body.addWidget(self.skip)
        self.body.addStretch(1)
        self._fetched_for: str | None = None
        self._show(None)

    def initializePage(self) -> None:
        profile = self.session.profile
        key = f"{profile.name}/{profile.tenant_url}" if profile else None
        if key != self._fetched_for:
            self._fetched_for = key
            self.report = None
            self.skip.setChecked(False)
            self._show(None)
            self.fetch()

    def warm(self) -> None:
        self.verdict.prepare(4)  # a fetch usually says 3-6 things

    def fetch(self) -> None:
        profile = self.session.profile
        if profile is None or self.running:
            return
        self.run(
            fetch,
            self.session.store,
            profile.name,
            profile.tenant_url or profile.tenant_host or "",
            ca_files=self.session.tenant_trust,
            sap_roots=self.session.sap_roots,
            cancel=(token := workers.CancelToken()),
            token=token,
            busy=arg(self.tr("Reading the chain of %1…"), profile.tenant_host or ""),
            cancellable=True,
            on_done=self._fetched,
            on_error=self._failed,
        )

    def _fetched(self, fetched: Fetched) -> None:
        self.session.set_profile(fetched.profile)
        self.report = fetched
        self._show(fetched)

    def _failed(self, exc) -> None:
        self.report = None
        self._show(None)
        self.show_error(
            exc,
            self.tr("The tenant's chain could not be read"),
        )
        self.error.text.setText(
            self.error.text.text()
            + "\n"
            + self.tr("Go Back to correct the URL, fetch again, or tick Skip to go on without it.")
        )

    def _show(self, fetched: Fetched | None) -> None:
        has = fetched is not None
        for widget in (self.chain_label, self.chain, self.verdict, self.tips):
            widget.setVisible(has)
        has_root = has and fetched.root_subject is not None
        saved = has_root and fetched.saved
        for widget in (self.root_text, self.save_cer, self.save_pem):
            widget.setVisible(saved)
        self.save_anyway.setVisible(has_root and not fetched.saved)
        self.set_field_error(self.untrusted, self._untrusted_text(fetched) if has else None)
        if fetched is None:
            return
        self.chain.set_rows(list(fetched.rows))
        self.verdict.set_findings([(s, from_core(t)) for s, t in fetched.verdict])
        if has_root:
            folder = self.session.store.folder(self.session.name)
            self.root_text.setText(
                arg(
                    self.tr(
                        "The root %1 is saved in %2 as tenant-root.cer and tenant-root.pem: it "
                        "goes into the sender system's trust store."
                    ),
                    fetched.root_subject,
                    str(folder),
                )
            )

    def _untrusted_text(self, fetched: Fetched) -> str | None:
        if fetched.saved or fetched.root_subject is None:
            return None
        if fetched.intercepted:
            return self.tr(
                "This chain does not come from SAP: its root is known to no public list, as "
                "when a company proxy inspects TLS and shows its own certificate. Saving it "
                "would make the sender trust the proxy, not the tenant. Nothing was saved."
            )
        return self.tr(
            "This chain is not valid for the tenant's host (see above): it may come from a "
            "proxy or another server. Nothing was saved; the sender must not trust it as the "
            "tenant's root."
        )

    def confirm_save_anyway(self) -> None:
        fetched = self.report
        if fetched is None or fetched.saved or self.running:
            return
        answer = QMessageBox.warning(
            self,
            self.tr("Save a root that did not check out?"),
            arg(
                self.tr(
                    "The chain of %1 did not check out. If you save its root %2, the sender "
                    "system will trust whoever presented it, which may be a proxy and not SAP. "
                    "Save it only when you know this server is the tenant (for example a "
                    "tenant behind your own load balancer)."
                ),
                self.session.profile.tenant_host if self.session.profile else "",
                fetched.root_subject,
            ),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Save:
            return
        self.run(
            save_anyway,
            self.session.store,
            self.session.name,
            fetched,
            busy=self.tr("Saving…"),
            on_done=self._fetched,
        )

    def on_cancelled(self) -> None:
        self.show_message(
            Severity.INFO,
            self.tr("Fetching cancelled; nothing was saved."),
            self.tr("Fetch again, or tick Skip to go on without the root."),
        )

    def work_started(self) -> None:
        self.fetch_button.setEnabled(False)

    def work_finished(self) -> None:
        self.fetch_button.setEnabled(True)

    def save_root(self, artefact: Artefact) -> None:
        source = self.session.store.path(self.session.name, artefact)
        suffix = Path(artefact.value).suffix
        name, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the tenant root"),
            str(Path(downloads_folder()) / f"{self.session.name}-tenant-root{suffix}"),
            arg(self.tr("Certificates (*%1)"), suffix),
        )
        if name:
            self.run(
                copy_file,
                source,
                Path(name),
                busy=self.tr("Saving…"),
                on_done=lambda path: self.show_message(Severity.OK, arg(self.tr("Saved %1"), path)),
            )

    def enter_action(self):
        return None if self.ready() else self.fetch

    def ready(self) -> bool:
        saved = self.report is not None and self.report.root_subject is not None
        return (saved and self.report.saved) or self.skip.isChecked()

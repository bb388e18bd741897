"""Page 8: call the endpoint as the sender would, and say what happened: the verdict, big."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtWidgets import QFileDialog, QFormLayout, QLabel, QLineEdit

from wizard.core.flow import Step
from wizard.core.profiles import Profile, ProfileStore
from wizard.ui import workers
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import arg, downloads_folder, from_core
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.button_row import ButtonRow, action_button
from wizard.ui.widgets.copyable import CopyableText
from wizard.ui.widgets.findings import FindingsView
from wizard.ui.widgets.verdict import VerdictBanner


@dataclass(frozen=True)
class Called:
    profile: Profile
    verdict: str  # Verdict value
    title: str
    meaning: str
    next_step: str
    evidence: tuple[str, ...]
    curl: str
    status: int | None


def test_call(
    store: ProfileStore,
    secrets,
    name: str,
    url: str,
    *,
    sap_roots: Path | None,
    cancel: workers.CancelToken,
) -> Called:
    """Worker: the test call, then its verdict recorded in the profile (unless cancelled)."""
    from wizard.core.testcall import call_endpoint, record_result
    from wizard.core.trust import load_sap_list

    profile = store.load(name)
    sap_list = load_sap_list(sap_roots) if sap_roots else None
    result = call_endpoint(
        profile, store=store, secrets=secrets, url=url or None, sap_list=sap_list
    )
    profile = record_result(store.load(name), result)  # fresh: the call may have taken a while
    workers.GuardedStore(store, cancel).save(profile)
    return Called(
        profile=profile,
        verdict=result.verdict.value,
        title=result.title,
        meaning=result.meaning,
        next_step=result.next_step,
        evidence=tuple(result.evidence),
        curl=result.curl_command,
        status=result.status,
    )


def analyze_log(paths: list[Path], endpoint_path: str | None, environment: str | None):
    """Worker: the access log's lines for this endpoint, explained."""
    from wizard.core.accesslog import analyze

    return analyze(paths, path=endpoint_path or None, environment=environment)


class TestCallPage(Page):
    __test__ = False  # a page, not a pytest class
    step = Step.TEST_CALL

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.called: Called | None = None
        self.body.addWidget(
            self.paragraph(
                self.tr(
                    "The wizard calls the endpoint the way the sender system will: with the key, "
                    "the certificate and all intermediates, trusting the tenant's root."
                ),
                self,
            )
        )
        form = QFormLayout()
        self.url = QLineEdit(self)
        url_label = QLabel(self.tr("&Endpoint URL:"), self)
        url_label.setBuddy(self.url)
        form.addRow(url_label, self.url)
        self.body.addLayout(form)
        self.call_button = action_button(self.tr("&Call"), self, self.call)
        self.log_button = action_button(self.tr("Open an &access log…"), self, self.choose_log)
        self.body.addWidget(ButtonRow(self, [self.call_button, self.log_button]))
        self.verdict = VerdictBanner(self)
        self.body.addWidget(self.verdict)
        self.evidence_label = QLabel(self.tr("E&vidence:"), self)
        self.evidence = CopyableText(self, lines=7, wrap=True)
        self.evidence_label.setBuddy(self.evidence.edit)
        self.curl_label = QLabel(self.tr("The same call with c&url:"), self)
        self.curl = CopyableText(self, lines=3, wrap=True)
        self.curl_label.setBuddy(self.curl.edit)
        self.log_findings = FindingsView(self)
        for widget in (
            self.evidence_label,
            self.evidence,
            self.curl_label,
            self.curl,
            self.log_findings,
        ):
            self.body.addWidget(widget)
        self.body.addStretch(1)
        self._show(None)

    def initializePage(self) -> None:
        profile = self.session.profile
        if profile is not None and not self.url.text():
            self.url.setText(profile.last_test_url or profile.tenant_url or "")
        # A result belongs to the inputs it was made with: coming here again (after a change
        # to the mapping, the certificate or the URL) calls again instead of showing it.
        self.called = None
        self._show(None)
        self.call_button.setText(self.tr("&Call"))
        if self.url.text():
            self.call()

    def call(self) -> None:
        if self.running or self.session.profile is None:
            return
        self.called = None  # never a new error under an old verdict
        self._show(None)
        self.run(
            test_call,
            self.session.store,
            self.session.secrets,
            self.session.name,
            self.url.text().strip(),
            sap_roots=self.session.judge_roots,
            cancel=(token := workers.CancelToken()),
            token=token,
            busy=self.tr("Calling the endpoint…"),
            cancellable=True,
            on_done=self._called,
        )

    def _called(self, called: Called) -> None:
        self.called = called
        self.session.set_profile(called.profile)
        self.call_button.setText(self.tr("&Retry"))
        self._show(called)
        self.reveal(self.verdict)

    def _show(self, called: Called | None) -> None:
        for widget in (self.evidence_label, self.evidence, self.curl_label, self.curl):
            widget.setVisible(called is not None)
        if called is None:
            self.verdict.clear()
            return
        self.verdict.show_verdict(
            called.verdict,
            from_core(called.title),
            from_core(called.meaning),
            from_core(called.next_step),
        )
        self.evidence.set_text("\n".join(from_core(e) for e in called.evidence))
        self.curl.set_text(called.curl)

    def on_cancelled(self) -> None:
        self.show_message(Severity.INFO, self.tr("The call was abandoned."))

    # --- access log ---

    def choose_log(self) -> None:
        start = ""
        if self.session.is_sandbox_profile and self.session.sandbox is not None:
            start = str(self.session.sandbox.access_log_path)
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            self.tr("SAP HTTP access log"),
            start or downloads_folder(),
            self.tr("Access logs (http_access_*.log *.log *.gz);;All files (*)"),
        )
        if names:
            self.analyze([Path(n) for n in names])

    def analyze(self, paths: list[Path]) -> None:
        endpoint = urlsplit(self.url.text().strip()).path
        self.run(
            analyze_log,
            paths,
            endpoint,
            self.session.profile.environment if self.session.profile else None,
            busy=self.tr("Reading the access log…"),
            on_done=self._analyzed,
        )

    def _analyzed(self, analysis) -> None:
        calls = analysis.calls[-8:]
        if not calls:
            self.log_findings.set_findings(
                [(Severity.INFO, self.tr("The log has no calls to this endpoint."))]
            )
            return
        items = []
        for call in calls:
            severity = Severity.OK if call.verdict.value == "OK" else Severity.WARNING
            line = arg(
                self.tr("%1 %2 %3 → %4: %5"),
                call.entry.time.strftime("%Y-%m-%d %H:%M:%S"),
                call.entry.method,
                call.entry.path,
                call.entry.status,
                from_core(call.explanation),
            )
            items.append((severity, line))
        self.log_findings.set_findings(items)

    def work_started(self) -> None:
        self.call_button.setEnabled(False)
        self.log_button.setEnabled(False)

    def work_finished(self) -> None:
        self.call_button.setEnabled(True)
        self.log_button.setEnabled(True)

    def ready(self) -> bool:
        return self.called is not None

    def enter_action(self):
        return None if self.ready() else self.call

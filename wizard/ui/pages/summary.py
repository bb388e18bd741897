"""Page 9: what was made, which file goes where, the expiry, and a calendar reminder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
)

from wizard.core.flow import (
    REMINDER_DAYS,
    TITLES,
    MadeFile,
    Step,
    fix_step,
    made_files,
    reminder_ics,
    step_number,
)
from wizard.core.profiles import Profile, ProfileStore
from wizard.core.senders import GUIDES, guide_lines
from wizard.ui.pages.base import Page
from wizard.ui.session import Session
from wizard.ui.text import arg, translate
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.button_row import ButtonRow, action_button


def write_reminder(path: Path, profile: Profile, summary: str, description: str) -> Path:
    """Worker: the .ics file (an all-day event before the expiry)."""
    from wizard.core.storage import atomic_write

    text = reminder_ics(profile, summary=summary, description=description)
    return atomic_write(path, text, private=False)


def list_files(store: ProfileStore, name: str) -> list[MadeFile]:
    return made_files(store, name)


def verdict_title(code: str) -> str:
    """The verdict in words, as core names it (its code when core does not know it)."""
    from wizard.core.verdicts import Verdict

    try:
        return Verdict(code).title
    except ValueError:
        return code


class SummaryPage(Page):
    step = Step.SUMMARY

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.headline = self.paragraph("", self)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.body.addWidget(self.headline)
        self.table_label = QLabel(self.tr("&Which file goes where:"), self)
        self.table = QTableWidget(0, 3, self)
        self.table_label.setBuddy(self.table)
        self.table.setHorizontalHeaderLabels(
            [self.tr("File"), self.tr("Contains"), self.tr("Goes to")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.body.addWidget(self.table_label)
        self.body.addWidget(self.table, 1)
        # Where the files go on the sender itself: core's guide per kind of sender (senders.py).
        self.sender_label = QLabel(self.tr("&Your sender:"), self)
        self.sender_kind = QComboBox(self)
        for guide in GUIDES.values():
            self.sender_kind.addItem(translate("senders", guide.name), guide.sender.value)
        self.sender_label.setBuddy(self.sender_kind)
        self.sender_guide = self.paragraph("", self)
        self.sender_guide.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sender_kind.currentIndexChanged.connect(self._show_sender_guide)
        self.body.addWidget(self.sender_label)
        self.body.addWidget(self.sender_kind)
        self.body.addWidget(self.sender_guide)
        self._show_sender_guide()
        self.folder = self.paragraph("", self)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.folder)
        self.expiry = self.paragraph("", self)
        self.body.addWidget(self.expiry)
        self.reminder_button = action_button(
            self.tr("Add &reminder to calendar…"), self, self.add_reminder
        )
        self.open_folder = action_button(self.tr("&Open the folder"), self, self._open_folder)
        self.body.addWidget(ButtonRow(self, [self.reminder_button, self.open_folder]))
        self.fix: Step | None = None
        self.fix_button = action_button("", self, self.go_fix)
        self.fix_button.hide()
        self.body.insertWidget(self.body.indexOf(self.headline) + 1, self.fix_button)
        self.files: list[MadeFile] = []
        self.reminder: Path | None = None

    def initializePage(self) -> None:
        profile = self.session.profile
        if profile is None:
            return
        verdict = profile.last_test_verdict
        self.fix = fix_step(verdict)
        self._colour_headline(failed=self.fix is not None)
        if verdict == "OK":
            self.headline.setText(
                arg(self.tr("%1 is set up: the test call went through."), profile.name)
            )
        elif verdict:
            self.headline.setText(
                arg(
                    self.tr("%1 is not set up yet: the last test call failed: %2"),
                    profile.name,
                    verdict_title(verdict),
                )
            )
        else:
            self.headline.setText(arg(self.tr("%1: not tested yet."), profile.name))
        if self.fix is not None:
            self.fix_button.setText(
                arg(
                    self.tr("&Go back to step %1: %2"),
                    step_number(self.fix),
                    translate("flow", TITLES[self.fix]),
                )
            )
        self.fix_button.setVisible(self.fix is not None)
        until = profile.not_after_dt
        if until is not None:
            self.expiry.setText(
                arg(
                    self.tr(
                        "The certificate expires on %1. Renew it before then: Renew on the "
                        "start page makes a new key and request with the same subject."
                    ),
                    until.strftime("%Y-%m-%d"),
                )
            )
        self.reminder_button.setEnabled(until is not None)
        self.folder.setText(
            arg(self.tr("All files are in %1."), str(self.session.store.folder(profile.name)))
        )
        self.run(
            list_files,
            self.session.store,
            profile.name,
            busy=self.tr("Listing the files…"),
            on_done=self._show_files,
        )

    def _colour_headline(self, *, failed: bool) -> None:
        from wizard.ui.widgets.banner import severity_colour

        palette = self.palette()
        if failed:
            palette.setColor(
                self.headline.foregroundRole(), severity_colour(palette, Severity.ERROR)
            )
        self.headline.setPalette(palette)

    def go_fix(self) -> None:
        """Back through the pages already seen to the step that puts the failure right."""
        wizard = self.wizard()
        if wizard is None or self.fix is None or int(self.fix) not in wizard.visitedIds():
            return
        while wizard.currentId() != int(self.fix):
            wizard.back()

    def enter_action(self):
        return None

    def _show_sender_guide(self) -> None:
        self.sender_guide.setText("\n".join(guide_lines(self.sender_kind.currentData())))

    def _show_files(self, files: list[MadeFile]) -> None:
        self.files = files
        self.table.setRowCount(len(files))
        for row, made in enumerate(files):
            cells = (
                made.path.name,
                translate("flow", made.use.contains),
                translate("flow", made.use.goes_to),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()

    def _open_folder(self) -> None:
        folder = self.session.store.folder(self.session.name)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def add_reminder(self, path: Path | None = None) -> None:
        profile = self.session.profile
        if profile is None or profile.not_after_dt is None or self.running:
            return
        if not path:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            name, _filter = QFileDialog.getSaveFileName(
                self,
                self.tr("Save the calendar reminder"),
                str(Path(folder) / f"renew-{profile.name}.ics"),
                self.tr("Calendar files (*.ics)"),
            )
            if not name:
                return
            path = Path(name)
        summary = arg(self.tr("Renew the client certificate of %1"), profile.name)
        description = arg(
            self.tr(
                "The certificate %1 expires on %2 (in %3 days from this reminder). Open "
                "cpi-cert-wizard, choose %4 and Renew."
            ),
            profile.leaf_subject or "",
            profile.not_after_dt.strftime("%Y-%m-%d"),
            REMINDER_DAYS,
            profile.name,
        )
        self.run(
            write_reminder,
            Path(path),
            profile,
            summary,
            description,
            busy=self.tr("Writing the reminder…"),
            on_done=self._reminder_written,
        )

    def _reminder_written(self, path: Path) -> None:
        self.reminder = path
        self.show_message(
            Severity.OK,
            self.tr("Reminder saved"),
            arg(self.tr("Open %1 with your calendar to add it."), str(path)),
        )

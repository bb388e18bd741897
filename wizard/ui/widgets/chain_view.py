"""A certificate chain, leaf first: who, issued by whom, until when, and where it came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from wizard.ui.text import arg, translate
from wizard.ui.widgets.banner import Severity
from wizard.ui.widgets.icons import icon


@dataclass(frozen=True)
class ChainRow:
    """What the view shows of one certificate (pages build these from core's chain links)."""

    role: str  # "leaf", "intermediate", "root" (already translated)
    subject: str
    issuer: str
    not_after: datetime | None
    sha256: str
    source: str  # "sent by server", "resolved from certifi", "CA reply", … (translated)
    severity: Severity = Severity.OK
    pem: str = ""  # the certificate, for its details (double-click or Enter on the row)


class ChainView(QTreeWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(4)
        self.setHeaderLabels(
            [
                translate("ChainView", "Certificate"),
                translate("ChainView", "Issued by"),
                translate("ChainView", "Valid until"),
                translate("ChainView", "Source"),
            ]
        )
        self.setRootIsDecorated(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.rows: list[ChainRow] = []
        self.details = None  # the details dialog opened last
        self.itemActivated.connect(self._open_details)
        self.setToolTip(translate("ChainView", "Double-click a certificate for its details"))

    def _open_details(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        from wizard.ui.widgets.cert_details import show_certificate

        index = self.indexOfTopLevelItem(item)
        if 0 <= index < len(self.rows):
            self.details = show_certificate(self.rows[index].pem, self)

    def set_rows(self, rows: Sequence[ChainRow]) -> None:
        self.clear()
        self.rows = list(rows)
        for row in rows:
            until = row.not_after.strftime("%Y-%m-%d") if row.not_after else "—"
            item = QTreeWidgetItem(
                [
                    arg(self.tr("%1: %2", "chain role: subject"), row.role, row.subject),
                    row.issuer,
                    until,
                    row.source,
                ]
            )
            item.setIcon(
                0, icon("certificate" if row.severity is Severity.OK else str(row.severity))
            )
            tip = arg(translate("ChainView", "SHA-256 fingerprint: %1"), row.sha256)
            for column in range(4):
                item.setToolTip(column, f"{item.text(column)}\n{tip}")
            self.addTopLevelItem(item)
        self._fit()

    def _fit(self) -> None:
        """As tall as its rows (a chain has 1 to 5), so the page does not fill with blank list."""
        rows = max(self.topLevelItemCount(), 2)
        row_height = self.sizeHintForRow(0) if self.topLevelItemCount() else 20
        height = self.header().sizeHint().height() + rows * max(row_height, 18)
        self.setFixedHeight(height + 2 * self.frameWidth() + 4)


def source_text(source: str) -> str:
    """Where a certificate came from, in words (core names it: reply, server, certifi, …)."""
    known = {
        "reply": translate("ChainView", "CA reply"),
        "server": translate("ChainView", "sent by server"),
        "certifi": translate("ChainView", "resolved from certifi (Mozilla's list)"),
        "system store": translate("ChainView", "resolved from the system store"),
        "SAP list": translate("ChainView", "resolved from SAP's list"),
    }
    if source in known:
        return known[source]
    if source.startswith("--ca-file "):
        return arg(translate("ChainView", "resolved from %1"), source.removeprefix("--ca-file "))
    if source.startswith("AIA "):
        return arg(translate("ChainView", "downloaded from %1"), source.removeprefix("AIA "))
    return arg(translate("ChainView", "resolved from %1"), source)


def rows_from_links(links, *, complete: bool, findings=()) -> list[ChainRow]:
    """Rows for core's chain links (leaf first); any thread (only reads the certificates)."""
    worst: dict[str, Severity] = {}
    for item in findings:
        subject = getattr(item, "certificate", None)
        if not subject:
            continue
        severity = Severity.ERROR if str(item.severity) == "error" else Severity.WARNING
        if worst.get(subject) is not Severity.ERROR:
            worst[subject] = severity
    rows = []
    last = len(links) - 1
    for index, link in enumerate(links):
        if index == 0:
            role = translate("ChainView", "leaf")
        elif index == last and complete:
            role = translate("ChainView", "root")
        else:
            role = translate("ChainView", "intermediate")
        rows.append(
            ChainRow(
                role=role,
                subject=link.subject,
                issuer=link.issuer,
                not_after=link.not_after,
                sha256=link.sha256,
                source=source_text(str(link.source)),
                severity=worst.get(link.subject, Severity.OK),
                pem=_pem(link.certificate),
            )
        )
    return rows


def _pem(certificate) -> str:
    from cryptography.hazmat.primitives import serialization

    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

"""A list of files the user drops or chooses (the CA's reply: .cer, .crt, .pem, .p7b, …)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.ui.text import downloads_folder, translate


class _DropList(QListWidget):
    dropped = Signal(list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.dropped.emit([Path(u) for u in urls])
            event.acceptProposedAction()
        else:
            super().dropEvent(event)


class FileDropList(QWidget):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.list = _DropList(self)
        self.list.setMinimumHeight(64)
        self.list.dropped.connect(self.add_files)
        self.list.setToolTip(translate("FileDropList", "Drop the CA's files here"))
        self.choose = QPushButton(translate("FileDropList", "Choose files…"), self)
        self.choose.setAutoDefault(False)
        self.choose.clicked.connect(self._choose)
        self.remove = QPushButton(translate("FileDropList", "Remove"), self)
        self.remove.setAutoDefault(False)
        self.remove.clicked.connect(self._remove)
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.list, 1)
        row.addLayout(buttons)

    def files(self) -> list[Path]:
        return [
            Path(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
        ]

    def add_files(self, paths: list[Path]) -> None:
        known = {str(p) for p in self.files()}
        for path in paths:
            if str(path) in known:
                continue
            self.list.addItem(str(path))
            item = self.list.item(self.list.count() - 1)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            known.add(str(path))
        self.changed.emit()

    def clear(self) -> None:
        self.list.clear()
        self.changed.emit()

    def _choose(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            translate("FileDropList", "The CA's reply"),
            downloads_folder(),
            translate(
                "FileDropList",
                "Certificates (*.cer *.crt *.pem *.der *.p7b *.p7c *.p7 *.txt);;All files (*)",
            ),
        )
        if names:
            self.add_files([Path(n) for n in names])

    def _remove(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self.changed.emit()

"""The start page's table of sender systems: a model over `ProfileRow`, a filter, a view.

Built for a thousand profiles and more: the model is filled with the names first (painted at
once) and each row's details arrive later, a chunk at a time, from a worker (`fill`). Sorting and
filtering run over plain Python lists: Qt's own proxy sort would call the Python `data()` twice
per comparison (about 40 ms per click for 1,000 rows, a visible stall), so the proxy only
filters and hands `sort` to the model, which sorts its list by keys made once per row.

The model shows no text of its own: the page describes each row (`RowTexts`, translated there)
and passes the column headers, so every string stays in the page's translation context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QWidget

from wizard.core.expiry import Expiry
from wizard.core.flow import ProfileRow
from wizard.core.profiles import State
from wizard.ui.widgets.banner import Severity, severity_colour
from wizard.ui.widgets.icons import icon


class Column(IntEnum):
    NAME = 0
    ENVIRONMENT = 1
    TENANT_HOST = 2
    SUBJECT_CN = 3
    STATE = 4
    EXPIRES = 5
    SAP = 6  # signed by SAP, and whether SAP renews it


NAME_ROLE = Qt.ItemDataRole.UserRole  # the profile's name, in every column
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the ProfileRow; None until its chunk is read
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # what the column sorts by (a date, not its text)

FREE_TEXT_COLUMNS = frozenset({Column.NAME, Column.TENANT_HOST, Column.SUBJECT_CN})
ICON_COLUMNS = frozenset({Column.NAME, Column.STATE, Column.EXPIRES})  # see `_icon`
SEVERITY: dict[Expiry, Severity] = {Expiry.EXPIRED: Severity.ERROR, Expiry.DUE: Severity.WARNING}

_STATE_ORDER = {state: number for number, state in enumerate(State, start=1)}
_Key = tuple[Any, ...]
_Parent = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class RowTexts:
    """A row as the page words it: one text per column, and tooltips ("" for none)."""

    cells: tuple[str, ...]
    tooltips: tuple[str, ...] = ()


_NONE: _Key = (1, 0)  # no value in this column (or not read yet): listed last, either order


def _text(text: str | None) -> _Key:
    return (0, text.casefold()) if text else _NONE


def sort_keys(name: str, row: ProfileRow | None) -> tuple[_Key, ...]:
    """What each column sorts by, made once per row: (0, value), or `_NONE` for rows without one.
    Expiry sorts by date; state in the flow's order, unreadable profiles first (they need
    attention); SAP-signed ones that SAP renews first."""
    if row is None:
        return ((0, name.casefold()), _NONE, _NONE, _NONE, _NONE, _NONE, _NONE)
    if row.sap_signed:
        sap: _Key = (0, 0 if row.sap_auto_renew else 1)
    else:
        sap = _NONE
    return (
        (0, name.casefold()),
        _text(row.environment),
        _text(row.tenant_host),
        _text(row.subject_cn),
        (0, 0 if row.problem else _STATE_ORDER[row.state]),
        (0, row.not_after.timestamp()) if row.not_after else _NONE,
        sap,
    )


class _Line:
    """One row of the model; `row` is None until its chunk has been read."""

    __slots__ = ("haystack", "keys", "name", "row", "texts")

    def __init__(self, name: str) -> None:
        self.name = name
        self.row: ProfileRow | None = None
        self.texts: RowTexts | None = None
        self.keys = sort_keys(name, None)
        self.haystack = name.casefold()

    def fill(self, row: ProfileRow, texts: RowTexts) -> None:
        self.row = row
        self.texts = texts
        self.keys = sort_keys(self.name, row)
        self.haystack = "\n".join((self.name, *texts.cells)).casefold()


class ProfileTableModel(QAbstractTableModel):
    """The sender systems, one line per profile name, in the order of the current sort."""

    def __init__(
        self,
        headers: Sequence[str],
        describe: Callable[[ProfileRow], RowTexts],
        palette: QPalette,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        assert len(headers) == len(Column)
        self._headers = tuple(headers)
        self._describe = describe
        self._lines: list[_Line] = []
        self._by_name: dict[str, _Line] = {}
        self._position: dict[str, int] = {}
        self._sort_column = Column.NAME
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._brushes: dict[Severity, QBrush] = {}
        self.set_palette(palette)

    # --- filling ---

    def set_names(self, names: Sequence[str]) -> bool:
        """The profiles that exist now; rows already read are kept until read again.
        True when the list changed (a reset: the caller restores the selection)."""
        if len(names) == len(self._lines) and set(names) == self._by_name.keys():
            return False
        self.beginResetModel()
        self._lines = [self._by_name.get(name) or _Line(name) for name in names]
        self._by_name = {line.name: line for line in self._lines}
        self._order()
        self.endResetModel()
        return True

    def fill(self, rows: Sequence[ProfileRow]) -> None:
        """Show the details of `rows` (a chunk a worker has read)."""
        touched = []
        for row in rows:
            line = self._by_name.get(row.name)
            if line is None:  # removed since the names were read
                continue
            line.fill(row, self._describe(row))
            touched.append(self._position[line.name])
        if not touched:
            return
        last = len(Column) - 1
        self.dataChanged.emit(self.index(min(touched), 0), self.index(max(touched), last))
        if self._sort_column is not Column.NAME:  # the new keys may move these rows
            self.sort(self._sort_column, self._sort_order)

    def set_palette(self, palette: QPalette) -> None:
        """Colours for the expiry column that stay readable on this palette (light or dark)."""
        self._brushes = {s: QBrush(severity_colour(palette, s)) for s in SEVERITY.values()}
        if self._lines:
            column = Column.EXPIRES
            self.dataChanged.emit(
                self.index(0, column),
                self.index(len(self._lines) - 1, column),
                [Qt.ItemDataRole.ForegroundRole],
            )

    # --- reading ---

    def names(self) -> list[str]:
        """Every profile name, in the order of the current sort."""
        return [line.name for line in self._lines]

    def rows(self) -> list[ProfileRow]:
        """The rows read so far, in the order of the current sort."""
        return [line.row for line in self._lines if line.row is not None]

    def loaded(self) -> int:
        return sum(1 for line in self._lines if line.row is not None)

    def profile_row(self, name: str) -> ProfileRow | None:
        line = self._by_name.get(name)
        return line.row if line is not None else None

    def index_of(self, name: str) -> QModelIndex:
        position = self._position.get(name)
        return self.index(position, 0) if position is not None else QModelIndex()

    def haystack(self, position: int) -> str:
        """The row's texts, case-folded, for the filter."""
        return self._lines[position].haystack

    # --- QAbstractTableModel ---

    def rowCount(self, parent: _Parent = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Parent = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: _Parent, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if line.texts is None:
                return line.name if column is Column.NAME else ""
            return line.texts.cells[column]
        if role == NAME_ROLE:
            return line.name
        if role == ROW_ROLE:
            return line.row
        if role == SORT_ROLE:
            return line.keys[column]
        row = line.row
        if row is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            tooltips = line.texts.tooltips if line.texts else ()
            return (tooltips[column] or None) if column < len(tooltips) else None
        if role == Qt.ItemDataRole.ForegroundRole and column is Column.EXPIRES:
            severity = SEVERITY.get(row.expiry)
            return self._brushes[severity] if severity is not None else None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(row, column)
        return None

    @staticmethod
    def _icon(row: ProfileRow, column: Column) -> Any:
        if column is Column.NAME:
            return icon("certificate" if row.not_after else "key")
        if column is Column.STATE and row.problem:
            return icon("error")
        if column is Column.EXPIRES and row.expiry in SEVERITY:
            return icon(str(SEVERITY[row.expiry]))
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self._sort_column, self._sort_order = Column(column), order
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        names = [self._lines[index.row()].name for index in before]
        self._order()
        after = [
            self.index(self._position[name], index.column())
            for name, index in zip(names, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _order(self) -> None:
        column = self._sort_column
        valued = [line for line in self._lines if line.keys[column][0] == 0]
        valued.sort(
            key=lambda line: (line.keys[column], line.keys[Column.NAME]),
            reverse=self._sort_order is Qt.SortOrder.DescendingOrder,
        )
        without = [line for line in self._lines if line.keys[column][0] != 0]
        without.sort(key=lambda line: line.keys[Column.NAME])
        self._lines = valued + without
        self._position = {line.name: number for number, line in enumerate(self._lines)}


class ProfileFilter(QSortFilterProxyModel):
    """Shows the rows whose texts contain every word typed (any case, any column)."""

    def __init__(self, model: ProfileTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._words: tuple[str, ...] = ()
        self.setDynamicSortFilter(True)  # a row is judged again when its details arrive
        self.setSourceModel(model)

    @property
    def filtering(self) -> bool:
        return bool(self._words)

    def set_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words == self._words:
            return
        self.beginFilterChange()
        self._words = words
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Parent) -> bool:
        if not self._words:
            return True
        haystack = self._model.haystack(source_row)
        return all(word in haystack for word in self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The model sorts its own list (see the module's docstring); this proxy stays unsorted.
        self._model.sort(column, order)


@dataclass(frozen=True)
class ShownRow:
    """A visible row read the way QTreeWidgetItem is (text, foreground, toolTip by column)."""

    index: QModelIndex

    def text(self, column: int) -> str:
        return self.index.siblingAtColumn(column).data(Qt.ItemDataRole.DisplayRole) or ""

    def foreground(self, column: int) -> QBrush:
        brush = self.index.siblingAtColumn(column).data(Qt.ItemDataRole.ForegroundRole)
        return brush if isinstance(brush, QBrush) else QBrush()

    def toolTip(self, column: int) -> str:
        return self.index.siblingAtColumn(column).data(Qt.ItemDataRole.ToolTipRole) or ""

    def data(self, column: int, role: int) -> Any:
        return self.index.siblingAtColumn(column).data(role)


class ProfileListView(QTableView):
    """A flat, sortable list: a table without grid or row numbers. A table lays out a thousand
    rows at no cost (fixed row height), where a tree asks the model about every row."""

    painted = Signal()  # after each paint of the rows

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab moves on to the buttons; the arrows move in here
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(max(self.fontMetrics().height(), self._icon_size()) + 6)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.emit()

    def _icon_size(self) -> int:
        return self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, self)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self.setSortingEnabled(True)
        self.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)

    def fit_columns(self, sample: int = 100, most: int = 24) -> None:
        """Each column as wide as its widest text among the first `sample` rows; names, hosts
        and CNs up to `most` characters (longer ones are elided); the last column stretches. Measured here:
        resizeColumnToContents would ask the Python model for every role of every cell it looks
        at (about 20 ms for a screenful of seven columns)."""
        model = self.model()
        if model is None:
            return
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        margin = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self)
        margin += 12  # room between the columns
        icon_room = self._icon_size() + 4
        rows = min(model.rowCount(), sample)
        widest_allowed = metrics.averageCharWidth() * most
        for column in range(model.columnCount() - 1):
            widest = max(
                (
                    metrics.horizontalAdvance(model.index(r, column).data() or "")
                    for r in range(rows)
                ),
                default=0,
            )
            if column in FREE_TEXT_COLUMNS:
                widest = min(widest, widest_allowed)
            if column in ICON_COLUMNS:
                widest += icon_room
            width = widest + margin
            header.resizeSection(column, max(header.sectionSizeHint(column), width))

    # QTreeWidget's way of reading the visible rows (the start page's first tests use it).
    def topLevelItemCount(self) -> int:
        model = self.model()
        return model.rowCount() if model is not None else 0

    def topLevelItem(self, row: int) -> ShownRow:
        return ShownRow(self.model().index(row, 0))

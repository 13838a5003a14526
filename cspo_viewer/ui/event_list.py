"""The matching events as a table below the timeline, with "N of M events".

Some analysts read a list faster than a timeline, and keyboard users step through it with
Up/Down. It opens in date order; a click on a column header sorts by that column (again:
the other way round), and the order holds across filter changes. It must stay instant at
100,000 events, so the model keeps only a numpy array of the visible table rows, in the
order shown, and makes each cell's text when Qt asks for it (Qt only asks for the rows on
screen). Sorting by a column ranks the whole table by it once (titles from one query in
``data.ordering``) and orders the visible rows by that rank, so a later filter change
re-sorts with one numpy ``argsort``. Nation codes come from the table (``tags_of``): a
screenful at a time until sorting by the column loads every event's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer.data.dates import display_date, from_day, short_iso
from cspo_viewer.data.ordering import rank_of, tag_rank, title_rank
from cspo_viewer.data.table import PRECISION_CODES, EventTable
from cspo_viewer.render.style import kind_color
from cspo_viewer.render.timeline_item import symbol_pixmap
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.event_actions import attach_event_menu
from cspo_viewer.ui.rich_text import tooltip
from cspo_viewer.ui.theme import is_dark

COLUMNS = ("Date", "Title", "Kind", "Nations")
DATE, TITLE, KIND, NATIONS = range(len(COLUMNS))
TITLE_LIMIT = 300  # characters drawn in a cell; the tooltip has the whole title
_PRECISION_NAMES = {code: name for name, code in PRECISION_CODES.items()}
_Index = QModelIndex | QPersistentModelIndex


class EventListModel(QAbstractTableModel):
    """The rows of an ``EventTable`` that a mask selects, in table (date) order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._table: EventTable | None = None
        self._rows = np.zeros(0, dtype=np.int64)  # visible table indexes, in display order
        self._row_at = np.zeros(0, dtype=np.int64)  # per table index: its row, or -1
        self._sort = (DATE, Qt.SortOrder.AscendingOrder)
        self._ranks: dict[int, np.ndarray] = {}  # per column: each event's rank in it
        self.title_ranker: Callable[[EventTable], np.ndarray] | None = None
        """Ranks a table by title in one query (set by ``EventList.bind``)."""
        self._kind_labels: dict[str, str] = {}
        self._icons: dict[str, QIcon] = {}

    # --- content ----------------------------------------------------------------------
    def set_rows(self, table: EventTable, mask: np.ndarray, kind_labels: dict[str, str]) -> None:
        """Show the rows of ``table`` where ``mask`` is true (one model reset)."""
        self.beginResetModel()
        if table is not self._table or kind_labels != self._kind_labels:
            self._ranks = {}
        self._table = table
        self._kind_labels = dict(kind_labels)
        self._rows = self._ordered(np.flatnonzero(mask))
        self.endResetModel()

    def row_of(self, event_id: str) -> int | None:
        """The model row showing ``event_id``, or None when it is filtered out."""
        if self._table is None or event_id is None:
            return None
        index = self._table.index_of(event_id)
        if index is None or index >= len(self._row_at):
            return None
        row = int(self._row_at[index])
        return row if row >= 0 else None

    @property
    def sort_key(self) -> tuple[int, Qt.SortOrder]:
        """The column and direction rows are shown in."""
        return self._sort

    # --- order ------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt calls this on a header click; selected rows stay selected (moved along)."""
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = (column, order)
        if self._table is None:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        events = [int(self._rows[i.row()]) for i in old]
        self._rows = self._ordered(np.sort(self._rows))
        new = [
            self.index(int(self._row_at[e]), i.column()) for i, e in zip(old, events, strict=True)
        ]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _ordered(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` (ascending table indexes) in the current sort order; ties stay in date
        order either way. Also rebuilds the row lookup."""
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        if column == DATE:  # the table is in (date, id) order already
            rows = rows[::-1].copy() if descending else rows
        else:
            rank = self._rank(column)[rows]
            rows = rows[np.argsort(-rank if descending else rank, kind="stable")]
        table = self._table
        self._row_at = np.full(len(table) if table is not None else 0, -1, dtype=np.int64)
        self._row_at[rows] = np.arange(len(rows))
        return rows

    def _rank(self, column: int) -> np.ndarray:
        """Each event's place when the whole table is sorted by ``column`` (case-blind)."""
        if column not in self._ranks:
            table = self._table
            assert table is not None
            n = len(table)
            if column == TITLE and self.title_ranker is not None:
                rank = self.title_ranker(table)
            elif column == TITLE:
                rank = rank_of([table.title(i).casefold() for i in range(n)])
            elif column == KIND:
                labels = [self._kind_labels.get(k, k).casefold() for k in table.kinds]
                rank = rank_of(labels)[table.kind] if n else np.zeros(0, np.int64)
            else:
                rank = tag_rank(table.nations, n)
            self._ranks[column] = rank
        return self._ranks[column]

    def forget_icons(self) -> None:
        """Kind markers are drawn again (their colours depend on the theme)."""
        self._icons.clear()
        if len(self._rows):
            top, bottom = self.index(0, KIND), self.index(len(self._rows) - 1, KIND)
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.DecorationRole])

    def id_at(self, row: int) -> str | None:
        if self._table is None or not 0 <= row < len(self._rows):
            return None
        return str(self._table.ids[self._rows[row]])

    # --- Qt model ---------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        table = self._table
        if table is None or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        i = int(self._rows[index.row()])
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == DATE:
                return self._date(i)
            if col == TITLE:
                title = table.title(i)
                return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"
            if col == KIND:
                kind = table.kinds[table.kind[i]]
                return self._kind_labels.get(kind, kind)
            if col == NATIONS:
                return " ".join(self._nations(i))
        elif role == Qt.ItemDataRole.ToolTipRole:
            if col == DATE:
                return self._long_date(i)
            if col == TITLE:
                return tooltip(table.title(i))
            if col == NATIONS:
                return tooltip(" ".join(self._nations(i)))
        elif role == Qt.ItemDataRole.DecorationRole and col == KIND:
            return self._icon(table.kinds[table.kind[i]])
        elif role == Qt.ItemDataRole.ForegroundRole and table.kinds[table.kind[i]] == "related":
            # Olympic Defender context, not CSpO: greyed like on the timeline.
            return QPalette().color(QPalette.ColorRole.PlaceholderText)
        return None

    # --- cells ------------------------------------------------------------------------
    def _iso(self, i: int) -> tuple[str, str]:
        table = self._table
        assert table is not None
        return from_day(table.start[i]).isoformat(), _PRECISION_NAMES.get(
            int(table.precision[i]), "day"
        )

    def _date(self, i: int) -> str:
        iso, precision = self._iso(i)
        return short_iso(iso, precision)

    def _long_date(self, i: int) -> str:
        """ "3–5 Dec 2024": the end is the day before ``table.end`` for day events."""
        table = self._table
        assert table is not None
        iso, precision = self._iso(i)
        end = None
        if precision == "day" and table.end[i] - table.start[i] > 1:
            end = from_day(table.end[i] - 1).isoformat()
        return display_date(iso, precision, end)

    def _nations(self, i: int) -> tuple[str, ...]:
        """Alpha-3 codes of event ``i``, alphabetically."""
        table = self._table
        assert table is not None
        return table.tags_of("nation", i)

    def _icon(self, kind: str) -> QIcon:
        if kind not in self._icons:
            colour = kind_color(kind, is_dark(QPalette()))
            outline = QColor(colour).darker(160).name()
            self._icons[kind] = QIcon(symbol_pixmap(kind, 9, colour, outline, None))
        return self._icons[kind]


class EventList(QWidget):
    """The list view with its count; selection follows and drives the controller."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller: Controller | None = None
        self._syncing = False
        self._from_view = False  # the controller's selection change came from this list
        self.model = EventListModel(self)
        self.count_label = QLabel()
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.count_label.setContentsMargins(0, 2, 6, 0)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Ctrl+click selects a second event to compare with (event_actions).
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSortIndicator(DATE, Qt.SortOrder.AscendingOrder)  # before enabling sorting
        header.setSortIndicatorShown(True)
        self.view.setSortingEnabled(True)  # a header click sorts (EventListModel.sort)
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.verticalHeader().hide()
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(QFontMetrics(self.font()).height() + 8)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self._column_widths()
        self.view.selectionModel().selectionChanged.connect(self._view_selection_changed)
        self._attach_event_menu()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.view, 1)

    def _column_widths(self, kind_labels: tuple[str, ...] = ("Principals' meeting",)) -> None:
        """Widths from the font, not from the rows: measuring 100,000 cells is slow."""
        fm = QFontMetrics(self.view.font())
        pad = 24
        kind = max(fm.horizontalAdvance(label[:40]) for label in kind_labels or ("Kind",))
        self.view.setColumnWidth(DATE, fm.horizontalAdvance("0000-00-00") + pad)
        self.view.setColumnWidth(KIND, kind + pad + 16)  # 16: the kind's marker
        self.view.setColumnWidth(NATIONS, fm.horizontalAdvance("AUS CAN GBR USA NZL") + pad)

    # --- binding ----------------------------------------------------------------------
    def bind(self, controller: Controller) -> None:
        """Show ``controller``'s matching events and keep the selection in step with it."""
        self._controller = controller
        self.model.title_ranker = lambda table: title_rank(controller.store, table)
        controller.resultsChanged.connect(self._reload)
        controller.selectionChanged.connect(self._select_row)
        controller.databaseChanged.connect(self._fit_kind_column)
        self._fit_kind_column()
        self._reload()

    def changeEvent(self, event: QEvent) -> None:
        """A light/dark switch redraws the kind markers in that theme's colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.model.forget_icons()

    def sort_by(self, column: int, order: Qt.SortOrder) -> None:
        """Sort as a header click would (restoring remembered state)."""
        self.view.sortByColumn(column, order)

    @property
    def sort_key(self) -> tuple[int, Qt.SortOrder]:
        return self.model.sort_key

    def _fit_kind_column(self) -> None:
        if self._controller is not None:
            self._column_widths(tuple(k.label for k in self._controller.kinds))

    def _reload(self) -> None:
        c = self._controller
        if c is None:
            return
        self._syncing = True
        try:
            self.model.set_rows(c.table, c.mask, {k.id: k.label for k in c.kinds})
        finally:
            self._syncing = False
        self.count_label.setText(f"{self.model.rowCount():,} of {c.total_count:,} events")
        self._select_row(c.selected)

    def _select_row(self, event_id: str | None) -> None:
        """Mirror the controller's selection without calling back into it."""
        row = self.model.row_of(event_id) if event_id else None
        selection = self.view.selectionModel()
        self._syncing = True
        try:
            if row is None:
                selection.clearSelection()
            elif self._from_view and selection.isRowSelected(row):
                # A Ctrl+click added this row: keep the other selected rows.
                selection.setCurrentIndex(
                    self.model.index(row, TITLE), QItemSelectionModel.SelectionFlag.NoUpdate
                )
            else:
                index = self.model.index(row, TITLE)
                flags = (
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows
                    | QItemSelectionModel.SelectionFlag.Current
                )
                selection.setCurrentIndex(index, flags)
                self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._syncing = False

    def _view_selection_changed(self, selected: QItemSelection, _: QItemSelection) -> None:
        if self._syncing or self._controller is None:
            return
        rows = {i.row() for i in selected.indexes()}
        # A Ctrl+click that unselects one of two rows leaves the other one shown.
        remaining = [i.row() for i in self.view.selectionModel().selectedRows()]
        if rows or remaining:
            self._from_view = True
            try:
                self._controller.select(self.model.id_at(min(rows or remaining)))
            finally:
                self._from_view = False
        else:
            self._controller.select(None)

    # --- context menu (copy for a briefing, compare: event_actions) -------------------
    def _attach_event_menu(self) -> None:
        def event_at(pos) -> str | None:
            index = self.view.indexAt(pos)
            return self.model.id_at(index.row()) if index.isValid() else None

        self.event_menu = attach_event_menu(
            self.view, lambda: self._controller, event_at, self.selected_ids
        )

    def selected_ids(self) -> list[str]:
        """The selected events in list order (two, after a Ctrl+click, to compare)."""
        rows = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        return [eid for eid in (self.model.id_at(r) for r in rows) if eid is not None]

    # --- for tests and tools ----------------------------------------------------------
    def row_of(self, event_id: str) -> int | None:
        return self.model.row_of(event_id)

    def selected_id(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.id_at(rows[0].row()) if rows else None

    def count_text(self) -> str:
        return self.count_label.text()

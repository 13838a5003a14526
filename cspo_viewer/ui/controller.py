"""The one Qt object between the data layer and the widgets.

It owns the open database, the event table, the current filter and the selection, and
announces changes by signal. Widgets read from it and call its methods; none of them
touch SQL. Keeping the state here means the timeline, list, detail pane, filter panel and
export always agree on what is shown and selected.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from cspo_viewer.data.filters import EventFilter, Vocabulary
from cspo_viewer.data.records import EventDetail, Kind, Nation, Theme
from cspo_viewer.data.store import Store, open_store
from cspo_viewer.data.table import EventTable, load_table, matching_mask

GROUPINGS = ("kind", "nation", "theme")


class Controller(QObject):
    """State of one window: database, filter, matching events, selection, grouping."""

    databaseChanged = Signal()  # a new database (and table) is loaded
    filterChanged = Signal(object)  # EventFilter
    resultsChanged = Signal()  # the mask changed (after filterChanged or databaseChanged)
    selectionChanged = Signal(object)  # event id (str) or None
    groupingChanged = Signal(str)  # "kind" | "nation" | "theme"
    message = Signal(str)  # a sentence for the status bar
    pinsChanged = Signal()  # the events always labelled on the timeline changed

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._table = load_table(store)
        self._filter = EventFilter()
        self._mask = self._table.all
        self._selected: str | None = None
        self._grouping = "kind"
        self._pinned: frozenset[str] = frozenset()
        self._cache_reference()

    # --- database ---------------------------------------------------------------------
    def _cache_reference(self) -> None:
        self._nations = self._store.nations()
        self._themes = self._store.themes()
        self._kinds = self._store.kinds()

    @property
    def store(self) -> Store:
        return self._store

    @property
    def db_path(self) -> Path:
        return self._store.path

    def open_database(self, path: Path) -> None:
        """Switch to another database; raises ``DatabaseError`` and keeps the old one if bad."""
        store = open_store(path)
        old = self._store
        self._store = store
        self._table = load_table(store)
        self._cache_reference()
        old.close()
        self._selected = None
        self._filter = EventFilter()
        self._mask = self._table.all
        self.databaseChanged.emit()
        self.filterChanged.emit(self._filter)
        self.resultsChanged.emit()
        self.selectionChanged.emit(None)
        note = store.skipped_note()
        if note:  # rows of a foreign-written database were left out
            self.message.emit(note)

    def reload(self) -> None:
        """Re-read the table after the database changed underneath (e.g. an import)."""
        self.open_database(self._store.path)

    # --- reference data ---------------------------------------------------------------
    @property
    def vocabulary(self) -> Vocabulary:
        return self._store.vocabulary

    @property
    def nations(self) -> list[Nation]:
        return self._nations

    @property
    def themes(self) -> list[Theme]:
        return self._themes

    @property
    def kinds(self) -> list[Kind]:
        return self._kinds

    @property
    def table(self) -> EventTable:
        return self._table

    # --- filter -----------------------------------------------------------------------
    @property
    def filter(self) -> EventFilter:
        return self._filter

    @property
    def mask(self) -> np.ndarray:
        """Which rows of ``table`` the filter selects."""
        return self._mask

    @property
    def visible_count(self) -> int:
        return int(self._mask.sum())

    @property
    def total_count(self) -> int:
        return len(self._table)

    def set_filter(self, flt: EventFilter) -> None:
        if flt == self._filter:
            return
        self._filter = flt
        self._mask = matching_mask(self._store, self._table, flt)
        self.filterChanged.emit(flt)
        self.resultsChanged.emit()
        if self._selected is not None and not self.is_visible(self._selected):
            self.select(None)

    def clear_filter(self) -> None:
        self.set_filter(EventFilter())

    def is_visible(self, event_id: str) -> bool:
        index = self._table.index_of(event_id)
        return index is not None and bool(self._mask[index])

    # --- selection --------------------------------------------------------------------
    @property
    def selected(self) -> str | None:
        return self._selected

    def select(self, event_id: str | None) -> None:
        if event_id is not None and self._table.index_of(event_id) is None:
            self.message.emit(f"No event with id {event_id!r} in this database.")
            return
        if event_id == self._selected:
            return
        self._selected = event_id
        self.selectionChanged.emit(event_id)

    def select_step(self, step: int) -> None:
        """Select the next (+1) or previous (-1) visible event by date."""
        visible = np.flatnonzero(self._mask)
        if not len(visible):
            return
        current = self._table.index_of(self._selected) if self._selected else None
        if current is None:
            target = visible[0] if step > 0 else visible[-1]
        else:
            pos = int(np.searchsorted(visible, current))
            at_current = pos < len(visible) and visible[pos] == current
            pos = pos + step if at_current else (pos if step > 0 else pos - 1)
            target = visible[min(max(pos, 0), len(visible) - 1)]
        self.select(str(self._table.ids[target]))

    def detail(self, event_id: str) -> EventDetail | None:
        return self._store.event_detail(event_id)

    # --- grouping ---------------------------------------------------------------------
    @property
    def grouping(self) -> str:
        return self._grouping

    def set_grouping(self, grouping: str) -> None:
        if grouping not in GROUPINGS:
            raise ValueError(f"grouping must be one of {GROUPINGS}")
        if grouping != self._grouping:
            self._grouping = grouping
            self.groupingChanged.emit(grouping)

    # --- pinned labels ----------------------------------------------------------------
    @property
    def pinned(self) -> frozenset[str]:
        """Event ids the analyst asked to be always labelled (kept across databases)."""
        return self._pinned

    def set_pinned(self, ids: frozenset[str] | set[str]) -> None:
        ids = frozenset(ids)
        if ids != self._pinned:
            self._pinned = ids
            self.pinsChanged.emit()

    def toggle_pin(self, event_id: str) -> None:
        self.set_pinned(self._pinned ^ {event_id})

    def pinned_indexes(self) -> frozenset[int]:
        """Rows of ``table`` of the pinned events present in this database."""
        found = (self._table.index_of(i) for i in self._pinned)
        return frozenset(i for i in found if i is not None)

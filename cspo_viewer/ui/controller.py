"""The one Qt object between the model and the widgets.

State lives in a Qt-free ``model.session.Session`` (the open database, the event table,
the filter and its mask, grouping, pins, the edit operations); this thin QObject forwards
to it and announces every change by signal. Widgets read from it and call its methods;
none of them touch SQL. Keeping the state in one place means the timeline, list, detail
pane, filter panel and export always agree on what is shown and selected.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from cspo_viewer.data.filters import EventFilter, Vocabulary
from cspo_viewer.data.store import Store
from cspo_viewer.model.options import GROUPINGS
from cspo_viewer.model.session import Session

if TYPE_CHECKING:  # names for the signatures only; the edit path loads with the first edit
    from cspo_viewer.data.annotations import Annotation
    from cspo_viewer.data.edits import Checked, Edit
    from cspo_viewer.data.history import Change
    from cspo_viewer.data.records import EventDetail, Kind, Nation, Theme
    from cspo_viewer.data.saved_views import SavedView
    from cspo_viewer.data.sources_list import SourceChoice
    from cspo_viewer.data.table import EventTable
    from cspo_viewer.layout.content import TimelineContent
    from cspo_viewer.model.page import ExportData

__all__ = ["Controller"]


class Controller(QObject):
    """State of one window: database, filter, matching events, selection, grouping."""

    databaseChanged = Signal()  # a new database (and table) is loaded
    filterChanged = Signal(object)  # EventFilter
    resultsChanged = Signal()  # the mask changed (after filterChanged or databaseChanged)
    selectionChanged = Signal(object)  # event id (str) or None
    groupingChanged = Signal(str)  # "kind" | "nation" | "theme"
    message = Signal(str)  # a sentence for the status bar
    pinsChanged = Signal()  # the events always labelled on the timeline changed
    recordChanged = Signal(object)  # list of event ids added, edited or deleted here
    eventMenuRequested = Signal(object, str)  # QMenu, event id: add actions to it
    annotationsChanged = Signal()  # eras or notes were added, edited or deleted here

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = Session(store)
        self._selected: str | None = None
        self._cache_reference()

    # --- database ---------------------------------------------------------------------
    def _cache_reference(self) -> None:
        store = self.session.store
        self._nations = store.nations()
        self._themes = store.themes()
        self._kinds = store.kinds()

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def db_path(self) -> Path:
        return self.session.db_path

    def open_database(self, path: Path) -> None:
        """Switch to another database; raises ``DatabaseError`` and keeps the old one if bad."""
        old = self.session.open(path)
        self._cache_reference()
        old.close()
        self._selected = None
        self.databaseChanged.emit()
        self.filterChanged.emit(self.session.filter)
        self.resultsChanged.emit()
        self.selectionChanged.emit(None)
        note = self.session.store.skipped_note()
        if note:  # rows of a foreign-written database were left out
            self.message.emit(note)

    def reload(self) -> None:
        """Re-read the database after it changed underneath (e.g. an import)."""
        self.open_database(self.session.db_path)

    def check_for_outside_changes(self) -> bool:
        """Reload, keeping filter and selection, when another program changed the file
        (``PRAGMA data_version``); says so in the status bar. True when it reloaded."""
        if not self.session.changed_elsewhere():
            return False
        self.session.reload()
        self._cache_reference()
        self.resultsChanged.emit()
        selected = self._selected
        if selected is not None and self.table.index_of(selected) is None:
            self.select(None)
        else:
            self.recordChanged.emit([selected] if selected else [])
        self.message.emit("Another program changed the database; the window shows it as it is now.")
        return True

    # --- editing ----------------------------------------------------------------------
    @property
    def is_bundled(self) -> bool:
        return self.session.is_bundled

    def record(self, event_id: str) -> dict[str, Any] | None:
        return self.session.record(event_id)

    def check(self, fields: Mapping[str, Any], editing: str | None = None) -> Checked:
        return self.session.check(fields, editing)

    def apply(self, edit: Edit, action: str | None = None, *, select: bool = True) -> None:
        """Write an edit (raises ``DatabaseError`` with one sentence, writing nothing), then
        show it: the table follows, the edited event is selected, widgets are told."""
        changed = self.session.apply(edit, action)
        self.after_write(changed, select=select)

    def after_write(self, event_ids: list[str], *, select: bool = True) -> None:
        """Announce a write this window made (an edit, or an import it ran)."""
        self.resultsChanged.emit()
        self.recordChanged.emit(event_ids)
        shown = [e for e in event_ids if self.table.index_of(e) is not None]
        if self._selected is not None and self.table.index_of(self._selected) is None:
            self._selected = None
            self.selectionChanged.emit(None)
        if select and shown:
            self.select(shown[-1])

    def imported(self) -> None:
        """An import into this database has committed: follow it like any other write."""
        self.session.reload()
        self.session.changed_elsewhere()  # our own write
        self._cache_reference()
        self.databaseChanged.emit()
        self.resultsChanged.emit()
        self.recordChanged.emit([])

    # --- eras and notes -----------------------------------------------------------------
    @property
    def annotations(self) -> list[Annotation]:
        """The eras and notes the timeline draws (a saved view may show only some)."""
        return self.session.shown_annotations()

    @property
    def annotation_ids(self) -> tuple[int, ...] | None:
        """The ids of the eras and notes shown (a saved view's), or None for all."""
        ids = self.session.annotation_ids
        return None if ids is None else tuple(sorted(ids))

    def show_annotations(self, ids: tuple[int, ...] | None) -> None:
        """Show only these eras and notes (a saved view's), or all of them (None)."""
        self.session.annotation_ids = None if ids is None else frozenset(ids)
        self.annotationsChanged.emit()

    def add_annotation(self, annotation: Annotation) -> Annotation:
        """Each write raises ``AnnotationError``/``DatabaseError`` (one sentence, nothing
        written) or is announced by ``annotationsChanged``."""
        stored = self.session.add_annotation(annotation)
        self.annotationsChanged.emit()
        return stored

    def update_annotation(
        self, annotation: Annotation, before: Annotation | None = None
    ) -> Annotation:
        stored = self.session.update_annotation(annotation, before)
        self.annotationsChanged.emit()
        return stored

    def delete_annotation(self, annotation_id: int, before: Annotation | None = None) -> Annotation:
        gone = self.session.delete_annotation(annotation_id, before)
        self.annotationsChanged.emit()
        return gone

    def save_source(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        return self.session.save_source(fields)

    def history(self, event_id: str | None = None, limit: int | None = None) -> list[Change]:
        return self.session.history(event_id, limit)

    def sources(self) -> list[SourceChoice]:
        return self.session.sources()

    def source_text(self, source_id: str) -> str | None:
        return self.session.source_text(source_id)

    def source_fields(self, source_id: str) -> dict[str, Any] | None:
        return self.session.source_fields(source_id)

    def speaker_roles(self) -> dict[str, str]:
        return self.session.speaker_roles()

    # --- reference data ---------------------------------------------------------------
    @property
    def vocabulary(self) -> Vocabulary:
        return self.store.vocabulary

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
        return self.session.table

    # --- filter -----------------------------------------------------------------------
    @property
    def filter(self) -> EventFilter:
        return self.session.filter

    @property
    def mask(self) -> np.ndarray:
        """Which rows of ``table`` the filter selects."""
        return self.session.mask

    @property
    def visible_count(self) -> int:
        return int(self.mask.sum())

    @property
    def total_count(self) -> int:
        return len(self.table)

    def set_filter(self, flt: EventFilter) -> None:
        if not self.session.set_filter(flt):
            return
        self.filterChanged.emit(flt)
        self.resultsChanged.emit()
        if self._selected is not None and not self.is_visible(self._selected):
            self.select(None)

    def clear_filter(self) -> None:
        self.set_filter(EventFilter())

    def is_visible(self, event_id: str) -> bool:
        return self.session.is_visible(event_id)

    # --- selection --------------------------------------------------------------------
    @property
    def selected(self) -> str | None:
        return self._selected

    def select(self, event_id: str | None) -> None:
        if event_id is not None and self.table.index_of(event_id) is None:
            self.message.emit(f"No event with id {event_id!r} in this database.")
            return
        if event_id == self._selected:
            return
        self._selected = event_id
        self.selectionChanged.emit(event_id)

    def select_step(self, step: int) -> None:
        """Select the next (+1) or previous (-1) visible event by date."""
        visible = np.flatnonzero(self.mask)
        if not len(visible):
            return
        current = self.table.index_of(self._selected) if self._selected else None
        if current is None:
            target = visible[0] if step > 0 else visible[-1]
        else:
            pos = int(np.searchsorted(visible, current))
            at_current = pos < len(visible) and visible[pos] == current
            pos = pos + step if at_current else (pos if step > 0 else pos - 1)
            target = visible[min(max(pos, 0), len(visible) - 1)]
        self.select(str(self.table.ids[target]))

    def detail(self, event_id: str) -> EventDetail | None:
        return self.session.detail(event_id)

    def export_data(self) -> ExportData:
        return self.session.export_data()

    def content(self, *, keep_dimmed: bool = False, show_empty: bool = False) -> TimelineContent:
        return self.session.content(keep_dimmed=keep_dimmed, show_empty=show_empty)

    # --- grouping ---------------------------------------------------------------------
    @property
    def grouping(self) -> str:
        return self.session.grouping

    def set_grouping(self, grouping: str) -> None:
        if grouping not in GROUPINGS:
            raise ValueError(f"grouping must be one of {GROUPINGS}")
        if grouping != self.session.grouping:
            self.session.grouping = grouping
            self.groupingChanged.emit(grouping)

    # --- pinned labels ----------------------------------------------------------------
    @property
    def pinned(self) -> frozenset[str]:
        """Event ids the analyst asked to be always labelled (kept across databases)."""
        return self.session.pinned

    def set_pinned(self, ids: frozenset[str] | set[str]) -> None:
        ids = frozenset(ids)
        if ids != self.session.pinned:
            self.session.pinned = ids
            self.pinsChanged.emit()

    def toggle_pin(self, event_id: str) -> None:
        self.set_pinned(self.session.pinned ^ {event_id})

    def pinned_indexes(self) -> frozenset[int]:
        """Rows of ``table`` of the pinned events present in this database."""
        found = (self.table.index_of(i) for i in self.session.pinned)
        return frozenset(i for i in found if i is not None)

    # --- saved views ------------------------------------------------------------------
    def saved_views(self) -> list[SavedView]:
        return self.session.saved_views()

    def save_view(self, view: SavedView, *, replace: bool = False) -> bool:
        return self.session.save_view(view, replace=replace)

    def rename_view(self, old: str, new: str) -> str:
        return self.session.rename_view(old, new)

    def delete_view(self, name: str) -> None:
        self.session.delete_view(name)

"""One open record and what is shown of it, without Qt.

A ``Session`` holds the open database (read-only), its event table, the filter and the
mask it selects, the grouping, the pinned labels and the eras and notes, and offers the
edit operations an undo stack calls. The window's ``Controller`` is a thin QObject over
it that announces changes by signal, the way napari's Qt widgets subscribe to its
Qt-free models; the command line and the tests use a ``Session`` directly.

Edits go through ``data.edits`` (one write path, shared with import) on a connection of
their own; the session's read connection then sees them, and the table follows by
reading only the changed events (``table.apply_changes``). That module (and the import's
validation it shares) loads with the first edit: the first frame does not need it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cspo_viewer.data import annotations as notes
from cspo_viewer.data import saved_views
from cspo_viewer.data.annotations import Annotation
from cspo_viewer.data.db_file import data_version
from cspo_viewer.data.event_record import load_record
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.history import Change, read_history
from cspo_viewer.data.records import EventDetail
from cspo_viewer.data.saved_views import SavedView
from cspo_viewer.data.sources_list import (
    SourceChoice,
    list_sources,
    source_fields,
    source_text,
    speaker_roles,
)
from cspo_viewer.data.store import Store, open_store
from cspo_viewer.data.table import EventTable, apply_changes, load_table, matching_mask
from cspo_viewer.data.writing import is_bundled_database
from cspo_viewer.layout.content import TimelineContent
from cspo_viewer.model.page import ExportData, timeline_content

if TYPE_CHECKING:
    from cspo_viewer.data import edits


class Session:
    """State of one view of one database; see the module docstring."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: EventTable = load_table(store)
        self.filter = EventFilter()
        self.mask: np.ndarray = self.table.all
        self.grouping = "kind"
        self.pinned: frozenset[str] = frozenset()
        self.annotations: list[Annotation] = notes.list_annotations(store)
        self.annotation_ids: frozenset[int] | None = None  # those shown; None: all
        self._seen_version = data_version(store.conn)

    # --- the database -----------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.store.path

    @property
    def is_bundled(self) -> bool:
        """The shipped record is never written: editing it means saving a copy first."""
        return is_bundled_database(self.store.path)

    def open(self, path: Path) -> Store:
        """Switch to ``path`` (raises ``DatabaseError``, keeping this one, when it is bad);
        the filter starts empty. Returns the old store, for the caller to close."""
        store = open_store(path)
        table = load_table(store)
        old, self.store, self.table = self.store, store, table
        self.filter = EventFilter()
        self.mask = table.all
        self.annotations = notes.list_annotations(store)
        self.annotation_ids = None  # ids name another file's annotations
        self._seen_version = data_version(store.conn)
        return old

    def changed_elsewhere(self) -> bool:
        """Whether another program committed to the database since we last looked
        (``PRAGMA data_version``); our own edits are taken note of as they are made."""
        version = data_version(self.store.conn)
        changed = version != self._seen_version
        self._seen_version = version
        return changed

    def reload(self) -> None:
        """Re-read every event, keeping the filter (after another program's change)."""
        self.table = load_table(self.store)
        self.mask = matching_mask(self.store, self.table, self.filter)
        self.annotations = notes.list_annotations(self.store)

    # --- filter -----------------------------------------------------------------------
    def set_filter(self, flt: EventFilter) -> bool:
        if flt == self.filter:
            return False
        self.filter = flt
        self.mask = matching_mask(self.store, self.table, flt)
        return True

    def is_visible(self, event_id: str) -> bool:
        index = self.table.index_of(event_id)
        return index is not None and bool(self.mask[index])

    def detail(self, event_id: str) -> EventDetail | None:
        return self.store.event_detail(event_id)

    # --- what is drawn -------------------------------------------------------------------
    def export_data(self) -> ExportData:
        """The events as shown: what the export dialog, the briefing views and print draw."""
        return ExportData(self.store, self.table, self.filter, self.mask)

    def content(self, *, keep_dimmed: bool = False, show_empty: bool = False) -> TimelineContent:
        """The timeline's lanes, exactly as an export of the same filter lays them out."""
        return timeline_content(
            self.export_data(),
            self.grouping,
            keep_dimmed=keep_dimmed,
            show_empty=show_empty,
            annotations=self.shown_annotations(),
        )

    # --- editing --------------------------------------------------------------------------
    def record(self, event_id: str) -> dict[str, Any] | None:
        """The stored event as the editor and the history hold it."""
        return load_record(self.store.conn, event_id)

    def check(self, fields: Mapping[str, Any], editing: str | None = None) -> edits.Checked:
        from cspo_viewer.data import edits  # the write path loads with the first edit

        return edits.check_event(self.store, fields, editing=editing)

    def apply(self, edit: edits.Edit, action: str | None = None) -> list[str]:
        """Write ``edit`` (raises ``DatabaseError``/``EditConflict``, writing nothing) and
        bring the table and mask up to date; returns the ids of the events it touched."""
        from cspo_viewer.data import edits

        edits.apply_edit(self.db_path, edit, action=action)
        changed = [*edit.event_ids, *(s.after["id"] for s in edit.steps if s.after)]
        self.after_write(list(dict.fromkeys(changed)))
        return changed

    def after_write(self, event_ids: list[str]) -> None:
        """Our own write committed: follow it, and do not take it for another program's."""
        self.table = apply_changes(self.store, self.table, event_ids)
        self.mask = matching_mask(self.store, self.table, self.filter)
        self._seen_version = data_version(self.store.conn)

    def save_source(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        from cspo_viewer.data import edits

        record = edits.save_source(self.db_path, fields)
        self._seen_version = data_version(self.store.conn)
        return record

    # --- eras and notes ---------------------------------------------------------------------
    def shown_annotations(self) -> list[Annotation]:
        """The eras and notes drawn: all, or those a saved view names (``annotation_ids``)."""
        return notes.with_ids(self.annotations, self.annotation_ids)

    def add_annotation(self, annotation: Annotation) -> Annotation:
        """Store an era or note (raises ``AnnotationError`` or ``DatabaseError``, writing
        nothing); returns it with its id. A saved view's selection gains it."""
        stored = notes.add_annotation(self.db_path, annotation)
        if self.annotation_ids is not None and stored.id is not None:
            self.annotation_ids |= {stored.id}
        self._after_annotation_write()
        return stored

    def update_annotation(
        self, annotation: Annotation, before: Annotation | None = None
    ) -> Annotation:
        """``before``: what the window showed; a change by another program is refused."""
        stored = notes.update_annotation(self.db_path, annotation, before=before)
        self._after_annotation_write()
        return stored

    def delete_annotation(self, annotation_id: int, before: Annotation | None = None) -> Annotation:
        gone = notes.delete_annotation(self.db_path, annotation_id, before=before)
        self._after_annotation_write()
        return gone

    def _after_annotation_write(self) -> None:
        self.annotations = notes.list_annotations(self.store)
        self._seen_version = data_version(self.store.conn)

    def history(self, event_id: str | None = None, limit: int | None = None) -> list[Change]:
        return read_history(self.store.conn, event_id, limit=limit)

    def sources(self) -> list[SourceChoice]:
        return list_sources(self.store)

    def source_text(self, source_id: str) -> str | None:
        return source_text(self.store, source_id)

    def source_fields(self, source_id: str) -> dict[str, Any] | None:
        return source_fields(self.store, source_id)

    def speaker_roles(self) -> dict[str, str]:
        return speaker_roles(self.store)

    # --- saved views ----------------------------------------------------------------------
    def saved_views(self) -> list[SavedView]:
        return saved_views.list_views(self.store)

    def save_view(self, view: SavedView, *, replace: bool = False) -> bool:
        """Store ``view`` (True when it replaced one); our own write, not another program's."""
        replaced = saved_views.save_view(self.db_path, view, replace=replace)
        self._seen_version = data_version(self.store.conn)
        return replaced

    def rename_view(self, old: str, new: str) -> str:
        name = saved_views.rename_view(self.db_path, old, new)
        self._seen_version = data_version(self.store.conn)
        return name

    def delete_view(self, name: str) -> None:
        saved_views.delete_view(self.db_path, name)
        self._seen_version = data_version(self.store.conn)

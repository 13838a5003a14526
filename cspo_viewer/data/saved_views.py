"""Saved views: a briefing's filter, grouping, dates, pins, title, marking, size and format,
stored under a name in the record's ``views`` table (schema v3), no Qt.

A view lives in the database rather than in the analyst's settings so that it travels with
the record (a copy, a shared file) and shows in Datasette. Each row's ``settings`` column is
one JSON object; the filter inside it is ``EventFilter.to_settings()``, read back with
``filter_from_settings`` (the rule the window's remembered filter uses), so a view naming a
nation the record no longer knows still opens, with a note saying what was left out.

Writes go through the one write path (``writing.open_for_writing`` refuses the bundled
record; ``writing.write_transaction`` takes the lock). Views are not events: nothing is
recorded in ``changes``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspo_viewer.data.dates import to_day
from cspo_viewer.data.filters import (
    EventFilter,
    FilterError,
    Vocabulary,
    filter_from_settings,
    parse_date,
)
from cspo_viewer.data.history import now_utc
from cspo_viewer.data.store import Store
from cspo_viewer.data.writing import NOTHING_SAVED, open_for_writing, write_transaction
from cspo_viewer.errors import UserError

MAX_NAME = 80
"""A view's name is a menu entry and a file name: one short line."""


class ViewError(UserError):
    """A view that cannot be found, named or stored; the message says which and why."""


@dataclass(frozen=True)
class SavedView:
    """One named briefing. ``date_range`` is the timeline's visible days (first and last,
    ISO) or None for "fit the filtered events"; ``size`` is the export's pixels and
    ``format`` its file type ("png", "svg", "pdf", "pptx"), None when never chosen;
    ``annotations`` the ids of the eras and notes it shows, None for all of them.
    ``notes`` say what a stored value no longer matches in this record (not stored)."""

    name: str
    filter: EventFilter = field(default_factory=EventFilter)
    grouping: str = "kind"
    date_range: tuple[str, str] | None = None
    pins: tuple[str, ...] = ()
    title: str | None = None
    marking: str = ""
    size: tuple[int, int] | None = None
    format: str | None = None
    annotations: tuple[int, ...] | None = None
    created: str | None = None
    updated: str | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def x_range(self) -> tuple[float, float] | None:
        """The range in the timeline's day units: from the first day's start to the end
        of the last (the window's "Filter to visible dates" reads it back the same way)."""
        if self.date_range is None:
            return None
        first, last = self.date_range
        return float(to_day(first)), float(to_day(last) + 1)

    def settings(self) -> dict[str, Any]:
        """What the ``settings`` column holds (everything but the name and the dates)."""
        return {
            "filter": self.filter.to_settings(),
            "grouping": self.grouping,
            "range": list(self.date_range) if self.date_range else None,
            "pins": list(self.pins),
            "title": self.title,
            "marking": self.marking,
            "size": list(self.size) if self.size else None,
            "format": self.format,
            "annotations": None if self.annotations is None else list(self.annotations),
        }


def check_name(name: str) -> str:
    """The name as stored (trimmed), or ``ViewError`` saying what is wrong with it."""
    cleaned = name.strip()
    if not cleaned:
        raise ViewError("a saved view needs a name")
    if any(ord(c) < 32 or ord(c) == 127 for c in cleaned):
        raise ViewError(f"the view name {cleaned!r} holds a control character; use plain text")
    if len(cleaned) > MAX_NAME:
        raise ViewError(f"the view name is {len(cleaned)} characters long; keep it to {MAX_NAME}")
    return cleaned


# --- reading -----------------------------------------------------------------------------
def has_views_table(conn: sqlite3.Connection) -> bool:
    """A database older than schema v3 (opened read-only, not yet upgraded) has none."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'views'")
    return row.fetchone() is not None


def list_views(store: Store) -> list[SavedView]:
    """Every saved view in ``store``, by name (case aside)."""
    if not has_views_table(store.conn):
        return []
    rows = store.conn.execute(
        "SELECT name, settings, created, updated FROM views ORDER BY name COLLATE NOCASE, name"
    )
    return [view_from_row(row, store.vocabulary) for row in rows]


def view_names(store: Store) -> list[str]:
    return [view.name for view in list_views(store)]


def get_view(store: Store, name: str) -> SavedView:
    """The view called ``name``; ``ViewError`` listing the saved names when there is none."""
    row = None
    if has_views_table(store.conn):
        row = store.conn.execute(
            "SELECT name, settings, created, updated FROM views WHERE name = ?", [name]
        ).fetchone()
    if row is None:
        raise ViewError(unknown_sentence(name, view_names(store), store.path))
    return view_from_row(row, store.vocabulary)


def unknown_sentence(name: str, names: list[str], db_path: Path) -> str:
    if not names:
        return f"no saved view named {name!r}: {db_path} has no saved views"
    listed = ", ".join(repr(n) for n in names)
    return f"no saved view named {name!r}; the saved views are {listed}"


def view_from_row(row: tuple[Any, ...], vocab: Vocabulary) -> SavedView:
    name, settings, created, updated = row
    notes: list[str] = []
    try:
        data = json.loads(settings)
    except (TypeError, ValueError):
        data = None
    if not isinstance(data, dict):
        notes.append("its stored settings are not a JSON object; it shows every event")
        data = {}
    return view_from_settings(str(name), data, vocab, notes, created=created, updated=updated)


def view_from_settings(
    name: str,
    data: Mapping[str, Any],
    vocab: Vocabulary,
    notes: list[str] | None = None,
    *,
    created: str | None = None,
    updated: str | None = None,
) -> SavedView:
    """A view from its stored settings. A value this record does not know is left out
    with a note, never an error: a view saved on another copy must still open."""
    notes = [] if notes is None else notes
    raw_filter = data.get("filter")
    if not isinstance(raw_filter, Mapping):
        raw_filter = {}
    flt, dropped = filter_from_settings(raw_filter, vocab)
    notes.extend(dropped)
    return SavedView(
        name=name,
        filter=flt,
        grouping=_text(data.get("grouping")) or "kind",
        date_range=_date_range(data.get("range"), notes),
        pins=tuple(str(p) for p in _list(data.get("pins")) if p),
        title=_text(data.get("title")) or None,
        marking=_text(data.get("marking")),
        size=_size(data.get("size"), notes),
        format=_text(data.get("format")).lower().lstrip(".") or None,
        annotations=_annotation_ids(data.get("annotations")),
        created=created,
        updated=updated,
        notes=tuple(notes),
    )


def _annotation_ids(value: Any) -> tuple[int, ...] | None:
    """The eras and notes a view shows: ids, or None for all of them (new ones too)."""
    if value is None:
        return None
    return tuple(int(a) for a in _list(value) if _is_int(a))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _date_range(value: Any, notes: list[str]) -> tuple[str, str] | None:
    if value is None:
        return None
    try:
        first, last = value
        return parse_date(str(first)), parse_date(str(last), end=True)
    except (TypeError, ValueError, FilterError):
        notes.append(f"saved dates {value!r} are not a range of dates; it shows every date")
        return None


def _size(value: Any, notes: list[str]) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 2 and all(_is_int(v) for v in value):
        return int(value[0]), int(value[1])
    notes.append(f"saved size {value!r} is not WIDTHxHEIGHT; the default size is used")
    return None


# --- writing -----------------------------------------------------------------------------
@contextmanager
def _writing(db_path: Path) -> Iterator[sqlite3.Connection]:
    """The one write path (``writing.open_for_writing`` refuses the bundled record)."""
    with open_for_writing(db_path) as store, write_transaction(store, NOTHING_SAVED) as conn:
        yield conn


def _taken(name: str) -> ViewError:
    from cspo_viewer.data.edits import NOTHING

    return ViewError(f"a saved view named {name!r} already exists; {NOTHING}")


def _exists(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM views WHERE name = ?", [name]).fetchone() is not None


def _names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM views ORDER BY name COLLATE NOCASE")]


def save_view(db_path: Path, view: SavedView, *, replace: bool = False) -> bool:
    """Store ``view`` under its name; True when it replaced one of that name (which only
    ``replace`` allows: otherwise ``ViewError``). ``created`` is kept on a replace."""
    name = check_name(view.name)
    settings = json.dumps(view.settings(), ensure_ascii=False, sort_keys=True)
    with _writing(db_path) as conn:
        existed = _exists(conn, name)
        if existed and not replace:
            raise _taken(name)
        now = now_utc()
        conn.execute(
            "INSERT INTO views (name, settings, created, updated) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET settings = excluded.settings,"
            " updated = excluded.updated",
            [name, settings, now, now],
        )
    return existed


def rename_view(db_path: Path, old: str, new: str) -> str:
    """Rename a view (refused when ``new`` is taken); returns the stored new name."""
    name = check_name(new)
    with _writing(db_path) as conn:
        if not _exists(conn, old):
            raise ViewError(unknown_sentence(old, _names(conn), db_path))
        if name != old and _exists(conn, name):
            raise _taken(name)
        conn.execute(
            "UPDATE views SET name = ?, updated = ? WHERE name = ?", [name, now_utc(), old]
        )
    return name


def delete_view(db_path: Path, name: str) -> None:
    with _writing(db_path) as conn:
        if not _exists(conn, name):
            raise ViewError(unknown_sentence(name, _names(conn), db_path))
        conn.execute("DELETE FROM views WHERE name = ?", [name])

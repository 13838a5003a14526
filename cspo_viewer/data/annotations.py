"""Eras and notes: what an analyst marks on the timeline, stored in ``annotations`` (no Qt).

An era names a period (``date`` to ``end_date``) and has a colour; a note is a short text
at a date, or tied to an event (``event_id``; its ``date`` is then the event's, so it
still stands where it was should the event go). Both are checked by the import's date
rule (``validate.parse_day``) and written through the one write path
(``writing.write_transaction``), each write recorded in ``changes`` as a source's is.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cspo_viewer.data.dates import display_date, parse_day, period_end
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.history import WINDOW_ORIGIN, record_changes
from cspo_viewer.data.store import Store
from cspo_viewer.data.writing import NOTHING_SAVED, open_for_writing, write_transaction

KINDS = ("era", "note")
COLUMNS = ("id", "kind", "title", "date", "end_date", "event_id", "colour", "text")
ERA_COLOUR = "#8da0cb"
"""An era's colour when none is given: a mid blue-grey that reads behind either theme."""
MAX_NOTE_CHARS = 280
"""A note is short: it is drawn on the timeline, not read in a pane."""
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


class AnnotationError(ValueError):
    """An era or note that cannot be stored: the message is one sentence saying why."""


@dataclass(frozen=True)
class Annotation:
    """One row of ``annotations``. ``id`` is None until it is stored."""

    kind: str  # "era" or "note"
    title: str
    date: str  # ISO day, month or year, as the import takes it
    end_date: str | None = None  # an era's last day (inclusive)
    event_id: str | None = None  # the event a note is tied to
    colour: str | None = None  # #RRGGBB (eras)
    text: str | None = None  # a note's longer text, or an era's description
    id: int | None = None

    @property
    def is_era(self) -> bool:
        return self.kind == "era"

    @property
    def first_day(self) -> str:
        """The first ISO day it covers."""
        return parse_day(self.date)[0].isoformat()

    @property
    def last_day(self) -> str:
        """The last ISO day it covers: an era's end (or the end of its month or year)."""
        first, precision = parse_day(self.end_date or self.date)
        return period_end(first.isoformat(), precision)

    def record(self) -> dict[str, Any]:
        """The row as stored (and as the history holds it)."""
        return {c: getattr(self, c) for c in COLUMNS}


def describe(a: Annotation) -> str:
    """What the timeline's tooltip says of an era or note (plain text): what it is, its
    dates as people read them, and its details."""
    first, precision = parse_day(a.date)
    when = display_date(first.isoformat(), precision)
    if a.is_era and a.end_date:
        last, last_precision = parse_day(a.end_date)
        when = f"{when} – {display_date(last.isoformat(), last_precision)}"
    head = f"{'Era' if a.is_era else 'Note'}: {a.title}"
    return "\n".join(part for part in (head, when, a.text) if part)


def check(annotation: Annotation) -> Annotation:
    """``annotation`` tidied (titles stripped, dates as given), or ``AnnotationError``
    naming the first thing wrong with it."""
    a = replace(
        annotation,
        title=(annotation.title or "").strip(),
        date=(annotation.date or "").strip(),
        end_date=(annotation.end_date or "").strip() or None,
        colour=(annotation.colour or "").strip() or None,
        text=(annotation.text or "").strip() or None,
        event_id=(annotation.event_id or "").strip() or None,
    )
    if a.kind not in KINDS:
        raise AnnotationError(f"an annotation is an era or a note, not {a.kind!r}")
    if not a.title:
        raise AnnotationError(f"the {a.kind} has no title")
    if "\x00" in a.title + (a.text or ""):
        raise AnnotationError(f"the {a.kind}'s text contains a NUL character")
    if a.kind == "note" and len(a.title) > MAX_NOTE_CHARS:
        raise AnnotationError(f"the note is {len(a.title)} characters; at most {MAX_NOTE_CHARS}")
    for name, value in (("date", a.date), ("end date", a.end_date)):
        if value is not None:
            try:
                parse_day(value)
            except ValueError as exc:
                raise AnnotationError(f"the {a.kind}'s {name}: {exc}") from None
    if a.kind == "era":
        if a.end_date is None:
            raise AnnotationError("an era needs an end date")
        if a.last_day < a.first_day:
            raise AnnotationError(f"the era ends ({a.end_date}) before it starts ({a.date})")
        if a.event_id is not None:
            raise AnnotationError("an era spans dates; only a note is tied to an event")
    elif a.end_date is not None:
        raise AnnotationError("a note marks one date; an end date makes it an era")
    if a.colour is not None and not _COLOUR.fullmatch(a.colour):
        raise AnnotationError(f"{a.colour!r} is not a colour; use #RRGGBB")
    return a


# --- reading ------------------------------------------------------------------------------
def has_annotations_table(conn: sqlite3.Connection) -> bool:
    """A v3 file has the table; an older one, opened read-only, does not."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'annotations'"
    ).fetchone()
    return row is not None


def list_annotations(store: Store) -> list[Annotation]:
    """Every era and note, eras first, each in date order. Rows another program wrote
    that do not pass ``check`` are left out rather than drawn wrong."""
    conn = store.conn
    if not has_annotations_table(conn):
        return []
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM annotations ORDER BY id")
    found: list[Annotation] = []
    for row in rows:
        values = dict(zip(COLUMNS, row, strict=True))
        try:
            found.append(check(Annotation(**values)))
        except (AnnotationError, TypeError):
            continue
    return sorted(found, key=lambda a: (a.kind != "era", a.first_day, a.id or 0))


def with_ids(annotations: Iterable[Annotation], ids: Iterable[int] | None) -> list[Annotation]:
    """Those of ``annotations`` whose id is in ``ids`` (all of them for None): what a
    saved view that records its annotations' ids shows."""
    if ids is None:
        return list(annotations)
    wanted = set(ids)
    return [a for a in annotations if a.id in wanted]


# --- writing ------------------------------------------------------------------------------
NOTHING = NOTHING_SAVED


def insert_new(
    conn: sqlite3.Connection, annotations: Iterable[Annotation], origin: str
) -> list[Annotation]:
    """Inside the caller's transaction (an import's), store those of ``annotations`` that
    are not stored already (the same kind, title and dates), so importing a file again
    adds nothing; each is recorded in ``changes``. Returns those stored."""
    if not has_annotations_table(conn):
        return []
    fresh = new_ones(conn, annotations)
    for a in fresh:
        record = a.record()
        del record["id"]
        conn.execute(
            f"INSERT INTO annotations ({', '.join(record)}) VALUES "
            f"({', '.join('?' for _ in record)})",
            list(record.values()),
        )
    if fresh:
        record_changes(conn, "add", [(None, None, _as_change(a)) for a in fresh], origin=origin)
    return fresh


def new_ones(conn: sqlite3.Connection, annotations: Iterable[Annotation]) -> list[Annotation]:
    """Those of ``annotations`` not stored yet (by kind, title and dates)."""
    stored: set[tuple[Any, ...]] = set()
    if has_annotations_table(conn):
        stored = set(conn.execute("SELECT kind, title, date, end_date FROM annotations"))
    fresh = []
    for a in annotations:
        key = (a.kind, a.title, a.date, a.end_date)
        if key not in stored:
            stored.add(key)
            fresh.append(a)
    return fresh


def add_annotation(db_path: Path, annotation: Annotation) -> Annotation:
    """Store a new era or note (its ``id``, if given, is kept: undoing a delete gives the
    same id back); returns it with its id."""
    a = check(annotation)
    with open_for_writing(db_path) as store, write_transaction(store, NOTHING) as conn:
        _check_event(conn, a, db_path)
        if a.id is not None and _stored(conn, a.id) is not None:
            raise DatabaseError(f"{db_path} already has an annotation {a.id}; {NOTHING}")
        record = a.record()
        if a.id is None:
            del record["id"]
        cursor = conn.execute(
            f"INSERT INTO annotations ({', '.join(record)}) VALUES "
            f"({', '.join('?' for _ in record)})",
            list(record.values()),
        )
        a = replace(a, id=int(cursor.lastrowid or 0) if a.id is None else a.id)
        record_changes(conn, "add", [(None, None, _as_change(a))], origin=WINDOW_ORIGIN)
    return a


def update_annotation(
    db_path: Path, annotation: Annotation, *, before: Annotation | None = None
) -> Annotation:
    """Store a changed era or note over the one with its id. With ``before`` (what the
    window showed), one another program changed meanwhile is refused, never overwritten."""
    a = check(annotation)
    if a.id is None:
        raise AnnotationError(f"the {a.kind} has not been stored yet")
    with open_for_writing(db_path) as store, write_transaction(store, NOTHING) as conn:
        before = _stored_as(conn, a.id, db_path, before)
        _check_event(conn, a, db_path)
        assignments = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
        conn.execute(
            f"UPDATE annotations SET {assignments} WHERE id = ?",
            [*(getattr(a, c) for c in COLUMNS[1:]), a.id],
        )
        record_changes(
            conn, "edit", [(None, _as_change(before), _as_change(a))], origin=WINDOW_ORIGIN
        )
    return a


def delete_annotation(
    db_path: Path, annotation_id: int, *, before: Annotation | None = None
) -> Annotation:
    """Remove an era or note; returns it as it was (for undo). With ``before``, one
    another program changed meanwhile is refused."""
    with open_for_writing(db_path) as store, write_transaction(store, NOTHING) as conn:
        before = _stored_as(conn, annotation_id, db_path, before)
        conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
        record_changes(conn, "delete", [(None, _as_change(before), None)], origin=WINDOW_ORIGIN)
    return before


def _stored(conn: sqlite3.Connection, annotation_id: int) -> Annotation | None:
    row = conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM annotations WHERE id = ?", [annotation_id]
    ).fetchone()
    return None if row is None else Annotation(**dict(zip(COLUMNS, row, strict=True)))


def _stored_or_refuse(conn: sqlite3.Connection, annotation_id: int, db_path: Path) -> Annotation:
    stored = _stored(conn, annotation_id)
    if stored is None:
        raise DatabaseError(
            f"{db_path} has no annotation {annotation_id} (another program deleted it); {NOTHING}"
        )
    return stored


def _stored_as(
    conn: sqlite3.Connection, annotation_id: int, db_path: Path, expected: Annotation | None
) -> Annotation:
    """The stored annotation, refused unless it is ``expected`` (when given)."""
    stored = _stored_or_refuse(conn, annotation_id, db_path)
    if expected is not None and _comparable(stored) != _comparable(expected):
        raise DatabaseError(
            f"the {stored.kind} “{stored.title}” was changed by another program since you "
            f"opened it; {NOTHING} (reload to see it)"
        )
    return stored


def _comparable(a: Annotation) -> dict[str, Any]:
    try:
        return check(a).record()
    except AnnotationError:
        return a.record()


def _check_event(conn: sqlite3.Connection, a: Annotation, db_path: Path) -> None:
    if a.event_id is None:
        return
    if conn.execute("SELECT 1 FROM events WHERE id = ?", [a.event_id]).fetchone() is None:
        raise DatabaseError(f"{db_path} has no event {a.event_id} to tie the note to; {NOTHING}")


def _as_change(a: Annotation) -> dict[str, Any]:
    """How the history holds an annotation (no event id: ``{"annotation": row}``)."""
    return {"annotation": a.record()}


def from_mapping(values: Mapping[str, Any]) -> Annotation:
    """An ``Annotation`` from a mapping with any of ``COLUMNS`` (a file, a form)."""
    return Annotation(**{c: values.get(c) for c in COLUMNS if c in values})  # type: ignore[arg-type]

"""What the database already holds for the ids and sources of one batch, and how a stored
event differs from a file's (both in ``event_record.comparable`` shape, the stored one read
by ``event_record.load_records``, so "unchanged" and "changed" are plain equality)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from cspo_viewer.data.columns import EVENT_COLUMNS, SOURCE_COLUMNS
from cspo_viewer.data.event_record import SQL_PARAMS

COMPARED = (*EVENT_COLUMNS, "nations", "themes", "sources", "quotes")


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(values), SQL_PARAMS):
        yield values[i : i + SQL_PARAMS]


def _marks(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))


def existing_ids(conn: sqlite3.Connection, table: str, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` are already primary keys of ``table`` (events, sources, quotes)."""
    found: set[str] = set()
    for chunk in _chunks(ids):
        sql = f"SELECT id FROM {table} WHERE id IN ({_marks(chunk)})"
        found.update(r[0] for r in conn.execute(sql, list(chunk)))
    return found


def differences(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    """Names of the fields that differ, for the preview ("title, summary")."""
    return tuple(name for name in COMPARED if old.get(name) != new.get(name))


def load_sources(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = list(ids)
    out: dict[str, dict[str, Any]] = {}
    # A v1 file (read as it is, for a dry run) has no date_note yet.
    v1 = conn.execute("PRAGMA user_version").fetchone()[0] < 2
    columns = ", ".join("NULL" if v1 and c == "date_note" else c for c in SOURCE_COLUMNS)
    for chunk in _chunks(wanted):
        sql = f"SELECT {columns} FROM sources WHERE id IN ({_marks(chunk)})"
        for row in conn.execute(sql, list(chunk)):
            out[row[0]] = dict(zip(SOURCE_COLUMNS, row, strict=True))
    return out


def quote_owners(conn: sqlite3.Connection, quote_ids: Sequence[str]) -> dict[str, str]:
    """quote id -> the event that holds it, for the given ids that exist."""
    out: dict[str, str] = {}
    for chunk in _chunks(quote_ids):
        sql = f"SELECT id, event_id FROM quotes WHERE id IN ({_marks(chunk)})"
        out.update({qid: eid for qid, eid in conn.execute(sql, list(chunk))})
    return out

"""An event as one plain record: what the history stores, the editor fills and undo
writes back.

The shape is ``build.insert_events``'s (the one import writes): every column of
``events``, ``nations`` as codes, ``themes`` as ids, ``sources`` as ids, ``quotes`` as
dicts of ``QUOTE_COLUMNS``, tags and quotes in their stored order. It is JSON-ready, so
the ``changes`` table keeps whole events before and after each change.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from cspo_viewer.data.columns import EVENT_COLUMNS, QUOTE_COLUMNS

SQL_PARAMS = 500
"""Ids bound in one ``IN (...)`` (SQLite's default limit is far above it)."""

TAG_TABLES = (
    ("nations", "event_nations", "nation_code"),
    ("themes", "event_themes", "theme_id"),
    ("sources", "event_sources", "source_id"),
)


def record_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """Any event mapping (a validated import row, an editor's fields) in record shape."""
    out: dict[str, Any] = {c: row.get(c) for c in EVENT_COLUMNS}
    for name, _, _ in TAG_TABLES:
        out[name] = list(row.get(name) or ())
    out["quotes"] = [{c: q.get(c) for c in QUOTE_COLUMNS} for q in row.get("quotes") or ()]
    return out


def load_records(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The stored events among ``ids``, as records."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), SQL_PARAMS):
        chunk = list(ids[start : start + SQL_PARAMS])
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE id IN ({marks})", chunk
        )
        batch = {r[0]: dict(zip(EVENT_COLUMNS, r, strict=True)) for r in rows}
        for name, table, column in TAG_TABLES:
            tags: dict[str, list[str]] = defaultdict(list)
            sql = f"SELECT event_id, {column} FROM {table} WHERE event_id IN ({marks})"
            for eid, value in conn.execute(sql + " ORDER BY rowid", chunk):
                tags[eid].append(value)
            for eid, record in batch.items():
                record[name] = tags.get(eid, [])
        quotes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        sql = f"SELECT event_id, {', '.join(QUOTE_COLUMNS)} FROM quotes WHERE event_id IN ({marks})"
        for r in conn.execute(sql + " ORDER BY rowid", chunk):
            quotes[r[0]].append(dict(zip(QUOTE_COLUMNS, r[1:], strict=True)))
        for eid, record in batch.items():
            record["quotes"] = quotes.get(eid, [])
        out.update(batch)
    return out


def load_record(conn: sqlite3.Connection, event_id: str) -> dict[str, Any] | None:
    return load_records(conn, [event_id]).get(event_id)


def is_record(row: Mapping[str, Any]) -> bool:
    """Whether ``row`` is a whole event record (every column, tag list and the quotes),
    as ``record_of`` and ``load_records`` make them."""
    return all(c in row for c in EVENT_COLUMNS) and all(
        name in row for name in (*(t[0] for t in TAG_TABLES), "quotes")
    )


def comparable(row: dict[str, Any]) -> dict[str, Any]:
    """A validated or stored record compared by content: the order of tags and quotes
    does not count."""
    out = {c: row[c] for c in EVENT_COLUMNS}
    for name in ("nations", "themes", "sources"):
        out[name] = tuple(sorted(row[name]))
    out["quotes"] = tuple(
        sorted((tuple(q[c] for c in QUOTE_COLUMNS) for q in row["quotes"]), key=repr)
    )
    return out


def same_event(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    """Equal as import compares events: the order of tags and quotes does not count."""
    if a is None or b is None:
        return a is None and b is None
    return comparable(dict(a)) == comparable(dict(b))


def delete_events(conn: sqlite3.Connection, event_ids: Sequence[str]) -> None:
    """Events, with everything that refers to them (the FTS triggers drop their index
    entries)."""
    for start in range(0, len(event_ids), SQL_PARAMS):
        chunk = list(event_ids[start : start + SQL_PARAMS])
        marks = ", ".join("?" * len(chunk))
        for _, table, _ in TAG_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE event_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM quotes WHERE event_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM events WHERE id IN ({marks})", chunk)

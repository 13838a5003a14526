"""The database schema: tables, indexes, full-text search and the schema version.

The schema is a public interface (people query the file with sqlite-utils and Datasette),
so tables and columns are only ever added, never renamed. ``PRAGMA user_version`` holds
``SCHEMA_VERSION``; ``migrations.py`` upgrades older files step by step in one transaction.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where databases are created: it costs 0.16 s
    import sqlite_utils

SCHEMA_VERSION = 3
"""v2: ``sources.date`` holds only ISO dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) or NULL,
and ``sources.date_note`` what a source says about its date otherwise (see migrations.py).
v3: ``sources.text`` (the document's own text, against which quotes are checked), the
``changes`` history, saved briefing ``views`` and ``annotations`` (eras and notes)."""

KINDS: tuple[tuple[str, str, str], ...] = (
    ("founding", "Founding", "The 2014 memorandum of understanding that created CSpO."),
    ("membership", "Membership", "A nation joins, or changes its status in, the initiative."),
    ("principals-meeting", "Principals' meeting", "An annual meeting of the Principals' Board."),
    ("statement", "Statement", "A joint or public statement by the participants."),
    ("vision", "Vision", "A strategic vision document."),
    ("exercise", "Exercise", "An exercise or tabletop exercise."),
    ("other", "Other", "Other CSpO-related activity."),
    (
        "related",
        "Related (Olympic Defender)",
        "Context: Operation Olympic Defender, a separate US-led operation, not a CSpO event.",
    ),
)
"""Event kinds in display order: (id, label, description)."""

PRECISIONS = ("day", "month", "year")
CONFIDENCES = ("high", "medium", "low")

REQUIRED_TABLES = (
    "events",
    "nations",
    "memberships",
    "themes",
    "kinds",
    "event_nations",
    "event_themes",
    "quotes",
    "sources",
    "event_sources",
)
"""The tables every readable version has (v3 adds ``changes``, ``views`` and
``annotations``, which a writable open of an older file creates by migrating)."""

EVENT_FTS_COLUMNS = ["title", "summary", "statement_text"]
QUOTE_FTS_COLUMNS = ["text", "speaker"]


def create_schema(db: sqlite_utils.Database) -> None:
    """Create every table, index and FTS index of an empty database, and stamp its version."""
    db.table("kinds").create(
        {"id": str, "label": str, "description": str, "sort_order": int}, pk="id"
    )
    db.table("nations").create({"code": str, "name": str, "alpha2": str}, pk="code")
    db.table("themes").create({"id": str, "label": str, "description": str}, pk="id")
    db.table("sources").create(
        {
            "id": str,
            "title": str,
            "publisher": str,
            "date": str,
            "url": str,
            "document": str,
            "date_note": str,  # added in v2, last as ALTER TABLE adds it to older files
            "text": str,  # added in v3: the document's text, for checking quotes verbatim
        },
        pk="id",
        not_null={"title"},
    )
    db.table("memberships").create(
        {
            "nation_code": str,
            "joined": str,
            "joined_precision": str,
            "source_id": str,
            "note": str,
        },
        pk="nation_code",
        foreign_keys=[("nation_code", "nations", "code"), ("source_id", "sources", "id")],
    )
    db.table("events").create(
        {
            "id": str,
            "date": str,
            "date_precision": str,
            "end_date": str,
            "title": str,
            "short_title": str,
            "kind": str,
            "location": str,
            "summary": str,
            "statement_text": str,
            "confidence": str,
            "uncertainty": str,
            "evidence": str,
        },
        pk="id",
        not_null={"date", "date_precision", "title", "kind"},
        foreign_keys=[("kind", "kinds", "id")],
    )
    db.table("event_nations").create(
        {"event_id": str, "nation_code": str},
        pk=("event_id", "nation_code"),
        foreign_keys=[("event_id", "events", "id"), ("nation_code", "nations", "code")],
    )
    db.table("event_themes").create(
        {"event_id": str, "theme_id": str},
        pk=("event_id", "theme_id"),
        foreign_keys=[("event_id", "events", "id"), ("theme_id", "themes", "id")],
    )
    db.table("event_sources").create(
        {"event_id": str, "source_id": str},
        pk=("event_id", "source_id"),
        foreign_keys=[("event_id", "events", "id"), ("source_id", "sources", "id")],
    )
    db.table("quotes").create(
        {
            "id": str,
            "event_id": str,
            "speaker": str,
            "role": str,
            "nation_code": str,
            "text": str,
            "source_id": str,
        },
        pk="id",
        not_null={"event_id", "speaker", "text"},
        foreign_keys=[
            ("event_id", "events", "id"),
            ("nation_code", "nations", "code"),
            ("source_id", "sources", "id"),
        ],
    )
    _create_indexes(db)
    create_v3_tables(db.conn)
    db.table("events").enable_fts(EVENT_FTS_COLUMNS, create_triggers=True)
    db.table("quotes").enable_fts(QUOTE_FTS_COLUMNS, create_triggers=True)
    db.table("kinds").insert_all(
        {"id": k, "label": label, "description": desc, "sort_order": i}
        for i, (k, label, desc) in enumerate(KINDS)
    )
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


V3_TABLES = (
    """CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT,
    action TEXT NOT NULL,
    event_id TEXT,
    before TEXT,
    after TEXT,
    origin TEXT,
    step INTEGER
)""",
    "CREATE INDEX idx_changes_event_id ON changes (event_id, id)",
    """CREATE TABLE views (
    name TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    created TEXT,
    updated TEXT
)""",
    """CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT NOT NULL,
    end_date TEXT,
    event_id TEXT,
    colour TEXT,
    text TEXT
)""",
)
"""The tables schema v3 adds, written once for new databases and for the migration.

``changes``: one row per event written (when in ISO UTC, who, action add / edit / delete /
import / undo / redo / migrate, the event before and after as JSON, origin: the imported
file's name or "window"); ``step`` groups the rows of one undoable step (an import's).
``views``: a saved briefing (filter, grouping, range, pins, title, marking, size, format)
as JSON under its name. ``annotations``: eras (``kind`` "era", a period with a colour) and
notes (``kind`` "note", a text at a date or on an event). No foreign key ties a change or
a note to ``events``: the history of a deleted event is kept."""


def create_v3_tables(conn: sqlite3.Connection) -> None:
    for sql in V3_TABLES:
        conn.execute(sql)


def _create_indexes(db: sqlite_utils.Database) -> None:
    """Indexes that keep filter queries index-driven at 100,000 events."""
    db.table("events").create_index(["date", "id"])
    db.table("events").create_index(["kind", "date"])
    db.table("events").create_index(["end_date"])
    db.table("event_nations").create_index(["nation_code", "event_id"])
    db.table("event_themes").create_index(["theme_id", "event_id"])
    db.table("event_sources").create_index(["source_id"])
    db.table("quotes").create_index(["event_id"])

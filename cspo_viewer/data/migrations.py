"""Upgrading older cspo-viewer databases to the current schema, in place and all at once.

``PRAGMA user_version`` says which schema a file has. ``MIGRATIONS[n]`` turns a
version-``n`` file into ``n + 1``; steps are only ever added, never edited, because
people's own databases of every published version have to keep upgrading. All steps run
in one ``BEGIN IMMEDIATE`` transaction (SQLite's write lock, taken before the version is
read), so an upgrade either completes or leaves the file as it was, and two programs
opening the same old file cannot both migrate it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from cspo_viewer.data.browse import create_browsing_views
from cspo_viewer.data.dates import split_source_date
from cspo_viewer.data.history import record_changes
from cspo_viewer.data.schema import SCHEMA_VERSION, create_v3_tables

Moves = list[tuple[dict[str, Any], dict[str, Any]]]
"""What a step moved: (row before, row after) for each row whose data it changed."""
Migration = Callable[[sqlite3.Connection], Moves | None]


def _v1_source_dates(conn: sqlite3.Connection) -> Moves:
    """v1 -> v2: ``sources.date`` keeps only ISO dates; free text moves to ``date_note``.

    v1 mixed ``2024-12-04`` with ``unknown`` and ``2024/2025 (undated excerpt)``, which
    breaks sorting and Datasette's date facet. The text is kept word for word.
    """
    conn.execute("ALTER TABLE sources ADD COLUMN date_note TEXT")
    moved: Moves = []
    for sid, given in conn.execute("SELECT id, date FROM sources WHERE date IS NOT NULL"):
        iso, note = split_source_date(given)
        if (iso, note) != (given, None):
            moved.append(
                ({"source": sid, "date": given}, {"source": sid, "date": iso, "date_note": note})
            )
    conn.executemany(
        "UPDATE sources SET date = ?, date_note = ? WHERE id = ?",
        [(after["date"], after["date_note"], after["source"]) for _, after in moved],
    )
    return moved


def _v2_text_history_views(conn: sqlite3.Connection) -> None:
    """v2 -> v3: ``sources.text``, and the ``changes``, ``views`` and ``annotations``
    tables (see ``schema.V3_TABLES``); the browsing view ``db build`` makes too
    (``browse``). Moves no data: nothing for the history to record."""
    conn.execute("ALTER TABLE sources ADD COLUMN text TEXT")
    create_v3_tables(conn)
    create_browsing_views(conn)


MIGRATIONS: dict[int, Migration] = {1: _v1_source_dates, 2: _v2_text_history_views}
"""``MIGRATIONS[n]`` upgrades a version-``n`` database to ``n + 1``."""


class MigrationError(Exception):
    """A file this code cannot upgrade; the message is one sentence for the user."""


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database of ``conn`` up to ``SCHEMA_VERSION``; return its old version.

    Raises ``MigrationError`` for a newer file or a version with no upgrade path; the
    file is then unchanged. ``conn`` must be writable and not inside a transaction.
    """
    with conn:  # commits the steps and the new version together, or rolls all back
        conn.execute("BEGIN IMMEDIATE")
        start = version = schema_version(conn)  # read under the write lock
        if version > SCHEMA_VERSION:
            raise MigrationError(
                f"schema v{version} is newer than this version reads (v{SCHEMA_VERSION})"
            )
        moved: Moves = []
        while version < SCHEMA_VERSION:
            step = MIGRATIONS.get(version)
            if step is None:
                raise MigrationError(f"there is no upgrade from schema v{version}")
            moved.extend(step(conn) or [])
            version += 1
        if moved:  # the history (v3) records data an upgrade moved, like any other write
            record_changes(
                conn,
                "migrate",
                [(None, before, after) for before, after in moved],
                origin=f"upgrade from schema v{start} to v{version}",
            )
        if version != start:
            conn.execute(f"PRAGMA user_version = {version}")
    return start

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

from cspo_viewer.data.dates import split_source_date
from cspo_viewer.data.schema import SCHEMA_VERSION

Migration = Callable[[sqlite3.Connection], None]


def _v1_source_dates(conn: sqlite3.Connection) -> None:
    """v1 -> v2: ``sources.date`` keeps only ISO dates; free text moves to ``date_note``.

    v1 mixed ``2024-12-04`` with ``unknown`` and ``2024/2025 (undated excerpt)``, which
    breaks sorting and Datasette's date facet. The text is kept word for word.
    """
    conn.execute("ALTER TABLE sources ADD COLUMN date_note TEXT")
    moves = []
    for sid, given in conn.execute("SELECT id, date FROM sources WHERE date IS NOT NULL"):
        iso, note = split_source_date(given)
        if (iso, note) != (given, None):
            moves.append((iso, note, sid))
    conn.executemany("UPDATE sources SET date = ?, date_note = ? WHERE id = ?", moves)


MIGRATIONS: dict[int, Migration] = {1: _v1_source_dates}
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
        while version < SCHEMA_VERSION:
            step = MIGRATIONS.get(version)
            if step is None:
                raise MigrationError(f"there is no upgrade from schema v{version}")
            step(conn)
            version += 1
        if version != start:
            conn.execute(f"PRAGMA user_version = {version}")
    return start

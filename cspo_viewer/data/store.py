"""Open a database safely, and the queries the app and the commands need.

Opening never changes a file's bytes unless the caller asked to write: read-only
connections use SQLite's ``mode=ro`` URI with ``query_only``. Every connection has
``trusted_schema`` off and extension loading disabled, because a database from elsewhere
can carry triggers and views. Problems become one ``DatabaseError`` sentence.
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from cspo_viewer.data import schema
from cspo_viewer.data.filters import EventFilter, Vocabulary
from cspo_viewer.data.records import (
    EventDetail,
    EventRow,
    Kind,
    Nation,
    Quote,
    Source,
    Theme,
)

SQLITE_HEADER = b"SQLite format 3\x00"
MIN_READABLE_VERSION = 1
"""The oldest schema read as it is (read-only); a writable open upgrades it first."""
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024
"""Files up to this size get SQLite's quick_check on open (a few ms). It reads the whole
file, ~0.4 s at 100,000 events, so larger files rely on the header checks here and on
``damaged_message`` where a query meets a bad page; ``db check`` always checks fully."""


class DatabaseError(Exception):
    """A database that cannot be used; the message is one sentence for the user."""


def _check_file(path: Path) -> None:
    """Reject what is visibly not a database before SQLite touches it."""
    if not path.exists():
        raise DatabaseError(f"No database at {path}.")
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file.")
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"{path} cannot be read (permission denied).")
    size = path.stat().st_size
    if size == 0:
        raise DatabaseError(
            f"{path} is empty, not a cspo-viewer database "
            f"(create one with: cspo-viewer db init --db {path})."
        )
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise DatabaseError(f"{path} is not an SQLite database.")
    if len(header) < 100:
        raise DatabaseError(f"{path} is truncated (only {size} bytes).")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    if page_count and size < page_count * page_size:
        raise DatabaseError(
            f"{path} is truncated ({size} bytes, the header promises {page_count * page_size})."
        )


def damaged_message(path: Path | str, exc: Exception) -> str:
    """The sentence for a database error met after opening (a bad page deep in a file)."""
    return f"{path} is damaged ({exc}); run: cspo-viewer db check --db {path}"


def _read_only(path: Path) -> bool:
    """Not writable for us, or marked read-only (no write bit): root would ignore the mode,
    but a user who marked a file read-only meant it."""
    return not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222


def connect(path: Path, *, writable: bool) -> sqlite3.Connection:
    """A hardened connection: no extensions, untrusted schema, read-only unless asked."""
    mode = "rw" if writable else "ro"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)
    if hasattr(conn, "enable_load_extension"):
        conn.enable_load_extension(False)
    # No ATTACH: nothing we run needs a second file, and a hostile query could create one.
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA foreign_keys = ON")
    if not writable:
        conn.execute("PRAGMA query_only = ON")
        # Memory-mapped reads and a larger page cache roughly halve filter latency at
        # 100,000 events; neither changes the file.
        conn.execute("PRAGMA mmap_size = 268435456")
        conn.execute("PRAGMA cache_size = -65536")
    return conn


def open_store(path: str | os.PathLike[str], *, writable: bool = False) -> Store:
    """Open a cspo-viewer database, or raise ``DatabaseError`` saying why it cannot be used.

    Checks, in order: the file exists and looks like SQLite, it is writable when asked,
    SQLite finds it intact, its schema version is one this code reads, and it holds the
    cspo-viewer tables. A writable open of an older schema upgrades the file first
    (``Store.migrated_from`` then says from which version); a read-only one never does.
    """
    p = Path(path)
    _check_file(p)
    if writable and _read_only(p):
        raise DatabaseError(f"{p} is read-only; choose a writable copy to change it.")
    if writable and not os.access(p.parent, os.W_OK):
        raise DatabaseError(f"The folder holding {p} is read-only, so SQLite cannot write.")
    try:
        conn = connect(p, writable=writable)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{p} is damaged and cannot be opened ({exc}).") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        status = "ok"
        if p.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            status = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if status != "ok":
            raise DatabaseError(f"{p} is damaged (SQLite integrity check: {status}).")
        if version > schema.SCHEMA_VERSION:
            raise DatabaseError(
                f"{p} was written by a newer cspo-viewer (schema v{version}); this version "
                f"reads schema v{schema.SCHEMA_VERSION}. Upgrade cspo-viewer to open it."
            )
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in schema.REQUIRED_TABLES if t not in tables]
        if missing:
            raise DatabaseError(
                f"{p} is an SQLite database but not a cspo-viewer one "
                f"(missing tables: {', '.join(missing)})."
            )
        if version < MIN_READABLE_VERSION:
            raise DatabaseError(
                f"{p} has no cspo-viewer schema version (PRAGMA user_version is {version})."
            )
        migrated_from = _upgrade(p, conn) if writable and version < schema.SCHEMA_VERSION else None
    except DatabaseError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseError(f"{p} is damaged or not a database ({exc}).") from None
    store = Store(p, conn, writable=writable)
    store.migrated_from = migrated_from
    return store


def _upgrade(path: Path, conn: sqlite3.Connection) -> int:
    """A writable open brings an older file up to date first, so that every writer works
    on the current schema (read-only opens read older files as they are)."""
    from cspo_viewer.data.migrations import MigrationError, migrate

    try:
        return migrate(conn)
    except MigrationError as exc:
        raise DatabaseError(f"{path} cannot be upgraded: {exc}.") from None
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseError(
                f"{path} is being changed by another program; it was not upgraded, try again."
            ) from None
        raise


_ROW_COLUMNS = (
    "e.id, e.date, e.date_precision, e.end_date, e.title, e.short_title, e.kind, e.location"
)


class Store:
    """Queries over one open database. Views and commands use this, never SQL of their own."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, writable: bool) -> None:
        self.path = path
        self.conn = conn
        self.writable = writable
        self.migrated_from: int | None = None

    @cached_property
    def db(self):
        """The same connection through sqlite-utils' ``Database`` API, for writers."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        self.conn.close()

    def save_copy(self, target: Path) -> None:
        """Copy the whole database to ``target`` with SQLite's backup API, atomically.

        This is how an analyst gets a database of their own to import into: the bundled
        one is derived from ``db/src`` and never written.
        """
        from cspo_viewer.data.build import atomic_output

        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise DatabaseError(f"{target} is the database already open.")
        with atomic_output(target, ".db") as tmp:
            dest = sqlite3.connect(tmp)
            try:
                self.conn.backup(dest)
            finally:
                dest.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reference data ---------------------------------------------------------------
    @cached_property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @cached_property
    def _source_columns(self) -> str:
        """The columns of ``Source``; a v1 file (read as it is) has no ``date_note``."""
        note = "s.date_note" if self.schema_version >= 2 else "NULL"
        return f"s.id, s.title, s.publisher, s.date, s.url, s.document, {note}"

    def nations(self) -> list[Nation]:
        """Nations with their membership, in order of joining."""
        rows = self.conn.execute(
            "SELECT n.code, n.name, n.alpha2, m.joined, m.joined_precision, m.note"
            " FROM nations n LEFT JOIN memberships m ON m.nation_code = n.code"
            " ORDER BY m.joined IS NULL, m.joined, n.code"
        )
        return [Nation(*r) for r in rows]

    def themes(self) -> list[Theme]:
        rows = self.conn.execute("SELECT id, label, description FROM themes ORDER BY label")
        return [Theme(*r) for r in rows]

    def kinds(self) -> list[Kind]:
        rows = self.conn.execute("SELECT id, label, description FROM kinds ORDER BY sort_order, id")
        return [Kind(*r) for r in rows]

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary(
            nations={n.code: (n.name, n.alpha2) for n in self.nations()},
            themes={t.id: t.label for t in self.themes()},
            kinds={k.id: k.label for k in self.kinds()},
        )

    def total_events(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def date_span(self) -> tuple[str, str] | None:
        """The first start and last end date in the database."""
        row = self.conn.execute(
            "SELECT MIN(date), MAX(COALESCE(end_date, date)) FROM events"
        ).fetchone()
        return None if row[0] is None else (row[0], row[1])

    # --- filtered queries -------------------------------------------------------------
    def event_ids(self, flt: EventFilter) -> list[str]:
        where, params = flt.where()
        sql = f"SELECT e.id FROM events e WHERE {where} ORDER BY e.date, e.id"
        return [r[0] for r in self.conn.execute(sql, params)]

    def count(self, flt: EventFilter) -> int:
        where, params = flt.where()
        return int(
            self.conn.execute(f"SELECT COUNT(*) FROM events e WHERE {where}", params).fetchone()[0]
        )

    def event_rows(self, flt: EventFilter, *, with_tags: bool = True) -> list[EventRow]:
        """Matching events by date, with their nation codes and theme ids."""
        where, params = flt.where()
        rows = self.conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM events e WHERE {where} ORDER BY e.date, e.id", params
        ).fetchall()
        if not with_tags:
            return [EventRow(*r) for r in rows]
        nations = self._tags("event_nations", "nation_code", where, params)
        themes = self._tags("event_themes", "theme_id", where, params)
        return [
            EventRow(*r, nations=tuple(nations.get(r[0], ())), themes=tuple(themes.get(r[0], ())))
            for r in rows
        ]

    def _tags(self, table: str, column: str, where: str, params: list[Any]) -> dict[str, list[str]]:
        """One query for the tags of every matching event (no query per event)."""
        out: dict[str, list[str]] = defaultdict(list)
        sql = (
            f"SELECT t.event_id, t.{column} FROM {table} t JOIN events e ON e.id = t.event_id"
            f" WHERE {where} ORDER BY t.event_id, t.rowid"
        )
        for event_id, value in self.conn.execute(sql, params):
            out[event_id].append(value)
        return out

    def facet_counts(self, flt: EventFilter, facet: str) -> dict[str, int]:
        """Per nation, theme or kind: how many events match the *other* active filters.

        This is what the filter panel shows beside each checkbox, so an analyst sees what
        ticking it would add.
        """
        if facet == "nation":
            where, params = flt.with_(nations=()).where()
            sql = (
                f"SELECT t.nation_code, COUNT(*) FROM event_nations t JOIN events e"
                f" ON e.id = t.event_id WHERE {where} GROUP BY t.nation_code"
            )
        elif facet == "theme":
            where, params = flt.with_(themes=()).where()
            sql = (
                f"SELECT t.theme_id, COUNT(*) FROM event_themes t JOIN events e"
                f" ON e.id = t.event_id WHERE {where} GROUP BY t.theme_id"
            )
        elif facet == "kind":
            where, params = flt.with_(kinds=()).where()
            sql = f"SELECT e.kind, COUNT(*) FROM events e WHERE {where} GROUP BY e.kind"
        else:
            raise ValueError(f"unknown facet {facet!r}")
        return {k: int(n) for k, n in self.conn.execute(sql, params)}

    # --- one event --------------------------------------------------------------------
    def event_detail(self, event_id: str) -> EventDetail | None:
        row = self.conn.execute(
            f"SELECT {_ROW_COLUMNS}, e.summary, e.statement_text, e.confidence, e.uncertainty"
            " FROM events e WHERE e.id = ?",
            [event_id],
        ).fetchone()
        if row is None:
            return None
        nations = [
            r[0]
            for r in self.conn.execute(
                "SELECT nation_code FROM event_nations WHERE event_id = ? ORDER BY nation_code",
                [event_id],
            )
        ]
        themes = [
            r[0]
            for r in self.conn.execute(
                "SELECT theme_id FROM event_themes WHERE event_id = ? ORDER BY rowid", [event_id]
            )
        ]
        quotes = [
            Quote(*r)
            for r in self.conn.execute(
                "SELECT id, speaker, role, nation_code, text, source_id FROM quotes"
                " WHERE event_id = ? ORDER BY rowid",
                [event_id],
            )
        ]
        sources = [
            Source(*r)
            for r in self.conn.execute(
                f"SELECT {self._source_columns} FROM event_sources es"
                " JOIN sources s ON s.id = es.source_id WHERE es.event_id = ? ORDER BY es.rowid",
                [event_id],
            )
        ]
        return EventDetail(
            row=EventRow(*row[:8], nations=tuple(nations), themes=tuple(themes)),
            summary=row[8],
            statement_text=row[9],
            confidence=row[10],
            uncertainty=row[11],
            quotes=tuple(quotes),
            sources=tuple(sources),
        )

    def sources_for(self, flt: EventFilter) -> list[Source]:
        """The distinct sources cited by the matching events, most cited first."""
        where, params = flt.where()
        sql = (
            f"SELECT {self._source_columns} FROM sources s JOIN"
            f" (SELECT es.source_id, COUNT(*) AS n FROM event_sources es JOIN events e"
            f" ON e.id = es.event_id WHERE {where} GROUP BY es.source_id) c"
            " ON c.source_id = s.id ORDER BY c.n DESC, s.publisher, s.title"
        )
        return [Source(*r) for r in self.conn.execute(sql, params)]

    # --- whole records (list --json, dump) ---------------------------------------------
    def records(self, flt: EventFilter) -> Iterable[dict[str, Any]]:
        """Matching events as JSON-ready dicts with names, themes, sources and quotes.

        The same shape is what ``dump --format json`` writes and ``import`` reads.
        """
        where, params = flt.where()
        vocab = self.vocabulary
        nations = self._tags("event_nations", "nation_code", where, params)
        themes = self._tags("event_themes", "theme_id", where, params)
        event_sources = self._tags("event_sources", "source_id", where, params)
        sources = {
            r[0]: {
                "id": r[0],
                "title": r[1],
                "publisher": r[2],
                "date": r[3],
                "url": r[4],
                "document": r[5],
            }
            for r in self.conn.execute(
                "SELECT id, title, publisher, date, url, document FROM sources"
            )
        }
        quotes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for q in self.conn.execute(
            "SELECT q.event_id, q.id, q.speaker, q.role, q.nation_code, q.text, q.source_id"
            f" FROM quotes q JOIN events e ON e.id = q.event_id WHERE {where}"
            " ORDER BY q.event_id, q.rowid",
            params,
        ):
            quotes[q[0]].append(
                {
                    "id": q[1],
                    "speaker": q[2],
                    "role": q[3],
                    "nation_code": q[4],
                    "text": q[5],
                    "source_id": q[6],
                }
            )
        cursor = self.conn.execute(
            "SELECT e.id, e.date, e.date_precision, e.end_date, e.title, e.short_title, e.kind,"
            " e.location, e.summary, e.statement_text, e.confidence, e.uncertainty"
            f" FROM events e WHERE {where} ORDER BY e.date, e.id",
            params,
        )
        for r in cursor:
            eid = r[0]
            codes = nations.get(eid, [])
            yield {
                "id": eid,
                "date": r[1],
                "date_precision": r[2],
                "end_date": r[3],
                "title": r[4],
                "short_title": r[5],
                "kind": r[6],
                "location": r[7],
                "summary": r[8],
                "statement_text": r[9],
                "confidence": r[10],
                "uncertainty": r[11],
                "nations": [vocab.nation_name(c) for c in codes],
                "nation_codes": codes,
                "themes": themes.get(eid, []),
                "sources": [sources[s] for s in event_sources.get(eid, []) if s in sources],
                "quotes": quotes.get(eid, []),
            }

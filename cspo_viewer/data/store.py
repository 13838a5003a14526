"""Open a database safely, and the queries the app and the commands need.

Opening never changes a file's bytes unless the caller asked to write: read-only
connections use SQLite's ``mode=ro`` URI with ``query_only`` (the one exception: a
transaction a killed program left half done is rolled back first, as SQLite requires).
Every connection starts with ``trusted_schema`` off and extension loading disabled,
because a database from elsewhere can carry triggers and views; a writing connection
trusts the schema again unless a foreign trigger uses a virtual table
(``trust_schema_for_writing``).
Problems become one ``DatabaseError`` sentence.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import sqlite3
import stat
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, cast

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
from cspo_viewer.data.usable import (
    EVENT_FIELDS,
    clean_text,
    event_problem,
    has_blob,
    show_bidi_controls,
    sub_row_problem,
    undecodable_as_bytes,
    valid_day,
)

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
MIN_READABLE_VERSION = 1
"""The oldest schema read as it is (read-only); a writable open upgrades it first."""
DAY_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024
"""Files up to this size get SQLite's quick_check on open (a few ms). It reads the whole
file, ~0.4 s at 100,000 events, so larger files rely on the header checks here and on
``sqlite_message`` where a query meets a bad page; ``db check`` always checks fully."""


class DatabaseError(Exception):
    """A database that cannot be used; the message is one sentence for the user."""


_DRAWN_ROW_FIELDS = frozenset({4, 5, 7, 8, 9, 11})
"""The texts of an ``event_detail`` row that are drawn: title, short title, location,
summary, statement text, uncertainty (not the id, dates, kind or confidence)."""


def _drawn(value: Any) -> Any:
    """A text of ``event_detail`` with its bidirectional controls shown visibly; the
    detail is for the pane, the deck and the briefing note (which each handle the other
    control characters as their format needs), never for dumps, which keep text exactly."""
    return show_bidi_controls(value) if type(value) is str else value


def _undecodable(exc: sqlite3.Error) -> bool:
    """Python's sqlite3 refused a stored text that is not valid UTF-8."""
    return "decode to UTF-8" in str(exc)


def _check_file(path: Path) -> None:
    """Reject what is visibly not a database before SQLite touches it."""
    if not path.exists():
        raise DatabaseError(f"No database at {path}.")
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file.")
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"{path} cannot be read (permission denied).")
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise DatabaseError(f"{path} is {_special_kind(mode)}, not a database file.")
    size = path.stat().st_size
    if size == 0:
        raise DatabaseError(
            f"{path} is empty, not a cspo-viewer database (remove the empty file, then "
            f"create one with: cspo-viewer db init --db {path})."
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


def _special_kind(mode: int) -> str:
    """What a path that is not a regular file is, in words (a FIFO or /dev/zero looked
    "empty" and was told to run db init, which then refused because the path exists)."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def one_line(text: object) -> str:
    """``text`` on one line: SQLite's integrity messages carry line breaks."""
    return " ".join(str(text).split())


def sqlite_message(path: Path | str, exc: BaseException) -> str:
    """One sentence saying what an SQLite error met on ``path`` means, by its error code.

    A lock held by another program, a refusal by the database's own trigger, a full disk,
    a file-size limit or a read-only folder is not damage; saying "damaged" sent people to
    repair a sound file.
    """
    code = getattr(exc, "sqlite_errorcode", None) or 0
    detail = one_line(exc)
    primary = code & 0xFF
    where = Path(path).parent if str(path) else Path(".")
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return (
            f"{path} is locked by another program ({detail}); close it there, or wait for "
            "it to finish, and try again."
        )
    if code == _SQLITE_CONSTRAINT_TRIGGER:
        return f"{path} refused the change: the database's own trigger says {detail!r}."
    if primary in (_SQLITE_FULL, _SQLITE_IOERR) and _file_size_limit() is not None:
        return (
            f"{path} would grow past the largest file this session may write "
            f"({_file_size_limit()} bytes, set by ulimit -f); nothing was changed."
        )
    if primary == _SQLITE_FULL:
        return f"The disk holding {path} is full ({detail}); free some space and try again."
    if primary in (_SQLITE_CANTOPEN, _SQLITE_READONLY) and not os.access(where, os.W_OK):
        return (
            f"The folder {where} is read-only, and SQLite must create files beside {path} "
            f"to use it (a WAL database keeps -wal and -shm files there); copy it to a "
            "writable folder."
        )
    if primary == _SQLITE_READONLY:
        return f"{path} is read-only ({detail}); choose a writable copy to change it."
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return f"{path} is damaged ({detail}); run: cspo-viewer db check --db {path}"
    return f"SQLite could not use {path} ({detail})."


# SQLite's primary result codes (sqlite3.h), and the extended code RAISE() gives.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26
_SQLITE_CONSTRAINT_TRIGGER = 1811


def _file_size_limit() -> int | None:
    """This process's limit on the size of a file it writes (``ulimit -f``), if any."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


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
        # A larger page cache speeds repeated filters at 100,000 events. Reads stay
        # ordinary reads, not memory-mapped: a file truncated while open (another program
        # rewriting it) is then an SQLite error, where a mapping would kill the process
        # with SIGBUS.
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
        conn = _connect_recovering(p, writable=writable)
    except sqlite3.Error as exc:
        raise DatabaseError(sqlite_message(p, exc)) from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        status = "ok"
        if p.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            status = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if status != "ok":
            raise DatabaseError(
                f"{p} is damaged (SQLite integrity check: {one_line(status)}); "
                f"run: cspo-viewer db check --db {p}"
            )
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
        if writable:
            trust_schema_for_writing(p, conn)
    except DatabaseError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseError(sqlite_message(p, exc)) from None
    store = Store(p, conn, writable=writable)
    store.migrated_from = migrated_from
    log.info(
        "opened %s (schema v%s, %s%s)",
        p,
        version,
        "writable" if writable else "read-only",
        f", upgraded from v{migrated_from}" if migrated_from else "",
    )
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


SQLITE_READONLY_ROLLBACK = 776


def _connect_recovering(path: Path, *, writable: bool) -> sqlite3.Connection:
    """``connect``, after letting SQLite undo a transaction a killed program left half
    done. SQLite rolls such a "hot" journal back when the file is next read, but only
    through a connection that may write; a read-only one is refused with
    ``SQLITE_READONLY_ROLLBACK``."""
    try:
        conn = connect(path, writable=writable)
        conn.execute("PRAGMA user_version").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        if writable or getattr(exc, "sqlite_errorcode", None) != SQLITE_READONLY_ROLLBACK:
            raise
    _roll_back_interrupted_write(path)
    return connect(path, writable=False)


def _roll_back_interrupted_write(path: Path) -> None:
    """Let SQLite undo a killed writer's transaction (its journal says how), so that the
    file reads as it was before that transaction; then it opens read-only as usual."""
    if _read_only(path) or not os.access(path.parent, os.W_OK):
        raise DatabaseError(
            f"{path} holds an unfinished change from a program that stopped mid-write; "
            "open it once where it is writable so SQLite can undo that change."
        )
    conn = connect(path, writable=True)
    try:
        conn.execute("PRAGMA user_version").fetchone()  # the first read rolls it back
    finally:
        conn.close()


def _normalized(sql: str) -> str:
    """SQL compared word for word: spacing and sqlite-utils' old ``[name]`` quoting aside."""
    return " ".join(re.sub(r"\[([^\]]*)\]", r'"\1"', sql).split())


@functools.cache
def own_triggers() -> frozenset[tuple[str, str]]:
    """(name, SQL) of every trigger ``schema.create_schema`` makes: the sqlite-utils
    triggers that keep the full-text indexes in step with ``events`` and ``quotes``."""
    import sqlite_utils

    db = sqlite_utils.Database(memory=True)
    schema.create_schema(db)
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    db.close()
    return frozenset((name, _normalized(sql)) for name, sql in rows)


def untrusted_triggers(conn: sqlite3.Connection) -> list[str]:
    """Triggers ``schema.create_schema`` does not make that name a virtual table or one of
    its shadow tables (``events_fts``, ``events_fts_data``, …)."""
    own = own_triggers()
    rows = conn.execute("SELECT type, name, COALESCE(sql, '') FROM sqlite_master").fetchall()
    virtual = [
        name
        for kind, name, sql in rows
        if kind == "table" and sql.upper().startswith("CREATE VIRTUAL TABLE")
    ]
    if not virtual:
        return []
    names = "|".join(re.escape(name) + r"\w*" for name in virtual)
    touches = re.compile(rf"\b(?:{names})\b", re.IGNORECASE)
    return sorted(
        name
        for kind, name, sql in rows
        if kind == "trigger" and (name, _normalized(sql)) not in own and touches.search(sql)
    )


def trust_schema_for_writing(path: Path, conn: sqlite3.Connection) -> bool:
    """Let a writing connection run the database's full-text triggers (True if it may).

    ``connect`` turns ``trusted_schema`` off, so that triggers and views in a file from
    elsewhere cannot use virtual tables or functions with side effects. That also stops
    the sqlite-utils triggers that keep ``events_fts`` and ``quotes_fts`` current ("unsafe
    use of virtual table"), so every write to events or quotes would fail. A writing
    connection turns it back on unless a trigger cspo-viewer did not make (compared word
    for word) names a virtual table or its shadow tables: the one thing here that needs
    the trust. Any other trigger of the file's own (one that refuses a change, say) runs
    as it would in any SQLite tool. Nothing the trust lets a trigger call reaches outside
    the file: extension loading is off, no functions of ours are registered and ATTACH is
    disabled, so only SQLite's built-in functions remain. With an untrusted trigger the
    schema stays untrusted and writing events fails; the writer names the trigger.
    """
    if untrusted_triggers(conn):
        return False
    conn.execute("PRAGMA trusted_schema = ON")
    return True


_ROW_COLUMNS = (
    "e.id, e.date, e.date_precision, e.end_date, e.title, e.short_title, e.kind, e.location"
)
_Row = tuple[str, str, str, str | None, str, str | None, str, str | None]
"""What ``SELECT _ROW_COLUMNS`` gives: ``EventRow``'s fields before its tags."""


class Store:
    """Queries over one open database. Views and commands use this, never SQL of their own."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, writable: bool) -> None:
        self.path = path
        self.conn = conn
        self.writable = writable
        self.migrated_from: int | None = None
        self.skipped: dict[str, str] = {}
        self.skipped_events: set[str] = set()
        """What the loaders left out because this code cannot use it: "event <id>" (or
        "nation <code>", ...) -> why. Commands print it once, as ``skipped_note``."""

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
        from cspo_viewer.data.file_output import replacing

        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise DatabaseError(f"{target} is the database already open.")
        with replacing(target, ".db") as tmp:
            dest = sqlite3.connect(tmp)
            try:
                self.conn.backup(dest)
            finally:
                dest.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what could not be used ---------------------------------------------------------
    def skip(self, subject: str, why: str, *, replace: bool = False) -> None:
        """Record that ``subject`` ("event <id>", ...) was left out, and why."""
        if replace:
            self.skipped[subject] = why
        else:
            self.skipped.setdefault(subject, why)

    NOTE_ITEMS = 5

    def skipped_note(self) -> str | None:
        """One line naming what was left out and why, or ``None`` when nothing was."""
        if not self.skipped:
            return None
        items = [f"{subject} ({why})" for subject, why in self.skipped.items()]
        shown = "; ".join(items[: self.NOTE_ITEMS])
        more = len(items) - self.NOTE_ITEMS
        if more > 0:
            shown += f"; and {more} more"
        return (
            f"{self.path}: skipped what this version cannot use: {shown}"
            f" (details: cspo-viewer db check --db {self.path})"
        )

    def nothing_usable(self, n_events: int) -> DatabaseError:
        """The error for a database whose events are all unusable (one sentence)."""
        if not self.vocabulary.kinds:
            why = "its kinds table is empty"
        else:
            why = next(iter(self.skipped.values()), "they cannot be read")
        self.skipped.clear()  # the error says it all: no note besides
        return DatabaseError(
            f"{self.path} holds {n_events} event{'' if n_events == 1 else 's'} but none this"
            f" version can use ({why}); run: cspo-viewer db check --db {self.path}"
        )

    def usable_event(self, row: Sequence[Any]) -> bool:
        """Whether an event row can be shown; an unusable one is recorded in ``skipped``."""
        why = event_problem(row, self.vocabulary.kinds)
        if why is None:
            return True
        self.skip(f"event {row[0]!s}", why, replace=True)
        if type(row[0]) is str:
            self.skipped_events.add(row[0])
        return False

    # --- reference data ---------------------------------------------------------------
    @cached_property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @cached_property
    def _source_columns(self) -> str:
        """The columns of ``Source``; a v1 file (read as it is) has no ``date_note``."""
        note = "s.date_note" if self.schema_version >= 2 else "NULL"
        return f"s.id, s.title, s.publisher, s.date, s.url, s.document, {note}"

    def _reference(self, what: str, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a reference table, leaving out those holding binary data; labels are
        made safe to draw (see ``clean_text``)."""
        rows = []
        for row in self.conn.execute(sql):
            if has_blob(row) or type(row[0]) is not str or type(row[1]) is not str:
                self.skip(f"{what} {row[0]!s}", "it holds binary data or no name")
                continue
            rows.append((row[0], clean_text(row[1]), *row[2:]))
        return rows

    def nations(self) -> list[Nation]:
        """Nations with their membership, in order of joining. A membership whose date is
        not a real day is left out (the nation stays)."""
        nations = []
        for code, name, alpha2, joined, precision, note in self._reference(
            "nation",
            "SELECT n.code, n.name, n.alpha2, m.joined, m.joined_precision, m.note"
            " FROM nations n LEFT JOIN memberships m ON m.nation_code = n.code"
            " ORDER BY m.joined IS NULL, m.joined, n.code",
        ):
            if joined is not None and not valid_day(joined):
                self.skip(f"membership of {code}", f"its date {joined!r} is not a YYYY-MM-DD day")
                joined = precision = note = None
            nations.append(Nation(code, name, alpha2, joined, precision, note))
        return nations

    def themes(self) -> list[Theme]:
        rows = self._reference("theme", "SELECT id, label, description FROM themes ORDER BY label")
        return [Theme(*r) for r in rows]

    def kinds(self) -> list[Kind]:
        rows = self._reference(
            "kind", "SELECT id, label, description FROM kinds ORDER BY sort_order, id"
        )
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
        """The first start and last end date in the database, of real days only."""
        # The first rows by date are read through the index until one is a real day
        # ("2014-9-22" sorts among them; "March 2025" after every real day).
        first = None
        for (day,) in self.conn.execute("SELECT date FROM events ORDER BY date"):
            if valid_day(day):
                first = day
                break
        if first is None:
            return None
        sql = "SELECT COALESCE(end_date, date) AS d FROM events"
        (last,) = self.conn.execute(
            f"SELECT MAX(d) FROM ({sql}) WHERE d GLOB '{DAY_GLOB}'"
        ).fetchone()
        if not valid_day(last):  # "2025-02-30" has the shape of a day: look at each row
            days = (d for (d,) in self.conn.execute(sql) if valid_day(d))
            last = max(days, default=first)
        return first, max(first, last)

    # --- filtered queries -------------------------------------------------------------
    def where(self, flt: EventFilter) -> tuple[str, list[Any]]:
        """``flt.where()`` less the events a loader has skipped as unusable, so that counts
        beside the filter boxes and the sources listed agree with the events shown."""
        where, params = flt.where()
        if not self.skipped_events:
            return where, params
        ids = json.dumps(sorted(self.skipped_events))
        return f"({where}) AND e.id NOT IN (SELECT value FROM json_each(?))", [*params, ids]

    def event_ids(self, flt: EventFilter) -> list[str]:
        where, params = self.where(flt)
        sql = f"SELECT e.id FROM events e WHERE {where} ORDER BY e.date, e.id"
        return [r[0] for r in self.conn.execute(sql, params)]

    def count(self, flt: EventFilter) -> int:
        where, params = self.where(flt)
        return int(
            self.conn.execute(f"SELECT COUNT(*) FROM events e WHERE {where}", params).fetchone()[0]
        )

    def event_rows(self, flt: EventFilter, *, with_tags: bool = True) -> list[EventRow]:
        """Matching events by date, with their nation codes and theme ids.

        Rows this code cannot use (see ``usable``) are left out and named in ``skipped``.
        """
        where, params = flt.where()
        read = self.conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM events e WHERE {where} ORDER BY e.date, e.id", params
        ).fetchall()
        rows: list[_Row] = [r for r in read if self.usable_event(r)]
        if read and not rows and flt.is_empty:
            raise self.nothing_usable(len(read))
        if not with_tags:
            return [EventRow(*r) for r in rows]
        ids = None if flt.is_empty else [r[0] for r in rows]
        nations = self._tags("event_nations", "nation_code", ids)
        themes = self._tags("event_themes", "theme_id", ids)
        return [
            EventRow(*r, nations=tuple(nations.get(r[0], ())), themes=tuple(themes.get(r[0], ())))
            for r in rows
        ]

    def _tags(self, table: str, column: str, ids: list[str] | None) -> dict[str, list[str]]:
        """The tags of the events ``ids`` (of every event when ``None``), one query.

        Only the given events' rows are read, by the table's (event_id, value) key: a
        selective filter costs what it returns, not a pass over every event's tags. A tag
        naming a nation or theme the database does not hold is left out and recorded.
        """
        out: dict[str, list[str]] = defaultdict(list)
        sql = f"SELECT t.event_id, t.{column} FROM {table} t"
        args: list[Any] = []
        if ids is not None:
            if not ids:
                return out
            sql += " WHERE t.event_id IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(ids))
        sql += " ORDER BY t.event_id, t.rowid"
        known = self._known(column)
        for event_id, value in self.conn.execute(sql, args):
            if known is None or value in known:
                out[event_id].append(value)
            else:
                what = "nation" if column == "nation_code" else "theme"
                self.skip(
                    f"event {event_id!s}",
                    f"its {what} {value!r} is not in the {what}s table; that tag is left out",
                )
        return out

    def _known(self, column: str) -> Any:
        """The values a tag column may hold, or ``None`` for any (sources: checked apart)."""
        if column == "nation_code":
            return self.vocabulary.nations
        if column == "theme_id":
            return self.vocabulary.themes
        return None

    # --- one event --------------------------------------------------------------------
    def event_detail(self, event_id: str) -> EventDetail | None:
        """One event with its tags, quotes and sources; ``None`` when there is no such
        event or it cannot be used (then it is named in ``skipped``), as when one of its
        texts is not valid UTF-8."""
        try:
            return self._event_detail(event_id)
        except sqlite3.OperationalError as exc:
            if not _undecodable(exc):
                raise
            with self._reading_undecodable():
                return self._event_detail(event_id)

    def _event_detail(self, event_id: str) -> EventDetail | None:
        row = self.conn.execute(
            f"SELECT {_ROW_COLUMNS}, e.summary, e.statement_text, e.confidence, e.uncertainty"
            " FROM events e WHERE e.id = ?",
            [event_id],
        ).fetchone()
        if row is None or not self.usable_event(row):
            return None
        nations = sorted(self._tags("event_nations", "nation_code", [event_id])[event_id])
        themes = self._tags("event_themes", "theme_id", [event_id])[event_id]
        row = tuple(_drawn(v) if i in _DRAWN_ROW_FIELDS else v for i, v in enumerate(row))
        quotes = [
            Quote(r[0], _drawn(r[1]), _drawn(r[2]), r[3], _drawn(r[4]), r[5])
            for r in self._sub_rows(
                "quote",
                event_id,
                "SELECT id, speaker, role, nation_code, text, source_id FROM quotes"
                " WHERE event_id = ? ORDER BY rowid",
            )
        ]
        sources = [
            Source(r[0], _drawn(r[1]), _drawn(r[2]), *r[3:])
            for r in self._sub_rows(
                "source",
                event_id,
                f"SELECT {self._source_columns} FROM event_sources es"
                " JOIN sources s ON s.id = es.source_id WHERE es.event_id = ? ORDER BY es.rowid",
            )
        ]
        return EventDetail(
            row=EventRow(*cast(_Row, row[:8]), nations=tuple(nations), themes=tuple(themes)),
            summary=row[8],
            statement_text=row[9],
            confidence=row[10],
            uncertainty=row[11],
            quotes=tuple(quotes),
            sources=tuple(sources),
        )

    def _sub_rows(self, what: str, event_id: str, sql: str) -> list[tuple[Any, ...]]:
        """An event's quote or source rows, leaving out (and recording) unusable ones."""
        rows = []
        for row in self.conn.execute(sql, [event_id]):
            why = sub_row_problem(what, row)
            if why is None:
                rows.append(row)
            else:
                self.skip(f"event {event_id}", f"{why}; it is left out")
        return rows

    def sources_for(self, flt: EventFilter) -> list[Source]:
        """The distinct sources cited by the matching events, most cited first (for
        drawing: title and publisher made safe by ``clean_text``)."""
        where, params = self.where(flt)
        sql = (
            f"SELECT {self._source_columns} FROM sources s JOIN"
            f" (SELECT es.source_id, COUNT(*) AS n FROM event_sources es JOIN events e"
            f" ON e.id = es.event_id WHERE {where} GROUP BY es.source_id) c"
            " ON c.source_id = s.id ORDER BY c.n DESC, s.publisher, s.title"
        )
        return [
            Source(r[0], clean_text(r[1] or ""), r[2] and clean_text(r[2]), *r[3:])
            for r in self.conn.execute(sql, params)
            if not has_blob(r)
        ]

    # --- whole records (list --json, dump) ---------------------------------------------
    def records(self, flt: EventFilter) -> Iterable[dict[str, Any]]:
        """``_records``, and when a stored text is not valid UTF-8 (SQLite does not check
        what other tools store), the same again with such text read as bytes, so that its
        row is left out with the usual note instead of failing the whole command. The fast
        path stays: Python's own decoding, no callback per value, until a row needs it."""
        done = 0
        try:
            for record in self._records(flt):
                yield record
                done += 1
        except sqlite3.OperationalError as exc:
            if not _undecodable(exc):
                raise
            with self._reading_undecodable():
                for i, record in enumerate(self._records(flt)):
                    if i >= done:
                        yield record

    @contextlib.contextmanager
    def _reading_undecodable(self) -> Iterator[None]:
        """Read text that is not valid UTF-8 as ``usable.NotUtf8`` bytes meanwhile, which
        the usable rules leave out with a note (only after a read failed: the usual
        path keeps Python's own decoding, without a callback per value)."""
        self.conn.text_factory = undecodable_as_bytes
        try:
            yield
        finally:
            self.conn.text_factory = str

    def _records(self, flt: EventFilter) -> Iterable[dict[str, Any]]:
        """Matching events as JSON-ready dicts with names, themes, sources and quotes.

        The same shape is what ``dump --format json`` writes and ``import`` reads. Events,
        quotes and sources this code cannot use (a BLOB where text belongs, a date that is
        not a day) are left out and named in ``skipped``; stored text is passed on exactly.
        """
        where, params = flt.where()
        vocab = self.vocabulary
        ids = None
        if not flt.is_empty:
            matching = self.conn.execute(f"SELECT e.id FROM events e WHERE {where}", params)
            ids = [r[0] for r in matching]
        nations = self._tags("event_nations", "nation_code", ids)
        themes = self._tags("event_themes", "theme_id", ids)
        event_sources = self._tags("event_sources", "source_id", ids)
        sources = {}
        for r in self.conn.execute(f"SELECT {self._source_columns} FROM sources s"):
            if not has_blob(r):
                sources[r[0]] = dict(zip(_SOURCE_KEYS, r, strict=True))
        quotes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        bad_quotes: dict[str, str] = {}
        for q in self.conn.execute(
            "SELECT q.event_id, q.id, q.speaker, q.role, q.nation_code, q.text, q.source_id"
            f" FROM quotes q JOIN events e ON e.id = q.event_id WHERE {where}"
            " ORDER BY q.event_id, q.rowid",
            params,
        ):
            why = sub_row_problem("quote", q[1:])
            if why is None:
                quotes[q[0]].append(dict(zip(_QUOTE_KEYS, q[1:], strict=True)))
            else:
                bad_quotes.setdefault(q[0], why)
        cursor = self.conn.execute(
            "SELECT e.id, e.date, e.date_precision, e.end_date, e.title, e.short_title, e.kind,"
            " e.location, e.summary, e.statement_text, e.confidence, e.uncertainty"
            f" FROM events e WHERE {where} ORDER BY e.date, e.id",
            params,
        )
        n_read = n_used = 0
        for r in cursor:
            n_read += 1
            if not self.usable_event(r):
                continue
            n_used += 1
            eid = r[0]
            if eid in bad_quotes:
                self.skip(f"event {eid}", f"{bad_quotes[eid]}; it is left out")
            cited = event_sources.get(eid, [])
            if any(s not in sources for s in cited):
                self.skip(f"event {eid}", "a source it cites holds binary data; it is left out")
            codes = nations.get(eid, [])
            record = dict(zip(_EVENT_KEYS, r, strict=True))
            record.update(
                nations=[vocab.nation_name(c) for c in codes],
                nation_codes=codes,
                themes=themes.get(eid, []),
                sources=[sources[s] for s in cited if s in sources],
                quotes=quotes.get(eid, []),
            )
            yield record
        if n_read and not n_used and flt.is_empty:
            raise self.nothing_usable(n_read)


_EVENT_KEYS = EVENT_FIELDS
_SOURCE_KEYS = ("id", "title", "publisher", "date", "url", "document", "date_note")
_QUOTE_KEYS = ("id", "speaker", "role", "nation_code", "text", "source_id")

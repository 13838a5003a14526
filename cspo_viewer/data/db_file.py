"""Open an SQLite file safely, and say in one sentence what SQLite's refusals mean.

Opening never changes a file's bytes unless the caller asked to write: read-only
connections use SQLite's ``mode=ro`` URI with ``query_only`` (the one exception: a
transaction a killed program left half done is rolled back first, as SQLite requires).
Every connection starts with ``trusted_schema`` off and extension loading disabled,
because a database from elsewhere can carry triggers and views; a writing connection
trusts the schema again unless a foreign trigger uses a virtual table
(``trust_schema_for_writing``). Problems become one ``DatabaseError`` sentence
(``sqlite_message``; ``is_busy`` is the one rule for "another program holds the lock").
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import stat
from pathlib import Path

from cspo_viewer import paths
from cspo_viewer.data import schema

SQLITE_HEADER = b"SQLite format 3\x00"
MIN_READABLE_VERSION = 1
"""The oldest schema read as it is (read-only); a writable open upgrades it first."""
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024
"""Files up to this size get SQLite's quick_check on open (a few ms). It reads the whole
file, ~0.4 s at 100,000 events, so larger files rely on the header checks here and on
``sqlite_message`` where a query meets a bad page; ``db check`` always checks fully."""


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


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's ``PRAGMA data_version``: changes when another connection commits."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


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
    if is_busy(exc):
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


def is_busy(exc: BaseException) -> bool:
    """Another program holds the lock SQLite needs (its BUSY or LOCKED codes, extended
    ones included): not damage, and worth trying again later."""
    code = getattr(exc, "sqlite_errorcode", None) or 0
    return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)


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
        set_page_cache(conn, PAGE_CACHE_KIB)
    return conn


PAGE_CACHE_KIB = 65536
"""The page cache of a read-only connection, which keeps pages for repeated filters."""
ONE_PASS_CACHE_KIB = 2000
"""SQLite's own default page cache: for a command that reads each page once, where a
larger cache only adds the cost of allocating a page for each page read."""


def set_page_cache(conn: sqlite3.Connection, kib: int) -> None:
    """Let SQLite keep up to ``kib`` KiB of pages for this connection (not stored in the
    file)."""
    conn.execute(f"PRAGMA cache_size = -{int(kib)}")


def open_connection(path: Path, *, writable: bool) -> tuple[sqlite3.Connection, int, int | None]:
    """A checked connection to a cspo-viewer database, its schema version and the version
    a writable open upgraded it from (None when it did not); ``DatabaseError`` says why the
    file cannot be used.

    Checks, in order: the file exists and looks like SQLite, it is writable when asked,
    SQLite finds it intact, its schema version is one this code reads, and it holds the
    cspo-viewer tables. A writable open of an older schema upgrades the file first
    (``Store.migrated_from`` then says from which version); a read-only one never does.
    """
    p = path
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
    return conn, version, migrated_from


def _upgrade(path: Path, conn: sqlite3.Connection) -> int:
    """A writable open brings an older file up to date first, so that every writer works
    on the current schema (read-only opens read older files as they are)."""
    from cspo_viewer.data.migrations import MigrationError, migrate

    try:
        return migrate(conn)
    except MigrationError as exc:
        raise DatabaseError(f"{path} cannot be upgraded: {exc}.") from None
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
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
    triggers that keep the full-text indexes in step with ``events`` and ``quotes``.

    Read from the bundled database, which ``db build`` makes with ``create_schema`` (a
    test keeps its schema equal to a fresh build's): a read of a few rows, where building
    the schema in memory at every writable open cost more than the rest of a small
    import's start, most of it importing sqlite-utils. Built in memory as before
    when the bundled file cannot be read, or is not this version's schema with its
    triggers (an empty or stray file there would otherwise make every file's
    own triggers look foreign, and every write be refused).
    """
    rows = _bundled_triggers()
    if rows is None:
        rows = _built_triggers()
    return frozenset((name, _normalized(sql)) for name, sql in rows)


def _bundled_triggers() -> list[tuple[str, str]] | None:
    """The bundled database's triggers, if it is this version's schema and has some;
    ``None`` otherwise (the drift test keeps a sound bundled file equal to a fresh
    build, triggers included)."""
    try:
        conn = connect(paths.bundled_db_path(), writable=False)
        try:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            rows = conn.execute(_TRIGGERS).fetchall()
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return None
    if version != schema.SCHEMA_VERSION or not rows:
        return None
    return [(str(name), str(sql)) for name, sql in rows]


_TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"


def _built_triggers() -> list[tuple[str, str]]:
    """The triggers of a schema made in memory by ``schema.create_schema``."""
    import sqlite_utils

    db = sqlite_utils.Database(memory=True)
    schema.create_schema(db)
    rows = db.execute(_TRIGGERS).fetchall()
    db.close()
    return rows


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

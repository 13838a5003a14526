"""The one write path: every change to a database (an import, an edit, an undo) runs
inside ``write_transaction``.

``BEGIN IMMEDIATE`` takes SQLite's write lock before anything is read, waiting up to
``LOCK_WAIT_MS`` for another program's write; the work then runs and commits, or rolls
back whole. SQLite's own journal (rollback or WAL, whichever the file uses) makes that all
or nothing, and the full-text index is kept by its sqlite-utils triggers. The file is
never copied or replaced. What SQLite's refusals mean is said in one sentence that ends
with what was not done ("nothing was imported", "nothing was saved").
"""

from __future__ import annotations

import contextlib
import errno
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cspo_viewer import paths
from cspo_viewer.data.db_file import DatabaseError, is_busy, sqlite_message, untrusted_triggers
from cspo_viewer.data.store import Store, open_store

NOTHING_SAVED = "nothing was saved"
"""How a refused edit (an event, a source, an era or note) ends its sentence."""
LOCK_WAIT_MS = 5000
"""How long a write waits for another program's write to finish before giving up."""


class RolledBack(Exception):
    """Raised inside ``write_transaction`` to roll back quietly (nothing to report)."""


def begin_immediate(store: Store, nothing: str) -> None:
    conn = store.conn
    conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise DatabaseError(in_use(store, nothing)) from None
        raise DatabaseError(f"{sqlite_message(store.path, exc).rstrip('.')}; {nothing}") from None


def commit(store: Store, nothing: str) -> None:
    try:
        store.conn.commit()
    except sqlite3.OperationalError as exc:
        if is_busy(exc):  # readers kept the file through the whole wait (rollback journal)
            raise DatabaseError(in_use(store, nothing)) from None
        raise


def in_use(store: Store, nothing: str) -> str:
    return f"{store.path} is in use by another program; {nothing}, try again"


def refusal(
    exc: BaseException,
    store: Store,
    nothing: str,
    content_error: type[Exception] = DatabaseError,
    verb: str = "save",
) -> Exception | None:
    """What SQLite's refusal while writing means for the user, or None to let ``exc``
    through (a cancel, an interrupt, our own errors). A full disk and a refused foreign
    key are problems of what was written: ``content_error`` carries those."""
    db_path = store.path
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return content_error(f"the disk holding {db_path} is full; {nothing}")
    if not isinstance(exc, sqlite3.Error):
        return None
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL":
        return content_error(f"the disk holding {db_path} is full; {nothing}")
    if name == "SQLITE_CONSTRAINT_FOREIGNKEY":
        return content_error(f"{db_path} refused an imported event ({exc}); {nothing}")
    if is_busy(exc):
        return DatabaseError(in_use(store, nothing))
    if "unsafe use of" in str(exc) and "virtual table" not in str(exc):
        return DatabaseError(unsafe_call(store.conn, db_path, str(exc), nothing, verb))
    if "unsafe use of" in str(exc):  # the schema stayed untrusted: trust_schema_for_writing
        names = ", ".join(untrusted_triggers(store.conn)[:5])
        return DatabaseError(
            f"{db_path} has triggers cspo-viewer did not create that use its full-text index "
            f"({names}), so that index cannot be kept; {nothing} ({verb} into a database made "
            "with db init)"
        )
    return DatabaseError(f"{sqlite_message(db_path, exc).rstrip('.')}; {nothing}")


def unsafe_call(
    conn: sqlite3.Connection, db_path: Path, message: str, nothing: str, verb: str
) -> str:
    """The sentence for a trigger of the file's own that calls a function SQLite lets no
    trigger run (``load_extension()``, say): which triggers, and that it was refused."""
    call = message.split("unsafe use of", 1)[1].strip()
    word = re.compile(rf"\b{re.escape(call.rstrip('()'))}\s*\(", re.IGNORECASE)
    rows = conn.execute("SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'trigger'")
    names = sorted(name for name, sql in rows if word.search(sql)) or ["one of its triggers"]
    return (
        f"{db_path} has triggers cspo-viewer did not create ({', '.join(names[:5])}) that "
        f"call {call}, which SQLite lets no trigger run; nothing was loaded and {nothing} "
        f"({verb} into a database made with db init)"
    )


def settle(conn: sqlite3.Connection, db_path: Path) -> str:
    """Put the file back as it was after a failed write. A write that failed part-way (a
    file-size limit, an I/O error) leaves SQLite's pager in its error state: the pages it
    had already written stay in the file, and its journal stays hot, until the connection
    next reads. Reading now rolls the journal back here, so the file is byte for byte what
    it was and no journal is left for a reader that skips journals (``?immutable=1``).
    Returns what state the file is in when that was not possible, else ''."""
    with contextlib.suppress(sqlite3.Error):
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    journal = Path(f"{db_path}-journal")
    if not journal.exists() or not journal.stat().st_size:
        return ""
    return (
        f"SQLite's journal {journal} is still beside it: the next program that opens "
        "the database with write access restores it, and until then it must not be "
        "read as immutable"
    )


# --- the bundled record ------------------------------------------------------------------
BUNDLED_REFUSAL = (
    "the bundled database is built from db/src and is not imported into; "
    "create your own with: cspo-viewer db init --db mine.db, then import with --db mine.db"
)
"""What an import into the bundled record is told (the window offers a copy instead)."""


def is_bundled_database(path: Path) -> bool:
    """The shipped database is derived from ``db/src`` (a test keeps the two equal), so
    imports and edits go into a database of the user's own, never into it."""
    try:
        return Path(path).resolve() == paths.bundled_db_path().resolve()
    except OSError:
        return False


def open_for_writing(db_path: Path) -> Store:
    """The database, writable; the bundled one is refused (save a copy first)."""
    if is_bundled_database(db_path):
        raise DatabaseError(f"{db_path}: {BUNDLED_REFUSAL}")
    return open_store(db_path, writable=True)


@contextmanager
def write_transaction(store: Store, nothing: str) -> Iterator[sqlite3.Connection]:
    """Run the block inside one ``BEGIN IMMEDIATE`` transaction on ``store`` (opened
    writable) and commit; any exception rolls everything back. ``RolledBack`` ends the
    block quietly; SQLite's refusals become one ``DatabaseError`` sentence."""
    begin_immediate(store, nothing)
    try:
        yield store.conn
        commit(store, nothing)
    except RolledBack:
        store.conn.rollback()
    except BaseException as exc:
        store.conn.rollback()
        left = settle(store.conn, store.path)
        sentence = refusal(exc, store, nothing)
        if sentence is None:
            raise
        raise (type(sentence)(f"{sentence}; {left}") if left else sentence) from None

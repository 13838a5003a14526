"""All or nothing, even if the process dies: import into a copy, then rename it into place.

An import inside one transaction of the real file would be rolled back after a crash, but
only by the next program that opens the file *writable*: until then SQLite refuses every
read-only open (``SQLITE_READONLY_ROLLBACK``), so ``list`` and the window would fail. So
the importer holds the write lock on the original (no other writer can slip in), copies
it beside itself, imports into the copy in one transaction, flushes it to disk and renames
it over the original. Killed, out of space or rejected at any point, the original is
untouched, byte for byte; a stale copy left by a killed import is removed by the next one.
Open readers keep the version they opened (POSIX rename); the window reopens its store.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from types import TracebackType

from cspo_viewer.data.interchange.model import InterchangeError
from cspo_viewer.data.store import DatabaseError, open_store

COPY_INFIX = ".import-"


def _disk_full(exc: BaseException) -> bool:
    return (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)) or (
        isinstance(exc, sqlite3.Error) and "full" in str(exc).lower()
    )


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def _connect(path: Path) -> sqlite3.Connection:
    """``store.connect(path, writable=True)``, but usable from the writer's helper thread
    (``check_same_thread`` off; the ``Writer`` never lets two threads use it at once). The
    hardening is the same: no extensions, no ATTACH, untrusted schema, foreign keys on
    (the import turns them off and checks its batches' references itself: see ``Writer``)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, check_same_thread=False)
    if hasattr(conn, "enable_load_extension"):
        conn.enable_load_extension(False)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class WorkingCopy:
    """``with WorkingCopy(db) as conn: ...; copy.commit()`` writes; anything else discards."""

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self.copy: Path | None = None
        self.conn: sqlite3.Connection | None = None
        self._lock: sqlite3.Connection | None = None
        self.committed = False

    def __enter__(self) -> sqlite3.Connection:
        try:
            self._acquire_lock()
            self._remove_stale_copies()
            self.copy = self._make_copy()
            self.conn = _connect(self.copy)
            # The copy is private and thrown away on any failure, so it needs no journal;
            # durability comes from the fsync before the rename.
            for pragma in (
                "foreign_keys = OFF",  # checked per batch instead: see Writer
                "journal_mode = OFF",
                "synchronous = OFF",
                "cache_size = -65536",
                "temp_store = MEMORY",
            ):
                self.conn.execute(f"PRAGMA {pragma}")
            return self.conn
        except BaseException:
            self._cleanup()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._cleanup()
        if exc is not None and _disk_full(exc):
            raise InterchangeError(
                f"the disk holding {self.target} is full; nothing was imported"
            ) from exc

    # --- steps ------------------------------------------------------------------------
    def _acquire_lock(self) -> None:
        """Take SQLite's write lock on the original and keep it until the rename."""
        for _ in range(5):
            before = _inode(self.target)
            store = open_store(self.target, writable=True)  # says why a file cannot be used
            conn = store.conn
            try:
                conn.execute("PRAGMA busy_timeout = 5000")
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                conn.close()
                raise DatabaseError(
                    f"{self.target} is being changed by another program; try again"
                ) from None
            if before is not None and _inode(self.target) == before:
                self._lock = conn
                return
            conn.close()  # another import renamed a new file into place meanwhile
        raise DatabaseError(f"{self.target} keeps being replaced; try again")

    def _remove_stale_copies(self) -> None:
        """Copies left by killed imports: holding the lock, none of them can be live."""
        for stale in self.target.parent.glob(f".{self.target.name}{COPY_INFIX}*"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _make_copy(self) -> Path:
        fd, name = tempfile.mkstemp(
            prefix=f".{self.target.name}{COPY_INFIX}", suffix=".db", dir=self.target.parent
        )
        os.close(fd)
        copy = Path(name)
        self.copy = copy
        try:
            shutil.copyfile(self.target, copy)
            shutil.copymode(self.target, copy)
        except OSError as exc:
            if _disk_full(exc):
                raise InterchangeError(
                    f"not enough disk space beside {self.target} for the import's working copy"
                ) from None
            raise
        return copy

    @property
    def original(self) -> sqlite3.Connection:
        """A connection to the original holding its write lock, for reading it as it was
        before the import (nothing is ever written through it)."""
        assert self._lock is not None
        return self._lock

    def commit(self) -> None:
        """Commit the copy, flush it to disk and rename it over the original."""
        assert self.conn is not None and self.copy is not None
        self.conn.commit()
        self.conn.close()
        self.conn = None
        with self.copy.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(self.copy, self.target)
        self.copy = None
        self.committed = True
        with contextlib.suppress(OSError):
            dir_fd = os.open(self.target.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def _cleanup(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.copy is not None:
            with contextlib.suppress(FileNotFoundError):
                self.copy.unlink()
            self.copy = None
        if self._lock is not None:
            with contextlib.suppress(sqlite3.Error):
                self._lock.rollback()
            self._lock.close()
            self._lock = None

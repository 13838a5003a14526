"""Import a file of events: read, validate, compare with the database, write all or nothing.

An import goes over the file twice. The first pass is exactly a dry run: every event is
validated and compared with the database by id, each classified as new, unchanged,
changed (kept or replaced, per ``on_conflict``) or rejected, and every problem is listed
by CSV row or JSON path. If anything is rejected, or nothing would change, that report is
the answer and the database is not touched.

Otherwise the second pass writes, in place, inside one SQLite transaction on the database
itself: ``BEGIN IMMEDIATE`` takes SQLite's write lock (waiting up to ``LOCK_WAIT_MS`` for
another program to finish), the events the first pass validated (kept, batch by batch,
in ``Checked``) are compared with the database again (another program may have committed
meanwhile), each batch is written with the helpers ``db build`` uses, and the transaction
commits. The file is not read again, so what is written is what was checked, even if the
file changes in between; only if the sources the file may cite by id changed in the
database is the file read and validated again. SQLite's own journal, rollback or WAL
(whichever the file uses; its mode is left as it is), makes that all or nothing: a
rejected, cancelled, failed or killed import leaves the database's contents as they were,
and the next program that opens the file sees no trace. The file is never replaced, so
symbolic and hard links, owner and mode stay as they are, and other programs' committed
changes are kept.

The same code serves ``cspo-viewer import`` and the window's File → Import events….
"""

from __future__ import annotations

import logging
import os
import pickle
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cspo_viewer.data.annotations import insert_new, new_ones
from cspo_viewer.data.build import insert_events, insert_sources, update_sources
from cspo_viewer.data.db_file import DatabaseError, sqlite_message
from cspo_viewer.data.event_record import comparable, delete_events, load_records, record_of
from cspo_viewer.data.history import record_changes
from cspo_viewer.data.interchange import existing, ids
from cspo_viewer.data.interchange.csvfmt import CsvReader
from cspo_viewer.data.interchange.detect import detect_format
from cspo_viewer.data.interchange.jsonfmt import JsonReader
from cspo_viewer.data.interchange.model import (
    PREVIEW_LIMIT,
    EventSummary,
    Format,
    ImportOptions,
    ImportReport,
    InterchangeError,
    Problem,
    Progress,
    ProgressCallback,
)
from cspo_viewer.data.interchange.sheets import SheetsReader
from cspo_viewer.data.interchange.textio import STDIN, open_input, sniff_open
from cspo_viewer.data.interchange.timelinejs import TimelineJsReader
from cspo_viewer.data.interchange.validate import Validator, ValidEvent
from cspo_viewer.data.store import Store, open_store
from cspo_viewer.data.writing import begin_immediate, commit, refusal, settle

log = logging.getLogger(__name__)

BATCH = 500
"""Events compared with the database (and written) together: one query per batch for
what it already holds, rather than one per event."""
BATCH_BYTES = 8 * 1024 * 1024
"""A batch ends sooner after this much of the file, so that a file of a few huge events
is never held whole (CSV is read row by row)."""
NOTHING = "nothing was imported"
KEEP_BYTES = 16 * 1024 * 1024
"""Pass 1's validated events are kept as they are from the first this much of a file (no
copy is cheaper), and pickled into a temporary file after it (memory stays bounded)."""
TEST_HOOK_ENV = "CSPO_VIEWER_IMPORT_TEST_HOOK"
"""Tests only: ``exit`` or ``sleep`` right after the first batch is written inside the
transaction, to prove that a process killed mid-import leaves the database as it was."""

READERS = {
    "json": JsonReader,
    "csv": CsvReader,
    "timelinejs": TimelineJsReader,
    "timelinejs-csv": SheetsReader,
}

STDIN_NAME = Path("stdin")
"""How standard input is named in the report and in the source its events cite."""


def import_file(
    db_path: Path,
    file_path: Path,
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import ``file_path`` into the database at ``db_path`` (or preview it, with ``dry_run``).

    Raises ``InterchangeError`` for a file that cannot be read at all and ``DatabaseError``
    for a database that cannot be used (or is locked by another program); row problems are
    in the report, and then nothing is written. ``progress`` may raise ``ImportCancelled``
    to stop; the transaction is rolled back and nothing is written.
    """
    options = options or ImportOptions()
    db_path, file_path = Path(db_path), Path(file_path)
    with open_input(file_path) as fh:
        if file_path == STDIN:
            file_path = STDIN_NAME
        fmt: Format = options.format or detect_format(file_path, sniff_open(fh, file_path))
        reader = READERS[fmt](file_path, fh)
        total = os.fstat(fh.fileno()).st_size
        log.info("reading %s as %s (%s bytes)", file_path, fmt, f"{total:,}")
        with open_store(db_path, writable=not options.dry_run) as store, Checked() as checked:
            store.conn.execute("BEGIN")  # a read transaction: one snapshot to compare with
            keep = None if options.dry_run else checked
            try:
                session = Session(store, file_path, fmt, options, reader, checked=keep)
                report = session.run(total, progress)
            except sqlite3.Error as exc:  # a bad page met while comparing, say
                raise DatabaseError(sqlite_message(store.path, exc)) from None
            finally:
                store.conn.rollback()
            log.info(
                "compared: %d to add, %d to change, %d already present, %d rejected",
                report.added,
                report.changed,
                report.unchanged,
                report.rejected,
            )
            if options.dry_run or not report.ok or not report.has_changes:
                return report
            return _write(store, session, checked, total, progress)


def _write(
    store: Store,
    checked_by: Session,
    checked: Checked,
    total: int,
    progress: ProgressCallback | None,
) -> ImportReport:
    """The second pass, inside one transaction that commits only if nothing is rejected;
    the history records each event written, in the same transaction."""
    conn = store.conn
    log.info("writing into %s in one transaction (BEGIN IMMEDIATE)", store.path)
    begin_immediate(store, NOTHING)
    try:
        session = checked_by.writer(store)
        if session.validator is checked_by.validator:
            report = session.replay(checked, total, progress)
        else:  # the sources the file may cite changed: check the file again
            log.info("the database's sources changed since the check: reading the file again")
            report = session.run(total, progress)
        if not (report.ok and report.has_changes):  # the database changed meanwhile
            conn.rollback()
            return report
        session.record_history()
        if progress:
            progress(Progress("saving", total, total, report.added + report.changed))
        commit(store, NOTHING)
        log.info("committed: %d added, %d changed", report.added, report.changed)
    except BaseException as exc:
        log.info("rolled back: %s", type(exc).__name__)
        conn.rollback()
        left = settle(conn, store.path)
        sentence = refusal(exc, store, NOTHING, InterchangeError, verb="import")
        if sentence is None:
            raise
        raise (type(sentence)(f"{sentence}; {left}") if left else sentence) from None
    report.written = True
    return report


def file_source(file_path: Path, title: str | None) -> dict[str, Any]:
    """The source cited by events of a file that names none: the file itself, by its title
    and file name; never an invented publisher or URL."""
    name = file_path.name
    title = title or file_path.stem
    return {
        "id": ids.source_id(title, name),
        "title": title,
        "publisher": None,
        "date": None,
        "url": None,
        "document": name,
    }


class Session:
    """One pass over the file: what has been seen, counted and (with ``write``) written.

    Every ``BATCH`` valid events are compared with the database and, when writing and
    nothing has been rejected so far, written. Answers never depend on whether earlier
    batches were written: what this pass has decided is kept here (``seen_quotes``,
    ``replaced``, ``sources_done``), so a dry run reports exactly what an import does.
    """

    def __init__(
        self,
        store: Store,
        file_path: Path,
        fmt: Format,
        options: ImportOptions,
        reader: Any,
        *,
        write: bool = False,
        checked: Checked | None = None,
        validator: Validator | None = None,
    ) -> None:
        self.conn = store.conn
        self.writing = write
        self.reader = reader
        self.options = options
        self.file_path, self.fmt = file_path, fmt
        self.checked = checked
        # A first import into a new database (``db init``) has nothing to compare with.
        self.stored_events, self.stored_quotes = self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM events), EXISTS (SELECT 1 FROM quotes)"
        ).fetchone()
        self.report = ImportReport(
            file=str(file_path),
            format=fmt,
            db=str(store.path),
            dry_run=options.dry_run,
            on_conflict=options.on_conflict,
        )
        known_sources = {r[0] for r in self.conn.execute("SELECT id FROM sources")}
        self.source = file_source(file_path, options.source_title or reader.title)
        if validator is not None and validator.known_source_ids == known_sources:
            self.validator = validator  # what it checked still holds
        else:
            self.validator = Validator(
                store.vocabulary, known_sources, self.source, map_group=options.map_group
            )
        self.origin = file_path.name
        self.seen: dict[str, tuple[str, int]] = {}
        self.seen_quotes: dict[str, str] = {}
        self.replaced: set[str] = set()
        self.sources_done: set[str] = set()
        self.kinds_written: set[str] = set()
        self.themes_written: set[str] = set()
        self.batches_written = 0
        self.history: list[tuple[str, dict[str, Any] | None, dict[str, Any]]] = []
        """(event id, record before, record after) of each event written."""

    def writer(self, store: Store) -> Session:
        """The session of the second pass, in the write transaction: it keeps this pass's
        validator (and so what it learned of the file: its sources, kinds and themes) as
        long as the sources an event may cite by id are the same in the database."""
        return Session(
            store,
            self.file_path,
            self.fmt,
            self.options,
            self.reader,
            write=True,
            validator=self.validator,
        )

    # --- the pass ---------------------------------------------------------------------
    def run(self, total: int, progress: ProgressCallback | None) -> ImportReport:
        phase = "writing" if self.writing else "checking"
        batch: list[ValidEvent] = []
        events = flushed_at = 0
        last = time.monotonic()
        for raw in self.reader:
            events += 1
            # An element that is not even an object has nothing more to check.
            valid = self.validator.validate(raw) if raw.fields else None
            if valid is None:
                self.report.reject(raw.problems)
            else:
                batch.append(valid)
                if len(batch) >= BATCH or self.reader.bytes_read - flushed_at > BATCH_BYTES:
                    self._flush(batch, events)
                    batch = []
                    flushed_at = self.reader.bytes_read
            if progress and time.monotonic() - last > 0.05:
                last = time.monotonic()
                progress(Progress(phase, self.reader.bytes_read, total, events))
        if batch:
            self._flush(batch, events)
        self._eras()
        if progress:
            progress(Progress(phase, total, total, events))
        self._notes()
        if events == 0 and not self.report.problems_total:
            self.report.notes.append("the file holds no events")
        return self.report

    def replay(
        self, checked: Checked, total: int, progress: ProgressCallback | None
    ) -> ImportReport:
        """The second pass over what the first validated, batch by batch as it was then:
        only the comparison with the database is done again, so the report is the first
        pass's unless another program changed the database in between."""
        events = 0
        for batch, events, bytes_read in checked:
            self._flush(batch, events)
            if progress:
                progress(Progress("writing", bytes_read, total, events))
        if progress:
            progress(Progress("writing", total, total, events))
        self._eras()
        self._notes()
        return self.report

    def _eras(self) -> None:
        """A TimelineJS file's eras not stored yet: counted, and written on the writing
        pass (in the same transaction, each recorded as an ``add``)."""
        eras = getattr(self.reader, "eras", ())
        if not eras:
            return
        if self.writing:
            self.report.eras_added = len(insert_new(self.conn, eras, self.origin))
        else:
            self.report.eras_added = len(new_ones(self.conn, eras))
        verb = "added" if self.writing else "to add"
        self.report.notes.append(
            f"{len(eras)} era(s) in the file, {self.report.eras_added} {verb} "
            "(periods drawn behind the timeline)"
        )

    def _notes(self) -> None:
        report = self.report
        report.notes.extend(self.reader.notes)
        report.new_kinds = list(self.validator.new_kinds.values())
        report.new_themes = list(self.validator.new_themes.values())
        groups = self.validator.unmapped_groups
        if groups:
            names = ", ".join(list(groups)[:5]) + (", …" if len(groups) > 5 else "")
            report.notes.append(
                f"{sum(groups.values())} event(s) have groups that are neither kinds nor themes "
                f"here ({names}); they import as kind 'other' unless you choose "
                "--map-group kind or --map-group theme"
            )
        if self.validator.cites_file:
            report.notes.append(
                f"events without sources cite the file itself: “{self.source['title']}” "
                f"({self.source['document']})"
            )

    # --- one batch --------------------------------------------------------------------
    def _flush(self, batch: list[ValidEvent], events: int) -> None:
        if self.checked is not None and self.report.ok:
            self.checked.add(batch, events, self.reader.bytes_read)
        fresh = self._drop_repeats(batch)
        # Fresh ids are new to this file, so nothing this pass wrote touched them.
        stored = (
            existing.existing_ids(self.conn, "events", [ev.row["id"] for ev in fresh])
            if self.stored_events
            else set()
        )
        # One read of the stored events serves the comparison (in ``comparable`` shape)
        # and, for those replaced, the history's "before".
        before = load_records(self.conn, list(stored)) if stored else {}
        kept: list[tuple[ValidEvent, tuple[str, ...] | None]] = []  # None: a new event
        for ev in fresh:
            if ev.row["id"] not in stored:
                kept.append((ev, None))
                continue
            changes = existing.differences(comparable(before[ev.row["id"]]), comparable(ev.row))
            if not changes:
                self.report.unchanged += 1
            elif self.options.on_conflict == "fail":
                self._reject(
                    ev,
                    f"event {ev.row['id']} already exists with a different "
                    f"{', '.join(changes)} (--on-conflict fail)",
                )
            elif self.options.on_conflict == "skip":
                self.report.skipped += 1
                self._list(self.report.changed_items, ev, changes)
            else:
                kept.append((ev, changes))
        refused = self._quote_clashes([ev for ev, _ in kept])
        new_sources, changed_sources = self._sources(
            [ev for ev, _ in kept if ev.row["id"] not in refused], refused
        )
        kept = [(ev, c) for ev, c in kept if ev.row["id"] not in refused]
        for ev, changed in kept:
            if changed is None:
                self.report.added += 1
                self._list(self.report.added_items, ev, ())
            else:
                self.report.changed += 1
                self._list(self.report.changed_items, ev, changed)
                self.replaced.add(ev.row["id"])
        self.report.new_sources += len(new_sources)
        if self.writing and self.report.ok:
            self._write(kept, new_sources, changed_sources, before)

    def _drop_repeats(self, batch: list[ValidEvent]) -> list[ValidEvent]:
        """The same event twice in a file counts once; the same id with other content is an
        error (two rows cannot both be event X)."""
        fresh = []
        for ev in batch:
            eid, fingerprint = ev.row["id"], ev.fingerprint
            prev = self.seen.get(eid)
            if prev is None:
                self.seen[eid] = (ev.where, fingerprint)
                fresh.append(ev)
            elif prev[1] == fingerprint:
                self.report.duplicates += 1
            else:
                self._reject(ev, f"id {eid} is also used by {prev[0]}, with different content")
        return fresh

    def _quote_clashes(self, events: list[ValidEvent]) -> set[str]:
        """Events refused because a quote id belongs to another event (ids are unique
        across the database)."""
        qids = [q["id"] for ev in events for q in ev.row["quotes"]]
        if not qids:
            return set()
        owners = existing.quote_owners(self.conn, qids) if self.stored_quotes else {}
        refused: set[str] = set()
        for ev in events:
            eid = ev.row["id"]
            for q in ev.row["quotes"]:
                owner = self._quote_owner(q["id"], owners, eid)
                if owner != eid:
                    self._reject(ev, f"quote id {q['id']} already belongs to event {owner}")
                    refused.add(eid)
                    break
            else:
                for q in ev.row["quotes"]:
                    self.seen_quotes[q["id"]] = eid
        return refused

    def _quote_owner(self, qid: str, stored: dict[str, str], default: str) -> str:
        """Whose quote ``qid`` is: an event of this file that took it, else the database's
        owner unless this file replaced that event (its quotes are then rewritten)."""
        owner = self.seen_quotes.get(qid)
        if owner is not None:
            return owner
        owner = stored.get(qid)
        if owner is None or owner in self.replaced:
            return default
        return owner

    def _sources(
        self, events: list[ValidEvent], refused: set[str]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Sources to insert and to overwrite. One that differs from the database's follows
        ``on_conflict``; under ``fail`` its events are refused (added to ``refused``)."""
        wanted: dict[str, tuple[dict[str, Any], ValidEvent]] = {}
        given = self.validator.file_sources  # id -> (record, where), for any event's
        for ev in events:
            for record in ev.sources:
                if record["id"] not in self.sources_done and record["id"] not in wanted:
                    wanted[record["id"]] = (record, ev)
            for sid in ev.row["sources"]:
                # Cited by id, its details given by another event of the file, which may
                # not be written itself (skipped as a conflict, say).
                if sid in given and sid not in self.sources_done and sid not in wanted:
                    wanted[sid] = (given[sid][0], ev)
        if not wanted:
            return [], []
        stored = existing.load_sources(self.conn, wanted)
        new, changed = [], []
        for sid, (record, ev) in wanted.items():
            self.sources_done.add(sid)
            old = stored.get(sid)
            if old is None:
                new.append(record)
            elif old != record:
                if self.options.on_conflict == "replace":
                    changed.append(record)
                elif self.options.on_conflict == "fail":
                    refused.add(ev.row["id"])
                    self._reject(
                        ev,
                        f"source {sid} already exists with different details (--on-conflict fail)",
                    )
                else:
                    self.report.notes.append(
                        f"source {sid} differs from the database's; the database's is kept"
                    )
        return new, changed

    def _write(
        self,
        kept: list[tuple[ValidEvent, tuple[str, ...] | None]],
        new_sources: list[dict[str, Any]],
        changed_sources: list[dict[str, Any]],
        before: dict[str, dict[str, Any]],
    ) -> None:
        """Write one batch: new kinds and themes, sources, then the events with their
        tags and quotes (a replaced event is deleted first, so its old tags, quotes and
        index entries go with it). The sqlite-utils triggers keep the full-text index.
        ``before``: the stored records of the batch's events, read for the comparison."""
        conn = self.conn
        self._vocabulary()
        insert_sources(conn, new_sources)
        update_sources(conn, changed_sources)
        replaced = [ev.row["id"] for ev, changes in kept if changes is not None]
        if replaced:
            delete_events(self.conn, replaced)
        insert_events(conn, [ev.row for ev, _ in kept])
        self.history.extend(
            (ev.row["id"], before.get(ev.row["id"]), record_of(ev.row)) for ev, _ in kept
        )
        self.batches_written += 1
        if self.batches_written == 1 and os.environ.get(TEST_HOOK_ENV):
            _test_hook()

    def record_history(self) -> None:
        """One ``import`` change per event written, as one undoable step."""
        record_changes(self.conn, "import", self.history, origin=self.origin)

    def _vocabulary(self) -> None:
        """Kinds and themes the file's TimelineJS groups added (``--map-group``)."""
        kinds = {k: v for k, v in self.validator.new_kinds.items() if k not in self.kinds_written}
        if kinds:
            order = self.conn.execute("SELECT COALESCE(MAX(sort_order), 0) FROM kinds")
            first = int(order.fetchone()[0]) + 1
            self.conn.executemany(
                "INSERT INTO kinds (id, label, description, sort_order) VALUES (?, ?, ?, ?)",
                (
                    (kid, label, f"Imported from {self.origin}.", first + i)
                    for i, (kid, label) in enumerate(kinds.items())
                ),
            )
            self.kinds_written.update(kinds)
        themes = {
            k: v for k, v in self.validator.new_themes.items() if k not in self.themes_written
        }
        if themes:
            self.conn.executemany(
                "INSERT INTO themes (id, label, description) VALUES (?, ?, ?)",
                ((tid, label, f"Imported from {self.origin}.") for tid, label in themes.items()),
            )
            self.themes_written.update(themes)

    # --- reporting --------------------------------------------------------------------
    def _reject(self, ev: ValidEvent, message: str) -> None:
        self.report.reject([Problem(ev.where, message)])

    @staticmethod
    def _list(items: list[EventSummary], ev: ValidEvent, changes: tuple[str, ...]) -> None:
        if len(items) < PREVIEW_LIMIT:
            row = ev.row
            items.append(EventSummary(ev.where, row["id"], row["date"], row["title"], changes))


class Checked:
    """The first pass's valid events, batch by batch, for the second pass to write: kept
    as they are from the first ``KEEP_BYTES`` of the file, pickled into a temporary file
    after that, so a large file is never held whole. Only batches before the first
    rejection are kept (after one, nothing is written)."""

    def __init__(self) -> None:
        self._kept: list[tuple[list[ValidEvent], int, int]] = []
        self._file: Any = None
        self._spilled = 0

    def add(self, batch: list[ValidEvent], events: int, bytes_read: int) -> None:
        """Keep ``batch`` with the events read and bytes read when it was complete."""
        if bytes_read <= KEEP_BYTES and self._file is None:
            self._kept.append((batch, events, bytes_read))
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by __exit__
        pickle.dump((batch, events, bytes_read), self._file, pickle.HIGHEST_PROTOCOL)
        self._spilled += 1

    def __iter__(self) -> Iterator[tuple[list[ValidEvent], int, int]]:
        yield from self._kept
        if self._file is not None:
            self._file.seek(0)
            for _ in range(self._spilled):
                yield pickle.load(self._file)  # written by this process, just now

    def __enter__(self) -> Checked:
        return self

    def __exit__(self, *exc: object) -> None:
        self._kept = []
        if self._file is not None:
            self._file.close()


def _test_hook() -> None:
    """Die (or wait to be killed) inside the transaction, for the crash-safety tests."""
    hook = os.environ.get(TEST_HOOK_ENV)
    if hook == "exit":
        os._exit(86)
    if hook == "sleep":
        print("import test hook: sleeping mid-import", file=sys.stderr, flush=True)
        time.sleep(60)

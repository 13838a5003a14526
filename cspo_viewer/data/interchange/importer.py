"""Import a file of events: detect, read, validate, compare, and write all or nothing.

One pass streams the file: each event is validated, compared with the database by id and
classified as new, unchanged, changed (kept or replaced, per ``on_conflict``) or rejected.
Writes go to a private working copy (see ``workcopy``) that replaces the database only if
nothing at all was rejected; a dry run reads the database and writes nothing. The same
code serves ``cspo-viewer import`` and the window's File → Import….
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cspo_viewer import paths
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
    Problem,
    Progress,
    ProgressCallback,
)
from cspo_viewer.data.interchange.textio import open_binary
from cspo_viewer.data.interchange.timelinejs import TimelineJsReader
from cspo_viewer.data.interchange.validate import Validator, ValidEvent
from cspo_viewer.data.interchange.workcopy import WorkingCopy
from cspo_viewer.data.interchange.writer import Writer
from cspo_viewer.data.store import Store, open_store

BATCH = 256
"""Events validated before they are compared with the database and staged for writing.
Small, so that the batch is still in the processor's cache when it is gone over again: a
dry run of 100,000 CSV events took 3.5-4.3 s of CPU in batches of 5,000, 3.0 s in 256s."""
HANDOVER = 5000
"""Events staged before the writer's helper thread writes them (see ``writer``). Fewer at
the start and near the end of the file (``handover_size``), so that the helper starts
early and the reading thread, done, waits only for a small last handover."""
BATCH_BYTES = 8 * 1024 * 1024
"""Both happen sooner after this much of the file, so that a file of a few huge events
does not sit in memory whole."""
TEST_HOOK_ENV = "CSPO_VIEWER_IMPORT_TEST_HOOK"
"""Tests only: ``exit`` or ``sleep`` right after the first batch is written, to prove that
a process killed mid-import leaves the database as it was."""

READERS = {"json": JsonReader, "csv": CsvReader, "timelinejs": TimelineJsReader}


def import_file(
    db_path: Path,
    file_path: Path,
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import ``file_path`` into the database at ``db_path`` (or preview it, with ``dry_run``).

    Raises ``InterchangeError`` for a file that cannot be read at all and ``DatabaseError``
    for a database that cannot be used; row problems are in the report, and then nothing
    is written. ``progress`` may raise ``ImportCancelled`` to stop; nothing is written.
    """
    options = options or ImportOptions()
    db_path, file_path = Path(db_path), Path(file_path)
    fmt: Format = options.format or detect_format(file_path)
    title = options.source_title
    with _no_cyclic_gc():
        report = _run(db_path, file_path, fmt, options, progress, title)
        if isinstance(report, str):  # the file's title came after its events: once more
            report = _run(db_path, file_path, fmt, options, progress, report)
    assert isinstance(report, ImportReport)
    return report


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector while importing.

    An import makes millions of short-lived dicts, lists and tuples and no reference
    cycles, yet each few thousand allocations trigger a collection that walks the young
    objects (and now and then every object): about a fifth of the import's Python time.
    Reference counting still frees everything as usual; the collector resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


BUNDLED_REFUSAL = (
    "the bundled database is built from db/src and is not imported into; "
    "create your own with: cspo-viewer db init --db mine.db, then import with --db mine.db"
)


def is_bundled_database(path: Path) -> bool:
    """The shipped database is derived from ``db/src`` (a test keeps the two equal), so
    imports go into a database of the user's own, never into it."""
    try:
        return Path(path).resolve() == paths.bundled_db_path().resolve()
    except OSError:
        return False


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


def _run(
    db_path: Path,
    file_path: Path,
    fmt: Format,
    options: ImportOptions,
    progress: ProgressCallback | None,
    title: str | None,
) -> ImportReport | str:
    """One pass; returns the file's late title instead of a report when a second is needed."""
    with open_binary(file_path) as fh:
        total = os.fstat(fh.fileno()).st_size
        if options.dry_run:
            with open_store(db_path) as store:
                session = Session(store, file_path, fmt, options, title)
                return session.run(_reader(fmt, file_path, fh), total, progress)
        work = WorkingCopy(db_path)
        with work as conn:
            store = Store(db_path, conn, writable=True)
            writer = Writer(conn)
            try:
                session = Session(
                    store, file_path, fmt, options, title, writer=writer, original=work.original
                )
                result = session.run(_reader(fmt, file_path, fh), total, progress)
                if isinstance(result, ImportReport) and result.ok and session.has_changes:
                    session.finish(progress, total)
                    work.commit()
                    result.written = True
            finally:
                writer.close()
            return result


def handover_size(handed: int, left: int | None) -> int:
    """Events to stage before the next handover, given those handed over so far and an
    estimate of those left in the file (None: not known).

    The two threads overlap only while both have work: the helper idles until the first
    handover and the reading thread, at the end, waits for the last one to be written.
    So handovers grow from one batch to ``HANDOVER`` (doubling) and shrink again to half
    of what is left, down to one batch."""
    size = min(HANDOVER, handed)
    if left is not None:
        size = min(size, left // 2)
    return max(BATCH, size)


def _reader(fmt: Format, path: Path, fh: BinaryIO) -> Any:
    return READERS[fmt](path, fh)


class Session:
    """The state of one pass: what has been seen, counted, and (when writing) written.

    ``run`` reads and validates events; every ``BATCH`` of them ``_flush`` compares with
    the database and, when writing, stages them; every ``HANDOVER`` events the writer's
    helper thread writes and indexes what was staged while this thread reads on (see
    ``writer``).
    """

    def __init__(
        self,
        store: Store,
        file_path: Path,
        fmt: Format,
        options: ImportOptions,
        title: str | None,
        *,
        writer: Writer | None = None,
        original: sqlite3.Connection | None = None,
    ) -> None:
        self.conn = store.conn
        # What a batch is compared with. Writing, that is the database as it was before
        # the import (read while the writer's helper writes the working copy), with the
        # batches written so far accounted for here: see _quote_owners.
        self.reads = original or store.conn
        # A first import into a new database (``db init``) has nothing to compare with.
        self.stored_events, self.stored_quotes = self.reads.execute(
            "SELECT EXISTS (SELECT 1 FROM events), EXISTS (SELECT 1 FROM quotes)"
        ).fetchone()
        self.options = options
        self.writer = writer
        self.title = title
        self.report = ImportReport(
            file=str(file_path),
            format=fmt,
            db=str(store.path),
            dry_run=options.dry_run,
            on_conflict=options.on_conflict,
        )
        known_sources = {r[0] for r in self.conn.execute("SELECT id FROM sources")}
        self.source = file_source(file_path, title)
        self.validator = Validator(
            store.vocabulary,
            known_sources,
            self.source,
            map_group=options.map_group,
        )
        self.origin = file_path.name
        self.seen: dict[str, tuple[str, int]] = {}
        self.seen_quotes: dict[str, str] = {}
        self.written_quotes: dict[str, str] = {}
        self.replaced_written: set[str] = set()
        self.sources_done: set[str] = set()
        self.kinds_written: set[str] = set()
        self.themes_written: set[str] = set()
        self.batches_written = 0

    @property
    def has_changes(self) -> bool:
        """Anything to write? Re-importing a file changes nothing and rewrites nothing."""
        report = self.report
        return bool(report.added or report.changed or report.new_sources or self.kinds_written)

    # --- the pass ---------------------------------------------------------------------
    def run(self, reader: Any, total: int, progress: ProgressCallback | None) -> ImportReport | str:
        events = self._read(reader, total, progress)
        if progress:
            progress(Progress("reading", total, total, events))
        late = reader.title and self.title != reader.title and not self.options.source_title
        if late and self.validator.cites_file:
            return str(reader.title)  # only now known: cite the file by it, in a second pass
        self._notes(reader)
        if events == 0 and not self.report.problems_total:
            self.report.notes.append("the file holds no events")
        return self.report

    def _read(self, reader: Any, total: int, progress: ProgressCallback | None) -> int:
        flush = self._flush
        batch: list[ValidEvent] = []
        events = flushed_at = handed_at = staged = handed = 0
        last = time.monotonic()
        for raw in reader:
            events += 1
            if events == 1 and self.title is None and reader.title:
                self._use_title(reader.title)  # the file's own title came before its events
            # An element that is not even an object has nothing more to check.
            valid = self.validator.validate(raw) if raw.fields else None
            if valid is None:
                self.report.reject(raw.problems)
            else:
                batch.append(valid)
                if len(batch) >= BATCH or reader.bytes_read - flushed_at > BATCH_BYTES:
                    flush(batch)
                    staged += len(batch)
                    batch = []
                    flushed_at = reader.bytes_read
                    # Events still to come, from the bytes not yet read; unknown once the
                    # reader holds the rest of the file (JSON reads ahead by the MiB).
                    left = None
                    if 0 < flushed_at < total:
                        left = (total - flushed_at) * events // flushed_at
                    if (
                        staged >= handover_size(handed, left)
                        or flushed_at - handed_at > BATCH_BYTES
                    ):
                        self._handover()
                        handed += staged
                        staged, handed_at = 0, flushed_at
            if progress and events % 500 == 0 and time.monotonic() - last > 0.05:
                last = time.monotonic()
                progress(Progress("reading", reader.bytes_read, total, events))
        if batch:
            flush(batch)
        return events

    def _handover(self) -> None:
        if self.writer is not None:
            self.writer.handover()

    def _use_title(self, title: str) -> None:
        self.title = title
        self.source = file_source(Path(self.report.file), title)
        self.validator.file_source = self.source

    def _notes(self, reader: Any) -> None:
        report = self.report
        report.notes.extend(reader.notes)
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

    def finish(self, progress: ProgressCallback | None, total: int) -> None:
        if progress:
            progress(Progress("saving", total, total, self.report.added))
        if self.writer:
            self.writer.finish()

    # --- one batch --------------------------------------------------------------------
    def _flush(self, batch: list[ValidEvent]) -> None:
        fresh = self._drop_repeats(batch)
        # Fresh ids are new to this import, so nothing written so far touched them.
        stored = (
            existing.existing_ids(self.reads, "events", [ev.row["id"] for ev in fresh])
            if self.stored_events
            else set()
        )
        old = existing.load_events(self.reads, list(stored)) if stored else {}
        adds: list[ValidEvent] = []
        replaces: list[tuple[ValidEvent, tuple[str, ...]]] = []
        for ev in fresh:
            if ev.row["id"] not in stored:
                adds.append(ev)
                continue
            changes = existing.differences(old[ev.row["id"]], existing.comparable(ev.row))
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
                replaces.append((ev, changes))
        refused = self._quote_clashes([*adds, *(ev for ev, _ in replaces)])
        new_sources, changed_sources = self._sources(
            [ev for ev in (*adds, *(e for e, _ in replaces)) if ev.row["id"] not in refused],
            refused,
        )
        if refused:
            adds = [ev for ev in adds if ev.row["id"] not in refused]
            replaces = [(ev, c) for ev, c in replaces if ev.row["id"] not in refused]
        self.report.added += len(adds)
        self.report.changed += len(replaces)
        self.report.new_sources += len(new_sources)
        for ev in adds:
            self._list(self.report.added_items, ev, ())
        for ev, changes in replaces:
            self._list(self.report.changed_items, ev, changes)
        if self.writer is not None and self.report.ok:
            self._write(adds, [ev for ev, _ in replaces], new_sources, changed_sources)

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
        owners = self._quote_owners(qids)
        refused: set[str] = set()
        for ev in events:
            eid = ev.row["id"]
            for q in ev.row["quotes"]:
                owner = owners.get(q["id"], self.seen_quotes.get(q["id"], eid))
                if owner != eid:
                    self._reject(ev, f"quote id {q['id']} already belongs to event {owner}")
                    refused.add(eid)
                    break
            else:
                for q in ev.row["quotes"]:
                    self.seen_quotes[q["id"]] = eid
        return refused

    def _quote_owners(self, qids: list[str]) -> dict[str, str]:
        """The owners of these quote ids in the database as the batches written so far
        left it: those of the original, less the quotes of events since replaced (their
        quotes were deleted and rewritten), plus the quotes written since."""
        owners = existing.quote_owners(self.reads, qids) if self.stored_quotes else {}
        if self.written_quotes or self.replaced_written:
            for qid in qids:
                written_by = self.written_quotes.get(qid)
                if written_by is not None:
                    owners[qid] = written_by
                elif owners.get(qid) in self.replaced_written:
                    del owners[qid]
        return owners

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
        stored = existing.load_sources(self.reads, wanted)
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
        adds: list[ValidEvent],
        replaces: list[ValidEvent],
        new_sources: list[dict[str, Any]],
        changed_sources: list[dict[str, Any]],
    ) -> None:
        writer = self.writer
        assert writer is not None
        kinds = {k: v for k, v in self.validator.new_kinds.items() if k not in self.kinds_written}
        themes = {
            k: v for k, v in self.validator.new_themes.items() if k not in self.themes_written
        }
        if kinds:
            writer.add_kinds(kinds, self.origin)
            self.kinds_written.update(kinds)
        if themes:
            writer.add_themes(themes, self.origin)
            self.themes_written.update(themes)
        writer.write(
            [ev.row for ev in adds], [ev.row for ev in replaces], new_sources, changed_sources
        )
        self.replaced_written.update(ev.row["id"] for ev in replaces)
        self.written_quotes.update(
            (q["id"], ev.row["id"]) for ev in (*adds, *replaces) for q in ev.row["quotes"]
        )
        self.batches_written += 1
        if self.batches_written == 1 and os.environ.get(TEST_HOOK_ENV):
            writer.sync()  # the batch is in the working copy, not only staged
            _test_hook()

    # --- reporting --------------------------------------------------------------------
    def _reject(self, ev: ValidEvent, message: str) -> None:
        self.report.reject([Problem(ev.where, message)])

    @staticmethod
    def _list(items: list[EventSummary], ev: ValidEvent, changes: tuple[str, ...]) -> None:
        if len(items) < PREVIEW_LIMIT:
            row = ev.row
            items.append(EventSummary(ev.where, row["id"], row["date"], row["title"], changes))


def _test_hook() -> None:
    """Die (or wait to be killed) inside the import, for the crash-safety tests."""
    hook = os.environ.get(TEST_HOOK_ENV)
    if hook == "exit":
        os._exit(86)
    if hook == "sleep":
        print("import test hook: sleeping mid-import", file=sys.stderr, flush=True)
        time.sleep(60)

"""Writing validated events into the working copy, fast and with the FTS index right.

The FTS triggers cannot run here: connections keep ``trusted_schema`` off (a database from
elsewhere may carry hostile triggers), and then SQLite refuses triggers that write to a
virtual table. They are also slow: 10 s for 100,000 events against 1.5 s for set-based
inserts. So for the length of an import the six FTS triggers are dropped and the writer
keeps the index itself, batch by batch: it takes replaced rows out of the index before they
change and indexes every row it wrote. ``finish`` puts the triggers back with their own
SQL. This only ever runs on the private working copy.

Events travel in two steps, so that on two cores the database work of one batch runs
while the next one is read and validated (alone, each takes about half of an import):

1. The calling thread binds each few hundred events into the *stage* (``write``): a few
   plain tables without indexes or constraints, one row per event (its tags as JSON lists)
   and one per quote, 40 rows per statement. The stage is a private in-memory database
   whose image (``serialize``) is handed over whole every few thousand events
   (``handover``).
2. A helper thread loads that image as the schema ``cspo_stage`` attached to the working
   copy, and applies it with a dozen set-based statements (``INSERT … SELECT``, ``UPDATE``,
   ``DELETE … WHERE id IN``). SQLite runs each one without holding the GIL. The helper
   holds at most ``QUEUED`` handovers; after one fails, it writes none of the others.

Only the helper uses the working copy's connection between ``__init__`` and ``finish``
(which waits for it), so the two threads never share it. Binding rows in the helper was
tried and lost twice (row by row, then 40 rows per statement): binding needs the GIL, so
it only moves work onto the reading thread's critical path. The helper commits the private
copy after each handover, which costs nothing there (no journal, no sync) and frees the
stage for the next image; crash safety comes from the rename (``workcopy``). Where Python's
``sqlite3`` lacks ``serialize`` (SQLite built without it), the calling thread binds into
``cspo_stage`` itself, after waiting for the helper: the same statements, less overlap.

The working copy runs without per-row foreign-key checks; ``_check_references`` checks
what each handover wrote, set-wise, before it is committed.
"""

from __future__ import annotations

import contextlib
import functools
import operator
import sqlite3
import sys
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from cspo_viewer.data import schema
from cspo_viewer.data.build import EVENT_COLUMNS, QUOTE_COLUMNS, SOURCE_COLUMNS
from cspo_viewer.data.interchange.caches import remember
from cspo_viewer.data.interchange.model import InterchangeError

_FTS = {"events": schema.EVENT_FTS_COLUMNS, "quotes": schema.QUOTE_FTS_COLUMNS}
_event_values = operator.itemgetter(*EVENT_COLUMNS)
_quote_values = operator.itemgetter(*QUOTE_COLUMNS)
_source_values = operator.itemgetter(*SOURCE_COLUMNS)
Row = Mapping[str, Any]

STAGE = "cspo_stage"
_LINKS = (
    ("event_nations", "nation_code", "nations"),
    ("event_themes", "theme_id", "themes"),
    ("event_sources", "source_id", "sources"),
)
_TAGS = tuple(key for _, _, key in _LINKS)
_STAGED: dict[str, tuple[str, ...]] = {
    "kinds": ("id", "label", "description", "sort_order"),
    "themes": ("id", "label", "description"),
    "sources": SOURCE_COLUMNS,
    "changed_sources": SOURCE_COLUMNS,
    "replaced": (*EVENT_COLUMNS, *_TAGS),
    "events": (*EVENT_COLUMNS, *_TAGS),
    "quotes": ("event_id", *QUOTE_COLUMNS),
}
"""The stage's tables. ``events`` are new events and ``replaced`` the new content of stored
ones, each with its tags as JSON lists; ``quotes`` are the quotes of both, in that order."""
_CITED = ("kinds", "themes", "sources")
"""Staged rows appended first: what events cite."""

SWITCH_INTERVAL = 0.0001
"""Python's GIL switch interval while importing (5 ms by default): the longest the helper
waits to take the GIL back after a statement while the reading thread runs Python."""

_LIST_CACHE_LIMIT = 50_000
HANDOVER_IMAGES = True
"""Hand the stage over as a serialized image where ``sqlite3`` can (tests turn it off to
cover the path taken where it cannot)."""
ROWS_PER_INSERT = 40
"""Rows per statement when staging. ``executemany`` gives the GIL back and takes it again
for every row, each time waiting for the reading thread to let go of it; one statement of
40 rows does that once (measured: a fifth less time binding alone, more while the helper
runs; far longer statements were slower again)."""
MAX_PARAMETERS = 999
"""SQLite's smallest default limit on parameters per statement (before 3.32)."""
QUEUED = 2
"""Handovers the helper may have in hand (one being written, one waiting): the reading
thread goes on staging while the helper catches up with a slow stretch, instead of
waiting at each handover for the one before."""


class Writer:
    """Writes batches of new and replacing events; ``finish`` waits for the last batch and
    restores the FTS triggers. ``close`` must follow, whatever happened: it stops and waits
    for the helper thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._triggers: list[str] = []
        for table in _FTS:
            for suffix in ("ai", "ad", "au"):
                row = conn.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                    [f"{table}_{suffix}"],
                ).fetchone()
                if row:
                    self._triggers.append(row[0])
                    conn.execute(f'DROP TRIGGER "{table}_{suffix}"')
        # Each batch adds a segment to each full-text index. FTS5 merges them as it goes
        # (``automerge``), which took a third of the indexing time; during the import only
        # its "crisis merge" of 16 segments on one level runs, which keeps lookups quick.
        # ``finish`` restores the setting for later writers.
        self._automerge = {table: _automerge(conn, table) for table in _FTS}
        for table in _FTS:
            _set_automerge(conn, table, 0)
        # The stage is the one attachment this connection ever gets: allowed for this
        # statement only, so the no-ATTACH hardening holds for everything else.
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 1)
        try:
            conn.execute(f"ATTACH ':memory:' AS {STAGE}")
        finally:
            conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        self._sort_order = int(
            conn.execute("SELECT COALESCE(MAX(sort_order), 0) FROM main.kinds").fetchone()[0]
        )
        self._serialize = HANDOVER_IMAGES and hasattr(conn, "serialize")
        if not self._serialize:
            _create_stage(conn, STAGE)
        self._stage = self._new_stage()
        self._staged: set[str] = set()
        self._lists: dict[tuple[str, ...], str] = {}
        self._helper = ThreadPoolExecutor(1, thread_name_prefix="cspo-import-writer")
        self._pending: deque[Future[None]] = deque()
        self._stopping = False
        self._failed = False
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL))

    # --- the calling thread -----------------------------------------------------------
    def add_kinds(self, kinds: Mapping[str, str], origin: str) -> None:
        """New kinds (ordered after the existing ones), written with the next batch."""
        rows = []
        for kid, label in kinds.items():
            self._sort_order += 1
            rows.append((kid, label, f"Imported from {origin}.", self._sort_order))
        self._put("kinds", rows)

    def add_themes(self, themes: Mapping[str, str], origin: str) -> None:
        """New themes, written with the next batch."""
        self._put("themes", [(t, label, f"Imported from {origin}.") for t, label in themes.items()])

    def write(
        self,
        adds: Sequence[Row],
        replaces: Sequence[Row],
        sources: Sequence[Row] = (),
        changed_sources: Sequence[Row] = (),
    ) -> None:
        """Stage some events; ``handover`` (or ``sync``) passes what is staged to the helper.

        The importer stages a few hundred events at a time, while they are still in the
        processor's cache, and hands over a few thousand at a time: each handover costs
        the helper a dozen statements and a commit."""
        self._put("sources", list(map(_source_values, sources)))
        self._put("changed_sources", list(map(_source_values, changed_sources)))
        self._put("replaced", self._event_rows(replaces))
        self._put("events", self._event_rows(adds))
        self._put(
            "quotes",
            [
                (r["id"], *_quote_values(q))
                for rows in (adds, replaces)
                for r in rows
                for q in r["quotes"]
            ],
        )

    def handover(self) -> None:
        """Pass what is staged to the helper, once it has room for it (``QUEUED``)."""
        staged, self._staged = frozenset(self._staged), set()
        if not staged:
            return  # nothing new since the last handover (all of it already stored, say)
        image = None
        if self._serialize:
            self._stage.commit()
            image = self._stage.serialize()
            self._stage.close()
            self._stage = self._new_stage()
        while len(self._pending) >= QUEUED:  # (without serialize, _put waited for all)
            self._wait_oldest()
        self._pending.append(self._helper.submit(self._apply, image, staged))

    def sync(self) -> None:
        """Hand over what is staged and wait until the helper has written everything;
        raise what stopped it."""
        self.handover()
        self._wait()

    def _wait(self) -> None:
        """Wait until the helper has written every handover; raise what stopped it."""
        waited = bool(self._pending)
        while self._pending:
            self._wait_oldest()
        if waited and not self._serialize:
            for table in _STAGED:
                self.conn.execute(f"DELETE FROM {STAGE}.{table}")

    def _wait_oldest(self) -> None:
        """Wait for the oldest handover. It leaves the queue once done, so that one still
        running when a KeyboardInterrupt stops the wait is interrupted by ``close``."""
        pending = self._pending[0]
        try:
            pending.result()
        finally:
            if pending.done():
                self._pending.popleft()

    def finish(self) -> None:
        """Wait for the last batch, then put the FTS triggers back, so later edits by other
        tools keep the index."""
        self.sync()
        self.conn.commit()  # a schema in a transaction cannot be detached
        self.conn.execute(f"DETACH {STAGE}")
        for sql in self._triggers:
            self.conn.execute(sql)
        self._triggers.clear()
        for table, value in self._automerge.items():
            _restore_automerge(self.conn, table, value)

    def close(self) -> None:
        """Stop the helper (interrupting a statement in progress) and wait for it."""
        if any(not pending.done() for pending in self._pending):
            self._stopping = True
            self.conn.interrupt()
        try:
            while self._pending:  # what is still staged is dropped with the stage
                with contextlib.suppress(Exception):  # the import is being abandoned
                    self._wait_oldest()
        finally:
            self._helper.shutdown(wait=True)
            if self._serialize:
                self._stage.close()
            sys.setswitchinterval(self._switch_interval)

    def _new_stage(self) -> sqlite3.Connection:
        if not self._serialize:
            return self.conn
        stage = sqlite3.connect(":memory:")
        _create_stage(stage, "main")
        return stage

    def _put(self, table: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if not self._serialize and not self._staged:
            self._wait()  # the stage is the working copy's: wait until the helper is done
        schema_name = STAGE if not self._serialize else "main"
        execute = self._stage.execute
        per = max(1, min(ROWS_PER_INSERT, MAX_PARAMETERS // len(_STAGED[table])))
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            execute(_insert_values(schema_name, table, len(chunk)), [*chain.from_iterable(chunk)])
        self._staged.add(table)

    def _event_rows(self, rows: Iterable[Row]) -> list[tuple[Any, ...]]:
        lists = self._json_list
        return [
            (*_event_values(r), lists(r["nations"]), lists(r["themes"]), lists(r["sources"]))
            for r in rows
        ]

    def _json_list(self, values: tuple[str, ...]) -> str:
        """``values`` as a JSON list for ``json_each``, remembered: a file has a few
        thousand distinct lists of tags."""
        text = self._lists.get(values)
        if text is None:
            text = "[" + ",".join(map(encode_basestring_ascii, values)) + "]"
            remember(self._lists, values, text, _LIST_CACHE_LIMIT)
        return text

    # --- the helper thread ------------------------------------------------------------
    def _apply(self, image: bytes | None, staged: frozenset[str]) -> None:
        """Write one staged batch into the working copy and commit it; after a batch that
        failed, do nothing (its error is raised to the reading thread, which gives up)."""
        if self._failed or self._stopping:
            return
        try:
            self._write_stage(image, staged)
        except BaseException:
            self._failed = True
            raise

    def _write_stage(self, image: bytes | None, staged: frozenset[str]) -> None:
        conn = self.conn
        if image is not None:
            conn.deserialize(image, name=STAGE)
        steps = [_append(table) for table in _CITED if table in staged]
        if "changed_sources" in staged:
            steps.append(_update("sources", SOURCE_COLUMNS, "changed_sources"))
        if "replaced" in staged:
            replaced = f"(SELECT id FROM {STAGE}.replaced)"
            steps += [  # out of the index while they hold their old text, then rewritten
                _unindex("events", f"id IN {replaced}"),
                _unindex("quotes", f"event_id IN {replaced}"),
                *(
                    f"DELETE FROM main.{t} WHERE event_id IN {replaced}"
                    for t in ("event_nations", "event_themes", "event_sources", "quotes")
                ),
                _update("events", EVENT_COLUMNS, "replaced"),
                _index("events", f"id IN {replaced}"),
            ]
        for sql in steps:
            self._step(sql)
        if self._stopping:
            return
        before = _last_rowids(conn)
        max_event, max_quote = before["events"], before["quotes"]
        steps = []
        if "events" in staged:
            names = ", ".join(EVENT_COLUMNS)
            steps.append(
                f"INSERT INTO main.events ({names})"
                f" SELECT {names} FROM {STAGE}.events ORDER BY rowid"
            )
        for table, column, key in _LINKS:
            # Tags of new events, then of replaced ones, by event id: the rows' keys
            # (event_id, tag) then reach the table's indexes in order, which saves a
            # fifth of the time (file order is random there). Each event's tags keep
            # their order (rowid), which is how the store reads them back.
            steps += [
                f"INSERT INTO main.{table} (event_id, {column})"
                f" SELECT e.id, tag.value FROM {STAGE}.{part} AS e, json_each(e.{key}) AS tag"
                " ORDER BY e.id, tag.key"
                for part in ("events", "replaced")
                if part in staged
            ]
        if "quotes" in staged:
            steps.append(_append("quotes", "event_id, rowid"))  # as tags, for the same reason
        if "events" in staged:
            steps.append(_index("events", f"rowid > {int(max_event)}"))
        if "quotes" in staged:
            steps.append(_index("quotes", f"rowid > {int(max_quote)}"))
        for sql in steps:
            self._step(sql)
        if not self._stopping:
            self._check_references(before, staged)
            conn.commit()

    def _check_references(self, before: Mapping[str, int], staged: frozenset[str]) -> None:
        """Refuse a batch that cites a kind, nation, theme or source the database lacks.

        The working copy runs without SQLite's per-row foreign-key checks (a third of the
        time spent writing tags): the validator only lets through what exists, and every
        tag row is made here from a staged event. These queries keep that promise checked
        all the same, over the rows this batch wrote (rowids grow: rows are only appended,
        or updated in place for the kind of a replaced event)."""
        checks = [_kind_check(part) for part in ("events", "replaced") if part in staged]
        checks += [_reference_check(table, before[table]) for table in _REFERENCES]
        for sql in checks:
            row = self.conn.execute(sql).fetchone()
            if row is not None:
                raise InterchangeError(
                    f"internal error: an imported {row[0]} cites the unknown {row[1]}; "
                    "nothing was imported"
                )

    def _step(self, sql: str) -> None:
        if not self._stopping:
            self.conn.execute(sql)


@functools.lru_cache(maxsize=128)
def _insert_values(schema_name: str, table: str, rows: int) -> str:
    """``INSERT INTO schema.table VALUES (?, …), (?, …), …`` for ``rows`` rows."""
    row = "(" + ", ".join("?" * len(_STAGED[table])) + ")"
    return f"INSERT INTO {schema_name}.{table} VALUES " + ", ".join([row] * rows)


def _automerge(conn: sqlite3.Connection, table: str) -> object:
    """The ``automerge`` row of ``table``'s full-text index config, or None if unset."""
    row = conn.execute(
        f"SELECT v FROM main.\"{table}_fts_config\" WHERE k = 'automerge'"
    ).fetchone()
    return row[0] if row else None


def _restore_automerge(conn: sqlite3.Connection, table: str, value: object) -> None:
    """Put the config back as it was: the same value, or no row (FTS5's default) at all."""
    if value is None:
        conn.execute(f"DELETE FROM main.\"{table}_fts_config\" WHERE k = 'automerge'")
    else:
        conn.execute(f"UPDATE main.\"{table}_fts_config\" SET v = ? WHERE k = 'automerge'", [value])


def _set_automerge(conn: sqlite3.Connection, table: str, value: int) -> None:
    """Through FTS5 itself, so that this connection's index works with the new value."""
    fts = f"{table}_fts"
    conn.execute(f'INSERT INTO main."{fts}" ("{fts}", rank) VALUES (\'automerge\', ?)', [value])


_REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "event_nations": (("nation_code", "nations", "code"),),
    "event_themes": (("theme_id", "themes", "id"),),
    "event_sources": (("source_id", "sources", "id"),),
    "quotes": (("nation_code", "nations", "code"), ("source_id", "sources", "id")),
}
"""What each written table cites: (column, referenced table, its key)."""


def _last_rowids(conn: sqlite3.Connection) -> dict[str, int]:
    """The largest rowid of events and of each table in ``_REFERENCES`` (0 when empty)."""
    tables = ("events", *_REFERENCES)
    parts = ", ".join(f"(SELECT COALESCE(MAX(rowid), 0) FROM main.{t})" for t in tables)
    return dict(zip(tables, conn.execute(f"SELECT {parts}").fetchone(), strict=True))


def _kind_check(part: str) -> str:
    """A row naming the first staged event whose kind the database lacks."""
    return (
        f"SELECT 'event', 'kind ' || quote(kind) FROM {STAGE}.{part}"
        " WHERE kind NOT IN (SELECT id FROM main.kinds) LIMIT 1"
    )


def _reference_check(table: str, after: int) -> str:
    """A row naming the first reference in ``table``'s rows after rowid ``after`` that
    points at nothing (NULL points at nothing and needs nothing)."""
    what = "quote" if table == "quotes" else "event"
    tests = " OR ".join(
        f"{column} NOT IN (SELECT {key} FROM main.{parent})"
        for column, parent, key in _REFERENCES[table]
    )
    names = " || ".join(
        f"CASE WHEN {column} NOT IN (SELECT {key} FROM main.{parent})"
        f" THEN '{parent[:-1]} ' || quote({column}) ELSE '' END"
        for column, parent, key in _REFERENCES[table]
    )
    return (
        f"SELECT '{what}', {names} FROM main.{table}"
        f" WHERE rowid > {int(after)} AND ({tests}) LIMIT 1"
    )


def _create_stage(conn: sqlite3.Connection, schema_name: str) -> None:
    for table, columns in _STAGED.items():
        # No declared types: values keep their Python types until they reach the real
        # table, where its affinities apply exactly as to a direct insert.
        conn.execute(f"CREATE TABLE {schema_name}.{table} ({', '.join(columns)})")


def _append(table: str, order: str = "rowid") -> str:
    names = ", ".join(_STAGED[table])
    select = f"SELECT {names} FROM {STAGE}.{table} ORDER BY {order}"
    return f"INSERT INTO main.{table} ({names}) {select}"


def _index(table: str, where: str) -> str:
    names = ", ".join(f'"{c}"' for c in _FTS[table])
    return (
        f'INSERT INTO main."{table}_fts" (rowid, {names})'
        f' SELECT rowid, {names} FROM main."{table}" WHERE {where}'
    )


def _unindex(table: str, where: str) -> str:
    """Rows out of ``table``'s index, while they still hold the text they were indexed with."""
    names = ", ".join(f'"{c}"' for c in _FTS[table])
    return (
        f'INSERT INTO main."{table}_fts" ("{table}_fts", rowid, {names})'
        f" SELECT 'delete', rowid, {names} FROM main.\"{table}\" WHERE {where}"
    )


def _update(table: str, columns: Sequence[str], staged: str) -> str:
    """Overwrite rows of ``table`` in place (keeping their rowids) with the staged rows of
    the same id."""
    rest = ", ".join(columns[1:])
    return (
        f"UPDATE main.{table} SET ({rest}) = (SELECT {rest} FROM {STAGE}.{staged} AS new"
        f" WHERE new.id = {table}.id) WHERE id IN (SELECT id FROM {STAGE}.{staged})"
    )

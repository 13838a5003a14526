"""The queries the app and the commands need, over one database ``open_store`` opened.

Opening the file safely is ``db_file.py``; what cannot be used is recorded in the
store's ``SkipBook`` (``skips.py``). Results do not depend on the order of calls: the
events a filter's counts leave out are every unusable event, found once per open.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from cspo_viewer.data.db_file import (
    ONE_PASS_CACHE_KIB,
    DatabaseError,
    open_connection,
    set_page_cache,
)
from cspo_viewer.data.filters import TAG_FACETS, EventFilter, Vocabulary
from cspo_viewer.data.records import (
    EventDetail,
    EventRow,
    Kind,
    Nation,
    Quote,
    Source,
    Theme,
)
from cspo_viewer.data.skips import SkipBook
from cspo_viewer.data.usable import (
    EVENT_FIELDS,
    clean_text,
    event_problem,
    has_blob,
    reading_undecodable,
    show_bidi_controls,
    sub_row_problem,
    valid_day,
)

log = logging.getLogger(__name__)

_DRAWN_FIELDS = frozenset(
    {"title", "short_title", "location", "summary", "statement_text", "uncertainty"}
)
"""The texts of an ``event_detail`` row that are drawn (not the id, dates, kind or
confidence)."""


def _drawn(value: Any) -> Any:
    """A text of ``event_detail`` with its bidirectional controls shown visibly; the
    detail is for the pane, the deck and the briefing note (which each handle the other
    control characters as their format needs), never for dumps, which keep text exactly."""
    return show_bidi_controls(value) if type(value) is str else value


def _undecodable(exc: sqlite3.Error) -> bool:
    """Python's sqlite3 refused a stored text that is not valid UTF-8."""
    return "decode to UTF-8" in str(exc)


def open_store(path: str | os.PathLike[str], *, writable: bool = False) -> Store:
    """Open a cspo-viewer database, or raise ``DatabaseError`` saying why it cannot be used
    (the checks are ``db_file.open_connection``'s). A writable open of an older schema
    upgrades the file first; ``Store.migrated_from`` then says from which version."""
    p = Path(path)
    conn, version, migrated_from = open_connection(p, writable=writable)
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


PROBE_ROWS = 2048
"""How far ``Store.filter_sql`` counts a filter's candidate rows to choose its plan: a
date range holding more is read the default way, and counting costs under a millisecond."""

_ROW_FIELDS = EVENT_FIELDS[: EVENT_FIELDS.index("summary")]
"""``EventRow``'s fields before its tags: what a list or a timeline reads of an event."""
_ROW_COLUMNS = ", ".join(f"e.{name}" for name in _ROW_FIELDS)
_DETAIL_COLUMNS = ", ".join(f"e.{name}" for name in EVENT_FIELDS)
_Row = tuple[str, str, str, str | None, str, str | None, str, str | None]
"""What ``SELECT _ROW_COLUMNS`` gives: ``EventRow``'s fields before its tags."""


class Store(SkipBook):
    """Queries over one open database. Views and commands use this, never SQL of their own."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, writable: bool) -> None:
        super().__init__()
        self.path = path
        self.conn = conn
        self.writable = writable
        self.migrated_from: int | None = None
        self._unusable: frozenset[str] | None = None  # see unusable_events

    @cached_property
    def db(self):
        """The same connection through sqlite-utils' ``Database`` API, for writers."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        self.conn.close()

    def read_once(self) -> None:
        """This store serves one pass and the process ends (``list``): SQLite's default
        page cache instead of the window's large one, which costs allocating a page for
        each page read, and a query that reads each page once never gains from it."""
        set_page_cache(self.conn, ONE_PASS_CACHE_KIB)

    @contextlib.contextmanager
    def reading_every_page(self) -> Iterator[None]:
        """SQLite's default page cache meanwhile, the connection's own after: a read of
        every row (the window's table) visits each page once, and filling the large cache
        with pages of a table bigger than it only costs a page allocation per page."""
        before = int(self.conn.execute("PRAGMA cache_size").fetchone()[0])
        set_page_cache(self.conn, ONE_PASS_CACHE_KIB)
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {before}")

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
        self.skip_event(row[0], why)
        return False

    def unusable_events(self) -> frozenset[str]:
        """The ids of every event a list or timeline leaves out (by ``event_problem`` on
        the list's columns), read once per open unless ``load_table`` told them first."""
        if self._unusable is None:
            rows = self.conn.execute(f"SELECT {_ROW_COLUMNS} FROM events e")
            self.know_unusable(r[0] for r in rows if not self.usable_event(r))
        assert self._unusable is not None
        return self._unusable

    def know_unusable(self, event_ids: Iterable[object]) -> None:
        """Every event has been checked by the list's rules, and these failed (a loader
        that read them all says so, sparing ``unusable_events`` its own read)."""
        self._unusable = frozenset(i for i in event_ids if type(i) is str)

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
        """The first start and last end date in the database, of real days only: the
        earliest ``date`` and the latest ``COALESCE(end_date, date)`` that are real days.

        Each is read through an index until a row holds a real day ("2014-9-22" sorts
        among the days, "March 2025" after all of them), so the cost does not grow with
        the database as a scan of every event's end would. The latest end is the later
        of the last real ``end_date`` and the last real ``date`` of the events without
        one: the same rows the ``COALESCE`` names."""
        first = self._first_day("SELECT date FROM events ORDER BY date")
        if first is None:
            return None
        ends = (
            self._first_day(
                "SELECT end_date FROM events WHERE end_date IS NOT NULL ORDER BY end_date DESC"
            ),
            self._first_day("SELECT date FROM events WHERE end_date IS NULL ORDER BY date DESC"),
        )
        return first, max(first, *(d for d in ends if d is not None))

    def _first_day(self, sql: str) -> str | None:
        """The first value ``sql`` yields that is a real day."""
        for (day,) in self.conn.execute(sql):
            if valid_day(day):
                return str(day)
        return None

    # --- filtered queries -------------------------------------------------------------
    def filter_sql(self, flt: EventFilter) -> tuple[str, list[Any]]:
        """``flt.where()`` in the form that reads fewer rows of this database: by the date
        range first when it holds far fewer events than the chosen tags (``dates_first``).

        Counts of index entries, each stopped at ``PROBE_ROWS``, decide it: the events
        starting in the range against those holding each chosen tag. SQLite has no
        statistics on a file it may not write (``ANALYZE`` would), and without them it
        would read every event of a common nation to find one month's few.
        """
        return flt.where(dates_first=self._dates_first(flt))

    def _dates_first(self, flt: EventFilter) -> bool:
        sets = flt.tag_sets()
        if not sets or not (flt.date_from or flt.date_to):
            return False
        in_range = self._count_upto(*flt.starting_in_range())
        if in_range >= PROBE_ROWS:
            return False
        tagged = sum(self._count_upto(select, values) for select, values in sets)
        return in_range * len(sets) < tagged

    def _count_upto(self, sql: str, params: Sequence[Any]) -> int:
        """How many rows ``sql`` gives, counting no further than ``PROBE_ROWS``."""
        row = self.conn.execute(
            f"SELECT COUNT(*) FROM ({sql} LIMIT {PROBE_ROWS})", params
        ).fetchone()
        return int(row[0])

    def where(self, flt: EventFilter) -> tuple[str, list[Any]]:
        """``filter_sql(flt)`` less every event the list and timeline leave out as unusable,
        so that counts beside the filter boxes and the sources listed agree with the
        events shown, whatever was loaded before."""
        where, params = self.filter_sql(flt)
        unusable = self.unusable_events()
        if not unusable:
            return where, params
        ids = json.dumps(sorted(unusable))
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
        where, params = self.filter_sql(flt)
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
        # The values a facet's tags may hold; sources (no facet) are checked apart.
        facet = next((f for f in TAG_FACETS.values() if f.table == table), None)
        known = getattr(self.vocabulary, facet.field) if facet else None
        for event_id, value in self.conn.execute(sql, args):
            if known is None or value in known:
                out[event_id].append(value)
            else:
                assert facet is not None
                self.skip(
                    f"event {event_id!s}",
                    f"its {facet.name} {value!r} is not in the {facet.field} table;"
                    " that tag is left out",
                )
        return out

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
            with self.reading_undecodable():
                return self._event_detail(event_id)

    def _event_detail(self, event_id: str) -> EventDetail | None:
        row = self.conn.execute(
            f"SELECT {_DETAIL_COLUMNS} FROM events e WHERE e.id = ?",
            [event_id],
        ).fetchone()
        if row is None or not self.usable_event(row):
            return None
        nations = sorted(self._tags("event_nations", "nation_code", [event_id])[event_id])
        themes = self._tags("event_themes", "theme_id", [event_id])[event_id]
        field = {
            name: _drawn(value) if name in _DRAWN_FIELDS else value
            for name, value in zip(EVENT_FIELDS, row, strict=True)
        }
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
            row=EventRow(
                **{name: field[name] for name in _ROW_FIELDS},
                nations=tuple(nations),
                themes=tuple(themes),
            ),
            summary=field["summary"],
            statement_text=field["statement_text"],
            confidence=field["confidence"],
            uncertainty=field["uncertainty"],
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
            with self.reading_undecodable():
                for i, record in enumerate(self._records(flt)):
                    if i >= done:
                        yield record

    def reading_undecodable(self) -> contextlib.AbstractContextManager[None]:
        """``usable.reading_undecodable`` on this store's connection."""
        return reading_undecodable(self.conn)

    def _records(self, flt: EventFilter) -> Iterable[dict[str, Any]]:
        """Matching events as JSON-ready dicts with names, themes, sources and quotes.

        The same shape is what ``dump --format json`` writes and ``import`` reads. Events,
        quotes and sources this code cannot use (a BLOB where text belongs, a date that is
        not a day) are left out and named in ``skipped``; stored text is passed on exactly.
        """
        where, params = self.filter_sql(flt)
        vocab = self.vocabulary
        # Named once per code (a dump names 250,000 tags); the tags read are all known.
        nation_names = {code: vocab.nation_name(code) for code in vocab.nations}
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
                nations=[nation_names[c] for c in codes],
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

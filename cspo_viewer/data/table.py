"""All events of a database as numpy columns, loaded once, filtered by a boolean mask.

The timeline and the event list draw from this table; a filter change is then one SQL
query for the matching rowids plus a mask, instead of re-reading 100,000 rows. Tags are
kept as (event index, tag index) pairs, which is also exactly what one-lane-per-nation and
one-lane-per-theme layouts need.
"""

from __future__ import annotations

import bisect
import contextlib
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np

from cspo_viewer.data.dates import EPOCH
from cspo_viewer.data.db_file import ONE_PASS_CACHE_KIB, connect, data_version, set_page_cache
from cspo_viewer.data.filters import TAG_FACETS, EventFilter, Facet
from cspo_viewer.data.store import Store
from cspo_viewer.data.text_column import TextColumn
from cspo_viewer.data.usable import clean_text, reading_undecodable

_T = TypeVar("_T")

PRECISION_CODES = {"day": 0, "month": 1, "year": 2}


@dataclass(frozen=True)
class TagPairs:
    """Which events carry which tags: ``event[i]`` has tag ``tag[i]`` (indexes into ``names``)."""

    names: tuple[str, ...]
    event: np.ndarray  # int32 indexes into the EventTable
    tag: np.ndarray  # int32 indexes into names

    def counts(self, mask: np.ndarray) -> dict[str, int]:
        """Per tag, how many events selected by ``mask`` carry it."""
        hits = np.bincount(self.tag[mask[self.event]], minlength=len(self.names))
        return {name: int(n) for name, n in zip(self.names, hits, strict=True)}


@dataclass
class EventTable:
    """Every event, sorted by (date, id). Days count from 2000-01-01 (see ``dates``).

    Tag pairs load on first use: the default kind lanes do not need them, and at 100,000
    events they are a third of the load time.
    """

    rowid: np.ndarray  # int64, SQLite rowid
    ids: TextColumn
    start: np.ndarray  # float64 day of the first day
    end: np.ndarray  # float64 day after the last day covered (start + 1 for a day event)
    precision: np.ndarray  # int8, PRECISION_CODES
    kind: np.ndarray  # int16 index into kinds
    kinds: tuple[str, ...]
    labels: TextColumn  # short titles for the timeline, made safe to draw
    # facet, and the table's rows_of (rowids -> rows): the facet's pairs
    _tag_loader: Callable[[str, Callable[[np.ndarray], np.ndarray]], TagPairs] | None = None
    _title_loader: Callable[[list[int]], dict[int, str]] | None = None
    # facet, rowids: each event's tag names, alphabetically
    _tag_row_loader: Callable[[str, list[int]], dict[int, tuple[str, ...]]] | None = None
    # facet: per tag, how many events carry it, counted by SQLite (None: it cannot say)
    _count_loader: Callable[[str], dict[str, int] | None] | None = None

    def __post_init__(self) -> None:
        # Built from lists (tests, a few rows): the same columns, held as they are.
        if not isinstance(self.ids, TextColumn):
            self.ids = TextColumn.of(self.ids)
        if not isinstance(self.labels, TextColumn):
            self.labels = TextColumn.of(self.labels)

    def __len__(self) -> int:
        return len(self.rowid)

    @property
    def all(self) -> np.ndarray:
        return np.ones(len(self), dtype=bool)

    @cached_property
    def position(self) -> dict[str, int]:
        return {eid: i for i, eid in enumerate(self.ids)}

    @cached_property
    def nations(self) -> TagPairs:
        return self._tags("nation")

    @cached_property
    def themes(self) -> TagPairs:
        return self._tags("theme")

    def tag_counts(self, facet: str) -> dict[str, int]:
        """Per tag of ``facet`` ("nation", "theme"), how many of the table's events carry
        it. Before the pairs are loaded SQLite counts them, which is what a window's
        first frame needs (the filter panel's numbers) at a fraction of the pairs' cost."""
        field = f"{facet}s"
        if field not in self.__dict__ and self._count_loader is not None:
            counted = self._count_loader(facet)
            if counted is not None:
                return counted
        pairs: TagPairs = getattr(self, field)
        return pairs.counts(self.all)

    def _tags(self, facet: str) -> TagPairs:
        if self._tag_loader is None:
            return TagPairs((), np.zeros(0, np.int32), np.zeros(0, np.int32))
        return self._tag_loader(facet, self.rows_of)

    TITLE_CHUNK = 256

    def title(self, index: int) -> str:
        """An event's full title. Titles load in chunks around the rows asked for: a list
        shows a few dozen at a time, and reading all 100,000 up front slowed start-up."""
        return self._chunked("_titles", index, self._title_loader, self.labels.__getitem__)

    def tags_of(self, facet: str, index: int) -> tuple[str, ...]:
        """Tag names ("nation" or "theme") of event ``index``, alphabetically. From the
        pairs once they are loaded, else read in chunks as titles are: the list's Nations
        column shows a screenful, and every event's pairs cost more than a first frame."""
        field = f"{facet}s"
        loader = self._tag_row_loader
        if field in self.__dict__ or loader is None:
            starts, names = self._tags_by_event(field)
            return tuple(sorted(names[starts[index] : starts[index + 1]].tolist()))
        return self._chunked(
            f"_{field}_of", index, lambda rowids: loader(facet, rowids), lambda _: ()
        )

    def _tags_by_event(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        """Where each event's tag names start, and the names grouped by event (made once
        per facet from its pairs)."""
        key = f"_{field}_grouped"
        if key not in self.__dict__:
            pairs: TagPairs = getattr(self, field)
            order = np.argsort(pairs.event, kind="stable")
            counts = np.bincount(pairs.event, minlength=len(self))
            names = np.array(pairs.names, dtype=object)[pairs.tag[order]]
            self.__dict__[key] = (np.concatenate(([0], np.cumsum(counts))), names)
        grouped: tuple[np.ndarray, np.ndarray] = self.__dict__[key]
        return grouped

    def _chunked(
        self,
        cache_name: str,
        index: int,
        loader: Callable[[list[int]], dict[int, _T]] | None,
        default: Callable[[int], _T],
    ) -> _T:
        """Row ``index``'s value from ``loader`` (rowids -> values), asked for the chunk of
        rows around it and kept; ``default`` for a row it gives nothing for."""
        cache: dict[int, _T] = self.__dict__.setdefault(cache_name, {})
        if index not in cache:
            if loader is None:
                return default(index)
            lo = index - index % self.TITLE_CHUNK
            rows = range(lo, min(lo + self.TITLE_CHUNK, len(self)))
            by_rowid = loader([int(self.rowid[i]) for i in rows])
            for i in rows:
                cache[i] = by_rowid.get(int(self.rowid[i]), default(i))
        return cache[index]

    def index_of(self, event_id: str) -> int | None:
        return self.position.get(event_id)

    def mask_for_rowids(self, rowids: np.ndarray) -> np.ndarray:
        """Rows of the table among ``rowids``; rowids of events not in the table (left out
        as unusable) select nothing."""
        mask = np.zeros(len(self), dtype=bool)
        rows = self.rows_of(rowids)
        mask[rows[rows >= 0]] = True
        return mask

    def rows_of(self, rowids: np.ndarray) -> np.ndarray:
        """The table row of each of ``rowids``, -1 for events not in the table (left out
        as unusable, or missing altogether)."""
        rowids = np.asarray(rowids, dtype=np.int64)
        dense = self._index_by_rowid
        if dense is not None:
            rows = np.full(len(rowids), -1, dtype=np.int64)
            inside = (rowids >= 0) & (rowids < len(dense))
            rows[inside] = dense[rowids[inside]]
            return rows
        order = self._rowid_order
        if not len(order):
            return np.full(len(rowids), -1, dtype=np.int64)
        ranked = self.rowid[order]
        at = np.minimum(np.searchsorted(ranked, rowids), len(ranked) - 1)
        return np.where(ranked[at] == rowids, order[at], -1)

    @cached_property
    def _index_by_rowid(self) -> np.ndarray | None:
        """Table row by rowid, one array lookup; ``None`` when the rowids are not small
        non-negative numbers (a foreign file's negative rowid would index from the end,
        and a rowid of 2**40 would ask for terabytes): ``rows_of`` then searches."""
        if not len(self):
            return np.full(1, -1, dtype=np.int64)
        low, high = int(self.rowid.min()), int(self.rowid.max())
        if low < 0 or high >= 4 * len(self) + 1024:
            return None
        index = np.full(high + 1, -1, dtype=np.int64)
        index[self.rowid] = np.arange(len(self))
        return index

    @cached_property
    def _rowid_order(self) -> np.ndarray:
        return np.argsort(self.rowid, kind="stable")


def _ends(
    start: np.ndarray, precision: np.ndarray, explicit: np.ndarray, given: np.ndarray
) -> np.ndarray:
    """The day after the last day each event covers: end date, or end of month/year.
    ``given`` holds the end days of the rows ``explicit`` marks."""
    day0 = np.datetime64(EPOCH, "D")
    as_day = start.astype("timedelta64[D]") + day0
    month_end = (as_day.astype("datetime64[M]") + 1).astype("datetime64[D]")
    year_end = (as_day.astype("datetime64[Y]") + 1).astype("datetime64[D]")
    end = np.where(precision == 1, month_end, np.where(precision == 2, year_end, as_day + 1))
    out = (end - day0).astype(np.float64)
    out[explicit] = given + 1
    return out


class _Columns(NamedTuple):
    rowid: np.ndarray
    ids: TextColumn
    start: np.ndarray
    end: np.ndarray
    precision: np.ndarray
    kind: np.ndarray
    labels: TextColumn

    def take(self, rows: np.ndarray) -> _Columns:
        """These rows, in this order."""
        return _Columns(
            rowid=self.rowid[rows],
            ids=self.ids.take(rows),
            start=self.start[rows],
            end=self.end[rows],
            precision=self.precision[rows],
            kind=self.kind[rows],
            labels=self.labels.take(rows),
        )

    def insert(self, at: np.ndarray, new: _Columns) -> _Columns:
        """These columns with ``new``'s rows put in before rows ``at`` (as ``np.insert``)."""
        return _Columns(
            rowid=np.insert(self.rowid, at, new.rowid),
            ids=self.ids.insert(at, new.ids),
            start=np.insert(self.start, at, new.start),
            end=np.insert(self.end, at, new.end),
            precision=np.insert(self.precision, at, new.precision),
            kind=np.insert(self.kind, at, new.kind),
            labels=self.labels.insert(at, new.labels),
        )


def load_table(store: Store) -> EventTable:
    """Read every event once, in date order; tags follow on first use.

    Rows this code cannot use (a date that is not a day, a BLOB title, a kind the kinds
    table lacks) are left out and named in ``store.skipped``; when that leaves nothing of a
    database that holds events, ``DatabaseError`` says so.
    """
    kinds = tuple(k.id for k in store.kinds())
    names = _tag_names(store)
    started = _STARTED.pop(store, None)
    counted: dict[str, dict[str, int] | None] = {}
    with store.reading_every_page(), _snapshot(store.conn):
        taken = started.result(store, kinds, names) if started is not None else None
        if taken is not None:
            raw, counted = taken
        else:
            raw = _query(store.conn, kinds)
        read, ordered = _read_events(store, raw), raw.ordered
        if read.sound:
            store.know_unusable(())  # every event passed the checks: none is left out
        else:  # some row is unusable: the rules name each (slow, rare)
            usable = _usable_rowids(store)
            if len(read.columns.rowid) and not len(usable):
                raise store.nothing_usable(len(read.columns.rowid))
            ordered = ordered[np.isin(ordered, usable)]
    columns = read.columns.take(_positions(read.columns.rowid, ordered))

    def tags(facet: str, rows_of: Callable[[np.ndarray], np.ndarray]) -> TagPairs:
        return _pairs(store, TAG_FACETS[f"{facet}s"], names[facet], rows_of)

    def counts(facet: str) -> dict[str, int] | None:
        if not read.sound:  # the table leaves out events SQLite would count
            return None
        if facet in counted:  # counted with the events, in the same read
            return counted[facet]
        return _tag_counts(store.conn, TAG_FACETS[f"{facet}s"], names[facet])

    def tags_by_row(facet: str, rowids: list[int]) -> dict[int, tuple[str, ...]]:
        return _tag_rows(store, TAG_FACETS[f"{facet}s"], names[facet], rowids)

    return EventTable(
        rowid=columns.rowid,
        ids=columns.ids,
        start=columns.start,
        end=columns.end,
        precision=columns.precision,
        kind=columns.kind,
        kinds=kinds,
        labels=columns.labels,
        _tag_loader=tags,
        _title_loader=lambda rowids: _titles(store, rowids),
        _count_loader=counts,
        _tag_row_loader=tags_by_row,
    )


def _tag_names(store: Store) -> dict[str, list[str]]:
    """The names each tag facet knows ("nation": codes, "theme": ids), in their order."""
    return {"nation": [x.code for x in store.nations()], "theme": [t.id for t in store.themes()]}


def read_in_background(store: Store) -> None:
    """Start reading ``store``'s events on a second connection in another thread, for the
    next ``load_table(store)`` to take.

    The window calls this before it imports Qt and builds itself: SQLite's pass over
    every event runs on another core meanwhile (the sqlite3 module lets go of the
    interpreter while SQLite works), and at 100,000 events that pass was most of what
    opening the window waited for beyond a small record. The read is its own read
    transaction on a read-only connection; ``load_table`` uses it only if no other
    connection has committed to the file since this call (``PRAGMA data_version`` on
    ``store``'s connection), and reads on its own connection otherwise.
    """
    kinds = tuple(k.id for k in store.kinds())
    _STARTED[store] = _BackgroundRead(store, kinds, _tag_names(store))


class _BackgroundRead:
    """One ``_query`` of every event, and the filter panel's first counts, on its own
    connection and thread (see ``read_in_background``)."""

    def __init__(self, store: Store, kinds: tuple[str, ...], names: dict[str, list[str]]):
        self._version = data_version(store.conn)
        self._kinds = kinds
        self._names = names
        self._raw: _Raw | None = None
        self._counts: dict[str, dict[str, int] | None] = {}
        self._thread = threading.Thread(target=self._read, args=(store.path,), name="events")
        self._thread.start()

    def _read(self, path: Path) -> None:
        try:
            conn = connect(path, writable=False)
        except (sqlite3.Error, OSError):
            return  # ``load_table`` reads on the store's own connection, and says why
        try:
            set_page_cache(conn, ONE_PASS_CACHE_KIB)  # every page once (reading_every_page)
            with _snapshot(conn):
                raw = _query(conn, self._kinds, in_one_step=True)
                for facet, names in self._names.items():
                    self._counts[facet] = _tag_counts(conn, TAG_FACETS[f"{facet}s"], names)
                self._raw = raw
        except Exception:  # any failure is met again, and said, on the store's own
            pass  # connection, which reads everything anew when this read gave nothing
        finally:
            conn.close()

    def result(
        self, store: Store, kinds: tuple[str, ...], names: dict[str, list[str]]
    ) -> tuple[_Raw, dict[str, dict[str, int] | None]] | None:
        """The read and the counts by facet, if they are of the file as ``store`` sees it
        now; call inside a read transaction on ``store``'s connection (``_snapshot``)."""
        self._thread.join()
        if self._raw is None or (kinds, names) != (self._kinds, self._names):
            return None
        if data_version(store.conn) != self._version:
            return None
        return self._raw, self._counts


_STARTED: weakref.WeakKeyDictionary[Store, _BackgroundRead] = weakref.WeakKeyDictionary()
"""Reads started by ``read_in_background``, by store, until ``load_table`` takes them."""


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """The reads inside see one state of the file: the columns, read in storage order,
    and the (date, id) order, read from its index, must be of the same rows even when
    another program writes in between. A deferred BEGIN takes its snapshot at the first
    read, so one is made at once: what is checked first is then what is read after."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield
    finally:
        if conn.in_transaction:  # an error inside may have ended it: that error is the news
            conn.execute("COMMIT")


class _Read(NamedTuple):
    columns: _Columns  # in storage order
    sound: bool  # every row passed the checks below: the rules need not look at each


_NO_DAY = -(1 << 40)
"""The day number of a date that is not a day (no event is left with one)."""
_DAY = f"IFNULL(CAST(julianday({{}}) - julianday('{EPOCH.isoformat()}') AS INTEGER), {_NO_DAY})"
"""A YYYY-MM-DD date as days since ``EPOCH``, worked out by SQLite."""
_LABEL = "COALESCE(short_title, title)"
"""An event's name on the timeline: its short title, or its title."""
_SOUND = (
    "typeof(id) = 'text' AND typeof(title) = 'text' AND typeof(date_precision) = 'text'"
    " AND typeof(short_title) IN ('text', 'null') AND typeof(location) IN ('text', 'null')"
    " AND date(date) IS date AND date >= '0001-01-01'"
    " AND (end_date IS NULL OR (date(end_date) IS end_date AND end_date >= date))"
)
"""What every row of a sound database passes, checked by SQLite over all rows at once:
the texts a list or the timeline reads are text (as ``usable.event_problem`` asks), dates
are real days (``date(x)`` rewrites anything else, such as 2025-02-30, 2014-9-22 or a
time of day) from year 1 on, and an end is on or after its start. A row that fails has
the usable rules (``Store.usable_event``) look at every row; the kinds and the UTF-8 of
ids and labels are checked in Python (``_read_events``)."""
_PRECISION = "CASE date_precision {} ELSE {} END".format(
    " ".join(f"WHEN '{name}' THEN {code}" for name, code in PRECISION_CODES.items() if code),
    PRECISION_CODES["day"],
)


def _texts(sql: str) -> str:
    """A text column as one run of its bytes, and each row's length in bytes."""
    return (
        f"CAST(group_concat(CAST({sql} AS BLOB), '') AS BLOB),"
        f" group_concat(IFNULL(length(CAST({sql} AS BLOB)), 0))"
    )


class _Raw(NamedTuple):
    """What SQLite hands over for a set of events: one row of ``group_concat`` texts (see
    ``_query``), the events' rowids in (date, id) order, and whether the file's text is
    UTF-8. Plain values, so another thread may fetch them (``read_in_background``)."""

    row: tuple[Any, ...]
    ordered: np.ndarray
    utf8: bool


def _query(
    conn: sqlite3.Connection,
    kinds: tuple[str, ...],
    where: str = "",
    params: Sequence[str] = (),
    *,
    in_one_step: bool = False,
) -> _Raw:
    """The events (``where`` chooses which) in one pass of SQLite over them, and their
    (date, id) order from its index (``in_one_step``: ``_ranked``, for another thread);
    run inside one read transaction (``_snapshot``).

    SQLite works out the day numbers and codes, checks every row (``_SOUND``) and hands
    each column over as one text of numbers (``group_concat``), which numpy parses:
    making a Python object of every value of 100,000 rows cost most of the time a large
    database took to open.
    """
    kind_case, kind_params = _index_of("kind", kinds)
    utf8 = _utf8(conn)
    texts = f"{_texts('id')}, {_texts(_LABEL)}" if utf8 else "NULL, NULL, NULL, NULL"
    row = conn.execute(
        f"SELECT count(*), IFNULL(min({_SOUND}), 1), group_concat(rowid),"
        f" group_concat({_DAY.format('date')}), group_concat({_DAY.format('end_date')}),"
        f" group_concat({_PRECISION}), group_concat({kind_case}), {texts}"
        f" FROM events {where}",
        [*kind_params, *params],
    ).fetchone()
    ordered = (_ranked if in_one_step else _rowids)(conn, where, params)
    return _Raw(tuple(row), ordered, utf8)


def _read_events(store: Store, raw: _Raw, where: str = "", params: Sequence[str] = ()) -> _Read:
    """``_query``'s events as columns, in storage order, and whether every row is sound
    (``where`` and ``params`` are the query's, for a file whose text is not UTF-8)."""
    count, sound, rowid, start, end, precision, kind, ids, id_lengths, labels, label_lengths = (
        raw.row
    )
    rowids = _integers(rowid, count)
    if raw.utf8:
        id_column = TextColumn.from_bytes(ids or b"", _integers(id_lengths, count))
        label_column = TextColumn.from_bytes(
            labels or b"", _integers(label_lengths, count), shown=clean_text
        )
        texts_sound = _decodes(ids) and _decodes(labels)
    else:
        id_column, label_column, texts_sound = _texts_row_by_row(store, where, params, rowids)
    start_days, end_days = _integers(start, count), _integers(end, count)
    explicit = end_days != _NO_DAY
    codes = _integers(precision, count).astype(np.int8)
    columns = _Columns(
        rowid=rowids,
        ids=id_column,
        start=start_days.astype(np.float64),
        end=_ends(start_days.astype(np.float64), codes, explicit, end_days[explicit]),
        precision=codes,
        kind=_integers(kind, count).astype(np.int16),
        labels=label_column,
    )
    return _Read(columns, bool(sound) and not (columns.kind < 0).any() and texts_sound)


def _texts_row_by_row(
    store: Store, where: str, params: Sequence[str], rowids: np.ndarray
) -> tuple[TextColumn, TextColumn, bool]:
    """Ids and labels of a file that stores text as UTF-16, read as Python strings (its
    bytes are not UTF-8), in the order of ``rowids``; and whether all are text."""
    with store.reading_undecodable():
        rows = store.conn.execute(f"SELECT rowid, id, {_LABEL} FROM events {where}", params)
        by_rowid = {rowid: (eid, label) for rowid, eid, label in rows}
    pairs = [by_rowid[rowid] for rowid in rowids.tolist()]
    sound = all(type(eid) is str and type(label) is str for eid, label in pairs)
    ids = TextColumn.of([eid if type(eid) is str else "" for eid, _ in pairs])
    labels = [label if type(label) is str else "" for _, label in pairs]
    return ids, TextColumn.of(labels, shown=clean_text), sound


def _index_of(column: str, values: Sequence[str]) -> tuple[str, list[str | int]]:
    """SQL for the index of ``column``'s value among ``values`` (-1 if it is none of
    them), and its parameters: the kinds or tag names, a few dozen at most."""
    if not values:
        return "-1", []
    whens = " ".join("WHEN ? THEN ?" for _ in values)
    return f"CASE {column} {whens} ELSE -1 END", [x for i, v in enumerate(values) for x in (v, i)]


def _integers(text: str | None, count: int) -> np.ndarray:
    """``group_concat``'s comma-separated integers as an int64 array (parsed in C)."""
    values = np.fromstring(text or "", dtype=np.int64, sep=",") if count else np.zeros(0, np.int64)
    if len(values) != count:
        raise ValueError(f"expected {count} numbers from SQLite, read {len(values)}")
    return values


def _decodes(data: bytes | None) -> bool:
    try:
        (data or b"").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8(conn: sqlite3.Connection) -> bool:
    """Whether the file stores text as UTF-8 (a file may be UTF-16; its bytes would then
    not be the texts ``TextColumn`` decodes, and the rules read each row instead)."""
    return str(conn.execute("PRAGMA encoding").fetchone()[0]).upper() == "UTF-8"


_ORDER = "ORDER BY date, id"
"""The table's order (and the list's, and ``ORDER BY`` wherever events are listed)."""


def _rowids(conn: sqlite3.Connection, where: str, params: Sequence[str]) -> np.ndarray:
    """The events' rowids in the table's order, read from its index a row at a time."""
    sql = f"SELECT rowid FROM events {where} {_ORDER}"
    return np.fromiter((rowid for (rowid,) in conn.execute(sql, params)), dtype=np.int64)


def _ranked(conn: sqlite3.Connection, where: str, params: Sequence[str]) -> np.ndarray:
    """``_rowids`` in one step of SQLite: each event's place by ``row_number()``, handed
    over by ``group_concat`` with its rowid. Slower on its own, but a read on another
    thread that steps a row at a time waits for the interpreter before each row, which
    the thread that loads Qt holds most of the time."""
    count, rowids, places = conn.execute(
        "SELECT count(*), group_concat(rowid), group_concat(n) FROM"
        f" (SELECT rowid, row_number() OVER ({_ORDER}) AS n FROM events {where})",
        params,
    ).fetchone()
    ordered = np.empty(count, dtype=np.int64)
    ordered[_integers(places, count) - 1] = _integers(rowids, count)
    return ordered


def _positions(stored: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each of the rowids ``wanted`` is among ``stored`` (every one is there)."""
    order = np.argsort(stored, kind="stable")
    return order[np.searchsorted(stored[order], wanted)]


def _usable_rowids(store: Store) -> np.ndarray:
    """The rowids of the events ``store`` can use, by the rules of ``usable`` (each bad
    one recorded). Text that is not UTF-8 is read as bytes, which the rules leave out."""
    with store.reading_undecodable():
        full = store.conn.execute(
            "SELECT rowid, id, date, date_precision, end_date, title, short_title, kind,"
            f" location FROM events {_ORDER}"
        ).fetchall()
    usable = [store.usable_event(event[1:]) for event in full]
    store.know_unusable(event[1] for event, ok in zip(full, usable, strict=True) if not ok)
    return np.array([event[0] for event, ok in zip(full, usable, strict=True) if ok], np.int64)


def apply_changes(store: Store, table: EventTable, event_ids: list[str]) -> EventTable:
    """``table`` after the events ``event_ids`` were added, changed or deleted in ``store``.

    Only those events are read: their old rows leave, their stored rows (if any) go in at
    their (date, id) place, and tags already loaded follow. An edit then costs its own
    rows, not a reload of every event. Rows that are not usable fall back to
    ``load_table``, which names them.
    """
    old = [i for i in map(table.index_of, event_ids) if i is not None]
    keep = np.ones(len(table), dtype=bool)
    keep[old] = False
    kinds = table.kinds
    where = f"WHERE id IN ({', '.join('?' * len(event_ids))})"
    with _snapshot(store.conn):
        raw = _query(store.conn, kinds, where, event_ids)
        read, ordered = _read_events(store, raw, where, event_ids), raw.ordered
    if not read.sound or len({*kinds}) != len(store.kinds()):
        return load_table(store)
    new = read.columns.take(_positions(read.columns.rowid, ordered))
    kept = _columns_of(table).take(np.flatnonzero(keep))
    at = np.array([_place(kept, new.start[i], new.ids[i]) for i in range(len(new.rowid))], int)
    merged = kept.insert(at, new)
    moved = np.flatnonzero(keep)
    new_index = np.full(len(table), -1, dtype=np.int64)
    new_index[moved] = np.arange(len(moved)) + np.searchsorted(at, np.arange(len(moved)), "right")
    # Counts now come from the pairs, which then follow each edit here for nothing; SQLite
    # would count every facet again after every edit.
    out = replace(table, **merged._asdict(), _count_loader=None)
    out.__dict__["position"] = _moved_positions(table, out, old, at)
    for facet in ("nations", "themes"):
        pairs: TagPairs | None = table.__dict__.get(facet)
        if pairs is not None:
            out.__dict__[facet] = _moved_pairs(
                store, pairs, new_index, out, facet, new.ids.tolist()
            )
    return out


def _moved_positions(
    table: EventTable, out: EventTable, removed: list[int], at: np.ndarray
) -> dict[str, int]:
    """``out.position`` from ``table``'s: only rows between the first and the last row
    that left or arrived change places (an edit that keeps its date moves none), so the
    map is patched there instead of rebuilt for every event."""
    inserted = [int(a) + k for k, a in enumerate(at)]
    touched = removed + inserted
    position = dict(table.position)
    for i in removed:
        del position[table.ids[i]]
    if touched:
        lo, hi = min(touched), min(max(touched), len(out) - 1)
        if len(out) != len(table):
            hi = len(out) - 1  # every later row moved by the difference
        for i in range(lo, hi + 1):
            position[out.ids[i]] = i
    return position


def _columns_of(table: EventTable) -> _Columns:
    return _Columns(
        table.rowid, table.ids, table.start, table.end, table.precision, table.kind, table.labels
    )


def _place(columns: _Columns, start: float, event_id: str) -> int:
    """Where an event goes among ``columns`` sorted by (day, id)."""
    lo = int(np.searchsorted(columns.start, start, "left"))
    hi = int(np.searchsorted(columns.start, start, "right"))
    return lo + bisect.bisect_left(list(columns.ids[lo:hi]), event_id)


def _moved_pairs(
    store: Store,
    pairs: TagPairs,
    new_index: np.ndarray,
    table: EventTable,
    facet: str,
    ids: list[str],
) -> TagPairs:
    """Tag pairs of the events that stayed, moved to their new rows, and the changed
    events' own pairs read anew."""
    event = new_index[pairs.event]
    keep = event >= 0
    rel, column = TAG_FACETS[facet].table, TAG_FACETS[facet].column
    tag_of = {name: i for i, name in enumerate(pairs.names)}
    added_event, added_tag = [], []
    if ids:
        marks = ", ".join("?" * len(ids))
        for eid, name in store.conn.execute(
            f"SELECT event_id, {column} FROM {rel} WHERE event_id IN ({marks})", ids
        ):
            index, tag = table.index_of(eid), tag_of.get(name)
            if index is not None and tag is not None:
                added_event.append(index)
                added_tag.append(tag)
    return TagPairs(
        pairs.names,
        np.concatenate([event[keep], added_event]).astype(np.int32),
        np.concatenate([pairs.tag[keep], added_tag]).astype(np.int32),
    )


def _titles(store: Store, rowids: list[int]) -> dict[int, str]:
    """Full titles by rowid; a title that is not text (or not UTF-8, which the table's
    checks do not read when a short title names the event) is left to its label."""
    marks = ", ".join("?" * len(rowids))
    sql = f"SELECT rowid, title FROM events WHERE rowid IN ({marks})"
    with store.reading_undecodable():
        rows = store.conn.execute(sql, rowids).fetchall()
    return {r: clean_text(t) for r, t in rows if type(t) is str}


def _pairs(
    store: Store, facet: Facet, names: list[str], rows_of: Callable[[np.ndarray], np.ndarray]
) -> TagPairs:
    """Every (event, tag) pair as table rows and tag indexes. SQLite joins the event ids
    to rowids and names the tags by number, so Python receives two texts of integers
    (hashing 250,000 id strings in Python was most of a 100,000-event window's
    start-up); a tag whose name the reference table lacks is left out and recorded."""
    table, column, ref, key = facet.table, facet.column, facet.field, facet.key
    tag_case, tag_params = _index_of(f"t.{column}", names)
    count, rowids, tags = store.conn.execute(
        f"SELECT count(*), group_concat(e.rowid), group_concat({tag_case})"
        f" FROM {table} t JOIN events e ON e.id = t.event_id",
        tag_params,
    ).fetchone()
    event, tag = rows_of(_integers(rowids, count)), _integers(tags, count)
    if (tag < 0).any():
        what = facet.name
        for event_id, name in store.conn.execute(
            f"SELECT t.event_id, t.{column} FROM {table} t"
            f" WHERE t.{column} IS NULL OR t.{column} NOT IN (SELECT {key} FROM {ref})"
        ):
            store.skip(
                f"event {event_id}",
                f"its {what} {name!r} is not in the {what}s table; that tag is left out",
            )
    # Tags of events not in the table (skipped, or missing altogether) are not drawn.
    keep = (tag >= 0) & (event >= 0)
    return TagPairs(tuple(names), event[keep].astype(np.int32), tag[keep].astype(np.int32))


def _tag_rows(
    store: Store, facet: Facet, names: list[str], rowids: list[int]
) -> dict[int, tuple[str, ...]]:
    """The known tag names of each of ``rowids``' events, alphabetically (as the pairs
    give them: names the tag table lacks are left out)."""
    known = set(names)
    marks = ", ".join("?" * len(rowids))
    with store.reading_undecodable():
        rows = store.conn.execute(
            f"SELECT e.rowid, t.{facet.column} FROM events e"
            f" JOIN {facet.table} t ON t.event_id = e.id WHERE e.rowid IN ({marks})",
            rowids,
        ).fetchall()
    found: dict[int, list[str]] = {}
    for rowid, name in rows:
        if name in known:
            found.setdefault(rowid, []).append(name)
    return {rowid: tuple(sorted(tags)) for rowid, tags in found.items()}


def _tag_counts(conn: sqlite3.Connection, facet: Facet, names: list[str]) -> dict[str, int] | None:
    """Per tag name, how many events carry it, counted by SQLite from the tag table's
    index; ``None`` when that count could differ from the pairs': a pair whose event is
    missing (no join then drops it), or a name that is not a known tag (the pairs name
    it in ``skipped``)."""
    table, column = facet.table, facet.column
    stored, joined = conn.execute(
        f"SELECT (SELECT count(*) FROM {table}),"
        f" (SELECT count(*) FROM {table} t JOIN events e ON e.id = t.event_id)"
    ).fetchone()
    if stored != joined:
        return None
    counts = dict.fromkeys(names, 0)
    with reading_undecodable(conn):
        rows = conn.execute(f"SELECT {column}, count(*) FROM {table} GROUP BY 1").fetchall()
    for name, n in rows:
        if name not in counts:
            return None
        counts[name] = n
    return counts


def matching_mask(store: Store, table: EventTable, flt: EventFilter) -> np.ndarray:
    """The events ``flt`` selects, as a mask over ``table`` (one indexed SQL query)."""
    if flt.is_empty:
        return table.all
    where, params = store.filter_sql(flt)
    cursor = store.conn.execute(f"SELECT e.rowid FROM events e WHERE {where}", params)
    return table.mask_for_rowids(np.fromiter((r[0] for r in cursor), dtype=np.int64))

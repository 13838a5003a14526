"""All events of a database as numpy columns, loaded once, filtered by a boolean mask.

The timeline and the event list draw from this table; a filter change is then one SQL
query for the matching rowids plus a mask, instead of re-reading 100,000 rows. Tags are
kept as (event index, tag index) pairs, which is also exactly what one-lane-per-nation and
one-lane-per-theme layouts need.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import chain, compress, repeat
from operator import itemgetter
from typing import NamedTuple

import numpy as np

from cspo_viewer.data.dates import EPOCH
from cspo_viewer.data.filters import TAG_FACETS, EventFilter, Facet
from cspo_viewer.data.store import Store
from cspo_viewer.data.usable import clean_text, clean_texts

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
    ids: np.ndarray  # object (str)
    start: np.ndarray  # float64 day of the first day
    end: np.ndarray  # float64 day after the last day covered (start + 1 for a day event)
    precision: np.ndarray  # int8, PRECISION_CODES
    kind: np.ndarray  # int16 index into kinds
    kinds: tuple[str, ...]
    labels: np.ndarray  # object (str): short titles for the timeline
    # facet, and the table's rows_of (rowids -> rows): the facet's pairs
    _tag_loader: Callable[[str, Callable[[np.ndarray], np.ndarray]], TagPairs] | None = None
    _title_loader: Callable[[list[int]], dict[int, str]] | None = None

    def __len__(self) -> int:
        return len(self.ids)

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

    def _tags(self, facet: str) -> TagPairs:
        if self._tag_loader is None:
            return TagPairs((), np.zeros(0, np.int32), np.zeros(0, np.int32))
        return self._tag_loader(facet, self.rows_of)

    TITLE_CHUNK = 256

    def title(self, index: int) -> str:
        """An event's full title. Titles load in chunks around the rows asked for: a list
        shows a few dozen at a time, and reading all 100,000 up front slowed start-up."""
        cache: dict[int, str] = self.__dict__.setdefault("_titles", {})
        if index not in cache:
            if self._title_loader is None:
                return str(self.labels[index])
            lo = index - index % self.TITLE_CHUNK
            rows = range(lo, min(lo + self.TITLE_CHUNK, len(self)))
            by_rowid = self._title_loader([int(self.rowid[i]) for i in rows])
            for i in rows:
                cache[i] = by_rowid.get(int(self.rowid[i]), str(self.labels[i]))
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


def _days(iso: list[str]) -> np.ndarray:
    """ISO days to days since 2000-01-01, parsed by numpy in C."""
    return (np.array(iso, dtype="datetime64[D]") - np.datetime64(EPOCH, "D")).astype(np.float64)


def _ends(
    start: np.ndarray, precision: np.ndarray, explicit: np.ndarray, given: np.ndarray
) -> np.ndarray:
    """The day after the last day each event covers: end date, or end of month/year.
    ``given`` holds the end days (as ``_days``) of the rows ``explicit`` marks."""
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
    ids: np.ndarray
    start: np.ndarray
    end: np.ndarray
    precision: np.ndarray
    kind: np.ndarray
    labels: np.ndarray


def load_table(store: Store) -> EventTable:
    """Read every event once, in date order; tags follow on first use.

    Rows this code cannot use (a date that is not a day, a BLOB title, a kind the kinds
    table lacks) are left out and named in ``store.skipped``; when that leaves nothing of a
    database that holds events, ``DatabaseError`` says so.
    """
    kinds = tuple(k.id for k in store.kinds())
    kind_index = {k: i for i, k in enumerate(kinds)}
    # Read in storage order and sorted here: walking the (date, id) index visits the
    # rows in random order, which costs more than numpy's sort of the columns.
    rows = store.conn.execute(_SELECT).fetchall()
    n_read = len(rows)
    columns = _arrays(rows, kind_index)
    if columns is None:  # some row is unusable: find which, one by one (slow, rare)
        rows = store.conn.execute(f"{_SELECT} ORDER BY date, id").fetchall()
        rows = _usable_rows(store, rows)
        if n_read and not rows:
            raise store.nothing_usable(n_read)
        columns = _arrays(rows, kind_index)
        assert columns is not None, "rows the rules accept convert"
    else:
        store.know_unusable(())  # every event read converts: none is left out
        columns = _in_date_order(columns)
    nation_codes = [x.code for x in store.nations()]
    theme_ids = [t.id for t in store.themes()]

    def tags(facet: str, rows_of: Callable[[np.ndarray], np.ndarray]) -> TagPairs:
        names = nation_codes if facet == "nation" else theme_ids
        return _pairs(store, TAG_FACETS[f"{facet}s"], names, rows_of)

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
    )


_TABLE_COLUMNS = (
    "rowid, id, date, date_precision, end_date, COALESCE(short_title, title), kind,"
    " typeof(title) = 'text'"
)
_SELECT = f"SELECT {_TABLE_COLUMNS} FROM events"


def _in_date_order(columns: _Columns) -> _Columns:
    """The rows in ``ORDER BY date, id`` order. ``_arrays`` accepted every row, so each
    date is an ISO day (its text sorts as its day number) and each id is text: sorted as
    Python strings (code-point order is SQLite's byte order of UTF-8), never as a
    fixed-width numpy string, which would be as wide as the longest id for every row
    and drop trailing NULs."""
    by_id = np.argsort(columns.ids, kind="stable")
    order = by_id[np.argsort(columns.start[by_id], kind="stable")]
    return _Columns(*(column[order] for column in columns))


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
    marks = ", ".join("?" * len(event_ids))
    rows = store.conn.execute(
        f"SELECT {_TABLE_COLUMNS} FROM events WHERE id IN ({marks}) ORDER BY date, id",
        event_ids,
    ).fetchall()
    new = _arrays(rows, {k: i for i, k in enumerate(kinds)})
    if new is None or len({*kinds}) != len(store.kinds()):
        return load_table(store)
    kept = _Columns(*(column[keep] for column in _columns_of(table)))
    at = np.array([_place(kept, new.start[i], new.ids[i]) for i in range(len(new.ids))], int)
    merged = _Columns(*(np.insert(k, at, n) for k, n in zip(kept, new, strict=True)))
    moved = np.flatnonzero(keep)
    new_index = np.full(len(table), -1, dtype=np.int64)
    new_index[moved] = np.arange(len(moved)) + np.searchsorted(at, np.arange(len(moved)), "right")
    out = replace(table, **merged._asdict())
    out.__dict__["position"] = _moved_positions(table, out, old, at)
    for facet in ("nations", "themes"):
        pairs: TagPairs | None = table.__dict__.get(facet)
        if pairs is not None:
            out.__dict__[facet] = _moved_pairs(store, pairs, new_index, out, facet, rows)
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
    rows: list[tuple],
) -> TagPairs:
    """Tag pairs of the events that stayed, moved to their new rows, and the changed
    events' own pairs read anew."""
    event = new_index[pairs.event]
    keep = event >= 0
    rel, column = TAG_FACETS[facet].table, TAG_FACETS[facet].column
    tag_of = {name: i for i, name in enumerate(pairs.names)}
    ids = [r[1] for r in rows]
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


def _arrays(rows: list[tuple], kind_index: dict[str, int]) -> _Columns | None:
    """The table's columns, or ``None`` when some row is unusable. The checks are a few
    passes in C over the columns (types, lengths, numpy's date parsing, kind lookup), so
    a sound database of 100,000 events pays milliseconds for them; ``usable`` then names
    the bad rows on the slow path."""
    n = len(rows)
    # One list per column (a pass of itemgetter each): half the time of zip(*rows).
    rowid, ids, dates, precisions, ends, labels, kinds, title_ok = (
        list(map(itemgetter(i), rows))
        for i in range(8)  # the eight _TABLE_COLUMNS
    )
    explicit = np.array(ends, dtype=object) != None  # noqa: E711 - elementwise, in C
    given = list(compress(ends, explicit))
    texts = chain(ids, dates, precisions, labels, given)
    if not all(title_ok) or not set(map(type, texts)) <= {str}:
        return None
    try:
        if not set(map(len, dates)) <= {10} or not set(map(len, given)) <= {10}:
            return None
        start = _days(dates)
        given_days = _days(given)
    except (TypeError, ValueError):  # an end date that is not text; "2025-02-30"
        return None
    if n and start.min() < FIRST_DAY:  # year 0 or before: no datetime.date for it
        return None
    if (given_days < start[explicit]).any():
        return None
    kind = np.fromiter(map(kind_index.get, kinds, repeat(-1, n)), np.int16, count=n)
    if n and kind.min() < 0:
        return None
    precision = np.fromiter(map(PRECISION_CODES.get, precisions, repeat(0, n)), np.int8, count=n)
    return _Columns(
        rowid=np.array(rowid, dtype=np.int64),
        ids=np.array(ids, dtype=object),
        start=start,
        end=_ends(start, precision, explicit, given_days),
        precision=precision,
        kind=kind,
        labels=np.array(clean_texts(labels), dtype=object),
    )


FIRST_DAY = (np.datetime64("0001-01-01", "D") - np.datetime64(EPOCH, "D")).astype(np.float64)


def _usable_rows(store: Store, rows: list[tuple]) -> list[tuple]:
    """The rows ``store`` can use, by the rules of ``usable`` (each bad one recorded)."""
    full = store.conn.execute(
        "SELECT id, date, date_precision, end_date, title, short_title, kind, location"
        " FROM events ORDER BY date, id"
    ).fetchall()
    usable = [store.usable_event(event) for event in full]
    store.know_unusable(event[0] for event, ok in zip(full, usable, strict=True) if not ok)
    return [row for row, ok in zip(rows, usable, strict=True) if ok]


def _titles(store: Store, rowids: list[int]) -> dict[int, str]:
    marks = ", ".join("?" * len(rowids))
    sql = f"SELECT rowid, title FROM events WHERE rowid IN ({marks})"
    return {r: clean_text(t) for r, t in store.conn.execute(sql, rowids) if type(t) is str}


_TAG_BITS = 12
_NO_TAG = (1 << _TAG_BITS) - 1
"""A tag pair travels as one integer, ``event rowid << 12 | tag rowid`` (all ones: no such
tag): Python then makes one int per pair where it would make a tuple of two, which is
most of what loading the pairs costs."""


def _packable(low: int, high: int, ref_rowids: Iterable[int]) -> bool:
    """Whether every reference rowid fits the tag bits and every event rowid (``low`` to
    ``high``, none negative: -1 marks a pair whose event is missing) the rest."""
    events_fit = low >= 0 and high < 1 << (62 - _TAG_BITS)
    return events_fit and all(0 <= r < _NO_TAG for r in ref_rowids)


def _pairs(
    store: Store, facet: Facet, names: list[str], rows_of: Callable[[np.ndarray], np.ndarray]
) -> TagPairs:
    """Every (event, tag) pair as table rows and tag indexes. SQLite joins the event ids
    and tag names to rowids, so Python receives integers (hashing 250,000 id strings in
    Python was most of a 100,000-event window's start-up); a tag whose name the reference
    table lacks comes back with its names, to be left out and recorded."""
    table, column, ref, key = facet.table, facet.column, facet.field, facet.key
    ref_rowids = dict(store.conn.execute(f"SELECT {key}, rowid FROM {ref}").fetchall())
    tag_of_ref = np.full(max(ref_rowids.values(), default=0) + 1, -1, dtype=np.int32)
    for i, name in enumerate(names):
        if name in ref_rowids:
            tag_of_ref[ref_rowids[name]] = i
    joins = (
        f" FROM {table} t LEFT JOIN events e ON e.id = t.event_id"
        f" LEFT JOIN {ref} r ON r.{key} = t.{column}"
    )
    low, high = store.conn.execute("SELECT min(rowid), max(rowid) FROM events").fetchone()
    low, high = (0, 0) if low is None else (int(low), int(high))
    if _packable(low, high, ref_rowids.values()):
        packed = store.conn.execute(
            f"SELECT (IFNULL(e.rowid, -1) << {_TAG_BITS}) | IFNULL(r.rowid, {_NO_TAG}){joins}"
        )
        values = np.fromiter((v for (v,) in packed), dtype=np.int64)
        rowid, ref_rowid = values >> _TAG_BITS, values & _NO_TAG
        ref_rowid[ref_rowid == _NO_TAG] = -1
        event = rows_of(rowid)
    else:  # any rowid SQLite allows: a missing event's pair says so in a column of its own
        rows = store.conn.execute(
            f"SELECT e.rowid IS NULL, IFNULL(e.rowid, 0), IFNULL(r.rowid, -1){joins}"
        )
        pairs = np.array(rows.fetchall(), dtype=np.int64).reshape(-1, 3)
        rowid, ref_rowid = pairs[:, 1], pairs[:, 2]
        event = np.where(pairs[:, 0] == 1, -1, rows_of(rowid))
    tag = np.where(ref_rowid >= 0, tag_of_ref[np.clip(ref_rowid, 0, None)], -1)
    if (ref_rowid < 0).any():
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


def matching_mask(store: Store, table: EventTable, flt: EventFilter) -> np.ndarray:
    """The events ``flt`` selects, as a mask over ``table`` (one indexed SQL query)."""
    if flt.is_empty:
        return table.all
    where, params = store.filter_sql(flt)
    cursor = store.conn.execute(f"SELECT e.rowid FROM events e WHERE {where}", params)
    return table.mask_for_rowids(np.fromiter((r[0] for r in cursor), dtype=np.int64))

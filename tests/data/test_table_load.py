"""Loading the event table: it is in (date, id) order whatever order SQLite stores the
rows in (read in storage order, sorted by numpy, it must agree with ``ORDER BY date, id``),
and its tag pairs are the stored ones however they travel from SQLite (one packed integer
per pair, or two columns when the rowids do not fit the packing)."""

from __future__ import annotations

import sqlite3

import pytest

from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.store import open_store
from cspo_viewer.data.table import load_table, matching_mask


def test_rows_stored_in_reverse_come_back_in_date_and_id_order(db_copy):
    with sqlite3.connect(db_copy) as conn:  # storage (rowid) order reversed
        conn.execute("UPDATE events SET rowid = 1000000 - rowid")
    with open_store(db_copy) as store:
        table = load_table(store)
        ordered = store.conn.execute("SELECT id, date FROM events ORDER BY date, id").fetchall()
        stored = [r[0] for r in store.conn.execute("SELECT id FROM events ORDER BY rowid")]
    assert list(table.ids) == [event_id for event_id, _ in ordered]
    assert list(table.ids) != stored  # the sort did the work, not the storage
    same_day = [
        event_id for event_id, day in ordered if sum(1 for _, other in ordered if other == day) > 1
    ]
    assert same_day  # events sharing a day are in id order, as the list and layout expect
    assert all(table.index_of(e) == table.ids.tolist().index(e) for e in same_day)
    rowids = dict(zip(table.ids.tolist(), table.rowid.tolist(), strict=True))
    assert rowids["2014-09-22-mou-signed-ottawa"] > 999_000  # rowid travels with its row


FOUNDING = "2014-09-22-mou-signed-ottawa"


def stored_pairs(store, relation: str, column: str) -> set[tuple[str, str]]:
    return set(store.conn.execute(f"SELECT event_id, {column} FROM {relation}").fetchall())


def loaded_pairs(table, facet: str) -> set[tuple[str, str]]:
    pairs = getattr(table, facet)
    return {
        (str(table.ids[e]), pairs.names[t])
        for e, t in zip(pairs.event.tolist(), pairs.tag.tolist(), strict=True)
    }


@pytest.mark.parametrize(
    "renumber",
    [
        None,  # the shipped file: rowids small, pairs packed
        "UPDATE nations SET rowid = 5000 WHERE code = 'NZL'",  # past the tag bits
        # A foreign file's rowids: one far past the others, one negative. Indexed by
        # rowid, the first asked for terabytes and the second read from the array's end.
        f"UPDATE events SET rowid = 1 << 40 WHERE id = '{FOUNDING}'",
        f"UPDATE events SET rowid = -5 WHERE id = '{FOUNDING}'",
        # The smallest and largest rowids SQLite allows.
        f"UPDATE events SET rowid = -9223372036854775808 WHERE id = '{FOUNDING}'",
        f"UPDATE events SET rowid = 9223372036854775807 WHERE id = '{FOUNDING}'",
    ],
)
def test_tag_pairs_are_the_stored_ones(db_copy, renumber):
    if renumber:
        with sqlite3.connect(db_copy) as conn:
            conn.execute(renumber)
    with open_store(db_copy) as store:
        table = load_table(store)
        nations = stored_pairs(store, "event_nations", "nation_code")
        themes = stored_pairs(store, "event_themes", "theme_id")
        assert loaded_pairs(table, "nations") == nations and len(nations) > 100
        assert loaded_pairs(table, "themes") == themes and len(themes) > 50
        # and a filter's rows (read from SQLite by rowid) land on the same events
        flt = EventFilter(nations=("NZL",))
        shown = set(table.ids[matching_mask(store, table, flt)].tolist())
        assert shown == {event for event, code in nations if code == "NZL"}
        canada = set(table.ids[matching_mask(store, table, EventFilter(nations=("CAN",)))])
        assert FOUNDING in canada

"""Loading the event table: it is in (date, id) order whatever order SQLite stores the
rows in, its tag pairs are the stored ones whatever the rowids, and a row that SQLite's
quick check over all rows refuses is judged by the usable rules, which leave out exactly
that row and name it while every other row loads as it would from a sound file."""

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


BAD = "2015-10-12-wellington-meeting"


def columns(table, leave_out: str = "") -> list[tuple]:
    """Every row of ``table`` as the timeline reads it, but ``leave_out``'s."""
    rows = []
    for i in range(len(table)):
        if table.ids[i] != leave_out:
            dates = (table.start[i], table.end[i], table.precision[i])
            rows.append((table.ids[i], *dates, table.kind[i], table.labels[i], table.rowid[i]))
    return rows


@pytest.mark.parametrize(
    ("sql", "why"),
    [
        (f"UPDATE events SET date = '2015-10-12 09:00' WHERE id = '{BAD}'", "not a YYYY-MM-DD"),
        (f"UPDATE events SET date = '0000-10-12' WHERE id = '{BAD}'", "not a YYYY-MM-DD"),
        (f"UPDATE events SET date = 20151012 WHERE id = '{BAD}'", "not a YYYY-MM-DD"),
        (f"UPDATE events SET end_date = '2015-10-01' WHERE id = '{BAD}'", "before its date"),
        (f"UPDATE events SET end_date = '2015-10-32' WHERE id = '{BAD}'", "end date"),
        (f"UPDATE events SET short_title = X'00FF' WHERE id = '{BAD}'", "short title is binary"),
        (f"UPDATE events SET kind = 'rumour' WHERE id = '{BAD}'", "kind 'rumour'"),
        (f"UPDATE events SET location = X'00FF' WHERE id = '{BAD}'", "location is binary"),
        (
            f"UPDATE events SET title = CAST(X'48C328' AS TEXT), short_title = NULL"
            f" WHERE id = '{BAD}'",
            "title is binary data",
        ),
        (f"UPDATE events SET short_title = CAST(X'48C328' AS TEXT) WHERE id = '{BAD}'", "UTF-8"),
    ],
)
def test_a_row_the_quick_check_refuses_is_left_out_by_the_rules(db_copy, sql, why):
    with open_store(db_copy) as store:
        sound = columns(load_table(store), leave_out=BAD)
    with sqlite3.connect(db_copy) as conn:
        conn.execute(sql)
    with open_store(db_copy) as store:
        table = load_table(store)
        assert BAD not in table.ids.tolist() and len(table) == 30
        assert why in store.skipped[f"event {BAD}"]
        assert columns(table) == sound  # the others as a sound file gives them


def test_an_id_that_is_not_utf8_leaves_out_only_its_row(db_copy):
    with open_store(db_copy) as store:
        sound = columns(load_table(store), leave_out=BAD)
    with sqlite3.connect(db_copy) as conn:
        conn.execute(f"UPDATE events SET id = CAST(X'48C328' AS TEXT) WHERE id = '{BAD}'")
    with open_store(db_copy) as store:
        table = load_table(store)
        assert columns(table) == sound
        assert "its id is not text" in store.skipped.values()


def test_a_file_that_stores_text_as_utf16_loads_the_same_table(tmp_path, bundled_db):
    utf16 = tmp_path / "utf16.db"
    with sqlite3.connect(bundled_db) as src, sqlite3.connect(utf16) as dst:
        dst.execute("PRAGMA encoding = 'UTF-16le'")
        # the full-text index is SQLite's own and not about encodings: left out
        dst.executescript(";\n".join(x for x in src.iterdump() if "_fts" not in x))
        dst.execute(f"PRAGMA user_version = {src.execute('PRAGMA user_version').fetchone()[0]}")
        dst.execute("UPDATE events SET title = 'Wellington ➜ Ōtautahi' WHERE id = ?", [BAD])
        dst.execute("UPDATE events SET short_title = NULL WHERE id = ?", [BAD])
        assert dst.execute("PRAGMA encoding").fetchone()[0] == "UTF-16le"
    with open_store(bundled_db) as store:
        sound = columns(load_table(store))
    with open_store(utf16) as store:
        table = load_table(store)
        assert not store.skipped
        assert table.labels[table.index_of(BAD)] == "Wellington ➜ Ōtautahi"
        assert [row[:5] for row in columns(table)] == [row[:5] for row in sound]
        labels = [row[5] for row in columns(table)]
        assert labels == [row[5] if row[0] != BAD else "Wellington ➜ Ōtautahi" for row in sound]


def test_a_title_that_is_not_utf8_beside_a_short_title_gives_way_to_it(db_copy):
    with sqlite3.connect(db_copy) as conn:
        conn.execute(f"UPDATE events SET title = CAST(X'48C328' AS TEXT) WHERE id = '{BAD}'")
        short = conn.execute("SELECT short_title FROM events WHERE id = ?", [BAD]).fetchone()[0]
    with open_store(db_copy) as store:
        table = load_table(store)
        row = table.index_of(BAD)
        assert row is not None and table.labels[row] == short
        assert table.title(row) == short  # the list's title column, not an error


@pytest.mark.parametrize(
    "foreign_sql",
    [
        None,
        # a pair whose event is missing, and a tag the nations table lacks
        "PRAGMA foreign_keys = OFF; INSERT INTO event_nations VALUES ('no-such-event', 'CAN');"
        f" INSERT INTO event_nations VALUES ('{FOUNDING}', 'ZZZ');"
        f" INSERT INTO event_themes VALUES ('{FOUNDING}', 'no-such-theme');",
    ],
)
def test_counts_and_tags_read_before_the_pairs_equal_the_pairs(db_copy, foreign_sql):
    """The filter panel's first counts and the list's Nations column are read from SQLite
    without loading every pair; they must say what the pairs say."""
    if foreign_sql:
        with sqlite3.connect(db_copy) as conn:
            conn.executescript(foreign_sql)
    with open_store(db_copy) as store:
        early = load_table(store)
        counts = {facet: early.tag_counts(facet) for facet in ("nation", "theme")}
        tags = {f: [early.tags_of(f, i) for i in range(len(early))] for f in ("nation", "theme")}
        if foreign_sql is None:  # a sound file: neither needed every pair
            assert "nations" not in early.__dict__ and "themes" not in early.__dict__
        late = load_table(store)
        for facet in ("nation", "theme"):
            pairs = getattr(late, f"{facet}s")
            assert counts[facet] == pairs.counts(late.all) == late.tag_counts(facet)
            assert tags[facet] == [late.tags_of(facet, i) for i in range(len(late))]
        assert counts["nation"]["CAN"] > 10 and "ZZZ" not in counts["nation"]
        assert "ZZZ" not in late.tags_of("nation", late.index_of(FOUNDING))


def test_loading_leaves_the_connections_page_cache_as_it_was(bundled_db):
    """The load reads with SQLite's default cache; the window's large one, kept for its
    filters, is back afterwards."""
    with open_store(bundled_db) as store:
        before = store.conn.execute("PRAGMA cache_size").fetchone()[0]
        assert before != -2000  # the read-only window's own size, not SQLite's default
        load_table(store)
        assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == before


def test_counts_follow_an_edit(db_copy):
    """After an edit the table follows its rows (``apply_changes``), and the counts it
    gives follow the edit too."""
    from cspo_viewer.data.table import apply_changes

    with open_store(db_copy) as store:
        table = load_table(store)
        canada = table.tag_counts("nation")["CAN"]
        with sqlite3.connect(db_copy) as other:  # another program's edit, as the window's
            other.execute(f"DELETE FROM event_nations WHERE event_id = '{FOUNDING}'")
        edited = apply_changes(store, table, [FOUNDING])
        assert edited.tag_counts("nation")["CAN"] == canada - 1
        assert edited.tags_of("nation", edited.index_of(FOUNDING)) == ()
        assert edited.tag_counts("nation") == load_table(store).tag_counts("nation")


def test_a_read_started_in_the_background_gives_the_table_a_load_would(bundled_db):
    from cspo_viewer.data.table import read_in_background

    with open_store(bundled_db) as store:
        sync = load_table(store)
        expected = columns(sync), {f: sync.tag_counts(f) for f in ("nation", "theme")}
        read_in_background(store)
        table = load_table(store)
        assert (columns(table), {f: table.tag_counts(f) for f in ("nation", "theme")}) == expected
        assert "nations" not in table.__dict__  # the counts came with the read, not the pairs


def test_a_commit_after_the_background_read_began_is_in_the_table(db_copy):
    """The window starts the read before Qt loads; another program's commit meanwhile
    must not leave the window showing the file as it was."""
    from cspo_viewer.data import table as table_module

    with open_store(db_copy) as store:
        canada = load_table(store).tag_counts("nation")["CAN"]
        table_module.read_in_background(store)
        table_module._STARTED[store]._thread.join()  # the read is done, then the write
        with sqlite3.connect(db_copy) as other:
            other.execute(f"UPDATE events SET short_title = 'Moved on' WHERE id = '{FOUNDING}'")
            other.execute(f"DELETE FROM event_nations WHERE event_id = '{FOUNDING}'")
        table = load_table(store)
        assert table.labels[table.index_of(FOUNDING)] == "Moved on"
        assert table.tag_counts("nation")["CAN"] == canada - 1


@pytest.mark.parametrize("where", ["", f"WHERE id <> '{FOUNDING}'"])
def test_the_order_read_in_one_step_is_the_order_read_row_by_row(db_copy, where):
    """The background read takes the (date, id) order from ``row_number()`` in one step;
    the main thread reads it from the index. Rows stored in reverse, as in the first
    test here, so storage order cannot pass for either."""
    from cspo_viewer.data.table import _ranked, _rowids

    with sqlite3.connect(db_copy) as conn:
        conn.execute("UPDATE events SET rowid = 1000000 - rowid")
    with open_store(db_copy) as store:
        by_index = _rowids(store.conn, where, ())
        assert _ranked(store.conn, where, ()).tolist() == by_index.tolist()
        assert len(by_index) == 31 - bool(where)


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_background_read_that_fails_leaves_the_load_to_the_store(bundled_db, monkeypatch, capfd):
    """Whatever goes wrong on the second connection is met again on the store's own, and
    said there: the thread itself prints nothing and the table is whole."""
    from cspo_viewer.data import table as table_module

    real = table_module._query

    def failing(conn, kinds, where="", params=(), *, in_one_step=False):
        if in_one_step:  # the background read's call
            raise ValueError("something unforeseen")
        return real(conn, kinds, where, params)

    monkeypatch.setattr(table_module, "_query", failing)
    with open_store(bundled_db) as store:
        expected = columns(load_table(store))
        table_module.read_in_background(store)
        assert columns(load_table(store)) == expected
    assert capfd.readouterr().err == ""

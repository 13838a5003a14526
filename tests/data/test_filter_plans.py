"""A filter read two ways (tags first, or the date range first when it holds fewer events)
selects the same events, and ``list`` prints the same bytes whichever the store chooses,
notes about unusable events included."""

from __future__ import annotations

import itertools

import pytest

from cspo_viewer.cli import main
from cspo_viewer.data.filters import build_filter
from cspo_viewer.data.store import Store, open_store
from tests.cli.test_foreign_databases import CASES, foreign

FILTERS = [
    {"nations": ["NZL"], "date_from": "2015-10", "date_to": "2015-10"},
    {"nations": ["JPN", "NOR"], "themes": ["resilience"], "date_from": "2023-12"},
    {"nations": ["FRA", "DEU"], "match_nations": "all", "date_to": "2019"},
    {"themes": ["deterrence", "resilience"], "match_themes": "all", "date_from": "2020"},
    {"nations": ["AUS"], "date_from": "2014-09-23", "date_to": "2014-09-23"},  # a day inside
    {"nations": ["USA"], "kinds": ["statement"], "date_from": "2019", "date_to": "2022"},
    {"nations": ["GBR"], "text": "board", "date_from": "2020-02-12", "date_to": "2023"},
    {"nations": ["CAN"], "date_from": "2024-12-04", "date_to": "2024-12-04"},
]


@pytest.mark.parametrize("words", FILTERS)
def test_both_plans_select_the_same_events(store, words):
    flt = build_filter(store.vocabulary, **words)
    selected = []
    for dates_first in (False, True):
        where, params = flt.where(dates_first=dates_first)
        sql = f"SELECT e.id FROM events e WHERE {where} ORDER BY e.date, e.id"
        selected.append([r[0] for r in store.conn.execute(sql, params)])
    assert selected[0] == selected[1]
    assert selected[0] == store.event_ids(flt)


def test_a_month_of_common_tags_is_read_by_its_dates(store):
    """The store reads one day's events by the date index when the tags are common."""
    flt = build_filter(
        store.vocabulary, nations=["AUS"], date_from="2024-12-06", date_to="2024-12-06"
    )
    assert flt.where(dates_first=True) == store.filter_sql(flt)
    wide = build_filter(store.vocabulary, nations=["JPN"], date_from="2014", date_to="2024")
    assert wide.where() == store.filter_sql(wide)
    assert store.event_ids(flt) == ["2024-12-06-florence-joint-statement"]


@pytest.mark.parametrize(
    "args",
    [
        ["--nation", "NZL", "--theme", "norms-responsible-behaviour", "--from", "2015-10"],
        ["--nation", "NZ", "--from", "2015-10-13", "--to", "2015-10-13"],
        ["--nation", "AUS", "--nation", "NZL", "--match-nations", "all", "--to", "2016"],
        ["--nation", "NZL", "--json", "--from", "2015", "--to", "2015"],
    ],
)
def test_list_prints_the_same_bytes_either_way_with_an_unusable_event(
    args, tmp_path, bundled_db, capsys, monkeypatch
):
    """The Wellington meeting (NZL, 2015-10-12..13) holds a BLOB title: both plans leave
    it out and name it in the one note."""
    sql, expected = CASES["blob title"]
    path = foreign(tmp_path, bundled_db, sql)
    printed = []
    for dates_first in (False, True):
        monkeypatch.setattr(Store, "_dates_first", lambda self, flt, d=dates_first: d)
        assert main(["list", "--db", str(path), *args]) == 0
        printed.append(capsys.readouterr())
    assert printed[0] == printed[1]
    out, err = printed[0]
    [(event_id, why)] = expected.items()
    assert event_id not in out
    assert f"event {event_id} (its {why}" in err
    assert "--json" in args or " of 31 events" in err


def test_every_pairing_of_tags_and_dates_agrees(store):
    """Every nation with every theme over every year, both plans: the same ids."""
    nations = list(store.vocabulary.nations)[:4]
    themes = list(store.vocabulary.themes)[:3]
    for nation, theme, year in itertools.product(nations, themes, range(2014, 2025, 3)):
        flt = build_filter(store.vocabulary, nations=[nation], themes=[theme], date_from=str(year))
        a, pa = flt.where()
        b, pb = flt.where(dates_first=True)
        rows_a = store.conn.execute(f"SELECT e.id FROM events e WHERE {a}", pa).fetchall()
        rows_b = store.conn.execute(f"SELECT e.id FROM events e WHERE {b}", pb).fetchall()
        assert sorted(rows_a) == sorted(rows_b)


def test_open_store_reads_without_writing(bundled_db):
    """The plan is chosen by counting, never by ANALYZE (which would write the file)."""
    with open_store(bundled_db) as store:
        flt = build_filter(store.vocabulary, nations=["AUS"], date_from="2024-12")
        store.event_rows(flt)
        names = [r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")]
    assert not any(n.startswith("sqlite_stat") for n in names)


@pytest.mark.parametrize("dates_first", [False, True])
def test_an_event_ending_before_it_starts_is_outside_every_plan(tmp_path, bundled_db, dates_first):
    """A foreign file's event that "ends" before it starts overlaps no range: neither plan
    reads it, so neither names it as unusable."""
    import shutil
    import sqlite3

    path = tmp_path / "backwards.db"
    shutil.copy(bundled_db, path)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE events SET date = '2031-05-05', end_date = '2020-01-01' WHERE id = ?",
            ("2024-12-06-florence-joint-statement",),
        )
    with open_store(path) as store:
        flt = build_filter(store.vocabulary, nations=["GBR"], date_from="2031-01-01")
        where, params = flt.where(dates_first=dates_first)
        rows = store.conn.execute(f"SELECT e.id FROM events e WHERE {where}", params).fetchall()
        assert rows == []
        no_tags = build_filter(store.vocabulary, date_from="2031-01-01")
        assert store.conn.execute(
            f"SELECT count(*) FROM events e WHERE {no_tags.where()[0]}", no_tags.where()[1]
        ).fetchone() == (0,)

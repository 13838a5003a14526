"""Saved views in the record's ``views`` table, without Qt: what is stored, read back,
renamed and deleted, and the sentences that refuse a bad name or the bundled record."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest

from cspo_viewer.data import saved_views as sv
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.store import open_store
from tests.conftest import sha256

JAPAN_BRIEF = sv.SavedView(
    name="Japan quarterly",
    filter=EventFilter(nations=("JPN",), match_nations="all", date_from="2019-01-01"),
    grouping="nation",
    date_range=("2022-01-01", "2024-12-31"),
    pins=("2023-12-05-japan-joins",),
    title="Japan and CSpO",
    marking="OFFICIAL",
    size=(1920, 1080),
    format="pptx",
)


def stored_rows(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT name, settings, created, updated FROM views").fetchall()
    finally:
        conn.close()


def test_a_saved_view_is_one_row_of_json_and_reads_back_whole(db_copy):
    assert sv.save_view(db_copy, JAPAN_BRIEF) is False
    [(name, settings, created, updated)] = stored_rows(db_copy)
    assert name == "Japan quarterly"
    data = json.loads(settings)
    assert data["filter"]["nations"] == ["JPN"] and data["filter"]["match_nations"] == "all"
    assert data["range"] == ["2022-01-01", "2024-12-31"]
    assert data["size"] == [1920, 1080] and data["format"] == "pptx"
    assert data["pins"] == ["2023-12-05-japan-joins"]
    assert data["annotations"] is None  # every era and note, new ones too
    assert created == updated and created.endswith("Z")
    with open_store(db_copy) as store:
        view = sv.get_view(store, "Japan quarterly")
        assert [v.name for v in sv.list_views(store)] == ["Japan quarterly"]
    assert view == replace(JAPAN_BRIEF, created=created, updated=updated)
    assert view.notes == ()


def test_the_range_is_the_days_from_the_first_to_the_end_of_the_last():
    from cspo_viewer.data.dates import to_day

    assert JAPAN_BRIEF.x_range == (to_day("2022-01-01"), to_day("2024-12-31") + 1)
    assert sv.SavedView("whole").x_range is None


def test_saving_over_a_name_needs_replace_and_keeps_when_it_was_created(db_copy):
    sv.save_view(db_copy, JAPAN_BRIEF)
    with pytest.raises(sv.ViewError, match="'Japan quarterly' already exists; nothing was saved"):
        sv.save_view(db_copy, JAPAN_BRIEF)
    [(_, _, created, _)] = stored_rows(db_copy)
    changed = sv.SavedView("Japan quarterly", marking="OFFICIAL-SENSITIVE")
    assert sv.save_view(db_copy, changed, replace=True) is True
    [(_, settings, created_again, _)] = stored_rows(db_copy)
    assert created_again == created
    assert json.loads(settings)["marking"] == "OFFICIAL-SENSITIVE"


def test_rename_and_delete_and_unknown_names_listed(db_copy):
    sv.save_view(db_copy, JAPAN_BRIEF)
    sv.save_view(db_copy, sv.SavedView("Debris"))
    assert sv.rename_view(db_copy, "Debris", "  Debris and ASAT  ") == "Debris and ASAT"
    with pytest.raises(sv.ViewError, match="'Japan quarterly' already exists"):
        sv.rename_view(db_copy, "Debris and ASAT", "Japan quarterly")
    with open_store(db_copy) as store:
        assert sv.view_names(store) == ["Debris and ASAT", "Japan quarterly"]
        with pytest.raises(sv.ViewError) as err:
            sv.get_view(store, "Norway")
    assert str(err.value) == (
        "no saved view named 'Norway'; the saved views are 'Debris and ASAT', 'Japan quarterly'"
    )
    sv.delete_view(db_copy, "Japan quarterly")
    with pytest.raises(sv.ViewError, match="no saved view named 'Japan quarterly'"):
        sv.delete_view(db_copy, "Japan quarterly")
    assert [r[0] for r in stored_rows(db_copy)] == ["Debris and ASAT"]


def test_the_bundled_record_is_never_written(bundled_db):
    before = sha256(bundled_db)
    with pytest.raises(DatabaseError, match="bundled"):
        sv.save_view(bundled_db, JAPAN_BRIEF)
    assert sha256(bundled_db) == before
    with open_store(bundled_db) as store, pytest.raises(sv.ViewError, match="no saved views"):
        sv.get_view(store, "Japan quarterly")


@pytest.mark.parametrize(
    ("name", "problem"),
    [("   ", "needs a name"), ("a\tb", "control character"), ("x" * 81, "keep it to 80")],
)
def test_a_bad_name_is_refused_and_nothing_is_written(db_copy, name, problem):
    before = sha256(db_copy)
    with pytest.raises(sv.ViewError, match=problem):
        sv.save_view(db_copy, sv.SavedView(name))
    assert sha256(db_copy) == before


def test_stale_or_hand_edited_settings_open_with_notes(db_copy):
    conn = sqlite3.connect(db_copy)
    with conn:
        conn.execute(
            "INSERT INTO views (name, settings) VALUES (?, ?)",
            [
                "old",
                json.dumps(
                    {
                        "filter": {"nations": ["XXX", "JPN"]},
                        "range": ["soon", "later"],
                        "size": "big",
                        "pins": ["gone-event"],
                    }
                ),
            ],
        )
        conn.execute("INSERT INTO views (name, settings) VALUES ('broken', 'not json')")
    conn.close()
    with open_store(db_copy) as store:
        old = sv.get_view(store, "old")
        broken = sv.get_view(store, "broken")
    assert old.filter.nations == ("JPN",)
    assert old.date_range is None and old.size is None and old.pins == ("gone-event",)
    assert any("'XXX'" in note for note in old.notes) and len(old.notes) == 3
    assert broken.filter == EventFilter() and "not a JSON object" in broken.notes[0]

"""Editing the record without Qt: the form's fields checked by import's rules, one write
path with a conflict check, every change recorded, undo and redo as inverse edits."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cspo_viewer.data import edits
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.event_record import load_record
from cspo_viewer.data.history import read_history
from cspo_viewer.data.interchange import ImportOptions, import_file
from cspo_viewer.data.store import open_store
from tests.conftest import sha256

UK_MOD = "src-9f489d6352"

TOULOUSE = {
    "title": "Toulouse Principals' Board",
    "short_title": "Toulouse Board",
    "date": "2025-12-02",
    "date_precision": "day",
    "end_date": "2025-12-04",
    "kind": "principals-meeting",
    "location": "Toulouse, France",
    "nations": ["AUS", "CAN", "FRA", "DEU", "ITA", "JPN", "NZL", "NOR", "GBR", "USA"],
    "themes": [],
    "summary": "The ten partners met at the new French Space Command headquarters.",
    "confidence": "high",
    "sources": [UK_MOD],
    "quotes": [{"speaker": "Air Chief Marshal Sir Richard Knighton", "text": "Words."}],
}


def check(db: Path, fields: dict, editing: str | None = None) -> edits.Checked:
    with open_store(db) as store:
        return edits.check_event(store, fields, editing=editing)


def test_a_new_event_gets_its_id_from_date_and_title_and_is_recorded(db_copy):
    checked = check(db_copy, TOULOUSE)
    assert checked.ok, checked.problems
    eid = checked.record["id"]
    assert eid.startswith("2025-12-02-toulouse-principals-board-")
    assert checked.record["quotes"][0]["id"] == f"{eid}-q1"
    step = edits.apply_edit(db_copy, edits.add_edit(checked))
    with open_store(db_copy) as store:
        stored = load_record(store.conn, eid)
        assert stored["title"] == "Toulouse Principals' Board"
        assert stored["nations"] == TOULOUSE["nations"]
        assert store.event_detail(eid).row.location == "Toulouse, France"
        [change] = read_history(store.conn, eid)
    assert (change.action, change.origin, change.step) == ("add", "window", step)
    assert change.before is None
    assert change.after == stored and change.at.endswith("Z")


def test_bad_fields_are_explained_by_field_with_the_import_rules(db_copy):
    bad = {
        **TOULOUSE,
        "date": "2025-02-30",
        "title": "  ",
        "nations": ["Atlantis"],
        "confidence": "sure",
        "sources": [],
    }
    checked = check(db_copy, bad)
    assert not checked.ok and checked.record is None
    assert "2025-02-30 is not a real date" in checked.problems["date"][0]
    assert checked.problems["title"] == ["missing; every event needs a title"]
    assert "unknown nation 'Atlantis'" in checked.problems["nations"][0]
    assert "unknown confidence 'sure'" in checked.problems["confidence"][0]
    assert checked.problems["sources"] == ["empty; every event needs at least one source"]


def test_an_existing_id_is_refused_for_a_new_event(db_copy):
    fields = {**TOULOUSE, "id": "2024-12-06-florence-joint-statement"}
    checked = check(db_copy, fields)
    assert "already exists" in checked.problems["id"][0]


def test_edit_undo_redo_and_delete_each_recorded(db_copy):
    eid = "2024-12-06-florence-joint-statement"
    with open_store(db_copy) as store:
        before = load_record(store.conn, eid)
    checked = check(db_copy, {**before, "location": "Firenze"}, editing=eid)
    edit = edits.change_edit(before, checked)
    edits.apply_edit(db_copy, edit)
    edits.apply_edit(db_copy, edit.inverse(), action="undo")
    with open_store(db_copy) as store:
        assert load_record(store.conn, eid) == before
    edits.apply_edit(db_copy, edit, action="redo")
    with open_store(db_copy) as store:
        redone = load_record(store.conn, eid)
    assert redone is not None and redone["location"] == "Firenze"
    assert redone["evidence"] == before["evidence"]  # not on the form: kept as stored
    edits.apply_edit(db_copy, edits.delete_edit(redone))
    with open_store(db_copy) as store:
        assert load_record(store.conn, eid) is None
        assert store.event_detail(eid) is None
        actions = [c.action for c in read_history(store.conn, eid)]
        hits = store.conn.execute(
            "SELECT COUNT(*) FROM events_fts WHERE events_fts MATCH 'Firenze'"
        ).fetchone()[0]
    assert actions == ["delete", "redo", "undo", "edit"]
    assert hits == 0  # the full-text index follows the delete


def test_saving_over_a_change_made_by_another_program_is_refused(db_copy):
    eid = "2024-12-06-florence-joint-statement"
    with open_store(db_copy) as store:
        before = load_record(store.conn, eid)
    checked = check(db_copy, {**before, "location": "Mine"}, editing=eid)
    conn = sqlite3.connect(db_copy)
    with conn:
        conn.execute("UPDATE events SET location = 'Theirs' WHERE id = ?", [eid])
    conn.close()
    with pytest.raises(edits.EditConflict, match="was changed by another program"):
        edits.apply_edit(db_copy, edits.change_edit(before, checked))
    with open_store(db_copy) as store:
        assert store.event_detail(eid).row.location == "Theirs"
        assert read_history(store.conn, eid) == []


def test_a_locked_database_is_one_sentence_and_nothing_is_written(db_copy):
    checked = check(db_copy, TOULOUSE)
    before = sha256(db_copy)
    other = sqlite3.connect(db_copy, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        monkey = pytest.MonkeyPatch()
        monkey.setattr("cspo_viewer.data.writing.LOCK_WAIT_MS", 50)
        with pytest.raises(DatabaseError, match=r"(locked|in use) by another program") as info:
            edits.apply_edit(db_copy, edits.add_edit(checked))
        monkey.undo()
        assert str(info.value).count(". ") == 0  # one sentence
    finally:
        other.rollback()
        other.close()
    assert sha256(db_copy) == before


def test_the_bundled_database_is_never_written(bundled_db):
    before = sha256(bundled_db)
    checked = check(bundled_db, TOULOUSE)
    with pytest.raises(DatabaseError, match="bundled database"):
        edits.apply_edit(bundled_db, edits.add_edit(checked))
    assert sha256(bundled_db) == before


def test_an_import_is_recorded_and_undone_as_one_step(db_copy, tmp_path):
    src = tmp_path / "next.csv"
    src.write_text(
        "date,title,nations,source_title\n"
        "2025-12-02,Board A,FRA,Note\n2025-12-03,Board B,GBR,Note\n",
        encoding="utf-8",
    )
    import_file(db_copy, src, ImportOptions())
    step = edits.last_import_step(db_copy)
    edit = edits.import_edit(db_copy, step)
    assert edit.origin == "next.csv" and len(edit.steps) == 2
    edits.apply_edit(db_copy, edit.inverse(), action="undo")
    with open_store(db_copy) as store:
        titles = {r[0] for r in store.conn.execute("SELECT title FROM events")}
        actions = [c.action for c in read_history(store.conn)]
    assert not titles & {"Board A", "Board B"}
    assert actions == ["undo", "undo", "import", "import"]


def test_hostile_text_is_stored_as_plain_text(db_copy):
    fields = {**TOULOUSE, "title": "<b>bold</b> <img src=x onerror=alert(1)> ‮gnp.exe"}
    checked = check(db_copy, fields)
    edits.apply_edit(db_copy, edits.add_edit(checked))
    with open_store(db_copy) as store:
        assert load_record(store.conn, checked.record["id"])["title"] == fields["title"]


def test_a_source_with_its_text_is_saved_and_recorded(db_copy):
    record = edits.save_source(
        db_copy,
        {
            "title": "UK meets with international coalition to keep space safe",
            "publisher": "UK Ministry of Defence",
            "date": "2025-12-17",
            "url": "https://www.gov.uk/example",
            "text": "CSpO provides a unique forum.",
        },
    )
    with open_store(db_copy) as store:
        text = store.conn.execute("SELECT text FROM sources WHERE id = ?", [record["id"]])
        assert text.fetchone()[0] == "CSpO provides a unique forum."
        [change] = read_history(store.conn)
    assert change.action == "add" and change.title.startswith("UK meets")


def test_source_form_problems_use_the_import_rules():
    problems = edits.check_source({"title": "", "date": "Dec 2025", "date_note": "x"})
    assert problems["title"] == ["missing; every source needs a title"]


def test_saving_a_source_unchanged_records_nothing(db_copy):
    fields = {"title": "A release", "publisher": "MOD", "text": "Some words."}
    edits.save_source(db_copy, fields)
    edits.save_source(db_copy, fields)
    with open_store(db_copy) as store:
        assert [c.action for c in read_history(store.conn)] == ["add"]

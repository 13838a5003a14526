"""An import keeps the full-text index by the schema's own triggers, in batches: the
schema is left exactly as it was, and every imported event and quote is found by search."""

from __future__ import annotations

import sqlite3

from cspo_viewer.cli import main
from cspo_viewer.data import edits
from cspo_viewer.data.event_record import load_record
from cspo_viewer.data.filters import build_filter
from cspo_viewer.data.history import read_history
from cspo_viewer.data.interchange import ImportOptions, import_file
from cspo_viewer.data.store import open_store
from tests.interchange_support import big_csv, dump_text, fresh_db


def schema_rows(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
        ).fetchall()
    finally:
        conn.close()


def fts_check(db) -> None:
    """FTS5's own check that each index holds exactly what its content table holds."""
    conn = sqlite3.connect(db)
    try:
        for table in ("events_fts", "quotes_fts"):
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_an_import_of_many_batches_leaves_the_schema_and_a_sound_index(tmp_path, capsys):
    db = fresh_db(tmp_path)
    before = schema_rows(db)
    source = big_csv(tmp_path / "big.csv", 1_200, summary="orbital debris mitigation")
    assert main(["import", str(source), "--db", str(db)]) == 0
    assert schema_rows(db) == before
    fts_check(db)
    with open_store(db) as store:
        found = store.event_ids(build_filter(store.vocabulary, text="debris mitigation"))
        assert len(found) == 1_200
        numbered = store.event_ids(build_filter(store.vocabulary, text='"Event number 1199"'))
        assert len(numbered) == 1


def test_imported_quotes_are_found_by_their_words_and_speakers(tmp_path, db_copy, capsys):
    """The bundled record dumped and imported into a new database: every quote is found
    by search as in the bundled one."""
    dumped = tmp_path / "all.json"
    dumped.write_text(dump_text(db_copy), encoding="utf-8")
    db = fresh_db(tmp_path)
    assert main(["import", str(dumped), "--db", str(db)]) == 0
    fts_check(db)
    for word in ("space", "debris", "Raymond", '"outer space"', "responsible"):
        with open_store(db_copy) as bundled, open_store(db) as imported:
            want = bundled.event_ids(build_filter(bundled.vocabulary, text=word))
            got = imported.event_ids(build_filter(imported.vocabulary, text=word))
        assert got == want and want, word


def test_a_replacing_import_records_what_was_stored_and_undoes_to_it(tmp_path, db_copy):
    """The stored events are read once, for the comparison and for the history's
    "before": undoing the import gives back the database's events exactly."""
    event_id = "2019-04-10-seven-nation-statement"
    with open_store(db_copy) as store:
        stored = load_record(store.conn, event_id)
    original = dump_text(db_copy)
    edited = tmp_path / "edited.json"
    edited.write_text(original.replace("Seven-nation", "Seven nation"), encoding="utf-8")
    report = import_file(db_copy, edited, ImportOptions(on_conflict="replace"))
    assert report.written and report.changed >= 1 and report.added == 0
    with open_store(db_copy) as store:
        [change] = [c for c in read_history(store.conn) if c.event_id == event_id]
    assert change.before == stored and change.after != stored
    edit = edits.import_edit(db_copy, edits.last_import_step(db_copy))
    edits.apply_edit(db_copy, edit.inverse(), action="undo")
    assert dump_text(db_copy) == original

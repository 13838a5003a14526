"""TimelineJS eras are imported as eras and dumped back (issue 20, item 6), tested on
Knight Lab's own template (TimelineJS3 src/template/eras.json, kept as a fixture)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cspo_viewer.cli import main
from cspo_viewer.data.annotations import Annotation, add_annotation, list_annotations
from cspo_viewer.data.interchange import import_file
from cspo_viewer.data.store import open_store
from tests.conftest import sha256
from tests.interchange_support import dump_text, fresh_db
from tests.paths import FIXTURES

ERAS_JSON = FIXTURES / "timelinejs" / "eras.json"


def eras(db: Path) -> list[tuple]:
    with open_store(db) as store:
        return [(a.kind, a.title, a.date, a.end_date, a.colour) for a in list_annotations(store)]


def test_knight_labs_eras_template_imports_its_eras_and_events(tmp_path):
    db = fresh_db(tmp_path)
    report = import_file(db, ERAS_JSON)
    assert report.written and report.added == 20 and report.eras_added == 3
    assert any("3 era(s) in the file, 3 added" in n for n in report.notes)
    assert eras(db) == [
        ("era", "Era Test 600-650", "0600", "0650", None),
        ("era", "Era Test 650-700", "0650", "0700", None),
        ("era", "Era Test 700-720", "0700", "0720", None),
    ]
    again = import_file(db, ERAS_JSON)  # re-importing adds nothing
    assert (again.eras_added, again.added, again.written) == (0, 0, False)
    assert len(eras(db)) == 3


def test_a_dry_run_counts_the_eras_and_writes_nothing(tmp_path):
    db = fresh_db(tmp_path)
    before = sha256(db)
    report = import_file(db, ERAS_JSON, _dry_run())
    assert report.eras_added == 3 and not report.written
    assert sha256(db) == before


def _dry_run():
    from cspo_viewer.data.interchange import ImportOptions

    return ImportOptions(dry_run=True)


def test_eras_are_dumped_back_as_timelinejs_reads_them_and_round_trip(tmp_path):
    db = fresh_db(tmp_path)
    import_file(db, ERAS_JSON)
    add_annotation(db, Annotation("era", "Red years", "2014-02", "2015-12-31", colour="#c0504d"))
    add_annotation(db, Annotation("note", "A note is no era", "2016"))
    dumped = json.loads(dump_text(db, "timelinejs"))
    original = json.loads(ERAS_JSON.read_text(encoding="utf-8"))["eras"]
    by_title = {e["text"]["headline"]: e for e in dumped["eras"]}
    assert set(by_title) == {e["text"]["headline"] for e in original} | {"Red years"}
    for era in original:
        mine = by_title[era["text"]["headline"]]
        assert mine["start_date"] == era["start_date"] and mine["end_date"] == era["end_date"]
    assert by_title["Red years"]["start_date"] == {"year": "2014", "month": "2"}
    assert by_title["Red years"]["end_date"] == {"year": "2015", "month": "12", "day": "31"}
    out = tmp_path / "dump.json"
    out.write_text(json.dumps(dumped), encoding="utf-8")
    copy = fresh_db(tmp_path, "copy.db")
    import_file(copy, out)
    assert eras(copy) == [e for e in eras(db) if e[0] == "era"]


def test_a_bad_era_refuses_the_file_in_one_sentence(tmp_path, capsys):
    data = json.loads(ERAS_JSON.read_text(encoding="utf-8"))
    del data["eras"][1]["end_date"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    db = fresh_db(tmp_path)
    before = sha256(db)
    code = main(["import", str(path), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2
    assert "eras[1].end_date: missing; an era needs an end date" in err
    assert sha256(db) == before


def test_the_sheets_template_carries_eras_both_ways(tmp_path):
    """Era rows of Knight Lab's Google Sheets template are eras, and the Sheets dump
    writes the record's eras as such rows (their colour has no column)."""
    db = fresh_db(tmp_path)
    import_file(db, ERAS_JSON)
    text = dump_text(db, "timelinejs-csv")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["Type"] == "era"]
    assert [(r["Year"], r["End Year"], r["Headline"]) for r in rows] == [
        ("600", "650", "Era Test 600-650"),
        ("650", "700", "Era Test 650-700"),
        ("700", "720", "Era Test 700-720"),
    ]
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text, encoding="utf-8")
    copy = fresh_db(tmp_path, "copy.db")
    report = import_file(copy, sheet)
    assert report.eras_added == 3 and report.added == 20
    assert eras(copy) == eras(db)


def test_a_sheet_era_row_without_an_end_is_refused_naming_its_row(tmp_path, capsys):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Year,Month,Day,End Year,Headline,Text,Type\n"
        "2014,,,,The founding years,,era\n"
        "2014,9,22,,Memorandum,Signed,\n",
        encoding="utf-8",
    )
    db = fresh_db(tmp_path)
    before = sha256(db)
    assert main(["import", str(sheet), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "an era needs an end date" in err
    assert sha256(db) == before

"""TimelineJS's Google Sheets template as CSV, both ways, and TimelineJS dumps that cite."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cspo_viewer.cli import main
from cspo_viewer.data.annotations import list_annotations
from cspo_viewer.data.interchange import detect_format, import_file
from cspo_viewer.data.interchange.model import ImportOptions
from cspo_viewer.data.interchange.sheets import DUMP_COLUMNS, SHEET_COLUMNS
from cspo_viewer.data.store import open_store
from tests.interchange_support import FIXTURES, dump_text, fresh_db, records

TEMPLATE = FIXTURES / "timelinejs" / "sheets_template.csv"
REORDERED = FIXTURES / "timelinejs" / "sheets_reordered.csv"
MOU = "2014-09-22-mou-signed-ottawa"


def by_title(db: Path) -> dict[str, dict]:
    return {r["title"]: r for r in records(db)}


def test_the_template_is_recognised_by_its_header():
    assert detect_format(TEMPLATE) == "timelinejs-csv"
    assert detect_format(REORDERED) == "timelinejs-csv"
    header = next(csv.reader(TEMPLATE.open(encoding="utf-8")))
    assert tuple(header) == SHEET_COLUMNS  # the fixture is Knight Lab's template


def test_template_rows_import_as_events_cited_by_the_title(tmp_path, capsys):
    db = fresh_db(tmp_path)
    assert main(["import", str(TEMPLATE), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "sheets_template.csv (timelinejs-csv): 4 added" in out
    # Its era row is an era now (issue 20, item 6), no longer skipped.
    assert "1 era(s) in the file, 1 added" in out
    with open_store(db) as store:
        [era] = list_annotations(store)
    assert (era.kind, era.title, era.date, era.end_date) == (
        "era",
        "The founding years",
        "2014",
        "2016",
    )
    assert "media" in out and "times of day dropped from 1 date(s)" in out
    events = by_title(db)
    assert set(events) == {
        "Memorandum signed in Ottawa",
        "France and Germany observe",
        "Seven-nation statement",
        "Vision 2031 published",
    }
    mou = events["Memorandum signed in Ottawa"]
    assert (mou["date"], mou["date_precision"], mou["kind"]) == ("2014-09-22", "day", "founding")
    assert mou["summary"] == "Four nations sign the memorandum; see here (https://example.org/mou)."
    [source] = mou["sources"]
    assert source["title"] == "Space partners: a working timeline"
    assert source["document"] == "sheets_template.csv"
    observers = events["France and Germany observe"]
    assert (observers["date"], observers["date_precision"]) == ("2016-01-01", "year")
    assert observers["summary"] == "Both nations attend as observers.\n\nDate as given: Early 2016"
    statement = events["Seven-nation statement"]
    assert (statement["date"], statement["end_date"]) == ("2019-04-10", "2019-04-11")
    assert statement["summary"] == "Seven nations publish a statement.\n\nSecond paragraph."
    vision = events["Vision 2031 published"]
    assert (vision["date"], vision["date_precision"], vision["summary"]) == (
        "2022-02-01",
        "month",
        None,
    )


def test_any_column_order_any_case_optional_columns_absent(tmp_path):
    db = fresh_db(tmp_path)
    report = import_file(db, REORDERED)
    assert report.added == 2, [str(p) for p in report.problems]
    events = by_title(db)
    assert events["Tabletop exercise"]["kind"] == "exercise"
    assert events["Tabletop exercise"]["summary"] == "A tabletop exercise"
    assert events["Principals meet"]["date"] == "2023-12-05"


def test_groups_map_as_for_timelinejs_json(tmp_path):
    sheet = tmp_path / "groups.csv"
    sheet.write_text("Year,Headline,Group\n2020,Launch day,Launches\n", encoding="utf-8")
    db = fresh_db(tmp_path)
    report = import_file(db, sheet, ImportOptions(map_group="theme"))
    assert report.added == 1 and report.new_themes
    [event] = records(db)
    assert event["kind"] == "other" and len(event["themes"]) == 1


def test_a_bad_date_names_the_row_and_column(tmp_path):
    sheet = tmp_path / "bad.csv"
    sheet.write_text("Year,Month,Headline\n2020,13,Bad month\n", encoding="utf-8")
    report = import_file(fresh_db(tmp_path), sheet)
    assert not report.ok
    assert [str(p) for p in report.problems] == ["row 2, column Month: 13 is not a month (1–12)"]


def test_dump_writes_the_template_and_reimporting_adds_nothing(tmp_path, db_copy):
    text = dump_text(db_copy, "timelinejs-csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == DUMP_COLUMNS and tuple(rows[0][: len(SHEET_COLUMNS)]) == SHEET_COLUMNS
    assert rows[1][DUMP_COLUMNS.index("Type")] == "title"
    assert len(rows) == 2 + 31
    exported = tmp_path / "sheet.csv"
    exported.write_text(text, encoding="utf-8", newline="")
    report = import_file(db_copy, exported)
    assert report.ok and report.added == 0 and not report.written
    # into a fresh database: the same ids, dates, titles, kinds and summaries
    rebuilt = fresh_db(tmp_path)
    assert import_file(rebuilt, exported).added == 31
    want = {
        (
            r["id"],
            r["date"],
            r["date_precision"],
            r["end_date"],
            r["title"],
            r["kind"],
            r["summary"],
        )
        for r in records(db_copy)
    }
    got = {
        (
            r["id"],
            r["date"],
            r["date_precision"],
            r["end_date"],
            r["title"],
            r["kind"],
            r["summary"],
        )
        for r in records(rebuilt)
    }
    assert got == want
    # and dumping the rebuilt database gives the same dates, headlines and groups again
    again = list(csv.reader(io.StringIO(dump_text(rebuilt, "timelinejs-csv"))))
    keep = [DUMP_COLUMNS.index(c) for c in ("Year", "Month", "Day", "Headline", "Group")]
    assert [[r[i] for i in keep] for r in again[2:]] == [[r[i] for i in keep] for r in rows[2:]]


def test_the_dump_cites_and_loads_as_the_template(tmp_path, capsys, store):
    out = tmp_path / "sheet.csv"
    assert main(["dump", "--format", "timelinejs-csv", "--out", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"Year,Month,Day,")  # no byte-order mark: TimelineJS reads names
    rows = {r["Unique ID"]: r for r in csv.DictReader(io.StringIO(raw.decode("utf-8")))}
    mou = rows[MOU]
    assert (mou["Year"], mou["Month"], mou["Day"], mou["Group"]) == ("2014", "9", "22", "Founding")
    detail = store.event_detail(MOU)
    assert '<p class="cspo-citation">Nations: Australia, Canada' in mou["Text"]
    assert f"[{len(detail.sources)}] " in mou["Text"]
    year_only = rows["2011-01-01-precursor-space-cooperation-forum"]
    assert (year_only["Year"], year_only["Month"], year_only["Day"]) == ("2011", "", "")
    assert main(["dump", "--format", "timelinejs-csv", "--out", str(out)]) == 2  # no --force

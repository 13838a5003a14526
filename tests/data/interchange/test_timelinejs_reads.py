"""Import what TimelineJS reads, refuse the rest with exit 2 (issue 22, item 10): its first
Sheets template's Start Date and End Date columns, slides without a headline, and a clear
refusal of JSON that is not {"events": [...]}."""

from __future__ import annotations

import json

import pytest

from cspo_viewer.cli import main
from cspo_viewer.data.interchange import import_file
from tests.interchange_support import fresh_db, records

SHEET = (
    "Start Date,End Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Tag\n"
    "2014-09-22,2014-09-23,Founding,Signed in Ottawa,,,,,,\n"
    "10/12/2015,,Wellington,Month/day/year as TimelineJS reads it,,,,,,\n"
    "7/2015,,New Zealand joins,Month/year,,,,,,\n"
    "2016,,Observers,A year alone,,,,,,\n"
    "2017-05-01 10:30,,With a time,,,,,,\n"
)


def test_a_sheet_with_start_and_end_date_columns_imports(tmp_path):
    path = tmp_path / "v1.csv"
    path.write_text(SHEET, encoding="utf-8")
    db = fresh_db(tmp_path)
    report = import_file(db, path)
    assert report.format == "timelinejs-csv" and report.written and report.added == 5
    got = {r["title"]: (r["date"], r["date_precision"], r["end_date"]) for r in records(db)}
    assert got == {
        "Founding": ("2014-09-22", "day", "2014-09-23"),
        "Wellington": ("2015-10-12", "day", None),
        "New Zealand joins": ("2015-07-01", "month", None),
        "Observers": ("2016-01-01", "year", None),
        "With a time": ("2017-05-01", "day", None),
    }
    assert any("times of day dropped from 1" in n for n in report.notes)


def test_a_start_date_that_is_no_date_is_named_by_its_column(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("Start Date,Headline\nsoon,Later\n", encoding="utf-8")
    db = fresh_db(tmp_path)
    assert main(["import", str(path), "--db", str(db)]) == 2
    assert "row 2, column Start Date: 'soon' is not a number" in capsys.readouterr().err


def test_slides_without_a_headline_are_titled_from_their_text(tmp_path):
    """As in Knight Lab's own Mark Twain example: a first slide with text only, and
    slides with an empty headline and text (media only)."""
    doc = {
        "title": {"text": {"headline": "Twain"}},
        "events": [
            {
                "start_date": {"year": "1835", "month": "11", "day": "30"},
                "text": {"text": "<p>Samuel Clemens was born in Florida, Missouri. He wrote.</p>"},
            },
            {"start_date": {"year": "1900"}, "text": {"headline": "", "text": ""}},
            {"start_date": {"year": "1910"}, "text": {"headline": "Died"}},
        ],
    }
    path = tmp_path / "twain.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    db = fresh_db(tmp_path)
    report = import_file(db, path)
    assert report.written and report.added == 3
    titles = [r["title"] for r in records(db)]
    assert titles == ["Samuel Clemens was born in Florida, Missouri.", "Untitled slide", "Died"]
    assert any("2 slide(s) without a headline" in n for n in report.notes)


@pytest.mark.parametrize(
    ("document", "said"),
    [
        (
            {"timeline": {"slides": [{"start_date": {"year": "1888"}, "text": {"headline": "W"}}]}},
            'holds {"timeline": {"slides": ...}}, which TimelineJS does not read',
        ),
        (
            {"slides": [{"start_date": {"year": "1888"}, "unique_id": "a"}]},
            'holds no "events" list, which is what TimelineJS reads',
        ),
        (
            [{"start_date": {"year": "1888"}, "text": {"headline": "A bare list"}}],
            "is a list of slides, which TimelineJS does not read",
        ),
    ],
)
def test_json_timelinejs_does_not_read_is_refused_with_exit_2(tmp_path, capsys, document, said):
    path = tmp_path / "welcome.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    db = fresh_db(tmp_path)
    before = db.read_bytes()
    assert main(["import", str(path), "--db", str(db)]) == 2
    assert said in capsys.readouterr().err
    assert db.read_bytes() == before

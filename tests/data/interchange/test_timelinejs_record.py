"""A TimelineJS dump carries the whole record (issue 22, item 9): importing it into a new
database gives back exactly the same events, while each slide stays what TimelineJS shows."""

from __future__ import annotations

import json

import pytest

from cspo_viewer.cli import main
from cspo_viewer.data.interchange import import_file
from cspo_viewer.data.interchange.timelinejs import RECORD_KEY
from tests.interchange_support import dump_text, fresh_db, records


def test_a_timelinejs_round_trip_gives_back_the_same_events(tmp_path, bundled_db):
    exported = tmp_path / "timeline.json"
    exported.write_text(dump_text(bundled_db, "timelinejs"), encoding="utf-8")
    rebuilt = fresh_db(tmp_path)
    assert import_file(rebuilt, exported).added == 31
    assert records(rebuilt) == records(bundled_db)  # nations, themes, sources, quotes, ...


def test_list_json_is_equal_after_the_round_trip(tmp_path, bundled_db, capsys):
    exported = tmp_path / "timeline.json"
    assert main(["dump", "--format", "timelinejs", "--out", str(exported)]) == 0
    rebuilt = fresh_db(tmp_path)
    assert main(["import", str(exported), "--db", str(rebuilt)]) == 0
    capsys.readouterr()
    assert main(["list", "--json"]) == 0
    before = capsys.readouterr().out
    assert main(["list", "--json", "--db", str(rebuilt)]) == 0
    assert capsys.readouterr().out == before


def test_the_slide_shows_what_timelinejs_shows_and_keeps_the_rest_aside(bundled_db):
    [slide] = [
        s
        for s in json.loads(dump_text(bundled_db, "timelinejs"))["events"]
        if s["unique_id"] == "2024-12-06-florence-joint-statement"
    ]
    assert slide["text"]["headline"].startswith("Joint Statement from the CSpO")
    record = slide[RECORD_KEY]
    assert record["statement_text"].startswith("The Combined Space Operations (CSpO)")
    assert record["themes"] and record["quotes"] and record["uncertainty"]
    assert record["location"] == "Florence, Italy" and record["confidence"] == "high"


def test_the_sheets_dump_says_in_help_what_it_cannot_carry(capsys):
    with pytest.raises(SystemExit):
        main(["dump", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "timelinejs-csv, Knight Lab's Sheets template" in out
    for lost in ("nations", "themes", "quotes", "statement text", "location", "uncertainty"):
        assert lost in out.split("timelinejs-csv, Knight Lab's Sheets template")[1], lost

"""Text that is not valid UTF-8 in one row leaves out that row, not the whole command
(issue 22, item 5): SQLite's quick check passes such a file, other tools write it."""

from __future__ import annotations

import json
import sqlite3

import pytest

from cspo_viewer.cli import main

BAD = "2015-10-12-wellington-meeting"


@pytest.fixture
def flipped(db_copy):
    with sqlite3.connect(db_copy) as conn:
        conn.execute("UPDATE events SET summary = CAST(X'48C328' AS TEXT) WHERE id = ?", [BAD])
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    return db_copy


def test_list_json_skips_the_row_with_the_usual_note(flipped, capsys):
    assert main(["list", "--json", "--db", str(flipped)]) == 0
    out, err = capsys.readouterr()
    ids = [e["id"] for e in json.loads(out)]
    assert len(ids) == 30 and BAD not in ids
    assert f"event {BAD} (its summary is bytes that are not valid UTF-8, not text)" in err


@pytest.mark.parametrize("fmt", ["json", "csv", "timelinejs"])
def test_dump_skips_the_row_with_the_usual_note(flipped, capsys, fmt):
    assert main(["dump", "--format", fmt, "--db", str(flipped)]) == 0
    out, err = capsys.readouterr()
    assert "Wellington meeting" not in out and "Florence" in out
    assert f"event {BAD}" in err and "not valid UTF-8" in err


def test_the_deck_leaves_out_only_that_event(qapp, flipped, tmp_path, capsys):
    from pptx import Presentation

    deck = tmp_path / "d.pptx"
    assert main(["export", "--db", str(flipped), "--out", str(deck), "--event-slides"]) == 0
    err = capsys.readouterr().err
    assert f"event {BAD}" in err and "not valid UTF-8" in err
    titles = [
        shape.text_frame.text
        for slide in Presentation(str(deck)).slides
        for shape in slide.shapes
        if shape.has_text_frame and shape.name == "Title"
    ]
    assert "New Zealand hosts CSpO meeting in Wellington" not in titles
    assert "Italy signs accession to CSpO" in titles


def test_its_detail_is_left_out_with_the_reason(flipped):
    from cspo_viewer.data.store import open_store

    with open_store(flipped) as store:
        assert store.event_detail(BAD) is None
        assert "not valid UTF-8" in store.skipped[f"event {BAD}"]
        assert store.event_detail("2023-12-07-italy-joins") is not None

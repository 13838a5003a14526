"""Bidirectional controls in data are drawn visibly, never obeyed (issue 22, item 8): a
title holding U+202E must not read "exe.png edirrevo LTR" anywhere text from the data is
drawn (list, timeline, detail pane, exports, deck), and db check names the event."""

from __future__ import annotations

import json
import sqlite3

import pytest
from pptx import Presentation
from PySide6.QtCore import Qt

from cspo_viewer.cli import main
from cspo_viewer.data.usable import clean_text

EVENT = "2015-10-12-wellington-meeting"
TITLE = "RTL override \u202egnp.exe"
SHOWN = "RTL override [U+202E]gnp.exe"
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def bidi_db(db_copy):
    with sqlite3.connect(db_copy) as conn:
        conn.execute(
            "UPDATE events SET title = ?, short_title = ?, summary = summary || ' \u2067x\u2069'"
            " WHERE id = ?",
            [TITLE, "Short \u202dx", EVENT],
        )
    return db_copy


def no_controls(text: str) -> bool:
    return not any(c in text for c in CONTROLS)


def test_the_one_rule_shows_each_control_by_its_code_point():
    assert clean_text(TITLE) == SHOWN
    assert clean_text("".join(CONTROLS)) == "".join(f"[U+{ord(c):04X}]" for c in CONTROLS)
    assert clean_text("plain, and an Arabic \u0627\u0644") == "plain, and an Arabic \u0627\u0644"


@pytest.fixture
def window(open_window, bidi_db):
    return open_window(bidi_db, size=(1500, 950), settings=None)


def test_window_draws_the_controls_visibly(window, qtbot):
    event_list = window.event_list
    row = event_list.row_of(EVENT)
    index = event_list.model.index(row, 1)
    assert index.data() == SHOWN
    event_list.view.scrollTo(index)
    qtbot.mouseClick(
        event_list.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=event_list.view.visualRect(index).center(),
    )
    assert window.controller.selected == EVENT
    pane = window.detail.plain_text()
    assert SHOWN in pane and "[U+2067]x[U+2069]" in pane and no_controls(pane)
    table = window.controller.table
    label = str(table.labels[table.index_of(EVENT)])
    assert label == "Short [U+202D]x" and no_controls(label)


def test_exports_and_deck_draw_the_controls_visibly(qapp, tmp_path, bidi_db, capsys):
    svg = tmp_path / "t.svg"
    args = ["--db", str(bidi_db), "--width", "1920", "--height", "1080"]
    assert main(["export", "--out", str(svg), *args, "--label", EVENT]) == 0
    text = svg.read_text(encoding="utf-8")
    assert "[U+202D]" in text and no_controls(text)
    deck = tmp_path / "d.pptx"
    assert main(["export", "--out", str(deck), "--db", str(bidi_db), "--event-slides"]) == 0
    slides = [
        "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        for slide in Presentation(str(deck)).slides
    ]
    slide = next(s for s in slides if "gnp.exe" in s)  # its first slide ("(cont.)" may follow)
    assert SHOWN in slide and no_controls("\n".join(slides))
    capsys.readouterr()


def test_db_check_names_the_events_that_hold_them(bidi_db, capsys):
    assert main(["db", "check", "--db", str(bidi_db)]) == 1
    out = capsys.readouterr().out
    assert f"event {EVENT}: bidirectional control characters in its title (U+202E)" in out
    assert "its short title (U+202D)" in out and "its summary (U+2067, U+2069)" in out


def test_list_on_a_terminal_shows_the_controls_and_json_keeps_the_text(bidi_db, capsys):
    assert main(["list", "--db", str(bidi_db)]) == 0
    out = capsys.readouterr().out
    assert SHOWN in out and no_controls(out)
    assert main(["list", "--json", "--db", str(bidi_db)]) == 0
    [event] = [e for e in json.loads(capsys.readouterr().out) if e["id"] == EVENT]
    assert event["title"] == TITLE  # data passed on exactly

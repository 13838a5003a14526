"""Comparing two events' statements: sentences, word differences, sets, and the CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from cspo_viewer.cli import main
from cspo_viewer.data.compare import (
    NEAR_IDENTICAL,
    compare_events,
    compare_sets,
    compare_texts,
    plain_diff,
    split_sentences,
)

SEVEN = "2019-04-10-seven-nation-statement"
FLORENCE = "2024-12-06-florence-joint-statement"
BOARD = "2024-12-03-florence-principals-board"

TEXT_A = (
    "The Principals met in Ottawa on Dec. 5, 2019. They discussed the U.S. Space Command "
    "and its role.\n\n"
    "1. Space is vital to our security.\n"
    "2. We will share data among all partner nations.\n\n"
    "An old sentence that only the first statement has."
)
TEXT_B = (
    "The principals met in Ottawa on Dec. 5, 2019.  They discussed the U.S. Space Command "
    "and its role.\n\n"
    "1. Space is vital to our collective security and prosperity.\n"
    "3. We will share data among all partner nations.\n\n"
    "A new paragraph that the second statement adds."
)


def add_two_statements(db):
    """Statement texts on the 2019 statement (``TEXT_A``) and the Florence one (``TEXT_B``)."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE events SET statement_text = ? WHERE id = ?", [TEXT_A, SEVEN])
        conn.execute("UPDATE events SET statement_text = ? WHERE id = ?", [TEXT_B, FLORENCE])
    return db


@pytest.fixture
def two_statements(db_copy):
    """The bundled data with statement texts on the 2019 statement and the Florence one."""
    return add_two_statements(db_copy)


# --- sentences --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Space Command met on Dec. 5, 2024 in Colorado. Gen. Dickinson spoke.",
            ["The U.S. Space Command met on Dec. 5, 2024 in Colorado.", "Gen. Dickinson spoke."],
        ),
        (
            "1. The Principals agreed. 2. They met again.\n3. A third item",
            ["1. The Principals agreed.", "2. They met again.", "3. A third item"],
        ),
        (
            "Priorities:\n- first point\n- second point.\n\nNext paragraph, e.g. this; cf. that.",
            [
                "Priorities:",
                "- first point",
                "- second point.",
                "Next paragraph, e.g. this; cf. that.",
            ],
        ),
        (
            "He said “Stop.” Then he left! Really? Yes… fine. The UK MOD. It met in Dec. The end",
            [
                "He said “Stop.”",
                "Then he left!",
                "Really?",
                "Yes… fine.",
                "The UK MOD.",
                "It met in Dec.",
                "The end",
            ],
        ),
        (
            "See para. 4 and No. 3 of the annex. Done.",
            ["See para. 4 and No. 3 of the annex.", "Done."],
        ),
        ("a) one thing.\nb) another thing.", ["a) one thing.", "b) another thing."]),
        ("", []),
        (None, []),
    ],
)
def test_sentences_survive_abbreviations_and_lists(text, expected):
    assert split_sentences(text) == expected


def test_real_statement_splits_into_its_sentences(store):
    text = store.event_detail(FLORENCE).statement_text
    sentences = split_sentences(text)
    assert len(sentences) == 17
    assert sentences[0].startswith("The Combined Space Operations (CSpO) Initiative")
    assert sentences[0].endswith("in Florence, Italy.")
    assert all(s[-1] in ".;" for s in sentences)


# --- texts ------------------------------------------------------------------------------
def test_shared_changed_and_one_sided_sentences():
    c = compare_texts(TEXT_A, TEXT_B)
    # Case, spacing and a list number do not make a sentence different.
    assert c.shared == [
        "The Principals met in Ottawa on Dec. 5, 2019.",
        "They discussed the U.S. Space Command and its role.",
        "2. We will share data among all partner nations.",
    ]
    assert c.only_a == ["An old sentence that only the first statement has."]
    assert c.only_b == ["A new paragraph that the second statement adds."]
    (pair,) = c.changed
    assert pair.a == "1. Space is vital to our security."
    assert pair.b == "1. Space is vital to our collective security and prosperity."
    assert pair.similarity >= NEAR_IDENTICAL
    assert pair.words("only_b") == ["collective", "and prosperity"]
    assert pair.words("only_a") == []
    assert plain_diff(pair, "[-{}-]".format, "{{+{}+}}".format) == (
        "1. Space is vital to our {+collective+} security {+and prosperity+}."
    )
    # Each side keeps its reading order and knows its partner.
    assert [s.status for s in c.a] == ["shared", "shared", "changed", "shared", "only"]
    assert [s.status for s in c.b] == ["shared", "shared", "changed", "shared", "only"]
    assert c.a[2].partner == 2 and c.b[3].partner == 3
    marked = [p.text for p in c.b[2].pieces if p.differs]
    assert marked == ["collective", "and prosperity"]
    assert "".join(p.text for p in c.b[2].pieces) == pair.b


def test_replaced_words_are_marked_on_both_sides():
    c = compare_texts(
        "We recognise the strategic importance of the space domain to our defence.",
        "We recognize the strategic importance of the space domain to our defense.",
    )
    (pair,) = c.changed
    assert pair.words("only_a") == ["recognise", "defence"]
    assert pair.words("only_b") == ["recognize", "defense"]
    assert plain_diff(pair, "[-{}-]".format, "{{+{}+}}".format) == (
        "We [-recognise-]{+recognize+} the strategic importance of the space domain to our "
        "[-defence-]{+defense+}."
    )


def test_different_sentences_with_stock_phrases_are_not_paired():
    c = compare_texts(
        "The CSpO Initiative works in and through space with all partner nations.",
        "The Principals discussed debris, and the CSpO Initiative welcomed Japan.",
    )
    assert c.changed == ()
    assert len(c.only_a) == 1 and len(c.only_b) == 1


def test_repeated_sentence_is_shared_once_per_copy():
    c = compare_texts("Yes. Yes. No.", "Yes. Maybe so.")
    assert c.shared == ["Yes."]
    assert c.only_a == ["Yes.", "No."]


def test_sets_keep_each_side_order():
    s = compare_sets(["AUS", "CAN", "FRA"], ["USA", "CAN", "ITA"])
    assert (s.only_a, s.only_b, s.shared) == (("AUS", "FRA"), ("USA", "ITA"), ("CAN",))


def test_events_without_statement_compare_summaries_and_say_so(store):
    c = compare_events(store.event_detail(BOARD), store.event_detail(FLORENCE))
    assert c.basis == "summary"
    assert c.note.startswith(f"{BOARD} has no statement text")
    assert "summaries" in c.note and "quotes" in c.note
    assert c.text.only_a and c.text.only_b
    assert c.quotes.only_a and c.quotes.only_b


def test_huge_hostile_text_is_compared_in_bounded_time():
    """A book-length "statement" does not compare every sentence with every other."""
    many = " ".join(f"Sentence number {i} says thing {i}." for i in range(3_000))
    c = compare_texts(many, many.replace("thing", "item"))
    assert c.pairing_limited
    assert 0 < len(c.changed) <= 200
    assert len(c.shared) + len(c.changed) + len(c.only_a) == 3_000


# --- CLI --------------------------------------------------------------------------------
def test_cli_json_has_the_promised_keys(capsys, two_statements):
    assert main(["compare", SEVEN, FLORENCE, "--db", str(two_statements), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("a", "b", "only_a", "only_b", "shared", "changed", "themes", "nations"):
        assert key in out
    assert out["a"]["id"] == SEVEN and out["b"]["id"] == FLORENCE
    assert out["a"]["date"] == "2019-04-10" and out["b"]["title"].startswith("Joint Statement")
    assert out["compared"] == "statement_text"
    assert out["only_a"] == ["An old sentence that only the first statement has."]
    assert len(out["shared"]) == 3
    (changed,) = out["changed"]
    assert changed["only_b_words"] == ["collective", "and prosperity"]
    assert {"op": "only_b", "text": "collective"} in changed["diff"]
    assert out["nations"]["only_b"] == ["ITA", "JPN", "NOR"]
    assert out["nations"]["only_a"] == []
    assert "USA" in out["nations"]["shared"]
    assert "deterrence" in out["themes"]["only_a"]
    assert "debris-asat" in out["themes"]["only_b"]
    assert set(out["themes"]) == {"only_a", "only_b", "shared"}
    assert out["quotes"]["only_a"][0]["speaker"] == (
        "Air chiefs and senior space representatives of seven nations"
    )


def test_cli_plain_text_reads_as_a_comparison(capsys, two_statements):
    assert main(["compare", SEVEN, FLORENCE, "--db", str(two_statements)]) == 0
    out = capsys.readouterr().out
    assert "A  Seven-nation Multinational Statement for Combined Space Operations" in out
    assert "10 Apr 2019" in out and "6 Dec 2024" in out
    assert "Compared: the two statement texts" in out
    assert "only in B: Italy, Japan, Norway" in out
    assert "Shared sentences (3)" in out
    assert "~ 1. Space is vital to our {+collective+} security {+and prosperity+}." in out
    assert "- An old sentence that only the first statement has." in out
    assert "+ A new paragraph that the second statement adds." in out
    assert "“In part, CSpO collaboration includes" in out


def test_cli_unknown_id_is_one_sentence_and_exit_2(capsys, bundled_db):
    assert main(["compare", SEVEN, "no-such-event", "--db", str(bundled_db)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert err.startswith("cspo-viewer: error: No event with id 'no-such-event'")
    assert err.count("\n") == 0


def test_cli_bad_database_is_exit_2(capsys, tmp_path):
    bad = tmp_path / "not.db"
    bad.write_text("hello")
    assert main(["compare", SEVEN, FLORENCE, "--db", str(bad)]) == 2
    assert "is not an SQLite database" in capsys.readouterr().err


def test_cli_terminal_control_characters_are_not_printed(capsys, db_copy):
    with sqlite3.connect(db_copy) as conn:
        conn.execute("UPDATE events SET title = ? WHERE id = ?", ["Evil \x1b]0;pwned\x07", SEVEN])
    assert main(["compare", SEVEN, FLORENCE, "--db", str(db_copy)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "Evil" in out


def test_cli_runs_as_a_process(two_statements):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cspo_viewer",
            "compare",
            SEVEN,
            FLORENCE,
            "--db",
            str(two_statements),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["b"]["id"] == FLORENCE


def test_megabyte_text_is_clipped_and_the_note_says_so(store):
    from dataclasses import replace

    a, b = store.event_detail(SEVEN), store.event_detail(FLORENCE)
    huge = replace(a, statement_text=". " * 500_000 + "Never reached.")
    c = compare_events(huge, b)
    assert c.basis == "statement_text"
    assert c.text.clipped
    assert "Only the first 200,000 characters of each text are compared" in c.note
    assert "Never reached." not in c.text.only_a


def test_bundled_2019_and_2024_statements_compare_out_of_the_box(capsys):
    assert main(["compare", SEVEN, FLORENCE, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["compared"] == "statement_text"
    assert out["a"]["has_statement_text"] and out["b"]["has_statement_text"]
    assert any("Combined Space Operations" in s for s in out["only_a"] + out["shared"])
    assert any("Outer Space Treaty" in s for s in out["only_b"] + out["shared"])
    assert out["nations"]["only_b"] == ["ITA", "JPN", "NOR"]
    assert main(["compare", SEVEN, FLORENCE]) == 0
    assert "Compared: the two statement texts" in capsys.readouterr().out

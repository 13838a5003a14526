"""The briefing note and citation text, without Qt."""

from __future__ import annotations

import sqlite3

from cspo_viewer.data.briefing_note import briefing_note, citation
from cspo_viewer.data.store import open_store

FLORENCE = "2024-12-06-florence-joint-statement"
NZ = "2015-07-01-new-zealand-joins"


def test_note_has_title_date_summary_quotes_and_numbered_sources(store):
    d = store.event_detail(FLORENCE)
    note = briefing_note(d, store.vocabulary.nation_name)
    lines = note.text.splitlines()
    assert lines[0] == d.row.title
    assert lines[1] == "6 Dec 2024 · Florence, Italy"
    assert d.summary in note.text
    assert "Uncertainty: Only Germany's defence ministry" in note.text
    assert f"“{d.quotes[0].text}”" in note.text
    assert "— CSpO Initiative Principals, Joint statement of the Principals' Board [1]" in note.text
    sources = lines[lines.index("Sources") + 1 :]
    assert [s[:4] for s in sources] == ["[1] ", "[2] ", "[3] ", "[4] "]
    assert sources[1] == (
        "[2] UK Ministry of Defence, “International cooperation at the heart of space security”, "
        f"6 Dec 2024, {d.sources[1].url}"
    )
    # The HTML carries the same, structured, with links for http(s) addresses.
    assert note.html.startswith("<html>")
    assert "<ol><li>" in note.html and note.html.count("<li>") == 4
    assert f'<a href="{d.sources[1].url}">' in note.html
    assert "<blockquote>" in note.html


def test_note_states_the_date_precision(store):
    note = briefing_note(store.event_detail(NZ))
    assert note.text.splitlines()[1] == "Jul 2015 (month known)"
    assert "Jul 2015 (month known)" in note.html


def test_citation_is_one_line_of_all_sources(store):
    d = store.event_detail(FLORENCE)
    line = citation(d)
    assert "\n" not in line
    assert line.count("; ") == len(d.sources) - 1
    assert line.startswith("CSpO participants, published by the UK Ministry of Defence, “Joint")
    assert line.endswith(".")
    assert "German Federal Ministry of Defence (BMVg), “Gipfeltreffen" in line


def test_hostile_text_is_escaped_and_bad_links_are_not_links(db_copy):
    with sqlite3.connect(db_copy) as conn:
        conn.execute(
            "UPDATE events SET title = ?, summary = ? WHERE id = ?",
            ['<img src="http://x/y.png">Title\nsecond line', "<script>alert(1)</script>", NZ],
        )
        conn.execute(
            "UPDATE sources SET url = 'javascript:alert(1)' WHERE id IN"
            " (SELECT source_id FROM event_sources WHERE event_id = ?)",
            [NZ],
        )
    with open_store(db_copy) as s:
        d = s.event_detail(NZ)
    note = briefing_note(d)
    assert "<img" not in note.html and "<script>" not in note.html
    assert "&lt;img src=&quot;http://x/y.png&quot;&gt;Title second line" in note.html
    assert "href=" not in note.html
    assert "javascript:alert(1)" in note.html  # shown as text, not a link
    assert note.text.splitlines()[0] == '<img src="http://x/y.png">Title second line'
    assert "\n" not in citation(d)


def test_note_names_the_nations(store):
    """Issue 22: "Copy as briefing note" includes the nations, by name."""
    note = briefing_note(store.event_detail(NZ), store.vocabulary.nation_name)
    assert note.text.splitlines()[2] == "Nations: New Zealand"
    assert "<br>Nations: New Zealand</p>" in note.html

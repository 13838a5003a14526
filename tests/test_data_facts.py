"""The bundled database says what the sources say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspo_viewer import paths
from cspo_viewer.data.build import build_database
from cspo_viewer.data.check import check_store
from cspo_viewer.data.store import open_store

from .conftest import SHARED

MEMBERS = {
    "AUS": ("Australia", "2014-09-22", "day"),
    "CAN": ("Canada", "2014-09-22", "day"),
    "GBR": ("United Kingdom", "2014-09-22", "day"),
    "USA": ("United States", "2014-09-22", "day"),
    "NZL": ("New Zealand", "2015-07-01", "month"),
    "DEU": ("Germany", "2019-12-01", "month"),
    "FRA": ("France", "2020-02-11", "day"),
    "JPN": ("Japan", "2023-12-05", "day"),
    "ITA": ("Italy", "2023-12-07", "day"),
    "NOR": ("Norway", "2023-12-01", "month"),
}
FLORENCE = "2024-12-03-florence-principals-board"
JOINT_STATEMENT = "2024-12-06-florence-joint-statement"


def test_ten_members_with_join_dates(store):
    got = {n.code: (n.name, n.joined, n.joined_precision) for n in store.nations()}
    assert got == MEMBERS


def test_all_29_records_with_every_kind(store):
    assert store.total_events() == 29
    kinds = {row[0] for row in store.conn.execute("SELECT DISTINCT kind FROM events")}
    assert kinds == {
        "founding",
        "membership",
        "principals-meeting",
        "statement",
        "vision",
        "exercise",
        "related",
        "other",
    }


def test_florence_meeting_dates_and_statement(store):
    board = store.event_detail(FLORENCE)
    assert (board.row.date, board.row.end_date, board.row.date_precision) == (
        "2024-12-03",
        "2024-12-05",
        "day",
    )
    assert len(board.row.nations) == 10
    statement = store.event_detail(JOINT_STATEMENT)
    text = statement.statement_text
    assert text.startswith(
        "The Combined Space Operations (CSpO) Initiative Principals' Board "
        "met from December 3-5, 2024 in Florence, Italy."
    )
    assert "not to conduct destructive direct-ascent anti-satellite missile tests" in text
    assert text.rstrip().endswith(
        "in support of economic, scientific, commercial, and security interests."
    )


@pytest.mark.parametrize(
    ("event_id", "speaker", "fragment"),
    [
        (
            FLORENCE,
            "Richard Knighton",
            "It is crucial that we work alongside our allies, "
            "through partnerships like CSpO, to safeguard our interests in space.",
        ),
        (
            FLORENCE,
            "Avril Jolliffe",
            "No nation can do this alone – space is truly a global "
            "endeavour and CSpO is integral to how the UK is pursuing this.",
        ),
        (
            "2022-12-07-wellington-principals-board",
            "Robert Chipman",
            "Australia, our allies and international partners recognise that collaboration is "
            "a key element of our competitive advantage",
        ),
    ],
)
def test_quotes_verbatim_with_speaker(store, event_id, speaker, fragment):
    quotes = store.event_detail(event_id).quotes
    assert any(q.speaker == speaker and q.text == fragment for q in quotes)


def test_quotes_from_source_documents_are_verbatim(store):
    """Every quote whose source is one of the original documents appears in it word for word."""
    docs = SHARED / "sources"
    if not docs.is_dir():
        pytest.skip("the shared source documents are not beside this checkout")
    rows = store.conn.execute(
        "SELECT q.text, s.document FROM quotes q JOIN sources s ON s.id = q.source_id"
        " WHERE s.document IS NOT NULL"
    ).fetchall()
    assert len(rows) == 9  # 4 from the UK MOD story, 3 from Defence Connect, 2 statement
    for text, document in rows:
        source_text = " ".join((docs / document).read_text(encoding="utf-8").split())
        assert " ".join(text.split()) in source_text, (document, text)


def test_every_event_has_a_source_and_every_quote_a_speaker(store):
    assert (
        store.conn.execute(
            "SELECT COUNT(*) FROM events WHERE id NOT IN (SELECT event_id FROM event_sources)"
        ).fetchone()[0]
        == 0
    )
    assert (
        store.conn.execute(
            "SELECT COUNT(*) FROM quotes WHERE speaker = '' OR source_id IS NULL"
        ).fetchone()[0]
        == 0
    )


def test_every_event_tagged_with_known_themes(store):
    themes = {t.id for t in store.themes()}
    assert 8 <= len(themes) <= 12
    untagged = store.conn.execute(
        "SELECT COUNT(*) FROM events WHERE id NOT IN (SELECT event_id FROM event_themes)"
    ).fetchone()[0]
    assert untagged == 0


def test_known_uncertainties_are_attached(store):
    founding = store.event_detail("2014-09-22-mou-signed-ottawa")
    assert "23 September" in founding.uncertainty
    assert store.event_detail("2023-12-01-norway-joins").uncertainty


def test_related_events_are_olympic_defender_context(store):
    titles = [r[0] for r in store.conn.execute("SELECT title FROM events WHERE kind='related'")]
    assert len(titles) == 6
    assert all("Olympic Defender" in t for t in titles)


def test_db_check_finds_the_bundled_database_sound(store):
    assert check_store(store) == []


def test_shipped_database_matches_a_fresh_build(tmp_path: Path, bundled_db: Path):
    """db/cspo.db and db/src/ never drift: a fresh build has the same rows."""
    fresh = tmp_path / "fresh.db"
    build_database(paths.data_src_dir(), fresh)

    def content(path: Path) -> dict[str, list]:
        with open_store(path) as s:
            tables = [
                r[0]
                for r in s.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%_fts%'"
                    " ORDER BY name"
                )
            ]
            out = {
                t: s.conn.execute(f"SELECT * FROM [{t}] ORDER BY 1, 2").fetchall() for t in tables
            }
            out["schema"] = s.conn.execute(
                "SELECT type, name, sql FROM sqlite_master ORDER BY name"
            ).fetchall()
            out["version"] = s.schema_version
            return out

    assert content(fresh) == content(bundled_db)


def test_src_json_is_canonical():
    """The reviewable files stay in the canonical formatting, so diffs stay small."""
    for name in ("events.json", "nations.json", "themes.json", "sources.json"):
        path = paths.data_src_dir() / name
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n", name

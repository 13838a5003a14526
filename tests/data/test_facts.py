"""The bundled database says what the sources say."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from cspo_viewer import paths
from cspo_viewer.data.build import build_database
from cspo_viewer.data.check import check_store
from cspo_viewer.data.store import open_store
from tests.conftest import SHARED

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


def test_all_31_records_with_every_kind(store):
    assert store.total_events() == 31
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
            "Air Chief Marshal Sir Richard Knighton",
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
            "Air Marshal Robert Chipman",
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
    # 4 from the UK MOD story, 2 from Defence Connect, 2 from each statement (2024, 2019)
    assert len(rows) == 10
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
    assert len(titles) == 8
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


# The record as corrected against the primary documents (issue 13).

SEVEN_NATION = "2019-04-10-seven-nation-statement"
OOD_ANNOUNCED = "2019-04-01-ood-announced"
VISION = "2022-02-22-vision-2031-released"
BERLIN = "2023-12-05-berlin-principals-board"
JAPAN = "2023-12-05-japan-joins"
CAPE_CANAVERAL = "2021-12-01-cape-canaveral-principals-board"


def quote(store, quote_id: str):
    event_id = quote_id.rsplit("-q", 1)[0]
    [q] = [q for q in store.event_detail(event_id).quotes if q.id == quote_id]
    return q


def source_of(store, event_id: str, quote_id: str):
    detail = store.event_detail(event_id)
    [q] = [q for q in detail.quotes if q.id == quote_id]
    [s] = [s for s in detail.sources if s.id == q.source_id]
    return s


def shared_text(name: str) -> str:
    path = SHARED / "sources" / name
    if not path.is_file():
        pytest.skip("the shared source documents are not beside this checkout")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("quote_id", "speaker", "role"),
    [
        (
            f"{FLORENCE}-q1",
            "Air Chief Marshal Sir Richard Knighton",
            "Chief of the Air Staff, United Kingdom",
        ),
        (
            f"{FLORENCE}-q2",
            "Air Chief Marshal Sir Richard Knighton",
            "Chief of the Air Staff, United Kingdom",
        ),
        (
            "2014-09-22-mou-signed-ottawa-q3",
            "Brigadier-General Michel Lalumière",
            "Director General Space, Canadian Armed Forces",
        ),
        (
            "2014-09-22-mou-signed-ottawa-q1",
            "Admiral Cecil D. Haney",
            "US Navy, Commander, US Strategic Command",
        ),
        (
            "2022-12-07-wellington-principals-board-q2",
            "Air Marshal Robert Chipman",
            "Chief of Air Force and Space Domain Lead, Australia",
        ),
        (f"{VISION}-q1", "Air Vice-Marshal Harvey Smyth", "Director, UK MOD Space Directorate"),
        (f"{BERLIN}-q2", "General B. Chance Saltzman", "Chief of Space Operations, US Space Force"),
        (
            "2019-12-01-ood-first-coalition-tasking-order-q1",
            "Group Captain Darren Whiteley",
            "Royal Air Force, Deputy Director, Combined Space Operations Center",
        ),
    ],
)
def test_rank_and_honorific_stay_with_the_name(store, quote_id, speaker, role):
    """The source prints "The Chief of the Air Staff, Air Chief Marshal Sir Richard
    Knighton": the rank is part of how the person is named, the post is the role."""
    q = quote(store, quote_id)
    assert (q.speaker, q.role) == (speaker, role)


def test_roles_read_as_written_and_say_where_the_speaker_is_from(store):
    rows = store.conn.execute("SELECT id, speaker, role, nation_code FROM quotes").fetchall()
    assert len(rows) == 31
    ranks_in_roles = ("Air ", "General", "Admiral", "Brigadier", "Group Captain")
    for qid, speaker, role, _nation in rows:
        assert role and ";" not in role, qid  # commas only, as Lalumière's role always had
        assert not role.startswith(ranks_in_roles), qid
        assert not speaker.endswith((" note", "(document)", "(joint statement)")), qid
    ranks = {r[1].split(" ")[0] for r in rows if r[3] is not None}
    assert {"Admiral", "General", "Air", "Brigadier-General", "Brigadier", "Group"} <= ranks


def test_attribution_reads_as_a_person_writes_it(store):
    from cspo_viewer.ui.detail_html import detail_html

    def attributions(event_id: str) -> list[str]:
        names = {n.code: n.name for n in store.nations()}
        html = detail_html(store.event_detail(event_id), None, names.__getitem__, quote_bar="#000")
        who = re.findall(r'<p class="who">(.*?)</p>', html.refs)
        return [unescape(re.sub(r"<[^>]+>", "", w)) for w in who]

    assert attributions(FLORENCE)[0] == (
        "— Air Chief Marshal Sir Richard Knighton, Chief of the Air Staff, United Kingdom [1]"
    )
    assert attributions("2014-09-22-mou-signed-ottawa") == [
        "— Admiral Cecil D. Haney, US Navy, Commander, US Strategic Command [1]",
        "— Douglas L. Loverro, US Deputy Assistant Secretary of Defense for Space Policy [1]",
        # issue 22: Lalumière's words are verbatim in Canada's release, the event's third source
        "— Brigadier-General Michel Lalumière, Director General Space, Canadian Armed Forces [3]",
    ]
    assert attributions("2024-09-01-ten-year-anniversary") == [
        "— Aeronautica Militare (Italian Air Force), Press release (speaker uncertain: the text"
        " reads as the partners' joint message relayed by the Italian Air Force, and Report Difesa"
        " prints it unattributed) [1]"
    ]
    assert attributions("2022-12-07-wellington-principals-board")[2] == (
        "— Air Marshal Robert Chipman, Chief of Air Force and Space Domain Lead, Australia"
        " (attribution inferred: the article prints this sentence as a separate, unattributed"
        " paragraph after his quote) [1]"
    )


def test_italian_quote_keeps_the_sources_curly_apostrophe(store):
    q = quote(store, "2024-09-01-ten-year-anniversary-q1")
    assert q.text == (
        "Ci impegniamo a garantire l\u2019uso legale e sostenibile dello spazio"
        " e la prevenzione dei conflitti."
    )


def test_olympic_defender_april_2019_is_the_announcement_that_allies_would_join(store):
    """The id stays (ids are a public interface); the title and summary say what happened."""
    d = store.event_detail(OOD_ANNOUNCED)
    assert d.row.title == (
        "Related: announcement that allies will join Operation Olympic Defender"
        " (US-led, separate from CSpO)"
    )
    assert d.row.short_title == "OOD: allies to join"
    assert "dates from 2013 under US Strategic Command" in d.summary
    assert "opened to allies in 2018" in d.summary
    assert "announcement that allies would join" in d.summary
    assert '"a new operation"' in d.uncertainty


def test_japan_and_the_berlin_board_agree_on_dates(store):
    japan, berlin = store.event_detail(JAPAN), store.event_detail(BERLIN)
    assert (berlin.row.date, berlin.row.end_date) == ("2023-12-05", "2023-12-07")
    assert japan.row.date == "2023-12-05"
    assert "the day before the Berlin" not in japan.summary
    assert "in the week of the Berlin Principals' Board" in japan.summary
    assert "6-7 December" in japan.uncertainty and "5-7 December" in japan.uncertainty


def test_vision_2031_quotes_cite_the_sources_that_print_them(store):
    dod = quote(store, f"{VISION}-q3")
    assert "fostering responsible military behaviors in space" in dod.text
    assert "behaviours" not in dod.text
    assert dod.role == "Statement on CSpO Vision 2031"
    reprint = source_of(store, VISION, f"{VISION}-q3")  # issue 22: HSToday prints it verbatim
    assert (reprint.title, reprint.publisher) == (
        "DoD and Partners Release Combined Space Operations Vision 2031 (DoD release text)",
        "Homeland Security Today",
    )
    smyth = source_of(store, VISION, f"{VISION}-q1")
    assert (smyth.title, smyth.publisher) == (
        "Combined Space Operations Vision 2031",
        "Airforce Technology",
    )
    assert smyth.url == (  # issue 22: its address, found since
        "https://www.airforce-technology.com/news/combined-space-operations-vision-2031/"
    )
    vision = source_of(store, VISION, f"{VISION}-q2")  # issue 22: printed on canada.ca
    assert vision.url == (
        "https://www.canada.ca/en/air-force/corporate/space/combined-space-operations/vision-2031.html"
    )
    saltzman = source_of(store, BERLIN, f"{BERLIN}-q2")
    assert saltzman.publisher == "The Defense Post"
    assert (
        saltzman.url
        == "https://www.thedefensepost.com/2023/12/12/allied-nations-discuss-space-security/"
    )


def test_defence_connect_respelled_only_the_one_word(store):
    """Defence Connect prints the DoD's words with "behaviours"; nothing else differs."""
    text = " ".join(shared_text("000_c54121352f62cf6c.txt").split())
    dod = quote(store, f"{VISION}-q3").text
    assert dod.replace("behaviors", "behaviours") in text


def test_florence_statement_dated_by_publication_endorsed_at_the_meeting(store):
    d = store.event_detail(JOINT_STATEMENT)
    assert d.row.date == "2024-12-06"
    assert "the day the UK Ministry of Defence published the statement" in d.uncertainty
    assert "endorsed it at their meeting in Florence on 3-5 December" in d.uncertainty
    first = d.sources[0]
    assert first.title == (
        "Joint Statement from The Combined Space Operations Initiative Principals' Board"
        " Meeting in Italy to Advance Space Security"
    )
    assert first.publisher == "CSpO participants, published by the UK Ministry of Defence"


def test_sources_are_shown_by_title_and_publisher_not_file_name(store):
    from cspo_viewer.ui.detail_html import detail_html

    names = {n.code: n.name for n in store.nations()}
    refs = detail_html(
        store.event_detail(JOINT_STATEMENT), None, names.__getitem__, quote_bar="#000"
    ).refs
    text = unescape(re.sub(r"<[^>]+>", " ", refs))
    assert "[1] Joint Statement from The Combined Space Operations Initiative" in text
    assert "CSpO participants, published by the UK Ministry of Defence" in text
    assert "004_3fe6f76d63c4f1b0.txt" not in text
    assert "original document (no web address)" in text


def test_seven_nation_statement_text_is_stored(store):
    text = store.event_detail(SEVEN_NATION).statement_text
    assert text.startswith(
        "As defence leaders in our respective nations, we unequivocally recognize the strategic"
        " importance the space domain has on our economy, technology, national security and"
        " defense."
    )
    assert "through the Combined Space Operations Center and the other national Space" in text
    assert text.endswith("to support our countries\u2019 common interests in and through space.")
    assert "\n" not in text  # one paragraph on the RCAF page
    assert "Royal Canadian Air Force" not in text  # the file's header is not the statement


@pytest.mark.parametrize(
    ("event_id", "document", "start"),
    [
        (SEVEN_NATION, "rcaf-2019-04-10-multinational-statement.txt", "As defence leaders"),
        (
            JOINT_STATEMENT,
            "004_3fe6f76d63c4f1b0.txt",
            "The Combined Space Operations (CSpO) Initiative Principals' Board met",
        ),
    ],
)
def test_statement_texts_are_verbatim(store, event_id, document, start):
    """The stored statement is the source's own text from its first words to the end."""
    source = shared_text(document)
    stored = store.event_detail(event_id).statement_text
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", source[source.index(start) :])]
    assert stored.split("\n\n") == [p for p in paragraphs if p]


def test_cape_canaveral_sanctions_tag_carries_its_caveat(store):
    d = store.event_detail(CAPE_CANAVERAL)
    assert "sanctions" in d.row.themes
    assert '"collectively enforcing sanctions"' in d.uncertainty
    assert '"hold accountable"' in d.uncertainty
    assert "collectively enforcing sanctions" in shared_text("000_c54121352f62cf6c.txt")


def test_missing_boards_are_shown_as_gaps_in_the_record(store):
    boards = store.conn.execute(
        "SELECT substr(date, 1, 7) FROM events WHERE kind = 'principals-meeting' ORDER BY date"
    ).fetchall()
    years = {b[0][:4] for b in boards}
    assert not years & {"2016", "2017", "2018"}
    assert [b[0] for b in boards if b[0].startswith("2020")] == ["2020-02"]
    for event_id, years_named in (
        ("2015-10-12-wellington-meeting", "2016, 2017 or 2018"),
        ("2020-02-11-ottawa-principals-board", "2016, 2017 or 2018, nor for one in late 2020"),
        (CAPE_CANAVERAL, "late 2020"),
    ):
        note = store.event_detail(event_id).uncertainty
        assert f"No source was found for a Principals' Board in {years_named}" in note
        assert "not evidence that no Board met" in note


def test_about_box_says_the_record_has_gaps(open_window, bundled_db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda *a: shown.append(a[2]))
    window = open_window(bundled_db, size=None, show=False)
    [help_menu] = [m for m in window.menuBar().actions() if m.text().replace("&", "") == "Help"]
    [about] = [a for a in help_menu.menu().actions() if "About" in a.text()]
    about.trigger()
    assert "The record has gaps" in shown[0]
    assert "Principals' Boards for which no source was found" in shown[0]


# The record checked again against the sources (issue 22).

OOD_GERMANY = "2024-10-11-ood-france-germany-join"  # the id stays: ids are a public interface
OOD_FRANCE = "2024-10-14-ood-france-joins"


def row_of(store, event_id: str) -> tuple:
    r = store.event_detail(event_id).row
    return (r.date, r.date_precision, r.end_date, r.location)


def test_france_and_germany_joined_olympic_defender_on_their_own_days(store):
    germany, france = store.event_detail(OOD_GERMANY), store.event_detail(OOD_FRANCE)
    assert row_of(store, OOD_GERMANY) == ("2024-10-11", "day", None, "Berlin, Germany")
    assert row_of(store, OOD_FRANCE) == ("2024-10-14", "day", None, "Paris, France")
    assert (
        germany.row.title == "Related: Germany joins Multinational Force Operation Olympic Defender"
    )
    assert "DEU" in germany.row.nations and "FRA" not in germany.row.nations
    assert "FRA" in france.row.nations and "DEU" not in france.row.nations
    assert {s.title for s in germany.sources} >= {
        "Germany Joins Multinational Space Partnership (U.S. Department of Defense release)"
    }
    for d in (germany, france):
        assert "Breaking Defense" in {s.publisher for s in d.sources}
        assert "AI-translated aggregator" in d.uncertainty
        assert d.row.kind == "related"


def test_new_zealand_accepted_on_5_september(store):
    d = store.event_detail("2024-09-01-ood-new-zealand-joins")
    assert (d.row.date, d.row.date_precision) == ("2024-09-05", "day")
    assert "aggregator" not in d.summary
    assert {"Breaking Defense", "RNZ"} <= {s.publisher for s in d.sources}


def test_olympic_defender_origin_cites_the_sources_that_support_it(store):
    d = store.event_detail(OOD_ANNOUNCED)
    assert {
        "Breaking Defense",
        "U.S. Department of Defense (Air Force News Service), via PublicNow",
    } <= {s.publisher for s in d.sources}


def test_misattributed_quotes_cite_the_sources_that_print_them(store):
    lalumiere = source_of(store, "2014-09-22-mou-signed-ottawa", "2014-09-22-mou-signed-ottawa-q3")
    assert (lalumiere.title, lalumiere.publisher) == (
        "DND formalizes space partnership",
        "Vanguard (Canada)",
    )
    vision = source_of(store, VISION, f"{VISION}-q2")
    assert vision.publisher == "Government of Canada (Royal Canadian Air Force)"


def test_defence_connect_has_its_address(store):
    [dc] = [
        s
        for s in store.event_detail("2022-12-07-wellington-principals-board").sources
        if s.publisher == "Defence Connect (Momentum Media)"
    ]
    assert dc.url == (
        "http://www.defenceconnect.com.au/joint-capabilities/"
        "11119-cspo-targets-deeper-critical-space-information-sharing"
    )


def test_wellington_quote_attribution_is_marked_as_inferred(store):
    d = store.event_detail("2022-12-07-wellington-principals-board")
    assert "attribution inferred" in quote(store, "2022-12-07-wellington-principals-board-q3").role
    assert "attributing it to him is an inference" in d.uncertainty


def test_seven_nation_statement_was_released_in_two_printings(store):
    d = store.event_detail(SEVEN_NATION)
    assert "signed" not in d.summary and "released a joint statement" in d.summary
    assert "released the statement, not that they signed it" in d.uncertainty
    assert "four paragraphs" in d.uncertainty and '"defence"' in d.uncertainty


def test_founding_was_a_two_day_principals_meeting(store):
    d = store.event_detail("2014-09-22-mou-signed-ottawa")
    assert (d.row.date, d.row.end_date) == ("2014-09-22", "2014-09-23")
    assert "Principals' meeting in Ottawa" in d.summary
    assert "Satnews" in d.uncertainty and "30th Space Symposium" in d.uncertainty
    assert {"Satnews Daily", "ExecutiveGov", "Breaking Defense"} <= {s.publisher for s in d.sources}


def test_first_principals_meeting_conflict_is_stated_on_both_events(store):
    for event_id in ("2015-10-12-wellington-meeting", "2020-02-11-ottawa-principals-board"):
        note = store.event_detail(event_id).uncertainty
        assert '"the first meeting of its kind"' in note, event_id
        assert "RNZ (12 October 2015)" in note, event_id


def test_anniversary_speaker_is_uncertain(store):
    q = quote(store, "2024-09-01-ten-year-anniversary-q1")
    assert "speaker uncertain" in q.role
    assert (
        "Report Difesa prints it unattributed"
        in store.event_detail("2024-09-01-ten-year-anniversary").uncertainty
    )


def test_florence_tabletop_exercise_is_dated_to_the_board(store):
    d = store.event_detail("2024-12-01-florence-tabletop-exercise")
    assert (d.row.date, d.row.date_precision, d.row.end_date) == ("2024-12-03", "day", "2024-12-05")
    assert "the day, and the scenario, are not reported" in d.uncertainty
    statement = store.event_detail(JOINT_STATEMENT).row
    assert d.row.date < statement.date  # drawn before the 6 December statement, not after it


def test_spring_2024_invitations_are_in_the_record(store):
    d = store.event_detail("2024-04-09-ood-invitations")
    assert (d.row.date, d.row.date_precision, d.row.kind) == ("2024-04-09", "day", "related")
    assert set(d.row.nations) == {"DEU", "FRA", "NZL", "USA"}
    assert "Breaking Defense" in {s.publisher for s in d.sources}


def test_record_scope_is_2011_through_florence(store):
    dates = [r[0] for r in store.conn.execute("SELECT date FROM events ORDER BY date")]
    assert dates[0] == "2011-01-01" and dates[-1] == "2024-12-06"

"""Import of each format: what lands in the database, and why each bad event is refused."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from cspo_viewer.data.annotations import list_annotations
from cspo_viewer.data.check import check_store
from cspo_viewer.data.interchange import ImportOptions, detect_format, import_file
from cspo_viewer.data.store import open_store
from tests.interchange_support import FIXTURES, dump_text, fresh_db, records

TLJS = FIXTURES / "timelinejs"
MIXED = FIXTURES / "interchange"


def by_title(db: Path) -> dict[str, dict]:
    return {r["title"]: r for r in records(db)}


def assert_sound(db: Path) -> None:
    with open_store(db) as store:
        assert check_store(store) == []


# --- TimelineJS -----------------------------------------------------------------------------
def test_timelinejs_sample_imports_citing_the_file(tmp_path):
    db = fresh_db(tmp_path)
    report = import_file(db, TLJS / "group_sample.json")
    assert report.written and (report.added, report.rejected) == (7, 0)
    events = records(db)
    assert len(events) == 7
    assert {e["kind"] for e in events} == {"other"}
    assert [e["date"] for e in events][:2] == ["2016-11-13", "2016-11-17"]
    assert {e["date_precision"] for e in events} == {"day"}
    [source] = {tuple(sorted(s.items())) for e in events for s in e["sources"]}
    source = dict(source)
    assert source["title"] == "Demo of groups" and source["document"] == "group_sample.json"
    assert source["url"] is None and source["publisher"] is None  # nothing invented
    assert events[0]["summary"] == "text of event 1 - group 1"
    assert any("--map-group" in note for note in report.notes)
    assert_sound(db)


def test_timelinejs_groups_become_kinds_or_themes_only_when_asked(tmp_path):
    as_kinds = fresh_db(tmp_path, "kinds.db")
    report = import_file(as_kinds, TLJS / "group_sample.json", ImportOptions(map_group="kind"))
    assert len(report.new_kinds) == 4
    kinds = {e["kind"] for e in records(as_kinds)}
    assert "group-2-2nd-interview-2nd-interview" in kinds and "other" not in kinds
    with open_store(as_kinds) as store:
        labels = {k.label for k in store.kinds()}
    assert "Group 2 - 2ND_INTERVIEW - 2nd Interview" in labels
    as_themes = fresh_db(tmp_path, "themes.db")
    import_file(as_themes, TLJS / "group_sample.json", ImportOptions(map_group="theme"))
    events = records(as_themes)
    assert {e["kind"] for e in events} == {"other"}
    assert all(len(e["themes"]) == 1 for e in events)
    assert_sound(as_kinds)
    assert_sound(as_themes)


def test_timelinejs_partial_dates_html_media_end_dates_and_unsorted(tmp_path):
    db = fresh_db(tmp_path)
    report = import_file(db, TLJS / "partial_dates.json")
    assert report.written and report.added == 4
    events = by_title(db)
    year = events["Year only"]
    assert (year["id"], year["date"], year["date_precision"]) == ("year-only", "2019-01-01", "year")
    assert year["summary"] == "Known only to the year.\n\nSecond paragraph & more."
    assert year["kind"] == "other" and year["themes"] == ["deterrence"]  # group names a theme
    month = events["Month only, with an end month"]
    assert (month["date"], month["date_precision"], month["end_date"]) == (
        "2021-07-01",
        "month",
        "2021-09-30",
    )
    assert month["kind"] == "statement"  # group names a kind
    assert month["summary"] == "Line one\nline two"  # <br> kept, <script> dropped
    florence = events["Florence — three days"]  # &mdash; and <i> decoded
    assert (florence["date"], florence["end_date"]) == ("2024-12-03", "2024-12-05")
    assert florence["kind"] == "principals-meeting"
    assert florence["summary"] == "first\n\nsecond"
    assert events["Unsorted: earlier than the others"]["summary"] is None
    assert [r["date"] for r in records(db)] == sorted(r["date"] for r in records(db))
    source = year["sources"][0]
    assert source["title"] == "Partial dates & friends"
    assert source["document"] == "partial_dates.json"
    notes = " ".join(report.notes)
    # Its era is an era now (issue 20, item 6), no longer skipped.
    assert "1 era(s) in the file, 1 added" in notes and "2 media object(s)" in notes
    with open_store(db) as store:
        [era] = list_annotations(store)
    assert (era.kind, era.title, era.date, era.end_date) == ("era", "CSpO", "2014", "2024")
    assert_sound(db)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("events[0].start_date.month", "13 is not a month (1–12)"),
        ("events[1].start_date.day", "2024-02-30 does not exist"),
        ("events[2].start_date.year", "missing; a date needs a year"),
        ("events[4].end_date", "2024-04-30 is before the start date 2024-05-01"),
        ("events[5].start_date.year", "'twenty' is not a number"),
        ("events[6].start_date", "missing; every event needs a start_date"),
        ("events[7]", "must be an object, not text"),
        ("events[8].start_date.month", "missing; a day needs a month"),
    ],
)
def test_timelinejs_invalid_slides_are_rejected_by_path(tmp_path, path, message):
    db = fresh_db(tmp_path)
    report = import_file(db, TLJS / "invalid.json")
    # events[3] has no headline: TimelineJS shows such a slide, so it is titled from its
    # text and not rejected (issue 22)
    assert not report.written and report.rejected == 8
    assert f"{path}: {message}" in {str(p) for p in report.problems}
    assert not any(str(p).startswith("events[3]") for p in report.problems)
    assert records(db) == []


def test_timelinejs_title_after_events_still_titles_the_source(tmp_path):
    text = (TLJS / "group_sample.json").read_text(encoding="utf-8")
    title, events = text.split('"events":', 1)
    late = '{"events":' + events.rstrip().rstrip("}").rstrip() + ","
    late += title.lstrip().lstrip("{").rstrip().rstrip(",") + "}"
    path = tmp_path / "late.json"
    path.write_text(late, encoding="utf-8")
    db = fresh_db(tmp_path)
    import_file(db, path)
    assert {r["sources"][0]["title"] for r in records(db)} == {"Demo of groups"}


# --- CSV ------------------------------------------------------------------------------------
def test_csv_with_bom_quotes_commas_and_newlines(tmp_path):
    db = fresh_db(tmp_path)
    report = import_file(db, MIXED / "valid_bom.csv")
    assert report.written and report.added == 3
    events = by_title(db)
    florence = events["Florence Principals' Board, 2024"]
    assert florence["nation_codes"] == ["ITA", "GBR", "USA"]  # name, name, alpha-2 any case
    assert florence["themes"] == ["deterrence", "resilience"]
    assert florence["summary"] == 'Summary with a comma, "quotes" and\na newline'
    [quote] = florence["quotes"]
    assert (quote["speaker"], quote["role"], quote["text"]) == (
        "A. Speaker",
        "Minister",
        "We stand together, as ten.",
    )
    assert quote["source_id"] == florence["sources"][0]["id"]
    assert florence["sources"][0]["url"] == "https://example.org/florence"
    observers = events["Observers join"]
    assert (observers["date"], observers["date_precision"]) == ("2016-01-01", "month")
    assert observers["nation_codes"] == ["FRA", "DEU"]
    assert events["A year"]["date_precision"] == "year" and events["A year"]["kind"] == "other"
    assert_sound(db)


def test_csv_with_semicolons_and_capitalised_header(tmp_path):
    db = fresh_db(tmp_path)
    assert import_file(db, MIXED / "semicolon.csv").added == 1
    [event] = records(db)
    assert event["nation_codes"] == ["AUS", "NZL"] and event["kind"] == "statement"


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("row 2, column date", "2024-02-30 is not a real date"),
        ("row 3, column date", "2024-03-15 does not fit month precision: write 2024-03"),
        ("row 4, column kind", "unknown kind 'meeting'; valid kinds: founding"),
        ("row 5, column nations (nations[0])", "unknown nation 'Narnia'"),
        ("row 6, column themes (themes[0])", "unknown theme 'weather'"),
        ("row 7, column sources", "every event needs at least one source"),
        ("row 8, column quote_speaker", "missing; a quote needs a speaker"),
        ("row 9, column date", "missing; every event needs a date"),
        ("row 10, column title", "missing; every event needs a title"),
        ("row 11, column end_date", "2024-03-01 is before the start date 2024-03-05"),
        ("row 12, column confidence", "unknown confidence 'certain'"),
        ("row 13, column date", "'24/03/2024' is not a date; use YYYY-MM-DD"),
    ],
)
def test_csv_invalid_rows_are_rejected_by_row(tmp_path, where, message):
    db = fresh_db(tmp_path)
    report = import_file(db, MIXED / "invalid.csv")
    assert report.rejected == 12 and report.added == 1 and not report.written
    assert any(p.where == where and message in p.message for p in report.problems), [
        str(p) for p in report.problems
    ]
    assert records(db) == []  # the one good row is not written either: all or nothing


# --- our JSON -------------------------------------------------------------------------------
def test_json_with_source_objects_source_ids_and_quotes(tmp_path):
    db = fresh_db(tmp_path)
    report = import_file(db, MIXED / "valid.json")
    assert report.written and report.added == 2, [str(p) for p in report.problems]
    events = by_title(db)
    member = events["A new member joins"]
    assert member["nation_codes"] == ["JPN", "NZL"]
    assert member["summary"] == "Text with “curly quotes”, commas, and\nnewlines."
    assert member["quotes"][0]["nation_code"] == "JPN"
    assert member["quotes"][0]["id"] == f"{member['id']}-q1"
    board = events["Principals' Board"]
    assert (board["id"], board["date"], board["kind"]) == (
        "2025-03-principals",
        "2025-03-01",
        "principals-meeting",
    )
    assert [s["id"] for s in board["sources"]] == ["src-bc165b6681", "src-own"]
    assert_sound(db)


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("events[0].date", "2024-02-30 is not a real date"),
        ("events[1].date", "2024-03-15 does not fit year precision: write 2024"),
        ("events[2].kind", "unknown kind 'meeting'"),
        ("events[3].nations[0]", "unknown nation 'Atlantis'"),
        ("events[4].sources", "empty; every event needs at least one source"),
        ("events[5].sources[0].title", "missing; every source needs a title"),
        ("events[6].sources[0]", "unknown source id 'src-nowhere'"),
        ("events[7].quotes[0].speaker", "missing; a quote needs a speaker"),
        ("events[8].quotes[0].source_id", "'src-other' is not one of this event's sources"),
        ("events[9].date", "must be text such as 2024-12-04, not a number"),
        ("events[10].title", "must be text, not a list"),
        ("events[11].id", "'has spaces in it' is not a valid id"),
        ("events[12].title", "contains the control character U+0007"),
        ("events[13]", "must be an object, not a number"),
    ],
)
def test_json_invalid_events_are_rejected_by_path(tmp_path, where, message):
    db = fresh_db(tmp_path)
    report = import_file(db, MIXED / "invalid.json")
    assert report.rejected == 14 and not report.written
    assert any(p.where == where and message in p.message for p in report.problems), [
        str(p) for p in report.problems
    ]
    assert records(db) == []


def test_list_json_output_imports_as_a_bare_list(tmp_path, store):
    import json

    from cspo_viewer.data.filters import EventFilter

    path = tmp_path / "list.json"
    path.write_text(json.dumps(list(store.records(EventFilter()))), encoding="utf-8")
    db = fresh_db(tmp_path)
    report = import_file(db, path)
    assert report.added == 31 and report.written
    assert [r["id"] for r in records(db)] == store.event_ids(EventFilter())


# --- detection, repeats, conflicts ----------------------------------------------------------
def test_format_is_detected_by_content_not_extension(tmp_path):
    cases = {
        "timeline.csv": (TLJS / "group_sample.json", "timelinejs"),
        "events.txt": (MIXED / "valid_bom.csv", "csv"),
        "data.csv": (MIXED / "valid.json", "json"),
    }
    for name, (source, fmt) in cases.items():
        target = tmp_path / name
        shutil.copyfile(source, target)
        assert detect_format(target) == fmt


def test_importing_the_same_file_twice_adds_nothing(tmp_path):
    db = fresh_db(tmp_path)
    for fixture in (TLJS / "partial_dates.json", MIXED / "valid_bom.csv", MIXED / "valid.json"):
        first = import_file(db, fixture)
        before = dump_text(db)
        again = import_file(db, fixture)
        assert first.added > 0 and again.added == 0 and again.unchanged == first.added
        assert not again.written and dump_text(db) == before


def _edited_copy(tmp_path: Path) -> Path:
    text = (MIXED / "valid.json").read_text(encoding="utf-8")
    path = tmp_path / "edited.json"
    path.write_text(text.replace('"kind": "Principals\' meeting"', '"kind": "statement"'))
    return path


def test_conflicts_skip_by_default(tmp_path):
    db = fresh_db(tmp_path)
    import_file(db, MIXED / "valid.json")
    report = import_file(db, _edited_copy(tmp_path))
    assert (report.added, report.skipped, report.unchanged) == (0, 1, 1)
    assert report.changed_items[0].changes == ("kind",)
    assert by_title(db)["Principals' Board"]["kind"] == "principals-meeting"


def test_conflicts_replace_when_asked(tmp_path):
    db = fresh_db(tmp_path)
    import_file(db, MIXED / "valid.json")
    report = import_file(db, _edited_copy(tmp_path), ImportOptions(on_conflict="replace"))
    assert report.changed == 1 and report.written
    assert by_title(db)["Principals' Board"]["kind"] == "statement"
    assert_sound(db)


def test_conflicts_fail_rejects_everything(tmp_path):
    db = fresh_db(tmp_path)
    import_file(db, MIXED / "valid.json")
    before = dump_text(db)
    report = import_file(db, _edited_copy(tmp_path), ImportOptions(on_conflict="fail"))
    assert report.rejected == 1 and not report.written
    assert "already exists with a different kind (--on-conflict fail)" in str(report.problems[0])
    assert dump_text(db) == before


def test_same_id_twice_in_one_file_with_different_content_is_rejected(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text(
        "id,date,title,source_title\nx-1,2024-01-01,One,S\nx-1,2024-01-01,One,S\n"
        "x-1,2024-01-02,Other,S\n",
        encoding="utf-8",
    )
    db = fresh_db(tmp_path)
    report = import_file(db, path)
    assert report.duplicates == 1 and report.rejected == 1
    assert "id x-1 is also used by row 2, with different content" in str(report.problems[0])


def test_full_text_search_finds_imported_and_replaced_text(tmp_path):
    from cspo_viewer.data.filters import EventFilter

    db = fresh_db(tmp_path)
    import_file(db, MIXED / "valid.json")
    text = (MIXED / "valid.json").read_text(encoding="utf-8")
    edited = tmp_path / "edited.json"
    edited.write_text(text.replace('"Principals\' Board"', '"Principals\' Zanzibarish Board"'))
    import_file(db, edited, ImportOptions(on_conflict="replace"))
    with open_store(db) as store:

        def hits(words: str) -> list[str]:
            return store.event_ids(EventFilter(text=words))

        assert hits("Zanzibarish") == ["2025-03-principals"]
        assert len(hits("curly quotes")) == 1  # the untouched event is still indexed
        assert hits("Jane Doe") != []  # quotes are indexed too
        assert check_store(store) == []


def test_many_batches_leave_a_sound_fully_indexed_database(tmp_path, bundled_db, monkeypatch):
    """One event per batch, imported and then replaced: the sqlite-utils triggers keep the
    full-text index whole through every write, and the schema (six triggers, FTS5's own
    merge setting) is left as a new database has it."""
    from cspo_viewer.data.filters import EventFilter
    from cspo_viewer.data.interchange import importer

    monkeypatch.setattr(importer, "BATCH", 1)
    source = tmp_path / "all.csv"
    source.write_text(dump_text(bundled_db, "csv"), encoding="utf-8")
    db = fresh_db(tmp_path)
    assert import_file(db, source).added == 31
    edited = tmp_path / "edited.csv"
    edited.write_text(source.read_text(encoding="utf-8").replace("Florence", "Zanzibarish"))
    report = import_file(db, edited, ImportOptions(on_conflict="replace"))
    assert report.changed > 0 and report.written
    with open_store(db) as store:
        assert check_store(store) == []
        assert store.event_ids(EventFilter(text="Florence")) == []
        assert len(store.event_ids(EventFilter(text="Zanzibarish"))) == report.changed
    conn = sqlite3.connect(db)  # FTS5's checks are written as inserts: a plain connection
    try:
        for table in ("events_fts", "quotes_fts"):
            # 'integrity-check' with rank 1 also compares the index with the table's text.
            conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
            merge = conn.execute(f"SELECT v FROM {table}_config WHERE k = 'automerge'").fetchone()
            assert merge is None  # as in a new database: no row, FTS5's default
        triggers = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'")
        assert triggers.fetchone()[0] == 6
    finally:
        conn.close()


def test_every_field_of_the_wrong_type_is_a_problem_not_a_crash(tmp_path):
    """Lists, objects, numbers and booleans where text belongs, in every field the
    validator reads: each is one problem at its own path, and nothing is written."""
    base = {
        "id": "ok-1",
        "date": "2024-01-01",
        "title": "A title",
        "kind": "statement",
        "sources": [{"title": "S", "url": "https://example.org"}],
        "quotes": [{"speaker": "A. Speaker", "text": "Words."}],
    }
    paths_ = [
        ("id",), ("date",), ("date_precision",), ("end_date",), ("title",), ("short_title",),
        ("kind",), ("location",), ("summary",), ("statement_text",), ("confidence",),
        ("uncertainty",), ("evidence",), ("nations",), ("themes",), ("sources",),
        ("sources", 0, "id"), ("sources", 0, "title"), ("sources", 0, "url"),
        ("sources", 0, "date"), ("quotes",), ("quotes", 0, "speaker"), ("quotes", 0, "text"),
        ("quotes", 0, "role"), ("quotes", 0, "nation_code"), ("quotes", 0, "source_id"),
        ("quotes", 0, "id"),
    ]  # fmt: skip
    events = []
    for path in paths_:
        for bad in (["x"], {"x": 1}, 7, True):
            event = json.loads(json.dumps(base))
            target = event
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = bad
            events.append(event)
    src = tmp_path / "odd.json"
    src.write_text(json.dumps({"format": "cspo-viewer/events", "events": events}))
    db = fresh_db(tmp_path)
    report = import_file(db, src)  # must not raise
    assert not report.written and records(db) == []
    blamed = {p.where.split(".")[0].split("[")[1].rstrip("]") for p in report.problems}
    missed = [(paths_[i // 4], events[i]) for i in range(len(events)) if str(i) not in blamed]
    assert missed == []


@pytest.mark.parametrize("on_conflict", ["skip", "fail"])
def test_a_source_given_by_a_skipped_event_is_still_written_for_the_others(tmp_path, on_conflict):
    """Event b cites source s-new by id; only event a, which is skipped (or refused) as a
    conflict, gives its details. The source must still be written for b, or not at all."""
    first = tmp_path / "first.json"
    first.write_text(
        json.dumps([{"id": "a", "date": "2024-01-01", "title": "A", "sources": [{"title": "S"}]}])
    )
    db = fresh_db(tmp_path)
    assert import_file(db, first).written
    second = tmp_path / "second.json"
    new_source = {"id": "s-new", "title": "New source"}
    second.write_text(
        json.dumps(
            [
                {"id": "a", "date": "2024-01-01", "title": "A, changed", "sources": [new_source]},
                {"id": "b", "date": "2024-01-02", "title": "B", "sources": ["s-new"]},
            ]
        )
    )
    options = ImportOptions(on_conflict=on_conflict)
    preview = import_file(db, second, ImportOptions(on_conflict=on_conflict, dry_run=True))
    report = import_file(db, second, options)
    assert (report.added, report.rejected) == (preview.added, preview.rejected)
    if on_conflict == "skip":
        assert report.written and report.added == 1 and report.skipped == 1
        assert by_title(db)["B"]["sources"][0]["title"] == "New source"
        assert by_title(db)["A"]["title"] == "A"
    else:
        assert not report.written and report.rejected == 1
    assert_sound(db)


@pytest.mark.parametrize("batch", [1, 2, 1000])
def test_reports_follow_the_file_order_whatever_the_batch_size(tmp_path, monkeypatch, batch):
    """Two events claim quote id q1: the later one in the file is refused, named by its
    own place, however the import happens to be cut into batches."""
    from cspo_viewer.data.interchange import importer

    monkeypatch.setattr(importer, "BATCH", batch)
    quote = {"id": "q1", "speaker": "A. Speaker", "text": "Words."}
    events = [
        {"id": "zzz", "date": "2024-01-01", "title": "Z", "quotes": [quote]},
        {"id": "mmm", "date": "2024-01-02", "title": "M"},
        {"id": "aaa", "date": "2024-01-03", "title": "A", "quotes": [quote]},
    ]
    src = tmp_path / "clash.json"
    src.write_text(json.dumps({"format": "cspo-viewer/events", "events": events}))
    report = import_file(fresh_db(tmp_path), src, ImportOptions(dry_run=True))
    assert [str(p) for p in report.problems] == [
        "events[2]: quote id q1 already belongs to event zzz"
    ]
    assert [item.id for item in report.added_items] == ["zzz", "mmm"]


def test_csv_json_cells_that_are_not_lists_are_problems(tmp_path):
    path = tmp_path / "cells.csv"
    rows = ['[{"speaker": "A", "text": "B"}', '{"speaker": "A"}', " [] ", "[]x", "[" * 5000]
    lines = ["date,title,source_title,quotes"]
    lines += [
        f'2024-01-0{i + 1},T{i},S,"{cell.replace(chr(34), chr(34) * 2)}"'
        for i, cell in enumerate(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_file(fresh_db(tmp_path), path, ImportOptions(dry_run=True))
    problems = [str(p) for p in report.problems]
    prefix = "column quotes: is not a JSON list"
    assert problems[:3] == [
        f"row 2, {prefix} (Expecting ',' delimiter: line 1 column 31 (char 30))",
        "row 3, column quotes: must be a JSON list",
        f"row 5, {prefix} (Extra data: line 1 column 3 (char 2))",
    ]
    assert problems[3].startswith(f"row 6, {prefix} (maximum recursion depth exceeded")
    assert len(problems) == 4 and report.added == 1  # " [] ": an empty list, spaces and all


def test_quote_rules_each_have_their_message(tmp_path):
    """A quote's nation by code, name or the ``nation`` key (``nation_code`` wins when both
    are there), a speaker that is only spaces, an unknown nation, an id used twice."""

    def event(n, *quotes):
        return {"id": f"e{n}", "date": "2024-01-01", "title": f"T{n}", "quotes": list(quotes)}

    events = [
        event(1, {"speaker": "A", "text": "W", "nation": "Japan"}),
        event(2, {"speaker": "A", "text": "W", "nation_code": None, "nation": "Japan"}),
        event(3, {"speaker": "A", "text": "W", "nation_code": "gb"}),
        event(4, {"speaker": "   ", "text": "W"}),
        event(5, {"speaker": "A", "text": "W", "nation_code": "Atlantis"}),
        event(6, *({"id": "q", "speaker": s, "text": "W"} for s in "AB")),
    ]
    src = tmp_path / "quotes.json"
    src.write_text(json.dumps(events), encoding="utf-8")
    db = fresh_db(tmp_path)
    report = import_file(db, src, ImportOptions(dry_run=True))
    assert [str(p) for p in report.problems] == [
        "events[3].quotes[0].speaker: missing; a quote needs a speaker",
        "events[4].quotes[0].nation_code: unknown nation 'Atlantis'",
        "events[5].quotes[1].id: quote id q appears twice",
    ]
    src.write_text(json.dumps(events[:3]), encoding="utf-8")
    assert import_file(db, src).written
    nations = {r["id"]: r["quotes"][0]["nation_code"] for r in records(db)}
    assert nations == {"e1": "JPN", "e2": None, "e3": "GBR"}

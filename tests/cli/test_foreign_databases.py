"""Databases edited by other tools (sqlite-utils, Datasette, DB Browser): every command
opens them, leaves out the rows it cannot use, names them once in one line, and
``db check`` names each by event id."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cspo_viewer.cli import main
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.store import open_store
from cspo_viewer.data.table import load_table
from tests.conftest import sha256

# The bundled database's events by rowid order, as the SQL below edits them.
CASES = {
    "bad dates": (
        "UPDATE events SET date = '2014-9-22' WHERE id = '2014-09-22-mou-signed-ottawa';"
        "UPDATE events SET date = 'March 2025' WHERE id = '2015-07-01-new-zealand-joins';"
        "UPDATE events SET date = '2025-02-30' WHERE id = '2015-10-12-wellington-meeting';",
        {
            "2014-09-22-mou-signed-ottawa": "'2014-9-22'",
            "2015-07-01-new-zealand-joins": "'March 2025'",
            "2015-10-12-wellington-meeting": "'2025-02-30'",
        },
    ),
    "blob title": (
        "UPDATE events SET title = randomblob(40), short_title = NULL"
        " WHERE id = '2015-10-12-wellington-meeting';",
        {"2015-10-12-wellington-meeting": "title is binary data"},
    ),
}
UNKNOWN_NATION = "2014-09-22-mou-signed-ottawa"


def foreign(tmp_path: Path, bundled_db: Path, sql: str) -> Path:
    """A copy of the bundled database changed the way another tool would (no checks)."""
    path = tmp_path / "foreign.db"
    shutil.copyfile(bundled_db, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.executescript(sql)
    conn.commit()
    conn.close()
    return path


def one_note(err: str) -> str:
    notes = [line for line in err.splitlines() if "cspo-viewer: note:" in line]
    assert len(notes) == 1, err
    return notes[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_list_and_json_leave_out_unusable_events_and_name_them(case, tmp_path, bundled_db, capsys):
    sql, expected = CASES[case]
    path = foreign(tmp_path, bundled_db, sql)
    before = sha256(path)
    assert main(["list", "--db", str(path)]) == 0
    out, err = capsys.readouterr()
    assert f"{31 - len(expected)} of 31 events" in err
    note = one_note(err)
    for event_id, why in expected.items():
        assert event_id in note and why in note
    assert main(["list", "--db", str(path), "--json"]) == 0
    out, err = capsys.readouterr()
    ids = {r["id"] for r in json.loads(out)}
    assert len(ids) == 31 - len(expected) and not ids & expected.keys()
    one_note(err)
    assert sha256(path) == before


@pytest.mark.parametrize("case", sorted(CASES))
def test_json_dump_writes_the_usable_events(case, tmp_path, bundled_db, capsys):
    sql, expected = CASES[case]
    path = foreign(tmp_path, bundled_db, sql)
    out = tmp_path / "dump.json"
    assert main(["dump", "--db", str(path), "--format", "json", "--out", str(out)]) == 0
    events = json.loads(out.read_text(encoding="utf-8"))["events"]
    assert len(events) == 31 - len(expected)
    assert all(isinstance(e["title"], str) for e in events)
    one_note(capsys.readouterr().err)


@pytest.mark.parametrize("case", sorted(CASES))
def test_export_draws_the_usable_events(case, qapp, tmp_path, bundled_db, capsys):
    sql, expected = CASES[case]
    path = foreign(tmp_path, bundled_db, sql)
    out = tmp_path / "t.png"
    args = ["export", "--db", str(path), "--out", str(out), "--width", "640", "--height", "360"]
    assert main(args) == 0
    stdout, err = capsys.readouterr()
    assert out.stat().st_size > 1000
    assert f"{31 - len(expected)} events" in stdout
    assert all(event_id in one_note(err) for event_id in expected)


def test_unknown_nation_tag_is_left_out_of_lanes_and_records(tmp_path, bundled_db, capsys):
    path = foreign(
        tmp_path,
        bundled_db,
        f"INSERT INTO event_nations VALUES ('{UNKNOWN_NATION}', 'ZZZ');"
        "INSERT INTO event_nations VALUES ('no-such-event', 'AUS');",
    )
    with open_store(path) as store:
        table = load_table(store)
        assert len(table) == 31
        assert "ZZZ" not in {table.nations.names[t] for t in table.nations.tag}
        [record] = [r for r in store.records(EventFilter()) if r["id"] == UNKNOWN_NATION]
        assert "ZZZ" not in record["nation_codes"] and "ZZZ" not in record["nations"]
        detail = store.event_detail(UNKNOWN_NATION)
        assert detail is not None and "ZZZ" not in detail.row.nations
        note = store.skipped_note()
        assert UNKNOWN_NATION in note and "'ZZZ'" in note and "\n" not in note


def test_empty_kinds_table_is_one_sentence_exit_2(tmp_path, bundled_db, capsys):
    path = foreign(tmp_path, bundled_db, "DELETE FROM kinds;")
    for args in (["list"], ["list", "--json"], ["export", "--out", str(tmp_path / "x.png")]):
        assert main([*args, "--db", str(path)]) == 2
        out, err = capsys.readouterr()
        assert err.count("\n") == 1 and "kinds table is empty" in err, err
        assert "31 events" in err and out == ""
    assert not (tmp_path / "x.png").exists()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cspo_viewer", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        (CASES["bad dates"][0], "2014-09-22-mou-signed-ottawa"),
        (CASES["blob title"][0], "2015-10-12-wellington-meeting"),
        (f"INSERT INTO event_nations VALUES ('{UNKNOWN_NATION}', 'ZZZ');", UNKNOWN_NATION),
    ],
)
def test_screenshot_of_a_foreign_database(sql, named, tmp_path, bundled_db):
    path = foreign(tmp_path, bundled_db, sql)
    shot = tmp_path / "shot.png"
    result = run_cli(
        "--db", str(path), "--screenshot", str(shot), "--size", "800x600", "--group-by", "nation"
    )
    assert result.returncode == 0, result.stderr
    assert shot.stat().st_size > 1000
    assert named in one_note(result.stderr)


def test_screenshot_of_empty_kinds_is_one_sentence(tmp_path, bundled_db):
    path = foreign(tmp_path, bundled_db, "DELETE FROM kinds;")
    result = run_cli("--db", str(path), "--screenshot", str(tmp_path / "shot.png"))
    assert result.returncode == 2 and "kinds table is empty" in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr


def test_db_check_names_each_problem_by_event_id(tmp_path, bundled_db, capsys):
    sql = (
        CASES["bad dates"][0] + "UPDATE events SET title = randomblob(8)"
        " WHERE id = '2016-01-01-france-germany-observers';"
        + f"INSERT INTO event_nations VALUES ('{UNKNOWN_NATION}', 'ZZZ');"
    )
    path = foreign(tmp_path, bundled_db, sql)
    assert main(["db", "check", "--db", str(path)]) == 1
    out = capsys.readouterr().out
    assert "2014-09-22-mou-signed-ottawa: its date '2014-9-22'" in out
    assert "2015-07-01-new-zealand-joins: its date 'March 2025'" in out
    assert "2015-10-12-wellington-meeting: its date '2025-02-30'" in out
    assert "2016-01-01-france-germany-observers: its title is binary data" in out
    assert f"event {UNKNOWN_NATION}: its nation_code 'ZZZ' is not in nations" in out
    assert "row " not in out  # by event id, never "events row 31"


def test_db_check_names_missing_kinds_by_event(tmp_path, bundled_db, capsys):
    path = foreign(tmp_path, bundled_db, "DELETE FROM kinds;")
    assert main(["db", "check", "--db", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 31  # one per event, not one per event and foreign key
    assert "event 2014-09-22-mou-signed-ottawa: its kind 'founding' is not in" in "\n".join(lines)


def test_title_with_xml_noncharacters_is_drawn_safely(tmp_path, bundled_db):
    path = foreign(
        tmp_path,
        bundled_db,
        "UPDATE events SET short_title = 'Bad' || char(65535) || char(65534) || char(1)"
        " WHERE id = '2014-09-22-mou-signed-ottawa';",
    )
    with open_store(path) as store:
        table = load_table(store)
        label = table.labels[table.index_of("2014-09-22-mou-signed-ottawa")]
        assert label == "Bad\ufffd\ufffd\ufffd"
        # The stored text is passed on exactly where it is data, not drawing.
        [record] = [
            r for r in store.records(EventFilter()) if r["id"] == "2014-09-22-mou-signed-ottawa"
        ]
        assert record["short_title"] == "Bad\uffff\ufffe\x01"


def test_svg_export_of_a_title_with_noncharacters_is_valid_xml(qapp, tmp_path, bundled_db):
    from xml.dom import minidom

    path = foreign(
        tmp_path,
        bundled_db,
        "UPDATE events SET short_title = 'Bad' || char(65535) || char(65534)"
        " WHERE id = '2014-09-22-mou-signed-ottawa';",
    )
    out = tmp_path / "t.svg"
    args = ["export", "--db", str(path), "--out", str(out), "--width", "800", "--height", "450"]
    assert main(args) == 0
    minidom.parse(str(out))  # raises on a character XML does not allow
    assert "Bad\ufffd\ufffd" in out.read_text(encoding="utf-8")


def test_membership_with_a_bad_date_keeps_the_nation(tmp_path, bundled_db):
    path = foreign(
        tmp_path,
        bundled_db,
        "UPDATE memberships SET joined = 'March 2025' WHERE nation_code = 'JPN';",
    )
    with open_store(path) as store:
        [japan] = [n for n in store.nations() if n.code == "JPN"]
        assert japan.joined is None
        assert "membership of JPN" in store.skipped_note()


def test_date_span_ignores_dates_that_are_not_days(tmp_path, bundled_db):
    path = foreign(tmp_path, bundled_db, CASES["bad dates"][0])
    with open_store(path) as store, open_store(bundled_db) as sound:
        first, last = store.date_span()
        assert last == sound.date_span()[1] and first == sound.date_span()[0]


@pytest.mark.parametrize(
    ("date", "end", "last"),
    [
        ("2031-05-05", "March 2032", "2024-12-05"),  # its end is no day: the event is left out
        ("2031-05-05", "2020-01-01", "2024-12-05"),  # ends before it starts: left out too
        ("2031-05-05", None, "2031-05-05"),
    ],
)
def test_date_span_ends_at_the_last_real_end(tmp_path, bundled_db, date, end, last):
    path = tmp_path / "span.db"
    shutil.copy(bundled_db, path)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE events SET date = ?, end_date = ? WHERE id = ?",
            (date, end, "2024-12-06-florence-joint-statement"),
        )
    with open_store(path) as store:
        assert store.date_span() == ("2011-01-01", last)


def test_filter_in_words_holds_no_character_xml_forbids(store):
    from cspo_viewer.data.filters import build_filter

    flt = build_filter(store.vocabulary, text="x\uffffy\x01")
    assert flt.describe(store.vocabulary).endswith("Search: “x\ufffdy\ufffd”")
    assert flt.text == "x\uffffy\x01"  # the search itself is what was typed


def test_a_filter_matching_a_skipped_event_selects_nothing_in_its_place(tmp_path, bundled_db):
    from cspo_viewer.data.facets import value_counts
    from cspo_viewer.data.filters import build_filter
    from cspo_viewer.data.table import matching_mask

    path = foreign(tmp_path, bundled_db, CASES["bad dates"][0])
    with open_store(path) as store:
        table = load_table(store)
        flt = build_filter(store.vocabulary, kinds=["founding"])  # only the skipped MOU
        mask = matching_mask(store, table, flt)
        assert not mask.any()
        assert store.count(flt) == 0
        assert value_counts(table, "kind", table.all).get("founding", 0) == 0
        everything = build_filter(store.vocabulary, date_from="2000")
        assert int(matching_mask(store, table, everything).sum()) == len(table) == 28


@pytest.mark.parametrize("case", sorted(CASES))
def test_counts_do_not_depend_on_what_was_read_before(case, tmp_path, bundled_db):
    """The count, the ids and the sources of a filter leave out every unusable event
    whether or not the table was loaded first (they once left out only what an earlier
    load happened to record), and agree with the events the table shows."""
    path = foreign(tmp_path, bundled_db, CASES[case][0])
    everything = EventFilter()

    def answers(store):
        return store.count(everything), store.event_ids(everything), store.sources_for(everything)

    with open_store(path) as store:
        first = answers(store)
    with open_store(path) as store:
        table = load_table(store)
        assert answers(store) == first
    count, ids, _sources = first
    assert count == len(ids) == len(table)
    assert set(ids) == set(table.ids)
    assert not set(ids) & set(CASES[case][1])


def test_opening_a_foreign_database_in_the_window_says_what_was_left_out(
    controller, tmp_path, bundled_db
):
    path = foreign(tmp_path, bundled_db, CASES["blob title"][0])
    said: list[str] = []
    controller.message.connect(said.append)
    controller.open_database(path)
    assert controller.total_count == 30
    assert len(said) == 1 and "2015-10-12-wellington-meeting" in said[0]
    assert "title is binary data" in said[0]

"""`cspo-viewer import` and `dump`: what a script sees on stdout, stderr and in the exit code."""

from __future__ import annotations

import csv
import io
import json

from cspo_viewer.cli import main
from tests.conftest import sha256
from tests.interchange_support import FIXTURES, fresh_db, records

VALID = FIXTURES / "interchange" / "valid_bom.csv"
INVALID = FIXTURES / "interchange" / "invalid.csv"


def test_import_reports_counts_and_writes(tmp_path, capsys):
    db = fresh_db(tmp_path)
    assert main(["import", str(VALID), "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert "valid_bom.csv (csv): 3 added, 0 changed, 0 already present, 0 rejected" in out
    assert f"imported into {db}" in out and err == ""  # no progress bar off a terminal
    assert len(records(db)) == 3
    assert main(["import", str(VALID), "--db", str(db)]) == 0
    assert "0 to add, 0 to change, 3 already present" in capsys.readouterr().out


def test_dry_run_previews_and_writes_nothing(tmp_path, capsys):
    db = fresh_db(tmp_path)
    before = sha256(db)
    assert main(["import", str(VALID), "--db", str(db), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "3 to add" in out and "  add     2016-01-01" in out
    assert sha256(db) == before


def test_rejected_rows_exit_2_listing_every_problem(tmp_path, capsys):
    db = fresh_db(tmp_path)
    before = sha256(db)
    assert main(["import", str(INVALID), "--db", str(db)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "invalid.csv: row 2, column date: 2024-02-30 is not a real date" in err[0]
    assert len([line for line in err if line.startswith("invalid.csv: row ")]) == 12
    assert err[-1] == (
        "cspo-viewer: error: 12 event(s) rejected; nothing was imported "
        "(an import is all or nothing)"
    )
    assert sha256(db) == before


def test_import_never_creates_a_database(tmp_path, capsys):
    missing = tmp_path / "nowhere.db"
    assert main(["import", str(VALID), "--db", str(missing)]) == 2
    assert "No database at" in capsys.readouterr().err and not missing.exists()


def test_import_refuses_the_bundled_database(bundled_db, capsys):
    before = sha256(bundled_db)
    assert main(["import", str(VALID)]) == 2
    assert "db init --db mine.db" in capsys.readouterr().err
    assert sha256(bundled_db) == before


def test_import_of_a_missing_file_is_one_line(tmp_path, capsys):
    db = fresh_db(tmp_path)
    assert main(["import", str(tmp_path / "gone.csv"), "--db", str(db)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"cspo-viewer: error: {tmp_path / 'gone.csv'} does not exist"
    )


def test_progress_bar_on_request(tmp_path, capsys):
    db = fresh_db(tmp_path)
    assert main(["import", str(VALID), "--db", str(db), "--progress"]) == 0
    err = capsys.readouterr().err
    assert "100% [" in err and "3 events" in err and err.endswith("\n")


def test_import_options_map_group_and_on_conflict(tmp_path, capsys):
    db = fresh_db(tmp_path)
    sample = FIXTURES / "timelinejs" / "group_sample.json"
    assert main(["import", str(sample), "--db", str(db), "--map-group", "theme"]) == 0
    assert "new themes: Group 1" in capsys.readouterr().out


def test_import_help_says_all_or_nothing(capsys):
    try:
        main(["import", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "all or nothing" in out.lower() and "--on-conflict" in out


def test_dump_json_to_stdout_with_a_filter(capsys, store):
    assert main(["dump", "--nation", "Japan"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "cspo-viewer/events" and len(data["events"]) == 6
    assert all("JPN" in e["nation_codes"] for e in data["events"])
    assert "Nations: Japan" in data["title"]
    assert all("evidence" in e for e in data["events"])


def test_dump_csv_to_a_file_has_a_bom_and_every_event(tmp_path, capsys):
    out = tmp_path / "all.csv"
    assert main(["dump", "--format", "csv", "--out", str(out)]) == 0
    assert "wrote 31 events" in capsys.readouterr().err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == 31 and rows[0]["id"] == "2011-01-01-precursor-space-cooperation-forum"
    assert list(tmp_path.iterdir()) == [out]  # no temporary left behind


def test_dump_timelinejs_and_into_a_missing_folder(tmp_path, capsys):
    assert main(["dump", "--format", "timelinejs", "--kind", "founding"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["group"] for e in data["events"]] == ["Founding"]
    assert main(["dump", "--out", str(tmp_path / "no" / "x.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_dump_then_import_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "all.json"
    assert main(["dump", "--out", str(out)]) == 0
    db = fresh_db(tmp_path)
    assert main(["import", str(out), "--db", str(db)]) == 0
    assert "31 added" in capsys.readouterr().out
    assert main(["db", "check", "--db", str(db)]) == 0


def test_csv_without_sources_cites_the_file_or_the_given_title(tmp_path, capsys):
    plain = tmp_path / "board-notes.csv"
    plain.write_text("date,title\n2025-01-20,Board meets\n", encoding="utf-8")
    db = fresh_db(tmp_path)
    assert main(["import", str(plain), "--db", str(db)]) == 0
    assert "cite the file itself: “board-notes” (board-notes.csv)" in capsys.readouterr().out
    [event] = records(db)
    assert event["sources"][0]["title"] == "board-notes"
    other = fresh_db(tmp_path, "other.db")
    args = ["import", str(plain), "--db", str(other), "--source-title", "Analyst notes, Jan 2025"]
    assert main(args) == 0
    [event] = records(other)
    source = event["sources"][0]
    assert (source["title"], source["document"]) == ("Analyst notes, Jan 2025", "board-notes.csv")


def test_format_option_overrides_detection(tmp_path, capsys):
    db = fresh_db(tmp_path)
    sample = FIXTURES / "timelinejs" / "group_sample.json"
    assert main(["import", str(sample), "--db", str(db), "--format", "csv", "--dry-run"]) == 2
    assert "the first row must name date and title columns" in capsys.readouterr().err
    assert main(["import", str(sample), "--db", str(db), "--format", "json", "--dry-run"]) == 2
    assert "events[0].date: missing" in capsys.readouterr().err


def test_missing_file_with_a_forced_format_is_one_line(tmp_path, capsys):
    db = fresh_db(tmp_path)
    missing = tmp_path / "gone.json"
    assert main(["import", str(missing), "--db", str(db), "--format", "json"]) == 2
    assert capsys.readouterr().err.strip() == f"cspo-viewer: error: {missing} does not exist"

"""`cspo-viewer list` and `db`: what a script sees on stdout, stderr and in the exit code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cspo_viewer.cli import main
from cspo_viewer.data.filters import build_filter


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cspo_viewer", *args], capture_output=True, text=True, timeout=60
    )


def test_list_prints_events_by_date(capsys):
    assert main(["list", "--nation", "Japan"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 6 and "6 of 31 events" in err
    assert lines[0].startswith("2023-12-05")
    assert [line[:10] for line in lines] == sorted(line[:10] for line in lines)


def test_list_json_matches_data_layer(capsys, store):
    args = [
        "--nation",
        "FR",
        "--nation",
        "de",
        "--match-nations",
        "all",
        "--theme",
        "information-sharing",
        "--from",
        "2016",
        "--to",
        "2022-06",
    ]
    assert main(["list", *args, "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    flt = build_filter(
        store.vocabulary,
        nations=["FR", "de"],
        match_nations="all",
        themes=["information-sharing"],
        date_from="2016",
        date_to="2022-06",
    )
    assert [r["id"] for r in records] == store.event_ids(flt)
    first = records[0]
    for key in (
        "id",
        "date",
        "date_precision",
        "title",
        "kind",
        "location",
        "nations",
        "themes",
        "sources",
        "quotes",
    ):
        assert key in first
    assert "France" in first["nations"] and "Germany" in first["nations"]
    assert all(s["title"] for s in first["sources"])


def test_list_json_carries_quotes(capsys):
    assert main(["list", "--search", "Knighton", "--json"]) == 0
    [record] = json.loads(capsys.readouterr().out)
    speakers = {q["speaker"] for q in record["quotes"]}
    assert speakers == {"Air Chief Marshal Sir Richard Knighton", "Avril Jolliffe"}


def test_filter_before_the_subcommand_is_honoured(capsys):
    assert main(["--nation", "NOR", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--nation", "Narnia"], "unknown nation 'Narnia'; valid nations: Australia"),
        (["list", "--theme", "x"], "unknown theme 'x'; valid themes:"),
        (["list", "--kind", "x"], "unknown kind 'x'; valid kinds:"),
        (["list", "--from", "2024-13"], "invalid date '2024-13'"),
        (["list", "--from", "2024", "--to", "2019"], "after the end date"),
    ],
)
def test_bad_arguments_exit_2_with_message(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_argparse_errors_exit_2():
    result = run_cli("list", "--match-nations", "some")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_db_check_reports_problems(db_copy):
    import sqlite3

    with sqlite3.connect(db_copy) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(
            "DELETE FROM event_sources WHERE event_id = '2016-01-01-france-germany-observers'"
        )
    result = run_cli("db", "check", "--db", str(db_copy))
    assert result.returncode == 1
    assert "event 2016-01-01-france-germany-observers cites no source" in result.stdout


def test_db_build_then_check(tmp_path):
    out = tmp_path / "built.db"
    result = run_cli("db", "build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    check = run_cli("db", "check", "--db", str(out))
    assert check.returncode == 0 and "ok (31 events, schema v3)" in check.stdout
    assert "8 quotes verified verbatim; 23 quotes cite sources without stored text" in check.stdout


def test_db_init_creates_reference_rows_only(tmp_path):
    out = tmp_path / "mine.db"
    assert run_cli("db", "init", "--db", str(out)).returncode == 0
    listing = run_cli("list", "--db", str(out), "--json")
    assert listing.returncode == 0 and json.loads(listing.stdout) == []
    again = run_cli("db", "init", "--db", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr

"""Import from a pipe: standard input (`-`, /dev/stdin) and a FIFO are read once, never hang."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from cspo_viewer.data.interchange import import_file
from tests.interchange_support import FIXTURES, fresh_db, records

VALID = FIXTURES / "interchange" / "valid.json"
CSV = FIXTURES / "interchange" / "valid_bom.csv"


def run_import(arg: str, db, data: bytes, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cspo_viewer", "import", arg, "--db", str(db), *extra],
        input=data,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.parametrize("arg", ["-", "/dev/stdin"])
@pytest.mark.parametrize("fixture", [VALID, CSV])
def test_cat_file_into_import_reads_standard_input(tmp_path, arg, fixture):
    db = fresh_db(tmp_path)
    expected = len(records(_imported(tmp_path, fixture)))
    result = run_import(arg, db, fixture.read_bytes())
    assert result.returncode == 0, result.stderr.decode()
    assert f"{expected} added" in result.stdout.decode()
    assert len(records(db)) == expected
    again = run_import(arg, db, fixture.read_bytes(), "--dry-run")
    assert again.returncode == 0 and f"{expected} already present" in again.stdout.decode()


def _imported(tmp_path, fixture):
    db = fresh_db(tmp_path, "reference.db")
    assert import_file(db, fixture).written
    return db


def test_sourceless_events_from_standard_input_cite_it_by_name(tmp_path):
    timeline = b'{"events": [{"start_date": {"year": "2020"}, "text": {"headline": "Piped"}}]}'
    db = fresh_db(tmp_path)
    result = run_import("-", db, timeline)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().startswith("stdin (timelinejs): 1 added")
    [event] = records(db)
    assert [(s["title"], s["document"]) for s in event["sources"]] == [("stdin", "stdin")]


@pytest.mark.timeout(60)
def test_a_fifo_is_read_once_and_does_not_hang(tmp_path):
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)
    data = VALID.read_bytes()

    def feed() -> None:
        with open(fifo, "wb") as fh:  # blocks until the import opens it
            fh.write(data)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    db = fresh_db(tmp_path)
    report = import_file(db, fifo)
    writer.join(10)
    assert report.written and report.added == len(records(db)) > 0

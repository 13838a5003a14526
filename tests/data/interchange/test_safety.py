"""All or nothing: a rejected, crashed, cancelled or disk-full import leaves the database's
contents as they were (byte for byte when it is refused before writing); hostile files
give a clear error quickly and write nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from cspo_viewer.data import db_file as store_module
from cspo_viewer.data.interchange import (
    ImportCancelled,
    ImportOptions,
    InterchangeError,
    import_file,
)
from cspo_viewer.data.interchange.importer import TEST_HOOK_ENV
from cspo_viewer.data.interchange.model import MAX_JSON_BYTES
from tests.conftest import sha256
from tests.interchange_support import FIXTURES, big_csv, dump_text, fresh_db, leftovers

VALID = FIXTURES / "interchange" / "valid_bom.csv"


@pytest.fixture
def populated(tmp_path: Path) -> Path:
    """A database that already holds events, so "unchanged" means something."""
    db = fresh_db(tmp_path)
    assert import_file(db, FIXTURES / "timelinejs" / "partial_dates.json").written
    return db


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cspo_viewer", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_rejected_import_leaves_the_file_unchanged(populated):
    before_dump, before_hash = dump_text(populated), sha256(populated)
    report = import_file(populated, FIXTURES / "interchange" / "invalid.csv")
    assert report.rejected and not report.written
    assert sha256(populated) == before_hash and dump_text(populated) == before_dump
    assert leftovers(populated) == []


@pytest.mark.slow  # four whole imports of a large file, each killed and recovered (~2 min)
@pytest.mark.parametrize("journal", ["delete", "wal"])
@pytest.mark.parametrize("hook", ["exit", "sleep"])
def test_process_killed_mid_import_leaves_the_database_as_it_was(
    populated, tmp_path, hook, journal
):
    """Killed inside the transaction, after a first batch large enough that SQLite has
    already written pages to the file (the rollback journal is then "hot"): SQLite's
    recovery gives back the database as it was, to the very next program that reads it,
    even a read-only one."""
    if journal == "wal":
        _journal_mode(populated, "wal")
    source = big_csv(tmp_path / "big.csv", summary="a long summary " * 1000)
    before_dump = dump_text(populated)
    args = [sys.executable, "-m", "cspo_viewer", "import", str(source), "--db", str(populated)]
    env = {**os.environ, TEST_HOOK_ENV: hook}
    if hook == "exit":
        result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 86  # died inside the transaction
    else:
        proc = subprocess.Popen(args, env=env, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        assert "sleeping mid-import" in proc.stderr.readline()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()
    if journal == "delete":
        journal_file = populated.with_name(populated.name + "-journal")
        assert journal_file.exists()  # the killed import's changes reached the file
    listed = _cli("list", "--db", str(populated))  # read-only, the first to open it
    assert listed.returncode == 0, listed.stderr
    assert "Event number" not in listed.stdout
    assert dump_text(populated) == before_dump
    assert _integrity(populated) == "ok"
    check = _cli("db", "check", "--db", str(populated))
    assert check.returncode == 0, check.stdout + check.stderr
    assert leftovers(populated) == []
    assert _journal_mode(populated) == journal  # the file keeps its journal mode
    assert import_file(populated, source).written
    assert "Event number 11999" in dump_text(populated)


def _journal_mode(db: Path, mode: str | None = None) -> str:
    conn = sqlite3.connect(db)
    try:
        pragma = f"PRAGMA journal_mode = {mode}" if mode else "PRAGMA journal_mode"
        return str(conn.execute(pragma).fetchone()[0])
    finally:
        conn.close()


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("method", "value", "unknown"),
    [
        ("_nations_of", ("XXX",), "nation 'XXX'"),
        ("_themes_of", ("no-such-theme",), "theme 'no-such-theme'"),
        ("_kind", ("no-such-kind", None), "kind 'no-such-kind'"),
    ],
)
def test_a_reference_that_slips_past_validation_is_refused_and_writes_nothing(
    populated, tmp_path, monkeypatch, method, value, unknown
):
    """SQLite checks every reference as it is written (foreign keys are on), so even a
    validator bug cannot leave a dangling tag: the import is refused and rolled back."""
    from cspo_viewer.data.interchange.validate import Validator

    monkeypatch.setattr(Validator, method, lambda self, raw, *extra: value)
    before = sha256(populated)
    with pytest.raises(InterchangeError, match=r"FOREIGN KEY constraint failed\); nothing was"):
        import_file(populated, big_csv(tmp_path / "bulk.csv", 600))
    assert sha256(populated) == before, unknown
    assert leftovers(populated) == []


def test_a_quote_reference_that_slips_past_validation_is_refused(populated, tmp_path, monkeypatch):
    from cspo_viewer.data.interchange.validate import Validator

    monkeypatch.setattr(Validator, "_quote_nation", lambda self, raw, name, item: "XXX")
    path = tmp_path / "quoted.csv"
    path.write_text(
        "date,title,source_title,quote,quote_speaker\n2024-01-01,One,S,Words,A. Speaker\n",
        encoding="utf-8",
    )
    before = sha256(populated)
    with pytest.raises(InterchangeError, match=r"refused an imported event \(FOREIGN KEY"):
        import_file(populated, path)
    assert sha256(populated) == before


def test_disk_full_while_writing_changes_nothing(populated, tmp_path, monkeypatch):
    """SQLite's own "database or disk is full", met inside the transaction (here from a
    page limit: the file may grow by a few pages only)."""
    before_dump, before_hash = dump_text(populated), sha256(populated)
    real_connect = store_module.connect

    def small_disk(path, *, writable):
        conn = real_connect(path, writable=writable)
        if writable:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + 3}")
        return conn

    monkeypatch.setattr(store_module, "connect", small_disk)
    with pytest.raises(InterchangeError, match="is full; nothing was imported"):
        import_file(populated, big_csv(tmp_path / "big.csv", 3000))
    assert sha256(populated) == before_hash and dump_text(populated) == before_dump
    assert leftovers(populated) == []


@pytest.mark.parametrize("phase", ["checking", "writing"])
def test_cancelling_from_the_progress_callback_changes_nothing(populated, tmp_path, phase):
    """Cancel while the file is checked, or while it is being written (the transaction is
    rolled back)."""
    before_dump, before_hash = dump_text(populated), sha256(populated)
    phases = []

    def cancel(progress):
        phases.append(progress.phase)
        if progress.phase == phase and progress.events >= 1000:
            raise ImportCancelled

    with pytest.raises(ImportCancelled):
        import_file(populated, big_csv(tmp_path / "big.csv", 40_000), progress=cancel)
    assert phase in phases and "saving" not in phases
    assert dump_text(populated) == before_dump
    if phase == "checking":
        assert sha256(populated) == before_hash
    assert leftovers(populated) == []


def test_dry_run_writes_nothing(populated):
    before_hash = sha256(populated)
    report = import_file(populated, VALID, ImportOptions(dry_run=True))
    assert report.added == 3 and not report.written
    assert sha256(populated) == before_hash


# --- hostile input ------------------------------------------------------------------------
MIB = 1024 * 1024


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def hostile_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    big = "x" * (50 * MIB)
    return {
        "json 50 MB field": (
            _write(
                tmp / "big.json",
                ('{"events": [{"date": "2024-01-01", "title": "' + big + '"}]}').encode(),
            ),
            "larger than 8 MiB",
        ),
        "csv 50 MB field on one line": (
            _write(tmp / "big.csv", ("date,title\n2024-01-01," + big + "\n").encode()),
            "line longer than 8 MiB",
        ),
        "csv 50 MB quoted field over many lines": (
            _write(
                tmp / "lines.csv",
                ('date,title\n2024-01-01,"' + ("y" * 1000 + "\n") * 52_000 + '"\n').encode(),
            ),
            "field larger than 8 MiB",
        ),
        "deeply nested json": (
            _write(tmp / "deep.json", b'{"events": [' + b"[" * 200_000 + b"]" * 200_000 + b"]}"),
            "nested too deeply",
        ),
        "deeply nested inside an event": (
            _write(
                tmp / "deep2.json",
                b'[{"date": "2024-01-01", "title": '
                + b'{"a":' * 100_000
                + b"1"
                + b"}" * 100_000
                + b"}]",
            ),
            "nested too deeply",
        ),
        "csv with NUL bytes": (
            _write(tmp / "nul.csv", b"date,title\n2024-01-01,a\x00b\n"),
            "not a text file",
        ),
        "NUL after the first 64 KiB": (
            _write(
                tmp / "nul2.csv",
                b"date,title\n" + b"2024-01-01,ok\n" * 10_000 + b"2024-01-01,a\x00b\n",
            ),
            "not a text file",
        ),
        "binary file": (
            _write(tmp / "image.png", b"\x89PNG\r\n\x1a\n" + os.urandom(4096)),
            "not a text file",
        ),
        "latin-1 text": (
            _write(tmp / "latin1.csv", "date,title\n2024-01-01,Zürich\n".encode("latin-1")),
            "is not UTF-8 text",
        ),
        "utf-16 text": (
            _write(tmp / "utf16.csv", "date,title\n2024-01-01,x\n".encode("utf-16")),
            "UTF-16",
        ),
        "empty file": (_write(tmp / "empty.json", b""), "is empty"),
        "truncated json": (
            _write(tmp / "cut.json", b'{"events": [{"date": "2024-01-01", "title": "a"}, {"da'),
            "not valid JSON",
        ),
        "json with trailing rubbish": (
            _write(tmp / "tail.json", b'{"events": []} and more'),
            "unexpected text after the end",
        ),
        "a number with 100,000 digits": (
            _write(tmp / "int.json", b'[{"date": ' + b"9" * 100_000 + b"}]"),
            "holds a number of 100,000 digits on line 1",
        ),
        "neither json nor csv": (
            _write(tmp / "prose.txt", b"Dear analyst,\nplease import this.\n"),
            "neither JSON nor a CSV file",
        ),
    }


def test_hostile_files_fail_fast_with_a_clear_error_and_write_nothing(populated, tmp_path):
    before_hash = sha256(populated)
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, (path, message) in hostile_files(folder).items():
        started = time.monotonic()
        with pytest.raises(InterchangeError) as info:
            import_file(populated, path)
        assert message in str(info.value), (name, str(info.value))
        assert time.monotonic() - started < 20, name
        assert sha256(populated) == before_hash, name
    assert leftovers(populated) == []


def test_hostile_file_on_the_command_line_is_one_line_and_exit_2(populated, tmp_path):
    path = _write(tmp_path / "nul.csv", b"date,title\n2024-01-01,a\x00b\n")
    result = _cli("import", str(path), "--db", str(populated))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"cspo-viewer: error: {path} is not a text file (it contains a NUL byte at offset 23)"
    ]


def test_a_large_csv_file_is_streamed_not_loaded(tmp_path):
    """48 MB of CSV events: Python's peak memory stays well below the file's size."""
    summary = "word " * 24_000  # 120 kB per event
    path = tmp_path / "large.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("date,title,summary\n")
        for i in range(400):
            out.write(f"2024-01-01,E{i},{summary}\n")
    assert path.stat().st_size > 45_000_000
    db = fresh_db(tmp_path)
    tracemalloc.start()
    try:
        report = import_file(db, path, ImportOptions(dry_run=True))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.added == 400
    assert peak < 20_000_000, peak  # a batch and the read buffer, not the file


def test_a_large_json_file_is_streamed_not_loaded(tmp_path):
    """72 MB of JSON events, more than is read whole: it is read event by event, and
    Python's peak memory stays well below the file's size."""
    summary = "word " * 24_000  # 120 kB per event
    path = tmp_path / "large.json"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"format": "cspo-viewer/events", "title": "Large", "events": [')
        out.write(
            ",\n".join(
                f'{{"date": "2024-01-01", "title": "E{i}", "summary": "{summary}"}}'
                for i in range(600)
            )
        )
        out.write("]}\n")
    assert path.stat().st_size > MAX_JSON_BYTES
    db = fresh_db(tmp_path)
    tracemalloc.start()
    try:
        report = import_file(db, path, ImportOptions(dry_run=True))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.added == 600 and report.ok
    assert report.notes[-1] == "events without sources cite the file itself: “Large” (large.json)"
    assert peak < 30_000_000, peak  # a batch and the read buffer, not the file

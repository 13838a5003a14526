"""All or nothing: a rejected, crashed, cancelled or disk-full import leaves the database as
it was, byte for byte; hostile files give a clear error quickly and write nothing."""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cspo_viewer.data.interchange import (
    ImportCancelled,
    ImportOptions,
    InterchangeError,
    import_file,
    workcopy,
    writer,
)
from cspo_viewer.data.interchange.importer import TEST_HOOK_ENV
from tests.conftest import sha256
from tests.interchange_support import FIXTURES, dump_text, fresh_db

VALID = FIXTURES / "interchange" / "valid_bom.csv"


@pytest.fixture
def populated(tmp_path: Path) -> Path:
    """A database that already holds events, so "unchanged" means something."""
    db = fresh_db(tmp_path)
    assert import_file(db, FIXTURES / "timelinejs" / "partial_dates.json").written
    return db


def _big_csv(path: Path, n: int = 12_000) -> Path:
    """Enough rows for several batches, so a crash lands mid-import."""
    lines = ["date,title,nations,source_title"]
    lines += [f"2020-01-{1 + i % 28:02d},Event number {i},AUS;CAN,Bulk source" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _leftovers(db: Path) -> list[Path]:
    return list(db.parent.glob(f".{db.name}{workcopy.COPY_INFIX}*"))


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
    assert _leftovers(populated) == []


@pytest.mark.parametrize("hook", ["exit", "sleep"])
def test_process_killed_mid_import_leaves_the_database_as_it_was(populated, tmp_path, hook):
    source = _big_csv(tmp_path / "big.csv")
    before_dump, before_hash = dump_text(populated), sha256(populated)
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
    assert sha256(populated) == before_hash and dump_text(populated) == before_dump
    check = _cli("db", "check", "--db", str(populated))
    assert check.returncode == 0, check.stdout + check.stderr
    assert _leftovers(populated)  # the killed import's working copy ...
    assert import_file(populated, source).written
    assert _leftovers(populated) == []  # ... is cleared by the next import
    assert "Event number 11999" in dump_text(populated)


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
    """The working copy skips SQLite's per-row foreign-key checks; the writer checks each
    batch's references itself, so even a validator bug cannot leave a dangling tag."""
    from cspo_viewer.data.interchange.validate import Validator

    monkeypatch.setattr(Validator, method, lambda self, raw, *extra: value)
    before = sha256(populated)
    with pytest.raises(InterchangeError, match=f"cites the unknown {unknown}; nothing was"):
        import_file(populated, _big_csv(tmp_path / "bulk.csv", 600))
    assert sha256(populated) == before
    assert _leftovers(populated) == []


def test_a_quote_reference_that_slips_past_validation_is_refused(populated, tmp_path, monkeypatch):
    from cspo_viewer.data.interchange.validate import Validator

    monkeypatch.setattr(Validator, "_quote_nation", lambda self, raw, name, item: "XXX")
    path = tmp_path / "quoted.csv"
    path.write_text(
        "date,title,source_title,quote,quote_speaker\n2024-01-01,One,S,Words,A. Speaker\n",
        encoding="utf-8",
    )
    before = sha256(populated)
    with pytest.raises(InterchangeError, match="imported quote cites the unknown nation 'XXX'"):
        import_file(populated, path)
    assert sha256(populated) == before


def test_disk_full_while_writing_changes_nothing(populated, tmp_path, monkeypatch):
    before_dump, before_hash = dump_text(populated), sha256(populated)

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(writer.Writer, "write", full)
    with pytest.raises(InterchangeError, match="is full; nothing was imported"):
        import_file(populated, _big_csv(tmp_path / "big.csv", 10))
    assert sha256(populated) == before_hash and dump_text(populated) == before_dump
    assert _leftovers(populated) == []


def test_a_failed_handover_stops_those_queued_behind_it(populated, tmp_path, monkeypatch):
    """The helper may hold two handovers; after one fails, the next is not written on top
    of it, and the reading thread hears of the first failure."""
    written = []
    gate = threading.Event()

    def fail_first(self, image, staged):
        written.append(len(written))
        gate.wait(10)  # hold the helper until the next handover is queued behind this one
        raise sqlite3.OperationalError("database or disk is full")

    real_handover = writer.Writer.handover

    def handover(self):
        real_handover(self)
        if len(self._pending) == writer.QUEUED:
            gate.set()

    monkeypatch.setattr(writer.Writer, "_write_stage", fail_first)
    monkeypatch.setattr(writer.Writer, "handover", handover)
    before_hash = sha256(populated)
    with pytest.raises(InterchangeError, match="is full; nothing was imported"):
        import_file(populated, _big_csv(tmp_path / "big.csv", 3000))
    assert gate.is_set() and written == [0]
    assert sha256(populated) == before_hash and _leftovers(populated) == []


def test_no_room_for_the_working_copy_changes_nothing(populated, monkeypatch):
    before_hash = sha256(populated)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(workcopy.shutil, "copyfile", no_space)
    with pytest.raises(InterchangeError, match="not enough disk space"):
        import_file(populated, VALID)
    assert sha256(populated) == before_hash and _leftovers(populated) == []


def test_cancelling_from_the_progress_callback_changes_nothing(populated, tmp_path):
    before_hash = sha256(populated)

    def cancel(progress):
        if progress.events >= 1000:
            raise ImportCancelled

    with pytest.raises(ImportCancelled):
        import_file(populated, _big_csv(tmp_path / "big.csv"), progress=cancel)
    assert sha256(populated) == before_hash and _leftovers(populated) == []


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
            "unreadable value",
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
    assert _leftovers(populated) == []


def test_hostile_file_on_the_command_line_is_one_line_and_exit_2(populated, tmp_path):
    path = _write(tmp_path / "nul.csv", b"date,title\n2024-01-01,a\x00b\n")
    result = _cli("import", str(path), "--db", str(populated))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"cspo-viewer: error: {path} is not a text file (it contains a NUL byte at offset 23)"
    ]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_large_file_is_streamed_not_loaded(tmp_path, fmt):
    """48 MB of events: Python's peak memory stays well below the file's size."""
    import json
    import tracemalloc

    summary = "word " * 24_000  # 120 kB per event
    path = tmp_path / f"large.{fmt}"
    with path.open("w", encoding="utf-8") as out:
        if fmt == "json":
            out.write('{"events": [\n')
            for i in range(400):
                event = {"date": "2024-01-01", "title": f"E{i}", "summary": summary}
                out.write(("," if i else "") + json.dumps(event) + "\n")
            out.write("]}\n")
        else:
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
    assert peak < 20_000_000, peak  # one 8 MiB batch and the read buffer, not the file


def test_an_interrupted_wait_keeps_the_running_handover_for_close_to_stop():
    """Ctrl+C while waiting for the helper: the handover still running stays queued, so
    ``close`` interrupts it rather than waiting for it to run its course."""
    from collections import deque
    from concurrent.futures import Future

    class Interrupted(Future):
        def result(self, timeout=None):
            raise KeyboardInterrupt

    done: Future[None] = Future()
    done.set_exception(sqlite3.OperationalError("database or disk is full"))
    w = writer.Writer.__new__(writer.Writer)
    w._pending = deque([Interrupted()])
    with pytest.raises(KeyboardInterrupt):
        w._wait_oldest()
    assert len(w._pending) == 1  # still running: close() will interrupt it
    w._pending = deque([done])
    with pytest.raises(sqlite3.OperationalError):
        w._wait_oldest()
    assert not w._pending  # finished, failed: gone from the queue, its error raised

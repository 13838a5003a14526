"""What a user is told when SQLite or the system refuses: the cause in one line, exit 2.

A lock held by another program, a trigger's RAISE, a full disk, a file-size limit and a
read-only folder are not damage, and are not called damage.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from cspo_viewer.cli import main
from cspo_viewer.data import build
from cspo_viewer.data.dates import from_day, period_end, to_day
from cspo_viewer.data.db_file import connect, sqlite_message
from cspo_viewer.data.store import open_store
from tests.conftest import sha256
from tests.paths import REPO


def error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


def test_database_locked_by_another_program_is_called_locked(db_copy, capsys):
    holder = sqlite3.connect(db_copy, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert main(["list", "--db", str(db_copy)]) == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = error_line(capsys)
    assert "locked by another program" in err and "damaged" not in err


def test_a_triggers_raise_is_its_refusal_not_damage(db_copy, capsys):
    with sqlite3.connect(db_copy) as conn:
        conn.execute(
            "CREATE TRIGGER frozen BEFORE INSERT ON events"
            " BEGIN SELECT RAISE(ABORT, 'events are frozen'); END"
        )
    before = sha256(db_copy)
    source = REPO / "tests" / "fixtures" / "interchange" / "valid.json"
    assert main(["import", str(source), "--db", str(db_copy)]) == 2
    err = error_line(capsys)
    assert "own trigger" in err and "events are frozen" in err and "damaged" not in err
    assert sha256(db_copy) == before


def sqlite_error(code: int, text: str) -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code
    return exc


def test_full_disk_in_db_init_is_called_a_full_disk(tmp_path, capsys, monkeypatch):
    def full(*args, **kwargs):
        raise sqlite_error(13, "database or disk is full")

    monkeypatch.setattr(build, "insert_reference", full)
    target = tmp_path / "new.db"
    assert main(["db", "init", "--db", str(target)]) == 2
    err = error_line(capsys)
    assert "is full" in err and "damaged" not in err
    assert list(tmp_path.iterdir()) == []


def test_file_size_limit_is_named(tmp_path):
    """``ulimit -f``: SQLite meets EFBIG and says "disk I/O error"; we name the limit."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))

    target = tmp_path / "new.db"
    result = subprocess.run(
        [sys.executable, "-m", "cspo_viewer", "db", "init", "--db", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit,
    )
    assert result.returncode == 2, result.stderr
    assert "ulimit -f" in result.stderr and "damaged" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert not target.exists()


def test_wal_database_in_a_read_only_folder_is_named(tmp_path, monkeypatch):
    """Root ignores folder permissions, so the refusal SQLite gives an ordinary user is
    made here: a WAL file whose -shm cannot be created."""
    path = tmp_path / "wal.db"
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode)
    )
    message = sqlite_message(path, sqlite_error(14, "unable to open database file"))
    assert "folder" in message and "read-only" in message and "WAL" in message
    assert "damaged" not in message


def test_damaged_file_is_one_line_and_db_check_lists_its_problems(tmp_path, capsys):
    path = tmp_path / "damaged.db"
    build.build_database(REPO / "db" / "src", path)
    with sqlite3.connect(path) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'")
        page = 4096 * (root.fetchone()[0] - 1)
    data = bytearray(path.read_bytes())
    data[page : page + 4096] = b"\xee" * 4096
    path.write_bytes(bytes(data))
    before = sha256(path)
    assert main(["list", "--db", str(path)]) == 2
    err = error_line(capsys)  # SQLite's integrity message holds a line break
    assert "is damaged" in err and "db check" in err
    assert main(["db", "check", "--db", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "integrity: *** in database main *** Page" in out
    assert "full-text index events_fts does not match" in out
    assert "run: cspo-viewer db check" not in out + err
    assert sha256(path) == before


def test_db_check_finds_a_damaged_full_text_index(db_copy, capsys):
    with sqlite3.connect(db_copy) as conn:
        conn.execute(
            "DELETE FROM events_fts_data WHERE rowid IN"
            " (SELECT rowid FROM events_fts_data WHERE id > 10 LIMIT 3 OFFSET 2)"
        )
    before = sha256(db_copy)
    assert main(["db", "check", "--db", str(db_copy)]) == 1
    out = capsys.readouterr().out
    assert "full-text index events_fts does not match the events table" in out
    assert sha256(db_copy) == before


def test_sound_database_passes_the_full_text_check(capsys):
    assert main(["db", "check"]) == 0
    assert "ok (31 events" in capsys.readouterr().out


def test_reads_are_not_memory_mapped(bundled_db):
    """A file truncated while open must be an SQLite error, never SIGBUS."""
    conn = connect(bundled_db, writable=False)
    try:
        assert conn.execute("PRAGMA mmap_size").fetchone()[0] == 0
    finally:
        conn.close()


def test_file_truncated_while_open_is_an_error_not_a_crash(db_copy):
    script = (
        "import os, sqlite3, sys\n"
        "from cspo_viewer.data.store import open_store\n"
        "s = open_store(sys.argv[1])\n"
        "os.truncate(sys.argv[1], 8192)\n"
        "try:\n"
        "    sql = 'SELECT COUNT(*), MAX(length(statement_text)) FROM events'\n"
        "    s.conn.execute(sql).fetchall()\n"
        "    print('read')\n"
        "except sqlite3.DatabaseError as exc:\n"
        "    print('error', exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(db_copy)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr  # not -SIGBUS
    assert result.stdout.startswith("error")


def test_list_to_a_full_device_is_one_sentence():
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cspo_viewer", "list"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert (
        result.stderr == "cspo-viewer: error: cannot write the output: No space left on device.\n"
    )


def test_screenshot_onto_a_folder_is_refused(tmp_path):
    (tmp_path / "d.png").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "cspo_viewer", "--screenshot", "d.png"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr == "cspo-viewer: error: cannot write d.png: it is a folder\n"
    assert list((tmp_path / "d.png").iterdir()) == []


def test_screenshot_on_a_full_disk_is_one_line(tmp_path, capsys, monkeypatch):
    """The PNG is encoded in memory and written by us: no "libpng error" line first."""

    def full(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    target = tmp_path / "shot.png"
    assert main(["--screenshot", str(target), "--size", "640x480"]) == 2
    err = error_line(capsys)
    assert "No space left on device" in err and "nothing was written" in err
    assert list(tmp_path.iterdir()) == []


def test_end_of_december_9999_is_computed_without_overflow():
    assert period_end("9999-12-01", "month") == "9999-12-31"
    assert period_end("2024-02-01", "month") == "2024-02-29"
    assert from_day(to_day("9999-12-31") + 40).isoformat() == "9999-12-31"


def test_import_at_the_end_of_the_calendar(db_copy, tmp_path, capsys):
    source = tmp_path / "far.json"
    source.write_text(
        '{"format": "cspo-viewer/events", "version": 1, "events": [{"id": "far",'
        ' "date": "9999-12-31", "end_date": "9999-12", "title": "Far", "kind": "other",'
        ' "nations": ["AUS"], "sources": [{"title": "A source"}]}]}',
        encoding="utf-8",
    )
    assert main(["import", str(source), "--db", str(db_copy)]) == 0, capsys.readouterr()
    with open_store(db_copy) as store:
        detail = store.event_detail("far")
        assert detail is not None and detail.row.end_date == "9999-12-31"


def test_db_build_with_a_missing_statement_file_is_one_sentence(tmp_path, capsys):
    src = tmp_path / "src"
    shutil.copytree(REPO / "db" / "src", src)
    for text in (src / "statements").glob("*.txt"):
        text.unlink()
    out = tmp_path / "built.db"
    assert main(["db", "build", "--src", str(src), "--out", str(out)]) == 2
    err = error_line(capsys)
    assert "names the statement file statements/" in err and "not in" in err
    assert not out.exists()


def test_sqlite_messages_never_hold_line_breaks(bundled_db):
    assert "\n" not in sqlite_message(bundled_db, sqlite_error(11, "bad\npage"))

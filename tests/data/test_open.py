"""Opening a database is safe: bad files give one clear sentence and stay byte-identical."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from cspo_viewer.cli import main
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.store import open_store
from tests.conftest import sha256


def _truncated(tmp: Path, src: Path) -> Path:
    p = tmp / "truncated.db"
    p.write_bytes(src.read_bytes()[: 3 * 4096 + 100])
    return p


def _corrupt(tmp: Path, src: Path) -> Path:
    p = tmp / "corrupt.db"
    data = bytearray(src.read_bytes())
    for i in range(8192, len(data) - 4096, 4096):  # scribble over every page but the first two
        data[i + 10 : i + 60] = b"\xff" * 50
    p.write_bytes(bytes(data))
    return p


def _newer(tmp: Path, src: Path) -> Path:
    p = tmp / "newer.db"
    shutil.copyfile(src, p)
    with sqlite3.connect(p) as conn:
        conn.execute("PRAGMA user_version = 99")
    return p


def _foreign(tmp: Path, src: Path) -> Path:
    p = tmp / "foreign.db"
    with sqlite3.connect(p) as conn:
        conn.execute("CREATE TABLE t (x)")
    return p


CASES = {
    "missing": (lambda tmp, src: tmp / "nope.db", "No database at"),
    "empty": (
        lambda tmp, src: (tmp / "empty.db", (tmp / "empty.db").write_bytes(b""))[0],
        "is empty",
    ),
    "not sqlite": (
        lambda tmp, src: (tmp / "notes.db", (tmp / "notes.db").write_text("hello, world\n" * 100))[
            0
        ],
        "is not an SQLite database",
    ),
    "truncated": (_truncated, "truncated"),
    "corrupt": (_corrupt, "damaged"),
    "newer schema": (_newer, "newer cspo-viewer (schema v99)"),
    "other sqlite": (_foreign, "not a cspo-viewer one"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_database_clear_message_exit_2_bytes_unchanged(case, tmp_path, bundled_db, capsys):
    make, message = CASES[case]
    path = make(tmp_path, bundled_db)
    before = sha256(path) if path.exists() else None
    with pytest.raises(DatabaseError, match=re.escape(message)):
        open_store(path)
    assert main(["list", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cspo-viewer: error: ") and message in err
    assert err.count("\n") == 1  # one sentence, no traceback
    after = sha256(path) if path.exists() else None
    assert before == after
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [path.name] if path.exists() else []
    )  # no journal or stray files


def test_read_only_file_opens_for_reading_but_not_for_writing(db_copy):
    os.chmod(db_copy, 0o444)
    try:
        before = sha256(db_copy)
        with open_store(db_copy) as store:
            assert store.total_events() == 31
        with pytest.raises(DatabaseError, match="read-only"):
            open_store(db_copy, writable=True)
        assert sha256(db_copy) == before
    finally:
        os.chmod(db_copy, 0o644)


def test_hostile_database_triggers_and_views_do_not_run(db_copy, tmp_path):
    """A database from elsewhere may carry triggers; we never write through a read connection."""
    marker = tmp_path / "pwned.db"
    with sqlite3.connect(db_copy) as conn:
        conn.execute("CREATE VIEW evil AS SELECT 1")
        conn.execute(
            "CREATE TRIGGER t AFTER INSERT ON quotes BEGIN SELECT load_extension('x'); END"
        )
    before = sha256(db_copy)
    with open_store(db_copy) as store:
        assert store.total_events() == 31
        with pytest.raises(sqlite3.OperationalError):
            store.conn.execute(f"ATTACH DATABASE '{marker}' AS x")
    assert sha256(db_copy) == before
    assert not marker.exists()


def test_large_file_damaged_deep_inside_is_reported_when_met(tmp_path, monkeypatch, capsys):
    """Above the quick-check size, damage is found by the query that meets it: still one
    sentence and exit 2, and the file is untouched."""
    from cspo_viewer.data import db_file as store_module
    from cspo_viewer.data.build import build_database
    from cspo_viewer.paths import data_src_dir

    path = tmp_path / "big.db"
    build_database(data_src_dir(), path)
    data = bytearray(path.read_bytes())
    with sqlite3.connect(path) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()[
            0
        ]
    page = 4096 * (root - 1)
    data[page : page + 4096] = b"\xee" * 4096
    path.write_bytes(bytes(data))
    before = sha256(path)
    monkeypatch.setattr(store_module, "QUICK_CHECK_MAX_BYTES", 0)
    assert main(["list", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "is damaged" in err and "db check" in err and err.count("\n") == 1
    assert sha256(path) == before

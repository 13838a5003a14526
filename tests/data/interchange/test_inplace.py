"""The import writes the database in place, through SQLite's own locks and journal: other
programs' changes are kept, WAL files stay sound, links, owner and mode stay as they are,
and a database another program is writing gives one sentence and exit 2."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cspo_viewer.data.interchange import import_file
from cspo_viewer.data.store import open_store
from tests.interchange_support import FIXTURES, big_csv, fresh_db, records

VALID = FIXTURES / "interchange" / "valid_bom.csv"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cspo_viewer", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _source_titles(db: Path) -> set[str]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT title FROM sources")}
    finally:
        conn.close()


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _other_program(db: Path) -> sqlite3.Connection:
    """Another program's connection, in autocommit mode so each statement says when."""
    return sqlite3.connect(db, isolation_level=None, timeout=10)


def test_wal_database_with_a_reader_and_an_unchecked_change(tmp_path):
    """Another program has the WAL database open, a read transaction held and a committed
    change that is still only in the -wal file: the import keeps that change, every
    command still reads the file, and it stays in WAL mode."""
    db = fresh_db(tmp_path)
    other = _other_program(db)
    assert other.execute("PRAGMA journal_mode = wal").fetchone()[0] == "wal"
    other.execute("PRAGMA wal_autocheckpoint = 0")  # the change stays in the -wal file
    other.execute("UPDATE sources SET title = 'Changed by the other program'")
    reader = _other_program(db)
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)  # holds a snapshot
    try:
        assert db.with_name(db.name + "-wal").stat().st_size > 0
        result = _cli("import", str(VALID), "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert reader.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)  # its snapshot
    finally:
        reader.close()
        other.close()
    listed = _cli("list", "--db", str(db))
    assert listed.returncode == 0, listed.stderr
    assert "Florence Principals' Board, 2024" in listed.stdout
    assert "Changed by the other program" in _source_titles(db)
    assert _integrity(db) == "ok"
    check = _cli("db", "check", "--db", str(db))
    assert check.returncode == 0, check.stdout + check.stderr
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_a_commit_by_another_program_during_the_import_is_kept(tmp_path, journal):
    """The other program holds the write lock when the import wants it, and commits a
    moment later: the import waits for it, and both changes are in the file."""
    db = fresh_db(tmp_path)
    other = _other_program(db)
    other.execute(f"PRAGMA journal_mode = {journal}")
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE sources SET title = 'Committed meanwhile'")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cspo_viewer", "import", str(VALID), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)  # the import has checked the file and waits for the lock
        assert proc.poll() is None
        other.execute("COMMIT")
        out, err = proc.communicate(timeout=60)
    finally:
        other.close()
    assert proc.returncode == 0, err
    assert "imported into" in out
    assert "Committed meanwhile" in _source_titles(db)
    assert len(records(db)) == 3
    assert _integrity(db) == "ok"


def test_a_database_kept_locked_is_refused_in_one_sentence(tmp_path):
    db = fresh_db(tmp_path)
    other = _other_program(db)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = _cli("import", str(VALID), "--db", str(db))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"cspo-viewer: error: {db} is in use by another program; nothing was imported, try again"
    ]
    assert records(db) == []


def test_two_imports_at_once_both_land_or_one_is_refused_in_one_sentence(tmp_path):
    db = fresh_db(tmp_path)
    files = []
    for name in ("first", "second"):
        path = tmp_path / f"{name}.csv"
        lines = ["date,title,source_title"]
        lines += [f"2021-03-{1 + i % 28:02d},{name} event {i},{name} source" for i in range(3000)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cspo_viewer", "import", str(path), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    results = [(proc.wait(timeout=120), *proc.communicate()) for proc in procs]
    titles = {r["title"] for r in records(db)}
    for (code, _out, err), name in zip(results, ("first", "second"), strict=True):
        if code == 0:
            assert {f"{name} event {i}" for i in range(3000)} <= titles
        else:
            assert code == 2 and len(err.strip().splitlines()) == 1, err
            assert "in use by another program" in err
            assert not any(t.startswith(name) for t in titles)
    assert any(code == 0 for code, _, _ in results)
    assert _integrity(db) == "ok"


def test_import_through_a_symbolic_link_updates_the_real_file(tmp_path):
    real = fresh_db(tmp_path, "real.db")
    link = tmp_path / "link.db"
    link.symlink_to(real)
    result = _cli("import", str(VALID), "--db", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert len(records(real)) == 3


def test_hard_links_owner_and_mode_are_kept(tmp_path):
    db = fresh_db(tmp_path)
    other_name = tmp_path / "same-file.db"
    os.link(db, other_name)
    os.chmod(db, 0o640)
    if os.geteuid() == 0:
        os.chown(db, 65534, 65534)  # another user's file, which root may write
    before = os.stat(db)
    assert import_file(db, VALID).written
    after = os.stat(db)
    assert (after.st_ino, after.st_nlink) == (before.st_ino, 2)
    assert (after.st_uid, after.st_gid, after.st_mode) == (
        before.st_uid,
        before.st_gid,
        before.st_mode,
    )
    assert len(records(other_name)) == 3  # one file under two names


def test_a_foreign_trigger_on_the_full_text_index_is_not_trusted(tmp_path):
    """Writing needs the schema trusted (the FTS triggers use a virtual table); a trigger
    cspo-viewer did not make that uses the index itself keeps it untrusted, so nothing is
    written and the sentence names the trigger."""
    db = fresh_db(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TRIGGER wipe AFTER INSERT ON events BEGIN"
        " INSERT INTO events_fts (events_fts) VALUES ('delete-all'); END"
    )
    conn.commit()
    conn.close()
    result = _cli("import", str(VALID), "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"cspo-viewer: error: {db} has triggers cspo-viewer did not create that use its "
        "full-text index (wipe), so that index cannot be kept; nothing was imported (import "
        "into a database made with db init)"
    ]
    assert records(db) == []
    with open_store(db, writable=True) as store:
        assert store.conn.execute("PRAGMA trusted_schema").fetchone() == (0,)
    with open_store(db) as store:  # reading it is fine
        assert store.total_events() == 0


def test_a_foreign_trigger_that_refuses_the_change_is_heard(tmp_path):
    """A trigger of the file's own that uses no virtual table runs as in any SQLite tool;
    its refusal is the sentence, and nothing is written."""
    db = fresh_db(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TRIGGER stamp AFTER INSERT ON events BEGIN"
        " UPDATE sources SET title = 'stamped'; END"
    )
    conn.execute(
        "CREATE TRIGGER frozen BEFORE INSERT ON quotes BEGIN"
        " SELECT RAISE(ABORT, 'quotes are frozen'); END"
    )
    conn.commit()
    conn.close()
    quoted = FIXTURES / "interchange" / "valid.json"  # has a quote
    result = _cli("import", str(quoted), "--db", str(db))
    assert result.returncode == 2 and "quotes are frozen" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert records(db) == [] and "stamped" not in _source_titles(db)  # rolled back


def test_writing_connections_keep_the_full_text_index_through_the_triggers(tmp_path):
    """Any writer through open_store(writable=True), not only the import, runs the
    sqlite-utils triggers: an edit is found by the full-text search at once."""
    from cspo_viewer.data.filters import EventFilter

    db = fresh_db(tmp_path)
    assert import_file(db, big_csv(tmp_path / "few.csv", 20)).written
    with open_store(db, writable=True) as store:
        store.conn.execute("UPDATE events SET title = 'Zanzibarish' WHERE title = 'Event number 7'")
        store.conn.commit()
    with open_store(db) as store:
        assert len(store.event_ids(EventFilter(text="Zanzibarish"))) == 1
        assert store.event_ids(EventFilter(text='"Event number 7"')) == []


def test_the_package_changes_nothing_process_wide_on_import():
    """Importing cspo_viewer leaves SQLite, the garbage collector and the GIL switch
    interval as Python set them."""
    code = textwrap.dedent(
        """
        import gc, sys
        interval = sys.getswitchinterval()
        import cspo_viewer, cspo_viewer.data.interchange
        assert gc.isenabled() and sys.getswitchinterval() == interval
        assert "ctypes" not in sys.modules, "no ctypes calls into SQLite"
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

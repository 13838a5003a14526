"""Schema v3 and the upgrade of v1 and v2 files: `db migrate`, writable opens, read-only
opens, and the history row an upgrade that moves data leaves."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from cspo_viewer.cli import main
from cspo_viewer.data import migrations, schema
from cspo_viewer.data.build import build_database
from cspo_viewer.data.check import check_store
from cspo_viewer.data.dates import split_source_date
from cspo_viewer.data.store import open_store
from tests.conftest import sha256
from tests.interchange_support import FIXTURES
from tests.paths import REPO

UNDATED = "src-4f92226354"  # "2024/2025 (undated excerpt)" as the source gives it
UNDATED_EVENT = "2019-04-01-ood-announced"


def make_v2(bundled: Path, target: Path) -> Path:
    """The shipped data as a v2 file: no ``sources.text``, no ``changes``, ``views`` or
    ``annotations`` (what every database written before schema v3 looks like)."""
    shutil.copyfile(bundled, target)
    conn = sqlite3.connect(target)
    with conn:
        for table in ("changes", "views", "annotations"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DROP VIEW events_labelled")
        conn.execute("ALTER TABLE sources DROP COLUMN text")
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    return target


def shipped_without_texts(bundled: Path, target: Path) -> Path:
    """The shipped data with no source texts: what upgrading an older copy of it gives
    (the texts are data a v1 or v2 file never had)."""
    shutil.copyfile(bundled, target)
    conn = sqlite3.connect(target)
    with conn:
        conn.execute("UPDATE sources SET text = NULL")
    conn.close()
    return target


def make_v1(bundled: Path, target: Path) -> Path:
    """The shipped data as a v1 file: free-text dates in ``sources.date``, no ``date_note``
    (what every database written before schema v2 looks like)."""
    make_v2(bundled, target)
    conn = sqlite3.connect(target)
    with conn:
        conn.execute("UPDATE sources SET date = date_note WHERE date_note IS NOT NULL")
        conn.execute("ALTER TABLE sources DROP COLUMN date_note")
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    return target


@pytest.fixture
def v1_db(tmp_path: Path, bundled_db: Path) -> Path:
    return make_v1(bundled_db, tmp_path / "mine-v1.db")


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def table_contents(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows but the history's (an upgrade records what it moved there)."""
    tables = [
        r[0]
        for r in rows(path, "SELECT name FROM sqlite_master WHERE type='table'")
        if r[0] != "changes"
    ]
    return {t: sorted(rows(path, f"SELECT * FROM [{t}]"), key=repr) for t in sorted(tables)}


def test_split_source_date_keeps_iso_and_moves_free_text():
    assert split_source_date("2024-12-04") == ("2024-12-04", None)
    assert split_source_date("2024-12") == ("2024-12", None)
    assert split_source_date("2014") == ("2014", None)
    assert split_source_date(None) == (None, None)
    assert split_source_date("  ") == (None, None)
    assert split_source_date("unknown") == (None, "unknown")
    assert split_source_date("2024/2025 (undated excerpt)") == (
        None,
        "2024/2025 (undated excerpt)",
    )
    assert split_source_date("2024-13") == (None, "2024-13")  # no such month
    assert split_source_date("2023-02-30") == (None, "2023-02-30")


def test_shipped_database_is_v3_with_only_iso_source_dates(bundled_db):
    assert rows(bundled_db, "PRAGMA user_version") == [(schema.SCHEMA_VERSION,)] == [(3,)]
    texts = rows(bundled_db, "SELECT id FROM sources WHERE text IS NOT NULL ORDER BY id")
    assert texts == [("src-89e0b6830d",), ("src-9f489d6352",), ("src-fb9828379a",)]
    assert rows(bundled_db, "SELECT COUNT(*) FROM changes") == [(0,)]
    dates = rows(bundled_db, "SELECT date FROM sources WHERE date IS NOT NULL")
    assert dates and all(split_source_date(d) == (d, None) for (d,) in dates)
    assert rows(bundled_db, f"SELECT date, date_note FROM sources WHERE id = '{UNDATED}'") == [
        (None, "2024/2025 (undated excerpt)")
    ]


def test_db_build_refuses_a_free_text_source_date(tmp_path, capsys):
    from cspo_viewer import paths

    src = tmp_path / "src"
    shutil.copytree(paths.data_src_dir(), src)
    text = (src / "sources.json").read_text(encoding="utf-8")
    (src / "sources.json").write_text(text.replace('"2022-12-07"', '"Dec 2022"', 1), "utf-8")
    out = tmp_path / "out.db"
    assert main(["db", "build", "--src", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "has the date 'Dec 2022': write YYYY, YYYY-MM or YYYY-MM-DD" in err
    assert "date_note" in err and not out.exists()


def test_v1_file_opens_read_only_as_it_is(v1_db):
    before = sha256(v1_db)
    with open_store(v1_db) as store:
        assert store.schema_version == 1 and store.migrated_from is None
        detail = store.event_detail(UNDATED_EVENT)
        [source] = [s for s in detail.sources if s.id == UNDATED]
        assert (source.date, source.date_note) == ("2024/2025 (undated excerpt)", None)
        assert store.total_events() == 31
        assert any("run: cspo-viewer db migrate" in p for p in check_store(store))
    assert main(["list", "--db", str(v1_db), "--nation", "Japan"]) == 0
    assert sha256(v1_db) == before


def test_db_migrate_upgrades_a_v1_file_to_the_shipped_content(v1_db, bundled_db, tmp_path, capsys):
    assert main(["db", "migrate", "--db", str(v1_db)]) == 0
    assert f"migrated {v1_db} from schema v1 to v3" in capsys.readouterr().out
    assert rows(v1_db, "PRAGMA user_version") == [(3,)]
    expected = shipped_without_texts(bundled_db, tmp_path / "expected.db")
    assert table_contents(v1_db) == table_contents(expected)
    moved = rows(v1_db, "SELECT action, event_id, origin, before, after FROM changes")
    assert moved and {m[:3] for m in moved} == {("migrate", None, "upgrade from schema v1 to v3")}
    assert any('"2024/2025 (undated excerpt)"' in m[3] and UNDATED in m[4] for m in moved)
    with open_store(v1_db) as store:
        assert check_store(store) == []
        detail = store.event_detail(UNDATED_EVENT)
        [source] = [s for s in detail.sources if s.id == UNDATED]
        assert (source.date, source.date_note) == (None, "2024/2025 (undated excerpt)")
    before = sha256(v1_db)
    assert main(["db", "migrate", "--db", str(v1_db)]) == 0
    assert "is already at schema v3" in capsys.readouterr().out
    assert sha256(v1_db) == before


def test_migrating_the_real_v1_build_matches_a_v3_build(tmp_path, bundled_db):
    """A v1 file as the v1 builder wrote it (column order, types) upgrades to the v3 layout."""
    fresh = tmp_path / "fresh.db"
    build_database(REPO / "db" / "src", fresh)
    v1 = make_v1(fresh, tmp_path / "v1.db")
    with open_store(v1, writable=True) as store:
        assert store.migrated_from == 1 and store.schema_version == 3
    columns = [r[1] for r in rows(v1, "PRAGMA table_info(sources)")]
    assert columns == [r[1] for r in rows(bundled_db, "PRAGMA table_info(sources)")]
    assert columns[-2:] == ["date_note", "text"]
    for table in ("changes", "views", "annotations"):
        assert rows(v1, f"PRAGMA table_info({table})") == rows(
            bundled_db, f"PRAGMA table_info({table})"
        )


def test_a_v2_file_upgrades_to_v3_in_one_step_and_moves_nothing(tmp_path, bundled_db, capsys):
    v2 = make_v2(bundled_db, tmp_path / "mine-v2.db")
    assert main(["db", "migrate", "--db", str(v2)]) == 0
    assert f"migrated {v2} from schema v2 to v3" in capsys.readouterr().out
    expected = shipped_without_texts(bundled_db, tmp_path / "expected.db")
    assert table_contents(v2) == table_contents(expected)
    assert rows(v2, "SELECT COUNT(*) FROM changes") == [(0,)]
    labelled = "SELECT * FROM events_labelled ORDER BY id"  # the browsing view, as db build
    assert rows(v2, labelled) == rows(bundled_db, labelled)


def test_every_writable_open_upgrades_for_example_an_import(v1_db, capsys):
    assert main(["import", str(FIXTURES / "interchange" / "valid.json"), "--db", str(v1_db)]) == 0
    assert "imported into" in capsys.readouterr().out
    assert rows(v1_db, "PRAGMA user_version") == [(3,)]
    assert rows(v1_db, f"SELECT date, date_note FROM sources WHERE id = '{UNDATED}'") == [
        (None, "2024/2025 (undated excerpt)")
    ]


def test_a_failed_upgrade_leaves_the_file_as_it_was(v1_db, monkeypatch, capsys):
    def half_done(conn):
        migrations._v1_source_dates(conn)  # the column is added and rows moved ...
        raise migrations.MigrationError("the test stops the upgrade half-way")

    monkeypatch.setitem(migrations.MIGRATIONS, 1, half_done)
    before = sha256(v1_db)
    assert main(["db", "migrate", "--db", str(v1_db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be upgraded: the test stops the upgrade" in err
    assert sha256(v1_db) == before
    assert "date_note" not in [r[1] for r in rows(v1_db, "PRAGMA table_info(sources)")]


def test_a_read_only_v1_file_is_not_upgraded(v1_db, capsys):
    os.chmod(v1_db, 0o444)
    before = sha256(v1_db)
    assert main(["db", "migrate", "--db", str(v1_db)]) == 2
    assert "is read-only" in capsys.readouterr().err
    assert sha256(v1_db) == before


def test_no_upgrade_path_is_one_sentence(v1_db, capsys):
    conn = sqlite3.connect(v1_db)
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    assert main(["db", "migrate", "--db", str(v1_db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has no cspo-viewer schema version" in err


def test_an_imported_free_text_source_date_lands_in_date_note(tmp_path):
    import json

    from cspo_viewer.data.interchange import import_file
    from tests.interchange_support import fresh_db, records

    source = {"title": "An undated excerpt", "date": "2024/2025 (undated excerpt)"}
    event = {
        "date": "2020-01-01",
        "title": "Something happened",
        "kind": "other",
        "sources": [source],
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"events": [event]}), encoding="utf-8")
    db = fresh_db(tmp_path)
    report = import_file(db, path)
    assert report.written, [str(p) for p in report.problems]
    [stored] = records(db)
    [cited] = stored["sources"]
    assert (cited["date"], cited["date_note"]) == (None, "2024/2025 (undated excerpt)")
    assert rows(db, "SELECT date, date_note FROM sources WHERE title = 'An undated excerpt'") == [
        (None, "2024/2025 (undated excerpt)")
    ]

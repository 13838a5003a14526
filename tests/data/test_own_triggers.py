"""The full-text triggers a writing connection trusts are the schema's own: read from the
bundled database, they are the ones ``create_schema`` makes (a foreign trigger on the index
is still refused: ``tests/data/interchange/test_inplace.py``)."""

from __future__ import annotations

import sqlite3

import pytest

from cspo_viewer import paths
from cspo_viewer.data import db_file
from cspo_viewer.data.db_file import _built_triggers, _normalized, own_triggers


def test_the_bundled_databases_triggers_are_the_ones_create_schema_makes():
    built = frozenset((name, _normalized(sql)) for name, sql in _built_triggers())
    assert own_triggers() == built
    assert {name for name, _ in built} == {
        f"{table}_{when}" for table in ("events", "quotes") for when in ("ai", "ad", "au")
    }


@pytest.mark.parametrize("bundled", ["missing", "empty file", "other schema"])
def test_without_a_sound_bundled_database_the_schema_is_built(tmp_path, monkeypatch, bundled):
    """A missing, empty or foreign file at the bundled path is not trusted: the triggers
    come from a schema built in memory, so a sound database's own are still its own."""
    expected = own_triggers()
    path = tmp_path / "bundled.db"
    if bundled == "empty file":
        path.write_bytes(b"")
    elif bundled == "other schema":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
    monkeypatch.setattr(paths, "bundled_db_path", lambda: path)
    db_file.own_triggers.cache_clear()
    try:
        assert own_triggers() == expected
    finally:
        db_file.own_triggers.cache_clear()

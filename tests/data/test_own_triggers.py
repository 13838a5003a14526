"""The full-text triggers a writing connection trusts are the schema's own: read from the
bundled database, they are the ones ``create_schema`` makes (a foreign trigger on the index
is still refused: ``test_interchange_inplace``)."""

from __future__ import annotations

from cspo_viewer import paths
from cspo_viewer.data import db_file
from cspo_viewer.data.db_file import _built_triggers, _normalized, own_triggers


def test_the_bundled_databases_triggers_are_the_ones_create_schema_makes():
    built = frozenset((name, _normalized(sql)) for name, sql in _built_triggers())
    assert own_triggers() == built
    assert {name for name, _ in built} == {
        f"{table}_{when}" for table in ("events", "quotes") for when in ("ai", "ad", "au")
    }


def test_without_a_readable_bundled_database_the_schema_is_built(tmp_path, monkeypatch):
    expected = own_triggers()
    monkeypatch.setattr(paths, "bundled_db_path", lambda: tmp_path / "missing.db")
    db_file.own_triggers.cache_clear()
    try:
        assert own_triggers() == expected
    finally:
        db_file.own_triggers.cache_clear()

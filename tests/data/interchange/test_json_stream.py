"""A JSON file too large to read whole is streamed, and says what a whole read says: the
same events, the same report, the same sentence for a bad file (line and column, NUL byte,
invalid UTF-8, nesting, long numbers, oversized events). Here every file is streamed, in
small reads, so that values are cut by the reads everywhere."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from cspo_viewer.data.interchange import (
    ImportOptions,
    InterchangeError,
    import_file,
    jsonfmt,
    jsonstream,
)
from tests.data.interchange.test_safety import hostile_files
from tests.interchange_support import FIXTURES, fresh_db, records

INTERCHANGE = FIXTURES / "interchange"


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch):
    """Every JSON file is streamed, seven bytes a read."""

    def use() -> None:
        monkeypatch.setattr(jsonfmt, "MAX_JSON_BYTES", 0)
        monkeypatch.setattr(jsonstream, "CHUNK_BYTES", 7)

    return use


def _report(db: Path, path: Path, **options) -> dict:
    fields = dataclasses.asdict(import_file(db, path, ImportOptions(dry_run=True, **options)))
    fields.pop("db")
    return fields


def _sentence(db: Path, path: Path) -> str:
    with pytest.raises(InterchangeError) as info:
        import_file(db, path, ImportOptions(dry_run=True))
    return str(info.value)


@pytest.mark.parametrize("name", ["valid.json", "invalid.json"])
def test_a_streamed_file_reports_what_a_whole_read_reports(tmp_path, streamed, name):
    db = fresh_db(tmp_path)
    whole = _report(db, INTERCHANGE / name)
    streamed()
    assert _report(db, INTERCHANGE / name) == whole


def test_a_streamed_file_imports_the_same_events(tmp_path, streamed):
    whole, parts = fresh_db(tmp_path, "whole.db"), fresh_db(tmp_path, "parts.db")
    import_file(whole, INTERCHANGE / "valid.json")
    streamed()
    assert import_file(parts, INTERCHANGE / "valid.json").written
    assert records(parts) == records(whole)
    assert {e["title"] for e in records(parts)} == {"A new member joins", "Principals' Board"}


def test_bad_json_gets_the_same_sentence_streamed(tmp_path, streamed):
    db = fresh_db(tmp_path)
    folder = tmp_path / "bad"
    folder.mkdir()
    files = {n: p for n, (p, _) in hostile_files(folder).items() if p.suffix == ".json"}
    extra = {
        "missing colon": b'{"title" "x", "events": []}',
        "trailing comma": b"[1, 2, ]",
        "missing comma on line 4": b'{\n  "events": [\n    {"a": 1}\n    {"b": 2}\n  ]\n}',
        "invalid UTF-8": b'{"events": [{"title": "a\xffb"}]}',
        "a BOM, then a bad separator": b'\xef\xbb\xbf{"events": [{"title": "a"} {"x":1}]}',
        "a control character": b'[{"title": "x\x07y"}]',
        "not a list": b'{"events": 5}',
        "no list": b'{"format": "cspo-viewer/events"}',
        "another format": b'{"format": "other", "events": [{"a": 1}]}',
    }
    for name, data in extra.items():
        files[name] = folder / f"{len(files)}.json"
        files[name].write_bytes(data)
    assert len(files) > 15
    whole = {name: _sentence(db, path) for name, path in files.items()}
    streamed()
    assert {name: _sentence(db, path) for name, path in files.items()} == whole
    assert whole["missing comma on line 4"].endswith(
        "is not valid JSON: Expecting ',' delimiter (line 4, column 5)"
    )


def test_a_title_after_the_events_of_a_streamed_file_is_refused(tmp_path, streamed):
    """A streamed file's title names the source its events cite, so it must come first."""
    db = fresh_db(tmp_path)
    path = tmp_path / "late.json"
    events = [{"date": "2024-01-01", "title": "An event"}]
    path.write_text(json.dumps({"events": events, "title": "Late title"}), encoding="utf-8")
    streamed()
    assert _sentence(db, path) == (
        f'{path}: its "title" comes after its events; in a JSON file over 0 MiB it must '
        "come before them, as a dump writes it"
    )
    assert records(db) == []


def test_a_format_after_the_events_of_a_streamed_file_is_still_checked(tmp_path, streamed):
    db = fresh_db(tmp_path)
    path = tmp_path / "late.json"
    events = [{"date": "2024-01-01", "title": "An event", "sources": [{"title": "S"}]}]
    path.write_text(json.dumps({"events": events, "format": "other"}), encoding="utf-8")
    streamed()
    with pytest.raises(InterchangeError, match="says it is in format 'other'"):
        import_file(db, path)
    assert records(db) == []

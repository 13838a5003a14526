"""The import checks the file once and writes what it checked: between the check and the
write only the database can change (another program's commit), and that is compared
again; a file edited in between does not change what is written."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from cspo_viewer.data.interchange import ImportOptions, import_file, importer
from tests.interchange_support import FIXTURES, fresh_db, records

VALID = FIXTURES / "interchange" / "valid.json"
CITED = "src-bc165b6681"
"""A source of every ``db init`` database, cited by id in the generated file."""


def _events(n: int, title: str = "Event") -> list[dict]:
    """``n`` events over several batches: sources given once and then cited by id,
    quotes, and one event repeated."""
    events = []
    for i in range(n):
        event = {
            "id": f"event-{i:05d}",
            "date": f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "title": f"{title} {i}",
            "nations": ["AUS", "CAN"],
            "sources": [{"id": "src-bulk", "title": "Bulk notes"}] if i == 0 else ["src-bulk"],
            "quotes": [{"id": f"q-{i:05d}", "speaker": "A. Speaker", "text": f"Words {i}."}],
        }
        if i % 7 == 0:
            event["sources"].append(CITED)
        events.append(event)
    events.append(dict(events[3]))  # the same event twice counts once
    return events


def _write_json(path: Path, events: list[dict]) -> Path:
    doc = {"format": "cspo-viewer/events", "version": 1, "title": "Passes", "events": events}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _counts(report: importer.ImportReport) -> dict:
    """The report without what differs by design between a dry run and an import."""
    fields = dataclasses.asdict(report)
    for name in ("dry_run", "written"):
        fields.pop(name)
    return fields


def _between_passes(monkeypatch: pytest.MonkeyPatch, action) -> None:
    """Run ``action`` just before the import takes the write lock for its second pass,
    as another program committing between the check and the write would."""
    real = importer.begin_immediate
    pending = [action]

    def late(store, nothing):
        while pending:  # once: the action may import too
            pending.pop()()
        return real(store, nothing)

    monkeypatch.setattr(importer, "begin_immediate", late)


def _other_program(db: Path, sql: str, *params) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute(sql, params)
    finally:
        conn.close()


@pytest.fixture(params=["kept", "spilled"])
def checked_events(request, monkeypatch):
    """Pass 1's events kept as they are (a small file), or all pickled to disk (a large
    one): the second pass writes the same either way."""
    if request.param == "spilled":
        monkeypatch.setattr(importer, "KEEP_BYTES", 0)
    return request.param


def test_an_import_reports_exactly_what_its_dry_run_reported(tmp_path, checked_events):
    path = _write_json(tmp_path / "many.json", _events(1_300))
    db = fresh_db(tmp_path)
    preview = import_file(db, path, ImportOptions(dry_run=True))
    report = import_file(db, path)
    assert report.written and not preview.written
    assert _counts(report) == _counts(preview)
    assert (report.added, report.duplicates, report.new_sources) == (1_300, 1, 1)
    stored = records(db)
    assert len(stored) == 1_300
    assert {e["title"] for e in stored} == {f"Event {i}" for i in range(1_300)}


def test_a_file_edited_between_the_check_and_the_write_is_written_as_checked(
    tmp_path, monkeypatch, checked_events
):
    path = _write_json(tmp_path / "many.json", _events(1_200))
    db = fresh_db(tmp_path)
    _between_passes(monkeypatch, lambda: _write_json(path, _events(5, title="Edited")))
    report = import_file(db, path)
    assert report.written and report.added == 1_200
    titles = {e["title"] for e in records(db)}
    assert titles == {f"Event {i}" for i in range(1_200)}


def test_an_event_committed_between_the_passes_is_compared_again(tmp_path, monkeypatch):
    """Another program adds an event with an id of the file after the check: the write
    sees it, and under --on-conflict fail refuses the file and writes nothing."""
    path = _write_json(tmp_path / "many.json", _events(1_100))
    db = fresh_db(tmp_path)
    taken = {
        **_events(1_100)[600],
        "title": "Written by another program",
        "sources": [{"title": "Elsewhere"}],
    }

    def other_program_adds_it() -> None:
        assert import_file(db, _write_json(tmp_path / "one.json", [taken])).written

    _between_passes(monkeypatch, other_program_adds_it)
    report = import_file(db, path, ImportOptions(on_conflict="fail"))
    assert not report.written and report.rejected == 1
    assert "event event-00600 already exists with a different title" in report.problems[0].message
    assert [e["title"] for e in records(db)] == ["Written by another program"]


def test_a_quote_taken_between_the_passes_refuses_the_event_that_wanted_it(tmp_path, monkeypatch):
    path = _write_json(tmp_path / "many.json", _events(600))
    db = fresh_db(tmp_path)
    thief = {
        "id": "another-event",
        "date": "2020-01-01",
        "title": "Another program's event",
        "sources": [{"title": "Elsewhere"}],
        "quotes": [{"id": "q-00042", "speaker": "B. Speaker", "text": "Mine."}],
    }

    def other_program_takes_it() -> None:
        assert import_file(db, _write_json(tmp_path / "thief.json", [thief])).written

    _between_passes(monkeypatch, other_program_takes_it)
    report = import_file(db, path)
    assert not report.written and report.rejected == 1
    assert report.problems[0].message == "quote id q-00042 already belongs to event another-event"
    assert [e["id"] for e in records(db)] == ["another-event"]


def test_a_cited_source_deleted_between_the_passes_has_the_file_checked_again(
    tmp_path, monkeypatch
):
    db = fresh_db(tmp_path)
    _between_passes(
        monkeypatch, lambda: _other_program(db, "DELETE FROM sources WHERE id = ?", CITED)
    )
    report = import_file(db, VALID)
    assert not report.written and report.rejected == 1
    assert f"unknown source id '{CITED}'" in report.problems[0].message
    assert records(db) == []

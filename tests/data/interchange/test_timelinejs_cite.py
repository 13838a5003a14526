"""TimelineJS dumps cite: nations and numbered sources on every slide, TimelineJS's own
documented format, and an import of the dump reads back the summaries without them."""

from __future__ import annotations

import json
import re

import pytest

from cspo_viewer.data.interchange import import_file
from cspo_viewer.data.interchange.htmltext import html_to_text
from cspo_viewer.data.interchange.timelinejs import RECORD_KEY
from tests.interchange_support import FIXTURES, dump_text, fresh_db, records

SCHEMA = FIXTURES / "timelinejs" / "timelinejs.schema.json"
MOU = "2014-09-22-mou-signed-ottawa"


def slides(db) -> dict[str, dict]:
    return {s["unique_id"]: s for s in json.loads(dump_text(db, "timelinejs"))["events"]}


def test_every_slide_ends_with_its_nations_and_numbered_sources(bundled_db, store):
    by_id = slides(bundled_db)
    assert len(by_id) == 31
    for event_id, slide in by_id.items():
        detail = store.event_detail(event_id)
        text = slide["text"]["text"]
        names = [store.vocabulary.nations[c][0] for c in detail.row.nations]
        if names:
            assert f'<p class="cspo-citation">Nations: {", ".join(names)}</p>' in text
        cited = re.findall(r"\[(\d+)\] ", text)
        assert cited == [str(n) for n in range(1, len(detail.sources) + 1)], event_id
        assert text.rstrip().endswith("</p>") and "Sources:<br>[1] " in text
        for source in detail.sources:
            if source.url and source.url.startswith(("http://", "https://")):
                assert f'<a href="{source.url.replace("&", "&amp;")}">' in text
    mou = html_to_text(by_id[MOU]["text"]["text"])
    assert "Nations: Australia, Canada, United Kingdom, United States" in mou
    assert "[1] " in mou and "(https://" in mou  # the link's address stays readable


def test_group_is_the_kind_label(bundled_db, store):
    labels = {k.id: k.label for k in store.kinds()}
    for event_id, slide in slides(bundled_db).items():
        assert slide["group"] == labels[store.event_detail(event_id).row.kind]


def test_the_dump_follows_timelinejs_documented_json_format(bundled_db):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads(dump_text(bundled_db, "timelinejs"))
    # Each slide also carries the whole record under one key of ours, which TimelineJS does
    # not read (issue 22); apart from it, every slide is TimelineJS's documented format.
    for slide in data["events"]:
        assert isinstance(slide.pop(RECORD_KEY), dict)
    assert [e.message for e in validator.iter_errors(data)] == []
    # and the schema refuses what TimelineJS documents as wrong
    data["events"][0]["start_date"] = {"month": "13"}
    data["events"][1]["text"] = {"headline": 5}
    assert len(list(validator.iter_errors(data))) >= 3


def test_reimporting_the_dump_gives_back_the_summaries_without_citations(tmp_path, bundled_db):
    exported = tmp_path / "timeline.json"
    exported.write_text(dump_text(bundled_db, "timelinejs"), encoding="utf-8")
    rebuilt = fresh_db(tmp_path)
    assert import_file(rebuilt, exported).added == 31
    want = {r["id"]: r["summary"] for r in records(bundled_db)}
    assert {r["id"]: r["summary"] for r in records(rebuilt)} == want


def test_links_and_display_dates_are_kept_on_import(tmp_path):
    timeline = {
        "title": {"text": {"headline": "Links"}},
        "events": [
            {
                "start_date": {"year": "2016"},
                "display_date": "Early 2016",
                "text": {
                    "headline": "Observers",
                    "text": '<p>Reported; <a href="https://example.org/a">see here</a>.</p>',
                },
            }
        ],
    }
    path = tmp_path / "links.json"
    path.write_text(json.dumps(timeline), encoding="utf-8")
    db = fresh_db(tmp_path)
    report = import_file(db, path)
    assert report.added == 1
    assert any("display date(s) kept" in n for n in report.notes)
    [event] = records(db)
    assert event["summary"] == (
        "Reported; see here (https://example.org/a).\n\nDate as given: Early 2016"
    )

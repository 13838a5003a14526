"""dump then import reproduces the same events, quotes and sources; TimelineJS exports keep
the shape TimelineJS needs."""

from __future__ import annotations

import json
import string
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspo_viewer import paths
from cspo_viewer.data import schema
from cspo_viewer.data.interchange import import_file
from cspo_viewer.data.store import open_store
from tests.interchange_support import dump_text, fresh_db, records

NATIONS = ["AUS", "CAN", "GBR", "USA", "NZL", "DEU", "FRA", "NOR", "JPN", "ITA"]
THEMES = ["deterrence", "resilience", "information-sharing", "debris-asat", "sanctions"]
KINDS = [k for k, _, _ in schema.KINDS]

# Awkward text: any Unicode but surrogates and C0 controls other than tab and newlines, so
# commas, quotes, CR/LF, U+2028, NBSP, emoji, RTL text and combining marks all appear.
_chars = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r"),
)
_awkward = st.sampled_from(
    [",", '"', "\n", "\r\n", "\r", ";", "\u2028", "\u00a0", "é", "😀", "שלום"]
)
text = (
    st.lists(st.one_of(_chars, _awkward), min_size=1, max_size=30)
    .map("".join)
    .filter(lambda s: s.strip() != "")
)
maybe_text = st.none() | text
ident = st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=20).map(
    lambda s: "t" + s
)


@st.composite
def event_sets(draw):
    pool = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "id": ident.map(lambda s: "src-" + s),
                    "title": text,
                    "publisher": maybe_text,
                    "date": st.none() | st.sampled_from(["2014-09", "unknown", "2024-12-04"]),
                    "url": st.none() | st.just("https://example.org/a?b=c,d"),
                    "document": maybe_text,
                }
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda s: s["id"],
        )
    )
    ids = draw(st.lists(ident, min_size=1, max_size=6, unique=True))
    events = []
    for eid in ids:
        day = draw(st.dates(date(1990, 1, 1), date(2030, 12, 31)))
        precision = draw(st.sampled_from(schema.PRECISIONS))
        if precision == "month":
            day = day.replace(day=1)
        elif precision == "year":
            day = day.replace(month=1, day=1)
        sources = draw(
            st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique_by=lambda s: s["id"])
        )
        quotes = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "speaker": text,
                        "role": maybe_text,
                        "nation_code": st.none() | st.sampled_from(NATIONS),
                        "text": text,
                        "source_id": st.sampled_from([s["id"] for s in sources]),
                    }
                ),
                max_size=2,
            )
        )
        end = draw(st.none() | st.dates(day, date(2031, 12, 31)))
        events.append(
            {
                "id": eid,
                "date": day.isoformat(),
                "date_precision": precision,
                "end_date": end.isoformat() if end else None,
                "title": draw(text),
                "short_title": draw(maybe_text),
                "kind": draw(st.sampled_from(KINDS)),
                "location": draw(maybe_text),
                "summary": draw(maybe_text),
                "statement_text": draw(maybe_text),
                "confidence": draw(st.none() | st.sampled_from(schema.CONFIDENCES)),
                "uncertainty": draw(maybe_text),
                "evidence": draw(maybe_text),
                "nation_codes": draw(st.lists(st.sampled_from(NATIONS), unique=True, max_size=4)),
                "themes": draw(st.lists(st.sampled_from(THEMES), unique=True, max_size=3)),
                "sources": sources,
                "quotes": quotes,
            }
        )
    return events


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=event_sets())
def test_dump_then_import_reproduces_the_database(tmp_path_factory, events):
    folder = tmp_path_factory.mktemp("roundtrip")
    source = folder / "generated.json"
    source.write_text(json.dumps({"events": events}, ensure_ascii=False), encoding="utf-8")
    original = fresh_db(folder, "original.db")
    report = import_file(original, source)
    assert report.written, [str(p) for p in report.problems]
    stored = {r["id"]: r for r in records(original)}
    for event in events:
        got = stored[event["id"]]
        for key in ("title", "summary", "statement_text", "evidence", "date", "end_date"):
            assert got[key] == event[key], key
        assert got["nation_codes"] == event["nation_codes"]
        assert [q["text"] for q in got["quotes"]] == [q["text"] for q in event["quotes"]]
        assert [s["title"] for s in got["sources"]] == [s["title"] for s in event["sources"]]
    expected = dump_text(original, "json")
    for fmt in ("json", "csv"):
        exported = folder / f"dump.{fmt}"
        exported.write_text(dump_text(original, fmt), encoding="utf-8", newline="")
        rebuilt = fresh_db(folder, f"rebuilt-{fmt}.db")
        again = import_file(rebuilt, exported)
        assert again.written and again.added == len(events), [str(p) for p in again.problems]
        assert dump_text(rebuilt, "json") == expected, fmt


def test_bundled_database_round_trips_through_json_and_csv(tmp_path, bundled_db):
    expected = dump_text(bundled_db, "json")
    for fmt in ("json", "csv"):
        exported = tmp_path / f"bundled.{fmt}"
        exported.write_text(dump_text(bundled_db, fmt), encoding="utf-8", newline="")
        rebuilt = fresh_db(tmp_path, f"{fmt}.db")
        assert import_file(rebuilt, exported).added == 31
        assert dump_text(rebuilt, "json") == expected
        with open_store(rebuilt) as store, open_store(bundled_db) as ref:
            got = store.conn.execute("SELECT id, evidence FROM events ORDER BY id").fetchall()
            want = ref.conn.execute("SELECT id, evidence FROM events ORDER BY id").fetchall()
        assert got == want  # evidence travels too


# --- TimelineJS shape ---------------------------------------------------------------------
def assert_timelinejs_shape(data: dict) -> None:
    """What TimelineJS3 requires of a JSON file to open it (TL.TimelineConfig): an events
    list of slides, each with a start_date holding a numeric year and valid month/day, a
    headline or media, and unique ids; optional title slide and end dates alike."""
    assert isinstance(data, dict) and isinstance(data["events"], list) and data["events"]
    ids = [e["unique_id"] for e in data["events"]]
    assert len(ids) == len(set(ids)) and all(isinstance(i, str) and i for i in ids)

    def check_date(d: dict) -> date:
        assert set(d) <= {"year", "month", "day", "hour", "minute", "second", "display_date"}
        year = int(d["year"])
        month = int(d.get("month") or 1)
        day = int(d.get("day") or 1)
        if "day" in d:
            assert "month" in d
        return date(year, month, day)

    for slide in data["events"]:
        start = check_date(slide["start_date"])
        if "end_date" in slide:
            assert check_date(slide["end_date"]) >= start
        assert slide["text"]["headline"].strip()
        assert isinstance(slide["text"]["text"], str)
        assert isinstance(slide.get("group", ""), str)
    title = data.get("title")
    if title is not None:
        assert title["text"]["headline"]
        assert "start_date" not in title


def test_timelinejs_export_has_the_shape_timelinejs_opens(bundled_db, store):
    data = json.loads(dump_text(bundled_db, "timelinejs"))
    assert_timelinejs_shape(data)
    assert len(data["events"]) == 31
    by_id = {slide["unique_id"]: slide for slide in data["events"]}
    year_event = by_id["2011-01-01-precursor-space-cooperation-forum"]
    assert year_event["start_date"] == {"year": "2011"}  # precision kept
    assert year_event["group"] == "Other"
    assert all(s["text"]["text"].startswith("<p>") for s in data["events"] if s["text"]["text"])


def test_timelinejs_export_reimports_with_the_same_ids_dates_and_titles(tmp_path, bundled_db):
    exported = tmp_path / "timeline.json"
    exported.write_text(dump_text(bundled_db, "timelinejs"), encoding="utf-8")
    rebuilt = fresh_db(tmp_path)
    assert import_file(rebuilt, exported).added == 31
    want = {
        (r["id"], r["date"], r["date_precision"], r["end_date"], r["title"], r["kind"])
        for r in records(bundled_db)
    }
    got = {
        (r["id"], r["date"], r["date_precision"], r["end_date"], r["title"], r["kind"])
        for r in records(rebuilt)
    }
    assert got == want
    assert paths.bundled_db_path().exists()

"""Knight Lab TimelineJS JSON, both ways.

Reading: ``text.headline`` is the title and ``text.text`` the summary (HTML to plain text),
``start_date``/``end_date`` parts give the date and its precision (``""`` means absent),
``group`` names a kind or a theme (see the validator), ``unique_id`` feeds the event id.
Media, eras and times of day have no place in our record and are left out, with a note.
TimelineJS files carry no sources, so their events cite the file itself.

Writing: a file that TimelineJS opens as it is, one slide per event, grouped by kind.
Nations, themes, sources and quotes are not part of the format; use JSON or CSV to move
a whole database.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any, TextIO

from cspo_viewer.data.dates import period_end
from cspo_viewer.data.interchange.htmltext import html_to_text, text_to_html
from cspo_viewer.data.interchange.ids import external_event_id
from cspo_viewer.data.interchange.jsonfmt import JsonDocumentReader, json_type
from cspo_viewer.data.interchange.model import INVALID, Problem, RawEvent

ALIASES = {
    "title": "text.headline",
    "summary": "text.text",
    "date": "start_date",
    "end_date": "end_date",
    "id": "unique_id",
    "kind": "group",
}
_INT = re.compile(r"\s*-?\d+\s*")


class TimelineJsReader(JsonDocumentReader):
    """``RawEvent``s from a TimelineJS file."""

    format = "timelinejs"

    def __iter__(self) -> Iterator[RawEvent]:
        self.notes = []
        self._media = 0
        self._times = 0
        eras = self.meta.get("eras")
        if isinstance(eras, list) and eras:
            self.notes.append(f"{len(eras)} era(s) not imported: eras are not events")
        for where, value in self.elements():
            yield self._event(where, value)
        if self._media:
            self.notes.append(f"{self._media} media object(s) not imported (text only)")
        if self._times:
            self.notes.append(f"times of day dropped from {self._times} date(s): dates are days")

    def _event(self, where: str, value: Any) -> RawEvent:
        if not isinstance(value, dict):
            return RawEvent(
                where, {}, [Problem(where, f"must be an object, not {json_type(value)}")]
            )
        raw = RawEvent(where, {}, aliases=ALIASES)
        if value.get("media"):
            self._media += 1
        start = self._date(raw, value.get("start_date"), "start_date", end=False)
        fields = raw.fields
        fields["date"], fields["date_precision"] = start if start else (INVALID, INVALID)
        end = self._date(raw, value.get("end_date"), "end_date", end=True)
        fields["end_date"] = end[0] if end else (INVALID if end is None else None)
        fields["title"], fields["summary"] = self._text(raw, value.get("text"))
        fields["group"] = value.get("group")
        unique_id = value.get("unique_id")
        if isinstance(unique_id, int | str) and not isinstance(unique_id, bool):
            fields["id"] = (
                external_event_id(str(unique_id).strip()) if str(unique_id).strip() else None
            )
        elif unique_id is not None:
            raw.problem("id", f"must be text, not {json_type(unique_id)}")
        return raw

    def _text(self, raw: RawEvent, value: Any) -> tuple[Any, Any]:
        if value is None:
            return None, None
        if not isinstance(value, dict):
            raw.problems.append(
                Problem(f"{raw.where}.text", f"must be an object, not {json_type(value)}")
            )
            return INVALID, INVALID
        out = []
        for key in ("headline", "text"):
            part = value.get(key)
            if part is None or isinstance(part, str):
                out.append(html_to_text(part) if part else None)
            else:
                raw.problems.append(
                    Problem(f"{raw.where}.text.{key}", f"must be text, not {json_type(part)}")
                )
                out.append(INVALID)
        return out[0], out[1]

    def _date(
        self, raw: RawEvent, value: Any, name: str, *, end: bool
    ) -> tuple[str, str] | bool | None:
        """``(iso, precision)``; False when absent (allowed for an end date); None when
        reported as a problem."""
        path = f"{raw.where}.{name}"
        if value is None or value == "" or value == {}:
            if end:
                return False
            raw.problems.append(Problem(path, "missing; every event needs a start_date"))
            return None
        if not isinstance(value, dict):
            raw.problems.append(Problem(path, f"must be an object, not {json_type(value)}"))
            return None
        parts: dict[str, int | None] = {}
        for key in ("year", "month", "day"):
            part = _int_part(value.get(key))
            if part is INVALID:
                raw.problems.append(Problem(f"{path}.{key}", f"{value.get(key)!r} is not a number"))
                return None
            parts[key] = part
        if any(value.get(k) not in (None, "") for k in ("hour", "minute", "second")):
            self._times += 1
        return _iso(raw, path, parts, end=end)


def _int_part(value: Any) -> Any:
    """A date part as written by TimelineJS and spreadsheets: 2016, "2016", "" or absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT.fullmatch(value):
        return int(value)
    return INVALID


def _iso(
    raw: RawEvent, path: str, parts: Mapping[str, int | None], *, end: bool
) -> tuple[str, str] | None:
    year, month, day = parts["year"], parts["month"], parts["day"]
    if year is None:
        raw.problems.append(Problem(f"{path}.year", "missing; a date needs a year"))
        return None
    if not 1 <= year <= 9999:
        raw.problems.append(Problem(f"{path}.year", f"{year} is outside the years 1–9999"))
        return None
    if month is None and day is not None:
        raw.problems.append(Problem(f"{path}.month", "missing; a day needs a month"))
        return None
    if month is not None and not 1 <= month <= 12:
        raw.problems.append(Problem(f"{path}.month", f"{month} is not a month (1–12)"))
        return None
    try:
        first = date(year, month or 1, day or 1)
    except ValueError:
        raw.problems.append(
            Problem(f"{path}.day", f"{year:04d}-{month:02d}-{day:02d} does not exist")
        )
        return None
    precision = "day" if day is not None else "month" if month is not None else "year"
    iso = first.isoformat()
    return (period_end(iso, precision) if end else iso), precision


# --- writing --------------------------------------------------------------------------------
def _tl_date(iso: str, precision: str = "day") -> dict[str, str]:
    d = date.fromisoformat(iso)
    out = {"year": str(d.year)}
    if precision in ("day", "month"):
        out["month"] = str(d.month)
    if precision == "day":
        out["day"] = str(d.day)
    return out


def timeline_event(record: Mapping[str, Any], kind_labels: Mapping[str, str]) -> dict[str, Any]:
    """One TimelineJS slide for one event."""
    slide: dict[str, Any] = {
        "start_date": _tl_date(record["date"], record["date_precision"]),
        "text": {
            "headline": html.escape(record["title"], quote=False),
            "text": text_to_html(record.get("summary") or ""),
        },
        "group": kind_labels.get(record["kind"], record["kind"]),
        "unique_id": record["id"],
    }
    if record.get("end_date"):
        slide["end_date"] = _tl_date(record["end_date"])
    return slide


def write_timelinejs(
    records: Iterable[Mapping[str, Any]],
    out: TextIO,
    *,
    title: str,
    description: str,
    kind_labels: Mapping[str, str],
) -> int:
    """A TimelineJS file, streamed one slide per line; return the number of events."""
    head = {
        "title": {
            "text": {"headline": html.escape(title, quote=False), "text": text_to_html(description)}
        }
    }
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "events": [')
    n = 0
    for record in records:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(timeline_event(record, kind_labels), ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n

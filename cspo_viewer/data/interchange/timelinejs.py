"""Knight Lab TimelineJS JSON, both ways.

Reading: ``text.headline`` is the title and ``text.text`` the summary (HTML to plain text,
links kept as "text (url)", our own citation paragraphs left out, a ``display_date`` kept
as its last line); ``start_date``/``end_date`` parts give the date and its precision
(``""`` means absent), ``group`` names a kind or a theme (see the validator),
``unique_id`` feeds the event id. ``eras`` become eras (periods drawn behind the
timeline; see ``read_eras``). Media and times of day have no place in our record and are
left out, with a note. TimelineJS files carry no sources, so their events
cite the file itself.

Writing: a file that TimelineJS opens as it is, one slide per event, grouped by the
kind's label, each slide's text ending with the event's nations and numbered sources (linked
where they are on the web), so a page published from it still cites. Each slide also
carries the whole event under ``cspo_record``, which TimelineJS ignores, so that importing
the dump gives back exactly the same events (what the slide's own fields cannot hold:
themes, quotes, statement text, confidence, uncertainty).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any, Literal, TextIO

from cspo_viewer.data.annotations import Annotation, AnnotationError, check
from cspo_viewer.data.dates import parse_day, period_end, short_iso
from cspo_viewer.data.interchange.htmltext import html_to_text, text_to_html
from cspo_viewer.data.interchange.ids import external_event_id
from cspo_viewer.data.interchange.jsonfmt import JsonDocumentReader, json_type, raw_event
from cspo_viewer.data.interchange.model import INVALID, InterchangeError, Problem, RawEvent

ALIASES = {
    "title": "text.headline",
    "summary": "text.text",
    "date": "start_date",
    "end_date": "end_date",
    "id": "unique_id",
    "kind": "group",
}
_INT = re.compile(r"\s*-?\d+\s*")
CITATION_CLASS = "cspo-citation"
"""Marks the paragraphs our dumps add to a slide's text (nations, sources), so that an
import of the dump takes them out of the summary again."""
_CITATION = re.compile(rf'<p class="{CITATION_CLASS}">.*?</p>', re.S)
RECORD_KEY = "cspo_record"
"""A slide's copy of the whole event in our JSON shape (nations, themes, sources, quotes,
statement text, location, short title, confidence, uncertainty, evidence), under a key
TimelineJS does not read: re-importing a dump gives back exactly the same events, and
the slide's own fields, which TimelineJS shows, stay as they were."""
DISPLAY_DATE = "Date as given: "
"""How a slide's ``display_date`` ("Early 2016") is kept: a last paragraph of the summary."""


class TimelineJsReader(JsonDocumentReader):
    """``RawEvent``s from a TimelineJS file."""

    format = "timelinejs"

    def __iter__(self) -> Iterator[RawEvent]:
        if self.top_level_list or "events" not in self.meta:
            raise InterchangeError(self._no_events())
        self.notes = []
        slides = SlideReader()
        self.eras, bad_eras = read_eras(self.meta.get("eras"), slides)
        yield from bad_eras
        for where, value in self.elements():
            yield slides.event(where, value)
        self.notes.extend(slides.notes())

    def _no_events(self) -> str:
        """Why a JSON object with slides but no ``events`` list is refused: TimelineJS reads
        ``{"events": [...]}`` and nothing else (it shows no slide of the rest either)."""
        if self.top_level_list:
            return (
                f"{self.path} is a list of slides, which TimelineJS does not read: a "
                'TimelineJS file is {"events": [...]}'
            )
        wrapped = self.meta.get("timeline")
        if isinstance(wrapped, dict) and ("slides" in wrapped or "events" in wrapped):
            inner = "slides" if "slides" in wrapped else "events"
            return (
                f'{self.path} holds {{"timeline": {{"{inner}": ...}}}}, which TimelineJS does '
                'not read: a TimelineJS file is {"events": [...]} (move the slides there)'
            )
        return f'{self.path} holds no "events" list, which is what TimelineJS reads'


class SlideReader:
    """One TimelineJS slide -> ``RawEvent``, for the JSON file and for the Sheets CSV (whose
    rows are slides too); counts what our record has no place for, for the notes."""

    def __init__(self) -> None:
        self.media = 0
        self.times = 0
        self.display_dates = 0
        self.untitled = 0

    def notes(self) -> list[str]:
        out = []
        if self.untitled:
            out.append(
                f"{self.untitled} slide(s) without a headline titled from the start of their "
                f"text (or {UNTITLED!r})"
            )
        if self.media:
            out.append(f"{self.media} media object(s) not imported (text only)")
        if self.times:
            out.append(f"times of day dropped from {self.times} date(s): dates are days")
        if self.display_dates:
            out.append(
                f"{self.display_dates} display date(s) kept as the last line of the summary "
                f"({DISPLAY_DATE.strip()} ...)"
            )
        return out

    def event(
        self,
        where: str,
        value: Any,
        aliases: Mapping[str, str] = ALIASES,
        style: Literal["json", "csv"] = "json",
    ) -> RawEvent:
        if not isinstance(value, dict):
            return RawEvent(
                where, {}, [Problem(where, f"must be an object, not {json_type(value)}")]
            )
        if style == "json" and isinstance(value.get(RECORD_KEY), dict):
            return raw_event(f"{where}.{RECORD_KEY}", value[RECORD_KEY])  # our own dump
        raw = RawEvent(where, {}, aliases=aliases, style=style)
        if value.get("media"):
            self.media += 1
        start = self._date(raw, value.get("start_date"), "start_date", end=False)
        fields = raw.fields
        fields["date"], fields["date_precision"] = (
            start if isinstance(start, tuple) else (INVALID, INVALID)
        )
        end = self._date(raw, value.get("end_date"), "end_date", end=True)
        absent = INVALID if end is None else None  # None: reported; False: no end date
        fields["end_date"] = end[0] if isinstance(end, tuple) else absent
        fields["title"], fields["summary"] = self._text(raw, value.get("text"))
        if fields["title"] is None:  # TimelineJS shows such a slide; the record needs a title
            self.untitled += 1
            fields["title"] = untitled_title(fields["summary"])
        shown = _display_date(value)
        if shown and fields["summary"] is not INVALID:
            self.display_dates += 1
            line = DISPLAY_DATE + shown
            fields["summary"] = f"{fields['summary']}\n\n{line}" if fields["summary"] else line
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
                Problem(raw.at("text"), f"must be an object, not {json_type(value)}")
            )
            return INVALID, INVALID
        out = []
        for key in ("headline", "text"):
            part = value.get(key)
            if part is None or isinstance(part, str):
                if part and key == "text":
                    part = _CITATION.sub("", part)
                out.append(html_to_text(part) or None if part else None)
            else:
                raw.problems.append(
                    Problem(raw.at(f"text.{key}"), f"must be text, not {json_type(part)}")
                )
                out.append(INVALID)
        return out[0], out[1]

    def _date(
        self, raw: RawEvent, value: Any, name: str, *, end: bool
    ) -> tuple[str, str] | bool | None:
        """``(iso, precision)``; False when absent (allowed for an end date); None when
        reported as a problem."""
        if value is None or value == "" or value == {}:
            if end:
                return False
            raw.problems.append(Problem(raw.at(name), "missing; every event needs a start_date"))
            return None
        if not isinstance(value, dict):
            raw.problems.append(Problem(raw.at(name), f"must be an object, not {json_type(value)}"))
            return None
        parts: dict[str, int | None] = {}
        for key in ("year", "month", "day"):
            part = _int_part(value.get(key))
            if part is INVALID:
                raw.problems.append(
                    Problem(raw.at(f"{name}.{key}"), f"{value.get(key)!r} is not a number")
                )
                return None
            parts[key] = part
        if any(value.get(k) not in (None, "") for k in ("hour", "minute", "second")):
            self.times += 1
        return _iso(raw, name, parts, end=end)


UNTITLED = "Untitled slide"
_TITLE_WORDS = 80


def untitled_title(summary: Any) -> str:
    """A title for a slide without a headline (TimelineJS shows those, and its examples
    have them): the first sentence of its text, cut at a word near 80 characters."""
    if not isinstance(summary, str) or not summary.strip():
        return UNTITLED
    first = re.split(r"(?<=[.!?])\s", summary.strip(), maxsplit=1)[0].splitlines()[0]
    if len(first) <= _TITLE_WORDS:
        return first
    return first[:_TITLE_WORDS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _display_date(slide: Mapping[str, Any]) -> str | None:
    """The date as the slide shows it, where it says so: the slide's ``display_date``, or
    its start date's."""
    shown = slide.get("display_date")
    start = slide.get("start_date")
    if not shown and isinstance(start, dict):
        shown = start.get("display_date")
    if isinstance(shown, str) and shown.strip():
        return html_to_text(shown) or None
    return None


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
    raw: RawEvent, name: str, parts: Mapping[str, int | None], *, end: bool
) -> tuple[str, str] | None:
    year, month, day = parts["year"], parts["month"], parts["day"]
    if year is None:
        raw.problems.append(Problem(raw.at(f"{name}.year"), "missing; a date needs a year"))
        return None
    if not 1 <= year <= 9999:
        raw.problems.append(Problem(raw.at(f"{name}.year"), f"{year} is outside the years 1–9999"))
        return None
    if month is None and day is not None:
        raw.problems.append(Problem(raw.at(f"{name}.month"), "missing; a day needs a month"))
        return None
    if month is not None and not 1 <= month <= 12:
        raw.problems.append(Problem(raw.at(f"{name}.month"), f"{month} is not a month (1–12)"))
        return None
    try:
        first = date(year, month or 1, day or 1)
    except ValueError:
        raw.problems.append(
            Problem(raw.at(f"{name}.day"), f"{year:04d}-{month:02d}-{day:02d} does not exist")
        )
        return None
    precision = "day" if day is not None else "month" if month is not None else "year"
    iso = first.isoformat()
    return (period_end(iso, precision) if end else iso), precision


# --- eras -----------------------------------------------------------------------------------
UNTITLED_ERA = "Untitled era"
ERA_COLOUR_KEY = "cspo_colour"
"""An era's colour in our dumps, under a key TimelineJS does not read (it has none)."""


def read_eras(value: Any, slides: SlideReader) -> tuple[list[Annotation], list[RawEvent]]:
    """TimelineJS ``eras`` (a headline, a start and an end date each) as our eras, and
    each era that cannot be one as a ``RawEvent`` holding its problems (so the import,
    all or nothing, refuses the file naming it)."""
    if value is None:
        return [], []
    if not isinstance(value, list):
        return [], [
            RawEvent("eras", {}, [Problem("eras", f"must be a list, not {json_type(value)}")])
        ]
    eras: list[Annotation] = []
    bad: list[RawEvent] = []
    for i, item in enumerate(value):
        raw = RawEvent(f"eras[{i}]", {})
        era = era_of(raw, item, slides) if isinstance(item, dict) else None
        if not isinstance(item, dict):
            raw.problems.append(Problem(raw.where, f"must be an object, not {json_type(item)}"))
        if era is None or raw.problems:
            bad.append(raw)
        else:
            eras.append(era)
    return eras, bad


def era_of(raw: RawEvent, item: Mapping[str, Any], slides: SlideReader) -> Annotation | None:
    """One TimelineJS era (an object of ``eras``, or a Sheets row of Type ``era`` read as
    a slide) as our era, or None with its problems in ``raw``."""
    if item.get("end_date") in (None, "", {}):
        raw.problems.append(Problem(raw.at("end_date"), "missing; an era needs an end date"))
        return None
    start = slides._date(raw, item.get("start_date"), "start_date", end=False)
    end = slides._date(raw, item.get("end_date"), "end_date", end=False)
    title, text = slides._text(raw, item.get("text"))
    if not isinstance(start, tuple) or not isinstance(end, tuple) or INVALID in (title, text):
        return None
    colour = item.get(ERA_COLOUR_KEY)
    try:
        return check(
            Annotation(
                "era",
                title or UNTITLED_ERA,
                short_iso(*start),
                short_iso(*end),
                colour=colour if isinstance(colour, str) else None,
                text=text,
            )
        )
    except AnnotationError as exc:
        raw.problems.append(Problem(raw.where, str(exc)))
        return None


def tl_era(era: Annotation) -> dict[str, Any]:
    """One era as TimelineJS reads it (its colour kept where TimelineJS does not look)."""
    out: dict[str, Any] = {
        "start_date": tl_date(era.first_day, short_precision(era.date)),
        "end_date": tl_date(era.last_day, short_precision(era.end_date or era.date)),
        "text": {"headline": html.escape(era.title, quote=False)},
    }
    if era.text:
        out["text"]["text"] = text_to_html(era.text)
    if era.colour:
        out[ERA_COLOUR_KEY] = era.colour
    return out


def short_precision(given: str) -> str:
    """The precision an ISO date as given says: ``2014`` a year, ``2014-09`` a month."""
    return parse_day(given)[1]


# --- writing --------------------------------------------------------------------------------
def tl_date(iso: str, precision: str = "day") -> dict[str, str]:
    d = date.fromisoformat(iso)
    out = {"year": str(d.year)}
    if precision in ("day", "month"):
        out["month"] = str(d.month)
    if precision == "day":
        out["day"] = str(d.day)
    return out


def slide_text(record: Mapping[str, Any]) -> str:
    """The summary as HTML, then what cites it: our rule is that every event cites a
    source, and a page published from a dump must keep it. The nations, then the numbered
    sources (title, linked where it is on the web; publisher; date), in paragraphs that
    an import of the dump recognises and leaves out (``CITATION_CLASS``)."""
    return text_to_html(record.get("summary") or "") + citation_html(record)


def citation_html(record: Mapping[str, Any]) -> str:
    out = []
    nations = [n for n in record.get("nations") or () if n]
    if nations:
        out.append(_cite("Nations: " + html.escape(", ".join(nations), quote=False)))
    items = []
    for n, source in enumerate(record.get("sources") or (), start=1):
        title = html.escape(source.get("title") or "Untitled source", quote=False)
        url = source.get("url") or ""
        if _WEB.match(url):
            title = f'<a href="{html.escape(url, quote=True)}">{title}</a>'
        when = source.get("date") or source.get("date_note")
        meta = [html.escape(x, quote=False) for x in (source.get("publisher"), when) if x]
        items.append(f"[{n}] {title}" + "".join(f", {m}" for m in meta))
    if items:
        out.append(_cite("Sources:<br>" + "<br>".join(items)))
    return "".join(out)


def _cite(inner: str) -> str:
    return f'<p class="{CITATION_CLASS}">{inner}</p>'


_WEB = re.compile(r"https?://[^\s\"<>]+\Z", re.I)


def timeline_event(record: Mapping[str, Any], kind_labels: Mapping[str, str]) -> dict[str, Any]:
    """One TimelineJS slide for one event, grouped by its kind's label."""
    slide: dict[str, Any] = {
        "start_date": tl_date(record["date"], record["date_precision"]),
        "text": {
            "headline": html.escape(record["title"], quote=False),
            "text": slide_text(record),
        },
        "group": kind_labels.get(record["kind"], record["kind"]),
        "unique_id": record["id"],
    }
    if record.get("end_date"):
        slide["end_date"] = tl_date(record["end_date"])
    slide[RECORD_KEY] = record
    return slide


def write_timelinejs(
    records: Iterable[Mapping[str, Any]],
    out: TextIO,
    *,
    title: str,
    description: str,
    kind_labels: Mapping[str, str],
    eras: Iterable[Annotation] = (),
) -> int:
    """A TimelineJS file, streamed one slide per line, with ``eras``; return the number
    of events."""
    head: dict[str, Any] = {
        "title": {
            "text": {"headline": html.escape(title, quote=False), "text": text_to_html(description)}
        }
    }
    era_list = [tl_era(e) for e in eras if e.is_era]
    if era_list:
        head["eras"] = era_list
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "events": [')
    n = 0
    for record in records:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(timeline_event(record, kind_labels), ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n

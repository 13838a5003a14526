"""Knight Lab's TimelineJS Google Sheets template, saved as CSV, both ways.

Most TimelineJS timelines are written in a Google Sheet made from Knight Lab's template
and exported as CSV. Its columns are ``SHEET_COLUMNS``; TimelineJS itself reads them by
exact name, we by name in any order and any case, and every column but ``Year`` and
``Headline`` may be absent or empty (a template's optional columns often are).

Reading: a row of ``Type`` ``title`` is the timeline's title (the title of the file-source
that its sourceless events cite), not an event; ``era`` rows label a span of the timeline
and become eras (``timelinejs.era_of``); every other row is an event read
as a TimelineJS slide is (see ``timelinejs``): dates from Year/Month/Day (precision from
which are given), Headline and Text as plain text (HTML stripped, links kept as
"text (url)"), Group as a kind or theme (``--map-group``), Display Date kept in the
summary. A ``Unique ID`` column, which our dumps add and TimelineJS ignores, keeps event
ids across a round trip.

Writing: the template's columns (plus ``Unique ID``), a title row, the eras (their colours
have no column), then one row per event,
cited as the TimelineJS JSON dump cites (see ``timelinejs.slide_text``). No byte-order
mark: TimelineJS reads the header by exact name.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from cspo_viewer.data.annotations import Annotation
from cspo_viewer.data.interchange.csvfmt import neutralise, restore
from cspo_viewer.data.interchange.detect import normalised, sheet_delimiter
from cspo_viewer.data.interchange.htmltext import html_to_text, text_to_html
from cspo_viewer.data.interchange.jsonfmt import read_whole
from cspo_viewer.data.interchange.model import (
    MAX_RECORD_CHARS,
    InterchangeError,
    RawEvent,
)
from cspo_viewer.data.interchange.timelinejs import (
    SlideReader,
    era_of,
    short_precision,
    slide_text,
    tl_date,
)

SHEET_COLUMNS = (
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
)
"""Knight Lab's template, in its order."""
ID_COLUMN = "Unique ID"
DUMP_COLUMNS = (*SHEET_COLUMNS, ID_COLUMN)
_MEDIA = ("media", "media_credit", "media_caption", "media_thumbnail", "alt_text")
_ALIASES = {"tag": "group"}  # the first template's name for Group


class SheetsReader:
    """``RawEvent``s from a TimelineJS Sheets CSV. A sheet is small (Google Sheets holds
    one timeline of hundreds of rows), so it is read whole, once, up to
    ``MAX_JSON_BYTES``: its title row may come anywhere and the title is needed first."""

    format = "timelinejs-csv"

    def __init__(self, path: Path, fh: BinaryIO) -> None:
        self.path = path
        self.size = os.fstat(fh.fileno()).st_size
        text = read_whole(path, fh, self.size, "a TimelineJS sheet is read whole")
        delimiter = sheet_delimiter(text[:65536])
        if delimiter is None:
            raise InterchangeError(f"{path}: the first row must name Year and Headline columns")
        old_limit = csv.field_size_limit(MAX_RECORD_CHARS)
        try:
            self.rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise InterchangeError(f"{path} is not a readable CSV file ({exc})") from None
        finally:
            csv.field_size_limit(old_limit)
        if not self.rows:
            raise InterchangeError(f"{path} is empty")
        names = [_ALIASES.get(n, n) for n in normalised(self.rows[0])]
        self.column = {name: i for i, name in reversed(list(enumerate(names))) if name}
        self.header = self.rows[0]
        self.first_template = "start_date" in self.column or "end_date" in self.column
        """Dates in ``Start Date``/``End Date`` text, not Year/Month/Day (TimelineJS's
        ``ConfigFactory`` reads a sheet so when it has either column)."""
        self.title: str | None = None
        self.title_row: int | None = None
        for number, cells in enumerate(self.rows[1:], start=2):
            if self._cell(cells, "type").lower() == "title":
                self.title = html_to_text(self._cell(cells, "headline")) or None
                self.title_row = number
                break
        self.notes: list[str] = []
        self.bytes_read = 0

    def _cell(self, cells: list[str], name: str) -> str:
        i = self.column.get(name)
        if i is None or i >= len(cells):
            return ""
        return restore(cells[i]).strip()

    def __iter__(self) -> Iterator[RawEvent]:
        self.notes = []
        slides = SlideReader()
        aliases = self._aliases()
        self.eras: list[Annotation] = []
        titles = 0
        count = max(len(self.rows) - 1, 1)
        for number, cells in enumerate(self.rows[1:], start=2):
            self.bytes_read = self.size * (number - 1) // count
            if not any(c.strip() for c in cells):
                continue
            get = lambda name, cells=cells: self._cell(cells, name)  # noqa: E731
            kind = get("type").lower()
            if number == self.title_row:
                continue
            if kind == "era":
                raw = RawEvent(f"row {number}", {}, aliases=aliases, style="csv")
                era = era_of(raw, self._slide(get), slides)
                if era is None:
                    yield raw  # its problems refuse the file, naming the row
                else:
                    self.eras.append(era)
                continue
            if kind == "title":
                titles += 1  # TimelineJS shows a second title row as an event too
            yield slides.event(f"row {number}", self._slide(get), aliases, style="csv")
        if titles:
            self.notes.append(f"{titles} further title row(s) imported as events")
        self.notes.extend(slides.notes())

    def _slide(self, get: Any) -> dict[str, Any]:
        """The row as the TimelineJS slide it stands for (as TimelineJS builds it)."""
        slide: dict[str, Any] = {
            "text": {"headline": get("headline"), "text": get("text")},
            "group": get("group") or None,
            "display_date": get("display_date") or None,
        }
        if self.first_template:  # TimelineJS's own test: either column present
            for name in ("start_date", "end_date"):
                if get(name):  # a cell with no year in it is named as it stands
                    slide[name] = parse_date(get(name)) or {"year": get(name)}
        elif get("year"):
            slide["start_date"] = {
                "year": _clean(get("year")),
                "month": _clean(get("month")),
                "day": _clean(get("day")),
                "hour": get("time") or None,
            }
        if get("end_year"):
            slide["end_date"] = {
                "year": _clean(get("end_year")),
                "month": _clean(get("end_month")),
                "day": _clean(get("end_day")),
                "hour": get("end_time") or None,
            }
        if any(get(m) for m in _MEDIA):
            slide["media"] = {"url": get("media")}
        unique = get("unique_id")
        if unique:
            slide["unique_id"] = unique
        return slide

    def _aliases(self) -> dict[str, str]:
        """Our field names -> the sheet's columns, as its header spells them."""
        spelled = {
            name: self.header[i].strip() for name, i in self.column.items() if i < len(self.header)
        }
        columns = {
            "title": spelled.get("headline", "Headline"),
            "summary": spelled.get("text", "Text"),
            "kind": spelled.get("group", "Group"),
            "id": spelled.get("unique_id", ID_COLUMN),
            "group": spelled.get("group", "Group"),
            "text": spelled.get("text", "Text"),
            "text.headline": spelled.get("headline", "Headline"),
            "text.text": spelled.get("text", "Text"),
        }
        if self.first_template:  # each date in one cell: its parts are named by it
            start = spelled.get("start_date", "Start Date")
            end = spelled.get("end_date", "End Date")
            parts = ("", ".year", ".month", ".day")
            return {
                **columns,
                "date": start,
                **{f"start_date{part}": start for part in parts},
                **{f"end_date{part}": end for part in parts},
            }
        return {
            **columns,
            "date": spelled.get("year", "Year"),
            "start_date": spelled.get("year", "Year"),
            "start_date.year": spelled.get("year", "Year"),
            "start_date.month": spelled.get("month", "Month"),
            "start_date.day": spelled.get("day", "Day"),
            "end_date": spelled.get("end_year", "End Year"),
            "end_date.year": spelled.get("end_year", "End Year"),
            "end_date.month": spelled.get("end_month", "End Month"),
            "end_date.day": spelled.get("end_day", "End Day"),
        }


_ISO_SHORT = re.compile(r"([+-]?\d+?)(-\d{2})?(-\d{2})?")
_ISO_TIME = re.compile(r"([+-]?\d{4})-(\d{2})-(\d{2})[T ](\d{2}):?(\d{2})?.*")


def parse_date(text: str) -> dict[str, str | None]:
    """A ``Start Date`` or ``End Date`` cell as TimelineJS's ``parseDate`` reads it:
    ``2014``, ``2014-09``, ``2014-09-22`` (ISO, short or with a time), ``9/22/2014``
    (month/day/year), ``9/2014`` (month/year), and a time ``hh:mm`` beside any of them.
    What it cannot read has no year, and is reported as such."""
    text = text.strip()
    short = _ISO_SHORT.fullmatch(text)
    if short:
        year, month, day = short.groups()
        return {"year": year.lstrip("+"), "month": _part(month), "day": _part(day)}
    full = _ISO_TIME.fullmatch(text)
    if full:
        year, month, day, hour, _minute = full.groups()
        return {"year": year.lstrip("+"), "month": month, "day": day, "hour": hour}
    parsed: dict[str, str | None] = {}
    mdy = re.search(r"(\d+)/(\d+)/(\d+)", text)
    if mdy:
        parsed["month"], parsed["day"], parsed["year"] = mdy.groups()
        text = text.replace(mdy.group(), "").strip()
    my = re.search(r"(\d+)/(\d+)", text)
    if my:
        parsed["month"], parsed["year"] = my.groups()
        text = text.replace(my.group(), "").strip()
    if ":" in text:
        parsed["hour"] = text.split(":")[0]
    return parsed


def _part(value: str | None) -> str | None:
    return value.lstrip("-") if value else None


def _clean(value: str) -> str:
    """TimelineJS's ``clean_integer``: spaces and thousands commas out."""
    return value.replace(",", "").replace(" ", "")


# --- writing --------------------------------------------------------------------------------
def _row(values: Mapping[str, str]) -> list[str]:
    return [neutralise(values.get(c, "")) for c in DUMP_COLUMNS]


def write_timelinejs_csv(
    records: Iterable[Mapping[str, Any]],
    out: TextIO,
    *,
    title: str,
    description: str,
    kind_labels: Mapping[str, str],
    eras: Iterable[Annotation] = (),
) -> int:
    """The template's CSV: a title row, the eras, then one row per event; return the
    event count."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(DUMP_COLUMNS)
    writer.writerow(
        _row(
            {
                "Headline": html.escape(title, quote=False),
                "Text": text_to_html(description),
                "Type": "title",
            }
        )
    )
    for era in eras:
        if era.is_era:
            writer.writerow(_row(_era_cells(era)))
    n = 0
    for record in records:
        values = {
            **_date_cells(record["date"], record["date_precision"], ""),
            "Headline": html.escape(record["title"], quote=False),
            "Text": slide_text(record),
            "Group": kind_labels.get(record["kind"], record["kind"]),
            ID_COLUMN: record["id"],
        }
        if record.get("end_date"):
            values.update(_date_cells(record["end_date"], "day", "End "))
        writer.writerow(_row(values))
        n += 1
    return n


def _era_cells(era: Annotation) -> dict[str, str]:
    end = era.end_date or era.date
    return {
        **_date_cells(era.first_day, short_precision(era.date), ""),
        **_date_cells(era.last_day, short_precision(end), "End "),
        "Headline": html.escape(era.title, quote=False),
        "Text": text_to_html(era.text or ""),
        "Type": "era",
    }


def _date_cells(iso: str, precision: str, prefix: str) -> dict[str, str]:
    """``{"Year": "2014", "Month": "9"}``: the parts TimelineJS's JSON date would have."""
    return {f"{prefix}{part.title()}": value for part, value in tl_date(iso, precision).items()}

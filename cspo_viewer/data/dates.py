"""Dates as people read them and as the timeline measures them.

The timeline's x unit is *days since 2000-01-01* as a float: small numbers keep Qt's
integer-valued bounding rects exact (pyqtgraph #2550) and need no time zone (#1345).
An event of month or year precision covers its whole period, so its imprecision can
be drawn instead of hidden behind a false day.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

EPOCH = date(2000, 1, 1)
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def to_day(iso: str) -> int:
    """Days since 2000-01-01 of an ISO day."""
    return (date.fromisoformat(iso) - EPOCH).days


def from_day(day: float) -> date:
    """The date of a day number, held to the calendar ``datetime.date`` knows (years 1 to
    9999): a view reaching past an event on 9999-12-31 ends there instead of overflowing."""
    days = min(max(int(day // 1), _FIRST), _LAST)
    return EPOCH + timedelta(days=days)


_FIRST = (date.min - EPOCH).days
_LAST = (date.max - EPOCH).days


def period_end(iso: str, precision: str, end_date: str | None = None) -> str:
    """The last day an event covers: its end date, or the end of its month or year.

    Computed within the month (no step to the next one), so December 9999 ends on
    9999-12-31 rather than overflowing into a year 10000 that ``date`` cannot hold.
    """
    if end_date:
        return end_date
    d = date.fromisoformat(iso)
    if precision == "year":
        return date(d.year, 12, 31).isoformat()
    if precision == "month":
        return date(d.year, d.month, monthrange(d.year, d.month)[1]).isoformat()
    return iso


def display_date(iso: str, precision: str = "day", end_date: str | None = None) -> str:
    """ "22 Sep 2014", "Jul 2015", "2016", "3–5 Dec 2024", "31 Dec 2024 – 2 Jan 2025"."""
    d = date.fromisoformat(iso)
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{_MONTHS[d.month - 1]} {d.year}"
    if not end_date or end_date == iso:
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    e = date.fromisoformat(end_date)
    if (e.year, e.month) == (d.year, d.month):
        return f"{d.day}–{e.day} {_MONTHS[d.month - 1]} {d.year}"
    if e.year == d.year:
        return f"{d.day} {_MONTHS[d.month - 1]} – {e.day} {_MONTHS[e.month - 1]} {d.year}"
    return f"{display_date(iso)} – {display_date(end_date)}"


def short_iso(iso: str, precision: str = "day") -> str:
    """The ISO date cut to its precision: "2015-07" for a month, "2016" for a year."""
    return {"year": iso[:4], "month": iso[:7]}.get(precision, iso)


def date_with_precision(iso: str, precision: str = "day", end_date: str | None = None) -> str:
    """ "3–5 Dec 2024", "Jul 2015 (month known)", "2016 (year known)": a reader must not
    take a month-precision date for a known day. A date that does not parse is shown as
    stored."""
    try:
        text = display_date(iso, precision, end_date)
    except ValueError:
        return iso
    note = {"month": "month known", "year": "year known"}.get(precision)
    return f"{text} ({note})" if note else text


def source_date(value: str | None) -> str:
    """A source's date as precise as it was given ("2024-12" → "Dec 2024", "unknown" as is)."""
    if not value:
        return ""
    try:
        if len(value) == 4:
            return display_date(f"{value}-01-01", "year")
        if len(value) == 7:
            return display_date(f"{value}-01", "month")
        return display_date(value)
    except ValueError:
        return value


def is_partial_iso(text: str) -> bool:
    """A real ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (what ``sources.date`` may hold)."""
    if len(text) == 4:
        return text.isdigit() and text.isascii()
    if len(text) == 7:
        text += "-01"
    if len(text) != 10 or not text.isascii():
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def split_source_date(value: str | None) -> tuple[str | None, str | None]:
    """A source's date as given -> ``(ISO date or None, free text or None)``.

    ``sources.date`` holds only ISO dates so that it sorts and facets (in Datasette too);
    anything else a source says about its date ("unknown", "2024/2025 (undated excerpt)")
    is kept word for word in ``sources.date_note`` rather than lost.
    """
    if value is None or not value.strip():
        return None, None
    text = value.strip()
    if is_partial_iso(text):
        return text, None
    return None, value


def parse_day(text: str) -> tuple[date, str]:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` -> (first day, precision the text gives).

    Raises ``ValueError`` with the reason for text that is not a date or a date that does
    not exist (2024-02-30).
    """
    m = _DATE.fullmatch(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        first = date(year, int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text.strip()} is not a real date ({exc})") from None
    return first, "day" if day else "month" if month else "year"

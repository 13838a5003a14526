"""Which format a file is in, from its content: a ``.txt`` of CSV or a ``.csv`` of JSON
import the same as correctly named files."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from cspo_viewer.data.interchange.model import Format, InterchangeError
from cspo_viewer.data.interchange.textio import sniff

_TIMELINEJS_KEY = re.compile(r'"(?:start_date|unique_id)"\s*:')
CSV_DELIMITERS = (",", ";", "\t")


def detect_format(path: Path, head: str | None = None) -> Format:
    """``json``, ``timelinejs``, ``timelinejs-csv`` or ``csv``; raises ``InterchangeError``
    for anything else.

    JSON starts with ``{`` or ``[``; TimelineJS is JSON whose events have ``start_date``
    (looked for in the first 64 KiB; ``--format timelinejs`` overrides). Anything else must
    start with a CSV header naming TimelineJS's ``Year`` and ``Headline`` (its Sheets
    template) or at least our ``date`` and ``title``.
    """
    head = sniff(path) if head is None else head
    start = head.lstrip()
    if start[:1] in ("{", "["):
        return "timelinejs" if _TIMELINEJS_KEY.search(head) else "json"
    if sheet_delimiter(head) is not None:
        return "timelinejs-csv"
    if csv_delimiter(head) is not None:
        return "csv"
    raise InterchangeError(
        f"{path} is neither JSON nor a CSV file with a header row naming date and title "
        "columns (or TimelineJS's Year or Start Date, and Headline)"
    )


def header_names(line: str, delimiter: str) -> list[str]:
    """Normalised column names: lower case, spaces and hyphens as underscores."""
    return normalised(next(csv.reader([line], delimiter=delimiter), []))


def normalised(row: list[str]) -> list[str]:
    return [re.sub(r"[\s-]+", "_", name.strip().lower()) for name in row]


def sheet_delimiter(head: str) -> str | None:
    """The delimiter whose split of the first line names TimelineJS's ``Year`` and
    ``Headline`` (Knight Lab's Google Sheets template saved as CSV), or its first
    template's ``Start Date`` and ``Headline`` (which TimelineJS still reads)."""
    return _delimiter(head, {"year", "headline"}) or _delimiter(head, {"start_date", "headline"})


def csv_delimiter(head: str) -> str | None:
    """The delimiter whose split of the first line names both ``date`` and ``title``.

    Spreadsheets in many locales save CSV with semicolons; accept those and tabs too.
    """
    return _delimiter(head, {"date", "title"})


def _delimiter(head: str, required: set[str]) -> str | None:
    first = head.splitlines()[0] if head else ""
    for delimiter in CSV_DELIMITERS:
        if required <= set(header_names(first, delimiter)):
            return delimiter
    return None

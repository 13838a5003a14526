"""CSV, both ways: one event per row, as a spreadsheet holds a timeline.

Columns (any order, names case-insensitive; only ``date`` and ``title`` are required):
``id, date, date_precision, end_date, title, short_title, kind, location, nations, themes,
summary, statement_text, confidence, uncertainty, evidence``, the first source as
``source_id, source_title, source_publisher, source_date, source_url, source_document``,
one quote as ``quote, quote_speaker, quote_role, quote_nation``, and, for a complete dump,
``more_sources`` and ``quotes`` as JSON lists. Nations and themes are separated by ``;``.
An empty cell means "none". UTF-8 with or without a BOM; ``,``, ``;`` or tab delimited.
Dumps neutralise cells a spreadsheet would run as formulas (a leading apostrophe before
``=``, ``+``, ``-``, ``@``, OWASP's advice) and imports take that apostrophe off again.
Rows are numbered as a spreadsheet numbers them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from cspo_viewer.data.columns import EVENT_COLUMNS, SOURCE_COLUMNS
from cspo_viewer.data.interchange.detect import csv_delimiter, header_names
from cspo_viewer.data.interchange.model import (
    MAX_RECORD_CHARS,
    InterchangeError,
    Problem,
    RawEvent,
)
from cspo_viewer.data.interchange.textio import CHUNK_BYTES, CountingReader, bounded_lines

COLUMN_ALIASES = {
    "event_id": "id",
    "start_date": "date",
    "precision": "date_precision",
    "nation": "nations",
    "nation_codes": "nations",
    "theme": "themes",
    "quote_text": "quote",
}
# The CSV columns are the database's: one list, in build.py, for both.
SCALARS = EVENT_COLUMNS
SOURCE_FIELDS = SOURCE_COLUMNS
QUOTE_FIELDS = {"quote": "text", "quote_speaker": "speaker", "quote_role": "role"}
KNOWN = {
    *SCALARS,
    "nations",
    "themes",
    *(f"source_{f}" for f in SOURCE_FIELDS),
    "more_sources",
    "quotes",
    *QUOTE_FIELDS,
    "quote_nation",
}
DUMP_COLUMNS = (
    *SCALARS[:8],
    "nations",
    "themes",
    *SCALARS[8:],
    *(f"source_{f}" for f in SOURCE_FIELDS),
    "more_sources",
    "quotes",
)


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """csv's field size limit is process-wide; raise it only while reading."""
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


class CsvReader:
    """``RawEvent``s from a CSV file with a header row, streamed row by row (from the
    start of the file each time it is iterated)."""

    format = "csv"

    def __init__(self, path: Path, fh: BinaryIO) -> None:
        self.path = path
        self._fh = fh
        self._counter = CountingReader(fh, path)
        self.title: str | None = None
        self.notes: list[str] = []

    @property
    def bytes_read(self) -> int:
        return self._counter.count

    def __iter__(self) -> Iterator[RawEvent]:
        self._fh.seek(0)
        self._counter = CountingReader(self._fh, self.path)
        self.notes = []
        text = io.TextIOWrapper(
            io.BufferedReader(self._counter, CHUNK_BYTES), encoding="utf-8-sig", newline=""
        )
        lines = bounded_lines(text, self.path, lambda: self._counter.count)
        first = next(lines, "")
        delimiter = csv_delimiter(first)
        if delimiter is None:
            raise InterchangeError(f"{self.path}: the first row must name date and title columns")
        layout = _Layout(self._columns(header_names(first, delimiter)))
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        with _field_limit(MAX_RECORD_CHARS):
            row_number = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise InterchangeError(self._csv_error(row_number + 1, exc)) from None
                row_number += 1
                first = cells[0] if cells else ""
                if (first and not first.isspace()) or any(map(_filled, cells)):
                    yield raw_event(row_number, cells, layout)

    def _columns(self, names: list[str]) -> list[str | None]:
        """Our field name for each column (None for columns we do not read)."""
        columns: list[str | None] = []
        seen: set[str] = set()
        ignored = []
        for name in names:
            field = COLUMN_ALIASES.get(name, name)
            if field not in KNOWN:
                columns.append(None)
                if name:
                    ignored.append(name)
                continue
            if field in seen:
                raise InterchangeError(f"{self.path}: the column {name!r} appears twice")
            seen.add(field)
            columns.append(field)
        if ignored:
            self.notes.append(f"columns not imported: {', '.join(ignored)}")
        return columns

    def _csv_error(self, row: int, exc: csv.Error) -> str:
        message = str(exc)
        if "NUL" in message:
            return f"{self.path} is not a text file (row {row} contains a NUL byte)"
        if "field larger than field limit" in message:
            size = MAX_RECORD_CHARS // (1024 * 1024)
            return f"{self.path}: row {row} has a field larger than {size} MiB"
        return f"{self.path}: row {row} is not valid CSV ({message})"


class _Layout:
    """What the header says, worked out once per file rather than once per row."""

    def __init__(self, columns: list[str | None]) -> None:
        self.columns = columns
        self.width = len(columns)
        self.aliases = _aliases(columns)
        self.has_sources = any(
            c and (c.startswith("source_") or c == "more_sources") for c in columns
        )
        self.has_quote = any(c in _QUOTE_COLUMNS for c in columns)
        # The cells we read, taken from a row in one C call, and their field names.
        known = [(i, c) for i, c in enumerate(columns) if c is not None]
        self.names = tuple(c for _, c in known)
        self.pick = _picker([i for i, _ in known])


_SOURCE_COLUMNS = tuple(f"source_{f}" for f in SOURCE_FIELDS)
_QUOTE_COLUMNS = (*QUOTE_FIELDS, "quote_nation")


def _filled(cell: str) -> bool:
    """Not empty and not only whitespace (``cell.strip()`` without making a new string)."""
    return bool(cell) and not cell.isspace()


def _picker(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """``itemgetter`` that always returns a tuple (it returns a bare item for one index)."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda cells: (cells[only],)
    return operator.itemgetter(*indexes)


def raw_event(row_number: int, cells: list[str], layout: _Layout) -> RawEvent:
    """One CSV row in our field names; empty cells are None."""
    where = f"row {row_number}"
    width = layout.width
    problems: list[Problem] = []
    if len(cells) != width:
        if len(cells) > width and _filled(cells[width]):
            problems.append(Problem(where, f"has {len(cells)} cells but the header names {width}"))
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))  # a short row: the rest are empty
    # The cells given, by field name; an absent field reads as None (the validator uses
    # ``get``), and the columns it does not read by name stay harmlessly beside them.
    fields: dict[str, Any] = {
        field: restore(cell) if cell[0] == "'" else cell
        for field, cell in zip(layout.names, layout.pick(cells), strict=True)
        if cell and not cell.isspace()
    }
    get = fields.get
    has_quotes_cell = "quotes" in fields
    raw = RawEvent(where, fields, problems, "csv", layout.aliases)
    # Each reads its cells before the field of the same name is replaced.
    sources = _sources(raw, fields) if layout.has_sources else None
    quotes = _quotes(raw, fields) if layout.has_quote or has_quotes_cell else []
    fields["nations"] = _split(get("nations"))
    fields["themes"] = _split(get("themes"))
    fields["sources"] = sources
    fields["quotes"] = quotes
    return raw


def _aliases(columns: list[str | None]) -> dict[str, str]:
    """Messages name the file's columns: ``sources[0].title`` is ``source_title``."""
    aliases = {c: c for c in columns if c}
    aliases.update({f"sources[0].{f}": f"source_{f}" for f in SOURCE_FIELDS})
    if any(c in QUOTE_FIELDS or c == "quote_nation" for c in columns):
        aliases.update({f"quotes[0].{v}": k for k, v in QUOTE_FIELDS.items()})
        aliases["quotes[0].nation_code"] = "quote_nation"
    return aliases


def _split(cell: str | None) -> tuple[str, ...]:
    """``"GBR; USA"`` -> ``("GBR", "USA")``."""
    if not cell:
        return ()
    return tuple(part for part in map(str.strip, cell.split(";")) if part)


def _sources(raw: RawEvent, values: Mapping[str, str]) -> list[Any]:
    """The row's sources (the file has source columns; without, the caller gives None)."""
    sources: list[Any] = []
    cells = tuple(map(values.get, _SOURCE_COLUMNS))
    if any(cells):
        first = dict(zip(SOURCE_FIELDS, cells, strict=True))
        sources.append(first if first["title"] or not first["id"] else first["id"])
    if "more_sources" in values:
        sources.extend(_json_list(raw, values, "more_sources"))
    return sources


def _quotes(raw: RawEvent, values: Mapping[str, str]) -> list[Any]:
    quotes: list[Any] = []
    if any(map(values.get, _QUOTE_COLUMNS)):
        quote = {field: values.get(column) for column, field in QUOTE_FIELDS.items()}
        quote["nation_code"] = values.get("quote_nation")
        quotes.append(quote)
    if "quotes" in values:
        quotes.extend(_json_list(raw, values, "quotes"))
    return quotes


def _json_list(raw: RawEvent, values: Mapping[str, str], column: str) -> list[Any]:
    cell = values.get(column)
    if not cell:
        return []
    try:
        value = json.loads(cell)
    except (ValueError, RecursionError) as exc:
        raw.problem(column, f"is not a JSON list ({exc})")
        return []
    if not isinstance(value, list):
        raw.problem(column, "must be a JSON list")
        return []
    return value


def write_csv(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """One row per event with every field; return the number of events."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(DUMP_COLUMNS)
    n = 0
    for record in records:
        writer.writerow(_dump_row(record))
        n += 1
    return n


def _dump_row(record: Mapping[str, Any]) -> list[str]:
    sources = list(record.get("sources") or [])
    first = sources[0] if sources else {}
    cells: dict[str, Any] = {name: record.get(name) for name in SCALARS}
    cells["nations"] = ";".join(record.get("nation_codes") or [])
    cells["themes"] = ";".join(record.get("themes") or [])
    for f in SOURCE_FIELDS:
        cells[f"source_{f}"] = first.get(f)
    more = sources[1:]
    cells["more_sources"] = json.dumps(more, ensure_ascii=False) if more else ""
    quotes = record.get("quotes") or []
    cells["quotes"] = json.dumps(quotes, ensure_ascii=False) if quotes else ""
    return ["" if cells[c] is None else neutralise(str(cells[c])) for c in DUMP_COLUMNS]


_FORMULA = re.compile(r"'*[=+\-@\t\r]")
"""A cell a spreadsheet may run as a formula (OWASP's CSV injection list), also when it
already starts with apostrophes (so that ``restore`` undoes exactly one)."""


def neutralise(cell: str) -> str:
    """A leading apostrophe before ``=``, ``+``, ``-``, ``@``, tab or CR (OWASP), so that a
    spreadsheet opening a dump shows such text instead of running it."""
    return "'" + cell if _FORMULA.match(cell) else cell


def restore(cell: str) -> str:
    """The cell as it was before ``neutralise``, so a dump imports back exactly."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell

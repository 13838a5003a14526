"""Our JSON format, both ways: the shape of ``cspo-viewer list --json`` plus ``evidence``.

A dump is ``{"format": "cspo-viewer/events", "version": 1, "title": ..., "events": [...]}``
with one event per line (diffs stay readable); a bare list, as ``list --json`` prints,
imports too. Events may cite sources as objects or, for sources already in the database,
by id (as ``db/src/events.json`` does). A file of up to ``MAX_JSON_BYTES`` is read whole
with ``json.loads`` (fastest, and its title may come anywhere); a larger one is streamed,
event by event (``jsonstream``), with its format and title before its events, as a dump
writes them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from cspo_viewer.data.interchange.htmltext import html_to_text
from cspo_viewer.data.interchange.jsonstream import JsonStream, long_number_sentence, too_large
from cspo_viewer.data.interchange.model import (
    MAX_JSON_BYTES,
    MAX_RECORD_CHARS,
    InterchangeError,
    Problem,
    RawEvent,
)
from cspo_viewer.data.interchange.textio import BOM, check_no_nul, not_utf8

_MIB = 1024 * 1024

FORMAT_MARKER = "cspo-viewer/events"
FORMAT_VERSION = 1


def json_type(value: Any) -> str:
    """How a JSON value is named in messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


class JsonDocumentReader:
    """What the JSON readers (ours and TimelineJS) share: the whole document, read and
    checked once (``load_document``), its events walked as often as the importer asks,
    the file's title and notes for the report."""

    format = ""

    def __init__(self, path: Path, fh: BinaryIO) -> None:
        self.path = path
        self.size = os.fstat(fh.fileno()).st_size
        self.document = load_document(path, fh, self.size)
        self.top_level_list = isinstance(self.document, list)
        if self.top_level_list:
            self.meta: dict[str, Any] = {}
            self.events: list[Any] = self.document
        elif isinstance(self.document, dict):
            self.meta = self.document
            events = self.document.get("events")
            if events is not None and not isinstance(events, list):
                raise InterchangeError(f'{path}: "events" must be a list of events')
            self.events = events or []
        else:
            raise InterchangeError(
                f"{path} is not valid JSON: a JSON file of events starts with '{{' or '['"
            )
        self.title: str | None = meta_title(self.meta.get("title"))
        self.notes: list[str] = []
        self.bytes_read = 0

    def elements(self) -> Iterator[tuple[str, Any]]:
        """``(where, value)`` for each element of the events list, with the progress
        (``bytes_read``) estimated from how many have been handed out."""
        count = len(self.events)
        large = self.size > MAX_RECORD_CHARS  # only then can one event be too large
        floors = [_counted_floor(value) for value in self.events] if large else []
        # What ``check_size`` counts of all events together is at most the file's size,
        # so one event counts at most the size less the others' floors.
        slack = self.size - sum(floors)
        for index, value in enumerate(self.events):
            where = f"events[{index}]"
            if large and slack + floors[index] > MAX_RECORD_CHARS and _may_be_too_large(value):
                check_size(self.path, where, value)
            self.bytes_read = self.size * (index + 1) // count
            yield where, value


class StreamedDocument:
    """What ``JsonDocumentReader`` gives, for a file too large to read whole: the
    top-level keys before the events list, then the events one at a time."""

    def __init__(self, path: Path, fh: BinaryIO) -> None:
        self.path = path
        self._stream = JsonStream(path, fh, "events")
        self._started = False
        self._stream.head()
        events = self.meta.get("events")
        if events is not None and not isinstance(events, list):
            raise InterchangeError(f'{path}: "events" must be a list of events')
        self.top_level_list = self._stream.top_level_list
        self.title: str | None = meta_title(self.meta.get("title"))

    @property
    def meta(self) -> dict[str, Any]:
        return self._stream.meta

    @property
    def bytes_read(self) -> int:
        return self._stream.bytes_read

    def elements(self) -> Iterator[tuple[str, Any]]:
        """``(where, value)`` for each event, read from the start of the file each time."""
        if self._started:
            self._stream.head()
        self._started = True
        for index, value in enumerate(self._stream.elements()):
            where = f"events[{index}]"
            if self._stream.span > MAX_RECORD_CHARS:  # only then can it be too large
                check_size(self.path, where, value)
            yield where, value
        if meta_title(self.meta.get("title")) != self.title:
            raise InterchangeError(
                f'{self.path}: its "title" comes after its events; in a JSON file over '
                f"{MAX_JSON_BYTES // _MIB} MiB it must come before them, as a dump writes it"
            )


class JsonReader:
    """``RawEvent``s from our JSON, read whole or, past ``MAX_JSON_BYTES``, streamed."""

    format = "json"

    def __init__(self, path: Path, fh: BinaryIO) -> None:
        self.path = path
        size = os.fstat(fh.fileno()).st_size
        self.document: JsonDocumentReader | StreamedDocument = (
            StreamedDocument(path, fh) if size > MAX_JSON_BYTES else JsonDocumentReader(path, fh)
        )
        self.title = self.document.title
        self.notes: list[str] = []

    @property
    def bytes_read(self) -> int:
        return self.document.bytes_read

    def __iter__(self) -> Iterator[RawEvent]:
        self._check_marker()
        if not self.document.top_level_list and "events" not in self.document.meta:
            raise InterchangeError(f'{self.path} holds no "events" list')
        for where, value in self.document.elements():
            yield raw_event(where, value)
        self._check_marker()  # a streamed file's may come after its events

    def _check_marker(self) -> None:
        marker = self.document.meta.get("format", FORMAT_MARKER)
        if marker != FORMAT_MARKER:
            raise InterchangeError(
                f"{self.path} says it is in format {marker!r}, not {FORMAT_MARKER!r}"
            )


def load_document(path: Path, fh: BinaryIO, size: int) -> Any:
    """The whole JSON document, from a file of at most ``MAX_JSON_BYTES``.

    Cheap checks come first, so that a binary or mis-encoded file is refused in a
    sentence before any parsing: NUL bytes (binary data, UTF-16) and invalid UTF-8, with
    the offset. The nesting depth is bounded by Python's recursion limit.
    """
    text = read_whole(
        path,
        fh,
        size,
        "JSON files are read whole",
        ": split it, or use CSV, which has no such limit",
    )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        what = (
            "unexpected text after the end of the document" if exc.msg == "Extra data" else exc.msg
        )
        raise InterchangeError(
            f"{path} is not valid JSON: {what} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise InterchangeError(f"{path}: its JSON is nested too deeply to be events") from None
    except ValueError as exc:  # e.g. an integer with 100,000 digits
        raise InterchangeError(_unreadable(path, text, exc)) from None


def _unreadable(path: Path, text: str, exc: ValueError) -> str:
    """The sentence for a value ``json`` refuses after parsing began (a long number)."""
    return long_number_sentence(path, text, exc)


def read_whole(path: Path, fh: BinaryIO, size: int, what: str, advice: str = "") -> str:
    """A file of at most ``MAX_JSON_BYTES`` as text, without a BOM: NUL bytes (binary data,
    UTF-16) and invalid UTF-8 refused in a sentence, with the offset, before any parsing."""
    if size > MAX_JSON_BYTES:
        raise InterchangeError(
            f"{path} is {size / _MIB:.0f} MiB; {what} and may be at most "
            f"{MAX_JSON_BYTES // _MIB} MiB{advice}"
        )
    data = fh.read(MAX_JSON_BYTES + 1)
    check_no_nul(data, path, 0)
    try:
        return data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc.start) from None


def _may_be_too_large(value: Any) -> bool:
    """Whether ``check_size`` must count: the value's ``repr``, made in C, holds every key
    and string of it whole (escapes only lengthen them), so it is at least as long as the
    text ``check_size`` counts, and a short one cannot be too large. (``repr`` takes two
    thirds of the time ``json.dumps`` took for the same bound.)"""
    try:
        return len(repr(value)) > MAX_RECORD_CHARS
    except (RecursionError, ValueError):
        return True


def _counted_floor(value: Any) -> int:
    """At most what ``check_size`` counts of ``value``, cheaply: an object's own keys and
    text values (a string: its length). The event's text in the file is at least this long."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(len(k) + (len(v) if v.__class__ is str else 0) for k, v in value.items())
    return 0


def check_size(path: Path, where: str, value: Any) -> None:
    """Refuse an event whose text adds up to more than ``MAX_RECORD_CHARS``: no real
    statement comes near it, and the database should not take it."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
            total += sum(map(len, item))
        elif isinstance(item, list):
            stack.extend(item)
        if total > MAX_RECORD_CHARS:
            raise InterchangeError(too_large(path, where))


def meta_title(value: Any) -> str | None:
    """A file's own title: a string, or TimelineJS's ``{"text": {"headline": ...}}``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        text = value.get("text")
        if isinstance(text, dict) and isinstance(text.get("headline"), str):
            return html_to_text(text["headline"]) or None
    return None


def raw_event(where: str, value: Any) -> RawEvent:
    """One element of ``events`` in our field names (the decoded object itself, so no copy).

    A missing or null ``sources`` means the file carries no sources, so the event will cite
    the file itself; an empty list is an event without sources, which is refused.
    """
    if not isinstance(value, dict):
        return RawEvent(where, {}, [Problem(where, f"must be an object, not {json_type(value)}")])
    if "nation_codes" in value:
        value["nations"] = value["nation_codes"]
        return RawEvent(where, value, aliases=_NATION_CODES)
    return RawEvent(where, value, aliases=_NO_ALIASES)


_NATION_CODES = {"nations": "nation_codes"}
_NO_ALIASES: dict[str, str] = {}


def write_json(records: Iterable[Mapping[str, Any]], out: TextIO, *, title: str) -> int:
    """Write our JSON, one event per line, streaming; return the number of events."""
    head = {"format": FORMAT_MARKER, "version": FORMAT_VERSION, "title": title}
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "events": [')
    n = 0
    for record in records:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(record, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n

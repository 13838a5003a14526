"""Our JSON format, both ways: the shape of ``cspo-viewer list --json`` plus ``evidence``.

A dump is ``{"format": "cspo-viewer/events", "version": 1, "title": ..., "events": [...]}``
with one event per line (diffs stay readable); a bare list, as ``list --json`` prints,
imports too. Events may cite sources as objects or, for sources already in the database,
by id (as ``db/src/events.json`` does).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from cspo_viewer.data.interchange.htmltext import html_to_text
from cspo_viewer.data.interchange.jsonstream import JsonStreamReader
from cspo_viewer.data.interchange.model import InterchangeError, Problem, RawEvent

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


class JsonReader(JsonStreamReader):
    """``RawEvent``s from our JSON, streamed; ``title`` is known once the reader has seen it."""

    format = "json"

    def __init__(self, path: Path, fh: BinaryIO) -> None:
        super().__init__(path, fh)
        self._events = 0

    def __iter__(self) -> Iterator[RawEvent]:
        saw_events = False
        for kind, key, value in self.stream.items():
            if kind == "event":
                saw_events = True
                self._events += 1
                yield raw_event(f"events[{key}]", value)
            elif key == "title":
                self.title = meta_title(value)
                self.title_after_events = saw_events
            elif key == "format" and value != FORMAT_MARKER:
                raise InterchangeError(
                    f"{self.path} says it is in format {value!r}, not {FORMAT_MARKER!r}"
                )
        if not saw_events and not self.stream.top_level_list:
            raise InterchangeError(f'{self.path} holds no "events" list')


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

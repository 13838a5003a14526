"""Which rows of a database written by another tool this code cannot use, and why.

Analysts edit the file with sqlite-utils, Datasette plugins or DB Browser, which store
whatever SQLite accepts: a date of ``2014-9-22``, a BLOB title, a tag naming a nation the
nations table lacks. The loaders in ``store`` and ``table`` ask here about each row they
read and leave out the rows that would break a view or a dump; ``db check`` reports the
same rules by event id. One set of rules, so every command and the window agree.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Container, Iterator, Sequence
from datetime import date
from typing import Any

from cspo_viewer.data.columns import EVENT_COLUMNS

EVENT_FIELDS = EVENT_COLUMNS[: EVENT_COLUMNS.index("evidence")]
"""The event columns the app reads, in table order (``evidence`` is not for display)."""
"""The event columns the loaders read, in the order their queries select them."""

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def valid_day(value: Any) -> bool:
    """A real YYYY-MM-DD day from 0001-01-01 on (what ``datetime.date`` and numpy both
    read the same way); not ``2014-9-22``, ``March 2025``, ``2025-02-30`` or a week date."""
    if type(value) is not str or not _DAY.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def has_blob(row: Sequence[Any]) -> bool:
    """Whether a row holds binary data (a BLOB) where text belongs."""
    return bytes in map(type, row)


class NotUtf8(bytes):
    """Stored text that is not valid UTF-8, kept as the bytes it is."""


def undecodable_as_bytes(value: bytes) -> str | bytes:
    """A connection's ``text_factory`` for reading past invalid UTF-8: text as ``str``, and
    bytes that do not decode as ``NotUtf8``, which the rules here leave out like a BLOB."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return NotUtf8(value)


@contextlib.contextmanager
def reading_undecodable(conn: sqlite3.Connection) -> Iterator[None]:
    """Read text that is not valid UTF-8 as ``NotUtf8`` bytes on ``conn`` meanwhile, which
    the rules here leave out with a note (only where a read needs it: the usual path keeps
    Python's own decoding, without a callback per value)."""
    conn.text_factory = undecodable_as_bytes
    try:
        yield
    finally:
        conn.text_factory = str


def _shown(value: Any) -> str:
    if isinstance(value, NotUtf8):
        return "bytes that are not valid UTF-8"
    return "binary data" if isinstance(value, bytes) else repr(value)


def event_problem(row: Sequence[Any], kinds: Container[str]) -> str | None:
    """Why this code cannot use an event row, or ``None``.

    ``row`` holds the first ``len(row)`` columns of ``EVENT_FIELDS``, at least up to
    ``kind``; ``kinds`` are the ids of the kinds table.
    """
    eid, day, _precision, end, title = row[:5]
    kind = row[6]
    if type(eid) is not str:
        return "its id is not text"
    if not valid_day(day):
        return f"its date {_shown(day)} is not a YYYY-MM-DD day"
    if end is not None:
        if not valid_day(end):
            return f"its end date {_shown(end)} is not a YYYY-MM-DD day"
        if end < day:
            return f"its end date {end} is before its date {day}"
    if type(title) is not str:
        return "its title is binary data, not text" if title is not None else "it has no title"
    for name, value in zip(EVENT_FIELDS, row, strict=False):
        if value is not None and type(value) is not str:
            return f"its {name.replace('_', ' ')} is {_shown(value)}, not text"
    if kind not in kinds:
        return f"its kind {kind!r} is not in the kinds table"
    return None


def sub_row_problem(what: str, row: Sequence[Any]) -> str | None:
    """Why a quote or source row cannot be shown (it is then left out of its event)."""
    if has_blob(row):
        return f"{what} {_shown(row[0]) if type(row[0]) is not str else row[0]} holds binary data"
    return None


def clean_text(text: str) -> str:
    """``text`` made safe to draw: the characters no XML or Qt text may carry replaced by
    U+FFFD, and bidirectional controls shown as what they are (``show_bidi_controls``).

    U+FFFE and U+FFFF are Unicode noncharacters and the C0 controls (bar tab and line
    breaks) are not allowed in XML 1.0, so a title holding one made an invalid SVG. The
    stored text stays as it is (dumps keep it exactly); this is for what is drawn.
    """
    if _BAD_CHARS.search(text) is None:
        return text
    return _XML_ILLEGAL.sub("\ufffd", show_bidi_controls(text))


def show_bidi_controls(text: str) -> str:
    """``text`` with each bidirectional control shown as its code point, "[U+202E]": the
    one rule for every place data text is drawn (window, exports, deck, briefing note).

    An override, embedding or isolate (U+202A-U+202E, U+2066-U+2069) reorders what follows
    it: "RTL override gnp.exe" was drawn as "exe.png edirrevo LTR", the "Trojan Source"
    trick. Shown visibly it reorders nothing, and the reader sees that it is there.
    """
    if BIDI_CONTROLS.search(text) is None:
        return text
    return BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""The bidirectional embeddings, overrides and isolates that reorder the text after them."""


def clean_texts(texts: Sequence[str]) -> list[str]:
    """``clean_text`` of each; one search over them all when none needs it (the common
    case, in C, where a call per text would cost a Python loop over 100,000 labels)."""
    if _BAD_CHARS.search("\t".join(texts)) is None:
        return list(texts)
    return [clean_text(t) for t in texts]


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BAD_CHARS = re.compile(f"[{_XML_ILLEGAL.pattern[1:-1]}{BIDI_CONTROLS.pattern[1:-1]}]")
"""What ``clean_text`` changes, found in one search (the common case finds nothing)."""

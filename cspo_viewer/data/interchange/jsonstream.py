"""Walk a JSON document's top level and its ``events`` array one element at a time.

``json.load`` on a 200 MB file holds the whole text and every object at once. Here a
buffer of about 1 MiB is decoded element by element with ``JSONDecoder.raw_decode`` (the C
scanner), so memory stays bounded by the largest single event, which is capped. Nesting
depth is bounded by the scanner's recursion limit, turned into a sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cspo_viewer.data.interchange.model import MAX_RECORD_CHARS, InterchangeError
from cspo_viewer.data.interchange.textio import text_chunks

_WS = re.compile(r"[ \t\n\r]*")
_COMMA = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_MIB = 1024 * 1024


class JsonStream:
    """Items of a JSON document: ``("meta", key, value)`` for top-level members other than
    ``events``, and ``("event", index, value)`` for each element of ``events`` (or of a
    top-level array). ``bytes_read`` tells progress."""

    def __init__(self, fh: BinaryIO, path: Path) -> None:
        self.path = path
        self._chunks = text_chunks(fh, path)
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._lines_before = 0  # newlines in text already dropped from the buffer
        self.bytes_read = 0
        self.top_level_list = False

    # --- buffer ---------------------------------------------------------------------
    def _fill(self) -> bool:
        """Append the next chunk, dropping what has been consumed; False at end of file."""
        if self._eof:
            return False
        text, self.bytes_read = next(self._chunks, ("", self.bytes_read))
        if not text:
            self._eof = True
        consumed = self._buf[: self._pos]
        self._lines_before += consumed.count("\n")
        self._buf = self._buf[self._pos :] + text
        self._pos = 0
        return not self._eof or bool(text)

    def _peek(self) -> str:
        """The next non-whitespace character, or "" at the end of the file."""
        while True:
            self._pos = _WS.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill() and self._pos >= len(self._buf):
                return ""

    def _expect(self, chars: str, context: str) -> str:
        c = self._peek()
        if c == "" or c not in chars:
            found = "the end of the file" if c == "" else repr(c)
            wanted = " or ".join(repr(x) for x in chars)
            raise self._syntax(f"expected {wanted} {context}, found {found}", self._pos)
        self._pos += 1
        return c

    def _line_col(self, pos: int) -> tuple[int, int]:
        line = self._lines_before + self._buf.count("\n", 0, pos) + 1
        col = pos - (self._buf.rfind("\n", 0, pos) + 1) + 1
        return line, col

    def _syntax(self, message: str, pos: int) -> InterchangeError:
        line, col = self._line_col(pos)
        return InterchangeError(
            f"{self.path} is not valid JSON: {message} (line {line}, column {col})"
        )

    # --- values ---------------------------------------------------------------------
    def _value(self, where: str, index: int | None = None) -> Any:
        """Decode one value at the cursor, reading more text while it is incomplete.

        ``where`` names the value in messages; with ``index``, it is ``where[index]``.
        """
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if not self._eof and _maybe_incomplete(exc, len(self._buf)):
                    self._grow(_name(where, index))
                    continue
                raise self._syntax(f"{exc.msg} in {_name(where, index)}", exc.pos) from None
            except RecursionError:
                raise InterchangeError(
                    f"{self.path}: {_name(where, index)} is nested too deeply to be an event"
                ) from None
            except ValueError as exc:  # e.g. an integer with 100,000 digits
                raise InterchangeError(
                    f"{self.path}: {_name(where, index)} holds an unreadable value ({exc})"
                ) from None
            if end >= len(self._buf) and not self._eof and not isinstance(value, dict | list | str):
                self._grow(_name(where, index))  # a number may go on in the next chunk
                continue
            self._pos = end
            return value

    def _grow(self, where: str) -> None:
        if len(self._buf) - self._pos > MAX_RECORD_CHARS:
            raise InterchangeError(
                f"{self.path}: {where} is larger than {MAX_RECORD_CHARS // _MIB} MiB; "
                "that is not an event (a damaged or hostile file?)"
            )
        self._fill()

    # --- structure ------------------------------------------------------------------
    def items(self) -> Iterator[tuple[str, Any, Any]]:
        c = self._peek()
        if c == "[":
            self.top_level_list = True
            yield from self._array("events")
        elif c == "{":
            yield from self._object()
        else:
            raise self._syntax("a JSON file of events starts with '{' or '['", self._pos)
        if self._peek() != "":
            raise self._syntax("unexpected text after the end of the document", self._pos)

    def _object(self) -> Iterator[tuple[str, Any, Any]]:
        self._pos += 1
        first = True
        while True:
            c = self._peek()
            if c == "}":
                self._pos += 1
                return
            if not first:
                self._expect(",", "between members of the top-level object")
            first = False
            if self._peek() != '"':
                self._expect('"', "(a member name)")
            key = self._value("a member name")
            self._expect(":", f"after {key!r}")
            if key == "events":
                if self._peek() != "[":
                    raise InterchangeError(f'{self.path}: "events" must be a list of events')
                yield from self._array("events")
            else:
                yield ("meta", key, self._value(key))

    def _array(self, name: str) -> Iterator[tuple[str, Any, Any]]:
        self._pos += 1
        index = 0
        while True:
            # Between elements, the usual ",\n" or ", " is stepped over in one match;
            # anything else (the end, a missing comma, the buffer's end) goes the long way.
            comma = _COMMA.match(self._buf, self._pos) if index else None
            if comma is not None and comma.end() < len(self._buf):
                self._pos = comma.end()
            else:
                c = self._peek()
                if c == "]":
                    self._pos += 1
                    return
                if c == "":
                    raise self._syntax(
                        f"the file ends inside the {name} list (truncated?)", self._pos
                    )
                if index:
                    self._expect(",", f"between elements of {name}")
            yield ("event", index, self._value(name, index))
            index += 1


def _name(where: str, index: int | None) -> str:
    return where if index is None else f"{where}[{index}]"


def _maybe_incomplete(exc: json.JSONDecodeError, buffer_len: int) -> bool:
    """Did decoding fail only because the value goes on past the buffer?"""
    return exc.pos >= buffer_len - 16 or exc.msg.startswith("Unterminated string")


class JsonStreamReader:
    """What the streamed JSON readers (ours and TimelineJS) share: the stream, the file's
    title once seen (it may come after the events), and notes for the report."""

    format = ""

    def __init__(self, path: Path, fh: BinaryIO) -> None:
        self.path = path
        self.stream = JsonStream(fh, path)
        self.title: str | None = None
        self.title_after_events = False
        self.notes: list[str] = []

    @property
    def bytes_read(self) -> int:
        return self.stream.bytes_read

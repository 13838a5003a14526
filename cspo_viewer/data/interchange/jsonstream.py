"""A JSON document of events read incrementally: its top-level keys, then one list's
elements one at a time, so that a file of any size is never held whole.

Each value (a top-level key's, or one element of the list) is decoded by the standard
library's ``json`` decoder from a buffer that holds little more than that value, so the
sentences for bad input are those of a whole read: the line and column of a syntax error
in the file, "nested too deeply" (the decoder's recursion limit, where a streaming
tokenizer would build ever longer paths), a number too long to convert, invalid UTF-8 or
a NUL byte with its offset. A value that grows past ``MAX_VALUE_CHARS`` unfinished is
refused before it is held: no event is that large.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cspo_viewer.data.interchange.model import MAX_RECORD_CHARS, InterchangeError
from cspo_viewer.data.interchange.textio import BOM, CHUNK_BYTES, check_no_nul, not_utf8

MAX_VALUE_CHARS = 2 * MAX_RECORD_CHARS
"""A value still unfinished after this much text is refused as too large; one that ends
sooner is measured exactly by the reader (``check_size``)."""
_SLACK = 64
"""A value that ends this close to the end of what has been read may go on after it."""
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def too_large(path: Path, where: str) -> str:
    """The sentence for a value larger than an event may be."""
    return (
        f"{path}: {where} is larger than {MAX_RECORD_CHARS // (1024 * 1024)} MiB; "
        "that is not an event (a damaged or hostile file?)"
    )


def long_number_sentence(path: Path, text: str, exc: ValueError, lines_before: int = 0) -> str:
    """The sentence for a value ``json`` refuses after parsing began: a number longer than
    Python converts (its message ended "use sys.set_int_max_str_digits()"), by line."""
    limit = sys.get_int_max_str_digits()
    long_number = re.search(rf"\d{{{limit + 1},}}", text) if limit else None
    if long_number is None:
        return f"{path} holds a value that cannot be read ({exc})"
    line = lines_before + text.count("\n", 0, long_number.start()) + 1
    return (
        f"{path} holds a number of {len(long_number.group()):,} digits on line {line}, "
        f"longer than the {limit:,} digits a number may have here"
    )


class JsonStream:
    """The document at ``fh``: ``head()`` reads the top-level keys up to the list named
    ``key`` (or the document's own list); ``elements()`` then yields that list's elements
    and reads the keys after it into ``meta``. ``bytes_read`` is how far the file has
    been read, for progress."""

    def __init__(self, path: Path, fh: BinaryIO, key: str) -> None:
        self.path = path
        self._fh = fh
        self._key = key
        self.meta: dict[str, Any] = {}
        self.top_level_list = False
        self.has_list = False
        self.bytes_read = 0
        self.span = 0
        """The length of the text of the value read last."""
        self._buf = ""
        self._pos = 0
        self._dropped = 0  # characters dropped before the buffer, for columns
        self._lines = 0  # line breaks in them
        self._line_start = 0  # where the line after the last of them starts
        self._eof = False
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    # --- the document -------------------------------------------------------------------
    def head(self) -> None:
        """Read from the start up to the first element of the list (or the end)."""
        self._fh.seek(0)
        self.__init__(self.path, self._fh, self._key)  # type: ignore[misc]  # from the start
        while not self._buf and not self._eof:
            self._fill()
        self._buf = self._buf.removeprefix(BOM)  # not counted in columns, as in a whole read
        first = self._next_char("Expecting value")
        if first == "[":
            self._pos += 1
            self.top_level_list = self.has_list = True
            return
        if first != "{":
            raise InterchangeError(
                f"{self.path} is not valid JSON: a JSON file of events starts with '{{' or '['"
            )
        self._pos += 1
        self._keys(first=True)

    def elements(self) -> Iterator[Any]:
        """The list's elements, in order; then the rest of the document is read."""
        if self.has_list:
            if self._next_char("Expecting value") == "]":
                self._pos += 1
            else:
                index = 0
                while True:
                    yield self._value(f"{self._key}[{index}]")
                    index += 1
                    if self._closed_after_item("]"):
                        break
                    self._next_char("Expecting value")
        if self.has_list and not self.top_level_list:  # the keys after the list
            self._keys(first=False)
        self._next_char(None)
        if self._pos < len(self._buf):
            self._syntax("unexpected text after the end of the document", self._pos)

    def _keys(self, *, first: bool) -> None:
        """Top-level ``"key": value`` pairs into ``meta``, up to the list or the end."""
        if not first:
            if self._closed_after_item("}"):
                return
        elif self._next_char("Expecting property name enclosed in double quotes") == "}":
            self._pos += 1
            return
        while True:
            if self._next_char("Expecting property name enclosed in double quotes") != '"':
                self._syntax("Expecting property name enclosed in double quotes", self._pos)
            name = self._value("a key")
            if self._next_char("Expecting ':' delimiter") != ":":
                self._syntax("Expecting ':' delimiter", self._pos)
            self._pos += 1
            if name == self._key and self._next_char("Expecting value") == "[":
                self._pos += 1
                self.has_list = True
                self.meta[name] = []
                return
            self.meta[name] = self._value(f'"{name}"')
            if self._closed_after_item("}"):
                return

    def _closed_after_item(self, closer: str) -> bool:
        """Past the ``,`` or ``closer`` after an item: True at ``closer``; anything else
        is the decoder's "Expecting ',' delimiter" at that character."""
        sep = self._next_char("Expecting ',' delimiter")
        self._pos += 1
        if sep == closer:
            return True
        if sep != ",":
            self._syntax("Expecting ',' delimiter", self._pos - 1)
        return False

    # --- values -------------------------------------------------------------------------
    def _value(self, where: str) -> Any:
        """The value at the current position, decoded once enough of it has been read.

        A value that ends (or fails) near the end of what has been read may only be cut
        by the read (a number, ``tru``, a string): it is decoded again with more text.
        """
        self._next_char("Expecting value")
        start = self._pos
        while True:
            near_end = len(self._buf) - _SLACK
            try:
                value, end = _DECODER.raw_decode(self._buf, start)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= near_end or exc.msg.startswith("Unterminated")
                if self._eof or not cut:
                    self._syntax(exc.msg, exc.pos)
            except RecursionError:
                raise InterchangeError(
                    f"{self.path}: its JSON is nested too deeply to be events"
                ) from None
            except ValueError as exc:  # e.g. an integer with 100,000 digits
                if self._eof:
                    line = self._line_col(start)[0] - 1
                    raise InterchangeError(
                        long_number_sentence(self.path, self._buf[start:], exc, line)
                    ) from None
            else:
                if self._eof or end < near_end:
                    self._pos = end
                    self.span = end - start
                    return value
            self._read_more(start, where)
            start = self._pos  # the buffer may have dropped what came before the value

    def _read_more(self, start: int, where: str) -> None:
        """More of the file, for the value that starts at ``start``."""
        if len(self._buf) - start > MAX_VALUE_CHARS:
            raise InterchangeError(too_large(self.path, where))
        self._compact(start)
        self._fill(len(self._buf))

    # --- the buffer ---------------------------------------------------------------------
    def _next_char(self, expecting: str | None) -> str:
        """The next character that is not whitespace, reading on as needed; at the end of
        the file, a syntax error ``expecting`` (or "" when ``expecting`` is None)."""
        while True:
            self._pos = _WHITESPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if self._eof:
                if expecting is None:
                    return ""
                self._syntax(expecting, self._pos)
            self._compact(self._pos)
            self._fill()

    def _compact(self, keep_from: int) -> None:
        """Drop what has been read before ``keep_from``, counting its line breaks."""
        if keep_from < CHUNK_BYTES:
            return
        dropped = self._buf[:keep_from]
        breaks = dropped.count("\n")
        if breaks:
            self._lines += breaks
            self._line_start = self._dropped + dropped.rindex("\n") + 1
        self._dropped += keep_from
        self._buf = self._buf[keep_from:]
        self._pos -= keep_from

    def _fill(self, at_least: int = 0) -> None:
        """Read the next chunk (at least doubling a buffer that holds one unfinished value,
        so that a large value is decoded a few times, not once per chunk)."""
        want = max(CHUNK_BYTES, at_least)
        data = self._fh.read(want)
        check_no_nul(data, self.path, self.bytes_read)
        pending = len(self._decoder.getstate()[0])
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise not_utf8(self.path, self.bytes_read - pending + exc.start) from None
        self.bytes_read += len(data)
        self._buf += text
        self._eof = not data

    def _line_col(self, pos: int) -> tuple[int, int]:
        """Line and column (from 1) of buffer position ``pos`` in the whole file, as
        ``json`` counts them (a BOM counts as a column, as it does there)."""
        breaks = self._buf.count("\n", 0, pos)
        line = self._lines + breaks + 1
        if breaks:
            return line, pos - self._buf.rindex("\n", 0, pos)
        return line, self._dropped + pos - self._line_start + 1

    def _syntax(self, message: str, pos: int) -> None:
        line, col = self._line_col(pos)
        raise InterchangeError(
            f"{self.path} is not valid JSON: {message} (line {line}, column {col})"
        )

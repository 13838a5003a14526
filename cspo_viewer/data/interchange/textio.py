"""Reading a file that might be anything: refuse binary and non-UTF-8 early, in bounded memory.

The importer must give a clear sentence, write nothing and never hang on a file that is not
what it claims (an image renamed ``.csv``, a UTF-16 export, a file with NUL bytes).
"""

from __future__ import annotations

import codecs
import io
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from cspo_viewer.data.interchange.model import MAX_RECORD_CHARS, InterchangeError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 1 << 20
BOM = "\ufeff"


def open_binary(path: Path) -> BinaryIO:
    """Open ``path`` for reading, turning OS errors into one sentence."""
    if path.is_dir():
        raise InterchangeError(f"{path} is a folder, not a file")
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InterchangeError(f"{path} does not exist") from None
    except PermissionError:
        raise InterchangeError(f"{path} cannot be read (permission denied)") from None
    except OSError as exc:
        raise InterchangeError(f"{path} cannot be read ({exc.strerror})") from None


def sniff(path: Path) -> str:
    """The first 64 KiB as text (without a BOM), after checking that the file is UTF-8 text.

    A NUL byte means binary data or UTF-16; invalid UTF-8 means another encoding. Both are
    refused with a sentence that says what to do.
    """
    with open_binary(path) as fh:
        return sniff_open(fh, path)


def sniff_open(fh: BinaryIO, path: Path) -> str:
    """``sniff`` of an open file, which is then rewound for the reader."""
    head = fh.read(SNIFF_BYTES)
    fh.seek(0)
    if not head:
        raise InterchangeError(f"{path} is empty")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InterchangeError(f"{path} is UTF-16 text; save it as UTF-8 and import again")
    check_no_nul(head, path, 0)
    return decode_head(head, path)


STDIN = Path("-")
"""``import -`` reads standard input."""


def open_input(path: Path) -> BinaryIO:
    """The file to import, open and seekable, its content read exactly once.

    Detection and the readers look at a file more than once (the head, then the events,
    then again to write them), which a pipe cannot give: reading a FIFO or standard
    input (``-``, ``/dev/stdin``) a second time would wait forever for data already
    consumed. Such input is copied once into an anonymous temporary file, removed when
    closed; a regular file is read where it is.
    """
    if path == STDIN:
        return _spooled(sys.stdin.buffer, path)
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except OSError:
        regular = True  # open_binary says what is wrong
    if regular:
        return open_binary(path)
    with open_binary(path) as fh:
        return _spooled(fh, path)


def _spooled(source: BinaryIO, path: Path) -> BinaryIO:
    copy = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
    try:
        shutil.copyfileobj(source, copy, CHUNK_BYTES)
    except OSError as exc:
        copy.close()
        raise InterchangeError(f"{path} cannot be read ({exc.strerror})") from None
    copy.seek(0)
    return copy


def check_no_nul(data: bytes, path: Path, offset: int) -> None:
    at = data.find(b"\x00")
    if at >= 0:
        raise InterchangeError(
            f"{path} is not a text file (it contains a NUL byte at offset {offset + at})"
        )


def decode_head(head: bytes, path: Path) -> str:
    """Decode the start of a file; a multi-byte character cut by the 64 KiB limit is fine."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc.start) from None
    return text[1:] if text.startswith(BOM) else text


def not_utf8(path: Path, offset: int) -> InterchangeError:
    return InterchangeError(
        f"{path} is not UTF-8 text (invalid byte at offset {offset}); "
        "save it as UTF-8 (CSV UTF-8 in a spreadsheet) and import again"
    )


class CountingReader(io.RawIOBase):
    """A raw reader that refuses NUL bytes and counts what it has read, for progress."""

    def __init__(self, fh: BinaryIO, path: Path) -> None:
        self._fh = fh
        self._path = path
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        """Reads through ``read`` (any binary file has it; ``readinto`` is not part of
        ``BinaryIO``) and checks the bytes before handing them on."""
        view = memoryview(buffer).cast("B")
        data = self._fh.read(len(view))
        n = len(data)
        if n:
            check_no_nul(data, self._path, self.count)
            view[:n] = data
            self.count += n
        return n


def bounded_lines(text: io.TextIOBase, path: Path, offset: Callable[[], int]) -> Iterator[str]:
    """Lines of at most ``MAX_RECORD_CHARS``: a 200 MB file with no line break must not be
    read into one string before the CSV reader can object."""
    while True:
        try:
            line = text.readline(MAX_RECORD_CHARS + 1)
        except UnicodeDecodeError as exc:
            raise not_utf8(path, max(0, offset() - len(exc.object) + exc.start)) from None
        if not line:
            return
        if len(line) > MAX_RECORD_CHARS:
            raise InterchangeError(
                f"{path} has a line longer than {MAX_RECORD_CHARS // (1024 * 1024)} MiB; "
                "it is not a CSV file of events"
            )
        yield line

"""Writing an output file so that it is either whole or absent (no Qt).

Every file the program writes (a dump, a built database, a screenshot, an export) goes
through ``replacing``: the bytes go to a temporary file in the target's own folder (so the
final rename stays on one file system), are flushed to disk, get the mode the target had
(or a new file's usual mode under the umask, not ``mkstemp``'s 0600), and only then are
renamed over the target, and the folder is flushed so the rename survives a power cut.
A failure at any point leaves the target as it was and removes the temporary.

A target that is a symbolic link stays a link: the file it points to is replaced. (This is
for output files, which are replaced whole; databases are written in place through SQLite's
own journal, never through here.)
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cspo_viewer.errors import UserError


class OutputError(UserError):
    """A file that cannot be written; the message is one sentence for the user."""


def check_folder(target: str | os.PathLike[str]) -> None:
    """Refuse, in one sentence, a target whose folder is missing or not writable, before
    any work is spent on what would go in it."""
    folder = _real(Path(target)).parent
    if not folder.is_dir():
        raise OutputError(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"cannot write to {folder}: permission denied")


def output_error(target: str | os.PathLike[str], exc: OSError) -> OutputError:
    """The sentence for an ``OSError`` met while writing ``target`` (disk full, say)."""
    reason = exc.strerror or str(exc)
    return OutputError(f"could not write {target}: {reason}; nothing was written")


@contextlib.contextmanager
def replacing(target: str | os.PathLike[str], suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; when the block succeeds, rename the
    finished file over ``target``. ``OSError`` passes through (see ``output_error``)."""
    final = _real(Path(target))
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=suffix, dir=final.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        mode = _mode_for(final)
        _fsync_file(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, final)
        _fsync_folder(final.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def open_replacing(
    target: str | os.PathLike[str], mode: str = "w", **kwargs: Any
) -> Iterator[IO[Any]]:
    """``open`` for writing through ``replacing``: the file appears only once closed whole."""
    with replacing(target) as tmp, tmp.open(mode, **kwargs) as fh:
        yield fh


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``target`` with ``data``."""
    with replacing(target) as tmp:
        tmp.write_bytes(data)


def _real(path: Path) -> Path:
    """The file a symbolic link points to (so the link survives); other paths as given."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _mode_for(target: Path) -> int:
    """The replaced file's permission bits, or what a new file gets under the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot sync a folder."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

"""Pieces every command shares: the ``--db`` option and opening the chosen database."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from cspo_viewer import paths
from cspo_viewer.data.store import Store, open_store
from cspo_viewer.data.usable import show_bidi_controls


def add_db_argument(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS if suppress else None,
        metavar="PATH",
        help="database file (default: the bundled CSpO database)",
    )


def add_label_argument(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--label ID``, repeatable: the events always named (pinned) on the timeline, for
    ``export`` and for the views ``views save`` stores."""
    parser.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="ID",
        help="always name this event on the timeline (repeatable)",
    )


def db_path(args: argparse.Namespace) -> Path:
    return getattr(args, "db", None) or paths.bundled_db_path()


_opened: list[Store] = []


def open_from_args(args: argparse.Namespace, *, writable: bool = False) -> Store:
    """Open ``--db`` (or the bundled database); raises ``DatabaseError`` with one sentence.

    The store is remembered so that ``skipped_notes`` can say, once the command is done,
    which rows of a foreign-written database it left out.
    """
    store = open_store(db_path(args), writable=writable)
    _opened.append(store)
    return store


def skipped_notes() -> list[str]:
    """One line per database opened by this command that held rows it could not use."""
    notes = [note for store in _opened if (note := store.skipped_note())]
    _opened.clear()
    return notes


_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Terminal control characters: from a database they must not reach the terminal (an
escape sequence in a title could retitle the window or hide the text after it)."""


def terminal_text(text: str | None, *, one_line: bool = False) -> str:
    """Stored text made safe to print: controls become U+FFFD, bidirectional controls
    are shown (``usable.show_bidi_controls``), and with ``one_line`` line breaks and tabs
    become spaces."""
    shown = show_bidi_controls(_TERMINAL_CONTROL.sub("\ufffd", text or ""))
    return " ".join(shown.split()) if one_line else shown
